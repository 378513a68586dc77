#!/usr/bin/env bash
# omcore comes and goes cleanly: ten load/unload cycles with a map in
# between, autoload by the netlink family name, and a dump in flight that
# holds the module and sees one unchanging map while the map is replaced.
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

loaded() { [ -d /sys/module/omcore ]; }

for i in $(seq 10); do
	modprobe omcore
	expect_eq "generation after reload $i" 0 "$(generation)"
	omctl map load "$MAPS/seed-alias.map" >/dev/null
	expect_map "$MAPS/seed-alias.json"
	expect_eq "refcount while idle" 0 "$(cat /sys/module/omcore/refcnt)"
	rmmod omcore
	! loaded || fail "omcore still loaded after rmmod (cycle $i)"
done

log "autoload: resolving the family loads the module"
omctl status >/dev/null
loaded || fail "omctl status did not autoload omcore"

log "a dump in flight holds the module and its snapshot"
write_map /tmp/big.map 4096 2
omctl map load /tmp/big.map >/dev/null
big=$(generation)
coproc DUMP { python3 "$OMNL" hold-dump; }
read -r first <&"${DUMP[0]}"
log "first chunk: $first"
if rmmod omcore 2>/dev/null; then fail "rmmod succeeded during a dump"; fi
omctl map load "$MAPS/seed-range.map" >/dev/null
echo go >&"${DUMP[1]}"
read -r summary <&"${DUMP[0]}"
wait "$DUMP_PID" || fail "hold-dump failed"
json_eq "dump across a map change" \
	"{\"nodes\": 4096, \"sorted\": true, \"generations\": [$big]}" "$summary"
expect_map "$MAPS/seed-range.json"
rmmod omcore
! loaded || fail "omcore still loaded after the dump ended"
