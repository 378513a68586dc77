#!/usr/bin/env bash
# omd makes the peer links: every node dials the nodes with higher ids and
# hands each authenticated socket to omcore. A node with another cluster
# key is refused without disturbing the good links; omcore reloaded under
# a running omd gets its links back.
#
#   node1 ──► node2 ──► node3      (the lower id dials)
#     └─────────────────►┘
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

# has_links ID...: the kernel has a link to each of these nodes. (One
# python per check: under TCG each start costs most of a second.)
has_links() {
	local links id
	links=$(nl links) || return 1
	for id; do
		grep -Eq "\"node\": $id[,}]" <<<"$links" || return 1
	done
}

others() { seq "$NODES" | grep -vx "$NODE" | tr '\n' ' '; }

modprobe omcore
[ "$NODE" != 1 ] || omctl keygen "$OMVM_SHARED/cluster.key"
barrier keyed
install -m 600 "$OMVM_SHARED/cluster.key" /tmp/cluster.key
printf '1\t10.99.0.1\t%s\n' "$NODES" >/tmp/cluster.map
start_omd /tmp/cluster.key

log "every node links to every other"
wait_for "has_links $(others)" 20
barrier linked

log "node3 comes back with another key"
if [ "$NODE" = 3 ]; then
	stop_omd
	rmmod omcore
	modprobe omcore
	omctl keygen /tmp/wrong.key
	start_omd /tmp/wrong.key
	# node1 and node2 redial with backoff: 1, 2, 4, 8 s.
	wait_for "grep -q 'handshake with node 1 .*failed' $OMVM_OUT/omd.log" 40
	wait_for "grep -q 'handshake with node 2 .*failed' $OMVM_OUT/omd.log" 40
else
	wait_for "! has_links 3" 10
	wait_for "grep -q 'handshake with node 3 .*the peer refused the link' $OMVM_OUT/omd.log" 40
	end=$((SECONDS + 8))
	while [ "$SECONDS" -lt "$end" ]; do
		! has_links 3 || fail "the link to node3, which has another key, came back"
		sleep 0.5
	done
	has_links $((3 - NODE)) || fail "the link between node1 and node2 did not survive"
fi
barrier refused

log "omcore reloaded under node2's omd"
if [ "$NODE" = 2 ]; then
	rmmod omcore && modprobe omcore
	barrier reloaded
	wait_for "has_links 1" 15
	grep -q 'omcore is back' "$OMVM_OUT/omd.log" || fail "omd did not say it found omcore again"
elif [ "$NODE" = 1 ]; then
	barrier reloaded
	wait_for "has_links 2" 15
else
	barrier reloaded
fi
barrier relinked

stop_omd
rmmod omcore
