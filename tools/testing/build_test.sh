#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# What a new user meets, in TAP, on a fresh copy of the tree (the files of
# this checkout that git tracks or would track, committed into a scratch
# repository so git can tell what a command left behind):
#  - bare `make` builds ./pvspin and every test program;
#  - `make bench` writes its results under build/, not into the checkout;
#  - `make clean` leaves exactly what was committed.
# Each check has a negative control: the same check run against a tree
# that has the fault (no default goal, results written to bench/results)
# must fail.
#
# Usage: build_test.sh [SCRATCH_DIR]   (default: a new mktemp -d, removed)
set -u
cd "$(dirname "$0")/../.." || exit 1
top=$PWD
n=0
ok() {	# cond description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

scratch=${1:-}
if [ -z "$scratch" ]; then
	scratch=$(mktemp -d)
	trap 'rm -rf "$scratch"' EXIT
fi
tree=$scratch/tree
rm -rf "$tree"
mkdir -p "$tree"
git ls-files -z --cached --others --exclude-standard |
	(cd "$top" && tar --null -T - -cf -) | tar -C "$tree" -xf -
cd "$tree" || exit 1
git init -q . && git add -A &&
	git -c user.name=build-test -c user.email=build-test@localhost \
		commit -q -m "scratch copy" || { echo "1..1"; echo "not ok 1 - scratch repository"; exit 1; }

# dirty: untracked or modified files that are not ignored.
dirty() {
	git status --porcelain --untracked-files=all
}

echo "1..6"
progs="build/release/pvspin build/release/pvspin_test build/release/pvclock_test
	build/release/fastpath-native build/release/fastpath-pv build/release/fastpath-pv-nojl"

# Negative control first, on the same tree: without the default goal the
# first rule (pvclock.mk's) wins and `make` would not build ./pvspin.
sed '/^\.DEFAULT_GOAL/d' Makefile > Makefile.nodefault
plan=$(make -n -f Makefile.nodefault 2>&1)
rm -f Makefile.nodefault
! grep -q -- '-o build/release/pvspin ' <<< "$plan"
ok $? "negative control: without .DEFAULT_GOAL, bare make would not build ./pvspin"

start=$SECONDS
make -s -j"$(nproc)" > "$scratch/make.log" 2>&1
rc=$?
missing=""
for p in $progs; do [ -x "$p" ] || missing+=" $p"; done
[ $rc = 0 ] && [ -z "$missing" ] && [ -x pvspin ] && ./pvspin --help > /dev/null
ok $? "bare make builds ./pvspin and the test programs # $((SECONDS - start)) s, exit $rc${missing:+, missing:$missing}"

bench_args="--no-fastpath --no-plot --variants pv-kvm --workloads hot --overcommit 1 --repeats 1 --seconds 0.2 --pcpus 1"
make -s bench BENCH_ARGS="$bench_args" > "$scratch/bench.log" 2>&1
rc=$?
left=$(dirty)
csv=$(ls build/bench/bench-*.csv 2>/dev/null | head -1)
[ $rc = 0 ] && [ -z "$left" ] && [ -n "$csv" ]
ok $? "make bench writes under build/bench, the checkout stays clean # ${csv:-no CSV}${left:+; left: $left}"

# Negative control: the old default, results in bench/results/.
./pvspin bench $bench_args --outdir bench/results > /dev/null 2>&1
left=$(dirty)
[ -n "$left" ]
ok $? "negative control: a run into bench/results is seen as dirtying the checkout # ${left//$'\n'/ }"
git clean -q -f bench/results

make -s clean > /dev/null 2>&1
left=$(git status --porcelain --ignored --untracked-files=all)
[ -z "$left" ]
ok $? "make clean leaves only what was committed${left:+ # left: ${left//$'\n'/ }}"

# The same check catches a leftover: one file, not ignored, not cleaned.
touch bench/results/leftover.csv
left=$(git status --porcelain --ignored --untracked-files=all)
rm -f bench/results/leftover.csv
[ -n "$left" ]
ok $? "negative control: a leftover file is seen by the same check"
