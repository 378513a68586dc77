/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The node map: which node ids exist and at which addresses they are
 * reached. A map is immutable once published; replacing it publishes a new
 * one under RCU, so readers never see half a map.
 */
#ifndef _OM_MAP_H
#define _OM_MAP_H

#include <linux/in6.h>
#include <linux/kref.h>
#include <linux/rcupdate.h>
#include <linux/socket.h>
#include <linux/types.h>

struct netlink_ext_ack;

struct om_addr {
	sa_family_t family;		/* AF_INET or AF_INET6 */
	union {
		__be32 v4;
		struct in6_addr v6;
	};
};

struct om_node {
	u16 id;
	u16 naddrs;
	u32 first;			/* index of its own address in addrs[] */
};

struct om_map {
	struct kref ref;
	struct rcu_head rcu;
	u64 generation;
	u32 nnodes;
	u32 naddrs;
	struct om_node *nodes;		/* sorted by id */
	struct om_addr *addrs;		/* per node: own address, then aliases */
};

struct om_map *om_map_alloc(u32 nnodes, u32 naddrs);
int om_map_sort_and_check(struct om_map *map, struct netlink_ext_ack *extack);
void om_map_replace(struct om_map *map,
		    void (*published)(const struct om_map *map, void *arg),
		    void *arg);
bool om_addr_usable(const struct om_addr *a);
int om_addr_cmp(const void *a, const void *b);
const struct om_node *om_map_find(const struct om_map *map, u16 id);

struct om_map *om_map_get(void);
const struct om_map *om_map_peek(void);
void om_map_put(struct om_map *map);

static inline const struct om_addr *om_node_addr(const struct om_map *map,
						 const struct om_node *node,
						 u16 i)
{
	return &map->addrs[node->first + i];
}

int om_map_init(void);
void om_map_uninit(void);

#endif /* _OM_MAP_H */
