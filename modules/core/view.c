// SPDX-License-Identifier: GPL-2.0
/*
 * The cluster view. A node is up while a link to it lives, and this node
 * always is; a peer's load is what its last OM_WT_LOAD frame said, and is
 * forgotten when its link closes. omd reports this node's load through
 * OM_CMD_SET_LOAD every interval, and a worker passes it on to every peer
 * unless the node is quiet: then the peers get one last report flagged
 * quiet, and nothing more until it is not.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "events.h"
#include "view.h"
#include "link.h"
#include "map.h"
#include "rpc.h"

#include <linux/jiffies.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <openmosix/omcore.h>
#include <uapi/linux/openmosix.h>

struct om_peer_view {
	struct om_wire_load load;
	unsigned long load_at;		/* jiffies */
	bool has_load;
	ktime_t last_seen;		/* of a closed link's last frame */
};

static DEFINE_XARRAY(om_peers);		/* node id -> struct om_peer_view */
static DEFINE_MUTEX(om_view_lock);	/* om_peers and om_self */

static struct {
	struct om_wire_load load;	/* as omd measured it */
	bool has_load;
	unsigned long reported;		/* jiffies */
	struct pid *daemon;		/* the reporter's thread group */
	u32 interval_ms;
	u32 policy;			/* enum om_policy */
	u32 speed;			/* set by the administrator; 0: omd's */
	bool quiet_sent;		/* the peers know this node is quiet */
} om_self;

static struct workqueue_struct *om_view_wq;
static struct work_struct om_view_send_work;

/* This node's load as the peers see it. Under om_view_lock. */
static void om_view_self_load(struct om_wire_load *load)
{
	*load = om_self.load;
	if (om_self.speed)
		load->speed = om_self.speed;
	load->flags = om_self.policy & OM_POLICY_QUIET ? OM_WL_QUIET : 0;
	load->reserved = 0;
}

static void om_view_send(struct work_struct *work)
{
	u8 buf[OM_WIRE_LOAD_LEN];
	struct om_wire_load load;

	mutex_lock(&om_view_lock);
	if (!om_self.has_load ||
	    (om_self.policy & OM_POLICY_QUIET && om_self.quiet_sent)) {
		mutex_unlock(&om_view_lock);
		return;
	}
	om_view_self_load(&load);
	if (om_self.policy & OM_POLICY_QUIET)
		om_self.quiet_sent = true;
	mutex_unlock(&om_view_lock);

	om_wire_put_load(buf, &load);
	om_rpc_broadcast(OM_WT_LOAD, buf, sizeof(buf));
}

void om_view_report(const struct om_wire_load *load, u32 interval_ms)
{
	mutex_lock(&om_view_lock);
	om_self.load = *load;
	om_self.has_load = true;
	om_self.reported = jiffies;
	if (om_self.daemon != task_tgid(current)) {
		put_pid(om_self.daemon);
		om_self.daemon = get_pid(task_tgid(current));
	}
	om_self.interval_ms = interval_ms;
	mutex_unlock(&om_view_lock);
	queue_work(om_view_wq, &om_view_send_work);
}

void om_view_set_policy(u32 policy, u32 mask, const u32 *speed)
{
	u32 old;

	mutex_lock(&om_view_lock);
	old = om_self.policy;
	WRITE_ONCE(om_self.policy, (old & ~mask) | (policy & mask));
	if (!(om_self.policy & OM_POLICY_QUIET))
		om_self.quiet_sent = false;
	if (speed)
		om_self.speed = *speed;
	/* Under the lock, so that the changes are told in their order. */
	if (om_self.policy != old)
		om_notify_policy(om_self.policy, old);
	mutex_unlock(&om_view_lock);
	/* The peers learn the change now rather than at the next report. */
	queue_work(om_view_wq, &om_view_send_work);
}

u32 om_policy(void)
{
	return READ_ONCE(om_self.policy);
}
EXPORT_SYMBOL_GPL(om_policy);

/*
 * A new peer hears this node's state now, not an interval later; a quiet
 * node's peers all hear once more that it is quiet.
 */
void om_view_link_up(void)
{
	mutex_lock(&om_view_lock);
	om_self.quiet_sent = false;
	mutex_unlock(&om_view_lock);
	queue_work(om_view_wq, &om_view_send_work);
}

void om_view_status(struct om_view_status *out)
{
	mutex_lock(&om_view_lock);
	out->policy = om_self.policy;
	out->speed = om_self.speed;
	out->has_daemon = om_self.has_load;
	/* As the asker sees it: 0 from a namespace that cannot see omd. */
	out->daemon_pid = om_self.daemon ? pid_vnr(om_self.daemon) : 0;
	out->daemon_age_ms = jiffies_to_msecs(jiffies - om_self.reported);
	out->interval_ms = om_self.interval_ms;
	mutex_unlock(&om_view_lock);
}

/* The entry of @node, made if need be. Under om_view_lock. */
static struct om_peer_view *om_view_peer(u16 node)
{
	struct om_peer_view *peer = xa_load(&om_peers, node);

	if (peer)
		return peer;
	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	if (!peer)
		return NULL;
	if (xa_err(xa_store(&om_peers, node, peer, GFP_KERNEL))) {
		kfree(peer);
		return NULL;
	}
	return peer;
}

/* OM_WT_LOAD, one-way: the link layer refuses it as a request. */
static void om_view_receive(u16 node, const void *data, size_t len,
			    struct om_rpc_reply *reply)
{
	struct om_peer_view *peer;
	struct om_wire_load load;

	if (reply)
		return;
	if (om_wire_get_load(data, len, &load) ||
	    load.cpus > OM_LOAD_MAX_CPUS || !load.speed ||
	    load.speed > OM_LOAD_MAX_SPEED) {
		pr_warn_ratelimited("node %u sent a malformed load report: ignored\n",
				    node);
		return;
	}
	mutex_lock(&om_view_lock);
	peer = om_view_peer(node);
	if (peer) {
		peer->load = load;
		peer->load_at = jiffies;
		peer->has_load = true;
	}
	mutex_unlock(&om_view_lock);
}

void om_view_link_down(u16 node, ktime_t last_rx)
{
	struct om_peer_view *peer;

	mutex_lock(&om_view_lock);
	peer = om_view_peer(node);
	if (peer) {
		peer->has_load = false;
		peer->last_seen = last_rx;
	}
	mutex_unlock(&om_view_lock);
}

void om_view_get(u16 node, bool self, struct om_view_node *out)
{
	struct om_peer_view *peer;

	memset(out, 0, sizeof(*out));
	if (self) {
		out->up = true;
		out->last_seen = ktime_get_real();
		mutex_lock(&om_view_lock);
		out->flags = om_self.policy;
		if (om_self.has_load) {
			om_view_self_load(&out->load);
			out->has_load = true;
			out->load_age_ms = jiffies_to_msecs(jiffies - om_self.reported);
		}
		mutex_unlock(&om_view_lock);
		return;
	}
	out->up = om_link_alive(node, &out->last_seen);
	mutex_lock(&om_view_lock);
	peer = xa_load(&om_peers, node);
	if (peer) {
		if (!out->up)
			out->last_seen = peer->last_seen;
		if (out->up && peer->has_load) {
			out->load = peer->load;
			out->has_load = true;
			out->load_age_ms = jiffies_to_msecs(jiffies - peer->load_at);
			if (peer->load.flags & OM_WL_QUIET)
				out->flags |= OM_POLICY_QUIET;
		}
	}
	mutex_unlock(&om_view_lock);
}

void om_view_prune(const struct om_map *map)
{
	struct om_peer_view *peer;
	unsigned long node;

	mutex_lock(&om_view_lock);
	xa_for_each(&om_peers, node, peer) {
		if (om_map_find(map, node))
			continue;
		xa_erase(&om_peers, node);
		kfree(peer);
	}
	mutex_unlock(&om_view_lock);
}

int om_view_init(void)
{
	int err;

	om_view_wq = alloc_ordered_workqueue("om_view", 0);
	if (!om_view_wq)
		return -ENOMEM;
	INIT_WORK(&om_view_send_work, om_view_send);
	err = om_rpc_register(OM_WT_LOAD, om_view_receive);
	if (err)
		destroy_workqueue(om_view_wq);
	return err;
}

/* After the family and the links are gone: nothing reports or arrives. */
void om_view_uninit(void)
{
	struct om_peer_view *peer;
	unsigned long node;

	om_rpc_unregister(OM_WT_LOAD);
	destroy_workqueue(om_view_wq);	/* runs what is queued first */
	xa_for_each(&om_peers, node, peer)
		kfree(peer);
	xa_destroy(&om_peers);
	put_pid(om_self.daemon);
	om_self.daemon = NULL;
}
