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
#   distro Debian's own configuration for KVER (config.amd64_none_amd64
#          of linux-config-KVER, the flavour of Debian's stock kernel)
#          with X86_TICKET_SPINLOCKS=y and PARAVIRT_SPINLOCKS=y; for a
#          local build without debug info, BTF or a signing key.  Builds
#          vmlinux, bzImage and the modules of DISTRO_MODULES (default
#          kvm.ko and xen-netfront.ko; "all": every module, hours on
#          2 CPUs), then tools/linux/modcheck.sh against it.  Not in
#          "all"; about 40 minutes on 2 CPUs with a cold ccache.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
kver=6.1
jobs=$(nproc)
variants=pv

usage() {
	sed -n '4,24s/^# \{0,1\}//p' "$0"
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
		pv|nopv|qspin|distro) variants=$2 ;;
		all) variants="pv nopv qspin" ;;
		*) die "unknown variant '$2' (pv, nopv, qspin, distro or all)" ;;
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

# Debian's configuration with the lock: the changes from Debian's file
# are the two lock options and what a local build cannot or need not do
# (debug info and BTF: hours and gigabytes more; Debian's signing key).
DISTRO_MODULES=${DISTRO_MODULES:-virt/lib/irqbypass.ko arch/x86/kvm/kvm.ko drivers/net/xen-netfront.ko}
build_distro() {
	local o=$out/distro start cfg=/usr/src/linux-config-$kver/config.amd64_none_amd64.xz opt
	[ -f "$cfg" ] || die "[distro] $cfg missing (apt-get install linux-config-$kver)"
	mkdir -p "$o"
	start=$(date +%s)
	if [ "$(cat "$o/.pvspin-stamp" 2>/dev/null)" != "$stamp" ] || [ "$cfg" -nt "$o/.config" ]; then
		echo "build-kernel: [distro] configuring ($cfg + X86_TICKET_SPINLOCKS, PARAVIRT_SPINLOCKS)"
		xzcat "$cfg" > "$o/debian.config"
		cp "$o/debian.config" "$o/.config"
		"$src/scripts/config" --file "$o/.config" \
			-e X86_TICKET_SPINLOCKS -e PARAVIRT_SPINLOCKS \
			-d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -d DEBUG_INFO_DWARF4 -d DEBUG_INFO_DWARF5 \
			-e DEBUG_INFO_NONE -d DEBUG_INFO_BTF -d DEBUG_INFO_BTF_MODULES \
			-d MODULE_SIG_ALL --set-str MODULE_SIG_KEY "" \
			--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
			--set-str LOCALVERSION ""
		make -s -C "$src" O="$o" ARCH=x86_64 olddefconfig > "$o/config.log" 2>&1 ||
			{ cat "$o/config.log" >&2; die "[distro] configuring failed"; }
		for opt in X86_TICKET_SPINLOCKS PARAVIRT_SPINLOCKS PARAVIRT KVM_GUEST XEN SMP; do
			grep -qx "CONFIG_$opt=y" "$o/.config" ||
				die "[distro] CONFIG_$opt is not y after olddefconfig"
		done
		grep -q '^CONFIG_QUEUED_SPINLOCKS=y' "$o/.config" &&
			die "[distro] CONFIG_QUEUED_SPINLOCKS is still y"
		echo "build-kernel: [distro] .config lines that differ from Debian's:" \
			"$(diff <(grep '^CONFIG_' "$o/debian.config" | sort) <(grep '^CONFIG_' "$o/.config" | sort) |
			   sed -n 's/^[<>] CONFIG_//p' | grep -cvE '^(CC_VERSION_TEXT|PAHOLE_|RUSTC_|BUILD_SALT)')" \
			"(list: diff $o/debian.config $o/.config)"
		echo "$stamp" > "$o/.pvspin-stamp"
	else
		echo "build-kernel: [distro] configuration unchanged"
	fi
	local mods
	read -r -a mods <<<"$DISTRO_MODULES"
	[ "$DISTRO_MODULES" = all ] && mods=(modules)
	echo "build-kernel: [distro] building vmlinux, bzImage, ${mods[*]} with $jobs jobs"
	# .ko targets: each module and modpost against vmlinux.o, as in a
	# full build (an undefined symbol is an error).
	if ! make -s -C "$src" O="$o" ARCH=x86_64 CC="ccache gcc" LOCALVERSION= -j"$jobs" \
		vmlinux bzImage > "$o/build.log" 2>&1 ||
	   ! make -s -C "$src" O="$o" ARCH=x86_64 CC="ccache gcc" LOCALVERSION= -j"$jobs" \
		"${mods[@]}" >> "$o/build.log" 2>&1; then
		tail -40 "$o/build.log" >&2
		die "[distro] build failed (full log: $o/build.log)"
	fi
	# Debian's configuration warns in places the series does not touch;
	# a warning in a file it does touch fails.
	local touched warned ours
	touched=$(git -C "$src" diff --name-only base HEAD)
	warned=$(sed -n 's/^\([^ :]*\):[0-9]*:[0-9]*: warning:.*/\1/p' "$o/build.log" |
		sed 's#^\(\.\./\)*src/##; s#^'"$src"'/##' | sort -u)
	ours=$(grep -Fxf <(echo "$touched") <<<"$warned" || true)
	[ -z "$ours" ] || die "[distro] compiler warnings in files the series touches: $(tr "\n" " " <<<"$ours")"
	echo "build-kernel: [distro] compiler warnings: $(grep -c 'warning:' "$o/build.log" || true)" \
		"in $(grep -c . <<<"$warned" || true) file(s), none in the $(grep -c . <<<"$touched") files the series touches"
	echo "build-kernel: [distro] $(cat "$o/include/config/kernel.release") done in" \
		"$(( $(date +%s) - start )) s: $o/vmlinux, $o/arch/x86/boot/bzImage"
	"$here/modcheck.sh" "$o" | sed 's/^/build-kernel: [distro] /'
	return "${PIPESTATUS[0]}"
}

for v in $variants; do
	if [ "$v" = distro ]; then
		build_distro || die "[distro] modcheck failed"
		continue
	fi
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
