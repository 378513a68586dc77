#!/usr/bin/env bash
# Another node's files through /mfs (docs/design/omfs.md phase 2: reading).
# Node 2 serves a tree in /tmp/srv; node 1 reads it as /mfs/2/tmp/srv and
# must see what node 2 sees: names, types, sizes, modes, owners, times,
# contents, link targets, file system figures; it runs a program stored
# there and maps a file; a write made on node 2 is read on node 1 at once.
# One user of node 1 holds at most half the fids of its session with node
# 2: EMFILE past that, and others open on.
# Refused: root's changes and reads of what only root may read (squashed
# to nobody unless node 2 allows root; omfs-write.sh covers changes),
# node 2's FIFOs, /mfs/2/mfs (a loop), and everything while node 2 serves
# no files (nomfs).
# When node 2 dies, node 1's calls fail within 10 s, and /mfs unmounts.
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

SRV=/tmp/srv
# snapshot DIR: every entry's name, type, size, mode, owner and mtime.
snapshot() {
	(cd "$1" && find . -printf '%p %y %s %m %U %G %T@ %l\n' | LC_ALL=C sort)
}
as_user() { setpriv --reuid 1000 --regid 1000 --clear-groups "$@"; }

modprobe omfs
load_cluster_map
mount -t mfs mfs_mnt /mfs
link_to_node1

if [ "$NODE" = 2 ]; then
	mkdir -p $SRV/dir $SRV/many
	echo "hello from node 2" >$SRV/hello
	head -c 3M /dev/urandom >$SRV/big
	ln -s hello $SRV/link
	ln -s /etc/hostname $SRV/abs
	mkfifo $SRV/fifo
	for i in $(seq 300); do : >"$SRV/many/file-with-a-longish-name-$i"; done
	echo secret >$SRV/secret && chmod 600 $SRV/secret
	echo mine >$SRV/u1000 && chown 1000:1000 $SRV/u1000 && chmod 600 $SRV/u1000
	cp "$(command -v ls)" $SRV/ls
	printf '#!/bin/sh\necho script on node 2\n' >$SRV/script.sh
	chmod 755 $SRV/script.sh
	touch -d '2001-02-03 04:05:06.789' $SRV/hello
	snapshot $SRV >"$OMVM_SHARED/snapshot.2"
	sha256sum $SRV/big | cut -d' ' -f1 >"$OMVM_SHARED/big.sha"
	stat -f -c '%b %f %a %c %d %l' /tmp >"$OMVM_SHARED/statfs.2"
fi
barrier served

if [ "$NODE" = 1 ]; then
	R=/mfs/2$SRV
	log "the tree as node 2 sees it"
	expect_eq "snapshot of $R" "$(cat "$OMVM_SHARED/snapshot.2")" "$(snapshot $R)"
	expect_eq "contents of hello" "hello from node 2" "$(cat $R/hello)"
	expect_eq "sha256 of big" "$(cat "$OMVM_SHARED/big.sha")" "$(sha256sum $R/big | cut -d' ' -f1)"
	expect_eq "big read in 4 KiB pieces" "$(cat "$OMVM_SHARED/big.sha")" \
		"$(dd if=$R/big bs=4k status=none | sha256sum | cut -d' ' -f1)"
	expect_eq "readlink link" hello "$(readlink $R/link)"
	expect_eq "through the relative link" "hello from node 2" "$(cat $R/link)"
	# Targets are read here, as NFS does: /etc/hostname of node 1.
	expect_eq "through the absolute link" node1 "$(cat $R/abs)"
	expect_eq "entries of many" 300 "$(ls $R/many | wc -l)"
	expect_eq "mtime with ns" "2001-02-03 04:05:06.789000000" "$(stat -c %y $R/hello | cut -d' ' -f1,2)"
	expect_eq "statfs of /mfs/2/tmp" "$(cat "$OMVM_SHARED/statfs.2")" "$(stat -f -c '%b %f %a %c %d %l' /mfs/2/tmp)"
	expect_eq "statfs type" 6f6d6673 "$(stat -f -c %t /mfs/2/tmp)"
	[ "$(stat -c %d $R/hello)" != "$(stat -c %d /tmp)" ] ||
		fail "a file of node 2 has the st_dev of this node's /tmp"
	cd $R/dir && expect_eq "getcwd in /mfs/2" "$R/dir" "$(pwd -P)" && cd /

	log "a program and a script stored on node 2"
	expect_eq "ls run from node 2" "$(ls /etc | head -3)" "$($R/ls /etc | head -3)"
	expect_eq "script from node 2" "script on node 2" "$($R/script.sh)"
	python3 - "$R/big" "$(cat "$OMVM_SHARED/big.sha")" <<'PY'
import errno, hashlib, mmap, os, sys
path, want = sys.argv[1], sys.argv[2]
fd = os.open(path, os.O_RDONLY)
m = mmap.mmap(fd, 0, mmap.MAP_SHARED, mmap.PROT_READ)
assert hashlib.sha256(m).hexdigest() == want, "shared read mapping differs"
m.close()
p = mmap.mmap(fd, 0, mmap.MAP_PRIVATE, mmap.PROT_READ | mmap.PROT_WRITE)
p[0:5] = b"local"
assert p[0:5] == b"local"
p.close()
try:
    mmap.mmap(fd, 0, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
except OSError as e:
    # EACCES: an O_RDONLY fd, which the kernel checks before us.
    assert e.errno in (errno.EACCES, errno.ENODEV), e
else:
    raise SystemExit("a shared writable mapping was allowed")
PY
fi
barrier read

# Coherence: what node 2 writes, node 1 reads at once.
if [ "$NODE" = 2 ]; then
	echo "second line" >>$SRV/hello
	chmod 444 $SRV/hello
fi
barrier changed
if [ "$NODE" = 1 ]; then
	R=/mfs/2$SRV
	expect_eq "hello after node 2 appended" "hello from node 2|second line" "$(paste -sd'|' $R/hello)"
	expect_eq "mode after node 2's chmod" 444 "$(stat -c %a $R/hello)"

	log "refused: squashed root's changes, FIFOs, loops"
	expect_fail 1 "Permission denied" touch $R/new
	expect_fail 1 "Permission denied" mkdir $R/newdir
	expect_fail 1 "Permission denied" rm -f $R/hello
	expect_fail 2 "Permission denied" sh -c "echo x >$R/hello"
	expect_eq "the FIFO is listed" "p" "$(stat -c %A $R/fifo | cut -c1)"
	expect_fail 1 "No such device or address" cat $R/fifo
	expect_fail 2 "Too many levels of symbolic links" ls /mfs/2/mfs
	expect_fail 1 "Too many levels of symbolic links" stat /mfs/2/mfs/1/etc

	log "credentials: the caller's ids; root squashed"
	expect_eq "uid 1000 reads its file" mine "$(as_user cat $R/u1000)"
	expect_fail 1 "Permission denied" as_user cat $R/secret
	expect_fail 1 "Permission denied" cat $R/secret

	log "limits: one user holds half of the session's fids at most"
	python3 - $R <<-'PY'
	import errno, os, resource, sys
	R = sys.argv[1]
	resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
	ready_r, ready_w = os.pipe()
	done_r, done_w = os.pipe()
	pid = os.fork()
	if pid == 0:
	    os.setgroups([])
	    os.setgid(1000)
	    os.setuid(1000)
	    fds, err = [], 0
	    try:
	        while len(fds) < 16384:
	            fds.append(os.open(R + "/hello", os.O_RDONLY))
	    except OSError as e:
	        err = e.errno
	    os.write(ready_w, f"{len(fds)} {err}".encode())
	    os.read(done_r, 1)
	    os._exit(0)
	opened, err = map(int, os.read(ready_r, 64).split())
	try:
	    # 8192 fids: the opens, and the walk's directories and file.
	    assert err == errno.EMFILE, \
	        f"uid 1000 stopped at {opened} opens with {errno.errorcode.get(err)}"
	    assert 8180 <= opened < 8192, f"uid 1000 held {opened} opens"
	    with open(R + "/hello") as f:
	        assert f.readline() == "hello from node 2\n", "root's read"
	    print(f"uid 1000: EMFILE after {opened} opens; root opens on")
	finally:
	    os.write(done_w, b"x")
	    os.waitpid(pid, 0)
	PY
fi
barrier squashed 240	# the limits take a minute or more
[ "$NODE" != 2 ] || nl policy 4 4 >/dev/null	# OM_POLICY_NOROOTSQUASH
barrier root-allowed
if [ "$NODE" = 1 ]; then
	expect_eq "root reads secret once node 2 allows root" secret "$(cat /mfs/2$SRV/secret)"
fi
barrier nomfs-on
[ "$NODE" != 2 ] || nl policy 2 6 >/dev/null	# OM_POLICY_NOMFS, squash again
barrier nomfs
if [ "$NODE" = 1 ]; then
	expect_fail 1 "Connection refused" cat /mfs/2$SRV/hello
	stat /mfs/2 >/dev/null || fail "stat /mfs/2 fails while node 2 serves nothing"
fi
barrier mfs-on
[ "$NODE" != 2 ] || nl policy 0 2 >/dev/null
barrier mfs
if [ "$NODE" = 1 ]; then
	expect_eq "hello once node 2 serves again" "hello from node 2" "$(head -1 /mfs/2$SRV/hello)"
	expect_fail 1 "Permission denied" cat /mfs/2$SRV/secret
	exec 3</mfs/2$SRV/big	# held open while node 2 dies
fi
barrier before-halt

if [ "$NODE" = 2 ]; then
	halt_node
fi
log "node 2 dies: calls fail within 10 s, and /mfs unmounts"
start=$(date +%s)
wait_for "! stat /mfs/2$SRV/hello 2>/dev/null" 10
expect_fail 1 "Host is down" stat /mfs/2$SRV/hello
if dd bs=4k count=1 status=none <&3 >/dev/null 2>&1; then
	fail "a file of the dead node could still be read"
fi
log "failed after $(($(date +%s) - start)) s"
exec 3<&-
stat /mfs/2 >/dev/null || fail "stat /mfs/2 fails with node 2 down"
umount /mfs
rmmod omfs
