/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The omfs wire protocol (docs/design/omfs.md §6): what the mfs client of
 * one node asks the omfs server of another, as omcore RPC frames of types
 * 32..63 over the peer link. modules/fs/wire.c encodes and decodes it in
 * plain C that builds in the kernel and in userspace alike.
 *
 * Every integer is little-endian and every structure below has a fixed
 * layout without padding (struct omfs_wire_dirent excepted: its name
 * follows at byte 18), checked by _Static_assert in wire.c. A request
 * payload is
 *
 *   struct omfs_wire_req | the type's fixed struct | its tails, in order
 *
 * and the frame length is exactly their sum. A tail's length is a field of
 * the fixed struct: names (namelen, oldlen/newlen), symlink targets
 * (targetlen), xattr values (valuelen), WRITE's data (count), CRED's groups
 * and CLUNK's fids (4 bytes each, ngroups/count). A response is the type's
 * fixed response struct, then READ's data (read_rsp.count), READDIR's
 * entries, READLINK's target, GETXATTR's value or LISTXATTR's names
 * (len_rsp.len; none when the request asked for the length only). An error
 * response is the frame status alone, no payload.
 *
 * Decoders answer 0, or:
 *   -EPROTO      malformed: too short, a wrong total length, a reserved
 *                field (or an argument that must be 0) not 0, a fid 0
 *                where one is needed, a name that breaks its rule, a count
 *                past its limit, a flag where it has no meaning; and
 *                anything unknown in an answer (the server knows the
 *                client's version and sends nothing it cannot read)
 *   -EOPNOTSUPP  a request, otherwise whole, with a bit outside one of
 *                the flag sets below (none are defined yet in
 *                omfs_wire_req.flags and omfs_wire_attach.flags) or a
 *                value outside an enumeration: what a newer client may
 *                send, and may then do without
 * Values the protocol carries for Linux itself pass unchecked: the STATX_*
 * masks and STATX_ATTR_* attributes of struct omfs_wire_attr and GETATTR's
 * arg, statfs flags (ST_*), the capability mask of CRED (the server keeps
 * only its CAP_FS_MASK), rdev.
 *
 * Errors as frame statuses (§6.5): Linux errnos. The server maps what its
 * file system returns with omfs_wire_errno() first: kernel-internal codes
 * become EINTR, ESTALE, ENOTTY, EOPNOTSUPP or EIO, and a file system error
 * equal to one of the five protocol signals becomes EIO, so that these
 * mean only:
 *   EBADR            unknown session: the client attaches again once, and
 *                    the fids of the old session are ESTALE
 *   EBADFD           unknown, pending or wrong-kind fid: ESTALE
 *   ECONNREFUSED     the node does not serve (nomfs, or the peer is not in
 *                    its map): ECONNREFUSED to the caller
 *   EPROTONOSUPPORT  (from omcore) no omfs loaded there: ECONNREFUSED
 *   EPROTO           malformed request: EIO, logged with type and node
 */
#ifndef _OPENMOSIX_OMFS_WIRE_H
#define _OPENMOSIX_OMFS_WIRE_H

#include <openmosix/wire.h>

#define OMFS_WIRE_VERSION	1

/* Frame types: omfs owns 32..63 (wire.h's registry), all of them taken. */
enum omfs_wire_type {
	OMFS_WT_ATTACH = 32,
	OMFS_WT_DETACH = 33,		/* one-way */
	OMFS_WT_CRED = 34,
	OMFS_WT_CLUNK = 35,		/* one-way */
	OMFS_WT_LOOKUP = 36,
	OMFS_WT_GETATTR = 37,
	OMFS_WT_SETATTR = 38,
	OMFS_WT_ACCESS = 39,
	OMFS_WT_OPEN = 40,
	OMFS_WT_CREATE = 41,
	OMFS_WT_READ = 42,
	OMFS_WT_WRITE = 43,
	OMFS_WT_FSYNC = 44,
	OMFS_WT_LSEEK = 45,
	OMFS_WT_FALLOCATE = 46,
	OMFS_WT_READDIR = 47,
	OMFS_WT_READLINK = 48,
	OMFS_WT_MKDIR = 49,
	OMFS_WT_MKNOD = 50,
	OMFS_WT_SYMLINK = 51,
	OMFS_WT_LINK = 52,
	OMFS_WT_UNLINK = 53,
	OMFS_WT_RMDIR = 54,
	OMFS_WT_RENAME = 55,
	OMFS_WT_STATFS = 56,
	OMFS_WT_GETXATTR = 57,
	OMFS_WT_SETXATTR = 58,
	OMFS_WT_LISTXATTR = 59,
	OMFS_WT_REMOVEXATTR = 60,
	OMFS_WT_LOCK = 61,
	OMFS_WT_FLOCK = 62,
	OMFS_WT_LOCK_HINT = 63,		/* one-way, server to client, no omfs_wire_req */
	OMFS_WT_FIRST = OMFS_WT_ATTACH,
	OMFS_WT_LAST = OMFS_WT_LOCK_HINT,
};

/* Limits (§6.6). The OMFS_MAX_* are what a server announces by default. */
#define OMFS_NAME_MAX		255		/* a name: 1..255 bytes */
#define OMFS_TARGET_MAX		4095		/* a symlink target: 1..4095 bytes */
#define OMFS_XATTR_NAME_MAX	255		/* an xattr name: 1..255 bytes */
#define OMFS_XATTR_SIZE_MAX	65536		/* an xattr value */
#define OMFS_XATTR_LIST_MAX	65536		/* LISTXATTR's names */
#define OMFS_GROUPS_MAX		65536		/* groups of one CRED */
#define OMFS_CLUNK_MAX		4096		/* fids of one CLUNK */
#define OMFS_MAX_IO		(512u << 10)	/* one READ, WRITE or READDIR */
/* No server may announce more: a WRITE's header and structs fit in the frame. */
#define OMFS_MAX_IO_LIMIT	(OM_WIRE_MAX_PAYLOAD - 4096)
#define OMFS_MAX_FIDS		16384		/* per session: -EMFILE */
#define OMFS_MAX_CREDS		1024		/* per session: -ENOSPC */
#define OMFS_MAX_LOCK_OWNERS	4096		/* per session: -ENOLCK */
#define OMFS_MAX_INFLIGHT	128		/* requests queued + running per peer */
#define OMFS_MAX_QUEUED		(32u << 20)	/* payload bytes queued per peer */

/*
 * Flag sets and enumerations. In a request, a bit outside a set's
 * __OMFS_*_ALL or a value outside an enumeration is -EOPNOTSUPP; in an
 * answer, -EPROTO.
 */
enum omfs_wire_req_flags {
	__OMFS_REQ_ALL = 0,		/* none defined */
};

enum omfs_wire_attach_flags {
	__OMFS_ATTACH_ALL = 0,		/* none defined */
};

enum omfs_wire_features {		/* attach_rsp.features */
	OMFS_FEAT_XATTR = 1 << 0,
	OMFS_FEAT_POSIXACL = 1 << 1,
	OMFS_FEAT_LOCKS = 1 << 2,
	__OMFS_FEAT_ALL = (1 << 3) - 1,
};

/* OPEN and CREATE: our own bits, not the O_* of any architecture. */
enum omfs_wire_open_flags {
	OMFS_OF_RDONLY = 0,
	OMFS_OF_WRONLY = 1,
	OMFS_OF_RDWR = 2,
	OMFS_OF_ACCMODE = 3,		/* the access mode; 3 is not one */
	OMFS_OF_APPEND = 1 << 2,
	OMFS_OF_TRUNC = 1 << 3,
	OMFS_OF_EXCL = 1 << 4,		/* CREATE only (-EPROTO in OPEN) */
	OMFS_OF_DIRECTORY = 1 << 5,
	OMFS_OF_NOATIME = 1 << 6,
	OMFS_OF_EXEC = 1 << 7,		/* open_exec(): deny_write_access() */
	OMFS_OF_SYNC = 1 << 8,
	OMFS_OF_DSYNC = 1 << 9,
	__OMFS_OF_ALL = (1 << 10) - 1,
};

enum omfs_wire_create_result {		/* create_rsp.result */
	OMFS_CR_OPENED = 1,		/* it existed and is open */
	OMFS_CR_CREATED = 2,		/* made and open */
	OMFS_CR_EXISTS_NOT_OPENED = 3,	/* a symlink: objfid only, the client follows */
};

enum omfs_wire_io_flags {		/* WRITE; READ takes none (-EPROTO) */
	OMFS_IO_APPEND = 1 << 0,	/* at the end, under the server's inode lock */
	OMFS_IO_DSYNC = 1 << 1,
	OMFS_IO_SYNC = 1 << 2,
	__OMFS_IO_ALL = (1 << 3) - 1,
};

enum omfs_wire_read_flags {		/* read_rsp.flags */
	OMFS_RD_EOF = 1 << 0,		/* the read reached the end of the file */
	__OMFS_RD_ALL = OMFS_RD_EOF,
};

/* SETATTR valid, mapped to ATTR_* by the server. */
enum omfs_wire_setattr_valid {
	OMFS_SA_MODE = 1 << 0,
	OMFS_SA_UID = 1 << 1,
	OMFS_SA_GID = 1 << 2,
	OMFS_SA_SIZE = 1 << 3,
	OMFS_SA_ATIME = 1 << 4,
	OMFS_SA_MTIME = 1 << 5,
	OMFS_SA_ATIME_SET = 1 << 6,
	OMFS_SA_MTIME_SET = 1 << 7,
	OMFS_SA_TOUCH = 1 << 8,
	OMFS_SA_KILL_SUID = 1 << 9,
	OMFS_SA_KILL_SGID = 1 << 10,
	OMFS_SA_KILL_PRIV = 1 << 11,
	__OMFS_SA_ALL = (1 << 12) - 1,
};

enum omfs_wire_access {			/* ACCESS arg: Linux's MAY_* and access(2)'s *_OK */
	OMFS_MAY_EXEC = 1 << 0,
	OMFS_MAY_WRITE = 1 << 1,
	OMFS_MAY_READ = 1 << 2,
	__OMFS_MAY_ALL = (1 << 3) - 1,
};

enum omfs_wire_fsync_flags {
	OMFS_FSYNC_DATASYNC = 1 << 0,
	__OMFS_FSYNC_ALL = OMFS_FSYNC_DATASYNC,
};

enum omfs_wire_whence {			/* LSEEK: Linux's values; SET and CUR stay local */
	OMFS_SEEK_END = 2,
	OMFS_SEEK_DATA = 3,
	OMFS_SEEK_HOLE = 4,
};

enum omfs_wire_fallocate_mode {		/* Linux's FALLOC_FL_* */
	OMFS_FA_KEEP_SIZE = 0x01,
	OMFS_FA_PUNCH_HOLE = 0x02,
	OMFS_FA_COLLAPSE_RANGE = 0x08,
	OMFS_FA_ZERO_RANGE = 0x10,
	OMFS_FA_INSERT_RANGE = 0x20,
	OMFS_FA_UNSHARE_RANGE = 0x40,
	__OMFS_FA_ALL = 0x7b,
};

enum omfs_wire_rename_flags {		/* Linux's RENAME_* */
	OMFS_RENAME_NOREPLACE = 1 << 0,
	OMFS_RENAME_EXCHANGE = 1 << 1,
	OMFS_RENAME_WHITEOUT = 1 << 2,
	__OMFS_RENAME_ALL = (1 << 3) - 1,
};

enum omfs_wire_xattr_flags {		/* SETXATTR: Linux's XATTR_CREATE/REPLACE */
	OMFS_XATTR_CREATE = 1 << 0,
	OMFS_XATTR_REPLACE = 1 << 1,
	__OMFS_XATTR_ALL = (1 << 2) - 1,
};

enum omfs_wire_lock_cmd {
	OMFS_LK_GETLK = 1,
	OMFS_LK_SETLK = 2,		/* never blocks: SETLKW is the client's loop */
};

enum omfs_wire_lock_type {		/* LOCK type, lock_rsp type (UN: no conflict) */
	OMFS_LK_RD = 1,
	OMFS_LK_WR = 2,
	OMFS_LK_UN = 3,
};

enum omfs_wire_lock_flags {
	OMFS_LK_OFD = 1 << 0,		/* an open file description lock */
	__OMFS_LK_ALL = OMFS_LK_OFD,
};

enum omfs_wire_flock_type {		/* FLOCK arg */
	OMFS_FL_SH = 1,
	OMFS_FL_EX = 2,
	OMFS_FL_UN = 3,
};

/* First in every request but LOCK_HINT: 16 bytes. */
struct omfs_wire_req {
	__u64 session;			/* from ATTACH; 0 in ATTACH only */
	__u32 cred;			/* from CRED; 0 in ATTACH, DETACH, CRED, CLUNK only */
	__u32 flags;			/* enum omfs_wire_req_flags */
};
#define OMFS_WIRE_REQ_LEN	16

/* Attributes: the answer of most requests. 128 bytes. */
struct omfs_wire_attr {
	__u64 dev;			/* server st_dev, huge_encode_dev() */
	__u64 ino;
	__u64 size;
	__u64 blocks;			/* 512-byte units */
	__u64 change;			/* change cookie */
	__s64 atime_sec;
	__s64 mtime_sec;
	__s64 ctime_sec;
	__s64 btime_sec;		/* 0 unless mask has STATX_BTIME */
	__u64 rdev;
	__u32 atime_nsec;		/* each nsec < 10^9 */
	__u32 mtime_nsec;
	__u32 ctime_nsec;
	__u32 btime_nsec;
	__u32 mode;			/* S_IFMT of a known type | permission bits */
	__u32 nlink;
	__u32 uid;			/* init_user_ns ids */
	__u32 gid;
	__u32 blksize;
	__u32 generation;		/* i_generation */
	__u32 mask;			/* STATX_* present */
	__u32 attributes;		/* STATX_ATTR_* */
};
#define OMFS_WIRE_ATTR_LEN	128

/* ATTACH: 24 bytes; the answer 160. */
struct omfs_wire_attach {
	__u64 nonce;			/* random, per attach */
	__u32 root_fid;			/* the new fid of the export root, not 0 */
	__u32 flags;			/* enum omfs_wire_attach_flags */
	__u16 version_min;		/* 1 <= min <= max */
	__u16 version_max;
	__u32 reserved;
};
#define OMFS_WIRE_ATTACH_LEN	24

struct omfs_wire_attach_rsp {
	__u64 session;			/* not 0 */
	__u32 max_io;			/* 4096..OMFS_MAX_IO_LIMIT */
	__u32 max_fids;			/* each max_* at least 1 */
	__u32 max_creds;
	__u32 max_inflight;
	__u32 features;			/* enum omfs_wire_features */
	__u16 version;			/* not 0 */
	__u16 reserved;
	struct omfs_wire_attr root;
};
#define OMFS_WIRE_ATTACH_RSP_LEN 160

/* CRED: 24 bytes, then ngroups __u32 gids; the answer is empty. */
struct omfs_wire_cred {
	__u64 capmask;			/* capabilities, as kernel_cap_t */
	__u32 id;			/* 1..max_creds */
	__u32 fsuid;
	__u32 fsgid;
	__u32 ngroups;			/* <= OMFS_GROUPS_MAX */
};
#define OMFS_WIRE_CRED_LEN	24

/* CLUNK (one-way): 8 bytes, then count __u32 fids, none 0. */
struct omfs_wire_clunk {
	__u32 count;			/* 1..OMFS_CLUNK_MAX */
	__u32 reserved;
};
#define OMFS_WIRE_CLUNK_LEN	8

/* LOOKUP: 16 bytes, then the name; the answer is struct omfs_wire_attr. */
struct omfs_wire_lookup {
	__u32 dirfid;
	__u32 newfid;			/* 0: revalidate only */
	__u16 namelen;
	__u16 reserved;
	__u32 reserved2;
};
#define OMFS_WIRE_LOOKUP_LEN	16

/*
 * A fid and an argument: 8 bytes, the whole request of GETATTR (arg: the
 * STATX mask wanted), ACCESS (enum omfs_wire_access), READLINK and STATFS
 * (0), LISTXATTR (the most bytes wanted, <= OMFS_XATTR_LIST_MAX; 0: the
 * length only) and FLOCK (enum omfs_wire_flock_type).
 */
struct omfs_wire_fid {
	__u32 fid;
	__u32 arg;
};
#define OMFS_WIRE_FID_LEN	8

/* SETATTR: 56 bytes; the answer is struct omfs_wire_attr. */
struct omfs_wire_setattr {
	__u64 size;
	__s64 atime_sec;
	__s64 mtime_sec;
	__u32 fid;
	__u32 openfid;			/* 0, or an OPEN fid: ftruncate(), ATTR_FILE */
	__u32 valid;			/* enum omfs_wire_setattr_valid */
	__u32 mode;
	__u32 uid;
	__u32 gid;
	__u32 atime_nsec;		/* < 10^9 */
	__u32 mtime_nsec;
};
#define OMFS_WIRE_SETATTR_LEN	56

/* OPEN: an OBJ fid to a new OPEN fid. 16 bytes; the answer is attributes. */
struct omfs_wire_open {
	__u32 fid;
	__u32 newfid;
	__u32 flags;			/* enum omfs_wire_open_flags */
	__u32 reserved;
};
#define OMFS_WIRE_OPEN_LEN	16

/* CREATE: 32 bytes, then the name; the answer 136. */
struct omfs_wire_create {
	__u32 dirfid;
	__u32 objfid;			/* new */
	__u32 openfid;			/* new */
	__u32 flags;			/* enum omfs_wire_open_flags */
	__u32 mode;			/* permission bits only */
	__u32 umask;
	__u16 namelen;
	__u16 reserved;
	__u32 reserved2;
};
#define OMFS_WIRE_CREATE_LEN	32

struct omfs_wire_create_rsp {
	__u32 result;			/* enum omfs_wire_create_result */
	__u32 reserved;
	struct omfs_wire_attr attr;
};
#define OMFS_WIRE_CREATE_RSP_LEN 136

/*
 * READ and WRITE: 24 bytes; WRITE then count bytes of data. READ's answer
 * is struct omfs_wire_read_rsp and count bytes; WRITE's 32 bytes.
 */
struct omfs_wire_io {
	__u64 offset;
	__u32 fid;			/* an OPEN fid */
	__u32 count;			/* <= OMFS_MAX_IO_LIMIT (and the session's max_io) */
	__u32 flags;			/* enum omfs_wire_io_flags */
	__u32 reserved;
};
#define OMFS_WIRE_IO_LEN	24

struct omfs_wire_read_rsp {
	__u32 count;			/* bytes that follow */
	__u32 flags;			/* enum omfs_wire_read_flags */
};
#define OMFS_WIRE_READ_RSP_LEN	8

struct omfs_wire_write_rsp {
	__u64 pos;			/* the end of the write: the new file position */
	__u64 size;			/* of the file, after it */
	__u64 change;			/* change cookie, after it */
	__u32 count;			/* bytes written */
	__u32 reserved;
};
#define OMFS_WIRE_WRITE_RSP_LEN	32

/* FSYNC: 24 bytes; the answer is empty. */
struct omfs_wire_fsync {
	__u64 start;			/* start <= end */
	__u64 end;
	__u32 fid;
	__u32 flags;			/* enum omfs_wire_fsync_flags */
};
#define OMFS_WIRE_FSYNC_LEN	24

/* LSEEK: 16 bytes; the answer 8. */
struct omfs_wire_lseek {
	__s64 offset;
	__u32 fid;
	__u32 whence;			/* enum omfs_wire_whence */
};
#define OMFS_WIRE_LSEEK_LEN	16

struct omfs_wire_lseek_rsp {
	__s64 offset;			/* the new position, >= 0 */
};
#define OMFS_WIRE_LSEEK_RSP_LEN	8

/* FALLOCATE: 24 bytes; the answer is attributes. */
struct omfs_wire_fallocate {
	__u64 offset;
	__u64 len;
	__u32 fid;
	__u32 mode;			/* enum omfs_wire_fallocate_mode */
};
#define OMFS_WIRE_FALLOCATE_LEN	24

/*
 * READDIR: 16 bytes. The answer is struct omfs_wire_len_rsp and len bytes
 * of entries, none when the directory is done. An entry: struct
 * omfs_wire_dirent (18 bytes), the name, zeros up to a multiple of 8.
 */
struct omfs_wire_readdir {
	__u64 cookie;			/* where to start: 0, or an entry's next */
	__u32 fid;			/* an OPEN fid */
	__u32 maxbytes;			/* <= OMFS_MAX_IO_LIMIT */
};
#define OMFS_WIRE_READDIR_LEN	16

struct omfs_wire_dirent {		/* sizeof is 24: the wire has 18 */
	__u64 ino;
	__u64 next;			/* the cookie of the entry after it */
	__u8 type;			/* DT_*, Linux's values */
	__u8 namelen;			/* 1..255; . and .. come too */
};
#define OMFS_WIRE_DIRENT_LEN	18

/* An entry as omfs_wire_next_dirent() finds it: the name is in the buffer. */
struct omfs_wire_dirent_view {
	__u64 ino;
	__u64 next;
	__u8 type;
	__u8 namelen;
	const char *name;		/* namelen bytes, not NUL-terminated */
};

/* MKDIR: 24 bytes, then the name; the answer is attributes. */
struct omfs_wire_mkdir {
	__u32 dirfid;
	__u32 newfid;
	__u32 mode;			/* permission bits only */
	__u32 umask;
	__u16 namelen;
	__u16 reserved;
	__u32 reserved2;
};
#define OMFS_WIRE_MKDIR_LEN	24

/* MKNOD: 32 bytes, then the name; the answer is attributes. */
struct omfs_wire_mknod {
	__u64 rdev;			/* huge_encode_dev() */
	__u32 dirfid;
	__u32 newfid;
	__u32 mode;			/* S_IFREG, CHR, BLK, FIFO or SOCK | permissions */
	__u32 umask;
	__u16 namelen;
	__u16 reserved;
	__u32 reserved2;
};
#define OMFS_WIRE_MKNOD_LEN	32

/* SYMLINK: 16 bytes, then the name and the target; the answer is attributes. */
struct omfs_wire_symlink {
	__u32 dirfid;
	__u32 newfid;
	__u16 namelen;
	__u16 targetlen;		/* 1..OMFS_TARGET_MAX, no NUL */
	__u32 reserved;
};
#define OMFS_WIRE_SYMLINK_LEN	16

/* LINK: 16 bytes, then the new name; the answer is attributes. */
struct omfs_wire_link {
	__u32 fid;			/* the file */
	__u32 dirfid;			/* where the new name goes */
	__u32 newfid;
	__u16 namelen;
	__u16 reserved;
};
#define OMFS_WIRE_LINK_LEN	16

/* UNLINK and RMDIR: 8 bytes, then the name; the answer is empty. */
struct omfs_wire_unlink {
	__u32 dirfid;
	__u16 namelen;
	__u16 reserved;
};
#define OMFS_WIRE_UNLINK_LEN	8

/* RENAME: 16 bytes, then the old and the new name; the answer is empty. */
struct omfs_wire_rename {
	__u32 olddirfid;
	__u32 newdirfid;
	__u32 flags;			/* enum omfs_wire_rename_flags */
	__u16 oldlen;
	__u16 newlen;
};
#define OMFS_WIRE_RENAME_LEN	16

/* STATFS's answer: 72 bytes. */
struct omfs_wire_statfs_rsp {
	__u64 type;
	__u64 blocks;
	__u64 bfree;
	__u64 bavail;
	__u64 files;
	__u64 ffree;
	__u64 fsid;
	__u32 bsize;
	__u32 frsize;
	__u32 namelen;
	__u32 flags;			/* ST_* */
};
#define OMFS_WIRE_STATFS_RSP_LEN 72

/*
 * GETXATTR and SETXATTR: 16 bytes, then the name, then (SET) the value.
 * GET: size_or_flags is the most bytes wanted (<= OMFS_XATTR_SIZE_MAX;
 * 0: the length only), valuelen 0. SET: enum omfs_wire_xattr_flags.
 */
struct omfs_wire_xattr {
	__u32 fid;
	__u32 size_or_flags;
	__u32 valuelen;			/* <= OMFS_XATTR_SIZE_MAX */
	__u16 namelen;			/* 1..OMFS_XATTR_NAME_MAX */
	__u16 reserved;
};
#define OMFS_WIRE_XATTR_LEN	16

/* The answer of READDIR, READLINK, GETXATTR, LISTXATTR: 8 bytes and a tail. */
struct omfs_wire_len_rsp {
	__u32 len;
	__u32 reserved;
};
#define OMFS_WIRE_LEN_RSP_LEN	8

/* REMOVEXATTR: 8 bytes, then the name; the answer is empty. */
struct omfs_wire_rmxattr {
	__u32 fid;
	__u16 namelen;
	__u16 reserved;
};
#define OMFS_WIRE_RMXATTR_LEN	8

/* LOCK: 40 bytes; the answer 32. */
struct omfs_wire_lock {
	__u64 owner;			/* the client's token for the lock owner */
	__u64 start;			/* start <= end <= S64_MAX */
	__u64 end;
	__u32 fid;			/* an OPEN fid */
	__u32 pid;			/* for GETLK answers on other nodes */
	__u8 cmd;			/* enum omfs_wire_lock_cmd */
	__u8 type;			/* enum omfs_wire_lock_type */
	__u16 flags;			/* enum omfs_wire_lock_flags */
	__u32 reserved;
};
#define OMFS_WIRE_LOCK_LEN	40

struct omfs_wire_lock_rsp {
	__u64 start;			/* GETLK: the conflicting lock */
	__u64 end;
	__u32 pid;			/* its holder, 0 when not on the client's node */
	__u16 node;
	__u8 type;			/* enum omfs_wire_lock_type; UN: none */
	__u8 reserved;
	__u64 reserved2;
};
#define OMFS_WIRE_LOCK_RSP_LEN	32

/* LOCK_HINT (one-way, server to client): the whole payload, 16 bytes. */
struct omfs_wire_lock_hint {
	__u64 session;
	__u32 fid;			/* retry your SETLKW on it */
	__u32 reserved;
};
#define OMFS_WIRE_LOCK_HINT_LEN	16

/* A request's fixed struct, as omfs_wire_parse_req() decodes it by type. */
union omfs_wire_args {
	struct omfs_wire_attach attach;
	struct omfs_wire_cred cred;
	struct omfs_wire_clunk clunk;
	struct omfs_wire_lookup lookup;
	struct omfs_wire_fid fid;
	struct omfs_wire_setattr setattr;
	struct omfs_wire_open open;
	struct omfs_wire_create create;
	struct omfs_wire_io io;
	struct omfs_wire_fsync fsync;
	struct omfs_wire_lseek lseek;
	struct omfs_wire_fallocate fallocate;
	struct omfs_wire_readdir readdir;
	struct omfs_wire_mkdir mkdir;
	struct omfs_wire_mknod mknod;
	struct omfs_wire_symlink symlink;
	struct omfs_wire_link link;
	struct omfs_wire_unlink unlink;
	struct omfs_wire_rename rename;
	struct omfs_wire_xattr xattr;
	struct omfs_wire_rmxattr rmxattr;
	struct omfs_wire_lock lock;
};

/* What a client receives, as omfs_wire_parse_rsp() decodes it by type. */
union omfs_wire_rsp {
	struct omfs_wire_attach_rsp attach;
	struct omfs_wire_attr attr;
	struct omfs_wire_create_rsp create;
	struct omfs_wire_read_rsp read;
	struct omfs_wire_write_rsp write;
	struct omfs_wire_lseek_rsp lseek;
	struct omfs_wire_statfs_rsp statfs;
	struct omfs_wire_len_rsp len;
	struct omfs_wire_lock_rsp lock;
	struct omfs_wire_lock_hint hint;
};

/* A tail in the decoded payload; absent ones are { NULL, 0 }. */
struct omfs_wire_tail {
	const __u8 *data;
	__u32 len;
};
#define OMFS_WIRE_TAILS		2	/* the most a request has */

#ifdef __cplusplus
extern "C" {
#endif

/*
 * One struct: put writes exactly its *_LEN bytes; get needs at least that
 * many, checks every rule of the struct itself, and fills *m only when it
 * answers 0. Neither looks at tails: omfs_wire_parse_req() and
 * omfs_wire_parse_rsp() check whole payloads.
 */
#define OMFS_WIRE_CODEC(name)						\
	void omfs_wire_put_##name(__u8 *buf,				\
				  const struct omfs_wire_##name *m);	\
	int omfs_wire_get_##name(const __u8 *buf, size_t len,		\
				 struct omfs_wire_##name *m)
OMFS_WIRE_CODEC(req);
OMFS_WIRE_CODEC(attr);
OMFS_WIRE_CODEC(attach);
OMFS_WIRE_CODEC(attach_rsp);
OMFS_WIRE_CODEC(cred);
OMFS_WIRE_CODEC(clunk);
OMFS_WIRE_CODEC(lookup);
OMFS_WIRE_CODEC(fid);
OMFS_WIRE_CODEC(setattr);
OMFS_WIRE_CODEC(open);
OMFS_WIRE_CODEC(create);
OMFS_WIRE_CODEC(create_rsp);
OMFS_WIRE_CODEC(io);
OMFS_WIRE_CODEC(read_rsp);
OMFS_WIRE_CODEC(write_rsp);
OMFS_WIRE_CODEC(fsync);
OMFS_WIRE_CODEC(lseek);
OMFS_WIRE_CODEC(lseek_rsp);
OMFS_WIRE_CODEC(fallocate);
OMFS_WIRE_CODEC(readdir);
OMFS_WIRE_CODEC(mkdir);
OMFS_WIRE_CODEC(mknod);
OMFS_WIRE_CODEC(symlink);
OMFS_WIRE_CODEC(link);
OMFS_WIRE_CODEC(unlink);
OMFS_WIRE_CODEC(rename);
OMFS_WIRE_CODEC(statfs_rsp);
OMFS_WIRE_CODEC(xattr);
OMFS_WIRE_CODEC(len_rsp);
OMFS_WIRE_CODEC(rmxattr);
OMFS_WIRE_CODEC(lock);
OMFS_WIRE_CODEC(lock_rsp);
OMFS_WIRE_CODEC(lock_hint);
#undef OMFS_WIRE_CODEC

/* Fixed struct lengths by type: after omfs_wire_req, and of the answer; -1: none. */
long omfs_wire_req_len(__u8 type);
long omfs_wire_rsp_len(__u8 type);

/*
 * A whole request payload of @type (not LOCK_HINT): omfs_wire_req, the
 * fixed struct, its tails, exactly @len bytes, every rule checked; the
 * tails' contents too (names, targets, xattr names, fids not 0). On 0,
 * *req, *args and tails[] (pointing into @buf) are set; otherwise nothing.
 * The encoder writes omfs_wire_req and the fixed struct and answers how
 * many bytes that is (0 for a type without a request): the tails follow.
 */
int omfs_wire_parse_req(__u8 type, const __u8 *buf, size_t len,
			struct omfs_wire_req *req, union omfs_wire_args *args,
			struct omfs_wire_tail tails[OMFS_WIRE_TAILS]);
size_t omfs_wire_put_request(__u8 type, __u8 *buf,
			     const struct omfs_wire_req *req,
			     const union omfs_wire_args *args);

/*
 * A whole successful answer to @type, or a LOCK_HINT, likewise; *tail is
 * READ's data, READDIR's entries (all checked), READLINK's target,
 * GETXATTR's value or LISTXATTR's names (checked). GETXATTR and LISTXATTR
 * answers carry no tail when the request asked for the length only: the
 * caller compares the tail with what it asked.
 */
int omfs_wire_parse_rsp(__u8 type, const __u8 *buf, size_t len,
			union omfs_wire_rsp *rsp, struct omfs_wire_tail *tail);
size_t omfs_wire_put_response(__u8 type, __u8 *buf,
			      const union omfs_wire_rsp *rsp);

/* Entry @i of a tail of __u32s (CRED's groups, CLUNK's fids). */
__u32 omfs_wire_get_u32_at(const __u8 *tail, size_t i);
void omfs_wire_put_u32_at(__u8 *tail, size_t i, __u32 v);

/*
 * Tail rules, each 0 or -EPROTO. A name: 1..255 bytes, no NUL, no '/',
 * not . or ..; a symlink target: 1..4095 bytes, no NUL; an xattr name:
 * 1..255 bytes, no NUL; an xattr value: up to 65536 bytes; LISTXATTR's
 * names: each an xattr name and a NUL, up to 65536 bytes in all.
 */
int omfs_wire_check_name(const __u8 *name, size_t len);
int omfs_wire_check_target(const __u8 *target, size_t len);
int omfs_wire_check_xattr_name(const __u8 *name, size_t len);
int omfs_wire_check_xattr_value(size_t len);
int omfs_wire_check_xattr_list(const __u8 *list, size_t len);

/*
 * READDIR entries. The server packs each with put_dirent() at a multiple
 * of 8 (dirent_size() bytes, zero padded) and may set an entry's next once
 * it knows it. The client checks them all with check_dirents(), then walks
 * them with next_dirent() from *pos = 0: 1 and the entry at *pos (advanced
 * past it), 0 at the end, -EPROTO (nothing changed) for a bad entry.
 */
size_t omfs_wire_dirent_size(unsigned int namelen);
void omfs_wire_put_dirent(__u8 *buf, const struct omfs_wire_dirent *d,
			  const char *name);
void omfs_wire_set_dirent_next(__u8 *entry, __u64 next);
int omfs_wire_next_dirent(const __u8 *buf, size_t len, size_t *pos,
			  struct omfs_wire_dirent_view *d);
int omfs_wire_check_dirents(const __u8 *buf, size_t len);

/*
 * The status the server sends for a file system operation's result @err
 * (0 or -errno; 0 stays 0): §6.5's mapping of kernel-internal codes, and
 * EIO for an errno equal to a protocol signal.
 */
int omfs_wire_errno(int err);

#ifdef __cplusplus
}
#endif

#endif /* _OPENMOSIX_OMFS_WIRE_H */
