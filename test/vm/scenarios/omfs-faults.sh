#!/usr/bin/env bash
# Faults (docs/design/omfs.md §9, phase 5), node 1 the client of node 2:
#  1. Bad input: node 1 feeds node 2's server requests no correct client
#     sends, through the test-only module omfs_inject
#     (test/vm/tools/omfs_inject.py: the fuzz corpus whole, cut short, too
#     long, with unknown sessions and identities, mutated, random bytes of
#     every type up to the frame limit). Every one is answered, the
#     malformed ones with EPROTO, and node 2 goes on serving: /mfs/2 works
#     right after (its session was replaced by the injector's, so it
#     attaches again).
#  2. A live node that is slow: node 2 freezes an ext4 (fsfreeze), so its
#     server's changes there wait. A create from node 1, made with its
#     directory locked on node 1, fails with ETIMEDOUT after timeo (3 s
#     here: node 2's waiting threads stay below the hung-task threshold).
#     A pwrite() waits on past timeo, as node 2 answers that it still
#     holds the request (OM_WT_PROGRESS); SIGKILL ends it at once; node 2
#     serves its other files meanwhile; a second pwrite() waiting when
#     node 2 thaws completes, and its bytes are in the file.
#  3. Tasks killed in the middle of their calls to node 2 (lookups, opens,
#     closes) while a write streams there: what they held is released all
#     the same, and nobody else's files go stale (a release that a signal
#     stopped used to end the whole session).
#  4. A node that dies while node 1 uses it: a cwd, an open file, a
#     mapping with one page read, a record lock held and one waited for
#     (F_SETLKW), and a write waiting on a frozen ext4. Within 10 s of the
#     death the waiter and the writer have returned with an error. The
#     open file and relative names from the cwd fail with EHOSTDOWN or
#     ESTALE (which one depends on whether the session's end was seen
#     first), the page read stays readable, a page never read is SIGBUS,
#     and new requests
#     fail at once with EHOSTDOWN. umount is EBUSY while the cwd is held
#     and works once it is not; omfs, omfs_inject and omcore unload (their
#     leak checks WARN, which would fail the run).
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

L=/tmp/ft			# on node 2
R=/mfs/2$L			# the same, from node 1
S=$OMVM_SHARED
SEED=${OMT_SEED:-$RANDOM}

modprobe omfs
load_cluster_map
mount -t mfs mfs_mnt /mfs
link_to_node1

if [ "$NODE" = 2 ]; then
	modprobe loop
	modprobe ext4
	mkdir -m 1777 $L $L/d $L/e
	echo served >$L/f
	head -c $((8 << 20)) /dev/urandom >$L/m
	head -c 4096 /dev/zero >$L/l
	chmod 666 $L/f $L/m $L/l
	truncate -s 64M /tmp/img
	mkfs.ext4 -q -F -b 4096 /tmp/img
	mount -o loop /tmp/img $L/e
	head -c 16384 /dev/zero >$L/e/w
	chmod 1777 $L/e
	chmod 666 $L/e/w
	omctl set norootsquash >/dev/null
fi
barrier ready

log "1. bad input from node 1 (seed $SEED)"
if [ "$NODE" = 1 ]; then
	modprobe omfs_inject
	python3 test/vm/tools/omfs_inject.py 2 test/fuzz/corpus/omfs_wire "$SEED" 2000 ||
		fail "node 2 answered a request wrongly (seed $SEED)"
	expect_eq "node 2's file after the bad input" served "$(cat $R/f)"
fi
barrier injected 300
if [ "$NODE" = 2 ]; then
	# Not grep -q: dmesg would die of SIGPIPE, which pipefail reports.
	dmesg | grep -F "omfs: node 1 sent a malformed request" >/dev/null ||
		fail "the server logged no malformed request of node 1"
fi

log "2. node 2's ext4 frozen: a create there times out, writes wait on, the rest is served"
if [ "$NODE" = 2 ]; then
	fsfreeze -f $L/e
	: >$S/frozen
	wait_for "[ -e $S/thaw ]" 120
	fsfreeze -u $L/e
fi
if [ "$NODE" = 1 ]; then
	# A short timeo keeps node 2's server threads, which wait on the frozen
	# ext4 uninterruptibly, well below the guests' hung-task threshold.
	mount -o remount,timeo=3 /mfs
	wait_for "[ -e $S/frozen ]" 30
	python3 - $R "$S" <<-'PY'
	import errno, os, signal, sys, time
	R, S = sys.argv[1], sys.argv[2]
	TIMEO = 3
	start = time.monotonic()
	try:
	    os.open(R + "/e/new", os.O_CREAT | os.O_WRONLY, 0o644)
	    sys.exit("a create in a frozen file system returned")
	except OSError as e:
	    took = time.monotonic() - start
	    assert e.errno == errno.ETIMEDOUT, e
	    assert TIMEO - 1 < took < TIMEO + 3, \
	        f"create: ETIMEDOUT after {took:.1f} s, timeo is {TIMEO} s"
	    print(f"create in the frozen ext4 (its directory locked here): "
	          f"ETIMEDOUT after {took:.1f} s")
	def writer(offset):
	    pid = os.fork()
	    if pid == 0:
	        try:
	            fd = os.open(R + "/e/w", os.O_WRONLY)
	            os._exit(0 if os.pwrite(fd, b"y" * 4096, offset) == 4096 else 1)
	        except OSError as e:
	            os._exit(100 + e.errno)
	        finally:
	            os._exit(99)
	    return pid
	def ended(pid, limit):
	    end = time.monotonic() + limit
	    while time.monotonic() < end:
	        got, status = os.waitpid(pid, os.WNOHANG)
	        if got:
	            return status
	        time.sleep(0.05)
	    return None
	first = writer(0)
	status = ended(first, 2 * TIMEO)
	assert status is None, \
	    f"a write node 2 still works on ended after timeo: status {status:#x}"
	print(f"a write to the frozen ext4 waits past timeo: {2 * TIMEO} s")
	start = time.monotonic()
	os.kill(first, signal.SIGKILL)
	status = ended(first, 2)
	assert status is not None and os.WIFSIGNALED(status), \
	    f"SIGKILL: a waiting write did not end in {time.monotonic() - start:.1f} s"
	with open(R + "/f") as f:
	    assert f.read() == "served\n", "node 2's other files while frozen"
	second = writer(4096)
	assert ended(second, 1) is None, "a second write to the frozen ext4 ended"
	open(S + "/thaw", "w").close()
	status = ended(second, 30)
	assert status == 0, f"a write waiting on the thawed ext4: status {status}"
	with open(R + "/e/w", "rb") as f:
	    f.seek(4096)
	    assert f.read(4096) == b"y" * 4096, "the waiting write is not in the file"
	print("the write waiting on the frozen ext4 is in the file once thawed")
	PY
	mount -o remount,timeo=8 /mfs
	printf after >$R/e/w.new
	expect_eq "a file on the thawed ext4" after "$(cat $R/e/w.new)"
fi
barrier thawed 120

log "3. tasks killed mid-call while a write streams: nobody else's files go stale"
if [ "$NODE" = 1 ]; then
	python3 - $R "$SEED" <<-'PY'
	import os, random, signal, sys, threading, time
	R, rnd = sys.argv[1], random.Random(int(sys.argv[2]))
	ROUNDS, TASKS = 60, 3
	held = os.open(R + "/f", os.O_RDONLY)
	stop, failed = threading.Event(), []
	def stream():
	    fd = os.open(R + "/big", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
	    data = b"s" * (2 << 20)
	    try:
	        while not stop.is_set():
	            os.pwrite(fd, data, 0)
	    except OSError as e:
	        failed.append(e)
	    os.close(fd)
	def walker():
	    pid = os.fork()
	    if pid == 0:
	        while True:	# lookups, opens and closes, until killed
	            for name in ("f", "m", "d", "none"):
	                try:
	                    os.close(os.open(f"{R}/{name}", os.O_RDONLY))
	                except OSError:
	                    pass
	    return pid
	streamer = threading.Thread(target=stream)
	streamer.start()
	try:
	    for round in range(ROUNDS):
	        pids = [walker() for _ in range(TASKS)]
	        time.sleep(rnd.uniform(0.05, 0.3))
	        for pid in pids:
	            os.kill(pid, signal.SIGKILL)
	        for pid in pids:
	            os.waitpid(pid, 0)
	        assert not failed, \
	            f"round {round}: the streaming write failed: {failed[0]!r}"
	        try:
	            os.pread(held, 7, 0)
	        except OSError as e:
	            raise AssertionError(f"round {round}: a file held open: {e!r}")
	finally:
	    stop.set()
	    streamer.join()
	print(f"{ROUNDS * TASKS} tasks killed mid-call: "
	      "the stream and an open file carry on")
	PY
	rm $R/big
fi
barrier killed 120

log "4. node 2 dies while node 1 uses it"
if [ "$NODE" = 2 ]; then
	python3 - $L/l "$S" <<-'PY' &
	import fcntl, os, sys, time
	fd = os.open(sys.argv[1], os.O_RDWR)
	fcntl.lockf(fd, fcntl.LOCK_EX, 100, 100)
	open(sys.argv[2] + "/held", "w").close()
	time.sleep(600)
	PY
	wait_for "[ -e $S/users ]" 120
	fsfreeze -f $L/e
	: >$S/frozen-again
	wait_for "[ -e $S/writing ]" 30
	log "node 2 dies"
	: >$S/dying
	halt_node
fi
wait_for "[ -e $S/held ]" 30
python3 - $R "$S" <<-'PY' &
import errno, fcntl, mmap, os, signal, sys, threading, time
R, S = sys.argv[1], sys.argv[2]
mark = lambda name: open(f"{S}/{name}", "w").close()
seen = lambda name: os.path.exists(f"{S}/{name}")
def until(name, limit):
    end = time.monotonic() + limit
    while not seen(name):
        assert time.monotonic() < end, f"no {name} after {limit} s"
        time.sleep(0.05)
def outcome(call):
    try:
        call()
        return "done"
    except OSError as e:
        return errno.errorcode[e.errno]

os.chdir(R + "/d")
fd = os.open(R + "/f", os.O_RDONLY)
mfd = os.open(R + "/m", os.O_RDONLY)
m = mmap.mmap(mfd, 8 << 20, prot=mmap.PROT_READ)
m.madvise(mmap.MADV_RANDOM)
page0 = m[0:4096]
lfd = os.open(R + "/l", os.O_RDWR)
fcntl.lockf(lfd, fcntl.LOCK_EX | fcntl.LOCK_NB, 10, 0)
wfd = os.open(R + "/e/w", os.O_WRONLY)
done = {}
def run(name, call):
    done[name] = outcome(call)
    done[name + " at"] = time.monotonic()
waiter = threading.Thread(target=run, args=(
    "F_SETLKW", lambda: fcntl.lockf(lfd, fcntl.LOCK_EX, 100, 100)))
waiter.start()
time.sleep(1)
assert not done, f"F_SETLKW of node 2's locked range returned: {done}"
mark("users")
until("frozen-again", 60)
writer = threading.Thread(target=run, args=(
    "write", lambda: os.pwrite(wfd, b"z" * 4096, 8192)))
writer.start()
time.sleep(1)
assert "write" not in done, f"a write to the frozen ext4 returned: {done}"
mark("writing")
until("dying", 30)
dead = time.monotonic()
for t in (waiter, writer):
    t.join(15)
    assert not t.is_alive(), f"a task still waits 15 s after node 2 died: {done}"
for name, allowed in (("F_SETLKW", ("EHOSTDOWN", "EIO")),
                      ("write", ("EHOSTDOWN", "ETIMEDOUT"))):
    took = done[name + " at"] - dead
    assert done[name] in allowed and took < 10, \
        f"{name} after node 2 died: {done[name]} after {took:.1f} s"
    print(f"{name} after node 2 died: {done[name]} after {took:.1f} s")
start = time.monotonic()
got = outcome(lambda: os.stat(R))
assert got == "EHOSTDOWN", f"stat of {R}: {got}"
assert time.monotonic() - start < 2, "a new request waited for the dead node"
got = outcome(lambda: os.stat("x"))
assert got in ("ESTALE", "EHOSTDOWN"), f"stat relative to a cwd there: {got}"
got = outcome(lambda: os.pread(fd, 10, 0))
assert got in ("ESTALE", "EHOSTDOWN"), f"read of a file open there: {got}"
assert m[0:4096] == page0, "a page read before the death changed"
pid = os.fork()
if pid == 0:
    m[6 << 20]		# never read: SIGBUS
    os._exit(0)
_, status = os.waitpid(pid, 0)
assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGBUS, \
    f"a page never read: wait status {status:#x}, not SIGBUS"
mark("checked")
until("release", 60)
PY
users=$!
wait_for "[ -e $S/checked ]" 120
expect_fail 32 "target is busy" umount /mfs
: >$S/release
wait $users || fail "node 1's users of node 2 saw the wrong thing"
umount /mfs
rmmod omfs_inject omfs
rmmod omcore
