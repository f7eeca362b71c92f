#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The real-guest plumbing without booting anything, in TAP: run-guest.sh
# names each bad value and exits 2 before it starts QEMU, --help documents
# every option, mkinitramfs.sh builds the same archive twice, and the
# guest and bench scripts are shellcheck-clean.  Needs no fetched packages and no KVM.
# Usage: tools/testing/linux/run_guest_selftest.sh
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
run=$top/tools/linux/run-guest.sh
mkinit=$top/tools/linux/mkinitramfs.sh
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/run-guest-selftest.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
# A stand-in kernel: any file passes the existence check.
kernel=$tmp/bzImage
printf 'not a kernel' >"$kernel"

# expect_usage_error "description" "text the message must contain" args...
expect_usage_error() {
	local what=$1 want=$2 err code
	shift 2
	err=$("$run" "$@" 2>&1 >/dev/null)
	code=$?
	if [[ $code -eq 2 && $err == *"$want"* ]]; then
		ok "$what # ${err%%$'\n'*}"
	else
		nok "$what # exit $code: $err"
	fi
}

K=(--kernel "$kernel")
echo "1..26"
expect_usage_error "unknown host" "'hyperv'" "${K[@]}" --host hyperv
expect_usage_error "vcpus 0" "--vcpus '0'" "${K[@]}" --vcpus 0
expect_usage_error "vcpus not a number" "--vcpus 'eight'" "${K[@]}" --vcpus eight
expect_usage_error "vcpus too many" "--vcpus '999'" "${K[@]}" --vcpus 999
expect_usage_error "mem too small" "--mem '64'" "${K[@]}" --mem 64
expect_usage_error "negative timeout" "--timeout '-5'" "${K[@]}" --timeout -5
expect_usage_error "missing kernel" "'$tmp/nope'" --kernel "$tmp/nope"
expect_usage_error "unknown test" "--test 'nosuch'" "${K[@]}" --test nosuch
expect_usage_error "dom0's test run directly" "'xl-domu'" "${K[@]}" --test xl-domu
expect_usage_error "param without =" "--param 'novalue'" "${K[@]}" --param novalue
expect_usage_error "param with a bad key" "key 'a b'" "${K[@]}" --param 'a b=1'
expect_usage_error "param with quotes" "no double quotes" "${K[@]}" --param 'k=a"b'
expect_usage_error "param with blanks for a domU" "cannot reach a domU" \
	"${K[@]}" --host xen-domu --param 'args=a b'
expect_usage_error "bad module name" "--module 'a/b'" "${K[@]}" --module a/b
expect_usage_error "missing modules dir" "--modules '$tmp/nomods'" \
	"${K[@]}" --modules "$tmp/nomods"
expect_usage_error "dom0 with no vCPU" "--dom0-vcpus '0'" \
	"${K[@]}" --host xen-dom0 --vcpus 2 --dom0-vcpus 0
expect_usage_error "missing hypervisor" "--xen '$tmp/xen'" \
	"${K[@]}" --host xen-dom0 --xen "$tmp/xen"
expect_usage_error "unwritable log" "--log '/proc/nope/x.log'" \
	"${K[@]}" --log /proc/nope/x.log
expect_usage_error "unknown option" "'--frob'" "${K[@]}" --frob
expect_usage_error "option without its value" "--test needs a value" \
	"${K[@]}" --test
expect_usage_error "--opt=value form is checked too" "--vcpus 'x'" \
	"${K[@]}" --vcpus=x

# An ELF without a PVH entry note is refused for QEMU's direct boot.
if command -v readelf >/dev/null; then
	cp "$(type -P true)" "$tmp/vmlinux"
	expect_usage_error "ELF kernel without PVH note" "PVH" \
		--kernel "$tmp/vmlinux" --host tcg
else
	skip "ELF kernel without PVH note" "no readelf"
fi

# --help lists every option the parser takes.
help=$("$run" --help)
missing=""
while read -r opt; do
	[[ $help == *"$opt"* ]] || missing="$missing $opt"
done < <(sed -n '/^while \[ \$# -gt 0 \]/,/^done/p' "$run" |
	grep -o -- '--[a-z0-9-]*' | sort -u)
if [[ -z $missing ]]; then
	ok "--help documents every option"
else
	nok "--help documents every option # missing:$missing"
fi

# The initramfs: the PVTEST files are there, and a rebuild is identical.
if command -v busybox >/dev/null && command -v cpio >/dev/null &&
   ldd "$(command -v busybox)" 2>&1 | grep -q 'not a dynamic'; then
	if "$mkinit" -o "$tmp/a.cpio.gz" 2>/dev/null &&
	   list=$(zcat "$tmp/a.cpio.gz" | cpio -t --quiet 2>/dev/null); then
		missing=""
		for f in init lib/pvtest.sh bin/sh bin/busybox tests/boot.sh \
			 tests/locktorture.sh tests/hackbench.sh tests/stressng.sh \
			 tests/xl-domu.sh; do
			grep -qx "$f" <<<"$list" || missing="$missing $f"
		done
		if [[ -z $missing ]]; then
			ok "mkinitramfs: /init, the helpers and every test are in"
		else
			nok "mkinitramfs: /init, the helpers and every test are in # missing:$missing"
		fi
		sleep 1	# a rebuild a second later must not differ
		if "$mkinit" -o "$tmp/b.cpio.gz" 2>/dev/null &&
		   cmp -s "$tmp/a.cpio.gz" "$tmp/b.cpio.gz"; then
			ok "mkinitramfs: two builds are byte-identical"
		else
			nok "mkinitramfs: two builds are byte-identical"
		fi
	else
		nok "mkinitramfs: /init, the helpers and every test are in # build failed"
		nok "mkinitramfs: two builds are byte-identical # build failed"
	fi
else
	skip "mkinitramfs: /init, the helpers and every test are in" "no busybox-static or cpio"
	skip "mkinitramfs: two builds are byte-identical" "no busybox-static or cpio"
fi

if command -v shellcheck >/dev/null; then
	if out=$(cd "$top" && shellcheck -x tools/linux/fetch-debs.sh \
			tools/linux/mkinitramfs.sh tools/linux/run-guest.sh \
			tools/linux/initramfs/init tools/linux/initramfs/lib/*.sh \
			tools/linux/initramfs/tests/*.sh \
			tools/linux/build-kernel.sh tools/linux/series.sh tools/linux/lib.sh \
			tools/linux/modcheck.sh \
			tools/testing/linux/*.sh \
			bench/*.sh bench/experiments/*.sh 2>&1); then
		ok "shellcheck: no findings"
	else
		nok "shellcheck: $(grep -c '^In ' <<<"$out") findings"
		while IFS= read -r line; do echo "# $line"; done <<<"$out"
	fi
else
	skip "shellcheck: no findings" "shellcheck not installed"
fi

echo "# $((n - fail)) of $n passed"
((fail == 0))
