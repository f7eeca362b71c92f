#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel patch series, generated from the project's files.
#
#   tools/linux/series.sh generate KVER [OUTDIR]
#   tools/linux/series.sh check KVER [--bisect [--no-boot]] [OUTDIR]
#   tools/linux/series.sh checkout KVER SRCDIR
#
# KVER is 6.1 or 6.12 (Debian's linux-source-KVER).  The series is
# tools/linux/series/KVER/series: one patch per line, each with a message
# (NAME.msg: subject, blank line, body), the project files it adds or
# replaces whole (NAME.files, one path per line) and its changes to the
# kernel's own files (NAME.diff, against the tree after the patches
# before it).  Either of the last two may be missing.
#
# generate   commits each patch on a pristine git tree of the source
#            package and writes them with git format-patch to OUTDIR
#            (default build/patches/KVER), with a cover letter.
# check      applies OUTDIR's patches with git am to the pristine tree,
#            checks that the result is what generate committed, runs
#            scripts/checkpatch.pl --strict on each patch (any ERROR,
#            WARNING or CHECK fails, but for the types listed in
#            NAME.checkpatch-ignore, which NAME.msg must name and
#            justify) and with --bisect builds the tree after each
#            patch with the trimmed configuration (any compiler warning
#            fails) and boots it under QEMU TCG to run locktorture, and
#            once it has the PV ticket lock also as a Xen dom0 (the Xen
#            packages: fetch-debs.sh); --no-boot: build only.
# checkout   makes SRCDIR (a git worktree of the pristine tree) the
#            kernel with the series applied, rewriting only the files
#            that changed since the last checkout, so that a build in it
#            stays incremental.  build-kernel.sh builds there.
#
# The patches are signed off by the git identity of this repository
# (user.name and user.email, else the author of its last commit), or by
# PVSPIN_SIGNOFF="Name <address>".
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

usage() {
	sed -n '4,/^set -euo pipefail/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
}

die() {
	echo "series: $*" >&2
	exit 2
}

say() {
	echo "series: $*"
}

[ $# -ge 1 ] || { usage >&2; exit 2; }
case $1 in
-h|--help) usage; exit 0 ;;
generate|check|checkout) cmd=$1; shift ;;
*) die "unknown command '$1' (generate, check or checkout; see --help)" ;;
esac
[ $# -ge 1 ] || die "$cmd: which kernel? (6.1 or 6.12)"
kver=$1
shift
case $kver in
6.1|6.12) ;;
*) die "unknown kernel '$kver' (6.1 or 6.12)" ;;
esac

bisect=0
boot=1
outdir=
srcdir=
while [ $# -gt 0 ]; do
	case $1 in
	--bisect) [ "$cmd" = check ] || die "--bisect is for check"; bisect=1 ;;
	--no-boot) [ "$cmd" = check ] || die "--no-boot is for check"; boot=0 ;;
	-*) die "unknown option '$1'" ;;
	*)
		if [ "$cmd" = checkout ]; then
			srcdir=$1
		else
			outdir=$1
		fi ;;
	esac
	shift
done
[ "$cmd" != checkout ] || [ -n "$srcdir" ] || die "checkout: which source directory?"

pkg=linux-source-$kver
tarball=/usr/src/$pkg.tar.xz
# PVSPIN_SERIES_DEF: where the series definitions are (default
# tools/linux/series); PVSPIN_SERIES_SRC: where the project files are read
# from (default the checkout).  The tests point them at broken copies.
sdir=${PVSPIN_SERIES_DEF:-$here/series}/$kver
srctop=${PVSPIN_SERIES_SRC:-$top}
[ -f "$sdir/series" ] || die "no series for $kver ($sdir/series)"
pkgver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
	die "$pkg is not installed (apt-get install $pkg)"
[ -f "$tarball" ] || die "$tarball missing: reinstall $pkg"
# git -C runs elsewhere: relative paths are the caller's.
outdir=$(realpath -m "${outdir:-$top/build/patches/$kver}")
[ -z "$srcdir" ] || srcdir=$(realpath -m "$srcdir")

# The pristine tree, one per package version: a git repository whose
# commit tagged "base" is the tarball as Debian ships it.
cache=${PVSPIN_SERIES_CACHE:-$top/build/linux-git}/$kver
git_c() {
	git -C "$cache" -c core.autocrlf=false -c gc.auto=0 "$@"
}

prepare() {
	if [ "$(cat "$cache/.pvspin-base" 2>/dev/null)" = "$pkgver" ] &&
	   git_c rev-parse -q --verify base >/dev/null; then
		return 0
	fi
	say "$kver: extracting $tarball into a git tree (once per package version)"
	rm -rf "$cache" "$cache.tmp"
	mkdir -p "$cache.tmp"
	tar -xJf "$tarball" -C "$cache.tmp"
	mv "$cache.tmp/$pkg" "$cache"
	rmdir "$cache.tmp"
	# -f: the tree's own .gitignore files must not hide anything the
	# tarball ships; the commit is the tarball, file for file.
	git_c init -q
	git_c config core.compression 1
	git_c config user.name "pvspin series"
	git_c config user.email "series@pvspin.invalid"
	git_c add -A -f .
	GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z" \
		git_c commit -q -m "$pkg $pkgver as shipped"
	git_c tag -f base >/dev/null
	echo "$pkgver" > "$cache/.pvspin-base"
	git_c worktree prune
}

signoff() {
	local name email
	if [ -n "${PVSPIN_SIGNOFF:-}" ]; then
		echo "$PVSPIN_SIGNOFF"
		return
	fi
	name=$(git -C "$top" config user.name 2>/dev/null || true)
	email=$(git -C "$top" config user.email 2>/dev/null || true)
	if [ -z "$name" ] || [ -z "$email" ]; then
		git -C "$top" log -1 --format='%an <%ae>' 2>/dev/null && return
		die "no identity to sign off with: set PVSPIN_SIGNOFF=\"Name <address>\""
	fi
	echo "$name <$email>"
}

# identity: the sign-off identity, whole (id_who) and split (id_name,
# id_email).
identity() {
	id_who=$(signoff)
	[[ $id_who =~ ^(.+)\ \<([^\<\>]+)\>$ ]] ||
		die "bad sign-off identity '$id_who' (want Name <address>)"
	id_name=${BASH_REMATCH[1]}
	id_email=${BASH_REMATCH[2]}
}

# The patch names, in order; comments and blank lines skipped.
patches() {
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$sdir/series"
}

# commit_series: the series as commits on top of base, in the pristine
# tree's own work tree; prints the last commit.
commit_series() {
	local name n=0 f date
	identity
	git_c checkout -q -f --detach base
	git_c clean -q -f -d -x -e .pvspin-base
	while read -r name; do
		n=$((n + 1))
		[ -f "$sdir/$name.msg" ] || die "$name: no $name.msg"
		if [ -f "$sdir/$name.diff" ]; then
			git_c apply --index --whitespace=error-all "$sdir/$name.diff" ||
				die "$name.diff does not apply to $pkg $pkgver after the patches before it"
		fi
		if [ -f "$sdir/$name.files" ]; then
			while read -r f; do
				[ -n "$f" ] || continue
				[ -f "$srctop/$f" ] || die "$name.files: $f missing in $srctop"
				mkdir -p "$cache/$(dirname "$f")"
				cp "$srctop/$f" "$cache/$f"
				git_c add -f -- "$f"
			done < "$sdir/$name.files"
		fi
		git_c diff --cached --quiet && die "$name changes nothing"
		# One fixed date per patch: the same files give the same commits.
		date="2026-01-01T00:$(printf %02d $n):00Z"
		{ cat "$sdir/$name.msg"; printf '\nSigned-off-by: %s\n' "$id_who"; } |
			GIT_AUTHOR_NAME=$id_name GIT_AUTHOR_EMAIL=$id_email \
			GIT_COMMITTER_NAME=$id_name GIT_COMMITTER_EMAIL=$id_email \
			GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
			git_c commit -q --cleanup=verbatim -F -
	done < <(patches)
	git_c rev-parse HEAD
}

generate() {
	local head n
	prepare
	head=$(commit_series)
	git_c tag -f pvspin-generated "$head" >/dev/null
	rm -rf "$outdir"
	mkdir -p "$outdir"
	# The cover letter's sender and date: the sign-off's, and a fixed one.
	identity
	GIT_COMMITTER_DATE="2026-01-01T01:00:00Z" \
		git_c -c user.name="$id_name" -c user.email="$id_email" \
		format-patch -q -M --cover-letter --no-signature --zero-commit --histogram \
		--base=base -o "$outdir" base.."$head"
	fill_cover "$outdir"/0000-cover-letter.patch
	n=$(patches | wc -l)
	say "$kver: $n patches and a cover letter in $outdir (against $pkg $pkgver)"
}

# The cover letter: format-patch's template with the subject and blurb
# from series/KVER/cover.msg.
fill_cover() {
	local cover=$1 subject
	[ -f "$sdir/cover.msg" ] || return 0
	subject=$(head -1 "$sdir/cover.msg")
	awk -v subject="$subject" -v blurbfile="$sdir/cover.msg" '
		/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, subject) }
		/\*\*\* BLURB HERE \*\*\*/ {
			getline line < blurbfile	# the subject line
			getline line < blurbfile	# the blank line after it
			while ((getline line < blurbfile) > 0)
				print line
			next
		}
		{ print }' "$cover" > "$cover.tmp"
	mv "$cover.tmp" "$cover"
}

check() {
	local p name fails=0 out n=0 total head cfgdir ignore names line
	prepare
	[ -d "$outdir" ] || die "no series in $outdir (run: $0 generate $kver)"
	head=$(git_c rev-parse -q --verify pvspin-generated) ||
		die "no generated series in the tree (run: $0 generate $kver)"
	# A check that was stopped may have left git am half done.
	git_c am --abort > /dev/null 2>&1 || true
	git_c checkout -q -f --detach base
	git_c clean -q -f -d -x -e .pvspin-base
	total=0
	for p in "$outdir"/[0-9][0-9][0-9][0-9]-*.patch; do
		case $p in */0000-cover-letter.patch) ;; *) total=$((total + 1)) ;; esac
	done
	cfgdir=$top/build/series-bisect/$kver
	mapfile -t names < <(patches)
	[ "${#names[@]}" = "$total" ] ||
		die "$outdir has $total patches, the series ${#names[@]}: generate again"
	for p in "$outdir"/[0-9][0-9][0-9][0-9]-*.patch; do
		case $p in */0000-cover-letter.patch) continue ;; esac
		n=$((n + 1))
		name=$(basename "$p")
		ignore=$(checkpatch_ignore "${names[$((n - 1))]}")
		if ! git_c am -q --keep-cr "$p" > "$cache/.am.log" 2>&1; then
			cat "$cache/.am.log" >&2
			git_c am --abort >/dev/null 2>&1 || true
			die "$name: git am failed"
		fi
		# PATH: spdxcheck.py wants Debian's python3 (python3-ply).
		out=$(cd "$cache" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --show-types \
			--no-summary --quiet ${ignore:+--ignore "$ignore"} "$p" 2>&1) || true
		if [ -n "$out" ]; then
			while IFS= read -r line; do
				echo "series: $kver $name: $line"
			done <<<"$out" >&2
			say "$kver $name: checkpatch --strict: $(echo "$out" | grep -cE '^(ERROR|WARNING|CHECK)') complaint(s)"
			fails=$((fails + 1))
		else
			say "$kver [$n/$total] $name: applies, checkpatch --strict clean${ignore:+ (ignoring $ignore, as its message explains)}"
		fi
		if [ $bisect = 1 ]; then
			bisect_build "$name" "$cfgdir" "$n" || fails=$((fails + 1))
		fi
	done
	if ! git_c diff --quiet "$head" HEAD; then
		git_c diff --stat "$head" HEAD >&2
		die "the applied series differs from the generated commits"
	fi
	say "$kver: $total patches apply with git am; the tree matches the generated series"
	[ $fails = 0 ] || die "$kver: $fails patch(es) failed"
}

# checkpatch_ignore NAME: the checkpatch types NAME.checkpatch-ignore
# lists (one per line, then why), comma-separated.  Each must be named in
# NAME.msg: a warning left in a patch is justified in its message.
checkpatch_ignore() {
	local f=$sdir/$1.checkpatch-ignore type list=
	[ -f "$f" ] || return 0
	while read -r type _; do
		[ -n "$type" ] || continue
		grep -qw -- "$type" "$sdir/$1.msg" ||
			die "$1: checkpatch type $type is ignored but $1.msg does not say why"
		list=${list:+$list,}$type
	done < "$f"
	echo "$list"
}

# bisect_build NAME DIR N: the tree as it stands, built with the trimmed
# configuration (tinyconfig + the pv fragments; olddefconfig drops what
# the tree cannot have yet), with no compiler warning; then, unless
# --no-boot, booted under QEMU TCG with 4 vCPUs to run locktorture on
# spin_lock for 5 s (run-guest.sh's verdict: the module's SUCCESS), and
# a tree with the PV ticket lock also as a Xen dom0, whose boot line must
# say PV is on.
bisect_build() {
	local name=$1 o=$2/build n=$3 start warnings
	mkdir -p "$o"
	start=$(date +%s)
	{
		make -s -C "$cache" O="$o" ARCH=x86_64 tinyconfig
		cat "$here/configs/pvspin-guest.config" "$here/configs/ticket-pv.config" > "$o/fragment.config"
		"$cache/scripts/kconfig/merge_config.sh" -m -O "$o" "$o/.config" "$o/fragment.config"
		make -s -C "$cache" O="$o" ARCH=x86_64 olddefconfig
	} > "$o/config.log" 2>&1 || { cat "$o/config.log" >&2; say "$kver $name: configuring failed"; return 1; }
	if ! CCACHE_DIR=${CCACHE_DIR:-$top/build/linux/ccache} CCACHE_BASEDIR=$top/build \
		make -s -C "$cache" O="$o" ARCH=x86_64 CC="ccache gcc" -j"$(nproc)" \
		vmlinux bzImage modules > "$o/build.log" 2>&1; then
		tail -30 "$o/build.log" >&2
		say "$kver $name: the tree after this patch does not build"
		return 1
	fi
	warnings=$(grep -c 'warning:' "$o/build.log" || true)
	say "$kver $name: builds ($warnings warnings," \
		"$(grep -E '^CONFIG_(X86_TICKET_SPINLOCKS|PARAVIRT_SPINLOCKS)=' "$o/.config" | tr '\n' ' ')$(( $(date +%s) - start )) s)"
	if [ "$warnings" != 0 ]; then
		grep -B2 -A3 'warning:' "$o/build.log" >&2
		say "$kver $name: the build warns (log: $o/build.log)"
		return 1
	fi
	[ $boot = 1 ] || return 0
	rm -rf "$o/modules"
	make -s -C "$cache" O="$o" ARCH=x86_64 INSTALL_MOD_PATH="$o/modules" \
		INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod modules_install > /dev/null
	bisect_boot "$name" "$o/boot-$n" "(QEMU TCG, 4 vCPUs)" "" \
		--host tcg --kernel "$o/arch/x86/boot/bzImage" --modules "$o/modules" \
		--vcpus 4 --timeout 600 || return 1
	# TCG offers no PV interface: once the tree has a PV ticket lock,
	# boot it as a Xen dom0 too, where the Xen backend must turn PV on.
	grep -qx 'CONFIG_PARAVIRT_SPINLOCKS=y' "$o/.config" &&
		grep -qx 'CONFIG_X86_TICKET_SPINLOCKS=y' "$o/.config" || return 0
	"$here/fetch-debs.sh" --no-host-tools > "$o/fetch-debs.log" 2>&1 ||
		{ cat "$o/fetch-debs.log" >&2; say "$kver $name: fetch-debs.sh failed (Xen)"; return 1; }
	bisect_boot "$name" "$o/xen-$n" \
		"as Xen dom0 (--dom0-vcpus 4, Xen on 2 CPUs) with the PV ticket lock on" \
		"xen: ticket spinlocks: paravirt" \
		--host xen-dom0 --kernel "$o/vmlinux" --modules "$o/modules" \
		--vcpus 2 --dom0-vcpus 4 --timeout 900
}

# bisect_boot NAME LOG WHAT LINE [run-guest args]: one boot running
# locktorture on spin_lock for 5 s (LOG.out, LOG.err, serial log
# LOG.log); it fails unless run-guest.sh passes and, if LINE is not
# empty, the serial log holds LINE.
bisect_boot() {
	local name=$1 log=$2 what=$3 line=$4 start rc=0 lt
	shift 4
	start=$(date +%s)
	"$here/run-guest.sh" "$@" --test locktorture --param type=spin_lock \
		--param secs=5 --log "$log.log" > "$log.out" 2> "$log.err" || rc=$?
	lt=$(sed -n 's/^PVTEST locktorture\.\(verdict\|writes_total\|writes_fail\)=/\1=/p' \
		"$log.out" | tr '\n' ' ')
	if [ $rc != 0 ] || { [ -n "$line" ] && ! grep -qF -- "$line" "$log.log"; }; then
		tail -20 "$log.log" >&2
		say "$kver $name: the kernel after this patch fails its boot $what (run-guest rc $rc; ${lt:-no locktorture result}${line:+; wanted the line: $line}; log $log.log)"
		return 1
	fi
	say "$kver $name: boots $what: locktorture spin_lock 5 s ${lt}($(( $(date +%s) - start )) s)"
}

checkout() {
	local head
	prepare
	head=$(git_c rev-parse -q --verify pvspin-generated) ||
		die "no generated series in the tree (run: $0 generate $kver)"
	# A worktree of a pristine tree that was extracted again (a new
	# package version) is stale: it is made anew.
	if [ ! -e "$srcdir/.git" ] || ! git -C "$srcdir" rev-parse -q --verify HEAD >/dev/null 2>&1; then
		rm -rf "$srcdir"
		git_c worktree prune
		git_c worktree add -q --detach "$srcdir" "$head"
	else
		git -C "$srcdir" checkout -q -f --detach "$head"
	fi
	say "$kver: $srcdir is $pkg $pkgver with the series ($(git -C "$srcdir" log --oneline base..HEAD | wc -l) patches)"
}

"$cmd"
