// SPDX-License-Identifier: GPL-2.0
/*
 * The server of this node's files to the other nodes' omfs clients
 * (docs/design/omfs.md §6, §7).
 *
 * A request is received in its link's worker, which must not block: the
 * handler of its type checks the frame, finds the session and the fids it
 * names, takes references, reserves the fid it makes (PENDING) and queues
 * the request; everything in arrival order, so that a CLUNK never
 * overtakes an earlier request that uses the fid. A server thread (a work
 * item of omfs_srv_wq) then executes it under the requester's identity
 * and answers. Each peer has at most half the threads; what is beyond
 * waits in its session's backlog.
 *
 * A session belongs to one peer and one link to it (the link's epoch):
 * ATTACH makes it, replacing the peer's older one; DETACH, the link going
 * down, `omctl set nomfs` and unloading end it. Ending a session forgets
 * its fids and creds at once; requests still running keep what they hold
 * and let go when they finish. The last reference to a fid is dropped in a
 * server thread (fput(), path_put()), never in a link's worker.
 *
 * Nothing is ever found by a path string: a LOOKUP resolves one checked
 * name in a directory fid, never follows a symlink, crosses mounts, but
 * neither into a pseudo file system of this node nor into an mfs mount
 * (the seeds' /mfs/1/mfs/1 loop).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "omfs.h"
#include "srv.h"

#include <linux/cred.h>
#include <linux/fs_struct.h>
#include <linux/file.h>
#include <linux/llist.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/notifier.h>
#include <linux/pid.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/statfs.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <linux/xattr.h>
#include <openmosix/omcore.h>
#include <openmosix/omfs_wire.h>
#include <uapi/linux/omfs.h>
#include <uapi/linux/openmosix.h>

/* The limits ATTACH announces (§6.6). */
#define OMFS_SRV_MAX_IO		OMFS_MAX_IO
#define OMFS_SRV_MAX_FIDS	OMFS_MAX_FIDS
#define OMFS_SRV_MAX_CREDS	OMFS_MAX_CREDS
#define OMFS_SRV_MAX_INFLIGHT	OMFS_MAX_INFLIGHT
/* Supplementary groups of all creds of a session (4 MiB): -ENOSPC past it. */
#define OMFS_SRV_MAX_GROUPS	(1u << 20)
#define OMFS_SRV_FEATURES	OMFS_FEAT_XATTR

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
	struct llist_node free_node;
};

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
	unsigned int nfids;
	unsigned int ngroups;		/* of all creds */
	unsigned int inflight;		/* queued and running */
	unsigned int running;
	struct list_head backlog;	/* of struct omfs_srv_work */
};

/* One request between its handler and its answer. */
struct omfs_srv_work {
	struct work_struct work;
	struct list_head node;		/* in the session's backlog */
	struct om_rpc_req *req;
	u8 type;
	struct omfs_srv_session *s;	/* referenced */
	struct omfs_srv_cred *cred;	/* referenced; NULL for ATTACH */
	int (*exec)(struct omfs_srv_work *w);
	struct omfs_srv_fid *fid;	/* the object, referenced */
	struct omfs_srv_fid *newfid;	/* reserved by this request */
	u32 newfid_id;
	union omfs_wire_args a;		/* the request's fixed struct */
	struct omfs_wire_tail tails[OMFS_WIRE_TAILS];	/* in the payload */
	char name[OMFS_NAME_MAX + 1];	/* tails[0] NUL-terminated */
	/* The answer: .small, or a kvmalloc'ed buffer. */
	u8 *rsp;
	size_t rsp_len;
	void *rsp_buf;
	u8 small[OMFS_WIRE_ATTACH_RSP_LEN];
};

static struct workqueue_struct *omfs_srv_wq;
static unsigned int omfs_srv_peer_threads;	/* running per peer, at most */

static DEFINE_XARRAY(omfs_srv_sessions);	/* node -> session */
static DEFINE_MUTEX(omfs_srv_sessions_lock);	/* changes of it */

/* The last references to fids, dropped in a server thread. */
static LLIST_HEAD(omfs_srv_dead_fids);
static void omfs_srv_free_fids(struct work_struct *work);
static DECLARE_WORK(omfs_srv_free_work, omfs_srv_free_fids);

static atomic_t omfs_srv_nr_sessions = ATOMIC_INIT(0);
static atomic_t omfs_srv_nr_fids = ATOMIC_INIT(0);
static atomic_t omfs_srv_nr_works = ATOMIC_INIT(0);

/* ------------------------------------------------------------------ */
/* Fids                                                               */

static void omfs_srv_fid_release(struct omfs_srv_fid *f)
{
	if (f->file) {
		if (f->exec_denied)
			allow_write_access(f->file);
		fput(f->file);
	}
	if (f->path.dentry)
		path_put(&f->path);
	mutex_destroy(&f->pos_lock);
	kfree(f);
	atomic_dec(&omfs_srv_nr_fids);
}

static void omfs_srv_free_fids(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&omfs_srv_dead_fids);
	struct omfs_srv_fid *f, *next;

	llist_for_each_entry_safe(f, next, list, free_node)
		omfs_srv_fid_release(f);
}

/* Any context but atomic: what the fid holds is let go in a server thread. */
static void omfs_srv_fid_put(struct omfs_srv_fid *f)
{
	if (!f || !refcount_dec_and_test(&f->ref))
		return;
	if (llist_add(&f->free_node, &omfs_srv_dead_fids))
		queue_work(omfs_srv_wq, &omfs_srv_free_work);
}

/* Fid @id of @s if its kind is one of @kinds, referenced; or -EBADFD. */
static struct omfs_srv_fid *omfs_srv_fid_get(struct omfs_srv_session *s,
					     u32 id, unsigned int kinds)
{
	struct omfs_srv_fid *f;

	mutex_lock(&s->lock);
	f = xa_load(&s->fids, id);
	if (f && (BIT(f->kind) & kinds))
		refcount_inc(&f->ref);
	else
		f = NULL;
	mutex_unlock(&s->lock);
	return f ?: ERR_PTR(-EBADFD);
}

/*
 * Reserves fid @id of @s for the request @w makes it with: PENDING until
 * omfs_srv_fid_settle(). The fid must be free (-EPROTO otherwise).
 */
static int omfs_srv_fid_reserve(struct omfs_srv_work *w, u32 id)
{
	struct omfs_srv_session *s = w->s;
	struct omfs_srv_fid *f;
	int err;

	if (!id || id > OMFS_SRV_MAX_FIDS)
		return -EPROTO;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	refcount_set(&f->ref, 2);		/* the table's and @w's */
	f->kind = OMFS_FID_PENDING;
	mutex_init(&f->pos_lock);
	atomic_inc(&omfs_srv_nr_fids);

	mutex_lock(&s->lock);
	if (s->dead)
		err = -EBADR;
	else if (s->nfids >= OMFS_SRV_MAX_FIDS)
		err = -EMFILE;
	else
		err = xa_insert(&s->fids, id, f, GFP_KERNEL);
	if (!err)
		s->nfids++;
	mutex_unlock(&s->lock);
	if (err) {
		refcount_set(&f->ref, 1);
		omfs_srv_fid_put(f);
		return err == -EBUSY ? -EPROTO : err;
	}
	w->newfid = f;
	w->newfid_id = id;
	return 0;
}

/*
 * The request that reserved @w->newfid is done: the fid becomes what it
 * made (@ok), or goes. A CLUNK or the session's end may have taken it
 * from the table meanwhile; then what it holds goes with the last put.
 */
static void omfs_srv_fid_settle(struct omfs_srv_work *w, bool ok)
{
	struct omfs_srv_session *s = w->s;
	struct omfs_srv_fid *f = w->newfid;
	bool drop = false;

	if (!f)
		return;
	mutex_lock(&s->lock);
	if (xa_load(&s->fids, w->newfid_id) == f) {
		if (ok) {
			f->kind = f->file ? OMFS_FID_OPEN : OMFS_FID_OBJ;
		} else {
			xa_erase(&s->fids, w->newfid_id);
			s->nfids--;
			drop = true;
		}
	}
	mutex_unlock(&s->lock);
	if (drop)
		omfs_srv_fid_put(f);
	omfs_srv_fid_put(f);
	w->newfid = NULL;
}

/* ------------------------------------------------------------------ */
/* Sessions                                                           */

static void omfs_srv_session_put(struct omfs_srv_session *s)
{
	if (!refcount_dec_and_test(&s->ref))
		return;
	xa_destroy(&s->fids);
	xa_destroy(&s->creds);
	mutex_destroy(&s->lock);
	atomic_dec(&omfs_srv_nr_sessions);
	kfree_rcu(s, rcu);		/* omfs_srv_session_get() may look */
}

static struct omfs_srv_session *omfs_srv_session_new(u16 node, u64 epoch)
{
	struct omfs_srv_session *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	refcount_set(&s->ref, 1);
	s->node = node;
	s->epoch = epoch;
	do {
		s->id = get_random_u64();
	} while (!s->id);
	mutex_init(&s->lock);
	xa_init(&s->fids);
	xa_init(&s->creds);
	INIT_LIST_HEAD(&s->backlog);
	atomic_inc(&omfs_srv_nr_sessions);
	return s;
}

/*
 * Ends @s, taken out of the table by the caller, whose reference this
 * drops: new requests get -EBADR, queued ones too; running ones finish.
 */
static void omfs_srv_session_kill(struct omfs_srv_session *s)
{
	struct omfs_srv_cred *c;
	struct omfs_srv_fid *f;
	unsigned long i;

	mutex_lock(&s->lock);
	WRITE_ONCE(s->dead, true);
	xa_for_each(&s->fids, i, f) {
		xa_erase(&s->fids, i);
		omfs_srv_fid_put(f);
	}
	s->nfids = 0;
	xa_for_each(&s->creds, i, c) {
		xa_erase(&s->creds, i);
		omfs_srv_cred_put(c);
	}
	s->ngroups = 0;
	mutex_unlock(&s->lock);
	omfs_srv_session_put(s);
}

/* Ends the session of @node if it is of link @epoch (any if 0). */
static void omfs_srv_session_end(u16 node, u64 epoch)
{
	struct omfs_srv_session *s;

	mutex_lock(&omfs_srv_sessions_lock);
	s = xa_load(&omfs_srv_sessions, node);
	if (s && (!epoch || s->epoch == epoch))
		xa_erase(&omfs_srv_sessions, node);
	else
		s = NULL;
	mutex_unlock(&omfs_srv_sessions_lock);
	if (s)
		omfs_srv_session_kill(s);
}

static void omfs_srv_session_end_all(void)
{
	struct omfs_srv_session *s;
	unsigned long node;

	mutex_lock(&omfs_srv_sessions_lock);
	xa_for_each(&omfs_srv_sessions, node, s) {
		xa_erase(&omfs_srv_sessions, node);
		omfs_srv_session_kill(s);
	}
	mutex_unlock(&omfs_srv_sessions_lock);
}

/* The live session @id of @node on link @epoch, referenced; or NULL. */
static struct omfs_srv_session *omfs_srv_session_get(u16 node, u64 epoch,
						     u64 id)
{
	struct omfs_srv_session *s;

	rcu_read_lock();
	s = xa_load(&omfs_srv_sessions, node);
	if (s && (s->id != id || s->epoch != epoch ||
		  !refcount_inc_not_zero(&s->ref)))
		s = NULL;
	rcu_read_unlock();
	return s;
}

/* ------------------------------------------------------------------ */
/* Requests: from the handler to the answer                           */

static void omfs_srv_work_fn(struct work_struct *work);

/* A peer that sends what the protocol forbids: said once in a while. */
static int omfs_srv_malformed(struct om_rpc_req *req, u8 type, int err)
{
	if (err == -EPROTO)
		pr_warn_ratelimited("node %u sent a malformed request of type %u\n",
				    om_rpc_req_node(req), type);
	return err;
}

static struct omfs_srv_work *omfs_srv_work_new(struct om_rpc_req *req, u8 type,
					       int (*exec)(struct omfs_srv_work *))
{
	struct omfs_srv_work *w = kzalloc(sizeof(*w), GFP_KERNEL);

	if (!w)
		return NULL;
	INIT_WORK(&w->work, omfs_srv_work_fn);
	INIT_LIST_HEAD(&w->node);
	w->req = req;
	w->type = type;
	w->exec = exec;
	atomic_inc(&omfs_srv_nr_works);
	return w;
}

/* Lets go of everything @w holds but its request. Any context. */
static void omfs_srv_work_free(struct omfs_srv_work *w)
{
	omfs_srv_fid_settle(w, false);
	omfs_srv_fid_put(w->fid);
	omfs_srv_cred_put(w->cred);
	if (w->s)
		omfs_srv_session_put(w->s);
	kvfree(w->rsp_buf);
	kfree(w);
	atomic_dec(&omfs_srv_nr_works);
}

/*
 * Queues @w on its session: a server thread runs it now if the peer has
 * fewer than its share running, else when one of them finishes.
 */
static int omfs_srv_queue(struct omfs_srv_work *w)
{
	struct omfs_srv_session *s = w->s;
	bool run = false;
	int err = 0;

	mutex_lock(&s->lock);
	if (s->dead) {
		err = -EBADR;
	} else if (s->inflight >= OMFS_SRV_MAX_INFLIGHT) {
		err = -EPROTO;		/* the client's limit: it broke it */
	} else {
		s->inflight++;
		if (s->running < omfs_srv_peer_threads) {
			s->running++;
			run = true;
		} else {
			list_add_tail(&w->node, &s->backlog);
		}
	}
	mutex_unlock(&s->lock);
	if (run)
		queue_work(omfs_srv_wq, &w->work);
	return err;
}

/*
 * @w is about to be answered: the client may send its next request as
 * soon as the answer is there, and that one must find the slot free.
 */
static void omfs_srv_answering(struct omfs_srv_work *w)
{
	mutex_lock(&w->s->lock);
	w->s->inflight--;
	mutex_unlock(&w->s->lock);
}

/* @w is answered: its session's next request gets its thread. */
static void omfs_srv_done(struct omfs_srv_work *w)
{
	struct omfs_srv_session *s = w->s;
	struct omfs_srv_work *next;

	mutex_lock(&s->lock);
	next = list_first_entry_or_null(&s->backlog, struct omfs_srv_work,
					node);
	if (next)
		list_del_init(&next->node);
	else
		s->running--;
	mutex_unlock(&s->lock);
	if (next)
		queue_work(omfs_srv_wq, &next->work);
}

static void omfs_srv_work_fn(struct work_struct *work)
{
	struct omfs_srv_work *w = container_of(work, struct omfs_srv_work,
					       work);
	const struct cred *cred, *old;
	int err;

	if (om_policy() & OM_POLICY_NOMFS) {
		err = -ECONNREFUSED;
	} else if (READ_ONCE(w->s->dead)) {
		err = -EBADR;
	} else if (!w->cred) {
		err = omfs_wire_errno(w->exec(w));	/* ATTACH */
	} else {
		cred = omfs_srv_cred_use(w->cred);
		if (cred) {
			old = override_creds(cred);
			err = omfs_wire_errno(w->exec(w));
			revert_creds(old);
			put_cred(cred);
		} else {
			err = -ENOMEM;
		}
	}
	/* Before the answer: the client may use the new fid right after. */
	omfs_srv_fid_settle(w, !err);
	omfs_srv_answering(w);
	if (err)
		om_rpc_reply(w->req, err, NULL, 0);
	else
		om_rpc_reply(w->req, 0, w->rsp, w->rsp_len);
	omfs_srv_done(w);
	omfs_srv_work_free(w);
}

/* An answer of @len bytes for @w to fill: 0 or -ENOMEM. */
static int omfs_srv_rsp(struct omfs_srv_work *w, size_t len)
{
	if (len <= sizeof(w->small)) {
		w->rsp = w->small;
	} else {
		/* Peer-sized (READ, READDIR, xattrs): bounded by the codec. */
		w->rsp_buf = kvmalloc(len, GFP_KERNEL | __GFP_NOWARN);
		if (!w->rsp_buf)
			return -ENOMEM;
		w->rsp = w->rsp_buf;
	}
	w->rsp_len = len;
	return 0;
}

/*
 * Decodes the whole request @req of @type into a new work item (its fixed
 * struct in w->a, its tails in w->tails, pointing into the payload, which
 * the request keeps), every rule of the codec checked. -errno: omcore
 * answers it.
 */
static struct omfs_srv_work *omfs_srv_parse(struct om_rpc_req *req, u8 type,
					    int (*exec)(struct omfs_srv_work *),
					    struct omfs_wire_req *r)
{
	struct omfs_srv_work *w;
	const u8 *data;
	size_t len;
	int err;

	if (om_policy() & OM_POLICY_NOMFS ||
	    !om_node_in_map(om_rpc_req_node(req)))
		return ERR_PTR(-ECONNREFUSED);
	w = omfs_srv_work_new(req, type, exec);
	if (!w)
		return ERR_PTR(-ENOMEM);
	data = om_rpc_req_data(req, &len);
	err = omfs_wire_parse_req(type, data, len, r, &w->a, w->tails);
	if (err) {
		omfs_srv_work_free(w);
		return ERR_PTR(omfs_srv_malformed(req, type, err));
	}
	return w;
}

/*
 * The start of every handler but ATTACH's: the request decodes, names the
 * live session of its link and, unless it is one of the session's own
 * (@cred false: CRED, CLUNK, DETACH), a registered cred. The work item
 * holds them.
 */
static struct omfs_srv_work *omfs_srv_begin(struct om_rpc_req *req, u8 type,
					    bool cred,
					    int (*exec)(struct omfs_srv_work *))
{
	struct omfs_srv_session *s;
	struct omfs_srv_work *w;
	struct omfs_wire_req r;
	int err;

	w = omfs_srv_parse(req, type, exec, &r);
	if (IS_ERR(w))
		return w;
	err = -EPROTO;
	if (!r.session || !cred != !r.cred)
		goto err;
	err = -EBADR;
	s = omfs_srv_session_get(om_rpc_req_node(req), om_rpc_req_epoch(req),
				 r.session);
	if (!s)
		goto err;
	w->s = s;
	if (cred) {
		mutex_lock(&s->lock);
		w->cred = xa_load(&s->creds, r.cred);
		if (w->cred)
			omfs_srv_cred_get(w->cred);
		mutex_unlock(&s->lock);
		/* Never registered, or the session is gone. */
		err = READ_ONCE(s->dead) ? -EBADR : -EPROTO;
		if (!w->cred)
			goto err;
	}
	return w;

err:
	omfs_srv_work_free(w);
	return ERR_PTR(omfs_srv_malformed(req, type, err));
}

/* The object fid @id of @w's request, of one of @kinds. */
static int omfs_srv_use_fid(struct omfs_srv_work *w, u32 id,
			    unsigned int kinds)
{
	struct omfs_srv_fid *f = omfs_srv_fid_get(w->s, id, kinds);

	if (IS_ERR(f))
		return PTR_ERR(f);
	w->fid = f;
	return 0;
}

/* The end of a handler: queued, or answered by omcore with @err. */
static int omfs_srv_finish(struct omfs_srv_work *w, int err)
{
	if (!err)
		err = omfs_srv_queue(w);
	if (!err)
		return OM_RPC_DEFERRED;
	omfs_srv_malformed(w->req, w->type, err);
	omfs_srv_work_free(w);
	return err;
}

/* ------------------------------------------------------------------ */
/* Resolution and attributes                                          */

/* File systems of this node that other nodes do not see into (§7.4). */
static bool omfs_srv_pseudo(const struct super_block *sb)
{
	static const unsigned long magics[] = {
		PROC_SUPER_MAGIC, SYSFS_MAGIC, DEBUGFS_MAGIC, TRACEFS_MAGIC,
		SECURITYFS_MAGIC, BPF_FS_MAGIC, CGROUP_SUPER_MAGIC,
		CGROUP2_SUPER_MAGIC, DEVPTS_SUPER_MAGIC, PSTOREFS_MAGIC,
		EFIVARFS_MAGIC, BINFMTFS_MAGIC, AUTOFS_SUPER_MAGIC, NSFS_MAGIC,
	};
	/* Their magic numbers are not in uapi/linux/magic.h. */
	static const char *const names[] = {
		"devtmpfs", "configfs", "fusectl", "mqueue",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(magics); i++)
		if (sb->s_magic == magics[i])
			return true;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(sb->s_type->name, names[i]))
			return true;
	return false;
}

/*
 * Moves @path onto what is mounted on it, unless that is a pseudo file
 * system (the directory below shows, as NFS without crossmnt); an mfs
 * file system there is -ELOOP. Automounts are not triggered.
 */
static int omfs_srv_cross(struct path *path)
{
	struct path down;
	int err;

	if (d_mountpoint(path->dentry)) {
		down = *path;
		path_get(&down);
		err = om_follow_down(&down);
		if (err) {
			path_put(&down);
			return err;
		}
		if (omfs_srv_pseudo(down.dentry->d_sb)) {
			path_put(&down);
		} else {
			path_put(path);
			*path = down;
		}
	}
	if (path->dentry->d_sb->s_magic == OMFS_SUPER_MAGIC)
		return -ELOOP;
	return 0;
}

static int omfs_srv_getattr(const struct path *path, struct omfs_wire_attr *a)
{
	struct inode *inode = d_inode(path->dentry);
	struct kstat st;
	int err;

	err = vfs_getattr(path, &st, STATX_BASIC_STATS | STATX_BTIME |
			  OM_STATX_CHANGE_COOKIE, AT_STATX_SYNC_AS_STAT);
	if (err)
		return err;
	memset(a, 0, sizeof(*a));
	a->dev = huge_encode_dev(st.dev);
	a->ino = st.ino;
	a->size = st.size;
	a->blocks = st.blocks;
	a->change = om_change_cookie(&st, inode);
	a->atime_sec = st.atime.tv_sec;
	a->atime_nsec = st.atime.tv_nsec;
	a->mtime_sec = st.mtime.tv_sec;
	a->mtime_nsec = st.mtime.tv_nsec;
	a->ctime_sec = st.ctime.tv_sec;
	a->ctime_nsec = st.ctime.tv_nsec;
	if (st.result_mask & STATX_BTIME) {
		a->btime_sec = st.btime.tv_sec;
		a->btime_nsec = st.btime.tv_nsec;
	}
	a->rdev = huge_encode_dev(st.rdev);
	a->mode = st.mode;
	a->nlink = st.nlink;
	a->uid = from_kuid_munged(&init_user_ns, st.uid);
	a->gid = from_kgid_munged(&init_user_ns, st.gid);
	a->blksize = st.blksize;
	a->generation = inode->i_generation;
	a->mask = st.result_mask & (STATX_BASIC_STATS | STATX_BTIME);
	a->attributes = st.attributes;
	return 0;
}

/* The answer is @path's attributes. */
static int omfs_srv_rsp_attr(struct omfs_srv_work *w, const struct path *path)
{
	struct omfs_wire_attr a;
	int err;

	err = omfs_srv_getattr(path, &a);
	if (!err)
		err = omfs_srv_rsp(w, OMFS_WIRE_ATTR_LEN);
	if (!err)
		omfs_wire_put_attr(w->rsp, &a);
	return err;
}

/* This node's "/" as PID 1 of the initial namespace sees it (§7.4). */
static int omfs_srv_export_root(struct path *root)
{
	struct task_struct *init;
	int err = -ENOENT;

	rcu_read_lock();
	init = pid_task(find_pid_ns(1, &init_pid_ns), PIDTYPE_PID);
	if (init)
		get_task_struct(init);
	rcu_read_unlock();
	if (!init)
		return err;
	task_lock(init);
	if (init->fs) {
		get_fs_root(init->fs, root);
		err = 0;
	}
	task_unlock(init);
	put_task_struct(init);
	return err;
}

/* ------------------------------------------------------------------ */
/* Sessions: ATTACH, DETACH, CRED, CLUNK                              */

static int omfs_srv_exec_attach(struct omfs_srv_work *w)
{
	struct omfs_wire_attach_rsp rsp = {
		.session = w->s->id,
		.max_io = OMFS_SRV_MAX_IO,
		.max_fids = OMFS_SRV_MAX_FIDS,
		.max_creds = OMFS_SRV_MAX_CREDS,
		.max_inflight = OMFS_SRV_MAX_INFLIGHT,
		.features = OMFS_SRV_FEATURES,
		.version = OMFS_WIRE_VERSION,
	};
	struct path root;
	int err;

	err = omfs_srv_export_root(&root);
	if (err)
		return err;
	err = omfs_srv_getattr(&root, &rsp.root);
	if (err) {
		path_put(&root);
		return err;
	}
	w->newfid->path = root;
	err = omfs_srv_rsp(w, OMFS_WIRE_ATTACH_RSP_LEN);
	if (!err)
		omfs_wire_put_attach_rsp(w->rsp, &rsp);
	return err;
}

/* A new session for the peer, replacing its older one. */
static int omfs_srv_rx_attach(struct om_rpc_req *req)
{
	u16 node = om_rpc_req_node(req);
	u64 epoch = om_rpc_req_epoch(req);
	struct omfs_srv_session *s, *old;
	struct omfs_wire_attach *att;
	struct omfs_srv_work *w;
	struct omfs_wire_req r;
	int err;

	w = omfs_srv_parse(req, OMFS_WT_ATTACH, omfs_srv_exec_attach, &r);
	if (IS_ERR(w))
		return PTR_ERR(w);
	att = &w->a.attach;
	err = -EPROTO;
	if (r.session || r.cred)
		goto err_work;
	err = -EPROTONOSUPPORT;		/* no omfs here it can talk to */
	if (att->version_min > OMFS_WIRE_VERSION ||
	    att->version_max < OMFS_WIRE_VERSION)
		goto err_work;
	err = -ENOMEM;
	s = omfs_srv_session_new(node, epoch);
	if (!s)
		goto err_work;
	w->s = s;
	err = omfs_srv_fid_reserve(w, att->root_fid);
	if (err)
		goto err_session;

	mutex_lock(&omfs_srv_sessions_lock);
	old = xa_load(&omfs_srv_sessions, node);
	if (om_policy() & OM_POLICY_NOMFS)
		err = -ECONNREFUSED;	/* set meanwhile: its sessions went */
	else if (old && old->epoch > epoch)
		err = -EBADR;		/* from a link already replaced */
	else
		err = xa_err(xa_store(&omfs_srv_sessions, node, s, GFP_KERNEL));
	if (!err)
		refcount_inc(&s->ref);	/* the table's */
	mutex_unlock(&omfs_srv_sessions_lock);
	if (err)
		goto err_session;
	if (old)
		omfs_srv_session_kill(old);
	return omfs_srv_finish(w, 0);

err_session:
	/* Dead, so that the reserved root fid goes with the work item. */
	mutex_lock(&s->lock);
	WRITE_ONCE(s->dead, true);
	mutex_unlock(&s->lock);
err_work:
	omfs_srv_work_free(w);
	return omfs_srv_malformed(req, OMFS_WT_ATTACH, err);
}

/* One-way: the peer is done with its session. */
static int omfs_srv_rx_detach(struct om_rpc_req *req)
{
	u16 node = om_rpc_req_node(req);
	struct omfs_srv_work *w;
	bool ours;

	w = omfs_srv_begin(req, OMFS_WT_DETACH, false, NULL);
	if (IS_ERR(w))
		return PTR_ERR(w);
	mutex_lock(&omfs_srv_sessions_lock);
	ours = xa_load(&omfs_srv_sessions, node) == w->s;
	if (ours)
		xa_erase(&omfs_srv_sessions, node);
	mutex_unlock(&omfs_srv_sessions_lock);
	if (ours)
		omfs_srv_session_kill(w->s);	/* the table's reference */
	omfs_srv_work_free(w);
	return 0;
}

/* Registers an identity under a client-chosen id, answered at once. */
static int omfs_srv_rx_cred(struct om_rpc_req *req)
{
	struct omfs_srv_cred *c, *old;
	struct omfs_wire_cred *wc;
	struct omfs_srv_session *s;
	struct omfs_srv_work *w;
	unsigned int ngroups;
	int err;

	w = omfs_srv_begin(req, OMFS_WT_CRED, false, NULL);
	if (IS_ERR(w))
		return PTR_ERR(w);
	s = w->s;
	wc = &w->a.cred;
	err = -ENOSPC;
	if (wc->id > OMFS_SRV_MAX_CREDS)
		goto out;
	c = omfs_srv_cred_new(wc->fsuid, wc->fsgid, wc->capmask,
			      w->tails[0].data, wc->ngroups);
	if (IS_ERR(c)) {
		err = PTR_ERR(c);
		goto out;
	}
	mutex_lock(&s->lock);
	old = xa_load(&s->creds, wc->id);
	ngroups = s->ngroups + wc->ngroups -
		  (old ? omfs_srv_cred_ngroups(old) : 0);
	if (s->dead) {
		err = -EBADR;
	} else if (ngroups > OMFS_SRV_MAX_GROUPS) {
		err = -ENOSPC;
	} else {
		/* Requests that hold the old one keep it. */
		old = xa_store(&s->creds, wc->id, c, GFP_KERNEL);
		err = xa_err(old);
	}
	if (!err)
		s->ngroups = ngroups;
	mutex_unlock(&s->lock);
	omfs_srv_cred_put(err ? c : old);
out:
	omfs_srv_work_free(w);
	return err;
}

/* One-way: forget fids. A PENDING one goes when its request is done. */
static int omfs_srv_rx_clunk(struct om_rpc_req *req)
{
	struct omfs_srv_session *s;
	struct omfs_srv_work *w;
	struct omfs_srv_fid *f;
	u32 i;

	w = omfs_srv_begin(req, OMFS_WT_CLUNK, false, NULL);
	if (IS_ERR(w))
		return PTR_ERR(w);
	s = w->s;
	mutex_lock(&s->lock);
	for (i = 0; i < w->a.clunk.count; i++) {
		f = xa_erase(&s->fids, omfs_wire_get_u32_at(w->tails[0].data, i));
		if (f) {
			s->nfids--;
			omfs_srv_fid_put(f);
		}
	}
	mutex_unlock(&s->lock);
	omfs_srv_work_free(w);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Names and attributes: LOOKUP, GETATTR, ACCESS, READLINK, STATFS     */

static int omfs_srv_exec_lookup(struct omfs_srv_work *w)
{
	const struct path *dir = &w->fid->path;
	struct path path;
	int err;

	if (!d_can_lookup(dir->dentry))
		return -ENOTDIR;
	/* Checks search permission on @dir with the requester's cred. */
	path.dentry = lookup_one_unlocked(om_mnt_idmap(dir->mnt), w->name,
					  dir->dentry, w->a.lookup.namelen);
	if (IS_ERR(path.dentry))
		return PTR_ERR(path.dentry);
	if (d_is_negative(path.dentry)) {
		dput(path.dentry);
		return -ENOENT;
	}
	path.mnt = mntget(dir->mnt);
	err = omfs_srv_cross(&path);
	if (!err)
		err = omfs_srv_rsp_attr(w, &path);
	if (!err && w->newfid)
		w->newfid->path = path;		/* the fid's now */
	else
		path_put(&path);
	return err;
}

static int omfs_srv_rx_lookup(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err;

	w = omfs_srv_begin(req, OMFS_WT_LOOKUP, true, omfs_srv_exec_lookup);
	if (IS_ERR(w))
		return PTR_ERR(w);
	/* The codec checked the name: 1..255 bytes, no NUL or '/', not . or .. */
	memcpy(w->name, w->tails[0].data, w->tails[0].len);
	err = omfs_srv_use_fid(w, w->a.lookup.dirfid, OMFS_FID_ANY);
	if (!err && w->a.lookup.newfid)
		err = omfs_srv_fid_reserve(w, w->a.lookup.newfid);
	return omfs_srv_finish(w, err);
}

static int omfs_srv_exec_getattr(struct omfs_srv_work *w)
{
	return omfs_srv_rsp_attr(w, &w->fid->path);
}

static int omfs_srv_exec_access(struct omfs_srv_work *w)
{
	struct inode *inode = d_inode(w->fid->path.dentry);
	int mask = 0;

	if (w->a.fid.arg & OMFS_MAY_READ)
		mask |= MAY_READ;
	if (w->a.fid.arg & OMFS_MAY_WRITE)
		mask |= MAY_WRITE;
	if (w->a.fid.arg & OMFS_MAY_EXEC)
		mask |= MAY_EXEC;
	/* Nothing is written here yet (phase 2): as on a read-only mount. */
	if ((mask & MAY_WRITE) && (S_ISREG(inode->i_mode) ||
				   S_ISDIR(inode->i_mode) ||
				   S_ISLNK(inode->i_mode)))
		return -EROFS;
	return inode_permission(om_mnt_idmap(w->fid->path.mnt), inode,
				mask | MAY_ACCESS);
}

static int omfs_srv_exec_readlink(struct omfs_srv_work *w)
{
	struct omfs_wire_len_rsp lr = {};
	DEFINE_DELAYED_CALL(done);
	const char *target;
	size_t len;
	int err;

	target = vfs_get_link(w->fid->path.dentry, &done);
	if (IS_ERR(target))
		return PTR_ERR(target);
	len = strlen(target);
	/* Not one the wire can carry: no Linux file system makes such. */
	err = omfs_wire_check_target(target, len) ? -ENAMETOOLONG : 0;
	if (!err)
		err = omfs_srv_rsp(w, OMFS_WIRE_LEN_RSP_LEN + len);
	if (!err) {
		lr.len = len;
		omfs_wire_put_len_rsp(w->rsp, &lr);
		memcpy(w->rsp + OMFS_WIRE_LEN_RSP_LEN, target, len);
	}
	do_delayed_call(&done);
	return err;
}

static int omfs_srv_exec_statfs(struct omfs_srv_work *w)
{
	struct omfs_wire_statfs_rsp rsp;
	struct kstatfs st;
	int err;

	/* The figures of the file system the fid is on. */
	err = vfs_statfs(&w->fid->path, &st);
	if (err)
		return err;
	rsp = (struct omfs_wire_statfs_rsp) {
		.type = st.f_type,
		.blocks = st.f_blocks,
		.bfree = st.f_bfree,
		.bavail = st.f_bavail,
		.files = st.f_files,
		.ffree = st.f_ffree,
		.fsid = (u64)(u32)st.f_fsid.val[1] << 32 |
			(u32)st.f_fsid.val[0],
		.bsize = st.f_bsize,
		.frsize = st.f_frsize,
		.namelen = st.f_namelen,
		.flags = st.f_flags,
	};
	err = omfs_srv_rsp(w, OMFS_WIRE_STATFS_RSP_LEN);
	if (!err)
		omfs_wire_put_statfs_rsp(w->rsp, &rsp);
	return err;
}

static int omfs_srv_exec_listxattr(struct omfs_srv_work *w);

/* The requests whose fixed part is struct omfs_wire_fid. */
static int omfs_srv_rx_fid(struct om_rpc_req *req, u8 type,
			   int (*exec)(struct omfs_srv_work *))
{
	struct omfs_srv_work *w;
	int err;

	w = omfs_srv_begin(req, type, true, exec);
	if (IS_ERR(w))
		return PTR_ERR(w);
	err = omfs_srv_use_fid(w, w->a.fid.fid, OMFS_FID_ANY);
	return omfs_srv_finish(w, err);
}

static int omfs_srv_rx_getattr(struct om_rpc_req *req)
{
	return omfs_srv_rx_fid(req, OMFS_WT_GETATTR, omfs_srv_exec_getattr);
}

static int omfs_srv_rx_access(struct om_rpc_req *req)
{
	return omfs_srv_rx_fid(req, OMFS_WT_ACCESS, omfs_srv_exec_access);
}

static int omfs_srv_rx_readlink(struct om_rpc_req *req)
{
	return omfs_srv_rx_fid(req, OMFS_WT_READLINK, omfs_srv_exec_readlink);
}

static int omfs_srv_rx_statfs(struct om_rpc_req *req)
{
	return omfs_srv_rx_fid(req, OMFS_WT_STATFS, omfs_srv_exec_statfs);
}

static int omfs_srv_rx_listxattr(struct om_rpc_req *req)
{
	return omfs_srv_rx_fid(req, OMFS_WT_LISTXATTR, omfs_srv_exec_listxattr);
}

/* ------------------------------------------------------------------ */
/* Open files: OPEN, READ, LSEEK, READDIR                             */

static bool omfs_srv_noexec(const struct path *path)
{
	return (path->mnt->mnt_flags & MNT_NOEXEC) ||
	       (path->mnt->mnt_sb->s_iflags & SB_I_NOEXEC);
}

/* The checks of fs/namei.c:may_open() for a read-only open (§7.5). */
static int omfs_srv_may_open(const struct path *path, u32 flags)
{
	struct om_idmap *idmap = om_mnt_idmap(path->mnt);
	struct inode *inode = d_inode(path->dentry);
	int acc = MAY_READ;
	int err;

	switch (inode->i_mode & S_IFMT) {
	case S_IFLNK:
		return -ELOOP;		/* the client follows it itself */
	case S_IFDIR:
		if (flags & OMFS_OF_EXEC)
			return -EACCES;
		break;
	case S_IFREG:
		if (flags & OMFS_OF_DIRECTORY)
			return -ENOTDIR;
		break;
	default:
		/* Devices, FIFOs and sockets of this node: not for others. */
		return -ENXIO;
	}
	if (flags & OMFS_OF_EXEC) {
		if (omfs_srv_noexec(path))
			return -EACCES;
		acc = MAY_EXEC;		/* as open_exec(): no read needed */
	}
	err = inode_permission(idmap, inode, MAY_OPEN | acc);
	if (err)
		return err;
	if ((flags & OMFS_OF_NOATIME) && !inode_owner_or_capable(idmap, inode))
		return -EPERM;
	return 0;
}

static int omfs_srv_exec_open(struct omfs_srv_work *w)
{
	const struct path *path = &w->fid->path;
	u32 flags = w->a.open.flags;
	struct omfs_srv_fid *f = w->newfid;
	unsigned int oflags = O_RDONLY | O_LARGEFILE;
	struct file *file;
	int err;

	err = omfs_srv_may_open(path, flags);
	if (err)
		return err;
	if (flags & OMFS_OF_DIRECTORY)
		oflags |= O_DIRECTORY;
	if (flags & OMFS_OF_NOATIME)
		oflags |= O_NOATIME;
	if (flags & OMFS_OF_EXEC)
		oflags |= __FMODE_EXEC;
	/* security_file_open() and break_lease() happen in there. */
	file = dentry_open(path, oflags, current_cred());
	if (IS_ERR(file))
		return PTR_ERR(file);
	f->file = file;
	f->path = *path;
	path_get(&f->path);
	if (flags & OMFS_OF_EXEC) {
		/* Writers here get ETXTBSY while it runs on the other node. */
		err = deny_write_access(file);
		if (err)
			return err;
		f->exec_denied = true;
	}
	return omfs_srv_rsp_attr(w, path);
}

static int omfs_srv_rx_open(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	u32 flags;
	int err;

	w = omfs_srv_begin(req, OMFS_WT_OPEN, true, omfs_srv_exec_open);
	if (IS_ERR(w))
		return PTR_ERR(w);
	flags = w->a.open.flags;
	/* Read-only for now: phase 3 of the design brings writing. */
	if ((flags & OMFS_OF_ACCMODE) != OMFS_OF_RDONLY ||
	    (flags & OMFS_OF_TRUNC))
		return omfs_srv_finish(w, -EROFS);
	err = omfs_srv_use_fid(w, w->a.open.fid, OMFS_FID_ANY);
	if (!err)
		err = omfs_srv_fid_reserve(w, w->a.open.newfid);
	return omfs_srv_finish(w, err);
}

static int omfs_srv_exec_read(struct omfs_srv_work *w)
{
	struct omfs_wire_read_rsp rr = {};
	size_t count = w->a.io.count;
	loff_t pos = w->a.io.offset;
	ssize_t n;
	int err;

	err = omfs_srv_rsp(w, OMFS_WIRE_READ_RSP_LEN + count);
	if (err)
		return err;
	/* As much as there is: the client takes a short read for the end. */
	while (rr.count < count) {
		n = kernel_read(w->fid->file, w->rsp + OMFS_WIRE_READ_RSP_LEN +
				rr.count, count - rr.count, &pos);
		if (n < 0) {
			if (!rr.count)
				return n;
			break;
		}
		if (!n) {
			rr.flags |= OMFS_RD_EOF;
			break;
		}
		rr.count += n;
	}
	w->rsp_len = OMFS_WIRE_READ_RSP_LEN + rr.count;
	omfs_wire_put_read_rsp(w->rsp, &rr);
	return 0;
}

static int omfs_srv_rx_read(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err = 0;

	w = omfs_srv_begin(req, OMFS_WT_READ, true, omfs_srv_exec_read);
	if (IS_ERR(w))
		return PTR_ERR(w);
	if (w->a.io.count > OMFS_SRV_MAX_IO || w->a.io.offset > LLONG_MAX)
		err = -EPROTO;		/* past what ATTACH announced */
	if (!err)
		err = omfs_srv_use_fid(w, w->a.io.fid, BIT(OMFS_FID_OPEN));
	return omfs_srv_finish(w, err);
}

static int omfs_srv_exec_lseek(struct omfs_srv_work *w)
{
	struct omfs_wire_lseek_rsp rsp;
	struct omfs_srv_fid *f = w->fid;
	int whence;
	loff_t pos;
	int err;

	switch (w->a.lseek.whence) {
	case OMFS_SEEK_END:
		whence = SEEK_END;
		break;
	case OMFS_SEEK_DATA:
		whence = SEEK_DATA;
		break;
	case OMFS_SEEK_HOLE:
		whence = SEEK_HOLE;
		break;
	default:
		return -EINVAL;
	}
	mutex_lock(&f->pos_lock);
	pos = vfs_llseek(f->file, w->a.lseek.offset, whence);
	mutex_unlock(&f->pos_lock);
	if (pos < 0)
		return pos;
	rsp.offset = pos;
	err = omfs_srv_rsp(w, OMFS_WIRE_LSEEK_RSP_LEN);
	if (!err)
		omfs_wire_put_lseek_rsp(w->rsp, &rsp);
	return err;
}

static int omfs_srv_rx_lseek(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err;

	w = omfs_srv_begin(req, OMFS_WT_LSEEK, true, omfs_srv_exec_lseek);
	if (IS_ERR(w))
		return PTR_ERR(w);
	err = omfs_srv_use_fid(w, w->a.lseek.fid, BIT(OMFS_FID_OPEN));
	return omfs_srv_finish(w, err);
}

/* READDIR's packer: entries as the wire has them, up to .cap bytes. */
struct omfs_srv_readdir {
	struct dir_context ctx;
	u8 *buf;
	size_t cap, len;
	size_t last;			/* offset of the last entry put */
	unsigned int n;
	int err;
};

static bool omfs_srv_filldir(struct dir_context *ctx, const char *name,
			     int namelen, loff_t offset, u64 ino,
			     unsigned int type)
{
	struct omfs_srv_readdir *rd = container_of(ctx, struct omfs_srv_readdir,
						   ctx);
	struct omfs_wire_dirent de = {
		.ino = ino,
		.type = type,
		.namelen = namelen,
	};
	size_t size;

	/* A name the wire cannot carry (none of Linux's): left out. */
	if (namelen < 1 || namelen > OMFS_NAME_MAX)
		return true;
	size = omfs_wire_dirent_size(namelen);
	if (rd->len + size > rd->cap) {
		if (!rd->n)
			rd->err = -EINVAL;	/* as getdents(): no room */
		return false;
	}
	/* The entry before this one continues here. */
	if (rd->n)
		omfs_wire_set_dirent_next(rd->buf + rd->last, offset);
	omfs_wire_put_dirent(rd->buf + rd->len, &de, name);
	rd->last = rd->len;
	rd->len += size;
	rd->n++;
	return true;
}

static int omfs_srv_exec_readdir(struct omfs_srv_work *w)
{
	struct omfs_srv_readdir rd = {
		.ctx.actor = omfs_srv_filldir,
		.cap = w->a.readdir.maxbytes,
	};
	struct omfs_wire_len_rsp lr = {};
	struct omfs_srv_fid *f = w->fid;
	loff_t pos;
	int err;

	err = omfs_srv_rsp(w, OMFS_WIRE_LEN_RSP_LEN + rd.cap);
	if (err)
		return err;
	rd.buf = w->rsp + OMFS_WIRE_LEN_RSP_LEN;
	mutex_lock(&f->pos_lock);
	/* The cookie is the directory's own f_pos, as telldir() has it. */
	pos = vfs_llseek(f->file, w->a.readdir.cookie, SEEK_SET);
	if (pos < 0)
		err = pos;
	else
		err = iterate_dir(f->file, &rd.ctx);
	if (!err)
		err = rd.err;
	/* The last entry continues where the directory stopped. */
	if (!err && rd.n)
		omfs_wire_set_dirent_next(rd.buf + rd.last, f->file->f_pos);
	mutex_unlock(&f->pos_lock);
	if (err)
		return err;
	lr.len = rd.len;
	omfs_wire_put_len_rsp(w->rsp, &lr);
	w->rsp_len = OMFS_WIRE_LEN_RSP_LEN + rd.len;
	return 0;
}

static int omfs_srv_rx_readdir(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err = 0;

	w = omfs_srv_begin(req, OMFS_WT_READDIR, true, omfs_srv_exec_readdir);
	if (IS_ERR(w))
		return PTR_ERR(w);
	if (w->a.readdir.maxbytes > OMFS_SRV_MAX_IO ||
	    w->a.readdir.cookie > LLONG_MAX)
		err = -EPROTO;
	if (!err)
		err = omfs_srv_use_fid(w, w->a.readdir.fid, BIT(OMFS_FID_OPEN));
	return omfs_srv_finish(w, err);
}

/* ------------------------------------------------------------------ */
/* xattrs: GETXATTR, LISTXATTR                                        */

/* An answer of struct omfs_wire_len_rsp and up to @size bytes. */
static int omfs_srv_exec_xattr(struct omfs_srv_work *w, size_t size,
			       bool list)
{
	struct dentry *dentry = w->fid->path.dentry;
	struct omfs_wire_len_rsp lr = {};
	void *value;
	ssize_t n;
	int err;

	err = omfs_srv_rsp(w, OMFS_WIRE_LEN_RSP_LEN + size);
	if (err)
		return err;
	value = size ? w->rsp + OMFS_WIRE_LEN_RSP_LEN : NULL;
	if (list)
		n = vfs_listxattr(dentry, value, size);
	else
		n = vfs_getxattr(om_mnt_idmap(w->fid->path.mnt), dentry,
				 w->name, value, size);
	if (n < 0)
		return n;
	if (size && n > size)
		return -ERANGE;
	lr.len = n;
	omfs_wire_put_len_rsp(w->rsp, &lr);
	w->rsp_len = OMFS_WIRE_LEN_RSP_LEN + (size ? n : 0);
	return 0;
}

static int omfs_srv_exec_getxattr(struct omfs_srv_work *w)
{
	return omfs_srv_exec_xattr(w, w->a.xattr.size_or_flags, false);
}

static int omfs_srv_exec_listxattr(struct omfs_srv_work *w)
{
	return omfs_srv_exec_xattr(w, w->a.fid.arg, true);
}

static int omfs_srv_rx_getxattr(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err;

	w = omfs_srv_begin(req, OMFS_WT_GETXATTR, true, omfs_srv_exec_getxattr);
	if (IS_ERR(w))
		return PTR_ERR(w);
	/* A size and a name the codec checked: <= 64 KiB, 1..255, no NUL. */
	memcpy(w->name, w->tails[0].data, w->tails[0].len);
	err = omfs_srv_use_fid(w, w->a.xattr.fid, OMFS_FID_ANY);
	return omfs_srv_finish(w, err);
}

/* ------------------------------------------------------------------ */
/* What phase 2 does not serve                                        */

/* Changes and locks (phases 3 and 4): this node serves reading only. */
static int omfs_srv_rx_readonly(struct om_rpc_req *req)
{
	if (om_policy() & OM_POLICY_NOMFS)
		return -ECONNREFUSED;
	return -EROFS;
}

/* ------------------------------------------------------------------ */
/* Events, init and exit                                              */

static int omfs_srv_event(struct notifier_block *nb, unsigned long event,
			  void *data)
{
	const struct om_event_info *info = data;

	switch (event) {
	case OM_EV_LINK_DOWN:
		omfs_srv_session_end(info->node, info->epoch);
		break;
	case OM_EV_POLICY:
		if ((info->policy & OM_POLICY_NOMFS) &&
		    !(info->old_policy & OM_POLICY_NOMFS))
			omfs_srv_session_end_all();
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block omfs_srv_nb = {
	.notifier_call = omfs_srv_event,
};

static const struct {
	u8 type;
	om_rpc_req_handler_t handler;
} omfs_srv_handlers[] = {
	{ OMFS_WT_ATTACH, omfs_srv_rx_attach },
	{ OMFS_WT_DETACH, omfs_srv_rx_detach },
	{ OMFS_WT_CRED, omfs_srv_rx_cred },
	{ OMFS_WT_CLUNK, omfs_srv_rx_clunk },
	{ OMFS_WT_LOOKUP, omfs_srv_rx_lookup },
	{ OMFS_WT_GETATTR, omfs_srv_rx_getattr },
	{ OMFS_WT_SETATTR, omfs_srv_rx_readonly },
	{ OMFS_WT_ACCESS, omfs_srv_rx_access },
	{ OMFS_WT_OPEN, omfs_srv_rx_open },
	{ OMFS_WT_CREATE, omfs_srv_rx_readonly },
	{ OMFS_WT_READ, omfs_srv_rx_read },
	{ OMFS_WT_WRITE, omfs_srv_rx_readonly },
	{ OMFS_WT_FSYNC, omfs_srv_rx_readonly },
	{ OMFS_WT_LSEEK, omfs_srv_rx_lseek },
	{ OMFS_WT_FALLOCATE, omfs_srv_rx_readonly },
	{ OMFS_WT_READDIR, omfs_srv_rx_readdir },
	{ OMFS_WT_READLINK, omfs_srv_rx_readlink },
	{ OMFS_WT_MKDIR, omfs_srv_rx_readonly },
	{ OMFS_WT_MKNOD, omfs_srv_rx_readonly },
	{ OMFS_WT_SYMLINK, omfs_srv_rx_readonly },
	{ OMFS_WT_LINK, omfs_srv_rx_readonly },
	{ OMFS_WT_UNLINK, omfs_srv_rx_readonly },
	{ OMFS_WT_RMDIR, omfs_srv_rx_readonly },
	{ OMFS_WT_RENAME, omfs_srv_rx_readonly },
	{ OMFS_WT_STATFS, omfs_srv_rx_statfs },
	{ OMFS_WT_GETXATTR, omfs_srv_rx_getxattr },
	{ OMFS_WT_SETXATTR, omfs_srv_rx_readonly },
	{ OMFS_WT_LISTXATTR, omfs_srv_rx_listxattr },
	{ OMFS_WT_REMOVEXATTR, omfs_srv_rx_readonly },
	{ OMFS_WT_LOCK, omfs_srv_rx_readonly },
	{ OMFS_WT_FLOCK, omfs_srv_rx_readonly },
	/* OMFS_WT_LOCK_HINT goes to clients: the client side registers it. */
};

static void omfs_srv_unregister(unsigned int n)
{
	while (n--)
		om_rpc_unregister(omfs_srv_handlers[n].type);
}

int omfs_srv_init(void)
{
	unsigned int threads, i;
	int err;

	threads = clamp(4 * num_online_cpus(), 8u, 64u);
	omfs_srv_peer_threads = threads / 2;
	omfs_srv_wq = alloc_workqueue("omfs_srv", WQ_UNBOUND, threads);
	if (!omfs_srv_wq)
		return -ENOMEM;
	err = om_register_notifier(&omfs_srv_nb);
	if (err)
		goto err_wq;
	for (i = 0; i < ARRAY_SIZE(omfs_srv_handlers); i++) {
		err = om_rpc_register_req(omfs_srv_handlers[i].type,
					  omfs_srv_handlers[i].handler);
		if (err)
			goto err_handlers;
	}
	return 0;

err_handlers:
	omfs_srv_unregister(i);
	om_unregister_notifier(&omfs_srv_nb);
err_wq:
	destroy_workqueue(omfs_srv_wq);
	return err;
}

void omfs_srv_exit(void)
{
	/* No handler runs or will: nothing new is queued or reserved. */
	omfs_srv_unregister(ARRAY_SIZE(omfs_srv_handlers));
	om_unregister_notifier(&omfs_srv_nb);
	omfs_srv_session_end_all();
	/* Queued requests answer -EBADR; the fids' last puts run in here. */
	destroy_workqueue(omfs_srv_wq);
	WARN(atomic_read(&omfs_srv_nr_sessions) ||
	     atomic_read(&omfs_srv_nr_fids) ||
	     atomic_read(&omfs_srv_nr_works) || omfs_srv_creds_alive(),
	     "omfs: server objects left: %d sessions, %d fids, %d requests, %u creds\n",
	     atomic_read(&omfs_srv_nr_sessions),
	     atomic_read(&omfs_srv_nr_fids),
	     atomic_read(&omfs_srv_nr_works), omfs_srv_creds_alive());
}
