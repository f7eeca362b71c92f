#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The lock in a real Linux 6.1 or 6.12 kernel (built from the patch
# series by build-kernel.sh), booted overcommitted: under QEMU
# TCG (8 vCPUs on this machine's CPUs; no hypervisor, so the ticket lock
# runs native) and under the real Xen 4.17 hypervisor (itself under TCG)
# as a PV dom0 and as a PV domU created with xl, where the PV ticket lock
# runs.  TAP on stdout.
#
#   guest_test.sh [--kernel 6.1|6.12] [--long]
#
# Short (make test, CI): a module taking every spinlock form links against
# the kernel's exports, boot lines, nopvspin/xen_nopvspin, locktorture
# spin_lock and spin_lock_irq with the counters, and two negative
# controls: locktorture's deliberately broken lock (lock_busted) must be
# caught by the same check that passes the real lock, and a run with PV
# off must fail the "slow path exercised" check.  On 6.1 also the
# platform: no user process dies in a Xen dom0 (pvtest=spawn), and with
# XSAVE on, the negative control, some do.  A Xen boot in which a user
# process died anyway is booted again (at most twice) and says so; a
# failed boot prints its diagnosis as TAP comments.
# --long (make guest-test-long): longer locktorture runs, more vCPUs, and
# the kernel built without CONFIG_PARAVIRT_SPINLOCKS.
#
# Needs the kernel (tools/linux/build-kernel.sh) and the Xen packages
# (tools/linux/fetch-debs.sh); both are built or fetched here if missing.
# Without linux-source-KVER or qemu-system-x86 every test is skipped,
# except under CI=true, where that is a failure.
set -u
cd "$(dirname "$0")/../../.." || exit 1
long=0
kver=6.1
while [ $# -gt 0 ]; do
	case $1 in
	--long) long=1 ;;
	--kernel)
		kver=${2:-}
		case $kver in 6.1|6.12) ;; *) echo "guest_test: unknown kernel '$kver' (6.1 or 6.12)" >&2; exit 2 ;; esac
		shift ;;
	*) echo "guest_test: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
if [ "$kver" = 6.1 ]; then
	kdir=build/linux
	logs=build/test-logs/linux
else
	kdir=build/linux-$kver
	logs=build/test-logs/linux-$kver
fi
mkdir -p "$logs"
run_guest=tools/linux/run-guest.sh
n=0

tag=
[ "$kver" = 6.1 ] || tag="[$kver] "
ok() {		# cond description
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $tag$2"
	else
		echo "not ok $n - $tag$2"
	fi
}

# Value of PVTEST key $2 in the output file $1 (the last one wins).
val() {
	sed -n "s/^\(domU: \)\{0,1\}PVTEST $2=//p" "$1" | tail -1
}

# The guest's PVTEST output or its serial log (boot lines come before
# /init quietens the console) holds the line.
has_line() {	# NAME.out fixed-string
	grep -qF -- "$2" "$1" "${1%.out}.log" 2>/dev/null
}

# boot NAME HOST VCPUS TEST [run-guest args...]: the output goes to
# $logs/NAME.out, the serial log to $logs/NAME.log; returns run-guest's rc.
# A failed boot is diagnosed below unless expect_fail is set; a Xen boot
# where a user process died is repeated unless no_retry is set.
boot() {
	local name=$1 host=$2 vcpus=$3 test=$4 kernel=${KERNEL:-$kdir/pv}
	shift 4
	local args=(--host "$host" --kernel "$kernel/vmlinux"
		    --modules "$kernel/modules" --test "$test"
		    --log "$logs/$name.log" --timeout "${TIMEOUT:-600}")
	# Xen: 2 physical CPUs (QEMU's), the test guest's vCPUs on top of them.
	case $host in
	xen-domu) args+=(--vcpus 2 --domu-vcpus "$vcpus") ;;
	xen-dom0) args+=(--vcpus 2 --dom0-vcpus "$vcpus") ;;
	*) args+=(--vcpus "$vcpus") ;;
	esac
	local try rc
	for try in 1 2 3; do
		echo "# $name: $run_guest ${args[*]} $*" >&2
		"$run_guest" "${args[@]}" "$@" > "$logs/$name.out" 2>> "$logs/$name.err"
		rc=$?
		# Xen under TCG with XSAVE killed user processes, dom0's or the
		# domU's (run-guest.sh turns XSAVE off; the spawn check below
		# watches that).  Should one die anyway, the test script or xl
		# among them, the run proves nothing: boot again, and say so.
		# Never when the lock's own check failed or the kernel
		# complained: a broken lock may kill processes too.
		if [ "$host" != tcg ] && [ -z "${no_retry:-}" ] && [ $try -lt 3 ] &&
		   segfaulted "$name" && ! lock_failed "$name"; then
			echo "# $name: a user process died with SIGSEGV in the guest (Xen under TCG); booting again"
			cp "$logs/$name.log" "$logs/$name.segv$try.log"
			continue
		fi
		[ $rc = 0 ] || [ -n "${expect_fail:-}" ] || diagnose "$name"
		return $rc
	done
}

spawn_line() {	# out
	echo "#  spawn: commands=$(val "$1" spawn.commands)" \
	     "segfaults=$(val "$1" spawn.segfaults) wrong=$(val "$1" spawn.wrong)" \
	     "secs=$(val "$1" spawn.wall_s)"
}

# segfaulted NAME: a frame of the run (dom0's or the domU's) counted a
# user process killed by SIGSEGV, or a shell said one was.
segfaulted() {
	sed -n 's/^\(domU: \)\{0,1\}PVTEST test.user_segfaults=//p' "$logs/$1.out" |
		awk '$1 > 0 { f = 1 } END { exit !f }' ||
		grep -q '^\(domU: \)\{0,1\}Segmentation fault' "$logs/$1.log" 2>/dev/null
}

# What a kernel, dom0's or the domU's, says when it is in trouble: a
# bug, an oops, a stall, a panic.
complaints=(-e 'BUG:' -e 'Oops' -e 'detected stalls' -e 'soft lockup'
	    -e 'Kernel panic')

# lock_failed NAME: locktorture saw a failure, or a kernel complained
# (other than of its init being killed).
lock_failed() {
	local f=$logs/$1.out
	[ "$(val "$f" locktorture.verdict)" = FAILURE ] ||
		[ "$(val "$f" locktorture.writes_fail)" -gt 0 ] 2>/dev/null ||
		grep "${complaints[@]}" "$logs/$1.log" 2>/dev/null |
		grep -qv 'Attempted to kill init'
}

# diagnose NAME: why a boot failed, as TAP comments: CI shows only this
# stream, and the logs in $logs/ go with the machine.  run-guest's account
# of the last try (its verdict and the end of the serial log), then the
# lines of the log that say what went wrong in either domain.
diagnose() {
	local err=$logs/$1.err log=$logs/$1.log
	echo "# $1 failed; run-guest said:"
	awk '/^run-guest: host / { n = 0 } { l[n++] = $0 }
	     END { for (i = (n > 25 ? n - 25 : 0); i < n; i++) print l[i] }' "$err" |
		grep -v -e 'initramfs: ' -e 'QEMU: ' | sed 's/^/#   /'
	grep -m 12 "${complaints[@]}" -e 'segfault at' -e 'Segmentation fault' \
		-e 'blocked for more than' -e 'domU still running' -e '^xl: ' \
		"$log" 2>/dev/null |
		sed 's/^/#   log: /'
}

# locktorture passed: the module's own verdict, no failed acquisition,
# and work was done.
torture_ok() {	# out
	[ "$(val "$1" locktorture.verdict)" = SUCCESS ] &&
	[ "$(val "$1" locktorture.writes_fail)" = 0 ] &&
	[ "$(val "$1" locktorture.writes_total)" -gt 0 ] 2>/dev/null
}

# The PV slow path ran: waiters blocked (taken_slow, time_blocked) and
# unlocks found them and kicked (released_slow_kicked).  $2: debugfs dir.
slowpath_exercised() {	# out dir
	local c
	for c in taken_slow released_slow released_slow_kicked time_blocked; do
		[ "$(val "$1" "counter.$2.$c")" -gt 0 ] 2>/dev/null || return 1
	done
}

counters_line() {	# out dir
	local c out=""
	for c in taken_slow taken_slow_pickup taken_slow_spurious \
		 taken_slow_nested released_slow released_slow_kicked time_blocked; do
		out+=" $c=$(val "$1" "counter.$2.$c")"
	done
	echo "#  ${out# }"
}

torture_line() {	# out
	echo "#  locktorture $(val "$1" locktorture.type):" \
	     "writes=$(val "$1" locktorture.writes_total)" \
	     "fail=$(val "$1" locktorture.writes_fail)" \
	     "verdict=$(val "$1" locktorture.verdict)" \
	     "secs=$(val "$1" locktorture.ran_secs)"
}

# pv_torture NAME HOST VCPUS TYPE LABEL: locktorture TYPE with the PV lock
# on; two checks: it passes, and the slow path, polls and kicks ran.  The
# run lasts $secs and then until $until_slow kicked slow paths, so a
# loaded host makes it longer, not a failure (up to 300 s in all).
pv_torture() {
	local f=$logs/$1.out
	boot "$1" "$2" "$3" locktorture --param type="$4" --param secs="$secs" \
		--param until_slow="$until_slow" --param max_secs=300
	torture_ok "$f"; ok $? "$5: locktorture $4 passes"
	torture_line "$f"
	slowpath_exercised "$f" xen
	ok $? "$5: slow path, polls and kicks exercised"
	counters_line "$f" xen
}

prereqs() {
	local why=""
	dpkg-query -W "linux-source-$kver" >/dev/null 2>&1 || why="linux-source-$kver not installed"
	command -v qemu-system-x86_64 >/dev/null || why="qemu-system-x86 not installed"
	if [ -n "$why" ]; then
		if [ "${CI:-}" = true ]; then
			echo "1..1"
			echo "not ok 1 - guest prerequisites: $why"
			exit 1
		fi
		echo "1..0 # SKIP $why (see .ci/run for the packages)"
		exit 0
	fi
	tools/linux/fetch-debs.sh >&2 || { echo "1..1"; echo "not ok 1 - fetch-debs.sh failed"; exit 1; }
	local v=pv
	[ $long = 1 ] && v=all
	tools/linux/build-kernel.sh --kernel "$kver" --variant $v >&2 ||
		{ echo "1..1"; echo "not ok 1 - kernel build failed ($kdir/*/build.log)"; exit 1; }
}

prereqs
secs=${TORTURE_SECS:-$([ $long = 1 ] && echo 120 || echo 20)}
until_slow=${TORTURE_UNTIL_SLOW:-10}
echo "# kernel $(cat "$kdir/pv/include/config/kernel.release"), locktorture ${secs} s per run"

# --- Modules: the lock's inline half links against the exports ---------
# modcheck.sh builds a module that takes every spinlock form (and an
# arch_spinlock_t directly) against the kernel; modpost refuses it if a
# symbol the inlined lock references is not exported.  Its negative
# control reads pv_spin_steal, which is not exported, and must be refused.
modcheck() {	# variant label
	local out=$logs/modcheck-$1.out
	tools/linux/modcheck.sh "$kdir/$1" > "$out" 2>&1
	sed 's/^/# /' "$out"
	grep -q '^modcheck: pvspin_lockmod.ko links: ' "$out"
	ok $? "$2: a module taking every spinlock form links against the kernel's exports"
	grep -q '^modcheck: negative control: modpost refuses ' "$out"
	ok $? "negative control: $2: a module using an unexported symbol is refused"
}
modcheck pv "modules"

# --- QEMU TCG, no hypervisor: the ticket lock runs native ---------------
boot tcg-boot tcg 8 boot; rc=$?
f=$logs/tcg-boot.out
[ $rc = 0 ] && [ "$(val "$f" cpus_online)" = 8 ]
ok $? "tcg: 8 vCPUs boot and power off"
# QEMU sets the CPUID hypervisor bit and no backend claims the guest, so
# virt_spin_lock_key stays on (test-and-set), as it does for Linux's
# queued lock there, and no backend says anything.
! has_line "$f" "ticket spinlocks: paravirt"
ok $? \
	"tcg: no backend switches PV on"

for type in spin_lock spin_lock_irq; do
	boot tcg-$type tcg 8 locktorture --param type=$type --param secs="$secs"
	f=$logs/tcg-$type.out
	torture_ok "$f"; ok $? "tcg: locktorture $type, 8 vCPUs, passes"
	torture_line "$f"
done

expect_fail=1 boot tcg-busted tcg 8 locktorture --param type=lock_busted --param secs=10
f=$logs/tcg-busted.out
# Caught, not crashed: the module ran and itself reported the failure.
! torture_ok "$f" && [ "$(val "$f" locktorture.verdict)" = FAILURE ]
ok $? "negative control: locktorture's broken lock (lock_busted) fails the same check"
torture_line "$f"

# --- Xen dom0, 4 vCPUs on 2 Xen CPUs: the PV ticket lock ----------------
# Linux 6.12 takes a PV dom0's CPUs from the MADT (smp_pv.c leaves
# dom0's topology to ACPI), so it brings up only as many vCPUs as Xen
# has physical CPUs: its dom0 runs 2 on 2 and the domU below is its
# overcommitted case.
dom0_online=4
[ "$kver" = 6.1 ] || dom0_online=2
boot dom0-boot xen-dom0 4 boot; rc=$?
f=$logs/dom0-boot.out
[ $rc = 0 ] && [ "$(val "$f" cpus_online)" = "$dom0_online" ]
ok $? "xen dom0: 4 vCPUs on 2 CPUs boot ($dom0_online online) and power off"
has_line "$f" "xen: ticket spinlocks: paravirt, waiters poll an event channel"
ok $? "xen dom0: the Xen backend says it is on"
has_line "$f" "spin policy next"
ok $? \
	"xen dom0: the backend's line gives the spin policy"
[ "$(val "$f" counters)" = present ] && [ -n "$(val "$f" counter.xen.taken_slow)" ]
ok $? \
	"xen dom0: counters in debugfs xen/spinlocks/ with Linux's names"

pv_torture dom0-torture xen-dom0 4 spin_lock "xen dom0"

boot dom0-nopvspin xen-dom0 4 locktorture --param type=spin_lock --param secs=10 \
	--cmdline nopvspin
f=$logs/dom0-nopvspin.out
has_line "$f" 'xen: ticket spinlocks: native, PV off: "nopvspin" on the command line' &&
	! has_line "$f" "ticket spinlocks: paravirt"
ok $? \
	"xen dom0: nopvspin switches PV off and the log says so"
torture_ok "$f"; ok $? "xen dom0: locktorture passes with nopvspin"
# The same run passed locktorture above: a run that did happen fails.
! slowpath_exercised "$f" xen && torture_ok "$f"
ok $? "negative control: with PV off the slow-path check fails"

boot dom0-xen_nopvspin xen-dom0 4 boot --cmdline xen_nopvspin
f=$logs/dom0-xen_nopvspin.out
has_line "$f" '"xen_nopvspin" is deprecated' &&
	has_line "$f" 'xen: ticket spinlocks: native, PV off: "xen_nopvspin" on the command line'
ok $? \
	"xen dom0: xen_nopvspin switches PV off, with a deprecation line"

# --- Xen domU via xl: 8 vCPUs on 2 Xen CPUs ------------------------------
pv_torture domu-torture xen-domu 8 spin_lock_irq "xen domU (xl), 8 vCPUs"

# --- The platform: Xen under TCG leaves user processes alone -------------
# With XSAVE, Xen under QEMU 7.2's TCG hands user processes corrupt
# FPU/SSE state once vCPUs share a CPU, and busybox processes die with
# SIGSEGV (a test script among them); run-guest.sh turns XSAVE off for
# Xen.  spawn starts 7 200 short-lived processes in a 4-vCPU dom0 on 2
# CPUs and counts the deaths; the negative control runs it with XSAVE on
# (run-guest's old default) and must see some.  The emulation, not the
# lock: with the default kernel only.
if [ "$kver" = 6.1 ]; then
	no_retry=1 boot dom0-spawn xen-dom0 4 spawn --param iters=600; rc=$?
	f=$logs/dom0-spawn.out
	[ $rc = 0 ] && [ "$(val "$f" spawn.segfaults)" = 0 ] && [ "$(val "$f" spawn.wrong)" = 0 ]
	ok $? "xen dom0, 4 vCPUs on 2: short-lived processes all live and answer right"
	spawn_line "$f"
	# The corruption is QEMU 7.2's (Debian 12's); another QEMU may
	# not have it, and then this control proves nothing either way.
	qv=$(qemu-system-x86_64 --version | sed -n '1s/.*version \([0-9]*\.[0-9]*\).*/\1/p')
	if [ "$qv" = 7.2 ]; then
		no_retry=1 expect_fail=1 boot dom0-spawn-xsave xen-dom0 4 spawn \
			--param iters=600 --cpu max,-smap,-xsaveopt,-xsavec,-xsaves
		f=$logs/dom0-spawn-xsave.out
		# spawn's own shell, or /init, may be among the dead.
		[ "$(val "$f" spawn.segfaults)" -gt 0 ] 2>/dev/null ||
			segfaulted dom0-spawn-xsave ||
			grep -q 'Attempted to kill init' "$logs/dom0-spawn-xsave.log"
		ok $? "negative control: with XSAVE the same run loses processes"
		spawn_line "$f"
	else
		n=$((n + 1))
		echo "ok $n - ${tag}negative control: with XSAVE the same run loses processes # SKIP QEMU ${qv:-unknown}, not 7.2"
	fi
fi

if [ $long = 1 ]; then
	pv_torture domu-spin_lock xen-domu 8 spin_lock "long: xen domU (xl), 8 vCPUs"
	pv_torture dom0-irq xen-dom0 4 spin_lock_irq "long: xen dom0"
	KERNEL=$kdir/nopv boot nopv-dom0 xen-dom0 4 locktorture \
		--param type=spin_lock --param secs="$secs"
	f=$logs/nopv-dom0.out
	torture_ok "$f" && ! has_line "$f" "ticket spinlocks: paravirt"
	ok $? "long: kernel without CONFIG_PARAVIRT_SPINLOCKS (test-and-set), xen dom0, locktorture passes"
	modcheck nopv "long: kernel without CONFIG_PARAVIRT_SPINLOCKS"
	KERNEL=$kdir/qspin boot qspin-dom0 xen-dom0 4 locktorture \
		--param type=spin_lock --param secs="$secs"
	torture_ok "$logs/qspin-dom0.out"
	ok $? "long: the queued-spinlock build of the same tree, xen dom0, locktorture passes"
fi
echo "1..$n"
