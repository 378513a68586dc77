# Helpers for the scenarios that drive omcore through omctl.
# shellcheck shell=bash
# The caller sets OMT_BUILD to the CMake build directory.
OMCTL=${OMT_BUILD:?OMT_BUILD must name the build directory}/omctl/omctl
OMNL=test/vm/tools/omnl.py
MAPS=test/vm/data/maps

omctl() { "$OMCTL" "$@"; }
nl() { python3 "$OMNL" "$@"; }

# write_cluster_map: /tmp/cluster.map, every node of the run at 10.99.0.N
# on the test bridge; load_cluster_map loads it into omcore too.
write_cluster_map() {
	printf '# node N of the test bridge is 10.99.0.N\n1\t10.99.0.1\t%s\n' "$NODES" \
		>/tmp/cluster.map
}
load_cluster_map() {
	write_cluster_map
	omctl map load /tmp/cluster.map >/dev/null
}

# json_eq WHAT EXPECTED ACTUAL: fail unless the two JSON texts are equal values.
json_eq() {
	python3 -c 'import json,sys; sys.exit(json.loads(sys.argv[1]) != json.loads(sys.argv[2]))' \
		"$2" "$3" || fail "$1: expected $2, got $3"
}

# json_get JSON EXPR: print EXPR evaluated on the parsed JSON as `j`.
# (The JSON goes through stdin: a big map exceeds the argument limit.)
json_get() {
	python3 -c 'import json,sys; j = json.load(sys.stdin); print(json.dumps(eval(sys.argv[1])))' \
		"$2" <<<"$1"
}

generation() { json_get "$(omctl status --json)" 'j["map_generation"]'; }

# expect_fail WANT_STATUS WANT_TEXT CMD...: CMD must exit WANT_STATUS and
# print WANT_TEXT (a fixed string) on stderr.
expect_fail() {
	local want=$1 text=$2 rc=0 err
	shift 2
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	expect_eq "exit status of $*" "$want" "$rc"
	grep -qF -- "$text" <<<"$err" || fail "$*: expected '$text' in: $err"
}

# write_map FILE NODES [ADDRS_PER_NODE [inet6]]: a map of NODES single-line
# nodes in 10.0.0.0/8 (or fd00::/64), with ADDRS_PER_NODE-1 aliases each.
write_map() {
	python3 - "$@" <<'PY'
import sys
path, nodes = sys.argv[1], int(sys.argv[2])
per = int(sys.argv[3]) if len(sys.argv) > 3 else 1
if sys.argv[4:] == ["inet6"]:
    ip = lambda i: f"fd00::{i >> 16 & 0xffff:x}:{i & 0xffff:x}"
else:
    ip = lambda i: f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"
with open(path, "w") as f:
    for n in range(nodes):
        f.write(f"{n + 1} {ip(n * per + 1)} 1\n")
        for a in range(1, per):
            f.write(f"{n + 1} {ip(n * per + 1 + a)} ALIAS\n")
PY
}

# expect_map JSON_FILE: `omctl map show --json` equals JSON_FILE, whose
# "generation" is null: the current generation is expected there.
expect_map() {
	local got want
	got=$(omctl map show --json)
	want=$(json_get "$(cat "$1")" "{**j, 'generation': $(generation)}")
	json_eq "map show --json after loading ${1%.json}.map" "$want" "$got"
}

# listen_links N: accept N raw links (omnl.py link-listen, no omd) in the
# background, once it listens; $listener is its pid.
listen_links() {
	nl link-listen "$1" >/tmp/listen.out &
	listener=$!
	wait_for "grep -q listening /tmp/listen.out" 10
}

# link_to_node1: every other node hands omcore a raw link to node 1;
# returns on every node once all are linked. Once per run (its barriers).
link_to_node1() {
	[ "$NODE" != 1 ] || listen_links $((NODES - 1))
	barrier listening
	if [ "$NODE" = 1 ]; then
		wait "$listener" || fail "the listener failed"
	else
		nl link-connect 1 10.99.0.1
	fi
	barrier linked
}

# watch_link_down ID: wait, in the background, for the link to node ID to
# go down; expect_down_within ID SECONDS: then the link-down event must
# have come at most SECONDS after the last bytes from node ID (what "a
# dead node is down within 5 s" means, whatever the scenario did between).
watch_link_down() {
	nl wait-down "$1" 30 >/tmp/watch.out &
	down_watcher=$!
	wait_for "grep -q waiting /tmp/watch.out" 10
}
expect_down_within() {
	local down_at last_seen silence
	wait "$down_watcher" || fail "node$1's link did not go down: $(cat /tmp/watch.out)"
	down_at=$(json_get "$(tail -n1 /tmp/watch.out)" 'j["at"]')
	last_seen=$(json_get "$(nl nodes)" "[n['last_seen'] for n in j if n['id'] == $1][0]")
	silence=$(python3 -c "print(round($down_at - $last_seen / 1e9, 1))")
	log "node$1 down after $silence s of silence"
	python3 -c "import sys; sys.exit(not 0 <= $silence <= $2)" ||
		fail "node$1 was marked down $silence s after its last bytes (limit $2 s)"
}

OMD=$OMT_BUILD/omctl/omd

# start_omd KEY: omd with /tmp/cluster.map in the background, its log in
# $OMVM_OUT/omd.log; stop_omd: SIGTERM, which omd must answer with 0.
start_omd() {
	"$OMD" --map /tmp/cluster.map --key "$1" -v >>"$OMVM_OUT/omd.log" 2>&1 &
	omd_pid=$!
}
stop_omd() {
	local rc=0
	kill -TERM "$omd_pid"
	wait "$omd_pid" || rc=$?
	expect_eq "omd's exit status on SIGTERM" 0 "$rc"
}
