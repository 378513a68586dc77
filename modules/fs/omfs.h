/* SPDX-License-Identifier: GPL-2.0 */
/*
 * omfs: the mfs cluster file system. What the parts of the module share.
 *
 *   super.c   file system type, mount options, superblock, inodes
 *   root.c    the synthetic root: one directory per node of the map and
 *             the per-process links here, home, magic, lastexec, selected
 *   task.c    per-process state (`selected`), inherited across fork
 *   local.c   /mfs/<this node>/: stacked over this node's own file system
 *   remote.c  /mfs/<other node>/: the client of that node's server
 *   srv.c     the server of this node's files to the other nodes
 *
 * Every dentry below a node directory belongs to the backend of that node.
 * Dentries of the local backend carry their real path in d_fsdata; the
 * root and its synthetic children carry none.
 */
#ifndef _OMFS_H
#define _OMFS_H

#include "../compat/vfs.h"

#include <linux/fs.h>
#include <linux/path.h>
#include <linux/posix_acl_xattr.h>
#include <linux/types.h>

struct omfs_mount_opts {
	bool dfsa;		/* migrated processes may do their I/O here */
	unsigned int timeo;	/* seconds a remote request may stay silent */
};

struct omfs_sb_info {
	struct omfs_mount_opts opts;
	/* This node's "/" as /mfs/<self>/ shows it: the mounter's root. */
	struct path export_root;
};

static inline struct omfs_sb_info *OMFS_SB(const struct super_block *sb)
{
	return sb->s_fs_info;
}

enum omfs_inode_kind {
	OMFS_I_ROOT,		/* /mfs */
	OMFS_I_LINK,		/* /mfs/here, ...: omfs_inode.link */
	OMFS_I_NODE,		/* /mfs/<id> of a node not reached: .down */
	OMFS_I_LOCAL,		/* stacked over .real */
	OMFS_I_REMOTE,		/* an object on another node: .remote */
};

struct omfs_session;

struct omfs_remote_inode {
	struct omfs_session *s;
	u64 gen;		/* the session generation .fid belongs to */
	u32 fid;
	u32 sgen;		/* the server's i_generation */
	u64 sdev, sino;		/* the server's st_dev and st_ino */
	u64 change;		/* change cookie the cached pages are of */
};

enum omfs_link {
	OMFS_LINK_HERE,
	OMFS_LINK_HOME,
	OMFS_LINK_MAGIC,
	OMFS_LINK_LASTEXEC,
	OMFS_LINK_SELECTED,
	OMFS_NR_LINKS,
};

struct omfs_inode {
	enum omfs_inode_kind kind;
	union {
		enum omfs_link link;	/* OMFS_I_LINK */
		struct {		/* OMFS_I_NODE */
			u16 node;
			int err;	/* why it was not reached */
		} down;
		struct inode *real;	/* OMFS_I_LOCAL: borrowed from the dentry (local.h) */
		struct omfs_remote_inode remote;	/* OMFS_I_REMOTE */
	};
	struct inode vfs;
};

static inline struct omfs_inode *OMFS_I(const struct inode *inode)
{
	return container_of(inode, struct omfs_inode, vfs);
}

/* super.c */
int omfs_super_init(void);
void omfs_super_exit(void);
struct inode *omfs_new_inode(struct super_block *sb,
			     enum omfs_inode_kind kind, umode_t mode);
extern const struct dentry_operations omfs_dentry_ops;

/* root.c */
extern const struct inode_operations omfs_root_iops;
extern const struct file_operations omfs_root_fops;
int omfs_node_revalidate(struct dentry *dentry, unsigned int flags);

/* /mfs/<id>: a child of the root (whose own parent is itself). */
static inline bool omfs_is_node_dir(const struct dentry *dentry)
{
	return dentry->d_parent == dentry->d_sb->s_root && !IS_ROOT(dentry);
}

/* The xattr name of an ACL of @type (ACL_TYPE_ACCESS or _DEFAULT). */
static inline const char *omfs_acl_name(int type)
{
	return type == ACL_TYPE_ACCESS ? XATTR_NAME_POSIX_ACL_ACCESS :
					 XATTR_NAME_POSIX_ACL_DEFAULT;
}

/* task.c */
int omfs_task_init(void);
void omfs_task_exit(void);
u16 omfs_task_selected(void);		/* of current; 0: none */
long omfs_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/* local.c */
/*
 * Makes @dentry, a negative child of the root named after this node,
 * the stacked view of @real and returns what ->lookup returns.
 */
struct dentry *omfs_local_lookup_root(struct dentry *dentry,
				      const struct path *real);
/* ->d_revalidate and ->d_release of local dentries (d_fsdata != NULL). */
int omfs_local_revalidate(struct dentry *dentry, unsigned int flags);
void omfs_local_release(struct dentry *dentry);
/* ->statfs for a local dentry: the real file system's figures. */
int omfs_local_statfs(struct dentry *dentry, struct kstatfs *buf);
/* sb->s_xattr: every name goes to the real file of a local dentry. */
extern const struct xattr_handler *omfs_local_xattr_handlers[];
/* ->evict_inode's part for OMFS_I_LOCAL inodes. */
void omfs_local_evict(struct inode *inode);

#endif /* _OMFS_H */
