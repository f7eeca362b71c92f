#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch what the real-guest runs need from Debian's own archive, with
# apt-get download, and unpack it without installing it (installing Xen on
# the host would drag in systemd and a bootloader hook):
#
#   build/linux/debs/*.deb       the packages, as downloaded
#   build/linux/debs/root/       every package unpacked with dpkg-deb -x:
#     boot/xen-4.17-amd64.gz     the hypervisor (gzip'd multiboot image)
#     boot/xen-4.17-amd64        the same, decompressed for QEMU's -kernel
#     boot/vmlinuz-$STOCK_KVER   the stock Debian kernel (bzImage)
#     boot/vmlinux-$STOCK_KVER   its ELF payload: boots faster under TCG/Xen
#     lib/modules/$STOCK_KVER/   its modules (xenfs, xen-evtchn, ...),
#                                with modules.dep (depmod)
#     usr/lib/xen-4.17/bin/      xl, xenstored, xenconsoled, xen-init-dom0
#     usr/lib/x86_64-linux-gnu/  the Xen toolstack libraries
#   build/linux/debs/root/.versions   "package version" of what is unpacked
#
# Idempotent: nothing is downloaded or unpacked again while the .debs on
# disk and the unpacked tree match the versions apt offers.  Also checks
# the host tools the guest runs use (QEMU, busybox-static, rt-tests,
# stress-ng, cpio) and installs the missing ones when run as root.
#
# Usage: tools/linux/fetch-debs.sh [--no-host-tools] [--help]
# Works unattended (CI=true, no stdin) as root on Debian 12.
set -eu

# The stock kernel the plumbing is developed and checked with.  Debian
# drops superseded ABIs from its archive; when this one is gone, move to
# the newest linux-image-6.1.0-*-amd64 that `apt-cache search` lists.
STOCK_KVER=6.1.0-56-amd64
XEN_VER=4.17

PACKAGES="xen-hypervisor-$XEN_VER-amd64 xen-utils-$XEN_VER xenstore-utils
xen-utils-common libxentoolcore1 libxentoollog1 libxencall1
libxendevicemodel1 libxenevtchn1 libxenforeignmemory1 libxengnttab1
libxenhypfs1 libxenstore4 libyajl2 libxenmisc$XEN_VER
linux-image-$STOCK_KVER"

# command:package pairs the guest runs need on the host.
HOST_TOOLS="qemu-system-x86_64:qemu-system-x86 busybox:busybox-static
hackbench:rt-tests stress-ng:stress-ng cpio:cpio gzip:gzip xz:xz-utils
ldd:libc-bin depmod:kmod"

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
debs=$top/build/linux/debs
root=$debs/root

host_tools=1
for arg in "$@"; do
	case $arg in
	--no-host-tools) host_tools=0 ;;
	-h|--help)
		sed -n '4,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
		exit 0 ;;
	*)
		echo "fetch-debs: unknown argument '$arg' (try --help)" >&2
		exit 2 ;;
	esac
done

export DEBIAN_FRONTEND=noninteractive
say() { echo "fetch-debs: $*" >&2; }
die() { say "$*"; exit 1; }

# candidate PACKAGE: the version apt would download, or nothing.
candidate() {
	apt-cache policy "$1" 2>/dev/null |
		awk '$1 == "Candidate:" && $2 != "(none)" { print $2 }'
}

updated=0
apt_update() {
	[ "$updated" = 0 ] || return 0
	updated=1
	[ "$(id -u)" = 0 ] || die "apt lists lack a package; run apt-get update as root"
	say "apt-get update"
	apt-get update -qq </dev/null >&2
}

# deb_of PACKAGE: the downloaded .deb of PACKAGE in $debs, if any.
deb_of() {
	local f
	for f in "$debs/$1"_*.deb; do
		[ -e "$f" ] && echo "$f" && return 0
	done
	return 0
}

if [ "$host_tools" = 1 ]; then
	missing=
	for pair in $HOST_TOOLS; do
		command -v "${pair%%:*}" >/dev/null 2>&1 ||
			missing="$missing ${pair#*:}"
	done
	# busybox must be the static one: it runs inside the guest.
	if command -v busybox >/dev/null 2>&1 &&
	   ! ldd "$(command -v busybox)" 2>&1 | grep -q 'not a dynamic'; then
		missing="$missing busybox-static"
	fi
	if [ -n "$missing" ]; then
		[ "$(id -u)" = 0 ] || die "missing host packages:$missing (install them as root)"
		[ -n "$(candidate qemu-system-x86)" ] || apt_update
		say "installing host packages:$missing"
		# shellcheck disable=SC2086	# a list of package names
		apt-get install -y -qq --no-install-recommends $missing \
			</dev/null >&2
	fi
fi

mkdir -p "$debs"

# candidates: "package version" for every package apt can download.
candidates() {
	# shellcheck disable=SC2086	# a list of package names
	apt-cache policy $PACKAGES 2>/dev/null | awk '
		/^[^ ]/ { p = $1; sub(/:$/, "", p) }
		$1 == "Candidate:" && $2 != "(none)" { print p, $2 }'
}

# Which version of each package: apt's candidate; if apt knows nothing
# (no lists, no network) but a .deb is already here, that .deb.
offer=$(candidates)
for p in $PACKAGES; do
	if ! echo "$offer" | grep -q "^$p " && [ -z "$(deb_of "$p")" ]; then
		apt_update
		offer=$(candidates)
		break
	fi
done
want=
for p in $PACKAGES; do
	v=$(echo "$offer" | awk -v p="$p" '$1 == p { print $2 }')
	if [ -z "$v" ]; then
		f=$(deb_of "$p")
		[ -n "$f" ] || die "apt has no package $p (STOCK_KVER=$STOCK_KVER in $0 may be out of date: apt-cache search linux-image-6.1.0)"
		v=$(dpkg-deb -f "$f" Version)
		say "$p: apt offers no version; using $(basename "$f")"
	fi
	want="$want$p $v
"
done

# Download what is missing or stale.
fetch=
while read -r p v; do
	[ -n "$p" ] || continue
	f=$(deb_of "$p")
	if [ -n "$f" ] && [ "$(dpkg-deb -f "$f" Version)" = "$v" ]; then
		continue
	fi
	[ -z "$f" ] || rm -f "$f"
	fetch="$fetch $p=$v"
done <<EOF
$want
EOF
if [ -n "$fetch" ]; then
	say "apt-get download$fetch"
	# shellcheck disable=SC2086	# a list of package=version
	# As root, apt would hand the download to its _apt user, who may not
	# write here: say it is root's own download.
	(cd "$debs" && apt-get download -qq -o APT::Sandbox::User="$(id -un)" \
		$fetch </dev/null >&2)
fi

# Unpack again only if the set of versions changed.
stamp=$root/.versions
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(printf '%s' "$want")" ]; then
	say "unpacked tree is up to date: $root"
else
	say "unpacking into $root"
	rm -rf "$root.new"
	mkdir -p "$root.new"
	while read -r p v; do
		[ -n "$p" ] || continue
		dpkg-deb -x "$(deb_of "$p")" "$root.new"
	done <<EOF
$want
EOF
	# The hypervisor as QEMU's -kernel wants it.
	zcat "$root.new/boot/xen-$XEN_VER-amd64.gz" \
		>"$root.new/boot/xen-$XEN_VER-amd64"

	# The stock kernel's ELF payload.  bzImage header: setup_sects at
	# 0x1f1 (the protected-mode part starts at (setup_sects + 1) * 512),
	# payload_offset and payload_length at 0x248 and 0x24c, offsets into
	# that part.  The payload is the compressed, stripped vmlinux; but
	# for gzip, Kbuild appends the decompressed size (4 bytes) to it.
	bz=$root.new/boot/vmlinuz-$STOCK_KVER
	setup=$(od -A n -t u1 -j $((0x1f1)) -N 1 "$bz" | tr -d ' ')
	read -r poff plen <<-EOF
	$(od -A n -t u4 -j $((0x248)) -N 8 "$bz")
	EOF
	start=$(((setup + 1) * 512 + poff))
	magic=$(od -A n -t x1 -j "$start" -N 4 "$bz" | tr -d ' ')
	case $magic in
	fd377a58) unz="xz -dc" plen=$((plen - 4)) ;;
	1f8b*) unz="gzip -dc" ;;
	28b52ffd) unz="zstd -dc" plen=$((plen - 4)) ;;
	*) die "$bz: unknown payload compression (magic $magic)" ;;
	esac
	# shellcheck disable=SC2086	# the decompressor and its flags
	tail -c +$((start + 1)) "$bz" | head -c "$plen" | $unz \
		>"$root.new/boot/vmlinux-$STOCK_KVER"
	[ "$(head -c 4 "$root.new/boot/vmlinux-$STOCK_KVER" | od -A n -t x1 |
		tr -d ' ')" = 7f454c46 ] || die "$bz: payload is not an ELF image"

	# The package leaves the module index to its postinst: build it,
	# for modprobe in the guest and for mkinitramfs.sh --module.
	if command -v depmod >/dev/null 2>&1; then
		depmod -b "$root.new" "$STOCK_KVER"
	else
		say "depmod (kmod) missing: $root/lib/modules/$STOCK_KVER has no modules.dep"
	fi

	printf '%s' "$want" >"$root.new/.versions"
	rm -rf "$root"
	mv "$root.new" "$root"
fi

echo "stock kernel: $STOCK_KVER"
echo "packages (build/linux/debs):"
printf '%s' "$want" | awk 'NF { printf "  %-32s %s\n", $1, $2 }'
if [ "$host_tools" = 1 ]; then
	echo "host tools:"
	for pair in $HOST_TOOLS; do
		p=${pair#*:}
		printf '  %-32s %s\n' "$p" \
			"$(dpkg-query -W -f '${Version}' "$p" 2>/dev/null || echo '?')"
	done
fi
echo "root: $root"
