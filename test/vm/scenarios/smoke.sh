#!/usr/bin/env bash
# Self-test of the VM harness: the guest environment the scenarios rely on.
#   test/vm/run --kernel KVER --nodes 3 test/vm/scenarios/smoke.sh
set -euo pipefail
# shellcheck source=test/vm/lib.sh
. test/vm/lib.sh

log "node $NODE of $NODES, kernel $KVER"
expect_eq "uname -r" "$KVER" "$(uname -r)"
expect_eq hostname "node$NODE" "$(hostname)"
expect_eq cwd "$OMVM_REPO" "$PWD"
expect_eq "hung task timeout" 30 "$(cat /proc/sys/kernel/hung_task_timeout_secs)"

# The shared root is read-only; the guest-only places are writable.
if touch /usr/.omvm-write-test 2>/dev/null; then
	fail "the root is writable"
fi
for d in /tmp /var/tmp /run /root "$OMVM_OUT" "$OMVM_SHARED"; do
	echo ok >"$d/.omvm-write-test.$NODE" || fail "$d is not writable"
	rm -f "$d/.omvm-write-test.$NODE"
done

# The module tree for the running kernel, indexed, with its alias database.
[ -f "/lib/modules/$(uname -r)/modules.dep.bin" ] || fail "no module index for $(uname -r)"
[ -f "/lib/modules/$(uname -r)/modules.alias.bin" ] || fail "no alias index for $(uname -r)"
modprobe -n dummy || fail "modprobe cannot resolve dummy"
# The kernel's own module autoload (request_module -> /sbin/modprobe) works.
ip link add omvm0 type dummy || fail "cannot create a dummy link (autoload)"
[ -d /sys/module/dummy ] || fail "dummy.ko was not autoloaded"
ip link del omvm0
if [ -d "/lib/modules/$KVER/updates/openmosix" ]; then
	log "project modules: $(cd "/lib/modules/$KVER/updates/openmosix" && echo *)"
fi

# Every node reaches every other one.
barrier network-up
for ((m = 1; m <= NODES; m++)); do
	ping -c1 -W2 "10.99.0.$m" >/dev/null || fail "cannot ping 10.99.0.$m"
	ping -c1 -W2 "node$m" >/dev/null || fail "cannot ping node$m"
done
log "reached all $NODES nodes"

# The barrier really waits: node1 arrives 3 s late, the others wait for it.
uptime_cs() { tr -d . </proc/uptime | cut -d' ' -f1; }
[ "$NODE" != 1 ] || sleep 3
t0=$(uptime_cs)
barrier late
waited=$(($(uptime_cs) - t0))
if [ "$NODE" != 1 ] && [ "$waited" -lt 100 ]; then
	fail "barrier late passed after $waited cs, before node1 arrived"
fi
log "smoke ok"
