#!/usr/bin/env bash
# This node's files through /mfs/<self>/ (docs/design/omfs.md §5): the same
# files as without /mfs -- same device and inode, data, attributes, links,
# xattrs, locks both ways, one page cache for mmap, exec, getcwd, statfs,
# FIFOs and devices, the caller's own permissions -- with no link traffic
# (node 2 holds a link to node 1 whose frame counters only see heartbeats),
# and ELOOP for every way back into /mfs. Then cp -a and diff -r of a tree,
# a random operation sequence against a plain directory (fsrandom.py), and
# unmounting and unloading with nothing left behind. Node 1 does it all.
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

FSRANDOM=test/vm/tools/fsrandom.py
SEED=${OMT_FSRANDOM_SEED:-$RANDOM}

if [ "$NODE" != 1 ]; then
	modprobe omcore
	load_cluster_map
	link_to_node1
	barrier finished 300
	exit 0
fi

# Whatever happens here, node 2 need not wait for its time limit.
trap ': >"$OMVM_SHARED/barrier.finished.$NODE"' EXIT
modprobe omfs
load_cluster_map
link_to_node1
mount -t mfs mfs_mnt /mfs
M=/mfs/$NODE
nl links >/tmp/links.before
started=$SECONDS

# stat_all PATH: every field stat(1) shows but the name (birth time too).
stat_all() { stat -c '%d %i %f %h %u %g %s %b %B %o %t %T %X %Y %Z %W' "$@"; }
# expect_same PATH: $M/PATH and PATH are the same file, with the same attributes.
expect_same() {
	expect_eq "stat of $M$1 against $1" "$(stat_all "$1")" "$(stat_all "$M$1")"
}
# expect_content PATH TEXT: PATH holds TEXT (and a newline), read both ways.
expect_content() {
	expect_eq "content of $1" "$2" "$(cat "$1")"
	expect_eq "content of $M$1" "$2" "$(cat "$M$1")"
}
# as_user CMD...: CMD as uid 1000, gid 1000, groups 1000 and 1001.
as_user() { setpriv --reuid 1000 --regid 1000 --groups 1000,1001 "$@"; }

log "identity: / and below, across mounts"
expect_same /
expect_same /tmp
expect_same /etc/hostname	# a bind mount over the 9p root
expect_same /usr/bin/env
expect_eq "ls -A $M" "$(ls -A /)" "$(ls -A "$M")"
expect_eq "/proc through $M" "$(cat /proc/version)" "$(cat "$M/proc/version")"

log "data: write one way, read the other"
echo one >"$M/tmp/f"
expect_content /tmp/f one
expect_same /tmp/f
echo two >>/tmp/f
expect_content /tmp/f "one
two"
echo three >>"$M/tmp/f"
expect_content /tmp/f "one
two
three"
truncate -s 3 "$M/tmp/f"
expect_content /tmp/f one
truncate -s 100000 /tmp/f
expect_eq "size through $M after a truncate" 100000 "$(stat -c %s "$M/tmp/f")"
printf ABC | dd of="$M/tmp/f" bs=1 seek=70000 conv=notrunc status=none
expect_eq "bytes written at an offset" ABC "$(dd if=/tmp/f bs=1 skip=70000 count=3 status=none)"
expect_same /tmp/f
echo new >"$M/tmp/f"	# O_TRUNC
expect_content /tmp/f new
head -c 3000000 /dev/urandom >/tmp/big.src
cp /tmp/big.src "$M/tmp/big"
cmp /tmp/big.src /tmp/big || fail "cp to $M/tmp/big: /tmp/big differs"
cmp /tmp/big.src "$M/tmp/big" || fail "cp to $M/tmp/big: it differs read back"
sync "$M/tmp/big" || fail "fsync of $M/tmp/big failed"
fallocate -l 1M "$M/tmp/fa"
expect_eq "size after fallocate" 1048576 "$(stat -c %s /tmp/fa)"
fallocate -p -o 0 -l 65536 "$M/tmp/fa"
expect_same /tmp/fa
exec 3<"$M/tmp/f"
expect_eq "the path of an fd opened through $M" "$M/tmp/f" "$(readlink /proc/$$/fd/3)"
rm /tmp/f
expect_eq "reading an unlinked file through its fd" new "$(cat <&3)"
exec 3<&-
expect_fail 1 "No such file or directory" stat "$M/tmp/f"
(umask 027 && touch "$M/tmp/um" && mkdir "$M/tmp/umd")
expect_eq "modes under umask 027" "640 750" "$(stat -c %a /tmp/um /tmp/umd | xargs)"

log "names: rename, link, unlink, mkdir, rmdir, symlink"
echo g >/tmp/g
ino=$(stat -c %i /tmp/g)
mkdir "$M/tmp/d1"
test -d /tmp/d1 || fail "mkdir through $M made no /tmp/d1"
expect_same /tmp/d1
expect_fail 1 "File exists" mkdir "$M/tmp/d1"
mv "$M/tmp/g" "$M/tmp/d1/g"
test ! -e /tmp/g || fail "/tmp/g is still there after mv through $M"
expect_eq "inode after rename" "$ino" "$(stat -c %i /tmp/d1/g)"
echo a >/tmp/r1
echo b >/tmp/r2
mv -f "$M/tmp/r1" "$M/tmp/r2"
expect_content /tmp/r2 a
test ! -e "$M/tmp/r1" || fail "$M/tmp/r1 is still there after mv"
ln "$M/tmp/d1/g" "$M/tmp/h"
expect_eq "links after ln through $M" "2 $ino" "$(stat -c '%h %i' /tmp/h)"
ln /tmp/h /tmp/h2
expect_eq "links seen through $M after ln without" 3 "$(stat -c %h "$M/tmp/d1/g")"
rm "$M/tmp/h2"
expect_eq "links after rm through $M" 2 "$(stat -c %h /tmp/d1/g)"
rm /tmp/h
expect_fail 1 "No such file or directory" stat "$M/tmp/h"
expect_eq "links seen through $M after rm without" 1 "$(stat -c %h "$M/tmp/d1/g")"
expect_fail 1 "No such file or directory" stat "$M/tmp/later"
echo later >/tmp/later
expect_content /tmp/later later
mkdir "$M/tmp/d2" "$M/tmp/d2/sub"
expect_eq "links of a directory with a subdirectory" 3 "$(stat -c %h /tmp/d2)"
expect_fail 1 "Directory not empty" rmdir "$M/tmp/d2"
mkdir /tmp/d3 && touch /tmp/d3/x
expect_fail 1 "Directory not empty" mv -T "$M/tmp/d2" "$M/tmp/d3"
rmdir "$M/tmp/d2/sub" "$M/tmp/d2"
test ! -e /tmp/d2 || fail "rmdir through $M left /tmp/d2"
mv "$M/tmp/d3" "$M/tmp/d1/d3"
expect_same /tmp/d1/d3/x
# Renamed without /mfs while /mfs knows the old name.
expect_same /tmp/d1/d3
mv /tmp/d1/d3 /tmp/d1/d4
expect_fail 1 "No such file or directory" stat "$M/tmp/d1/d3/x"
expect_same /tmp/d1/d4/x
ln -s g "$M/tmp/d1/s"
expect_eq "readlink of a symlink made through $M" g "$(readlink /tmp/d1/s)"
expect_eq "readlink through $M" g "$(readlink "$M/tmp/d1/s")"
expect_same /tmp/d1/s
expect_content /tmp/d1/s g
expect_eq "readlink -f through $M" "$M/tmp/d1/g" "$(readlink -f "$M/tmp/d1/s")"
ln -s /etc/hostname /tmp/abs
expect_eq "an absolute symlink is the reader's" "$(cat /etc/hostname)" "$(cat "$M/tmp/abs")"
expect_eq "readlink -f of an absolute symlink" /etc/hostname "$(readlink -f "$M/tmp/abs")"
ln -s "$M/tmp/d1/g" /tmp/into-mfs	# into /mfs: an ordinary symlink
expect_content /tmp/into-mfs g
ln -s loop /tmp/loop
expect_fail 1 "Too many levels of symbolic links" cat "$M/tmp/loop"

log "attributes: chmod, chown, times"
chmod 640 "$M/tmp/d1/g"
expect_eq "mode after chmod through $M" 640 "$(stat -c %a /tmp/d1/g)"
chmod 604 /tmp/d1/g
expect_eq "mode through $M after chmod without" 604 "$(stat -c %a "$M/tmp/d1/g")"
chown 1000:1001 "$M/tmp/d1/g"
expect_eq "owner after chown through $M" "1000 1001" "$(stat -c '%u %g' /tmp/d1/g)"
chown -h 1000:1000 "$M/tmp/d1/s"
expect_eq "owner of a symlink after chown -h through $M" "1000 1000" "$(stat -c '%u %g' /tmp/d1/s)"
expect_eq "owner of its target" "1000 1001" "$(stat -c '%u %g' /tmp/d1/g)"
chmod 4755 /tmp/d1/g && chown 0:0 "$M/tmp/d1/g"
expect_eq "chown through $M clears setuid" 755 "$(stat -c %a /tmp/d1/g)"
touch -m -d @1000000000.123456789 "$M/tmp/d1/g"
touch -a -d @999999999.5 "$M/tmp/d1/g"
expect_eq "times set through $M" "999999999.500000000 1000000000.123456789" "$(stat -c '%.9X %.9Y' /tmp/d1/g)"
touch -h -d @1234567890 "$M/tmp/d1/s"
expect_eq "mtime of a symlink after touch -h" 1234567890 "$(stat -c %Y /tmp/d1/s)"
expect_same /tmp/d1/g
expect_same /tmp/d1/s
expect_same /tmp/d1

log "permissions are the caller's"
chmod 1777 /tmp/d1
mkdir -m 700 /tmp/private && echo secret >/tmp/private/x
expect_fail 1 "Permission denied" as_user cat "$M/tmp/private/x"
expect_fail 2 "Permission denied" as_user ls "$M/tmp/private"
as_user touch "$M/tmp/d1/mine"
expect_eq "owner of a file made by uid 1000" "1000 1000" "$(stat -c '%u %g' /tmp/d1/mine)"
echo root >/tmp/d1/roots
chmod 644 /tmp/d1/roots
expect_fail 2 "Permission denied" as_user sh -c "echo x >>$M/tmp/d1/roots"
expect_fail 1 "Operation not permitted" as_user rm -f "$M/tmp/d1/roots"	# sticky
expect_fail 1 "Operation not permitted" as_user chmod 777 "$M/tmp/d1/roots"
as_user rm "$M/tmp/d1/mine"
expect_fail 1 "Read-only file system" touch "$M/etc/omfs-test"	# the 9p root is read-only

log "xattrs: trusted.* on tmpfs, user.* on ext4, and what each lacks"
modprobe loop
modprobe ext4
truncate -s 32M /tmp/img
mkfs.ext4 -q -F -b 4096 /tmp/img
mkdir /tmp/e
mount -o loop /tmp/img /tmp/e
echo x >/tmp/e/x
expect_same /tmp/e
expect_same /tmp/e/x
[ "$(stat -c %d /tmp/e/x)" != "$(stat -c %d /tmp)" ] || fail "/tmp/e is not a mount of its own"
python3 - "$M" <<'PY'
import errno, os, sys

M = sys.argv[1]


def expect(what, want, got):
    if want != got:
        sys.exit(f"{what}: expected {want!r}, got {got!r}")


def result(fn, *args, **kw):
    try:
        return ("ok", fn(*args, **kw))
    except OSError as e:
        return ("err", errno.errorcode[e.errno])


def both(what, fn, path, *args, **kw):
    """fn on path and on $M/path: the same result."""
    got = result(fn, M + path, *args, **kw)
    want = result(fn, path, *args, **kw)
    expect(f"{what} through {M}", want, got)
    return got


for path, ns in (("/tmp/xa", "trusted"), ("/tmp/e/xa", "user"), ("/tmp/e/xa", "trusted")):
    open(path, "w").close()
    name = f"{ns}.omfs"
    os.setxattr(M + path, name, b"v1")
    expect(f"{name} of {path} set through {M}", b"v1", os.getxattr(path, name))
    os.setxattr(path, name, b"v2" * 100)
    expect(f"{name} of {M}{path} set without", b"v2" * 100, os.getxattr(M + path, name))
    expect(f"listxattr of {M}{path}", sorted(os.listxattr(path)), sorted(os.listxattr(M + path)))
    both(f"XATTR_CREATE of an existing {name}", os.setxattr, path, name, b"x", os.XATTR_CREATE)
    both(f"XATTR_REPLACE of a missing {ns}.none", os.setxattr, path, f"{ns}.none", b"x", os.XATTR_REPLACE)
    both(f"getxattr of a missing {ns}.none", os.getxattr, path, f"{ns}.none")
    os.removexattr(M + path, name)
    expect(f"getxattr of {path} after removexattr through {M}",
           ("err", "ENODATA"), result(os.getxattr, path, name))
# What a file system lacks, it lacks the same way through /mfs: user.* on
# tmpfs (from 6.6 only), xattrs of a symlink.
os.symlink("xa", "/tmp/xl")
both("user.* on tmpfs", os.setxattr, "/tmp/xa", "user.t", b"1")
both("user.* on tmpfs, read", os.getxattr, "/tmp/xa", "user.t")
both("trusted.* on a symlink", os.setxattr, "/tmp/xl", "trusted.l", b"1", follow_symlinks=False)
both("trusted.* on a symlink, read", os.getxattr, "/tmp/xl", "trusted.l", follow_symlinks=False)
both("listxattr of a symlink", os.listxattr, "/tmp/xl", follow_symlinks=False)
both("user.* on a symlink", os.setxattr, "/tmp/xl", "user.l", b"1", follow_symlinks=False)
both("an unknown namespace", os.setxattr, "/tmp/xa", "bogus.x", b"1")
PY
sync -f /tmp/e
expect_eq "statfs of $M/tmp/e" "$(stat -f -c '%t %b %f %a %c %d %s %l' /tmp/e)" \
	"$(stat -f -c '%t %b %f %a %c %d %s %l' "$M/tmp/e")"
umount /tmp/e || fail "umount /tmp/e after using it through $M: $(grep /tmp/e /proc/mounts)"

log "locks: POSIX, OFD and flock, both ways"
python3 - "$M" <<'PY'
import errno, fcntl, os, struct, sys, time

M = sys.argv[1]
F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW = 36, 37, 38
FLOCK = "hhqqi4x"	# struct flock on x86_64


def expect(what, want, got):
    if want != got:
        sys.exit(f"{what}: expected {want!r}, got {got!r}")


def conflicts(fn, *args):
    try:
        fn(*args)
    except OSError as e:
        if e.errno in (errno.EAGAIN, errno.EACCES):
            return True
        raise
    return False


def getlk(fd, cmd=fcntl.F_GETLK):
    got = fcntl.fcntl(fd, cmd, struct.pack(FLOCK, fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0))
    return struct.unpack(FLOCK, got)


def name(via):
    return f"{M}/tmp/lk" if via else "/tmp/lk"


open("/tmp/lk", "w").write("x" * 100)
for holder_via in (False, True):
    holder, tester = name(holder_via), name(not holder_via)
    what = f"a POSIX lock through {holder} against {tester}"
    fd = os.open(holder, os.O_RDWR)
    fcntl.lockf(fd, fcntl.LOCK_EX, 10, 50)	# len, start: bytes 50..59
    tried_r, tried_w = os.pipe()
    freed_r, freed_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            fd2 = os.open(tester, os.O_RDWR)
            if not conflicts(fcntl.lockf, fd2, fcntl.LOCK_EX | fcntl.LOCK_NB, 10, 55):	# 55..64
                code = 10
            elif conflicts(fcntl.lockf, fd2, fcntl.LOCK_EX | fcntl.LOCK_NB, 10, 0):
                code = 11	# the range before the lock is free
            else:
                fcntl.lockf(fd2, fcntl.LOCK_UN, 10, 0)
                l_type, _, start, length, lpid = getlk(fd2)
                if (l_type, start, length, lpid) != (fcntl.F_WRLCK, 50, 10, os.getppid()):
                    code = 12
                os.write(tried_w, b"1")
                fcntl.lockf(fd2, fcntl.LOCK_EX, 10, 55)	# F_SETLKW: waits for the unlock
                os.set_blocking(freed_r, False)
                if os.read(freed_r, 1) != b"1":
                    code = 13	# granted before the holder unlocked
        except Exception as e:
            print(f"child: {e!r}", file=sys.stderr)
            code = 14
        os._exit(code)
    os.read(tried_r, 1)
    time.sleep(0.5)
    os.write(freed_w, b"1")
    fcntl.lockf(fd, fcntl.LOCK_UN, 10, 50)
    expect(f"{what}: the tester's status (10: not refused, 11: too wide, "
           "12: F_GETLK, 13: not blocked, 14: error)", 0,
           os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
    os.close(fd)

    # Closing any fd of the file (the same path) drops the process's locks.
    fd = os.open(holder, os.O_RDWR)
    fcntl.lockf(fd, fcntl.LOCK_EX)
    os.close(os.open(holder, os.O_RDONLY))
    pid = os.fork()
    if pid == 0:
        fd2 = os.open(tester, os.O_RDWR)
        os._exit(1 if conflicts(fcntl.lockf, fd2, fcntl.LOCK_EX | fcntl.LOCK_NB) else 0)
    expect(f"a POSIX lock through {holder} after closing another fd of it",
           0, os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
    os.close(fd)

    # OFD locks belong to the open file: two opens conflict in one process.
    fd = os.open(holder, os.O_RDWR)
    fd2 = os.open(tester, os.O_RDWR)
    fcntl.fcntl(fd, F_OFD_SETLK, struct.pack(FLOCK, fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0))
    expect(f"an OFD lock through {holder} against {tester}", True,
           conflicts(fcntl.fcntl, fd2, F_OFD_SETLK, struct.pack(FLOCK, fcntl.F_RDLCK, os.SEEK_SET, 0, 0, 0)))
    expect(f"F_OFD_GETLK through {tester}", (fcntl.F_WRLCK, 0, 0, -1),
           getlk(fd2, F_OFD_GETLK)[:1] + getlk(fd2, F_OFD_GETLK)[2:])
    os.close(fd)
    fcntl.fcntl(fd2, F_OFD_SETLK, struct.pack(FLOCK, fcntl.F_RDLCK, os.SEEK_SET, 0, 0, 0))
    os.close(fd2)

    # flock(): the same.
    fd = os.open(holder, os.O_RDONLY)
    fd2 = os.open(tester, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    expect(f"flock through {holder} against {tester}", True,
           conflicts(fcntl.flock, fd2, fcntl.LOCK_SH | fcntl.LOCK_NB))
    fcntl.flock(fd, fcntl.LOCK_UN)
    fcntl.flock(fd2, fcntl.LOCK_SH | fcntl.LOCK_NB)
    expect(f"flock through {holder} against a shared one through {tester}", True,
           conflicts(fcntl.flock, fd, fcntl.LOCK_EX | fcntl.LOCK_NB))
    os.close(fd)
    os.close(fd2)
PY
flock -n /tmp/lk true || fail "a lock is left on /tmp/lk"
lk=$(printf '%02x:%02x:%s' "$(stat -c %Hd /tmp/lk)" "$(stat -c %Ld /tmp/lk)" "$(stat -c %i /tmp/lk)")
if grep -F " $lk " /proc/locks; then
	fail "locks on /tmp/lk ($lk) outlived their processes"
fi

log "mmap: one page cache; exec of a binary and of scripts"
mkdir /tmp/d
cd "$M/tmp/d"
python3 - "$M" <<'PY'
import mmap, os, sys

M = sys.argv[1]


def expect(what, want, got):
    if want != got:
        sys.exit(f"{what}: expected {want!r}, got {got!r}")


expect(f"os.getcwd() in {M}/tmp/d", f"{M}/tmp/d", os.getcwd())
expect("/proc/self/cwd", f"{M}/tmp/d", os.readlink("/proc/self/cwd"))
with open("/tmp/d/m", "wb") as f:
    f.truncate(16384)
fd = os.open("m", os.O_RDWR)	# relative to the cwd under /mfs
direct = os.open("/tmp/d/m", os.O_RDWR)
shared = mmap.mmap(fd, 16384, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
shared[100:105] = b"hello"
expect(f"/tmp/d/m after a store into a shared mapping of {M}/tmp/d/m", b"hello", os.pread(direct, 5, 100))
os.pwrite(direct, b"world", 9000)
expect("the shared mapping after a write to /tmp/d/m", b"world", shared[9000:9005])
os.pwrite(fd, b"again", 200)
expect(f"the shared mapping after a write through {M}", b"again", shared[200:205])
maps = [l.split()[-1] for l in open("/proc/self/maps") if l.split()[-1].endswith("/m")]
expect("the mapped file in /proc/self/maps", ["/tmp/d/m"], maps)
shared.flush()
shared.close()
private = mmap.mmap(fd, 16384, mmap.MAP_PRIVATE, mmap.PROT_READ | mmap.PROT_WRITE)
expect("a private mapping", b"hello", private[100:105])
private[100:105] = b"HELLO"
expect("/tmp/d/m after a store into a private mapping", b"hello", os.pread(direct, 5, 100))
private.close()
ro = os.open("m", os.O_RDONLY)
try:
    mmap.mmap(ro, 4096, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
    sys.exit("a writable shared mapping of a read-only fd was allowed")
except PermissionError:
    pass
os.ftruncate(fd, 4096)
expect(f"size of /tmp/d/m after ftruncate through {M}", 4096, os.fstat(direct).st_size)
PY
expect_eq "pwd -P in $M/tmp/d" "$M/tmp/d" "$(pwd -P)"
expect_eq "/bin/pwd in $M/tmp/d" "$M/tmp/d" "$(/bin/pwd)"
echo rel >relative
expect_content /tmp/d/relative rel
expect_eq "pwd -P after cd .." "$M/tmp" "$(cd .. && pwd -P)"
cd "$M"
expect_eq "pwd -P in $M" "$M" "$(pwd -P)"
expect_eq "pwd -P after cd .. from $M" /mfs "$(cd .. && pwd -P)"
cd "$OMVM_REPO"
mkdir /tmp/bin
cp /usr/bin/echo /usr/bin/sleep /tmp/bin/
expect_eq "a binary run through $M" "hi there" "$("$M/tmp/bin/echo" hi there)"
# shellcheck disable=SC2016 # $0 and $1 are the script's
printf '#!/bin/sh\necho "script $0 $1"\n' >/tmp/bin/s
# shellcheck disable=SC2016
printf '#!%s/bin/sh\necho "interpreter under mfs $1"\n' "$M" >/tmp/bin/s2
chmod +x /tmp/bin/s /tmp/bin/s2
expect_eq "a script run through $M" "script $M/tmp/bin/s x" "$("$M/tmp/bin/s" x)"
expect_eq "a script whose interpreter is under $M" "interpreter under mfs y" "$(/tmp/bin/s2 y)"
expect_eq "both" "interpreter under mfs z" "$("$M/tmp/bin/s2" z)"
"$M/tmp/bin/sleep" 0.1 || fail "sleep run through $M failed"
mkdir /tmp/nx && mount -t tmpfs -o noexec tmpfs /tmp/nx
cp /usr/bin/echo /tmp/nx/
expect_fail 126 "Permission denied" "$M/tmp/nx/echo" no
mkdir /tmp/nd && mount -t tmpfs -o nodev tmpfs /tmp/nd
mknod /tmp/nd/null c 1 3
expect_fail 2 "Permission denied" sh -c "echo x >$M/tmp/nd/null"
umount /tmp/nx /tmp/nd || fail "umount of tmpfs mounts used through $M failed"

log "statfs, FIFOs, devices"
expect_eq "statfs of $M/tmp" "$(stat -f -c '%t %b %f %a %c %d %s %l' /tmp)" \
	"$(stat -f -c '%t %b %f %a %c %d %s %l' "$M/tmp")"
expect_eq "statfs of $M (the 9p root: its totals)" "$(stat -f -c '%t %b %s %l' /)" \
	"$(stat -f -c '%t %b %s %l' "$M")"
mkfifo /tmp/fifo
(echo through-mfs >"$M/tmp/fifo") &
expect_eq "a FIFO written through $M" through-mfs "$(timeout 10 cat /tmp/fifo)"
wait $!
(echo direct >/tmp/fifo) &
expect_eq "a FIFO read through $M" direct "$(timeout 10 cat "$M/tmp/fifo")"
wait $!
expect_same /tmp/fifo
expect_eq "$M/dev/zero" "0000000 000000 000000" "$(head -c 4 "$M/dev/zero" | od | head -n1 | xargs)"
echo x >"$M/dev/null" || fail "writing $M/dev/null failed"

log "loops back into /mfs: ELOOP"
expect_fail 2 "Too many levels of symbolic links" ls "$M/mfs"
expect_fail 1 "Too many levels of symbolic links" stat "$M/mfs"
expect_fail 1 "Too many levels of symbolic links" stat "$M/mfs/$NODE/usr"
mkdir /tmp/mfs2
mount -t mfs other /tmp/mfs2
expect_fail 1 "Too many levels of symbolic links" stat "$M/tmp/mfs2"
expect_fail 1 "Too many levels of symbolic links" stat "/tmp/mfs2/$NODE/mfs"
umount /tmp/mfs2

log "cp -a and diff -r"
cp -a /usr/share/doc/bash "$M/tmp/t"
diff -r /usr/share/doc/bash /tmp/t || fail "cp -a into $M/tmp/t: /tmp/t differs"
diff -r /tmp/t "$M/tmp/t" || fail "$M/tmp/t and /tmp/t differ"
cp -a "$M/usr/share/doc/bash" /tmp/t2
diff -r /usr/share/doc/bash /tmp/t2 || fail "cp -a from $M/usr/share/doc/bash: /tmp/t2 differs"
mkdir -p /tmp/src/sub
echo one >/tmp/src/one
ln /tmp/src/one /tmp/src/sub/hard
ln -s ../one /tmp/src/sub/soft
mkfifo /tmp/src/fifo
truncate -s 64M /tmp/src/sparse
printf x | dd of=/tmp/src/sparse bs=1 seek=40000000 conv=notrunc status=none
chmod 750 /tmp/src/sub && chown -R 1000:1001 /tmp/src/sub
touch -h -d @1111111111 /tmp/src/sub/soft /tmp/src/sub /tmp/src/one
cp -a /tmp/src "$M/tmp/dst"
tree_of() { (cd "$1" && find . -printf '%p %y %m %n %u %g %s %T@ %l\n' | LC_ALL=C sort); }
expect_eq "the tree copied into $M/tmp/dst" "$(tree_of /tmp/src)" "$(tree_of /tmp/dst)"
expect_eq "the tree read through $M" "$(tree_of /tmp/dst)" "$(tree_of "$M/tmp/dst")"
cmp /tmp/src/sparse "$M/tmp/dst/sparse" || fail "the sparse file differs"
[ "$(stat -c %b /tmp/dst/sparse)" -lt 1000 ] || fail "cp -a into $M lost the holes: $(stat -c %b /tmp/dst/sparse) blocks"
find "$M/tmp/dst" -printf '%i %p\n' | LC_ALL=C sort >/tmp/find.mfs
find /tmp/dst -printf '%i %p\n' | sed "s|/tmp/dst|$M/tmp/dst|" | LC_ALL=C sort >/tmp/find.tmp
cmp -s /tmp/find.tmp /tmp/find.mfs || fail "find's inode numbers differ: $(diff /tmp/find.tmp /tmp/find.mfs)"

log "a random sequence: $M/tmp/ra against /tmp/rb (seed $SEED; OMT_FSRANDOM_SEED=$SEED repeats it)"
python3 "$FSRANDOM" "$SEED" 2000 "$M/tmp/ra" /tmp/rb || fail "fsrandom: $M/tmp/ra and /tmp/rb differ"

log "no link traffic: the link to node 2 carried heartbeats only"
nl links >/tmp/links.after
python3 - $((SECONDS - started)) <<'PY' || fail "frames on the link during the file system calls"
import json, sys
elapsed = int(sys.argv[1])
before = {l["node"]: l for l in json.load(open("/tmp/links.before"))}
after = {l["node"]: l for l in json.load(open("/tmp/links.after"))}
if 2 not in after:
    sys.exit(f"the link to node 2 went away: {after}")
for k in ("tx_frames", "rx_frames"):
    d = after[2][k] - before[2][k]
    print(f"{k}: {d} in {elapsed} s")
    # One heartbeat a second each way, and some slack for the edges.
    if d > elapsed + 3:
        sys.exit(f"{k} grew by {d} in {elapsed} s: more than heartbeats")
PY

barrier finished
umount /mfs
rmmod omfs
if grep '^omfs' /proc/slabinfo; then
	fail "omfs caches are left in /proc/slabinfo"
fi
rmmod omcore
log "done"
