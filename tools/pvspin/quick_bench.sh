#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: native vs paravirt ticket lock at rising overcommit, on the
# embedded host, every point in the same run.  Writes
# bench/results/quick-<date>.csv and prints a table with the PV/native
# ratio per point.  SECONDS_PER_POINT and PCPUS override the defaults.
set -eu
cd "$(dirname "$0")/../.."
pvspin=build/release/pvspin
secs=${SECONDS_PER_POINT:-2}
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
for vcpus in $points; do
	for lock in native pv tas; do
		echo "bench: $lock, $vcpus vCPUs on $pcpus host CPUs, ${secs}s" >&2
		row=$("$pvspin" run --lock "$lock" --vcpus "$vcpus" --pcpus "$pcpus" \
			--seconds "$secs" --cs-loops 50 --noncs-loops 200 --csv)
		if [[ $header_done -eq 0 ]]; then
			head -1 <<<"$row" >"$tmp"
			header_done=1
		fi
		sed -n 2p <<<"$row" >>"$tmp"
	done
done
mv "$tmp" "$out"
trap - EXIT

echo "results: $out"
awk -F, '
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
	key = $col["vcpus"]
	tput[key, $col["lock"]] = $col["acq_per_s"]
	oc[key] = $col["overcommit"]
	if (!(key in seen)) { order[n++] = key; seen[key] = 1 }
}
END {
	printf "%-6s %-10s %14s %14s %14s %10s %10s\n", "vcpus", "overcommit",
	       "native acq/s", "pv acq/s", "tas acq/s", "pv/native", "pv/tas"
	for (i = 0; i < n; i++) {
		k = order[i]
		printf "%-6s %-10s %14.0f %14.0f %14.0f %10.2f %10.2f\n", k, oc[k],
		       tput[k, "native"], tput[k, "pv"], tput[k, "tas"],
		       tput[k, "native"] ? tput[k, "pv"] / tput[k, "native"] : 0,
		       tput[k, "tas"] ? tput[k, "pv"] / tput[k, "tas"] : 0
	}
}' "$out"
