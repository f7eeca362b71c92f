#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Instruction cost of an uncontended lock+unlock, counted by callgrind
# (deterministic), in TAP.  Usage: fastpath_ir.sh BUILD_DIR
#
# Claims checked: a PV build (CONFIG_PARAVIRT_SPINLOCKS and CONFIG_PARAVIRT)
# with its static keys off costs at most what the native build costs plus
# two jump-label NOPs, the PV unlock's and virt_spin_lock()'s in the lock
# (the compiler may schedule the rest differently: with gcc 12 native's
# fast path carries a register move for its slow path that the PV build's
# does not); with the PV key on it costs more (the site was patched); keys
# read with a load and a branch cost more than the NOPs (negative
# control: the check sees the difference).
set -u
dir=${1:-build/release}
iters=1000

ir() {	# binary key function -> Ir of that function over $iters iterations
	local out
	out=$(mktemp)
	valgrind --tool=callgrind --smc-check=all --callgrind-out-file="$out" \
		--toggle-collect="$3" "$dir/$1" --key "$2" --iterations $iters \
		>/dev/null 2>&1 || { rm -f "$out"; echo "ERR"; return; }
	awk '/^(summary|totals):/ { print $2; exit }' "$out"
	rm -f "$out"
}

per_op() {	# binary key -> Ir per lock+unlock, loop overhead removed
	local a b
	a=$(ir "$1" "$2" lock_unlock_loop)
	b=$(ir "$1" "$2" empty_loop)
	if [[ $a == ERR || $b == ERR || -z $a || -z $b ]]; then
		echo ERR
		return
	fi
	echo $(( (a - b) / iters ))
}

echo "1..4"
native=$(per_op fastpath-native off)
pv_off=$(per_op fastpath-pv off)
pv_on=$(per_op fastpath-pv on)
nojl_off=$(per_op fastpath-pv-nojl off)
echo "# Ir per uncontended lock+unlock: native $native, pv key off $pv_off, pv key on $pv_on, pv load-and-branch key off $nojl_off"

if [[ $native == ERR || $pv_off == ERR || $pv_on == ERR || $nojl_off == ERR ]]; then
	echo "not ok 1 - callgrind runs # a run failed"
else
	echo "ok 1 - callgrind runs # native $native Ir"
fi
if [[ $pv_off != ERR && $native != ERR && $pv_off -le $((native + 2)) ]]; then
	echo "ok 2 - pv, keys off costs at most native + two jump label NOPs # $pv_off <= $native + 2"
else
	echo "not ok 2 - pv, keys off costs at most native + two jump label NOPs # pv $pv_off, native $native"
fi
if [[ $pv_on != ERR && $pv_off != ERR && $pv_on -gt $pv_off ]]; then
	echo "ok 3 - pv, key on runs the patched PV unlock # $pv_on Ir ($(( pv_on - native )) more than native)"
else
	echo "not ok 3 - pv, key on runs the patched PV unlock # on $pv_on, off $pv_off"
fi
if [[ $nojl_off != ERR && $native != ERR && $nojl_off -gt $((native + 2)) ]]; then
	echo "ok 4 - negative: load-and-branch keys are caught # $nojl_off Ir > $native + 2"
else
	echo "not ok 4 - negative: load-and-branch keys are caught # $nojl_off Ir"
fi
