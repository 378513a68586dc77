#!/usr/bin/env bash
# A serving node that dies and comes back (docs/design/omfs.md §9): node 1
# reads node 2's files and holds one open; node 2 crashes. Node 1's calls
# fail with EHOSTDOWN within 10 s, no task stays blocked; once node 2 is
# back and linked again, /mfs/2 works at once, new opens see node 2's
# files as they are now, while the file opened before stays stale (its
# server side is gone with the old session) and only closing it helps.
# Then /mfs unmounts and omfs unloads.
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

SRV=/tmp/srv

modprobe omfs
load_cluster_map
mount -t mfs mfs_mnt /mfs

if [ "$OMVM_BOOT" = 2 ]; then
	# Node 2, booted again with an empty /tmp: it serves a new file.
	mkdir -p $SRV
	echo "after the crash" >$SRV/f
	barrier seen-down 120
	nl link-connect 1 10.99.0.1
	barrier back 120
	barrier done 120
	umount /mfs
	rmmod omfs
	exit 0
fi

link_to_node1
if [ "$NODE" = 2 ]; then
	mkdir -p $SRV
	echo "before the crash" >$SRV/f
fi
barrier served
if [ "$NODE" = 1 ]; then
	expect_eq "f before node 2 dies" "before the crash" "$(cat /mfs/2$SRV/f)"
	exec 3</mfs/2$SRV/f
fi
barrier before-crash
if [ "$NODE" = 2 ]; then
	reboot_node
fi

log "node 2 crashed: calls fail within 10 s"
start=$SECONDS
wait_for "! stat /mfs/2$SRV/f 2>/dev/null" 10
expect_fail 1 "Host is down" stat /mfs/2$SRV/f
if dd bs=4k count=1 status=none <&3 >/dev/null 2>&1; then
	fail "a file of the dead node could still be read"
fi
log "failed after $((SECONDS - start)) s"
listen_links 1
barrier seen-down 120

log "node 2 is back: /mfs/2 works again"
wait "$listener" || fail "node 2 did not link again"
barrier back 120
wait_for "cat /mfs/2$SRV/f >/dev/null 2>&1" 10
expect_eq "f once node 2 is back" "after the crash" "$(cat /mfs/2$SRV/f)"
if dd bs=4k count=1 status=none <&3 >/dev/null 2>&1; then
	fail "a file opened before the crash could be read after it"
fi
exec 3<&-
barrier done 120
umount /mfs
rmmod omfs
