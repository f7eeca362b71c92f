#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the project's guest kernel: Debian's linux-source-KVER with the
# patch series generated from the project's files (tools/linux/series.sh;
# the tree is a git worktree with the series applied), configured with
# tinyconfig + the fragments in tools/linux/configs/, built with ccache.
#
#   tools/linux/build-kernel.sh [--kernel 6.1|6.12] [--variant V|all] [-j N]
#
# Variants (one output directory each, build/linux/<variant>/ for 6.1,
# build/linux-6.12/<variant>/ for 6.12):
#   pv     ticket locks, CONFIG_PARAVIRT_SPINLOCKS=y (the PV ticket lock)
#   nopv   ticket locks, CONFIG_PARAVIRT_SPINLOCKS=n
#   qspin  the kernel's queued spinlock with its PV slow paths
# Each gets vmlinux, bzImage, .config, and modules/ (modules_install).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
kver=6.1
jobs=$(nproc)
variants=pv

usage() {
	sed -n '4,16s/^# \{0,1\}//p' "$0"
}

die() {
	echo "build-kernel: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--variant)
		[ $# -ge 2 ] || die "--variant needs a value"
		case $2 in
		pv|nopv|qspin) variants=$2 ;;
		all) variants="pv nopv qspin" ;;
		*) die "unknown variant '$2' (pv, nopv, qspin or all)" ;;
		esac
		shift 2 ;;
	--kernel)
		[ $# -ge 2 ] || die "--kernel needs a value"
		case $2 in
		6.1|6.12) kver=$2 ;;
		*) die "unknown kernel '$2' (6.1 or 6.12)" ;;
		esac
		shift 2 ;;
	-j)
		[ $# -ge 2 ] || die "-j needs a value"
		[[ $2 =~ ^[1-9][0-9]*$ ]] || die "bad job count '$2'"
		jobs=$2
		shift 2 ;;
	-h|--help)
		usage
		exit 0 ;;
	*)
		die "unknown argument '$1' (see --help)" ;;
	esac
done

src_pkg=linux-source-$kver
if [ "$kver" = 6.1 ]; then
	out=${PVSPIN_LINUX_OUT:-$top/build/linux}
else
	out=${PVSPIN_LINUX_OUT:-$top/build/linux-$kver}
fi
version=$(dpkg-query -W -f='${Version}' "$src_pkg" 2>/dev/null) ||
	die "$src_pkg is not installed (apt-get install $src_pkg)"
command -v ccache >/dev/null || die "ccache not found (apt-get install ccache)"
echo "build-kernel: $src_pkg $version with the series from $top"

# One build at a time: they share the source tree and the ccache.
mkdir -p "$out"
exec 9> "$out/.lock"
flock 9

# The series, generated from the project's files, applied to a worktree
# of the pristine tree; only files that changed are rewritten.
src=$out/src
"$here/series.sh" generate "$kver" "$out/patches" | sed 's/^/build-kernel: /'
if [ -e "$src" ] && [ ! -e "$src/.git" ]; then
	echo "build-kernel: replacing $src (an extracted tree) by a git worktree"
	rm -rf "$src"
fi
"$here/series.sh" checkout "$kver" "$src" | sed 's/^/build-kernel: /'
stamp=$(git -C "$src" rev-parse HEAD)

export CCACHE_DIR=${CCACHE_DIR:-$top/build/linux/ccache}
export CCACHE_BASEDIR=$out
export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2026"
export KBUILD_BUILD_USER=pvspin KBUILD_BUILD_HOST=pvspin
ccache --max-size=5G >/dev/null

# configure VARIANT DIR FRAGMENT: tinyconfig + the fragment, then check
# that every option the fragment asks for survived olddefconfig.
configure() {
	local v=$1 o=$2 frag=$3 line want opt have missing=0
	echo "build-kernel: [$v] configuring (tinyconfig + pvspin-guest.config + $frag)"
	# Kconfig's "override: X changes choice state" notes go to the log:
	# the check below is what decides.
	{
		make -s -C "$src" O="$o" ARCH=x86_64 tinyconfig
		"$src/scripts/kconfig/merge_config.sh" -m -O "$o" "$o/.config" \
			"$o/fragment.config"
		make -s -C "$src" O="$o" ARCH=x86_64 olddefconfig
	} > "$o/config.log" 2>&1 || { cat "$o/config.log" >&2; die "[$v] configuring failed"; }
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) want=$line ;;
		"# CONFIG_"*" is not set") want=$line ;;
		*) continue ;;
		esac
		if ! grep -qxF "$want" "$o/.config"; then
			opt=${want#\# }
			opt=${opt%%[= ]*}
			# "is not set" is also met by an option that cannot be set.
			case $want in
			"# "*) grep -qE "^$opt=" "$o/.config" || continue ;;
			esac
			have=$(grep -E "^(# )?${opt}[= ]" "$o/.config" || echo "$opt absent")
			echo "build-kernel: [$v] asked for '$want', got '$have'" >&2
			missing=1
		fi
	done < "$o/fragment.config"
	[ $missing = 0 ] || die "[$v] configuration is not what the fragments ask for"
	echo "$stamp" > "$o/.pvspin-stamp"
}

for v in $variants; do
	case $v in
	pv) frag=ticket-pv.config ;;
	nopv) frag=ticket-nopv.config ;;
	qspin) frag=qspinlock.config ;;
	esac
	o=$out/$v
	mkdir -p "$o"
	start=$(date +%s)
	cat "$here/configs/pvspin-guest.config" "$here/configs/$frag" > "$o/fragment.new"
	if [ -f "$o/.config" ] && cmp -s "$o/fragment.new" "$o/fragment.config" &&
	   [ "$(cat "$o/.pvspin-stamp" 2>/dev/null)" = "$stamp" ]; then
		rm "$o/fragment.new"
		echo "build-kernel: [$v] configuration unchanged"
	else
		mv "$o/fragment.new" "$o/fragment.config"
		configure "$v" "$o" "$frag"
	fi

	echo "build-kernel: [$v] building with $jobs jobs (ccache in $CCACHE_DIR)"
	if ! make -s -C "$src" O="$o" ARCH=x86_64 CC="ccache gcc" LOCALVERSION= -j"$jobs" \
		vmlinux bzImage modules > "$o/build.log" 2>&1; then
		tail -40 "$o/build.log" >&2
		die "[$v] build failed (full log: $o/build.log)"
	fi
	rm -rf "$o/modules"
	make -s -C "$src" O="$o" ARCH=x86_64 LOCALVERSION= INSTALL_MOD_PATH="$o/modules" \
		INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod modules_install >/dev/null
	cp "$o/arch/x86/boot/bzImage" "$o/bzImage"
	release=$(cat "$o/include/config/kernel.release")
	echo "build-kernel: [$v] compiler warnings: $(grep -c 'warning:' "$o/build.log" || true)"
	echo "build-kernel: [$v] $release done in $(( $(date +%s) - start )) s:" \
		"$o/vmlinux, $o/bzImage, $o/modules"
done
ccache --show-stats 2>/dev/null | grep -E 'Hits|Misses|hit rate' | head -3 | sed 's/^/build-kernel: ccache /' || true
