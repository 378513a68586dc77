// SPDX-License-Identifier: GPL-2.0
/*
 * The server of this node's files to the other nodes' omfs clients
 * (docs/design/omfs.md §6, §7).
 *
 * A request is received in its link's worker, which must not block: the
 * handler of its type checks the frame, finds the session and the fids it
 * names, takes references, reserves the fid it makes (PENDING) and queues
 * the request; everything in arrival order, so that a CLUNK never
 * overtakes an earlier request that uses the fid. A server thread then
 * executes it under the requester's identity and answers. Each peer has
 * at most half the threads; what is beyond waits in its session's backlog.
 * The threads are kthreads of omfs's own, each with a private fs_struct
 * (as nfsd's): a create's umask is the requester's, which the file system
 * reads from current->fs, and a hung file system stalls no kworker.
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
#include <linux/freezer.h>
#include <linux/kthread.h>
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
#include <linux/uio.h>
#include <linux/wait.h>
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

/*
 * The server threads and what they take work from: requests to run (the
 * run queue) and fids whose last reference went (omfs_srv_dead_fids).
 */
static struct task_struct **omfs_srv_threads;
static unsigned int omfs_srv_nr_threads;
static unsigned int omfs_srv_peer_threads;	/* running per peer, at most */
static LIST_HEAD(omfs_srv_runq);		/* of struct omfs_srv_work */
static DEFINE_SPINLOCK(omfs_srv_runq_lock);
static DECLARE_WAIT_QUEUE_HEAD(omfs_srv_wait);

static DEFINE_XARRAY(omfs_srv_sessions);	/* node -> session */
static DEFINE_MUTEX(omfs_srv_sessions_lock);	/* changes of it */

/* The last references to fids, dropped in a server thread. */
static LLIST_HEAD(omfs_srv_dead_fids);

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

static void omfs_srv_free_fids(void)
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
		wake_up(&omfs_srv_wait);
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
 * omfs_srv_fid_settle(). The fid must be free (-EPROTO otherwise). The
 * first one reserved is w->newfid[0], the second w->newfid[1].
 */
static int omfs_srv_fid_reserve(struct omfs_srv_work *w, u32 id)
{
	struct omfs_srv_session *s = w->s;
	struct omfs_srv_fid *f;
	unsigned int slot;
	int err;

	if (!id || id > OMFS_SRV_MAX_FIDS)
		return -EPROTO;
	slot = w->newfid[0] ? 1 : 0;
	if (WARN_ON_ONCE(w->newfid[slot]))
		return -EINVAL;
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
	w->newfid[slot] = f;
	w->newfid_id[slot] = id;
	return 0;
}

/*
 * The request that reserved @w->newfid[@slot] is done: the fid becomes
 * what it made, if it made one (@ok and a path: CREATE of a symlink makes
 * no open file), or goes and its id is free again. A CLUNK or the
 * session's end may have taken it from the table meanwhile; then what it
 * holds goes with the last put.
 */
static void omfs_srv_fid_settle_one(struct omfs_srv_work *w,
				    unsigned int slot, bool ok)
{
	struct omfs_srv_session *s = w->s;
	struct omfs_srv_fid *f = w->newfid[slot];
	bool drop = false;

	if (!f)
		return;
	ok = ok && f->path.dentry;
	mutex_lock(&s->lock);
	if (xa_load(&s->fids, w->newfid_id[slot]) == f) {
		if (ok) {
			f->kind = f->file ? OMFS_FID_OPEN : OMFS_FID_OBJ;
		} else {
			xa_erase(&s->fids, w->newfid_id[slot]);
			s->nfids--;
			drop = true;
		}
	}
	mutex_unlock(&s->lock);
	if (drop)
		omfs_srv_fid_put(f);
	omfs_srv_fid_put(f);
	w->newfid[slot] = NULL;
}

static void omfs_srv_fid_settle(struct omfs_srv_work *w, bool ok)
{
	unsigned int i;

	for (i = 0; i < OMFS_SRV_NEWFIDS; i++)
		omfs_srv_fid_settle_one(w, i, ok);
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
	omfs_srv_fid_put(w->fid2);
	omfs_srv_cred_put(w->cred);
	if (w->s)
		omfs_srv_session_put(w->s);
	kvfree(w->rsp_buf);
	kfree(w);
	atomic_dec(&omfs_srv_nr_works);
}

/* Hands @w to the server threads. */
static void omfs_srv_run(struct omfs_srv_work *w)
{
	spin_lock(&omfs_srv_runq_lock);
	list_add_tail(&w->node, &omfs_srv_runq);
	spin_unlock(&omfs_srv_runq_lock);
	wake_up(&omfs_srv_wait);
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
		omfs_srv_run(w);
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
		omfs_srv_run(next);
}

static void omfs_srv_work_fn(struct omfs_srv_work *w)
{
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

/* ------------------------------------------------------------------ */
/* Server threads                                                     */

static bool omfs_srv_has_work(void)
{
	return !list_empty_careful(&omfs_srv_runq) ||
	       !llist_empty(&omfs_srv_dead_fids);
}

static struct omfs_srv_work *omfs_srv_next(void)
{
	struct omfs_srv_work *w;

	spin_lock(&omfs_srv_runq_lock);
	w = list_first_entry_or_null(&omfs_srv_runq, struct omfs_srv_work,
				     node);
	if (w)
		list_del_init(&w->node);
	spin_unlock(&omfs_srv_runq_lock);
	return w;
}

struct omfs_srv_start {
	struct completion done;
	int err;
};

/*
 * A server thread. Its fs_struct is its own (unshare_fs_struct(), as
 * nfsd()), so that the umask a create sets in it is read by no one else.
 * It sleeps freezable, as nfsd's, and never between taking a request and
 * answering it. Asked to stop, it goes once nothing is left to do: the
 * last one to stop runs what the others left (omfs_srv_exit()).
 */
static int omfs_srv_thread(void *data)
{
	struct omfs_srv_start *start = data;
	struct omfs_srv_work *w;
	int err;

	err = unshare_fs_struct();
	start->err = err;
	complete(&start->done);		/* @start is gone after this */
	if (err)
		return err;
	set_freezable();
	for (;;) {
		wait_event_freezable_exclusive(omfs_srv_wait,
					       omfs_srv_has_work() ||
					       kthread_should_stop());
		omfs_srv_free_fids();
		w = omfs_srv_next();
		if (w) {
			omfs_srv_work_fn(w);
			cond_resched();
		} else if (kthread_should_stop() && !omfs_srv_has_work()) {
			break;
		}
	}
	return 0;
}

/* Stops the threads [0, @n), each once it has nothing left to do. */
static void omfs_srv_stop_threads(unsigned int n)
{
	while (n--) {
		kthread_stop(omfs_srv_threads[n]);
		put_task_struct(omfs_srv_threads[n]);
	}
	kfree(omfs_srv_threads);
	omfs_srv_threads = NULL;
}

/* @n threads, each with its own fs_struct before it takes any work. */
static int omfs_srv_start_threads(unsigned int n)
{
	struct omfs_srv_start start;
	struct task_struct *t;
	unsigned int i;
	int err = 0;

	omfs_srv_threads = kcalloc(n, sizeof(*omfs_srv_threads), GFP_KERNEL);
	if (!omfs_srv_threads)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		init_completion(&start.done);
		t = kthread_run(omfs_srv_thread, &start, "omfs_srv/%u", i);
		if (IS_ERR(t)) {
			err = PTR_ERR(t);
			break;
		}
		/* kthread_stop() of one that has returned needs the task. */
		get_task_struct(t);
		omfs_srv_threads[i] = t;
		wait_for_completion(&start.done);
		if (start.err) {
			err = start.err;
			i++;
			break;
		}
	}
	if (err) {
		omfs_srv_stop_threads(i);
		return err;
	}
	omfs_srv_nr_threads = n;
	return 0;
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

/*
 * The object fid @id of @w's request, of one of @kinds: w->fid the first
 * time, w->fid2 the second.
 */
static int omfs_srv_use_fid(struct omfs_srv_work *w, u32 id,
			    unsigned int kinds)
{
	struct omfs_srv_fid *f = omfs_srv_fid_get(w->s, id, kinds);

	if (IS_ERR(f))
		return PTR_ERR(f);
	if (!w->fid)
		w->fid = f;
	else
		w->fid2 = f;
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
	w->newfid[0]->path = root;
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
	if (!err && w->newfid[0])
		w->newfid[0]->path = path;		/* the fid's now */
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
	/* As do_faccessat(): writing on a read-only mount is EROFS. */
	if ((mask & MAY_WRITE) && (S_ISREG(inode->i_mode) ||
				   S_ISDIR(inode->i_mode) ||
				   S_ISLNK(inode->i_mode)) &&
	    __mnt_is_readonly(w->fid->path.mnt))
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
/* Open files: OPEN, CREATE, READ, WRITE, FSYNC, FALLOCATE, LSEEK, READDIR */

static bool omfs_srv_noexec(const struct path *path)
{
	return (path->mnt->mnt_flags & MNT_NOEXEC) ||
	       (path->mnt->mnt_sb->s_iflags & SB_I_NOEXEC);
}

/* The MAY_* an open with @flags needs: an O_TRUNC open writes. */
static int omfs_srv_open_acc(u32 flags)
{
	int acc;

	switch (flags & OMFS_OF_ACCMODE) {
	case OMFS_OF_WRONLY:
		acc = MAY_WRITE;
		break;
	case OMFS_OF_RDWR:
		acc = MAY_READ | MAY_WRITE;
		break;
	default:
		acc = MAY_READ;
		break;
	}
	if (flags & OMFS_OF_TRUNC)
		acc |= MAY_WRITE;
	return acc;
}

/* The O_* flags of the server's open for the wire's @flags. */
static unsigned int omfs_srv_oflags(u32 flags)
{
	static const struct {
		u32 wire;
		unsigned int o;
	} map[] = {
		{ OMFS_OF_APPEND, O_APPEND },
		{ OMFS_OF_TRUNC, O_TRUNC },
		{ OMFS_OF_DIRECTORY, O_DIRECTORY },
		{ OMFS_OF_NOATIME, O_NOATIME },
		{ OMFS_OF_EXEC, __FMODE_EXEC },
		{ OMFS_OF_SYNC, O_SYNC },
		{ OMFS_OF_DSYNC, O_DSYNC },
	};
	unsigned int o = O_LARGEFILE, i;

	switch (flags & OMFS_OF_ACCMODE) {
	case OMFS_OF_WRONLY:
		o |= O_WRONLY;
		break;
	case OMFS_OF_RDWR:
		o |= O_RDWR;
		break;
	}
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (flags & map[i].wire)
			o |= map[i].o;
	return o;
}

/* The checks of fs/namei.c:may_open() (§7.5). */
static int omfs_srv_may_open(const struct path *path, u32 flags)
{
	struct om_idmap *idmap = om_mnt_idmap(path->mnt);
	struct inode *inode = d_inode(path->dentry);
	int acc = omfs_srv_open_acc(flags);
	int err;

	/* open_exec() reads; nothing else opens for exec. */
	if ((flags & OMFS_OF_EXEC) && (acc & MAY_WRITE))
		return -EINVAL;
	switch (inode->i_mode & S_IFMT) {
	case S_IFLNK:
		return -ELOOP;		/* the client follows it itself */
	case S_IFDIR:
		if (acc & MAY_WRITE)
			return -EISDIR;
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
	/* An append-only file is written at its end only, never truncated. */
	if (IS_APPEND(inode) &&
	    (((acc & MAY_WRITE) && !(flags & OMFS_OF_APPEND)) ||
	     (flags & OMFS_OF_TRUNC)))
		return -EPERM;
	if ((flags & OMFS_OF_NOATIME) && !inode_owner_or_capable(idmap, inode))
		return -EPERM;
	return 0;
}

/*
 * fs/open.c:do_truncate(), which is not exported: the size of @path's
 * inode set under its lock, privileges removed as a write would. Leases
 * and delegations were broken by the caller (open, vfs_truncate()) or
 * are broken here, waiting, as notify_change() does without an inode to
 * hand back.
 */
static int omfs_srv_do_truncate(const struct path *path, loff_t length,
				unsigned int time_attrs, struct file *file)
{
	struct om_idmap *idmap = om_mnt_idmap(path->mnt);
	struct inode *inode = d_inode(path->dentry);
	struct iattr ia = {
		.ia_valid = ATTR_SIZE | ATTR_KILL_PRIV | time_attrs,
		.ia_size = length,
	};
	int kill, err;

	if (length < 0)
		return -EINVAL;
	if (file) {
		ia.ia_file = file;
		ia.ia_valid |= ATTR_FILE;
	}
	inode_lock(inode);
	/* notify_change() drops ATTR_KILL_PRIV when there is none to kill. */
	kill = setattr_should_drop_suidgid(idmap, inode);
	if (kill)
		ia.ia_valid |= kill | ATTR_FORCE;
	err = notify_change(idmap, path->dentry, &ia, NULL);
	inode_unlock(inode);
	return err;
}

/*
 * O_TRUNC: dentry_open() leaves it to its caller, as do_open() leaves it
 * to handle_truncate(). Only a regular file is truncated; one being run
 * is ETXTBSY. (security_file_truncate() and security_path_truncate() are
 * not exported: the LSMs' inode_setattr hook in notify_change() remains.)
 */
static int omfs_srv_open_truncate(struct file *file)
{
	struct inode *inode = file_inode(file);
	int err;

	if (!S_ISREG(inode->i_mode))
		return 0;
	err = mnt_want_write(file->f_path.mnt);
	if (err)
		return err;
	err = get_write_access(inode);
	if (!err) {
		err = omfs_srv_do_truncate(&file->f_path, 0, ATTR_MTIME |
					   ATTR_CTIME | ATTR_OPEN, file);
		put_write_access(inode);
	}
	mnt_drop_write(file->f_path.mnt);
	return err;
}

/* Opens @path with the wire's @flags into the new fid @f (OPEN, CREATE). */
static int omfs_srv_open(const struct path *path, u32 flags,
			 struct omfs_srv_fid *f)
{
	struct file *file;
	int err;

	err = omfs_srv_may_open(path, flags);
	if (err)
		return err;
	/*
	 * security_file_open(), break_lease() and, for writing, the mount's
	 * write access and the inode's (ETXTBSY) happen in there.
	 */
	file = dentry_open(path, omfs_srv_oflags(flags), current_cred());
	if (IS_ERR(file))
		return PTR_ERR(file);
	/* From here on the fid's: it goes with them if this fails. */
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
	if (flags & OMFS_OF_TRUNC)
		return omfs_srv_open_truncate(file);
	return 0;
}

static int omfs_srv_exec_open(struct omfs_srv_work *w)
{
	const struct path *path = &w->fid->path;
	int err;

	err = omfs_srv_open(path, w->a.open.flags, w->newfid[0]);
	if (!err)
		err = omfs_srv_rsp_attr(w, path);
	return err;
}

static int omfs_srv_rx_open(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err;

	w = omfs_srv_begin(req, OMFS_WT_OPEN, true, omfs_srv_exec_open);
	if (IS_ERR(w))
		return PTR_ERR(w);
	err = omfs_srv_use_fid(w, w->a.open.fid, OMFS_FID_ANY);
	if (!err)
		err = omfs_srv_fid_reserve(w, w->a.open.newfid);
	return omfs_srv_finish(w, err);
}

/* CREATE's answer: what became of the name, and the object's attributes. */
static int omfs_srv_rsp_create(struct omfs_srv_work *w, u32 result)
{
	struct omfs_wire_create_rsp rsp = { .result = result };
	int err;

	err = omfs_srv_getattr(&w->newfid[0]->path, &rsp.attr);
	if (!err)
		err = omfs_srv_rsp(w, OMFS_WIRE_CREATE_RSP_LEN);
	if (!err)
		omfs_wire_put_create_rsp(w->rsp, &rsp);
	return err;
}

/*
 * CREATE of a name that exists, at @path (referenced, the object fid's
 * now): O_EXCL refuses it, a symlink is the client's to follow, a
 * directory cannot be opened with O_CREAT (do_open()), anything else is
 * opened as OPEN does.
 */
static int omfs_srv_create_existing(struct omfs_srv_work *w, struct path *path)
{
	u32 flags = w->a.create.flags;
	int err;

	w->newfid[0]->path = *path;
	if (flags & OMFS_OF_EXCL)
		return -EEXIST;
	err = omfs_srv_cross(&w->newfid[0]->path);
	if (err)
		return err;
	path = &w->newfid[0]->path;
	if (d_is_symlink(path->dentry))
		return omfs_srv_rsp_create(w, OMFS_CR_EXISTS_NOT_OPENED);
	if (d_is_dir(path->dentry))
		return -EISDIR;
	err = omfs_srv_open(path, flags, w->newfid[1]);
	if (!err)
		err = omfs_srv_rsp_create(w, OMFS_CR_OPENED);
	return err;
}

/*
 * CREATE of a name that does not exist: file_open_root() with O_EXCL, so
 * that lookup_open() makes it, with the file system's ->atomic_open when
 * it has one, and the umask (of this thread's fs_struct) or the default
 * ACL applied by the VFS and the file system as for open(2). -EEXIST if
 * the name appeared meanwhile.
 */
static int omfs_srv_create_new(struct omfs_srv_work *w)
{
	const struct omfs_wire_create *c = &w->a.create;
	struct omfs_srv_fid *obj = w->newfid[0], *open = w->newfid[1];
	struct file *file;

	current->fs->umask = c->umask;
	file = file_open_root(&w->fid->path, w->name,
			      (omfs_srv_oflags(c->flags) & ~O_TRUNC) |
			      O_CREAT | O_EXCL | O_NOFOLLOW, c->mode);
	if (IS_ERR(file))
		return PTR_ERR(file);
	open->file = file;
	open->path = file->f_path;
	path_get(&open->path);
	obj->path = file->f_path;
	path_get(&obj->path);
	return omfs_srv_rsp_create(w, OMFS_CR_CREATED);
}

/* Each of the two ways once: a name made or removed meanwhile changes it. */
static int omfs_srv_exec_create(struct omfs_srv_work *w)
{
	const struct path *dir = &w->fid->path;
	struct path path;
	int tries, err = 0;

	if (!d_can_lookup(dir->dentry))
		return -ENOTDIR;
	for (tries = 0; tries < 2; tries++) {
		path.dentry = lookup_one_unlocked(om_mnt_idmap(dir->mnt),
						  w->name, dir->dentry,
						  w->a.create.namelen);
		if (IS_ERR(path.dentry))
			return PTR_ERR(path.dentry);
		if (d_is_positive(path.dentry)) {
			path.mnt = mntget(dir->mnt);
			return omfs_srv_create_existing(w, &path);
		}
		dput(path.dentry);
		err = omfs_srv_create_new(w);
		if (err != -EEXIST)
			break;
	}
	return err;
}

static int omfs_srv_rx_create(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err;

	w = omfs_srv_begin(req, OMFS_WT_CREATE, true, omfs_srv_exec_create);
	if (IS_ERR(w))
		return PTR_ERR(w);
	memcpy(w->name, w->tails[0].data, w->tails[0].len);
	/* A create opens a file: not a directory, not for exec (open(2)). */
	err = 0;
	if (w->a.create.flags & (OMFS_OF_DIRECTORY | OMFS_OF_EXEC))
		err = -EINVAL;
	if (!err)
		err = omfs_srv_use_fid(w, w->a.create.dirfid, OMFS_FID_ANY);
	if (!err)
		err = omfs_srv_fid_reserve(w, w->a.create.objfid);
	if (!err)
		err = omfs_srv_fid_reserve(w, w->a.create.openfid);
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

/*
 * A positioned write of the request's data. The kiocb's flags are the
 * request's, not the open file's: IOCB_APPEND makes the file system
 * write at its end under its inode lock (generic_write_checks()), atomic
 * against every other writer, and ki_pos tells where that was; the sync
 * flags make it write through before answering. The file's own sync
 * (O_SYNC, O_DSYNC, a sync inode) stays.
 */
static int omfs_srv_exec_write(struct omfs_srv_work *w)
{
	struct omfs_wire_write_rsp rsp = {};
	struct file *file = w->fid->file;
	struct inode *inode = file_inode(file);
	u32 flags = w->a.io.flags;
	struct omfs_wire_attr a;
	struct iov_iter iter;
	struct kiocb kiocb;
	struct kvec kvec;
	ssize_t n;
	int err;

	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	/* What fcntl(F_SETFL) would not let go of O_APPEND for. */
	if (IS_APPEND(inode) && !(flags & OMFS_IO_APPEND))
		return -EPERM;
	init_sync_kiocb(&kiocb, file);
	kiocb.ki_flags &= ~IOCB_APPEND;
	if (flags & OMFS_IO_APPEND)
		kiocb.ki_flags |= IOCB_APPEND;
	if (flags & OMFS_IO_DSYNC)
		kiocb.ki_flags |= IOCB_DSYNC;
	if (flags & OMFS_IO_SYNC)
		kiocb.ki_flags |= IOCB_DSYNC | IOCB_SYNC;
	kiocb.ki_pos = w->a.io.offset;
	/* The codec made the data w->a.io.count bytes; the request keeps it. */
	kvec.iov_base = (void *)w->tails[0].data;
	kvec.iov_len = w->a.io.count;
	iov_iter_kvec(&iter, ITER_SOURCE, &kvec, 1, kvec.iov_len);
	/* Freeze protection, rw_verify_area(), fsnotify. Short is fine. */
	n = om_iocb_iter_write(file, &kiocb, &iter);
	if (n < 0)
		return n;
	rsp.count = n;
	rsp.pos = kiocb.ki_pos;
	/*
	 * What the file is after it. The write is done: should the file
	 * system fail to tell, the size is the inode's and the cookie 0,
	 * which the client takes for a change like any other.
	 */
	if (!omfs_srv_getattr(&file->f_path, &a)) {
		rsp.size = a.size;
		rsp.change = a.change;
	} else {
		rsp.size = i_size_read(inode);
	}
	err = omfs_srv_rsp(w, OMFS_WIRE_WRITE_RSP_LEN);
	if (!err)
		omfs_wire_put_write_rsp(w->rsp, &rsp);
	return err;
}

static int omfs_srv_rx_write(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err = 0;

	w = omfs_srv_begin(req, OMFS_WT_WRITE, true, omfs_srv_exec_write);
	if (IS_ERR(w))
		return PTR_ERR(w);
	if (w->a.io.count > OMFS_SRV_MAX_IO || w->a.io.offset > LLONG_MAX)
		err = -EPROTO;		/* past what ATTACH announced */
	if (!err)
		err = omfs_srv_use_fid(w, w->a.io.fid, BIT(OMFS_FID_OPEN));
	return omfs_srv_finish(w, err);
}

/* Any open file, as fsync(2); the codec checked start <= end <= LLONG_MAX. */
static int omfs_srv_exec_fsync(struct omfs_srv_work *w)
{
	const struct omfs_wire_fsync *fs = &w->a.fsync;

	return vfs_fsync_range(w->fid->file, fs->start, fs->end,
			       !!(fs->flags & OMFS_FSYNC_DATASYNC));
}

static int omfs_srv_rx_fsync(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err;

	w = omfs_srv_begin(req, OMFS_WT_FSYNC, true, omfs_srv_exec_fsync);
	if (IS_ERR(w))
		return PTR_ERR(w);
	err = omfs_srv_use_fid(w, w->a.fsync.fid, BIT(OMFS_FID_OPEN));
	return omfs_srv_finish(w, err);
}

/*
 * The mode's bits are Linux's FALLOC_FL_*, which vfs_fallocate() checks
 * in their combinations, as it checks the range, FMODE_WRITE, append-only
 * and immutable files; it takes freeze protection itself.
 */
static int omfs_srv_exec_fallocate(struct omfs_srv_work *w)
{
	const struct omfs_wire_fallocate *fa = &w->a.fallocate;
	struct file *file = w->fid->file;
	int err;

	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	err = vfs_fallocate(file, fa->mode, fa->offset, fa->len);
	if (!err)
		err = omfs_srv_rsp_attr(w, &file->f_path);
	return err;
}

static int omfs_srv_rx_fallocate(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err = 0;

	w = omfs_srv_begin(req, OMFS_WT_FALLOCATE, true,
			   omfs_srv_exec_fallocate);
	if (IS_ERR(w))
		return PTR_ERR(w);
	/* No loff_t is larger: what the client cannot have meant. */
	if (w->a.fallocate.offset > LLONG_MAX || w->a.fallocate.len > LLONG_MAX)
		err = -EPROTO;
	if (!err)
		err = omfs_srv_use_fid(w, w->a.fallocate.fid,
				       BIT(OMFS_FID_OPEN));
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
/* Attributes: SETATTR                                                */

/*
 * struct iattr for the wire's: what to change, and the new values. The
 * ids are init_user_ns ones, as chown(2) of a caller there has them (the
 * vfsuid of a caller that sees the mount unmapped: chown_common()).
 * Changing times without ATTR_TOUCH is setting them explicitly
 * (ATTR_TIMES_SET, as vfs_utimes() with times): only the owner may, while
 * ATTR_TOUCH lets anyone who may write (may_setattr()). ATTR_FORCE never
 * comes from the wire.
 */
static int omfs_srv_iattr(const struct omfs_wire_setattr *sa,
			  struct iattr *ia)
{
	static const struct {
		u32 wire;
		unsigned int attr;
	} map[] = {
		{ OMFS_SA_MODE, ATTR_MODE },
		{ OMFS_SA_UID, ATTR_UID },
		{ OMFS_SA_GID, ATTR_GID },
		{ OMFS_SA_SIZE, ATTR_SIZE },
		{ OMFS_SA_ATIME, ATTR_ATIME },
		{ OMFS_SA_MTIME, ATTR_MTIME },
		{ OMFS_SA_ATIME_SET, ATTR_ATIME_SET },
		{ OMFS_SA_MTIME_SET, ATTR_MTIME_SET },
		{ OMFS_SA_TOUCH, ATTR_TOUCH },
		{ OMFS_SA_KILL_SUID, ATTR_KILL_SUID },
		{ OMFS_SA_KILL_SGID, ATTR_KILL_SGID },
		{ OMFS_SA_KILL_PRIV, ATTR_KILL_PRIV },
	};
	unsigned int i, v = 0;
	kuid_t uid;
	kgid_t gid;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (sa->valid & map[i].wire)
			v |= map[i].attr;
	/* A mode with a kill bit is BUG() in notify_change(). */
	if ((v & ATTR_MODE) && (v & (ATTR_KILL_SUID | ATTR_KILL_SGID)))
		return -EINVAL;
	if ((v & (ATTR_ATIME_SET | ATTR_MTIME_SET | ATTR_TOUCH)) &&
	    !(v & (ATTR_ATIME | ATTR_MTIME)))
		return -EINVAL;
	if ((v & (ATTR_ATIME | ATTR_MTIME)) && !(v & ATTR_TOUCH))
		v |= ATTR_TIMES_SET;
	memset(ia, 0, sizeof(*ia));
	if (v & ATTR_UID) {
		uid = make_kuid(&init_user_ns, sa->uid);
		if (!uid_valid(uid))
			return -EINVAL;
		ia->ia_vfsuid = VFSUIDT_INIT(uid);
	}
	if (v & ATTR_GID) {
		gid = make_kgid(&init_user_ns, sa->gid);
		if (!gid_valid(gid))
			return -EINVAL;
		ia->ia_vfsgid = VFSGIDT_INIT(gid);
	}
	ia->ia_mode = sa->mode & S_IALLUGO;
	ia->ia_size = sa->size;
	ia->ia_atime.tv_sec = sa->atime_sec;
	ia->ia_atime.tv_nsec = sa->atime_nsec;
	ia->ia_mtime.tv_sec = sa->mtime_sec;
	ia->ia_mtime.tv_nsec = sa->mtime_nsec;
	/* Every change of attributes is one of ctime, as in each syscall. */
	ia->ia_valid = v | ATTR_CTIME;
	return 0;
}

/*
 * What the real inode's privileges make of @ia, with it locked: the
 * client's i_mode lacks the set-ID bits (§8.2), so chown's privilege
 * removal is decided here, as chown_common() does, and a chmod keeps the
 * file type.
 */
static void omfs_srv_iattr_locked(struct iattr *ia, struct inode *inode,
				  struct om_idmap *idmap)
{
	if (ia->ia_valid & ATTR_MODE)
		ia->ia_mode = (ia->ia_mode & S_IALLUGO) |
			      (inode->i_mode & ~S_IALLUGO);
	else if ((ia->ia_valid & (ATTR_UID | ATTR_GID)) &&
		 !S_ISDIR(inode->i_mode))
		ia->ia_valid |= ATTR_KILL_SUID | ATTR_KILL_PRIV |
				setattr_should_drop_sgid(idmap, inode);
}

/* notify_change() of @path, as chmod, chown and utimensat do it. */
static int omfs_srv_notify_change(const struct path *path,
				  const struct iattr *attr)
{
	struct om_idmap *idmap = om_mnt_idmap(path->mnt);
	struct inode *inode = d_inode(path->dentry);
	struct inode *delegated = NULL;
	struct iattr ia;
	int err;

	err = mnt_want_write(path->mnt);
	if (err)
		return err;
retry:
	ia = *attr;
	inode_lock(inode);
	omfs_srv_iattr_locked(&ia, inode, idmap);
	err = notify_change(idmap, path->dentry, &ia, &delegated);
	inode_unlock(inode);
	if (delegated) {
		err = break_deleg_wait(&delegated);
		if (!err)
			goto retry;
	}
	mnt_drop_write(path->mnt);
	return err;
}

/*
 * ftruncate(2) of @file: do_sys_ftruncate()'s checks, then do_truncate()
 * under freeze protection (the file holds the mount's write access).
 */
static int omfs_srv_ftruncate(struct file *file, loff_t length)
{
	struct inode *inode = file_inode(file);
	int err;

	if (!S_ISREG(inode->i_mode) || !(file->f_mode & FMODE_WRITE))
		return -EINVAL;
	if (IS_APPEND(inode))
		return -EPERM;
	sb_start_write(inode->i_sb);
	err = omfs_srv_do_truncate(&file->f_path, length,
				   ATTR_MTIME | ATTR_CTIME, file);
	sb_end_write(inode->i_sb);
	return err;
}

/*
 * A size is set alone, with the open file (ftruncate) or by path
 * (truncate(2): vfs_truncate(), with its own permission, lease and
 * privilege handling); the kill bits that may come with it are decided
 * here anyway, and the times are the truncate's.
 */
#define OMFS_SA_WITH_SIZE	(OMFS_SA_SIZE | OMFS_SA_ATIME | OMFS_SA_MTIME | \
				 OMFS_SA_KILL_SUID | OMFS_SA_KILL_SGID | \
				 OMFS_SA_KILL_PRIV)

static int omfs_srv_exec_setattr(struct omfs_srv_work *w)
{
	const struct omfs_wire_setattr *sa = &w->a.setattr;
	const struct path *path = &w->fid->path;
	struct file *file = w->fid2 ? w->fid2->file : NULL;
	struct iattr ia;
	int err;

	/* The open file is the object's. */
	if (file && file_inode(file) != d_inode(path->dentry))
		return -EINVAL;
	err = omfs_srv_iattr(sa, &ia);
	if (err)
		return err;
	if (sa->valid & OMFS_SA_SIZE) {
		if ((sa->valid & ~OMFS_SA_WITH_SIZE) || sa->size > LLONG_MAX)
			return -EINVAL;
		if (file)
			err = omfs_srv_ftruncate(file, sa->size);
		else
			err = vfs_truncate(path, sa->size);
	} else if (sa->valid) {
		if (file) {
			ia.ia_file = file;
			ia.ia_valid |= ATTR_FILE;
		}
		err = omfs_srv_notify_change(path, &ia);
	}
	if (!err)
		err = omfs_srv_rsp_attr(w, path);
	return err;
}

static int omfs_srv_rx_setattr(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err;

	w = omfs_srv_begin(req, OMFS_WT_SETATTR, true, omfs_srv_exec_setattr);
	if (IS_ERR(w))
		return PTR_ERR(w);
	err = omfs_srv_use_fid(w, w->a.setattr.fid, OMFS_FID_ANY);
	if (!err && w->a.setattr.openfid)
		err = omfs_srv_use_fid(w, w->a.setattr.openfid,
				       BIT(OMFS_FID_OPEN));
	return omfs_srv_finish(w, err);
}

/* ------------------------------------------------------------------ */
/* Names: MKDIR, MKNOD, SYMLINK, LINK, UNLINK, RMDIR, RENAME          */

/*
 * The start of a change of name @len bytes at @name in @dir, as
 * filename_create() and do_unlinkat() do it: the mount's write access,
 * the directory locked, the child looked up in it (search permission
 * checked for the requester). Undone by omfs_srv_unlock_child().
 */
static struct dentry *omfs_srv_lock_child(const struct path *dir,
					  const char *name, unsigned int len)
{
	struct dentry *child;
	int err;

	if (!d_can_lookup(dir->dentry))
		return ERR_PTR(-ENOTDIR);
	err = mnt_want_write(dir->mnt);
	if (err)
		return ERR_PTR(err);
	inode_lock_nested(d_inode(dir->dentry), I_MUTEX_PARENT);
	child = lookup_one(om_mnt_idmap(dir->mnt), name, dir->dentry, len);
	if (IS_ERR(child)) {
		inode_unlock(d_inode(dir->dentry));
		mnt_drop_write(dir->mnt);
	}
	return child;
}

static void omfs_srv_unlock_child(const struct path *dir,
				  struct dentry *child)
{
	dput(child);
	inode_unlock(d_inode(dir->dentry));
	mnt_drop_write(dir->mnt);
}

/*
 * The object just made as @child in the locked @dir becomes the new fid
 * of @w. Some file systems leave @child negative or unhashed and find the
 * object on the next lookup: so does this.
 */
static int omfs_srv_made(struct omfs_srv_work *w, const struct path *dir,
			 struct dentry *child, const char *name,
			 unsigned int len)
{
	struct path *path = &w->newfid[0]->path;

	if (d_really_is_negative(child) || d_unhashed(child)) {
		child = lookup_one(om_mnt_idmap(dir->mnt), name, dir->dentry,
				   len);
		if (IS_ERR(child))
			return PTR_ERR(child);
		if (d_really_is_negative(child)) {
			dput(child);
			return -ENOENT;		/* removed meanwhile */
		}
	} else {
		dget(child);
	}
	path->mnt = mntget(dir->mnt);
	path->dentry = child;
	return 0;
}

/*
 * MKDIR, MKNOD and SYMLINK: @make makes the object as @child of the
 * locked directory @dir. The umask is this thread's (fs->umask): the VFS
 * applies it to @mode where the directory has no POSIX ACLs (its
 * vfs_prepare_mode() on both kernels, as do_mkdirat() wants), and the
 * file system's posix_acl_create() reads it where it has. The answer is
 * the new object's attributes; its fid is the request's new one.
 */
static int omfs_srv_make(struct omfs_srv_work *w, const char *name,
			 unsigned int len, u32 umask,
			 int (*make)(struct omfs_srv_work *w, struct inode *dir,
				     struct dentry *child))
{
	const struct path *dir = &w->fid->path;
	struct dentry *child;
	int err;

	current->fs->umask = umask;
	child = omfs_srv_lock_child(dir, name, len);
	if (IS_ERR(child))
		return PTR_ERR(child);
	err = d_is_positive(child) ? -EEXIST : make(w, d_inode(dir->dentry),
						    child);
	if (!err)
		err = omfs_srv_made(w, dir, child, name, len);
	omfs_srv_unlock_child(dir, child);
	if (!err)
		err = omfs_srv_rsp_attr(w, &w->newfid[0]->path);
	return err;
}

static int omfs_srv_mkdir(struct omfs_srv_work *w, struct inode *dir,
			  struct dentry *child)
{
	return vfs_mkdir(om_mnt_idmap(w->fid->path.mnt), dir, child,
			 w->a.mkdir.mode);
}

static int omfs_srv_exec_mkdir(struct omfs_srv_work *w)
{
	return omfs_srv_make(w, w->name, w->a.mkdir.namelen, w->a.mkdir.umask,
			     omfs_srv_mkdir);
}

/*
 * do_mknodat()'s: a regular file through vfs_create(), the rest through
 * vfs_mknod(), which wants CAP_MKNOD (in the requester's cred: never
 * from another node, whose cred carries file system capabilities only)
 * for a device.
 */
static int omfs_srv_mknod(struct omfs_srv_work *w, struct inode *dir,
			  struct dentry *child)
{
	struct om_idmap *idmap = om_mnt_idmap(w->fid->path.mnt);
	const struct omfs_wire_mknod *mk = &w->a.mknod;
	dev_t dev = 0;

	switch (mk->mode & S_IFMT) {
	case S_IFREG:
		return vfs_create(idmap, dir, child, mk->mode, true);
	case S_IFCHR:
	case S_IFBLK:
		dev = huge_decode_dev(mk->rdev);
		if (huge_encode_dev(dev) != mk->rdev)
			return -EINVAL;	/* no device number of Linux */
		break;
	}
	return vfs_mknod(idmap, dir, child, mk->mode, dev);
}

static int omfs_srv_exec_mknod(struct omfs_srv_work *w)
{
	return omfs_srv_make(w, w->name, w->a.mknod.namelen, w->a.mknod.umask,
			     omfs_srv_mknod);
}

static int omfs_srv_symlink(struct omfs_srv_work *w, struct inode *dir,
			    struct dentry *child)
{
	char *target;
	int err;

	/* NUL-terminated for the file system; the codec checked it has none. */
	target = kmemdup_nul(w->tails[1].data, w->tails[1].len, GFP_KERNEL);
	if (!target)
		return -ENOMEM;
	err = vfs_symlink(om_mnt_idmap(w->fid->path.mnt), dir, child, target);
	kfree(target);
	return err;
}

/* A symlink's mode is 0777 whatever the umask: it is not asked. */
static int omfs_srv_exec_symlink(struct omfs_srv_work *w)
{
	return omfs_srv_make(w, w->name, w->a.symlink.namelen, 0,
			     omfs_srv_symlink);
}

/*
 * fs/namei.c:may_linkat(), not exported, with protected_hardlinks on
 * whatever this node's sysctl says: the source's owner, CAP_FOWNER over
 * it, or a regular file that is not set-user-ID nor set-group-ID
 * executable and that the requester may read and write.
 */
static int omfs_srv_may_link(const struct path *link)
{
	struct om_idmap *idmap = om_mnt_idmap(link->mnt);
	struct inode *inode = d_inode(link->dentry);
	umode_t mode = inode->i_mode;

	/* Inode writeback is not safe when the uid or gid are invalid. */
	if (HAS_UNMAPPED_ID(idmap, inode))
		return -EOVERFLOW;
	if (inode_owner_or_capable(idmap, inode))
		return 0;
	if (S_ISREG(mode) && !(mode & S_ISUID) &&
	    (mode & (S_ISGID | S_IXGRP)) != (S_ISGID | S_IXGRP) &&
	    !inode_permission(idmap, inode, MAY_READ | MAY_WRITE))
		return 0;
	return -EPERM;
}

static int omfs_srv_exec_link(struct omfs_srv_work *w)
{
	const struct path *old = &w->fid->path, *dir = &w->fid2->path;
	struct inode *delegated = NULL;
	struct dentry *child;
	int err;

	/* A link never crosses a mount, a bind-mounted file's included. */
	if (old->mnt != dir->mnt)
		return -EXDEV;
	err = omfs_srv_may_link(old);
	if (err)
		return err;
retry:
	child = omfs_srv_lock_child(dir, w->name, w->a.link.namelen);
	if (IS_ERR(child))
		return PTR_ERR(child);
	err = d_is_positive(child) ? -EEXIST :
	      vfs_link(old->dentry, om_mnt_idmap(dir->mnt),
		       d_inode(dir->dentry), child, &delegated);
	if (!err)
		err = omfs_srv_made(w, dir, child, w->name,
				    w->a.link.namelen);
	omfs_srv_unlock_child(dir, child);
	if (delegated) {
		err = break_deleg_wait(&delegated);
		if (!err)
			goto retry;
	}
	if (!err)
		err = omfs_srv_rsp_attr(w, &w->newfid[0]->path);
	return err;
}

/*
 * UNLINK and RMDIR. A name something is mounted on is -EBUSY (the VFS
 * says so). The victim's inode is let go after the directory is
 * unlocked, as do_unlinkat() does: its eviction may take long.
 */
static int omfs_srv_remove(struct omfs_srv_work *w, bool is_dir)
{
	const struct path *dir = &w->fid->path;
	struct om_idmap *idmap = om_mnt_idmap(dir->mnt);
	struct inode *delegated = NULL, *victim;
	struct dentry *child;
	int err;

retry:
	child = omfs_srv_lock_child(dir, w->name, w->a.unlink.namelen);
	if (IS_ERR(child))
		return PTR_ERR(child);
	victim = d_inode(child);
	if (victim)
		ihold(victim);
	if (is_dir)
		err = vfs_rmdir(idmap, d_inode(dir->dentry), child);
	else
		err = vfs_unlink(idmap, d_inode(dir->dentry), child,
				 &delegated);
	omfs_srv_unlock_child(dir, child);
	if (victim)
		iput(victim);
	if (delegated) {
		err = break_deleg_wait(&delegated);
		if (!err)
			goto retry;
	}
	return err;
}

static int omfs_srv_exec_unlink(struct omfs_srv_work *w)
{
	return omfs_srv_remove(w, false);
}

static int omfs_srv_exec_rmdir(struct omfs_srv_work *w)
{
	return omfs_srv_remove(w, true);
}

/* The wire's rename flags (Linux's values, named for sure). */
static unsigned int omfs_srv_rename_flags(u32 flags)
{
	unsigned int rf = 0;

	if (flags & OMFS_RENAME_NOREPLACE)
		rf |= RENAME_NOREPLACE;
	if (flags & OMFS_RENAME_EXCHANGE)
		rf |= RENAME_EXCHANGE;
	if (flags & OMFS_RENAME_WHITEOUT)
		rf |= RENAME_WHITEOUT;
	return rf;
}

/*
 * With both directories locked (lock_rename()): do_renameat2()'s checks
 * of the two names, then vfs_rename(). @trap is the ancestor of the two
 * that lock_rename() found: moving it into itself is -EINVAL, replacing
 * it -ENOTEMPTY.
 */
static int omfs_srv_rename_locked(struct omfs_srv_work *w, struct dentry *trap,
				  unsigned int flags, struct inode **delegated)
{
	const struct path *odir = &w->fid->path, *ndir = &w->fid2->path;
	struct om_idmap *idmap = om_mnt_idmap(odir->mnt);
	struct dentry *old, *new;
	int err;

	old = lookup_one(idmap, (const char *)w->tails[0].data, odir->dentry,
			 w->tails[0].len);
	if (IS_ERR(old))
		return PTR_ERR(old);
	err = -ENOENT;
	if (d_is_negative(old))
		goto out_old;
	new = lookup_one(idmap, (const char *)w->tails[1].data, ndir->dentry,
			 w->tails[1].len);
	err = PTR_ERR(new);
	if (IS_ERR(new))
		goto out_old;
	if ((flags & RENAME_NOREPLACE) && d_is_positive(new))
		err = -EEXIST;
	else if ((flags & RENAME_EXCHANGE) && d_is_negative(new))
		err = -ENOENT;
	else if (old == trap)
		err = -EINVAL;
	else if (new == trap)
		err = flags & RENAME_EXCHANGE ? -EINVAL : -ENOTEMPTY;
	else
		err = 0;
	if (!err) {
		struct renamedata rd = {
			OM_RENAMEDATA_IDMAP(idmap, idmap),
			.old_dir = d_inode(odir->dentry),
			.old_dentry = old,
			.new_dir = d_inode(ndir->dentry),
			.new_dentry = new,
			.delegated_inode = delegated,
			.flags = flags,
		};

		err = vfs_rename(&rd);
	}
	dput(new);
out_old:
	dput(old);
	return err;
}

static int omfs_srv_exec_rename(struct omfs_srv_work *w)
{
	const struct path *odir = &w->fid->path, *ndir = &w->fid2->path;
	unsigned int flags = omfs_srv_rename_flags(w->a.rename.flags);
	struct inode *delegated = NULL;
	struct dentry *trap;
	int err;

	if ((flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)) &&
	    (flags & RENAME_EXCHANGE))
		return -EINVAL;
	if (!d_can_lookup(odir->dentry) || !d_can_lookup(ndir->dentry))
		return -ENOTDIR;
	if (odir->mnt != ndir->mnt)
		return -EXDEV;
	err = mnt_want_write(odir->mnt);
	if (err)
		return err;
retry:
	trap = lock_rename(ndir->dentry, odir->dentry);
	if (IS_ERR(trap)) {
		err = PTR_ERR(trap);
	} else {
		err = omfs_srv_rename_locked(w, trap, flags, &delegated);
		unlock_rename(ndir->dentry, odir->dentry);
	}
	if (delegated) {
		err = break_deleg_wait(&delegated);
		if (!err)
			goto retry;
	}
	mnt_drop_write(odir->mnt);
	return err;
}

/*
 * The requests on a name in a directory fid: LINK's file (any fid) is
 * w->fid and its directory w->fid2, the others' directory w->fid. The
 * codec checked the name: 1..255 bytes, no NUL or '/', not . or ..
 */
static int omfs_srv_rx_name(struct om_rpc_req *req, u8 type,
			    int (*exec)(struct omfs_srv_work *))
{
	struct omfs_srv_work *w;
	u32 dirfid, newfid = 0;
	int err = 0;

	w = omfs_srv_begin(req, type, true, exec);
	if (IS_ERR(w))
		return PTR_ERR(w);
	switch (type) {
	case OMFS_WT_MKDIR:
		dirfid = w->a.mkdir.dirfid;
		newfid = w->a.mkdir.newfid;
		break;
	case OMFS_WT_MKNOD:
		dirfid = w->a.mknod.dirfid;
		newfid = w->a.mknod.newfid;
		break;
	case OMFS_WT_SYMLINK:
		dirfid = w->a.symlink.dirfid;
		newfid = w->a.symlink.newfid;
		break;
	case OMFS_WT_LINK:
		err = omfs_srv_use_fid(w, w->a.link.fid, OMFS_FID_ANY);
		dirfid = w->a.link.dirfid;
		newfid = w->a.link.newfid;
		break;
	default:			/* UNLINK, RMDIR */
		dirfid = w->a.unlink.dirfid;
		break;
	}
	memcpy(w->name, w->tails[0].data, w->tails[0].len);
	if (!err)
		err = omfs_srv_use_fid(w, dirfid, OMFS_FID_ANY);
	if (!err && newfid)
		err = omfs_srv_fid_reserve(w, newfid);
	return omfs_srv_finish(w, err);
}

static int omfs_srv_rx_mkdir(struct om_rpc_req *req)
{
	return omfs_srv_rx_name(req, OMFS_WT_MKDIR, omfs_srv_exec_mkdir);
}

static int omfs_srv_rx_mknod(struct om_rpc_req *req)
{
	return omfs_srv_rx_name(req, OMFS_WT_MKNOD, omfs_srv_exec_mknod);
}

static int omfs_srv_rx_symlink(struct om_rpc_req *req)
{
	return omfs_srv_rx_name(req, OMFS_WT_SYMLINK, omfs_srv_exec_symlink);
}

static int omfs_srv_rx_link(struct om_rpc_req *req)
{
	return omfs_srv_rx_name(req, OMFS_WT_LINK, omfs_srv_exec_link);
}

static int omfs_srv_rx_unlink(struct om_rpc_req *req)
{
	return omfs_srv_rx_name(req, OMFS_WT_UNLINK, omfs_srv_exec_unlink);
}

static int omfs_srv_rx_rmdir(struct om_rpc_req *req)
{
	return omfs_srv_rx_name(req, OMFS_WT_RMDIR, omfs_srv_exec_rmdir);
}

/* The names stay in the payload: lookup_one() takes their lengths. */
static int omfs_srv_rx_rename(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err;

	w = omfs_srv_begin(req, OMFS_WT_RENAME, true, omfs_srv_exec_rename);
	if (IS_ERR(w))
		return PTR_ERR(w);
	err = omfs_srv_use_fid(w, w->a.rename.olddirfid, OMFS_FID_ANY);
	if (!err)
		err = omfs_srv_use_fid(w, w->a.rename.newdirfid, OMFS_FID_ANY);
	return omfs_srv_finish(w, err);
}


/* ------------------------------------------------------------------ */
/* xattrs: GETXATTR, LISTXATTR, SETXATTR, REMOVEXATTR                 */

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

static int omfs_srv_xattr_flags(u32 flags)
{
	return (flags & OMFS_XATTR_CREATE ? XATTR_CREATE : 0) |
	       (flags & OMFS_XATTR_REPLACE ? XATTR_REPLACE : 0);
}

/*
 * SETXATTR and REMOVEXATTR: the VFS's checks and the delegation loop are
 * in vfs_setxattr() and vfs_removexattr(). What needs a capability the
 * requester lacks here is refused there: trusted.* wants CAP_SYS_ADMIN,
 * security.capability CAP_SETFCAP (cap_convert_nscap()), and another
 * node's cred carries file system capabilities only, so no other node
 * sets the capabilities of this node's programs (EPERM).
 */
static int omfs_srv_exec_setxattr(struct omfs_srv_work *w)
{
	const struct path *path = &w->fid->path;
	struct om_idmap *idmap = om_mnt_idmap(path->mnt);
	int err;

	err = mnt_want_write(path->mnt);
	if (err)
		return err;
	/* An empty value is one: "" rather than NULL, see __vfs_setxattr(). */
	if (w->type == OMFS_WT_SETXATTR)
		err = vfs_setxattr(idmap, path->dentry, w->name,
				   w->tails[1].data ?: (const u8 *)"",
				   w->tails[1].len,
				   omfs_srv_xattr_flags(w->a.xattr.size_or_flags));
	else
		err = vfs_removexattr(idmap, path->dentry, w->name);
	mnt_drop_write(path->mnt);
	return err;
}

static int omfs_srv_rx_setxattr(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err;

	w = omfs_srv_begin(req, OMFS_WT_SETXATTR, true, omfs_srv_exec_setxattr);
	if (IS_ERR(w))
		return PTR_ERR(w);
	/* Flags, a name and a value the codec checked: 1..255, <= 64 KiB. */
	memcpy(w->name, w->tails[0].data, w->tails[0].len);
	err = omfs_srv_use_fid(w, w->a.xattr.fid, OMFS_FID_ANY);
	return omfs_srv_finish(w, err);
}

static int omfs_srv_rx_removexattr(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err;

	w = omfs_srv_begin(req, OMFS_WT_REMOVEXATTR, true,
			   omfs_srv_exec_setxattr);
	if (IS_ERR(w))
		return PTR_ERR(w);
	memcpy(w->name, w->tails[0].data, w->tails[0].len);
	err = omfs_srv_use_fid(w, w->a.rmxattr.fid, OMFS_FID_ANY);
	return omfs_srv_finish(w, err);
}

/* ------------------------------------------------------------------ */
/* What phase 3 does not serve                                        */

/*
 * Locks (phase 4 of the design). -ENOLCK, what fcntl() and flock() say
 * when locks cannot be had, so a client may pass it on as it is; the
 * server does not announce OMFS_FEAT_LOCKS.
 */
static int omfs_srv_rx_nolock(struct om_rpc_req *req)
{
	if (om_policy() & OM_POLICY_NOMFS)
		return -ECONNREFUSED;
	return -ENOLCK;
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
	{ OMFS_WT_SETATTR, omfs_srv_rx_setattr },
	{ OMFS_WT_ACCESS, omfs_srv_rx_access },
	{ OMFS_WT_OPEN, omfs_srv_rx_open },
	{ OMFS_WT_CREATE, omfs_srv_rx_create },
	{ OMFS_WT_READ, omfs_srv_rx_read },
	{ OMFS_WT_WRITE, omfs_srv_rx_write },
	{ OMFS_WT_FSYNC, omfs_srv_rx_fsync },
	{ OMFS_WT_LSEEK, omfs_srv_rx_lseek },
	{ OMFS_WT_FALLOCATE, omfs_srv_rx_fallocate },
	{ OMFS_WT_READDIR, omfs_srv_rx_readdir },
	{ OMFS_WT_READLINK, omfs_srv_rx_readlink },
	{ OMFS_WT_MKDIR, omfs_srv_rx_mkdir },
	{ OMFS_WT_MKNOD, omfs_srv_rx_mknod },
	{ OMFS_WT_SYMLINK, omfs_srv_rx_symlink },
	{ OMFS_WT_LINK, omfs_srv_rx_link },
	{ OMFS_WT_UNLINK, omfs_srv_rx_unlink },
	{ OMFS_WT_RMDIR, omfs_srv_rx_rmdir },
	{ OMFS_WT_RENAME, omfs_srv_rx_rename },
	{ OMFS_WT_STATFS, omfs_srv_rx_statfs },
	{ OMFS_WT_GETXATTR, omfs_srv_rx_getxattr },
	{ OMFS_WT_SETXATTR, omfs_srv_rx_setxattr },
	{ OMFS_WT_LISTXATTR, omfs_srv_rx_listxattr },
	{ OMFS_WT_REMOVEXATTR, omfs_srv_rx_removexattr },
	{ OMFS_WT_LOCK, omfs_srv_rx_nolock },
	{ OMFS_WT_FLOCK, omfs_srv_rx_nolock },
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
	err = omfs_srv_start_threads(threads);
	if (err)
		return err;
	err = om_register_notifier(&omfs_srv_nb);
	if (err)
		goto err_threads;
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
err_threads:
	omfs_srv_stop_threads(omfs_srv_nr_threads);
	return err;
}

void omfs_srv_exit(void)
{
	/* No handler runs or will: nothing new is queued or reserved. */
	omfs_srv_unregister(ARRAY_SIZE(omfs_srv_handlers));
	om_unregister_notifier(&omfs_srv_nb);
	omfs_srv_session_end_all();
	/* Queued requests answer -EBADR; the fids' last puts run in here. */
	omfs_srv_stop_threads(omfs_srv_nr_threads);
	WARN(!list_empty(&omfs_srv_runq) ||
	     !llist_empty(&omfs_srv_dead_fids),
	     "omfs: server work left after its threads\n");
	WARN(atomic_read(&omfs_srv_nr_sessions) ||
	     atomic_read(&omfs_srv_nr_fids) ||
	     atomic_read(&omfs_srv_nr_works) || omfs_srv_creds_alive(),
	     "omfs: server objects left: %d sessions, %d fids, %d requests, %u creds\n",
	     atomic_read(&omfs_srv_nr_sessions),
	     atomic_read(&omfs_srv_nr_fids),
	     atomic_read(&omfs_srv_nr_works), omfs_srv_creds_alive());
}
