# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers shared by the guest's /init and its tests (busybox sh), at
# /lib/pvtest.sh in the initramfs.  The output contract, which
# tools/linux/run-guest.sh and the benchmarks parse:
#
#   PVTEST-BEGIN <test>
#   PVTEST <key>=<value>        any number; the value runs to the end of the
#                               line and may contain spaces; a key may
#                               repeat only where its test says so
#   PVTEST-END <test> rc=<n>    n = 0 only if the test passed
#
# Parameters reach a test as environment variables: pvtest.KEY=VALUE on
# the kernel command line becomes $pvtest_KEY ("." and "-" in KEY become
# "_"), and pvtest=NAME becomes $PVTEST_NAME.

# pv KEY VALUE...: one result line.
pv() {
	pv_key=$1
	shift
	echo "PVTEST $pv_key=$*" | tr -d '\r'
}

# note TEXT...: a free-form line, for people reading the log.
note() {
	echo "pvtest: $*"
}

# uptime_cs: seconds since boot, in hundredths (an integer).
uptime_cs() {
	read -r up_s _ </proc/uptime
	echo "${up_s%.*}${up_s#*.}" | sed 's/^0*\([0-9]\)/\1/'
}

# secs_since CS: seconds elapsed since uptime_cs printed CS, as d.dd.
secs_since() {
	awk -v a="$1" -v b="$(uptime_cs)" 'BEGIN { printf "%.2f\n", (b - a) / 100 }'
}

# cpus_online: how many CPUs /sys/devices/system/cpu/online lists.
cpus_online() {
	tr ',' '\n' </sys/devices/system/cpu/online |
		awk -F- '{ n += NF == 2 ? $2 - $1 + 1 : 1 } END { print n + 0 }'
}

# user_fault_lines: the kernel log's reports of user processes killed for
# a fault (a page fault, a general protection fault, an invalid opcode).
user_fault_lines() {
	dmesg | grep -e ': segfault at ' -e ' general protection fault ip:' \
		-e ' trap invalid opcode ip:'
}

# user_faults: how many there are (the kernel rate-limits these reports:
# a lower bound).
user_faults() {
	user_fault_lines | wc -l
}

# is_int VALUE: a non-negative decimal integer.
is_int() {
	case $1 in
	''|*[!0-9]*) return 1 ;;
	esac
	return 0
}

# need_int NAME VALUE: fail the test unless parameter NAME is an integer.
need_int() {
	is_int "$2" && return 0
	note "parameter pvtest.$1='$2' is not a non-negative integer"
	exit 2
}

# hypervisor: xen, kvm, ..., or none.
hypervisor() {
	if [ -r /sys/hypervisor/type ]; then
		cat /sys/hypervisor/type
		return
	fi
	dmesg | sed -n 's/.*Hypervisor detected: *//p' | head -n 1 |
		tr 'A-Z ' 'a-z_' | grep . || echo none
}

# xen_domain: dom0, domU, or nothing outside Xen (needs xenfs mounted).
xen_domain() {
	if [ -r /proc/xen/capabilities ]; then
		if grep -q control_d /proc/xen/capabilities; then
			echo dom0
		else
			echo domU
		fi
	elif [ "$(cat /sys/hypervisor/type 2>/dev/null)" = xen ]; then
		echo domU
	fi
}

# report_counters: every readable file of every debugfs spinlocks/
# directory, as counter.<dir>.<file>=<value>: <dir> is the directory
# holding spinlocks/ (kvm-guest, xen).  A multi-line value is joined
# with spaces.  Write-only files (zero_stats) are skipped.
report_counters() {
	rc_found=0
	for rc_dir in /sys/kernel/debug/*/spinlocks; do
		[ -d "$rc_dir" ] || continue
		rc_found=1
		rc_owner=${rc_dir%/spinlocks}
		rc_owner=${rc_owner##*/}
		for rc_file in "$rc_dir"/*; do
			[ -f "$rc_file" ] || continue
			rc_val=$(cat "$rc_file" 2>/dev/null) || continue
			pv "counter.$rc_owner.${rc_file##*/}" \
				"$(echo "$rc_val" | tr '\n' ' ' | sed 's/ *$//')"
		done
	done
	pv counters "$([ "$rc_found" = 1 ] && echo present || echo absent)"
}

# zero_counters: zero every debugfs spinlock counter that can be zeroed.
zero_counters() {
	for zc_file in /sys/kernel/debug/*/spinlocks/zero_stats; do
		[ -e "$zc_file" ] && echo 1 >"$zc_file"
	done
	return 0
}
