// SPDX-License-Identifier: GPL-2.0
/*
 * omfs: the mfs cluster file system. `mount -t mfs mfs_mnt /mfs` shows
 * every node of the map as /mfs/<id>/ and the calling process's nodes as
 * /mfs/here, home, magic, lastexec and selected.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "omfs.h"
#include "remote.h"
#include "srv.h"

#include <linux/module.h>

static int __init omfs_init(void)
{
	int err;

	err = omfs_task_init();
	if (err)
		return err;
	err = omfs_remote_init();
	if (err)
		goto err_task;
	err = omfs_srv_init();
	if (err)
		goto err_remote;
	/* Last: nothing can mount a half-made module. */
	err = omfs_super_init();
	if (err)
		goto err_srv;
	pr_info("openMosix-NG file system " OM_VERSION "\n");
	return 0;

err_srv:
	omfs_srv_exit();
err_remote:
	omfs_remote_exit();
err_task:
	omfs_task_exit();
	return err;
}

/* No superblock exists: each holds the module (file_system_type.owner). */
static void __exit omfs_exit(void)
{
	omfs_super_exit();
	omfs_srv_exit();
	omfs_remote_exit();
	omfs_task_exit();
}

module_init(omfs_init);
module_exit(omfs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("openMosix-NG mfs cluster file system");
MODULE_AUTHOR("openMosix-NG developers");
MODULE_VERSION(OM_VERSION);
