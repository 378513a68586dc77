#!/usr/bin/env bash
# Peer links owned by the kernel: sockets handed over through netlink carry
# RPC round trips; fds that are no link are refused with a reason; a peer
# that sends garbage loses its link while the others stay up; a peer that
# dies is marked down within 5 s.
#
#   node1 ── 10.99.0.1 ◄── node2 (connects)
#                      ◄── node3 (connects; later sends garbage)
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

modprobe omcore
load_cluster_map

# watch_down ARGS...: wait for a link to go down (omnl.py wait-down ARGS)
# in the background, once subscribed; watched: sets $down to what it saw
# (not in a subshell: only this shell can wait for the watcher).
watch_down() {
	nl wait-down "$@" >/tmp/watch.out &
	watcher=$!
	wait_for "grep -q waiting /tmp/watch.out" 10
}
watched() {
	wait "$watcher" || fail "no link went down as expected: $(cat /tmp/watch.out)"
	down=$(tail -n1 /tmp/watch.out)
}

link_to_node1

log "links and round trips"
if [ "$NODE" = 1 ]; then peers="2 3"; else peers=1; fi
for p in $peers; do
	wait_for "nl links | grep -q '\"node\": $p'" 5
	for size in 0 1000 65536; do
		rtt=$(nl ping "$p" "$size") || fail "ping node$p with $size bytes"
		log "node$p, $size bytes: $((rtt / 1000)) us"
	done
done
expect_fail 1 "no link to that node" nl ping 9 0
barrier pinged

if [ "$NODE" = 2 ]; then
	nl link-fd-cases || fail "an fd that is no link was not refused as expected"
fi

log "garbage from node3 costs node3 its link, and only that"
if [ "$NODE" = 1 ]; then
	listen_links 1
	watch_down 3 20 EPROTO
fi
barrier garbage-listening
if [ "$NODE" = 1 ]; then
	watched
	json_eq "node3's link after garbage" '{"reason": "EPROTO", "seconds": 0.0}' \
		"$(json_get "$down" '{"reason": j["reason"], "seconds": 0.0}')"
	wait "$listener"
	nl links | grep -q '"node": 2' || fail "the link to node2 did not survive node3's garbage"
	nl ping 2 100 >/dev/null || fail "node2 does not answer after node3's garbage"
elif [ "$NODE" = 3 ]; then
	nl garbage 10.99.0.1
fi
barrier garbage-done

log "node3 unloads omcore with a live link"
[ "$NODE" != 1 ] || listen_links 1
barrier relink-listening
if [ "$NODE" = 3 ]; then
	nl link-connect 1 10.99.0.1
	wait_for "nl links | grep -q '\"node\": 1'" 5
	barrier unload
	rmmod omcore
elif [ "$NODE" = 1 ]; then
	wait "$listener"
	watch_down 3 10
	barrier unload
	watched
	log "node3 unloaded: $down"
	[ "$(json_get "$down" 'j["reason"]')" != null ] || fail "node3's unload went unnoticed"
else
	barrier unload
fi

log "node2 dies"
if [ "$NODE" = 1 ]; then
	watch_down 2 10 ETIMEDOUT
	barrier death
	watched
	log "node2 down: $down"
	expect_eq "reason" '"ETIMEDOUT"' "$(json_get "$down" 'j["reason"]')"
	python3 -c 'import json,sys; sys.exit(json.loads(sys.argv[1])["seconds"] > 5)' "$down" ||
		fail "node2 was marked down after more than 5 s: $down"
	rmmod omcore
elif [ "$NODE" = 2 ]; then
	barrier death
	halt_node
else
	barrier death
fi
