#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pvtest=stressng: stress-ng stressors whose system calls take contended
# kernel spinlocks, one stressor after another:
#   futex     futex hash-bucket locks (wait/wake storms)
#   sem-sysv  the System V semaphore array lock
#   msg       System V message queue locks
#   pipe      pipe buffers and their wait queues
#   flock     the per-inode file lock context
#   eventfd   the eventfd wait-queue lock
#   switch    runqueue locks (context switches through pipes)
#   sigq      the signal-hand lock (sigqueue)
#   mq, fifo, poll, epoll, lockf, fcntl, ... any stress-ng 0.15 stressor
#
# Parameters (pvtest.KEY=VALUE):
#   stressors  comma-separated (default futex,sem-sysv,pipe,flock)
#   instances  workers per stressor (default 0: one per online CPU)
#   secs       seconds per stressor (default 10)
#
# Results, for each stressor S (times in seconds):
#   PVTEST stressng.stressors=, .instances=, .secs=   (as run)
#   PVTEST stressng.S.bogo_ops=<n>         operations done by all workers
#   PVTEST stressng.S.ops_per_s=<x>        bogo_ops / wall time
#   PVTEST stressng.S.ops_per_cpu_s=<x>    bogo_ops / (user + system time)
#   PVTEST stressng.S.wall_s=<x>           wall-clock time of the run
#   PVTEST stressng.S.usr_s=<x>, .sys_s=<x>   CPU time of all workers
#   PVTEST stressng.S.rc=<n>               stress-ng's exit status
# and at the end
#   PVTEST stressng.wall_s=<x>             all stressors, start to end
#   PVTEST counter.<dir>.<file>=..., counters=...   as pvtest=boot, zeroed
#                                          before the first stressor
# rc is non-zero if any stressor is unknown, fails, or reports nothing.
set -eu
# shellcheck source=SCRIPTDIR/../lib/pvtest.sh
. /lib/pvtest.sh

stressors=${pvtest_stressors:-futex,sem-sysv,pipe,flock}
instances=${pvtest_instances:-0}
secs=${pvtest_secs:-10}
need_int instances "$instances"
need_int secs "$secs"

known=" $(stress-ng --stressors) "
list=$(echo "$stressors" | tr ',' ' ')
for s in $list; do
	case $known in
	*" $s "*) ;;
	*) note "stress-ng has no stressor '$s'"; exit 2 ;;
	esac
done
pv stressng.stressors "$stressors"
pv stressng.instances "$instances"
pv stressng.secs "$secs"

mkdir -p /tmp/stressng
cd /tmp/stressng
rc=0
zero_counters
t_all=$(uptime_cs)
for s in $list; do
	y=/tmp/stressng/$s.yaml
	src=0
	stress-ng "--$s" "$instances" --timeout "${secs}s" --metrics-brief \
		--yaml "$y" --temp-path /tmp/stressng >"/tmp/stressng/$s.out" 2>&1 ||
		src=$?
	pv "stressng.$s.rc" "$src"
	# The metrics entry of this stressor in the YAML report.
	vals=$(awk -v s="$s" '
		$1 == "-" && $2 == "stressor:" { on = ($3 == s); next }
		on && NF == 2 { sub(/:$/, "", $1); v[$1] = $2 }
		END {
			if (!("bogo-ops" in v)) exit 1
			print v["bogo-ops"], v["bogo-ops-per-second-real-time"],
			      v["bogo-ops-per-second-usr-sys-time"],
			      v["wall-clock-time"], v["user-time"], v["system-time"]
		}' "$y" 2>/dev/null) || vals=
	if [ "$src" != 0 ] || [ -z "$vals" ]; then
		sed "s/^/stress-ng: /" "/tmp/stressng/$s.out"
		note "stressor $s failed (rc=$src) or reported no metrics"
		rc=1
		[ -n "$vals" ] || continue
	fi
	# shellcheck disable=SC2086	# six numbers
	set -- $vals
	pv "stressng.$s.bogo_ops" "$1"
	pv "stressng.$s.ops_per_s" "$2"
	pv "stressng.$s.ops_per_cpu_s" "$3"
	pv "stressng.$s.wall_s" "$4"
	pv "stressng.$s.usr_s" "$5"
	pv "stressng.$s.sys_s" "$6"
done
pv stressng.wall_s "$(secs_since "$t_all")"
report_counters
exit "$rc"
