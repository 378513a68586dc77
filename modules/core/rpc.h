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
#include <openmosix/omcore.h>
#include <openmosix/wire.h>

struct om_link;

/* For link.c */
void om_rpc_receive(struct om_link *link, const struct om_wire_hdr *hdr,
		    void **payload);
void om_rpc_link_down(struct om_link *link);

int om_rpc_init(void);
void om_rpc_uninit(void);

#endif /* _OM_RPC_H */
