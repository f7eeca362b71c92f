#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pvtest=xl-domu (dom0 only): start the Xen toolstack, boot a PV domU
# from /boot/domu-kernel and /boot/domu-initrd with xl, wait until it is
# gone, and copy its console to ours: every line of the domU's console
# log is printed as "domU: <line>", so the domU's own PVTEST frame reaches
# the serial console as "domU: PVTEST-BEGIN ..." ... "domU: PVTEST-END ...".
#
# Parameters (pvtest.KEY=VALUE):
#   domu_test     the domU's test, its pvtest= (default boot)
#   domu_cmdline  more domU kernel arguments, e.g. its pvtest.KEY=VALUE;
#                 written pvtest.domu_cmdline="a b c", no double quotes
#                 inside (default none)
#   domu_vcpus    vCPUs (default 8)
#   domu_mem      memory in MiB (default 512)
#   domu_timeout  seconds before the domU is destroyed (default 1800)
#
# Results:
#   PVTEST xen.version=<x.y.z>, xen.nr_cpus=<n>, xen.free_mb=<n>   (xl info)
#   PVTEST domu.test=, domu.vcpus=, domu.mem_mb=, domu.cmdline=   (as run)
#   PVTEST domu.wall_s=<x>        from xl create until the domain is gone
#   PVTEST domu.xl_rc=<n>         xl create's exit status
#   PVTEST domu.frame=<complete|missing>   the domU printed PVTEST-END
#   PVTEST domu.rc=<n>            the rc of the domU's PVTEST-END
# rc is the domU's rc; 1 if its frame is missing or xl failed; 124 if
# the domU had to be destroyed.
set -eu
# shellcheck source=SCRIPTDIR/../lib/pvtest.sh
. /lib/pvtest.sh

test=${pvtest_domu_test:-boot}
extra=${pvtest_domu_cmdline:-}
vcpus=${pvtest_domu_vcpus:-8}
mem=${pvtest_domu_mem:-512}
limit=${pvtest_domu_timeout:-1800}
need_int domu_vcpus "$vcpus"
need_int domu_mem "$mem"
need_int domu_timeout "$limit"

if [ "$(xen_domain)" != dom0 ]; then
	note "xl-domu needs dom0 (hypervisor: $(hypervisor), domain: $(xen_domain))"
	exit 2
fi
for f in /boot/domu-kernel /boot/domu-initrd; do
	[ -f "$f" ] || { note "$f missing from the initramfs"; exit 2; }
done
command -v xl >/dev/null || { note "no xl in the initramfs (--xen-tools)"; exit 2; }

mkdir -p /var/lib/xen /var/lib/xenstored /var/run/xen /var/run/xenstored \
	/var/log/xen/console /etc/xen

# xenstored, and dom0's own entries in the store.
xenstored --pid-file=/var/run/xen/xenstored.pid \
	>/var/log/xen/xenstored.out 2>&1
n=0
until xenstore-ls / >/dev/null 2>&1; do
	n=$((n + 1))
	if [ "$n" -gt 300 ]; then
		cat /var/log/xen/xenstored.out
		note "xenstored did not come up in 30 s"
		exit 1
	fi
	usleep 100000
done
xen-init-dom0 >/var/log/xen/xen-init-dom0.out 2>&1 || {
	cat /var/log/xen/xen-init-dom0.out
	note "xen-init-dom0 failed"
	exit 1
}
xenconsoled --pid-file=/var/run/xen/xenconsoled.pid --log=guest \
	--log-dir=/var/log/xen/console >/var/log/xen/xenconsoled.out 2>&1

xl info >/tmp/xl-info 2>&1 || cat /tmp/xl-info
pv xen.version "$(awk -F': *' '$1 ~ /^xen_version/ { print $2 }' /tmp/xl-info)"
pv xen.nr_cpus "$(awk -F': *' '$1 ~ /^nr_cpus/ { print $2 }' /tmp/xl-info)"
pv xen.free_mb "$(awk -F': *' '$1 ~ /^free_memory/ { print $2 }' /tmp/xl-info)"

args="console=hvc0 panic=-1 pvtest=$test${extra:+ $extra}"
case $args in
*'"'*) note "pvtest.domu_cmdline may not contain double quotes"; exit 2 ;;
esac
pv domu.test "$test"
pv domu.vcpus "$vcpus"
pv domu.mem_mb "$mem"
pv domu.cmdline "$args"

cat >/etc/xen/domu.cfg <<CFG
name = "domu"
type = "pv"
kernel = "/boot/domu-kernel"
ramdisk = "/boot/domu-initrd"
extra = "$args"
vcpus = $vcpus
memory = $mem
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
CFG

log=/var/log/xen/console/guest-domu.log
note "xl create: $vcpus vCPUs, $mem MiB, test $test"
t0=$(uptime_cs)
xl create -F /etc/xen/domu.cfg >/tmp/xl-create.out 2>&1 &
xl_pid=$!
timed_out=0
n=0
while kill -0 "$xl_pid" 2>/dev/null; do
	sleep 1
	n=$((n + 1))
	if [ "$n" -ge "$limit" ]; then
		note "domU still running after $limit s: destroying it"
		xl destroy domu >/dev/null 2>&1 || true
		timed_out=1
		break
	fi
	[ $((n % 60)) != 0 ] || note "domU running for $n s"
done
xl_rc=0
wait "$xl_pid" || xl_rc=$?
pv domu.wall_s "$(secs_since "$t0")"
pv domu.xl_rc "$xl_rc"
[ "$xl_rc" = 0 ] || sed 's/^/xl: /' /tmp/xl-create.out

# xenconsoled closes the log once it has dealt with the dead domain;
# every line it took from the domU's ring is in the file by then.
cpid=$(cat /var/run/xen/xenconsoled.pid 2>/dev/null) || cpid=
holds_log() {
	for fd in "/proc/$cpid/fd/"*; do
		[ "$(readlink "$fd" 2>/dev/null)" != "$log" ] || return 0
	done
	return 1
}
n=0
while [ -n "$cpid" ] && holds_log; do
	n=$((n + 1))
	if [ "$n" -gt 300 ]; then
		note "xenconsoled still has $log open 30 s after the domain died"
		break
	fi
	usleep 100000
done
if [ -f "$log" ]; then
	tr -d '\r' <"$log" | sed 's/^/domU: /'
else
	note "no console log $log"
fi
end=$(tr -d '\r' <"$log" 2>/dev/null |
	sed -n "s/^PVTEST-END $test rc=\([0-9]*\).*/\1/p" | tail -n 1)
if [ -n "$end" ]; then
	pv domu.frame complete
	pv domu.rc "$end"
	rc=$end
else
	pv domu.frame missing
	rc=1
fi
[ "$xl_rc" = 0 ] || [ "$rc" != 0 ] || rc=1
[ "$timed_out" = 0 ] || rc=124
exit "$rc"
