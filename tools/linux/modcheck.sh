#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Can a module take the ticket lock?  A module inlines the unlocks
# (unless CONFIG_UNINLINE_SPIN_UNLOCK) and any arch_spin_lock() it calls
# directly; they reference the out-of-line waiter, the test-and-set loop,
# the unlock's slow paths and two static keys: each must be exported, or
# the module does not link.  This builds tools/linux/modcheck/ as an
# external module against a kernel build directory and lets modpost
# decide:
#
#   tools/linux/modcheck.sh KDIR
#
# KDIR is a built kernel's output directory (O=, with Module.symvers),
# configured with CONFIG_X86_TICKET_SPINLOCKS=y.
#   pvspin_lockmod.ko      every spinlock form; must link, and must
#                          reference the lock's symbols (else the check
#                          proves nothing)
#   pvspin_unexported.ko   the negative control: reads pv_spin_steal,
#                          which is not exported (nor, without PV
#                          spinlocks, defined); modpost must refuse it
# Exit status 0 if both went as they must, 1 if not, 2 on bad arguments.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
say() { echo "modcheck: $*"; }
die() { echo "modcheck: $*" >&2; exit 2; }

case ${1:-} in
-h|--help) sed -n '4,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
'') die "which kernel build directory? (see --help)" ;;
esac
[ $# = 1 ] || die "one kernel build directory, not $#"
kdir=$(cd "$1" 2>/dev/null && pwd) || die "'$1': no such directory"
[ -f "$kdir/Module.symvers" ] ||
	die "'$1': no Module.symvers (not a kernel build directory, or modules not built)"
grep -qx 'CONFIG_X86_TICKET_SPINLOCKS=y' "$kdir/.config" ||
	die "'$1': not a ticket-lock kernel (CONFIG_X86_TICKET_SPINLOCKS is not y)"
# What pvspin_lockmod.ko must reference: the waiter (arch_spin_lock() is
# inlined); with CONFIG_PARAVIRT the test-and-set key and loop; with PV
# spinlocks the unlock's key and slow path.
want=__ticket_lock_wait
grep -qx 'CONFIG_PARAVIRT=y' "$kdir/.config" &&
	want="$want virt_spin_lock_key __virt_spin_lock"
grep -qx 'CONFIG_PARAVIRT_SPINLOCKS=y' "$kdir/.config" &&
	want="$want paravirt_ticketlocks_enabled __ticket_unlock_slowpath"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fails=0

# build DIR [make args]: the external module in DIR; make's output in DIR/log.
build() {
	local d=$1
	shift
	mkdir -p "$d"
	cp "$here"/modcheck/Kbuild "$here"/modcheck/*.c "$d"/
	make -C "$kdir" M="$d" "$@" modules > "$d/log" 2>&1
}

if build "$scratch/good"; then
	# The lock's symbols the module references, as modpost saw them.
	syms=$(nm -u "$scratch/good/pvspin_lockmod.ko" |
		awk '$2 ~ /ticket|virt_spin_lock/ { print $2 }' | sort | tr '\n' ' ')
	missing=
	for s in $want; do
		case " $syms" in *" $s "*) ;; *) missing="$missing $s" ;; esac
	done
	if grep -q 'warning:' "$scratch/good/log"; then
		grep -A3 'warning:' "$scratch/good/log" >&2
		say "pvspin_lockmod.ko builds with warnings"
		fails=$((fails + 1))
	elif [ -n "$missing" ]; then
		say "pvspin_lockmod.ko links but does not reference$missing: it does not test the ticket lock"
		fails=$((fails + 1))
	else
		say "pvspin_lockmod.ko links: modpost resolves ${syms% }"
	fi
else
	grep -E 'ERROR|error|undefined' "$scratch/good/log" | head -20 >&2
	say "pvspin_lockmod.ko does not link against $1"
	fails=$((fails + 1))
fi

if build "$scratch/bad" PVSPIN_UNEXPORTED=m; then
	say "negative control: pvspin_unexported.ko linked, but pv_spin_steal is not exported"
	fails=$((fails + 1))
elif grep -q '"pv_spin_steal" \[.*pvspin_unexported\.ko\] undefined' "$scratch/bad/log"; then
	say "negative control: modpost refuses pvspin_unexported.ko (\"pv_spin_steal\" undefined)"
else
	tail -20 "$scratch/bad/log" >&2
	say "negative control: the build failed, but not on pv_spin_steal"
	fails=$((fails + 1))
fi
[ $fails = 0 ]
