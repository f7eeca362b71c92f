#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Where an acquisition's time goes, from a pvspin bench CSV: for one
# workload, per variant and overcommit, the medians over the repeats of
# throughput, mean wait, mean time blocked, mean kick-to-running time of
# a woken vCPU, and blocks and pre-wakes per acquisition.  A markdown
# table on stdout.
#
# Usage: bench/wait_table.sh CSV [WORKLOAD [OVERCOMMIT,...]]
#        (default: hot, every overcommit in the CSV)
set -euo pipefail
csv=${1:?usage: bench/wait_table.sh CSV [WORKLOAD [OVERCOMMIT,...]]}
wl=${2:-hot}
over=${3:-}
[ -r "$csv" ] || { echo "wait_table.sh: cannot read '$csv'" >&2; exit 2; }
awk -F, -v wl="$wl" -v over="$over" "$(cat "$(dirname "$0")/csv.awk")"'
NR == 1 {
	for (i = 1; i <= NF; i++) col[$i] = i
	if (!("wait_mean_ns" in col)) {
		print "wait_table.sh: no wait_mean_ns column (an older CSV)" > "/dev/stderr"
		exit 2
	}
	nover = split(over, want, ",")
	next
}
$col["workload"] != wl || $col["status"] != "ok" { next }
{
	o = $col["overcommit"]
	if (nover) {
		keep = 0
		for (i = 1; i <= nover; i++) if (want[i] + 0 == o + 0) keep = 1
		if (!keep) next
	}
	k = $col["variant"] SUBSEP o
	if (!(k in seen)) { seen[k] = 1; order[++nk] = k }
	acq = $col["acquisitions"]
	tput[k] = tput[k] " " $col["acq_per_s"]
	wait[k] = wait[k] " " $col["wait_mean_ns"] / 1000
	blk[k] = blk[k] " " $col["blocked_mean_ns"] / 1000
	wake[k] = wake[k] " " $col["wake_mean_ns"] / 1000
	bpa[k] = bpa[k] " " (acq ? $col["blocks"] / acq : 0)
	ppa[k] = ppa[k] " " (acq ? $col["prewakes"] / acq : 0)
}
END {
	print "| variant | over | acquisitions/s | wait, us | blocked, us | kick to running, us | blocks/acq | pre-wakes/acq |"
	print "| --- | --- | --- | --- | --- | --- | --- | --- |"
	for (i = 1; i <= nk; i++) {
		k = order[i]
		split(k, p, SUBSEP)
		printf "| %s | %s | %.0f | %.1f | %.1f | %.1f | %.2f | %.2f |\n", p[1], p[2],
			median(tput[k]), median(wait[k]), median(blk[k]), median(wake[k]),
			median(bpa[k]), median(ppa[k])
	}
}' "$csv"
