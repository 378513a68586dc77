#!/usr/bin/env bash
# Scenario for bench/run: bulk transfer over a kernel-owned peer link
# (OM_CMD_PING with OM_A_PING_BULK: 64 KiB one-way frames, then a round
# trip that proves them consumed) against iperf3 over TCP between the same
# two guests, in the same run. Node 1 sends; the best of three runs each.
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

MIB=${OMT_BULK_MIB:-64}
modprobe omcore
load_cluster_map

link_to_node1
if [ "$NODE" = 2 ]; then
	iperf3 --server --bind 10.99.0.2 --daemon --logfile /tmp/iperf3.log
	barrier iperf3-up
	barrier measured 600
	exit 0
fi
barrier iperf3-up

# MiB/s, the best of three.
best() { sort -n | tail -n1; }
for _ in 1 2 3; do
	ns=$(nl bulk 2 $((MIB << 20)))
	awk -v b="$((MIB << 20))" -v ns="$ns" 'BEGIN { printf "%.1f\n", b / 1048576 / (ns / 1e9) }'
done | best >/tmp/link.mibs
for _ in 1 2 3; do
	iperf3 --client 10.99.0.2 --bytes "${MIB}M" --json |
		python3 -c 'import json,sys; print("%.1f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 8 / 1048576))'
done | best >/tmp/iperf3.mibs
barrier measured
link=$(cat /tmp/link.mibs)
tcp=$(cat /tmp/iperf3.mibs)
printf 'BENCH link-bulk: link %s MiB/s, iperf3 %s MiB/s, link/iperf3 %s (%d MiB, best of 3)\n' \
	"$link" "$tcp" "$(awk -v a="$link" -v b="$tcp" 'BEGIN { printf "%.2f", a / b }')" "$MIB"
