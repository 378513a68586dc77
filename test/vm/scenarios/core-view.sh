#!/usr/bin/env bash
# The kernel's cluster view, driven the way omd drives it: load reports
# reach the peer over the link; a quiet node's stop; an administrator's
# speed replaces the measured one; a bulk transfer runs over the link; a
# node that dies is down on the other, with its last-seen time.
#
#   node1 ── 10.99.0.1 ◄── node2 (connects)
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

modprobe omcore
load_cluster_map
peer=$((3 - NODE))

# node_field ID EXPR: EXPR of node ID's entry in the view, as `n`.
node_field() {
	json_get "$(nl nodes)" "(lambda n: $2)(next(n for n in j if n['id'] == $1))"
}

log "before any link or report"
json_eq "status without a daemon" '{"peers_up": 0, "policy": 0}' "$(nl status)"
expect_eq "this node in the view" '[true, "up", null]' \
	"$(node_field "$NODE" '[n.get("self"), n["state"], n.get("load")]')"
expect_eq "the peer, never seen" '["down", null]' \
	"$(node_field "$peer" '[n["state"], n.get("last_seen")]')"

link_to_node1
wait_for "[ \"\$(node_field $peer 'n[\"state\"]')\" = '\"up\"' ]" 5
expect_eq "peers up" 1 "$(json_get "$(nl status)" 'j["peers_up"]')"

log "load reports cross the link"
# LOAD CPUS SPEED UTIL MEM_TOTAL MEM_FREE UPTIME INTERVAL_MS, distinct per node
nl report $((NODE * 1000 + 250)) "$NODE" $((NODE * 5000)) 400 $((NODE << 30)) $((NODE << 28)) 77 1000
status=$(nl status)
expect_eq "daemon pid reported" true "$(json_get "$status" '"daemon_pid" in j and j["interval_ms"] == 1000')"
peer_load="{\"load\": $((peer * 1000 + 250)), \"cpus\": $peer, \"speed\": $((peer * 5000)), \"util\": 400, \"mem_total\": $((peer << 30)), \"mem_free\": $((peer << 28)), \"uptime\": 77}"
wait_for "[ \"\$(node_field $peer 'n.get(\"load\")')\" != null ]" 5
json_eq "the peer's load" "$peer_load" "$(node_field "$peer" 'n["load"]')"
expect_eq "this node's own load" $((NODE * 1000 + 250)) "$(node_field "$NODE" 'n["load"]["load"]')"
barrier reported

log "a quiet node stops reporting"
if [ "$NODE" = 2 ]; then
	nl policy 1 1
	expect_eq "policy" 1 "$(json_get "$(nl status)" 'j["policy"]')"
	barrier quiet
	nl report 9999 2 10000 400 $((2 << 30)) $((2 << 28)) 78 1000
	barrier reported-quietly
	barrier checked-quiet
	nl policy 0 1 12345
	barrier noquiet
else
	barrier quiet
	wait_for "[ \"\$(node_field 2 'n[\"flags\"]')\" = 1 ]" 5
	barrier reported-quietly
	sleep 2
	expect_eq "load of a quiet node" 2250 "$(node_field 2 'n["load"]["load"]')"
	barrier checked-quiet
	barrier noquiet
	wait_for "[ \"\$(node_field 2 'n[\"load\"][\"speed\"]')\" = 12345 ]" 5
	expect_eq "the quiet node's flags once it is not" 0 "$(node_field 2 'n["flags"]')"
	expect_eq "the report it made while quiet" 9999 "$(node_field 2 'n["load"]["load"]')"
fi

log "bulk transfer over the link"
if [ "$NODE" = 1 ]; then
	ns=$(nl bulk 2 $((8 << 20))) || fail "8 MiB to node2"
	log "8 MiB to node2 in $((ns / 1000000)) ms"
fi
barrier bulk

log "node2 dies"
if [ "$NODE" = 1 ]; then
	watch_link_down 2
	barrier death
	expect_down_within 2 5
	expect_eq "a down node's state and load" '["down", null]' \
		"$(node_field 2 '[n["state"], n.get("load")]')"
	expect_eq "peers up" 0 "$(json_get "$(nl status)" 'j["peers_up"]')"
	rmmod omcore
else
	barrier death
	halt_node
fi
