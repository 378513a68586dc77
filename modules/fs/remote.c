// SPDX-License-Identifier: GPL-2.0
/*
 * /mfs/<other node>/: the client. Every operation is one request to that
 * node's omfs server over the peer link (docs/design/omfs.md §6, §8).
 *
 * Nothing is cached between system calls: a dentry lives while it is used
 * and is looked up again on every walk through it; attributes are asked
 * for on every stat; data goes to and from the server on every read. The
 * page cache is filled only for mmap (and exec), and is checked against
 * the file's change cookie at every open.
 *
 * Each dentry has its own inode, which owns the server's fid for the
 * object (the node directory's inode borrows the session's root fid).
 * Fids belong to one session: when the link to the node goes down, or the
 * server forgets us, the session starts a new generation and every fid of
 * the old one is stale.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "remote_int.h"

#include <linux/cred.h>
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/random.h>
#include <linux/semaphore.h>
#include <linux/slab.h>
#include <linux/statfs.h>
#include <linux/xarray.h>
#include <linux/xattr.h>
#include <openmosix/omcore.h>
#include <openmosix/omfs_wire.h>
#include <uapi/linux/omfs.h>
#include <uapi/linux/openmosix.h>

static DEFINE_XARRAY(omfs_sessions);	/* node id -> struct omfs_session */
static DEFINE_MUTEX(omfs_sessions_lock);	/* creation */

/* A remote file system's st_dev: one anonymous dev per (node, server dev). */
struct omfs_rdev {
	u16 node;
	u64 sdev;
	dev_t dev;
};

#define OMFS_MAX_RDEVS		4096
static DEFINE_MUTEX(omfs_rdevs_lock);
static struct omfs_rdev *omfs_rdevs;
static unsigned int omfs_nrdevs, omfs_rdevs_cap;

static const struct inode_operations omfs_remote_dir_iops;
static const struct inode_operations omfs_remote_file_iops;
static const struct inode_operations omfs_remote_link_iops;

/* ------------------------------------------------------------------ */
/* Sessions and requests                                              */

static struct omfs_session *omfs_session_get(u16 node)
{
	struct omfs_session *s = xa_load(&omfs_sessions, node);
	unsigned int i;

	if (s)
		return s;
	mutex_lock(&omfs_sessions_lock);
	s = xa_load(&omfs_sessions, node);
	if (!s) {
		s = kzalloc(sizeof(*s), GFP_KERNEL);
		if (s) {
			s->node = node;
			mutex_init(&s->lock);
			mutex_init(&s->cred_lock);
			sema_init(&s->inflight, OMFS_MAX_INFLIGHT);
			for (i = 0; i < OMFS_CRED_SLOTS; i++)
				init_rwsem(&s->creds[i].sem);
			mutex_init(&s->fid_lock);
			xa_init_flags(&s->fids, XA_FLAGS_ALLOC);
			xa_init(&s->fid_users);
			if (xa_err(xa_store(&omfs_sessions, node, s, GFP_KERNEL))) {
				kfree(s);
				s = NULL;
			}
		}
	}
	mutex_unlock(&omfs_sessions_lock);
	return s;
}

static unsigned int omfs_timeo_ms(const struct super_block *sb)
{
	return READ_ONCE(OMFS_SB(sb)->opts.timeo) * MSEC_PER_SEC;
}

/* Ends the session: every fid of it is stale from now on. */
static void omfs_session_end_locked(struct omfs_session *s)
{
	lockdep_assert_held(&s->lock);
	if (s->id) {
		s->id = 0;
		s->gen++;
	}
}

/* Ends the session if it is still generation @gen. */
static void omfs_session_detach(struct omfs_session *s, u64 gen)
{
	mutex_lock(&s->lock);
	if (s->gen == gen)
		omfs_session_end_locked(s);
	mutex_unlock(&s->lock);
}

/*
 * What the caller sees of a failed request: the link's errors become
 * "host down" or "timed out"; the protocol's signals (§6.5) become what
 * they mean here.
 */
static int omfs_rpc_error(u16 node, u8 type, int transport, int status)
{
	switch (transport) {
	case 0:
		break;
	case -ENOTCONN:
	case -ECONNRESET:
		return -EHOSTDOWN;
	case -EMSGSIZE:
		return -EIO;
	default:
		return transport;	/* -ETIMEDOUT, -EINTR, -ENOMEM */
	}
	switch (status) {
	case -EBADR:			/* the server forgot the session */
	case -EBADFD:
		return -ESTALE;
	case -EPROTONOSUPPORT:		/* no omfs there */
		return -ECONNREFUSED;
	case -ENOPROTOOPT:		/* an omfs of another wire version */
		pr_warn_ratelimited("node %u speaks no omfs wire version this node does (%u): load the same omfs on both\n",
				    node, OMFS_WIRE_VERSION);
		return -EPROTONOSUPPORT;
	case -EPROTO:
		pr_warn_ratelimited("node %u refused request type %u as malformed\n",
				    node, type);
		return -EIO;
	default:
		return status;
	}
}

/*
 * Sends @m as a request of @type in session generation @gen with cred @cred:
 * @ac is then in flight, and holds one of the server's slots for requests
 * (OMFS_MAX_INFLIGHT) until omfs_call_wait() or omfs_call_cancel().
 * @nowait: -EAGAIN rather than wait for a slot, for a caller that holds
 * some already (those it holds may be what the others wait for). 0 or
 * -errno as the caller sees it.
 */
static int omfs_call_start(struct super_block *sb, struct omfs_session *s,
			   u64 gen, u8 type, u32 cred, struct omfs_msg *m,
			   size_t max_len, bool nowait, struct omfs_acall *ac)
{
	struct omfs_wire_req req = { .cred = cred };
	unsigned int timeo;
	int err;

	mutex_lock(&s->lock);
	req.session = s->id;
	if (s->gen != gen || !s->id) {
		mutex_unlock(&s->lock);
		return -ESTALE;
	}
	mutex_unlock(&s->lock);
	omfs_wire_put_req(m->buf, &req);
	if (nowait && down_trylock(&s->inflight))
		return -EAGAIN;
	if (!nowait && down_killable(&s->inflight))
		return -EINTR;
	ac->s = s;
	ac->gen = gen;
	ac->type = type;
	/* One reading of timeo: a remount may change it meanwhile. */
	timeo = omfs_timeo_ms(sb);
	err = om_rpc_call_start(&ac->call, s->node, type, m->buf, m->len,
				m->pages, max_len, timeo, m->patient ? 0 : timeo);
	if (err) {
		up(&s->inflight);
		return omfs_rpc_error(s->node, type, err, 0);
	}
	return 0;
}

/*
 * The answer of @ac (in @resp on success, the caller's to
 * om_rpc_resp_free()), or -errno as the caller sees it. @ac is over when
 * this returns.
 */
int omfs_call_wait(struct omfs_acall *ac, struct om_rpc_resp *resp)
{
	struct omfs_session *s = ac->s;
	int err;

	err = om_rpc_call_wait(&ac->call, resp);
	up(&s->inflight);
	/* The server forgot the session, or serves nothing now: so do we. */
	if (!err && (resp->status == -EBADR || resp->status == -ECONNREFUSED))
		omfs_session_detach(s, ac->gen);
	err = omfs_rpc_error(s->node, ac->type, err, resp->status);
	if (err)
		kvfree(resp->data);
	return err;
}

/* Gives @ac up, answered or not: the request may still run there. */
void omfs_call_cancel(struct omfs_acall *ac)
{
	om_rpc_call_cancel(&ac->call);
	up(&ac->s->inflight);
}

/*
 * Sends @m as a request of @type in session generation @gen with cred @cred
 * and waits for the answer (at most @max_len bytes, in @resp on success,
 * the caller's to om_rpc_resp_free()). 0 or -errno as the caller sees it.
 */
static int omfs_call(struct super_block *sb, struct omfs_session *s, u64 gen,
		     u8 type, u32 cred, struct omfs_msg *m, size_t max_len,
		     struct om_rpc_resp *resp)
{
	struct omfs_acall ac;

	return omfs_call_start(sb, s, gen, type, cred, m, max_len, false,
			       &ac) ?: omfs_call_wait(&ac, resp);
}

/* ATTACH, unless attached already: the current generation, or -errno. */
static int omfs_session_attach(struct super_block *sb, struct omfs_session *s,
			       u64 *gen)
{
	struct omfs_wire_attach att = {
		.root_fid = OMFS_ROOT_FID,
		.version_min = OMFS_WIRE_VERSION,
		.version_max = OMFS_WIRE_VERSION,
	};
	struct omfs_wire_attach_rsp rsp;
	struct omfs_wire_req req = {};
	struct om_rpc_resp resp;
	u8 buf[OMFS_WIRE_REQ_LEN + OMFS_WIRE_ATTACH_LEN];
	int err;

	if (mutex_lock_killable(&s->lock))
		return -EINTR;
	if (s->id) {
		*gen = s->gen;
		mutex_unlock(&s->lock);
		return 0;
	}
	get_random_bytes(&att.nonce, sizeof(att.nonce));
	omfs_wire_put_req(buf, &req);
	omfs_wire_put_attach(buf + OMFS_WIRE_REQ_LEN, &att);
	err = om_rpc_call_resp(s->node, OMFS_WT_ATTACH, buf, sizeof(buf),
			       OMFS_WIRE_ATTACH_RSP_LEN, &resp,
			       omfs_timeo_ms(sb));
	err = omfs_rpc_error(s->node, OMFS_WT_ATTACH, err, resp.status);
	if (!err)
		err = omfs_wire_get_attach_rsp(resp.data, resp.len, &rsp);
	kvfree(resp.data);
	if (!err && (!rsp.session || rsp.version != OMFS_WIRE_VERSION ||
		     rsp.max_io < PAGE_SIZE || rsp.max_io > OMFS_MAX_IO_LIMIT ||
		     !S_ISDIR(rsp.root.mode)))
		err = -EPROTO;
	if (!err) {
		s->id = rsp.session;
		s->link_epoch = resp.epoch;
		s->gen++;
		s->max_io = rsp.max_io;
		s->root = rsp.root;
		*gen = s->gen;
	}
	mutex_unlock(&s->lock);
	if (err == -EPROTO)
		pr_warn_ratelimited("node %u answered ATTACH wrongly\n", s->node);
	return err == -EPROTO ? -EIO : err;
}

/* The capabilities that travel: file system ones, from init_user_ns only. */
static u64 omfs_cred_capmask(const struct cred *cred)
{
	kernel_cap_t fs = CAP_FS_SET;
	u64 mask = 0;
	int cap;

	if (cred->user_ns != &init_user_ns)
		return 0;
	for (cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (cap_raised(fs, cap) && cap_raised(cred->cap_effective, cap))
			mask |= 1ULL << cap;
	return mask;
}

static bool omfs_cred_same(const struct omfs_cred_slot *slot,
			   const struct cred *cred, u64 capmask)
{
	return uid_eq(slot->cred->fsuid, cred->fsuid) &&
	       gid_eq(slot->cred->fsgid, cred->fsgid) &&
	       slot->cred->group_info == cred->group_info &&
	       slot->capmask == capmask;
}

static int omfs_cred_register(struct super_block *sb, struct omfs_session *s,
			      u64 gen, const struct cred *cred, u64 capmask,
			      u32 id)
{
	const struct group_info *gi = cred->group_info;
	struct omfs_wire_cred wc = {
		.capmask = capmask,
		.id = id,
		.fsuid = from_kuid(&init_user_ns, cred->fsuid),
		.fsgid = from_kgid(&init_user_ns, cred->fsgid),
		.ngroups = gi->ngroups,
	};
	struct om_rpc_resp resp;
	struct omfs_msg m;
	u8 *groups;
	int i, err;

	if (wc.fsuid == (u32)-1 || wc.fsgid == (u32)-1)
		return -EOVERFLOW;	/* not an id the other nodes know */
	err = omfs_msg_init(&m, OMFS_WIRE_CRED_LEN, gi->ngroups * 4);
	if (err)
		return err;
	omfs_wire_put_cred(omfs_msg_put(&m, OMFS_WIRE_CRED_LEN), &wc);
	groups = omfs_msg_put(&m, gi->ngroups * 4);
	for (i = 0; i < gi->ngroups; i++)
		omfs_wire_put_u32_at(groups, i,
				     from_kgid(&init_user_ns, gi->gid[i]));
	err = omfs_call(sb, s, gen, OMFS_WT_CRED, 0, &m, 0, &resp);
	if (!err)
		kvfree(resp.data);
	omfs_msg_free(&m);
	return err;
}

/*
 * The slot under which the server knows the caller's identity (fsuid,
 * fsgid, groups, file system capabilities), registered on first use and
 * returned with its sem held shared: omfs_cred_put() after the request.
 */
static struct omfs_cred_slot *omfs_cred_get(struct super_block *sb,
					    struct omfs_session *s, u64 gen)
{
	const struct cred *cred = current_cred();
	u64 capmask = omfs_cred_capmask(cred);
	struct omfs_cred_slot *slot;
	unsigned int i;
	int err;

	/* Slots change hands only under cred_lock: down_read() cannot wait. */
	if (mutex_lock_killable(&s->cred_lock))
		return ERR_PTR(-EINTR);
	for (i = 0; i < OMFS_CRED_SLOTS; i++) {
		slot = &s->creds[i];
		if (slot->cred && slot->gen == gen &&
		    omfs_cred_same(slot, cred, capmask)) {
			down_read(&slot->sem);
			mutex_unlock(&s->cred_lock);
			return slot;
		}
	}
	/* Round robin; the identity that had the slot registers again when used. */
	slot = &s->creds[s->cred_next++ % OMFS_CRED_SLOTS];
	/* Its requests in flight finish first (each within timeo). */
	if (down_write_killable(&slot->sem)) {
		mutex_unlock(&s->cred_lock);
		return ERR_PTR(-EINTR);
	}
	if (slot->cred)
		put_cred(slot->cred);
	slot->cred = NULL;
	err = omfs_cred_register(sb, s, gen, cred, capmask,
				 slot - s->creds + 1);
	if (!err) {
		slot->cred = get_cred(cred);
		slot->capmask = capmask;
		slot->gen = gen;
	}
	downgrade_write(&slot->sem);
	mutex_unlock(&s->cred_lock);
	if (err) {
		up_read(&slot->sem);
		return ERR_PTR(err);
	}
	return slot;
}

static u32 omfs_cred_slot_id(const struct omfs_session *s,
			     const struct omfs_cred_slot *slot)
{
	return slot - s->creds + 1;
}

void omfs_cred_put(struct omfs_cred_slot *slot)
{
	up_read(&slot->sem);
}

/* ------------------------------------------------------------------ */
/* Fids and inodes                                                    */

/*
 * How many fids of a session one user may hold (open files, directories
 * and walks in progress): half, so that one user of this node cannot take
 * every other user's access to that node away.
 */
#define OMFS_USER_FIDS		(OMFS_MAX_FIDS / 2)

/*
 * A new fid of @s for a request that makes one, counted to the caller's
 * fsuid; freed by omfs_fid_put() or omfs_fid_unused(). -EMFILE when the
 * session or the user has all it may.
 */
int omfs_fid_alloc(struct omfs_session *s, u32 *fid)
{
	unsigned long uid = from_kuid(&init_user_ns, current_fsuid());
	unsigned long held;
	int err;

	mutex_lock(&s->fid_lock);
	held = xa_to_value(xa_load(&s->fid_users, uid) ?: xa_mk_value(0));
	if (held >= OMFS_USER_FIDS) {
		err = -EMFILE;
		goto out;
	}
	err = xa_alloc(&s->fids, fid, xa_mk_value(uid),
		       XA_LIMIT(OMFS_ROOT_FID + 1, OMFS_MAX_FIDS - 1),
		       GFP_KERNEL);
	if (err) {
		if (err == -EBUSY)
			err = -EMFILE;
		goto out;
	}
	err = xa_err(xa_store(&s->fid_users, uid, xa_mk_value(held + 1),
			      GFP_KERNEL));
	if (err)
		xa_erase(&s->fids, *fid);
out:
	mutex_unlock(&s->fid_lock);
	return err;
}

/*
 * A fid the server never made, or has been told to forget: its number is
 * free again at once, and its user holds one fid fewer.
 */
void omfs_fid_unused(struct omfs_session *s, u32 fid)
{
	unsigned long uid, held;
	void *entry;

	mutex_lock(&s->fid_lock);
	entry = xa_erase(&s->fids, fid);
	if (!WARN_ON_ONCE(!entry)) {
		uid = xa_to_value(entry);
		held = xa_to_value(xa_load(&s->fid_users, uid));
		/* Replacing an entry allocates nothing: it cannot fail. */
		if (held > 1)
			xa_store(&s->fid_users, uid, xa_mk_value(held - 1),
				 GFP_KERNEL);
		else
			xa_erase(&s->fid_users, uid);
	}
	mutex_unlock(&s->fid_lock);
}

/* Tells the server to forget @fid, if the session still knows it. */
void omfs_fid_put(struct omfs_session *s, u64 gen, u32 fid)
{
	struct omfs_wire_clunk cl = { .count = 1 };
	struct omfs_wire_req req = {};
	u8 buf[OMFS_WIRE_REQ_LEN + OMFS_WIRE_CLUNK_LEN + sizeof(u32)];
	bool live;

	mutex_lock(&s->lock);
	live = s->gen == gen && s->id;
	req.session = s->id;
	mutex_unlock(&s->lock);
	if (live) {
		omfs_wire_put_req(buf, &req);
		omfs_wire_put_clunk(buf + OMFS_WIRE_REQ_LEN, &cl);
		omfs_wire_put_u32_at(buf + OMFS_WIRE_REQ_LEN + OMFS_WIRE_CLUNK_LEN,
				     0, fid);
		/*
		 * A clunk that cannot go would leave the server holding the fid
		 * while we hand its number out again: start a new session
		 * instead, which ends the old one on the server. Posted, not
		 * sent: a killed task clunks too (its lookup cut short, its
		 * files closed), and a signal must not end every user's fids.
		 */
		if (om_rpc_post(s->node, OMFS_WT_CLUNK, buf, sizeof(buf)))
			omfs_session_detach(s, gen);
	}
	omfs_fid_unused(s, fid);
}

/*
 * The fid of a request that failed with @err. A server that answered an
 * error made none, but one that did not answer may still make it (a
 * timeout, a signal, an allocation failure here), and one whose answer
 * did not parse (-EIO) made it: those are clunked, which costs a server
 * that never made the fid nothing.
 */
void omfs_fid_drop(struct omfs_session *s, u64 gen, u32 fid, int err)
{
	if (err == -ETIMEDOUT || err == -EINTR || err == -ENOMEM || err == -EIO)
		omfs_fid_put(s, gen, fid);
	else
		omfs_fid_unused(s, fid);
}

static dev_t omfs_remote_dev(struct super_block *sb, u16 node, u64 sdev)
{
	struct omfs_rdev *r;
	dev_t dev = sb->s_dev;
	unsigned int i;

	mutex_lock(&omfs_rdevs_lock);
	for (i = 0; i < omfs_nrdevs; i++) {
		if (omfs_rdevs[i].node == node && omfs_rdevs[i].sdev == sdev) {
			dev = omfs_rdevs[i].dev;
			goto out;
		}
	}
	if (omfs_nrdevs == OMFS_MAX_RDEVS)
		goto out;		/* st_dev of the mount, as before */
	if (omfs_nrdevs == omfs_rdevs_cap) {
		unsigned int cap = max(16u, omfs_rdevs_cap * 2);

		r = krealloc_array(omfs_rdevs, cap, sizeof(*r), GFP_KERNEL);
		if (!r)
			goto out;
		omfs_rdevs = r;
		omfs_rdevs_cap = cap;
	}
	r = &omfs_rdevs[omfs_nrdevs];
	if (get_anon_bdev(&r->dev))
		goto out;
	r->node = node;
	r->sdev = sdev;
	dev = r->dev;
	omfs_nrdevs++;
out:
	mutex_unlock(&omfs_rdevs_lock);
	return dev;
}

static struct timespec64 omfs_ts(s64 sec, u32 nsec)
{
	return (struct timespec64){ .tv_sec = sec, .tv_nsec = nsec };
}

/* What the server said of the object becomes the inode's attributes. */
void omfs_remote_refresh(struct inode *inode, const struct omfs_wire_attr *a)
{
	umode_t mode = a->mode;

	/* Never setuid or setgid here: bprm_fill_uid() reads i_mode. */
	if (S_ISREG(mode))
		mode &= ~(S_ISUID | S_ISGID);
	inode->i_mode = (inode->i_mode & S_IFMT) | (mode & ~S_IFMT);
	inode->i_uid = make_kuid(&init_user_ns, a->uid);
	inode->i_gid = make_kgid(&init_user_ns, a->gid);
	set_nlink(inode, a->nlink);
	i_size_write(inode, a->size);
	inode->i_blocks = a->blocks;
	om_inode_set_times(inode, omfs_ts(a->atime_sec, a->atime_nsec),
			   omfs_ts(a->mtime_sec, a->mtime_nsec),
			   omfs_ts(a->ctime_sec, a->ctime_nsec));
}

struct inode *omfs_remote_inode(struct super_block *sb,
				struct omfs_session *s, u64 gen, u32 fid,
				const struct omfs_wire_attr *a)
{
	struct omfs_inode *oi;
	struct inode *inode;

	inode = omfs_new_inode(sb, OMFS_I_REMOTE, a->mode & S_IFMT);
	if (!inode)
		return NULL;
	oi = OMFS_I(inode);
	oi->remote.s = s;
	oi->remote.gen = gen;
	oi->remote.fid = fid;
	oi->remote.sdev = a->dev;
	oi->remote.sino = a->ino;
	oi->remote.sgen = a->generation;
	oi->remote.change = a->change;
	inode->i_ino = a->ino;
	inode->i_flags |= S_NOATIME | S_NOCMTIME;
	/* Asked of the server each time, as everything else. */
	om_inode_acl_uncached(inode);
	switch (a->mode & S_IFMT) {
	case S_IFDIR:
		inode->i_op = &omfs_remote_dir_iops;
		inode->i_fop = &omfs_remote_dir_fops;
		break;
	case S_IFREG:
		inode->i_op = &omfs_remote_file_iops;
		inode->i_fop = &omfs_remote_file_fops;
		inode->i_mapping->a_ops = &omfs_remote_aops;
		break;
	case S_IFLNK:
		inode->i_op = &omfs_remote_link_iops;
		break;
	default:
		/* Never init_special_inode(): another node's devices stay there. */
		inode->i_op = &omfs_remote_file_iops;
		inode->i_fop = &omfs_remote_special_fops;
		inode->i_rdev = a->rdev;
		break;
	}
	omfs_remote_refresh(inode, a);
	return inode;
}

void omfs_remote_evict(struct inode *inode)
{
	struct omfs_inode *oi = OMFS_I(inode);

	if (oi->remote.fid != OMFS_ROOT_FID)
		omfs_fid_put(oi->remote.s, oi->remote.gen, oi->remote.fid);
}

bool omfs_same_object(const struct inode *inode,
		      const struct omfs_wire_attr *a)
{
	const struct omfs_inode *oi = OMFS_I(inode);

	return oi->remote.sdev == a->dev && oi->remote.sino == a->ino &&
	       oi->remote.sgen == a->generation &&
	       (inode->i_mode & S_IFMT) == (a->mode & S_IFMT);
}

/*
 * The cred slot for requests about @inode by the caller, held until
 * omfs_cred_put(). A caller with several requests in flight takes it once
 * for all: asking again could wait for a new owner of the slot, who waits
 * for the requests in flight.
 */
struct omfs_cred_slot *omfs_inode_cred_get(struct inode *inode)
{
	return omfs_cred_get(inode->i_sb, omfs_rsess(inode), omfs_rgen(inode));
}

/*
 * Starts a request about the object of @inode: sends @m (type @type, freed
 * by the caller when this returns) with the cred of @slot, to be answered
 * by omfs_call_wait() in at most @max_len bytes. @nowait as
 * omfs_call_start().
 */
int omfs_inode_call_start(struct inode *inode, struct omfs_cred_slot *slot,
			  u8 type, struct omfs_msg *m, size_t max_len,
			  bool nowait, struct omfs_acall *ac)
{
	struct omfs_session *s = omfs_rsess(inode);

	return omfs_call_start(inode->i_sb, s, omfs_rgen(inode), type,
			       omfs_cred_slot_id(s, slot), m, max_len, nowait,
			       ac);
}

/*
 * A request about the object of @inode: sends @m (type @type) with the
 * caller's cred and answers in @resp (at most @max_len bytes).
 */
int omfs_inode_call(struct inode *inode, u8 type, struct omfs_msg *m,
		    size_t max_len, struct om_rpc_resp *resp)
{
	struct omfs_cred_slot *slot;
	struct omfs_acall ac;
	int err;

	slot = omfs_inode_cred_get(inode);
	if (IS_ERR(slot))
		return PTR_ERR(slot);
	err = omfs_inode_call_start(inode, slot, type, m, max_len, false, &ac) ?:
	      omfs_call_wait(&ac, resp);
	omfs_cred_put(slot);
	return err;
}

/* A request whose fixed part is struct omfs_wire_fid. */
int omfs_fid_call(struct inode *inode, u8 type, u32 fid, u32 arg,
		  size_t max_len, struct om_rpc_resp *resp)
{
	struct omfs_wire_fid wf = { .fid = fid, .arg = arg };
	struct omfs_msg m;
	int err;

	err = omfs_msg_init(&m, OMFS_WIRE_FID_LEN, 0);
	if (err)
		return err;
	omfs_wire_put_fid(omfs_msg_put(&m, OMFS_WIRE_FID_LEN), &wf);
	err = omfs_inode_call(inode, type, &m, max_len, resp);
	omfs_msg_free(&m);
	return err;
}

/* An answer that is exactly one struct omfs_wire_attr. */
static int omfs_get_attr_resp(struct om_rpc_resp *resp,
			      struct omfs_wire_attr *a)
{
	int err = omfs_wire_get_attr(resp->data, resp->len, a);

	kvfree(resp->data);
	return err ? -EIO : 0;
}

/* Sends @m (freed here) about @inode; the answer is empty. */
int omfs_empty_call(struct inode *inode, u8 type, struct omfs_msg *m)
{
	struct om_rpc_resp resp;
	int err;

	err = omfs_inode_call(inode, type, m, 0, &resp);
	omfs_msg_free(m);
	if (!err)
		kvfree(resp.data);
	return err;
}

/* Sends @m (freed here) about @inode; the answer is attributes, in @a. */
int omfs_attr_call(struct inode *inode, u8 type, struct omfs_msg *m,
		   struct omfs_wire_attr *a)
{
	struct om_rpc_resp resp;
	int err;

	err = omfs_inode_call(inode, type, m, OMFS_WIRE_ATTR_LEN, &resp);
	omfs_msg_free(m);
	return err ?: omfs_get_attr_resp(&resp, a);
}

int omfs_getattr_fid(struct inode *inode, struct omfs_wire_attr *a)
{
	struct om_rpc_resp resp;
	int err;

	err = omfs_fid_call(inode, OMFS_WT_GETATTR, OMFS_I(inode)->remote.fid,
			    STATX_BASIC_STATS, OMFS_WIRE_ATTR_LEN, &resp);
	if (!err)
		err = omfs_get_attr_resp(&resp, a);
	if (!err && !omfs_same_object(inode, a))
		err = -ESTALE;
	if (!err)
		omfs_remote_refresh(inode, a);
	return err;
}

/* LOOKUP of @name in @dir: a new fid in *@fid unless @fid is NULL. */
static int omfs_lookup_call(struct inode *dir, const struct qstr *name,
			    u32 *fid, struct omfs_wire_attr *a)
{
	struct omfs_session *s = omfs_rsess(dir);
	struct omfs_wire_lookup wl = {
		.dirfid = OMFS_I(dir)->remote.fid,
		.namelen = name->len,
	};
	struct omfs_msg m;
	int err;

	if (name->len > NAME_MAX)
		return -ENAMETOOLONG;
	if (fid) {
		err = omfs_fid_alloc(s, fid);
		if (err)
			return err;
		wl.newfid = *fid;
	}
	err = omfs_msg_init(&m, OMFS_WIRE_LOOKUP_LEN, name->len);
	if (!err) {
		omfs_wire_put_lookup(omfs_msg_put(&m, OMFS_WIRE_LOOKUP_LEN), &wl);
		omfs_msg_put_name(&m, name);
		err = omfs_attr_call(dir, OMFS_WT_LOOKUP, &m, a);
	}
	if (err && fid)
		omfs_fid_drop(s, omfs_rgen(dir), *fid, err);
	return err;
}

/* ------------------------------------------------------------------ */
/* Directories and names                                              */

struct dentry *omfs_remote_lookup(struct inode *dir, struct dentry *dentry,
				  unsigned int flags)
{
	struct omfs_wire_attr a;
	struct inode *inode;
	u32 fid;
	int err;

	err = omfs_lookup_call(dir, &dentry->d_name, &fid, &a);
	if (err == -ENOENT)
		return d_splice_alias(NULL, dentry);
	if (err)
		return ERR_PTR(err);
	inode = omfs_remote_inode(dir->i_sb, omfs_rsess(dir),
				  OMFS_I(dir)->remote.gen, fid, &a);
	if (!inode) {
		omfs_fid_put(omfs_rsess(dir), OMFS_I(dir)->remote.gen, fid);
		return ERR_PTR(-ENOMEM);
	}
	return d_splice_alias(inode, dentry);
}

/*
 * ->d_revalidate of a dentry below another node's directory: the name is
 * looked up again on the server, and the dentry stays only if it still
 * names the same object (or still nothing).
 */
int omfs_remote_revalidate(struct dentry *dentry, unsigned int flags)
{
	struct dentry *parent;
	struct inode *dir, *inode;
	struct omfs_wire_attr a;
	int err, valid;

	if (flags & LOOKUP_RCU)
		return -ECHILD;
	parent = dget_parent(dentry);
	dir = d_inode(parent);
	inode = d_inode(dentry);
	if (OMFS_I(dir)->kind != OMFS_I_REMOTE ||
	    (inode && OMFS_I(inode)->remote.gen != OMFS_I(dir)->remote.gen)) {
		dput(parent);
		return 0;
	}
	err = omfs_lookup_call(dir, &dentry->d_name, NULL, &a);
	if (err == -ENOENT)
		valid = !inode;
	else if (err)
		valid = err == -ESTALE ? 0 : err;
	else if (!inode || !omfs_same_object(inode, &a))
		valid = 0;
	else
		valid = 1;
	if (valid == 1 && inode)
		omfs_remote_refresh(inode, &a);
	dput(parent);
	return valid;
}

/* The node directory's own check: still the session generation it had. */
bool omfs_remote_root_current(struct inode *inode)
{
	struct omfs_session *s = omfs_rsess(inode);
	bool current_gen;

	/* Called in RCU walk too: a racy read only sends it to ref walk. */
	current_gen = READ_ONCE(s->gen) == OMFS_I(inode)->remote.gen &&
		      READ_ONCE(s->id);
	return current_gen;
}

/* /mfs/<node> of another node: its root, with the session's root fid. */
struct dentry *omfs_remote_lookup_root(struct dentry *dentry, u16 node)
{
	struct super_block *sb = dentry->d_sb;
	struct omfs_wire_attr root;
	struct omfs_session *s;
	struct inode *inode;
	u64 gen;
	int err;

	s = omfs_session_get(node);
	if (!s)
		return ERR_PTR(-ENOMEM);
	err = omfs_session_attach(sb, s, &gen);
	if (err)
		return ERR_PTR(err);
	mutex_lock(&s->lock);
	root = s->root;
	mutex_unlock(&s->lock);
	inode = omfs_remote_inode(sb, s, gen, OMFS_ROOT_FID, &root);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	return d_splice_alias(inode, dentry);
}

static int omfs_remote_getattr(struct om_idmap *idmap,
			       const struct path *path, struct kstat *stat,
			       u32 request_mask, unsigned int query_flags)
{
	struct inode *inode = d_inode(path->dentry);
	struct omfs_wire_attr a;
	int err;

	err = omfs_getattr_fid(inode, &a);
	/* /mfs/<node> of a node gone: as last seen, so `ls -l /mfs` works. */
	if (err && !(OMFS_I(inode)->remote.fid == OMFS_ROOT_FID &&
		     omfs_node_unreachable(err)))
		return err;
	om_generic_fillattr(inode, request_mask, stat);
	if (err)
		return 0;
	/* The server's own figures, where the inode keeps them differently. */
	stat->dev = omfs_remote_dev(inode->i_sb, omfs_rsess(inode)->node,
				    a.dev);
	stat->ino = a.ino;
	stat->mode = a.mode;
	stat->rdev = a.rdev;
	stat->blksize = a.blksize;
	return 0;
}

/*
 * The server decides, with the caller's identity: every request it runs is
 * checked there as the system call would be (search permission by each
 * LOOKUP, open permission by OPEN, may_create() and may_delete() by the
 * vfs_*() helpers, the owner rules by notify_change()). Only access(2)
 * and chdir(2), which change nothing there, ask.
 */
static int omfs_remote_permission(struct om_idmap *idmap, struct inode *inode,
				  int mask)
{
	struct om_rpc_resp resp;
	int err;

	if (!(mask & (MAY_ACCESS | MAY_CHDIR)))
		return 0;
	if (mask & MAY_NOT_BLOCK)
		return -ECHILD;
	err = omfs_fid_call(inode, OMFS_WT_ACCESS, omfs_rfid(inode),
			    mask & (MAY_READ | MAY_WRITE | MAY_EXEC), 0, &resp);
	if (!err)
		kvfree(resp.data);
	return err;
}

/* struct iattr as SETATTR carries it: -EINVAL for an id no node knows. */
static int omfs_setattr_wire(const struct iattr *attr,
			     struct omfs_wire_setattr *sa)
{
	unsigned int valid = attr->ia_valid;

	if (valid & ATTR_MODE) {
		sa->valid |= OMFS_SA_MODE;
		sa->mode = attr->ia_mode & S_IALLUGO;
	}
	if (valid & ATTR_UID) {
		sa->valid |= OMFS_SA_UID;
		sa->uid = from_kuid(&init_user_ns,
				    vfsuid_into_kuid(attr->ia_vfsuid));
		if (sa->uid == (u32)-1)
			return -EINVAL;
	}
	if (valid & ATTR_GID) {
		sa->valid |= OMFS_SA_GID;
		sa->gid = from_kgid(&init_user_ns,
				    vfsgid_into_kgid(attr->ia_vfsgid));
		if (sa->gid == (u32)-1)
			return -EINVAL;
	}
	if (valid & ATTR_SIZE) {
		sa->valid |= OMFS_SA_SIZE;
		sa->size = attr->ia_size;
	}
	if (valid & ATTR_ATIME) {
		sa->valid |= OMFS_SA_ATIME;
		if (valid & ATTR_ATIME_SET) {
			sa->valid |= OMFS_SA_ATIME_SET;
			sa->atime_sec = attr->ia_atime.tv_sec;
			sa->atime_nsec = attr->ia_atime.tv_nsec;
		}
	}
	if (valid & ATTR_MTIME) {
		sa->valid |= OMFS_SA_MTIME;
		if (valid & ATTR_MTIME_SET) {
			sa->valid |= OMFS_SA_MTIME_SET;
			sa->mtime_sec = attr->ia_mtime.tv_sec;
			sa->mtime_nsec = attr->ia_mtime.tv_nsec;
		}
	}
	if (valid & ATTR_TOUCH)
		sa->valid |= OMFS_SA_TOUCH;
	/*
	 * The server kills what its own inode has: ours never shows setuid
	 * or setgid on a regular file (omfs_remote_refresh()). With a mode,
	 * notify_change() here has turned the kill into that mode already,
	 * and the server's would refuse both.
	 */
	if ((valid & ATTR_KILL_SUID) && !(valid & ATTR_MODE))
		sa->valid |= OMFS_SA_KILL_SUID;
	if ((valid & ATTR_KILL_SGID) && !(valid & ATTR_MODE))
		sa->valid |= OMFS_SA_KILL_SGID;
	if (valid & ATTR_KILL_PRIV)
		sa->valid |= OMFS_SA_KILL_PRIV;
	return 0;
}

/*
 * chmod, chown, utimes, truncate: one SETATTR, checked by the server's
 * notify_change() (and ftruncate's rules when @attr names our open file).
 */
static int omfs_remote_setattr(struct om_idmap *idmap, struct dentry *dentry,
			       struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	struct omfs_wire_setattr sa = { .fid = omfs_rfid(inode) };
	struct omfs_wire_attr a;
	struct omfs_msg m;
	int err;

	/* O_TRUNC went with the OPEN or CREATE, which truncated there. */
	if (attr->ia_valid & ATTR_OPEN)
		return 0;
	err = omfs_setattr_wire(attr, &sa);
	if (err)
		return err;
	if (!sa.valid)
		return 0;	/* a ctime of its own: chown(-1, -1) */
	if ((attr->ia_valid & ATTR_FILE) && attr->ia_file &&
	    (sa.valid & OMFS_SA_SIZE)) {
		struct omfs_rfile *rf = attr->ia_file->private_data;

		sa.openfid = rf->fid;
	}
	err = omfs_msg_init(&m, OMFS_WIRE_SETATTR_LEN, 0);
	if (err)
		return err;
	omfs_wire_put_setattr(omfs_msg_put(&m, OMFS_WIRE_SETATTR_LEN), &sa);
	err = omfs_attr_call(inode, OMFS_WT_SETATTR, &m, &a);
	if (err)
		return err;
	if (!omfs_same_object(inode, &a))
		return -ESTALE;
	omfs_remote_refresh(inode, &a);
	if (sa.valid & OMFS_SA_SIZE)
		omfs_revalidate_pages(inode, a.change);
	return 0;
}

static const char *omfs_remote_get_link(struct dentry *dentry,
					struct inode *inode,
					struct delayed_call *done)
{
	struct omfs_wire_len_rsp lr;
	struct om_rpc_resp resp;
	char *target;
	int err;

	if (!dentry)
		return ERR_PTR(-ECHILD);
	err = omfs_fid_call(inode, OMFS_WT_READLINK, OMFS_I(inode)->remote.fid,
			    0, OMFS_WIRE_LEN_RSP_LEN + PATH_MAX, &resp);
	if (err)
		return ERR_PTR(err);
	err = omfs_wire_get_len_rsp(resp.data, resp.len, &lr);
	if (!err && (lr.len != resp.len - OMFS_WIRE_LEN_RSP_LEN ||
		     omfs_wire_check_target((u8 *)resp.data + OMFS_WIRE_LEN_RSP_LEN,
					    lr.len)))
		err = -EIO;
	target = err ? NULL : kmemdup_nul((u8 *)resp.data +
					  OMFS_WIRE_LEN_RSP_LEN, lr.len,
					  GFP_KERNEL);
	kvfree(resp.data);
	if (err)
		return ERR_PTR(err);
	if (!target)
		return ERR_PTR(-ENOMEM);
	set_delayed_call(done, kfree_link, target);
	return target;
}

int omfs_remote_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct inode *inode = d_inode(dentry);
	struct omfs_wire_statfs_rsp st;
	struct om_rpc_resp resp;
	int err;

	err = omfs_fid_call(inode, OMFS_WT_STATFS, OMFS_I(inode)->remote.fid,
			    0, OMFS_WIRE_STATFS_RSP_LEN, &resp);
	if (err)
		return err;
	err = omfs_wire_get_statfs_rsp(resp.data, resp.len, &st) ? -EIO : 0;
	kvfree(resp.data);
	if (err)
		return err;
	/* mfs's own type: tools then poll rather than wait for inotify. */
	buf->f_type = OMFS_SUPER_MAGIC;
	buf->f_bsize = st.bsize;
	buf->f_frsize = st.frsize;
	buf->f_blocks = st.blocks;
	buf->f_bfree = st.bfree;
	buf->f_bavail = st.bavail;
	buf->f_files = st.files;
	buf->f_ffree = st.ffree;
	buf->f_namelen = st.namelen;
	buf->f_flags = st.flags;
	buf->f_fsid = u64_to_fsid(st.fsid ^ ((u64)omfs_rsess(inode)->node << 48));
	return 0;
}

/* ------------------------------------------------------------------ */
/* xattrs                                                             */

/* GETXATTR (@size 0: the length only) or LISTXATTR (@name NULL). */
static ssize_t omfs_remote_xattr_call(struct inode *inode, const char *name,
				      void *value, size_t size)
{
	struct omfs_wire_xattr wx = { .fid = OMFS_I(inode)->remote.fid,
				      .size_or_flags = size };
	size_t namelen = name ? strlen(name) : 0;
	struct omfs_wire_len_rsp lr;
	struct om_rpc_resp resp;
	struct omfs_msg m;
	ssize_t ret;
	int err;

	if (size > XATTR_SIZE_MAX)
		size = XATTR_SIZE_MAX;
	if (name) {
		if (namelen < 1 || namelen > XATTR_NAME_MAX)
			return -ERANGE;
		wx.namelen = namelen;
		err = omfs_msg_init(&m, OMFS_WIRE_XATTR_LEN, namelen);
		if (err)
			return err;
		omfs_wire_put_xattr(omfs_msg_put(&m, OMFS_WIRE_XATTR_LEN), &wx);
		memcpy(omfs_msg_put(&m, namelen), name, namelen);
		err = omfs_inode_call(inode, OMFS_WT_GETXATTR, &m,
				      OMFS_WIRE_LEN_RSP_LEN + size, &resp);
		omfs_msg_free(&m);
	} else {
		err = omfs_fid_call(inode, OMFS_WT_LISTXATTR, wx.fid, size,
				    OMFS_WIRE_LEN_RSP_LEN + size, &resp);
	}
	if (err)
		return err;
	ret = omfs_wire_get_len_rsp(resp.data, resp.len, &lr) ? -EIO : lr.len;
	if (ret >= 0 && size) {
		if (lr.len != resp.len - OMFS_WIRE_LEN_RSP_LEN || lr.len > size)
			ret = -EIO;
		else
			memcpy(value, (u8 *)resp.data + OMFS_WIRE_LEN_RSP_LEN,
			       lr.len);
	}
	kvfree(resp.data);
	return ret;
}

ssize_t omfs_remote_getxattr(struct inode *inode, const char *name,
			     void *value, size_t size)
{
	/* File capabilities of another node's binaries are not honoured here. */
	if (!strcmp(name, XATTR_NAME_CAPS))
		return -ENODATA;
	return omfs_remote_xattr_call(inode, name, value, size);
}

/*
 * SETXATTR, or REMOVEXATTR when @value is NULL. The server's vfs_*xattr()
 * decide with the caller's identity; trusted.* and security.capability
 * need capabilities that do not travel (CAP_SYS_ADMIN, CAP_SETFCAP).
 */
int omfs_remote_setxattr(struct inode *inode, const char *name,
			 const void *value, size_t size, int flags)
{
	struct omfs_wire_xattr wx = { .fid = omfs_rfid(inode) };
	struct omfs_wire_rmxattr rx = { .fid = omfs_rfid(inode) };
	size_t namelen = strlen(name);
	struct omfs_msg m;
	int err;

	if (namelen < 1 || namelen > XATTR_NAME_MAX)
		return -ERANGE;
	if (size > XATTR_SIZE_MAX)
		return -E2BIG;
	if (!value) {
		rx.namelen = namelen;
		err = omfs_msg_init(&m, OMFS_WIRE_RMXATTR_LEN, namelen);
		if (err)
			return err;
		omfs_wire_put_rmxattr(omfs_msg_put(&m, OMFS_WIRE_RMXATTR_LEN),
				      &rx);
		memcpy(omfs_msg_put(&m, namelen), name, namelen);
		err = omfs_empty_call(inode, OMFS_WT_REMOVEXATTR, &m);
	} else {
		if (flags & XATTR_CREATE)
			wx.size_or_flags |= OMFS_XATTR_CREATE;
		if (flags & XATTR_REPLACE)
			wx.size_or_flags |= OMFS_XATTR_REPLACE;
		wx.valuelen = size;
		wx.namelen = namelen;
		err = omfs_msg_init(&m, OMFS_WIRE_XATTR_LEN, namelen + size);
		if (err)
			return err;
		omfs_wire_put_xattr(omfs_msg_put(&m, OMFS_WIRE_XATTR_LEN), &wx);
		memcpy(omfs_msg_put(&m, namelen), name, namelen);
		memcpy(omfs_msg_put(&m, size), value, size);
		err = omfs_empty_call(inode, OMFS_WT_SETXATTR, &m);
	}
	return err;
}

/*
 * ->get_acl and ->set_acl (from 6.2 only: OM_IOP_ACL_OPS), by the ACL's
 * xattr on the serving node, whose server turns it into its ACL.
 */
struct posix_acl *omfs_remote_get_acl(struct om_idmap *idmap,
				      struct dentry *dentry, int type)
{
	const char *name = omfs_acl_name(type);
	struct inode *inode = d_inode(dentry);
	struct posix_acl *acl;
	ssize_t len;
	void *value;

	len = omfs_remote_xattr_call(inode, name, NULL, 0);
	if (len == -ENODATA)
		return NULL;
	if (len < 0)
		return ERR_PTR(len);
	value = kvmalloc(len ?: 1, GFP_KERNEL);
	if (!value)
		return ERR_PTR(-ENOMEM);
	len = omfs_remote_xattr_call(inode, name, value, len);
	if (len == -ENODATA)
		acl = NULL;
	else if (len < 0)
		acl = ERR_PTR(len == -ERANGE ? -EAGAIN : len);	/* it grew */
	else
		acl = posix_acl_from_xattr(&init_user_ns, value, len);
	kvfree(value);
	return acl;
}

int omfs_remote_set_acl(struct om_idmap *idmap, struct dentry *dentry,
			struct posix_acl *acl, int type)
{
	const char *name = omfs_acl_name(type);
	struct inode *inode = d_inode(dentry);
	struct omfs_wire_attr a;
	size_t size;
	void *value;
	int err;

	if (!acl) {
		err = omfs_remote_setxattr(inode, name, NULL, 0, 0);
		if (err == -ENODATA)
			err = 0;
	} else {
		size = posix_acl_xattr_size(acl->a_count);
		value = kvmalloc(size, GFP_KERNEL);
		if (!value)
			return -ENOMEM;
		err = posix_acl_to_xattr(&init_user_ns, acl, value, size);
		if (err >= 0)
			err = omfs_remote_setxattr(inode, name, value, err, 0);
		kvfree(value);
	}
	/* An access ACL changes the mode there too. */
	if (!err && !omfs_getattr_fid(inode, &a) && !omfs_same_object(inode, &a))
		err = -ESTALE;
	return err;
}

/* getxattr() hides security.capability (see above): so does the list. */
static ssize_t omfs_remote_listxattr(struct dentry *dentry, char *list,
				     size_t size)
{
	static const char caps[] = XATTR_NAME_CAPS;
	ssize_t len, off = 0;
	size_t n;

	len = omfs_remote_xattr_call(d_inode(dentry), NULL, list, size);
	if (len <= 0 || !size)
		return len;
	while (off < len) {
		n = strnlen(list + off, len - off) + 1;
		if (n == sizeof(caps) && !memcmp(list + off, caps, n)) {
			memmove(list + off, list + off + n, len - off - n);
			len -= n;
			continue;
		}
		off += n;
	}
	return len;
}

/* ------------------------------------------------------------------ */

static const struct inode_operations omfs_remote_dir_iops = {
	.lookup		= omfs_remote_lookup,
	.getattr	= omfs_remote_getattr,
	.permission	= omfs_remote_permission,
	.setattr	= omfs_remote_setattr,
	.listxattr	= omfs_remote_listxattr,
	.create		= omfs_remote_create,
	.mkdir		= omfs_remote_mkdir,
	.mknod		= omfs_remote_mknod,
	.symlink	= omfs_remote_symlink,
	.link		= omfs_remote_link,
	.unlink		= omfs_remote_unlink,
	.rmdir		= omfs_remote_rmdir,
	.atomic_open	= omfs_remote_atomic_open,
	.rename		= omfs_remote_rename,
	OM_IOP_ACL_OPS(omfs_remote_get_acl, omfs_remote_set_acl, NULL)
};

static const struct inode_operations omfs_remote_file_iops = {
	.getattr	= omfs_remote_getattr,
	.permission	= omfs_remote_permission,
	.setattr	= omfs_remote_setattr,
	.listxattr	= omfs_remote_listxattr,
	OM_IOP_ACL_OPS(omfs_remote_get_acl, omfs_remote_set_acl, NULL)
};

static const struct inode_operations omfs_remote_link_iops = {
	.get_link	= omfs_remote_get_link,
	.getattr	= omfs_remote_getattr,
	.setattr	= omfs_remote_setattr,
	.listxattr	= omfs_remote_listxattr,
};

/*
 * The link to a node went down: the session made over it is gone with it
 * on the server, and so are its fids. One made over a newer link, after a
 * reconnect that this late news did not see, stays.
 */
static int omfs_remote_event(struct notifier_block *nb, unsigned long event,
			     void *data)
{
	const struct om_event_info *info = data;
	struct omfs_session *s;

	if (event != OM_EV_LINK_DOWN)
		return NOTIFY_DONE;
	s = xa_load(&omfs_sessions, info->node);
	if (s) {
		mutex_lock(&s->lock);
		if (s->link_epoch <= info->epoch)
			omfs_session_end_locked(s);
		mutex_unlock(&s->lock);
	}
	return NOTIFY_OK;
}

static struct notifier_block omfs_remote_nb = {
	.notifier_call = omfs_remote_event,
};

int omfs_remote_init(void)
{
	omfs_remote_lock_init();
	return om_register_notifier(&omfs_remote_nb);
}

/* No superblock is left, so no inode holds a session or a fid. */
void omfs_remote_exit(void)
{
	struct omfs_session *s;
	unsigned long node;
	unsigned int i;

	om_unregister_notifier(&omfs_remote_nb);
	xa_for_each(&omfs_sessions, node, s) {
		for (i = 0; i < OMFS_CRED_SLOTS; i++)
			if (s->creds[i].cred)
				put_cred(s->creds[i].cred);
		WARN_ON(!xa_empty(&s->fids) || !xa_empty(&s->fid_users));
		xa_destroy(&s->fids);
		xa_destroy(&s->fid_users);
		kfree(s);
	}
	xa_destroy(&omfs_sessions);
	for (i = 0; i < omfs_nrdevs; i++)
		free_anon_bdev(omfs_rdevs[i].dev);
	kfree(omfs_rdevs);
}
