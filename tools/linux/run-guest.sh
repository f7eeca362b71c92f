#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a Linux kernel under QEMU (TCG or KVM) or under Xen (as dom0, or as
# a domU started by a dom0), run one PVTEST test inside it, and report.
#
# Usage: tools/linux/run-guest.sh [options]
#   --host H          tcg | kvm | auto | xen-dom0 | xen-domu   (default auto)
#                       tcg       QEMU TCG, -cpu max
#                       kvm       QEMU on /dev/kvm, -cpu host,+kvm-pv-unhalt;
#                                 fails if KVM cannot run a guest here
#                       auto      kvm if a probe guest runs on /dev/kvm, else
#                                 tcg (and says so on stderr)
#                       xen-dom0  Xen 4.17 under QEMU TCG; the test runs in dom0
#                       xen-domu  the same; dom0 starts a PV domU with xl and
#                                 the test runs in the domU
#   --kernel PATH     the test kernel, bzImage or ELF vmlinux (default: the
#                     stock kernel tools/linux/fetch-debs.sh unpacked).  QEMU
#                     boots an ELF only with CONFIG_PVH; otherwise the build
#                     tree's arch/x86/boot/bzImage is used.  Xen takes either
#   --modules DIR     its modules (DIR/modules.dep or DIR/lib/modules/VER);
#                     default: .../lib/modules/VER beside a .../boot/vmlinu?-VER
#   --module NAME     a module to copy besides those the test needs
#                     (repeatable; "all": the whole tree)
#   --vcpus N         CPUs of the QEMU machine (default 8; xen-domu: 2, the
#                     physical CPUs the domU's vCPUs share)
#   --mem MB          memory of the guest that runs the test (default 1024;
#                     xen-domu: 512, the domU's)
#   --test NAME       tools/linux/initramfs/tests/NAME.sh (default boot)
#   --param KEY=VAL   pvtest.KEY=VAL for the test (repeatable; xen-domu: the
#                     domU's, and VAL may not hold blanks)
#   --cmdline ARGS    more arguments for the test kernel (xen-domu: the domU's)
#   --timeout SECS    stop QEMU after SECS (default: 300 tcg, 180 kvm,
#                     600 xen-dom0, 1200 xen-domu, plus the test's run time)
#   --log FILE        the serial log (default
#                     build/linux/logs/HOST-TEST-TIME-PID.log)
#   --cpu MODEL       QEMU's -cpu (default: max for tcg; host,+kvm-pv-unhalt
#                     for kvm; max,-smap,-xsave for Xen)
#   --keep            keep the work directory (initramfs images, QEMU stderr)
#  Xen only:
#   --xen PATH        the hypervisor (default: fetch-debs.sh's xen-4.17-amd64;
#                     a .gz is decompressed)
#   --xen-cmdline A   more hypervisor arguments
#   --dom0-kernel P   dom0's kernel for xen-domu (default: --kernel)
#   --dom0-modules D  its modules (default: found as for --modules)
#   --dom0-vcpus N    dom0's vCPUs (default: xen-dom0 --vcpus, xen-domu 1);
#                     more than --vcpus overcommits Xen's physical CPUs
#   --dom0-mem MB     dom0's memory for xen-domu (default 768)
#   --dom0-cmdline A  more dom0 kernel arguments for xen-domu
#   --domu-vcpus N    the domU's vCPUs (default 8)
#   -h, --help
#
# stdout: every PVTEST line of the guest, as it arrives (for xen-domu the
# domU's lines too, prefixed "domU: ").  stderr: progress.  Exit status:
# 0 only if the test's "PVTEST-END TEST rc=0" was seen (for xen-domu, the
# domU's and dom0's xl-domu frame); 1 the test failed or the guest died;
# 2 bad arguments; 124 timed out.  QEMU never outlives this script (its
# parent-death signal stops it even if the script is killed).
# RUN_GUEST_SERIAL_SOCKET=PATH also puts the serial line on a Unix socket
# at PATH (the log is still written), so that a hung guest can be asked
# for state: under Xen, Ctrl-A three times and then a debug key ('q':
# each vCPU's state and poll mask, 'e': event channels).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"
debs_root=$top/build/linux/debs/root
XEN_VER=4.17
# Modules dom0 needs for xl; the project's kernels build them in.
DOM0_MODULES="xenfs xen-evtchn xen-privcmd xen-gntdev xen-gntalloc"

usage() { sed -n '4,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
say() { echo "run-guest: $*" >&2; }
bad() { say "$*"; exit 2; }

host=auto cpu='' kernel='' modules='' vcpus='' mem='' test=boot cmdline=''
timeout='' log='' keep=0 xen='' xen_cmdline='' dom0_kernel='' dom0_modules=''
dom0_vcpus='' dom0_mem=768 dom0_cmdline='' domu_vcpus=8
params=() extra_modules=()
while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) usage; exit 0 ;;
	--keep) keep=1; shift; continue ;;
	--*=*) set -- "${1%%=*}" "${1#*=}" "${@:2}" ;;
	esac
	case $1 in
	--host|--kernel|--modules|--module|--vcpus|--mem|--test|--param|\
	--cmdline|--timeout|--log|--cpu|--xen|--xen-cmdline|--dom0-kernel|\
	--dom0-modules|--dom0-vcpus|--dom0-mem|--dom0-cmdline|--domu-vcpus)
		[ $# -ge 2 ] || bad "$1 needs a value (try --help)" ;;
	*) bad "unknown argument '$1' (try --help)" ;;
	esac
	case $1 in
	--host) host=$2 ;;
	--kernel) kernel=$2 ;;
	--modules) modules=$2 ;;
	--module) extra_modules+=("$2") ;;
	--vcpus) vcpus=$2 ;;
	--mem) mem=$2 ;;
	--test) test=$2 ;;
	--param) params+=("$2") ;;
	--cmdline) cmdline=$2 ;;
	--timeout) timeout=$2 ;;
	--log) log=$2 ;;
	--cpu) cpu=$2 ;;
	--xen) xen=$2 ;;
	--xen-cmdline) xen_cmdline=$2 ;;
	--dom0-kernel) dom0_kernel=$2 ;;
	--dom0-modules) dom0_modules=$2 ;;
	--dom0-vcpus) dom0_vcpus=$2 ;;
	--dom0-mem) dom0_mem=$2 ;;
	--dom0-cmdline) dom0_cmdline=$2 ;;
	--domu-vcpus) domu_vcpus=$2 ;;
	esac
	shift 2
done

# ---- arguments -------------------------------------------------------

case $host in
tcg|kvm|auto|xen-dom0|xen-domu) ;;
*) bad "--host '$host': want tcg, kvm, auto, xen-dom0 or xen-domu" ;;
esac
[ -n "$vcpus" ] || vcpus=$([ "$host" = xen-domu ] && echo 2 || echo 8)
[ -n "$mem" ] || mem=$([ "$host" = xen-domu ] && echo 512 || echo 1024)

posint --vcpus "$vcpus" 255
posint --mem "$mem"
posint --domu-vcpus "$domu_vcpus" 255
[ -n "$dom0_vcpus" ] || dom0_vcpus=$([ "$host" = xen-domu ] && echo 1 || echo "$vcpus")
posint --dom0-vcpus "$dom0_vcpus" 255
posint --dom0-mem "$dom0_mem"
[ -z "$timeout" ] || posint --timeout "$timeout"
[ "$mem" -ge 128 ] || bad "--mem '$mem': at least 128 (MiB)"

case $test in
''|*[!A-Za-z0-9_-]*) bad "--test '$test': not a test name" ;;
esac
[ -f "$here/initramfs/tests/$test.sh" ] ||
	bad "--test '$test': no tools/linux/initramfs/tests/$test.sh (have: $(cd "$here/initramfs/tests" && for t in *.sh; do printf '%s ' "${t%.sh}"; done))"
if [ "$test" = xl-domu ]; then
	bad "--test 'xl-domu': dom0's half of --host xen-domu; run that instead"
fi

# A stock kernel from fetch-debs.sh: its ELF payload if there is one.
if [ -z "$kernel" ]; then
	for k in "$debs_root"/boot/vmlinux-* "$debs_root"/boot/vmlinuz-*; do
		[ -f "$k" ] && kernel=$k && break
	done
	[ -n "$kernel" ] ||
		bad "no --kernel given and no stock kernel in $debs_root/boot (run tools/linux/fetch-debs.sh)"
fi
[ -f "$kernel" ] || bad "--kernel '$kernel': no such file"
# QEMU boots an ELF vmlinux only through its PVH entry (a Xen ELF note of
# type 0x12, XEN_ELFNOTE_PHYS32_ENTRY, from CONFIG_PVH=y).  Without one,
# the bzImage of the same build tree will do.
case $host in
tcg|kvm|auto)
	if [ "$(od -A n -t x1 -N 4 "$kernel" | tr -d ' ')" = 7f454c46 ] &&
	   command -v readelf >/dev/null &&
	   ! readelf -n "$kernel" 2>/dev/null | grep -q '^ *Xen .*(0x00000012)'; then
		bz=$(dirname "$kernel")/arch/x86/boot/bzImage
		if [ -f "$bz" ] && [ ! "$bz" -ot "$kernel" ]; then
			say "$kernel has no PVH entry (CONFIG_PVH) for QEMU: booting $bz"
			kernel=$bz
		else
			bad "--kernel '$kernel': an ELF vmlinux without a PVH entry (CONFIG_PVH): QEMU cannot boot it; use the bzImage"
		fi
	fi ;;
esac
if [ -z "$dom0_kernel" ]; then
	dom0_kernel=$kernel
	[ -n "$dom0_modules" ] || dom0_modules=$modules
fi
[ -f "$dom0_kernel" ] || bad "--dom0-kernel '$dom0_kernel': no such file"
[ -z "$modules" ] || [ -d "$modules" ] || bad "--modules '$modules': no such directory"
[ -z "$dom0_modules" ] || [ -d "$dom0_modules" ] ||
	bad "--dom0-modules '$dom0_modules': no such directory"
for m in ${extra_modules[@]+"${extra_modules[@]}"}; do
	case $m in
	''|*[!A-Za-z0-9_-]*) bad "--module '$m': not a module name" ;;
	esac
done

# The test's kernel arguments: pvtest.KEY=VALUE for each --param.
pvargs=()
for p in ${params[@]+"${params[@]}"}; do
	case $p in
	*=*) ;;
	*) bad "--param '$p': want KEY=VALUE" ;;
	esac
	k=${p%%=*} v=${p#*=}
	case $k in
	''|*[!A-Za-z0-9_.-]*) bad "--param '$p': key '$k' may only have letters, digits, '_', '.', '-'" ;;
	esac
	case $v in
	*'"'*) bad "--param '$p': no double quotes in values" ;;
	esac
	case $v in
	*[[:space:]]*)
		[ "$host" != xen-domu ] ||
			bad "--param '$p': a value with blanks cannot reach a domU"
		pvargs+=("pvtest.$k=\"$v\"") ;;
	*) pvargs+=("pvtest.$k=$v") ;;
	esac
done
if [ "$host" = xen-domu ]; then
	case $cmdline in
	*'"'*) bad "--cmdline '$cmdline': no double quotes for a domU" ;;
	esac
fi

case $host in
xen-*)
	if [ -z "$xen" ]; then
		xen=$debs_root/boot/xen-$XEN_VER-amd64
		[ -f "$xen" ] ||
			bad "no --xen given and no $xen (run tools/linux/fetch-debs.sh)"
	fi
	[ -f "$xen" ] || bad "--xen '$xen': no such file" ;;
esac

if [ -n "$log" ]; then
	if ! mkdir -p "$(dirname "$log")" 2>/dev/null || ! : 2>/dev/null >"$log"; then
		bad "--log '$log': cannot write"
	fi
fi


# modules_for KERNEL DIR: DIR if given, else the tree next to a kernel
# that sits in .../boot/ under a name ending in its release.
modules_for() {
	local rel dir
	if [ -n "$2" ]; then
		echo "$2"
		return
	fi
	rel=$(release "$1")
	dir=$(dirname "$1")/../lib/modules/$rel
	if [ -n "$rel" ] && [ -f "$dir/modules.dep" ]; then
		(cd "$dir" && pwd)
	fi
}

# The modules each initramfs gets.
test_modules=()
[ "$test" != locktorture ] || test_modules+=(locktorture)

# ---- work directory, cleanup ----------------------------------------

mkdir -p "$top/build/linux/run"
work=$(mktemp -d "$top/build/linux/run/XXXXXX")
qpid='' tpid=''
# shellcheck disable=SC2317	# run by the EXIT trap
cleanup() {
	local n=0
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
		kill -TERM "$qpid" 2>/dev/null || true
		while kill -0 "$qpid" 2>/dev/null && [ $((n += 1)) -le 10 ]; do
			sleep 0.3
		done
		kill -KILL "$qpid" 2>/dev/null || true
		wait "$qpid" 2>/dev/null || true
	fi
	[ -z "$tpid" ] || kill "$tpid" 2>/dev/null || true
	if [ "$keep" = 1 ]; then
		say "work directory kept: $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

QEMU="qemu-system-x86_64"
command -v "$QEMU" >/dev/null || bad "$QEMU not found (tools/linux/fetch-debs.sh installs it)"

# ---- KVM probe ------------------------------------------------------

# kvm_probe: succeed if /dev/kvm runs a guest at hardware speed; else
# print why not.  The probe is a boot sector: the KVM_HC_VAPIC_POLL_IRQ
# hypercall (nr 1, harmless), 10^7 loop iterations, then a write to
# isa-debug-exit (QEMU exits with status 0x10 << 1 | 1 = 33).  Real KVM
# runs it in well under a second, BIOS included; a host that emulates
# ring 0 or never returns from the vmcall does not finish in 3 s.
kvm_probe() {
	local img=$work/kvm-probe.img rc err
	if [ ! -e /dev/kvm ]; then
		echo "no /dev/kvm"
		return 1
	fi
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		echo "no access to /dev/kvm"
		return 1
	fi
	# cli; mov $1,%ax; vmcall; mov $10000000,%ecx; 1: dec %ecx; jnz 1b;
	# mov $0x10,%al; out %al,$0xf4; 2: hlt; jmp 2b
	{
		printf '\372\270\001\000\017\001\301'
		printf '\146\271\200\226\230\000\146\111\165\374'
		printf '\260\020\346\364\364\353\375'
		head -c 486 /dev/zero
		printf '\125\252'
	} >"$img"
	rc=0
	timeout -k 2 3 "$QEMU" -nodefaults -no-user-config -display none \
		-accel kvm -cpu host -m 16 \
		-drive "file=$img,format=raw,if=ide" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		</dev/null >/dev/null 2>"$work/kvm-probe.err" || rc=$?
	case $rc in
	33) return 0 ;;
	124|137) echo "a probe guest did not finish in 3 s: ring-0 code is emulated, or vmcall does not return" ;;
	*)
		err=$(grep -v '^$' "$work/kvm-probe.err" | head -n 1)
		echo "QEMU failed to start a KVM guest: ${err:-exit status $rc}" ;;
	esac
	return 1
}

case $host in
kvm|auto)
	if why=$(kvm_probe); then
		host=kvm
	elif [ "$host" = kvm ]; then
		say "kvm: cannot run guests here ($why)"
		exit 1
	else
		say "kvm: cannot run guests here ($why); using TCG"
		host=tcg
	fi ;;
esac
# Xen under QEMU 7.2's TCG: without -smap a PV dom0 dies at its first
# IRET.  With XSAVE, user processes in dom0 and domUs die at random once
# vCPUs share a CPU: a new busybox finds garbage in its TLS block
# (pvtest=spawn, a 6.1 dom0 with 4 vCPUs on 2 CPUs, 30 000 commands: 177
# killed with plain XSAVE, none without).  So XSAVE is hidden from Xen
# and its guests alike, and every FPU state is saved with FXSAVE; which
# of them met the emulation's fault is not known.
case $host in
tcg) accel=(-accel "tcg,thread=multi" -cpu "${cpu:-max}") ;;
xen-*) accel=(-accel "tcg,thread=multi" -cpu "${cpu:-max,-smap,-xsave}") ;;
kvm) accel=(-accel kvm -cpu "${cpu:-host,+kvm-pv-unhalt}") ;;
esac

# ---- initramfs ------------------------------------------------------

mkinitramfs() {
	"$here/mkinitramfs.sh" "$@" 2>&1 | sed 's/^mkinitramfs: /run-guest: initramfs: /' >&2
	return "${PIPESTATUS[0]}"
}

# modargs KERNEL MODULES-DIR NAME...: mkinitramfs arguments for these
# modules ("all" anywhere: the whole tree).
modargs() {
	local k=$1 dir m all=0
	dir=$(modules_for "$1" "$2")
	shift 2
	[ $# -gt 0 ] || return 0
	if [ -z "$dir" ]; then
		say "no modules for $k (--modules): not copying $*" >&2
		return 0
	fi
	echo "--modules"
	echo "$dir"
	for m in "$@"; do
		[ "$m" != all ] || all=1
	done
	[ "$all" = 1 ] && return 0
	for m in "$@"; do
		echo "--module"
		echo "$m"
	done
}

bench=()
case $test in hackbench|stressng) bench=(--bench-tools) ;; esac

say "host $host, kernel $kernel ($(release "$kernel")), test $test"
initrd=$work/initrd.cpio.gz
if [ "$host" = xen-domu ]; then
	mapfile -t margs < <(modargs "$kernel" "$modules" \
		${test_modules[@]+"${test_modules[@]}"} \
		${extra_modules[@]+"${extra_modules[@]}"})
	mkinitramfs -o "$work/domu-initrd.cpio.gz" ${bench[@]+"${bench[@]}"} \
		${margs[@]+"${margs[@]}"} || exit 1
	# shellcheck disable=SC2086	# a list of module names
	mapfile -t margs < <(modargs "$dom0_kernel" "$dom0_modules" $DOM0_MODULES)
	mkinitramfs -o "$initrd" --xen-tools --debs-root "$debs_root" \
		--domu-kernel "$kernel" --domu-initrd "$work/domu-initrd.cpio.gz" \
		${margs[@]+"${margs[@]}"} || exit 1
else
	mods=(${test_modules[@]+"${test_modules[@]}"} ${extra_modules[@]+"${extra_modules[@]}"})
	# shellcheck disable=SC2206	# a list of module names
	[ "$host" != xen-dom0 ] || mods+=($DOM0_MODULES)
	mapfile -t margs < <(modargs "$kernel" "$modules" ${mods[@]+"${mods[@]}"})
	mkinitramfs -o "$initrd" ${bench[@]+"${bench[@]}"} \
		${margs[@]+"${margs[@]}"} || exit 1
fi

# ---- command lines, timeout -----------------------------------------

# param KEY DEFAULT: the test parameter as the guest will see it (the
# last --param KEY=... wins).  For the test's own run time.
param() {
	local p v=$2
	for p in ${params[@]+"${params[@]}"}; do
		[ "${p%%=*}" != "$1" ] || v=${p#*=}
	done
	echo "$v"
}
run_time=0
case $test in
locktorture) run_time=$(param secs 20) ;;
stressng)
	n=$(param stressors futex,sem-sysv,pipe,flock | tr ',' '\n' | grep -c .)
	run_time=$(($(param secs 10) * n)) ;;
hackbench) run_time=60 ;;
esac
case $run_time in ''|*[!0-9]*) run_time=0 ;; esac
if [ -z "$timeout" ]; then
	case $host in
	tcg) timeout=300 ;;
	kvm) timeout=180 ;;
	xen-dom0) timeout=600 ;;
	xen-domu) timeout=1200 ;;
	esac
	timeout=$((timeout + run_time))
fi

test_args="panic=-1 pvtest=$test${pvargs[*]:+ ${pvargs[*]}}${cmdline:+ $cmdline}"
qemu=("$QEMU" -nodefaults -no-user-config -display none -no-reboot
	-smp "$vcpus" "${accel[@]}")
case $host in
tcg|kvm)
	ln -s "$(cd "$(dirname "$kernel")" && pwd)/$(basename "$kernel")" "$work/kernel"
	qemu+=(-m "$mem" -kernel "$work/kernel" -initrd "$initrd"
		-append "console=ttyS0,115200 $test_args")
	end_test=$test ;;
xen-*)
	case $xen in
	*.gz) zcat "$xen" >"$work/xen"; xen=$work/xen ;;
	esac
	if [ "$host" = xen-dom0 ]; then
		d0_vcpus=$dom0_vcpus d0_mem=$mem machine_mem=$((mem + 256))
		d0_args="$test_args"
		end_test=$test
	else
		d0_vcpus=$dom0_vcpus d0_mem=$dom0_mem
		machine_mem=$((dom0_mem + mem + 256))
		# dom0 gives up on the domU in time to print its console.
		d0_args="panic=-1 pvtest=xl-domu pvtest.domu_test=$test"
		d0_args+=" pvtest.domu_vcpus=$domu_vcpus pvtest.domu_mem=$mem"
		d0_args+=" pvtest.domu_timeout=$((timeout > 240 ? timeout - 120 : timeout / 2))"
		domu_args="${pvargs[*]:+${pvargs[*]}}${cmdline:+ $cmdline}"
		domu_args=${domu_args# }
		[ -z "$domu_args" ] || d0_args+=" pvtest.domu_cmdline=\"$domu_args\""
		d0_args+="${dom0_cmdline:+ $dom0_cmdline}"
		end_test=xl-domu
	fi
	ln -s "$(cd "$(dirname "$dom0_kernel")" && pwd)/$(basename "$dom0_kernel")" \
		"$work/dom0-kernel"
	xen_args="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all"
	xen_args+=" dom0_mem=${d0_mem}M,max:${d0_mem}M dom0_max_vcpus=$d0_vcpus"
	xen_args+="${xen_cmdline:+ $xen_cmdline}"
	# Multiboot modules: "file args,file": a comma in args is ",,".
	d0_line="$work/dom0-kernel console=hvc0 earlyprintk=xen $d0_args"
	qemu+=(-m "$machine_mem" -kernel "$xen" -append "$xen_args"
		-initrd "${d0_line//,/,,},$initrd") ;;
esac

if [ -z "$log" ]; then
	mkdir -p "$top/build/linux/logs"
	log=$top/build/linux/logs/$host-$test-$(date -u +%Y%m%dT%H%M%SZ)-$$.log
	: >"$log"
fi
if [ -n "${RUN_GUEST_SERIAL_SOCKET:-}" ]; then
	# The serial line also on a Unix socket, for input: on a hang, send
	# Xen's debug keys (Ctrl-A three times, then e.g. 'q' or 'e').
	qemu+=(-chardev "socket,id=ser0,path=${RUN_GUEST_SERIAL_SOCKET//,/,,},server=on,wait=off,logfile=${log//,/,,}")
else
	qemu+=(-chardev "file,id=ser0,path=${log//,/,,}")
fi
qemu+=(-serial chardev:ser0)

# ---- run ------------------------------------------------------------

# monitor: read the serial log as it grows; PVTEST lines to stdout;
# landmarks and the guest's "pvtest: " notes to stderr; the frame's end
# to a file for the main loop.
t0=$EPOCHREALTIME
elapsed() { awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
monitor() {
	local line
	while IFS= read -r line; do
		line=${line//$'\r'/}
		case $line in
		PVTEST*|"domU: PVTEST"*) printf '%s\n' "$line" ;;
		esac
		case $line in
		*"Xen version "*"(XEN)"*|"(XEN) Xen version"*)
			say "[$(elapsed) s] Xen started" ;;
		"Linux version "*|"[ "*"] Linux version "*)
			say "[$(elapsed) s] kernel started" ;;
		"PVTEST-BEGIN "*|"domU: PVTEST-BEGIN "*)
			say "[$(elapsed) s] frame seen: $line" ;;
		"PVTEST-END "*|"domU: PVTEST-END "*)
			say "[$(elapsed) s] $line"
			[ "${line%% rc=*}" != "PVTEST-END $end_test" ] ||
				echo "${line##* rc=}" >"$work/end" ;;
		"pvtest: "*|"domU: pvtest: "*|*"Kernel panic - not syncing"*)
			say "[$(elapsed) s] $line" ;;
		esac
	done
}

# shquote ARG...: the arguments as a shell would need them typed.
shquote() {
	local a out=''
	for a in "$@"; do
		case $a in
		*[!A-Za-z0-9_./:=,+@%-]*|'') a="'${a//\'/\'\\\'\'}'" ;;
		esac
		out+="${out:+ }$a"
	done
	printf '%s\n' "$out"
}
# One guest at a time on this machine: two would time each other.
mkdir -p "$top/build/linux"
exec 8>"$top/build/linux/.guest.lock"
if ! flock -n 8; then
	say "waiting for the guest already running here to finish"
	flock 8
	t0=$EPOCHREALTIME
fi
say "QEMU: $(shquote "${qemu[@]}")"
say "boot started: $vcpus CPUs, timeout $timeout s, log $log"
if setpriv --help 2>&1 | grep -q pdeathsig; then
	# QEMU dies with this script, even a killed one.
	setpriv --pdeathsig KILL -- "${qemu[@]}" </dev/null >"$work/qemu.err" 2>&1 &
else
	"${qemu[@]}" </dev/null >"$work/qemu.err" 2>&1 &
fi
qpid=$!
tail -n +1 -F --pid="$qpid" -s 0.2 "$log" 2>/dev/null | monitor &
tpid=$!

timed_out=0 stopped=0 end_at=''
# After the frame's end, give the guest this long to power off.
grace=20
usecs() { echo "${EPOCHREALTIME/./}"; }
start_us=$(usecs)
while kill -0 "$qpid" 2>/dev/null; do
	sleep 0.5
	now=$(usecs)
	if [ -z "$end_at" ] && [ -f "$work/end" ]; then
		end_at=$now
	fi
	if [ -n "$end_at" ] && [ $((now - end_at)) -ge $((grace * 1000000)) ]; then
		say "[$(elapsed) s] the guest did not power off $grace s after PVTEST-END: stopping QEMU"
		stopped=1
		break
	fi
	if [ $((now - start_us)) -ge $((timeout * 1000000)) ]; then
		say "[$(elapsed) s] timed out after $timeout s: stopping QEMU"
		timed_out=1
		break
	fi
done
if [ "$timed_out" = 1 ] || [ "$stopped" = 1 ]; then
	kill -TERM "$qpid" 2>/dev/null || true
	sleep 1
	kill -KILL "$qpid" 2>/dev/null || true
fi
qrc=0
wait "$qpid" || qrc=$?
qpid=''
wait "$tpid" 2>/dev/null || true
tpid=''
if [ "$timed_out" = 0 ] && [ "$stopped" = 0 ]; then
	if grep -q -e 'reboot: Power down' -e 'Entering ACPI S5' "$log"; then
		say "[$(elapsed) s] powered off (QEMU exit status $qrc)"
	else
		say "[$(elapsed) s] QEMU exited (status $qrc): the guest reset or QEMU failed"
	fi
fi
if [ -s "$work/qemu.err" ]; then
	sed 's/^/run-guest: qemu: /' "$work/qemu.err" >&2
fi
# The serial line ends its lines with CR LF; keep LF.
sed -i 's/\r*$//' "$log"

# ---- verdict --------------------------------------------------------

frame_rc() { # TEST [PREFIX]: the rc of the last PVTEST-END of TEST
	sed -n "s/^${2:-}PVTEST-END $1 rc=\\([0-9]*\\).*/\\1/p" "$log" | tail -n 1
}
rc=$(frame_rc "$end_test")
verdict=0
if [ "$timed_out" = 1 ]; then
	verdict=124
elif [ -z "$rc" ]; then
	say "no 'PVTEST-END $end_test' in the log: the guest died or hung"
	grep -m 3 -e 'Kernel panic' -e 'Panic on CPU' "$log" | sed 's/^/run-guest:   /' >&2 || true
	verdict=1
elif [ "$rc" != 0 ]; then
	verdict=1
fi
if [ "$host" = xen-domu ] && [ "$verdict" = 0 ]; then
	urc=$(frame_rc "$test" 'domU: ')
	if [ "$urc" != 0 ]; then
		say "domU: ${urc:+PVTEST-END $test rc=$urc}${urc:-no PVTEST-END $test}"
		verdict=1
	fi
fi
if [ "$verdict" != 0 ]; then
	say "the log ends with:"
	grep -v '^$' "$log" | tail -n 8 | sed 's/^/run-guest: | /' >&2
fi
if [ "$verdict" = 0 ]; then
	say "PASS $test on $host in $(elapsed) s (log $log)"
else
	say "FAIL $test on $host in $(elapsed) s (log $log)"
fi
exit "$verdict"
