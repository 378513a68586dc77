# Helpers for VM test scenarios. Source it from a scenario:
#   . "$OMVM_LIB"        (or . test/vm/lib.sh: the cwd is the repository)
# The harness sets NODE (1..NODES), NODES, KVER, OMVM_BOOT (which boot of
# this node runs the scenario: 1, or more after reboot_node) and
# OMVM_SHARED, a directory every node of the run can read and write.
# shellcheck shell=bash

OMVM_BARRIER_TIMEOUT=${OMVM_BARRIER_TIMEOUT:-60}

# log MSG...: a timestamped line on the scenario's output, also put in the
# kernel log (at info level: in dmesg, not on the console) between the
# kernel's own messages.
log() {
	printf '[node%s %s] %s\n' "${NODE:-?}" "$(cut -d' ' -f1 /proc/uptime)" "$*"
	printf '<6>omvm: %s\n' "$*" >/dev/kmsg 2>/dev/null || true
}

# fail MSG...: report and end the scenario with status 1.
fail() {
	log "FAIL: $*" >&2
	exit 1
}

# expect_eq WHAT EXPECTED ACTUAL: fail unless equal.
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# wait_for CMD TIMEOUT: run CMD (a string, eval'ed) every 0.2 s until it
# succeeds; fail after TIMEOUT seconds.
wait_for() {
	local end=$((SECONDS + $2))
	until eval "$1" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || fail "timed out after $2 s waiting for: $1"
		sleep 0.2
	done
}

# barrier NAME [TIMEOUT]: wait until every node has reached barrier NAME.
# Each name may be used once per run.
barrier() {
	local name=$1 timeout=${2:-$OMVM_BARRIER_TIMEOUT} end n missing
	[ -d "${OMVM_SHARED:-}" ] || fail "barrier $name: no shared directory"
	: >"$OMVM_SHARED/barrier.$name.$NODE"
	end=$((SECONDS + timeout))
	while :; do
		missing=
		for ((n = 1; n <= NODES; n++)); do
			[ -e "$OMVM_SHARED/barrier.$name.$n" ] || missing+=" node$n"
		done
		[ -n "$missing" ] || return 0
		[ "$SECONDS" -lt "$end" ] ||
			fail "barrier $name: still waiting for$missing after $timeout s"
		sleep 0.2
	done
}

# reboot_node: power this node off at once, as halt_node does; the harness
# then boots it again and runs the scenario anew with OMVM_BOOT one higher.
reboot_node() {
	: >"$OMVM_OUT/reboot"
	halt_node
}

# halt_node: power this node off at once, as a node failure would, after
# recording success for the harness (for failure tests; the other nodes go on).
halt_node() {
	echo 0 >"$OMVM_OUT/scenario.status"
	dmesg >"$OMVM_OUT/dmesg" 2>&1
	sync
	busybox poweroff -f
	sleep 60
}
