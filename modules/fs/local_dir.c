// SPDX-License-Identifier: GPL-2.0
/*
 * Names in /mfs/<this node>/: lookup, and the operations that change the
 * real directories. Each runs as the system call would without /mfs:
 * mnt_want_write() on the real mount, the real parent locked as the
 * vfs_*() helpers want it, the caller's credentials, and the real mount's
 * idmapping. The VFS has already checked the operation against our
 * dentries; what it checked must still be so in the real directory once
 * that is locked (omfs_local_locked_child()).
 */
#include "local.h"

#include <linux/namei.h>
#include <linux/slab.h>
#include <uapi/linux/omfs.h>

/*
 * Resolves @name in the real directory @dir as a path walk would: the
 * child, looked up with the real directory's search permission checked
 * for the caller, then down whatever is mounted on it. Fills @ld, which
 * the caller frees whatever this returns.
 */
static int omfs_local_resolve(const struct path *dir, const struct qstr *name,
			      struct omfs_local_dentry *ld)
{
	struct dentry *child;
	int err;

	child = lookup_one_unlocked(om_mnt_idmap(dir->mnt), name->name,
				    dir->dentry, name->len);
	if (IS_ERR(child))
		return PTR_ERR(child);
	ld->child = child;
	ld->real.mnt = mntget(dir->mnt);
	ld->real.dentry = dget(child);
	/* Automount points are not triggered, as for stat(2). */
	if (d_really_is_positive(child) && d_managed(child)) {
		err = om_follow_down(&ld->real);
		if (err)
			return err;
	}
	/* /mfs/1/mfs, or any other way back into an mfs mount. */
	if (ld->real.dentry->d_sb->s_magic == OMFS_SUPER_MAGIC)
		return -ELOOP;
	return 0;
}

/*
 * A name that does not exist gives a negative dentry that keeps the real
 * negative child, for the create that may follow. ".." never comes here:
 * the VFS walks to our own parent.
 */
static struct dentry *omfs_local_lookup(struct inode *dir,
					struct dentry *dentry,
					unsigned int flags)
{
	struct omfs_local_dentry *ld;
	int err;

	ld = kzalloc(sizeof(*ld), GFP_KERNEL);
	if (!ld)
		return ERR_PTR(-ENOMEM);
	err = omfs_local_resolve(omfs_local_real(dentry->d_parent),
				 &dentry->d_name, ld);
	if (err) {
		omfs_local_free(ld);
		return ERR_PTR(err);
	}
	return omfs_local_splice(dentry, ld);
}

/* The real directory @dentry's name is in. */
static const struct path *omfs_local_dir(const struct dentry *dentry)
{
	return omfs_local_real(dentry->d_parent);
}

/*
 * With the real directory @rpath locked: whether @dentry's real child is
 * still its name there, negative or positive as @dentry is. If something
 * changed it through the real path since our lookup, -ESTALE makes the
 * VFS look the name up again (once, with LOOKUP_REVAL) and decide anew.
 */
static int omfs_local_locked_child(const struct path *rpath,
				   struct dentry *dentry)
{
	const struct omfs_local_dentry *ld = OMFS_LD(dentry);
	struct inode *inode = d_inode(dentry);
	struct dentry *child = ld->child;
	struct dentry *now;
	int err;

	if (child->d_parent != rpath->dentry ||
	    d_really_is_negative(child) != !inode)
		return -ESTALE;
	if (inode) {
		if (d_unhashed(child))
			return -ESTALE;
		/* Across a mount the child is the mountpoint: EBUSY follows. */
		if (ld->real.dentry == child &&
		    d_inode(child) != OMFS_I(inode)->real)
			return -ESTALE;
		return 0;
	}
	if (!d_unhashed(child))
		return 0;
	/*
	 * Negative and unhashed: dropped since, or never hashed (case-
	 * insensitive directories do not keep negative dentries). It may be
	 * made only if the name is still free and no negative dentry for it
	 * is hashed now, which would go on hiding what we make.
	 */
	now = lookup_one(om_mnt_idmap(rpath->mnt), dentry->d_name.name,
			 rpath->dentry, dentry->d_name.len);
	if (IS_ERR(now))
		return PTR_ERR(now);
	err = d_really_is_positive(now) || !d_unhashed(now) ? -ESTALE : 0;
	dput(now);
	return err;
}

/*
 * Gives @dentry, whose real child was just made, its inode. Some file
 * systems leave the dentry they were given negative (and find the new
 * object on the next lookup): then so do we.
 */
static int omfs_local_instantiate(struct dentry *dentry)
{
	const struct omfs_local_dentry *ld = OMFS_LD(dentry);
	struct inode *inode;

	if (d_really_is_negative(ld->child)) {
		d_drop(dentry);
		return 0;
	}
	inode = omfs_local_new_inode(dentry->d_sb, &ld->real);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	d_instantiate(dentry, inode);
	return 0;
}

/* create, mkdir, mknod and symlink: @mode says which. */
static int omfs_local_make(struct inode *dir, struct dentry *dentry,
			   umode_t mode, dev_t rdev, const char *target,
			   bool excl)
{
	const struct path *rpath = omfs_local_dir(dentry);
	struct om_idmap *ridmap = om_mnt_idmap(rpath->mnt);
	struct inode *rdir = d_inode(rpath->dentry);
	struct dentry *child = OMFS_LD(dentry)->child;
	int err;

	err = mnt_want_write(rpath->mnt);
	if (err)
		return err;
	inode_lock_nested(rdir, I_MUTEX_PARENT);
	err = omfs_local_locked_child(rpath, dentry);
	if (err)
		goto out_unlock;
	switch (mode & S_IFMT) {
	case S_IFREG:
		err = vfs_create(ridmap, rdir, child, mode, excl);
		break;
	case S_IFDIR:
		err = vfs_mkdir(ridmap, rdir, child, mode & ~S_IFMT);
		break;
	case S_IFLNK:
		err = vfs_symlink(ridmap, rdir, child, target);
		break;
	default:
		err = vfs_mknod(ridmap, rdir, child, mode, rdev);
		break;
	}
out_unlock:
	inode_unlock(rdir);
	if (!err)
		err = omfs_local_instantiate(dentry);
	omfs_local_refresh(dir);
	mnt_drop_write(rpath->mnt);
	return err;
}

static int omfs_local_create(struct om_idmap *idmap, struct inode *dir,
			     struct dentry *dentry, umode_t mode, bool excl)
{
	return omfs_local_make(dir, dentry, (mode & ~S_IFMT) | S_IFREG, 0,
			       NULL, excl);
}

static int omfs_local_mkdir(struct om_idmap *idmap, struct inode *dir,
			    struct dentry *dentry, umode_t mode)
{
	return omfs_local_make(dir, dentry, (mode & ~S_IFMT) | S_IFDIR, 0,
			       NULL, false);
}

/* mknod(2) of a regular file comes here too, as S_IFREG. */
static int omfs_local_mknod(struct om_idmap *idmap, struct inode *dir,
			    struct dentry *dentry, umode_t mode, dev_t rdev)
{
	return omfs_local_make(dir, dentry, mode, rdev, NULL, true);
}

static int omfs_local_symlink(struct om_idmap *idmap, struct inode *dir,
			      struct dentry *dentry, const char *target)
{
	return omfs_local_make(dir, dentry, S_IFLNK | 0777, 0, target, false);
}

/*
 * Whether @dentry, in an mfs directory of ours or not, is a local one:
 * rename and link from or to another node, or /mfs itself, are EXDEV
 * (docs/design/omfs.md §8.10), as between two file systems.
 */
static bool omfs_local_ours(const struct dentry *dentry)
{
	return dentry->d_fsdata && dentry->d_parent->d_fsdata;
}

static int omfs_local_link(struct dentry *old, struct inode *dir,
			   struct dentry *dentry)
{
	const struct path *rpath = omfs_local_dir(dentry);
	struct inode *rdir = d_inode(rpath->dentry);
	struct inode *delegated = NULL;
	int err;

	/* A link never crosses a mount, a bind-mounted file's included. */
	if (!omfs_local_ours(old) || omfs_local_real(old)->mnt != rpath->mnt)
		return -EXDEV;
	err = mnt_want_write(rpath->mnt);
	if (err)
		return err;
retry:
	inode_lock_nested(rdir, I_MUTEX_PARENT);
	err = omfs_local_locked_child(rpath, dentry);
	if (!err)
		err = vfs_link(omfs_local_real(old)->dentry,
			       om_mnt_idmap(rpath->mnt), rdir,
			       OMFS_LD(dentry)->child, &delegated);
	inode_unlock(rdir);
	if (delegated) {
		err = break_deleg_wait(&delegated);
		if (!err)
			goto retry;
	}
	if (!err) {
		err = omfs_local_instantiate(dentry);
		omfs_local_refresh(d_inode(old));
	}
	omfs_local_refresh(dir);
	mnt_drop_write(rpath->mnt);
	return err;
}

/*
 * unlink and rmdir. The extra reference on the child keeps it positive
 * (d_delete() only unhashes a dentry others hold): our inode, which the
 * VFS detaches only after we return, borrows the real inode from it.
 */
static int omfs_local_remove(struct inode *dir, struct dentry *dentry,
			     bool is_dir)
{
	const struct path *rpath = omfs_local_dir(dentry);
	struct om_idmap *ridmap = om_mnt_idmap(rpath->mnt);
	struct dentry *child = dget(OMFS_LD(dentry)->child);
	struct inode *rdir = d_inode(rpath->dentry);
	struct inode *delegated = NULL;
	int err;

	err = mnt_want_write(rpath->mnt);
	if (err)
		goto out_dput;
retry:
	inode_lock_nested(rdir, I_MUTEX_PARENT);
	err = omfs_local_locked_child(rpath, dentry);
	if (!err && is_dir)
		err = vfs_rmdir(ridmap, rdir, child);
	else if (!err)
		err = vfs_unlink(ridmap, rdir, child, &delegated);
	inode_unlock(rdir);
	if (delegated) {
		err = break_deleg_wait(&delegated);
		if (!err)
			goto retry;
	}
	omfs_local_refresh(d_inode(dentry));
	omfs_local_refresh(dir);
	mnt_drop_write(rpath->mnt);
out_dput:
	dput(child);
	return err;
}

static int omfs_local_unlink(struct inode *dir, struct dentry *dentry)
{
	return omfs_local_remove(dir, dentry, false);
}

static int omfs_local_rmdir(struct inode *dir, struct dentry *dentry)
{
	return omfs_local_remove(dir, dentry, true);
}

/*
 * The flags (RENAME_NOREPLACE, _EXCHANGE, _WHITEOUT) go to the real
 * file system, which refuses those it cannot do.
 */
static int omfs_local_rename(struct om_idmap *idmap, struct inode *old_dir,
			     struct dentry *old, struct inode *new_dir,
			     struct dentry *new, unsigned int flags)
{
	const struct path *rold = omfs_local_dir(old);
	const struct path *rnew;
	struct om_idmap *ridmap = om_mnt_idmap(rold->mnt);
	struct dentry *ochild = OMFS_LD(old)->child;
	struct dentry *nchild;
	struct inode *delegated = NULL;
	struct dentry *trap;
	int err;

	if (!omfs_local_ours(new))
		return -EXDEV;
	rnew = omfs_local_dir(new);
	nchild = OMFS_LD(new)->child;
	if (rold->mnt != rnew->mnt)
		return -EXDEV;
	err = mnt_want_write(rold->mnt);
	if (err)
		return err;
retry:
	trap = lock_rename(rnew->dentry, rold->dentry);
	if (IS_ERR(trap)) {
		err = PTR_ERR(trap);
		goto out_drop;
	}
	err = omfs_local_locked_child(rold, old);
	if (!err)
		err = omfs_local_locked_child(rnew, new);
	/* The real tree's loops, which do_renameat2() checks in ours. */
	if (!err && ochild == trap)
		err = -EINVAL;
	if (!err && nchild == trap)
		err = flags & RENAME_EXCHANGE ? -EINVAL : -ENOTEMPTY;
	if (!err) {
		struct renamedata rd = {
			OM_RENAMEDATA_IDMAP(ridmap, ridmap),
			.old_dir = d_inode(rold->dentry),
			.old_dentry = ochild,
			.new_dir = d_inode(rnew->dentry),
			.new_dentry = nchild,
			.delegated_inode = &delegated,
			.flags = flags,
		};

		err = vfs_rename(&rd);
	}
	unlock_rename(rnew->dentry, rold->dentry);
	if (delegated) {
		err = break_deleg_wait(&delegated);
		if (!err)
			goto retry;
	}
	omfs_local_refresh(d_inode(old));
	if (d_really_is_positive(new))
		omfs_local_refresh(d_inode(new));
	omfs_local_refresh(old_dir);
	if (new_dir != old_dir)
		omfs_local_refresh(new_dir);
out_drop:
	mnt_drop_write(rold->mnt);
	return err;
}

const struct inode_operations omfs_local_dir_iops = {
	.lookup		= omfs_local_lookup,
	.create		= omfs_local_create,
	.link		= omfs_local_link,
	.unlink		= omfs_local_unlink,
	.symlink	= omfs_local_symlink,
	.mkdir		= omfs_local_mkdir,
	.rmdir		= omfs_local_rmdir,
	.mknod		= omfs_local_mknod,
	.rename		= omfs_local_rename,
	.permission	= omfs_local_permission,
	.getattr	= omfs_local_getattr,
	.setattr	= omfs_local_setattr,
	.listxattr	= omfs_local_listxattr,
	.fileattr_get	= omfs_local_fileattr_get,
	.fileattr_set	= omfs_local_fileattr_set,
	OM_IOP_ACL_OPS(omfs_local_get_acl, omfs_local_set_acl,
		       omfs_local_get_inode_acl)
};
