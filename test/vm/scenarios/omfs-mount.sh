#!/usr/bin/env bash
# Mounting the mfs file system (docs/design/omfs.md §4.1, §3.4): modprobe
# omfs brings omcore along; mount -t mfs and the seeds' fstab lines work;
# /proc/mounts shows every option; bad options are refused with a message
# that names them; remount changes what it names; each mount is its own
# superblock and holds the module; mount -t mfs loads omfs by itself.
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

# mfs_lines: the mfs lines of /proc/mounts.
mfs_lines() { grep -E '^[^ ]+ [^ ]+ mfs ' /proc/mounts || true; }

# expect_mounted OPTIONS: /mfs is the one mfs mount, with exactly OPTIONS.
expect_mounted() {
	expect_eq "/proc/mounts" "mfs_mnt /mfs mfs $1 0 0" "$(mfs_lines)"
}

# expect_refused OPTION TEXT MOUNT_ARGS...: mount(8) with MOUNT_ARGS fails,
# and the kernel's fs_context message (TEXT, an extended regex: it names
# OPTION) is on mount's stderr or, for mount(2) without a log, in dmesg.
expect_refused() {
	local opt=$1 text=$2 before rc=0 err new
	shift 2
	before=$(dmesg | wc -l)
	err=$(mount "$@" 2>&1) || rc=$?
	[ "$rc" != 0 ] || fail "mount $* accepted $opt"
	new=$(dmesg | tail -n +"$((before + 1))")
	grep -qE -- "$text" <<<"$err
$new" || fail "mount $* refused $opt without a message matching '$text': mount said: $err; the kernel said: $new"
}

log "modprobe omfs loads omcore"
modprobe omfs
lsmod | grep -q '^omcore ' || fail "omcore is not loaded after modprobe omfs: $(lsmod)"
grep -qw mfs /proc/filesystems || fail "no mfs in /proc/filesystems"
grep -q '^omfs' /proc/slabinfo || fail "omfs's inode cache is not in /proc/slabinfo"

log "mount -t mfs mfs_mnt /mfs"
[ -d /mfs ] || fail "/mfs does not exist on the host (scripts/setup creates it)"
mount -t mfs mfs_mnt /mfs
expect_mounted "rw,relatime,dfsa=1,timeo=8,cache=strict"
expect_eq "statfs f_type of /mfs" 6f6d6673 "$(stat -f -c %t /mfs)"
expect_eq "mode of /mfs" "dr-xr-xr-x 0 0" "$(stat -c '%A %u %g' /mfs)"
# No map: no node directories, and the links have no node to name.
# shellcheck disable=SC2012 # ls is what is tested; the names are plain
expect_eq "ls /mfs without a map" "here home lastexec magic selected" \
	"$(ls /mfs | LC_ALL=C sort | xargs)"
expect_fail 1 "No such file or directory" readlink -v /mfs/here
# Nothing is created in /mfs itself.
expect_fail 1 "" touch /mfs/x
expect_fail 1 "" mkdir /mfs/x

log "the module and omcore are busy while mounted"
expect_fail 1 "in use" rmmod omfs
expect_fail 1 "in use" rmmod omcore
lsmod | grep -q '^omfs ' || fail "omfs went away while mounted"

log "remount"
mount -o remount,timeo=3 /mfs
expect_mounted "rw,relatime,dfsa=1,timeo=3,cache=strict"
mount -o remount,dfsa=0 /mfs
expect_mounted "rw,relatime,dfsa=0,timeo=3,cache=strict"
expect_refused "timeo=11 (remount)" 'mfs: .*timeo' -o remount,timeo=11 /mfs
expect_mounted "rw,relatime,dfsa=0,timeo=3,cache=strict"
mount -o remount,ro /mfs
expect_mounted "ro,relatime,dfsa=0,timeo=3,cache=strict"
mount -o remount,rw,dfsa=1,timeo=10 /mfs
expect_mounted "rw,relatime,dfsa=1,timeo=10,cache=strict"
umount /mfs
expect_eq "mfs mounts after umount" "" "$(mfs_lines)"

log "bad options are refused with a message naming them"
expect_refused dfsa=2 "mfs: Bad value for 'dfsa'" -t mfs -o dfsa=2 mfs_mnt /mfs
expect_refused timeo=0 'mfs: .*timeo' -t mfs -o timeo=0 mfs_mnt /mfs
expect_refused timeo=11 'mfs: .*timeo' -t mfs -o timeo=11 mfs_mnt /mfs
expect_refused timeo=x 'mfs: .*timeo' -t mfs -o timeo=x mfs_mnt /mfs
expect_refused cache=lease "mfs: Bad value for 'cache'" -t mfs -o cache=lease mfs_mnt /mfs
expect_refused bogus=1 "mfs: Unknown parameter 'bogus'" -t mfs -o bogus=1 mfs_mnt /mfs
expect_eq "mfs mounts after refused options" "" "$(mfs_lines)"

log "the options that are allowed: every value, and the generic flags"
mount -t mfs -o dfsa=0,timeo=1,cache=strict,nosuid,nodev,noexec mfs_mnt /mfs
expect_mounted "rw,nosuid,nodev,noexec,relatime,dfsa=0,timeo=1,cache=strict"
umount /mfs
mount -t mfs -o ro,dfsa=1,timeo=10 mfs_mnt /mfs
expect_mounted "ro,relatime,dfsa=1,timeo=10,cache=strict"
umount /mfs

log "the seeds' fstab lines"
printf 'mfs_mnt /mfs mfs dfsa=1 0 0\n' >/tmp/fstab.1
printf 'mfs_mnt\t/mfs\tmfs\tdfsa=0\t0 0\n' >/tmp/fstab.0
mount -a -T /tmp/fstab.1
expect_mounted "rw,relatime,dfsa=1,timeo=8,cache=strict"
umount /mfs
mount -T /tmp/fstab.0 /mfs
expect_mounted "rw,relatime,dfsa=0,timeo=8,cache=strict"
umount /mfs
mount -a -T /tmp/fstab.0
expect_mounted "rw,relatime,dfsa=0,timeo=8,cache=strict"
umount /mfs

log "only root mounts: not from a user namespace"
expect_fail 32 "permission denied" unshare -Urm mount -t mfs mfs_mnt /mfs
expect_eq "mfs mounts after the user namespace" "" "$(mfs_lines)"

log "every mount is a superblock of its own"
mkdir /tmp/mfs2
mount -t mfs mfs_mnt /mfs
mount -t mfs -o timeo=2 other /tmp/mfs2
dev1=$(stat -c %d /mfs) dev2=$(stat -c %d /tmp/mfs2)
[ "$dev1" != "$dev2" ] || fail "two mounts share the device $dev1"
expect_eq "second mount in /proc/mounts" "other /tmp/mfs2 mfs rw,relatime,dfsa=1,timeo=2,cache=strict 0 0" \
	"$(grep ' /tmp/mfs2 ' /proc/mounts)"
mount -t mfs mfs_mnt /mfs
expect_eq "mfs mounts" 3 "$(mfs_lines | wc -l)"
[ "$(stat -c %d /mfs)" != "$dev1" ] || fail "the mount over /mfs reuses the superblock of the one below"
expect_fail 1 "in use" rmmod omfs
umount /mfs
expect_fail 1 "in use" rmmod omfs
umount /mfs
umount /tmp/mfs2
expect_eq "mfs mounts after umount" "" "$(mfs_lines)"

log "unloading once nothing is mounted"
rmmod omfs
expect_fail 1 "" grep -qw mfs /proc/filesystems
if grep '^omfs' /proc/slabinfo; then
	fail "omfs caches are left in /proc/slabinfo"
fi
rmmod omcore

log "mount -t mfs loads omfs (and omcore) by itself"
mount -t mfs mfs_mnt /mfs
lsmod | grep -q '^omfs ' || fail "mount -t mfs did not load omfs"
lsmod | grep -q '^omcore ' || fail "mount -t mfs did not load omcore"
expect_mounted "rw,relatime,dfsa=1,timeo=8,cache=strict"
umount /mfs
rmmod omfs
rmmod omcore
log "done"
