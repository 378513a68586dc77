// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The omfs wire protocol of include/openmosix/omfs_wire.h. Each struct has
 * one transfer routine that names its fields in order, used both ways, so
 * that encoder and decoder cannot disagree (XDR's, and 9p's protocol.c's,
 * idea); a field's place on the wire is its offset in the C struct, which
 * the _Static_asserts below pin to the documented layout. Decoders check
 * the length first, then every rule, and fill their output only on
 * success. The same file builds in omfs and in omlib, so it is unit-tested
 * and fuzzed in userspace.
 */
#include <openmosix/omfs_wire.h>

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/stddef.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#endif

/* Kernel-internal errnos (include/linux/errno.h), for the userspace build. */
#ifndef ERESTARTSYS
#define ERESTARTSYS		512
#define ERESTARTNOINTR		513
#define ERESTARTNOHAND		514
#define ENOIOCTLCMD		515
#define ERESTART_RESTARTBLOCK	516
#define EOPENSTALE		518
#define ENOTSUPP		524
#define EBADTYPE		527
#endif
#define OMFS_MAX_ERRNO		4095
#define OMFS_FIRST_INTERNAL	512	/* errnos from here on never leave a kernel */

#define OMFS_S64_MAX		(~0ULL >> 1)
#define OMFS_NSEC_PER_SEC	1000000000u

/* Linux's file types and permission bits, as the wire carries them. */
#define OMFS_S_IFMT		0170000u
#define OMFS_S_IFSOCK		0140000u
#define OMFS_S_IFLNK		0120000u
#define OMFS_S_IFREG		0100000u
#define OMFS_S_IFBLK		0060000u
#define OMFS_S_IFDIR		0040000u
#define OMFS_S_IFCHR		0020000u
#define OMFS_S_IFIFO		0010000u
#define OMFS_S_IALLUGO		07777u
#define OMFS_UMASK_BITS		0777u

#define OMFS_WIRE_SIZE(type, len) \
	_Static_assert(sizeof(struct type) == (len), #type " != " #len)
#define OMFS_WIRE_AT(type, field, off) \
	_Static_assert(offsetof(struct type, field) == (off), \
		       #type "." #field " is not at byte " #off)

OMFS_WIRE_SIZE(omfs_wire_req, OMFS_WIRE_REQ_LEN);
OMFS_WIRE_AT(omfs_wire_req, cred, 8);
OMFS_WIRE_AT(omfs_wire_req, flags, 12);

OMFS_WIRE_SIZE(omfs_wire_attr, OMFS_WIRE_ATTR_LEN);
OMFS_WIRE_AT(omfs_wire_attr, change, 32);
OMFS_WIRE_AT(omfs_wire_attr, atime_sec, 40);
OMFS_WIRE_AT(omfs_wire_attr, btime_sec, 64);
OMFS_WIRE_AT(omfs_wire_attr, rdev, 72);
OMFS_WIRE_AT(omfs_wire_attr, atime_nsec, 80);
OMFS_WIRE_AT(omfs_wire_attr, btime_nsec, 92);
OMFS_WIRE_AT(omfs_wire_attr, mode, 96);
OMFS_WIRE_AT(omfs_wire_attr, nlink, 100);
OMFS_WIRE_AT(omfs_wire_attr, uid, 104);
OMFS_WIRE_AT(omfs_wire_attr, gid, 108);
OMFS_WIRE_AT(omfs_wire_attr, blksize, 112);
OMFS_WIRE_AT(omfs_wire_attr, generation, 116);
OMFS_WIRE_AT(omfs_wire_attr, mask, 120);
OMFS_WIRE_AT(omfs_wire_attr, attributes, 124);

OMFS_WIRE_SIZE(omfs_wire_attach, OMFS_WIRE_ATTACH_LEN);
OMFS_WIRE_AT(omfs_wire_attach, root_fid, 8);
OMFS_WIRE_AT(omfs_wire_attach, version_min, 16);
OMFS_WIRE_AT(omfs_wire_attach, reserved, 20);
OMFS_WIRE_SIZE(omfs_wire_attach_rsp, OMFS_WIRE_ATTACH_RSP_LEN);
OMFS_WIRE_AT(omfs_wire_attach_rsp, features, 24);
OMFS_WIRE_AT(omfs_wire_attach_rsp, version, 28);
OMFS_WIRE_AT(omfs_wire_attach_rsp, root, 32);

OMFS_WIRE_SIZE(omfs_wire_cred, OMFS_WIRE_CRED_LEN);
OMFS_WIRE_AT(omfs_wire_cred, id, 8);
OMFS_WIRE_AT(omfs_wire_cred, ngroups, 20);
OMFS_WIRE_SIZE(omfs_wire_clunk, OMFS_WIRE_CLUNK_LEN);
OMFS_WIRE_SIZE(omfs_wire_lookup, OMFS_WIRE_LOOKUP_LEN);
OMFS_WIRE_AT(omfs_wire_lookup, namelen, 8);
OMFS_WIRE_AT(omfs_wire_lookup, reserved2, 12);
OMFS_WIRE_SIZE(omfs_wire_fid, OMFS_WIRE_FID_LEN);
OMFS_WIRE_SIZE(omfs_wire_setattr, OMFS_WIRE_SETATTR_LEN);
OMFS_WIRE_AT(omfs_wire_setattr, fid, 24);
OMFS_WIRE_AT(omfs_wire_setattr, valid, 32);
OMFS_WIRE_AT(omfs_wire_setattr, mtime_nsec, 52);
OMFS_WIRE_SIZE(omfs_wire_open, OMFS_WIRE_OPEN_LEN);
OMFS_WIRE_AT(omfs_wire_open, flags, 8);
OMFS_WIRE_SIZE(omfs_wire_create, OMFS_WIRE_CREATE_LEN);
OMFS_WIRE_AT(omfs_wire_create, umask, 20);
OMFS_WIRE_AT(omfs_wire_create, namelen, 24);
OMFS_WIRE_AT(omfs_wire_create, reserved2, 28);
OMFS_WIRE_SIZE(omfs_wire_create_rsp, OMFS_WIRE_CREATE_RSP_LEN);
OMFS_WIRE_AT(omfs_wire_create_rsp, attr, 8);
OMFS_WIRE_SIZE(omfs_wire_io, OMFS_WIRE_IO_LEN);
OMFS_WIRE_AT(omfs_wire_io, fid, 8);
OMFS_WIRE_AT(omfs_wire_io, flags, 16);
OMFS_WIRE_SIZE(omfs_wire_read_rsp, OMFS_WIRE_READ_RSP_LEN);
OMFS_WIRE_SIZE(omfs_wire_write_rsp, OMFS_WIRE_WRITE_RSP_LEN);
OMFS_WIRE_AT(omfs_wire_write_rsp, count, 24);
OMFS_WIRE_SIZE(omfs_wire_fsync, OMFS_WIRE_FSYNC_LEN);
OMFS_WIRE_AT(omfs_wire_fsync, fid, 16);
OMFS_WIRE_SIZE(omfs_wire_lseek, OMFS_WIRE_LSEEK_LEN);
OMFS_WIRE_AT(omfs_wire_lseek, whence, 12);
OMFS_WIRE_SIZE(omfs_wire_lseek_rsp, OMFS_WIRE_LSEEK_RSP_LEN);
OMFS_WIRE_SIZE(omfs_wire_fallocate, OMFS_WIRE_FALLOCATE_LEN);
OMFS_WIRE_AT(omfs_wire_fallocate, mode, 20);
OMFS_WIRE_SIZE(omfs_wire_readdir, OMFS_WIRE_READDIR_LEN);
OMFS_WIRE_AT(omfs_wire_readdir, maxbytes, 12);
/* The one struct with a name after it: 18 bytes on the wire, 24 in C. */
OMFS_WIRE_AT(omfs_wire_dirent, next, 8);
OMFS_WIRE_AT(omfs_wire_dirent, type, 16);
OMFS_WIRE_AT(omfs_wire_dirent, namelen, OMFS_WIRE_DIRENT_LEN - 1);
OMFS_WIRE_SIZE(omfs_wire_mkdir, OMFS_WIRE_MKDIR_LEN);
OMFS_WIRE_AT(omfs_wire_mkdir, namelen, 16);
OMFS_WIRE_SIZE(omfs_wire_mknod, OMFS_WIRE_MKNOD_LEN);
OMFS_WIRE_AT(omfs_wire_mknod, dirfid, 8);
OMFS_WIRE_AT(omfs_wire_mknod, namelen, 24);
OMFS_WIRE_SIZE(omfs_wire_symlink, OMFS_WIRE_SYMLINK_LEN);
OMFS_WIRE_AT(omfs_wire_symlink, targetlen, 10);
OMFS_WIRE_SIZE(omfs_wire_link, OMFS_WIRE_LINK_LEN);
OMFS_WIRE_AT(omfs_wire_link, namelen, 12);
OMFS_WIRE_SIZE(omfs_wire_unlink, OMFS_WIRE_UNLINK_LEN);
OMFS_WIRE_AT(omfs_wire_unlink, namelen, 4);
OMFS_WIRE_SIZE(omfs_wire_rename, OMFS_WIRE_RENAME_LEN);
OMFS_WIRE_AT(omfs_wire_rename, oldlen, 12);
OMFS_WIRE_AT(omfs_wire_rename, newlen, 14);
OMFS_WIRE_SIZE(omfs_wire_statfs_rsp, OMFS_WIRE_STATFS_RSP_LEN);
OMFS_WIRE_AT(omfs_wire_statfs_rsp, bsize, 56);
OMFS_WIRE_AT(omfs_wire_statfs_rsp, flags, 68);
OMFS_WIRE_SIZE(omfs_wire_xattr, OMFS_WIRE_XATTR_LEN);
OMFS_WIRE_AT(omfs_wire_xattr, namelen, 12);
OMFS_WIRE_SIZE(omfs_wire_len_rsp, OMFS_WIRE_LEN_RSP_LEN);
OMFS_WIRE_SIZE(omfs_wire_rmxattr, OMFS_WIRE_RMXATTR_LEN);
OMFS_WIRE_AT(omfs_wire_rmxattr, namelen, 4);
OMFS_WIRE_SIZE(omfs_wire_lock, OMFS_WIRE_LOCK_LEN);
OMFS_WIRE_AT(omfs_wire_lock, fid, 24);
OMFS_WIRE_AT(omfs_wire_lock, cmd, 32);
OMFS_WIRE_AT(omfs_wire_lock, type, 33);
OMFS_WIRE_AT(omfs_wire_lock, flags, 34);
OMFS_WIRE_AT(omfs_wire_lock, reserved, 36);
OMFS_WIRE_SIZE(omfs_wire_lock_rsp, OMFS_WIRE_LOCK_RSP_LEN);
OMFS_WIRE_AT(omfs_wire_lock_rsp, node, 20);
OMFS_WIRE_AT(omfs_wire_lock_rsp, type, 22);
OMFS_WIRE_AT(omfs_wire_lock_rsp, reserved2, 24);
OMFS_WIRE_SIZE(omfs_wire_lock_hint, OMFS_WIRE_LOCK_HINT_LEN);
OMFS_WIRE_AT(omfs_wire_lock_hint, fid, 8);

/* The frame must fit the largest WRITE a server may allow. */
_Static_assert(OMFS_WIRE_REQ_LEN + OMFS_WIRE_IO_LEN + OMFS_MAX_IO_LIMIT <=
	       OM_WIRE_MAX_PAYLOAD, "OMFS_MAX_IO_LIMIT leaves no room for WRITE");

/*
 * A transfer: decoding from @in, or (@out set) encoding to @out, which is
 * then @in as well, so that neither path ever sees a NULL buffer.
 */
struct omfs_x {
	const __u8 *in;
	__u8 *out;
};

/* One little-endian integer field of @n bytes at @off, the way @x goes. */
static void omfs_x_field(const struct omfs_x *x, size_t off, void *field,
			 size_t n)
{
	__u64 v = 0;
	size_t i;

	if (x->out) {
		if (n == 1)
			v = *(const __u8 *)field;
		else if (n == 2)
			v = *(const __u16 *)field;
		else if (n == 4)
			v = *(const __u32 *)field;
		else
			v = *(const __u64 *)field;
		for (i = 0; i < n; i++)
			x->out[off + i] = (__u8)(v >> (8 * i));
		return;
	}
	for (i = n; i-- > 0;)
		v = v << 8 | x->in[off + i];
	if (n == 1)
		*(__u8 *)field = (__u8)v;
	else if (n == 2)
		*(__u16 *)field = (__u16)v;
	else if (n == 4)
		*(__u32 *)field = (__u32)v;
	else
		*(__u64 *)field = v;
}

#define OMFS_X(x, m, f)							\
	omfs_x_field((x), offsetof(__typeof__(*(m)), f), &(m)->f,	\
		     sizeof((m)->f))

/* A struct inside a struct, at @off. */
static void omfs_x_at(const struct omfs_x *x, size_t off,
		      void (*xfer)(const struct omfs_x *, void *), void *m)
{
	struct omfs_x sub = {
		.in = x->in + off,
		.out = x->out ? x->out + off : NULL,
	};

	xfer(&sub, m);
}

/* The worse of two verdicts: a malformed message beats an unknown flag. */
static int omfs_worse(int a, int b)
{
	if (a == -EPROTO || b == -EPROTO)
		return -EPROTO;
	return a ? a : b;
}

static bool omfs_nsec_ok(__u32 nsec)
{
	return nsec < OMFS_NSEC_PER_SEC;
}

static bool omfs_range_ok(__u64 start, __u64 end)
{
	return start <= end && end <= OMFS_S64_MAX;
}

static bool omfs_mode_ok(__u32 mode)
{
	switch (mode & OMFS_S_IFMT) {
	case OMFS_S_IFREG:
	case OMFS_S_IFDIR:
	case OMFS_S_IFLNK:
	case OMFS_S_IFCHR:
	case OMFS_S_IFBLK:
	case OMFS_S_IFIFO:
	case OMFS_S_IFSOCK:
		return !(mode & ~(OMFS_S_IFMT | OMFS_S_IALLUGO));
	default:
		return false;
	}
}

/* What a new object's request may say: permission bits and a umask. */
static bool omfs_perm_ok(__u32 mode, __u32 umask)
{
	return !(mode & ~OMFS_S_IALLUGO) && !(umask & ~OMFS_UMASK_BITS);
}

static bool omfs_namelen_ok(__u32 len)
{
	return len >= 1 && len <= OMFS_NAME_MAX;
}

/* Open flags: the access mode, then the bits. */
static int omfs_open_flags_ok(__u32 flags)
{
	if ((flags & OMFS_OF_ACCMODE) == OMFS_OF_ACCMODE ||
	    (flags & ~(__u32)__OMFS_OF_ALL))
		return -EOPNOTSUPP;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The structs: a transfer routine and the struct's own rules each.   */

static void omfs_x_req(const struct omfs_x *x, void *p)
{
	struct omfs_wire_req *m = p;

	OMFS_X(x, m, session);
	OMFS_X(x, m, cred);
	OMFS_X(x, m, flags);
}

/* Session and cred depend on the type: omfs_wire_parse_req() checks them. */
static int omfs_check_req(const void *p)
{
	const struct omfs_wire_req *m = p;

	return m->flags & ~(__u32)__OMFS_REQ_ALL ? -EOPNOTSUPP : 0;
}

static void omfs_x_attr(const struct omfs_x *x, void *p)
{
	struct omfs_wire_attr *m = p;

	OMFS_X(x, m, dev);
	OMFS_X(x, m, ino);
	OMFS_X(x, m, size);
	OMFS_X(x, m, blocks);
	OMFS_X(x, m, change);
	OMFS_X(x, m, atime_sec);
	OMFS_X(x, m, mtime_sec);
	OMFS_X(x, m, ctime_sec);
	OMFS_X(x, m, btime_sec);
	OMFS_X(x, m, rdev);
	OMFS_X(x, m, atime_nsec);
	OMFS_X(x, m, mtime_nsec);
	OMFS_X(x, m, ctime_nsec);
	OMFS_X(x, m, btime_nsec);
	OMFS_X(x, m, mode);
	OMFS_X(x, m, nlink);
	OMFS_X(x, m, uid);
	OMFS_X(x, m, gid);
	OMFS_X(x, m, blksize);
	OMFS_X(x, m, generation);
	OMFS_X(x, m, mask);
	OMFS_X(x, m, attributes);
}

static int omfs_check_attr(const void *p)
{
	const struct omfs_wire_attr *m = p;

	if (!omfs_mode_ok(m->mode) || !omfs_nsec_ok(m->atime_nsec) ||
	    !omfs_nsec_ok(m->mtime_nsec) || !omfs_nsec_ok(m->ctime_nsec) ||
	    !omfs_nsec_ok(m->btime_nsec))
		return -EPROTO;
	return 0;
}

static void omfs_x_attach(const struct omfs_x *x, void *p)
{
	struct omfs_wire_attach *m = p;

	OMFS_X(x, m, nonce);
	OMFS_X(x, m, root_fid);
	OMFS_X(x, m, flags);
	OMFS_X(x, m, version_min);
	OMFS_X(x, m, version_max);
	OMFS_X(x, m, reserved);
}

static int omfs_check_attach(const void *p)
{
	const struct omfs_wire_attach *m = p;

	if (!m->root_fid || m->reserved || m->version_min < 1 ||
	    m->version_min > m->version_max)
		return -EPROTO;
	return m->flags & ~(__u32)__OMFS_ATTACH_ALL ? -EOPNOTSUPP : 0;
}

static void omfs_x_attach_rsp(const struct omfs_x *x, void *p)
{
	struct omfs_wire_attach_rsp *m = p;

	OMFS_X(x, m, session);
	OMFS_X(x, m, max_io);
	OMFS_X(x, m, max_fids);
	OMFS_X(x, m, max_creds);
	OMFS_X(x, m, max_inflight);
	OMFS_X(x, m, features);
	OMFS_X(x, m, version);
	OMFS_X(x, m, reserved);
	omfs_x_at(x, offsetof(struct omfs_wire_attach_rsp, root), omfs_x_attr,
		  &m->root);
}

/* The root is the export root: a directory. */
static int omfs_check_attach_rsp(const void *p)
{
	const struct omfs_wire_attach_rsp *m = p;

	if (!m->session || m->max_io < 4096 || m->max_io > OMFS_MAX_IO_LIMIT ||
	    !m->max_fids || !m->max_creds || !m->max_inflight ||
	    (m->features & ~(__u32)__OMFS_FEAT_ALL) || !m->version ||
	    m->reserved || omfs_check_attr(&m->root) ||
	    (m->root.mode & OMFS_S_IFMT) != OMFS_S_IFDIR)
		return -EPROTO;
	return 0;
}

static void omfs_x_cred(const struct omfs_x *x, void *p)
{
	struct omfs_wire_cred *m = p;

	OMFS_X(x, m, capmask);
	OMFS_X(x, m, id);
	OMFS_X(x, m, fsuid);
	OMFS_X(x, m, fsgid);
	OMFS_X(x, m, ngroups);
}

static int omfs_check_cred(const void *p)
{
	const struct omfs_wire_cred *m = p;

	return !m->id || m->ngroups > OMFS_GROUPS_MAX ? -EPROTO : 0;
}

static void omfs_x_clunk(const struct omfs_x *x, void *p)
{
	struct omfs_wire_clunk *m = p;

	OMFS_X(x, m, count);
	OMFS_X(x, m, reserved);
}

static int omfs_check_clunk(const void *p)
{
	const struct omfs_wire_clunk *m = p;

	return !m->count || m->count > OMFS_CLUNK_MAX || m->reserved ?
	       -EPROTO : 0;
}

static void omfs_x_lookup(const struct omfs_x *x, void *p)
{
	struct omfs_wire_lookup *m = p;

	OMFS_X(x, m, dirfid);
	OMFS_X(x, m, newfid);
	OMFS_X(x, m, namelen);
	OMFS_X(x, m, reserved);
	OMFS_X(x, m, reserved2);
}

/* newfid 0 is a revalidation. */
static int omfs_check_lookup(const void *p)
{
	const struct omfs_wire_lookup *m = p;

	return !m->dirfid || !omfs_namelen_ok(m->namelen) || m->reserved ||
	       m->reserved2 ? -EPROTO : 0;
}

static void omfs_x_fid(const struct omfs_x *x, void *p)
{
	struct omfs_wire_fid *m = p;

	OMFS_X(x, m, fid);
	OMFS_X(x, m, arg);
}

/* arg's meaning is the type's: omfs_wire_parse_req() checks it. */
static int omfs_check_fid(const void *p)
{
	const struct omfs_wire_fid *m = p;

	return m->fid ? 0 : -EPROTO;
}

static void omfs_x_setattr(const struct omfs_x *x, void *p)
{
	struct omfs_wire_setattr *m = p;

	OMFS_X(x, m, size);
	OMFS_X(x, m, atime_sec);
	OMFS_X(x, m, mtime_sec);
	OMFS_X(x, m, fid);
	OMFS_X(x, m, openfid);
	OMFS_X(x, m, valid);
	OMFS_X(x, m, mode);
	OMFS_X(x, m, uid);
	OMFS_X(x, m, gid);
	OMFS_X(x, m, atime_nsec);
	OMFS_X(x, m, mtime_nsec);
}

/* mode may carry the file type (chmod_common() keeps it). */
static int omfs_check_setattr(const void *p)
{
	const struct omfs_wire_setattr *m = p;

	if (!m->fid || (m->mode & ~(OMFS_S_IFMT | OMFS_S_IALLUGO)) ||
	    !omfs_nsec_ok(m->atime_nsec) || !omfs_nsec_ok(m->mtime_nsec))
		return -EPROTO;
	return m->valid & ~(__u32)__OMFS_SA_ALL ? -EOPNOTSUPP : 0;
}

static void omfs_x_open(const struct omfs_x *x, void *p)
{
	struct omfs_wire_open *m = p;

	OMFS_X(x, m, fid);
	OMFS_X(x, m, newfid);
	OMFS_X(x, m, flags);
	OMFS_X(x, m, reserved);
}

static int omfs_check_open(const void *p)
{
	const struct omfs_wire_open *m = p;

	if (!m->fid || !m->newfid || m->reserved || (m->flags & OMFS_OF_EXCL))
		return -EPROTO;
	return omfs_open_flags_ok(m->flags);
}

static void omfs_x_create(const struct omfs_x *x, void *p)
{
	struct omfs_wire_create *m = p;

	OMFS_X(x, m, dirfid);
	OMFS_X(x, m, objfid);
	OMFS_X(x, m, openfid);
	OMFS_X(x, m, flags);
	OMFS_X(x, m, mode);
	OMFS_X(x, m, umask);
	OMFS_X(x, m, namelen);
	OMFS_X(x, m, reserved);
	OMFS_X(x, m, reserved2);
}

static int omfs_check_create(const void *p)
{
	const struct omfs_wire_create *m = p;

	if (!m->dirfid || !m->objfid || !m->openfid ||
	    !omfs_perm_ok(m->mode, m->umask) || !omfs_namelen_ok(m->namelen) ||
	    m->reserved || m->reserved2)
		return -EPROTO;
	return omfs_open_flags_ok(m->flags);
}

static void omfs_x_create_rsp(const struct omfs_x *x, void *p)
{
	struct omfs_wire_create_rsp *m = p;

	OMFS_X(x, m, result);
	OMFS_X(x, m, reserved);
	omfs_x_at(x, offsetof(struct omfs_wire_create_rsp, attr), omfs_x_attr,
		  &m->attr);
}

static int omfs_check_create_rsp(const void *p)
{
	const struct omfs_wire_create_rsp *m = p;

	if (m->result < OMFS_CR_OPENED ||
	    m->result > OMFS_CR_EXISTS_NOT_OPENED || m->reserved)
		return -EPROTO;
	return omfs_check_attr(&m->attr);
}

static void omfs_x_io(const struct omfs_x *x, void *p)
{
	struct omfs_wire_io *m = p;

	OMFS_X(x, m, offset);
	OMFS_X(x, m, fid);
	OMFS_X(x, m, count);
	OMFS_X(x, m, flags);
	OMFS_X(x, m, reserved);
}

static int omfs_check_io(const void *p)
{
	const struct omfs_wire_io *m = p;

	if (!m->fid || m->count > OMFS_MAX_IO_LIMIT || m->reserved)
		return -EPROTO;
	return m->flags & ~(__u32)__OMFS_IO_ALL ? -EOPNOTSUPP : 0;
}

static void omfs_x_read_rsp(const struct omfs_x *x, void *p)
{
	struct omfs_wire_read_rsp *m = p;

	OMFS_X(x, m, count);
	OMFS_X(x, m, flags);
}

static int omfs_check_read_rsp(const void *p)
{
	const struct omfs_wire_read_rsp *m = p;

	return m->count > OMFS_MAX_IO_LIMIT ||
	       (m->flags & ~(__u32)__OMFS_RD_ALL) ? -EPROTO : 0;
}

static void omfs_x_write_rsp(const struct omfs_x *x, void *p)
{
	struct omfs_wire_write_rsp *m = p;

	OMFS_X(x, m, pos);
	OMFS_X(x, m, size);
	OMFS_X(x, m, change);
	OMFS_X(x, m, count);
	OMFS_X(x, m, reserved);
}

static int omfs_check_write_rsp(const void *p)
{
	const struct omfs_wire_write_rsp *m = p;

	return m->count > OMFS_MAX_IO_LIMIT || m->reserved ? -EPROTO : 0;
}

static void omfs_x_fsync(const struct omfs_x *x, void *p)
{
	struct omfs_wire_fsync *m = p;

	OMFS_X(x, m, start);
	OMFS_X(x, m, end);
	OMFS_X(x, m, fid);
	OMFS_X(x, m, flags);
}

static int omfs_check_fsync(const void *p)
{
	const struct omfs_wire_fsync *m = p;

	if (!m->fid || !omfs_range_ok(m->start, m->end))
		return -EPROTO;
	return m->flags & ~(__u32)__OMFS_FSYNC_ALL ? -EOPNOTSUPP : 0;
}

static void omfs_x_lseek(const struct omfs_x *x, void *p)
{
	struct omfs_wire_lseek *m = p;

	OMFS_X(x, m, offset);
	OMFS_X(x, m, fid);
	OMFS_X(x, m, whence);
}

static int omfs_check_lseek(const void *p)
{
	const struct omfs_wire_lseek *m = p;

	if (!m->fid)
		return -EPROTO;
	if (m->whence != OMFS_SEEK_END && m->whence != OMFS_SEEK_DATA &&
	    m->whence != OMFS_SEEK_HOLE)
		return -EOPNOTSUPP;
	return 0;
}

static void omfs_x_lseek_rsp(const struct omfs_x *x, void *p)
{
	struct omfs_wire_lseek_rsp *m = p;

	OMFS_X(x, m, offset);
}

static int omfs_check_lseek_rsp(const void *p)
{
	const struct omfs_wire_lseek_rsp *m = p;

	return m->offset < 0 ? -EPROTO : 0;
}

static void omfs_x_fallocate(const struct omfs_x *x, void *p)
{
	struct omfs_wire_fallocate *m = p;

	OMFS_X(x, m, offset);
	OMFS_X(x, m, len);
	OMFS_X(x, m, fid);
	OMFS_X(x, m, mode);
}

static int omfs_check_fallocate(const void *p)
{
	const struct omfs_wire_fallocate *m = p;

	if (!m->fid)
		return -EPROTO;
	return m->mode & ~(__u32)__OMFS_FA_ALL ? -EOPNOTSUPP : 0;
}

static void omfs_x_readdir(const struct omfs_x *x, void *p)
{
	struct omfs_wire_readdir *m = p;

	OMFS_X(x, m, cookie);
	OMFS_X(x, m, fid);
	OMFS_X(x, m, maxbytes);
}

static int omfs_check_readdir(const void *p)
{
	const struct omfs_wire_readdir *m = p;

	return !m->fid || m->maxbytes > OMFS_MAX_IO_LIMIT ? -EPROTO : 0;
}

static void omfs_x_mkdir(const struct omfs_x *x, void *p)
{
	struct omfs_wire_mkdir *m = p;

	OMFS_X(x, m, dirfid);
	OMFS_X(x, m, newfid);
	OMFS_X(x, m, mode);
	OMFS_X(x, m, umask);
	OMFS_X(x, m, namelen);
	OMFS_X(x, m, reserved);
	OMFS_X(x, m, reserved2);
}

static int omfs_check_mkdir(const void *p)
{
	const struct omfs_wire_mkdir *m = p;

	return !m->dirfid || !m->newfid || !omfs_perm_ok(m->mode, m->umask) ||
	       !omfs_namelen_ok(m->namelen) || m->reserved || m->reserved2 ?
	       -EPROTO : 0;
}

static void omfs_x_mknod(const struct omfs_x *x, void *p)
{
	struct omfs_wire_mknod *m = p;

	OMFS_X(x, m, rdev);
	OMFS_X(x, m, dirfid);
	OMFS_X(x, m, newfid);
	OMFS_X(x, m, mode);
	OMFS_X(x, m, umask);
	OMFS_X(x, m, namelen);
	OMFS_X(x, m, reserved);
	OMFS_X(x, m, reserved2);
}

/* A file, device, FIFO or socket: directories and symlinks have their own. */
static int omfs_check_mknod(const void *p)
{
	const struct omfs_wire_mknod *m = p;
	__u32 type = m->mode & OMFS_S_IFMT;

	if (type != OMFS_S_IFREG && type != OMFS_S_IFCHR &&
	    type != OMFS_S_IFBLK && type != OMFS_S_IFIFO &&
	    type != OMFS_S_IFSOCK)
		return -EPROTO;
	return !m->dirfid || !m->newfid ||
	       !omfs_perm_ok(m->mode & ~OMFS_S_IFMT, m->umask) ||
	       !omfs_namelen_ok(m->namelen) || m->reserved || m->reserved2 ?
	       -EPROTO : 0;
}

static void omfs_x_symlink(const struct omfs_x *x, void *p)
{
	struct omfs_wire_symlink *m = p;

	OMFS_X(x, m, dirfid);
	OMFS_X(x, m, newfid);
	OMFS_X(x, m, namelen);
	OMFS_X(x, m, targetlen);
	OMFS_X(x, m, reserved);
}

static int omfs_check_symlink(const void *p)
{
	const struct omfs_wire_symlink *m = p;

	return !m->dirfid || !m->newfid || !omfs_namelen_ok(m->namelen) ||
	       !m->targetlen || m->targetlen > OMFS_TARGET_MAX || m->reserved ?
	       -EPROTO : 0;
}

static void omfs_x_link(const struct omfs_x *x, void *p)
{
	struct omfs_wire_link *m = p;

	OMFS_X(x, m, fid);
	OMFS_X(x, m, dirfid);
	OMFS_X(x, m, newfid);
	OMFS_X(x, m, namelen);
	OMFS_X(x, m, reserved);
}

static int omfs_check_link(const void *p)
{
	const struct omfs_wire_link *m = p;

	return !m->fid || !m->dirfid || !m->newfid ||
	       !omfs_namelen_ok(m->namelen) || m->reserved ? -EPROTO : 0;
}

static void omfs_x_unlink(const struct omfs_x *x, void *p)
{
	struct omfs_wire_unlink *m = p;

	OMFS_X(x, m, dirfid);
	OMFS_X(x, m, namelen);
	OMFS_X(x, m, reserved);
}

static int omfs_check_unlink(const void *p)
{
	const struct omfs_wire_unlink *m = p;

	return !m->dirfid || !omfs_namelen_ok(m->namelen) || m->reserved ?
	       -EPROTO : 0;
}

static void omfs_x_rename(const struct omfs_x *x, void *p)
{
	struct omfs_wire_rename *m = p;

	OMFS_X(x, m, olddirfid);
	OMFS_X(x, m, newdirfid);
	OMFS_X(x, m, flags);
	OMFS_X(x, m, oldlen);
	OMFS_X(x, m, newlen);
}

static int omfs_check_rename(const void *p)
{
	const struct omfs_wire_rename *m = p;

	if (!m->olddirfid || !m->newdirfid || !omfs_namelen_ok(m->oldlen) ||
	    !omfs_namelen_ok(m->newlen))
		return -EPROTO;
	return m->flags & ~(__u32)__OMFS_RENAME_ALL ? -EOPNOTSUPP : 0;
}

static void omfs_x_statfs_rsp(const struct omfs_x *x, void *p)
{
	struct omfs_wire_statfs_rsp *m = p;

	OMFS_X(x, m, type);
	OMFS_X(x, m, blocks);
	OMFS_X(x, m, bfree);
	OMFS_X(x, m, bavail);
	OMFS_X(x, m, files);
	OMFS_X(x, m, ffree);
	OMFS_X(x, m, fsid);
	OMFS_X(x, m, bsize);
	OMFS_X(x, m, frsize);
	OMFS_X(x, m, namelen);
	OMFS_X(x, m, flags);
}

/* The server file system's figures, as vfs_statfs() has them. */
static int omfs_check_statfs_rsp(const void *p)
{
	(void)p;
	return 0;
}

static void omfs_x_xattr(const struct omfs_x *x, void *p)
{
	struct omfs_wire_xattr *m = p;

	OMFS_X(x, m, fid);
	OMFS_X(x, m, size_or_flags);
	OMFS_X(x, m, valuelen);
	OMFS_X(x, m, namelen);
	OMFS_X(x, m, reserved);
}

/* size_or_flags depends on the type: omfs_wire_parse_req() checks it. */
static int omfs_check_xattr(const void *p)
{
	const struct omfs_wire_xattr *m = p;

	return !m->fid || m->valuelen > OMFS_XATTR_SIZE_MAX || !m->namelen ||
	       m->namelen > OMFS_XATTR_NAME_MAX || m->reserved ? -EPROTO : 0;
}

static void omfs_x_len_rsp(const struct omfs_x *x, void *p)
{
	struct omfs_wire_len_rsp *m = p;

	OMFS_X(x, m, len);
	OMFS_X(x, m, reserved);
}

static int omfs_check_len_rsp(const void *p)
{
	const struct omfs_wire_len_rsp *m = p;

	return m->reserved ? -EPROTO : 0;
}

static void omfs_x_rmxattr(const struct omfs_x *x, void *p)
{
	struct omfs_wire_rmxattr *m = p;

	OMFS_X(x, m, fid);
	OMFS_X(x, m, namelen);
	OMFS_X(x, m, reserved);
}

static int omfs_check_rmxattr(const void *p)
{
	const struct omfs_wire_rmxattr *m = p;

	return !m->fid || !m->namelen || m->namelen > OMFS_XATTR_NAME_MAX ||
	       m->reserved ? -EPROTO : 0;
}

static void omfs_x_lock(const struct omfs_x *x, void *p)
{
	struct omfs_wire_lock *m = p;

	OMFS_X(x, m, owner);
	OMFS_X(x, m, start);
	OMFS_X(x, m, end);
	OMFS_X(x, m, fid);
	OMFS_X(x, m, pid);
	OMFS_X(x, m, cmd);
	OMFS_X(x, m, type);
	OMFS_X(x, m, flags);
	OMFS_X(x, m, reserved);
}

static int omfs_check_lock(const void *p)
{
	const struct omfs_wire_lock *m = p;

	if (!m->fid || !omfs_range_ok(m->start, m->end) || m->reserved)
		return -EPROTO;
	if (m->cmd < OMFS_LK_GETLK || m->cmd > OMFS_LK_SETLK ||
	    m->type < OMFS_LK_RD || m->type > OMFS_LK_UN ||
	    (m->flags & ~(__u32)__OMFS_LK_ALL))
		return -EOPNOTSUPP;
	return 0;
}

static void omfs_x_lock_rsp(const struct omfs_x *x, void *p)
{
	struct omfs_wire_lock_rsp *m = p;

	OMFS_X(x, m, start);
	OMFS_X(x, m, end);
	OMFS_X(x, m, pid);
	OMFS_X(x, m, node);
	OMFS_X(x, m, type);
	OMFS_X(x, m, reserved);
	OMFS_X(x, m, reserved2);
}

static int omfs_check_lock_rsp(const void *p)
{
	const struct omfs_wire_lock_rsp *m = p;

	return !omfs_range_ok(m->start, m->end) || m->type < OMFS_LK_RD ||
	       m->type > OMFS_LK_UN || m->reserved || m->reserved2 ?
	       -EPROTO : 0;
}

static void omfs_x_lock_hint(const struct omfs_x *x, void *p)
{
	struct omfs_wire_lock_hint *m = p;

	OMFS_X(x, m, session);
	OMFS_X(x, m, fid);
	OMFS_X(x, m, reserved);
}

static int omfs_check_lock_hint(const void *p)
{
	const struct omfs_wire_lock_hint *m = p;

	return !m->session || !m->fid || m->reserved ? -EPROTO : 0;
}

/* ------------------------------------------------------------------ */
/* put and get, for every struct                                      */

struct omfs_codec {
	size_t len;			/* on the wire, and sizeof */
	void (*xfer)(const struct omfs_x *x, void *m);
	int (*check)(const void *m);	/* 0, -EPROTO or -EOPNOTSUPP */
};

/* Room for any struct a codec transfers. */
union omfs_any {
	struct omfs_wire_req req;
	union omfs_wire_args args;
	union omfs_wire_rsp rsp;
};

static void omfs_encode(const struct omfs_codec *c, __u8 *buf, const void *m)
{
	const struct omfs_x x = { .in = buf, .out = buf };
	union omfs_any v;

	memcpy(&v, m, c->len);
	c->xfer(&x, &v);
}

/* Into @v, which the caller copies out only if the verdict is 0. */
static int omfs_decode(const struct omfs_codec *c, const __u8 *buf, void *v)
{
	const struct omfs_x x = { .in = buf };

	c->xfer(&x, v);
	return c->check(v);
}

static int omfs_get(const struct omfs_codec *c, const __u8 *buf, size_t len,
		    void *m)
{
	union omfs_any v;
	int err;

	if (len < c->len)
		return -EPROTO;
	err = omfs_decode(c, buf, &v);
	if (!err)
		memcpy(m, &v, c->len);
	return err;
}

#define OMFS_CODEC(name, size)						\
static const struct omfs_codec omfs_codec_##name = {			\
	.len = size,							\
	.xfer = omfs_x_##name,						\
	.check = omfs_check_##name,					\
};									\
void omfs_wire_put_##name(__u8 *buf, const struct omfs_wire_##name *m)	\
{									\
	omfs_encode(&omfs_codec_##name, buf, m);			\
}									\
int omfs_wire_get_##name(const __u8 *buf, size_t len,			\
			 struct omfs_wire_##name *m)			\
{									\
	return omfs_get(&omfs_codec_##name, buf, len, m);		\
}

OMFS_CODEC(req, OMFS_WIRE_REQ_LEN)
OMFS_CODEC(attr, OMFS_WIRE_ATTR_LEN)
OMFS_CODEC(attach, OMFS_WIRE_ATTACH_LEN)
OMFS_CODEC(attach_rsp, OMFS_WIRE_ATTACH_RSP_LEN)
OMFS_CODEC(cred, OMFS_WIRE_CRED_LEN)
OMFS_CODEC(clunk, OMFS_WIRE_CLUNK_LEN)
OMFS_CODEC(lookup, OMFS_WIRE_LOOKUP_LEN)
OMFS_CODEC(fid, OMFS_WIRE_FID_LEN)
OMFS_CODEC(setattr, OMFS_WIRE_SETATTR_LEN)
OMFS_CODEC(open, OMFS_WIRE_OPEN_LEN)
OMFS_CODEC(create, OMFS_WIRE_CREATE_LEN)
OMFS_CODEC(create_rsp, OMFS_WIRE_CREATE_RSP_LEN)
OMFS_CODEC(io, OMFS_WIRE_IO_LEN)
OMFS_CODEC(read_rsp, OMFS_WIRE_READ_RSP_LEN)
OMFS_CODEC(write_rsp, OMFS_WIRE_WRITE_RSP_LEN)
OMFS_CODEC(fsync, OMFS_WIRE_FSYNC_LEN)
OMFS_CODEC(lseek, OMFS_WIRE_LSEEK_LEN)
OMFS_CODEC(lseek_rsp, OMFS_WIRE_LSEEK_RSP_LEN)
OMFS_CODEC(fallocate, OMFS_WIRE_FALLOCATE_LEN)
OMFS_CODEC(readdir, OMFS_WIRE_READDIR_LEN)
OMFS_CODEC(mkdir, OMFS_WIRE_MKDIR_LEN)
OMFS_CODEC(mknod, OMFS_WIRE_MKNOD_LEN)
OMFS_CODEC(symlink, OMFS_WIRE_SYMLINK_LEN)
OMFS_CODEC(link, OMFS_WIRE_LINK_LEN)
OMFS_CODEC(unlink, OMFS_WIRE_UNLINK_LEN)
OMFS_CODEC(rename, OMFS_WIRE_RENAME_LEN)
OMFS_CODEC(statfs_rsp, OMFS_WIRE_STATFS_RSP_LEN)
OMFS_CODEC(xattr, OMFS_WIRE_XATTR_LEN)
OMFS_CODEC(len_rsp, OMFS_WIRE_LEN_RSP_LEN)
OMFS_CODEC(rmxattr, OMFS_WIRE_RMXATTR_LEN)
OMFS_CODEC(lock, OMFS_WIRE_LOCK_LEN)
OMFS_CODEC(lock_rsp, OMFS_WIRE_LOCK_RSP_LEN)
OMFS_CODEC(lock_hint, OMFS_WIRE_LOCK_HINT_LEN)

/* ------------------------------------------------------------------ */
/* Tails                                                              */

__u32 omfs_wire_get_u32_at(const __u8 *tail, size_t i)
{
	const struct omfs_x x = { .in = tail };
	__u32 v;

	omfs_x_field(&x, 4 * i, &v, sizeof(v));
	return v;
}

void omfs_wire_put_u32_at(__u8 *tail, size_t i, __u32 v)
{
	const struct omfs_x x = { .in = tail, .out = tail };

	omfs_x_field(&x, 4 * i, &v, sizeof(v));
}

/* 1..@max bytes, none NUL, and (@path) none '/'. */
static int omfs_check_bytes(const __u8 *p, size_t len, size_t max, bool path)
{
	if (len < 1 || len > max || memchr(p, '\0', len) ||
	    (path && memchr(p, '/', len)))
		return -EPROTO;
	return 0;
}

int omfs_wire_check_name(const __u8 *name, size_t len)
{
	if (omfs_check_bytes(name, len, OMFS_NAME_MAX, true) ||
	    (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'))))
		return -EPROTO;
	return 0;
}

int omfs_wire_check_target(const __u8 *target, size_t len)
{
	return omfs_check_bytes(target, len, OMFS_TARGET_MAX, false);
}

int omfs_wire_check_xattr_name(const __u8 *name, size_t len)
{
	return omfs_check_bytes(name, len, OMFS_XATTR_NAME_MAX, false);
}

int omfs_wire_check_xattr_value(size_t len)
{
	return len > OMFS_XATTR_SIZE_MAX ? -EPROTO : 0;
}

int omfs_wire_check_xattr_list(const __u8 *list, size_t len)
{
	const __u8 *end;

	if (len > OMFS_XATTR_LIST_MAX)
		return -EPROTO;
	while (len) {
		end = memchr(list, '\0', len);
		if (!end ||
		    omfs_wire_check_xattr_name(list, (size_t)(end - list)))
			return -EPROTO;
		len -= (size_t)(end - list) + 1;
		list = end + 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* READDIR entries                                                    */

static void omfs_x_dirent(const struct omfs_x *x, void *p)
{
	struct omfs_wire_dirent *m = p;

	OMFS_X(x, m, ino);
	OMFS_X(x, m, next);
	OMFS_X(x, m, type);
	OMFS_X(x, m, namelen);
}

/* DT_UNKNOWN, DT_FIFO, and the even ones up to DT_WHT. */
static bool omfs_dirent_type_ok(__u8 type)
{
	return type <= 14 && (type == 1 || !(type & 1));
}

size_t omfs_wire_dirent_size(unsigned int namelen)
{
	return (OMFS_WIRE_DIRENT_LEN + (size_t)namelen + 7) & ~(size_t)7;
}

void omfs_wire_put_dirent(__u8 *buf, const struct omfs_wire_dirent *d,
			  const char *name)
{
	const struct omfs_x x = { .in = buf, .out = buf };
	struct omfs_wire_dirent v = *d;
	size_t end = OMFS_WIRE_DIRENT_LEN + d->namelen;

	omfs_x_dirent(&x, &v);
	memcpy(buf + OMFS_WIRE_DIRENT_LEN, name, d->namelen);
	memset(buf + end, 0, omfs_wire_dirent_size(d->namelen) - end);
}

void omfs_wire_set_dirent_next(__u8 *entry, __u64 next)
{
	const struct omfs_x x = { .in = entry, .out = entry };

	omfs_x_field(&x, offsetof(struct omfs_wire_dirent, next), &next,
		     sizeof(next));
}

int omfs_wire_next_dirent(const __u8 *buf, size_t len, size_t *pos,
			  struct omfs_wire_dirent_view *d)
{
	const struct omfs_x all = { .in = buf };
	struct omfs_wire_dirent e;
	size_t at = *pos, size, i;
	const __u8 *name;

	if (at == len)
		return 0;
	if (at > len || len - at < OMFS_WIRE_DIRENT_LEN)
		return -EPROTO;
	omfs_x_at(&all, at, omfs_x_dirent, &e);
	size = omfs_wire_dirent_size(e.namelen);
	name = buf + at + OMFS_WIRE_DIRENT_LEN;
	/* Names as a directory has them: . and .. come too. */
	if (size > len - at || !omfs_dirent_type_ok(e.type) ||
	    omfs_check_bytes(name, e.namelen, OMFS_NAME_MAX, true))
		return -EPROTO;
	for (i = OMFS_WIRE_DIRENT_LEN + e.namelen; i < size; i++)
		if (buf[at + i])
			return -EPROTO;
	d->ino = e.ino;
	d->next = e.next;
	d->type = e.type;
	d->namelen = e.namelen;
	d->name = (const char *)name;
	*pos = at + size;
	return 1;
}

int omfs_wire_check_dirents(const __u8 *buf, size_t len)
{
	struct omfs_wire_dirent_view d;
	size_t pos = 0;
	int ret;

	do {
		ret = omfs_wire_next_dirent(buf, len, &pos, &d);
	} while (ret > 0);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Whole messages, by type                                            */

enum omfs_op_flags {
	OMFS_OP_ATTACH = 1 << 0,	/* no session yet */
	OMFS_OP_NO_CRED = 1 << 1,
	OMFS_OP_ONE_WAY = 1 << 2,	/* never answered */
	OMFS_OP_NO_REQ = 1 << 3,	/* LOCK_HINT: the server sends it */
};

struct omfs_op {
	const struct omfs_codec *req;	/* NULL: omfs_wire_req alone */
	const struct omfs_codec *rsp;	/* NULL: an empty answer */
	unsigned int flags;
};

#define OMFS_OP(type) [OMFS_WT_##type - OMFS_WT_FIRST]
static const struct omfs_op omfs_ops[OMFS_WT_LAST - OMFS_WT_FIRST + 1] = {
	OMFS_OP(ATTACH) = { &omfs_codec_attach, &omfs_codec_attach_rsp,
			    OMFS_OP_ATTACH | OMFS_OP_NO_CRED },
	OMFS_OP(DETACH) = { NULL, NULL, OMFS_OP_NO_CRED | OMFS_OP_ONE_WAY },
	OMFS_OP(CRED) = { &omfs_codec_cred, NULL, OMFS_OP_NO_CRED },
	OMFS_OP(CLUNK) = { &omfs_codec_clunk, NULL,
			   OMFS_OP_NO_CRED | OMFS_OP_ONE_WAY },
	OMFS_OP(LOOKUP) = { &omfs_codec_lookup, &omfs_codec_attr, 0 },
	OMFS_OP(GETATTR) = { &omfs_codec_fid, &omfs_codec_attr, 0 },
	OMFS_OP(SETATTR) = { &omfs_codec_setattr, &omfs_codec_attr, 0 },
	OMFS_OP(ACCESS) = { &omfs_codec_fid, NULL, 0 },
	OMFS_OP(OPEN) = { &omfs_codec_open, &omfs_codec_attr, 0 },
	OMFS_OP(CREATE) = { &omfs_codec_create, &omfs_codec_create_rsp, 0 },
	OMFS_OP(READ) = { &omfs_codec_io, &omfs_codec_read_rsp, 0 },
	OMFS_OP(WRITE) = { &omfs_codec_io, &omfs_codec_write_rsp, 0 },
	OMFS_OP(FSYNC) = { &omfs_codec_fsync, NULL, 0 },
	OMFS_OP(LSEEK) = { &omfs_codec_lseek, &omfs_codec_lseek_rsp, 0 },
	OMFS_OP(FALLOCATE) = { &omfs_codec_fallocate, &omfs_codec_attr, 0 },
	OMFS_OP(READDIR) = { &omfs_codec_readdir, &omfs_codec_len_rsp, 0 },
	OMFS_OP(READLINK) = { &omfs_codec_fid, &omfs_codec_len_rsp, 0 },
	OMFS_OP(MKDIR) = { &omfs_codec_mkdir, &omfs_codec_attr, 0 },
	OMFS_OP(MKNOD) = { &omfs_codec_mknod, &omfs_codec_attr, 0 },
	OMFS_OP(SYMLINK) = { &omfs_codec_symlink, &omfs_codec_attr, 0 },
	OMFS_OP(LINK) = { &omfs_codec_link, &omfs_codec_attr, 0 },
	OMFS_OP(UNLINK) = { &omfs_codec_unlink, NULL, 0 },
	OMFS_OP(RMDIR) = { &omfs_codec_unlink, NULL, 0 },
	OMFS_OP(RENAME) = { &omfs_codec_rename, NULL, 0 },
	OMFS_OP(STATFS) = { &omfs_codec_fid, &omfs_codec_statfs_rsp, 0 },
	OMFS_OP(GETXATTR) = { &omfs_codec_xattr, &omfs_codec_len_rsp, 0 },
	OMFS_OP(SETXATTR) = { &omfs_codec_xattr, NULL, 0 },
	OMFS_OP(LISTXATTR) = { &omfs_codec_fid, &omfs_codec_len_rsp, 0 },
	OMFS_OP(REMOVEXATTR) = { &omfs_codec_rmxattr, NULL, 0 },
	OMFS_OP(LOCK) = { &omfs_codec_lock, &omfs_codec_lock_rsp, 0 },
	OMFS_OP(FLOCK) = { &omfs_codec_fid, NULL, 0 },
	OMFS_OP(LOCK_HINT) = { NULL, &omfs_codec_lock_hint, OMFS_OP_NO_REQ },
};
#undef OMFS_OP

static const struct omfs_op *omfs_op(__u8 type)
{
	if (type < OMFS_WT_FIRST || type > OMFS_WT_LAST)
		return NULL;
	return &omfs_ops[type - OMFS_WT_FIRST];
}

long omfs_wire_req_len(__u8 type)
{
	const struct omfs_op *op = omfs_op(type);

	if (!op || (op->flags & OMFS_OP_NO_REQ))
		return -1;
	return op->req ? (long)op->req->len : 0;
}

long omfs_wire_rsp_len(__u8 type)
{
	const struct omfs_op *op = omfs_op(type);

	if (!op || (op->flags & OMFS_OP_ONE_WAY))
		return -1;
	return op->rsp ? (long)op->rsp->len : 0;
}

/* What a tail holds, for its content check. */
enum omfs_tail_kind {
	OMFS_TAIL_BYTES,		/* data, an xattr value, gids */
	OMFS_TAIL_NAME,
	OMFS_TAIL_TARGET,
	OMFS_TAIL_XATTR_NAME,
	OMFS_TAIL_FIDS,
};

struct omfs_tail_spec {
	__u32 len;
	enum omfs_tail_kind kind;
};

static int omfs_check_tail(const __u8 *p, const struct omfs_tail_spec *t)
{
	__u32 i;

	switch (t->kind) {
	case OMFS_TAIL_NAME:
		return omfs_wire_check_name(p, t->len);
	case OMFS_TAIL_TARGET:
		return omfs_wire_check_target(p, t->len);
	case OMFS_TAIL_XATTR_NAME:
		return omfs_wire_check_xattr_name(p, t->len);
	case OMFS_TAIL_FIDS:
		for (i = 0; i < t->len / 4; i++)
			if (!omfs_wire_get_u32_at(p, i))
				return -EPROTO;
		return 0;
	default:
		return 0;
	}
}

static void omfs_tail(struct omfs_tail_spec *t, __u32 len,
		      enum omfs_tail_kind kind)
{
	t->len = len;
	t->kind = kind;
}

/* The fid struct's arg, as @type reads it. */
static int omfs_check_fid_arg(__u8 type, __u32 arg)
{
	switch (type) {
	case OMFS_WT_ACCESS:
		return arg & ~(__u32)__OMFS_MAY_ALL ? -EOPNOTSUPP : 0;
	case OMFS_WT_READLINK:
	case OMFS_WT_STATFS:
		return arg ? -EPROTO : 0;
	case OMFS_WT_LISTXATTR:
		return arg > OMFS_XATTR_LIST_MAX ? -EPROTO : 0;
	case OMFS_WT_FLOCK:
		return arg < OMFS_FL_SH || arg > OMFS_FL_UN ? -EOPNOTSUPP : 0;
	default:			/* GETATTR: a STATX mask */
		return 0;
	}
}

/* The rules @type adds to its struct's, and the tails it announces in @t. */
static int omfs_req_rules(__u8 type, const union omfs_wire_args *a,
			  struct omfs_tail_spec t[OMFS_WIRE_TAILS])
{
	switch (type) {
	case OMFS_WT_CRED:
		omfs_tail(&t[0], 4 * a->cred.ngroups, OMFS_TAIL_BYTES);
		return 0;
	case OMFS_WT_CLUNK:
		omfs_tail(&t[0], 4 * a->clunk.count, OMFS_TAIL_FIDS);
		return 0;
	case OMFS_WT_LOOKUP:
		omfs_tail(&t[0], a->lookup.namelen, OMFS_TAIL_NAME);
		return 0;
	case OMFS_WT_CREATE:
		omfs_tail(&t[0], a->create.namelen, OMFS_TAIL_NAME);
		return 0;
	case OMFS_WT_MKDIR:
		omfs_tail(&t[0], a->mkdir.namelen, OMFS_TAIL_NAME);
		return 0;
	case OMFS_WT_MKNOD:
		omfs_tail(&t[0], a->mknod.namelen, OMFS_TAIL_NAME);
		return 0;
	case OMFS_WT_SYMLINK:
		omfs_tail(&t[0], a->symlink.namelen, OMFS_TAIL_NAME);
		omfs_tail(&t[1], a->symlink.targetlen, OMFS_TAIL_TARGET);
		return 0;
	case OMFS_WT_LINK:
		omfs_tail(&t[0], a->link.namelen, OMFS_TAIL_NAME);
		return 0;
	case OMFS_WT_UNLINK:
	case OMFS_WT_RMDIR:
		omfs_tail(&t[0], a->unlink.namelen, OMFS_TAIL_NAME);
		return 0;
	case OMFS_WT_RENAME:
		omfs_tail(&t[0], a->rename.oldlen, OMFS_TAIL_NAME);
		omfs_tail(&t[1], a->rename.newlen, OMFS_TAIL_NAME);
		return 0;
	case OMFS_WT_REMOVEXATTR:
		omfs_tail(&t[0], a->rmxattr.namelen, OMFS_TAIL_XATTR_NAME);
		return 0;
	case OMFS_WT_GETXATTR:
		omfs_tail(&t[0], a->xattr.namelen, OMFS_TAIL_XATTR_NAME);
		return a->xattr.valuelen ||
		       a->xattr.size_or_flags > OMFS_XATTR_SIZE_MAX ? -EPROTO : 0;
	case OMFS_WT_SETXATTR:
		omfs_tail(&t[0], a->xattr.namelen, OMFS_TAIL_XATTR_NAME);
		omfs_tail(&t[1], a->xattr.valuelen, OMFS_TAIL_BYTES);
		return a->xattr.size_or_flags & ~(__u32)__OMFS_XATTR_ALL ?
		       -EOPNOTSUPP : 0;
	case OMFS_WT_READ:
		return a->io.flags ? -EPROTO : 0;
	case OMFS_WT_WRITE:
		omfs_tail(&t[0], a->io.count, OMFS_TAIL_BYTES);
		return 0;
	case OMFS_WT_GETATTR:
	case OMFS_WT_ACCESS:
	case OMFS_WT_READLINK:
	case OMFS_WT_STATFS:
	case OMFS_WT_LISTXATTR:
	case OMFS_WT_FLOCK:
		return omfs_check_fid_arg(type, a->fid.arg);
	default:
		return 0;
	}
}

/* Session and cred: none before ATTACH; a cred for file system work. */
static int omfs_check_req_ids(const struct omfs_op *op,
			      const struct omfs_wire_req *r)
{
	if (!r->session != !!(op->flags & OMFS_OP_ATTACH) ||
	    !r->cred != !!(op->flags & OMFS_OP_NO_CRED))
		return -EPROTO;
	return 0;
}

int omfs_wire_parse_req(__u8 type, const __u8 *buf, size_t len,
			struct omfs_wire_req *req, union omfs_wire_args *args,
			struct omfs_wire_tail tails[OMFS_WIRE_TAILS])
{
	const struct omfs_op *op = omfs_op(type);
	struct omfs_tail_spec t[OMFS_WIRE_TAILS] = { { 0 } };
	size_t fixed, at[OMFS_WIRE_TAILS], i;
	union omfs_wire_args a;
	struct omfs_wire_req r;
	int err;

	if (!op || (op->flags & OMFS_OP_NO_REQ))
		return -EPROTO;
	fixed = OMFS_WIRE_REQ_LEN + (op->req ? op->req->len : 0);
	if (len < fixed)
		return -EPROTO;
	memset(&a, 0, sizeof(a));
	err = omfs_decode(&omfs_codec_req, buf, &r);
	err = omfs_worse(err, omfs_check_req_ids(op, &r));
	if (op->req)
		err = omfs_worse(err, omfs_decode(op->req,
						  buf + OMFS_WIRE_REQ_LEN, &a));
	if (err == -EPROTO)
		return err;
	/* Unknown flags count only once the request is known to be whole. */
	err = omfs_worse(err, omfs_req_rules(type, &a, t));
	if (err == -EPROTO || len - fixed != (size_t)t[0].len + t[1].len)
		return -EPROTO;
	at[0] = fixed;
	at[1] = fixed + t[0].len;
	for (i = 0; i < OMFS_WIRE_TAILS; i++)
		if (t[i].len && omfs_check_tail(buf + at[i], &t[i]))
			return -EPROTO;
	if (err)
		return err;
	*req = r;
	*args = a;
	for (i = 0; i < OMFS_WIRE_TAILS; i++) {
		tails[i].data = t[i].len ? buf + at[i] : NULL;
		tails[i].len = t[i].len;
	}
	return 0;
}

size_t omfs_wire_put_request(__u8 type, __u8 *buf,
			     const struct omfs_wire_req *req,
			     const union omfs_wire_args *args)
{
	const struct omfs_op *op = omfs_op(type);

	if (!op || (op->flags & OMFS_OP_NO_REQ))
		return 0;
	omfs_wire_put_req(buf, req);
	if (!op->req)
		return OMFS_WIRE_REQ_LEN;
	omfs_encode(op->req, buf + OMFS_WIRE_REQ_LEN, args);
	return OMFS_WIRE_REQ_LEN + op->req->len;
}

/* The tail of @type's answer @r, in @tail: its length and its content. */
static int omfs_check_rsp_tail(__u8 type, const union omfs_wire_rsp *r,
			       const struct omfs_wire_tail *tail)
{
	switch (type) {
	case OMFS_WT_READ:
		return r->read.count == tail->len ? 0 : -EPROTO;
	case OMFS_WT_READDIR:
		if (r->len.len != tail->len || r->len.len > OMFS_MAX_IO_LIMIT)
			return -EPROTO;
		return omfs_wire_check_dirents(tail->data, tail->len);
	case OMFS_WT_READLINK:
		if (r->len.len != tail->len)
			return -EPROTO;
		return omfs_wire_check_target(tail->data, tail->len);
	case OMFS_WT_GETXATTR:
		/* No value when the length alone was asked for. */
		if (r->len.len > OMFS_XATTR_SIZE_MAX ||
		    (tail->len && tail->len != r->len.len))
			return -EPROTO;
		return 0;
	case OMFS_WT_LISTXATTR:
		if (r->len.len > OMFS_XATTR_LIST_MAX ||
		    (tail->len && tail->len != r->len.len))
			return -EPROTO;
		return omfs_wire_check_xattr_list(tail->data, tail->len);
	default:
		return tail->len ? -EPROTO : 0;
	}
}

int omfs_wire_parse_rsp(__u8 type, const __u8 *buf, size_t len,
			union omfs_wire_rsp *rsp, struct omfs_wire_tail *tail)
{
	const struct omfs_op *op = omfs_op(type);
	struct omfs_wire_tail t = { NULL, 0 };
	union omfs_wire_rsp r;
	size_t fixed;

	if (!op || (op->flags & OMFS_OP_ONE_WAY))
		return -EPROTO;
	fixed = op->rsp ? op->rsp->len : 0;
	if (len < fixed || len - fixed > OMFS_MAX_IO_LIMIT)
		return -EPROTO;
	memset(&r, 0, sizeof(r));
	/* What the server sends, it knows this side can read. */
	if (op->rsp && omfs_decode(op->rsp, buf, &r))
		return -EPROTO;
	if (len > fixed) {
		t.data = buf + fixed;
		t.len = (__u32)(len - fixed);
	}
	if (omfs_check_rsp_tail(type, &r, &t))
		return -EPROTO;
	*rsp = r;
	*tail = t;
	return 0;
}

size_t omfs_wire_put_response(__u8 type, __u8 *buf,
			      const union omfs_wire_rsp *rsp)
{
	const struct omfs_op *op = omfs_op(type);

	if (!op || !op->rsp)
		return 0;
	omfs_encode(op->rsp, buf, rsp);
	return op->rsp->len;
}

/* ------------------------------------------------------------------ */
/* Errors                                                             */

int omfs_wire_errno(int err)
{
	if (err >= 0)
		return err;
	if (err < -OMFS_MAX_ERRNO)
		return -EIO;
	switch (-err) {
	case ERESTARTSYS:
	case ERESTARTNOINTR:
	case ERESTARTNOHAND:
	case ERESTART_RESTARTBLOCK:
		return -EINTR;
	case EOPENSTALE:
		return -ESTALE;
	case ENOIOCTLCMD:
		return -ENOTTY;
	case ENOTSUPP:
	case EBADTYPE:
		return -EOPNOTSUPP;
	/* The protocol's signals mean only what §6.5 says. */
	case EBADR:
	case EBADFD:
	case ECONNREFUSED:
	case ENOPROTOOPT:
	case EPROTONOSUPPORT:
	case EPROTO:
		return -EIO;
	default:
		return -err >= OMFS_FIRST_INTERNAL ? -EIO : err;
	}
}
