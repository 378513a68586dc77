// SPDX-License-Identifier: GPL-2.0
/*
 * The server's requests on open files (docs/design/omfs.md §7.5): each
 * runs in a server thread under the requester's identity.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "srv_int.h"

#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/statfs.h>
#include <linux/uio.h>
#include <linux/xattr.h>
#include <uapi/linux/omfs.h>

/* ------------------------------------------------------------------ */
/* Open files: OPEN, CREATE, READ, WRITE, FSYNC, FALLOCATE, LSEEK, READDIR */

static bool omfs_srv_noexec(const struct path *path)
{
	return (path->mnt->mnt_flags & MNT_NOEXEC) ||
	       (path->mnt->mnt_sb->s_iflags & SB_I_NOEXEC);
}

/* The MAY_* an open with @flags needs: an O_TRUNC open writes. */
static int omfs_srv_open_acc(u32 flags)
{
	int acc;

	switch (flags & OMFS_OF_ACCMODE) {
	case OMFS_OF_WRONLY:
		acc = MAY_WRITE;
		break;
	case OMFS_OF_RDWR:
		acc = MAY_READ | MAY_WRITE;
		break;
	default:
		acc = MAY_READ;
		break;
	}
	if (flags & OMFS_OF_TRUNC)
		acc |= MAY_WRITE;
	return acc;
}

/* The O_* flags of the server's open for the wire's @flags. */
static unsigned int omfs_srv_oflags(u32 flags)
{
	static const struct {
		u32 wire;
		unsigned int o;
	} map[] = {
		{ OMFS_OF_APPEND, O_APPEND },
		{ OMFS_OF_TRUNC, O_TRUNC },
		{ OMFS_OF_DIRECTORY, O_DIRECTORY },
		{ OMFS_OF_NOATIME, O_NOATIME },
		{ OMFS_OF_EXEC, __FMODE_EXEC },
		{ OMFS_OF_SYNC, O_SYNC },
		{ OMFS_OF_DSYNC, O_DSYNC },
	};
	unsigned int o = O_LARGEFILE, i;

	switch (flags & OMFS_OF_ACCMODE) {
	case OMFS_OF_WRONLY:
		o |= O_WRONLY;
		break;
	case OMFS_OF_RDWR:
		o |= O_RDWR;
		break;
	}
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (flags & map[i].wire)
			o |= map[i].o;
	return o;
}

/* The checks of fs/namei.c:may_open() (§7.5). */
static int omfs_srv_may_open(const struct path *path, u32 flags)
{
	struct om_idmap *idmap = om_mnt_idmap(path->mnt);
	struct inode *inode = d_inode(path->dentry);
	int acc = omfs_srv_open_acc(flags);
	int err;

	/* open_exec() reads; nothing else opens for exec. */
	if ((flags & OMFS_OF_EXEC) && (acc & MAY_WRITE))
		return -EINVAL;
	switch (inode->i_mode & S_IFMT) {
	case S_IFLNK:
		return -ELOOP;		/* the client follows it itself */
	case S_IFDIR:
		if (acc & MAY_WRITE)
			return -EISDIR;
		if (flags & OMFS_OF_EXEC)
			return -EACCES;
		break;
	case S_IFREG:
		if (flags & OMFS_OF_DIRECTORY)
			return -ENOTDIR;
		break;
	default:
		/* Devices, FIFOs and sockets of this node: not for others. */
		return -ENXIO;
	}
	if (flags & OMFS_OF_EXEC) {
		if (omfs_srv_noexec(path))
			return -EACCES;
		acc = MAY_EXEC;		/* as open_exec(): no read needed */
	}
	err = inode_permission(idmap, inode, MAY_OPEN | acc);
	if (err)
		return err;
	/* An append-only file is written at its end only, never truncated. */
	if (IS_APPEND(inode) &&
	    (((acc & MAY_WRITE) && !(flags & OMFS_OF_APPEND)) ||
	     (flags & OMFS_OF_TRUNC)))
		return -EPERM;
	if ((flags & OMFS_OF_NOATIME) && !inode_owner_or_capable(idmap, inode))
		return -EPERM;
	return 0;
}

/*
 * fs/open.c:do_truncate(), which is not exported: the size of @path's
 * inode set under its lock, privileges removed as a write would. Leases
 * and delegations were broken by the caller (open, vfs_truncate()) or
 * are broken here, waiting, as notify_change() does without an inode to
 * hand back.
 */
int omfs_srv_do_truncate(const struct path *path, loff_t length,
			 unsigned int time_attrs, struct file *file)
{
	struct om_idmap *idmap = om_mnt_idmap(path->mnt);
	struct inode *inode = d_inode(path->dentry);
	struct iattr ia = {
		.ia_valid = ATTR_SIZE | ATTR_KILL_PRIV | time_attrs,
		.ia_size = length,
	};
	int kill, err;

	if (length < 0)
		return -EINVAL;
	if (file) {
		ia.ia_file = file;
		ia.ia_valid |= ATTR_FILE;
	}
	inode_lock(inode);
	/* notify_change() drops ATTR_KILL_PRIV when there is none to kill. */
	kill = setattr_should_drop_suidgid(idmap, inode);
	if (kill)
		ia.ia_valid |= kill | ATTR_FORCE;
	err = notify_change(idmap, path->dentry, &ia, NULL);
	inode_unlock(inode);
	return err;
}

/*
 * O_TRUNC: dentry_open() leaves it to its caller, as do_open() leaves it
 * to handle_truncate(). Only a regular file is truncated; one being run
 * is ETXTBSY. (security_file_truncate() and security_path_truncate() are
 * not exported: the LSMs' inode_setattr hook in notify_change() remains.)
 */
static int omfs_srv_open_truncate(struct file *file)
{
	struct inode *inode = file_inode(file);
	int err;

	if (!S_ISREG(inode->i_mode))
		return 0;
	err = mnt_want_write(file->f_path.mnt);
	if (err)
		return err;
	err = get_write_access(inode);
	if (!err) {
		err = omfs_srv_do_truncate(&file->f_path, 0, ATTR_MTIME |
					   ATTR_CTIME | ATTR_OPEN, file);
		put_write_access(inode);
	}
	mnt_drop_write(file->f_path.mnt);
	return err;
}

/* Opens @path with the wire's @flags into the new fid @f (OPEN, CREATE). */
static int omfs_srv_open(const struct path *path, u32 flags,
			 struct omfs_srv_fid *f)
{
	struct file *file;
	int err;

	err = omfs_srv_may_open(path, flags);
	if (err)
		return err;
	/*
	 * security_file_open(), break_lease() and, for writing, the mount's
	 * write access and the inode's (ETXTBSY) happen in there.
	 */
	file = dentry_open(path, omfs_srv_oflags(flags), current_cred());
	if (IS_ERR(file))
		return PTR_ERR(file);
	/* From here on the fid's: it goes with them if this fails. */
	f->file = file;
	f->path = *path;
	path_get(&f->path);
	if (flags & OMFS_OF_EXEC) {
		/* Writers here get ETXTBSY while it runs on the other node. */
		err = deny_write_access(file);
		if (err)
			return err;
		f->exec_denied = true;
	}
	if (flags & OMFS_OF_TRUNC)
		return omfs_srv_open_truncate(file);
	return 0;
}

static int omfs_srv_exec_open(struct omfs_srv_work *w)
{
	const struct path *path = &w->fid->path;
	int err;

	err = omfs_srv_open(path, w->a.open.flags, w->newfid[0]);
	if (!err)
		err = omfs_srv_rsp_attr(w, path);
	return err;
}

int omfs_srv_rx_open(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err;

	w = omfs_srv_begin(req, OMFS_WT_OPEN, true, omfs_srv_exec_open);
	if (IS_ERR(w))
		return PTR_ERR(w);
	err = omfs_srv_use_fid(w, w->a.open.fid, OMFS_FID_ANY);
	if (!err)
		err = omfs_srv_fid_reserve(w, w->a.open.newfid);
	return omfs_srv_finish(w, err);
}

/* CREATE's answer: what became of the name, and the object's attributes. */
static int omfs_srv_rsp_create(struct omfs_srv_work *w, u32 result)
{
	struct omfs_wire_create_rsp rsp = { .result = result };
	int err;

	err = omfs_srv_getattr(&w->newfid[0]->path, &rsp.attr);
	if (!err)
		err = omfs_srv_rsp(w, OMFS_WIRE_CREATE_RSP_LEN);
	if (!err)
		omfs_wire_put_create_rsp(w->rsp, &rsp);
	return err;
}

/*
 * CREATE of a name that exists, at @path (referenced, the object fid's
 * now): O_EXCL refuses it, a symlink is the client's to follow, a
 * directory cannot be opened with O_CREAT (do_open()), anything else is
 * opened as OPEN does.
 */
static int omfs_srv_create_existing(struct omfs_srv_work *w, struct path *path)
{
	u32 flags = w->a.create.flags;
	int err;

	w->newfid[0]->path = *path;
	if (flags & OMFS_OF_EXCL)
		return -EEXIST;
	err = omfs_srv_cross(&w->newfid[0]->path);
	if (err)
		return err;
	path = &w->newfid[0]->path;
	if (d_is_symlink(path->dentry))
		return omfs_srv_rsp_create(w, OMFS_CR_EXISTS_NOT_OPENED);
	if (d_is_dir(path->dentry))
		return -EISDIR;
	err = omfs_srv_open(path, flags, w->newfid[1]);
	if (!err)
		err = omfs_srv_rsp_create(w, OMFS_CR_OPENED);
	return err;
}

/*
 * CREATE of a name that does not exist: file_open_root() with O_EXCL, so
 * that lookup_open() makes it, with the file system's ->atomic_open when
 * it has one, and the umask (of this thread's fs_struct) or the default
 * ACL applied by the VFS and the file system as for open(2). -EEXIST if
 * the name appeared meanwhile.
 */
static int omfs_srv_create_new(struct omfs_srv_work *w)
{
	const struct omfs_wire_create *c = &w->a.create;
	struct omfs_srv_fid *obj = w->newfid[0], *open = w->newfid[1];
	struct file *file;

	current->fs->umask = c->umask;
	file = file_open_root(&w->fid->path, w->name,
			      (omfs_srv_oflags(c->flags) & ~O_TRUNC) |
			      O_CREAT | O_EXCL | O_NOFOLLOW, c->mode);
	if (IS_ERR(file))
		return PTR_ERR(file);
	open->file = file;
	open->path = file->f_path;
	path_get(&open->path);
	obj->path = file->f_path;
	path_get(&obj->path);
	return omfs_srv_rsp_create(w, OMFS_CR_CREATED);
}

/* Each of the two ways once: a name made or removed meanwhile changes it. */
static int omfs_srv_exec_create(struct omfs_srv_work *w)
{
	const struct path *dir = &w->fid->path;
	struct path path;
	int tries, err = 0;

	if (!d_can_lookup(dir->dentry))
		return -ENOTDIR;
	for (tries = 0; tries < 2; tries++) {
		path.dentry = lookup_one_unlocked(om_mnt_idmap(dir->mnt),
						  w->name, dir->dentry,
						  w->a.create.namelen);
		if (IS_ERR(path.dentry))
			return PTR_ERR(path.dentry);
		if (d_is_positive(path.dentry)) {
			path.mnt = mntget(dir->mnt);
			return omfs_srv_create_existing(w, &path);
		}
		dput(path.dentry);
		err = omfs_srv_create_new(w);
		if (err != -EEXIST)
			break;
	}
	return err;
}

int omfs_srv_rx_create(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err;

	w = omfs_srv_begin(req, OMFS_WT_CREATE, true, omfs_srv_exec_create);
	if (IS_ERR(w))
		return PTR_ERR(w);
	memcpy(w->name, w->tails[0].data, w->tails[0].len);
	/* A create opens a file: not a directory, not for exec (open(2)). */
	err = 0;
	if (w->a.create.flags & (OMFS_OF_DIRECTORY | OMFS_OF_EXEC))
		err = -EINVAL;
	if (!err)
		err = omfs_srv_use_fid(w, w->a.create.dirfid, OMFS_FID_ANY);
	if (!err)
		err = omfs_srv_fid_reserve(w, w->a.create.objfid);
	if (!err)
		err = omfs_srv_fid_reserve(w, w->a.create.openfid);
	return omfs_srv_finish(w, err);
}

static int omfs_srv_exec_read(struct omfs_srv_work *w)
{
	struct omfs_wire_read_rsp rr = {};
	size_t count = w->a.io.count;
	loff_t pos = w->a.io.offset;
	ssize_t n;
	int err;

	err = omfs_srv_rsp(w, OMFS_WIRE_READ_RSP_LEN + count);
	if (err)
		return err;
	/* As much as there is: the client takes a short read for the end. */
	while (rr.count < count) {
		n = kernel_read(w->fid->file, w->rsp + OMFS_WIRE_READ_RSP_LEN +
				rr.count, count - rr.count, &pos);
		if (n < 0) {
			if (!rr.count)
				return n;
			break;
		}
		if (!n) {
			rr.flags |= OMFS_RD_EOF;
			break;
		}
		rr.count += n;
	}
	w->rsp_len = OMFS_WIRE_READ_RSP_LEN + rr.count;
	omfs_wire_put_read_rsp(w->rsp, &rr);
	return 0;
}

/* READ and WRITE: struct omfs_wire_io on an open fid. */
static int omfs_srv_rx_io(struct om_rpc_req *req, u8 type,
			  int (*exec)(struct omfs_srv_work *))
{
	struct omfs_srv_work *w;
	int err = 0;

	w = omfs_srv_begin(req, type, true, exec);
	if (IS_ERR(w))
		return PTR_ERR(w);
	if (w->a.io.count > OMFS_SRV_MAX_IO || w->a.io.offset > LLONG_MAX)
		err = -EPROTO;		/* past what ATTACH announced */
	if (!err)
		err = omfs_srv_use_fid(w, w->a.io.fid, BIT(OMFS_FID_OPEN));
	return omfs_srv_finish(w, err);
}

int omfs_srv_rx_read(struct om_rpc_req *req)
{
	return omfs_srv_rx_io(req, OMFS_WT_READ, omfs_srv_exec_read);
}

/*
 * A positioned write of the request's data. The kiocb's flags are the
 * request's, not the open file's: IOCB_APPEND makes the file system
 * write at its end under its inode lock (generic_write_checks()), atomic
 * against every other writer, and ki_pos tells where that was; the sync
 * flags make it write through before answering. The file's own sync
 * (O_SYNC, O_DSYNC, a sync inode) stays.
 */
static int omfs_srv_exec_write(struct omfs_srv_work *w)
{
	struct omfs_wire_write_rsp rsp = {};
	struct file *file = w->fid->file;
	struct inode *inode = file_inode(file);
	u32 flags = w->a.io.flags;
	struct omfs_wire_attr a;
	struct iov_iter iter;
	struct kiocb kiocb;
	struct kvec kvec;
	ssize_t n;
	int err;

	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	/* What fcntl(F_SETFL) would not let go of O_APPEND for. */
	if (IS_APPEND(inode) && !(flags & OMFS_IO_APPEND))
		return -EPERM;
	init_sync_kiocb(&kiocb, file);
	kiocb.ki_flags &= ~IOCB_APPEND;
	if (flags & OMFS_IO_APPEND)
		kiocb.ki_flags |= IOCB_APPEND;
	if (flags & OMFS_IO_DSYNC)
		kiocb.ki_flags |= IOCB_DSYNC;
	if (flags & OMFS_IO_SYNC)
		kiocb.ki_flags |= IOCB_DSYNC | IOCB_SYNC;
	kiocb.ki_pos = w->a.io.offset;
	/* The codec made the data w->a.io.count bytes; the request keeps it. */
	kvec.iov_base = (void *)w->tails[0].data;
	kvec.iov_len = w->a.io.count;
	iov_iter_kvec(&iter, ITER_SOURCE, &kvec, 1, kvec.iov_len);
	/* Freeze protection, rw_verify_area(), fsnotify. Short is fine. */
	n = om_iocb_iter_write(file, &kiocb, &iter);
	if (n < 0)
		return n;
	rsp.count = n;
	rsp.pos = kiocb.ki_pos;
	/*
	 * What the file is after it. The write is done: should the file
	 * system fail to tell, the size is the inode's and the cookie 0,
	 * which the client takes for a change like any other.
	 */
	if (!omfs_srv_getattr(&file->f_path, &a)) {
		rsp.size = a.size;
		rsp.change = a.change;
	} else {
		rsp.size = i_size_read(inode);
	}
	err = omfs_srv_rsp(w, OMFS_WIRE_WRITE_RSP_LEN);
	if (!err)
		omfs_wire_put_write_rsp(w->rsp, &rsp);
	return err;
}

int omfs_srv_rx_write(struct om_rpc_req *req)
{
	return omfs_srv_rx_io(req, OMFS_WT_WRITE, omfs_srv_exec_write);
}

/* Any open file, as fsync(2); the codec checked start <= end <= LLONG_MAX. */
static int omfs_srv_exec_fsync(struct omfs_srv_work *w)
{
	const struct omfs_wire_fsync *fs = &w->a.fsync;

	return vfs_fsync_range(w->fid->file, fs->start, fs->end,
			       !!(fs->flags & OMFS_FSYNC_DATASYNC));
}

int omfs_srv_rx_fsync(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err;

	w = omfs_srv_begin(req, OMFS_WT_FSYNC, true, omfs_srv_exec_fsync);
	if (IS_ERR(w))
		return PTR_ERR(w);
	err = omfs_srv_use_fid(w, w->a.fsync.fid, BIT(OMFS_FID_OPEN));
	return omfs_srv_finish(w, err);
}

/*
 * The mode's bits are Linux's FALLOC_FL_*, which vfs_fallocate() checks
 * in their combinations, as it checks the range, FMODE_WRITE, append-only
 * and immutable files; it takes freeze protection itself.
 */
static int omfs_srv_exec_fallocate(struct omfs_srv_work *w)
{
	const struct omfs_wire_fallocate *fa = &w->a.fallocate;
	struct file *file = w->fid->file;
	int err;

	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	err = vfs_fallocate(file, fa->mode, fa->offset, fa->len);
	if (!err)
		err = omfs_srv_rsp_attr(w, &file->f_path);
	return err;
}

int omfs_srv_rx_fallocate(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err = 0;

	w = omfs_srv_begin(req, OMFS_WT_FALLOCATE, true,
			   omfs_srv_exec_fallocate);
	if (IS_ERR(w))
		return PTR_ERR(w);
	/* No loff_t is larger: what the client cannot have meant. */
	if (w->a.fallocate.offset > LLONG_MAX || w->a.fallocate.len > LLONG_MAX)
		err = -EPROTO;
	if (!err)
		err = omfs_srv_use_fid(w, w->a.fallocate.fid,
				       BIT(OMFS_FID_OPEN));
	return omfs_srv_finish(w, err);
}

static int omfs_srv_exec_lseek(struct omfs_srv_work *w)
{
	struct omfs_wire_lseek_rsp rsp;
	struct omfs_srv_fid *f = w->fid;
	int whence;
	loff_t pos;
	int err;

	switch (w->a.lseek.whence) {
	case OMFS_SEEK_END:
		whence = SEEK_END;
		break;
	case OMFS_SEEK_DATA:
		whence = SEEK_DATA;
		break;
	case OMFS_SEEK_HOLE:
		whence = SEEK_HOLE;
		break;
	default:
		return -EINVAL;
	}
	mutex_lock(&f->pos_lock);
	pos = vfs_llseek(f->file, w->a.lseek.offset, whence);
	mutex_unlock(&f->pos_lock);
	if (pos < 0)
		return pos;
	rsp.offset = pos;
	err = omfs_srv_rsp(w, OMFS_WIRE_LSEEK_RSP_LEN);
	if (!err)
		omfs_wire_put_lseek_rsp(w->rsp, &rsp);
	return err;
}

int omfs_srv_rx_lseek(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err;

	w = omfs_srv_begin(req, OMFS_WT_LSEEK, true, omfs_srv_exec_lseek);
	if (IS_ERR(w))
		return PTR_ERR(w);
	err = omfs_srv_use_fid(w, w->a.lseek.fid, BIT(OMFS_FID_OPEN));
	return omfs_srv_finish(w, err);
}

/* READDIR's packer: entries as the wire has them, up to .cap bytes. */
struct omfs_srv_readdir {
	struct dir_context ctx;
	u8 *buf;
	size_t cap, len;
	size_t last;			/* offset of the last entry put */
	unsigned int n;
	int err;
};

static bool omfs_srv_filldir(struct dir_context *ctx, const char *name,
			     int namelen, loff_t offset, u64 ino,
			     unsigned int type)
{
	struct omfs_srv_readdir *rd = container_of(ctx, struct omfs_srv_readdir,
						   ctx);
	struct omfs_wire_dirent de = {
		.ino = ino,
		.type = type,
		.namelen = namelen,
	};
	size_t size;

	/* A name the wire cannot carry (none of Linux's): left out. */
	if (namelen < 1 || namelen > OMFS_NAME_MAX)
		return true;
	size = omfs_wire_dirent_size(namelen);
	if (rd->len + size > rd->cap) {
		if (!rd->n)
			rd->err = -EINVAL;	/* as getdents(): no room */
		return false;
	}
	/* The entry before this one continues here. */
	if (rd->n)
		omfs_wire_set_dirent_next(rd->buf + rd->last, offset);
	omfs_wire_put_dirent(rd->buf + rd->len, &de, name);
	rd->last = rd->len;
	rd->len += size;
	rd->n++;
	return true;
}

static int omfs_srv_exec_readdir(struct omfs_srv_work *w)
{
	struct omfs_srv_readdir rd = {
		.ctx.actor = omfs_srv_filldir,
		.cap = w->a.readdir.maxbytes,
	};
	struct omfs_wire_len_rsp lr = {};
	struct omfs_srv_fid *f = w->fid;
	loff_t pos;
	int err;

	err = omfs_srv_rsp(w, OMFS_WIRE_LEN_RSP_LEN + rd.cap);
	if (err)
		return err;
	rd.buf = w->rsp + OMFS_WIRE_LEN_RSP_LEN;
	mutex_lock(&f->pos_lock);
	/* The cookie is the directory's own f_pos, as telldir() has it. */
	pos = vfs_llseek(f->file, w->a.readdir.cookie, SEEK_SET);
	if (pos < 0)
		err = pos;
	else
		err = iterate_dir(f->file, &rd.ctx);
	if (!err)
		err = rd.err;
	/* The last entry continues where the directory stopped. */
	if (!err && rd.n)
		omfs_wire_set_dirent_next(rd.buf + rd.last, f->file->f_pos);
	mutex_unlock(&f->pos_lock);
	if (err)
		return err;
	lr.len = rd.len;
	omfs_wire_put_len_rsp(w->rsp, &lr);
	w->rsp_len = OMFS_WIRE_LEN_RSP_LEN + rd.len;
	return 0;
}

int omfs_srv_rx_readdir(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err = 0;

	w = omfs_srv_begin(req, OMFS_WT_READDIR, true, omfs_srv_exec_readdir);
	if (IS_ERR(w))
		return PTR_ERR(w);
	if (w->a.readdir.maxbytes > OMFS_SRV_MAX_IO ||
	    w->a.readdir.cookie > LLONG_MAX)
		err = -EPROTO;
	if (!err)
		err = omfs_srv_use_fid(w, w->a.readdir.fid, BIT(OMFS_FID_OPEN));
	return omfs_srv_finish(w, err);
}


/* ------------------------------------------------------------------ */
/* Locks: LOCK, FLOCK (§7.5, §8.15)                                   */

/*
 * A lock on the server file @file, of the serving thread's pid as nfsd's
 * locks are: /proc/locks (and lslocks) of this node list it (they hide a
 * lock of pid 0), and this node's F_GETLK names a kernel thread, never
 * some unrelated process, nor 0 or -1, which kill(2) would take for a
 * process group or for everyone. The client's pid is kept in its owner,
 * for its own node's F_GETLK.
 */
static struct file_lock *omfs_srv_lock_new(struct file *file,
					   unsigned int flags, int type,
					   loff_t start, loff_t end)
{
	struct file_lock *fl = locks_alloc_lock();

	if (!fl)
		return NULL;
	om_fl_file(fl) = file;
	om_fl_flags(fl) = flags;
	om_fl_type(fl) = type;
	om_fl_pid(fl) = current->tgid;
	fl->fl_start = start;
	fl->fl_end = end;
	return fl;
}

static int omfs_srv_lock_type(u8 type)
{
	switch (type) {
	case OMFS_LK_RD:
		return F_RDLCK;
	case OMFS_LK_WR:
		return F_WRLCK;
	default:
		return F_UNLCK;
	}
}

/*
 * GETLK's answer from @fl as vfs_test_lock() left it: the conflicting
 * lock, or F_UNLCK. A holder that is an owner of a client (any
 * session's: the lock manager operations say so, and the copy holds a
 * reference to it) is on that client's node; its pid goes only to its
 * own session, the pid it sent when it last locked. Anyone else is a
 * holder on this node (a process, or an OFD lock or a lock of another
 * file system's lock manager), with pid 0: a pid of this node means
 * nothing on the client's.
 */
static void omfs_srv_lock_rsp(struct omfs_srv_work *w, struct file_lock *fl,
			      struct omfs_wire_lock_rsp *rsp)
{
	const struct omfs_srv_owner *o;

	memset(rsp, 0, sizeof(*rsp));
	rsp->start = w->a.lock.start;
	rsp->end = w->a.lock.end;
	rsp->type = OMFS_LK_UN;
	switch (om_fl_type(fl)) {
	case F_RDLCK:
		rsp->type = OMFS_LK_RD;
		break;
	case F_WRLCK:
		rsp->type = OMFS_LK_WR;
		break;
	default:
		return;
	}
	/* A file system's ->lock may say anything: the range as the wire has it. */
	rsp->start = clamp_t(loff_t, fl->fl_start, 0, OFFSET_MAX);
	rsp->end = clamp_t(loff_t, fl->fl_end, rsp->start, OFFSET_MAX);
	rsp->node = om_self_id();
	if (fl->fl_lmops == &omfs_srv_lmops) {
		o = om_fl_owner(fl);
		rsp->node = o->node;
		if (o->session == w->s->id)
			rsp->pid = READ_ONCE(o->pid);
	}
}

/*
 * LOCK: fcntl()'s F_GETLK and F_SETLK (F_OFD_* with OMFS_LK_OFD) on the
 * server file, never waiting: the client repeats SETLK for F_SETLKW.
 * A POSIX lock's owner is the session's object for the client's token
 * (made at its first lock, tracked by the fid it locks through, whose
 * close removes its locks on the inode); an OFD lock's is the server
 * file, as for fcntl(F_OFD_SETLK), and goes with it. As nfsd and lockd,
 * no security_file_lock() (not exported); the open was checked.
 */
static int omfs_srv_exec_lock(struct omfs_srv_work *w)
{
	const struct omfs_wire_lock *lk = &w->a.lock;
	struct file *file = w->fid->file;
	int type = omfs_srv_lock_type(lk->type);
	bool getlk = lk->cmd == OMFS_LK_GETLK;
	bool ofd = lk->flags & OMFS_LK_OFD;
	struct omfs_wire_lock_rsp rsp;
	struct omfs_srv_owner *o = NULL;
	struct file_lock *fl;
	int err;

	if (getlk) {
		/* fcntl_getlk(): RD or WR, whatever the open's mode. */
		if (type == F_UNLCK)
			return -EINVAL;
	} else if ((type == F_RDLCK && !(file->f_mode & FMODE_READ)) ||
		   (type == F_WRLCK && !(file->f_mode & FMODE_WRITE))) {
		return -EBADF;		/* check_fmode_for_setlk() */
	}
	if (ofd && !getlk && type != F_UNLCK)
		WRITE_ONCE(w->fid->ofd_locked, true);	/* the fid's close unlocks */
	if (!ofd) {
		/* Only a lock makes an owner: one that is not here holds none. */
		o = omfs_srv_owner_get(w->s, lk->owner,
				       !getlk && type != F_UNLCK);
		if (IS_ERR(o))
			return PTR_ERR(o);
		if (!o && !getlk)
			goto answer;	/* nothing to unlock */
	}
	err = -ENOLCK;			/* what fcntl() says without memory */
	fl = omfs_srv_lock_new(file, ofd ? FL_POSIX | FL_OFDLCK : FL_POSIX,
			       type, lk->start, lk->end);
	if (!fl)
		goto out;
	if (ofd) {
		om_fl_owner(fl) = file;	/* fcntl_setlk() for F_OFD_SETLK */
	} else if (getlk) {
		/* Not referenced: a lock of no one's. @w is no lock's owner. */
		om_fl_owner(fl) = o ? (fl_owner_t)o : (fl_owner_t)w;
	} else {
		/* Before the lock: the fid's close is what removes it. */
		if (type != F_UNLCK) {
			err = omfs_srv_fid_add_owner(w->fid, o);
			if (err) {
				locks_free_lock(fl);
				goto out;
			}
		}
		/* The request's own reference, which locks_free_lock() puts. */
		om_fl_owner(fl) = omfs_srv_lmops.lm_get_owner(o);
		fl->fl_lmops = &omfs_srv_lmops;
	}
	if (getlk) {
		err = vfs_test_lock(file, fl);
		if (!err)
			omfs_srv_lock_rsp(w, fl, &rsp);
	} else {
		/* F_SETLK: a conflict is -EAGAIN, nothing waits. */
		err = vfs_lock_file(file, F_SETLK, fl, NULL);
		if (!err && o && type != F_UNLCK)
			WRITE_ONCE(o->pid, lk->pid);
	}
	/* Puts the request's reference, or the conflict's (GETLK). */
	locks_free_lock(fl);
	if (err)
		goto out;
answer:
	if (!getlk) {
		/* SETLK's answer: no conflict, the range it was asked for. */
		memset(&rsp, 0, sizeof(rsp));
		rsp.start = lk->start;
		rsp.end = lk->end;
		rsp.type = OMFS_LK_UN;
	}
	err = omfs_srv_rsp(w, OMFS_WIRE_LOCK_RSP_LEN);
	if (!err)
		omfs_wire_put_lock_rsp(w->rsp, &rsp);
out:
	omfs_srv_owner_put(o);
	return err;
}

int omfs_srv_rx_lock(struct om_rpc_req *req)
{
	struct omfs_srv_work *w;
	int err;

	/* The codec checked cmd, type, flags and start <= end <= S64_MAX. */
	w = omfs_srv_begin(req, OMFS_WT_LOCK, true, omfs_srv_exec_lock);
	if (IS_ERR(w))
		return PTR_ERR(w);
	err = omfs_srv_use_fid(w, w->a.lock.fid, BIT(OMFS_FID_OPEN));
	return omfs_srv_finish(w, err);
}

/*
 * FLOCK: flock(2) with LOCK_NB on the server file, which owns the lock
 * (sys_flock(), whose flock_make_lock() is static): it excludes this
 * node's flock() users and every other client's open files, and goes
 * with the file. -EAGAIN (EWOULDBLOCK) on a conflict.
 */
int omfs_srv_flock(struct file *file, int type, bool close)
{
	struct file_lock *fl;
	int err;

	fl = omfs_srv_lock_new(file, close ? FL_FLOCK | FL_CLOSE : FL_FLOCK,
			       type, 0, OFFSET_MAX);
	if (!fl)
		return -ENOLCK;
	om_fl_owner(fl) = file;
	/* No FL_SLEEP: a conflict is -EAGAIN, nothing waits. */
	if (file->f_op->flock)
		err = file->f_op->flock(file, F_SETLK, fl);
	else
		err = locks_lock_file_wait(file, fl);
	locks_free_lock(fl);
	return err;
}

static int omfs_srv_exec_flock(struct omfs_srv_work *w)
{
	struct file *file = w->fid->file;
	int type;

	switch (w->a.fid.arg) {
	case OMFS_FL_SH:
		type = F_RDLCK;
		break;
	case OMFS_FL_EX:
		type = F_WRLCK;
		break;
	default:			/* OMFS_FL_UN: the codec knows no other */
		type = F_UNLCK;
		break;
	}
	if (type != F_UNLCK && !(file->f_mode & (FMODE_READ | FMODE_WRITE)))
		return -EBADF;
	if (type != F_UNLCK)
		WRITE_ONCE(w->fid->flocked, true);	/* the fid's close unlocks */
	return omfs_srv_flock(file, type, false);
}

int omfs_srv_rx_flock(struct om_rpc_req *req)
{
	return omfs_srv_rx_fid(req, OMFS_WT_FLOCK, omfs_srv_exec_flock,
			       BIT(OMFS_FID_OPEN));
}
