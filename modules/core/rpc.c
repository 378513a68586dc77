// SPDX-License-Identifier: GPL-2.0
#include "rpc.h"
#include "link.h"

#include <linux/completion.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/srcu.h>
#include <linux/string.h>
#include <linux/xarray.h>

/* Handlers may sleep, so they are looked up under SRCU rather than RCU. */
DEFINE_STATIC_SRCU(om_rpc_srcu);
static om_rpc_handler_t __rcu om_rpc_handlers[OM_WT_MAX + 1];
static DEFINE_MUTEX(om_rpc_handlers_lock);

/*
 * Calls waiting for their response, by request id. Whoever erases a call
 * from om_rpc_calls owns its outcome: the receiver of the response, the
 * link going down, or the caller giving up.
 */
static DEFINE_XARRAY_ALLOC(om_rpc_calls);
static u32 om_rpc_next_id;

struct om_rpc_call {
	struct om_link *link;
	u8 type;
	struct completion done;
	int status;
	void *resp;
	size_t resp_cap;
	size_t resp_len;
};

int om_rpc_register(u8 type, om_rpc_handler_t handler)
{
	int err = 0;

	mutex_lock(&om_rpc_handlers_lock);
	if (rcu_access_pointer(om_rpc_handlers[type]))
		err = -EBUSY;
	else
		rcu_assign_pointer(om_rpc_handlers[type], handler);
	mutex_unlock(&om_rpc_handlers_lock);
	return err;
}
EXPORT_SYMBOL_GPL(om_rpc_register);

/* Returns once no handler of @type runs any more. */
void om_rpc_unregister(u8 type)
{
	mutex_lock(&om_rpc_handlers_lock);
	RCU_INIT_POINTER(om_rpc_handlers[type], NULL);
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

static void om_rpc_finish(struct om_rpc_call *call, int status,
			  const void *data, size_t len)
{
	if (!status && len > call->resp_cap)
		status = -EMSGSIZE;
	if (!status && len)
		memcpy(call->resp, data, len);
	call->status = status;
	call->resp_len = status ? 0 : len;
	complete(&call->done);
}

static void om_rpc_complete(struct om_link *link, const struct om_wire_hdr *hdr,
			    const void *payload)
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
		om_rpc_finish(call, om_rpc_peer_status(hdr->status), payload,
			      hdr->length);
}

static void om_rpc_answer(struct om_link *link, const struct om_wire_hdr *req,
			  om_rpc_handler_t handler, const void *payload)
{
	struct om_rpc_reply reply = { .status = -EOPNOTSUPP };
	struct om_wire_hdr hdr = {
		.magic = OM_WIRE_MAGIC,
		.version = OM_WIRE_VERSION,
		.type = req->type,
		.flags = OM_WF_RESPONSE,
		.id = req->id,
	};

	if (handler) {
		reply.status = 0;
		handler(om_link_node(link), payload, req->length, &reply);
	}
	if (reply.len > OM_WIRE_MAX_PAYLOAD || (reply.status && reply.len) ||
	    (reply.len && !reply.data) ||
	    reply.status < -MAX_ERRNO || reply.status > 0) {
		WARN_ONCE(1, "omcore: RPC handler for type %u answered wrongly\n",
			  req->type);
		reply.status = -EPROTO;
		reply.len = 0;
	}
	hdr.status = reply.status;
	hdr.length = reply.len;
	/* The receive worker's own frame: it must not wait for the peer. */
	om_link_send(link, &hdr, reply.data, OM_LINK_NOWAIT);
	kvfree(reply.data);
}

/* Called by the link's receive worker for every frame but heartbeats. */
void om_rpc_receive(struct om_link *link, const struct om_wire_hdr *hdr,
		    const void *payload)
{
	om_rpc_handler_t handler;
	int idx;

	if (hdr->flags & OM_WF_RESPONSE) {
		om_rpc_complete(link, hdr, payload);
		return;
	}
	idx = srcu_read_lock(&om_rpc_srcu);
	handler = srcu_dereference(om_rpc_handlers[hdr->type], &om_rpc_srcu);
	if (hdr->flags & OM_WF_REQUEST)
		om_rpc_answer(link, hdr, handler, payload);
	else if (handler)
		handler(om_link_node(link), payload, hdr->length, NULL);
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
		om_rpc_finish(call, -ECONNRESET, NULL, 0);
	}
	xa_unlock(&om_rpc_calls);
}

static int om_rpc_frame(struct om_link *link, u8 type, u16 flags, u64 id,
			const void *data, size_t len, unsigned int send_flags)
{
	struct om_wire_hdr hdr = {
		.magic = OM_WIRE_MAGIC,
		.version = OM_WIRE_VERSION,
		.type = type,
		.flags = flags,
		.length = len,
		.id = id,
	};

	if (len > OM_WIRE_MAX_PAYLOAD)
		return -EMSGSIZE;
	return om_link_send(link, &hdr, data, send_flags);
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
	long left;
	u32 id;
	int err;

	might_sleep();
	call.link = om_link_get(node);
	if (!call.link)
		return -ENOTCONN;
	init_completion(&call.done);
	err = xa_alloc_cyclic(&om_rpc_calls, &id, &call, xa_limit_32b,
			      &om_rpc_next_id, GFP_KERNEL);
	if (err < 0)
		goto out_put;
	err = om_rpc_frame(call.link, type, OM_WF_REQUEST, id, req, len, 0);
	if (!err) {
		left = wait_for_completion_killable_timeout(&call.done,
					msecs_to_jiffies(timeout_ms));
		if (left > 0) {
			err = call.status;
			goto out_put;
		}
		err = left ? -EINTR : -ETIMEDOUT;
	}
	/* Still listed: nobody answered, the outcome is ours. */
	if (xa_cmpxchg(&om_rpc_calls, id, &call, NULL, 0) != &call) {
		wait_for_completion(&call.done);	/* it is being finished */
		err = call.status;
	}
out_put:
	*resp_len = call.resp_len;
	om_link_put(call.link);
	return err;
}
EXPORT_SYMBOL_GPL(om_rpc_call);

int om_rpc_send(u16 node, u8 type, const void *msg, size_t len)
{
	struct om_link *link;
	int err;

	might_sleep();
	link = om_link_get(node);
	if (!link)
		return -ENOTCONN;
	err = om_rpc_frame(link, type, 0, 0, msg, len, 0);
	om_link_put(link);
	return err;
}
EXPORT_SYMBOL_GPL(om_rpc_send);

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
		if (!om_rpc_frame(link, type, 0, 0, msg, len, OM_LINK_NOWAIT))
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
}
