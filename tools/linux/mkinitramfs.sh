#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test guests' initramfs: busybox-static, the PVTEST /init and
# tests (tools/linux/initramfs/), and optionally kernel modules, the Xen
# toolstack, a domU kernel and initrd, and the benchmark programs.
# Reproducible: sorted archive, fixed owners, modes and mtimes
# (SOURCE_DATE_EPOCH, default 0).
#
# Usage: tools/linux/mkinitramfs.sh -o OUT.cpio.gz [options]
#   -o, --output FILE      the gzip'd newc archive to write
#   --modules DIR          a modules tree: DIR/modules.dep, or DIR/lib/modules/VER
#                          (what `make modules_install INSTALL_MOD_PATH=DIR`
#                          leaves); copied to /lib/modules/VER
#   --module NAME          copy only NAME and what it depends on (repeatable;
#                          default: every module in DIR).  A NAME the tree
#                          does not have is noted and skipped (built in)
#   --xen-tools            xl, xenstored, xenconsoled, xen-init-dom0,
#                          xenstore-*, their libraries, /etc/xen, /var/lib/xen
#   --debs-root DIR        where fetch-debs.sh unpacked Xen
#                          (default build/linux/debs/root)
#   --domu-kernel FILE     -> /boot/domu-kernel
#   --domu-initrd FILE     -> /boot/domu-initrd
#   --bench-tools          hackbench and stress-ng, with their libraries
#   --file SRC=DEST        any other file (repeatable)
#   -h, --help
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
XEN_VER=4.17
MULTIARCH=x86_64-linux-gnu

usage() { sed -n '4,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
say() { echo "mkinitramfs: $*" >&2; }
die() { say "$*"; exit 1; }
bad() { say "$*"; exit 2; }

out='' modules='' xen_tools=0 bench=0 domu_kernel='' domu_initrd=
debs_root=$top/build/linux/debs/root
wanted=() files=()
while [ $# -gt 0 ]; do
	case $1 in
	-o|--output|--modules|--module|--debs-root|--domu-kernel|--domu-initrd|--file)
		[ $# -ge 2 ] || bad "$1 needs a value"
		case $1 in
		-o|--output) out=$2 ;;
		--modules) modules=$2 ;;
		--module) wanted+=("$2") ;;
		--debs-root) debs_root=$2 ;;
		--domu-kernel) domu_kernel=$2 ;;
		--domu-initrd) domu_initrd=$2 ;;
		--file) files+=("$2") ;;
		esac
		shift 2 ;;
	--xen-tools) xen_tools=1; shift ;;
	--bench-tools) bench=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) bad "unknown argument '$1' (try --help)" ;;
	esac
done
[ -n "$out" ] || bad "no --output given (try --help)"
[ -z "$domu_kernel" ] || [ -f "$domu_kernel" ] ||
	bad "--domu-kernel '$domu_kernel': no such file"
[ -z "$domu_initrd" ] || [ -f "$domu_initrd" ] ||
	bad "--domu-initrd '$domu_initrd': no such file"
[ -z "$modules" ] || [ -d "$modules" ] || bad "--modules '$modules': no such directory"
for tool in busybox cpio gzip ldd; do
	command -v "$tool" >/dev/null || die "$tool not found (tools/linux/fetch-debs.sh installs it)"
done
busybox=$(command -v busybox)
ldd "$busybox" 2>&1 | grep -q 'not a dynamic' ||
	die "$busybox is not static: install busybox-static"

start=$(date +%s.%N)
mkdir -p "$(dirname "$out")"
stage=$(mktemp -d "$(dirname "$out")/.initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,etc,boot} \
	"$stage"/var/{lib,log} "$stage/lib/$MULTIARCH" "$stage/lib64" \
	"$stage/usr/lib/$MULTIARCH"

# busybox and a link per applet.
cp "$busybox" "$stage/bin/busybox"
"$busybox" --list-full | while read -r applet; do
	[ -e "$stage/$applet" ] || [ -L "$stage/$applet" ] ||
		ln -s /bin/busybox "$stage/$applet"
done
# /dev/console, so that /init starts with stdio (needs root; without it
# /init reopens its stdio on devtmpfs).
[ "$(id -u)" != 0 ] || mknod -m 600 "$stage/dev/console" c 5 1

# The PVTEST side.
src=$here/initramfs
install -m 755 "$src/init" "$stage/init"
install -m 644 "$src/lib/pvtest.sh" "$stage/lib/pvtest.sh"
mkdir -p "$stage/tests"
install -m 644 "$src"/tests/*.sh "$stage/tests/"
echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
echo "root:x:0:" >"$stage/etc/group"

# add_lib FILE: FILE (a shared library ldd named) into the image; the
# loader keeps its own path, everything else goes to /lib/$MULTIARCH,
# where the loader looks by default.
add_lib() {
	local dest
	case $1 in
	*/ld-linux*) dest=/lib64/${1##*/} ;;
	*) dest=/lib/$MULTIARCH/${1##*/} ;;
	esac
	[ -e "$stage$dest" ] || cp -L "$1" "$stage$dest"
}

# add_exe FILE DEST [LIBDIR]: an executable and every library it needs;
# LIBDIR is searched first (the unpacked Xen libraries).
add_exe() {
	local lib libs
	mkdir -p "$stage$(dirname "$2")"
	cp -L "$1" "$stage$2"
	chmod 755 "$stage$2"
	libs=$(LD_LIBRARY_PATH=${3:-} ldd "$1" 2>&1) ||
		die "ldd $1: $libs"
	if echo "$libs" | grep -q 'not found'; then
		die "$1 needs libraries that are missing: $(echo "$libs" | grep 'not found' | tr '\n' ' ')"
	fi
	for lib in $(echo "$libs" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
			 $1 ~ /^\// { print $1 }'); do
		add_lib "$lib"
		# glibc loads libgcc_s at run time to unwind a cancelled
		# thread (xl cancels one on exit): it is no ldd dependency.
		case $lib in
		*/libc.so.6)
			[ ! -e "${lib%/*}/libgcc_s.so.1" ] ||
				add_lib "${lib%/*}/libgcc_s.so.1" ;;
		esac
	done
}

if [ "$bench" = 1 ]; then
	for exe in hackbench stress-ng; do
		path=$(command -v "$exe") ||
			die "$exe not found (rt-tests, stress-ng: tools/linux/fetch-debs.sh)"
		add_exe "$path" "/usr/bin/$exe"
	done
fi

if [ "$xen_tools" = 1 ]; then
	xbin=$debs_root/usr/lib/xen-$XEN_VER/bin
	xlib=$debs_root/usr/lib/$MULTIARCH
	[ -x "$xbin/xl" ] || die "no $xbin/xl: run tools/linux/fetch-debs.sh"
	for exe in xl xenstored xenconsoled xen-init-dom0; do
		add_exe "$xbin/$exe" "/usr/lib/xen-$XEN_VER/bin/$exe" "$xlib"
		ln -s "/usr/lib/xen-$XEN_VER/bin/$exe" "$stage/usr/sbin/$exe"
	done
	add_exe "$debs_root/usr/bin/xenstore" /usr/bin/xenstore "$xlib"
	for cmd in read write ls list exists rm chmod watch; do
		ln -s xenstore "$stage/usr/bin/xenstore-$cmd"
	done
	cp -a "$debs_root/etc/xen" "$stage/etc/xen"
	mkdir -p "$stage"/var/lib/{xen,xenstored} "$stage"/var/log/xen/console
fi

if [ -n "$domu_kernel" ]; then
	cp "$domu_kernel" "$stage/boot/domu-kernel"
fi
if [ -n "$domu_initrd" ]; then
	cp "$domu_initrd" "$stage/boot/domu-initrd"
fi

for spec in ${files[@]+"${files[@]}"}; do
	case $spec in
	*=/*) ;;
	*) bad "--file '$spec': want SRC=/DEST" ;;
	esac
	[ -f "${spec%%=*}" ] || bad "--file '$spec': no such file ${spec%%=*}"
	mkdir -p "$stage$(dirname "${spec#*=}")"
	cp "${spec%%=*}" "$stage${spec#*=}"
done

# Modules: the tree's version, then the wanted modules and their
# dependencies (modules.dep), then a fresh depmod for the copy.
if [ -n "$modules" ]; then
	mdir=$modules
	if [ ! -f "$mdir/modules.dep" ]; then
		set -- "$modules"/lib/modules/*/modules.dep
		if [ $# != 1 ] || [ ! -f "$1" ]; then
			bad "--modules '$modules': neither DIR/modules.dep nor one DIR/lib/modules/VER/modules.dep (run depmod)"
		fi
		mdir=$(dirname "$1")
	fi
	ver=$(basename "$(cd "$mdir" && pwd)")
	dest=$stage/lib/modules/$ver
	mkdir -p "$dest"
	# modules.dep: "kernel/path/name.ko: dep1.ko dep2.ko"
	if [ ${#wanted[@]} = 0 ]; then
		copy=$(sed 's/:.*//' "$mdir/modules.dep")
	else
		copy=$(awk -v want="${wanted[*]}" '
			function norm(s) { sub(/.*\//, "", s); sub(/\.ko.*/, "", s)
					   gsub(/-/, "_", s); return s }
			BEGIN { n = split(want, w, " ")
				for (i = 1; i <= n; i++) {
					need[norm(w[i])] = 1; orig[norm(w[i])] = w[i]
				} }
			{ p = $1; sub(/:$/, "", p); path[norm(p)] = p
			  deps[norm(p)] = ""
			  for (i = 2; i <= NF; i++) deps[norm(p)] = deps[norm(p)] " " norm($i) }
			END {
				do {
					more = 0
					for (m in need) if (m in deps) {
						k = split(deps[m], d, " ")
						for (i = 1; i <= k; i++)
							if (!(d[i] in need)) { need[d[i]] = 1; more = 1 }
					}
				} while (more)
				for (m in need)
					if (m in path) print path[m]
					else print "missing " (m in orig ? orig[m] : m)
			}' "$mdir/modules.dep" | LC_ALL=C sort)
		for m in $(echo "$copy" | sed -n 's/^missing //p'); do
			if [ -f "$mdir/modules.builtin" ] &&
			   sed 's/.*\///; s/\.ko$//; s/-/_/g' "$mdir/modules.builtin" |
			   grep -qx "$(echo "$m" | tr - _)"; then
				say "module $m is built into $ver"
			else
				say "module $m: not in $mdir (neither a module nor built in)"
			fi
		done
		copy=$(echo "$copy" | grep -v '^missing ' || true)
	fi
	for m in $copy; do
		mkdir -p "$dest/$(dirname "$m")"
		cp "$mdir/$m" "$dest/$m"
	done
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		[ ! -f "$mdir/$f" ] || cp "$mdir/$f" "$dest/$f"
	done
	if command -v depmod >/dev/null; then
		depmod -b "$stage" "$ver"
	else
		# Without kmod: keep the lines of the copied modules.
		printf '%s\n' "$copy" | awk 'NR == FNR { have[$1 ":"] = 1; next }
			$1 in have' - "$mdir/modules.dep" >"$dest/modules.dep"
	fi
	nmod=$(echo "$copy" | grep -c . || true)
	say "$nmod modules of $ver"
fi

# Normalize, then archive in a fixed order with fixed metadata.
epoch=${SOURCE_DATE_EPOCH:-0}
find "$stage" -type d -exec chmod 755 {} +
find "$stage" -type f -perm -u+x -exec chmod 755 {} +
find "$stage" -type f ! -perm -u+x -exec chmod 644 {} +
chmod 1777 "$stage/tmp"
find "$stage" -exec touch -h -d "@$epoch" {} +
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) |
	gzip -n -"${MKINITRAMFS_GZIP_LEVEL:-6}" >"$out.tmp"
mv "$out.tmp" "$out"
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
say "$out: $(du -k "$out" | cut -f1) KiB, $(cd "$stage" && find . | wc -l) entries, $secs s"
