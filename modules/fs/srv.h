/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The server of this node's files to the other nodes' omfs clients
 * (docs/design/omfs.md §7): srv.c receives, checks and executes the
 * requests; cred.c makes the identities they run with.
 */
#ifndef _OMFS_SRV_H
#define _OMFS_SRV_H

#include <linux/types.h>

struct cred;

/* Server threads, notifier, then the request handlers of every omfs type. */
int omfs_srv_init(void);
/*
 * Unregisters the handlers (waiting for running ones) and the notifier,
 * drops every session and stops the server threads once they have
 * answered every queued request. Reports objects still alive afterwards
 * with WARN().
 */
void omfs_srv_exit(void);

/* cred.c: a CRED registration, referenced. */
struct omfs_srv_cred;
struct omfs_srv_cred *omfs_srv_cred_new(u32 fsuid, u32 fsgid, u64 capmask,
					const u8 *gids, u32 ngroups);
unsigned int omfs_srv_cred_ngroups(const struct omfs_srv_cred *c);
void omfs_srv_cred_get(struct omfs_srv_cred *c);
void omfs_srv_cred_put(struct omfs_srv_cred *c);
const struct cred *omfs_srv_cred_use(struct omfs_srv_cred *c);
unsigned int omfs_srv_creds_alive(void);

#endif /* _OMFS_SRV_H */
