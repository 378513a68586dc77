/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VFS as the target kernels differ in it, for omfs. Fed by the probes
 * of Kbuild.probes; the .c files write one API:
 *
 *   struct om_idmap *       what inode operations, vfs_* helpers and
 *                           xattr handlers take (mnt_idmap / user_namespace)
 *   om_mnt_idmap(mnt)       a mount's idmap
 *   OM_NOP_IDMAP            the identity idmap
 */
#ifndef _OM_COMPAT_VFS_H
#define _OM_COMPAT_VFS_H

#include <linux/fs.h>
#include <linux/iversion.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/posix_acl.h>
#include <linux/posix_acl_xattr.h>
#include <linux/splice.h>
#include <linux/stat.h>
#include <linux/xattr.h>
#ifdef OM_HAVE_FILE_LOCK_CORE
#include <linux/filelock.h>
#endif

#ifdef OM_HAVE_MNT_IDMAP
#include <linux/mnt_idmapping.h>
#define om_idmap		mnt_idmap
#define om_mnt_idmap(mnt)	mnt_idmap(mnt)
#define OM_NOP_IDMAP		(&nop_mnt_idmap)
#define OM_RENAMEDATA_IDMAP(o, n) .old_mnt_idmap = (o), .new_mnt_idmap = (n)
#else
#include <linux/user_namespace.h>
#define om_idmap		user_namespace
#define om_mnt_idmap(mnt)	mnt_user_ns(mnt)
#define OM_NOP_IDMAP		(&init_user_ns)
#define OM_RENAMEDATA_IDMAP(o, n) .old_mnt_userns = (o), .new_mnt_userns = (n)
#endif

static inline int om_follow_down(struct path *path)
{
#ifdef OM_HAVE_FOLLOW_DOWN_FLAGS
	return follow_down(path, 0);
#else
	return follow_down(path);
#endif
}

static inline void om_generic_fillattr(struct inode *inode, u32 request_mask,
				       struct kstat *stat)
{
#ifdef OM_HAVE_FILLATTR_MASK
	generic_fillattr(OM_NOP_IDMAP, request_mask, inode, stat);
#else
	generic_fillattr(OM_NOP_IDMAP, inode, stat);
#endif
}

/* A new synthetic inode's times: now. */
static inline void om_inode_init_ts(struct inode *inode)
{
#ifdef OM_HAVE_INODE_TIME_ACCESSORS
	simple_inode_init_ts(inode);
#else
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time(inode);
#endif
}

/* An inode's times as another node reported them. */
static inline void om_inode_set_times(struct inode *inode,
				      struct timespec64 atime,
				      struct timespec64 mtime,
				      struct timespec64 ctime)
{
#ifdef OM_HAVE_INODE_TIME_ACCESSORS
	inode_set_atime_to_ts(inode, atime);
	inode_set_mtime_to_ts(inode, mtime);
#else
	inode->i_atime = atime;
	inode->i_mtime = mtime;
#endif
	inode_set_ctime_to_ts(inode, ctime);
}

#ifdef OM_HAVE_COPY_SPLICE_READ
#define OM_SPLICE_READ		copy_splice_read
#else
#define OM_SPLICE_READ		generic_file_splice_read
#endif

static inline void om_vm_flags_clear(struct vm_area_struct *vma,
				     vm_flags_t flags)
{
#ifdef OM_HAVE_VM_FLAGS_SET
	vm_flags_clear(vma, flags);
#else
	vma->vm_flags &= ~flags;
#endif
}

/* struct file_lock's common fields, which 6.9 moved into file_lock_core. */
#ifdef OM_HAVE_FILE_LOCK_CORE
#define om_fl_owner(fl)		((fl)->c.flc_owner)
#define om_fl_type(fl)		((fl)->c.flc_type)
#define om_fl_flags(fl)		((fl)->c.flc_flags)
#define om_fl_file(fl)		((fl)->c.flc_file)
#define om_fl_pid(fl)		((fl)->c.flc_pid)
#else
#define om_fl_owner(fl)		((fl)->fl_owner)
#define om_fl_type(fl)		((fl)->fl_type)
#define om_fl_flags(fl)		((fl)->fl_flags)
#define om_fl_file(fl)		((fl)->fl_file)
#define om_fl_pid(fl)		((fl)->fl_pid)
#endif

/*
 * ->getattr of a stacked inode, asked of the real path. From 6.7
 * vfs_getattr_nosec() passes AT_GETATTR_NOSEC down to ->getattr, and
 * vfs_getattr() refuses it with a warning.
 */
static inline int om_getattr_real(const struct path *path, struct kstat *stat,
				  u32 request_mask, unsigned int flags)
{
#ifdef OM_HAVE_GETATTR_NOSEC
	if (flags & AT_GETATTR_NOSEC)
		return vfs_getattr_nosec(path, stat, request_mask, flags);
#endif
	return vfs_getattr(path, stat, request_mask, flags);
}

/*
 * vfs_iocb_iter_write() on a file that is not ours (the real file of a
 * stacked one): freeze protection is the caller's job before 6.7.
 */
static inline ssize_t om_iocb_iter_write(struct file *file, struct kiocb *iocb,
					 struct iov_iter *iter)
{
	ssize_t ret;

#ifdef OM_HAVE_ITER_WRITE_FREEZE
	ret = vfs_iocb_iter_write(file, iocb, iter);
#else
	file_start_write(file);
	ret = vfs_iocb_iter_write(file, iocb, iter);
	file_end_write(file);
#endif
	return ret;
}

/*
 * POSIX ACLs. From 6.2 the VFS hands the ACL xattrs to ->get_acl and
 * ->set_acl instead of the superblock's xattr handlers; a stacked file
 * system forwards them with vfs_get_acl() and friends. Before, the
 * handlers see them like any other name, and these inode operations are
 * left out.
 */
#ifdef OM_HAVE_VFS_GET_ACL
#define OM_IOP_ACL_OPS(get, set, get_inode) \
	.get_acl = (get), .set_acl = (set), .get_inode_acl = (get_inode),
#define om_vfs_get_acl		vfs_get_acl
#define om_vfs_set_acl		vfs_set_acl
#define om_vfs_remove_acl	vfs_remove_acl
#define om_get_inode_acl	get_inode_acl

/* @inode's ACLs are asked of its ->get_acl every time, never cached. */
static inline void om_inode_acl_uncached(struct inode *inode)
{
#ifdef CONFIG_FS_POSIX_ACL
	inode->i_acl = ACL_DONT_CACHE;
	inode->i_default_acl = ACL_DONT_CACHE;
#endif
}
#else
#define OM_IOP_ACL_OPS(get, set, get_inode)

static inline void om_inode_acl_uncached(struct inode *inode)
{
}

static inline struct posix_acl *om_get_inode_acl(struct inode *inode, int type)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static inline struct posix_acl *om_vfs_get_acl(struct om_idmap *idmap,
					       struct dentry *dentry,
					       const char *name)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static inline int om_vfs_set_acl(struct om_idmap *idmap, struct dentry *dentry,
				 const char *name, struct posix_acl *acl)
{
	return -EOPNOTSUPP;
}

static inline int om_vfs_remove_acl(struct om_idmap *idmap,
				    struct dentry *dentry, const char *name)
{
	return -EOPNOTSUPP;
}
#endif

/*
 * Any xattr of a real file, as bytes, for the server. From 6.2 an ACL's
 * name is no xattr to vfs_getxattr() and the rest (EOPNOTSUPP), but an
 * ACL, which vfs_get_acl() and posix_acl_to_xattr() make the same bytes
 * of (ids of init_user_ns, as the server's callers all have).
 */
#ifdef OM_HAVE_VFS_GET_ACL
static inline ssize_t om_getxattr(struct om_idmap *idmap, struct dentry *dentry,
				  const char *name, void *value, size_t size)
{
	struct posix_acl *acl;
	ssize_t n;

	if (!is_posix_acl_xattr(name))
		return vfs_getxattr(idmap, dentry, name, value, size);
	acl = vfs_get_acl(idmap, dentry, name);
	if (IS_ERR(acl))
		return PTR_ERR(acl);
	if (!acl)
		return -ENODATA;
	n = posix_acl_xattr_size(acl->a_count);
	if (size)
		n = size < n ? -ERANGE :
		    posix_acl_to_xattr(&init_user_ns, acl, value, size);
	posix_acl_release(acl);
	return n;
}

/* @value NULL: removexattr. An ACL's flags (XATTR_CREATE...) mean nothing. */
static inline int om_setxattr(struct om_idmap *idmap, struct dentry *dentry,
			      const char *name, const void *value, size_t size,
			      int flags)
{
	struct posix_acl *acl;
	int err;

	if (!is_posix_acl_xattr(name))
		return value ? vfs_setxattr(idmap, dentry, name, value, size,
					    flags) :
			       vfs_removexattr(idmap, dentry, name);
	if (!value)
		return vfs_remove_acl(idmap, dentry, name);
	acl = posix_acl_from_xattr(&init_user_ns, value, size);
	if (IS_ERR(acl))
		return PTR_ERR(acl);
	err = vfs_set_acl(idmap, dentry, name, acl);
	posix_acl_release(acl);
	return err;
}
#else
static inline ssize_t om_getxattr(struct om_idmap *idmap, struct dentry *dentry,
				  const char *name, void *value, size_t size)
{
	return vfs_getxattr(idmap, dentry, name, value, size);
}

/* 6.1's vfs_setxattr() takes a value it does not write to as non-const. */
static inline int om_setxattr(struct om_idmap *idmap, struct dentry *dentry,
			      const char *name, const void *value, size_t size,
			      int flags)
{
	return value ? vfs_setxattr(idmap, dentry, name, (void *)value, size,
				    flags) :
		       vfs_removexattr(idmap, dentry, name);
}
#endif

/*
 * What a getattr for a change cookie asks for, and the cookie: one that
 * changes whenever the file's data or metadata does (docs/design/omfs.md
 * §7.5). The file system's own when it reports one (6.3's kstat
 * change_cookie), else the inode's i_version, else ctime mixed with size.
 */
#ifdef OM_HAVE_KSTAT_CHANGE_COOKIE
#define OM_STATX_CHANGE_COOKIE	STATX_CHANGE_COOKIE
#else
#define OM_STATX_CHANGE_COOKIE	0
#endif

static inline u64 om_change_cookie(const struct kstat *st, struct inode *inode)
{
#ifdef OM_HAVE_KSTAT_CHANGE_COOKIE
	if (st->result_mask & STATX_CHANGE_COOKIE)
		return st->change_cookie;
#endif
	if (IS_I_VERSION(inode))
		return inode_query_iversion(inode);
	return ((u64)st->ctime.tv_sec * NSEC_PER_SEC + st->ctime.tv_nsec) ^
	       rol64(st->size, 32);
}

#endif /* _OM_COMPAT_VFS_H */
