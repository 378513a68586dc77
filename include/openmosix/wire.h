/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The peer-link wire format: what one node sends another over TCP port
 * 4660. Every integer is little-endian and every structure has a fixed
 * layout with no padding; modules/core/wire.c encodes and decodes them
 * byte by byte, in plain C that builds in the kernel and in userspace alike.
 *
 * A connection starts with the handshake, run by omd on both ends:
 *
 *   initiator                                   responder
 *   HELLO {versions, my id, your id, nonce_i} ─►
 *                        ◄─ HELLO {versions, my id, your id, nonce_r}
 *   AUTH {mac(initiator)} ─►
 *                        ◄─ AUTH {mac(responder)}
 *
 * mac(role) is a keyed BLAKE2b-256 (libsodium crypto_generichash) under
 * the cluster key of: "openmosix-ng auth v1", role (1 initiator, 2
 * responder), both HELLO frames as sent (initiator's first). Each side
 * checks the other's MAC, that the version ranges meet, and that the
 * claimed id belongs to the address the connection comes from. A refusal
 * is a REJECT frame with a reason, then close. After both AUTH frames the
 * socket goes to omcore, which owns it from then on: HEARTBEAT, LOAD and
 * the RPC messages of the modules, all framed alike.
 *
 * Types below OM_WT_PING are one-way and carry no flags. The handshake's
 * frames will always be framed as version 1, so that a node speaking a
 * later version can still tell an older one which versions it speaks.
 *
 * Discovery (omd --discover) is the one use of the format outside the
 * links: every node sends an ANNOUNCE datagram, a frame header and its
 * payload, to the UDP multicast group of the cluster network (default
 * 239.255.46.60, port 4660, TTL 1, IPv4 only). It is one-way, never
 * answered, and never sent on a link. Its MAC is a keyed BLAKE2b-256 under
 * the cluster key of "openmosix-ng announce v1", the frame header as sent
 * and the payload up to the MAC; a receiver drops any datagram that fails
 * to decode or to authenticate, is not sent from the address it announces,
 * or whose time is more than 300 s off its own clock or not newer than the
 * last one accepted from that address.
 */
#ifndef _OPENMOSIX_WIRE_H
#define _OPENMOSIX_WIRE_H

#include <linux/types.h>
#ifndef __KERNEL__
#include <stddef.h>
#endif

#define OM_WIRE_PORT		4660
#define OM_WIRE_MAGIC		0x474e4d4fu	/* "OMNG" as it reads on the wire */
#define OM_WIRE_VERSION		1		/* of the frame format and the handshake */
#define OM_WIRE_MAX_PAYLOAD	(1u << 20)
#define OM_WIRE_HDR_LEN		24

/*
 * Frame types. 1..31 belong to omcore and the handshake, the rest to the
 * RPC users, a range per module:
 *    32..63   omfs    (include/openmosix/omfs_wire.h)
 *    64..127  ommig
 *   128..159  omdfsa
 *   160..255  free
 */
enum om_wire_type {
	OM_WT_HELLO = 1,
	OM_WT_AUTH = 2,
	OM_WT_REJECT = 3,
	OM_WT_HEARTBEAT = 4,
	OM_WT_LOAD = 5,
	OM_WT_PING = 6,			/* RPC: echoes its payload */
	OM_WT_ANNOUNCE = 7,		/* discovery, UDP only: one-way, no flags */
	OM_WT_PROGRESS = 8,		/* RPC: is a request still being worked on? */
	OM_WT_FIRST_USER = 32,
	OM_WT_MAX = 255,
};

enum om_wire_flags {
	OM_WF_REQUEST = 1 << 0,		/* wants a response with the same id */
	OM_WF_RESPONSE = 1 << 1,	/* answers request `id`; status is set */
	__OM_WF_ALL = OM_WF_REQUEST | OM_WF_RESPONSE,
};

/* Frame header: 24 bytes, then `length` bytes of payload. */
struct om_wire_hdr {
	__u32 magic;			/* OM_WIRE_MAGIC */
	__u8 version;			/* OM_WIRE_VERSION */
	__u8 type;			/* enum om_wire_type */
	__u16 flags;			/* enum om_wire_flags, not both */
	__u32 length;			/* payload, <= OM_WIRE_MAX_PAYLOAD */
	__s32 status;			/* responses: 0 or -errno; else 0 */
	__u64 id;			/* request id; 0 for one-way frames */
};

#define OM_WIRE_NONCE_LEN	32
#define OM_WIRE_MAC_LEN		32
#define OM_WIRE_REASON_LEN	64

/* OM_WT_HELLO payload: 44 bytes. */
struct om_wire_hello {
	__u16 min_version;		/* handshake versions this side speaks */
	__u16 max_version;
	__u16 node_id;			/* who the sender is */
	__u16 peer_id;			/* whom the sender thinks it talks to */
	__u32 flags;			/* none defined: must be 0 */
	__u8 nonce[OM_WIRE_NONCE_LEN];
};
#define OM_WIRE_HELLO_LEN	44

/* OM_WT_AUTH payload: 32 bytes. */
struct om_wire_auth {
	__u8 mac[OM_WIRE_MAC_LEN];
};
#define OM_WIRE_AUTH_LEN	32

/* OM_WT_REJECT payload: 68 bytes. */
enum om_wire_reject {
	OM_WR_VERSION = 1,		/* no common version */
	OM_WR_AUTH = 2,			/* wrong MAC: another cluster key */
	OM_WR_IDENTITY = 3,		/* id unknown or not at this address */
	OM_WR_BUSY = 4,			/* a link to this node exists already */
	OM_WR_PROTOCOL = 5,		/* a malformed or unexpected frame */
};
struct om_wire_reject_msg {
	__u32 code;			/* enum om_wire_reject */
	char reason[OM_WIRE_REASON_LEN];	/* NUL-padded text for the log */
};
#define OM_WIRE_REJECT_LEN	68

/* OM_WT_LOAD payload (one-way, every load interval): 48 bytes. */
enum om_wire_load_flags {
	OM_WL_QUIET = 1 << 0,		/* the sender stops sending load info */
	__OM_WL_ALL = OM_WL_QUIET,
};
struct om_wire_load {
	__u32 load;			/* run-queue load x 1000, decayed */
	__u32 cpus;
	__u32 speed;			/* 10000 = the openMosix PIII-1GHz */
	__u32 util;			/* CPU utilisation, per mille */
	__u64 mem_total;		/* bytes */
	__u64 mem_free;			/* bytes */
	__u32 flags;			/* enum om_wire_load_flags */
	__u32 reserved;			/* 0 */
	__u64 uptime;			/* seconds, to tell a reboot */
};
#define OM_WIRE_LOAD_LEN	48

/*
 * OM_WT_ANNOUNCE payload (UDP only): 48 bytes. NODE_ID is derived from ADDR
 * and PREFIX_LEN (omd(8) gives the rule) unless OM_WA_ID_SET says that the
 * sender's administrator set it.
 */
enum om_wire_announce_flags {
	OM_WA_ID_SET = 1 << 0,		/* node_id was configured, not derived */
	__OM_WA_ALL = OM_WA_ID_SET,
};
struct om_wire_announce {
	__u8 addr[4];			/* the sender's IPv4 address, network order */
	__u16 node_id;			/* 1..65535 */
	__u8 prefix_len;		/* of the sender's network, 0..32 */
	__u8 flags;			/* enum om_wire_announce_flags */
	__u64 time_ms;			/* sender's clock: ms since the Unix epoch */
	__u8 mac[OM_WIRE_MAC_LEN];	/* over the header and the bytes above */
};
#define OM_WIRE_ANNOUNCE_LEN	48
#define OM_WIRE_ANNOUNCE_MACED	16	/* payload bytes the MAC covers */

/*
 * OM_WT_PROGRESS request payload: 16 bytes. It names a request of the
 * asker's on the same link, silent for long; the answer is empty, its
 * status 0 while the peer still holds that request (queued or running: its
 * answer will come), -ENOENT when it does not.
 */
struct om_wire_progress {
	__u64 id;			/* the request's */
	__u8 type;			/* its type: both must match */
	__u8 reserved[7];		/* 0 */
};
#define OM_WIRE_PROGRESS_LEN	16

/* Decode results: 0, or one of these negatives. */
enum om_wire_error {
	OM_WE_SHORT = -1,		/* fewer bytes than the structure needs */
	OM_WE_MAGIC = -2,
	OM_WE_VERSION = -3,
	OM_WE_TYPE = -4,		/* type 0 */
	OM_WE_FLAGS = -5,		/* unknown or contradictory flags */
	OM_WE_LENGTH = -6,		/* over OM_WIRE_MAX_PAYLOAD or wrong for the type */
	OM_WE_FIELD = -7,		/* a field holds a value the format forbids */
};

#ifdef __cplusplus
extern "C" {
#endif

void om_wire_put_hdr(__u8 *buf, const struct om_wire_hdr *hdr);
int om_wire_get_hdr(const __u8 *buf, size_t len, struct om_wire_hdr *hdr);
void om_wire_put_hello(__u8 *buf, const struct om_wire_hello *m);
int om_wire_get_hello(const __u8 *buf, size_t len, struct om_wire_hello *m);
void om_wire_put_reject(__u8 *buf, const struct om_wire_reject_msg *m);
int om_wire_get_reject(const __u8 *buf, size_t len, struct om_wire_reject_msg *m);
void om_wire_put_load(__u8 *buf, const struct om_wire_load *m);
int om_wire_get_load(const __u8 *buf, size_t len, struct om_wire_load *m);
void om_wire_put_announce(__u8 *buf, const struct om_wire_announce *m);
int om_wire_get_announce(const __u8 *buf, size_t len,
			 struct om_wire_announce *m);
void om_wire_put_progress(__u8 *buf, const struct om_wire_progress *m);
int om_wire_get_progress(const __u8 *buf, size_t len,
			 struct om_wire_progress *m);
const char *om_wire_strerror(int err);
long om_wire_type_len(__u8 type);	/* fixed payload length, or -1 */

#ifdef __cplusplus
}
#endif

#endif /* _OPENMOSIX_WIRE_H */
