#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: native vs paravirt ticket lock (and test-and-set) at rising
# overcommit on the embedded host, every point in the same run, REPEATS
# runs per point interleaved.  Writes bench/results/quick-<date>.csv (one
# row per run) and prints medians, the min..max range, and the ratio of
# the medians.  SECONDS_PER_POINT, REPEATS and PCPUS override defaults.
set -eu
cd "$(dirname "$0")/../.."
pvspin=build/release/pvspin
secs=${SECONDS_PER_POINT:-2}
repeats=${REPEATS:-3}
host_cpus=$(nproc)
pcpus=${PCPUS:-$host_cpus}
mkdir -p bench/results
out=bench/results/quick-$(date -u +%Y%m%dT%H%M%SZ).csv
tmp=$out.tmp
trap 'rm -f "$tmp"' EXIT

points=""
for factor in 1 2 3 4; do
	points="$points $((pcpus * factor))"
done
header_done=0
for run in $(seq 1 "$repeats"); do
for vcpus in $points; do
	for lock in native pv tas; do
		echo "bench: run $run/$repeats: $lock, $vcpus vCPUs on $pcpus host CPUs, ${secs}s" >&2
		row=$("$pvspin" run --lock "$lock" --vcpus "$vcpus" --pcpus "$pcpus" \
			--seconds "$secs" --cs-loops 50 --noncs-loops 200 --csv)
		if [[ $header_done -eq 0 ]]; then
			head -1 <<<"$row" >"$tmp"
			header_done=1
		fi
		sed -n 2p <<<"$row" >>"$tmp"
	done
done
done
mv "$tmp" "$out"
trap - EXIT

echo "results: $out"
awk -F, '
function median(list,    v, n, i, j, t) {
	n = split(list, v, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	lo = v[1]; hi = v[n]
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
	key = $col["vcpus"]
	runs[key, $col["lock"]] = runs[key, $col["lock"]] " " $col["acq_per_s"]
	oc[key] = $col["overcommit"]
	if (!(key in seen)) { order[n++] = key; seen[key] = 1 }
}
END {
	printf "%-5s %-6s %-24s %-24s %-24s %9s %7s\n", "vcpus", "over",
	       "native acq/s (min..max)", "pv acq/s (min..max)",
	       "tas acq/s (min..max)", "pv/native", "pv/tas"
	for (i = 0; i < n; i++) {
		k = order[i]
		mn = median(runs[k, "native"]); r1 = sprintf("%.0f (%.0f..%.0f)", mn, lo, hi)
		mp = median(runs[k, "pv"]); r2 = sprintf("%.0f (%.0f..%.0f)", mp, lo, hi)
		mt = median(runs[k, "tas"]); r3 = sprintf("%.0f (%.0f..%.0f)", mt, lo, hi)
		printf "%-5s %-6s %-24s %-24s %-24s %9.2f %7.2f\n", k, oc[k] "x",
		       r1, r2, r3, mn ? mp / mn : 0, mt ? mp / mt : 0
	}
}' "$out"
