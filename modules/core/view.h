/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cluster view: every node's state and last reported load, this
 * node's included, which omd reports and omcore sends to the peers. The
 * one place omctl reads them from.
 */
#ifndef _OM_VIEW_H
#define _OM_VIEW_H

#include <linux/ktime.h>
#include <linux/types.h>
#include <openmosix/wire.h>

struct om_map;

/* One node as OM_CMD_GET_NODES shows it. */
struct om_view_node {
	bool up;
	ktime_t last_seen;		/* wall clock; 0: never */
	u32 flags;			/* enum om_policy, as the node reported */
	bool has_load;
	struct om_wire_load load;
	unsigned int load_age_ms;
};

/* This node's side of OM_CMD_GET_STATUS. */
struct om_view_status {
	u32 policy;
	u32 speed;			/* 0: omd's measurement */
	bool has_daemon;
	pid_t daemon_pid;
	unsigned int daemon_age_ms;
	u32 interval_ms;
};

void om_view_get(u16 node, bool self, struct om_view_node *out);
void om_view_status(struct om_view_status *out);

/* The load omd measured, to keep and to send to the peers. */
void om_view_report(const struct om_wire_load *load, u32 interval_ms);
/* @mask selects the flags of @policy to change; @speed NULL leaves it. */
void om_view_set_policy(u32 policy, u32 mask, const u32 *speed);

/* For link.c: a link came up; the link to @node closed, its last bytes at @last_rx. */
void om_view_link_up(void);
void om_view_link_down(u16 node, ktime_t last_rx);
/* Forgets what nodes no longer in @map reported. */
void om_view_prune(const struct om_map *map);

int om_view_init(void);
void om_view_uninit(void);

#endif /* _OM_VIEW_H */
