#!/usr/bin/env bash
# Changing another node's files through /mfs (docs/design/omfs.md phase 3,
# §8.6-8.10): node 1 works in node T's /tmp/w as /mfs/T/tmp/w, and every
# call of the DFSA list behaves there as on a local file system -- each
# result and errno is also taken from a plain directory of node 1 and must
# be the same -- while node T sees at once what node 1 did, and node 1 what
# node T did:
#  - open/creat/close, read/readv/write/writev (one write above max_io, one that
#    fills the file system partway),
#    lseek (SEEK_DATA/HOLE), dup/dup2, fcntl F_SETFL O_APPEND, getdents,
#    fsync/fdatasync, chdir/fchdir/getcwd, stat/lstat/fstat, access,
#    truncate/ftruncate, chmod/fchmod, chown/fchown/lchown (root, which node
#    T lets through with norootsquash; a user: EPERM), utime/utimes/
#    utimensat (UTIME_NOW, UTIME_OMIT, the owner-or-write rule), symlink/
#    readlink, mkdir/rmdir, link, unlink, rename and renameat2's
#    RENAME_NOREPLACE/RENAME_EXCHANGE, mkfifo, copy_file_range, statfs,
#    fallocate, user.* xattrs on an ext4 of node T, the creator's umask,
#    and a default ACL of node T's directory instead of it;
#  - across nodes rename and link are EXDEV, and mv copies;
#  - a program of node T run from node 1 keeps node T's writers out
#    (ETXTBSY), and one running on node T keeps node 1's out;
#  - coherence: data, size, mode, owner, times changed on one node are read
#    on the other right after, through an fd opened before the change too;
#  - O_APPEND writers on both nodes at once: nothing lost, nothing torn;
#  - tools: cp -a and diff -r of a tree, tar both ways, git, a python
#    program; and fsrandom.py's random sequence against a local directory;
#  - at the end nothing of node 1's is left open on node T: its ext4 unmounts.
# Locks (and sqlite) are phase 4, faults phase 5: not here.
#
# OMT_OMFS_WRITE_TARGET=1 (test/vm/run passes OMT_* variables) runs it all
# against node 1's own files, /mfs/1 (the local backend); the checks that
# need two nodes say so and are skipped. OMT_FSRANDOM_SEED and
# OMT_FSRANDOM_OPS change the random sequence (default: seed 7, 3000 ops).
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

T=${OMT_OMFS_WRITE_TARGET:-2}	# the node whose files node 1 changes
X=$((3 - T))			# the other one, for the cross-node checks
L=/tmp/w			# the directory, on node T
R=/mfs/$T$L			# the same, from node 1
S=$OMVM_SHARED
SEED=${OMT_FSRANDOM_SEED:-7}
OPS=${OMT_FSRANDOM_OPS:-3000}
case $T in 1 | 2) ;; *) fail "OMT_OMFS_WRITE_TARGET must be 1 or 2, not $T" ;; esac
remote() { [ "$T" != 1 ]; }

# as_user CMD...: CMD as uid 1000, gid 1000, groups 1000 and 1001.
as_user() { setpriv --reuid 1000 --regid 1000 --groups 1000,1001 "$@"; }
# tree_of DIR: every entry's name, type, mode, links, owner, size, mtime, target.
tree_of() { (cd "$1" && find . -printf '%p %y %m %n %u %g %s %T@ %l\n' | LC_ALL=C sort); }
# attrs PATH: what stat shows of PATH that both nodes must agree on.
attrs() { stat -c '%F %a %h %u %g %s %.9Y %.9Z' "$1"; }
# publish NAME VALUE / published NAME: a value handed to the other node.
publish() { printf '%s\n' "$2" >"$S/$1"; }
published() { cat "$S/$1"; }
# stop_program PID: SIGTERM to a background program, which it must die of.
stop_program() {
	local rc=0
	kill "$1"
	wait "$1" || rc=$?
	expect_eq "status of a program ended with SIGTERM" 143 "$rc"
}
# meet NAME [TIMEOUT]: barrier NAME, but fail at once once another node has
# failed (the EXIT trap below says so), rather than after TIMEOUT seconds.
meet() {
	local end=$((SECONDS + ${2:-60})) n missing
	: >"$S/barrier.$1.$NODE"
	while :; do
		missing=
		for ((n = 1; n <= NODES; n++)); do
			[ -e "$S/barrier.$1.$n" ] || missing+=" node$n"
		done
		[ -n "$missing" ] || return 0
		if ls "$S"/failed.* >/dev/null 2>&1; then
			fail "barrier $1: $(cat "$S"/failed.*)"
		fi
		[ "$SECONDS" -lt "$end" ] || fail "barrier $1: still waiting for$missing after ${2:-60} s"
		sleep 0.2
	done
}
trap 'rc=$?; [ "$rc" = 0 ] || echo "node$NODE failed" >>"$S/failed.$NODE"' EXIT

modprobe omfs
load_cluster_map
mount -t mfs mfs_mnt /mfs
link_to_node1
log "node 1 changes node $T's files as $R"

if [ "$NODE" = "$T" ]; then
	omctl set norootsquash
	mkdir -m 1777 $L
	mkdir $L/bin
	cp /usr/bin/sleep $L/bin/busy
	modprobe loop
	modprobe ext4
	truncate -s 32M /tmp/img
	mkfs.ext4 -q -F -b 4096 /tmp/img
	mkdir $L/e
	mount -o loop /tmp/img $L/e
	chmod 1777 $L/e
	# Room for one round of write pieces (4 x 512 KiB) and one more piece.
	mkdir $L/small
	mount -t tmpfs -o size=2560k small $L/small
	chmod 1777 $L/small
	publish statfs "$(stat -f -c '%b %s %S %l %c' /tmp)"
	publish statfs.e "$(stat -f -c '%b %s %S %l %c' $L/e)"
	# A default ACL (u::rwx g::r-x o::---) replaces the creator's umask.
	mkdir $L/acl
	python3 -c 'import os, struct, sys
os.setxattr(sys.argv[1], "system.posix_acl_default",
            struct.pack("<I", 2) + b"".join(struct.pack("<HHI", t, p, 0xffffffff)
                                            for t, p in ((1, 7), (4, 5), (0x20, 0))))' $L/acl
	(umask 077 && touch $L/acl/direct)
	expect_eq "mode of a file made under umask 077 with that ACL, on node $T itself" 640 "$(stat -c %a $L/acl/direct)"
fi
if [ "$NODE" = "$X" ]; then
	mkdir -m 1777 /tmp/x
	echo "on node $X" >/tmp/x/f
fi
meet setup

if [ "$NODE" = 1 ]; then
	log "every call of the DFSA list in $R/c, against a plain /tmp/ref"
	started=$SECONDS
	python3 - "$R/c" /tmp/ref <<'PY'
import ctypes, ctypes.util, errno, fcntl, hashlib, mmap, os, stat, sys

D, REF = sys.argv[1], sys.argv[2]
AT_FDCWD, AT_SYMLINK_NOFOLLOW = -100, 0x100
UTIME_NOW, UTIME_OMIT = (1 << 30) - 1, (1 << 30) - 2
RENAME_NOREPLACE, RENAME_EXCHANGE = 1, 2
libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


class timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


class timeval(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_usec", ctypes.c_long)]


class utimbuf(ctypes.Structure):
    _fields_ = [("actime", ctypes.c_long), ("modtime", ctypes.c_long)]


def check(rc, path):
    if rc != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e), path)


def utimensat(path, times, flags=0):
    arg = None if times is None else (timespec * 2)(*(timespec(*t) for t in times))
    check(libc.utimensat(AT_FDCWD, os.fsencode(path), arg, flags), path)


def utimes(path, times):
    check(libc.utimes(os.fsencode(path), (timeval * 2)(*(timeval(*t) for t in times))), path)


def utime(path, at, mt):
    check(libc.utime(os.fsencode(path), ctypes.byref(utimbuf(at, mt))), path)


libc.pwrite.restype = ctypes.c_ssize_t
libc.pwrite.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_long]


def cpwrite(fd, addr, count, off):
    """pwrite(2) from the raw address @addr, which Python cannot name."""
    n = libc.pwrite(fd, addr, count, off)
    if n < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return n


def renameat2(old, new, flags):
    check(libc.renameat2(AT_FDCWD, os.fsencode(old), AT_FDCWD, os.fsencode(new), flags), old)


def outcome(fn):
    try:
        return ("ok", fn())
    except OSError as e:
        return ("err", errno.errorcode[e.errno])


class Calls:
    """One run of the sequence in a directory: every outcome is recorded
    (the two runs' records must be equal) and checked against what is
    written here (ANY: whatever the reference gives)."""

    ANY = object()

    def __init__(self, base):
        self.base, self.log = base, []

    def p(self, *names):
        return os.path.join(self.base, *names)

    def ok(self, what, fn, want=ANY):
        got = outcome(fn)
        self.log.append((what, got))
        if got[0] != "ok" or (want is not Calls.ANY and got[1] != want):
            sys.exit(f"{self.base}: {what}: expected {want!r}, got {got!r}")
        return got[1]

    def err(self, what, name, fn):
        got = outcome(fn)
        self.log.append((what, got))
        if got != ("err", name):
            sys.exit(f"{self.base}: {what}: expected {name}, got {got!r}")

    def attrs(self, path, follow=True):
        st = os.stat(path, follow_symlinks=follow)
        return (stat.filemode(st.st_mode), st.st_nlink, st.st_uid, st.st_gid,
                None if stat.S_ISDIR(st.st_mode) else st.st_size)

    def run(self):
        ok, err, p, A = self.ok, self.err, self.p, self.attrs
        os.umask(0o022)
        ok("mkdir of the directory", lambda: os.mkdir(self.base), None)
        f = p("f")

        # open, creat, close
        fd = ok("open O_CREAT|O_EXCL", lambda: os.open(f, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        ok("mode of a new file under umask 022", lambda: A(f), ("-rw-r--r--", 1, 0, 0, 0))
        ok("close", lambda: os.close(fd))
        err("O_CREAT|O_EXCL of an existing file", "EEXIST", lambda: os.open(f, os.O_WRONLY | os.O_CREAT | os.O_EXCL))
        err("open of a missing file", "ENOENT", lambda: os.open(p("none"), os.O_RDONLY))
        err("open below a file", "ENOTDIR", lambda: os.open(p("f", "x"), os.O_RDONLY))
        err("open of a directory for writing", "EISDIR", lambda: os.open(self.base, os.O_WRONLY))
        err("O_CREAT in a missing directory", "ENOENT", lambda: os.open(p("none", "x"), os.O_WRONLY | os.O_CREAT))
        os.close(ok("creat", lambda: os.open(p("g"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)))
        ok("mode of a creat(0600)", lambda: A(p("g")), ("-rw-------", 1, 0, 0, 0))
        os.close(os.open(f, os.O_WRONLY | os.O_CREAT, 0o600))
        ok("O_CREAT of an existing file keeps its mode", lambda: A(f)[0], "-rw-r--r--")

        # write, writev, read, readv, lseek, pread/pwrite
        fd = os.open(f, os.O_RDWR)
        ok("write", lambda: os.write(fd, b"hello "), 6)
        ok("writev", lambda: os.writev(fd, [b"wor", b"ld", b"\n"]), 6)
        ok("SEEK_CUR after writes", lambda: os.lseek(fd, 0, os.SEEK_CUR), 12)
        ok("SEEK_SET", lambda: os.lseek(fd, 0, os.SEEK_SET), 0)
        ok("read", lambda: os.read(fd, 5), b"hello")
        bufs = [bytearray(3), bytearray(10)]
        ok("readv", lambda: os.readv(fd, bufs), 7)
        ok("readv's buffers", lambda: [bytes(b) for b in bufs], [b" wo", b"rld\n" + bytes(6)])
        ok("read at the end", lambda: os.read(fd, 10), b"")
        ok("pread", lambda: os.pread(fd, 5, 6), b"world")
        ok("pwritev", lambda: os.pwritev(fd, [b"W", b"O"], 6), 2)
        ok("preadv", lambda: (os.preadv(fd, bufs, 0), bytes(bufs[0]) + bytes(bufs[1])),
           (12, b"hello WOrld\n" + bytes(1)))
        ok("SEEK_END", lambda: os.lseek(fd, 0, os.SEEK_END), 12)
        ok("SEEK_SET past the end", lambda: os.lseek(fd, 100000, os.SEEK_SET), 100000)
        ok("write past the end", lambda: os.write(fd, b"end"), 3)
        ok("size with a hole", lambda: os.fstat(fd).st_size, 100003)
        ok("the hole reads as zeros", lambda: os.pread(fd, 4, 50000), bytes(4))
        ok("SEEK_DATA", lambda: os.lseek(fd, 8192, os.SEEK_DATA))
        ok("SEEK_HOLE", lambda: os.lseek(fd, 0, os.SEEK_HOLE))
        err("SEEK_DATA past the end", "ENXIO", lambda: os.lseek(fd, 200000, os.SEEK_DATA))
        err("a negative offset", "EINVAL", lambda: os.lseek(fd, -1, os.SEEK_SET))
        big = hashlib.sha256(b"omfs").digest() * (3 * 32768 + 7)	# 3 MiB + 224: several max_io
        ok("one write of 3 MiB", lambda: os.pwrite(fd, big, 200000), len(big))
        ok("reading it back", lambda: hashlib.sha256(os.pread(fd, len(big), 200000)).digest(),
           hashlib.sha256(big).digest())
        ok("size after it", lambda: os.fstat(fd).st_size, 200000 + len(big))

        # Where a write's bytes come from. mfs sends user pages as they are
        # and copies kernel ones: a buffer that faults partway or at once,
        # an mmap of a file of the same mount (its pages are read in while
        # the write takes them), iovecs cut anywhere, sendfile's pages.
        pg = mmap.PAGESIZE
        H = lambda b: hashlib.sha256(b).hexdigest()
        anon = mmap.mmap(-1, 2 * pg)
        anon[:] = b"p" * pg + b"q" * pg
        at = ctypes.addressof(ctypes.c_char.from_buffer(anon))
        check(libc.mprotect(ctypes.c_void_p(at + pg), pg, 0), "mprotect")
        ok("a write whose buffer faults partway",
           lambda: (cpwrite(fd, at + 100, pg + 100, 7), os.pread(fd, pg - 100, 7) == b"p" * (pg - 100)),
           (pg - 100, True))
        err("a write whose buffer faults at once", "EFAULT", lambda: cpwrite(fd, at + pg, 10, 7))
        src = os.open(p("src"), os.O_RDWR | os.O_CREAT, 0o644)
        os.write(src, big[: 3 * pg + 5])
        sm = mmap.mmap(src, 3 * pg + 5, mmap.MAP_SHARED, mmap.PROT_READ)
        ok("a write from an mmap of a file here",
           lambda: (os.pwrite(fd, memoryview(sm)[1:], 9), H(os.pread(fd, 3 * pg + 4, 9))),
           (3 * pg + 4, H(big[1 : 3 * pg + 5])))
        sm.close()
        cut = memoryview(bytearray(big[:20000]))
        vecs = [cut[1:pg], cut[pg + 1 : 3 * pg - 3], cut[5:6], cut[3 * pg : 20000], cut[7:9]]
        ok("a pwritev of iovecs cut anywhere",
           lambda: (os.pwritev(fd, vecs, 11), H(os.pread(fd, sum(map(len, vecs)), 11))),
           (sum(map(len, vecs)), H(b"".join(bytes(v) for v in vecs))))
        ok("sendfile into the file (at its offset)",
           lambda: (os.lseek(fd, 13, os.SEEK_SET), os.sendfile(fd, src, 0, 3 * pg),
                    H(os.pread(fd, 3 * pg, 13))),
           (13, 3 * pg, H(big[: 3 * pg])))
        os.close(src)
        os.unlink(p("src"))
        os.pwrite(fd, big, 200000)	# as it was

        # dup, dup2: one open file, one offset
        fd2 = ok("dup", lambda: os.dup(fd))
        os.lseek(fd, 0, os.SEEK_SET)
        ok("write through the dup", lambda: os.write(fd2, b"H"), 1)
        ok("the offset is shared", lambda: os.lseek(fd, 0, os.SEEK_CUR), 1)
        ok("dup2", lambda: os.dup2(fd, 50), 50)
        ok("pread through dup2's fd", lambda: os.pread(50, 5, 0), b"Hello")
        os.close(50)
        os.close(fd2)

        # fsync, fdatasync, also of a directory
        ok("fsync", lambda: os.fsync(fd), None)
        ok("fdatasync", lambda: os.fdatasync(fd), None)
        dfd = os.open(self.base, os.O_RDONLY | os.O_DIRECTORY)
        ok("fsync of a directory", lambda: os.fsync(dfd), None)

        # truncate, ftruncate
        ok("truncate", lambda: (os.truncate(f, 5), os.stat(f).st_size), (None, 5))
        ok("ftruncate", lambda: (os.ftruncate(fd, 3), os.pread(fd, 10, 0)), (None, b"Hel"))
        ok("ftruncate up", lambda: (os.ftruncate(fd, 1 << 20), os.fstat(fd).st_size), (None, 1 << 20))
        ok("what it added reads as zeros", lambda: os.pread(fd, 4, 500000), bytes(4))
        err("truncate of a directory", "EISDIR", lambda: os.truncate(self.base, 0))
        ro = os.open(f, os.O_RDONLY)
        err("ftruncate of a read-only fd", "EINVAL", lambda: os.ftruncate(ro, 0))
        err("write to a read-only fd", "EBADF", lambda: os.write(ro, b"x"))
        os.close(ro)
        ok("O_TRUNC", lambda: (os.close(os.open(f, os.O_WRONLY | os.O_TRUNC)), os.fstat(fd).st_size), (None, 0))
        os.pwrite(fd, b"0123456789", 0)

        # fcntl F_SETFL O_APPEND; O_APPEND's pwrite appends too (Linux)
        w = os.open(f, os.O_WRONLY)
        ok("F_GETFL without O_APPEND", lambda: fcntl.fcntl(w, fcntl.F_GETFL) & os.O_APPEND, 0)
        ok("F_SETFL O_APPEND", lambda: fcntl.fcntl(w, fcntl.F_SETFL, os.O_APPEND), 0)
        ok("F_GETFL with O_APPEND", lambda: fcntl.fcntl(w, fcntl.F_GETFL) & os.O_APPEND, os.O_APPEND)
        ok("an O_APPEND write", lambda: (os.write(w, b"ab"), os.lseek(w, 0, os.SEEK_CUR)), (2, 12))
        ok("an O_APPEND pwrite at 0", lambda: (os.pwrite(w, b"cd", 0), os.fstat(w).st_size), (2, 14))
        ok("F_SETFL 0", lambda: fcntl.fcntl(w, fcntl.F_SETFL, 0), 0)
        os.lseek(w, 0, os.SEEK_SET)
        ok("a write once O_APPEND is off", lambda: os.write(w, b"X"), 1)
        ok("the content", lambda: os.pread(fd, 100, 0), b"X123456789abcd")
        os.close(w)
        a = os.open(p("app"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        ok("O_APPEND writes", lambda: [os.write(a, bytes([65 + i]) * (i + 1)) for i in range(4)], [1, 2, 3, 4])
        os.close(a)
        ok("what they appended", lambda: open(p("app"), "rb").read(), b"ABBCCCDDDD")

        # copy_file_range (and its splice fallback)
        c = os.open(p("copy"), os.O_WRONLY | os.O_CREAT, 0o644)
        ok("copy_file_range", lambda: os.copy_file_range(fd, c, 10, 0, 0), 10)
        os.close(c)
        ok("the copy", lambda: open(p("copy"), "rb").read(), b"X123456789")

        # stat, lstat, fstat, symlink, readlink
        ok("symlink", lambda: os.symlink("f", p("sl")), None)
        ok("lstat of a symlink", lambda: A(p("sl"), False)[0::4], ("lrwxrwxrwx", 1))
        ok("stat through it", lambda: os.stat(p("sl")).st_ino == os.stat(f).st_ino, True)
        ok("fstat against stat", lambda: os.fstat(fd).st_ino == os.stat(f).st_ino, True)
        ok("readlink", lambda: os.readlink(p("sl")), "f")
        ok("a symlink to a path with ..", lambda: (os.symlink("x/../y/", p("s2")), os.readlink(p("s2"))), (None, "x/../y/"))
        err("symlink over a name", "EEXIST", lambda: os.symlink("f", p("g")))
        err("readlink of a file", "EINVAL", lambda: os.readlink(f))
        err("stat of a dangling symlink", "ENOENT", lambda: os.stat(p("s2")))
        os.symlink("loop", p("loop"))
        err("a symlink loop", "ELOOP", lambda: os.stat(p("loop")))
        err("O_NOFOLLOW of a symlink", "ELOOP", lambda: os.open(p("sl"), os.O_RDONLY | os.O_NOFOLLOW))
        ok("a long symlink target", lambda: (os.symlink("t" * 4000, p("s3")), len(os.readlink(p("s3")))), (None, 4000))

        # chmod, fchmod, access (root)
        ok("chmod", lambda: (os.chmod(f, 0o604), A(f)[0]), (None, "-rw----r--"))
        ok("fchmod with setuid", lambda: (os.fchmod(fd, 0o4755), A(f)[0]), (None, "-rwsr-xr-x"))
        ok("chmod through a symlink", lambda: (os.chmod(p("sl"), 0o640), A(f)[0]), (None, "-rw-r-----"))
        ok("access R_OK|W_OK", lambda: os.access(f, os.R_OK | os.W_OK), True)
        ok("access X_OK without any x bit", lambda: os.access(f, os.X_OK), False)
        ok("access X_OK with one", lambda: (os.chmod(f, 0o100), os.access(f, os.X_OK)), (None, True))
        ok("access F_OK of a missing file", lambda: os.access(p("none"), os.F_OK), False)

        # chown, fchown, lchown (root; node T allows root)
        ok("chown", lambda: (os.chown(f, 1000, 1001), A(f)[2:4]), (None, (1000, 1001)))
        ok("fchown", lambda: (os.fchown(fd, 1000, 1000), A(f)[2:4]), (None, (1000, 1000)))
        ok("lchown", lambda: (os.lchown(p("sl"), 1001, 1001), A(p("sl"), False)[2:4], A(f)[2:4]),
           (None, (1001, 1001), (1000, 1000)))
        ok("chown -1 -1", lambda: (os.chown(f, -1, -1), A(f)[2:4]), (None, (1000, 1000)))
        ok("chown clears setuid", lambda: (os.chmod(f, 0o6755), os.chown(f, 0, 0), A(f)[0]), (None, None, "-rwxr-xr-x"))

        # utime, utimes, utimensat, UTIME_NOW, UTIME_OMIT
        ns = lambda path, follow=True: (os.stat(path, follow_symlinks=follow).st_atime_ns,
                                        os.stat(path, follow_symlinks=follow).st_mtime_ns)
        ok("utimensat", lambda: (utimensat(f, ((1000000000, 5), (1100000000, 123456789))), ns(f)),
           (None, (1000000000000000005, 1100000000123456789)))
        ok("UTIME_OMIT of atime", lambda: (utimensat(f, ((0, UTIME_OMIT), (1200000000, 7))), ns(f)),
           (None, (1000000000000000005, 1200000000000000007)))
        ctime = os.stat(f).st_ctime_ns
        ok("UTIME_OMIT of both leaves the times", lambda: (utimensat(f, ((0, UTIME_OMIT), (0, UTIME_OMIT))), ns(f)),
           (None, (1000000000000000005, 1200000000000000007)))
        ok("UTIME_NOW of atime", lambda: (utimensat(f, ((0, UTIME_NOW), (0, UTIME_OMIT))),
                                          ns(f)[0] > 1000000000000000005, ns(f)[1]),
           (None, True, 1200000000000000007))
        ok("utimensat(NULL) sets both to now", lambda: (utimensat(f, None), ns(f)[1] > 1200000000000000007,
                                                        os.stat(f).st_ctime_ns >= ctime), (None, True, True))
        ok("utimes", lambda: (utimes(f, ((1300000000, 1), (1300000001, 999999))), ns(f)),
           (None, (1300000000000001000, 1300000001999999000)))
        ok("utime", lambda: (utime(f, 1400000000, 1400000001), ns(f)),
           (None, (1400000000000000000, 1400000001000000000)))
        ok("utimensat AT_SYMLINK_NOFOLLOW", lambda: (utimensat(p("sl"), ((1, 0), (2, 0)), AT_SYMLINK_NOFOLLOW),
                                                     ns(p("sl"), False), ns(f)),
           (None, (1000000000, 2000000000), (1400000000000000000, 1400000001000000000)))

        # mkdir, rmdir, getdents
        ok("mkdir", lambda: (os.mkdir(p("d1"), 0o750), A(p("d1"))[:2]), (None, ("drwxr-x---", 2)))
        err("mkdir of an existing name", "EEXIST", lambda: os.mkdir(p("d1")))
        err("mkdir below a file", "ENOTDIR", lambda: os.mkdir(p("f", "x")))
        ok("links of a directory with a subdirectory", lambda: (os.mkdir(p("d1", "sub")), A(p("d1"))[1]), (None, 3))
        err("rmdir of a non-empty directory", "ENOTEMPTY", lambda: os.rmdir(p("d1")))
        err("rmdir of a file", "ENOTDIR", lambda: os.rmdir(f))
        err("rmdir of a missing name", "ENOENT", lambda: os.rmdir(p("none")))
        err("rmdir of .", "EINVAL", lambda: os.rmdir(p("d1", "sub", ".")))
        ok("rmdir", lambda: (os.rmdir(p("d1", "sub")), A(p("d1"))[1]), (None, 2))
        os.mkdir(p("many"))
        names = sorted(f"entry-with-a-longer-name-{i:04}" for i in range(250))
        for n in names:
            os.close(os.open(p("many", n), os.O_WRONLY | os.O_CREAT, 0o644))
        os.mkdir(p("many", "zdir"))
        os.symlink("zdir", p("many", "zlink"))
        ok("getdents of 252 entries", lambda: sorted(os.listdir(p("many"))), names + ["zdir", "zlink"])
        ok("d_type", lambda: sorted((e.name, e.is_dir(follow_symlinks=False), e.is_symlink())
                                    for e in os.scandir(p("many")) if e.name.startswith("z")),
           [("zdir", True, False), ("zlink", False, True)])
        ok("getdents of an fd", lambda: len(os.listdir(os.open(p("many"), os.O_RDONLY | os.O_DIRECTORY))), 252)
        ok("unlink while listed", lambda: ([os.unlink(p("many", n)) for n in names[::2]], len(os.listdir(p("many"))))[1],
           127)
        ok("getdents of an empty directory", lambda: os.listdir(p("d1")), [])

        # chdir, fchdir, getcwd
        cwd = os.getcwd()
        ok("chdir and getcwd", lambda: (os.chdir(p("d1")), os.getcwd()), (None, p("d1")))
        ok("a file made relative to it", lambda: (os.close(os.open("rel", os.O_WRONLY | os.O_CREAT, 0o644)),
                                                   os.path.exists(p("d1", "rel"))), (None, True))
        ok("fchdir", lambda: (os.fchdir(dfd), os.getcwd()), (None, self.base))
        ok("stat relative to it", lambda: A("f")[0], "-rwxr-xr-x")
        os.mkdir(p("gone"))
        os.chdir(p("gone"))
        os.rmdir(p("gone"))
        err("getcwd in a removed directory", "ENOENT", lambda: os.getcwd())
        err("creating in a removed cwd", "ENOENT", lambda: os.open("x", os.O_WRONLY | os.O_CREAT))
        os.chdir(cwd)

        # link, unlink
        ok("link", lambda: (os.link(f, p("hl")), A(p("hl"))[1], A(f)[1]), (None, 2, 2))
        ok("one inode", lambda: os.stat(p("hl")).st_ino == os.stat(f).st_ino, True)
        ok("read through the link", lambda: open(p("hl"), "rb").read(), b"X123456789abcd")
        err("link over a name", "EEXIST", lambda: os.link(f, p("g")))
        err("link of a directory", "EPERM", lambda: os.link(p("d1"), p("d1l")))
        err("link of a missing file", "ENOENT", lambda: os.link(p("none"), p("x")))
        ok("link of a symlink itself", lambda: (os.link(p("sl"), p("sl2"), follow_symlinks=False),
                                                A(p("sl2"), False)[0:2]), (None, ("lrwxrwxrwx", 2)))
        ok("unlink", lambda: (os.unlink(p("hl")), A(f)[1]), (None, 1))
        err("unlink of a directory", "EISDIR", lambda: os.unlink(p("d1")))
        err("unlink of a missing name", "ENOENT", lambda: os.unlink(p("hl")))
        t = os.open(p("tmp"), os.O_WRONLY | os.O_CREAT, 0o644)
        os.write(t, b"still here")
        os.close(t)
        t = os.open(p("tmp"), os.O_RDWR)
        ok("unlink of an open file", lambda: (os.unlink(p("tmp")), os.fstat(t).st_nlink), (None, 0))
        ok("its fd still reads", lambda: os.pread(t, 20, 0), b"still here")
        ok("and writes", lambda: (os.pwrite(t, b"S", 0), os.pread(t, 20, 0)), (1, b"Still here"))
        os.close(t)

        # rename, renameat2
        ino = os.stat(p("g")).st_ino
        ok("rename", lambda: (os.rename(p("g"), p("g2")), os.stat(p("g2")).st_ino == ino,
                              os.path.lexists(p("g"))), (None, True, False))
        ok("rename over a file", lambda: (os.rename(p("copy"), p("g2")), open(p("g2"), "rb").read()),
           (None, b"X123456789"))
        ok("rename into a directory", lambda: (os.rename(p("g2"), p("d1", "g3")), A(p("d1", "g3"))[4]), (None, 10))
        os.makedirs(p("full", "x"))
        os.mkdir(p("empty"))
        err("rename over a non-empty directory", "ENOTEMPTY", lambda: os.rename(p("d1"), p("full")))
        err("rename of a file over a directory", "EISDIR", lambda: os.rename(f, p("empty")))
        err("rename of a directory over a file", "ENOTDIR", lambda: os.rename(p("empty"), f))
        err("rename of a directory into itself", "EINVAL", lambda: os.rename(p("full"), p("full", "x", "y")))
        err("rename of a missing name", "ENOENT", lambda: os.rename(p("none"), p("y")))
        ok("rename of a directory over an empty one", lambda: (os.rename(p("full"), p("empty")),
                                                               os.listdir(p("empty"))), (None, ["x"]))
        ok("rename onto itself", lambda: os.rename(f, f), None)
        err("RENAME_NOREPLACE over a name", "EEXIST", lambda: renameat2(p("app"), f, RENAME_NOREPLACE))
        ok("RENAME_NOREPLACE", lambda: (renameat2(p("app"), p("app2"), RENAME_NOREPLACE),
                                        os.path.lexists(p("app"))), (None, False))
        ok("RENAME_EXCHANGE", lambda: (renameat2(p("app2"), f, RENAME_EXCHANGE), open(f, "rb").read(),
                                       open(p("app2"), "rb").read()), (None, b"ABBCCCDDDD", b"X123456789abcd"))
        ok("RENAME_EXCHANGE of a file and a directory", lambda: (renameat2(p("app2"), p("empty"), RENAME_EXCHANGE),
                                                                 A(p("app2"))[0][0], A(p("empty"))[0][0]),
           (None, "d", "-"))
        err("RENAME_EXCHANGE with a missing name", "ENOENT", lambda: renameat2(f, p("none"), RENAME_EXCHANGE))
        err("RENAME_NOREPLACE|RENAME_EXCHANGE", "EINVAL", lambda: renameat2(f, p("d1"), RENAME_NOREPLACE | RENAME_EXCHANGE))

        # mkfifo: made there, listed with its type (opening it is another matter)
        ok("mkfifo", lambda: (os.mkfifo(p("fifo"), 0o640), A(p("fifo"), False)[0]), (None, "prw-r-----"))

        # fallocate
        fa = os.open(p("fa"), os.O_RDWR | os.O_CREAT, 0o644)
        ok("posix_fallocate", lambda: (os.posix_fallocate(fa, 0, 1 << 20), os.fstat(fa).st_size,
                                       os.fstat(fa).st_blocks >= 2048), (None, 1 << 20, True))
        err("fallocate of length 0", "EINVAL", lambda: os.posix_fallocate(fa, 0, 0))
        os.close(fa)
        os.close(fd)
        os.close(dfd)


ref = Calls(REF)
ref.run()
mfs = Calls(D)
mfs.run()
for (what, want), (_, got) in zip(ref.log, mfs.log):
    if repr(want).replace(REF, D) != repr(got):
        sys.exit(f"{what}: {REF} gave {want!r}, {D} {got!r}")
print(f"{len(mfs.log)} calls gave what they give in {REF}")
PY
	log "what a user may not do there, and the owner-or-write rule of utimensat"
	python3 - "$R/c/u" /tmp/ref/u <<'PY'
import os, sys
for d in sys.argv[1:]:
    os.mkdir(d)
    os.chmod(d, 0o1777)
    for name, mode in (("root644", 0o644), ("root666", 0o666), ("root600", 0o600)):
        with open(os.path.join(d, name), "w") as f:
            f.write(name)
        os.chmod(os.path.join(d, name), mode)
        os.utime(os.path.join(d, name), ns=(10**18, 10**18))
    os.mkdir(os.path.join(d, "rootdir"))
PY
	as_user python3 - "$R/c/u" /tmp/ref/u <<'PY'
import ctypes, ctypes.util, errno, os, sys

AT_FDCWD, UTIME_NOW, UTIME_OMIT = -100, (1 << 30) - 1, (1 << 30) - 2
libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


class timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


def utimensat(path, times):
    arg = None if times is None else (timespec * 2)(*(timespec(*t) for t in times))
    if libc.utimensat(AT_FDCWD, os.fsencode(path), arg, 0) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e), path)


def outcome(fn):
    try:
        fn()
        return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]


NOW, OMIT, SET = (0, UTIME_NOW), (0, UTIME_OMIT), (1500000000, 0)
cases = [
    ("chown of one's file to root", "EPERM", lambda d: os.chown(f"{d}/mine", 0, -1)),
    ("fchown of one's file to root", "EPERM", lambda d: os.fchown(os.open(f"{d}/mine", os.O_RDONLY), 0, 0)),
    ("lchown of one's symlink to root", "EPERM", lambda d: os.lchown(f"{d}/minel", 0, 0)),
    ("chown of root's file to oneself", "EPERM", lambda d: os.chown(f"{d}/root666", 1000, 1000)),
    ("chgrp to a group of one's own", "ok", lambda d: os.chown(f"{d}/mine", -1, 1001)),
    ("chgrp to another group", "EPERM", lambda d: os.chown(f"{d}/mine", -1, 0)),
    ("chmod of root's file", "EPERM", lambda d: os.chmod(f"{d}/root666", 0o777)),
    ("chmod of one's file", "ok", lambda d: os.chmod(f"{d}/mine", 0o640)),
    ("open of root's 0644 for writing", "EACCES", lambda d: os.open(f"{d}/root644", os.O_WRONLY)),
    ("open of root's 0600", "EACCES", lambda d: os.open(f"{d}/root600", os.O_RDONLY)),
    ("truncate of root's 0644", "EACCES", lambda d: os.truncate(f"{d}/root644", 0)),
    ("creating in root's 0755 directory", "EACCES", lambda d: os.open(f"{d}/rootdir/x", os.O_WRONLY | os.O_CREAT)),
    ("unlink of root's file in a sticky directory", "EPERM", lambda d: os.unlink(f"{d}/root666")),
    ("rename of root's file in a sticky directory", "EPERM", lambda d: os.rename(f"{d}/root666", f"{d}/x")),
    # utimensat: to now with write access; anything else only the owner.
    ("utimensat(NULL) of root's writable file", "ok", lambda d: utimensat(f"{d}/root666", None)),
    ("UTIME_NOW of root's writable file", "ok", lambda d: utimensat(f"{d}/root666", (NOW, NOW))),
    ("UTIME_OMIT of both, root's file", "ok", lambda d: utimensat(f"{d}/root644", (OMIT, OMIT))),
    ("explicit times of root's writable file", "EPERM", lambda d: utimensat(f"{d}/root666", (SET, SET))),
    ("UTIME_NOW and an explicit time", "EPERM", lambda d: utimensat(f"{d}/root666", (NOW, SET))),
    ("utimensat(NULL) of root's read-only file", "EACCES", lambda d: utimensat(f"{d}/root644", None)),
    ("explicit times of root's read-only file", "EPERM", lambda d: utimensat(f"{d}/root644", (SET, OMIT))),
    ("explicit times of one's read-only file", "ok", lambda d: utimensat(f"{d}/mine", (SET, SET))),
]
results = {}
for d in sys.argv[1:]:
    with open(f"{d}/mine", "w") as f:
        f.write("mine")
    os.chmod(f"{d}/mine", 0o444)
    os.symlink("mine", f"{d}/minel")
    got = [(what, outcome(lambda: fn(d))) for what, want, fn in cases]
    for (what, want, _), (_, g) in zip(cases, got):
        if g != want:
            sys.exit(f"{d}: {what}: expected {want}, got {g}")
    if not os.access(f"{d}/root644", os.R_OK) or os.access(f"{d}/root644", os.W_OK):
        sys.exit(f"{d}: access of root's 0644 file: expected R_OK and not W_OK")
    if os.access(f"{d}/root600", os.R_OK):
        sys.exit(f"{d}: access(R_OK) of root's 0600 file")
    st = os.stat(f"{d}/root644")
    if st.st_mtime_ns != 10**18:
        sys.exit(f"{d}: root644's mtime changed to {st.st_mtime_ns}")
    if os.stat(f"{d}/mine").st_mtime_ns != 1500000000 * 10**9:
        sys.exit(f"{d}: mine's mtime is not the one set")
    results[d] = got
print(f"{len(cases)} calls of uid 1000 gave what they give in {sys.argv[2]}")
PY
	expect_eq "owners in $R/c/u" "$(cd /tmp/ref/u && stat -c '%n %U %G %a' * | xargs)" \
		"$(cd $R/c/u && stat -c '%n %U %G %a' * | xargs)"
	publish tree.c "$(tree_of $R/c)"
	expect_eq "the tree in $R/c against the one in /tmp/ref" \
		"$(tree_of /tmp/ref | cut -d' ' -f1-7)" "$(tree_of $R/c | cut -d' ' -f1-7)"

	log "umask, for files and directories made from node 1"
	(umask 077 && touch $R/um077 && mkdir $R/umd077)
	(umask 002 && touch $R/um002 && mkdir $R/umd002)
	expect_eq "modes under umask 077 and 002" "600 700 664 775" \
		"$(stat -c %a $R/um077 $R/umd077 $R/um002 $R/umd002 | xargs)"

	log "a write() that fills node $T's file system counts what it wrote from its start"
	python3 - "$R/small/f" <<'PY'
import errno, os, sys

data = bytes(range(256)) * (4 << 12)	# 4 MiB: two rounds of pieces
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o644)
n = os.write(fd, data)
# The second round's pieces run in parallel there: any of them may take the
# last 512 KiB, and only what lies after the first round's counts then.
if not 2 << 20 <= n <= 5 << 19:
    sys.exit(f"a write of 4 MiB into 2.5 MiB wrote {n} bytes")
if os.lseek(fd, 0, os.SEEK_CUR) != n:
    sys.exit(f"the offset after writing {n} bytes is {os.lseek(fd, 0, os.SEEK_CUR)}")
with open(sys.argv[1], "rb") as f:
    if f.read(n) != data[:n]:
        sys.exit("the bytes a short write counted are not what it wrote")
try:
    os.write(fd, data[n:])
    sys.exit("a write into the full file system went through")
except OSError as e:
    if e.errno != errno.ENOSPC:
        raise
os.close(fd)
os.unlink(sys.argv[1])
PY

	log "fallocate, statfs, xattrs"
	fallocate -l 1M $R/fa
	expect_eq "size and blocks after fallocate -l 1M" "1048576 2048" "$(stat -c '%s %b' $R/fa)"
	fallocate -p -o 0 -l 65536 $R/fa
	expect_eq "blocks after punching 64 KiB" "1048576 1920" "$(stat -c '%s %b' $R/fa)"
	fallocate -n -o 1M -l 64K $R/fa
	expect_eq "size and blocks after fallocate --keep-size" "1048576 2048" "$(stat -c '%s %b' $R/fa)"
	expect_eq "statfs of $R" "$(published statfs)" "$(stat -f -c '%b %s %S %l %c' $R)"
	expect_eq "statfs of $R/e (node $T's ext4)" "$(published statfs.e)" "$(stat -f -c '%b %s %S %l %c' $R/e)"
	python3 - "$R/e" <<'PY'
import errno, os, sys

E = sys.argv[1]


def expect(what, want, fn):
    try:
        got = ("ok", fn())
    except OSError as e:
        got = ("err", errno.errorcode[e.errno])
    if got != want:
        sys.exit(f"{what}: expected {want!r}, got {got!r}")


x = f"{E}/x"
open(x, "w").close()
os.mkdir(f"{E}/d")
expect("setxattr user.a", ("ok", None), lambda: os.setxattr(x, "user.a", b"one"))
expect("getxattr user.a", ("ok", b"one"), lambda: os.getxattr(x, "user.a"))
expect("a 4000-byte value", ("ok", None), lambda: os.setxattr(x, "user.big", b"v" * 4000))
expect("reading it", ("ok", b"v" * 4000), lambda: os.getxattr(x, "user.big"))
expect("an xattr of a directory", ("ok", b"dir"), lambda: (os.setxattr(f"{E}/d", "user.d", b"dir"),
                                                          os.getxattr(f"{E}/d", "user.d"))[1])
expect("XATTR_CREATE of an existing one", ("err", "EEXIST"), lambda: os.setxattr(x, "user.a", b"x", os.XATTR_CREATE))
expect("XATTR_REPLACE of a missing one", ("err", "ENODATA"), lambda: os.setxattr(x, "user.none", b"x", os.XATTR_REPLACE))
expect("XATTR_REPLACE", ("ok", b"two"), lambda: (os.setxattr(x, "user.a", b"two", os.XATTR_REPLACE),
                                                 os.getxattr(x, "user.a"))[1])
expect("getxattr of a missing one", ("err", "ENODATA"), lambda: os.getxattr(x, "user.none"))
expect("listxattr", ("ok", ["user.a", "user.big", "user.gone"]),
       lambda: (os.setxattr(x, "user.gone", b""), sorted(os.listxattr(x)))[1])
expect("removexattr", ("ok", ["user.a", "user.big"]), lambda: (os.removexattr(x, "user.gone"), sorted(os.listxattr(x)))[1])
expect("removexattr of a missing one", ("err", "ENODATA"), lambda: os.removexattr(x, "user.gone"))
expect("an unknown namespace", ("err", errno.errorcode[errno.EOPNOTSUPP]), lambda: os.setxattr(x, "bogus.a", b"x"))
PY

	log "the calls took $((SECONDS - started)) s"
fi
meet calls 400

if [ "$NODE" = "$T" ]; then
	log "node $T sees what node 1 did"
	expect_eq "the tree in $L/c, on node $T" "$(published tree.c)" "$(tree_of $L/c)"
	expect_eq "content of $L/c/f" ABBCCCDDDD "$(cat $L/c/f)"
	expect_eq "modes on node $T" "600 700 664 775" \
		"$(stat -c %a $L/um077 $L/umd077 $L/um002 $L/umd002 | xargs)"
	python3 - $L <<'PY'
import os, sys
L = sys.argv[1]
want = {"user.a": b"two", "user.big": b"v" * 4000}
got = {n: os.getxattr(f"{L}/e/x", n) for n in os.listxattr(f"{L}/e/x")}
if got != want:
    sys.exit(f"xattrs of {L}/e/x on the serving node: expected {sorted(want)}, got {sorted(got)}")
PY
	expect_eq "blocks of $L/fa on node $T" "1048576 2048" "$(stat -c '%s %b' $L/fa)"
fi
meet seen

# Coherence: each change is read on the other node right after it returned.
if [ "$NODE" = 1 ]; then
	log "coherence: node 1 writes, node $T reads"
	printf 'one\n' >$R/co
	chmod 640 $R/co
	touch -m -d @1500000000.25 $R/co
	publish co.1 "$(attrs $R/co)"
	exec 3<$R/co	# opened before node T's changes, read after them
fi
meet co-1
if [ "$NODE" = "$T" ]; then
	expect_eq "content written on node 1, on node $T" one "$(cat $L/co)"
	expect_eq "attributes after node 1's changes, on node $T" "$(published co.1)" "$(attrs $L/co)"
	printf 'two\n' >>$L/co
	chown 1000:1001 $L/co
	chmod 604 $L/co
	touch -m -d @1600000000.5 $L/co
	publish co.2 "$(attrs $L/co)"
fi
meet co-2
if [ "$NODE" = 1 ]; then
	expect_eq "content appended on node $T, through an fd opened before" "one|two" "$(paste -sd'|' <&3)"
	exec 3<&-
	expect_eq "attributes after node $T's changes" "$(published co.2)" "$(attrs $R/co)"
	expect_eq "the mtime node $T set" 1600000000.500000000 "$(stat -c %.9Y $R/co)"
	truncate -s 2 $R/co
	printf 'XY' | dd of=$R/co bs=1 seek=10 conv=notrunc status=none
	publish co.3 "$(attrs $R/co)"
fi
meet co-3
if [ "$NODE" = "$T" ]; then
	expect_eq "the file node 1 truncated and wrote past the end" "6f6e0000000000000000 5859" \
		"$(od -An -tx1 -w10 $L/co | tr -d ' ' | xargs)"
	expect_eq "attributes after node 1's truncate" "$(published co.3)" "$(attrs $L/co)"
	truncate -s 1 $L/co
	: >$L/co.new
	mv $L/co.new $L/co.renamed
fi
meet co-4
if [ "$NODE" = 1 ]; then
	expect_eq "size of the file node $T truncated" 1 "$(stat -c %s $R/co)"
	expect_eq "content of the file node $T truncated" o "$(cat $R/co)"
	expect_fail 1 "No such file or directory" stat $R/co.new
	stat $R/co.renamed >/dev/null || fail "$R/co.renamed, renamed on node $T, is not seen"
fi

# A program that runs keeps writers out on the node that has it (ETXTBSY).
if [ "$NODE" = 1 ]; then
	log "exec of $R/bin/busy keeps node $T's writers out"
	$R/bin/busy 60 &
	busy1=$!
	wait_for "grep -q bin/busy /proc/$busy1/maps" 10
	expect_fail 2 "Text file busy" sh -c "echo x >$R/bin/busy"
fi
meet running
if [ "$NODE" = "$T" ]; then
	expect_fail 2 "Text file busy" sh -c "echo x >$L/bin/busy"
	cp /usr/bin/sleep $L/bin/local
	$L/bin/local 60 &
	busyt=$!
	wait_for "grep -q bin/local /proc/$busyt/maps" 10
fi
meet running-on-t
if [ "$NODE" = 1 ]; then
	expect_fail 2 "Text file busy" sh -c "echo x >$R/bin/local"
	stop_program $busy1
fi
meet stopped
if [ "$NODE" = "$T" ]; then
	stop_program $busyt
	# Once node 1's process is gone (its file is closed a little later).
	wait_for "sh -c 'echo x >$L/bin/busy'" 10
	expect_eq "what node $T wrote once the program ended" x "$(cat $L/bin/busy)"
fi
meet released
if [ "$NODE" = 1 ]; then
	echo y >$R/bin/local || fail "node 1 cannot write $R/bin/local once node $T's program ended"
fi

# O_APPEND from both nodes at once: every record whole, none lost.
cat >/tmp/append.py <<'PY'
import fcntl, hashlib, os, random, sys, time
path, who, n, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rng = random.Random(who)
if who == "n1":	# O_APPEND by fcntl(F_SETFL) here, by open() on the other node
    fd = os.open(path, os.O_WRONLY)
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_APPEND)
else:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
open(f"{go}.{who}", "w").close()
while not all(os.path.exists(f"{go}.{w}") for w in ("n1", "nt")):
    time.sleep(0.01)
for i in range(n):
    size = rng.randrange(1, 65536)
    body = rng.randbytes((size + 1) // 2).hex()[:size].encode()
    rec = b"%s:%d:%d:%s:%s\n" % (who.encode(), i, size, body, hashlib.md5(body).hexdigest().encode())
    if os.write(fd, rec) != len(rec):
        sys.exit(f"{who}: a short append write of record {i}")
PY
# append-check.py FILE N: N records of each writer, whole and in order;
# prints how often the writers took turns.
cat >/tmp/append-check.py <<'PY'
import hashlib, sys
data, n = open(sys.argv[1], "rb").read(), int(sys.argv[2])
seen, pos, turns, last = {b"n1": 0, b"nt": 0}, 0, 0, None
while pos < len(data):
    try:
        c1 = data.index(b":", pos, pos + 3)
        c2 = data.index(b":", c1 + 1, c1 + 12)
        c3 = data.index(b":", c2 + 1, c2 + 12)
        who, i, size = data[pos:c1], int(data[c1 + 1:c2]), int(data[c2 + 1:c3])
        body, tail = data[c3 + 1:c3 + 1 + size], data[c3 + 1 + size:c3 + 35 + size]
        if who not in seen or i != seen[who] or tail != b":" + hashlib.md5(body).hexdigest().encode() + b"\n":
            raise ValueError
    except ValueError:
        sys.exit(f"a torn, misplaced or lost record at offset {pos}: {data[pos:pos + 60]!r}")
    seen[who] += 1
    turns += last is not None and who != last
    last = who
    pos = c3 + 35 + size
if seen != {b"n1": n, b"nt": n}:
    sys.exit(f"records lost: {seen}, {n} each were written")
print(turns)
PY
APPENDS=300
if [ "$NODE" = "$T" ]; then
	: >$L/app
fi
meet append-ready
pids=()
if [ "$NODE" = 1 ]; then
	log "O_APPEND: node 1 and node $T append $APPENDS records each"
	remote || log "(T=1: both appenders run on node 1)"
	python3 /tmp/append.py $R/app n1 $APPENDS "$S/append-go" &
	pids+=($!)
fi
if [ "$NODE" = "$T" ]; then
	python3 /tmp/append.py $L/app nt $APPENDS "$S/append-go" &
	pids+=($!)
fi
for p in "${pids[@]}"; do
	wait "$p" || fail "an appender failed"
done
meet appended 300
if [ "$NODE" = "$T" ]; then
	turns=$(python3 /tmp/append-check.py $L/app $APPENDS) || fail "$L/app, checked on node $T"
	log "the writers took turns $turns times"
	[ "$turns" -ge 2 ] || fail "the appenders did not overlap (turns: $turns): nothing was proven"
	publish app.sha "$(sha256sum <$L/app)"
fi
meet app-checked
if [ "$NODE" = 1 ]; then
	expect_eq "$R/app read on node 1" "$(published app.sha)" "$(sha256sum <$R/app)"
fi

# Tools. Node T compares what it has with what node 1 wrote.
if [ "$NODE" = 1 ]; then
	log "cp -a and diff -r"
	started=$SECONDS
	mkdir -p /tmp/src/doc /tmp/src/alt /tmp/src/gen/sub
	cp -a /usr/share/doc/bash /usr/share/doc/coreutils /usr/share/doc/tar /tmp/src/doc/
	cp -a /usr/share/doc/g++ /usr/share/doc/gcc /tmp/src/doc/	# relative symlinks
	for a in $(ls /etc/alternatives | head -40); do
		cp -P "/etc/alternatives/$a" /tmp/src/alt/	# absolute ones
	done
	echo one >/tmp/src/gen/one
	ln /tmp/src/gen/one /tmp/src/gen/sub/hard
	ln -s ../one /tmp/src/gen/sub/soft
	mkfifo /tmp/src/gen/fifo
	truncate -s 16M /tmp/src/gen/sparse
	printf x | dd of=/tmp/src/gen/sparse bs=1 seek=10000000 conv=notrunc status=none
	chmod 2750 /tmp/src/gen/sub && chown -R 1000:1001 /tmp/src/gen/sub
	touch -h -d @1111111111 /tmp/src/gen/sub/soft /tmp/src/gen/sub /tmp/src/gen/one
	cp -a /tmp/src $R/cp
	# (diff calls two FIFOs different; tree_of compares them below)
	diff -r --no-dereference -x fifo /tmp/src $R/cp || fail "cp -a into $R/cp: it differs"
	expect_eq "the tree copied into $R/cp" "$(tree_of /tmp/src)" "$(tree_of $R/cp)"
	cmp /tmp/src/gen/sparse $R/cp/gen/sparse || fail "the sparse file differs"
	[ "$(stat -c %b $R/cp/gen/sparse)" -lt 1000 ] || fail "cp -a into $R lost the holes: $(stat -c %b $R/cp/gen/sparse) blocks"
	publish tree.src "$(tree_of /tmp/src)"
	cp -a $R/cp /tmp/back
	expect_eq "the tree copied back from $R/cp" "$(tree_of /tmp/src)" "$(tree_of /tmp/back)"

	log "tar both ways"
	tar -C /tmp/src --format=posix -cSf $R/t.tar .	# posix: times in ns
	mkdir $R/tx
	tar -C $R/tx -xpf $R/t.tar
	expect_eq "the tree tar extracted in $R/tx" "$(tree_of /tmp/src)" "$(tree_of $R/tx)"
	mkdir /tmp/tx
	tar -C $R/cp --format=posix -cSf - . | tar -C /tmp/tx -xpf -
	expect_eq "the tree tar read from $R/cp" "$(tree_of /tmp/src)" "$(tree_of /tmp/tx)"
	tar -C /tmp/src --sort=name -cSf /tmp/src.tar .
	tar -C $R/cp --sort=name -cSf /tmp/cp.tar .
	cmp /tmp/src.tar /tmp/cp.tar || fail "tar of /tmp/src and of $R/cp differ"

	if command -v git >/dev/null; then
		log "git in $R/repo"
		g() { git -c user.name=omfs -c user.email=omfs@node1 -c init.defaultBranch=main "$@"; }
		g init -q $R/repo
		cp -a /tmp/src/doc/bash $R/repo/
		echo "first" >$R/repo/README
		g -C $R/repo add -A
		g -C $R/repo commit -q -m first
		echo "second" >>$R/repo/README
		g -C $R/repo mv README README.md
		g -C $R/repo commit -q -am second
		g -C $R/repo gc -q
		g -C $R/repo fsck --strict --no-progress || fail "git fsck in $R/repo"
		expect_eq "git log in $R/repo" "second|first" "$(g -C $R/repo log --format=%s | paste -sd'|')"
		expect_eq "git status in $R/repo" "" "$(g -C $R/repo status --porcelain)"
		publish git.head "$(g -C $R/repo rev-parse HEAD)"
	else
		log "no git on this host: the git steps are skipped"
		publish git.head none
	fi

	log "a python program writing, renaming and reading there"
	python3 - $R/py <<'PY'
import json, os, sys, tempfile
d = sys.argv[1]
os.mkdir(d)
state = {"n": 0}
for i in range(50):	# an atomic-update loop, as editors and package managers do
    state["n"] = i
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".state.")
    with os.fdopen(fd, "w") as f:
        json.dump(state, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, os.path.join(d, "state.json"))
    with open(os.path.join(d, "state.json")) as f:
        if json.load(f) != state:
            sys.exit(f"state.json after replace {i}: not what was written")
with open(os.path.join(d, "log.txt"), "a") as f:
    for i in range(100):
        print(f"line {i}", file=f)
with open(os.path.join(d, "log.txt")) as f:
    if f.read().splitlines() != [f"line {i}" for i in range(100)]:
        sys.exit("log.txt is not what was written")
if sorted(os.listdir(d)) != ["log.txt", "state.json"]:
    sys.exit(f"left in {d}: {sorted(os.listdir(d))}")
PY
	log "the tools took $((SECONDS - started)) s"
fi
meet tools 400
if [ "$NODE" = "$T" ]; then
	expect_eq "the tree node 1 copied, on node $T" "$(published tree.src)" "$(tree_of $L/cp)"
	expect_eq "the tree node 1 extracted, on node $T" "$(published tree.src)" "$(tree_of $L/tx)"
	if [ "$(published git.head)" != none ]; then
		expect_eq "git's HEAD on node $T" "$(published git.head)" "$(git -C $L/repo rev-parse HEAD)"
		git -C $L/repo fsck --strict --no-progress || fail "git fsck on node $T"
	fi
	expect_eq "the python program's state, on node $T" '{"n": 49}' "$(cat $L/py/state.json)"
fi

if [ "$NODE" = 1 ]; then
	log "a random sequence: $R/ra against /tmp/rb (seed $SEED, $OPS operations)"
	started=$SECONDS
	python3 test/vm/tools/fsrandom.py "$SEED" "$OPS" $R/ra /tmp/rb ||
		fail "fsrandom: $R/ra and /tmp/rb differ (OMT_FSRANDOM_SEED=$SEED OMT_FSRANDOM_OPS=$OPS repeats it)"
	log "fsrandom took $((SECONDS - started)) s"
	publish tree.rb "$(tree_of /tmp/rb | cut -d' ' -f1-7,9)"

	log "across nodes: rename and link are EXDEV, mv copies"
	echo cross >$R/xf
	expect_fail 1 "Invalid cross-device link" ln /mfs/$X/tmp/x/f $R/xl
	if remote; then
		expect_fail 1 "Invalid cross-device link" ln $R/xf /mfs/$X/tmp/x/xl
		expect_fail 1 "Invalid cross-device link" python3 -c 'import os, sys; os.rename(*sys.argv[1:])' \
			$R/xf /mfs/$X/tmp/x/xf
		expect_fail 1 "Invalid cross-device link" python3 -c 'import os, sys; os.rename(*sys.argv[1:])' \
			/mfs/$X/tmp/x/f $R/xf2
		mv /mfs/$X/tmp/x/f $R/moved
		expect_eq "a file mv moved from node $X to node $T" "on node $X" "$(cat $R/moved)"
		test ! -e /tmp/x/f || fail "mv left /tmp/x/f"
		mv $R/xf /mfs/$X/tmp/x/back
		expect_eq "a file mv moved from node $T to node $X" cross "$(cat /tmp/x/back)"
		test ! -e $R/xf || fail "mv left $R/xf"
	else
		# The VFS asks node 2 for write access to its directory first.
		log "T=1: link into node 2, rename to or from it, and mv need writes on node 2: skipped"
	fi

	log "a default ACL of node $T's directory, not node 1's umask, masks new modes"
	(umask 077 && touch $R/acl/f && mkdir $R/acl/d)
	expect_eq "modes under umask 077 with a default ACL u::rwx,g::r-x,o::---" "640 750" \
		"$(stat -c %a $R/acl/f $R/acl/d | xargs)"
fi
meet random 600
if [ "$NODE" = "$T" ]; then
	expect_eq "fsrandom's tree on node $T" "$(published tree.rb)" "$(tree_of $L/ra | cut -d' ' -f1-7,9)"
	expect_eq "modes on node $T of what node 1 made under the default ACL" "640 750" \
		"$(stat -c %a $L/acl/f $L/acl/d | xargs)"
	python3 -c 'import os, sys
sys.exit("system.posix_acl_default" not in os.listxattr(sys.argv[1]))' $L/acl/d ||
		fail "$L/acl/d, made from node 1, did not inherit the default ACL"
fi

meet finished 120
if [ "$NODE" = 1 ]; then
	umount /mfs
fi
meet unmounted
if [ "$NODE" = "$T" ]; then
	# Nothing of node 1's is left open there: the ext4 can be unmounted.
	[ "$NODE" = 1 ] || umount /mfs
	wait_for "umount $L/e" 10
fi
[ "$NODE" = 1 ] || [ "$NODE" = "$T" ] || umount /mfs
rmmod omfs
log "done"
