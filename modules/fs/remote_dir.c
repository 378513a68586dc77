// SPDX-License-Identifier: GPL-2.0
/*
 * The operations that change names in another node's directories
 * (docs/design/omfs.md §8.6, §8.10). Each is one request from the parent's
 * fid; the server runs the vfs_*() helper under the caller's identity,
 * with every check the system call would make there (permission, sticky
 * directories, mounts, busy names), and answers the new object's
 * attributes, from which its dentry is instantiated here.
 *
 * The VFS has locked our directories as the operation wants them. That
 * orders nothing on the server, where other nodes change the same
 * directories: what it answers is what happened.
 */
#include "remote_int.h"

#include <linux/fs_struct.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <uapi/linux/omfs.h>

/*
 * A request that makes a fid for a new object of @dir's node: the fid,
 * and the message, with room for the request's struct and its tails.
 */
struct omfs_make {
	struct inode *dir;
	u32 fid;
	struct omfs_msg m;
};

static int omfs_make_begin(struct omfs_make *mk, struct inode *dir,
			   size_t fixed, size_t tails)
{
	int err;

	mk->dir = dir;
	err = omfs_fid_alloc(omfs_rsess(dir), &mk->fid);
	if (err)
		return err;
	err = omfs_msg_init(&mk->m, fixed, tails);
	if (err)
		omfs_fid_unused(omfs_rsess(dir), mk->fid);
	return err;
}

/*
 * Sends the request, of @type, and gives @dentry the object it made, or
 * lets the fid go. The answer is the object's attributes, which LINK's
 * caller wants in @a too.
 */
static int omfs_make_call(struct omfs_make *mk, struct dentry *dentry,
			  u8 type, struct omfs_wire_attr *a)
{
	struct omfs_session *s = omfs_rsess(mk->dir);
	u64 gen = omfs_rgen(mk->dir);
	struct inode *inode;
	int err;

	err = omfs_attr_call(mk->dir, type, &mk->m, a);
	if (err) {
		omfs_fid_drop(s, gen, mk->fid, err);
		return err;
	}
	inode = omfs_remote_inode(mk->dir->i_sb, s, gen, mk->fid, a);
	if (!inode) {
		omfs_fid_put(s, gen, mk->fid);
		return -ENOMEM;
	}
	d_instantiate(dentry, inode);
	return 0;
}

/*
 * The caller's umask. The VFS took it out of the mode already, our
 * superblock having no POSIX ACLs; the server applies it again as its own
 * directory wants: masked, or left to the default ACL, which then sees a
 * mode already masked (docs/design/omfs.md §8.12).
 */
static u32 omfs_umask(void)
{
	return current_umask();
}

int omfs_remote_mknod(struct om_idmap *idmap, struct inode *dir,
		      struct dentry *dentry, umode_t mode, dev_t rdev)
{
	const struct qstr *name = &dentry->d_name;
	struct omfs_wire_mknod mn = {
		.rdev = huge_encode_dev(rdev),
		.dirfid = omfs_rfid(dir),
		.mode = mode,
		.umask = omfs_umask(),
		.namelen = name->len,
	};
	struct omfs_wire_attr a;
	struct omfs_make mk;
	int err;

	err = omfs_make_begin(&mk, dir, OMFS_WIRE_MKNOD_LEN, name->len);
	if (err)
		return err;
	mn.newfid = mk.fid;
	omfs_wire_put_mknod(omfs_msg_put(&mk.m, OMFS_WIRE_MKNOD_LEN), &mn);
	omfs_msg_put_name(&mk.m, name);
	return omfs_make_call(&mk, dentry, OMFS_WT_MKNOD, &a);
}

/* mknod(2) of a regular file; open(O_CREAT) comes through ->atomic_open. */
int omfs_remote_create(struct om_idmap *idmap, struct inode *dir,
		       struct dentry *dentry, umode_t mode, bool excl)
{
	return omfs_remote_mknod(idmap, dir, dentry, S_IFREG | (mode & ~S_IFMT),
				 0);
}

int omfs_remote_mkdir(struct om_idmap *idmap, struct inode *dir,
		      struct dentry *dentry, umode_t mode)
{
	const struct qstr *name = &dentry->d_name;
	struct omfs_wire_mkdir md = {
		.dirfid = omfs_rfid(dir),
		.mode = mode & ~S_IFMT,
		.umask = omfs_umask(),
		.namelen = name->len,
	};
	struct omfs_wire_attr a;
	struct omfs_make mk;
	int err;

	err = omfs_make_begin(&mk, dir, OMFS_WIRE_MKDIR_LEN, name->len);
	if (err)
		return err;
	md.newfid = mk.fid;
	omfs_wire_put_mkdir(omfs_msg_put(&mk.m, OMFS_WIRE_MKDIR_LEN), &md);
	omfs_msg_put_name(&mk.m, name);
	return omfs_make_call(&mk, dentry, OMFS_WT_MKDIR, &a);
}

int omfs_remote_symlink(struct om_idmap *idmap, struct inode *dir,
			struct dentry *dentry, const char *target)
{
	const struct qstr *name = &dentry->d_name;
	size_t len = strlen(target);
	struct omfs_wire_symlink sl = {
		.dirfid = omfs_rfid(dir),
		.namelen = name->len,
		.targetlen = len,
	};
	struct omfs_wire_attr a;
	struct omfs_make mk;
	int err;

	if (len > OMFS_TARGET_MAX)
		return -ENAMETOOLONG;
	err = omfs_make_begin(&mk, dir, OMFS_WIRE_SYMLINK_LEN, name->len + len);
	if (err)
		return err;
	sl.newfid = mk.fid;
	omfs_wire_put_symlink(omfs_msg_put(&mk.m, OMFS_WIRE_SYMLINK_LEN), &sl);
	omfs_msg_put_name(&mk.m, name);
	memcpy(omfs_msg_put(&mk.m, len), target, len);
	return omfs_make_call(&mk, dentry, OMFS_WT_SYMLINK, &a);
}

/*
 * Both objects on the same node, in the same session: otherwise a link or
 * a rename crosses file systems, and `mv` copies as between two mounts.
 */
static bool omfs_same_node(const struct inode *a, const struct inode *b)
{
	return OMFS_I(a)->kind == OMFS_I_REMOTE &&
	       OMFS_I(b)->kind == OMFS_I_REMOTE &&
	       omfs_rsess(a) == omfs_rsess(b) && omfs_rgen(a) == omfs_rgen(b);
}

int omfs_remote_link(struct dentry *old, struct inode *dir, struct dentry *new)
{
	struct inode *inode = d_inode(old);
	const struct qstr *name = &new->d_name;
	struct omfs_wire_link ln = {
		.dirfid = omfs_rfid(dir),
		.namelen = name->len,
	};
	struct omfs_wire_attr a;
	struct omfs_make mk;
	int err;

	if (!omfs_same_node(inode, dir))
		return -EXDEV;
	ln.fid = omfs_rfid(inode);
	err = omfs_make_begin(&mk, dir, OMFS_WIRE_LINK_LEN, name->len);
	if (err)
		return err;
	ln.newfid = mk.fid;
	omfs_wire_put_link(omfs_msg_put(&mk.m, OMFS_WIRE_LINK_LEN), &ln);
	omfs_msg_put_name(&mk.m, name);
	err = omfs_make_call(&mk, new, OMFS_WT_LINK, &a);
	/* The old name's inode has the new link count too. */
	if (!err && omfs_same_object(inode, &a))
		omfs_remote_refresh(inode, &a);
	return err;
}

/* UNLINK or RMDIR of @dentry's name in @dir; the answer is empty. */
static int omfs_remove(struct inode *dir, struct dentry *dentry, u8 type)
{
	const struct qstr *name = &dentry->d_name;
	struct omfs_wire_unlink ul = {
		.dirfid = omfs_rfid(dir),
		.namelen = name->len,
	};
	struct omfs_msg m;
	int err;

	err = omfs_msg_init(&m, OMFS_WIRE_UNLINK_LEN, name->len);
	if (err)
		return err;
	omfs_wire_put_unlink(omfs_msg_put(&m, OMFS_WIRE_UNLINK_LEN), &ul);
	omfs_msg_put_name(&m, name);
	return omfs_empty_call(dir, type, &m);
}

/* The next GETATTR tells the exact count; until then, one link fewer. */
int omfs_remote_unlink(struct inode *dir, struct dentry *dentry)
{
	int err = omfs_remove(dir, dentry, OMFS_WT_UNLINK);

	if (!err && d_inode(dentry)->i_nlink)
		drop_nlink(d_inode(dentry));
	return err;
}

int omfs_remote_rmdir(struct inode *dir, struct dentry *dentry)
{
	int err = omfs_remove(dir, dentry, OMFS_WT_RMDIR);

	if (!err)
		clear_nlink(d_inode(dentry));
	return err;
}

int omfs_remote_rename(struct om_idmap *idmap, struct inode *old_dir,
		       struct dentry *old, struct inode *new_dir,
		       struct dentry *new, unsigned int flags)
{
	const struct qstr *oname = &old->d_name, *nname = &new->d_name;
	struct omfs_wire_rename rn = {
		.olddirfid = omfs_rfid(old_dir),
		.newdirfid = omfs_rfid(new_dir),
		.oldlen = oname->len,
		.newlen = nname->len,
	};
	struct inode *victim = d_inode(new);
	struct omfs_msg m;
	int err;

	if (!omfs_same_node(old_dir, new_dir))
		return -EXDEV;
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if (flags & RENAME_NOREPLACE)
		rn.flags |= OMFS_RENAME_NOREPLACE;
	if (flags & RENAME_EXCHANGE)
		rn.flags |= OMFS_RENAME_EXCHANGE;
	if (flags & RENAME_WHITEOUT)
		rn.flags |= OMFS_RENAME_WHITEOUT;
	err = omfs_msg_init(&m, OMFS_WIRE_RENAME_LEN, oname->len + nname->len);
	if (err)
		return err;
	omfs_wire_put_rename(omfs_msg_put(&m, OMFS_WIRE_RENAME_LEN), &rn);
	omfs_msg_put_name(&m, oname);
	omfs_msg_put_name(&m, nname);
	err = omfs_empty_call(old_dir, OMFS_WT_RENAME, &m);
	if (err)
		return err;
	/* The VFS moves the dentries; a replaced object lost its name. */
	if (victim && !(flags & RENAME_EXCHANGE)) {
		if (S_ISDIR(victim->i_mode))
			clear_nlink(victim);
		else if (victim->i_nlink)
			drop_nlink(victim);
	}
	return 0;
}

/* ->open of the file CREATE opened: its fid is file->private_data already. */
static int omfs_remote_open_made(struct inode *inode, struct file *file)
{
	if (S_ISREG(inode->i_mode))
		file->f_mode |= FMODE_CAN_ODIRECT;
	return 0;
}

/*
 * open(O_CREAT) of a name not known to exist: one CREATE, which the
 * server resolves to open-or-create under its directory lock (§8.6). It
 * answers with the object opened (made or found), or, for a symlink,
 * unopened: the VFS then follows it here. Opens without O_CREAT, and of
 * names known to exist, go through ->lookup and ->open.
 */
int omfs_remote_atomic_open(struct inode *dir, struct dentry *dentry,
			    struct file *file, unsigned int flags,
			    umode_t mode)
{
	struct omfs_session *s = omfs_rsess(dir);
	const struct qstr *name = &dentry->d_name;
	u64 gen = omfs_rgen(dir);
	struct omfs_wire_create wc = {
		.dirfid = omfs_rfid(dir),
		.flags = omfs_open_flags(flags),
		.mode = mode & ~S_IFMT,
		.umask = omfs_umask(),
		.namelen = name->len,
	};
	struct omfs_wire_create_rsp cr;
	struct dentry *res = NULL;
	struct om_rpc_resp resp;
	struct omfs_rfile *rf;
	struct omfs_make mk;
	struct inode *inode;
	int err;

	if (!(flags & O_CREAT) || d_really_is_positive(dentry)) {
		if (d_in_lookup(dentry)) {
			res = omfs_remote_lookup(dir, dentry, 0);
			if (IS_ERR(res))
				return PTR_ERR(res);
		}
		return finish_no_open(file, res);
	}
	/* ->lookup was not asked, and it is what says so. */
	if (name->len > NAME_MAX)
		return -ENAMETOOLONG;
	if (flags & O_EXCL)
		wc.flags |= OMFS_OF_EXCL;
	rf = omfs_rfile_alloc(s);
	if (IS_ERR(rf))
		return PTR_ERR(rf);
	err = omfs_make_begin(&mk, dir, OMFS_WIRE_CREATE_LEN, name->len);
	if (err) {
		omfs_fid_unused(s, rf->fid);
		goto err_free;
	}
	wc.objfid = mk.fid;
	wc.openfid = rf->fid;
	omfs_wire_put_create(omfs_msg_put(&mk.m, OMFS_WIRE_CREATE_LEN), &wc);
	omfs_msg_put_name(&mk.m, name);
	err = omfs_inode_call(dir, OMFS_WT_CREATE, &mk.m,
			      OMFS_WIRE_CREATE_RSP_LEN, &resp);
	omfs_msg_free(&mk.m);
	if (!err) {
		err = omfs_wire_get_create_rsp(resp.data, resp.len, &cr);
		kvfree(resp.data);
		/* The server opens nothing else, and follows no symlink. */
		if (!err && cr.result != OMFS_CR_EXISTS_NOT_OPENED &&
		    !S_ISREG(cr.attr.mode) && !S_ISDIR(cr.attr.mode))
			err = -EPROTO;
		if (err)
			err = -EIO;
	}
	if (err) {
		omfs_fid_drop(s, gen, mk.fid, err);
		omfs_fid_drop(s, gen, rf->fid, err);
		goto err_free;
	}
	if (cr.result == OMFS_CR_EXISTS_NOT_OPENED) {
		omfs_fid_unused(s, rf->fid);
		kfree(rf);
		rf = NULL;
	}

	inode = omfs_remote_inode(dir->i_sb, s, gen, mk.fid, &cr.attr);
	if (!inode) {
		omfs_fid_put(s, gen, mk.fid);
		err = -ENOMEM;
		goto err_open;
	}
	if (d_in_lookup(dentry)) {
		res = d_splice_alias(inode, dentry);
		if (IS_ERR(res)) {
			err = PTR_ERR(res);
			goto err_open;
		}
		if (res)
			dentry = res;
	} else {
		d_instantiate(dentry, inode);
	}
	if (!rf)			/* a symlink: the VFS follows it */
		return finish_no_open(file, res);
	if (cr.result == OMFS_CR_CREATED)
		file->f_mode |= FMODE_CREATED;
	file->private_data = rf;
	err = finish_open(file, dentry, omfs_remote_open_made);
	dput(res);
	/* Opened, its ->release clunks the fid; not, it is ours to. */
	if (err && !(file->f_mode & FMODE_OPENED)) {
		file->private_data = NULL;
		goto err_open;
	}
	return err;

err_open:
	if (!rf)
		return err;
	omfs_fid_put(s, gen, rf->fid);
err_free:
	kfree(rf);
	return err;
}
