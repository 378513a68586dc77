// SPDX-License-Identifier: GPL-2.0
/*
 * The server's requests on names and attributes (docs/design/omfs.md §7.5):
 * each runs in a server thread under the requester's identity.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "srv_int.h"

#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs_struct.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/statfs.h>
#include <linux/uio.h>
#include <linux/xattr.h>
#include <uapi/linux/omfs.h>

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

int omfs_srv_rx_lookup(struct om_rpc_req *req)
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

int omfs_srv_rx_getattr(struct om_rpc_req *req)
{
	return omfs_srv_rx_fid(req, OMFS_WT_GETATTR, omfs_srv_exec_getattr,
			       OMFS_FID_ANY);
}

int omfs_srv_rx_access(struct om_rpc_req *req)
{
	return omfs_srv_rx_fid(req, OMFS_WT_ACCESS, omfs_srv_exec_access,
			       OMFS_FID_ANY);
}

int omfs_srv_rx_readlink(struct om_rpc_req *req)
{
	return omfs_srv_rx_fid(req, OMFS_WT_READLINK, omfs_srv_exec_readlink,
			       OMFS_FID_ANY);
}

int omfs_srv_rx_statfs(struct om_rpc_req *req)
{
	return omfs_srv_rx_fid(req, OMFS_WT_STATFS, omfs_srv_exec_statfs,
			       OMFS_FID_ANY);
}

int omfs_srv_rx_listxattr(struct om_rpc_req *req)
{
	return omfs_srv_rx_fid(req, OMFS_WT_LISTXATTR, omfs_srv_exec_listxattr,
			       OMFS_FID_ANY);
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

int omfs_srv_rx_setattr(struct om_rpc_req *req)
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

int omfs_srv_rx_mkdir(struct om_rpc_req *req)
{
	return omfs_srv_rx_name(req, OMFS_WT_MKDIR, omfs_srv_exec_mkdir);
}

int omfs_srv_rx_mknod(struct om_rpc_req *req)
{
	return omfs_srv_rx_name(req, OMFS_WT_MKNOD, omfs_srv_exec_mknod);
}

int omfs_srv_rx_symlink(struct om_rpc_req *req)
{
	return omfs_srv_rx_name(req, OMFS_WT_SYMLINK, omfs_srv_exec_symlink);
}

int omfs_srv_rx_link(struct om_rpc_req *req)
{
	return omfs_srv_rx_name(req, OMFS_WT_LINK, omfs_srv_exec_link);
}

int omfs_srv_rx_unlink(struct om_rpc_req *req)
{
	return omfs_srv_rx_name(req, OMFS_WT_UNLINK, omfs_srv_exec_unlink);
}

int omfs_srv_rx_rmdir(struct om_rpc_req *req)
{
	return omfs_srv_rx_name(req, OMFS_WT_RMDIR, omfs_srv_exec_rmdir);
}

/* The names stay in the payload: lookup_one() takes their lengths. */
int omfs_srv_rx_rename(struct om_rpc_req *req)
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
		n = om_getxattr(om_mnt_idmap(w->fid->path.mnt), dentry,
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

int omfs_srv_rx_getxattr(struct om_rpc_req *req)
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
		err = om_setxattr(idmap, path->dentry, w->name,
				  w->tails[1].data ?: (const u8 *)"",
				  w->tails[1].len,
				  omfs_srv_xattr_flags(w->a.xattr.size_or_flags));
	else
		err = om_setxattr(idmap, path->dentry, w->name, NULL, 0, 0);
	mnt_drop_write(path->mnt);
	return err;
}

int omfs_srv_rx_setxattr(struct om_rpc_req *req)
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

int omfs_srv_rx_removexattr(struct om_rpc_req *req)
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

