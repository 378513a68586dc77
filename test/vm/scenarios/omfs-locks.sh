#!/usr/bin/env bash
# Locks on another node's files (docs/design/omfs.md phase 4, §8.15): a
# record lock or flock() taken through /mfs/2 is held on node 2, where it
# excludes node 2's own processes and every other node's, both ways:
#  - fcntl F_SETLK: a range node 2 holds is EAGAIN from node 1, a range
#    beside it is free; F_GETLK names the holder's range and type (and pid
#    0: node 2's processes are not node 1's); F_SETLKW waits until node 2
#    lets go; a lock node 1 holds keeps node 2 out until node 1 closes the
#    file, which lets it go there too;
#  - OFD locks: two open file descriptions of one process conflict;
#  - flock(): exclusive and shared, both ways, released at exit;
#  - sqlite3: two processes, one on each node, increment a counter in one
#    database of node 2 in 100 transactions each: none is lost;
#  - afterwards node 2 holds none of node 1's locks (/proc/locks).
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

L=/tmp/lk			# on node 2
R=/mfs/2$L			# the same, from node 1
S=$OMVM_SHARED

# lockpy ARGS...: a python3 program from stdin, with ARGS.
lockpy() { python3 - "$@"; }

modprobe omfs
load_cluster_map
mount -t mfs mfs_mnt /mfs
link_to_node1

if [ "$NODE" = 2 ]; then
	mkdir -m 1777 $L
	head -c 4096 /dev/zero >$L/f
	chmod 666 $L/f
	omctl set norootsquash >/dev/null
fi
barrier ready

log "fcntl: node 2 holds bytes 0-99 of f"
if [ "$NODE" = 2 ]; then
	lockpy $L/f "$S" <<-'PY' &
	import fcntl, os, sys, time
	fd = os.open(sys.argv[1], os.O_RDWR)
	fcntl.lockf(fd, fcntl.LOCK_EX, 100, 0)
	open(sys.argv[2] + "/held", "w").close()
	while not os.path.exists(sys.argv[2] + "/release"):
	    time.sleep(0.05)
	PY
	holder=$!
fi
wait_for "[ -e $S/held ]" 30
if [ "$NODE" = 1 ]; then
	lockpy $R/f "$S" <<-'PY'
	import errno, fcntl, os, struct, sys, threading, time
	fd = os.open(sys.argv[1], os.O_RDWR)
	try:
	    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 100, 0)
	    sys.exit("F_SETLK of bytes 0-99 was granted while node 2 holds them")
	except OSError as e:
	    assert e.errno in (errno.EAGAIN, errno.EACCES), e
	fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 100, 200)   # beside it
	fcntl.lockf(fd, fcntl.LOCK_UN, 100, 200)
	# F_GETLK: struct flock is l_type, l_whence, l_start, l_len, l_pid.
	fmt = "hhqqi4x"
	got = fcntl.fcntl(fd, fcntl.F_GETLK,
	                  struct.pack(fmt, fcntl.F_WRLCK, os.SEEK_SET, 10, 5, 0))
	ltype, _, start, length, pid = struct.unpack(fmt, got)
	assert (ltype, start, length, pid) == (fcntl.F_WRLCK, 0, 100, 0), \
	    ("F_GETLK", ltype, start, length, pid)
	# F_SETLKW waits until node 2 lets go.
	done = threading.Event()
	def wait():
	    fcntl.lockf(fd, fcntl.LOCK_EX, 100, 0)
	    done.set()
	threading.Thread(target=wait, daemon=True).start()
	time.sleep(1)
	assert not done.is_set(), "F_SETLKW was granted while node 2 holds the range"
	start = time.monotonic()
	open(sys.argv[2] + "/release", "w").close()
	assert done.wait(30), "F_SETLKW still waits 30 s after node 2 let go"
	print("F_SETLKW granted %.2f s after node 2 let go" % (time.monotonic() - start))
	PY
fi
[ "$NODE" != 2 ] || wait $holder
barrier fcntl-1

log "fcntl: node 1 holds bytes 0-99 of f until it closes it"
if [ "$NODE" = 1 ]; then
	lockpy $R/f "$S" <<-'PY' &
	import fcntl, os, sys, time
	fd = os.open(sys.argv[1], os.O_RDWR)
	fcntl.lockf(fd, fcntl.LOCK_EX, 100, 0)
	open(sys.argv[2] + "/held1", "w").close()
	while not os.path.exists(sys.argv[2] + "/close1"):
	    time.sleep(0.05)
	os.close(fd)                  # no unlock: closing lets it go
	open(sys.argv[2] + "/closed1", "w").close()
	time.sleep(3600)
	PY
	holder=$!
fi
wait_for "[ -e $S/held1 ]" 30
if [ "$NODE" = 2 ]; then
	lockpy $L/f "$S" <<-'PY'
	import errno, fcntl, os, sys, time
	fd = os.open(sys.argv[1], os.O_RDWR)
	try:
	    fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB, 1, 50)
	    sys.exit("node 2 got a lock inside the range node 1 holds")
	except OSError as e:
	    assert e.errno in (errno.EAGAIN, errno.EACCES), e
	open(sys.argv[2] + "/close1", "w").close()
	end = time.monotonic() + 10
	while not os.path.exists(sys.argv[2] + "/closed1"):
	    assert time.monotonic() < end, "node 1 did not close"
	    time.sleep(0.05)
	fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 100, 0)
	PY
fi
barrier fcntl-2
[ "$NODE" != 1 ] || { kill $holder; wait $holder || true; }

log "OFD locks: two open file descriptions conflict"
if [ "$NODE" = 1 ]; then
	lockpy $R/f <<-'PY'
	import errno, fcntl, os, struct, sys
	F_OFD_SETLK = 37
	fmt = "hhqqi4x"
	a = os.open(sys.argv[1], os.O_RDWR)
	b = os.open(sys.argv[1], os.O_RDWR)
	fcntl.fcntl(a, F_OFD_SETLK, struct.pack(fmt, fcntl.F_WRLCK, 0, 0, 10, 0))
	try:
	    fcntl.fcntl(b, F_OFD_SETLK, struct.pack(fmt, fcntl.F_WRLCK, 0, 0, 10, 0))
	    sys.exit("a second open file description got the same OFD lock")
	except OSError as e:
	    assert e.errno == errno.EAGAIN, e
	os.close(a)
	fcntl.fcntl(b, F_OFD_SETLK, struct.pack(fmt, fcntl.F_WRLCK, 0, 0, 10, 0))
	PY
fi
barrier ofd

log "flock: both ways, released at exit"
if [ "$NODE" = 2 ]; then
	flock -x $L/f -c "touch $S/flocked2; while [ ! -e $S/unflock2 ]; do sleep 0.05; done" &
	holder=$!
fi
wait_for "[ -e $S/flocked2 ]" 30
if [ "$NODE" = 1 ]; then
	expect_fail 1 "" flock -n -x $R/f true
	expect_fail 1 "" flock -n -s $R/f true
	touch $S/unflock2
	flock -w 20 -x $R/f -c "touch $S/flocked1; while [ ! -e $S/unflock1 ]; do sleep 0.05; done" &
	holder=$!
fi
wait_for "[ -e $S/flocked1 ]" 30
if [ "$NODE" = 2 ]; then
	wait $holder
	expect_fail 1 "" flock -n -s $L/f true
	touch $S/unflock1
	flock -w 20 -x $L/f true || fail "node 2 did not get the flock once node 1's holder exited"
fi
barrier flock
[ "$NODE" != 1 ] || wait $holder

log "sqlite3: a counter incremented from both nodes at once"
if [ "$NODE" = 2 ]; then
	python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("create table c (n integer)")
db.execute("insert into c values (0)")
db.commit()' $L/db.sqlite
	chmod 666 $L/db.sqlite
fi
barrier db
if [ "$NODE" = 1 ]; then db=$R/db.sqlite; else db=$L/db.sqlite; fi
python3 - "$db" <<-'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=120, isolation_level=None)
for _ in range(100):
    db.execute("begin immediate")
    (n,) = db.execute("select n from c").fetchone()
    db.execute("update c set n = ?", (n + 1,))
    db.execute("commit")
db.close()
PY
barrier counted
if [ "$NODE" = 2 ]; then
	expect_eq "the counter after 100 transactions on each node" 200 \
		"$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select n from c").fetchone()[0])' $L/db.sqlite)"
fi
barrier checked

log "nothing of node 1's is left locked on node 2"
if [ "$NODE" = 2 ]; then
	for f in $L/f $L/db.sqlite; do
		ino=$(stat -c %i $f)
		if grep -E ":$ino " /proc/locks; then
			fail "node 2 still holds a lock on $f"
		fi
	done
fi
barrier done
umount /mfs
rmmod omfs
