// SPDX-License-Identifier: GPL-2.0
#include "identity.h"
#include "map.h"

#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/bsearch.h>
#include <linux/netlink.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <net/ipv6.h>
#include <openmosix/omcore.h>
#include <uapi/linux/openmosix.h>

static struct om_map __rcu *om_map_current;
static DEFINE_MUTEX(om_map_lock);	/* serialises om_map_replace() */
static atomic_t om_maps_alive = ATOMIC_INIT(0);	/* catches a lost put */

/* One allocation holds the header and both arrays, so one kvfree frees all. */
struct om_map *om_map_alloc(u32 nnodes, u32 naddrs)
{
	size_t nodes_sz = array_size(nnodes, sizeof(struct om_node));
	size_t addrs_sz = array_size(naddrs, sizeof(struct om_addr));
	size_t size = size_add(size_add(sizeof(struct om_map), nodes_sz),
			       addrs_sz);
	struct om_map *map;

	map = kvzalloc(size, GFP_KERNEL);
	if (!map)
		return NULL;
	kref_init(&map->ref);
	atomic_inc(&om_maps_alive);
	map->nnodes = nnodes;
	map->naddrs = naddrs;
	map->nodes = (struct om_node *)(map + 1);
	map->addrs = (struct om_addr *)((u8 *)map->nodes + nodes_sz);
	return map;
}

static void om_map_release(struct kref *ref)
{
	struct om_map *map = container_of(ref, struct om_map, ref);

	atomic_dec(&om_maps_alive);
	/* om_map_get() may still be looking at it under rcu_read_lock(). */
	kvfree_rcu(map, rcu);
}

void om_map_put(struct om_map *map)
{
	if (map)
		kref_put(&map->ref, om_map_release);
}

/* The current map with a reference held; never NULL while loaded. */
struct om_map *om_map_get(void)
{
	struct om_map *map;

	rcu_read_lock();
	do {
		map = rcu_dereference(om_map_current);
	} while (!kref_get_unless_zero(&map->ref));
	rcu_read_unlock();
	return map;
}

static int om_node_cmp(const void *a, const void *b)
{
	const struct om_node *x = a, *y = b;

	return (int)x->id - (int)y->id;
}

/* The node with id @id in @map, or NULL. */
const struct om_node *om_map_find(const struct om_map *map, u16 id)
{
	struct om_node key = { .id = id };

	return bsearch(&key, map->nodes, map->nnodes, sizeof(key), om_node_cmp);
}

int om_addr_cmp(const void *a, const void *b)
{
	const struct om_addr *x = a, *y = b;

	if (x->family != y->family)
		return (int)x->family - (int)y->family;
	if (x->family == AF_INET)
		return memcmp(&x->v4, &y->v4, sizeof(x->v4));
	return memcmp(&x->v6, &y->v6, sizeof(x->v6));
}

/*
 * Whether peers can reach a node at @a. Link-local addresses are refused:
 * without an interface they name no host, and they repeat across links.
 */
bool om_addr_usable(const struct om_addr *a)
{
	if (a->family == AF_INET)
		return !ipv4_is_zeronet(a->v4) && !ipv4_is_multicast(a->v4) &&
		       !ipv4_is_lbcast(a->v4) && !ipv4_is_loopback(a->v4) &&
		       !ipv4_is_linklocal_169(a->v4);
	return !ipv6_addr_any(&a->v6) && !ipv6_addr_is_multicast(&a->v6) &&
	       !ipv6_addr_loopback(&a->v6) && !ipv6_addr_v4mapped(&a->v6) &&
	       !(ipv6_addr_type(&a->v6) & IPV6_ADDR_LINKLOCAL);
}

/* An address used twice would make two nodes claim one peer. */
static int om_map_check_addrs(const struct om_map *map,
			      struct netlink_ext_ack *extack)
{
	struct om_addr *sorted;
	u32 i;
	int err = 0;

	sorted = kvmalloc_array(map->naddrs, sizeof(*sorted), GFP_KERNEL);
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, map->addrs, array_size(map->naddrs, sizeof(*sorted)));
	sort(sorted, map->naddrs, sizeof(*sorted), om_addr_cmp, NULL);
	for (i = 1; i < map->naddrs; i++) {
		if (!om_addr_cmp(&sorted[i - 1], &sorted[i])) {
			NL_SET_ERR_MSG(extack, "an address appears twice in the map");
			err = -EINVAL;
			break;
		}
	}
	kvfree(sorted);
	return err;
}

/*
 * Readers find nodes by id and dumps list them in id order; sorting also
 * puts duplicates side by side.
 */
int om_map_sort_and_check(struct om_map *map, struct netlink_ext_ack *extack)
{
	u32 i;

	sort(map->nodes, map->nnodes, sizeof(*map->nodes), om_node_cmp, NULL);
	for (i = 1; i < map->nnodes; i++) {
		if (map->nodes[i - 1].id == map->nodes[i].id) {
			NL_SET_ERR_MSG(extack, "a node id appears twice in the map");
			return -EINVAL;
		}
	}
	return om_map_check_addrs(map, extack);
}

/*
 * Publishes @map as the next generation, taking over the caller's
 * reference. @published runs under the lock, so that what it announces
 * about each map goes out in generation order; @map lives until it returns.
 */
void om_map_replace(struct om_map *map,
		    void (*published)(const struct om_map *map, void *arg),
		    void *arg)
{
	struct om_map *old;

	mutex_lock(&om_map_lock);
	old = rcu_dereference_protected(om_map_current,
					lockdep_is_held(&om_map_lock));
	map->generation = old->generation + 1;
	rcu_assign_pointer(om_map_current, map);
	om_self_invalidate();
	published(map, arg);
	mutex_unlock(&om_map_lock);
	om_map_put(old);
}

/* The current map, for a reader inside rcu_read_lock(); NULL after unload. */
const struct om_map *om_map_peek(void)
{
	return rcu_dereference(om_map_current);
}

bool om_node_in_map(u16 id)
{
	const struct om_map *map;
	bool found;

	rcu_read_lock();
	map = om_map_peek();
	found = map && om_map_find(map, id);
	rcu_read_unlock();
	return found;
}
EXPORT_SYMBOL_GPL(om_node_in_map);

bool om_map_next_node(u32 from, u16 *id)
{
	const struct om_map *map;
	u32 lo = 0, hi;
	bool found;

	rcu_read_lock();
	map = om_map_peek();
	hi = map ? map->nnodes : 0;
	while (lo < hi) {		/* the first node whose id >= from */
		u32 mid = lo + (hi - lo) / 2;

		if (map->nodes[mid].id < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	found = map && lo < map->nnodes;
	if (found)
		*id = map->nodes[lo].id;
	rcu_read_unlock();
	return found;
}
EXPORT_SYMBOL_GPL(om_map_next_node);

int om_map_init(void)
{
	struct om_map *empty = om_map_alloc(0, 0);

	if (!empty)
		return -ENOMEM;
	RCU_INIT_POINTER(om_map_current, empty);
	return 0;
}

/* Runs after the netlink family is gone, so nobody can hold a map. */
void om_map_uninit(void)
{
	struct om_map *map = rcu_dereference_protected(om_map_current, true);

	RCU_INIT_POINTER(om_map_current, NULL);
	om_map_put(map);
	WARN(atomic_read(&om_maps_alive), "omcore: %d node maps leaked\n",
	     atomic_read(&om_maps_alive));
}
