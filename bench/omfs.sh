#!/usr/bin/env bash
# Scenario for bench/run: mfs against NFSv4.2 between the same two guests in
# the same run (docs/design/omfs.md section 14). Node 2 serves one tmpfs
# directory, /srv/bench, both as /mfs/2/srv/bench and through the kernel's
# NFS server; node 1 measures it three ways: mfs, NFS mounted with default
# options ("nfs") and NFS mounted with noac ("nfs-noac", the mode whose
# coherence matches mfs's: no attribute or data cache between calls).
#
#   seq-write    fio write, 1 MiB blocks, 256 MiB, end_fsync        MB/s
#   seq-read     fio read of that file, 1 MiB blocks                MB/s
#   rand-read    fio randread, 4 KiB, 64 MiB file, RUNTIME s        IOPS
#   rand-write   fio randwrite, 4 KiB, 64 MiB file, RUNTIME s,
#                end_fsync                                          IOPS
#   create, stat, unlink   bench/fsmeta.py, 5000 files              ops/s
#
# A round runs every test on the three in turn; the median of the rounds
# is printed, one line a test (units in the name, ratios mfs/NFS):
#   BENCH omfs-NAME: mfs X nfs Y nfs-noac Z ratio-nfs X/Y ratio-noac X/Z (median of N)
# Targets (reported, never asserted): sequential mfs >= nfs, metadata
# mfs >= nfs-noac. Every NFS test starts on a fresh mount, so nothing of
# the files is in node 1's page cache and NFS reads cross the network as
# mfs's always do (fio drops the file's pages too: invalidate=1).
#
# Under TCG on a 2-core host a round of the fio tests takes 3-5 minutes
# and the metadata test 3-9 (NFS creates 50-120 files a second there): by
# default the metadata test runs in the first round only, and rounds 2 and
# 3 only while they fit in BUDGET seconds, so a run stays within 15
# minutes. Needs guests of 1536 MiB (OM_VM_MEM=1536: 320 MiB of files in
# node 2's tmpfs, 256 MiB of page cache in node 1; with less it prints a
# skip line) and test/vm/run --timeout 1200. Tunables:
#   OMT_BENCH_RUNS (3 rounds), OMT_BENCH_META_RUNS (1), OMT_BENCH_BUDGET
#   (780 s), OMT_BENCH_SEQ_MIB (256), OMT_BENCH_SEQ_CAP (60: fio --runtime
#   of a sequential test; its rate is over what it moved),
#   OMT_BENCH_RAND_MIB (64), OMT_BENCH_RUNTIME (10), OMT_BENCH_FILES (5000)
set -euo pipefail
. test/vm/lib.sh
. test/vm/scenarios/omcore.sh

RUNS=${OMT_BENCH_RUNS:-3}
SEQ_MIB=${OMT_BENCH_SEQ_MIB:-256}
RAND_MIB=${OMT_BENCH_RAND_MIB:-64}
RUNTIME=${OMT_BENCH_RUNTIME:-10}
SEQ_CAP=${OMT_BENCH_SEQ_CAP:-60}
FILES=${OMT_BENCH_FILES:-5000}
META_RUNS=${OMT_BENCH_META_RUNS:-1}
BUDGET=${OMT_BENCH_BUDGET:-780}
SRV=/srv/bench
NFS=/tmp/bench-nfs NOAC=/tmp/bench-noac MFS=/mfs/2$SRV
NEED_MIB=1200

mem=$(awk '$1 == "MemTotal:" { print int($2 / 1024) }' /proc/meminfo)
if [ "$mem" -lt "$NEED_MIB" ]; then
	[ "$NODE" != 1 ] ||
		echo "BENCH omfs: skipped: the guests have $mem MiB, it needs OM_VM_MEM=1536"
	exit 0
fi

modprobe omfs
load_cluster_map
mount -t mfs mfs_mnt /mfs
link_to_node1

if [ "$NODE" = 2 ]; then
	# /srv is the host's (read-only): a tmpfs over it holds bench/.
	mount -t tmpfs -o size=768m,mode=755 bench /srv
	mkdir $SRV
	omctl set norootsquash >/dev/null
	# The NFS server: its state in a tmpfs, NFSv4 only (no rpcbind), no
	# grace period. The export is the NFSv4 root (fsid=0, so node 1 mounts
	# 10.99.0.2:/): otherwise rpc.mountd makes / the pseudo root, and the
	# guest's / is 9p, which nfsd cannot export.
	modprobe nfsd
	mount -t nfsd nfsd /proc/fs/nfsd
	mount -t tmpfs -o mode=755 nfsstate /var/lib/nfs
	mkdir -p /var/lib/nfs/v4recovery /var/lib/nfs/nfsdcltrack
	: >/var/lib/nfs/etab
	: >/var/lib/nfs/rmtab
	exportfs -i -o rw,sync,no_subtree_check,no_root_squash,fsid=0 10.99.0.1:$SRV
	rpc.mountd -N 3
	rpc.nfsd -N 3 8
	echo Y >/proc/fs/nfsd/v4_end_grace
	log "serving $SRV over mfs and NFSv4 ($(cat /proc/fs/nfsd/versions))"
	barrier served
	# Until node 1 is done, whether it measured all or failed.
	wait_for "[ -e $OMVM_SHARED/bench.done ]" $((RUNS * 900))
	exit 0
fi
trap ': >"$OMVM_SHARED/bench.done"' EXIT

modprobe nfsv4
mkdir -p $NFS $NOAC
mount_nfs() { # DIR [OPTION]
	mount -t nfs4 -o vers=4.2${2:+,$2} 10.99.0.2:/ "$1"
}
barrier served 300
mount_nfs $NFS
mount_nfs $NOAC noac
for m in $NFS $NOAC; do
	grep -q " $m nfs4 " /proc/mounts || fail "$m is not an NFSv4 mount"
done
log "NFS mounts: $(grep " nfs4 " /proc/mounts | cut -d' ' -f2,4 | tr '\n' ' ')"

dir_of() { # FS
	case $1 in
	mfs) echo $MFS ;;
	nfs) echo $NFS ;;
	noac) echo $NOAC ;;
	esac
}
# fresh FS: a fresh NFS mount, nothing of the files in node 1's caches
# (mfs caches nothing). Not drop_caches: that would drop the guest's
# programs too, which it reads again over 9p, slowly under TCG.
fresh() {
	case $1 in
	nfs) umount $NFS && mount_nfs $NFS ;;
	noac) umount $NOAC && mount_nfs $NOAC noac ;;
	esac
}

# fio_job KEY FIO-ARGS...: one fio job, prints KEY of its JSON report's
# jobs[0] (e.g. "write.bw_bytes"), rounded.
fio_job() {
	local key=$1 out
	shift
	out=$(fio --output-format=json --ioengine=psync --fallocate=none "$@") ||
		fail "fio $*: $out"
	# (fio may print notes before the JSON report.)
	python3 -c '
import json, sys
text = sys.stdin.read()
job = json.loads(text[text.index("{"):])["jobs"][0]
if job["error"]:
    sys.exit("fio error %d" % job["error"])
side, key = sys.argv[1].split(".")
print(job[side][key])' "$key" <<<"$out"
}

# One measurement of TEST on FS; prints the number (or numbers: metadata).
measure() { # TEST FS
	local d
	d=$(dir_of "$2")
	fresh "$2"
	case $1 in
	seq-write)
		fio_job write.bw_bytes --name=seqw --filename="$d/seq" --rw=write --bs=1M \
			--size=${SEQ_MIB}M --end_fsync=1 --runtime=$SEQ_CAP |
			awk '{ printf "%.1f\n", $1 / 1e6 }'
		;;
	seq-read)
		fio_job read.bw_bytes --name=seqr --filename="$d/seq" --rw=read --bs=1M \
			--size=${SEQ_MIB}M --runtime=$SEQ_CAP |
			awk '{ printf "%.1f\n", $1 / 1e6 }'
		rm -f "$d/seq"
		;;
	rand-read)
		fio_job read.iops --name=randr --filename="$d/rand" --rw=randread --bs=4k \
			--size=${RAND_MIB}M --runtime=$RUNTIME --time_based |
			awk '{ printf "%.0f\n", $1 }'
		;;
	rand-write)
		fio_job write.iops --name=randw --filename="$d/rand" --rw=randwrite --bs=4k \
			--size=${RAND_MIB}M --runtime=$RUNTIME --time_based --end_fsync=1 |
			awk '{ printf "%.0f\n", $1 }'
		;;
	meta)
		mkdir "$d/meta"
		python3 bench/fsmeta.py "$d/meta" "$FILES" |
			python3 -c 'import json,sys; j = json.load(sys.stdin); print(j["create"], j["stat"], j["unlink"])'
		rmdir "$d/meta"
		;;
	esac
}

# The random tests' file, written once through NFS (node 2 stores it; every
# mount reads the same file).
fio_job write.bw_bytes --name=layout --filename=$NFS/rand --rw=write --bs=1M \
	--size=${RAND_MIB}M --end_fsync=1 >/dev/null

# Rounds: every test on every file system in turn; the metadata test only
# in the first META_RUNS rounds (5000 files take minutes under TCG). A
# round starts only if, timed by the first, it ends within BUDGET seconds
# of measuring; the lines say how many runs each median is of.
start=$SECONDS
declare -A took
for ((run = 1; run <= RUNS; run++)); do
	tests=(seq-write seq-read rand-read rand-write)
	[ "$run" -gt "$META_RUNS" ] || tests+=(meta)
	need=0
	for t in "${tests[@]}"; do need=$((need + ${took[$t]:-0})); done
	if [ $((SECONDS - start + need)) -gt "$BUDGET" ]; then
		log "no time for run $run (it would take about $need s)"
		break
	fi
	for t in "${tests[@]}"; do
		t0=$SECONDS
		for fs in mfs nfs noac; do
			t1=$SECONDS
			if ! v=$(measure $t $fs); then
				log "$t on $fs failed; omctl nodes, then the kernel log:"
				omctl nodes || true
				dmesg | tail -n 20
				fail "$t on $fs failed"
			fi
			[ -n "$v" ] || fail "$t on $fs measured nothing"
			echo "$t $fs $v" >>/tmp/bench.results
			log "run $run: $t $fs: $v ($((SECONDS - t1)) s)"
		done
		took[$t]=$((SECONDS - t0))
	done
done
rm -f $NFS/rand
umount $NFS $NOAC

# median TEST FS [FIELD]: the median of the runs' values.
median() {
	awk -v t="$1" -v fs="$2" -v f="${3:-1}" '$1 == t && $2 == fs { print $(2 + f) }' \
		/tmp/bench.results | sort -g | awk '{ v[NR] = $1 }
		END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
line() { # NAME TEST [FIELD]
	local m n a runs
	m=$(median "$2" mfs "${3:-1}") n=$(median "$2" nfs "${3:-1}") a=$(median "$2" noac "${3:-1}")
	runs=$(awk -v t="$2" '$1 == t && $2 == "mfs"' /tmp/bench.results | wc -l)
	awk -v name="$1" -v m="$m" -v n="$n" -v a="$a" -v runs="$runs" 'BEGIN {
		printf "BENCH omfs-%s: mfs %s nfs %s nfs-noac %s ratio-nfs %.2f ratio-noac %.2f (%s)\n",
			name, m, n, a, m / n, m / a, runs == 1 ? "1 run" : "median of " runs
	}'
}
line seq-write-MB/s seq-write
line seq-read-MB/s seq-read
line rand-read-4k-IOPS rand-read
line rand-write-4k-IOPS rand-write
line create-ops/s meta 1
line stat-ops/s meta 2
line unlink-ops/s meta 3
log "measured in $((SECONDS - start)) s"
