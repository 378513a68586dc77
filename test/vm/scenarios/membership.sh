#!/usr/bin/env bash
# Cluster membership end to end, with omd on every node: all nodes up and
# the same view everywhere (omctl nodes); whois, isup, status; a quiet
# node; garbage at omd's port refused with the links intact; a node killed
# is down on the others within 5 s of its last word, and up again once it
# has booted and its omd is back.
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

# view EXPR: EXPR of `omctl nodes --json`'s node list, as `ns`.
view() {
	json_get "$(omctl nodes --json)" "(lambda ns: $1)(j['nodes'])"
}

# all_up: every node of the map is up and has reported its load.
all_up() {
	[ "$(view "all(n['state'] == 'up' and n['load'] is not None for n in ns) and len(ns)")" = "$NODES" ]
}

# state_of ID: "up" or "down", as this node sees node ID.
state_of() {
	view "[n['state'] for n in ns if n['id'] == $1][0]"
}

modprobe omcore
if [ "$OMVM_BOOT" = 1 ] && [ "$NODE" = 1 ]; then
	omctl keygen "$OMVM_SHARED/cluster.key"
fi
[ "$OMVM_BOOT" != 1 ] || barrier keyed
install -m 600 "$OMVM_SHARED/cluster.key" /tmp/cluster.key
write_cluster_map

if [ "$OMVM_BOOT" = 2 ]; then
	# Not before the others have seen this node down: it boots fast.
	barrier seen-down 120
	log "node$NODE is back: its links and the view come back by themselves"
	start_omd /tmp/cluster.key
	wait_for all_up 60
	barrier back 120
	barrier done
	stop_omd
	exit 0
fi
start_omd /tmp/cluster.key

log "every node up, with its load, on every node"
wait_for all_up 40
barrier all-up
omctl nodes
omctl nodes --json >"$OMVM_SHARED/view.$NODE"
barrier viewed
if [ "$NODE" = 1 ]; then
	# What does not change from one second to the next must be the same
	# on every node: who is there, where, how big and how fast.
	for n in $(seq "$NODES"); do
		json_get "$(cat "$OMVM_SHARED/view.$n")" \
			'[[n[k] for k in ("id", "address", "state", "cpus", "speed", "mem_total")] for n in j["nodes"]]' \
			>"/tmp/stable.$n"
		cmp -s /tmp/stable.1 "/tmp/stable.$n" ||
			fail "node$n's view differs: $(cat "/tmp/stable.$n") against node1's $(cat /tmp/stable.1)"
	done
	expect_eq "the view's addresses" '["10.99.0.1", "10.99.0.2", "10.99.0.3"]' \
		"$(view '[n["address"] for n in ns]')"
fi

log "whois, isup, status"
for n in $(seq "$NODES"); do
	omctl isup "$n" >/dev/null || fail "omctl isup $n says node$n is not up"
done
omctl whois 2 | grep -qF 10.99.0.2 || fail "omctl whois 2: $(omctl whois 2)"
omctl whois 10.99.0.3 | grep -qw 3 || fail "omctl whois 10.99.0.3: $(omctl whois 10.99.0.3)"
expect_fail 1 "" omctl whois 10.99.0.9
status=$(omctl status --json)
expect_eq "peers up in omctl status" $((NODES - 1)) "$(json_get "$status" 'j["peers_up"]')"
expect_eq "the daemon in omctl status" "$omd_pid" "$(json_get "$status" 'j["daemon"]["pid"]')"
barrier asked

log "node3 goes quiet, then not"
if [ "$NODE" = 3 ]; then
	omctl set quiet
	barrier quiet
	barrier seen-quiet
	omctl set noquiet
else
	barrier quiet
	wait_for "[ \"\$(view '[n[\"quiet\"] for n in ns if n[\"id\"] == 3][0]')\" = true ]" 5
	barrier seen-quiet
fi
barrier noquiet
[ "$NODE" = 3 ] || wait_for "[ \"\$(view '[n[\"quiet\"] for n in ns if n[\"id\"] == 3][0]')\" = false ]" 5

log "garbage at node3's omd, from node1 (which may dial it), costs nothing"
if [ "$NODE" = 1 ]; then
	nl garbage 10.99.0.3
fi
barrier garbage
if [ "$NODE" = 3 ]; then
	wait_for "grep -q 'handshake with node 1 at 10.99.0.1:[0-9]* failed' $OMVM_OUT/omd.log" 10
	sleep 2
	all_up || fail "a link did not survive the garbage: $(omctl nodes)"
fi
barrier garbage-checked

log "node3 is killed"
if [ "$NODE" = 3 ]; then
	barrier death
	reboot_node
fi
watch_link_down 3
barrier death
expect_down_within 3 5
expect_eq "node3's state" '"down"' "$(state_of 3)"
expect_fail 1 "" omctl isup 3
barrier seen-down

log "node3 boots again"
wait_for "omctl isup 3" 120
wait_for all_up 30
barrier back 120
barrier done
stop_omd
