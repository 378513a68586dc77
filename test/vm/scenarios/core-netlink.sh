#!/usr/bin/env bash
# omcore's netlink interface under hostile input: malformed requests are
# refused with their extended-ack text and change nothing; unprivileged
# callers may read but not write; changes are announced to listeners.
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

modprobe omcore
omctl map load "$MAPS/seed-alias.map" >/dev/null
python3 "$OMNL" cases || fail "a malformed request was not refused as expected"
expect_map "$MAPS/seed-alias.json"

log "unprivileged callers"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
for cmd in "map clear" "map load $MAPS/seed-range.map" "set node-id 3"; do
	# shellcheck disable=SC2086
	expect_fail 1 "permission denied" nobody "$OMCTL" $cmd
done
expect_fail 1 "EPERM" nobody python3 "$OMNL" ping 2 0
nobody "$OMCTL" status --json >/dev/null || fail "an unprivileged user cannot read the status"
nobody "$OMCTL" map show --json >/dev/null || fail "an unprivileged user cannot read the map"
expect_map "$MAPS/seed-alias.json"

log "map changes are announced"
before=$(generation)
events=$(python3 "$OMNL" events "$OMCTL" map load "$MAPS/seed-range.map")
json_eq "events of one map load" \
	"{\"rc\": 0, \"events\": [{\"generation\": $((before + 1)), \"nodes\": 4}]}" "$events"
rmmod omcore
