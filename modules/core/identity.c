// SPDX-License-Identifier: GPL-2.0
#include "identity.h"
#include "map.h"

#include <linux/compiler.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <net/addrconf.h>
#include <net/net_namespace.h>
#include <net/route.h>

/* 0 while the id is derived from the local addresses. */
static u16 om_explicit_id;

void om_identity_set(u16 id)
{
	WRITE_ONCE(om_explicit_id, id);
}

static bool om_addr_is_local(const struct om_addr *a)
{
	if (a->family == AF_INET)
		return inet_addr_type(&init_net, a->v4) == RTN_LOCAL;
	/* With ipv6.disable=1 the address tables do not exist. */
	return ipv6_mod_enabled() && ipv6_chk_addr(&init_net, &a->v6, NULL, 0);
}

static bool om_node_is_local(const struct om_map *map,
			     const struct om_node *node)
{
	u16 i;

	for (i = 0; i < node->naddrs; i++)
		if (om_addr_is_local(om_node_addr(map, node, i)))
			return true;
	return false;
}

/*
 * Addresses come and go after a map is loaded, so the id is looked up
 * each time instead of being fixed at load. Two nodes that both look local
 * mean a wrong map; rather no id than a wrong one.
 */
u16 om_identity(const struct om_map *map, enum om_self_source *source)
{
	u16 id = READ_ONCE(om_explicit_id);
	u32 i;

	if (id) {
		*source = OM_SELF_EXPLICIT;
		return id;
	}
	*source = OM_SELF_NONE;
	for (i = 0; i < map->nnodes; i++) {
		if (!om_node_is_local(map, &map->nodes[i]))
			continue;
		if (id) {
			*source = OM_SELF_AMBIGUOUS;
			return 0;
		}
		id = map->nodes[i].id;
		*source = OM_SELF_ADDRESS;
	}
	return id;
}
