#!/usr/bin/env bash
# Scenario for bench/run: the round trip of an RPC over a kernel-owned peer
# link (OM_CMD_PING, 64 bytes) against ICMP echo (ping -s 56: 64 bytes on
# the wire) between the same two guests, in the same run. Node 1 measures.
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

ROUNDS=${OMT_ROUNDS:-200}
modprobe omcore
load_cluster_map

link_to_node1
if [ "$NODE" = 2 ]; then
	barrier measured 600
	exit 0
fi

# Median of ROUNDS samples in microseconds, after 20 to warm up.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ping -c 20 -i 0.01 -s 56 -q 10.99.0.2 >/dev/null
icmp=$(ping -c "$ROUNDS" -i 0.01 -s 56 10.99.0.2 |
	sed -n 's/.*time=\([0-9.]*\) ms/\1/p' | awk '{ printf "%d\n", $1 * 1000 }' | median)
python3 - "$OMNL" "$ROUNDS" >/tmp/rpc.us <<'PY'
import runpy, sys
omnl = runpy.run_path(sys.argv[1])
nl = omnl["Genl"]()
import struct
for i in range(20 + int(sys.argv[2])):
    reply = nl.request(omnl["OM_CMD_PING"], omnl["u32"](omnl["OM_A_NODE_ID"], 2) + omnl["u32"](omnl["OM_A_PING_SIZE"], 64))
    if i >= 20:
        print(struct.unpack("=Q", reply[0][omnl["OM_A_PING_RTT"]])[0] // 1000)
PY
rpc=$(median </tmp/rpc.us)
barrier measured
printf 'BENCH link-rtt: rpc %d us, icmp %d us, rpc/icmp %s (median of %d, 64 bytes)\n' \
	"$rpc" "$icmp" "$(awk -v a="$rpc" -v b="$icmp" 'BEGIN { printf "%.2f", a / b }')" "$ROUNDS"
