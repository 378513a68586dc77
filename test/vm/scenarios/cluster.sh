#!/usr/bin/env bash
# A cluster of test/vm/run's bridge: every node loads omcore and the same
# map, and finds its own id from its address. The README's demo runs this
# with --shell.
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

modprobe omcore
printf '# node N of the test bridge is 10.99.0.N\n1\t10.99.0.1\t%s\n' "$NODES" >/tmp/cluster.map
omctl map load /tmp/cluster.map
expect_eq "this node's id" "$NODE" "$(json_get "$(omctl status --json)" 'j["node_id"]')"
barrier map-loaded
for n in $(seq "$NODES"); do
	[ "$n" = "$NODE" ] || ping -c1 -W2 "10.99.0.$n" >/dev/null || fail "node$n does not answer"
done
barrier pinged	# no node powers off while another still pings it
omctl status
omctl map show
