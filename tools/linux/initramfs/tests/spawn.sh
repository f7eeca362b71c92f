#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pvtest=spawn: run short commands in a loop, one loop per online CPU,
# and count the processes the kernel killed for a fault and the commands
# that answered wrong.  A check of the platform, not of the lock: Xen
# under QEMU TCG with XSAVE, with more vCPUs than CPUs, now and then
# hands a new busybox garbage where its TLS block should be.  Each
# iteration runs three commands, each in a process of its own (echo and
# cat in a pipe, expr), from two command substitutions.
#
# Parameters (pvtest.KEY=VALUE):
#   iters   iterations per loop (default 2000)
#   loops   loops run at once (default 0: one per online CPU)
#
# Results:
#   PVTEST spawn.loops=<n>, spawn.iters=<n>    (as run)
#   PVTEST spawn.commands=<n>     commands run (loops x iters x 3)
#   PVTEST spawn.wall_s=<x>
#   PVTEST spawn.segfaults=<n>    kernel reports of a user process killed
#                                 for a fault (segfault, general
#                                 protection, invalid opcode); rate
#                                 limited: a lower bound
#   PVTEST spawn.wrong=<n>        commands that gave a wrong answer
#   PVTEST spawn.segfault=<line>  the first five reports (repeats)
# A run whose loops died before reporting counts all their commands as
# wrong.
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

before=$(user_faults)
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
pv spawn.commands $((loops * iters * 3))
pv spawn.wall_s "$(secs_since "$t0")"
segv=$(($(user_faults) - before))
pv spawn.segfaults "$segv"
wrong=0
i=0
while [ "$i" -lt "$loops" ]; do
	w=$(cat "/tmp/spawn.$i" 2>/dev/null) || w=
	is_int "$w" || w=$((iters * 2))
	wrong=$((wrong + w))
	i=$((i + 1))
done
pv spawn.wrong "$wrong"
if [ "$segv" -gt 0 ]; then
	user_fault_lines | tail -n "$segv" | head -n 5 |
		while IFS= read -r line; do
			pv spawn.segfault "$line"
		done
fi
[ "$wrong" = 0 ]
