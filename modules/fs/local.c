// SPDX-License-Identifier: GPL-2.0
/*
 * /mfs/<this node>/: this node's own files, stacked over the real file
 * systems as overlayfs and ecryptfs stack over theirs, but passing
 * everything through: no data is transformed, nothing is cached between
 * system calls, and every operation runs on the real file system in the
 * caller's task, with the caller's credentials and with the real mount's
 * idmapping (docs/design/omfs.md §5).
 *
 * A local dentry carries the real path its name resolves to (struct
 * omfs_local_dentry in d_fsdata, local.h). Each positive one has an inode
 * of its own, not hashed, so that a directory reached twice (bind mounts)
 * is two directories here and never two aliases of one; identity, as
 * stat(2) reports it, is the real inode's. The inode borrows the real
 * inode and the real mount from its dentry, which holds both: a reference
 * of its own would let an mfs inode that outlives its dentry (an inotify
 * watch holds one) keep a real inode busy past the unmount of its file
 * system.
 *
 * Unused dentries are not kept (always_delete_dentry), so mfs never keeps
 * a real mount busy that local use would have left free.
 */
#include "local.h"
#include "remote.h"

#include <linux/fileattr.h>
#include <linux/fs_stack.h>
#include <linux/mount.h>
#include <linux/slab.h>
#include <linux/xattr.h>
#include <uapi/linux/omfs.h>

/* Dentries */

void omfs_local_free(struct omfs_local_dentry *ld)
{
	dput(ld->child);
	path_put(&ld->real);
	/* RCU walks may still be reading it: see omfs_local_revalidate(). */
	kfree_rcu(ld, rcu);
}

void omfs_local_release(struct dentry *dentry)
{
	omfs_local_free(OMFS_LD(dentry));
}

/*
 * Gives @dentry, which the VFS is looking up, the real path @ld (which it
 * owns from here on, on every path) and an inode if that is positive.
 * Returns what ->lookup returns.
 */
struct dentry *omfs_local_splice(struct dentry *dentry,
				 struct omfs_local_dentry *ld)
{
	struct inode *inode = NULL;

	dentry->d_fsdata = ld;		/* ->d_release frees it from now on */
	if (d_really_is_positive(ld->real.dentry)) {
		inode = omfs_local_new_inode(dentry->d_sb, &ld->real);
		if (IS_ERR(inode))
			return ERR_CAST(inode);
	}
	return d_splice_alias(inode, dentry);
}

struct dentry *omfs_local_lookup_root(struct dentry *dentry,
				      const struct path *real)
{
	struct omfs_local_dentry *ld;

	/* Mounted by a process whose root is in /mfs: /mfs/1/mfs/1/... */
	if (real->dentry->d_sb->s_magic == OMFS_SUPER_MAGIC)
		return ERR_PTR(-ELOOP);
	ld = kzalloc(sizeof(*ld), GFP_KERNEL);
	if (!ld)
		return ERR_PTR(-ENOMEM);
	ld->real = *real;
	path_get(&ld->real);
	ld->child = dget(real->dentry);
	return omfs_local_splice(dentry, ld);
}

/*
 * Whether @child is still what @dentry's name is in @rparent: hashed, a
 * child of @rparent under the same name (by the real directory's own
 * comparison, case-insensitive ones too), and positive or negative as
 * @dentry is. The two d_locks keep both names and parents from moving
 * under the comparison; both are fine to take in RCU walk.
 */
static bool omfs_local_named(struct dentry *dentry, struct dentry *rparent,
			     struct dentry *child, bool crossed)
{
	struct inode *inode;
	bool ok;

	spin_lock(&dentry->d_lock);
	spin_lock_nested(&child->d_lock, DENTRY_D_LOCK_NESTED);
	inode = d_inode(dentry);
	ok = !d_unhashed(child) && child->d_parent == rparent &&
	     d_same_name(child, rparent, &dentry->d_name) &&
	     d_really_is_negative(child) == !inode;
	/* Across a mount the child is the mountpoint, not our inode's. */
	if (ok && inode && !crossed)
		ok = d_inode(child) == READ_ONCE(OMFS_I(inode)->real);
	spin_unlock(&child->d_lock);
	spin_unlock(&dentry->d_lock);
	return ok;
}

/* Whether the mounts on @ld->child still lead to @ld->real. */
static bool omfs_local_same_mounts(const struct path *rparent,
				   const struct omfs_local_dentry *ld)
{
	struct path path = { .mnt = rparent->mnt, .dentry = ld->child };
	bool same;

	path_get(&path);
	if (d_really_is_positive(path.dentry) && d_managed(path.dentry) &&
	    om_follow_down(&path))
		same = false;
	else
		same = path_equal(&path, &ld->real);
	path_put(&path);
	return same;
}

static int omfs_local_valid(struct dentry *dentry, struct dentry *parent,
			    unsigned int flags)
{
	const struct omfs_local_dentry *pld = READ_ONCE(parent->d_fsdata);
	const struct omfs_local_dentry *ld = OMFS_LD(dentry);
	struct dentry *child = ld->child;
	bool crossed = ld->real.dentry != child;
	int ret;

	/* A node directory: the export root, which no one renames. */
	if (!pld)
		return 1;
	if (!omfs_local_named(dentry, pld->real.dentry, child, crossed))
		return 0;
	if (child->d_flags & DCACHE_OP_REVALIDATE) {
		if (flags & LOOKUP_RCU)
			return -ECHILD;
		ret = child->d_op->d_revalidate(child, flags);
		if (ret <= 0)
			return ret;
	}
	/* Mounted on, or unmounted, since: only a ref-walk can tell. */
	if (!crossed && !d_managed(child))
		return 1;
	if (flags & LOOKUP_RCU)
		return -ECHILD;
	return omfs_local_same_mounts(&pld->real, ld);
}

int omfs_local_revalidate(struct dentry *dentry, unsigned int flags)
{
	struct dentry *parent;
	int ret;

	if (flags & LOOKUP_RCU) {
		/*
		 * Both dentries' d_fsdata and their children outlive the
		 * walk: they are freed after a grace period.
		 */
		return omfs_local_valid(dentry, READ_ONCE(dentry->d_parent),
					flags);
	}
	parent = dget_parent(dentry);
	ret = omfs_local_valid(dentry, parent, flags);
	dput(parent);
	if (ret > 0 && d_really_is_positive(dentry))
		omfs_local_refresh(d_inode(dentry));
	return ret;
}

/* Inodes */

/*
 * A real mount whose set-user-ID bits and file capabilities an exec must
 * not honour (mnt_may_suid(), not exported, less its namespace test). An
 * exec through /mfs looks at mfs's own mount only, so the bits are kept
 * out of our inodes and the capabilities out of our xattrs instead.
 */
static bool omfs_local_nosuid(const struct vfsmount *mnt)
{
	return (mnt->mnt_flags & MNT_NOSUID) ||
	       mnt->mnt_sb->s_user_ns != &init_user_ns;
}

/* path_noexec(), which is not exported. */
bool omfs_local_noexec(const struct path *real)
{
	return (real->mnt->mnt_flags & MNT_NOEXEC) ||
	       (real->mnt->mnt_sb->s_iflags & SB_I_NOEXEC);
}

/*
 * Copies the real inode's attributes into @inode, for the VFS checks that
 * look at our inode (sticky directories, append-only and immutable files,
 * the mode exec runs with). fsstack_copy_attr_all() would do, but for the
 * set-ID bits, which must never be seen in @inode even for an instant on
 * a nosuid mount, and for the flags that would make the VFS treat our
 * inode as an automount point or a DAX file.
 */
void omfs_local_refresh(struct inode *inode)
{
	struct inode *real = OMFS_I(inode)->real;
	umode_t mode = READ_ONCE(real->i_mode);

	if (S_ISREG(mode) && omfs_local_nosuid(omfs_local_mnt(inode)))
		mode &= ~(S_ISUID | S_ISGID);
	/* Serialises refreshes: set_nlink() counts what it does. */
	spin_lock(&inode->i_lock);
	inode->i_mode = mode;
	inode->i_uid = real->i_uid;
	inode->i_gid = real->i_gid;
	inode->i_rdev = real->i_rdev;
	inode->i_blkbits = real->i_blkbits;
	inode->i_flags = READ_ONCE(real->i_flags) & ~(S_AUTOMOUNT | S_DAX);
	if (inode->i_nlink != READ_ONCE(real->i_nlink))
		set_nlink(inode, READ_ONCE(real->i_nlink));
	fsstack_copy_attr_times(inode, real);
	spin_unlock(&inode->i_lock);
	fsstack_copy_inode_size(inode, real);
}

static const struct inode_operations omfs_local_file_iops;
static const struct inode_operations omfs_local_symlink_iops;

/* A new inode for the positive real path @real of a dentry being made. */
struct inode *omfs_local_new_inode(struct super_block *sb,
				   const struct path *real)
{
	struct inode *rinode = d_inode(real->dentry);
	struct inode *inode;

	inode = omfs_new_inode(sb, OMFS_I_LOCAL, rinode->i_mode & S_IFMT);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	/* Borrowed from the dentry's d_fsdata: see the top of this file. */
	OMFS_I(inode)->real = rinode;
	inode->i_private = real->mnt;
	inode->i_ino = rinode->i_ino;
	/* ACLs are the real file system's to cache. */
	om_inode_acl_uncached(inode);
	switch (rinode->i_mode & S_IFMT) {
	case S_IFDIR:
		inode->i_op = &omfs_local_dir_iops;
		inode->i_fop = &omfs_local_dir_fops;
		break;
	case S_IFLNK:
		inode->i_op = &omfs_local_symlink_iops;
		break;
	case S_IFREG:
		inode->i_op = &omfs_local_file_iops;
		inode->i_fop = &omfs_local_file_fops;
		break;
	default:
		/*
		 * Not init_special_inode(): opening a device, FIFO or socket
		 * opens the real one, so that a FIFO has one pipe and a
		 * terminal one tty whichever path opened it.
		 */
		inode->i_op = &omfs_local_file_iops;
		inode->i_fop = &omfs_local_special_fops;
		break;
	}
	omfs_local_refresh(inode);
	return inode;
}

void omfs_local_evict(struct inode *inode)
{
	/* RCU walks may call ->permission until the inode is freed. */
	WRITE_ONCE(OMFS_I(inode)->real, NULL);
}

/* Attributes */

int omfs_local_permission(struct om_idmap *idmap, struct inode *inode,
			  int mask)
{
	struct inode *real = READ_ONCE(OMFS_I(inode)->real);

	if (!real)		/* evicted under an RCU walk */
		return mask & MAY_NOT_BLOCK ? -ECHILD : -ESTALE;
	return inode_permission(om_mnt_idmap(omfs_local_mnt(inode)), real, mask);
}

/* The real st_dev and st_ino: to cp, tar and find it is the same file. */
int omfs_local_getattr(struct om_idmap *idmap, const struct path *path,
		       struct kstat *stat, u32 request_mask,
		       unsigned int flags)
{
	int err;

	err = om_getattr_real(omfs_local_real(path->dentry), stat,
			      request_mask, flags);
	if (!err)
		omfs_local_refresh(d_inode(path->dentry));
	return err;
}

/*
 * @attr, which the VFS made for our inode, made for the real one. Which
 * privileges a change removes is the real inode's question: our mode may
 * lack the set-ID bits, and notify_change() has already turned them into
 * an ATTR_MODE that the real notify_change() would refuse beside the
 * ATTR_KILL_* it came from. So the mode it made goes, and chown and
 * truncate ask again, as chown_common() and do_truncate() do.
 */
static void omfs_local_real_iattr(struct iattr *ra, struct inode *rinode,
				  struct om_idmap *ridmap)
{
	int kill;

	if (ra->ia_valid & ATTR_FILE)
		ra->ia_file = omfs_local_file(ra->ia_file);
	if (ra->ia_valid & (ATTR_KILL_SUID | ATTR_KILL_SGID))
		ra->ia_valid &= ~ATTR_MODE;
	if (ra->ia_valid & ATTR_MODE)
		return;			/* chmod: it removes nothing */
	if ((ra->ia_valid & (ATTR_UID | ATTR_GID)) && !S_ISDIR(rinode->i_mode))
		ra->ia_valid |= ATTR_KILL_SUID | ATTR_KILL_PRIV |
				setattr_should_drop_sgid(ridmap, rinode);
	if (ra->ia_valid & ATTR_SIZE) {
		kill = setattr_should_drop_suidgid(ridmap, rinode);
		if (kill)
			ra->ia_valid |= kill | ATTR_FORCE;
		ra->ia_valid |= ATTR_KILL_PRIV;
	}
}

static int omfs_local_notify_change(const struct path *real,
				    const struct iattr *attr)
{
	struct om_idmap *ridmap = om_mnt_idmap(real->mnt);
	struct inode *rinode = d_inode(real->dentry);
	struct inode *delegated = NULL;
	struct iattr ra;
	int err;

	err = mnt_want_write(real->mnt);
	if (err)
		return err;
	/* O_TRUNC of a file being executed: ETXTBSY, as handle_truncate(). */
	if (attr->ia_valid & ATTR_SIZE) {
		err = get_write_access(rinode);
		if (err)
			goto out_drop;
	}
retry:
	ra = *attr;
	inode_lock(rinode);
	omfs_local_real_iattr(&ra, rinode, ridmap);
	err = notify_change(ridmap, real->dentry, &ra, &delegated);
	inode_unlock(rinode);
	if (delegated) {
		err = break_deleg_wait(&delegated);
		if (!err)
			goto retry;
	}
	if (attr->ia_valid & ATTR_SIZE)
		put_write_access(rinode);
out_drop:
	mnt_drop_write(real->mnt);
	return err;
}

/*
 * Called by notify_change() with our inode locked. truncate(2) becomes
 * vfs_truncate() of the real path, which has the real file system's own
 * checks, lease breaking, LSM path hook and privilege removal; with a
 * file (O_TRUNC, ftruncate) the size is set through the real file.
 */
int omfs_local_setattr(struct om_idmap *idmap, struct dentry *dentry,
		       struct iattr *attr)
{
	const struct path *real = omfs_local_real(dentry);
	int err;

	if ((attr->ia_valid & (ATTR_SIZE | ATTR_FILE)) == ATTR_SIZE)
		err = vfs_truncate(real, attr->ia_size);
	else
		err = omfs_local_notify_change(real, attr);
	omfs_local_refresh(d_inode(dentry));
	return err;
}

/* lsattr and chattr; -ENOIOCTLCMD lets the ioctl reach the real file. */
int omfs_local_fileattr_get(struct dentry *dentry, struct fileattr *fa)
{
	return vfs_fileattr_get(omfs_local_real(dentry)->dentry, fa);
}

int omfs_local_fileattr_set(struct om_idmap *idmap, struct dentry *dentry,
			    struct fileattr *fa)
{
	const struct path *real = omfs_local_real(dentry);
	int err;

	err = mnt_want_write(real->mnt);
	if (err)
		return err;
	err = vfs_fileattr_set(om_mnt_idmap(real->mnt), real->dentry, fa);
	mnt_drop_write(real->mnt);
	omfs_local_refresh(d_inode(dentry));
	return err;
}

static int omfs_local_fiemap(struct inode *inode,
			     struct fiemap_extent_info *fieinfo,
			     u64 start, u64 len)
{
	struct inode *real = OMFS_I(inode)->real;

	if (!real->i_op->fiemap)
		return -EOPNOTSUPP;
	return real->i_op->fiemap(real, fieinfo, start, len);
}

/* Symlinks */

static const char *omfs_local_get_link(struct dentry *dentry,
				       struct inode *inode,
				       struct delayed_call *done)
{
	struct inode *real;
	const char *link;

	if (dentry)
		return vfs_get_link(omfs_local_real(dentry)->dentry, done);
	/*
	 * RCU walk. A body the real inode keeps (fast symlinks) is freed
	 * with that inode, after a grace period: it can be followed now;
	 * anything else needs the real ->get_link, which may sleep.
	 */
	real = READ_ONCE(OMFS_I(inode)->real);
	link = real ? READ_ONCE(real->i_link) : NULL;
	return link ?: ERR_PTR(-ECHILD);
}

/*
 * readlink(2) asks the real file system, whose own ->readlink (proc's
 * magic links) needs no path walk in progress, unlike its ->get_link.
 */
static int omfs_local_readlink(struct dentry *dentry, char __user *buf,
			       int len)
{
	const struct path *real = omfs_local_real(dentry);
	int ret;

	ret = vfs_readlink(real->dentry, buf, len);
	if (ret >= 0)
		touch_atime(real);
	return ret;
}

/* xattrs and ACLs */

ssize_t omfs_local_listxattr(struct dentry *dentry, char *list, size_t size)
{
	return vfs_listxattr(omfs_local_real(dentry)->dentry, list, size);
}

/*
 * The one handler of sb->s_xattr: every name, whatever its namespace,
 * goes to the real file, whose file system and LSMs decide as they would
 * without /mfs. Remote inodes answer reads from their node.
 */
static int omfs_local_xattr_get(const struct xattr_handler *handler,
				struct dentry *dentry, struct inode *inode,
				const char *name, void *buffer, size_t size)
{
	const struct path *real;

	if (OMFS_I(inode)->kind == OMFS_I_REMOTE)
		return omfs_remote_getxattr(inode, name, buffer, size);
	if (OMFS_I(inode)->kind != OMFS_I_LOCAL || !dentry || !dentry->d_fsdata)
		return -EOPNOTSUPP;
	real = omfs_local_real(dentry);
	if (omfs_local_nosuid(real->mnt) && !strcmp(name, XATTR_NAME_CAPS))
		return -ENODATA;	/* see omfs_local_nosuid() */
	return vfs_getxattr(om_mnt_idmap(real->mnt), real->dentry, name,
			    buffer, size);
}

/* @value NULL: removexattr (an empty value is "", see __vfs_setxattr()). */
static int omfs_local_xattr_set(const struct xattr_handler *handler,
				struct om_idmap *idmap, struct dentry *dentry,
				struct inode *inode, const char *name,
				const void *value, size_t size, int flags)
{
	const struct path *real;
	int err;

	if (OMFS_I(inode)->kind == OMFS_I_REMOTE)
		return omfs_remote_setxattr(inode, name, value, size, flags);
	if (OMFS_I(inode)->kind != OMFS_I_LOCAL || !dentry->d_fsdata)
		return -EOPNOTSUPP;
	real = omfs_local_real(dentry);
	err = mnt_want_write(real->mnt);
	if (err)
		return err;
	err = om_setxattr(om_mnt_idmap(real->mnt), real->dentry, name, value,
			  size, flags);
	mnt_drop_write(real->mnt);
	omfs_local_refresh(inode);
	return err;
}

static const struct xattr_handler omfs_local_xattr_handler = {
	.prefix	= "",
	.get	= omfs_local_xattr_get,
	.set	= omfs_local_xattr_set,
};

const struct xattr_handler *omfs_local_xattr_handlers[] = {
	&omfs_local_xattr_handler,
	NULL
};

/* ->get_acl and ->set_acl: from 6.2 only (OM_IOP_ACL_OPS). */
struct posix_acl *omfs_local_get_acl(struct om_idmap *idmap,
				     struct dentry *dentry, int type)
{
	const struct path *real = omfs_local_real(dentry);
	struct posix_acl *acl;

	acl = om_vfs_get_acl(om_mnt_idmap(real->mnt), real->dentry,
			     omfs_acl_name(type));
	return acl == ERR_PTR(-ENODATA) ? NULL : acl;
}

int omfs_local_set_acl(struct om_idmap *idmap, struct dentry *dentry,
		       struct posix_acl *acl, int type)
{
	const struct path *real = omfs_local_real(dentry);
	const char *name = omfs_acl_name(type);
	int err;

	err = mnt_want_write(real->mnt);
	if (err)
		return err;
	if (acl)
		err = om_vfs_set_acl(om_mnt_idmap(real->mnt), real->dentry,
				     name, acl);
	else
		err = om_vfs_remove_acl(om_mnt_idmap(real->mnt), real->dentry,
					name);
	mnt_drop_write(real->mnt);
	omfs_local_refresh(d_inode(dentry));
	return err;
}

/*
 * For the VFS's own permission checks, which ours replaces: no one asks,
 * but an uncached ACL must have the method.
 */
struct posix_acl *omfs_local_get_inode_acl(struct inode *inode, int type,
					   bool rcu)
{
	struct inode *real = READ_ONCE(OMFS_I(inode)->real);

	if (rcu || !real)
		return ERR_PTR(-ECHILD);
	return om_get_inode_acl(real, type);
}

/* The real file system's figures, its f_type included. */
int omfs_local_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	return vfs_statfs(omfs_local_real(dentry), buf);
}

/* Regular files, devices, FIFOs and sockets. */
static const struct inode_operations omfs_local_file_iops = {
	.permission	= omfs_local_permission,
	.getattr	= omfs_local_getattr,
	.setattr	= omfs_local_setattr,
	.listxattr	= omfs_local_listxattr,
	.fiemap		= omfs_local_fiemap,
	.fileattr_get	= omfs_local_fileattr_get,
	.fileattr_set	= omfs_local_fileattr_set,
	OM_IOP_ACL_OPS(omfs_local_get_acl, omfs_local_set_acl,
		       omfs_local_get_inode_acl)
};

static const struct inode_operations omfs_local_symlink_iops = {
	.get_link	= omfs_local_get_link,
	.readlink	= omfs_local_readlink,
	.permission	= omfs_local_permission,
	.getattr	= omfs_local_getattr,
	.setattr	= omfs_local_setattr,
	.listxattr	= omfs_local_listxattr,
};
