#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The pvspin command line, in TAP: bad values are named and exit 2, --help
# documents every option, a short run prints the counters and a CSV row.
# Usage: cli_test.sh PVSPIN_BINARY
set -u
bin=${1:-build/release/pvspin}
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }

# expect_usage_error "description" "text the message must contain" args...
expect_usage_error() {
	local what=$1 want=$2 err code
	shift 2
	err=$("$bin" "$@" 2>&1 >/dev/null)
	code=$?
	if [[ $code -eq 2 && $err == *"$want"* ]]; then
		ok "$what # exit 2: ${err%%$'\n'*}"
	else
		nok "$what # exit $code: $err"
	fi
}

echo "1..30"
expect_usage_error "no command" "no command" 
expect_usage_error "unknown command" "'frobnicate'" frobnicate
expect_usage_error "vcpus 0" "'0'" run --vcpus 0
expect_usage_error "vcpus not a number" "'eight'" run --vcpus eight
expect_usage_error "unknown lock" "'bogus'" run --lock bogus
expect_usage_error "unknown host" "'hyperv'" run --host hyperv
expect_usage_error "pcpus above the host" "'9999'" run --pcpus 9999
expect_usage_error "negative seconds" "'-1'" run --seconds -1
expect_usage_error "unknown option" "'--frob'" run --frob
expect_usage_error "option without its value" "option '--vcpus' needs a value" run --vcpus
expect_usage_error "bench: option without its value" "option '--outdir' needs a value" bench --outdir
expect_usage_error "clock: option without its value" "option '--seconds' needs a value" clock --seconds
expect_usage_error "ple not a number" "'4k'" run --ple 4k
expect_usage_error "bench: ple not a number" "'-5'" bench --ple -5 --outdir /tmp
expect_usage_error "duplicate APIC IDs" "APIC ID 5" run --vcpus 2 --apic-ids 5,5
expect_usage_error "vCPUs above the image's NR_CPUS" "CONFIG_NR_CPUS=64" run --vcpus 100 --lock pv

help=$("$bin" --help)
missing=""
for opt in $(grep -oP '^\t\{ "\K[a-z-]+' tools/pvspin/pvspin.c); do
	[[ $help == *"--$opt"* ]] || missing="$missing --$opt"
done
if [[ $? -eq 0 && -z $missing ]]; then
	ok "--help documents every option"
else
	nok "--help documents every option # missing:$missing"
fi

out=$("$bin" run --vcpus 4 --pcpus 1 --seconds 0.5 --spin-threshold 500 2>/dev/null)
code=$?
want="taken_slow: taken_slow_pickup: taken_slow_spurious: released_slow: released_slow_kicked: time_blocked: histo_blocked: acquisitions/s: per-vCPU: guest: errors: 0"
missing=""
for w in $want; do [[ $out == *"$w"* ]] || missing="$missing $w"; done
if [[ $code -eq 0 && -z $missing ]]; then
	ok "run prints the log line, counters, throughput, spread"
else
	nok "run prints the log line, counters, throughput, spread # exit $code, missing:$missing"
fi

csv=$("$bin" run --vcpus 2 --pcpus 1 --seconds 0.3 --csv 2>/dev/null)
lines=$(printf '%s\n' "$csv" | wc -l)
hcols=$(printf '%s\n' "$csv" | head -1 | awk -F, '{ print NF }')
rcols=$(printf '%s\n' "$csv" | sed -n 2p | awk -F, '{ print NF }')
if [[ $lines -eq 2 && $hcols -eq $rcols && $csv == lock,host,vcpus,pcpus* ]]; then
	ok "--csv: one header, one row, $hcols columns"
else
	nok "--csv: $lines lines, header $hcols columns, row $rcols"
fi

out=$("$bin" run --host xen --vcpus 4 --pcpus 1 --seconds 0.3 --cmdline xen_nopvspin 2>/dev/null)
if [[ $out == *'xen: ticket spinlocks: native, PV off: "xen_nopvspin"'* && $out == *"deprecated"* && $out == *"taken_slow: 0"* ]]; then
	ok "--host xen --cmdline xen_nopvspin: off, deprecation logged"
else
	nok "--host xen --cmdline xen_nopvspin # $out"
fi

out=$("$bin" run --vcpus 4 --pcpus 1 --seconds 0.3 --cmdline nopvspin 2>/dev/null)
if [[ $out == *'PV off: "nopvspin"'* && $out == *"taken_slow: 0"* ]]; then
	ok "--cmdline nopvspin: the log says so, no slow path"
else
	nok "--cmdline nopvspin # $out"
fi

# pvspin bench: bad input is refused before anything runs, nothing left behind
tmpd=$(mktemp -d)
expect_usage_error "bench: unknown variant" "'bogus'" bench --variants pv-kvm,bogus --outdir "$tmpd"
expect_usage_error "bench: unknown workload" "'nope'" bench --workloads nope --outdir "$tmpd"
expect_usage_error "bench: overcommit 0" "'0'" bench --overcommit 1,0 --outdir "$tmpd"
expect_usage_error "bench: overcommit giving 0 vCPUs" "0 vCPUs" bench --overcommit 0.1 --pcpus 1 --outdir "$tmpd"
expect_usage_error "bench: pcpus above the host" "'9999'" bench --pcpus 9999 --outdir "$tmpd"
expect_usage_error "bench: results directory not writable" "/etc/passwd" bench --outdir /etc/passwd
expect_usage_error "bench: unknown option" "'--frob'" bench --frob
if [[ -z $(ls -A "$tmpd") ]]; then
	ok "bench: refused runs left nothing in the results directory"
else
	nok "bench: refused runs left files: $(ls -A "$tmpd")"
fi
out=$("$bin" bench --no-fastpath --no-plot --variants native,pv-kvm --workloads hot \
	--overcommit 1,2 --repeats 1 --seconds 0.2 --pcpus 1 --outdir "$tmpd" 2>/dev/null)
code=$?
csv=$(ls "$tmpd"/bench-*.csv 2>/dev/null | head -1)
rows=$([[ -n $csv ]] && tail -n +2 "$csv" | wc -l)
cols=$([[ -n $csv ]] && awk -F, '{ print NF }' "$csv" | sort -u | wc -l)
if [[ $code -eq 0 && $rows -eq 4 && $cols -eq 1 && -z $(ls "$tmpd"/*.tmp 2>/dev/null) && $out == *"ratio to native ticket"* ]]; then
	ok "bench: 4 runs, 4 CSV rows of one shape, summary with ratios"
else
	nok "bench: exit $code, $rows rows, $cols row shapes, csv '$csv'"
fi
rm -rf "$tmpd"
