#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Plots of a VM benchmark run (bench/vm-bench.sh): one PNG per host and
# workload, one panel per throughput metric (hackbench's messages/s,
# each stress-ng stressor's bogo-ops/s), a bar per config at its median
# over the passed boots, an error bar from the min to the max, and above
# each bar its ratio to the pv config's median.  Each panel has its own
# linear y axis from zero: compare bars within a panel, not across.
#
# Usage: bench/plot_vm_bench.sh bench/results/vm-bench-STAMP.csv
#        (reads vm-bench-STAMP-summary.csv beside it; a -summary.csv
#        itself may be given too).  Writes vm-bench-STAMP-HOST-WORKLOAD.png
#        beside the CSV and prints each file's name.
set -eu

usage() { sed -n '3,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
case ${1:-} in
-h|--help) usage; exit 0 ;;
esac
[ $# = 1 ] || { usage >&2; exit 2; }
case $1 in
*-summary.csv) summary=$1 ;;
*.csv) summary=${1%.csv}-summary.csv ;;
*) echo "plot_vm_bench: '$1': want a vm-bench CSV" >&2; exit 2 ;;
esac
[ -f "$summary" ] || { echo "plot_vm_bench: no $summary (vm-bench.sh writes it)" >&2; exit 1; }
command -v gnuplot >/dev/null 2>&1 || {
	echo "plot_vm_bench: gnuplot not installed (apt-get install gnuplot-nox)" >&2
	exit 1
}
base=${summary%-summary.csv}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The throughput rows, tab-separated: host workload metric unit config
# order n median min max ratio_to_pv vcpus hv_cpus.  "order" puts the
# configs in one fixed order on every panel.
awk "$(cat "$(dirname "$0")/csv.awk")"'
BEGIN {
	OFS = "\t"
	split("pv pv-nosteal pv312 nopvspin nopv qspin qspin-nopvspin stock pv-6.12 pv-nosteal-6.12 pv312-6.12 nopvspin-6.12 nopv-6.12 qspin-6.12 qspin-nopvspin-6.12", o, " ")
	for (i in o) rank[o[i]] = i
}
NR == 1 { for (i = csvsplit($0, h); i > 0; i--) col[h[i]] = i; next }
{
	csvsplit($0, f)
	m = f[col["metric"]]
	if (m !~ /(^|\.)(msgs|ops)_per_s$/) next
	c = f[col["config"]]
	print f[col["host"]], f[col["workload"]], m, f[col["unit"]], c,
	      c in rank ? rank[c] : 99, f[col["n"]], f[col["median"]],
	      f[col["min"]], f[col["max"]], f[col["ratio_to_pv"]],
	      f[col["vcpus"]], f[col["hv_cpus"]]
}' "$summary" >"$tmp/rows"
[ -s "$tmp/rows" ] || { echo "plot_vm_bench: no throughput rows in $summary" >&2; exit 1; }

# One colour per config, the same on every plot (others: grey).
# Linux 6.12 configs take their 6.1 twin's colour (the labels tell them apart).
COLORS="pv 0x1f77b4 pv-nosteal 0xbcbd22 pv312 0x17becf nopvspin 0xff7f0e nopv 0xd62728 qspin 0x9467bd qspin-nopvspin 0x8c564b stock 0x2ca02c"
COLORS="$COLORS $(echo "$COLORS" | awk '{ for (i = 1; i < NF; i += 2) printf "%s-6.12 %s ", $i, $(i + 1) }')"

cut -f1,2 "$tmp/rows" | sort -u | while IFS=$'\t' read -r host wl; do
	png=$base-$host-$wl.png
	awk -F'\t' -v h="$host" -v w="$wl" '$1 == h && $2 == w' "$tmp/rows" >"$tmp/hw"
	metrics=$(cut -f3 "$tmp/hw" | awk '!seen[$0]++')
	np=$(echo "$metrics" | grep -c .)
	cols=$((np < 4 ? np : 4))
	nrows=$(((np + cols - 1) / cols))
	read -r vc hc <<<"$(head -n 1 "$tmp/hw" | cut -f12,13 | tr '\t' ' ')"
	{
		w=$((cols * 330 + 40))
		[ "$w" -ge 560 ] || w=560
		echo "set terminal pngcairo noenhanced size $w,$((nrows * 340 + 70)) font ',10'"
		echo "set output '$png'"
		printf 'set multiplot layout %d,%d title "%s on %s: %s vCPUs on %s CPUs\\n%s" font ",11"\n' \
			"$nrows" "$cols" "$wl" "$host" "$vc" "$hc" \
			"bar: median of the passed boots, whisker: min-max, label: ratio to pv"
		printf '%s\n' 'set datafile separator "\t"'
		echo "set style fill solid 0.85 border -1"
		echo "set boxwidth 0.7"
		echo "set grid ytics"
		echo "unset key"
		echo "set yrange [0:*]"
		echo "set offsets 0.5, 0.5, graph 0.12, 0"
		echo "set format y '%.1s%c'"
		echo "set xtics nomirror rotate by -30 left"
		i=0
		for m in $metrics; do
			i=$((i + 1))
			# One line per config: label, colour, median, min, max,
			# ratio label.  A config with no passed boot gets an
			# empty bar and says so.
			awk -F'\t' -v m="$m" '$3 == m' "$tmp/hw" | sort -t$'\t' -k6,6n |
				awk -F'\t' -v OFS='\t' -v colors="$COLORS" '
				BEGIN {
					n = split(colors, c, " ")
					for (i = 1; i < n; i += 2) rgb[c[i]] = c[i + 1]
				}
				{
					col = $5 in rgb ? rgb[$5] : "0x7f7f7f"
					if ($8 == "")
						print $5 " (none ok)", col, 0, 0, 0, "failed"
					else
						print $5 " (n=" $7 ")", col, $8, $9, $10,
						      $11 == "" ? "" : sprintf("%.2fx", $11)
				}' >"$tmp/p$i"
			echo "set title '$m'"
			echo "set ylabel '$(awk -F'\t' -v m="$m" '$3 == m { print $4; exit }' "$tmp/hw")'"
			echo "plot '$tmp/p$i' using 0:3:2:xtic(1) with boxes lc rgb variable, \\"
			# min-max as the whiskers of a candlestick of zero height
			echo "     '' using 0:3:4:5:3 with candlesticks whiskerbars 0.4 fs empty lc rgb 'black' lw 1.2, \\"
			echo "     '' using 0:5:6 with labels offset 0,0.8 font ',9'"
		done
		echo "unset multiplot"
	} >"$tmp/plot.gp"
	gnuplot -d "$tmp/plot.gp"
	echo "plot: $png"
done
