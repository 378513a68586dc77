#!/usr/bin/env bash
# Unmount and unload after heavy use and under load (docs/design/omfs.md
# §9, phase 5). Each node is the other's client and server:
#  - both copy a tree of the other's through /mfs and compare it;
#  - node 1 keeps reading and writing node 2's files, holds a record lock
#    there and a file open, while node 2 unmounts its /mfs and unloads
#    omfs: node 1's requests then fail with ECONNREFUSED, none hangs, and
#    node 2 holds none of node 1's locks any more (/proc/locks, and a
#    local lock of the same range is granted);
#  - node 2 loads omfs again, without mounting: node 1's loop succeeds
#    again;
#  - both unmount and unload omfs and omcore. omfs's leak checks WARN at
#    unload (which fails the run) and its inode cache is gone
#    (/proc/slabinfo).
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

U=/tmp/ul
S=$OMVM_SHARED
OTHER=$((3 - NODE))

modprobe omfs
load_cluster_map
mount -t mfs mfs_mnt /mfs
link_to_node1

mkdir -m 1777 $U
cp -a /usr/lib/python3/dist-packages/pkg_resources $U/tree 2>/dev/null ||
	cp -a /usr/share/doc/bash $U/tree
head -c 65536 /dev/urandom >$U/lk
chmod 666 $U/lk
omctl set norootsquash >/dev/null
barrier ready

log "both copy the other's tree through /mfs"
cp -a /mfs/$OTHER$U/tree $U/copy
diff -r /mfs/$OTHER$U/tree $U/copy || fail "a copy of node $OTHER's tree differs"
cp -a $U/copy /mfs/$OTHER$U/back
diff -r $U/copy /mfs/$OTHER$U/back || fail "a copy written to node $OTHER differs"
barrier copied 120

if [ "$NODE" = 1 ]; then
	log "node 1 loads node 2 and holds a lock there"
	python3 - /mfs/2$U "$S" <<-'PY' &
	import errno, fcntl, os, sys, time
	R, S = sys.argv[1], sys.argv[2]
	seen = lambda name: os.path.exists(f"{S}/{name}")
	lk = os.open(R + "/lk", os.O_RDWR)
	fcntl.lockf(lk, fcntl.LOCK_EX | fcntl.LOCK_NB, 100, 0)
	open(S + "/locked", "w").close()
	refused = ok_after = 0
	i = 0
	while not seen("stop"):
	    i += 1
	    try:
	        with open(f"{R}/w{i % 8}", "wb") as f:
	            f.write(os.urandom(8192))
	        with open(f"{R}/w{i % 8}", "rb") as f:
	            assert len(f.read()) == 8192
	        os.stat(R + "/tree")
	        if refused:
	            ok_after += 1
	    except OSError as e:
	        assert e.errno in (errno.ECONNREFUSED, errno.ESTALE), e
	        refused += 1
	        if refused == 1:
	            open(S + "/refused", "w").close()
	        time.sleep(0.05)
	assert refused and ok_after, (refused, ok_after)
	print(f"node 1's loop: {i} rounds, {refused} refused, "
	      f"{ok_after} served after the reload")
	PY
	load=$!
	wait_for "[ -e $S/refused ]" 120
	log "node 2's omfs is gone: node 1's requests are refused"
	wait_for "[ -e $S/reloaded ]" 60
	sleep 3
	: >$S/stop
	wait $load || fail "node 1's loop on node 2 went wrong"
else
	wait_for "[ -e $S/locked ]" 60
	ino=$(stat -c %i $U/lk)
	grep -qE ":$ino 0 99$" /proc/locks ||
		fail "node 1's lock on inode $ino is not held here: $(cat /proc/locks)"
	sleep 2
	log "node 2 unmounts and unloads omfs while node 1 uses its files"
	umount /mfs
	rmmod omfs
	if grep -qE ":$ino " /proc/locks; then
		cat /proc/locks
		fail "node 1's lock outlived omfs on node 2"
	fi
	python3 -c 'import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 100, 0)' $U/lk ||
		fail "node 1's range could not be locked here after the unload"
	wait_for "[ -e $S/refused ]" 60
	modprobe omfs
	: >$S/reloaded
fi
barrier loaded 120

log "both unmount and unload"
! mountpoint -q /mfs || umount /mfs
rmmod omfs
if grep -q '^omfs_' /proc/slabinfo; then
	grep '^omfs_' /proc/slabinfo
	fail "omfs's caches outlived it"
fi
barrier unloaded 60
rmmod omcore
