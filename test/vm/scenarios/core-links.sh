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
printf '1\t10.99.0.1\t%s\n' "$NODES" >/tmp/cluster.map
omctl map load /tmp/cluster.map >/dev/null
nl() { python3 "$OMNL" "$@"; }

# listen N: accept N links in the background, once it listens.
listen() {
	nl link-listen "$1" >/tmp/listen.out &
	listener=$!
	wait_for "grep -q listening /tmp/listen.out" 10
}

[ "$NODE" != 1 ] || listen 2
barrier listening
[ "$NODE" = 1 ] || nl link-connect 1 10.99.0.1
[ "$NODE" != 1 ] || wait "$listener" || fail "the listener failed"
barrier linked

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
[ "$NODE" != 1 ] || listen 1
barrier garbage-listening
if [ "$NODE" = 1 ]; then
	down=$(nl wait-down 3 10 EPROTO | tail -n1)
	json_eq "node3's link after garbage" '{"reason": "EPROTO", "seconds": 0.0}' \
		"$(json_get "$down" '{**j, "seconds": 0.0}')"
	wait "$listener"
	nl links | grep -q '"node": 2' || fail "the link to node2 did not survive node3's garbage"
	nl ping 2 100 >/dev/null || fail "node2 does not answer after node3's garbage"
elif [ "$NODE" = 3 ]; then
	sleep 1
	nl garbage 10.99.0.1
fi
barrier garbage-done

log "node2 dies"
if [ "$NODE" = 1 ]; then
	coproc WAIT { nl wait-down 2 10 ETIMEDOUT; }
	read -r _ <&"${WAIT[0]}"	# subscribed
	barrier death
	read -r down <&"${WAIT[0]}"
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
