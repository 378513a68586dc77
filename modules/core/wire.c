// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The peer-link wire format of include/openmosix/wire.h: encoders write
 * exactly *_LEN bytes; decoders check the available length first, then
 * every rule of the header, and fill their output only on success. The
 * same file builds in omcore and in omlib, so it is unit-tested and
 * fuzzed in userspace.
 */
#include <openmosix/wire.h>

#ifdef __KERNEL__
#include <linux/stddef.h>
#include <linux/string.h>
#else
#include <string.h>
#endif

/* The highest errno a response may carry (the kernel's MAX_ERRNO). */
#define OM_WIRE_MAX_ERRNO	4095

/*
 * The header promises layouts with no padding, so the C structures and the
 * wire agree field by field; the offsets the codec uses are checked here.
 */
#define OM_WIRE_SIZE(type, len) \
	_Static_assert(sizeof(struct type) == (len), #type " != " #len)
#define OM_WIRE_AT(type, field, off) \
	_Static_assert(offsetof(struct type, field) == (off), \
		       #type "." #field " is not at byte " #off)

OM_WIRE_SIZE(om_wire_hdr, OM_WIRE_HDR_LEN);
OM_WIRE_AT(om_wire_hdr, version, 4);
OM_WIRE_AT(om_wire_hdr, type, 5);
OM_WIRE_AT(om_wire_hdr, flags, 6);
OM_WIRE_AT(om_wire_hdr, length, 8);
OM_WIRE_AT(om_wire_hdr, status, 12);
OM_WIRE_AT(om_wire_hdr, id, 16);

OM_WIRE_SIZE(om_wire_hello, OM_WIRE_HELLO_LEN);
OM_WIRE_AT(om_wire_hello, max_version, 2);
OM_WIRE_AT(om_wire_hello, node_id, 4);
OM_WIRE_AT(om_wire_hello, peer_id, 6);
OM_WIRE_AT(om_wire_hello, flags, 8);
OM_WIRE_AT(om_wire_hello, nonce, 12);

OM_WIRE_SIZE(om_wire_auth, OM_WIRE_AUTH_LEN);

OM_WIRE_SIZE(om_wire_reject_msg, OM_WIRE_REJECT_LEN);
OM_WIRE_AT(om_wire_reject_msg, reason, 4);

OM_WIRE_SIZE(om_wire_load, OM_WIRE_LOAD_LEN);
OM_WIRE_AT(om_wire_load, cpus, 4);
OM_WIRE_AT(om_wire_load, speed, 8);
OM_WIRE_AT(om_wire_load, util, 12);
OM_WIRE_AT(om_wire_load, mem_total, 16);
OM_WIRE_AT(om_wire_load, mem_free, 24);
OM_WIRE_AT(om_wire_load, flags, 32);
OM_WIRE_AT(om_wire_load, reserved, 36);
OM_WIRE_AT(om_wire_load, uptime, 40);

OM_WIRE_SIZE(om_wire_announce, OM_WIRE_ANNOUNCE_LEN);
OM_WIRE_AT(om_wire_announce, node_id, 4);
OM_WIRE_AT(om_wire_announce, prefix_len, 6);
OM_WIRE_AT(om_wire_announce, flags, 7);
OM_WIRE_AT(om_wire_announce, time_ms, 8);
OM_WIRE_AT(om_wire_announce, mac, OM_WIRE_ANNOUNCE_MACED);

OM_WIRE_SIZE(om_wire_progress, OM_WIRE_PROGRESS_LEN);
OM_WIRE_AT(om_wire_progress, type, 8);
OM_WIRE_AT(om_wire_progress, reserved, 9);

static void om_put_le16(__u8 *p, __u16 v)
{
	p[0] = (__u8)v;
	p[1] = (__u8)(v >> 8);
}

static void om_put_le32(__u8 *p, __u32 v)
{
	p[0] = (__u8)v;
	p[1] = (__u8)(v >> 8);
	p[2] = (__u8)(v >> 16);
	p[3] = (__u8)(v >> 24);
}

static void om_put_le64(__u8 *p, __u64 v)
{
	om_put_le32(p, (__u32)v);
	om_put_le32(p + 4, (__u32)(v >> 32));
}

static __u16 om_get_le16(const __u8 *p)
{
	return (__u16)(p[0] | (__u16)p[1] << 8);
}

static __u32 om_get_le32(const __u8 *p)
{
	return (__u32)p[0] | (__u32)p[1] << 8 | (__u32)p[2] << 16 |
	       (__u32)p[3] << 24;
}

static __u64 om_get_le64(const __u8 *p)
{
	return (__u64)om_get_le32(p) | (__u64)om_get_le32(p + 4) << 32;
}

void om_wire_put_hdr(__u8 *buf, const struct om_wire_hdr *hdr)
{
	om_put_le32(buf, hdr->magic);
	buf[4] = hdr->version;
	buf[5] = hdr->type;
	om_put_le16(buf + 6, hdr->flags);
	om_put_le32(buf + 8, hdr->length);
	om_put_le32(buf + 12, (__u32)hdr->status);
	om_put_le64(buf + 16, hdr->id);
}

/* The payload length a type must have, or -1 where it may vary. */
long om_wire_type_len(__u8 type)
{
	switch (type) {
	case OM_WT_HELLO:
		return OM_WIRE_HELLO_LEN;
	case OM_WT_AUTH:
		return OM_WIRE_AUTH_LEN;
	case OM_WT_REJECT:
		return OM_WIRE_REJECT_LEN;
	case OM_WT_LOAD:
		return OM_WIRE_LOAD_LEN;
	case OM_WT_ANNOUNCE:
		return OM_WIRE_ANNOUNCE_LEN;
	default:
		return -1;
	}
}

static int om_wire_check_hdr(const struct om_wire_hdr *h)
{
	long want = om_wire_type_len(h->type);

	if (h->magic != OM_WIRE_MAGIC)
		return OM_WE_MAGIC;
	if (h->version != OM_WIRE_VERSION)
		return OM_WE_VERSION;
	if (h->type == 0)
		return OM_WE_TYPE;
	if ((h->flags & ~__OM_WF_ALL) || h->flags == __OM_WF_ALL)
		return OM_WE_FLAGS;
	if (h->type == OM_WT_ANNOUNCE && h->flags)
		return OM_WE_FLAGS;
	if (h->length > OM_WIRE_MAX_PAYLOAD ||
	    (want >= 0 && h->length != (unsigned long)want))
		return OM_WE_LENGTH;
	if (h->flags & OM_WF_RESPONSE) {
		if (h->status > 0 || h->status < -OM_WIRE_MAX_ERRNO)
			return OM_WE_FIELD;
	} else if (h->status != 0) {
		return OM_WE_FIELD;
	}
	if (!h->flags && h->id != 0)
		return OM_WE_FIELD;
	return 0;
}

int om_wire_get_hdr(const __u8 *buf, size_t len, struct om_wire_hdr *hdr)
{
	struct om_wire_hdr h;
	int err;

	if (len < OM_WIRE_HDR_LEN)
		return OM_WE_SHORT;
	h.magic = om_get_le32(buf);
	h.version = buf[4];
	h.type = buf[5];
	h.flags = om_get_le16(buf + 6);
	h.length = om_get_le32(buf + 8);
	/* Two's complement on every compiler either side builds with. */
	h.status = (__s32)om_get_le32(buf + 12);
	h.id = om_get_le64(buf + 16);
	err = om_wire_check_hdr(&h);
	if (err)
		return err;
	*hdr = h;
	return 0;
}

void om_wire_put_hello(__u8 *buf, const struct om_wire_hello *m)
{
	om_put_le16(buf, m->min_version);
	om_put_le16(buf + 2, m->max_version);
	om_put_le16(buf + 4, m->node_id);
	om_put_le16(buf + 6, m->peer_id);
	om_put_le32(buf + 8, m->flags);
	memcpy(buf + 12, m->nonce, OM_WIRE_NONCE_LEN);
}

int om_wire_get_hello(const __u8 *buf, size_t len, struct om_wire_hello *m)
{
	struct om_wire_hello h;

	if (len < OM_WIRE_HELLO_LEN)
		return OM_WE_SHORT;
	h.min_version = om_get_le16(buf);
	h.max_version = om_get_le16(buf + 2);
	h.node_id = om_get_le16(buf + 4);
	h.peer_id = om_get_le16(buf + 6);
	h.flags = om_get_le32(buf + 8);
	memcpy(h.nonce, buf + 12, OM_WIRE_NONCE_LEN);
	if (h.flags != 0)
		return OM_WE_FLAGS;
	if (h.min_version < 1 || h.min_version > h.max_version ||
	    h.node_id == 0 || h.peer_id == 0)
		return OM_WE_FIELD;
	*m = h;
	return 0;
}

/*
 * Only the text goes out, NUL-padded: whatever follows the first NUL in the
 * caller's buffer (stack leftovers after snprintf) stays home, and a reason
 * without a NUL is cut to 63 bytes so that the peer can accept it.
 */
void om_wire_put_reject(__u8 *buf, const struct om_wire_reject_msg *m)
{
	const char *end = memchr(m->reason, '\0', OM_WIRE_REASON_LEN - 1);
	size_t n = end ? (size_t)(end - m->reason) : OM_WIRE_REASON_LEN - 1;

	om_put_le32(buf, m->code);
	memcpy(buf + 4, m->reason, n);
	memset(buf + 4 + n, 0, OM_WIRE_REASON_LEN - n);
}

/* The reason comes back NUL-padded whatever followed its NUL on the wire. */
int om_wire_get_reject(const __u8 *buf, size_t len,
		       struct om_wire_reject_msg *m)
{
	const __u8 *end;
	__u32 code;
	size_t n;

	if (len < OM_WIRE_REJECT_LEN)
		return OM_WE_SHORT;
	code = om_get_le32(buf);
	if (code < OM_WR_VERSION || code > OM_WR_PROTOCOL)
		return OM_WE_FIELD;
	end = memchr(buf + 4, '\0', OM_WIRE_REASON_LEN);
	if (!end)
		return OM_WE_FIELD;
	n = (size_t)(end - (buf + 4));
	m->code = code;
	memcpy(m->reason, buf + 4, n);
	memset(m->reason + n, 0, OM_WIRE_REASON_LEN - n);
	return 0;
}

void om_wire_put_load(__u8 *buf, const struct om_wire_load *m)
{
	om_put_le32(buf, m->load);
	om_put_le32(buf + 4, m->cpus);
	om_put_le32(buf + 8, m->speed);
	om_put_le32(buf + 12, m->util);
	om_put_le64(buf + 16, m->mem_total);
	om_put_le64(buf + 24, m->mem_free);
	om_put_le32(buf + 32, m->flags);
	om_put_le32(buf + 36, m->reserved);
	om_put_le64(buf + 40, m->uptime);
}

int om_wire_get_load(const __u8 *buf, size_t len, struct om_wire_load *m)
{
	struct om_wire_load l;

	if (len < OM_WIRE_LOAD_LEN)
		return OM_WE_SHORT;
	l.load = om_get_le32(buf);
	l.cpus = om_get_le32(buf + 4);
	l.speed = om_get_le32(buf + 8);
	l.util = om_get_le32(buf + 12);
	l.mem_total = om_get_le64(buf + 16);
	l.mem_free = om_get_le64(buf + 24);
	l.flags = om_get_le32(buf + 32);
	l.reserved = om_get_le32(buf + 36);
	l.uptime = om_get_le64(buf + 40);
	if (l.flags & ~(__u32)__OM_WL_ALL)
		return OM_WE_FLAGS;
	if (l.reserved != 0 || l.util > 1000 || l.mem_free > l.mem_total ||
	    l.cpus < 1)
		return OM_WE_FIELD;
	*m = l;
	return 0;
}

void om_wire_put_announce(__u8 *buf, const struct om_wire_announce *m)
{
	memcpy(buf, m->addr, sizeof(m->addr));
	om_put_le16(buf + 4, m->node_id);
	buf[6] = m->prefix_len;
	buf[7] = m->flags;
	om_put_le64(buf + 8, m->time_ms);
	memcpy(buf + OM_WIRE_ANNOUNCE_MACED, m->mac, OM_WIRE_MAC_LEN);
}

/* The MAC is the caller's to check: the codec knows no key. */
int om_wire_get_announce(const __u8 *buf, size_t len,
			 struct om_wire_announce *m)
{
	struct om_wire_announce a;

	if (len < OM_WIRE_ANNOUNCE_LEN)
		return OM_WE_SHORT;
	memcpy(a.addr, buf, sizeof(a.addr));
	a.node_id = om_get_le16(buf + 4);
	a.prefix_len = buf[6];
	a.flags = buf[7];
	a.time_ms = om_get_le64(buf + 8);
	memcpy(a.mac, buf + OM_WIRE_ANNOUNCE_MACED, OM_WIRE_MAC_LEN);
	if (a.flags & ~(__u8)__OM_WA_ALL)
		return OM_WE_FLAGS;
	if (a.node_id == 0 || a.prefix_len > 32)
		return OM_WE_FIELD;
	*m = a;
	return 0;
}

void om_wire_put_progress(__u8 *buf, const struct om_wire_progress *m)
{
	om_put_le64(buf, m->id);
	buf[8] = m->type;
	memset(buf + 9, 0, sizeof(m->reserved));
}

int om_wire_get_progress(const __u8 *buf, size_t len,
			 struct om_wire_progress *m)
{
	static const __u8 zero[sizeof(m->reserved)];

	if (len < OM_WIRE_PROGRESS_LEN)
		return OM_WE_SHORT;
	if (memcmp(buf + 9, zero, sizeof(zero)) != 0)
		return OM_WE_FIELD;
	m->id = om_get_le64(buf);
	m->type = buf[8];
	memset(m->reserved, 0, sizeof(m->reserved));
	return 0;
}

const char *om_wire_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case OM_WE_SHORT:
		return "frame too short";
	case OM_WE_MAGIC:
		return "bad magic";
	case OM_WE_VERSION:
		return "unsupported wire version";
	case OM_WE_TYPE:
		return "bad frame type";
	case OM_WE_FLAGS:
		return "bad flags";
	case OM_WE_LENGTH:
		return "bad payload length";
	case OM_WE_FIELD:
		return "bad field value";
	default:
		return "unknown wire error";
	}
}
