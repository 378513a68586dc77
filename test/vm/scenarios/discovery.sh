#!/usr/bin/env bash
# Automatic discovery: omd --discover on every node, no map file. The
# nodes announce themselves by multicast on the test bridge, take their
# ids from their addresses (10.99.0.N/24 is node N), load the same map,
# link to each other, and every node is up on every node. A node that
# joins later is found the same way.
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

modprobe omcore
[ "$NODE" != 1 ] || omctl keygen "$OMVM_SHARED/cluster.key"
barrier keyed
install -m 600 "$OMVM_SHARED/cluster.key" /tmp/cluster.key

# The last node starts later: the others must take it in as it comes.
[ "$NODE" != "$NODES" ] || barrier found-early
"$OMD" --discover --key /tmp/cluster.key -v >>"$OMVM_OUT/omd.log" 2>&1 &
omd_pid=$!

# map_is N: the map holds nodes 1..N at 10.99.0.1..N.
map_is() {
	[ "$(json_get "$(omctl map show --json)" \
		"[[n['id'], n['addresses']] for n in j['nodes']] == [[i, [f'10.99.0.{i}']] for i in range(1, $1 + 1)]")" = true ]
}

# all_up N: N nodes in the view, all up.
all_up() {
	[ "$(json_get "$(omctl nodes --json)" \
		"[n['state'] for n in j['nodes']] == ['up'] * $1")" = true ]
}

if [ "$NODE" != "$NODES" ]; then
	log "the first $((NODES - 1)) nodes find each other"
	wait_for "map_is $((NODES - 1))" 30
	wait_for "all_up $((NODES - 1))" 30
	barrier found-early
fi

log "node$NODES joins"
wait_for "map_is $NODES" 30
wait_for "all_up $NODES" 30
expect_eq "this node's id" "$NODE" "$(json_get "$(omctl status --json)" 'j["node_id"]')"
omctl map show
barrier found

kill -TERM "$omd_pid"
wait "$omd_pid" || fail "omd did not exit cleanly on SIGTERM"
