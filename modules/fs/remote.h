/* SPDX-License-Identifier: GPL-2.0 */
/* /mfs/<other node>/: the client side of the omfs protocol. */
#ifndef _OMFS_REMOTE_H
#define _OMFS_REMOTE_H

#include <linux/fs.h>
#include <linux/types.h>

struct kstatfs;

int omfs_remote_init(void);
void omfs_remote_exit(void);

/* The errors that mean the node, not the operation, failed. */
static inline bool omfs_node_unreachable(int err)
{
	return err == -EHOSTDOWN ||	/* no link to it */
	       err == -ETIMEDOUT ||	/* no answer from it */
	       err == -ECONNREFUSED;	/* it serves no files (nomfs, no omfs) */
}

/* ->lookup of /mfs/<node> for another node: attaches to its server. */
struct dentry *omfs_remote_lookup_root(struct dentry *dentry, u16 node);
/* The node directory still belongs to the node's current session. */
bool omfs_remote_root_current(struct inode *inode);
int omfs_remote_revalidate(struct dentry *dentry, unsigned int flags);
int omfs_remote_statfs(struct dentry *dentry, struct kstatfs *buf);
ssize_t omfs_remote_getxattr(struct inode *inode, const char *name,
			     void *value, size_t size);
/* @value NULL: removexattr. */
int omfs_remote_setxattr(struct inode *inode, const char *name,
			 const void *value, size_t size, int flags);
/* ->evict_inode's part for OMFS_I_REMOTE inodes: the fid goes. */
void omfs_remote_evict(struct inode *inode);

#endif /* _OMFS_REMOTE_H */
