/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The server (docs/design/omfs.md §7), as its three files share it:
 *
 *   srv.c       sessions, fids, threads, the life of a request from its
 *               handler to its answer; ATTACH, DETACH, CRED, CLUNK
 *   srv_dir.c   names and attributes: LOOKUP, GETATTR, ACCESS, READLINK,
 *               STATFS, SETATTR, MKDIR, MKNOD, SYMLINK, LINK, UNLINK,
 *               RMDIR, RENAME and the xattrs
 *   srv_file.c  open files: OPEN, CREATE, READ, WRITE, FSYNC, FALLOCATE,
 *               LSEEK, READDIR, LOCK, FLOCK
 *
 * A handler (omfs_srv_rx_*) runs in the link's worker: it checks the
 * request, takes what it names and queues it, never blocking. Its exec
 * function (omfs_srv_exec_*) runs in a server thread under the
 * requester's identity and fills the answer.
 */
#ifndef _OMFS_SRV_INT_H
#define _OMFS_SRV_INT_H

#include "omfs.h"
#include "srv.h"

#include <linux/hashtable.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/path.h>
#include <linux/refcount.h>
#include <linux/xarray.h>
#include <openmosix/omcore.h>
#include <openmosix/omfs_wire.h>

/* The limits ATTACH announces (§6.6). */
#define OMFS_SRV_MAX_IO		OMFS_MAX_IO
#define OMFS_SRV_MAX_FIDS	OMFS_MAX_FIDS
#define OMFS_SRV_MAX_CREDS	OMFS_MAX_CREDS
#define OMFS_SRV_MAX_INFLIGHT	OMFS_MAX_INFLIGHT
/* Supplementary groups of all creds of a session (4 MiB): -ENOSPC past it. */
#define OMFS_SRV_MAX_GROUPS	(1u << 20)
#define OMFS_SRV_FEATURES	(OMFS_FEAT_XATTR | OMFS_FEAT_LOCKS)

enum omfs_srv_fid_kind {
	OMFS_FID_PENDING,	/* reserved by a request still executing */
	OMFS_FID_OBJ,		/* .path */
	OMFS_FID_OPEN,		/* .path and .file */
};

#define OMFS_FID_ANY	(BIT(OMFS_FID_OBJ) | BIT(OMFS_FID_OPEN))

struct omfs_srv_fid {
	refcount_t ref;			/* the table's and each request's */
	enum omfs_srv_fid_kind kind;	/* under the session's lock */
	struct path path;		/* set before the kind says so */
	struct file *file;
	bool exec_denied;		/* deny_write_access() taken on .file */
	struct mutex pos_lock;		/* .file's f_pos: READDIR, LSEEK */
	/*
	 * Owner id -> struct omfs_srv_owner, referenced: every POSIX lock
	 * owner that took a lock through .file, whose locks on its inode go
	 * before .file does (locks_remove_posix()).
	 */
	struct xarray owners;
	bool ofd_locked;		/* took an OFD lock */
	bool flocked;			/* took a flock() lock */
	struct llist_node free_node;
};

/*
 * A client's POSIX lock owner (§8.15): its session's, under its token.
 * Its address is the fl_owner of its locks on this node, so that they
 * merge with each other and conflict with everyone else's.
 */
struct omfs_srv_owner {
	/* The session table's, each lock's, each fid's, each request's. */
	refcount_t ref;
	u32 id;				/* in the session's owners, 1.. */
	u16 node;			/* of the session */
	u64 session;			/* its id: owners outlive sessions */
	u64 token;			/* the client's */
	u32 pid;			/* the client's, at its last lock */
	struct hlist_node hash;		/* in the session's owner_hash */
};

#define OMFS_SRV_OWNER_HASH_BITS	8

struct omfs_srv_session {
	refcount_t ref;			/* the table's and each request's */
	struct rcu_head rcu;
	u16 node;
	u64 epoch;			/* of the link ATTACH came on */
	u64 id;
	struct mutex lock;		/* all below */
	bool dead;
	struct xarray fids;		/* fid -> struct omfs_srv_fid */
	struct xarray creds;		/* id -> struct omfs_srv_cred */
	struct xarray owners;		/* id -> struct omfs_srv_owner */
	DECLARE_HASHTABLE(owner_hash, OMFS_SRV_OWNER_HASH_BITS); /* by token */
	unsigned int nfids;
	unsigned int ngroups;		/* of all creds */
	unsigned int inflight;		/* queued and running */
	unsigned int running;
	struct list_head backlog;	/* of struct omfs_srv_work */
};

/* CREATE makes two fids: the object's and its open file's. */
#define OMFS_SRV_NEWFIDS	2

/* One request between its handler and its answer. */
struct omfs_srv_work {
	struct list_head node;		/* in the session's backlog or the run queue */
	struct om_rpc_req *req;
	u8 type;
	struct omfs_srv_session *s;	/* referenced */
	struct omfs_srv_cred *cred;	/* referenced; NULL for ATTACH */
	int (*exec)(struct omfs_srv_work *w);
	struct omfs_srv_fid *fid;	/* the object, referenced */
	struct omfs_srv_fid *fid2;	/* a second one (LINK, RENAME, SETATTR) */
	/* Reserved by this request, in the order the request names them. */
	struct omfs_srv_fid *newfid[OMFS_SRV_NEWFIDS];
	u32 newfid_id[OMFS_SRV_NEWFIDS];
	union omfs_wire_args a;		/* the request's fixed struct */
	struct omfs_wire_tail tails[OMFS_WIRE_TAILS];	/* in the payload */
	char name[OMFS_NAME_MAX + 1];	/* tails[0] NUL-terminated */
	/* The answer: .small, or a kvmalloc'ed buffer. */
	u8 *rsp;
	size_t rsp_len;
	void *rsp_buf;
	u8 small[OMFS_WIRE_ATTACH_RSP_LEN];
};

/* srv.c: a request's life */
struct omfs_srv_work *omfs_srv_begin(struct om_rpc_req *req, u8 type,
				     bool cred,
				     int (*exec)(struct omfs_srv_work *));
int omfs_srv_use_fid(struct omfs_srv_work *w, u32 id, unsigned int kinds);
int omfs_srv_fid_reserve(struct omfs_srv_work *w, u32 id);
int omfs_srv_finish(struct omfs_srv_work *w, int err);
int omfs_srv_rx_fid(struct om_rpc_req *req, u8 type,
		    int (*exec)(struct omfs_srv_work *), unsigned int kinds);
int omfs_srv_rsp(struct omfs_srv_work *w, size_t len);
int omfs_srv_cross(struct path *path);
int omfs_srv_getattr(const struct path *path, struct omfs_wire_attr *a);
int omfs_srv_rsp_attr(struct omfs_srv_work *w, const struct path *path);

/* srv.c: POSIX lock owners */
extern const struct lock_manager_operations omfs_srv_lmops;
struct omfs_srv_owner *omfs_srv_owner_get(struct omfs_srv_session *s,
					  u64 token, bool create);
void omfs_srv_owner_put(struct omfs_srv_owner *o);
int omfs_srv_fid_add_owner(struct omfs_srv_fid *f, struct omfs_srv_owner *o);

/* srv_dir.c */
int omfs_srv_rx_lookup(struct om_rpc_req *req);
int omfs_srv_rx_getattr(struct om_rpc_req *req);
int omfs_srv_rx_setattr(struct om_rpc_req *req);
int omfs_srv_rx_access(struct om_rpc_req *req);
int omfs_srv_rx_readlink(struct om_rpc_req *req);
int omfs_srv_rx_mkdir(struct om_rpc_req *req);
int omfs_srv_rx_mknod(struct om_rpc_req *req);
int omfs_srv_rx_symlink(struct om_rpc_req *req);
int omfs_srv_rx_link(struct om_rpc_req *req);
int omfs_srv_rx_unlink(struct om_rpc_req *req);
int omfs_srv_rx_rmdir(struct om_rpc_req *req);
int omfs_srv_rx_rename(struct om_rpc_req *req);
int omfs_srv_rx_statfs(struct om_rpc_req *req);
int omfs_srv_rx_getxattr(struct om_rpc_req *req);
int omfs_srv_rx_setxattr(struct om_rpc_req *req);
int omfs_srv_rx_listxattr(struct om_rpc_req *req);
int omfs_srv_rx_removexattr(struct om_rpc_req *req);

/* srv_file.c */
/* fs/open.c:do_truncate(), which is not exported. */
int omfs_srv_do_truncate(const struct path *path, loff_t length,
			 unsigned int time_attrs, struct file *file);
int omfs_srv_rx_open(struct om_rpc_req *req);
int omfs_srv_rx_create(struct om_rpc_req *req);
int omfs_srv_rx_read(struct om_rpc_req *req);
int omfs_srv_rx_write(struct om_rpc_req *req);
int omfs_srv_rx_fsync(struct om_rpc_req *req);
int omfs_srv_rx_lseek(struct om_rpc_req *req);
int omfs_srv_rx_fallocate(struct om_rpc_req *req);
int omfs_srv_rx_readdir(struct om_rpc_req *req);
int omfs_srv_flock(struct file *file, int type, bool close);
int omfs_srv_rx_lock(struct om_rpc_req *req);
int omfs_srv_rx_flock(struct om_rpc_req *req);

#endif /* _OMFS_SRV_INT_H */
