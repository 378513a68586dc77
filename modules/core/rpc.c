// SPDX-License-Identifier: GPL-2.0
#include "rpc.h"
#include "link.h"

#include <openmosix/omcore.h>

#include <linux/completion.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/srcu.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/xarray.h>

/* Handlers may sleep, so they are looked up under SRCU rather than RCU. */
DEFINE_STATIC_SRCU(om_rpc_srcu);
static om_rpc_handler_t __rcu om_rpc_handlers[OM_WT_MAX + 1];
static om_rpc_req_handler_t __rcu om_rpc_req_handlers[OM_WT_MAX + 1];
static DEFINE_MUTEX(om_rpc_handlers_lock);

/*
 * Calls waiting for their response, by request id. Whoever erases a call
 * from om_rpc_calls owns its outcome: the receiver of the response, the
 * link going down, or the caller giving up.
 */
static DEFINE_XARRAY_ALLOC(om_rpc_calls);
static u32 om_rpc_next_id;

/* A request kept beyond its handler (om_rpc_register_req()). */
struct om_rpc_req {
	struct list_head held;		/* in om_rpc_held, unless one-way */
	struct om_link *link;		/* referenced: the answer goes back on it */
	u64 id;
	u8 type;
	bool oneway;
	void *data;			/* the payload, taken from the link */
	size_t len;
};

/*
 * Requests handed to a handler and not answered yet: what a peer asking
 * OM_WT_PROGRESS about its silent calls is told this node still holds.
 * Looked up only then, and a peer has at most its share of them (omfs:
 * OMFS_MAX_INFLIGHT), so a list does.
 */
static LIST_HEAD(om_rpc_held);
static DEFINE_SPINLOCK(om_rpc_held_lock);

static int om_rpc_register_any(u8 type, om_rpc_handler_t handler,
			       om_rpc_req_handler_t req_handler)
{
	int err = 0;

	mutex_lock(&om_rpc_handlers_lock);
	if (rcu_access_pointer(om_rpc_handlers[type]) ||
	    rcu_access_pointer(om_rpc_req_handlers[type]))
		err = -EBUSY;
	else if (handler)
		rcu_assign_pointer(om_rpc_handlers[type], handler);
	else
		rcu_assign_pointer(om_rpc_req_handlers[type], req_handler);
	mutex_unlock(&om_rpc_handlers_lock);
	return err;
}

int om_rpc_register(u8 type, om_rpc_handler_t handler)
{
	return om_rpc_register_any(type, handler, NULL);
}
EXPORT_SYMBOL_GPL(om_rpc_register);

int om_rpc_register_req(u8 type, om_rpc_req_handler_t handler)
{
	return om_rpc_register_any(type, NULL, handler);
}
EXPORT_SYMBOL_GPL(om_rpc_register_req);

/*
 * Returns once no handler of @type runs any more. Requests a handler kept
 * are its owner's to answer or free before it goes.
 */
void om_rpc_unregister(u8 type)
{
	mutex_lock(&om_rpc_handlers_lock);
	RCU_INIT_POINTER(om_rpc_handlers[type], NULL);
	RCU_INIT_POINTER(om_rpc_req_handlers[type], NULL);
	mutex_unlock(&om_rpc_handlers_lock);
	synchronize_srcu(&om_rpc_srcu);
}
EXPORT_SYMBOL_GPL(om_rpc_unregister);

/*
 * The peer's errno, as far as this kernel may pass it on: the codes above
 * the ordinary ones (512 and up) are the kernel's own business.
 */
static int om_rpc_peer_status(int status)
{
	return status < -511 ? -EREMOTEIO : status;
}

/* @payload is the receive buffer; a call that takes it leaves NULL there. */
static void om_rpc_finish(struct om_rpc_call *call, int err, int status,
			  void **payload, size_t len)
{
	if (!err && !status && len > call->resp_cap)
		err = -EMSGSIZE;
	if (err || status)
		len = 0;
	if (len && call->take)
		swap(call->resp, *payload);
	else if (len)
		memcpy(call->resp, *payload, len);
	call->err = err;
	call->status = status;
	call->resp_len = len;
	complete(&call->done);
}

static void om_rpc_complete(struct om_link *link, const struct om_wire_hdr *hdr,
			    void **payload)
{
	struct om_rpc_call *call;

	if (hdr->id > U32_MAX)
		return;
	xa_lock(&om_rpc_calls);
	call = xa_load(&om_rpc_calls, hdr->id);
	if (call && call->link == link && call->type == hdr->type)
		__xa_erase(&om_rpc_calls, hdr->id);
	else
		call = NULL;	/* late, or a peer answering what it was not asked */
	xa_unlock(&om_rpc_calls);
	if (call)
		om_rpc_finish(call, 0, om_rpc_peer_status(hdr->status),
			      payload, hdr->length);
}

/*
 * Sends the answer to request @id of @type. An answer that breaks the
 * rules (an error with a payload, a payload too big) is a bug of its
 * handler; the peer gets -EPROTO instead.
 */
static void om_rpc_respond(struct om_link *link, u8 type, u64 id, int status,
			   const void *data, size_t len, unsigned int send_flags)
{
	struct om_wire_hdr hdr = {
		.magic = OM_WIRE_MAGIC,
		.version = OM_WIRE_VERSION,
		.type = type,
		.flags = OM_WF_RESPONSE,
		.id = id,
	};

	if (len > OM_WIRE_MAX_PAYLOAD || (status && len) || (len && !data) ||
	    status < -MAX_ERRNO || status > 0) {
		WARN_ONCE(1, "omcore: RPC handler for type %u answered wrongly\n",
			  type);
		status = -EPROTO;
		len = 0;
	}
	hdr.status = status;
	hdr.length = len;
	om_link_send(link, &hdr, data, NULL, send_flags);
}

/*
 * -EPROTONOSUPPORT when no module handles @type here: a caller can tell
 * "that node does not run what I asked for" from the operation's own
 * -EOPNOTSUPP.
 */
static void om_rpc_answer(struct om_link *link, const struct om_wire_hdr *req,
			  om_rpc_handler_t handler, const void *payload)
{
	struct om_rpc_reply reply = { .status = -EPROTONOSUPPORT };

	if (handler) {
		reply.status = 0;
		handler(om_link_node(link), payload, req->length, &reply);
	}
	/* The receive worker's own frame: it must not wait for the peer. */
	om_rpc_respond(link, req->type, req->id, reply.status, reply.data,
		       reply.len, OM_LINK_NOWAIT);
	kvfree(reply.data);
}

/* Hands the request, payload and all, to a handler that may keep it. */
static void om_rpc_dispatch(struct om_link *link, const struct om_wire_hdr *hdr,
			    om_rpc_req_handler_t handler, void **payload)
{
	struct om_rpc_req *req;
	int ret;

	req = kmalloc(sizeof(*req), GFP_KERNEL);
	if (!req) {
		if (hdr->flags & OM_WF_REQUEST)
			om_rpc_respond(link, hdr->type, hdr->id, -ENOMEM, NULL,
				       0, OM_LINK_NOWAIT);
		return;
	}
	om_link_hold(link);
	req->link = link;
	req->id = hdr->id;
	req->type = hdr->type;
	req->oneway = !(hdr->flags & OM_WF_REQUEST);
	req->data = *payload;
	req->len = hdr->length;
	*payload = NULL;
	/* Listed first: the handler may hand it to a thread that answers. */
	if (!req->oneway) {
		spin_lock(&om_rpc_held_lock);
		list_add_tail(&req->held, &om_rpc_held);
		spin_unlock(&om_rpc_held_lock);
	}
	ret = handler(req);
	if (ret == OM_RPC_DEFERRED)
		return;
	if (!req->oneway)
		om_rpc_respond(link, req->type, req->id, ret, NULL, 0,
			       OM_LINK_NOWAIT);
	om_rpc_req_free(req);
}

u16 om_rpc_req_node(const struct om_rpc_req *req)
{
	return om_link_node(req->link);
}
EXPORT_SYMBOL_GPL(om_rpc_req_node);

u64 om_rpc_req_epoch(const struct om_rpc_req *req)
{
	return om_link_epoch(req->link);
}
EXPORT_SYMBOL_GPL(om_rpc_req_epoch);

const void *om_rpc_req_data(const struct om_rpc_req *req, size_t *len)
{
	*len = req->len;
	return req->data;
}
EXPORT_SYMBOL_GPL(om_rpc_req_data);

void om_rpc_req_free(struct om_rpc_req *req)
{
	/* After the answer: one the peer asks about is on the wire first. */
	if (!req->oneway) {
		spin_lock(&om_rpc_held_lock);
		list_del(&req->held);
		spin_unlock(&om_rpc_held_lock);
	}
	om_link_recycle(req->link, req->data, req->len);
	om_link_put(req->link);
	kfree(req);
}
EXPORT_SYMBOL_GPL(om_rpc_req_free);

void *om_rpc_req_buf(struct om_rpc_req *req, size_t len)
{
	return om_link_buf(req->link, len);
}
EXPORT_SYMBOL_GPL(om_rpc_req_buf);

/* om_rpc_reply() of @len bytes at @buf, from om_rpc_req_buf(): taken back. */
void om_rpc_reply_buf(struct om_rpc_req *req, int status, void *buf,
		      size_t len)
{
	might_sleep();
	if (!req->oneway)
		om_rpc_respond(req->link, req->type, req->id, status, buf, len,
			       0);
	om_link_recycle(req->link, buf, len);
	om_rpc_req_free(req);
}
EXPORT_SYMBOL_GPL(om_rpc_reply_buf);

/*
 * Answers a kept request and frees it. It may wait for room on the link
 * (the caller is not a link worker); an answer to a link that went down
 * meanwhile is dropped: the caller on the other side has already failed.
 */
void om_rpc_reply(struct om_rpc_req *req, int status, const void *data,
		  size_t len)
{
	might_sleep();
	if (!req->oneway)
		om_rpc_respond(req->link, req->type, req->id, status, data,
			       len, 0);
	om_rpc_req_free(req);
}
EXPORT_SYMBOL_GPL(om_rpc_reply);

/*
 * Answers a peer's OM_WT_PROGRESS @hdr: 0 while a request it names, sent
 * on @link, is held here, -ENOENT when it is not (answered, or never
 * kept), -EPROTO for a malformed question.
 */
static void om_rpc_progress_answer(struct om_link *link,
				   const struct om_wire_hdr *hdr,
				   const void *payload)
{
	struct om_wire_progress p;
	struct om_rpc_req *req;
	int status = -EPROTO;

	if (hdr->length == OM_WIRE_PROGRESS_LEN &&
	    !om_wire_get_progress(payload, hdr->length, &p)) {
		status = -ENOENT;
		spin_lock(&om_rpc_held_lock);
		list_for_each_entry(req, &om_rpc_held, held) {
			if (req->link == link && req->id == p.id &&
			    req->type == p.type) {
				status = 0;
				break;
			}
		}
		spin_unlock(&om_rpc_held_lock);
	}
	om_rpc_respond(link, OM_WT_PROGRESS, hdr->id, status, NULL, 0,
		       OM_LINK_NOWAIT);
}

/*
 * Called by the link's receive worker for every frame but heartbeats.
 * *@payload is the frame's kvmalloc'ed payload; whoever keeps it (a kept
 * request, a call that takes its answer) leaves NULL there.
 */
void om_rpc_receive(struct om_link *link, const struct om_wire_hdr *hdr,
		    void **payload)
{
	om_rpc_req_handler_t req_handler;
	om_rpc_handler_t handler;
	int idx;

	if (hdr->flags & OM_WF_RESPONSE) {
		om_rpc_complete(link, hdr, payload);
		return;
	}
	if (hdr->type == OM_WT_PROGRESS) {
		if (hdr->flags & OM_WF_REQUEST)
			om_rpc_progress_answer(link, hdr, *payload);
		return;
	}
	idx = srcu_read_lock(&om_rpc_srcu);
	req_handler = srcu_dereference(om_rpc_req_handlers[hdr->type],
				       &om_rpc_srcu);
	handler = srcu_dereference(om_rpc_handlers[hdr->type], &om_rpc_srcu);
	if (req_handler)
		om_rpc_dispatch(link, hdr, req_handler, payload);
	else if (hdr->flags & OM_WF_REQUEST)
		om_rpc_answer(link, hdr, handler, *payload);
	else if (handler)
		handler(om_link_node(link), *payload, hdr->length, NULL);
	srcu_read_unlock(&om_rpc_srcu, idx);
}

/* Fails the calls that wait on @link: their answer cannot come any more. */
void om_rpc_link_down(struct om_link *link)
{
	struct om_rpc_call *call;
	unsigned long id;

	xa_lock(&om_rpc_calls);
	xa_for_each(&om_rpc_calls, id, call) {
		if (call->link != link)
			continue;
		__xa_erase(&om_rpc_calls, id);
		om_rpc_finish(call, -ECONNRESET, 0, NULL, 0);
	}
	xa_unlock(&om_rpc_calls);
}

/* A frame of @len bytes at @data, then @pages' (see om_link_send()). */
static int om_rpc_frame(struct om_link *link, u8 type, u16 flags, u64 id,
			const void *data, size_t len,
			const struct iov_iter *pages, unsigned int send_flags)
{
	size_t total = len + (pages ? iov_iter_count(pages) : 0);
	struct om_wire_hdr hdr = {
		.magic = OM_WIRE_MAGIC,
		.version = OM_WIRE_VERSION,
		.type = type,
		.flags = flags,
		.length = total,
		.id = id,
	};

	if (len > OM_WIRE_MAX_PAYLOAD || total > OM_WIRE_MAX_PAYLOAD)
		return -EMSGSIZE;
	return om_link_send(link, &hdr, data, pages, send_flags);
}

/*
 * Ends a call nobody answered yet with @err. Still listed: the outcome is
 * ours. Erased already: the answer or the link going down is finishing
 * it, and that outcome stands; it is only a complete() away.
 */
static int om_rpc_end(struct om_rpc_call *call, int err)
{
	if (xa_cmpxchg(&om_rpc_calls, call->id, call, NULL, 0) != call) {
		wait_for_completion(&call->done);
		err = call->err;
	}
	om_link_put(call->link);
	return err;
}

/* @call's silence runs from @now, up to its limit. */
static void om_rpc_restart(struct om_rpc_call *call, unsigned long now)
{
	call->deadline = now + call->silence;
	if (call->bounded && time_after(call->deadline, call->limit))
		call->deadline = call->limit;
}

/*
 * Sends request @req to @node, listed under a new id in om_rpc_calls: from
 * then on the answer, the link going down or om_rpc_end() ends the call.
 * The request is on the wire or copied when this returns. The call's
 * @timeout_ms and @limit_ms (om_rpc_call_start()) run from there.
 * -ENOTCONN without a link, or the error of the send; the call is over
 * then.
 */
static int om_rpc_start(struct om_rpc_call *call, u16 node, const void *req,
			size_t len, const struct iov_iter *pages,
			unsigned int timeout_ms, unsigned int limit_ms)
{
	unsigned long now;
	int err;

	might_sleep();
	call->link = om_link_get(node);
	if (!call->link)
		return -ENOTCONN;
	call->epoch = om_link_epoch(call->link);
	init_completion(&call->done);
	err = xa_alloc_cyclic(&om_rpc_calls, &call->id, call, xa_limit_32b,
			      &om_rpc_next_id, GFP_KERNEL);
	if (err < 0) {
		om_link_put(call->link);
		return err;
	}
	err = om_rpc_frame(call->link, call->type, OM_WF_REQUEST, call->id,
			   req, len, pages, 0);
	if (err)
		return om_rpc_end(call, err);
	now = jiffies;
	call->silence = msecs_to_jiffies(timeout_ms);
	call->bounded = limit_ms;
	call->limit = now + msecs_to_jiffies(limit_ms);
	om_rpc_restart(call, now);
	return 0;
}

static int om_rpc_do_call(struct om_rpc_call *call, u16 node, const void *req,
			  size_t len, unsigned int timeout_ms);

/*
 * @call was silent until its deadline: asks its peer whether the request
 * is still held there, and moves the deadline on when it is. 0 then;
 * -ETIMEDOUT when it is not (a peer without OM_WT_PROGRESS says
 * -EPROTONOSUPPORT), when no answer comes, or when the call's limit is
 * reached; -EINTR when killed meanwhile.
 */
static int om_rpc_ask_progress(struct om_rpc_call *call)
{
	struct om_rpc_call ask = { .type = OM_WT_PROGRESS };
	struct om_wire_progress p = { .id = call->id, .type = call->type };
	u8 buf[OM_WIRE_PROGRESS_LEN];
	unsigned long wait = call->silence;
	int err;

	if (call->bounded) {
		if (!time_before(jiffies, call->limit))
			return -ETIMEDOUT;
		wait = min(wait, call->limit - jiffies);
	}
	om_wire_put_progress(buf, &p);
	err = om_rpc_do_call(&ask, om_link_node(call->link), buf, sizeof(buf),
			     jiffies_to_msecs(wait));
	if (err == -EINTR)
		return err;
	if (err || ask.status)
		return -ETIMEDOUT;
	om_rpc_restart(call, jiffies);
	return 0;
}

/*
 * Waits, killably, for the call's answer until its deadline, and on as
 * long as om_rpc_ask_progress() allows. Returns 0 when the answer came
 * (its status is in call->status), or -ETIMEDOUT, -ECONNRESET when the
 * link fails, -EMSGSIZE when the answer is bigger than asked for, -EINTR
 * when killed. The call is over either way.
 */
static int om_rpc_wait(struct om_rpc_call *call)
{
	long left;
	int err;

	do {
		left = (long)(call->deadline - jiffies);
		/* 0 still takes an answer that is there already. */
		left = wait_for_completion_killable_timeout(&call->done,
							    max(left, 0L));
		if (left > 0) {
			om_link_put(call->link);
			return call->err;
		}
		err = left ? -EINTR : om_rpc_ask_progress(call);
	} while (!err);
	return om_rpc_end(call, err);
}

/*
 * Sends request @req to @node and waits up to @timeout_ms for the answer,
 * without asking for progress. Returns what om_rpc_start() and
 * om_rpc_wait() do.
 */
static int om_rpc_do_call(struct om_rpc_call *call, u16 node, const void *req,
			  size_t len, unsigned int timeout_ms)
{
	return om_rpc_start(call, node, req, len, NULL, timeout_ms,
			    timeout_ms) ?:
	       om_rpc_wait(call);
}

/*
 * Sends request @req to @node and waits up to @timeout_ms for the answer,
 * which goes to @resp (room for *@resp_len bytes; *@resp_len becomes what
 * came). Returns the peer's status, or -ENOTCONN without a link,
 * -ETIMEDOUT, -ECONNRESET when the link fails, -EINTR when killed.
 */
int om_rpc_call(u16 node, u8 type, const void *req, size_t len,
		void *resp, size_t *resp_len, unsigned int timeout_ms)
{
	struct om_rpc_call call = {
		.type = type,
		.resp = resp,
		.resp_cap = *resp_len,
	};
	int err;

	err = om_rpc_do_call(&call, node, req, len, timeout_ms);
	*resp_len = call.resp_len;
	return err ?: call.status;
}
EXPORT_SYMBOL_GPL(om_rpc_call);

/*
 * Starts a call whose answer is handed over (om_rpc_call_wait()) rather
 * than copied: several may be in flight at once, each with its own
 * timeout. 0 when the request went; else the call is over already.
 */
int om_rpc_call_start(struct om_rpc_call *call, u16 node, u8 type,
		      const void *req, size_t len,
		      const struct iov_iter *pages, size_t max_len,
		      unsigned int timeout_ms, unsigned int limit_ms)
{
	*call = (struct om_rpc_call){
		.type = type,
		.take = true,
		.resp_cap = max_len,
	};
	return om_rpc_start(call, node, req, len, pages, timeout_ms, limit_ms);
}
EXPORT_SYMBOL_GPL(om_rpc_call_start);

/* The outcome of an ended call @call, as om_rpc_call_resp() has it. */
static int om_rpc_hand_over(struct om_rpc_call *call, int err,
			    struct om_rpc_resp *resp)
{
	resp->status = err ? 0 : call->status;
	resp->data = call->resp;
	resp->len = call->resp_len;
	resp->epoch = call->epoch;
	return err;
}

/*
 * Waits for the answer of a started call and hands it over as
 * om_rpc_call_resp() does. The call is over when this returns, whatever
 * it returns: @call may be freed.
 */
int om_rpc_call_wait(struct om_rpc_call *call, struct om_rpc_resp *resp)
{
	return om_rpc_hand_over(call, om_rpc_wait(call), resp);
}
EXPORT_SYMBOL_GPL(om_rpc_call_wait);

/*
 * Gives a started call up without waiting for the peer: an answer that
 * comes later is dropped as late. The request may still run there.
 */
void om_rpc_call_cancel(struct om_rpc_call *call)
{
	om_rpc_end(call, -ECANCELED);
	kvfree(call->resp);		/* an answer that won the race */
	call->resp = NULL;
}
EXPORT_SYMBOL_GPL(om_rpc_call_cancel);

/*
 * Like om_rpc_call(), but keeps the transport's outcome apart from the
 * peer's: 0 means an answer came, with the peer's status in resp->status
 * and its payload (up to @max_len bytes, kvmalloc'ed, the caller's to
 * kvfree()) in resp->data. Nothing is copied: the buffer the payload was
 * received into is handed over.
 */
int om_rpc_call_resp(u16 node, u8 type, const void *req, size_t len,
		     size_t max_len, struct om_rpc_resp *resp,
		     unsigned int timeout_ms)
{
	return om_rpc_call_pages(node, type, req, len, NULL, max_len, resp,
				 timeout_ms);
}
EXPORT_SYMBOL_GPL(om_rpc_call_resp);

/*
 * om_rpc_call_resp() with the bytes of @pages after @req's (omcore.h says
 * what the caller owes them): they go to the socket uncopied when it is
 * idle.
 */
int om_rpc_call_pages(u16 node, u8 type, const void *req, size_t len,
		      const struct iov_iter *pages, size_t max_len,
		      struct om_rpc_resp *resp, unsigned int timeout_ms)
{
	struct om_rpc_call call;
	int err;

	err = om_rpc_call_start(&call, node, type, req, len, pages, max_len,
				timeout_ms, timeout_ms);
	if (err)
		return om_rpc_hand_over(&call, err, resp);
	return om_rpc_call_wait(&call, resp);
}
EXPORT_SYMBOL_GPL(om_rpc_call_pages);

void om_rpc_resp_free(u16 node, struct om_rpc_resp *resp)
{
	struct om_link *link = om_link_get(node);

	if (link && om_link_epoch(link) == resp->epoch) {
		om_link_recycle(link, resp->data, resp->len);
		resp->data = NULL;
	}
	if (link)
		om_link_put(link);
	kvfree(resp->data);
}
EXPORT_SYMBOL_GPL(om_rpc_resp_free);

static int om_rpc_send_flags(u16 node, u8 type, const void *msg, size_t len,
			     unsigned int send_flags)
{
	struct om_link *link;
	int err;

	might_sleep();
	link = om_link_get(node);
	if (!link)
		return -ENOTCONN;
	err = om_rpc_frame(link, type, 0, 0, msg, len, NULL, send_flags);
	om_link_put(link);
	return err;
}

int om_rpc_send(u16 node, u8 type, const void *msg, size_t len)
{
	return om_rpc_send_flags(node, type, msg, len, 0);
}
EXPORT_SYMBOL_GPL(om_rpc_send);

int om_rpc_post(u16 node, u8 type, const void *msg, size_t len)
{
	return om_rpc_send_flags(node, type, msg, len, OM_LINK_NOWAIT);
}
EXPORT_SYMBOL_GPL(om_rpc_post);

/*
 * Queues a one-way message to every peer with a link, waiting for none of
 * them (a stalled peer delays nobody else): how many took it.
 */
int om_rpc_broadcast(u8 type, const void *msg, size_t len)
{
	unsigned long node = 0;
	struct om_link *link;
	int sent = 0;

	might_sleep();
	while ((link = om_link_get_next(&node))) {
		if (!om_rpc_frame(link, type, 0, 0, msg, len, NULL,
				  OM_LINK_NOWAIT))
			sent++;
		om_link_put(link);
		node++;
	}
	return sent;
}
EXPORT_SYMBOL_GPL(om_rpc_broadcast);

static void om_rpc_ping(u16 node, const void *data, size_t len,
			struct om_rpc_reply *reply)
{
	if (!reply || !len)
		return;
	reply->data = kvmalloc(len, GFP_KERNEL | __GFP_NOWARN);	/* peer-sized */
	if (!reply->data) {
		reply->status = -ENOMEM;
		return;
	}
	memcpy(reply->data, data, len);
	reply->len = len;
}

int om_rpc_init(void)
{
	return om_rpc_register(OM_WT_PING, om_rpc_ping);
}

void om_rpc_uninit(void)
{
	om_rpc_unregister(OM_WT_PING);
	WARN_ON(!xa_empty(&om_rpc_calls));
	WARN_ON(!list_empty(&om_rpc_held));
}
