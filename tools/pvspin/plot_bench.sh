#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Plots from a pvspin bench CSV: one PNG per workload, acquisitions/s
# (median over repeats, log scale) against overcommit, a line per variant.
# Usage: plot_bench.sh bench/results/bench-<stamp>.csv
set -eu
csv=$1
if ! command -v gnuplot >/dev/null 2>&1; then
	echo "plot_bench: gnuplot not installed (apt-get install gnuplot-nox); CSV is in $csv" >&2
	exit 1
fi
base=${csv%.csv}
dat=$(mktemp)
trap 'rm -f "$dat" "$dat".*' EXIT

# workload variant overcommit median
awk -F, '
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
	k = $col["workload"] SUBSEP $col["variant"] SUBSEP $col["overcommit"]
	vals[k] = vals[k] " " $col["acq_per_s"]
}
END {
	for (k in vals) {
		n = split(vals[k], v, " ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
				t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
			}
		m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		split(k, p, SUBSEP)
		print p[1], p[2], p[3], m
	}
}' "$csv" | sort -k1,1 -k2,2 -k3,3g >"$dat"

for wl in $(cut -d' ' -f1 "$dat" | sort -u); do
	png=$base-$wl.png
	plots=""
	for var in $(awk -v w="$wl" '$1 == w { print $2 }' "$dat" | sort -u); do
		awk -v w="$wl" -v v="$var" '$1 == w && $2 == v { print $3, $4 }' "$dat" >"$dat.$wl.$var"
		plots="$plots${plots:+, }'$dat.$wl.$var' using 1:2 with linespoints lw 2 title '$var'"
	done
	gnuplot <<-GP
		set terminal pngcairo size 900,560 font ",11"
		set output '$png'
		set title "pvspin bench: workload $wl (median acquisitions/s)"
		set xlabel "overcommit (vCPUs per host CPU)"
		set ylabel "acquisitions per second"
		set logscale y
		set grid
		set key outside right
		plot $plots
	GP
	echo "plot: $png"
done
