#!/usr/bin/env bash
# The node map end to end: the seeds' example maps (and what goes beyond
# them) load through omctl and read back as the promised JSON; a bad map
# changes nothing; this node's id follows its addresses or is set.
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

modprobe omcore
status=$(omctl status --json)
expect_eq "generation of a fresh module" 0 "$(json_get "$status" 'j["map_generation"]')"
expect_eq "version" "\"$(cat VERSION)\"" "$(json_get "$status" 'j["version"]')"
expect_eq "node id without a map" null "$(json_get "$status" 'j["node_id"]')"

# The seeds' hostname example resolves node1..node4 at load time (the
# harness's own node1 entry would come first).
{
	echo "127.0.0.1 localhost"
	for n in 1 2 3 4; do echo "192.168.1.$n node$n"; done
} >/etc/hosts

for map in "$MAPS"/seed-*.map "$MAPS"/mixed.map; do
	log "loading $map"
	before=$(generation)
	omctl map load "$map" >/dev/null
	expect_eq "generation after loading $map" $((before + 1)) "$(generation)"
	expect_map "${map%.map}.json"
done
expect_eq "self source" '"address"' "$(json_get "$(omctl status --json)" 'j["self_source"]')"

log "a map with an error is refused whole"
before=$(generation)
printf '1 10.0.0.1 1\n2 10.0.0.1 1\n' >/tmp/bad.map
expect_fail 1 "/tmp/bad.map:2:3:" omctl map load /tmp/bad.map
expect_eq "generation after a refused map" "$before" "$(generation)"
expect_map "$MAPS/mixed.json"
expect_fail 2 "--help" omctl map load --no-such-option
expect_fail 1 "/nonexistent.map" omctl map load /nonexistent.map

log "this node's id: derived, ambiguous, explicit"
ip addr add 192.168.1.3/32 dev lo
omctl map load "$MAPS/seed-addresses.map" >/dev/null
expect_eq "self from 192.168.1.3" 3 "$(json_get "$(omctl status --json)" 'j["node_id"]')"
omctl map load "$MAPS/mixed.map" >/dev/null
ip addr add 192.168.7.12/32 dev lo
status=$(omctl status --json)
expect_eq "node id when two nodes look local" null "$(json_get "$status" 'j["node_id"]')"
expect_eq "self source" '"ambiguous"' "$(json_get "$status" 'j["self_source"]')"
ip addr del 192.168.7.12/32 dev lo
expect_eq "self after removing an address" 1 "$(json_get "$(omctl status --json)" 'j["node_id"]')"
omctl set node-id 12 >/dev/null
status=$(omctl status --json)
expect_eq "explicit node id" 12 "$(json_get "$status" 'j["node_id"]')"
expect_eq "self source" '"explicit"' "$(json_get "$status" 'j["self_source"]')"
expect_eq "map show self" 12 "$(json_get "$(omctl map show --json)" 'j["self"]')"
omctl set node-id auto >/dev/null
expect_eq "derived again" 1 "$(json_get "$(omctl status --json)" 'j["node_id"]')"

log "clear"
omctl map clear >/dev/null
json_eq "cleared map" "{\"generation\": $(generation), \"self\": null, \"nodes\": []}" \
	"$(omctl map show --json)"
omctl map show | grep -q . || fail "map show prints nothing for an empty map"
omctl status | grep -q . || fail "status prints nothing"
rmmod omcore
