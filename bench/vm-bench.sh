#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM benchmark: real Linux 6.1 (and 6.12) guests with each spinlock, booted
# one after another by tools/linux/run-guest.sh under each host, running
# hackbench and stress-ng's lock-heavy stressors.
#
# Usage: bench/vm-bench.sh [options]
#   --hosts LIST      xen-dom0,xen-domu,tcg (default; kvm also accepted)
#   --configs LIST    what runs in the guest (default: all; qspin only
#                     if built, the others must be):
#                       pv        the project's ticket lock, PV on
#                       pv-nosteal  the same kernel without lock stealing
#                                 (pvspin_steal=0)
#                       pv312     the same kernel, Linux 3.12's spin policy
#                                 (pvspin_policy=3.12)
#                       nopvspin  the same kernel booted with nopvspin
#                       nopv      ticket lock built without PARAVIRT_SPINLOCKS
#                       stock     Debian's 6.1 kernel: qspinlock, PV slow path
#                       qspin     the trimmed tree with qspinlock (if built)
#                       qspin-nopvspin  the same qspin kernel booted with
#                                 nopvspin (if built)
#                     and, named only (not in the default list), the same
#                     on Linux 6.12 (build-kernel.sh --kernel 6.12):
#                       pv-6.12, pv-nosteal-6.12, pv312-6.12,
#                       nopvspin-6.12, nopv-6.12, qspin-6.12,
#                       qspin-nopvspin-6.12
#   --workloads LIST  hackbench,stressng (default both; one boot each)
#   --repeats N       boots per (host, config, workload) (default 3)
#   --secs N          stress-ng seconds per stressor (default 10)
#   --vcpus N|H=N,..  vCPUs of the guest that runs the workload, for every
#                     host or per host (default tcg=4x, xen-dom0=2x,
#                     xen-domu=4x the host's CPUs)
#   --pcpus N         CPUs of the machine Xen runs on: its physical CPUs
#                     (default: the host's CPUs)
#   --set [H:]W.KEY=VAL  a parameter of workload W's test, for every
#                     host or for host H only, e.g. hackbench.fds=5,
#                     xen-domu:hackbench.loops=4, stressng.stressors=futex,pipe
#                     (repeatable; see tools/linux/initramfs/tests/W.sh).
#                     hackbench's default size is per host: the test's
#                     own (200 loops) under tcg, loops=5 in dom0, loops=1
#                     in the domU, where system calls cost far more
#   --dom0-kernel K   dom0's kernel for xen-domu (default: the pv kernel,
#                     else the stock one); the same for every config
#   --timeout S       stop a boot after S seconds (default: run-guest's)
#   --quick           the smallest meaningful run: 1 repeat, short tests
#   --out DIR         where the CSVs and plots go (default build/vm-bench;
#                     bench/results holds the runs the README cites)
#   --no-plot         do not call bench/plot_vm_bench.sh at the end
#   --dry-run         print the boots, run nothing
#   -h, --help
#
# Boots are interleaved: each repeat visits every host, workload and
# config once, and the config order rotates from repeat to repeat, so
# slow drift of this shared machine falls on every config alike.
# Before each boot the script waits until no other QEMU runs.
#
# Writes OUT/vm-bench-STAMP.csv (a row per boot and metric, appended as
# each boot ends), OUT/vm-bench-STAMP-summary.csv (medians and same-run
# ratios) and the plots; serial logs go to build/linux/logs/vm-bench-STAMP/.
# Progress on stderr, a summary table on stdout.  Exit status: 0 all
# boots passed, 1 some failed, 2 bad arguments, 130 interrupted.
# VM_BENCH_RUN_GUEST=PATH boots with PATH instead of run-guest.sh (to
# test this script against a stand-in).

# The whole script is one compound command: bash parses all of it before
# running any, so editing this file during a sweep cannot change it.
{
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=SCRIPTDIR/../tools/linux/lib.sh
. "$top/tools/linux/lib.sh"
linux=$top/build/linux
run_guest=${VM_BENCH_RUN_GUEST:-$top/tools/linux/run-guest.sh}
tests_dir=$top/tools/linux/initramfs/tests

usage() { sed -n '3,/^$/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
say() { echo "vm-bench: $*" >&2; }
bad() { say "$*"; exit 2; }

ALL_HOSTS="xen-dom0 xen-domu tcg"
KNOWN_HOSTS="xen-dom0 xen-domu tcg kvm"
ALL_CONFIGS="pv pv-nosteal pv312 nopvspin nopv stock qspin qspin-nopvspin"
CONFIGS_612="pv-6.12 pv-nosteal-6.12 pv312-6.12 nopvspin-6.12 nopv-6.12 qspin-6.12 qspin-nopvspin-6.12"
ALL_WORKLOADS="hackbench stressng"

host_cpus=$(nproc)
hosts='' configs='' workloads='' repeats=3 secs=10 vcpus_opt='' pcpus=''
dom0_kernel='' timeout='' quick=0 out=$top/build/vm-bench plot=1 dry=0
sets=()
while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) usage; exit 0 ;;
	--quick) quick=1; shift; continue ;;
	--dry-run) dry=1; shift; continue ;;
	--no-plot) plot=0; shift; continue ;;
	--*=*) set -- "${1%%=*}" "${1#*=}" "${@:2}" ;;
	esac
	case $1 in
	--hosts|--configs|--workloads|--repeats|--secs|--vcpus|--pcpus|--set|\
	--dom0-kernel|--timeout|--out)
		[ $# -ge 2 ] || bad "$1 needs a value (try --help)" ;;
	*) bad "unknown argument '$1' (try --help)" ;;
	esac
	case $1 in
	--hosts) hosts=$2 ;;
	--configs) configs=$2 ;;
	--workloads) workloads=$2 ;;
	--repeats) repeats=$2; repeats_set=1 ;;
	--secs) secs=$2; secs_set=1 ;;
	--vcpus) vcpus_opt=$2 ;;
	--pcpus) pcpus=$2 ;;
	--set) sets+=("$2") ;;
	--dom0-kernel) dom0_kernel=$2 ;;
	--timeout) timeout=$2 ;;
	--out) out=$2 ;;
	esac
	shift 2
done

# ---- arguments -------------------------------------------------------

# pick OPTION VALUE KNOWN: VALUE's comma-separated words, each in KNOWN
pick() {
	local w list=''
	for w in $(echo "$2" | tr ',' ' '); do
		case " $3 " in
		*" $w "*) ;;
		*) bad "$1: unknown value '$w' (want some of: $(echo "$3" | tr ' ' ','))" ;;
		esac
		case " $list " in *" $w "*) continue ;; esac
		list="$list${list:+ }$w"
	done
	[ -n "$list" ] || bad "$1 '$2': empty list"
	echo "$list"
}

# --quick: one repeat, one short in-guest hackbench run (sizes below),
# 3 s per stressor; explicit options still win.
if [ "$quick" = 1 ]; then
	[ -n "${repeats_set:-}" ] || repeats=1
	[ -n "${secs_set:-}" ] || secs=3
fi

posint --repeats "$repeats"
posint --secs "$secs"
[ -z "$pcpus" ] || posint --pcpus "$pcpus"
[ -n "$pcpus" ] || pcpus=$host_cpus
[ -z "$timeout" ] || posint --timeout "$timeout"
hosts=$(pick --hosts "${hosts:-$ALL_HOSTS}" "$KNOWN_HOSTS")
workloads=$(pick --workloads "${workloads:-$ALL_WORKLOADS}" "$ALL_WORKLOADS")
configs_given=${configs:+1}
configs=$(pick --configs "${configs:-$ALL_CONFIGS}" "$ALL_CONFIGS $CONFIGS_612")
for w in $workloads; do
	[ -f "$tests_dir/$w.sh" ] || bad "--workloads '$w': no $tests_dir/$w.sh"
done

# vCPUs of the workload's guest: a default per host, then --vcpus.
declare -A vcpus
vcpus[tcg]=$((4 * host_cpus))
vcpus[kvm]=$((4 * host_cpus))
vcpus[xen-dom0]=$((2 * host_cpus))
vcpus[xen-domu]=$((4 * host_cpus))
if [ -n "$vcpus_opt" ]; then
	case $vcpus_opt in
	*=*)
		for hv in $(echo "$vcpus_opt" | tr ',' ' '); do
			h=${hv%%=*} n=${hv#*=}
			case " $KNOWN_HOSTS " in
			*" $h "*) ;;
			*) bad "--vcpus: unknown host '$h' in '$hv'" ;;
			esac
			posint "--vcpus $h" "$n"
			vcpus[$h]=$n
		done ;;
	*)
		posint --vcpus "$vcpus_opt"
		for h in $KNOWN_HOSTS; do vcpus[$h]=$vcpus_opt; done ;;
	esac
fi
for h in $hosts; do
	[ "${vcpus[$h]}" -le 64 ] ||
		bad "--vcpus ${vcpus[$h]} for $h: the project's kernels have NR_CPUS=64"
done

# Test parameters for each host and workload, as "key=value" words.
# hackbench is sized per host.  In a Xen PV domain every system call
# and return passes through the hypervisor and switches page tables,
# and under TCG that makes hackbench some 300 times slower than in a
# plain TCG guest.  Smoke runs on a 2-CPU host: 160000 messages in 4.5 s
# in an 8-vCPU TCG guest; 800 in 8.5 s (PV on) and 2.3 s (nopvspin) in a
# 4-vCPU dom0 on 2 pCPUs; 800 in 43 s in an 8-vCPU domU (PV on, a kernel
# build alongside).  The Xen sizes keep an in-guest run under a minute.
declare -A params
for h in $KNOWN_HOSTS; do
	params[$h:stressng]="secs=$secs"
	case $h:$quick in
	xen-dom0:0) params[$h:hackbench]="loops=5" ;;	# 2000 msgs at 4 vCPUs
	xen-domu:0) params[$h:hackbench]="loops=1" ;;	# 800 msgs at 8 vCPUs
	xen-dom0:1) params[$h:hackbench]="loops=2 runs=1" ;;
	xen-domu:1) params[$h:hackbench]="loops=1 runs=1" ;;
	*:0) params[$h:hackbench]='' ;;	# the test's: 200 loops, 3 runs
	*:1) params[$h:hackbench]="loops=50 runs=1" ;;
	esac
done
setparam() { # HOST WORKLOAD KEY VALUE
	local p kept=''
	for p in ${params[$1:$2]}; do
		[ "${p%%=*}" = "$3" ] || kept="$kept${kept:+ }$p"
	done
	params[$1:$2]="$kept${kept:+ }$3=$4"
}
# --set [HOST:]WORKLOAD.KEY=VALUE: for every host first, then per host.
for pass in all host; do
	for s in ${sets[@]+"${sets[@]}"}; do
		case $s in
		*.*=*) ;;
		*) bad "--set '$s': want [HOST:]WORKLOAD.KEY=VALUE" ;;
		esac
		only=''
		case ${s%%.*} in
		*:*) only=${s%%:*} s=${s#*:} ;;
		esac
		if [ "$pass" = all ]; then
			[ -z "$only" ] || continue
		else
			[ -n "$only" ] || continue
		fi
		w=${s%%.*} kv=${s#*.}
		k=${kv%%=*} v=${kv#*=}
		case " $KNOWN_HOSTS " in
		*" ${only:-tcg} "*) ;;
		*) bad "--set '$only:$s': unknown host '$only'" ;;
		esac
		case " $ALL_WORKLOADS " in
		*" $w "*) ;;
		*) bad "--set '$s': unknown workload '$w'" ;;
		esac
		case $k in
		''|*[!A-Za-z0-9_]*) bad "--set '$s': bad key '$k'" ;;
		esac
		case $v in
		''|*[[:space:]\"]*) bad "--set '$s': the value may not be empty or hold blanks or quotes" ;;
		esac
		for h in ${only:-$KNOWN_HOSTS}; do
			setparam "$h" "$w" "$k" "$v"
		done
	done
done

# ---- kernels ---------------------------------------------------------

# A project kernel counts as built once build-kernel.sh copied its
# bzImage out (it does so after vmlinux and the modules are done).
built() { [ -f "${2:-$linux}/$1/bzImage" ] && [ -f "${2:-$linux}/$1/vmlinux" ]; }
# A config's kernel tree: a "-6.12" suffix runs Linux 6.12, the rest 6.1.
linux_of() {
	case $1 in
	*-6.12) echo "$top/build/linux-6.12" ;;
	*) echo "$linux" ;;
	esac
}
stock_image() { # ELF|BZ: the stock kernel fetch-debs.sh unpacked
	local f
	if [ "$1" = ELF ]; then
		for f in "$linux"/debs/root/boot/vmlinux-6.1.0-*-amd64; do
			[ -f "$f" ] && { echo "$f"; return; }
		done
	fi
	for f in "$linux"/debs/root/boot/vmlinuz-6.1.0-*-amd64; do
		[ -f "$f" ] && { echo "$f"; return; }
	done
}
# kernel_of CONFIG HOST: the image to boot.  Xen starts a PV kernel from
# its ELF vmlinux, which is faster than unpacking a bzImage; QEMU's
# -kernel wants the bzImage (the trimmed kernels have no PVH entry).
kernel_of() {
	local v l
	l=$(linux_of "$1")
	case ${1%-6.12} in
	pv|pv-nosteal|pv312|nopvspin) v=pv ;;
	nopv) v=nopv ;;
	qspin|qspin-nopvspin) v=qspin ;;
	stock)
		case $2 in
		xen-*) stock_image ELF ;;
		*) stock_image BZ ;;
		esac
		return ;;
	esac
	built "$v" "$l" || return 0
	case $2 in
	xen-*) echo "$l/$v/vmlinux" ;;
	*) echo "$l/$v/bzImage" ;;
	esac
}
modules_of() { # CONFIG: a project kernel's modules tree, if any
	local v l
	l=$(linux_of "$1")
	case ${1%-6.12} in
	pv|pv-nosteal|pv312|nopvspin) v=pv ;;
	nopv|qspin) v=${1%-6.12} ;;
	qspin-nopvspin) v=qspin ;;
	*) return 0 ;;
	esac
	[ ! -d "$l/$v/modules" ] || echo "$l/$v/modules"
}
cmdline_of() { # CONFIG
	case ${1%-6.12} in
	nopvspin|qspin-nopvspin) echo nopvspin ;;
	pv312) echo pvspin_policy=3.12 ;;
	pv-nosteal) echo pvspin_steal=0 ;;
	*) echo '' ;;
	esac
}
build_hint() {
	local k=''
	case $1 in *-6.12) k='--kernel 6.12 ' ;; esac
	case ${1%-6.12} in
	stock) echo "tools/linux/fetch-debs.sh" ;;
	pv|pv-nosteal|pv312|nopvspin) echo "tools/linux/build-kernel.sh ${k}--variant pv" ;;
	qspin-nopvspin) echo "tools/linux/build-kernel.sh ${k}--variant qspin" ;;
	*) echo "tools/linux/build-kernel.sh ${k}--variant ${1%-6.12}" ;;
	esac
}

# Every config needs its kernel, except the qspin ones when not asked for by name
# (the sweep then runs without it).  A dry run lists them all anyway.
kept=''
for c in $configs; do
	missing=0
	for h in $hosts; do
		[ -n "$(kernel_of "$c" "$h")" ] || missing=1
	done
	if [ "$missing" = 1 ] && [ -z "$configs_given" ] &&
	   { [ "$c" = qspin ] || [ "$c" = qspin-nopvspin ]; }; then
		continue
	elif [ "$missing" = 1 ] && [ "$dry" = 0 ]; then
		bad "config '$c': no kernel (run $(build_hint "$c"), or leave it out with --configs)"
	elif [ "$missing" = 1 ]; then
		say "config $c: no kernel yet (run $(build_hint "$c"))"
	fi
	kept="$kept${kept:+ }$c"
done
configs=$kept

if [ -n "$dom0_kernel" ]; then
	[ -f "$dom0_kernel" ] || bad "--dom0-kernel '$dom0_kernel': no such file"
elif built pv; then
	dom0_kernel=$linux/pv/vmlinux
else
	dom0_kernel=$(stock_image ELF)
fi
dom0_modules=''
case $dom0_kernel in
"$linux"/pv/vmlinux) dom0_modules=$(modules_of pv) ;;
esac

rel() { echo "${1#"$top"/}"; } # a path as the CSV shows it

# ---- the plan --------------------------------------------------------

# One line per boot: repeat host workload config.  Each repeat visits
# everything once; the config order rotates by one per repeat.
read -r -a cfg_arr <<<"$configs"
ncfg=${#cfg_arr[@]}
plan=()
for ((r = 1; r <= repeats; r++)); do
	for h in $hosts; do
		for w in $workloads; do
			for ((i = 0; i < ncfg; i++)); do
				plan+=("$r $h $w ${cfg_arr[$(((i + r - 1) % ncfg))]}")
			done
		done
	done
done
total=${#plan[@]}

hv_cpus_of() { # HOST: the CPUs the vCPUs' scheduler has
	case $1 in
	xen-*) echo "$pcpus" ;;
	*) echo "$host_cpus" ;;
	esac
}

# guest_args HOST CONFIG WORKLOAD: run-guest's arguments, one a line.
guest_args() {
	local h=$1 c=$2 w=$3 k p cl
	k=$(kernel_of "$c" "$h")
	printf '%s\n' --host "$h" --kernel "${k:-MISSING-$c-kernel}" --test "$w"
	p=$(modules_of "$c")
	[ -z "$p" ] || printf '%s\n' --modules "$p"
	case $h in
	tcg|kvm)
		printf '%s\n' --vcpus "${vcpus[$h]}" ;;
	xen-dom0)
		# The machine gets pcpus CPUs and dom0 more vCPUs than that:
		# a later dom0_max_vcpus overrides run-guest's (one per CPU).
		printf '%s\n' --vcpus "$pcpus" \
			--xen-cmdline "dom0_max_vcpus=${vcpus[$h]}" ;;
	xen-domu)
		printf '%s\n' --vcpus "$pcpus" --domu-vcpus "${vcpus[$h]}" \
			--dom0-kernel "$dom0_kernel"
		[ -z "$dom0_modules" ] || printf '%s\n' --dom0-modules "$dom0_modules" ;;
	esac
	cl=$(cmdline_of "$c")
	[ -z "$cl" ] || printf '%s\n' --cmdline "$cl"
	for p in ${params[$h:$w]}; do
		printf '%s\n' --param "$p"
	done
	[ -z "$timeout" ] || printf '%s\n' --timeout "$timeout"
	return 0
}

# Seconds a boot is expected to take, before one of its kind has run:
# boot (the design brief's figures, plus the initramfs) and the test.
prior_secs() { # HOST WORKLOAD
	local base work n
	case $1 in
	tcg|kvm) base=30 ;;
	xen-dom0) base=60 ;;
	xen-domu) base=150 ;;
	esac
	case $1:$2 in
	tcg:hackbench|kvm:hackbench) work=60 ;;
	*:hackbench) work=240 ;;
	*:stressng)
		n=4
		for p in ${params[$1:stressng]}; do
			case $p in
			stressors=*) n=$(echo "${p#*=}" | tr ',' '\n' | grep -c .) ;;
			esac
		done
		# Under Xen a stressor overruns its time about twofold.
		case $1 in
		xen-*) work=$((2 * n * secs + 10)) ;;
		*) work=$((n * secs + 10)) ;;
		esac ;;
	esac
	echo $((base + work))
}
hms() { # SECS as 1h02m, 3m05s, 42s
	local s=$1
	if [ "$s" -ge 3600 ]; then
		printf '%dh%02dm' $((s / 3600)) $((s % 3600 / 60))
	elif [ "$s" -ge 60 ]; then
		printf '%dm%02ds' $((s / 60)) $((s % 60))
	else
		printf '%ds' "$s"
	fi
}

say "$total boots: hosts {$hosts} x configs {$configs} x workloads {$workloads} x $repeats repeats"
for h in $hosts; do
	case $h in
	xen-dom0) note=" (QEMU -smp $pcpus on $host_cpus host CPUs)" ;;
	xen-domu) note=" (QEMU -smp $pcpus on $host_cpus host CPUs; dom0: $(rel "$dom0_kernel"))" ;;
	*) note='' ;;
	esac
	say "  $h: ${vcpus[$h]} vCPUs on $(hv_cpus_of "$h") CPUs$note"
	for w in $workloads; do
		say "    $w: ${params[$h:$w]:-the defaults of tests/$w.sh}"
	done
done

if [ "$dry" = 1 ]; then
	eta=0
	for ((n = 0; n < total; n++)); do
		read -r r h w c <<<"${plan[$n]}"
		mapfile -t args < <(guest_args "$h" "$c" "$w")
		printf '[%d/%d] repeat %d %s %s %s:' $((n + 1)) "$total" "$r" "$h" "$c" "$w"
		printf ' %q' "$(rel "$run_guest")" "${args[@]//"$top"\//}"
		printf '\n'
		eta=$((eta + $(prior_secs "$h" "$w")))
	done
	say "dry run: $total boots, about $(hms "$eta") by the prior estimates"
	exit 0
fi

[ -x "$run_guest" ] || bad "$run_guest: not there or not executable"

# ---- output ----------------------------------------------------------

stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out" || bad "--out '$out': cannot create"
out=$(cd "$out" && pwd)
csv=$out/vm-bench-$stamp.csv
summary=$out/vm-bench-$stamp-summary.csv
logdir=$linux/logs/vm-bench-$stamp
mkdir -p "$logdir"

echo "timestamp,host,config,kernel,release,cmdline,dom0_kernel,vcpus,hv_cpus,host_cpus,overcommit,workload,params,repeat,metric,value,unit,status,rc,boot_s,lock,lock_log,counters,taken_slow,released_slow_kicked,time_blocked,other_qemu,other_cpu_pct,log" >"$csv"

# csvq FIELD: FIELD, quoted for CSV when it holds a comma, quote or blank.
csvq() {
	case $1 in
	*[,\"\ ]*) local s="${1//'"'/'""'}"; printf '"%s"' "$s" ;;
	*) printf '%s' "$1" ;;
	esac
}
# csvrow FIELD...: one CSV line.
csvrow() {
	local sep=''
	for f in "$@"; do
		printf '%s' "$sep"
		csvq "$f"
		sep=,
	done
	printf '\n'
}

# csvsplit() and csvq() for the awk programs below.
AWK_CSV=$(cat "$here/csv.awk")

# metric_unit WORKLOAD KEY: "metric unit" for a result key that makes a
# row; nothing for the keys that only echo the parameters.
metric_unit() {
	case $1:$2 in
	*:test.wall_s) echo "test.wall_s s" ;;
	hackbench:hackbench.msgs_per_s) echo "msgs_per_s msgs/s" ;;
	hackbench:hackbench.time_s.*) echo "${2#hackbench.} s" ;;
	stressng:stressng.wall_s) echo "wall_s s" ;;
	stressng:stressng.*.ops_per_s) echo "${2#stressng.} bogo-ops/s" ;;
	stressng:stressng.*.ops_per_cpu_s) echo "${2#stressng.} bogo-ops/cpu-s" ;;
	stressng:stressng.*.bogo_ops) echo "${2#stressng.} bogo-ops" ;;
	stressng:stressng.*.wall_s|stressng:stressng.*.usr_s|stressng:stressng.*.sys_s)
		echo "${2#stressng.} s" ;;
	esac
}
# is_param_key WORKLOAD KEY: the "as run" keys, for the params column.
is_param_key() {
	case $1:$2 in
	hackbench:hackbench.groups|hackbench:hackbench.fds|\
	hackbench:hackbench.loops|hackbench:hackbench.datasize|\
	hackbench:hackbench.mode|hackbench:hackbench.pipe|\
	hackbench:hackbench.runs|hackbench:hackbench.tasks|\
	hackbench:hackbench.msgs|stressng:stressng.stressors|\
	stressng:stressng.instances|stressng:stressng.secs) return 0 ;;
	esac
	return 1
}

# lock_lines LOG HOST: what the guest kernel said about its spinlocks
# while booting (the project's one-line report, Linux's PV lock lines),
# timestamps off, joined with " | ".  For xen-domu, the domU's only.
lock_lines() {
	local pre=''
	[ "$2" != xen-domu ] || pre='domU: '
	[ -f "$1" ] || return 0
	LC_ALL=C sed -n "s/^${pre}\\(\\[ *[0-9.]*\\] \\)\\{0,1\\}//p" "$1" |
		LC_ALL=C grep -a -i 'spinlock' |
		LC_ALL=C grep -a -v -e '^PVTEST' -e '^domU: ' -e 'spinlock event irq' |
		head -n 4 | tr -d '\r' | paste -s -d '|' - | sed 's/|/ | /g'
}
# lock_kind LINES: which lock those lines say the guest ran.
lock_kind() {
	case $1 in
	*"ticket spinlocks: paravirt"*) echo ticket-pv ;;
	*"ticket spinlocks: native"*) echo ticket-native ;;
	*"ticket spinlocks: test-and-set"*) echo ticket-tas ;;
	*"PV spinlocks disabled"*) echo qspinlock-native ;;
	*"PV spinlocks enabled"*|*"PV qspinlock hash table"*) echo qspinlock-pv ;;
	*) echo unknown ;;
	esac
}

# host_busy: CPU time the host has spent busy since it booted, in clock
# ticks (user, nice, system, irq, softirq, steal of /proc/stat).
clk_tck=$(getconf CLK_TCK)
host_busy() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}
# children_cpu VAR: CPU seconds of this script's finished children
# (their children included, as each waits for its own), from the shell's
# times, into VAR.  times must run in this shell: in a $( ) subshell it
# would report the subshell's own children, that is none.
times_file=$(mktemp "${TMPDIR:-/tmp}/vm-bench-times.XXXXXX")
children_cpu() {
	times > "$times_file"
	printf -v "$1" '%s' "$(awk 'NR == 2 {
		for (i = 1; i <= 2; i++) {
			split($i, t, "m"); sub(/s$/, "", t[2]); s += t[1] * 60 + t[2]
		}
		print s
	}' "$times_file")"
}

# other_qemu CHILD: 1 if a QEMU runs that CHILD did not start.
other_qemu() {
	local p pp
	for p in $(pgrep -f qemu-system || true); do
		pp=$(ps -o ppid= -p "$p" 2>/dev/null | tr -d ' ') || continue
		[ -z "$pp" ] || [ "$pp" = "$1" ] || { echo 1; return; }
	done
	echo 0
}

# ---- interrupts ------------------------------------------------------

child='' interrupted=0
# shellcheck disable=SC2317	# run by the traps
# stop_child: end the running boot.  run-guest stops its QEMU on TERM;
# a QEMU of its that is still alive after that is killed by its id.
stop_child() {
	local q p n=0
	[ -n "$child" ] || return 0
	q=$(pgrep -P "$child" -f qemu-system || true)
	kill -TERM "$child" 2>/dev/null || true
	while kill -0 "$child" 2>/dev/null && [ $((n += 1)) -le 60 ]; do
		sleep 0.5
	done
	kill -KILL "$child" 2>/dev/null || true
	wait "$child" 2>/dev/null || true
	for p in $q; do
		kill -KILL "$p" 2>/dev/null || true
	done
	child=''
}
# shellcheck disable=SC2317	# run by the traps
on_signal() {
	[ "$interrupted" = 1 ] || say "interrupted: stopping the running boot, keeping the rows done"
	interrupted=1
	stop_child
}
trap on_signal INT TERM HUP
trap 'stop_child; rm -f "$times_file"' EXIT

# ---- one boot --------------------------------------------------------

# The boot being recorded: set by the loop below, read by the helpers.
b_results='' b_status='' b_fields=()

# getv KEY-REGEX: the last value of a PVTEST key of this boot.
getv() { printf '%s\n' "$b_results" | sed -n "s/^$1=//p" | tail -n 1; }

# row_status METRIC: the boot's status; a stressor that failed in a boot
# that otherwise passed marks its own rows.
row_status() {
	local s
	case $w:$1 in
	stressng:*.*)
		s=$(getv "stressng\\.${1%%.*}\\.rc")
		if [ "$b_status" = ok ] && [ -n "$s" ] && [ "$s" != 0 ]; then
			echo fail
			return
		fi ;;
	esac
	echo "$b_status"
}

# record: append this boot's rows to the CSV (one with an empty metric
# if the boot left no results).  The columns, in order:
#   timestamp..params from b_fields[0..12], repeat, metric, value, unit,
#   status, then b_fields[13..].
record() {
	local key val mu st rows=0
	while IFS='=' read -r key val; do
		[ -n "$key" ] || continue
		mu=$(metric_unit "$w" "$key")
		[ -n "$mu" ] || continue
		st=$(row_status "${mu% *}")
		[ -n "$val" ] || [ "$st" != ok ] || st=empty
		csvrow "${b_fields[@]:0:13}" "$r" "${mu% *}" "$val" "${mu#* }" \
			"$st" "${b_fields[@]:13}"
		rows=$((rows + 1))
	done <<<"$b_results"
	[ "$rows" -gt 0 ] ||
		csvrow "${b_fields[@]:0:13}" "$r" '' '' '' "$b_status" "${b_fields[@]:13}"
}

# ---- boots -----------------------------------------------------------

declare -A spent count
failed=0 done_boots=0
t_start=$(date +%s)
for ((n = 0; n < total; n++)); do
	[ "$interrupted" = 0 ] || break
	read -r r h w c <<<"${plan[$n]}"
	kernel=$(kernel_of "$c" "$h")
	cl=$(cmdline_of "$c")
	mapfile -t args < <(guest_args "$h" "$c" "$w")
	v=${vcpus[$h]} hc=$(hv_cpus_of "$h")
	log=$logdir/$(printf '%03d' $((n + 1)))-$h-$c-$w-r$r.log

	# One QEMU at a time on this machine: wait for anyone else's.
	waited=0
	while [ "$interrupted" = 0 ] && pgrep -f qemu-system >/dev/null; do
		[ $((waited % 60)) != 0 ] || say "another QEMU is running; waiting for it to end"
		sleep 5 &
		wait $! 2>/dev/null || true
		waited=$((waited + 5))
	done
	[ "$interrupted" = 0 ] || break

	# ETA: every boot left at the mean of the boots of its host and
	# workload so far, or at the prior estimate.
	eta=0
	for ((m = n; m < total; m++)); do
		read -r _ h2 w2 _ <<<"${plan[$m]}"
		k="$h2 $w2"
		if [ -n "${count[$k]:-}" ]; then
			eta=$((eta + spent[$k] / count[$k]))
		else
			eta=$((eta + $(prior_secs "$h2" "$w2")))
		fi
	done
	say "[$((n + 1))/$total] repeat $r/$repeats: $h $c $w ($v vCPUs on $hc CPUs${cl:+, $cl}); ETA $(hms "$eta") (about $(date -u -d "@$(($(date +%s) + eta))" +%H:%MZ))"

	ts=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	busy0=$(host_busy) own0='' own1=''
	children_cpu own0
	t0=$(date +%s)
	"$run_guest" "${args[@]}" --log "$log" >"$log.out" 2>"$log.err" &
	child=$!
	others=0
	while [ -n "$child" ] && kill -0 "$child" 2>/dev/null; do
		[ "$others" = 1 ] || others=$(other_qemu "$child")
		sleep 2 &
		wait $! 2>/dev/null || true
	done
	rc=0
	if [ -n "$child" ]; then
		wait "$child" || rc=$?
		child=''
	fi
	[ "$interrupted" = 0 ] || rc=130
	boot_s=$(($(date +%s) - t0))
	# The share of the host's CPU time that went to anything but this
	# boot (run-guest, QEMU, the initramfs build) while it ran.
	children_cpu own1
	other=$(awk -v b0="$busy0" -v b1="$(host_busy)" -v o0="$own0" \
		-v o1="$own1" -v hz="$clk_tck" -v s="$boot_s" \
		-v n="$host_cpus" 'BEGIN {
			o = (b1 - b0) / hz - (o1 - o0)
			printf "%.1f", (s > 0 && o > 0 ? 100 * o / (s * n) : 0)
		}')
	case $rc in
	0) b_status=ok ;;
	124) b_status=timeout ;;
	130) b_status=interrupted ;;
	2) b_status=error ;;
	*) b_status=fail ;;
	esac

	# The workload guest's PVTEST lines (for xen-domu, the domU's).
	pre=''
	[ "$h" != xen-domu ] || pre='domU: '
	b_results=$(sed -n "s/^${pre}PVTEST \\([^=]*=.*\\)/\\1/p" "$log.out" 2>/dev/null || true)
	llog=$(lock_lines "$log" "$h")
	ctr=$(getv counters)
	asrun=''
	while IFS='=' read -r key val; do
		[ -n "$key" ] || continue
		! is_param_key "$w" "$key" || asrun="$asrun${asrun:+ }${key#*.}=$val"
	done <<<"$b_results"
	dom0=''
	[ "$h" != xen-domu ] || dom0=$(rel "$dom0_kernel")
	b_fields=("$ts" "$h" "$c" "$(rel "$kernel")" "$(release "$kernel")" \
		"$cl" "$dom0" "$v" "$hc" "$host_cpus" \
		"$(awk -v a="$v" -v b="$hc" 'BEGIN { printf "%.2f", a / b }')" \
		"$w" "${asrun:-${params[$h:$w]}}" \
		"$rc" "$boot_s" "$(lock_kind "$llog")" "$llog" \
		"${ctr:-unreported}" "$(getv 'counter\.[^.]*\.taken_slow')" \
		"$(getv 'counter\.[^.]*\.released_slow_kicked')" \
		"$(getv 'counter\.[^.]*\.time_blocked')" "$others" "$other" \
		"$(rel "$log")")
	record >>"$csv"

	k="$h $w"
	if [ "$b_status" != interrupted ]; then
		spent[$k]=$((${spent[$k]:-0} + boot_s))
		count[$k]=$((${count[$k]:-0} + 1))
	fi
	if [ "$b_status" = ok ]; then
		say "  ok in $(hms "$boot_s"): $(printf '%s\n' "$b_results" |
			sed -n 's/^hackbench\.\(msgs_per_s=.*\)/\1/p; s/^stressng\.\([^.]*\)\.ops_per_s=/\1=/p' |
			paste -s -d ' ' -) [lock: $(lock_kind "$llog")]$(
			[ "$others" = 0 ] || echo ' [another QEMU ran meanwhile]')"
	else
		[ "$b_status" = interrupted ] || failed=$((failed + 1))
		say "  $b_status (rc $rc) after $(hms "$boot_s"), serial log $(rel "$log"):"
		grep -v '^run-guest: qemu: ' "$log.err" 2>/dev/null | tail -n 4 | sed 's/^/    /' >&2 || true
	fi
	[ "$b_status" = interrupted ] || done_boots=$((done_boots + 1))
done
trap - INT TERM HUP

# ---- summary ---------------------------------------------------------

# Per (host, workload, metric, config): the median, min and max over the
# passed boots, and the median's ratio to the pv config's and to the
# stock config's median for the same host, workload and metric, both
# from this run's CSV.  "better" says which way is good for the metric.
awk "$AWK_CSV"'
NR == 1 { for (i = csvsplit($0, h); i > 0; i--) col[h[i]] = i; next }
{
	csvsplit($0, f)
	host = f[col["host"]]; w = f[col["workload"]]; cfg = f[col["config"]]
	m = f[col["metric"]]
	if (m == "") {			# a boot that left no results
		lost[host SUBSEP w SUBSEP cfg]++
		next
	}
	k = host SUBSEP w SUBSEP m SUBSEP cfg
	covered[host SUBSEP w SUBSEP cfg] = 1
	if (!(k in seen)) {
		seen[k] = 1; order[++nk] = k
		unit[k] = f[col["unit"]]; kern[k] = f[col["kernel"]]
		rel[k] = f[col["release"]]; cmd[k] = f[col["cmdline"]]
		vc[k] = f[col["vcpus"]]; hc[k] = f[col["hv_cpus"]]
		oc[k] = f[col["overcommit"]]
	}
	if (f[col["status"]] != "ok") {
		bad[k]++
		next
	}
	vals[k] = vals[k] " " f[col["value"]]
	n[k]++
	l = f[col["lock"]]
	if (n[k] == 1) lk[k] = l
	else if (lk[k] != l) lk[k] = "mixed"
}
END {
	print "host,workload,metric,unit,better,config,kernel,release,cmdline," \
	      "vcpus,hv_cpus,overcommit,lock,n,failed,median,min,max," \
	      "ratio_to_pv,ratio_to_stock"
	for (i = 1; i <= nk; i++) {
		k = order[i]
		if (n[k]) { med[k] = median(vals[k]); mn[k] = lo; mx[k] = hi }
	}
	for (i = 1; i <= nk; i++) {
		k = order[i]
		split(k, p, SUBSEP)
		better = p[3] ~ /per_s$|per_cpu_s$|bogo_ops$/ ? "higher" : "lower"
		# A 6.12 config is compared with pv-6.12.
		kp = p[1] SUBSEP p[2] SUBSEP p[3] SUBSEP (p[4] ~ /-6\.12$/ ? "pv-6.12" : "pv")
		ks = p[1] SUBSEP p[2] SUBSEP p[3] SUBSEP "stock"
		rp = n[k] && n[kp] && med[kp] != 0 ? sprintf("%.3f", med[k] / med[kp]) : ""
		rs = n[k] && n[ks] && med[ks] != 0 ? sprintf("%.3f", med[k] / med[ks]) : ""
		print csvq(p[1]) "," csvq(p[2]) "," csvq(p[3]) "," csvq(unit[k]) "," \
		      better "," csvq(p[4]) "," csvq(kern[k]) "," csvq(rel[k]) "," \
		      csvq(cmd[k]) "," vc[k] "," hc[k] "," oc[k] "," csvq(lk[k]) "," \
		      n[k] + 0 "," bad[k] + lost[p[1] SUBSEP p[2] SUBSEP p[4]] "," \
		      med[k] "," mn[k] "," mx[k] "," rp "," rs
	}
	# Configs none of whose boots left a result still get a line.
	for (k in lost) {
		if (k in covered) continue
		split(k, p, SUBSEP)
		print csvq(p[1]) "," csvq(p[2]) ",,,," csvq(p[3]) ",,,,,,,,0," lost[k] ",,,,,"
	}
}' "$csv" >"$summary"

# The throughput rows of the summary, as a table on stdout.
{
	echo "host workload metric config n median min max vs_pv vs_stock"
	awk "$AWK_CSV"'
	NR == 1 { for (i = csvsplit($0, h); i > 0; i--) col[h[i]] = i; next }
	{
		csvsplit($0, f)
		if (f[col["metric"]] !~ /(^|\.)(msgs|ops)_per_s$/) next
		print f[col["host"]], f[col["workload"]], f[col["metric"]],
		      f[col["config"]], f[col["n"]],
		      f[col["median"]] == "" ? "-" : f[col["median"]],
		      f[col["min"]] == "" ? "-" : f[col["min"]],
		      f[col["max"]] == "" ? "-" : f[col["max"]],
		      f[col["ratio_to_pv"]] == "" ? "-" : f[col["ratio_to_pv"]],
		      f[col["ratio_to_stock"]] == "" ? "-" : f[col["ratio_to_stock"]]
	}' "$summary"
} | column -t

say "CSV: $(rel "$csv")"
say "summary: $(rel "$summary")"
say "serial logs: $(rel "$logdir")/"
say "$done_boots boots in $(hms $(($(date +%s) - t_start))), $failed failed"

if [ "$plot" = 1 ] && [ "$done_boots" -gt 0 ]; then
	if command -v gnuplot >/dev/null 2>&1; then
		"$here/plot_vm_bench.sh" "$csv" >&2 || say "plotting failed"
	else
		say "gnuplot not installed: no plots (apt-get install gnuplot-nox)"
	fi
fi

[ "$interrupted" = 0 ] || exit 130
[ "$failed" = 0 ] || exit 1
exit 0
}
