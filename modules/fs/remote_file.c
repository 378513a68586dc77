// SPDX-License-Identifier: GPL-2.0
/*
 * Open files and directories of another node (docs/design/omfs.md §8.6-8.9):
 * each holds an OPEN fid of the server's. Reads and writes go to the
 * server at once, in pieces of the session's max_io, and a write returns
 * when the server's write returned: no data is cached but the pages of
 * mmap and exec, which are never dirty.
 */
#include "remote_int.h"

#include <linux/bvec.h>
#include <linux/falloc.h>
#include <linux/highmem.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <uapi/linux/omfs.h>

/* One READDIR answer; a directory page of a local file system is 4 KiB. */
#define OMFS_READDIR_BYTES	(64u << 10)

u32 omfs_open_flags(unsigned int f_flags)
{
	u32 flags;

	switch (f_flags & O_ACCMODE) {
	case O_WRONLY:
		flags = OMFS_OF_WRONLY;
		break;
	case O_RDWR:
		flags = OMFS_OF_RDWR;
		break;
	default:
		flags = OMFS_OF_RDONLY;
		break;
	}
	if (f_flags & O_APPEND)
		flags |= OMFS_OF_APPEND;
	if (f_flags & O_TRUNC)
		flags |= OMFS_OF_TRUNC;
	if (f_flags & O_DIRECTORY)
		flags |= OMFS_OF_DIRECTORY;
	if (f_flags & O_NOATIME)
		flags |= OMFS_OF_NOATIME;
	if (f_flags & __FMODE_EXEC)
		flags |= OMFS_OF_EXEC;
	/* O_SYNC includes O_DSYNC's bit. */
	if (f_flags & __O_SYNC)
		flags |= OMFS_OF_SYNC;
	else if (f_flags & O_DSYNC)
		flags |= OMFS_OF_DSYNC;
	return flags;
}

void omfs_revalidate_pages(struct inode *inode, u64 change)
{
	struct omfs_inode *oi = OMFS_I(inode);

	if (oi->remote.change == change)
		return;
	oi->remote.change = change;
	if (inode->i_mapping->nrpages)
		invalidate_inode_pages2(inode->i_mapping);
}

/* An open file to be, with the fid its OPEN or CREATE is to make. */
struct omfs_rfile *omfs_rfile_alloc(struct omfs_session *s)
{
	struct omfs_rfile *rf = kmalloc(sizeof(*rf), GFP_KERNEL);
	int err;

	if (!rf)
		return ERR_PTR(-ENOMEM);
	err = omfs_fid_alloc(s, &rf->fid);
	if (err) {
		kfree(rf);
		return ERR_PTR(err);
	}
	return rf;
}

static int omfs_remote_open(struct inode *inode, struct file *file)
{
	struct omfs_session *s = omfs_rsess(inode);
	struct omfs_wire_open wo = {
		.fid = OMFS_I(inode)->remote.fid,
		.flags = omfs_open_flags(file->f_flags),
	};
	struct omfs_rfile *rf;
	struct omfs_wire_attr a;
	struct omfs_msg m;
	int err;

	rf = omfs_rfile_alloc(s);
	if (IS_ERR(rf))
		return PTR_ERR(rf);
	wo.newfid = rf->fid;
	err = omfs_msg_init(&m, OMFS_WIRE_OPEN_LEN, 0);
	if (err)
		goto err_fid;
	omfs_wire_put_open(omfs_msg_put(&m, OMFS_WIRE_OPEN_LEN), &wo);
	err = omfs_attr_call(inode, OMFS_WT_OPEN, &m, &a);
	if (err)
		goto err_fid;
	if (!omfs_same_object(inode, &a)) {
		omfs_fid_put(s, OMFS_I(inode)->remote.gen, rf->fid);
		err = -ESTALE;
		goto err_free;
	}
	omfs_remote_refresh(inode, &a);
	omfs_revalidate_pages(inode, a.change);
	file->private_data = rf;
	/* Every read and write goes to the server already: as NFS's O_DIRECT. */
	if (S_ISREG(inode->i_mode))
		file->f_mode |= FMODE_CAN_ODIRECT;
	return 0;

err_fid:
	omfs_fid_drop(s, OMFS_I(inode)->remote.gen, rf->fid, err);
err_free:
	kfree(rf);
	return err;
}

static int omfs_remote_release(struct inode *inode, struct file *file)
{
	struct omfs_rfile *rf = file->private_data;

	omfs_fid_put(omfs_rsess(inode), OMFS_I(inode)->remote.gen, rf->fid);
	kfree(rf);
	return 0;
}

static int omfs_remote_open_special(struct inode *inode, struct file *file)
{
	return -ENXIO;		/* another node's device, FIFO or socket */
}

/* A WRITE's data as the caller's own pages, sent without a copy. */
struct omfs_wpages {
	struct page **pages;
	struct bio_vec *bv;
	unsigned int nr;
	struct iov_iter it;
};

/*
 * The pieces of one read() or write() in flight at once. Two already hide
 * the round trip between the pieces of a 1 MiB call; a few more keep a
 * larger one streaming. Each holds one of the session's OMFS_MAX_INFLIGHT
 * slots, which one caller should not take from the others, and up to
 * max_io of memory.
 */
#define OMFS_IO_PIECES	4

/* A READ or WRITE of a read() or write(): its request, its byte count. */
struct omfs_iopiece {
	struct omfs_msg m;		/* until it is sent */
	struct omfs_acall ac;
	size_t rsp_len;			/* the longest answer it may have */
	size_t count;
	union {
		struct {		/* a READ's answer */
			struct om_rpc_resp resp;
			const u8 *data;
			ssize_t got;
		};
		struct {
			bool pinned;	/* a WRITE's data are the user's pages, */
			struct omfs_wpages w;	/* kept until the call is over */
		};
	};
};

/*
 * The pieces for a call of @count bytes: as many as its first round may
 * send, from the heap (four are over a kilobyte, too much for a stack
 * that may already be deep in a file system or a page fault).
 */
static struct omfs_iopiece *omfs_iopieces(struct inode *inode, size_t count,
					  unsigned int *max)
{
	size_t max_io = omfs_rsess(inode)->max_io;

	*max = min_t(size_t, OMFS_IO_PIECES, DIV_ROUND_UP(count, max_io));
	return kmalloc_array(*max, sizeof(struct omfs_iopiece), GFP_KERNEL);
}

/*
 * Sends the requests of @p[0..@n) (type @type) with the caller's cred,
 * which *@slot holds until omfs_cred_put() when any went: how many went,
 * or -errno when none did. The first may wait for one of the server's
 * slots, the others go only if one is free: the caller waits for its own
 * before it sends more. The messages are freed.
 *
 * The copies between the user's memory and the pieces are made before
 * and after, never while a piece holds its slots: a fault there may read
 * a page of another node's file (omfs_remote_read_folio()), with a cred
 * slot and a server slot of its own to get.
 */
static int omfs_io_start(struct inode *inode, u8 type, struct omfs_iopiece *p,
			 unsigned int n, struct omfs_cred_slot **slot)
{
	unsigned int i, sent = 0;
	int err;

	*slot = omfs_inode_cred_get(inode);
	err = PTR_ERR_OR_ZERO(*slot);
	while (!err && sent < n) {
		err = omfs_inode_call_start(inode, *slot, type, &p[sent].m,
					    p[sent].rsp_len, sent, &p[sent].ac);
		if (!err)
			sent++;
	}
	for (i = 0; i < n; i++)
		omfs_msg_free(&p[i].m);
	if (!sent && !IS_ERR(*slot))
		omfs_cred_put(*slot);
	return sent ?: err;
}

/* READ of up to @count bytes at @pos, as @p (max_io at most). */
static int omfs_read_msg(struct file *file, loff_t pos, size_t count,
			 struct omfs_iopiece *p)
{
	struct omfs_rfile *rf = file->private_data;
	struct omfs_wire_io io = { .offset = pos, .fid = rf->fid };
	int err;

	io.count = min_t(size_t, count, omfs_rsess(file_inode(file))->max_io);
	err = omfs_msg_init(&p->m, OMFS_WIRE_IO_LEN, 0);
	if (err)
		return err;
	omfs_wire_put_io(omfs_msg_put(&p->m, OMFS_WIRE_IO_LEN), &io);
	p->rsp_len = OMFS_WIRE_READ_RSP_LEN + io.count;
	p->count = io.count;
	return 0;
}

/*
 * The answer in @resp to READ @p: on success *@data points into @resp
 * (the caller frees it) and the byte count is returned.
 */
static ssize_t omfs_read_rsp(const struct omfs_iopiece *p,
			     struct om_rpc_resp *resp, const u8 **data)
{
	struct omfs_wire_read_rsp rr;

	if (omfs_wire_get_read_rsp(resp->data, resp->len, &rr) ||
	    rr.count > p->count ||
	    rr.count != resp->len - OMFS_WIRE_READ_RSP_LEN) {
		kvfree(resp->data);
		return -EIO;
	}
	*data = (const u8 *)resp->data + OMFS_WIRE_READ_RSP_LEN;
	return rr.count;
}

/* READ of up to @count bytes at @pos, as omfs_read_rsp() answers. */
static ssize_t omfs_read_call(struct file *file, loff_t pos, size_t count,
			      struct om_rpc_resp *resp, const u8 **data)
{
	struct omfs_iopiece p;
	int err;

	err = omfs_read_msg(file, pos, count, &p);
	if (err)
		return err;
	err = omfs_inode_call(file_inode(file), OMFS_WT_READ, &p.m, p.rsp_len,
			      resp);
	omfs_msg_free(&p.m);
	return err ?: omfs_read_rsp(&p, resp, data);
}

/*
 * Up to OMFS_IO_PIECES READs at once, as far as the size known here says
 * there is data (one piece at least: the file may have grown); then the
 * answers are copied out in order, up to the first short one: the end of
 * the file, or a fault.
 */
static ssize_t omfs_remote_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct inode *inode = file_inode(file);
	struct omfs_cred_slot *slot;
	unsigned int max, n, i;
	struct omfs_iopiece *p;
	bool counting = true;
	ssize_t done = 0;
	size_t left;
	loff_t pos;
	int err = 0;

	if (!iov_iter_count(to))
		return 0;
	p = omfs_iopieces(inode, iov_iter_count(to), &max);
	if (!p)
		return -ENOMEM;
	while (counting && iov_iter_count(to)) {
		pos = iocb->ki_pos;
		left = iov_iter_count(to);
		for (n = 0; n < max && left; n++) {
			if (n && pos >= i_size_read(inode))
				break;
			err = omfs_read_msg(file, pos, left, &p[n]);
			if (err)
				break;
			/* Not splice's: it holds the pipe's mutex. */
			p[n].m.patient = user_backed_iter(to);
			pos += p[n].count;
			left -= p[n].count;
		}
		if (!n)
			break;
		err = omfs_io_start(inode, OMFS_WT_READ, p, n, &slot);
		if (err < 0)
			break;
		n = err;
		err = 0;
		for (i = 0; i < n; i++) {
			p[i].got = omfs_call_wait(&p[i].ac, &p[i].resp);
			if (!p[i].got)
				p[i].got = omfs_read_rsp(&p[i], &p[i].resp,
							 &p[i].data);
		}
		omfs_cred_put(slot);
		for (i = 0; i < n; i++) {
			if (p[i].got < 0) {
				if (counting)
					err = p[i].got;
				counting = false;
				continue;
			}
			if (counting) {
				size_t c = copy_to_iter(p[i].data, p[i].got, to);

				iocb->ki_pos += c;
				done += c;
				if (!c && p[i].got)
					err = -EFAULT;
				counting = c == p[i].count;
			}
			om_rpc_resp_free(omfs_rsess(inode)->node, &p[i].resp);
		}
	}
	kfree(p);
	return done ?: err;
}

/*
 * How much of @count bytes may be written at @pos: the caller's file size
 * limit (SIGXFSZ past it) and the file's, as generic_write_checks() has
 * them (its helper is exported from 6.12 on only). An append's offset is
 * the server's to choose, and its own checks apply there.
 */
static ssize_t omfs_write_limit(struct kiocb *iocb, size_t count)
{
	struct file *file = iocb->ki_filp;
	loff_t max = file_inode(file)->i_sb->s_maxbytes;
	unsigned long limit = rlimit(RLIMIT_FSIZE);
	loff_t pos = iocb->ki_pos;

	if (iocb->ki_flags & IOCB_APPEND)
		return count;
	if (pos < 0)
		return -EINVAL;
	if (limit != RLIM_INFINITY) {
		if (pos >= limit) {
			send_sig(SIGXFSZ, current, 0);
			return -EFBIG;
		}
		count = min_t(u64, count, limit - pos);
	}
	if (!(file->f_flags & O_LARGEFILE))
		max = MAX_NON_LFS;
	if (pos >= max)
		return -EFBIG;
	return min_t(u64, count, max - pos);
}

static void omfs_wpages_put(struct omfs_wpages *w)
{
	unsigned int i;

	for (i = 0; i < w->nr; i++)
		put_page(w->pages[i]);
	kvfree(w->pages);
}

/*
 * Takes references to the user pages of the next up to @count bytes of
 * @from, advancing it over them: 0 with @w->it over those bytes (fewer at
 * a fault), or -errno with nothing taken, and the caller copies: below a
 * page, where a copy is cheaper; from a kernel iterator, whose pages may
 * be slab memory a socket must not reference; and for iovecs so small
 * and many that their pages do not fit one page array, which would cut
 * the piece short (and an O_APPEND write up to max_io must be one piece).
 */
static int omfs_wpages_get(struct omfs_wpages *w, struct iov_iter *from,
			   size_t count)
{
	unsigned int max = DIV_ROUND_UP(count, PAGE_SIZE) + 1, i;
	size_t got = 0, off, len;
	bool fault = false;
	ssize_t n;

	if (count < PAGE_SIZE || !user_backed_iter(from))
		return -EOPNOTSUPP;
	w->pages = kvmalloc_array(max, sizeof(*w->pages) + sizeof(*w->bv),
				  GFP_KERNEL);
	if (!w->pages)
		return -ENOMEM;
	w->bv = (struct bio_vec *)(w->pages + max);
	w->nr = 0;
	/* One call takes one iovec's pages. */
	while (got < count && w->nr < max) {
		n = iov_iter_get_pages2(from, w->pages + w->nr, count - got,
					max - w->nr, &off);
		if (n <= 0) {
			fault = true;	/* what came is the piece */
			break;
		}
		got += n;
		for (i = w->nr; n; i++, off = 0) {
			len = min_t(size_t, n, PAGE_SIZE - off);
			bvec_set_page(&w->bv[i], w->pages[i], len, off);
			n -= len;
		}
		w->nr = i;
	}
	if (!got || (got < count && !fault)) {	/* nothing, or out of room */
		iov_iter_revert(from, got);
		omfs_wpages_put(w);
		return got ? -E2BIG : -EFAULT;
	}
	iov_iter_bvec(&w->it, ITER_SOURCE, w->bv, w->nr, got);
	return 0;
}

/*
 * WRITE of the next up to max_io bytes of @from at @pos (at the server's
 * end of file for an append), as @p: sent from the caller's pages when
 * they are user memory, else copied.
 */
static int omfs_write_msg(struct kiocb *iocb, struct iov_iter *from,
			  loff_t pos, struct omfs_iopiece *p)
{
	struct file *file = iocb->ki_filp;
	struct omfs_rfile *rf = file->private_data;
	struct omfs_wire_io io = { .offset = pos, .fid = rf->fid };
	size_t copied;
	int err;

	io.count = min_t(size_t, iov_iter_count(from),
			 omfs_rsess(file_inode(file))->max_io);
	if (iocb->ki_flags & IOCB_APPEND) {
		io.flags |= OMFS_IO_APPEND;
		io.offset = 0;
	}
	if (iocb->ki_flags & IOCB_SYNC)
		io.flags |= OMFS_IO_SYNC;
	else if (iocb->ki_flags & IOCB_DSYNC)
		io.flags |= OMFS_IO_DSYNC;
	p->pinned = !omfs_wpages_get(&p->w, from, io.count);
	if (p->pinned)
		io.count = iov_iter_count(&p->w.it);	/* a fault partway */
	err = omfs_msg_init(&p->m, OMFS_WIRE_IO_LEN, p->pinned ? 0 : io.count);
	if (err) {
		if (p->pinned) {
			iov_iter_revert(from, io.count);
			omfs_wpages_put(&p->w);
		}
		return err;
	}
	omfs_msg_put(&p->m, OMFS_WIRE_IO_LEN);
	/* Not splice's (it holds the pipe's mutex), nor a core dump's. */
	p->m.patient = user_backed_iter(from);
	if (p->pinned) {
		p->m.pages = &p->w.it;
	} else {
		copied = copy_from_iter(omfs_msg_put(&p->m, io.count), io.count,
					from);
		if (!copied) {
			omfs_msg_free(&p->m);
			return -EFAULT;
		}
		if (copied < io.count) {	/* a fault partway: send what came */
			p->m.len -= io.count - copied;
			io.count = copied;
		}
	}
	omfs_wire_put_io(p->m.buf + OMFS_WIRE_REQ_LEN, &io);
	p->rsp_len = OMFS_WIRE_WRITE_RSP_LEN;
	p->count = io.count;
	return 0;
}

/*
 * The user pages of WRITE @p, once it is over: until then the socket may
 * send from them (om_rpc_call_pages()).
 */
static void omfs_write_piece_put(struct omfs_iopiece *p)
{
	if (p->pinned)
		omfs_wpages_put(&p->w);
}

/*
 * The answer to WRITE @p: the count written, and in *@end the file
 * position after it. The size the server reports, and pages of mmap that
 * no longer hold what the file does, follow every answer, whether the
 * write() counts its bytes or not: the file changed.
 */
static ssize_t omfs_write_wait(struct inode *inode, struct omfs_iopiece *p,
			       loff_t *end)
{
	struct omfs_wire_write_rsp wr;
	struct om_rpc_resp resp;
	int err;

	err = omfs_call_wait(&p->ac, &resp);
	if (err)
		return err;
	err = omfs_wire_get_write_rsp(resp.data, resp.len, &wr);
	kvfree(resp.data);
	if (err || wr.count > p->count || wr.pos < wr.count ||
	    wr.pos > inode->i_sb->s_maxbytes)
		return -EIO;
	i_size_write(inode, wr.size);
	omfs_revalidate_pages(inode, wr.change);
	*end = wr.pos;
	return wr.count;
}

/*
 * Each piece is one WRITE, executed by the server's write() at once, and
 * up to OMFS_IO_PIECES of them are in flight together (the server runs
 * them in parallel: each is a positioned write of its own range). The
 * write() returns when every piece it sent was answered: what returned
 * here is what any node reads next. It counts the bytes written from its
 * start up to the first piece that failed or came short; pieces after
 * that one may have reached the file all the same, as NFS's may.
 *
 * An O_APPEND write of up to max_io bytes is appended in one piece under
 * the server's inode lock, atomically against every other writer of the
 * file on any node. Its pieces go one at a time: each one's offset is
 * the end of file the one before left, and none may pass another.
 */
static ssize_t omfs_remote_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	unsigned int max, n, sent, i;
	ssize_t count, done = 0, ret;
	struct omfs_iopiece *p;
	struct omfs_cred_slot *slot;
	int err = 0, msg_err = 0;
	size_t taken = 0, unsent;
	bool counting = true;
	loff_t pos, end;

	if (iocb->ki_flags & IOCB_NOWAIT)
		return -EAGAIN;		/* every write waits for the server */
	count = omfs_write_limit(iocb, iov_iter_count(from));
	if (count <= 0)
		return count;
	iov_iter_truncate(from, count);
	p = omfs_iopieces(inode, count, &max);
	if (!p)
		return -ENOMEM;
	if (iocb->ki_flags & IOCB_APPEND)
		max = 1;
	while (counting && !msg_err && iov_iter_count(from)) {
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		pos = iocb->ki_pos;
		for (n = 0; n < max && iov_iter_count(from); n++) {
			msg_err = omfs_write_msg(iocb, from, pos, &p[n]);
			if (msg_err)
				break;
			pos += p[n].count;
		}
		if (!n) {
			err = msg_err;
			break;
		}
		ret = omfs_io_start(inode, OMFS_WT_WRITE, p, n, &slot);
		sent = ret < 0 ? 0 : ret;
		/* Those that did not go are the next round's, copied again. */
		for (unsent = 0, i = sent; i < n; i++) {
			unsent += p[i].count;
			omfs_write_piece_put(&p[i]);
		}
		iov_iter_revert(from, unsent);
		if (sent < n)
			msg_err = 0;	/* of a piece after those */
		if (ret < 0) {
			err = ret;
			break;
		}
		for (i = 0; i < sent; i++) {
			taken += p[i].count;
			/* Killed: the pieces still in flight are given up. */
			if (!counting && fatal_signal_pending(current)) {
				omfs_call_cancel(&p[i].ac);
				omfs_write_piece_put(&p[i]);
				continue;
			}
			ret = omfs_write_wait(inode, &p[i], &end);
			omfs_write_piece_put(&p[i]);
			if (counting && ret > 0) {
				done += ret;
				iocb->ki_pos = end;
			}
			if (counting && ret != p[i].count) {
				counting = false;
				if (ret < 0)
					err = ret;
			}
			if (fatal_signal_pending(current))
				counting = false;
		}
		omfs_cred_put(slot);
	}
	kfree(p);
	/* What was taken from @from but not written goes back. */
	iov_iter_revert(from, taken - done);
	/* The earliest error, where nothing was written. */
	return done ?: err;
}

static int omfs_remote_fsync(struct file *file, loff_t start, loff_t end,
			     int datasync)
{
	struct inode *inode = file_inode(file);
	struct omfs_rfile *rf = file->private_data;
	struct omfs_wire_fsync fs = {
		.start = start,
		.end = end,
		.fid = rf->fid,
		.flags = datasync ? OMFS_FSYNC_DATASYNC : 0,
	};
	struct omfs_msg m;
	int err;

	if (start < 0 || end < start)
		return -EINVAL;
	err = omfs_msg_init(&m, OMFS_WIRE_FSYNC_LEN, 0);
	if (err)
		return err;
	omfs_wire_put_fsync(omfs_msg_put(&m, OMFS_WIRE_FSYNC_LEN), &fs);
	m.patient = true;	/* no lock of ours is held for ->fsync() */
	return omfs_empty_call(inode, OMFS_WT_FSYNC, &m);
}

static long omfs_remote_fallocate(struct file *file, int mode, loff_t offset,
				  loff_t len)
{
	struct inode *inode = file_inode(file);
	struct omfs_rfile *rf = file->private_data;
	struct omfs_wire_fallocate fa = {
		.offset = offset,
		.len = len,
		.fid = rf->fid,
		.mode = mode,
	};
	struct omfs_wire_attr a;
	struct omfs_msg m;
	int err;

	/* The modes the wire knows are Linux's; a newer one stays here. */
	if (mode & ~__OMFS_FA_ALL)
		return -EOPNOTSUPP;
	err = omfs_msg_init(&m, OMFS_WIRE_FALLOCATE_LEN, 0);
	if (err)
		return err;
	omfs_wire_put_fallocate(omfs_msg_put(&m, OMFS_WIRE_FALLOCATE_LEN), &fa);
	err = omfs_attr_call(inode, OMFS_WT_FALLOCATE, &m, &a);
	if (err)
		return err;
	omfs_remote_refresh(inode, &a);
	omfs_revalidate_pages(inode, a.change);
	return 0;
}

static loff_t omfs_remote_llseek(struct file *file, loff_t offset, int whence)
{
	struct inode *inode = file_inode(file);
	struct omfs_rfile *rf = file->private_data;
	struct omfs_wire_lseek ls = { .offset = offset, .fid = rf->fid,
				      .whence = whence };
	struct omfs_wire_lseek_rsp lr;
	struct omfs_wire_attr a;
	struct om_rpc_resp resp;
	struct omfs_msg m;
	loff_t pos;
	int err;

	switch (whence) {
	case SEEK_SET:
	case SEEK_CUR:
		return generic_file_llseek_size(file, offset, whence,
						inode->i_sb->s_maxbytes, 0);
	case SEEK_END:
		err = omfs_getattr_fid(inode, &a);	/* the size now */
		if (err)
			return err;
		return generic_file_llseek_size(file, offset, whence,
						inode->i_sb->s_maxbytes,
						i_size_read(inode));
	case SEEK_DATA:
	case SEEK_HOLE:
		break;
	default:
		return -EINVAL;
	}
	err = omfs_msg_init(&m, OMFS_WIRE_LSEEK_LEN, 0);
	if (err)
		return err;
	omfs_wire_put_lseek(omfs_msg_put(&m, OMFS_WIRE_LSEEK_LEN), &ls);
	err = omfs_inode_call(inode, OMFS_WT_LSEEK, &m, OMFS_WIRE_LSEEK_RSP_LEN,
			      &resp);
	omfs_msg_free(&m);
	if (err)
		return err;
	pos = omfs_wire_get_lseek_rsp(resp.data, resp.len, &lr) ? -EIO : lr.offset;
	kvfree(resp.data);
	if (pos < 0)
		return pos;
	return vfs_setpos(file, pos, inode->i_sb->s_maxbytes);
}

static int omfs_remote_iterate(struct file *file, struct dir_context *ctx)
{
	struct inode *inode = file_inode(file);
	struct omfs_rfile *rf = file->private_data;
	struct omfs_wire_readdir rd = { .fid = rf->fid,
					.maxbytes = OMFS_READDIR_BYTES };
	struct omfs_wire_dirent_view de;
	struct omfs_wire_len_rsp lr;
	struct om_rpc_resp resp;
	struct omfs_msg m;
	size_t off;
	int err;

	for (;;) {
		rd.cookie = ctx->pos;
		err = omfs_msg_init(&m, OMFS_WIRE_READDIR_LEN, 0);
		if (err)
			return err;
		omfs_wire_put_readdir(omfs_msg_put(&m, OMFS_WIRE_READDIR_LEN),
				      &rd);
		err = omfs_inode_call(inode, OMFS_WT_READDIR, &m,
				      OMFS_WIRE_LEN_RSP_LEN + rd.maxbytes,
				      &resp);
		omfs_msg_free(&m);
		if (err)
			return err;
		if (omfs_wire_get_len_rsp(resp.data, resp.len, &lr) ||
		    lr.len != resp.len - OMFS_WIRE_LEN_RSP_LEN ||
		    omfs_wire_check_dirents((u8 *)resp.data +
					    OMFS_WIRE_LEN_RSP_LEN, lr.len)) {
			kvfree(resp.data);
			return -EIO;
		}
		if (!lr.len) {
			kvfree(resp.data);
			return 0;	/* the end */
		}
		/* Every entry was checked above, before any is emitted. */
		off = 0;
		while (omfs_wire_next_dirent((u8 *)resp.data +
					     OMFS_WIRE_LEN_RSP_LEN, lr.len,
					     &off, &de) > 0) {
			if (!dir_emit(ctx, de.name, de.namelen, de.ino,
				      de.type)) {
				kvfree(resp.data);
				return 0;
			}
			ctx->pos = de.next;
		}
		kvfree(resp.data);
	}
}

/* ------------------------------------------------------------------ */
/* mmap and exec                                                      */

static int omfs_remote_read_folio(struct file *file, struct folio *folio)
{
	struct om_rpc_resp resp;
	size_t len = folio_size(folio), done = 0;
	loff_t pos = folio_pos(folio);
	const u8 *data;
	ssize_t n;
	int err = 0;

	while (done < len) {
		/* A page at a time: kmap_local_folio() maps one. */
		size_t chunk = min(len - done, PAGE_SIZE - offset_in_page(done));
		void *kaddr;

		n = omfs_read_call(file, pos + done, chunk, &resp, &data);
		if (n <= 0) {
			err = n;
			break;
		}
		kaddr = kmap_local_folio(folio, done);
		memcpy(kaddr, data, n);
		kunmap_local(kaddr);
		kvfree(resp.data);
		done += n;
		if (n < chunk)
			break;		/* the end of the file */
	}
	if (!err) {
		folio_zero_segment(folio, done, len);	/* past the end */
		folio_mark_uptodate(folio);
	}
	folio_unlock(folio);
	return err;
}

static const struct vm_operations_struct omfs_remote_vm_ops = {
	.fault		= filemap_fault,
	.map_pages	= filemap_map_pages,
};

/*
 * Private mappings (exec's included) and shared read-only ones, from a
 * page cache checked at open. A shared writable mapping would need writes
 * to go back to the server page by page: refused, as FUSE does for
 * direct I/O files.
 */
static int omfs_remote_mmap(struct file *file, struct vm_area_struct *vma)
{
	if ((vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_WRITE))
		return -ENODEV;
	if (vma->vm_flags & VM_SHARED)
		om_vm_flags_clear(vma, VM_MAYWRITE);
	file_accessed(file);
	vma->vm_ops = &omfs_remote_vm_ops;
	return 0;
}

const struct file_operations omfs_remote_dir_fops = {
	.open		= omfs_remote_open,
	.release	= omfs_remote_release,
	.iterate_shared	= omfs_remote_iterate,
	.fsync		= omfs_remote_fsync,
	.lock		= omfs_remote_lock,
	.flock		= omfs_remote_flock,
	.setlease	= simple_nosetlease,
	.llseek		= generic_file_llseek,
	.read		= generic_read_dir,
	.unlocked_ioctl	= omfs_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

const struct file_operations omfs_remote_file_fops = {
	.open		= omfs_remote_open,
	.release	= omfs_remote_release,
	.read_iter	= omfs_remote_read_iter,
	.write_iter	= omfs_remote_write_iter,
	.fsync		= omfs_remote_fsync,
	.fallocate	= omfs_remote_fallocate,
	.llseek		= omfs_remote_llseek,
	.mmap		= omfs_remote_mmap,
	.lock		= omfs_remote_lock,
	.flock		= omfs_remote_flock,
	.setlease	= simple_nosetlease,
	.splice_read	= OM_SPLICE_READ,
	.splice_write	= iter_file_splice_write,
	.unlocked_ioctl	= omfs_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

const struct file_operations omfs_remote_special_fops = {
	.open		= omfs_remote_open_special,
};

const struct address_space_operations omfs_remote_aops = {
	.read_folio	= omfs_remote_read_folio,
};

