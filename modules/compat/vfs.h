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
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/splice.h>
#include <linux/stat.h>
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

#ifdef OM_HAVE_COPY_SPLICE_READ
#define OM_SPLICE_READ		copy_splice_read
#else
#define OM_SPLICE_READ		generic_file_splice_read
#endif

/* Write through the iterator of a file that is not ours (the real file of
 * a stacked one): freeze protection is the caller's job before 6.7. */
static inline ssize_t om_iter_write(struct file *file, struct iov_iter *iter,
				    loff_t *pos, rwf_t flags)
{
	ssize_t ret;

#ifdef OM_HAVE_ITER_WRITE_FREEZE
	ret = vfs_iter_write(file, iter, pos, flags);
#else
	file_start_write(file);
	ret = vfs_iter_write(file, iter, pos, flags);
	file_end_write(file);
#endif
	return ret;
}

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
#define om_fl_pid(fl)		((fl)->c.flc_pid)
#define om_fl_file(fl)		((fl)->c.flc_file)
#else
#define om_fl_owner(fl)		((fl)->fl_owner)
#define om_fl_type(fl)		((fl)->fl_type)
#define om_fl_flags(fl)		((fl)->fl_flags)
#define om_fl_pid(fl)		((fl)->fl_pid)
#define om_fl_file(fl)		((fl)->fl_file)
#endif

#endif /* _OM_COMPAT_VFS_H */
