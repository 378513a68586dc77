#!/usr/bin/env bash
# The /mfs namespace (docs/design/omfs.md §4.2, §4.3) on every node of a
# 3-node map, no omd: one directory per node of the map, following the map
# as it grows and shrinks and this node's id as it changes; here, home,
# magic and lastexec name this node; selected is home until a process
# selects a node, which its children inherit and exec keeps (omctl select,
# the ioctls); node ids are parsed strictly.
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

# listing: /mfs's names in one line, sorted.
# shellcheck disable=SC2012 # ls is what is tested; the names are plain
listing() { ls /mfs | LC_ALL=C sort | xargs; }
# ident PATH: the device and inode number PATH resolves to.
ident() { stat -L -c '%d %i' "$1"; }
# expect_remote ID: /mfs/ID is another node's directory. This scenario links
# no node to another, so it is one that cannot be reached: listed with the
# attributes of a directory that cannot be read, and refusing to be read
# (omfs-remote reads other nodes' files).
expect_remote() {
	expect_eq "mode of /mfs/$1" "dr-xr-xr-x 0 0 directory" "$(stat -c '%A %u %g %F' "/mfs/$1")"
	expect_fail 2 "Host is down" ls "/mfs/$1"
	expect_fail 1 "Host is down" stat "/mfs/$1/etc"
}
# expect_local ID: /mfs/ID is this node's "/".
expect_local() {
	expect_eq "identity of /mfs/$1" "$(ident /)" "$(ident "/mfs/$1")"
	expect_eq "ls -A /mfs/$1" "$(ls -A /)" "$(ls -A "/mfs/$1")"
}
# expect_absent ID: /mfs/ID is not there.
expect_absent() {
	expect_fail 1 "No such file or directory" stat "/mfs/$1"
	expect_fail 1 "No such file or directory" stat "/mfs/$1/etc"
}
# map_of LINE...: load a map made of LINEs (with the ids' test addresses).
map_of() {
	printf '%s\n' "$@" >/tmp/ns.map
	omctl map load /tmp/ns.map >/dev/null
}

modprobe omfs
load_cluster_map
expect_eq "this node's id" "$NODE" "$(json_get "$(omctl status --json)" 'j["node_id"]')"
mount -t mfs mfs_mnt /mfs

log "the root: node directories and the five links"
expect_eq "ls /mfs" "1 2 3 here home lastexec magic selected" "$(listing)"
expect_eq "types in /mfs" "1 d|2 d|3 d|here l|home l|lastexec l|magic l|selected l" \
	"$(find /mfs -mindepth 1 -maxdepth 1 -printf '%f %y\n' | LC_ALL=C sort | paste -sd'|')"
ls -l /mfs >/dev/null || fail "ls -l /mfs failed"
for link in here home magic lastexec; do
	expect_eq "readlink /mfs/$link" "$NODE" "$(readlink -v /mfs/$link)"
	expect_eq "identity of /mfs/$link/" "$(ident /)" "$(ident /mfs/$link/)"
done
expect_eq "readlink /mfs/selected while none is selected" home "$(readlink -v /mfs/selected)"
expect_eq "readlink -f /mfs/selected" "/mfs/$NODE" "$(readlink -f /mfs/selected)"
expect_eq "identity of /mfs/selected/" "$(ident /)" "$(ident /mfs/selected/)"

log "this node's directory is its /, the others' are not readable yet"
for n in 1 2 3; do
	if [ "$n" = "$NODE" ]; then expect_local "$n"; else expect_remote "$n"; fi
done

log "node ids are parsed strictly"
for name in 4 0 01 001 +1 -1 " 1" 1x 0x1 65536 99999 123456 ""; do
	[ -n "$name" ] || continue
	expect_absent "$name"
done
expect_fail 1 "No such file or directory" stat /mfs/nothere

log "the map grows: directories appear"
map_of "1 10.99.0.1 4" "65535 10.0.0.9 1"
expect_eq "ls /mfs with nodes 1-4 and 65535" "1 2 3 4 65535 here home lastexec magic selected" "$(listing)"
expect_remote 4
expect_remote 65535
expect_local "$NODE"
expect_absent 65536

log "the map shrinks: directories go"
map_of "1 10.99.0.1 2"
expect_absent 4
expect_absent 3
if [ "$NODE" = 3 ]; then
	# Not in the map: no local directory, and no node for the links.
	expect_eq "ls /mfs on a node not in the map" "1 2 here home lastexec magic selected" "$(listing)"
	expect_remote 1
	expect_remote 2
	for link in here home magic lastexec selected; do
		expect_fail 1 "No such file or directory" readlink -v /mfs/$link
	done
else
	expect_eq "ls /mfs without node 3" "1 2 here home lastexec magic selected" "$(listing)"
	expect_local "$NODE"
fi

log "a map with a gap"
map_of "1 10.99.0.1 1" "3 10.99.0.3 1"
expect_eq "ls /mfs with nodes 1 and 3" "1 3 here home lastexec magic selected" "$(listing)"
expect_absent 2
if [ "$NODE" = 2 ]; then
	expect_fail 1 "No such file or directory" readlink -v /mfs/here
else
	expect_local "$NODE"
fi

load_cluster_map
expect_eq "ls /mfs after reloading the cluster map" "1 2 3 here home lastexec magic selected" "$(listing)"
expect_local "$NODE"
expect_eq "readlink /mfs/here" "$NODE" "$(readlink -v /mfs/here)"

if [ "$NODE" = 1 ]; then
	log "this node's id changes: its directory moves"
	omctl set node-id 2 >/dev/null
	expect_eq "readlink /mfs/here as node 2" 2 "$(readlink -v /mfs/here)"
	expect_local 2
	expect_remote 1
	omctl set node-id auto >/dev/null
	expect_eq "readlink /mfs/here as node 1 again" 1 "$(readlink -v /mfs/here)"
	expect_local 1
	expect_remote 2
fi

log "omctl select: the process, its children and exec"
expect_eq "omctl select without a selection" "none (selected is home)" "$(omctl select)"
expect_eq "omctl select --json without a selection" '{"selected":null}' "$(omctl select --json | tr -d ' ')"
got=$(omctl select 2 -- sh -c 'readlink /mfs/selected; sh -c "readlink /mfs/selected"; (readlink /mfs/selected)')
expect_eq "selected in the command, a child and a subshell" "2 2 2" "$(xargs <<<"$got")"
expect_eq "readlink /mfs/selected of the parent afterwards" home "$(readlink -v /mfs/selected)"
expect_eq "selected after exec" 2 "$(omctl select 2 -- sh -c 'exec readlink /mfs/selected')"
expect_eq "selected after exec of exec" 3 "$(omctl select 3 -- sh -c 'exec sh -c "exec readlink /mfs/selected"')"
# (omctl is a shell function; the commands omctl runs need its path)
expect_eq "omctl select in a selected process" 2 "$(omctl select 2 -- "$OMCTL" select)"
expect_eq "omctl select --json in a selected process" '{"selected":3}' \
	"$(omctl select 3 -- "$OMCTL" select --json | tr -d ' ')"
expect_eq "selecting none inside a selection" home \
	"$(omctl select 2 -- "$OMCTL" select home -- readlink /mfs/selected)"
expect_eq "selecting another inside a selection" "3 2" \
	"$(omctl select 2 -- sh -c "$OMCTL"' select 3 -- readlink /mfs/selected; readlink /mfs/selected' | xargs)"
expect_eq "readlink -f /mfs/selected with 3 selected" /mfs/3 "$(omctl select 3 -- readlink -f /mfs/selected)"
expect_eq "identity of /mfs/selected/ with this node selected" "$(ident /)" \
	"$(omctl select "$NODE" -- stat -L -c '%d %i' /mfs/selected/)"
other=$((NODE % 3 + 1))
expect_fail 2 "Host is down" omctl select "$other" -- ls /mfs/selected/
expect_fail 1 "node 9 is not in the map" omctl select 9 -- true
expect_fail 2 "no node id" omctl select 65536 -- true
expect_fail 127 "" omctl select 2 -- /nonexistent/command
expect_eq "readlink /mfs/selected after all that" home "$(readlink -v /mfs/selected)"

log "the ioctls: errors, inheritance, one process"
python3 - "$NODE" <<'PY'
import errno, fcntl, os, struct, sys

SET, GET = 0x4004BE01, 0x8004BE02	# _IOW/_IOR(0xBE, 1/2, __u32)
node = int(sys.argv[1])


def get(fd):
    return struct.unpack("=I", fcntl.ioctl(fd, GET, bytes(4)))[0]


def put(fd, value):
    fcntl.ioctl(fd, SET, struct.pack("=I", value))


def expect(what, want, got):
    if want != got:
        sys.exit(f"{what}: expected {want!r}, got {got!r}")


def expect_errno(what, want, fn, *args):
    try:
        fn(*args)
    except OSError as e:
        expect(what, errno.errorcode[want], errno.errorcode[e.errno])
    else:
        sys.exit(f"{what}: expected {errno.errorcode[want]}, it worked")


root = os.open("/mfs", os.O_RDONLY | os.O_DIRECTORY)
expect("GET_SELECTED with none", 0, get(root))
expect_errno("SET_SELECTED 9 (not in the map)", errno.ENOENT, put, root, 9)
expect_errno("SET_SELECTED 65536", errno.ERANGE, put, root, 65536)
expect_errno("SET_SELECTED 2^32-1", errno.ERANGE, put, root, 2**32 - 1)
expect_errno("an unknown ioctl", errno.ENOTTY, fcntl.ioctl, root, 0x8004BE7F, bytes(4))
expect("GET_SELECTED after refusals", 0, get(root))
expect("selected after refusals", "home", os.readlink("/mfs/selected"))

# Any file of the mount takes the ioctls: this node's directory too.
mine = os.open(f"/mfs/{node}", os.O_RDONLY | os.O_DIRECTORY)
put(mine, 2)
expect("GET_SELECTED on the root after SET on /mfs/<self>", 2, get(root))
expect("GET_SELECTED on /mfs/<self>", 2, get(mine))
expect("selected after SET 2", "2", os.readlink("/mfs/selected"))

# A child inherits the value at fork and keeps it when the parent changes.
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.read(r, 1)
    ok = os.readlink("/mfs/selected") == "2" and get(root) == 2
    put(root, 1)	# the child's own; the parent's stays 3
    os._exit(0 if ok and os.readlink("/mfs/selected") == "1" else 1)
put(root, 3)
os.write(w, b"x")
expect("the child's exit status (it kept 2, then set 1)", 0, os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
expect("the parent's selected after the child's", "3", os.readlink("/mfs/selected"))
put(root, 0)
expect("selected after SET 0", "home", os.readlink("/mfs/selected"))
expect("GET_SELECTED after SET 0", 0, get(root))
PY

umount /mfs
rmmod omfs
rmmod omcore
log "done"
