#!/usr/bin/env bash
# A cluster of test/vm/run's bridge: every node loads omcore and the same
# map, finds its own id from its address, and runs omd, which links the
# nodes and reports their load; every node ends up seeing all of them up.
# The README's demo runs this with --shell, and omd keeps running there.
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

modprobe omcore
load_cluster_map
expect_eq "this node's id" "$NODE" "$(json_get "$(omctl status --json)" 'j["node_id"]')"
[ "$NODE" != 1 ] || omctl keygen "$OMVM_SHARED/cluster.key" >/dev/null
barrier map-loaded
for n in $(seq "$NODES"); do
	[ "$n" = "$NODE" ] || ping -c1 -W2 "10.99.0.$n" >/dev/null || fail "node$n does not answer"
done

install -m 600 "$OMVM_SHARED/cluster.key" /tmp/cluster.key
setsid "$OMD" --map /tmp/cluster.map --key /tmp/cluster.key \
	>"$OMVM_OUT/omd.log" 2>&1 </dev/null &
wait_for "[ \"\$(json_get \"\$(omctl nodes --json)\" \"[n['state'] for n in j['nodes']] == ['up'] * $NODES\")\" = true ]" 30
barrier linked	# no node powers off while another still waits for it
omctl status
omctl nodes
