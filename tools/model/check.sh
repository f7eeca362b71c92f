#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Model-check tools/model/pvticket.pml (one lock, x86-TSO) and
# pvticket-nested.pml (two locks, a slow path nested in an interrupt)
# with SPIN.  TAP on stdout, one line per check; the counterexample of each broken variant follows its line
# as "#" lines.  What each check means, and its numbers:
# Documentation/virt/kvm/pv-ticket-spinlocks-model.rst.
#
# Each check expects one of:
#   pass     pan finds no error, and its search is complete
#   fail:E   a broken variant: pan must report error E (its trail is
#            narrated); a broken variant that verifies is "not ok"
#   reach:N  a probe against a vacuous pass: pan must reach event N
#
# Needs spin (Debian package spin), gcc and coreutils' timeout.  pan is
# built and run in a temporary directory; nothing is written to the tree.
# Exits 0 only if every check is ok.
#
# MODEL_JOBS     checks run at once (default: online CPUs)
# MODEL_ROUNDS   tickets taken in all by the 3-vCPU runs (default 6; lock
#                stealing's runs take one or two fewer)
# MODEL_NESTED_ROUNDS  the same for the two-lock model (default 4: a
#                waiter, the holder it waits for, the interrupt's ticket
#                and the holder that one waits for)
# MODEL_TIMEOUT  seconds allowed to one pan run (default 600)
set -u

here=$(cd "$(dirname "$0")" && pwd)
njobs=${MODEL_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
rounds=${MODEL_ROUNDS:-6}
nrounds=${MODEL_NESTED_ROUNDS:-4}
limit=${MODEL_TIMEOUT:-600}

for tool in spin gcc timeout; do
	if ! command -v "$tool" >/dev/null; then
		echo "Bail out! $tool not found (spin: Debian package spin)"
		exit 1
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pvticket-model.XXXXXX") || exit 1
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

expects=() kinds=() costs=() defines=() descs=() models=()
model=pvticket.pml
# add EXPECT KIND COST DEFINES DESCRIPTION, on the model named by $model
#   KIND: safety (assertions, deadlocks), bfs (the same, searched
#   breadth-first: the shortest counterexample, found sooner where
#   depth-first goes deep first) or live (ltl "live", pan -a -f)
#   COST: rough seconds, so that the long runs start first
add() {
	expects+=("$1") kinds+=("$2") costs+=("$3") defines+=("$4")
	descs+=("$5") models+=("$model")
}

R="-DROUNDS=$rounds"
X=-DBACKEND_XEN
SAFE="-DCHECK_MUTEX -DCHECK_FIFO -DCHECK_RELEASE"
LOST="fail:acceptance cycle"

add pass safety 3 "-DNCPU=2 $SAFE" \
	"kvm, 2 vCPUs, unbounded: mutual exclusion, FIFO, no use after release"
add pass live 3 "-DNCPU=2" \
	"kvm, 2 vCPUs, unbounded: no lost wakeup"
add pass safety 3 "-DNCPU=2 $X $SAFE" \
	"xen, 2 vCPUs, unbounded: mutual exclusion, FIFO, no use after release"
add pass live 3 "-DNCPU=2 $X" \
	"xen, 2 vCPUs, unbounded: no lost wakeup"
for b in kvm xen; do
	B=; [[ $b == xen ]] && B=$X
	add pass safety 8 "$R $B -DCHECK_MUTEX" \
		"$b: mutual exclusion"
	add pass safety 8 "$R $B -DCHECK_FIFO" \
		"$b: FIFO, tickets served in the order taken"
	add pass safety 8 "$R $B -DCHECK_RELEASE" \
		"$b: unlock touches no lock after its releasing xadd"
	add pass live 30 "$R $B" \
		"$b: no lost wakeup: every ticket is served (weak fairness)"
done
add pass safety 8 "$R -DREACH=7" \
	"kvm: smp_mb() after the flag never has a store to drain (lock bts did)"
add pass live 40 "-DROUNDS=$((rounds - 1)) -DRELAXED_MASK" \
	"kvm RELAXED_MASK: plain stores to waiting_cpus; smp_mb() suffices"
add "$LOST" live 3 "$R -DNO_LATCH" \
	"kvm NO_LATCH: a kick before HLT is lost"
add "$LOST" live 3 "$R $X -DPOLL_IGNORES_PENDING" \
	"xen POLL_IGNORES_PENDING: a send before the poll is lost"
add "$LOST" live 3 "$R -DRELAXED_MASK -DNO_MB" \
	"kvm RELAXED_MASK NO_MB: without the full barrier a wakeup is lost"
add "$LOST" live 3 "$R $X -DRELAXED_MASK -DNO_MB" \
	"xen RELAXED_MASK NO_MB: without the full barrier a wakeup is lost"
add pass live 30 "$R -DNO_PREWAKE" \
	"kvm NO_PREWAKE (the 3.12 policy): no lost wakeup"
add pass safety 8 "$R -DNO_PREWAKE $SAFE" \
	"kvm NO_PREWAKE: mutual exclusion, FIFO, no use after release"
add "$LOST" live 3 "$R -DPREWAKE_ONLY" \
	"kvm PREWAKE_ONLY: a pre-wake instead of the kick for the turn is lost"
add "$LOST" live 3 "$R $X -DPREWAKE_ONLY" \
	"xen PREWAKE_ONLY: a pre-wake instead of the send for the turn is lost"
add reach:8 safety 3 "$R -DREACH=8" \
	"kvm reachable: an unlock pre-wakes the waiter after the next one"
add "fail:violated  !(released[p])" safety 3 "$R -DUNLOCK_312 -DCHECK_RELEASE" \
	"kvm UNLOCK_312: the 3.12 unlock loads tail after the release"
add "fail:violated  !(freed[p])" safety 3 "$R -DUNLOCK_312 -DCHECK_FREED" \
	"kvm UNLOCK_312: ... after the next owner took (and may free) the lock"
add reach:1 safety 3 "$R -DREACH=1" \
	"kvm reachable: a halted waiter is woken by the kick for its turn"
add reach:2 safety 3 "$R -DREACH=2" \
	"kvm reachable: the re-check after the flag finds its turn (pickup)"
add reach:3 safety 3 "$R -DREACH=3" \
	"kvm reachable: HLT returns before the waiter's turn (a stale kick)"
add reach:1 safety 3 "$R $X -DREACH=1" \
	"xen reachable: a polling waiter is woken by the send for its turn"
add reach:2 safety 3 "$R $X -DREACH=2" \
	"xen reachable: the re-check after the flag finds its turn (pickup)"
add reach:3 safety 3 "$R $X -DREACH=3" \
	"xen reachable: the poll returns before the waiter's turn (stale send)"
add reach:4 safety 3 "$R -DREACH=4" \
	"kvm reachable: an unlock that wraps head kicks a waiter"
add reach:5 safety 3 "$R -DREACH=5" \
	"kvm reachable: a new holder clears the flag nobody needs any more"

# Lock stealing, pvspin_steal=2 (1 where one theft too many must show):
# mutual exclusion and release with one ticket fewer than the default
# bound, liveness with two fewer; the lock starts at ticket 4, so both
# fields wrap within them.
R1="-DROUNDS=$((rounds - 1))"
R2="-DROUNDS=$((rounds - 2))"
for b in kvm xen; do
	B=; [[ $b == xen ]] && B=$X
	add pass safety 3 "-DNCPU=2 $B -DSTEAL=2 -DCHECK_MUTEX -DCHECK_RELEASE" \
		"$b STEAL=2, 2 vCPUs, unbounded: mutual exclusion, no use after release, bound"
	add pass safety 50 "$R1 $B -DSTEAL=2 -DCHECK_MUTEX -DCHECK_RELEASE" \
		"$b STEAL=2: mutual exclusion, no use after release, 2 thefts a turn at most"
	add pass live 35 "$R2 $B -DSTEAL=2" \
		"$b STEAL=2: no lost wakeup, no ticket lost or starved (weak fairness)"
	add reach:9 safety 3 "$R2 $B -DSTEAL=2 -DREACH=9" \
		"$b STEAL reachable: the holder of the last ticket steals an open turn"
	add reach:10 safety 3 "$R2 $B -DSTEAL=2 -DREACH=10" \
		"$b STEAL reachable: a waiter claims its own open turn"
	add reach:11 safety 3 "$R2 $B -DSTEAL=2 -DREACH=11" \
		"$b STEAL reachable: a turn is opened a second time"
	add "fail:invalid end state" safety 5 \
		"$R2 $B -DSTEAL=2 -DSTEAL_NOT_LAST -DCHECK_MUTEX" \
		"$b STEAL_NOT_LAST: a thief in mid-queue gives back the last ticket: one is lost"
	add "fail:invalid end state" safety 5 \
		"$R2 $B -DSTEAL=2 -DSTEAL_KEEP_TICKET -DCHECK_MUTEX" \
		"$b STEAL_KEEP_TICKET: the thief's ticket comes up with nobody to take it"
	add "fail:violated (incs==1)" safety 3 \
		"$R2 $B -DSTEAL=2 -DCLAIM_STORE -DCHECK_MUTEX" \
		"$b CLAIM_STORE: a claim by load and store races a theft: two holders"
	add "fail:violated (thefts<=1)" safety 3 "$R2 $B -DSTEAL=1 -DNO_COUNT" \
		"$b NO_COUNT: opens not counted: a turn is stolen twice with STEAL=1"
done

# Lock stealing with an interrupt that nests a slow path on another lock
# into a wait (pvspin_steal=1: one theft too many shows): the count of
# each context keeps the bound; the old count, one per slot, loses it,
# and so does the count of the slot's context used without its tag.
for b in kvm xen; do
	B=; [[ $b == xen ]] && B=$X
	add pass safety 20 "$R2 $B -DSTEAL=1 -DIRQ_NEST -DCHECK_MUTEX" \
		"$b STEAL=1 IRQ_NEST: a nested wait counts apart: 1 theft a turn at most, mutual exclusion"
	add "fail:violated (thefts<=1)" bfs 5 \
		"$R2 $B -DSTEAL=1 -DIRQ_NEST -DSHARED_COUNT" \
		"$b SHARED_COUNT: one count a slot, reset by a nested wait: a turn stolen twice with STEAL=1"
done
add "fail:violated (thefts<=1)" bfs 3 \
	"$R2 -DSTEAL=1 -DIRQ_NEST -DNO_COUNT_TAG" \
	"kvm NO_COUNT_TAG: a torn slot's open counted on the interrupt's count: a turn stolen twice"
add reach:12 safety 3 "$R2 -DSTEAL=1 -DIRQ_NEST -DREACH=12" \
	"kvm IRQ_NEST reachable: an interrupt nests a wait into one whose turn was opened"
add reach:13 safety 3 "$R2 -DSTEAL=1 -DIRQ_NEST -DREACH=13" \
	"kvm IRQ_NEST reachable: a torn slot reads (lock, next) with the interrupt's ctx"
add reach:14 safety 3 "$R2 -DSTEAL=1 -DIRQ_NEST -DREACH=14" \
	"kvm IRQ_NEST reachable: a torn slot reads (lock, next), our count names another want"
add reach:15 safety 3 "$R2 -DSTEAL=2 -DREACH=15" \
	"kvm STEAL reachable: an unlock opens the turn of a waiter back from lock_spinning()"

# Two locks; an interrupt that nests a slow path in another's wait.
model=pvticket-nested.pml
NR="-DROUNDS=$nrounds"
for b in kvm xen; do
	B=; [[ $b == xen ]] && B=$X
	add pass safety 4 "$NR $B -DCHECK_MUTEX" \
		"$b, two locks, nested slow paths: mutual exclusion, no deadlock"
	add pass live 25 "$NR $B" \
		"$b, two locks, nested slow paths: no lost wakeup (weak fairness)"
	add reach:1 safety 3 "$NR $B -DREACH=1" \
		"$b reachable: a nested slow path blocks and is woken for its turn"
	add reach:2 safety 3 "$NR $B -DREACH=2" \
		"$b reachable: a wait an interrupt nested into is served"
done
add reach:3 safety 3 "$NR -DREACH=3" \
	"kvm reachable: an unlock skips a slot of the other lock or not next"
add "$LOST" live 3 "$NR -DSTI_GAP" \
	"kvm STI_GAP: interrupts on, then HLT: the nested slow path's wait eats the kick"
add "$LOST" live 3 "$NR $X -DNO_NESTING_RULE" \
	"xen NO_NESTING_RULE: a nested slow path leaves the channel clear: the outer poll sleeps on"
n=${#expects[@]}

# The narration of a trail, its last 40 lines, as TAP diagnostics.
narrate() {
	# shellcheck disable=SC2086	# a list of -D options
	spin -t $1 "$2" 2>&1 |
		sed -n -e 's/^ *\(cpu[0-9]:\) */#   \1 /p' \
		    -e 's/^ *<<<<<START OF CYCLE>>>>>.*/#   (so forever)/p' |
		sed 's/  */ /g; s/ *$//' >trail.txt
	if (($(wc -l <trail.txt) > 40)); then
		echo "#   ($(($(wc -l <trail.txt) - 40)) steps before these)"
	fi
	tail -n 40 trail.txt
}

# run_check I: build and run pan for check I; its TAP goes to $tmp/I.tap.
run_check() {
	local i=$1 expect=${expects[$1 - 1]} kind=${kinds[$1 - 1]}
	local cost=${costs[$1 - 1]} defs=${defines[$1 - 1]}
	local desc=${descs[$1 - 1]} d=$tmp/$1 out=$tmp/$1.tap
	local file=${models[$1 - 1]}
	local gccargs=(-w -DMEMLIM=4096) panargs=(-n -m100000)
	local want rc errors stored depth at start secs
	local errs='acceptance cycle|assertion violated.*|invalid end state'

	mkdir -p "$d" && cp "$here/$file" "$d/$file" && cd "$d" || return
	start=$(date +%s.%N)
	if [[ $expect != pass ]]; then
		gccargs+=(-O0)	# stops at the first error: build fast
	elif ((cost > 3)); then
		gccargs+=(-O2 -DCOLLAPSE)
	else
		gccargs+=(-O1)
	fi
	if [[ $kind == live ]]; then
		panargs+=(-a -f)
	else
		gccargs+=(-DSAFETY -DNOCLAIM)
	fi
	[[ $kind == bfs ]] && gccargs+=(-DBFS)

	# shellcheck disable=SC2086	# a list of -D options
	if ! spin -a $defs "$file" >spin.log 2>&1; then
		echo "not ok $i - $desc # spin: $(tail -1 spin.log)" >"$out"
		return
	fi
	if ! gcc "${gccargs[@]}" -o pan pan.c >gcc.log 2>&1; then
		echo "not ok $i - $desc # gcc: $(head -1 gcc.log)" >"$out"
		return
	fi
	timeout "$limit" ./pan "${panargs[@]}" >pan.log 2>&1
	rc=$?
	secs=$(awk -v a="$start" -v b="$(date +%s.%N)" \
		'BEGIN { printf "%.1f", b - a }')
	errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' pan.log | head -1)
	stored=$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' pan.log)
	depth=$(sed -n 's/.*depth reached \([0-9]*\),.*/\1/p' pan.log)
	at=$(grep -m1 -o -E "($errs) \\(at depth [0-9]+\\)" pan.log)

	if ((rc == 124)); then
		echo "not ok $i - $desc # timed out after $limit s" >"$out"
	elif [[ -z $errors ]]; then
		echo "not ok $i - $desc # pan: $(tail -1 pan.log)" >"$out"
	elif [[ $expect == pass ]] && ((errors)); then
		echo "not ok $i - $desc # $at" >"$out"
		narrate "$defs" "$file" >>"$out"
	elif [[ $expect == pass ]] &&
	     grep -q -e 'Search not completed' -e 'max search depth too small' \
		     -e 'out of memory' pan.log; then
		echo "not ok $i - $desc # incomplete, $stored states" >"$out"
	elif [[ $expect == pass ]]; then
		echo "ok $i - $desc # $stored states, depth $depth, $secs s" \
			>"$out"
	elif ((errors == 0)); then
		echo "not ok $i - $desc # not found in $stored states" >"$out"
	else
		case $expect in
		fail:*) want=${expect#fail:} ;;
		reach:*) want="violated (${expect#reach:}!=${expect#reach:})" ;;
		esac
		if ! grep -qF -- "$want" pan.log; then
			echo "not ok $i - $desc # another error: $at" >"$out"
		elif [[ $expect == reach:* ]]; then
			at=${at##*depth }
			echo "ok $i - $desc # at depth ${at%)}, $secs s" >"$out"
		else
			echo "ok $i - $desc # found: $at, $secs s" >"$out"
			narrate "$defs" "$file" >>"$out"
		fi
	fi
}

# Start the long checks first, at most $njobs at a time.
order=$(for ((i = 1; i <= n; i++)); do
	echo "${costs[i - 1]} $i"
done | sort -k1,1nr -k2,2n | cut -d' ' -f2)
(
	running=0
	for i in $order; do
		if ((running >= njobs)); then
			wait -n
			running=$((running - 1))
		fi
		(run_check "$i"; touch "$tmp/$i.done") &
		running=$((running + 1))
	done
	wait
) &
dispatcher=$!

echo "1..$n"
start=$SECONDS
pass=0
fail=0
for ((i = 1; i <= n; i++)); do
	until [[ -e $tmp/$i.done ]] || ! kill -0 "$dispatcher" 2>/dev/null; do
		sleep 0.2
	done
	[[ -s $tmp/$i.tap ]] || echo "not ok $i - no result" >"$tmp/$i.tap"
	cat "$tmp/$i.tap"
	if head -1 "$tmp/$i.tap" | grep -q '^ok '; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
wait
echo "# $pass passed, $fail failed; $((SECONDS - start)) s," \
	"$njobs jobs, ROUNDS=$rounds (two-lock model: $nrounds)"
((fail == 0))
