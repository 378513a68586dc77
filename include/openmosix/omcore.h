/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What omcore offers the other openMosix-NG modules (kernel only): the
 * node map and this node's place in it, events, this node's policy, and
 * RPC over the peer links.
 */
#ifndef _OPENMOSIX_OMCORE_H
#define _OPENMOSIX_OMCORE_H

#include <linux/completion.h>
#include <linux/types.h>

struct iov_iter;
struct notifier_block;
struct om_link;

/*
 * This node's id, 0 while it is unknown (no map, no local address in it,
 * or two nodes that both look local). Cached: recomputed only after the
 * map, the explicit id or a local address changed. Any context, including
 * RCU path walk; never sleeps.
 */
u16 om_self_id(void);

/* Whether @id is a node of the current map. Any context; never sleeps. */
bool om_node_in_map(u16 id);

/*
 * The smallest node id of the current map that is >= @from, in *@id;
 * false when there is none. Walks in id order however the map changes in
 * between (a directory listing keeps its place across map changes).
 */
bool om_map_next_node(u32 from, u16 *id);

/* This node's policy flags (enum om_policy of uapi/linux/openmosix.h). */
u32 om_policy(void);

/*
 * Events, delivered in process context through a blocking notifier chain
 * (handlers may sleep); the chain's @data is a struct om_event_info.
 *   OM_EV_LINK_DOWN  the link to .node of .epoch closed; requests that came
 *                    on it can no longer be answered
 *   OM_EV_POLICY     this node's policy changed from .old_policy to .policy
 */
enum om_event {
	OM_EV_LINK_DOWN,
	OM_EV_POLICY,
};

struct om_event_info {
	u16 node;
	u64 epoch;
	u32 policy, old_policy;
};

int om_register_notifier(struct notifier_block *nb);
int om_unregister_notifier(struct notifier_block *nb);

/*
 * RPC. Frame types are registered per module (include/openmosix/wire.h
 * lists the ranges). A call waits for the answer with its id or for its
 * timeout, killably; a one-way message waits for nothing.
 */

/* What a request handler answers: @status (0 or -errno) and @len bytes. */
struct om_rpc_reply {
	int status;
	void *data;			/* kvmalloc'ed by the handler, or NULL */
	size_t len;
};

/*
 * A handler that answers at once, in the receiving link's worker: it must
 * not block. @reply is NULL for a one-way message; a request handler that
 * returns without filling @reply answers with status 0 and no payload.
 */
typedef void (*om_rpc_handler_t)(u16 node, const void *data, size_t len,
				 struct om_rpc_reply *reply);

int om_rpc_register(u8 type, om_rpc_handler_t handler);
void om_rpc_unregister(u8 type);

/*
 * A handler that may keep the request, payload and all, to answer it later
 * from a context that can block. It runs in the receiving link's worker,
 * in arrival order, and must not block. It returns OM_RPC_DEFERRED when it
 * kept @req (and will om_rpc_reply() or om_rpc_req_free() it), or 0/-errno,
 * which omcore then answers with no payload before freeing @req.
 */
struct om_rpc_req;
typedef int (*om_rpc_req_handler_t)(struct om_rpc_req *req);
#define OM_RPC_DEFERRED	1

int om_rpc_register_req(u8 type, om_rpc_req_handler_t handler);
u16 om_rpc_req_node(const struct om_rpc_req *req);
/* Which link to that node it came on: see OM_EV_LINK_DOWN. */
u64 om_rpc_req_epoch(const struct om_rpc_req *req);
const void *om_rpc_req_data(const struct om_rpc_req *req, size_t *len);
/* Answers (unless one-way) and frees @req; may sleep. */
void om_rpc_reply(struct om_rpc_req *req, int status, const void *data,
		  size_t len);
void om_rpc_req_free(struct om_rpc_req *req);
/*
 * A buffer of @len bytes for @req's answer, maybe one the link had spare
 * (a fresh one is cleared page by page first: init_on_alloc). NULL: no
 * memory. om_rpc_reply_buf() sends it and takes it back; kvfree() frees it.
 */
void *om_rpc_req_buf(struct om_rpc_req *req, size_t len);
void om_rpc_reply_buf(struct om_rpc_req *req, int status, void *buf,
		      size_t len);

/*
 * Returns the peer's status, or omcore's own error: -ENOTCONN (no link),
 * -ECONNRESET (the link failed), -ETIMEDOUT, -EMSGSIZE (an answer longer
 * than *@resp_len), -EINTR (killed). -EPROTONOSUPPORT from the peer means
 * it has no handler for @type.
 */
int om_rpc_call(u16 node, u8 type, const void *req, size_t len,
		void *resp, size_t *resp_len, unsigned int timeout_ms);

/* The peer's answer as om_rpc_call_resp() hands it over. */
struct om_rpc_resp {
	int status;			/* the peer's: 0 or -errno */
	void *data;			/* kvmalloc'ed, the caller's to kvfree() */
	size_t len;
	u64 epoch;			/* of the link the call went over */
};

/*
 * 0 when an answer came (in @resp), or omcore's own error as above; the
 * peer's status is never mixed with it.
 */
int om_rpc_call_resp(u16 node, u8 type, const void *req, size_t len,
		     size_t max_len, struct om_rpc_resp *resp,
		     unsigned int timeout_ms);
/*
 * om_rpc_call_resp() of a request whose payload is @req, then the bytes of
 * @pages: an ITER_BVEC source whose pieces each lie within one page, not
 * advanced. The pages may go to the socket uncopied; the caller keeps
 * them referenced, and their bytes unchanged, until this returns. (After
 * an error the socket may still hold some, and send them as they are.)
 */
int om_rpc_call_pages(u16 node, u8 type, const void *req, size_t len,
		      const struct iov_iter *pages, size_t max_len,
		      struct om_rpc_resp *resp, unsigned int timeout_ms);
/*
 * Frees resp->data, an answer from @node, or keeps it there for the next
 * answer as big: cheaper than kvfree() and a fresh buffer.
 */
void om_rpc_resp_free(u16 node, struct om_rpc_resp *resp);

/*
 * A call in flight, for a caller that has several at once: the caller
 * provides the room, omcore alone uses the fields.
 */
struct om_rpc_call {
	struct om_link *link;
	u8 type;
	bool take;			/* the caller takes the payload itself */
	u32 id;				/* in omcore's table of calls */
	struct completion done;
	unsigned long deadline;		/* jiffies: silent until then, it ends */
	unsigned long silence;		/* jiffies of silence it may wait out */
	unsigned long limit;		/* jiffies: its latest end, if bounded */
	bool bounded;
	int err;			/* ours: the link failed, the answer was too big */
	int status;			/* the peer's */
	u64 epoch;			/* of .link */
	void *resp;			/* take: the payload; else the caller's buffer */
	size_t resp_cap;
	size_t resp_len;
};

/*
 * om_rpc_call_pages() in two halves. om_rpc_call_start() sends the request
 * (@req may be freed on return, @pages must stay as om_rpc_call_pages()
 * says until the call ends) and answers 0, or omcore's own error, and
 * then there is no call. A started call ends in om_rpc_call_wait(), which
 * answers as om_rpc_call_resp(), or in om_rpc_call_cancel(), which drops
 * any answer; either leaves nothing of it in omcore, so @call may then be
 * freed. The request may still run on the peer after a timeout, a signal
 * or a cancel.
 *
 * A call silent for @timeout_ms asks the peer whether it still holds the
 * request (OM_WT_PROGRESS), and waits on, for another @timeout_ms, when it
 * does: a slow request is waited for, a lost one or a dead peer is not.
 * @limit_ms bounds the whole wait, 0 leaves it unbounded (killable still):
 * a caller that holds a lock others may wait for uninterruptibly bounds it.
 */
int om_rpc_call_start(struct om_rpc_call *call, u16 node, u8 type,
		      const void *req, size_t len,
		      const struct iov_iter *pages, size_t max_len,
		      unsigned int timeout_ms, unsigned int limit_ms);
int om_rpc_call_wait(struct om_rpc_call *call, struct om_rpc_resp *resp);
void om_rpc_call_cancel(struct om_rpc_call *call);
int om_rpc_send(u16 node, u8 type, const void *msg, size_t len);
/*
 * om_rpc_send() of a message that a killed task must still get out (a
 * release of what it held): queued behind the link's frames, it waits
 * neither for room nor on the peer, and no signal stops it. -ENOTCONN
 * without a link, -ENOMEM.
 */
int om_rpc_post(u16 node, u8 type, const void *msg, size_t len);
int om_rpc_broadcast(u8 type, const void *msg, size_t len);

#endif /* _OPENMOSIX_OMCORE_H */
