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

#include "srv_int.h"

#include <linux/cred.h>
#include <linux/fs_struct.h>
#include <linux/file.h>
#include <linux/freezer.h>
#include <linux/hash.h>
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
#include <linux/rwsem.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/statfs.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include <linux/wait_bit.h>
#include <linux/xarray.h>
#include <linux/xattr.h>
#include <openmosix/omcore.h>
#include <openmosix/omfs_wire.h>
#include <uapi/linux/omfs.h>
#include <uapi/linux/openmosix.h>


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
static atomic_t omfs_srv_nr_owners = ATOMIC_INIT(0);
/* Read by threads releasing fids they took from omfs_srv_dead_fids. */
static DECLARE_RWSEM(omfs_srv_releasing);

/* ------------------------------------------------------------------ */
/* Fids                                                               */

static void omfs_srv_fid_release(struct omfs_srv_fid *f)
{
	struct omfs_srv_owner *o;
	unsigned long i;

	/*
	 * Every POSIX lock of the owners that locked through the file, on
	 * its inode, goes now: none is left that names the file when fput()
	 * checks. The file's own OFD and flock() locks too, which fput()
	 * would remove only later: a kthread's last fput() is delayed, and
	 * the client, whose close() sent the CLUNK, may lock again at once.
	 */
	xa_for_each(&f->owners, i, o) {
		xa_erase(&f->owners, i);
		if (f->file)
			locks_remove_posix(f->file, o);
		omfs_srv_owner_put(o);
	}
	xa_destroy(&f->owners);
	if (f->file && f->ofd_locked)
		locks_remove_posix(f->file, f->file);
	if (f->file && f->flocked)
		omfs_srv_flock(f->file, F_UNLCK, true);
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
	struct omfs_srv_fid *f, *next;
	struct llist_node *list;

	if (llist_empty(&omfs_srv_dead_fids))
		return;
	/* Held before taken: omfs_srv_fids_released() waits for them. */
	down_read(&omfs_srv_releasing);
	list = llist_del_all(&omfs_srv_dead_fids);
	llist_for_each_entry_safe(f, next, list, free_node)
		omfs_srv_fid_release(f);
	up_read(&omfs_srv_releasing);
}

/*
 * Every fid whose last reference went before this call is released, and
 * the locks it held with it: a LOCK or FLOCK after a CLUNK (a client's
 * close() and lock again) finds them gone. Releasing never waits for a
 * request, so this cannot wait for itself.
 */
static void omfs_srv_fids_released(void)
{
	omfs_srv_free_fids();
	/* Those another thread took are released when it lets go. */
	down_write(&omfs_srv_releasing);
	up_write(&omfs_srv_releasing);
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
int omfs_srv_fid_reserve(struct omfs_srv_work *w, u32 id)
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
	xa_init(&f->owners);
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
/* POSIX lock owners                                                  */

/*
 * An owner lives while its session has it, a fid tracks it, a lock of
 * it exists (the lock manager's get and put below) or a request uses
 * it: its address is never another owner's while a lock names it. The
 * last put may come from the lock code, in any context.
 */
static void omfs_srv_owner_free(struct omfs_srv_owner *o)
{
	kfree(o);
	if (atomic_dec_and_test(&omfs_srv_nr_owners))
		wake_up_var(&omfs_srv_nr_owners);
}

void omfs_srv_owner_put(struct omfs_srv_owner *o)
{
	if (o && refcount_dec_and_test(&o->ref))
		omfs_srv_owner_free(o);
}

/* A lock of the owner is copied: a new lock, or a conflict reported. */
static fl_owner_t omfs_srv_lm_get_owner(fl_owner_t owner)
{
	struct omfs_srv_owner *o = owner;

	refcount_inc(&o->ref);
	return owner;
}

static void omfs_srv_lm_put_owner(fl_owner_t owner)
{
	omfs_srv_owner_put(owner);
}

/*
 * The lock manager operations of every POSIX lock a client's owner
 * holds here: a lock with them has a struct omfs_srv_owner for owner.
 */
const struct lock_manager_operations omfs_srv_lmops = {
	.lm_get_owner = omfs_srv_lm_get_owner,
	.lm_put_owner = omfs_srv_lm_put_owner,
};

/* Takes @o out of its session's tables; the caller has its reference. */
static void omfs_srv_owner_unhash(struct omfs_srv_session *s,
				  struct omfs_srv_owner *o)
{
	lockdep_assert_held(&s->lock);
	xa_erase(&s->owners, o->id);
	hash_del(&o->hash);
}

/*
 * Forgets the owners of @s only the session holds: no lock, no fid, no
 * request has them, and nothing but a lookup under s->lock takes them
 * from there. Their tokens get new owners when they lock again.
 */
static void omfs_srv_owner_sweep(struct omfs_srv_session *s)
{
	struct omfs_srv_owner *o;
	unsigned long i;

	lockdep_assert_held(&s->lock);
	xa_for_each(&s->owners, i, o) {
		if (refcount_dec_if_one(&o->ref)) {
			omfs_srv_owner_unhash(s, o);
			omfs_srv_owner_free(o);
		}
	}
}

static struct omfs_srv_owner *omfs_srv_owner_find(struct omfs_srv_session *s,
						  u64 token)
{
	struct omfs_srv_owner *o;

	lockdep_assert_held(&s->lock);
	hash_for_each_possible(s->owner_hash, o, hash, token)
		if (o->token == token)
			return o;
	return NULL;
}

/*
 * The owner of @s under the client's @token, referenced; made if
 * @create (-ENOLCK past OMFS_MAX_LOCK_OWNERS). NULL if there is none and
 * @create is false: then it holds no lock here.
 */
struct omfs_srv_owner *omfs_srv_owner_get(struct omfs_srv_session *s,
					  u64 token, bool create)
{
	struct omfs_srv_owner *o, *new = NULL;
	u32 id;
	int err;

	if (create) {
		new = kzalloc(sizeof(*new), GFP_KERNEL);
		if (!new)
			return ERR_PTR(-ENOMEM);
		refcount_set(&new->ref, 2);	/* the session's and the caller's */
		new->node = s->node;
		new->session = s->id;
		new->token = token;
	}
	mutex_lock(&s->lock);
	o = omfs_srv_owner_find(s, token);
	if (o) {
		refcount_inc(&o->ref);
	} else if (!new) {
		/* None: it holds nothing. */
	} else if (s->dead) {
		o = ERR_PTR(-EBADR);
	} else {
		err = xa_alloc(&s->owners, &id, new,
			       XA_LIMIT(1, OMFS_MAX_LOCK_OWNERS), GFP_KERNEL);
		if (err == -EBUSY) {
			omfs_srv_owner_sweep(s);
			err = xa_alloc(&s->owners, &id, new,
				       XA_LIMIT(1, OMFS_MAX_LOCK_OWNERS),
				       GFP_KERNEL);
		}
		if (!err) {
			new->id = id;
			hash_add(s->owner_hash, &new->hash, token);
			atomic_inc(&omfs_srv_nr_owners);
			o = new;
			new = NULL;
		} else {
			o = ERR_PTR(err == -EBUSY ? -ENOLCK : err);
		}
	}
	mutex_unlock(&s->lock);
	kfree(new);
	return o;
}

/* @f tracks @o, whose lock is about to be taken through f->file. */
int omfs_srv_fid_add_owner(struct omfs_srv_fid *f, struct omfs_srv_owner *o)
{
	int err;

	refcount_inc(&o->ref);
	err = xa_insert(&f->owners, o->id, o, GFP_KERNEL);
	if (err)
		omfs_srv_owner_put(o);
	/* Ids are unique among live owners: one there is @o already. */
	return err == -EBUSY ? 0 : err;
}

/* ------------------------------------------------------------------ */
/* Sessions                                                           */

static void omfs_srv_session_put(struct omfs_srv_session *s)
{
	if (!refcount_dec_and_test(&s->ref))
		return;
	xa_destroy(&s->fids);
	xa_destroy(&s->creds);
	xa_destroy(&s->owners);
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
	xa_init_flags(&s->owners, XA_FLAGS_ALLOC1);
	hash_init(s->owner_hash);
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
	struct omfs_srv_owner *o;
	struct omfs_srv_cred *c;
	struct omfs_srv_fid *f;
	unsigned long i;

	mutex_lock(&s->lock);
	WRITE_ONCE(s->dead, true);
	/* Their locks go with the fids that took them. */
	xa_for_each(&s->owners, i, o) {
		omfs_srv_owner_unhash(s, o);
		omfs_srv_owner_put(o);
	}
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
 * soon as the answer is there, and that one must find the slot free. A
 * CLUNK of the fids it used must find their last reference too, so that
 * the locks they hold go before the client's next LOCK (a close() and a
 * lock again): not one still held by this thread after the answer.
 */
static void omfs_srv_answering(struct omfs_srv_work *w)
{
	omfs_srv_fid_put(w->fid);
	omfs_srv_fid_put(w->fid2);
	w->fid = NULL;
	w->fid2 = NULL;
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
		/*
		 * What the client closed before it locks is no longer locked
		 * (released in this thread's own identity, as always).
		 */
		if (w->type == OMFS_WT_LOCK || w->type == OMFS_WT_FLOCK)
			omfs_srv_fids_released();
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
	if (err) {
		om_rpc_reply(w->req, err, NULL, 0);
	} else if (w->rsp_buf) {
		om_rpc_reply_buf(w->req, 0, w->rsp_buf, w->rsp_len);
		w->rsp_buf = NULL;
	} else {
		om_rpc_reply(w->req, 0, w->rsp, w->rsp_len);
	}
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
int omfs_srv_rsp(struct omfs_srv_work *w, size_t len)
{
	if (len <= sizeof(w->small)) {
		w->rsp = w->small;
	} else {
		/* Peer-sized (READ, READDIR, xattrs): bounded by the codec. */
		w->rsp_buf = om_rpc_req_buf(w->req, len);
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
struct omfs_srv_work *omfs_srv_begin(struct om_rpc_req *req, u8 type,
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
int omfs_srv_use_fid(struct omfs_srv_work *w, u32 id,
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

/* The requests whose fixed part is struct omfs_wire_fid, of one of @kinds. */
int omfs_srv_rx_fid(struct om_rpc_req *req, u8 type,
		    int (*exec)(struct omfs_srv_work *), unsigned int kinds)
{
	struct omfs_srv_work *w;
	int err;

	w = omfs_srv_begin(req, type, true, exec);
	if (IS_ERR(w))
		return PTR_ERR(w);
	err = omfs_srv_use_fid(w, w->a.fid.fid, kinds);
	return omfs_srv_finish(w, err);
}

/* The end of a handler: queued, or answered by omcore with @err. */
int omfs_srv_finish(struct omfs_srv_work *w, int err)
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
int omfs_srv_cross(struct path *path)
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

int omfs_srv_getattr(const struct path *path, struct omfs_wire_attr *a)
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
int omfs_srv_rsp_attr(struct omfs_srv_work *w, const struct path *path)
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
	err = -ENOPROTOOPT;		/* no wire version in common */
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
	{ OMFS_WT_LOCK, omfs_srv_rx_lock },
	{ OMFS_WT_FLOCK, omfs_srv_rx_flock },
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
	/*
	 * The last owners go with their locks' last copies: a conflict a
	 * local F_GETLK of this node reported may hold one for a moment.
	 */
	wait_var_event_timeout(&omfs_srv_nr_owners,
			       !atomic_read(&omfs_srv_nr_owners), 10 * HZ);
	WARN(!list_empty(&omfs_srv_runq) ||
	     !llist_empty(&omfs_srv_dead_fids),
	     "omfs: server work left after its threads\n");
	WARN(atomic_read(&omfs_srv_nr_sessions) ||
	     atomic_read(&omfs_srv_nr_fids) ||
	     atomic_read(&omfs_srv_nr_works) || omfs_srv_creds_alive() ||
	     atomic_read(&omfs_srv_nr_owners),
	     "omfs: server objects left: %d sessions, %d fids, %d requests, %u creds, %d lock owners\n",
	     atomic_read(&omfs_srv_nr_sessions),
	     atomic_read(&omfs_srv_nr_fids),
	     atomic_read(&omfs_srv_nr_works), omfs_srv_creds_alive(),
	     atomic_read(&omfs_srv_nr_owners));
}
