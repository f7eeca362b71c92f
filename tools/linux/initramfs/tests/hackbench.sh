#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pvtest=hackbench: rt-tests' hackbench, a scheduler and wakeup storm
# (socket or pipe messages between groups of senders and receivers) that
# keeps the runqueue and wait-queue spinlocks busy.
#
# Parameters (pvtest.KEY=VALUE):
#   groups    sender/receiver groups (default: online CPUs)
#   fds       senders, and receivers, per group (default 10)
#   loops     messages each sender sends to each receiver (default 200)
#   datasize  bytes per message (default 100)
#   mode      process | thread (default process)
#   pipe      1: pipes instead of UNIX sockets (default 0)
#   runs      repetitions (default 3)
#
# Results (one line each; times in seconds):
#   PVTEST hackbench.groups=, .fds=, .loops=, .datasize=, .mode=, .pipe=,
#          .runs=                            (as run)
#   PVTEST hackbench.tasks=<n>               groups x fds x 2
#   PVTEST hackbench.msgs=<n>                messages per run:
#                                            groups x fds x fds x loops
#   PVTEST hackbench.run.<i>.time_s=<x>      hackbench's own "Time:", run i
#                                            (1-based)
#   PVTEST hackbench.run.<i>.wall_s=<x>      run i measured around the
#                                            process (0.01 s resolution)
#   PVTEST hackbench.time_s.min=, .median=, .max=   over the runs
#   PVTEST hackbench.msgs_per_s=<x>          msgs / median time
#   PVTEST counter.<dir>.<file>=..., counters=...   as pvtest=boot, zeroed
#                                          before the first run
# rc is non-zero if any run fails or prints no time.
set -eu
# shellcheck source=SCRIPTDIR/../lib/pvtest.sh
. /lib/pvtest.sh

groups=${pvtest_groups:-$(cpus_online)}
fds=${pvtest_fds:-10}
loops=${pvtest_loops:-200}
size=${pvtest_datasize:-100}
mode=${pvtest_mode:-process}
pipe=${pvtest_pipe:-0}
runs=${pvtest_runs:-3}
need_int groups "$groups"
need_int fds "$fds"
need_int loops "$loops"
need_int datasize "$size"
need_int runs "$runs"
[ "$runs" -ge 1 ] || { note "pvtest.runs must be at least 1"; exit 2; }
case $mode in
process) flags=--process ;;
thread) flags=--threads ;;
*) note "pvtest.mode must be process or thread, not '$mode'"; exit 2 ;;
esac
[ "$pipe" = 0 ] || flags="$flags --pipe"

pv hackbench.groups "$groups"
pv hackbench.fds "$fds"
pv hackbench.loops "$loops"
pv hackbench.datasize "$size"
pv hackbench.mode "$mode"
pv hackbench.pipe "$pipe"
pv hackbench.runs "$runs"
pv hackbench.tasks "$((groups * fds * 2))"
msgs=$((groups * fds * fds * loops))
pv hackbench.msgs "$msgs"

zero_counters
times=
i=1
while [ "$i" -le "$runs" ]; do
	t0=$(uptime_cs)
	# shellcheck disable=SC2086	# the mode flags, one word each
	if ! out=$(hackbench $flags --groups "$groups" --fds "$fds" \
			--loops "$loops" --datasize "$size" 2>&1); then
		echo "$out"
		note "hackbench run $i failed"
		exit 1
	fi
	wall=$(secs_since "$t0")
	t=$(echo "$out" | sed -n 's/^Time: *\([0-9.]*\).*/\1/p' | tail -n 1)
	if [ -z "$t" ]; then
		echo "$out"
		note "hackbench run $i printed no time"
		exit 1
	fi
	pv "hackbench.run.$i.time_s" "$t"
	pv "hackbench.run.$i.wall_s" "$wall"
	times="$times $t"
	i=$((i + 1))
done

# min, median, max of the run times
# shellcheck disable=SC2046	# three numbers
set -- $(echo "$times" | tr ' ' '\n' | grep . | sort -n |
	awk '{ t[NR] = $1 }
	     END { print t[1], NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2, t[NR] }')
median=$2
pv hackbench.time_s.min "$1"
pv hackbench.time_s.median "$2"
pv hackbench.time_s.max "$3"
pv hackbench.msgs_per_s "$(awk -v m="$msgs" -v t="$median" \
	'BEGIN { printf "%.1f\n", (t > 0 ? m / t : 0) }')"
report_counters
