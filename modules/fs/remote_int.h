/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The client of other nodes' servers (docs/design/omfs.md §8), as its
 * three files share it:
 *
 *   remote.c       sessions, credentials, fids; inodes and their
 *                  attributes, lookup, xattrs, symlinks, statfs
 *   remote_dir.c   the operations that change names: create, mkdir,
 *                  mknod, symlink, link, unlink, rmdir, rename
 *   remote_file.c  open files and directories, mmap and exec
 *   remote_lock.c  record locks and flock()
 */
#ifndef _OMFS_REMOTE_INT_H
#define _OMFS_REMOTE_INT_H

#include "omfs.h"
#include "remote.h"

#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/semaphore.h>
#include <openmosix/omcore.h>
#include <openmosix/omfs_wire.h>

#define OMFS_ROOT_FID		1
#define OMFS_CRED_SLOTS		16

/*
 * An identity registered with the server under the slot's id. Requests
 * that use the id hold @sem shared, so that the slot cannot be given to
 * another identity while one of them is in flight.
 */
struct omfs_cred_slot {
	struct rw_semaphore sem;
	const struct cred *cred;	/* referenced; compared by content */
	u64 capmask;
	u64 gen;			/* the session generation it is known in */
};

/* What this node knows of its session with one other node's server. */
struct omfs_session {
	u16 node;
	struct mutex lock;		/* attach and detach: id, gen, max_io, root */
	struct mutex cred_lock;		/* the cred slots and their registration */
	u64 id;				/* the server's; 0 while detached */
	u64 gen;			/* grows at every attach and detach */
	u64 link_epoch;			/* of the link ATTACH went over */
	u32 max_io;
	struct omfs_wire_attr root;	/* the attributes ATTACH answered */
	struct mutex fid_lock;		/* fids and fid_users together */
	struct xarray fids;		/* fid -> the uid it is counted to */
	struct xarray fid_users;	/* uid -> how many fids it holds */
	struct semaphore inflight;	/* the server takes OMFS_MAX_INFLIGHT */
	struct omfs_cred_slot creds[OMFS_CRED_SLOTS];
	unsigned int cred_next;		/* round robin over the slots */
};

/*
 * One request in the making: omfs_wire_req, the op's struct, its tails;
 * then, for a WRITE, maybe the pages of its data (om_rpc_call_pages()).
 * A patient one is sent by a caller that holds no lock another task may
 * wait for uninterruptibly: it waits as long as the server says it works
 * on it (om_rpc_call_start()). Any other waits timeo at most, so that no
 * task queued on such a lock nears the hung-task threshold.
 */
struct omfs_msg {
	u8 *buf;
	size_t len, cap;
	const struct iov_iter *pages;
	bool patient;
};

static inline int omfs_msg_init(struct omfs_msg *m, size_t fixed,
				size_t tails)
{
	m->cap = OMFS_WIRE_REQ_LEN + fixed + tails;
	m->len = OMFS_WIRE_REQ_LEN;
	m->pages = NULL;
	m->patient = false;
	m->buf = kvmalloc(m->cap, GFP_KERNEL);
	return m->buf ? 0 : -ENOMEM;
}

/* The next @len bytes of @m, which omfs_msg_init() sized for them. */
static inline void *omfs_msg_put(struct omfs_msg *m, size_t len)
{
	void *p = m->buf + m->len;

	m->len += len;
	return p;
}

/* A name of a request's tail: the VFS has checked it is at most NAME_MAX. */
static inline void omfs_msg_put_name(struct omfs_msg *m, const struct qstr *name)
{
	memcpy(omfs_msg_put(m, name->len), name->name, name->len);
}

static inline void omfs_msg_free(struct omfs_msg *m)
{
	kvfree(m->buf);
}

/*
 * A request in flight (omfs_inode_call_start()), which omfs_call_wait()
 * or omfs_call_cancel() ends.
 */
struct omfs_acall {
	struct om_rpc_call call;
	struct omfs_session *s;
	u64 gen;
	u8 type;
};

/* An open file or directory of another node: the server's OPEN fid. */
struct omfs_rfile {
	u32 fid;
};

static inline struct omfs_session *omfs_rsess(const struct inode *inode)
{
	return OMFS_I(inode)->remote.s;
}

static inline u32 omfs_rfid(const struct inode *inode)
{
	return OMFS_I(inode)->remote.fid;
}

static inline u64 omfs_rgen(const struct inode *inode)
{
	return OMFS_I(inode)->remote.gen;
}

/* remote.c */
int omfs_fid_alloc(struct omfs_session *s, u32 *fid);
void omfs_fid_put(struct omfs_session *s, u64 gen, u32 fid);
void omfs_fid_drop(struct omfs_session *s, u64 gen, u32 fid, int err);
void omfs_fid_unused(struct omfs_session *s, u32 fid);
struct inode *omfs_remote_inode(struct super_block *sb,
				struct omfs_session *s, u64 gen, u32 fid,
				const struct omfs_wire_attr *a);
void omfs_remote_refresh(struct inode *inode, const struct omfs_wire_attr *a);
bool omfs_same_object(const struct inode *inode,
		      const struct omfs_wire_attr *a);
int omfs_inode_call(struct inode *inode, u8 type, struct omfs_msg *m,
		    size_t max_len, struct om_rpc_resp *resp);
struct omfs_cred_slot *omfs_inode_cred_get(struct inode *inode);
void omfs_cred_put(struct omfs_cred_slot *slot);
int omfs_inode_call_start(struct inode *inode, struct omfs_cred_slot *slot,
			  u8 type, struct omfs_msg *m, size_t max_len,
			  bool nowait, struct omfs_acall *ac);
int omfs_call_wait(struct omfs_acall *ac, struct om_rpc_resp *resp);
void omfs_call_cancel(struct omfs_acall *ac);
int omfs_fid_call(struct inode *inode, u8 type, u32 fid, u32 arg,
		  size_t max_len, struct om_rpc_resp *resp);
int omfs_empty_call(struct inode *inode, u8 type, struct omfs_msg *m);
int omfs_attr_call(struct inode *inode, u8 type, struct omfs_msg *m,
		   struct omfs_wire_attr *a);
int omfs_getattr_fid(struct inode *inode, struct omfs_wire_attr *a);
struct dentry *omfs_remote_lookup(struct inode *dir, struct dentry *dentry,
				  unsigned int flags);
struct posix_acl *omfs_remote_get_acl(struct om_idmap *idmap,
				      struct dentry *dentry, int type);
int omfs_remote_set_acl(struct om_idmap *idmap, struct dentry *dentry,
			struct posix_acl *acl, int type);

/* remote_dir.c */
int omfs_remote_atomic_open(struct inode *dir, struct dentry *dentry,
			    struct file *file, unsigned int flags,
			    umode_t mode);
int omfs_remote_create(struct om_idmap *idmap, struct inode *dir,
		       struct dentry *dentry, umode_t mode, bool excl);
int omfs_remote_mkdir(struct om_idmap *idmap, struct inode *dir,
		      struct dentry *dentry, umode_t mode);
int omfs_remote_mknod(struct om_idmap *idmap, struct inode *dir,
		      struct dentry *dentry, umode_t mode, dev_t rdev);
int omfs_remote_symlink(struct om_idmap *idmap, struct inode *dir,
			struct dentry *dentry, const char *target);
int omfs_remote_link(struct dentry *old, struct inode *dir,
		     struct dentry *new);
int omfs_remote_unlink(struct inode *dir, struct dentry *dentry);
int omfs_remote_rmdir(struct inode *dir, struct dentry *dentry);
int omfs_remote_rename(struct om_idmap *idmap, struct inode *old_dir,
		       struct dentry *old, struct inode *new_dir,
		       struct dentry *new, unsigned int flags);

/* remote_file.c */
extern const struct file_operations omfs_remote_dir_fops;
extern const struct file_operations omfs_remote_file_fops;
extern const struct file_operations omfs_remote_special_fops;
extern const struct address_space_operations omfs_remote_aops;
u32 omfs_open_flags(unsigned int f_flags);
struct omfs_rfile *omfs_rfile_alloc(struct omfs_session *s);
/* Pages cached for mmap stay only while the file is unchanged. */
void omfs_revalidate_pages(struct inode *inode, u64 change);

/* remote_lock.c */
void omfs_remote_lock_init(void);
int omfs_remote_lock(struct file *file, int cmd, struct file_lock *fl);
int omfs_remote_flock(struct file *file, int cmd, struct file_lock *fl);

#endif /* _OMFS_REMOTE_INT_H */
