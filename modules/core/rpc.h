/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RPC over the peer links, for omcore and the modules built on it: a call
 * waits for the response with the same id or for its timeout; a one-way
 * message waits for nothing. Handlers register per frame type and run in
 * the receiving link's worker, so one that may block for long must hand
 * its work to a workqueue of its own.
 */
#ifndef _OM_RPC_H
#define _OM_RPC_H

#include <linux/types.h>
#include <openmosix/wire.h>

struct om_link;

/* What a request handler answers: @status (0 or -errno) and @len bytes. */
struct om_rpc_reply {
	int status;
	void *data;			/* kvmalloc'ed by the handler, or NULL */
	size_t len;
};

/*
 * @reply is NULL for a one-way message. A request handler that returns
 * without filling @reply answers with status 0 and no payload.
 */
typedef void (*om_rpc_handler_t)(u16 node, const void *data, size_t len,
				 struct om_rpc_reply *reply);

int om_rpc_register(u8 type, om_rpc_handler_t handler);
void om_rpc_unregister(u8 type);

int om_rpc_call(u16 node, u8 type, const void *req, size_t len,
		void *resp, size_t *resp_len, unsigned int timeout_ms);
int om_rpc_send(u16 node, u8 type, const void *msg, size_t len);
int om_rpc_broadcast(u8 type, const void *msg, size_t len);

/* For link.c */
void om_rpc_receive(struct om_link *link, const struct om_wire_hdr *hdr,
		    const void *payload);
void om_rpc_link_down(struct om_link *link);

int om_rpc_init(void);
void om_rpc_uninit(void);

#endif /* _OM_RPC_H */
