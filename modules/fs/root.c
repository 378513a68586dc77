// SPDX-License-Identifier: GPL-2.0
/*
 * /mfs itself: one directory per node of the current map, and five links
 * whose target depends on who reads them (seed 001's table):
 *
 *   here      the node the process runs on
 *   home      the node it started on
 *   magic     during a create `here`, otherwise the node of its last create
 *   lastexec  the node of its last execve()
 *   selected  the node it selected (omctl select), or `home`
 *
 * Until process migration exists every process runs at home, so here,
 * home, magic and lastexec all name this node.
 *
 * Nothing here is cached: a node directory's dentry is revalidated against
 * the map and this node's id on every walk, so directories come and go
 * with the map, and /mfs/<id> switches between the local backend and a
 * remote one when this node's id changes.
 */
#include "omfs.h"
#include "remote.h"

#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <openmosix/omcore.h>
#include <uapi/linux/omfs.h>

static const char *const omfs_link_names[OMFS_NR_LINKS] = {
	[OMFS_LINK_HERE]	= "here",
	[OMFS_LINK_HOME]	= "home",
	[OMFS_LINK_MAGIC]	= "magic",
	[OMFS_LINK_LASTEXEC]	= "lastexec",
	[OMFS_LINK_SELECTED]	= "selected",
};

/*
 * Directory positions are stable across map changes: 0 and 1 are the dots,
 * the links follow, and node N is at OMFS_POS_NODES + N.
 */
#define OMFS_POS_LINKS	2
#define OMFS_POS_NODES	16
/* Inode numbers follow the positions; the root is 1. */
#define OMFS_INO_LINKS	OMFS_POS_LINKS
#define OMFS_INO_NODES	OMFS_POS_NODES

/* A node id as its directory is named: 1..65535, decimal, no sign or 0 prefix. */
static u16 omfs_parse_node(const struct qstr *name)
{
	u32 id = 0;
	u32 i;

	if (!name->len || name->len > 5 || name->name[0] == '0')
		return 0;
	for (i = 0; i < name->len; i++) {
		if (!isdigit(name->name[i]))
			return 0;
		id = id * 10 + (name->name[i] - '0');
	}
	return id <= U16_MAX ? id : 0;
}

static const char *omfs_link_get(struct dentry *dentry, struct inode *inode,
				 struct delayed_call *done)
{
	u16 self, target;
	char *body;

	if (!dentry)
		return ERR_PTR(-ECHILD);	/* kasprintf() may sleep */
	self = om_self_id();
	if (!self)
		return ERR_PTR(-ENOENT);	/* no map, or not a node of it */
	switch (OMFS_I(inode)->link) {
	case OMFS_LINK_SELECTED:
		target = omfs_task_selected();
		if (!target)
			return "home";
		break;
	default:
		/* here, home, lastexec; magic outside a create: see above. */
		target = self;
		break;
	}
	body = kasprintf(GFP_KERNEL, "%u", target);
	if (!body)
		return ERR_PTR(-ENOMEM);
	set_delayed_call(done, kfree_link, body);
	return body;
}

static const struct inode_operations omfs_link_iops = {
	.get_link	= omfs_link_get,
};

/*
 * A node that could not be reached when it was looked up: the directory is
 * there (so that `ls -l /mfs` works), with the attributes of a directory
 * that cannot be read, and answers everything with the reason. It is
 * looked up again on the next walk.
 */
static int omfs_down_open(struct inode *inode, struct file *file)
{
	return OMFS_I(inode)->down.err;
}

static struct dentry *omfs_down_lookup(struct inode *dir,
				       struct dentry *dentry,
				       unsigned int flags)
{
	return ERR_PTR(OMFS_I(dir)->down.err);
}

static const struct inode_operations omfs_down_iops = {
	.lookup		= omfs_down_lookup,
};

static const struct file_operations omfs_down_fops = {
	.open		= omfs_down_open,
};

static struct dentry *omfs_lookup_link(struct super_block *sb,
				       struct dentry *dentry,
				       enum omfs_link link)
{
	struct inode *inode;

	inode = omfs_new_inode(sb, OMFS_I_LINK, S_IFLNK | 0777);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	inode->i_ino = OMFS_INO_LINKS + link;
	inode->i_op = &omfs_link_iops;
	OMFS_I(inode)->link = link;
	return d_splice_alias(inode, dentry);
}

static struct dentry *omfs_lookup_down(struct super_block *sb,
				       struct dentry *dentry, u16 node, int err)
{
	struct inode *inode;

	inode = omfs_new_inode(sb, OMFS_I_NODE, S_IFDIR | 0555);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	inode->i_ino = OMFS_INO_NODES + node;
	inode->i_op = &omfs_down_iops;
	inode->i_fop = &omfs_down_fops;
	set_nlink(inode, 2);
	OMFS_I(inode)->down.node = node;
	OMFS_I(inode)->down.err = err;
	return d_splice_alias(inode, dentry);
}

static struct dentry *omfs_lookup_remote(struct super_block *sb,
					 struct dentry *dentry, u16 node)
{
	struct dentry *res = omfs_remote_lookup_root(dentry, node);

	if (IS_ERR(res) && omfs_node_unreachable(PTR_ERR(res)))
		return omfs_lookup_down(sb, dentry, node, PTR_ERR(res));
	return res;
}

static struct dentry *omfs_root_lookup(struct inode *dir, struct dentry *dentry,
				       unsigned int flags)
{
	struct super_block *sb = dir->i_sb;
	enum omfs_link link;
	u16 node;

	for (link = 0; link < OMFS_NR_LINKS; link++)
		if (!strcmp(dentry->d_name.name, omfs_link_names[link]))
			return omfs_lookup_link(sb, dentry, link);

	node = omfs_parse_node(&dentry->d_name);
	if (!node || !om_node_in_map(node)) {
		d_add(dentry, NULL);	/* revalidated if the map gains it */
		return NULL;
	}
	if (node == om_self_id())
		return omfs_local_lookup_root(dentry, &OMFS_SB(sb)->export_root);
	return omfs_lookup_remote(sb, dentry, node);
}

/*
 * ->d_revalidate of the root's children; safe in RCU walk (their names
 * never change: nothing is renamed in the root). A node directory stays
 * valid while its node is in the map and is still local or still remote.
 */
int omfs_node_revalidate(struct dentry *dentry, unsigned int flags)
{
	struct inode *inode = d_inode_rcu(dentry);
	u16 node = omfs_parse_node(&dentry->d_name);

	if (!inode)
		return !node || !om_node_in_map(node);
	switch (OMFS_I(inode)->kind) {
	case OMFS_I_LINK:
		return 1;
	case OMFS_I_NODE:
		return 0;		/* try to reach it again */
	case OMFS_I_REMOTE:
		return om_node_in_map(node) && node != om_self_id() &&
		       omfs_remote_root_current(inode);
	case OMFS_I_LOCAL:
		if (!om_node_in_map(node) || node != om_self_id())
			return 0;
		return omfs_local_revalidate(dentry, flags);
	default:
		return 0;
	}
}

static int omfs_root_iterate(struct file *file, struct dir_context *ctx)
{
	u16 node;

	if (!dir_emit_dots(file, ctx))
		return 0;
	while (ctx->pos < OMFS_POS_LINKS + OMFS_NR_LINKS) {
		enum omfs_link link = ctx->pos - OMFS_POS_LINKS;
		const char *name = omfs_link_names[link];

		if (!dir_emit(ctx, name, strlen(name), OMFS_INO_LINKS + link,
			      DT_LNK))
			return 0;
		ctx->pos++;
	}
	if (ctx->pos < OMFS_POS_NODES)
		ctx->pos = OMFS_POS_NODES;
	while (ctx->pos <= OMFS_POS_NODES + U16_MAX &&
	       om_map_next_node(ctx->pos - OMFS_POS_NODES, &node)) {
		char name[6];
		int len = snprintf(name, sizeof(name), "%u", node);

		ctx->pos = OMFS_POS_NODES + node;
		if (!dir_emit(ctx, name, len, OMFS_INO_NODES + node, DT_DIR))
			return 0;
		ctx->pos++;
	}
	return 0;
}

const struct inode_operations omfs_root_iops = {
	.lookup		= omfs_root_lookup,
};

const struct file_operations omfs_root_fops = {
	.llseek		= generic_file_llseek,
	.read		= generic_read_dir,
	.iterate_shared	= omfs_root_iterate,
	.unlocked_ioctl	= omfs_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};
