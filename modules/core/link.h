/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Peer links: one TCP connection per peer node, authenticated by omd and
 * then handed to the kernel, which owns it from there on. Frames follow
 * include/openmosix/wire.h.
 */
#ifndef _OM_LINK_H
#define _OM_LINK_H

#include <linux/ktime.h>
#include <linux/types.h>
#include <openmosix/wire.h>

struct iov_iter;
struct netlink_ext_ack;
struct om_link;

struct om_link_info {
	u16 node;
	ktime_t since;			/* wall clock of the hand-over */
	unsigned int last_rx_ms;	/* since a frame last came in */
	u64 rx_frames, tx_frames, rx_bytes, tx_bytes;
};

int om_link_add(u16 node, int fd, struct netlink_ext_ack *extack);
int om_link_del(u16 node);
int om_link_next_info(u16 from, struct om_link_info *info);

struct om_link *om_link_get(u16 node);
struct om_link *om_link_get_next(unsigned long *index);
bool om_link_alive(u16 node, ktime_t *last_rx);
unsigned int om_links_up(void);
void om_link_put(struct om_link *link);
void om_link_hold(struct om_link *link);
u16 om_link_node(const struct om_link *link);
u64 om_link_epoch(const struct om_link *link);
/* om_link_send() flags */
#define OM_LINK_NOWAIT	0x1	/* queue even when full: the workers' frames */

/*
 * A frame's payload is @payload, then, with @pages (an ITER_BVEC source,
 * each piece within one page; not advanced), those pages' bytes: a direct
 * sender gives them to the socket without copying them.
 */
int om_link_send(struct om_link *link, const struct om_wire_hdr *hdr,
		 const void *payload, const struct iov_iter *pages,
		 unsigned int flags);

void *om_link_buf(struct om_link *link, size_t len);
void om_link_recycle(struct om_link *link, void *buf, size_t len);

int om_links_init(void);
void om_links_uninit(void);

#endif /* _OM_LINK_H */
