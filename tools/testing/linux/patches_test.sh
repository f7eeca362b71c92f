#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel patch series (tools/linux/series.sh), in TAP: for each kernel
# whose source package is installed, the series is generated from the
# project's files, applies with git am to the pristine tree, gives the
# tree that was generated, and is checkpatch --strict clean.  Negative
# controls, each on a broken copy of the series or of the files, must
# fail the same checks: a style error in a project file, a checkpatch
# type ignored without a word in the commit message, a glue diff that
# does not apply.
#
# Each patch is also built in turn and booted (a kernel build per patch,
# a TCG boot with locktorture, and a Xen dom0 boot once the PV lock is
# in; about 15 minutes a series from a cold ccache) for 6.1 under
# CI=true, and for both with PATCHES_BISECT=1; `make patches-bisect`
# does the same by hand.
set -u
cd "$(dirname "$0")/../../.." || exit 1
top=$PWD
series=tools/linux/series.sh
n=0
ok() {	# status description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

kvers=()
for k in 6.1 6.12; do
	if dpkg-query -W -f='${Status}' "linux-source-$k" 2>/dev/null |
		grep -q "install ok installed"; then
		kvers+=("$k")
	else
		echo "# linux-source-$k is not installed: its series is skipped" >&2
	fi
done
echo "1..$((4 * ${#kvers[@]} + 1))"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
log=$scratch/log

# The same kernel's series with the definitions at DEF and the project
# files at SRC, generated into OUT and checked; the log goes to $log.
series_run() {	# kver def src out [check args]
	local k=$1 def=$2 src=$3 out=$4
	shift 4
	PVSPIN_SERIES_DEF=$def PVSPIN_SERIES_SRC=$src "$series" generate "$k" "$out" &&
		PVSPIN_SERIES_DEF=$def PVSPIN_SERIES_SRC=$src "$series" check "$k" "$@" "$out"
}

for k in "${kvers[@]}"; do
	out=$scratch/patches-$k
	bisect=()
	# Under CI the 6.1 series is also built and booted patch by patch.
	if [ "${PATCHES_BISECT:-0}" = 1 ] || { [ "${CI:-}" = true ] && [ "$k" = 6.1 ]; }; then
		bisect=(--bisect)
	fi
	series_run "$k" "$top/tools/linux/series" "$top" "$out" "${bisect[@]}" > "$log" 2>&1
	rc=$?
	sed 's/^/# /' "$log" | grep -E 'applies|builds|boots|matches|failed|complain|series: [^ ]+: [0-9]+ patches' >&2
	np=0
	for p in "$out"/0*.patch; do
		case $p in *cover-letter*|*'0*.patch') ;; *) np=$((np + 1)) ;; esac
	done
	[ $rc = 0 ] && [ "$np" -ge 4 ] && grep -q 'the tree matches the generated series' "$log" &&
		if [ ${#bisect[@]} = 1 ]; then
			# Every patch built and booted, the last also as Xen dom0.
			[ "$(grep -c ': builds (0 warnings' "$log")" = "$np" ] &&
				[ "$(grep -c ': boots (QEMU TCG' "$log")" = "$np" ] &&
				grep -q ': boots as Xen dom0 .* with the PV ticket lock on' "$log"
		fi
	ok $? "$k: $np patches generated from the project's files apply with git am, give the generated tree and are checkpatch --strict clean${bisect:+; each builds without a warning and boots}"

	# A patch is signed off and has a subject, a body and a cover letter.
	bad=0
	for p in "$out"/0*.patch; do
		case $p in *cover-letter*) continue ;; esac
		grep -q '^Signed-off-by: .* <.*@.*>$' "$p" || bad=1
		[ "$(sed -n '/^Subject: /,/^$/p' "$p" | wc -l)" -ge 2 ] || bad=1
		[ "$(sed -n '/^$/,/^---$/p' "$p" | grep -c .)" -ge 3 ] || bad=1
	done
	grep -q 'SUBJECT HERE\|BLURB HERE' "$out"/0000-cover-letter.patch && bad=1
	ok $bad "$k: every patch has a subject, a body and a Signed-off-by; the cover letter is filled in"

	# Negative control: a style error in one project file (a
	# declaration without spaces around '=') fails checkpatch.
	src=$scratch/src-$k
	rm -rf "$src"
	mkdir -p "$src"
	(cd "$top" && cat tools/linux/series/"$k"/*.files | sort -u |
		tar -cf - -T -) | tar -C "$src" -xf -
	echo 'static int pvspin_bad_style=1;' >> "$src/arch/x86/kernel/paravirt-spinlocks.c"
	series_run "$k" "$top/tools/linux/series" "$src" "$scratch/bad-$k" > "$log" 2>&1
	rc=$?
	[ $rc != 0 ] && grep -q 'ERROR:SPACING' "$log"
	ok $? "negative control, $k: a style error in paravirt-spinlocks.c fails checkpatch --strict"

	# Negative controls on a copy of the definitions: a checkpatch type
	# ignored that the message does not name; a glue diff that does not
	# apply (its first removed line altered).
	def=$scratch/def-$k
	rm -rf "$def"
	mkdir -p "$def"
	cp -r "$top/tools/linux/series/$k" "$def/"
	first=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$def/$k/series" | head -1)
	echo 'LONG_LINE nobody said why' >> "$def/$k/$first.checkpatch-ignore"
	series_run "$k" "$def" "$top" "$scratch/def-out-$k" > "$log" 2>&1
	rc=$?
	[ $rc != 0 ] && grep -q 'LONG_LINE is ignored but .* does not say why' "$log"
	r1=$?
	cp "$top/tools/linux/series/$k/$first.checkpatch-ignore" "$def/$k/" 2>/dev/null ||
		rm -f "$def/$k/$first.checkpatch-ignore"
	d=$(find "$def/$k" -name '*.diff' | sort | sed -n 2p)
	sed -i '0,/^-[^-]/s/^-\(.\)/-\1pvspin-altered /' "$d"
	series_run "$k" "$def" "$top" "$scratch/def-out-$k" > "$log" 2>&1
	rc=$?
	[ $rc != 0 ] && grep -q "$(basename "$d"): \|$(basename "$d") does not apply" "$log"
	r2=$?
	[ $r1 = 0 ] && [ $r2 = 0 ]
	ok $? "negative controls, $k: an unexplained ignored checkpatch type and a glue diff that does not apply both fail"
done

# The build tree is a worktree of the pristine tree with the series, and
# a checkout after a change rewrites only what changed (an incremental
# build stays incremental).
if [ ${#kvers[@]} -gt 0 ]; then
	k=${kvers[0]}
	wt=$scratch/wt
	"$series" generate "$k" "$scratch/wt-patches" > "$log" 2>&1 &&
		"$series" checkout "$k" "$wt" >> "$log" 2>&1
	rc=$?
	stamp=$scratch/stamp
	touch "$stamp"
	"$series" checkout "$k" "$wt" >> "$log" 2>&1 || rc=1
	changed=$(find "$wt" -path "$wt/.git" -prune -o -type f -newer "$stamp" -print | wc -l)
	[ $rc = 0 ] && [ "$(git -C "$wt" log --oneline base..HEAD | wc -l)" -ge 4 ] &&
		[ "$changed" = 0 ]
	ok $? "$k: the build tree is the pristine tree with the series; checking out the same series again rewrites no file ($changed)"
	git -C "$top/build/linux-git/$k" worktree remove --force "$wt" 2>/dev/null
else
	ok 0 "no kernel source installed: nothing to check out # SKIP"
fi
