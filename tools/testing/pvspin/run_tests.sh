#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make test: every suite, in TAP, then one line "N passed, N failed".
# Each suite's stderr (diagnostics, watchdog dumps, sanitizer reports of
# the negative controls) goes to build/test-logs/.
set -u
cd "$(dirname "$0")/../../.."
logs=build/test-logs
mkdir -p "$logs"
pass=0
fail=0

suite() {	# name command...
	local name=$1 line
	shift
	echo "# === $name ($*)"
	while IFS= read -r line; do
		echo "$line"
		case $line in
		"ok "*) pass=$((pass + 1)) ;;
		"not ok "*) fail=$((fail + 1)) ;;
		esac
	done < <("$@" 2>"$logs/$name.log")
}

headers() {
	echo "1..1"
	if out=$(make -s headers-check 2>&1); then
		echo "ok 1 - every guest and ABI header compiles on its own # ${out##*: }"
	else
		echo "not ok 1 - headers compile on their own # $out"
	fi
}

start=$SECONDS
suite headers headers
suite release build/release/pvspin_test
suite asan build/asan/pvspin_test
suite tsan build/tsan/pvspin_test
suite faults build/faults/pvspin_test
suite pvclock-release build/release/pvclock_test
suite pvclock-asan build/asan/pvclock_test
suite pvclock-tsan build/tsan/pvclock_test
suite fastpath tools/testing/pvspin/fastpath_ir.sh build/release
suite model tools/model/check.sh
suite cli tools/testing/pvspin/cli_test.sh build/release/pvspin
suite build tools/testing/build_test.sh
suite guest-scripts tools/testing/linux/run_guest_selftest.sh
suite patches tools/testing/linux/patches_test.sh
suite linux tools/testing/linux/guest_test.sh
suite linux-6.12 tools/testing/linux/guest_test.sh --kernel 6.12
echo "# logs in $logs/, $((SECONDS - start)) s"
echo "$pass passed, $fail failed"
[[ $fail -eq 0 && $pass -gt 0 ]]
