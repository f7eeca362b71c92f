#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pvtest=boot: what kernel came up, on what, and with which spinlocks.
#
#   PVTEST uname=<uname -r>
#   PVTEST cmdline=<the whole /proc/cmdline>
#   PVTEST uptime_s=<seconds from kernel start to this test>
#   PVTEST cpus_online=<n>
#   PVTEST hypervisor=<xen|kvm|...|none>
#   PVTEST xen.domain=<dom0|domU>                   (in a Xen domain only)
#   PVTEST paravirt=<X of "Booting [paravirtualized] kernel on X": Xen,
#                    KVM, bare hardware>
#   PVTEST dmesg=<a kernel log line matching "spinlock", any case>
#                                                   (repeats, one per line)
#   PVTEST counter.<dir>.<file>=<value>             (debugfs spinlocks/)
#   PVTEST counters=<present|absent>
set -eu
# shellcheck source=SCRIPTDIR/../lib/pvtest.sh
. /lib/pvtest.sh

pv uname "$(uname -r)"
pv cmdline "$(cat /proc/cmdline)"
pv uptime_s "$(awk '{ print $1 }' /proc/uptime)"
pv cpus_online "$(cpus_online)"
pv hypervisor "$(hypervisor)"
dom=$(xen_domain)
[ -z "$dom" ] || pv xen.domain "$dom"
pv paravirt "$(dmesg |
	sed -n 's/.*Booting \(paravirtualized \)\{0,1\}kernel on //p' | head -n 1)"
dmesg | grep -i spinlock | while IFS= read -r line; do
	pv dmesg "$line"
done
report_counters
