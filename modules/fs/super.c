// SPDX-License-Identifier: GPL-2.0
/*
 * The mfs file system type: mount options, the superblock and its inodes.
 * A mount holds no connection and no cache of its own; what it shows is
 * computed from the node map and the backends on each access.
 */
#include "omfs.h"
#include "remote.h"

#include <linux/fs_context.h>
#include <linux/fs_parser.h>
#include <linux/fs_struct.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/statfs.h>
#include <uapi/linux/omfs.h>

#define OMFS_TIMEO_DEFAULT	8
#define OMFS_TIMEO_MAX		10

static struct kmem_cache *omfs_inode_cachep;

enum { Opt_dfsa, Opt_timeo, Opt_cache };
enum { Opt_cache_strict };

static const struct constant_table omfs_param_cache[] = {
	{ "strict", Opt_cache_strict },
	{}
};

static const struct fs_parameter_spec omfs_fs_parameters[] = {
	fsparam_bool("dfsa", Opt_dfsa),
	fsparam_u32("timeo", Opt_timeo),
	fsparam_enum("cache", Opt_cache, omfs_param_cache),
	{}
};

static int omfs_parse_param(struct fs_context *fc, struct fs_parameter *param)
{
	struct omfs_mount_opts *opts = fc->fs_private;
	struct fs_parse_result result;
	int opt;

	opt = fs_parse(fc, omfs_fs_parameters, param, &result);
	if (opt < 0)
		return opt;
	switch (opt) {
	case Opt_dfsa:
		opts->dfsa = result.boolean;
		break;
	case Opt_timeo:
		if (result.uint_32 < 1 || result.uint_32 > OMFS_TIMEO_MAX)
			return invalfc(fc, "timeo must be 1..%u seconds",
				       OMFS_TIMEO_MAX);
		opts->timeo = result.uint_32;
		break;
	case Opt_cache:
		/* strict is the one mode; the table refuses the others. */
		break;
	}
	return 0;
}

struct inode *omfs_new_inode(struct super_block *sb,
			     enum omfs_inode_kind kind, umode_t mode)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	OMFS_I(inode)->kind = kind;
	inode->i_ino = get_next_ino();
	inode->i_mode = mode;
	om_inode_init_ts(inode);
	return inode;
}

static struct inode *omfs_alloc_inode(struct super_block *sb)
{
	struct omfs_inode *oi;

	oi = alloc_inode_sb(sb, omfs_inode_cachep, GFP_KERNEL);
	if (!oi)
		return NULL;
	oi->kind = OMFS_I_ROOT;
	oi->real = NULL;
	return &oi->vfs;
}

static void omfs_free_inode(struct inode *inode)
{
	kmem_cache_free(omfs_inode_cachep, OMFS_I(inode));
}

static void omfs_evict_inode(struct inode *inode)
{
	truncate_inode_pages_final(&inode->i_data);
	clear_inode(inode);
	if (OMFS_I(inode)->kind == OMFS_I_LOCAL)
		omfs_local_evict(inode);
	else if (OMFS_I(inode)->kind == OMFS_I_REMOTE)
		omfs_remote_evict(inode);
}

static int omfs_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	if (dentry->d_fsdata)
		return omfs_local_statfs(dentry, buf);
	if (d_really_is_positive(dentry) &&
	    OMFS_I(d_inode(dentry))->kind == OMFS_I_REMOTE)
		return omfs_remote_statfs(dentry, buf);
	/* The root, and nodes that could not be reached: nothing to count. */
	buf->f_type = OMFS_SUPER_MAGIC;
	buf->f_bsize = PAGE_SIZE;
	buf->f_namelen = NAME_MAX;
	return 0;
}

static int omfs_show_options(struct seq_file *m, struct dentry *root)
{
	const struct omfs_mount_opts *opts = &OMFS_SB(root->d_sb)->opts;

	seq_printf(m, ",dfsa=%u,timeo=%u,cache=strict", opts->dfsa, opts->timeo);
	return 0;
}

static const struct super_operations omfs_super_ops = {
	.alloc_inode	= omfs_alloc_inode,
	.free_inode	= omfs_free_inode,
	.evict_inode	= omfs_evict_inode,
	/* Unused inodes must not keep the real ones, and their mounts, busy. */
	.drop_inode	= generic_delete_inode,
	.statfs		= omfs_statfs,
	.show_options	= omfs_show_options,
};

/* Local dentries, negative ones too, carry their real path; remote ones none. */
static int omfs_d_revalidate(struct dentry *dentry, unsigned int flags)
{
	if (omfs_is_node_dir(dentry))
		return omfs_node_revalidate(dentry, flags);
	if (dentry->d_fsdata)
		return omfs_local_revalidate(dentry, flags);
	return omfs_remote_revalidate(dentry, flags);
}

static void omfs_d_release(struct dentry *dentry)
{
	if (dentry->d_fsdata)
		omfs_local_release(dentry);
}

/*
 * Nothing is cached between system calls: a dentry lives while it is used
 * and is revalidated against the map and the real file system each time.
 */
const struct dentry_operations omfs_dentry_ops = {
	.d_revalidate	= omfs_d_revalidate,
	.d_release	= omfs_d_release,
	.d_delete	= always_delete_dentry,
};

static int omfs_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct omfs_sb_info *sbi = sb->s_fs_info;
	struct inode *root;

	sb->s_magic = OMFS_SUPER_MAGIC;
	sb->s_op = &omfs_super_ops;
	sb->s_d_op = &omfs_dentry_ops;
	sb->s_xattr = omfs_local_xattr_handlers;
	/*
	 * The umask is for the file system that makes the file to apply: the
	 * real one here (vfs_create() and the rest, or its default ACL), the
	 * serving node's for another node's files. The VFS leaves it alone
	 * for a superblock with POSIX ACLs, and the ACL xattrs of 6.2 on
	 * reach ->get_acl and ->set_acl only on such.
	 */
	if (IS_ENABLED(CONFIG_FS_POSIX_ACL))
		sb->s_flags |= SB_POSIXACL;
	sb->s_maxbytes = MAX_LFS_FILESIZE;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_time_gran = 1;
	/* Stacked over other file systems, as overlayfs and ecryptfs are. */
	sb->s_stack_depth = FILESYSTEM_MAX_STACK_DEPTH;

	root = omfs_new_inode(sb, OMFS_I_ROOT, S_IFDIR | 0555);
	if (!root)
		return -ENOMEM;
	root->i_ino = 1;
	root->i_op = &omfs_root_iops;
	root->i_fop = &omfs_root_fops;
	set_nlink(root, 2);
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;
	/* The mounter's root is what this node shows as /mfs/<self>/. */
	get_fs_root(current->fs, &sbi->export_root);
	return 0;
}

static int omfs_get_tree(struct fs_context *fc)
{
	struct omfs_sb_info *sbi;

	sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	if (!sbi)
		return -ENOMEM;
	sbi->opts = *(struct omfs_mount_opts *)fc->fs_private;
	fc->s_fs_info = sbi;
	return get_tree_nodev(fc, omfs_fill_super);
}

static int omfs_reconfigure(struct fs_context *fc)
{
	struct omfs_sb_info *sbi = OMFS_SB(fc->root->d_sb);
	const struct omfs_mount_opts *opts = fc->fs_private;

	sync_filesystem(fc->root->d_sb);
	WRITE_ONCE(sbi->opts.dfsa, opts->dfsa);
	WRITE_ONCE(sbi->opts.timeo, opts->timeo);
	return 0;
}

static void omfs_free_fc(struct fs_context *fc)
{
	kfree(fc->fs_private);
	kfree(fc->s_fs_info);	/* set only while no superblock took it */
}

static const struct fs_context_operations omfs_context_ops = {
	.parse_param	= omfs_parse_param,
	.get_tree	= omfs_get_tree,
	.reconfigure	= omfs_reconfigure,
	.free		= omfs_free_fc,
};

static int omfs_init_fs_context(struct fs_context *fc)
{
	struct omfs_mount_opts *opts;

	opts = kzalloc(sizeof(*opts), GFP_KERNEL);
	if (!opts)
		return -ENOMEM;
	if (fc->purpose == FS_CONTEXT_FOR_RECONFIGURE) {
		/* A remount changes what it names and keeps the rest. */
		*opts = OMFS_SB(fc->root->d_sb)->opts;
	} else {
		opts->dfsa = true;
		opts->timeo = OMFS_TIMEO_DEFAULT;
	}
	fc->fs_private = opts;
	fc->ops = &omfs_context_ops;
	return 0;
}

static void omfs_kill_sb(struct super_block *sb)
{
	struct omfs_sb_info *sbi = OMFS_SB(sb);

	kill_anon_super(sb);
	if (sbi) {
		path_put(&sbi->export_root);
		kfree(sbi);
	}
}

static struct file_system_type omfs_fs_type = {
	.owner			= THIS_MODULE,
	.name			= OMFS_FS_NAME,
	.init_fs_context	= omfs_init_fs_context,
	.parameters		= omfs_fs_parameters,
	.kill_sb		= omfs_kill_sb,
};
MODULE_ALIAS_FS(OMFS_FS_NAME);

static void omfs_inode_init_once(void *obj)
{
	struct omfs_inode *oi = obj;

	inode_init_once(&oi->vfs);
}

int omfs_super_init(void)
{
	int err;

	omfs_inode_cachep = kmem_cache_create("omfs_inode",
					      sizeof(struct omfs_inode), 0,
					      SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT,
					      omfs_inode_init_once);
	if (!omfs_inode_cachep)
		return -ENOMEM;
	err = register_filesystem(&omfs_fs_type);
	if (err)
		kmem_cache_destroy(omfs_inode_cachep);
	return err;
}

void omfs_super_exit(void)
{
	unregister_filesystem(&omfs_fs_type);
	/* Inodes are freed after an RCU grace period (free_inode). */
	rcu_barrier();
	kmem_cache_destroy(omfs_inode_cachep);
}
