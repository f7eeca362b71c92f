#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Two experiments on the VM benchmark's xen-dom0 host (4 vCPUs on Xen's 2
# CPUs, hackbench loops=5), outside bench/vm-bench.sh because each varies
# something that is not a config of it:
#
#   spin-ns    the pv kernel with pvspin_spin_ns = pvspin_queued_ns = N,
#              for N in 3, 10, 30, 100, 300 us
#   nosteal    the qspin kernel with and without the PV queued lock's lock
#              stealing: the kernel is rebuilt into build/linux/qspin-nosteal
#              with bench/experiments/qspin-nosteal.patch, which adds the
#              boot parameter pvqspin_nosteal (stealing off); both rows boot
#              that one binary.  A third row boots the pv kernel (the PV
#              ticket lock, default policy) in the same run
#   steal      the pv kernel with pvspin_steal = N (thefts per turn), for
#              N in 0 (no stealing), 1, 16, 64 (the default) and 255, and
#              the qspin kernel in the same run
#
# Usage: bench/experiments/dom0-hackbench.sh spin-ns|nosteal|steal [--repeats N] [--out CSV]
#
# Boots are interleaved (each repeat visits every setting once).  Writes
# one CSV row per boot (default build/vm-bench/dom0-EXPERIMENT-STAMP.csv)
# and prints the medians.  Needs the kernels of make kernel
# KERNEL_VARIANT=all and what tools/linux/run-guest.sh needs for Xen.
# The whole script is one compound command: bash reads all of it before
# running any, so editing it during a run cannot change that run.
{
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
linux=$top/build/linux
repeats=3 out='' exp=''

usage() { sed -n '4,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
die() { echo "dom0-hackbench: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	spin-ns|nosteal|steal) exp=$1; shift ;;
	--repeats)
		[ $# -ge 2 ] || die "--repeats needs a value"
		[[ $2 =~ ^[1-9][0-9]*$ ]] || die "bad --repeats '$2'"
		repeats=$2; shift 2 ;;
	--out)
		[ $# -ge 2 ] || die "--out needs a value"
		out=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
[ -n "$exp" ] || die "which experiment: spin-ns, nosteal or steal (see --help)"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=${out:-$top/build/vm-bench/dom0-$exp-$stamp.csv}
mkdir -p "$(dirname "$out")" "$linux/logs/dom0-$exp-$stamp"

case $exp in
spin-ns)
	[ -f "$linux/pv/vmlinux" ] || die "no pv kernel: make kernel"
	kernel=$linux/pv/vmlinux modules=$linux/pv/modules
	settings="3000 10000 30000 100000 300000"
	;;
steal)
	[ -f "$linux/pv/vmlinux" ] || die "no pv kernel: make kernel"
	[ -f "$linux/qspin/vmlinux" ] || die "no qspin kernel: make kernel KERNEL_VARIANT=qspin"
	kernel=$linux/pv/vmlinux modules=$linux/pv/modules
	settings="0 1 16 64 255 qspin"
	;;
nosteal)
	[ -f "$linux/qspin/.config" ] || die "no qspin kernel: make kernel KERNEL_VARIANT=qspin"
	src=$linux/src o=$linux/qspin-nosteal patch=$here/qspin-nosteal.patch
	[ -f "$linux/pv/vmlinux" ] || die "no pv kernel: make kernel"
	kernel=$o/vmlinux modules=$linux/qspin/modules
	settings="steal nosteal ticket-pv"
	# The shared source tree, patched for this build only, under the
	# lock build-kernel.sh takes; the other builds never compile
	# qspinlock.c with the patch in.
	exec 9> "$linux/.lock"
	flock 9
	mkdir -p "$o"
	cp "$linux/qspin/.config" "$o/.config"
	patch -d "$src" -p1 -s -f --no-backup-if-mismatch < "$patch" ||
		die "$patch does not apply to $src"
	trap 'patch -R -d "$src" -p1 -s -f --no-backup-if-mismatch < "$patch"' EXIT
	echo "dom0-hackbench: building $o (the qspin config, lock stealing switchable)" >&2
	CCACHE_DIR=${CCACHE_DIR:-$linux/ccache} CCACHE_BASEDIR=$linux \
	KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2026" \
	KBUILD_BUILD_USER=pvspin KBUILD_BUILD_HOST=pvspin \
		make -s -C "$src" O="$o" ARCH=x86_64 CC="ccache gcc" -j"$(nproc)" \
		olddefconfig vmlinux > "$o/build.log" 2>&1 ||
		{ tail -20 "$o/build.log" >&2; die "build failed ($o/build.log)"; }
	patch -R -d "$src" -p1 -s -f --no-backup-if-mismatch < "$patch"
	trap - EXIT
	flock -u 9
	;;
esac

echo "experiment,repeat,setting,msgs_per_s,taken_slow,released_slow_kicked,log,taken_slow_stolen" > "$out"
n=0 total=$((repeats * $(echo "$settings" | wc -w)))
for r in $(seq "$repeats"); do
	for s in $settings; do
		n=$((n + 1))
		case $exp in
		spin-ns) cmd="pvspin_spin_ns=$s pvspin_queued_ns=$s" ;;
		nosteal) cmd=$([ "$s" = nosteal ] && echo pvqspin_nosteal || echo "") ;;
		steal) cmd=$([ "$s" = qspin ] || echo "pvspin_steal=$s") ;;
		esac
		k_img=$kernel k_mod=$modules
		if [ "$s" = ticket-pv ]; then
			k_img=$linux/pv/vmlinux k_mod=$linux/pv/modules
		elif [ "$s" = qspin ]; then
			k_img=$linux/qspin/vmlinux k_mod=$linux/qspin/modules
		fi
		log=$linux/logs/dom0-$exp-$stamp/$r-$s.log
		echo "dom0-hackbench: [$n/$total] repeat $r, $s" >&2
		res=$("$top/tools/linux/run-guest.sh" --host xen-dom0 --kernel "$k_img" \
			--modules "$k_mod" --test hackbench --vcpus 2 \
			--xen-cmdline dom0_max_vcpus=4 --param loops=5 \
			${cmd:+--cmdline "$cmd"} --log "$log" 2>/dev/null) || true
		m=$(echo "$res" | sed -n 's/^PVTEST hackbench.msgs_per_s=//p' | tail -1)
		ts=$(echo "$res" | sed -n 's/^PVTEST counter\.[a-z-]*\.taken_slow=//p' | head -1)
		k=$(echo "$res" | sed -n 's/^PVTEST counter\.[a-z-]*\.released_slow_kicked=//p' | head -1)
		st=$(echo "$res" | sed -n 's/^PVTEST counter\.[a-z-]*\.taken_slow_stolen=//p' | head -1)
		[ -n "$m" ] || echo "dom0-hackbench: boot failed, see $log" >&2
		echo "$exp,$r,$s,$m,$ts,$k,${log#"$top"/},$st" >> "$out"
		echo "dom0-hackbench:   ${m:-failed} msgs/s" >&2
	done
done

echo "setting,n,median_msgs_per_s,min,max"
awk -F, -v settings="$settings" "$(cat "$top/bench/csv.awk")"'
NR > 1 && $4 != "" { vals[$3] = vals[$3] " " $4; n[$3]++ }
END {
	ns = split(settings, s, " ")
	for (i = 1; i <= ns; i++) {
		k = s[i]
		if (!n[k]) { print k ",0,,,"; continue }
		m = median(vals[k])
		printf "%s,%d,%.1f,%.1f,%.1f\n", k, n[k], m, lo, hi
	}
}' "$out"
echo "dom0-hackbench: $out" >&2
exit 0
}
