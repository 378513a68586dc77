#!/usr/bin/env bash
# Concurrent writers and readers of the map: every load is applied whole,
# every read sees one of the loaded maps, and the last map standing is one
# of them. Also the largest map the interface allows, read back in full.
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

modprobe omcore
dir=/tmp/maps
mkdir -p "$dir"
writers=8
for i in $(seq "$writers"); do
	write_map "$dir/$i.map" $((i * 37)) $(((i % 3) + 1))
	omctl map load "$dir/$i.map" >/dev/null
	omctl map show --json >"$dir/$i.want"
done
omctl map clear >/dev/null
start=$(generation)

log "$writers writers and 4 readers at once"
for round in 1 2 3; do
	for i in $(seq "$writers"); do omctl map load "$dir/$i.map" >/dev/null & done
	for r in 1 2 3 4; do
		(for k in 1 2 3 4 5; do omctl map show --json >"$dir/read.$round.$r.$k"; done) &
	done
	wait
done
expect_eq "generation after $((3 * writers)) loads" $((start + 3 * writers)) "$(generation)"

python3 - "$dir" "$writers" <<'PY' || fail "a reader or the final map saw a map nobody loaded"
import glob, json, sys
d, writers = sys.argv[1], int(sys.argv[2])
strip = lambda j: {"self": j["self"], "nodes": j["nodes"]}
loaded = [strip(json.load(open(f"{d}/{i}.want"))) for i in range(1, writers + 1)]
loaded.append({"self": None, "nodes": []})
for f in glob.glob(f"{d}/read.*"):
    if strip(json.load(open(f))) not in loaded:
        sys.exit(f"{f} is not one of the loaded maps")
PY
json_get "$(omctl map show --json)" '{"self": j["self"], "nodes": j["nodes"]}' >"$dir/final"
found=
for i in $(seq "$writers"); do
	if python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit({"self": a["self"], "nodes": a["nodes"]} != b)' \
		"$dir/$i.want" "$dir/final"; then found=$i; fi
done
[ -n "$found" ] || fail "the final map is none of the loaded ones"

log "the largest maps: 4096 nodes, 8192 addresses, IPv4 and IPv6"
write_map /tmp/max.map 4096 2
write_map /tmp/max6.map 4096 2 inet6
for family in "" 6; do
	omctl map load "/tmp/max$family.map" >/dev/null
	json=$(omctl map show --json)
	expect_eq "nodes read back" 4096 "$(json_get "$json" 'len(j["nodes"])')"
	expect_eq "addresses read back" 8192 "$(json_get "$json" 'sum(len(n["addresses"]) for n in j["nodes"])')"
done
expect_eq "last node" '{"id": 4096, "addresses": ["fd00::1fff", "fd00::2000"]}' "$(json_get "$json" 'j["nodes"][-1]')"
rmmod omcore
