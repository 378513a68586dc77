// SPDX-License-Identifier: GPL-2.0
/*
 * omcore: the node map, this node's identity, the peer links and their
 * RPC, the cluster view, and the "openmosix" generic netlink family that
 * userspace reaches them through.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "identity.h"
#include "link.h"
#include "map.h"
#include "netlink.h"
#include "rpc.h"
#include "view.h"

#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/openmosix.h>

static int __init om_core_init(void)
{
	int err;

	err = om_map_init();
	if (err)
		return err;
	err = om_identity_init();
	if (err)
		goto err_uninit_map;
	err = om_links_init();
	if (err)
		goto err_uninit_identity;
	err = om_rpc_init();
	if (err)
		goto err_uninit_links;
	err = om_view_init();
	if (err)
		goto err_uninit_rpc;
	err = om_genl_init();
	if (err)
		goto err_uninit_view;
	pr_info("openMosix-NG core " OM_VERSION "\n");
	return 0;

err_uninit_view:
	om_view_uninit();
err_uninit_rpc:
	om_rpc_uninit();
err_uninit_links:
	om_links_uninit();
err_uninit_identity:
	om_identity_uninit();
err_uninit_map:
	om_map_uninit();
	return err;
}

/* The family first: no command may start while the rest is taken down. */
static void __exit om_core_exit(void)
{
	om_genl_uninit();
	om_links_uninit();
	om_view_uninit();
	om_rpc_uninit();
	om_identity_uninit();
	om_map_uninit();
}

module_init(om_core_init);
module_exit(om_core_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("openMosix-NG core: node map and control interface");
MODULE_AUTHOR("openMosix-NG developers");
MODULE_VERSION(OM_VERSION);
MODULE_ALIAS_GENL_FAMILY(OM_GENL_NAME);
