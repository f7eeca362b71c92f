#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pvtest=spawn: start short-lived processes in a loop, one loop per
# online CPU, and count the ones the kernel killed with SIGSEGV.  A
# check of the platform, not of the lock: Xen under QEMU TCG, with more
# vCPUs than CPUs, now and then hands a new busybox garbage where its
# TLS block should be.  Each iteration starts three processes (a pipe
# of two and an expr).
#
# Parameters (pvtest.KEY=VALUE):
#   iters   iterations per loop (default 2000)
#   loops   loops run at once (default 0: one per online CPU)
#
# Results:
#   PVTEST spawn.loops=<n>, spawn.iters=<n>    (as run)
#   PVTEST spawn.procs=<n>        processes started
#   PVTEST spawn.wall_s=<x>
#   PVTEST spawn.segfaults=<n>    kernel reports "segfault at" (rate
#                                 limited: a lower bound)
#   PVTEST spawn.wrong=<n>        commands that gave a wrong answer
#   PVTEST spawn.segfault=<line>  the first five reports (repeats)
# rc is 0 when every command gave the right answer.
set -eu
# shellcheck source=SCRIPTDIR/../lib/pvtest.sh
. /lib/pvtest.sh

iters=${pvtest_iters:-2000}
loops=${pvtest_loops:-0}
need_int iters "$iters"
need_int loops "$loops"
[ "$loops" != 0 ] || loops=$(cpus_online)
pv spawn.loops "$loops"
pv spawn.iters "$iters"

before=$(dmesg | grep -c ': segfault at ' || true)
t0=$(uptime_cs)
i=0
while [ "$i" -lt "$loops" ]; do
	(
		set +e
		bad=0 j=0
		while [ "$j" -lt "$iters" ]; do
			[ "$(echo a | cat)" = a ] || bad=$((bad + 1))
			# shellcheck disable=SC2003	# a process on purpose
			[ "$(expr "$j" + 1)" = $((j + 1)) ] || bad=$((bad + 1))
			j=$((j + 1))
		done
		echo "$bad" >"/tmp/spawn.$i"
	) 2>/dev/null &
	i=$((i + 1))
done
wait
pv spawn.procs $((loops * iters * 3))
pv spawn.wall_s "$(secs_since "$t0")"
segv=$(( $(dmesg | grep -c ': segfault at ' || true) - before ))
pv spawn.segfaults "$segv"
wrong=0
i=0
while [ "$i" -lt "$loops" ]; do
	wrong=$((wrong + $(cat "/tmp/spawn.$i" 2>/dev/null || echo "$((iters * 2))")))
	i=$((i + 1))
done
pv spawn.wrong "$wrong"
dmesg | grep ': segfault at ' | tail -n "$segv" | head -n 5 |
	while IFS= read -r line; do
		pv spawn.segfault "$line"
	done
[ "$wrong" = 0 ]
