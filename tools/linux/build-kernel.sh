#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the project's guest kernel from Debian's linux-source-6.1:
# extract the source, apply tools/linux/patches/*.patch, copy the
# project's guest files over the tree, configure (tinyconfig + the
# fragments in tools/linux/configs/) and build with ccache.
#
#   tools/linux/build-kernel.sh [--variant pv|nopv|qspin|all] [-j N]
#
# Variants (one output directory each, build/linux/<variant>/):
#   pv     ticket locks, CONFIG_PARAVIRT_SPINLOCKS=y (the PV ticket lock)
#   nopv   ticket locks, CONFIG_PARAVIRT_SPINLOCKS=n
#   qspin  the kernel's queued spinlock with its PV slow paths
# Each gets vmlinux, bzImage, .config, and modules/ (modules_install).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${PVSPIN_LINUX_OUT:-$top/build/linux}
src_pkg=linux-source-6.1
tarball=/usr/src/linux-source-6.1.tar.xz
jobs=$(nproc)
variants=pv

# The project's guest files, as they land in the kernel tree.
guest_files=(
	arch/x86/include/asm/spinlock.h
	arch/x86/include/asm/spinlock_types.h
	arch/x86/include/asm/paravirt_ticket.h
	arch/x86/include/asm/pvspin_stats.h
	arch/x86/kernel/paravirt-spinlocks.c
	arch/x86/kernel/kvm_spinlock.c
	arch/x86/xen/spinlock.c
)

usage() {
	sed -n '3,16s/^# \{0,1\}//p' "$0"
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

version=$(dpkg-query -W -f='${Version}' "$src_pkg" 2>/dev/null) ||
	die "$src_pkg is not installed (apt-get install $src_pkg)"
[ -f "$tarball" ] || die "$tarball missing: reinstall $src_pkg"
command -v ccache >/dev/null || die "ccache not found (apt-get install ccache)"
echo "build-kernel: $src_pkg $version, patches and guest files from $top"

# One build at a time: they share the source tree and the ccache.
mkdir -p "$out"
exec 9> "$out/.lock"
flock 9

# The source tree is extracted again whenever the package or a patch
# changes; guest files are copied every time (make rebuilds what changed).
stamp=$( (echo "$version"; cat "$here"/patches/*.patch) | sha256sum | cut -c1-16)
src=$out/src
if [ "$(cat "$src/.pvspin-stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "build-kernel: extracting $tarball"
	rm -rf "$src" "$out/src.tmp"
	mkdir -p "$out/src.tmp"
	tar -xJf "$tarball" -C "$out/src.tmp"
	mv "$out/src.tmp/linux-source-6.1" "$src"
	rmdir "$out/src.tmp"
	for p in "$here"/patches/*.patch; do
		echo "build-kernel: applying $(basename "$p")"
		# patch(1), not git apply: inside this repository's work tree
		# git apply would skip, silently, every path outside it.
		patch -d "$src" -p1 -s -f --no-backup-if-mismatch < "$p" ||
			die "$(basename "$p") does not apply to $src_pkg $version"
	done
	echo "$stamp" > "$src/.pvspin-stamp"
fi
for f in "${guest_files[@]}"; do
	if ! cmp -s "$top/$f" "$src/$f"; then
		cp "$top/$f" "$src/$f"
	fi
done

export CCACHE_DIR=${CCACHE_DIR:-$out/ccache}
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
	if ! make -s -C "$src" O="$o" ARCH=x86_64 CC="ccache gcc" -j"$jobs" \
		vmlinux bzImage modules > "$o/build.log" 2>&1; then
		tail -40 "$o/build.log" >&2
		die "[$v] build failed (full log: $o/build.log)"
	fi
	rm -rf "$o/modules"
	make -s -C "$src" O="$o" ARCH=x86_64 INSTALL_MOD_PATH="$o/modules" \
		INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod modules_install >/dev/null
	cp "$o/arch/x86/boot/bzImage" "$o/bzImage"
	release=$(cat "$o/include/config/kernel.release")
	echo "build-kernel: [$v] compiler warnings: $(grep -c 'warning:' "$o/build.log" || true)"
	echo "build-kernel: [$v] $release done in $(( $(date +%s) - start )) s:" \
		"$o/vmlinux, $o/bzImage, $o/modules"
done
ccache --show-stats 2>/dev/null | grep -E 'Hits|Misses|hit rate' | head -3 | sed 's/^/build-kernel: ccache /' || true
