// SPDX-License-Identifier: GPL-2.0
#include "identity.h"
#include "map.h"

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/in.h>
#include <linux/inetdevice.h>
#include <linux/ipv6.h>
#include <linux/notifier.h>
#include <linux/rcupdate.h>
#include <net/addrconf.h>
#include <net/net_namespace.h>
#include <net/route.h>
#include <openmosix/omcore.h>

/* 0 while the id is derived from the local addresses. */
static u16 om_explicit_id;

/*
 * om_self_id() is asked on every path walk through /mfs, far too often to
 * test every address of the map each time. Its answer is cached with the
 * epoch it was computed in; whatever can change the answer (a new map, an
 * explicit id, a local address added or removed) starts a new epoch.
 */
static atomic_t om_self_epoch = ATOMIC_INIT(1);
static atomic64_t om_self_cache;	/* epoch << 16 | id; 0: none yet */

void om_self_invalidate(void)
{
	atomic_inc(&om_self_epoch);
}

void om_identity_set(u16 id)
{
	WRITE_ONCE(om_explicit_id, id);
	om_self_invalidate();
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

u16 om_self_id(void)
{
	u32 epoch = atomic_read(&om_self_epoch);
	u64 cached = atomic64_read(&om_self_cache);
	enum om_self_source source;
	const struct om_map *map;
	u16 id = 0;

	if (cached && cached >> 16 == epoch)
		return cached & 0xffff;
	/*
	 * Computed against the epoch read first: if it moved meanwhile, the
	 * entry stored here is already stale and the next caller recomputes.
	 */
	rcu_read_lock();
	map = om_map_peek();
	if (map)
		id = om_identity(map, &source);
	rcu_read_unlock();
	atomic64_set(&om_self_cache, (u64)epoch << 16 | id);
	return id;
}
EXPORT_SYMBOL_GPL(om_self_id);

/* Address notifiers run in atomic context: they only start a new epoch. */
static int om_addr_event(struct notifier_block *nb, unsigned long event,
			 void *ptr)
{
	if (event == NETDEV_UP || event == NETDEV_DOWN)
		om_self_invalidate();
	return NOTIFY_DONE;
}

static struct notifier_block om_inetaddr_nb = { .notifier_call = om_addr_event };
static struct notifier_block om_inet6addr_nb = { .notifier_call = om_addr_event };

int om_identity_init(void)
{
	int err;

	err = register_inetaddr_notifier(&om_inetaddr_nb);
	if (err)
		return err;
	err = register_inet6addr_notifier(&om_inet6addr_nb);
	if (err)
		unregister_inetaddr_notifier(&om_inetaddr_nb);
	return err;
}

void om_identity_uninit(void)
{
	unregister_inet6addr_notifier(&om_inet6addr_nb);
	unregister_inetaddr_notifier(&om_inetaddr_nb);
}
