#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make soak: run both backends under every injected fault, configuration
# after configuration, for MINUTES minutes (default 2), each run under
# the watchdog.  Prints a line per run and a summary: runs, acquisitions,
# kicks, the worst p99.9 and the worst single wait.  Exit 1 on any
# failure (correctness error or watchdog: the run's log is kept).
# Usage: soak.sh [MINUTES]
set -u
cd "$(dirname "$0")/../../.."
minutes=${1:-2}
if ! [[ $minutes =~ ^[0-9]+$ ]] || ((minutes == 0)); then
	echo "soak: MINUTES must be a positive whole number, not '$minutes'" >&2
	exit 2
fi
pvspin=build/release/pvspin
logs=build/soak-logs
mkdir -p "$logs"
pcpus=$(nproc)
slice=${SOAK_SLICE:-30}	# seconds per run
end=$((SECONDS + minutes * 60))

# host lock vcpus pcpus extra-options
configs=(
	"kvm pv 16 1 --irqsave"
	"xen pv 16 1 --irqsave"
	"kvm pv 16 $pcpus --tick-us 1000 --irq-lock"
	"xen pv 16 $pcpus --tick-us 1000 --irq-lock"
	"kvm pv 16 $pcpus --irq-at-halt --irq-lock"
	"xen pv 16 $pcpus --irq-at-halt --irq-lock"
	"kvm pv16 32 $pcpus --irqsave --trylock-pct 20"
	"xen pv16 32 $pcpus --trylock-pct 20 --locks 4"
)

runs=0 fails=0 acq=0 kicks=0 worst999=0 worstmax=0 i=0
echo "soak: ${minutes} min, both backends, all faults; logs in $logs/" >&2
while ((SECONDS < end)); do
	set -- ${configs[i % ${#configs[@]}]}
	host=$1 lock=$2 vcpus=$3 p=$4
	shift 4
	left=$((end - SECONDS))
	secs=$((left < slice ? (left < 5 ? 5 : left) : slice))
	log=$logs/run-$runs.log
	row=$("$pvspin" run --faults --host "$host" --lock "$lock" --vcpus "$vcpus" \
		--pcpus "$p" --seconds "$secs" --spin-threshold 500 --watchdog 10 \
		--csv "$@" 2>"$log")
	code=$?
	runs=$((runs + 1))
	i=$((i + 1))
	if ((code != 0)); then
		fails=$((fails + 1))
		echo "soak: run $runs ($host $lock $vcpus on $p $*) FAILED with exit $code, see $log"
		continue
	fi
	read -r a k p999 mx <<<"$(awk -F, '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ print $c["acquisitions"], $c["kicks"], $c["wait_p999_ns"], $c["wait_max_ns"] }' <<<"$row")"
	acq=$((acq + a))
	kicks=$((kicks + k))
	((p999 > worst999)) && worst999=$p999
	((mx > worstmax)) && worstmax=$mx
	rm -f "$log"
	printf 'soak: run %d: %s %-4s %2d vCPUs on %d %-30s %9d acquisitions %8d kicks p99.9 %6.1f ms max %7.1f ms\n' \
		"$runs" "$host" "$lock" "$vcpus" "$p" "$*" "$a" "$k" \
		"$(awk -v n="$p999" 'BEGIN { print n / 1e6 }')" \
		"$(awk -v n="$mx" 'BEGIN { print n / 1e6 }')"
done
printf 'soak summary: %d runs, %d failed, %d acquisitions, %d kicks, worst p99.9 wait %.1f ms, worst single wait %.1f ms\n' \
	"$runs" "$fails" "$acq" "$kicks" \
	"$(awk -v n="$worst999" 'BEGIN { print n / 1e6 }')" \
	"$(awk -v n="$worstmax" 'BEGIN { print n / 1e6 }')"
((fails == 0))
