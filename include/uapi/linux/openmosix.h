/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * openMosix-NG generic netlink interface: the one contract between the
 * kernel modules and their userspace (omctl, omd).
 *
 * Family "openmosix", version OM_GENL_VERSION, init_net only. Every command
 * is strictly validated; a rejection carries an extended-ack message and,
 * where one attribute is at fault, points at it. Commands that change state
 * need CAP_NET_ADMIN. As everywhere in netlink, a repeated top-level
 * attribute overrides the earlier one (OM_A_NODE excepted: it is a list);
 * inside OM_A_NODE nothing may repeat.
 *
 * The family's id, and its group's, change whenever the module is loaded
 * again: a long-lived client resolves them again after an error, and finds
 * the map empty and the generation back at 0. Its event subscription ends
 * with the module.
 *
 * OM_CMD_GET_STATUS (do)
 *   request: no attributes
 *   reply:
 *     OM_A_VERSION            string, module version
 *     OM_A_NODE_ID            u32, this node's id (absent while unknown)
 *     OM_A_SELF_SOURCE        u32, enum om_self_source: how the id was found
 *     OM_A_MAP_GENERATION     u64, bumped by every OM_CMD_SET_MAP
 *     OM_A_MAP_NODES          u32, nodes in the current map
 *     OM_A_MAP_ADDRS          u32, addresses in the current map
 *     OM_A_LIMIT_NODES        u32, OM_MAP_MAX_NODES
 *     OM_A_LIMIT_ADDRS        u32, OM_MAP_MAX_ADDRS
 *     OM_A_PEERS_UP           u32, peer links up
 *     OM_A_POLICY             u32, enum om_policy: this node's policy flags
 *     OM_A_SPEED              u32, the speed set with OM_CMD_SET_POLICY
 *                             (absent: omd's measurement is used)
 *     OM_A_DAEMON_PID         u32, the process that last sent
 *                             OM_CMD_SET_LOAD (absent: none since loading)
 *     OM_A_DAEMON_AGE_MS      u32, since it did
 *     OM_A_LOAD_INTERVAL_MS   u32, the interval it announced
 *
 * OM_CMD_SET_MAP (do, admin): replace the whole map atomically. Either the
 * new map is valid as a whole and replaces the old one, or nothing changes.
 * A map can outgrow one attribute (64 KiB), so its nodes are top-level
 * attributes of the message rather than one nested list.
 *   OM_A_MAP_NODES            u32, required: how many OM_A_NODE follow;
 *                             0 clears the map
 *   OM_A_NODE                 nest, once per node
 *     OM_NODE_A_ID            u32, 1..OM_NODE_ID_MAX, unique in the map
 *     OM_NODE_A_ADDRS         nest, 1..OM_NODE_MAX_ADDRS entries; the first
 *                             is the node's own address, aliases follow
 *       1: (type ignored)     nest; replies number them 1, 2, ...
 *         OM_ADDR_A_INET      4 bytes, network order        } exactly one
 *         OM_ADDR_A_INET6     16 bytes, network order       }
 *       2: ...
 *   OM_A_NODE ...
 *   Every address is a unicast address of one node only (not in 0.0.0.0/8,
 *   multicast, broadcast, loopback, link-local, :: or IPv4-mapped). At most
 *   OM_MAP_MAX_NODES nodes and OM_MAP_MAX_ADDRS addresses in all.
 *   reply:
 *     OM_A_MAP_GENERATION     u64, the generation of the map just installed
 *   OM_CMD_MAP_CHANGED goes to OM_MCGRP_EVENTS as well.
 *
 * OM_CMD_GET_MAP (dump): the map as it was when the dump started, however
 * it changes meanwhile; one message per node, nodes sorted by id. A dump of
 * an empty map has one message without OM_A_NODE.
 *   OM_A_MAP_GENERATION       u64, the same in every message of a dump
 *   OM_A_NODE                 nest, as in OM_CMD_SET_MAP
 *
 * OM_CMD_SET_SELF (do, admin): set this node's id explicitly, or go back to
 * deriving it from the local addresses that appear in the map. No event:
 * the derived id follows the addresses, which change without one too.
 *   OM_A_NODE_ID              u32, 1..OM_NODE_ID_MAX, or 0 for "derive"
 *
 * OM_CMD_MAP_CHANGED (event on OM_MCGRP_EVENTS)
 *   OM_A_MAP_GENERATION       u64
 *   OM_A_MAP_NODES            u32
 *
 * OM_CMD_LINK_ADD (do, admin): hand an authenticated, connected TCP socket
 * to the kernel as the link to a peer, replacing the link it had. The
 * kernel takes its own reference; the caller may close its fd. The socket's
 * peer address must be one of the node's addresses in the map.
 *   OM_A_NODE_ID              u32, the peer, in the map and not this node
 *   OM_A_LINK_FD              u32, the socket's fd in the calling process
 *
 * OM_CMD_LINK_DEL (do, admin): close the link to a peer.
 *   OM_A_NODE_ID              u32
 *
 * OM_CMD_GET_LINKS (dump): one message per link, by node id.
 *   OM_A_LINK                 nest
 *     OM_LINK_A_NODE_ID       u32
 *     OM_LINK_A_SINCE         u64, when it was handed over, ns since the epoch
 *     OM_LINK_A_LAST_RX_MS    u32, since a frame last came in
 *     OM_LINK_A_RX_FRAMES, OM_LINK_A_TX_FRAMES, OM_LINK_A_RX_BYTES,
 *     OM_LINK_A_TX_BYTES      u64 each
 *
 * OM_CMD_LINK_DOWN (event on OM_MCGRP_EVENTS): a link closed.
 *   OM_A_NODE_ID              u32
 *   OM_A_LINK_REASON          u32, an errno: ETIMEDOUT (no heartbeat),
 *                             ECONNRESET (the peer closed), EPROTO (it broke
 *                             the frame format), ECONNABORTED (LINK_DEL),
 *                             EEXIST (replaced by a new link), ESHUTDOWN
 *                             (omcore unloading), others from the socket
 *
 * OM_CMD_PING (do, admin): a round trip over the link to a peer.
 *   OM_A_NODE_ID              u32
 *   OM_A_PING_SIZE            u32, payload bytes, 0..OM_PING_MAX_SIZE
 *   OM_A_PING_BULK            u64, optional: bytes sent ahead of the ping
 *                             as one-way discard frames, 0..OM_PING_MAX_BULK
 *                             (the round trip then times the transfer); all
 *                             within OM_PING_BULK_DEADLINE_MS, or ETIMEDOUT
 *   reply:
 *     OM_A_PING_RTT           u64, ns
 *
 * OM_CMD_SET_LOAD (do, admin): omd reports this node's load, every
 * interval. omcore keeps it for OM_CMD_GET_NODES and sends it to every
 * peer (OM_WT_LOAD) unless OM_POLICY_QUIET is set; a speed set with
 * OM_CMD_SET_POLICY replaces the one reported here. The sender counts as
 * the daemon (OM_A_DAEMON_PID) from then on.
 *   OM_A_LOAD                 nest, required
 *     OM_LOAD_A_LOAD          u32, run-queue load x 1000, decayed
 *     OM_LOAD_A_CPUS          u32, 1..OM_LOAD_MAX_CPUS
 *     OM_LOAD_A_SPEED         u32, 1..OM_LOAD_MAX_SPEED; 10000 = openMosix's
 *                             Pentium III at 1 GHz
 *     OM_LOAD_A_UTIL          u32, CPU utilisation per mille, 0..1000
 *     OM_LOAD_A_MEM_TOTAL     u64, bytes
 *     OM_LOAD_A_MEM_FREE      u64, bytes, <= OM_LOAD_A_MEM_TOTAL
 *     OM_LOAD_A_UPTIME        u64, seconds
 *     (all required)
 *   OM_A_LOAD_INTERVAL_MS     u32, required, OM_LOAD_MIN_INTERVAL_MS..
 *                             OM_LOAD_MAX_INTERVAL_MS: how often omd reports
 *
 * OM_CMD_SET_POLICY (do, admin): change this node's policy; what is absent
 * stays as it was.
 *   OM_A_POLICY               u32, the new flags (enum om_policy)
 *   OM_A_POLICY_MASK          u32, which of them to change; required with
 *                             OM_A_POLICY
 *   OM_A_SPEED                u32, 1..OM_LOAD_MAX_SPEED, or 0: back to the
 *                             speed omd measures (mosctl setspeed)
 *   Setting OM_POLICY_QUIET sends a last OM_WT_LOAD flagged quiet to the
 *   peers, then nothing until it is cleared.
 *
 * OM_CMD_GET_NODES (dump): the cluster view, one message per node of the
 * map as it was when the dump started, by id, this node included.
 *   OM_A_MAP_GENERATION       u64, the same in every message of a dump
 *   OM_A_NODE_INFO            nest
 *     OM_INFO_A_ID            u32
 *     OM_INFO_A_ADDR          nest, the node's first address, as an
 *                             OM_NODE_A_ADDRS entry
 *     OM_INFO_A_STATE         u32, enum om_node_state
 *     OM_INFO_A_SELF          flag, this node
 *     OM_INFO_A_LAST_SEEN     u64, ns since the epoch: when a frame last came
 *                             from the node (now, for this node); absent if
 *                             never
 *     OM_INFO_A_FLAGS         u32, enum om_policy: the flags the node reported
 *     OM_INFO_A_LOAD          nest, as OM_A_LOAD in OM_CMD_SET_LOAD; only
 *                             while up and once the node reported its load
 *     OM_INFO_A_LOAD_AGE_MS   u32, since that report came
 */
#ifndef _UAPI_LINUX_OPENMOSIX_H
#define _UAPI_LINUX_OPENMOSIX_H

#define OM_GENL_NAME		"openmosix"
#define OM_GENL_VERSION		1
#define OM_MCGRP_EVENTS		"events"

#define OM_NODE_ID_MAX		65535
#define OM_MAP_MAX_NODES	4096
#define OM_MAP_MAX_ADDRS	8192
#define OM_NODE_MAX_ADDRS	16
#define OM_PING_MAX_SIZE	65536
#define OM_PING_MAX_BULK	(1ULL << 28)
#define OM_PING_BULK_DEADLINE_MS 30000
#define OM_LOAD_MAX_CPUS	65536
#define OM_LOAD_MAX_SPEED	100000000
#define OM_LOAD_MIN_INTERVAL_MS	100
#define OM_LOAD_MAX_INTERVAL_MS	60000

enum om_cmd {
	OM_CMD_UNSPEC,
	OM_CMD_GET_STATUS,
	OM_CMD_SET_MAP,
	OM_CMD_GET_MAP,
	OM_CMD_SET_SELF,
	OM_CMD_MAP_CHANGED,
	OM_CMD_LINK_ADD,
	OM_CMD_LINK_DEL,
	OM_CMD_GET_LINKS,
	OM_CMD_LINK_DOWN,
	OM_CMD_PING,
	OM_CMD_SET_LOAD,
	OM_CMD_SET_POLICY,
	OM_CMD_GET_NODES,
	__OM_CMD_LAST
};
#define OM_CMD_MAX (__OM_CMD_LAST - 1)

enum om_attr {
	OM_A_UNSPEC,
	OM_A_VERSION,
	OM_A_NODE_ID,
	OM_A_SELF_SOURCE,
	OM_A_MAP_GENERATION,
	OM_A_MAP_NODES,
	OM_A_MAP_ADDRS,
	OM_A_LIMIT_NODES,
	OM_A_LIMIT_ADDRS,
	OM_A_NODE,
	OM_A_PAD,
	OM_A_LINK_FD,
	OM_A_LINK,
	OM_A_LINK_REASON,
	OM_A_PING_SIZE,
	OM_A_PING_RTT,
	OM_A_PING_BULK,
	OM_A_PEERS_UP,
	OM_A_POLICY,
	OM_A_POLICY_MASK,
	OM_A_SPEED,
	OM_A_DAEMON_PID,
	OM_A_DAEMON_AGE_MS,
	OM_A_LOAD_INTERVAL_MS,
	OM_A_LOAD,
	OM_A_NODE_INFO,
	__OM_A_LAST
};
#define OM_A_MAX (__OM_A_LAST - 1)

enum om_node_attr {
	OM_NODE_A_UNSPEC,
	OM_NODE_A_ID,
	OM_NODE_A_ADDRS,
	__OM_NODE_A_LAST
};
#define OM_NODE_A_MAX (__OM_NODE_A_LAST - 1)

enum om_link_attr {
	OM_LINK_A_UNSPEC,
	OM_LINK_A_NODE_ID,
	OM_LINK_A_SINCE,
	OM_LINK_A_LAST_RX_MS,
	OM_LINK_A_RX_FRAMES,
	OM_LINK_A_TX_FRAMES,
	OM_LINK_A_RX_BYTES,
	OM_LINK_A_TX_BYTES,
	OM_LINK_A_PAD,
	__OM_LINK_A_LAST
};
#define OM_LINK_A_MAX (__OM_LINK_A_LAST - 1)

enum om_load_attr {
	OM_LOAD_A_UNSPEC,
	OM_LOAD_A_LOAD,
	OM_LOAD_A_CPUS,
	OM_LOAD_A_SPEED,
	OM_LOAD_A_UTIL,
	OM_LOAD_A_MEM_TOTAL,
	OM_LOAD_A_MEM_FREE,
	OM_LOAD_A_UPTIME,
	OM_LOAD_A_PAD,
	__OM_LOAD_A_LAST
};
#define OM_LOAD_A_MAX (__OM_LOAD_A_LAST - 1)

enum om_info_attr {
	OM_INFO_A_UNSPEC,
	OM_INFO_A_ID,
	OM_INFO_A_ADDR,
	OM_INFO_A_STATE,
	OM_INFO_A_SELF,
	OM_INFO_A_LAST_SEEN,
	OM_INFO_A_FLAGS,
	OM_INFO_A_LOAD,
	OM_INFO_A_LOAD_AGE_MS,
	OM_INFO_A_PAD,
	__OM_INFO_A_LAST
};
#define OM_INFO_A_MAX (__OM_INFO_A_LAST - 1)

enum om_node_state {
	OM_NODE_DOWN,		/* no link: unreachable, or never reached */
	OM_NODE_UP,		/* a live link, or this node */
	__OM_NODE_STATE_LAST
};

enum om_policy {
	OM_POLICY_QUIET = 1 << 0,	/* send no load information */
	OM_POLICY_NOMFS = 1 << 1,	/* serve no files to /mfs of other nodes */
	OM_POLICY_NOROOTSQUASH = 1 << 2, /* serve root as root, not as nobody */
	__OM_POLICY_ALL = OM_POLICY_QUIET | OM_POLICY_NOMFS |
			  OM_POLICY_NOROOTSQUASH,
};

enum om_addr_attr {
	OM_ADDR_A_UNSPEC,
	OM_ADDR_A_INET,
	OM_ADDR_A_INET6,
	__OM_ADDR_A_LAST
};
#define OM_ADDR_A_MAX (__OM_ADDR_A_LAST - 1)

enum om_self_source {
	OM_SELF_NONE,		/* no local address is in the map */
	OM_SELF_ADDRESS,	/* one node of the map has a local address */
	OM_SELF_EXPLICIT,	/* set with OM_CMD_SET_SELF */
	OM_SELF_AMBIGUOUS,	/* local addresses of several nodes: no id */
	__OM_SELF_LAST
};

#endif /* _UAPI_LINUX_OPENMOSIX_H */
