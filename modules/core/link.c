// SPDX-License-Identifier: GPL-2.0
/*
 * Peer links. omd connects and authenticates; then the socket's fd comes
 * in through OM_CMD_LINK_ADD and the link below owns it: a receive worker
 * woken by the socket's data_ready callback reassembles frames, a transmit
 * worker woken by write_space drains a queue of frames, and a heartbeat
 * worker queues a frame every second and declares the peer dead after
 * three silent seconds. None of them ever sleeps on the socket.
 *
 * A sender that may sleep writes its frame to the socket itself when none
 * is queued, waiting for room up to OM_LINK_SEND_TIMEOUT (a peer that
 * takes nothing in that time loses its link); otherwise, and
 * for the workers' own frames (heartbeats, RPC answers), the frame is
 * copied into the queue. Past OM_LINK_TX_SOFT queued bytes the senders
 * that may sleep wait for room; the workers' frames never wait, so two
 * nodes answering each other cannot block each other. A peer that reads nothing while its requests'
 * answers pile up past OM_LINK_TX_HARD loses its link; one that is gone
 * is caught by the heartbeat or by TCP_USER_TIMEOUT.
 */
#include "events.h"
#include "link.h"
#include "identity.h"
#include "map.h"
#include "netlink.h"
#include "rpc.h"
#include "view.h"

#include "../compat/net.h"

#include <linux/file.h>
#include <linux/mm.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/sock.h>
#include <net/tcp.h>

#define OM_LINK_HEARTBEAT	(1 * HZ)
#define OM_LINK_DEAD_AFTER	(3 * HZ)	/* silence that means a dead peer */
#define OM_LINK_SEND_TIMEOUT	(5 * HZ)	/* a sender waits for room no longer */
#define OM_LINK_TX_SOFT		(4u << 20)	/* queued bytes: senders wait */
#define OM_LINK_TX_HARD		(64u << 20)	/* queued bytes: the peer is stuck */
#define OM_LINK_USER_TIMEOUT_MS	5000		/* unacked data: the peer is gone */
#define OM_LINK_RX_BUDGET	64		/* frames per worker run */
#define OM_LINK_SPARE_MIN	(64u << 10)	/* payloads worth a spare buffer */
#define OM_LINK_SPARES		4		/* big payloads in flight at once */

enum { OM_LINK_DEAD };

struct om_link {
	struct kref ref;
	struct rcu_head rcu;
	u16 node;
	unsigned long flags;
	u64 epoch;			/* which link to @node this is: grows */
	struct socket *sock;
	void (*saved_data_ready)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);

	/* Transmit queue: frames whole, the first one maybe partly sent. */
	struct mutex tx_mutex;		/* whoever writes to the socket */
	spinlock_t tx_lock;		/* the queue */
	struct list_head tx_queue;	/* of struct om_link_frame */
	size_t tx_queued;		/* bytes in tx_queue yet to go */
	wait_queue_head_t tx_wait;	/* senders waiting for room */
	struct work_struct tx_work;
	struct work_struct rx_work;
	struct delayed_work hb_work;
	struct work_struct release_work;
	int down_reason;

	/* Receive state: a frame in the making, owned by rx_work. */
	u8 hdr_buf[OM_WIRE_HDR_LEN];
	u32 hdr_got;
	struct om_wire_hdr hdr;
	void *payload;
	u32 payload_got;

	/*
	 * Big payloads' buffers handed back (om_link_recycle()) for the next
	 * big frames: a fresh one would be cleared page by page first
	 * (init_on_alloc, on in Debian's kernels). As many as a caller has
	 * big requests in flight (omfs's pieces of one read() or write()). A
	 * heartbeat that finds none used since the last one frees them.
	 */
	spinlock_t spare_lock;
	struct om_link_spare {
		void *buf;
		size_t len;		/* it held that much: it is that big */
	} spare[OM_LINK_SPARES];
	bool spare_used;

	unsigned long last_rx;		/* jiffies: when bytes last came in */
	ktime_t since;
	atomic64_t rx_frames, tx_frames, rx_bytes, tx_bytes;
};

/* A frame as it goes on the wire: header and payload, encoded. */
struct om_link_frame {
	struct list_head node;
	size_t len;
	size_t sent;
	u8 data[];
};

static DEFINE_XARRAY(om_links);		/* node id -> link; holds a reference */
static DEFINE_MUTEX(om_links_lock);	/* serialises changes of om_links */
static struct workqueue_struct *om_link_wq;
static atomic_t om_links_alive = ATOMIC_INIT(0);	/* not yet released */
static atomic64_t om_link_epochs = ATOMIC64_INIT(0);

/* Frees the buffers of @spare, a link's spares or a copy of them. */
static void om_link_spares_free(struct om_link_spare *spare)
{
	unsigned int i;

	for (i = 0; i < OM_LINK_SPARES; i++)
		kvfree(spare[i].buf);
}

static void om_link_free(struct kref *ref)
{
	struct om_link *link = container_of(ref, struct om_link, ref);

	sockfd_put(link->sock);
	/* No request is left to hand one back. */
	om_link_spares_free(link->spare);
	kfree_rcu(link, rcu);
}

void om_link_put(struct om_link *link)
{
	kref_put(&link->ref, om_link_free);
}

/* Another reference to a link the caller holds one of. */
void om_link_hold(struct om_link *link)
{
	kref_get(&link->ref);
}

u64 om_link_epoch(const struct om_link *link)
{
	return link->epoch;
}

struct om_link *om_link_get(u16 node)
{
	struct om_link *link;

	rcu_read_lock();
	link = xa_load(&om_links, node);
	if (link && (test_bit(OM_LINK_DEAD, &link->flags) ||
		     !kref_get_unless_zero(&link->ref)))
		link = NULL;
	rcu_read_unlock();
	return link;
}

u16 om_link_node(const struct om_link *link)
{
	return link->node;
}

/* The wall-clock time at jiffies @then, which lies in the past. */
static ktime_t om_link_wall_clock(unsigned long then)
{
	return ktime_sub_ms(ktime_get_real(), jiffies_to_msecs(jiffies - then));
}

/* The first live link to a node id >= *@index, referenced; *@index is its id. */
struct om_link *om_link_get_next(unsigned long *index)
{
	struct om_link *link;

	rcu_read_lock();
	for (link = xa_find(&om_links, index, U16_MAX, XA_PRESENT); link;
	     link = xa_find_after(&om_links, index, U16_MAX, XA_PRESENT))
		if (!test_bit(OM_LINK_DEAD, &link->flags) &&
		    kref_get_unless_zero(&link->ref))
			break;
	rcu_read_unlock();
	return link;
}

/* Whether a live link to @node exists, and when bytes last came over it. */
bool om_link_alive(u16 node, ktime_t *last_rx)
{
	struct om_link *link;
	bool alive;

	rcu_read_lock();
	link = xa_load(&om_links, node);
	alive = link && !test_bit(OM_LINK_DEAD, &link->flags);
	if (alive)
		*last_rx = om_link_wall_clock(READ_ONCE(link->last_rx));
	rcu_read_unlock();
	return alive;
}

unsigned int om_links_up(void)
{
	struct om_link *link;
	unsigned long node;
	unsigned int n = 0;

	rcu_read_lock();
	xa_for_each(&om_links, node, link)
		n += !test_bit(OM_LINK_DEAD, &link->flags);
	rcu_read_unlock();
	return n;
}

/* Takes the link down once: the release worker does the waiting. */
static void om_link_down(struct om_link *link, int reason)
{
	if (test_and_set_bit(OM_LINK_DEAD, &link->flags))
		return;
	link->down_reason = reason;
	mutex_lock(&om_links_lock);
	xa_cmpxchg(&om_links, link->node, link, NULL, 0);
	mutex_unlock(&om_links_lock);
	kernel_sock_shutdown(link->sock, SHUT_RDWR);
	wake_up_all(&link->tx_wait);
	queue_work(om_link_wq, &link->release_work);
}

static void om_link_detach(struct om_link *link)
{
	struct sock *sk = link->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	WRITE_ONCE(sk->sk_data_ready, link->saved_data_ready);
	WRITE_ONCE(sk->sk_state_change, link->saved_state_change);
	WRITE_ONCE(sk->sk_write_space, link->saved_write_space);
	write_unlock_bh(&sk->sk_callback_lock);
	cancel_work_sync(&link->rx_work);
	cancel_work_sync(&link->tx_work);
}

static void om_link_purge(struct om_link *link)
{
	struct om_link_frame *frame, *next;
	LIST_HEAD(frames);

	spin_lock_bh(&link->tx_lock);
	list_splice_init(&link->tx_queue, &frames);
	WRITE_ONCE(link->tx_queued, 0);
	spin_unlock_bh(&link->tx_lock);
	list_for_each_entry_safe(frame, next, &frames, node)
		kvfree(frame);
}

static void om_link_release(struct work_struct *work)
{
	struct om_link *link = container_of(work, struct om_link,
					    release_work);
	ktime_t last_rx;

	/*
	 * The link is dead: a sender that still saw it alive did so under
	 * tx_lock and queued the transmit worker there, so once the lock has
	 * been ours, cancelling the worker below catches every queueing.
	 */
	spin_lock_bh(&link->tx_lock);
	spin_unlock_bh(&link->tx_lock);
	om_link_detach(link);
	cancel_delayed_work_sync(&link->hb_work);
	om_link_purge(link);
	kvfree(link->payload);
	link->payload = NULL;
	om_rpc_link_down(link);
	om_notify_link_down(link->node, link->epoch);
	if (!om_link_alive(link->node, &last_rx))	/* else a new link took over */
		om_view_link_down(link->node,
				  om_link_wall_clock(READ_ONCE(link->last_rx)));
	om_genl_link_down(link->node, link->down_reason);
	om_link_put(link);		/* the reference om_links held */
	if (atomic_dec_and_test(&om_links_alive))
		wake_up_var(&om_links_alive);
}

static bool om_link_has_room(struct om_link *link)
{
	return READ_ONCE(link->tx_queued) < OM_LINK_TX_SOFT ||
	       test_bit(OM_LINK_DEAD, &link->flags);
}

/* The bytes of a frame's payload that are not in @pages. */
static size_t om_link_head_len(const struct om_wire_hdr *hdr,
			       const struct iov_iter *pages)
{
	return hdr->length - (pages ? iov_iter_count(pages) : 0);
}

/*
 * The frame @hdr + @payload + @pages, encoded, less its first @skip bytes,
 * which are on the wire already. Peers drive the sizes: no warning on
 * failure.
 */
static struct om_link_frame *om_link_frame(const struct om_wire_hdr *hdr,
					   const void *payload,
					   const struct iov_iter *pages,
					   size_t skip)
{
	size_t len = OM_WIRE_HDR_LEN + hdr->length - skip;
	size_t head_len = om_link_head_len(hdr, pages);
	struct om_link_frame *frame;
	u8 head[OM_WIRE_HDR_LEN];
	struct iov_iter it;
	u8 *p;

	frame = kvmalloc(struct_size(frame, data, len), GFP_KERNEL | __GFP_NOWARN);
	if (!frame)
		return NULL;
	frame->len = len;
	frame->sent = 0;
	p = frame->data;
	if (skip < OM_WIRE_HDR_LEN) {
		om_wire_put_hdr(head, hdr);
		memcpy(p, head + skip, OM_WIRE_HDR_LEN - skip);
		p += OM_WIRE_HDR_LEN - skip;
		skip = 0;
	} else {
		skip -= OM_WIRE_HDR_LEN;
	}
	if (head_len > skip) {
		memcpy(p, (const u8 *)payload + skip, head_len - skip);
		p += head_len - skip;
		skip = 0;
	} else {
		skip -= head_len;
	}
	if (pages) {
		it = *pages;
		iov_iter_advance(&it, skip);
		/* Pages, not user memory: nothing can fault. */
		if (copy_from_iter(p, iov_iter_count(&it), &it) !=
		    frame->len - (p - frame->data)) {
			kvfree(frame);
			return NULL;
		}
	}
	return frame;
}

/*
 * Puts @frame in the queue: at its head when it is the rest of a frame
 * begun on the wire (nothing else may go out before it), else at its
 * tail. Takes the link down when the peer has not been reading for long.
 */
static int om_link_enqueue(struct om_link *link, struct om_link_frame *frame,
			   bool head)
{
	bool stuck;

	spin_lock_bh(&link->tx_lock);
	if (test_bit(OM_LINK_DEAD, &link->flags)) {
		spin_unlock_bh(&link->tx_lock);
		kvfree(frame);
		return -ENOTCONN;
	}
	if (head)
		list_add(&frame->node, &link->tx_queue);
	else
		list_add_tail(&frame->node, &link->tx_queue);
	WRITE_ONCE(link->tx_queued, link->tx_queued + frame->len);
	stuck = link->tx_queued > OM_LINK_TX_HARD;
	/* Under the lock: om_link_release() relies on it. */
	queue_work(om_link_wq, &link->tx_work);
	spin_unlock_bh(&link->tx_lock);
	if (stuck) {
		om_link_down(link, -ENOBUFS);
		return -ENOTCONN;
	}
	return 0;
}

/* Wakes the transmit worker for what is queued, unless the link is dead. */
static void om_link_kick(struct om_link *link)
{
	spin_lock_bh(&link->tx_lock);
	if (!list_empty(&link->tx_queue) &&
	    !test_bit(OM_LINK_DEAD, &link->flags))
		queue_work(om_link_wq, &link->tx_work);	/* see om_link_release() */
	spin_unlock_bh(&link->tx_lock);
}

static bool om_link_tx_idle(struct om_link *link)
{
	bool idle;

	spin_lock_bh(&link->tx_lock);
	idle = list_empty(&link->tx_queue);
	spin_unlock_bh(&link->tx_lock);
	return idle;
}

/*
 * A sender that may sleep writes its frame itself, straight from its
 * buffer and its pages, when nothing is queued ahead of it: one copy fewer
 * on the bulk path, none for the pages. -EAGAIN: frames are queued, queue
 * this one behind them.
 */
static int om_link_send_direct(struct om_link *link,
			       const struct om_wire_hdr *hdr,
			       const void *payload,
			       const struct iov_iter *pages)
{
	u8 buf[OM_WIRE_HDR_LEN];
	struct kvec vec[2] = {
		{ .iov_base = buf, .iov_len = sizeof(buf) },
		{ .iov_base = (void *)payload,
		  .iov_len = om_link_head_len(hdr, pages) },
	};
	struct msghdr msg = { .msg_flags = MSG_NOSIGNAL };
	size_t total = sizeof(buf) + hdr->length;
	struct om_link_frame *rest;
	struct iov_iter it;
	int ret, sent;

	if (mutex_lock_killable(&link->tx_mutex))
		return -EINTR;
	if (test_bit(OM_LINK_DEAD, &link->flags)) {
		ret = -ENOTCONN;
		goto out_unlock;
	}
	if (!om_link_tx_idle(link)) {
		ret = -EAGAIN;
		goto out_unlock;
	}
	om_wire_put_hdr(buf, hdr);
	if (pages)
		msg.msg_flags |= MSG_MORE;
	ret = kernel_sendmsg(link->sock, &msg, vec, vec[1].iov_len ? 2 : 1,
			     sizeof(buf) + vec[1].iov_len);
	if (pages && ret == sizeof(buf) + vec[1].iov_len) {
		it = *pages;
		sent = om_sock_send_pages(link->sock, &it, MSG_NOSIGNAL);
		if (sent > 0)
			ret += sent;	/* short or failed: the rest is queued */
	}
	if (ret == total) {
		atomic64_inc(&link->tx_frames);
		atomic64_add(total, &link->tx_bytes);
		ret = 0;
	} else if (ret > 0) {
		/*
		 * Interrupted or out of time mid-frame: the rest goes first,
		 * through the queue; only a link that cannot take it is torn.
		 */
		atomic64_add(ret, &link->tx_bytes);
		rest = om_link_frame(hdr, payload, pages, ret);
		if (!rest)
			om_link_down(link, -ENOMEM);
		ret = rest ? om_link_enqueue(link, rest, true) : -ENOMEM;
	} else if (ret == -EAGAIN || !ret) {
		/*
		 * Nothing went in OM_LINK_SEND_TIMEOUT: the peer reads nothing.
		 * Down with it, or the senders behind this one wait in turn.
		 */
		om_link_down(link, -ETIMEDOUT);
		ret = -ETIMEDOUT;
	} else if (ret == -ERESTARTSYS || ret == -EINTR) {
		ret = -EINTR;
	} else {
		om_link_down(link, ret);
	}
out_unlock:
	mutex_unlock(&link->tx_mutex);
	/* What was queued while this sender held the socket goes now. */
	om_link_kick(link);
	return ret;
}

/*
 * Sends one frame: 0 once it is on the wire or queued for the transmit
 * worker, -ENOTCONN on a link that is down, -ETIMEDOUT when there was no
 * room in time, -EINTR when the caller was interrupted before any of it
 * went, -ENOMEM. With OM_LINK_NOWAIT (the workers' own frames) it never
 * sleeps on the peer: the frame is queued.
 */
int om_link_send(struct om_link *link, const struct om_wire_hdr *hdr,
		 const void *payload, const struct iov_iter *pages,
		 unsigned int flags)
{
	struct om_link_frame *frame;
	long left;
	int ret;

	if (!(flags & OM_LINK_NOWAIT)) {
		ret = om_link_send_direct(link, hdr, payload, pages);
		if (ret != -EAGAIN)
			return ret;
		if (!om_link_has_room(link)) {
			left = wait_event_killable_timeout(link->tx_wait,
							   om_link_has_room(link),
							   OM_LINK_SEND_TIMEOUT);
			if (left < 0)
				return -EINTR;
			if (!left)
				return -ETIMEDOUT;
		}
	}
	frame = om_link_frame(hdr, payload, pages, 0);
	if (!frame)
		return -ENOMEM;
	return om_link_enqueue(link, frame, false);
}

/* Writes queued frames until the queue is empty or the socket is full. */
static void om_link_tx(struct work_struct *work)
{
	struct om_link *link = container_of(work, struct om_link, tx_work);
	struct msghdr msg = {};
	struct om_link_frame *frame;
	struct kvec vec;
	bool more;
	int ret;

	/* A direct sender has the socket: it queues us again when done. */
	if (!mutex_trylock(&link->tx_mutex))
		return;
	while (!test_bit(OM_LINK_DEAD, &link->flags)) {
		spin_lock_bh(&link->tx_lock);
		frame = list_first_entry_or_null(&link->tx_queue,
						 struct om_link_frame, node);
		more = frame && !list_is_last(&frame->node, &link->tx_queue);
		spin_unlock_bh(&link->tx_lock);
		if (!frame)
			break;
		vec.iov_base = frame->data + frame->sent;
		vec.iov_len = frame->len - frame->sent;
		msg.msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL | (more ? MSG_MORE : 0);
		ret = kernel_sendmsg(link->sock, &msg, &vec, 1, vec.iov_len);
		if (ret == -EAGAIN || !ret)
			break;		/* write_space queues us again */
		if (ret < 0) {
			om_link_down(link, ret);
			break;
		}
		frame->sent += ret;
		spin_lock_bh(&link->tx_lock);
		WRITE_ONCE(link->tx_queued, link->tx_queued - ret);
		if (frame->sent == frame->len)
			list_del(&frame->node);
		spin_unlock_bh(&link->tx_lock);
		if (frame->sent < frame->len)
			continue;
		atomic64_inc(&link->tx_frames);
		atomic64_add(frame->len, &link->tx_bytes);
		kvfree(frame);
		if (om_link_has_room(link))
			wake_up(&link->tx_wait);
		cond_resched();
	}
	mutex_unlock(&link->tx_mutex);
}

/*
 * A buffer of @len bytes for a payload received or sent on @link: a spare
 * one when one is big enough, else kvmalloc()'ed. NULL: no memory.
 */
void *om_link_buf(struct om_link *link, size_t len)
{
	void *buf = NULL;
	unsigned int i;

	if (len >= OM_LINK_SPARE_MIN) {
		spin_lock(&link->spare_lock);
		for (i = 0; i < OM_LINK_SPARES; i++) {
			if (link->spare[i].buf && link->spare[i].len >= len) {
				buf = link->spare[i].buf;
				link->spare[i].buf = NULL;
				link->spare_used = true;
				break;
			}
		}
		spin_unlock(&link->spare_lock);
	}
	return buf ?: kvmalloc(len, GFP_KERNEL | __GFP_NOWARN);
}

/*
 * Frees @buf, a payload of @len bytes received or sent on @link, or keeps
 * it as a spare for the next one as big.
 */
void om_link_recycle(struct om_link *link, void *buf, size_t len)
{
	unsigned int i;

	if (buf && len >= OM_LINK_SPARE_MIN) {
		spin_lock(&link->spare_lock);
		for (i = 0; i < OM_LINK_SPARES; i++) {
			if (!link->spare[i].buf) {
				link->spare[i].buf = buf;
				link->spare[i].len = len;
				buf = NULL;
				break;
			}
		}
		spin_unlock(&link->spare_lock);
	}
	kvfree(buf);
}

static int om_link_recv(struct om_link *link, void *buf, size_t len)
{
	struct kvec vec = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	int ret;

	ret = kernel_recvmsg(link->sock, &msg, &vec, 1, len, msg.msg_flags);
	if (ret == 0)
		return -ECONNRESET;	/* the peer closed */
	if (ret > 0) {
		/* Bytes, not frames, prove the peer alive: a big frame is slow. */
		WRITE_ONCE(link->last_rx, jiffies);
		atomic64_add(ret, &link->rx_bytes);
	}
	return ret;
}

/*
 * Reads what the socket holds towards the current frame: 1 when a frame
 * is complete, 0 when the socket ran dry, or an error.
 */
static int om_link_read_frame(struct om_link *link)
{
	int ret;

	if (link->hdr_got < OM_WIRE_HDR_LEN) {
		ret = om_link_recv(link, link->hdr_buf + link->hdr_got,
				   OM_WIRE_HDR_LEN - link->hdr_got);
		if (ret < 0)
			return ret == -EAGAIN ? 0 : ret;
		link->hdr_got += ret;
		if (link->hdr_got < OM_WIRE_HDR_LEN)
			return 0;
		if (om_wire_get_hdr(link->hdr_buf, OM_WIRE_HDR_LEN, &link->hdr))
			return -EPROTO;
		/* The handshake is over; its frames and flagged one-way ones are not. */
		if (link->hdr.type < OM_WT_HEARTBEAT ||
		    (link->hdr.type < OM_WT_PING && link->hdr.flags))
			return -EPROTO;
		if (link->hdr.length) {
			link->payload = om_link_buf(link, link->hdr.length);
			if (!link->payload)
				return -ENOMEM;
		}
	}
	while (link->payload_got < link->hdr.length) {
		ret = om_link_recv(link, link->payload + link->payload_got,
				   link->hdr.length - link->payload_got);
		if (ret < 0)
			return ret == -EAGAIN ? 0 : ret;
		link->payload_got += ret;
	}
	return 1;
}

static void om_link_rx(struct work_struct *work)
{
	struct om_link *link = container_of(work, struct om_link, rx_work);
	int budget = OM_LINK_RX_BUDGET, ret;

	while (!test_bit(OM_LINK_DEAD, &link->flags)) {
		ret = om_link_read_frame(link);
		if (ret < 0) {
			om_link_down(link, ret);
			return;
		}
		if (!ret)
			return;		/* data_ready queues us again */
		atomic64_inc(&link->rx_frames);
		if (link->hdr.type != OM_WT_HEARTBEAT)
			om_rpc_receive(link, &link->hdr, &link->payload);
		om_link_recycle(link, link->payload, link->hdr.length);
		link->payload = NULL;
		link->hdr_got = link->payload_got = 0;
		if (!--budget) {
			queue_work(om_link_wq, &link->rx_work);
			return;
		}
	}
}

static void om_link_heartbeat(struct work_struct *work)
{
	struct om_link *link = container_of(to_delayed_work(work),
					    struct om_link, hb_work);
	struct om_wire_hdr hdr = {
		.magic = OM_WIRE_MAGIC,
		.version = OM_WIRE_VERSION,
		.type = OM_WT_HEARTBEAT,
	};
	struct om_link_spare idle[OM_LINK_SPARES] = {};

	spin_lock(&link->spare_lock);
	if (!link->spare_used) {
		memcpy(idle, link->spare, sizeof(idle));
		memset(link->spare, 0, sizeof(link->spare));
	}
	link->spare_used = false;
	spin_unlock(&link->spare_lock);
	om_link_spares_free(idle);
	if (time_after(jiffies, READ_ONCE(link->last_rx) + OM_LINK_DEAD_AFTER)) {
		om_link_down(link, -ETIMEDOUT);
		return;
	}
	/* Even after a failed send (ENOMEM): the check above must go on. */
	om_link_send(link, &hdr, NULL, NULL, OM_LINK_NOWAIT);
	if (!test_bit(OM_LINK_DEAD, &link->flags))
		queue_delayed_work(om_link_wq, &link->hb_work,
				   OM_LINK_HEARTBEAT);
}

/* Socket callbacks run in softirq context: they only wake the worker. */
static void om_link_data_ready(struct sock *sk)
{
	struct om_link *link;

	read_lock_bh(&sk->sk_callback_lock);
	link = sk->sk_user_data;
	if (link)
		queue_work(om_link_wq, &link->rx_work);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void om_link_state_change(struct sock *sk)
{
	struct om_link *link;

	read_lock_bh(&sk->sk_callback_lock);
	link = sk->sk_user_data;
	if (link) {
		if (sk->sk_state != TCP_ESTABLISHED)
			queue_work(om_link_wq, &link->rx_work);	/* reads the EOF */
		/* The original wakes senders sleeping on the socket. */
		link->saved_state_change(sk);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void om_link_write_space(struct sock *sk)
{
	struct om_link *link;

	read_lock_bh(&sk->sk_callback_lock);
	link = sk->sk_user_data;
	if (link) {
		if (sk_stream_is_writeable(sk))
			queue_work(om_link_wq, &link->tx_work);
		/*
		 * The original wakes a direct sender sleeping for room, and
		 * clears SOCK_NOSPACE by its own, stricter test: until it
		 * does, TCP keeps calling us.
		 */
		link->saved_write_space(sk);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

/* The peer must connect from an address the map gives node @node. */
static int om_link_check_peer(u16 node, struct socket *sock,
			      struct netlink_ext_ack *extack)
{
	struct sockaddr_storage ss;
	enum om_self_source source;
	const struct om_node *n;
	struct om_addr peer = {};
	struct om_map *map;
	int err = -EINVAL;
	u16 i;

	if (kernel_getpeername(sock, (struct sockaddr *)&ss) < 0) {
		NL_SET_ERR_MSG(extack, "the socket has no peer");
		return -ENOTCONN;
	}
	if (ss.ss_family == AF_INET) {
		peer.family = AF_INET;
		peer.v4 = ((struct sockaddr_in *)&ss)->sin_addr.s_addr;
	} else {
		peer.family = AF_INET6;
		peer.v6 = ((struct sockaddr_in6 *)&ss)->sin6_addr;
		if (ipv6_addr_v4mapped(&peer.v6)) {
			peer.family = AF_INET;
			peer.v4 = peer.v6.s6_addr32[3];
		}
	}
	map = om_map_get();
	n = om_map_find(map, node);
	if (!n) {
		NL_SET_ERR_MSG(extack, "the peer's node id is not in the map");
		goto out;
	}
	if (om_identity(map, &source) == node) {
		NL_SET_ERR_MSG(extack, "the peer's node id is this node's");
		goto out;
	}
	for (i = 0; i < n->naddrs; i++)
		if (!om_addr_cmp(&peer, om_node_addr(map, n, i)))
			err = 0;
	if (err)
		NL_SET_ERR_MSG(extack, "the socket's peer address is not one of that node's addresses in the map");
out:
	om_map_put(map);
	return err;
}

static struct socket *om_link_socket(int fd, struct netlink_ext_ack *extack)
{
	struct socket *sock;
	int err;

	sock = sockfd_lookup(fd, &err);
	if (!sock) {
		NL_SET_ERR_MSG(extack, "OM_A_LINK_FD is not a socket of the caller");
		return ERR_PTR(err);
	}
	if (sock->type != SOCK_STREAM || sock->sk->sk_protocol != IPPROTO_TCP ||
	    (sock->sk->sk_family != AF_INET && sock->sk->sk_family != AF_INET6)) {
		NL_SET_ERR_MSG(extack, "OM_A_LINK_FD is not a TCP socket");
		err = -EINVAL;
		goto err_put;
	}
	if (sock->sk->sk_state != TCP_ESTABLISHED) {
		NL_SET_ERR_MSG(extack, "OM_A_LINK_FD is not connected");
		err = -ENOTCONN;
		goto err_put;
	}
	if (!net_eq(sock_net(sock->sk), &init_net)) {
		NL_SET_ERR_MSG(extack, "OM_A_LINK_FD belongs to another network namespace");
		err = -EINVAL;
		goto err_put;
	}
	return sock;

err_put:
	sockfd_put(sock);
	return ERR_PTR(err);
}

static struct om_link *om_link_alloc(u16 node, struct socket *sock)
{
	struct om_link *link = kzalloc(sizeof(*link), GFP_KERNEL);

	if (!link)
		return NULL;
	kref_init(&link->ref);
	link->node = node;
	link->epoch = atomic64_inc_return(&om_link_epochs);
	link->sock = sock;
	mutex_init(&link->tx_mutex);
	spin_lock_init(&link->tx_lock);
	INIT_LIST_HEAD(&link->tx_queue);
	init_waitqueue_head(&link->tx_wait);
	INIT_WORK(&link->tx_work, om_link_tx);
	INIT_WORK(&link->rx_work, om_link_rx);
	INIT_DELAYED_WORK(&link->hb_work, om_link_heartbeat);
	spin_lock_init(&link->spare_lock);
	INIT_WORK(&link->release_work, om_link_release);
	link->last_rx = jiffies;
	link->since = ktime_get_real();
	return link;
}

static int om_link_attach(struct om_link *link)
{
	struct sock *sk = link->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_user_data) {
		write_unlock_bh(&sk->sk_callback_lock);
		return -EBUSY;
	}
	link->saved_data_ready = sk->sk_data_ready;
	link->saved_state_change = sk->sk_state_change;
	link->saved_write_space = sk->sk_write_space;
	sk->sk_user_data = link;
	WRITE_ONCE(sk->sk_data_ready, om_link_data_ready);
	WRITE_ONCE(sk->sk_state_change, om_link_state_change);
	WRITE_ONCE(sk->sk_write_space, om_link_write_space);
	write_unlock_bh(&sk->sk_callback_lock);
	tcp_sock_set_nodelay(sk);
	tcp_sock_set_user_timeout(sk, OM_LINK_USER_TIMEOUT_MS);
	WRITE_ONCE(sk->sk_sndtimeo, OM_LINK_SEND_TIMEOUT);	/* direct senders */
	return 0;
}

/*
 * Takes over the connected TCP socket @fd as the link to @node, replacing
 * any link the node had. The socket gets its own reference: the caller
 * closes its fd when it likes.
 */
int om_link_add(u16 node, int fd, struct netlink_ext_ack *extack)
{
	struct om_link *link, *old;
	struct socket *sock;
	int err;

	sock = om_link_socket(fd, extack);
	if (IS_ERR(sock))
		return PTR_ERR(sock);
	err = om_link_check_peer(node, sock, extack);
	if (err)
		goto err_put_sock;
	link = om_link_alloc(node, sock);
	if (!link) {
		err = -ENOMEM;
		goto err_put_sock;
	}
	/*
	 * Under the lock, om_link_down() cannot see a half-made link; the slot
	 * is reserved first, so that nothing can fail once the socket's
	 * callbacks point at the link.
	 */
	mutex_lock(&om_links_lock);
	err = xa_reserve(&om_links, node, GFP_KERNEL);
	if (err)
		goto err_unlock;
	err = om_link_attach(link);
	if (err) {
		NL_SET_ERR_MSG(extack, "OM_A_LINK_FD is in use by the kernel already");
		xa_release(&om_links, node);	/* if the slot was ours */
		goto err_unlock;
	}
	old = xa_store(&om_links, node, link, GFP_KERNEL);
	if (old)
		kref_get(&old->ref);	/* it may go down and away by itself */
	atomic_inc(&om_links_alive);
	queue_work(om_link_wq, &link->rx_work);	/* bytes that came early */
	queue_delayed_work(om_link_wq, &link->hb_work, 0);
	mutex_unlock(&om_links_lock);
	if (old) {
		om_link_down(old, -EEXIST);	/* replaced */
		om_link_put(old);
	}
	om_view_link_up();
	return 0;

err_unlock:
	mutex_unlock(&om_links_lock);
	kfree(link);
err_put_sock:
	sockfd_put(sock);
	return err;
}

int om_link_del(u16 node)
{
	struct om_link *link = om_link_get(node);

	if (!link)
		return -ENOENT;
	om_link_down(link, -ECONNABORTED);
	om_link_put(link);
	return 0;
}

/* The first link to a node id >= @from, for dumps: 0, or -ENOENT. */
int om_link_next_info(u16 from, struct om_link_info *info)
{
	unsigned long index = from;
	struct om_link *link;

	rcu_read_lock();
	link = xa_find(&om_links, &index, U16_MAX, XA_PRESENT);
	if (link) {
		info->node = link->node;
		info->since = link->since;
		info->last_rx_ms = jiffies_to_msecs(jiffies - READ_ONCE(link->last_rx));
		info->rx_frames = atomic64_read(&link->rx_frames);
		info->tx_frames = atomic64_read(&link->tx_frames);
		info->rx_bytes = atomic64_read(&link->rx_bytes);
		info->tx_bytes = atomic64_read(&link->tx_bytes);
	}
	rcu_read_unlock();
	return link ? 0 : -ENOENT;
}

int om_links_init(void)
{
	om_link_wq = alloc_workqueue("om_link", WQ_UNBOUND, 0);
	return om_link_wq ? 0 : -ENOMEM;
}

/*
 * Runs after the netlink family is gone: no link can be added any more.
 * Socket callbacks and heartbeat timers queue work until each link's
 * release has run, so the queue goes only after the last release.
 */
void om_links_uninit(void)
{
	unsigned long node = 0;
	struct om_link *link;

	for (; (link = om_link_get_next(&node)); node++) {
		om_link_down(link, -ESHUTDOWN);
		om_link_put(link);
	}
	wait_var_event(&om_links_alive, !atomic_read(&om_links_alive));
	destroy_workqueue(om_link_wq);
	WARN_ON(!xa_empty(&om_links));
}
