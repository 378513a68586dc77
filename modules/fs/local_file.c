// SPDX-License-Identifier: GPL-2.0
/*
 * Open files and directories of /mfs/<this node>/. Each holds the real
 * file it opened (private_data), in the caller's task and with the
 * caller's credentials, and everything goes to that: one page cache, one
 * pipe, one terminal and one set of locks with every local user of the
 * same file, with or without /mfs.
 */
#include "local.h"

#include <linux/compat.h>
#include <linux/fcntl.h>
#include <linux/fs_stack.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/security.h>
#include <linux/uio.h>

/*
 * may_open()'s checks that our mount and inode cannot make for the real
 * ones: ours is neither nodev nor noexec whatever the real mount is, and
 * our inode may not have caught an append-only flag set since it was
 * made. The rest (type, permission, O_NOATIME) the VFS made on ours.
 */
static int omfs_local_may_open(const struct path *real, unsigned int flags)
{
	struct inode *inode = d_inode(real->dentry);

	switch (inode->i_mode & S_IFMT) {
	case S_IFBLK:
	case S_IFCHR:
		if ((real->mnt->mnt_flags & MNT_NODEV) ||
		    (inode->i_sb->s_iflags & SB_I_NODEV))
			return -EACCES;
		break;
	case S_IFREG:
		if ((flags & __FMODE_EXEC) && omfs_local_noexec(real))
			return -EACCES;
		break;
	}
	if (IS_APPEND(inode)) {
		if ((flags & O_ACCMODE) != O_RDONLY && !(flags & O_APPEND))
			return -EPERM;
		if (flags & O_TRUNC)
			return -EPERM;
	}
	return 0;
}

/* Files of every type and directories. */
static int omfs_local_open(struct inode *inode, struct file *file)
{
	const struct path *real = omfs_local_real(file->f_path.dentry);
	struct file *rfile;
	int err;

	err = omfs_local_may_open(real, file->f_flags);
	if (err)
		return err;
	/* O_TRUNC is the VFS's to do, through ->setattr, after the open. */
	rfile = dentry_open(real, file->f_flags & ~(O_CREAT | O_EXCL | O_TRUNC),
			    current_cred());
	if (IS_ERR(rfile))
		return PTR_ERR(rfile);
	/* Running it makes its writers fail with ETXTBSY, /mfs or not. */
	if ((file->f_flags & __FMODE_EXEC) && S_ISREG(inode->i_mode)) {
		err = deny_write_access(rfile);
		if (err) {
			fput(rfile);
			return err;
		}
	}
	file->private_data = rfile;
	if (rfile->f_mode & FMODE_STREAM)
		stream_open(inode, file);
	else
		file->f_mode &= rfile->f_mode |
				~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE);
	file->f_mode |= rfile->f_mode & FMODE_CAN_ODIRECT;
	omfs_local_refresh(inode);
	return 0;
}

static int omfs_local_release_file(struct inode *inode, struct file *file)
{
	struct file *rfile = omfs_local_file(file);

	if ((file->f_flags & __FMODE_EXEC) && S_ISREG(inode->i_mode))
		allow_write_access(rfile);
	fput(rfile);
	return 0;
}

/*
 * fcntl(F_SETFL) changes our file's flags only; the real file must follow
 * before it is read or written (O_NONBLOCK for a pipe or a terminal,
 * O_DIRECT for a pipe's packets, O_APPEND and O_NOATIME for anything).
 */
#define OMFS_LOCAL_SETFL	(O_APPEND | O_NONBLOCK | O_NDELAY | O_DIRECT | \
				 O_NOATIME)

static int omfs_local_sync_flags(struct file *file, struct file *rfile)
{
	unsigned int flags = READ_ONCE(file->f_flags) & OMFS_LOCAL_SETFL;
	int err;

	if (likely(flags == (READ_ONCE(rfile->f_flags) & OMFS_LOCAL_SETFL)))
		return 0;
	if (rfile->f_op->check_flags) {
		err = rfile->f_op->check_flags(flags);
		if (err)
			return err;
	}
	spin_lock(&rfile->f_lock);
	rfile->f_flags = (rfile->f_flags & ~OMFS_LOCAL_SETFL) | flags;
	rfile->f_iocb_flags = iocb_flags(rfile);
	spin_unlock(&rfile->f_lock);
	return 0;
}

/*
 * The real file's kiocb for the caller's @iocb: its position, and the
 * flags that RWF_* may have set for this one call on top of the file's
 * own (which the real file has too: see omfs_local_sync_flags()). The
 * I/O is synchronous even when the caller's is not, which is allowed.
 */
#define OMFS_LOCAL_IOCB		(IOCB_APPEND | IOCB_DIRECT | IOCB_DSYNC | \
				 IOCB_SYNC | IOCB_NOWAIT)

static void omfs_local_kiocb(struct kiocb *rk, struct file *rfile,
			     const struct kiocb *iocb)
{
	init_sync_kiocb(rk, rfile);
	rk->ki_flags &= ~OMFS_LOCAL_IOCB;
	rk->ki_flags |= iocb->ki_flags & OMFS_LOCAL_IOCB;
	rk->ki_pos = iocb->ki_pos;
	rk->ki_ioprio = iocb->ki_ioprio;
}

/* A real file with ->read but no ->read_iter (some devices) gives EINVAL. */
static ssize_t omfs_local_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct file *rfile = omfs_local_file(file);
	struct kiocb rk;
	ssize_t ret;

	ret = omfs_local_sync_flags(file, rfile);
	if (ret)
		return ret;
	omfs_local_kiocb(&rk, rfile, iocb);
	ret = vfs_iocb_iter_read(rfile, &rk, to);
	iocb->ki_pos = rk.ki_pos;
	fsstack_copy_attr_atime(file_inode(file), file_inode(rfile));
	return ret;
}

/* O_APPEND appends on the real file, under its inode lock. */
static ssize_t omfs_local_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct file *rfile = omfs_local_file(file);
	struct kiocb rk;
	ssize_t ret;

	ret = omfs_local_sync_flags(file, rfile);
	if (ret)
		return ret;
	omfs_local_kiocb(&rk, rfile, iocb);
	ret = om_iocb_iter_write(rfile, &rk, from);
	iocb->ki_pos = rk.ki_pos;
	omfs_local_refresh(file_inode(file));
	return ret;
}

/*
 * Not iter_file_splice_write() on our file, which would take the real
 * file system's freeze protection (in our ->write_iter) under the pipe's
 * lock: the real splice, as ovl_splice_write() does, takes it first.
 */
static ssize_t omfs_local_splice_write(struct pipe_inode_info *pipe,
				       struct file *out, loff_t *ppos,
				       size_t len, unsigned int flags)
{
	struct file *rfile = omfs_local_file(out);
	ssize_t ret;

	if (!rfile->f_op->splice_write)
		return -EINVAL;
	ret = omfs_local_sync_flags(out, rfile);
	if (ret)
		return ret;
	file_start_write(rfile);
	ret = rfile->f_op->splice_write(pipe, rfile, ppos, len, flags);
	file_end_write(rfile);
	omfs_local_refresh(file_inode(out));
	return ret;
}

/*
 * Our f_pos is the one read and write move; the real file seeks from it,
 * so that SEEK_END, SEEK_DATA and SEEK_HOLE are the real file system's,
 * and a directory's positions are its cookies.
 */
static loff_t omfs_local_llseek(struct file *file, loff_t offset, int whence)
{
	struct file *rfile = omfs_local_file(file);
	loff_t ret;

	rfile->f_pos = file->f_pos;
	ret = vfs_llseek(rfile, offset, whence);
	file->f_pos = rfile->f_pos;
	return ret;
}

/*
 * The caller's own dir_context goes to the real directory: its entries,
 * inode numbers and positions (telldir() cookies) are the real ones.
 */
static int omfs_local_iterate(struct file *file, struct dir_context *ctx)
{
	struct file *rfile = omfs_local_file(file);
	loff_t pos;

	/* Always so, unless a seek failed half way. */
	if (rfile->f_pos != ctx->pos) {
		pos = vfs_llseek(rfile, ctx->pos, SEEK_SET);
		if (pos < 0)
			return pos;
	}
	return iterate_dir(rfile, ctx);
}

static int omfs_local_fsync(struct file *file, loff_t start, loff_t end,
			    int datasync)
{
	return vfs_fsync_range(omfs_local_file(file), start, end, datasync);
}

static long omfs_local_fallocate(struct file *file, int mode, loff_t offset,
				 loff_t len)
{
	int err;

	err = vfs_fallocate(omfs_local_file(file), mode, offset, len);
	omfs_local_refresh(file_inode(file));
	return err;
}

static int omfs_local_fadvise(struct file *file, loff_t offset, loff_t len,
			      int advice)
{
	return vfs_fadvise(omfs_local_file(file), offset, len, advice);
}

/*
 * The mapping becomes the real file's, as in ovl_mmap(): one page cache
 * with every other user of the file, so that a shared mapping and write()
 * see each other, and /proc/PID/maps names the real path.
 */
static int omfs_local_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct file *rfile = omfs_local_file(file);

	if (!rfile->f_op->mmap)
		return -ENODEV;
	/* do_mmap() asked our mount, which is never noexec. */
	if (omfs_local_noexec(&rfile->f_path)) {
		if (vma->vm_flags & VM_EXEC)
			return -EPERM;
		om_vm_flags_clear(vma, VM_MAYEXEC);
	}
	vma_set_file(vma, rfile);
	return call_mmap(rfile, vma);
}

static __poll_t omfs_local_poll(struct file *file, struct poll_table_struct *wait)
{
	return vfs_poll(omfs_local_file(file), wait);
}

/*
 * The mfs ioctls (select a node) on any file of the mount; every other
 * goes to the real file, after its own LSM check: a terminal opened
 * through /mfs is a terminal.
 */
static long omfs_local_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	struct file *rfile = omfs_local_file(file);
	long ret;

	ret = omfs_ioctl(file, cmd, arg);
	if (ret != -ENOTTY)
		return ret;
	ret = security_file_ioctl(rfile, cmd, arg);
	if (ret)
		return ret;
	return vfs_ioctl(rfile, cmd, arg);
}

static long omfs_local_compat_ioctl(struct file *file, unsigned int cmd,
				    unsigned long arg)
{
	struct file *rfile = omfs_local_file(file);
	long ret;

	ret = omfs_ioctl(file, cmd, (unsigned long)compat_ptr(arg));
	if (ret != -ENOTTY)
		return ret;
	if (!rfile->f_op->compat_ioctl)
		return -ENOIOCTLCMD;
	ret = security_file_ioctl_compat(rfile, cmd, arg);
	if (ret)
		return ret;
	return rfile->f_op->compat_ioctl(rfile, cmd, arg);
}

/*
 * POSIX and OFD locks (fcntl) live on the real inode, where every local
 * user of the file meets them; the request goes there as the real file's.
 * A POSIX lock keeps its owner, the caller's files_struct, and goes at any
 * close of the file by its owner (->flush). An OFD lock is owned by the
 * open file: the real one, so that it goes when that is released, with
 * ours. A conflict F_GETLK finds is copied into @fl, its file and owner
 * with it: that is the answer, left as it is.
 */
static int omfs_local_lock(struct file *file, int cmd, struct file_lock *fl)
{
	struct file *rfile = omfs_local_file(file);
	fl_owner_t owner = om_fl_owner(fl);
	int err;

	om_fl_file(fl) = rfile;
	if (om_fl_flags(fl) & FL_OFDLCK)
		om_fl_owner(fl) = rfile;
	if (IS_GETLK(cmd)) {
		err = vfs_test_lock(rfile, fl);
		if (om_fl_type(fl) != F_UNLCK)
			return err;
	} else {
		err = vfs_lock_file(rfile, cmd, fl, NULL);
	}
	om_fl_file(fl) = file;
	om_fl_owner(fl) = owner;
	return err;
}

/* flock() locks belong to the open file: the real one, as OFD locks. */
static int omfs_local_flock(struct file *file, int cmd, struct file_lock *fl)
{
	struct file *rfile = omfs_local_file(file);
	fl_owner_t owner = om_fl_owner(fl);
	int err;

	om_fl_file(fl) = rfile;
	om_fl_owner(fl) = rfile;
	if (rfile->f_op->flock)
		err = rfile->f_op->flock(rfile, cmd, fl);
	else
		err = locks_lock_file_wait(rfile, fl);
	om_fl_file(fl) = file;
	om_fl_owner(fl) = owner;
	return err;
}

/*
 * Every close() of a descriptor: what filp_close() does for the file it
 * closes, done for the real one, whose locks filp_close() cannot see.
 */
static int omfs_local_flush(struct file *file, fl_owner_t id)
{
	struct file *rfile = omfs_local_file(file);
	int err = 0;

	if (rfile->f_op->flush)
		err = rfile->f_op->flush(rfile, id);
	locks_remove_posix(rfile, id);
	return err;
}

const struct file_operations omfs_local_file_fops = {
	.open		= omfs_local_open,
	.release	= omfs_local_release_file,
	.llseek		= omfs_local_llseek,
	.read_iter	= omfs_local_read_iter,
	.write_iter	= omfs_local_write_iter,
	.splice_read	= OM_SPLICE_READ,
	.splice_write	= omfs_local_splice_write,
	.mmap		= omfs_local_mmap,
	.fsync		= omfs_local_fsync,
	.fallocate	= omfs_local_fallocate,
	.fadvise	= omfs_local_fadvise,
	.unlocked_ioctl	= omfs_local_ioctl,
	.compat_ioctl	= omfs_local_compat_ioctl,
	.flush		= omfs_local_flush,
	.lock		= omfs_local_lock,
	.flock		= omfs_local_flock,
	.setlease	= simple_nosetlease,
};

/*
 * Devices, FIFOs and sockets: the same, and poll (epoll refuses a file
 * without it, as it should a regular one).
 */
const struct file_operations omfs_local_special_fops = {
	.open		= omfs_local_open,
	.release	= omfs_local_release_file,
	.llseek		= omfs_local_llseek,
	.read_iter	= omfs_local_read_iter,
	.write_iter	= omfs_local_write_iter,
	.splice_read	= OM_SPLICE_READ,
	.splice_write	= omfs_local_splice_write,
	.poll		= omfs_local_poll,
	.mmap		= omfs_local_mmap,
	.fsync		= omfs_local_fsync,
	.unlocked_ioctl	= omfs_local_ioctl,
	.compat_ioctl	= omfs_local_compat_ioctl,
	.flush		= omfs_local_flush,
	.lock		= omfs_local_lock,
	.flock		= omfs_local_flock,
	.setlease	= simple_nosetlease,
};

const struct file_operations omfs_local_dir_fops = {
	.open		= omfs_local_open,
	.release	= omfs_local_release_file,
	.llseek		= omfs_local_llseek,
	.read		= generic_read_dir,
	.iterate_shared	= omfs_local_iterate,
	.fsync		= omfs_local_fsync,
	.unlocked_ioctl	= omfs_local_ioctl,
	.compat_ioctl	= omfs_local_compat_ioctl,
	.flush		= omfs_local_flush,
	.lock		= omfs_local_lock,
	.flock		= omfs_local_flock,
	.setlease	= simple_nosetlease,
};
