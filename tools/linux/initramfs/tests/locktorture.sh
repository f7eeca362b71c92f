#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pvtest=locktorture: run the kernel's lock torture module for a while
# and report its verdict and the PV spinlock counters.
#
# Parameters (pvtest.KEY=VALUE):
#   type           torture_type (default spin_lock)
#   writers        nwriters_stress (default 2 x online CPUs)
#   readers        nreaders_stress (only for rw types; default: the module's)
#   secs           run time in seconds (default 20)
#   until_slow     then keep running until every debugfs spinlocks/ dir
#                  counts this many released_slow_kicked (default 0: no)
#   max_secs       ...but not past this many seconds in all (default 600)
#   stat_interval  seconds between the module's periodic statistics
#                  (default: secs; 0 = none, the final ones only)
#   args           more module parameters, e.g. pvtest.args="shuffle_interval=0"
#   zero           1 (default): zero the debugfs counters first
#
# Results:
#   PVTEST locktorture.type=, .writers=, .readers=, .secs=  (as run)
#   PVTEST locktorture.ran_secs=<x>      secs, or longer for until_slow
#   PVTEST locktorture.writes_total=<n>   acquisitions by all writers
#   PVTEST locktorture.writes_max=<n>     most by one writer
#   PVTEST locktorture.writes_min=<n>     fewest by one writer
#   PVTEST locktorture.writes_fail=<n>    mutual-exclusion failures seen
#   PVTEST locktorture.writes_per_s=<x>   writes_total / ran_secs (or secs,
#                                         if the guest clock stepped back)
#   PVTEST locktorture.reads_{total,max,min,fail}=<n>   (rw types only)
#   PVTEST locktorture.imbalance=<0|1>    1: the module flagged max/2 > min
#   PVTEST locktorture.verdict=<SUCCESS|FAILURE|...|missing>
#   PVTEST counter.<dir>.<file>=..., counters=...   as pvtest=boot
#   PVTEST counters_zeroed=<0|1>
# rc is 1 on a FAILURE verdict, a non-zero fail count, or no verdict.
set -eu
# shellcheck source=SCRIPTDIR/../lib/pvtest.sh
. /lib/pvtest.sh

ncpu=$(cpus_online)
type=${pvtest_type:-spin_lock}
writers=${pvtest_writers:-$((2 * ncpu))}
readers=${pvtest_readers:-}
secs=${pvtest_secs:-20}
stat=${pvtest_stat_interval:-$secs}
zero=${pvtest_zero:-1}
until_slow=${pvtest_until_slow:-0}
max_secs=${pvtest_max_secs:-600}
need_int writers "$writers"
need_int secs "$secs"
need_int until_slow "$until_slow"
need_int max_secs "$max_secs"
need_int stat_interval "$stat"
[ -z "$readers" ] || need_int readers "$readers"

pv locktorture.type "$type"
pv locktorture.writers "$writers"
pv locktorture.readers "${readers:-default}"
pv locktorture.secs "$secs"

args="torture_type=$type nwriters_stress=$writers stat_interval=$stat"
[ -z "$readers" ] || args="$args nreaders_stress=$readers"
args="$args ${pvtest_args:-}"

if [ "$zero" = 1 ]; then
	zero_counters
	pv counters_zeroed 1
else
	pv counters_zeroed 0
fi

note "modprobe locktorture $args"
# shellcheck disable=SC2086	# the module parameters, one word each
if ! modprobe locktorture $args; then
	note "modprobe locktorture failed (CONFIG_LOCK_TORTURE_TEST=m?)"
	pv locktorture.verdict missing
	exit 1
fi
t0=$(uptime_cs)
sleep "$secs"
# Work, not time: a loaded host makes the run longer, not a different
# verdict.  Every spinlocks/ dir must reach the count; none: stop.
kicked_enough() {
	for ke_file in /sys/kernel/debug/*/spinlocks/released_slow_kicked; do
		[ -r "$ke_file" ] || return 0
		[ "$(cat "$ke_file")" -ge "$until_slow" ] || return 1
	done
	return 0
}
while [ "$until_slow" -gt 0 ] &&
	[ $(($(uptime_cs) - t0)) -lt $((max_secs * 100)) ] &&
	! kicked_enough; do
	sleep 1
done
ran=$(secs_since "$t0")
pv locktorture.ran_secs "$ran"
# The guest's uptime has been seen to step back under Xen on TCG: rates
# then divide by the time asked for, never by less.
rate_secs=$(awk -v r="$ran" -v s="$secs" 'BEGIN { print (r < s ? s : r) }')
if [ "$rate_secs" != "$ran" ]; then
	note "uptime says $ran s, less than the $secs s slept: the guest clock stepped"
fi
rmmod locktorture

# The last run's final statistics and verdict, from the kernel log.
log=$(dmesg)
stats() {
	echo "$log" | grep "$1: *Total:" | tail -n 1 |
		sed -n 's/.*Total: *\([0-9]*\) *Max\/Min: *\([0-9]*\)\/\([0-9]*\).*Fail: *\([0-9]*\).*/\1 \2 \3 \4/p'
}
rc=0
# shellcheck disable=SC2046	# four numbers
set -- $(stats Writes)
if [ $# = 4 ]; then
	pv locktorture.writes_total "$1"
	pv locktorture.writes_max "$2"
	pv locktorture.writes_min "$3"
	pv locktorture.writes_fail "$4"
	pv locktorture.writes_per_s "$(awk -v n="$1" -v s="$rate_secs" \
		'BEGIN { printf "%.1f\n", s ? n / s : 0 }')"
	[ "$4" = 0 ] || rc=1
else
	note "no final Writes statistics in the kernel log"
	rc=1
fi
# shellcheck disable=SC2046	# four numbers
set -- $(stats Reads)
if [ $# = 4 ]; then
	pv locktorture.reads_total "$1"
	pv locktorture.reads_max "$2"
	pv locktorture.reads_min "$3"
	pv locktorture.reads_fail "$4"
	[ "$4" = 0 ] || rc=1
fi
if echo "$log" | grep "Writes: *Total:" | tail -n 1 | grep -q '???'; then
	pv locktorture.imbalance 1
else
	pv locktorture.imbalance 0
fi
verdict=$(echo "$log" | sed -n 's/.*End of test: \([A-Z_]*\).*/\1/p' | tail -n 1)
pv locktorture.verdict "${verdict:-missing}"
[ "$verdict" = SUCCESS ] || rc=1
report_counters
exit "$rc"
