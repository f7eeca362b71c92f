# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shell functions shared by tools/linux/run-guest.sh and bench/vm-bench.sh.
# Sourced, not run; the caller defines bad() (print the message, exit 2).

# posint OPTION VALUE [MAX]: VALUE is a positive integer (at most MAX).
posint() {
	case $2 in
	''|*[!0-9]*|0*) bad "$1 '$2': want a positive integer" ;;
	esac
	[ -z "${3:-}" ] || [ "$2" -le "$3" ] || bad "$1 '$2': at most $3"
}

# release IMAGE: the kernel release, from an ELF's banner or a bzImage's
# header (a pointer at 0x20e to the version string, relative to 0x200).
# Prints nothing for a missing file or another format.
release() {
	local off
	[ -f "$1" ] || return 0
	if [ "$(od -A n -t x1 -N 4 "$1" | tr -d ' ')" = 7f454c46 ]; then
		LC_ALL=C grep -a -o -m 1 'Linux version [0-9][^ ]*' "$1" |
			head -n 1 | awk '{ print $3 }'
	elif [ "$(od -A n -c -j $((0x202)) -N 4 "$1" | tr -d ' ')" = HdrS ]; then
		off=$(od -A n -t u2 -j $((0x20e)) -N 2 "$1" | tr -d ' ')
		tail -c +$((off + 0x200 + 1)) "$1" | head -c 256 |
			tr '\0' '\n' | head -n 1 | awk '{ print $1 }'
	fi
}
