#!/usr/bin/env python3
"""A random sequence of file system operations, applied to two trees in
lockstep and compared: the VM tests run it with DIR_A under /mfs and
DIR_B a plain directory, so any difference is one of mfs.

  fsrandom.py [-v] SEED N DIR_A DIR_B

Both directories are created (they must not exist, or be empty). Each of
the N operations is chosen from SEED and the tree as it is (create, pwrite
at random offsets, append, truncate, rename and renameat2's flags, link,
unlink, mkdir, rmdir, chmod, chown, utime, symlink, readlink, stat, read
and compare, listdir), done on both trees, and its result -- return value
or errno, and the attributes of the paths it touched -- must be the same.
At the end the whole trees must be equal: names, types, modes, owners,
sizes, contents, link targets, link counts, which names are hard links of
each other, and the modification times that were set explicitly (access times
right after they were set).

Prints the seed first; on a difference, the operation's index and both
results, and exits 1 (2: bad usage). Stdlib only.
"""
import ctypes
import ctypes.util
import errno
import hashlib
import os
import random
import stat
import sys

NAMES = ["a", "b", "c", "dd", "e.txt", "f", "g", "h-1"]
MAX_DEPTH = 3
MAX_OFFSET = 1 << 17
MAX_WRITE = 1 << 13
MODES_FILE = [0o644, 0o600, 0o755, 0o444, 0o000, 0o4755, 0o2750, 0o1777]
MODES_DIR = [0o755, 0o700, 0o555, 0o1777, 0o2775]
OWNERS = [(0, 0), (1000, 1000), (1000, 0), (0, 1001)]
# Times no clock of this run can produce: a time equal to one of them was
# set by utime and must then be the same in both trees.
EXPLICIT_TIMES = {(1_000_000_000 + k * 86_400) * 10**9 + k * 1_234_567 for k in range(64)}

RENAME_NOREPLACE, RENAME_EXCHANGE = 1, 2
AT_FDCWD = -100
_libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
_renameat2 = getattr(_libc, "renameat2", None)


def renameat2(old, new, flags):
    if _renameat2 is None:
        raise OSError(errno.ENOSYS, "no renameat2 in libc")
    if _renameat2(AT_FDCWD, os.fsencode(old), AT_FDCWD, os.fsencode(new), flags) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e), old)


def summary(path):
    """What must be equal about one path in both trees (no inode numbers,
    no times a clock set)."""
    try:
        st = os.lstat(path)
    except OSError as e:
        return ("err", errno.errorcode.get(e.errno, e.errno))
    kind = stat.S_IFMT(st.st_mode)
    out = [stat.filemode(st.st_mode), st.st_nlink, st.st_uid, st.st_gid]
    if kind == stat.S_IFREG:
        out.append(st.st_size)
    elif kind == stat.S_IFLNK:
        out.append(os.readlink(path))
    elif kind == stat.S_IFDIR:
        out.append(sorted(os.listdir(path)))
    # Access times are not compared: reading a tree (ours, to choose the
    # next path, reads only one of them) updates them.
    out.append(st.st_mtime_ns if st.st_mtime_ns in EXPLICIT_TIMES else None)
    return tuple(out)


def outcome(fn):
    try:
        return ("ok", fn())
    except OSError as e:
        return ("err", errno.errorcode.get(e.errno, e.errno))


def read_all(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while True:
            b = os.read(fd, 1 << 16)
            if not b:
                break
            chunks.append(b)
        data = b"".join(chunks)
        return (len(data), hashlib.sha256(data).hexdigest())
    finally:
        os.close(fd)


def write_at(path, data, offset, flags):
    fd = os.open(path, os.O_WRONLY | flags)
    try:
        if flags & os.O_APPEND:
            n = os.write(fd, data)
        else:
            n = os.pwrite(fd, data, offset)
        return (n, os.fstat(fd).st_size)
    finally:
        os.close(fd)


def create(path, flags, mode, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | flags, mode)
    try:
        return os.write(fd, data) if data else 0
    finally:
        os.close(fd)


class Walk:
    """The relative paths of a tree, sorted; directories separately."""

    def __init__(self, root):
        self.all, self.dirs, self.files, self.links = [], [""], [], []

        def visit(rel):
            for name in sorted(os.listdir(os.path.join(root, rel) if rel else root)):
                p = os.path.join(rel, name) if rel else name
                self.all.append(p)
                st = os.lstat(os.path.join(root, p))
                if stat.S_ISDIR(st.st_mode):
                    self.dirs.append(p)
                    visit(p)
                elif stat.S_ISLNK(st.st_mode):
                    self.links.append(p)
                else:
                    self.files.append(p)

        visit("")


class Sequence:
    def __init__(self, seed, a, b, verbose):
        self.rng = random.Random(seed)
        self.seed, self.roots, self.verbose = seed, (a, b), verbose
        self.walk = None
        self.errors = {}

    def existing(self):
        if self.walk is None:
            self.walk = Walk(self.roots[1])
        return self.walk

    def path(self, fresh=0.4, kind=None):
        """A relative path: with probability fresh a new name in an existing
        directory (or, rarely, under a file or symlink: ENOTDIR, or a walk
        through a symlink); else an existing entry, mostly of kind ("files",
        "dirs", "links") when given."""
        w, r = self.existing(), self.rng
        if w.all and r.random() >= fresh:
            pool = getattr(w, kind) if kind else None
            if pool and pool != [""] and r.random() < 0.85:
                return r.choice([p for p in pool if p])
            return r.choice(w.all)
        parents = [d for d in w.dirs if d.count("/") < MAX_DEPTH - 1]
        if w.all and r.random() < 0.1:
            parents.append(r.choice(w.all))
        parent = r.choice(parents)
        name = r.choice(NAMES)
        return os.path.join(parent, name) if parent else name

    def target(self, link):
        """A relative symlink target without "..": wherever the link is
        renamed to, it cannot lead out of the tree (DIR_A and DIR_B may be
        neighbours, as /mfs/N/tmp/ra and /tmp/rb are)."""
        r = self.rng
        dest = os.path.relpath(self.path(0.2, "files"), os.path.dirname(link) or ".")
        if dest.startswith("..") or r.random() < 0.3:
            dest = r.choice([r.choice(NAMES), f"{r.choice(NAMES)}/{r.choice(NAMES)}", ".",
                             os.path.basename(link)])	# the last one a loop: ELOOP
        return dest

    def choose(self):
        r = self.rng
        op = r.choices(
            ["create", "pwrite", "append", "truncate", "rename", "renameat2", "link",
             "unlink", "mkdir", "rmdir", "chmod", "chown", "utime", "symlink",
             "readlink", "stat", "read", "listdir"],
            weights=[10, 10, 6, 5, 6, 3, 5, 6, 6, 3, 4, 2, 4, 4, 3, 4, 8, 4])[0]
        if op == "create":
            flags = r.choice([os.O_EXCL, os.O_TRUNC, 0])
            return op, (self.path(0.75), flags, r.choice(MODES_FILE[:4]), r.randbytes(r.randrange(0, 300)))
        if op in ("pwrite", "append"):
            data = r.randbytes(r.randrange(0, MAX_WRITE))
            flags = os.O_APPEND if op == "append" else r.choice([0, os.O_TRUNC])
            return op, (self.path(0.05, "files"), data, r.randrange(0, MAX_OFFSET), flags)
        if op == "truncate":
            return op, (self.path(0.05, "files"), r.choice([0, r.randrange(0, MAX_OFFSET)]))
        if op == "rename":
            return op, (self.path(0.05), self.path(0.5))
        if op == "link":
            return op, (self.path(0.05, "files"), self.path(0.8))
        if op == "renameat2":
            return op, (self.path(0.05), self.path(0.3),
                        r.choice([RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_NOREPLACE | RENAME_EXCHANGE]))
        if op in ("unlink", "read"):
            return op, (self.path(0.1, "files"),)
        if op == "readlink":
            return op, (self.path(0.1, "links"),)
        if op in ("rmdir", "listdir"):
            return op, (self.path(0.1, "dirs"),)
        if op == "stat":
            return op, (self.path(0.1), r.random() < 0.5)
        if op == "mkdir":
            return op, (self.path(0.75), r.choice(MODES_DIR))
        if op == "chmod":
            return op, (self.path(0.05), r.choice(MODES_FILE + MODES_DIR))
        if op == "chown":
            return op, (self.path(0.05), r.choice(OWNERS), r.random() < 0.3)
        if op == "utime":
            times = r.sample(sorted(EXPLICIT_TIMES), 2)
            return op, (self.path(0.05), tuple(times), r.random() < 0.3)
        if op == "symlink":
            link = self.path(0.75)
            return op, (self.target(link), link)
        raise AssertionError(op)

    def apply(self, root, op, args):
        """Do op in the tree at root; its outcome and what it touched."""
        j = lambda p: os.path.join(root, p)
        touched = []
        if op == "create":
            p, flags, mode, data = args
            res = outcome(lambda: create(j(p), flags, mode, data))
            touched = [p]
        elif op in ("pwrite", "append"):
            p, data, off, flags = args
            res = outcome(lambda: write_at(j(p), data, off, flags))
            touched = [p]
        elif op == "truncate":
            p, size = args
            res = outcome(lambda: os.truncate(j(p), size))
            touched = [p]
        elif op == "rename":
            src, dst = args
            res = outcome(lambda: os.rename(j(src), j(dst)))
            touched = [src, dst, os.path.dirname(src), os.path.dirname(dst)]
        elif op == "renameat2":
            src, dst, flags = args
            res = outcome(lambda: renameat2(j(src), j(dst), flags))
            touched = [src, dst, os.path.dirname(src), os.path.dirname(dst)]
        elif op == "link":
            src, dst = args
            res = outcome(lambda: os.link(j(src), j(dst), follow_symlinks=False))
            touched = [src, dst]
        elif op == "unlink":
            res = outcome(lambda: os.unlink(j(args[0])))
            touched = [args[0], os.path.dirname(args[0])]
        elif op == "rmdir":
            res = outcome(lambda: os.rmdir(j(args[0])))
            touched = [args[0], os.path.dirname(args[0])]
        elif op == "mkdir":
            res = outcome(lambda: os.mkdir(j(args[0]), args[1]))
            touched = [args[0], os.path.dirname(args[0])]
        elif op == "chmod":
            res = outcome(lambda: os.chmod(j(args[0]), args[1]))
            touched = [args[0]]
        elif op == "chown":
            p, (uid, gid), nofollow = args
            res = outcome(lambda: os.chown(j(p), uid, gid, follow_symlinks=not nofollow))
            touched = [p]
        elif op == "utime":
            p, (at, mt), nofollow = args
            def utime():
                os.utime(j(p), ns=(at, mt), follow_symlinks=not nofollow)
                st = os.stat(j(p), follow_symlinks=not nofollow)
                return (st.st_atime_ns, st.st_mtime_ns)
            res = outcome(utime)
            touched = [p]
        elif op == "symlink":
            tgt, link = args
            res = outcome(lambda: os.symlink(tgt, j(link)))
            touched = [link]
        elif op == "readlink":
            res = outcome(lambda: os.readlink(j(args[0])))
        elif op == "stat":
            p, follow = args
            res = outcome(lambda: self.stat_view(os.stat(j(p), follow_symlinks=follow)))
        elif op == "read":
            res = outcome(lambda: read_all(j(args[0])))
        elif op == "listdir":
            res = outcome(lambda: sorted(os.listdir(j(args[0]))))
        else:
            raise AssertionError(op)
        return res, [(t, summary(j(t)) if t else summary(root)) for t in touched]

    @staticmethod
    def stat_view(st):
        size = st.st_size if not stat.S_ISDIR(st.st_mode) else None
        return (stat.filemode(st.st_mode), st.st_nlink, st.st_uid, st.st_gid, size,
                st.st_mtime_ns if st.st_mtime_ns in EXPLICIT_TIMES else None)

    def run(self, n):
        for i in range(n):
            op, args = self.choose()
            shown = tuple(a if not isinstance(a, bytes) else f"<{len(a)} bytes>" for a in args)
            ra = self.apply(self.roots[0], op, args)
            rb = self.apply(self.roots[1], op, args)
            if self.verbose:
                print(f"#{i} {op}{shown}: {rb[0]}")
            if ra != rb:
                print(f"fsrandom: seed {self.seed}: op #{i} {op}{shown} differs:\n"
                      f"  {self.roots[0]}: {ra}\n  {self.roots[1]}: {rb}")
                return False
            if rb[0][0] == "err":
                self.errors[rb[0][1]] = self.errors.get(rb[0][1], 0) + 1
            if op not in ("readlink", "stat", "read", "listdir", "pwrite", "append", "truncate",
                          "chmod", "chown", "utime") and rb[0][0] == "ok":
                self.walk = None
        return True


def snapshot(root):
    """Every entry of the tree: its attributes and contents, and the hard
    link groups (names of one inode), without inode numbers."""
    entries, inodes = {}, {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            st = os.lstat(full)
            summ = list(summary(full))
            if stat.S_ISREG(st.st_mode):
                summ.append(read_all(full))
            entries[rel] = tuple(summ)
            if not stat.S_ISDIR(st.st_mode):
                inodes.setdefault((st.st_dev, st.st_ino), []).append(rel)
    groups = sorted(tuple(sorted(g)) for g in inodes.values() if len(g) > 1)
    return entries, groups


def main(argv):
    verbose = "-v" in argv
    argv = [a for a in argv if a != "-v"]
    if len(argv) != 4:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    seed, n, a, b = int(argv[0]), int(argv[1]), argv[2], argv[3]
    for d in (a, b):
        os.makedirs(d, exist_ok=True)
        if os.listdir(d):
            print(f"fsrandom: {d} is not empty", file=sys.stderr)
            return 2
    os.umask(0o022)
    print(f"fsrandom: seed {seed}, {n} operations, {a} against {b}", flush=True)
    seq = Sequence(seed, a, b, verbose)
    if not seq.run(n):
        return 1
    (ea, ga), (eb, gb) = snapshot(a), snapshot(b)
    if ea != eb or ga != gb:
        for rel in sorted(set(ea) | set(eb)):
            if ea.get(rel) != eb.get(rel):
                print(f"fsrandom: seed {seed}: after {n} operations, {rel} differs:\n"
                      f"  {a}: {ea.get(rel)}\n  {b}: {eb.get(rel)}")
                break
        else:
            print(f"fsrandom: seed {seed}: hard links differ:\n  {a}: {ga}\n  {b}: {gb}")
        return 1
    errs = ", ".join(f"{k} {v}" for k, v in sorted(seq.errors.items()))
    print(f"fsrandom: seed {seed}: {n} operations, trees equal ({len(eb)} entries, "
          f"{len(gb)} hard link groups); errors on both sides: {errs}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
