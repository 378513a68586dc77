/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The local backend, /mfs/<this node>/ (docs/design/omfs.md §5), as its
 * three files share it:
 *
 *   local.c       dentries, inodes and their attributes, xattrs, symlinks
 *   local_dir.c   lookup and the namespace operations
 *   local_file.c  open files and directories
 */
#ifndef _OMFS_LOCAL_H
#define _OMFS_LOCAL_H

#include "omfs.h"

/*
 * d_fsdata of a local dentry, negative ones included. Set before the
 * dentry is hashed and never changed after, so that RCU walks may read it;
 * freed a grace period after ->d_release.
 */
struct omfs_local_dentry {
	/*
	 * What the name resolves to, mounts crossed. First: d_fsdata is a
	 * struct path to those who need no more.
	 */
	struct path real;
	/*
	 * The name itself in the parent's real directory: real.dentry, or
	 * the mountpoint that real.mnt covers. It is what revalidation and
	 * the namespace operations work on.
	 */
	struct dentry *child;
	struct rcu_head rcu;
};

static inline struct omfs_local_dentry *OMFS_LD(const struct dentry *dentry)
{
	return dentry->d_fsdata;
}

static inline const struct path *omfs_local_real(const struct dentry *dentry)
{
	return &OMFS_LD(dentry)->real;
}

/*
 * The real mount of a local inode's dentry, which lends it (local.c): an
 * inode is only ever reached through its one dentry.
 */
static inline struct vfsmount *omfs_local_mnt(const struct inode *inode)
{
	return inode->i_private;
}

/* The real file behind an open local file or directory. */
static inline struct file *omfs_local_file(const struct file *file)
{
	return file->private_data;
}

/* local.c */
struct dentry *omfs_local_splice(struct dentry *dentry,
				 struct omfs_local_dentry *ld);
void omfs_local_free(struct omfs_local_dentry *ld);
struct inode *omfs_local_new_inode(struct super_block *sb,
				   const struct path *real);
void omfs_local_refresh(struct inode *inode);
bool omfs_local_noexec(const struct path *real);
int omfs_local_permission(struct om_idmap *idmap, struct inode *inode,
			  int mask);
int omfs_local_getattr(struct om_idmap *idmap, const struct path *path,
		       struct kstat *stat, u32 request_mask,
		       unsigned int flags);
int omfs_local_setattr(struct om_idmap *idmap, struct dentry *dentry,
		       struct iattr *attr);
ssize_t omfs_local_listxattr(struct dentry *dentry, char *list, size_t size);
int omfs_local_fileattr_get(struct dentry *dentry, struct fileattr *fa);
int omfs_local_fileattr_set(struct om_idmap *idmap, struct dentry *dentry,
			    struct fileattr *fa);
struct posix_acl *omfs_local_get_acl(struct om_idmap *idmap,
				     struct dentry *dentry, int type);
int omfs_local_set_acl(struct om_idmap *idmap, struct dentry *dentry,
		       struct posix_acl *acl, int type);
struct posix_acl *omfs_local_get_inode_acl(struct inode *inode, int type,
					   bool rcu);

/* local_dir.c */
extern const struct inode_operations omfs_local_dir_iops;

/* local_file.c */
extern const struct file_operations omfs_local_file_fops;
extern const struct file_operations omfs_local_special_fops;
extern const struct file_operations omfs_local_dir_fops;

#endif /* _OMFS_LOCAL_H */
