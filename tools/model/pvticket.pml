/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Promela model of the paravirt ticket spinlock on x86-TSO: the lock and
 * unlock of arch/x86/include/asm/spinlock.h, with either the KVM backend
 * (arch/x86/kernel/kvm_spinlock.c; host: arch/x86/kvm/x86.c) or the Xen
 * backend (arch/x86/xen/spinlock.c; host: arch/x86/kvm/xen.c).  Run by
 * tools/model/check.sh; what maps to what, what is abstracted and the
 * results: Documentation/virt/kvm/pv-ticket-spinlocks-model.rst.
 *
 * NCPU vCPUs each run lock (or trylock), critical section, unlock, again
 * and again, on one lock: ROUNDS tickets in all when ROUNDS is defined,
 * forever otherwise.  Tickets are 3 bits (M = 8) and advance by 2; tail
 * bit 0 is the slowpath flag; so the fifth ticket reuses the first one's
 * value, and NCPU * TICKET_LOCK_INC <= M as spinlock_types.h asserts.
 * The lock word is head + tail * M; a locked instruction is one d_step
 * on the whole word with the C code's arithmetic.
 *
 * One step of the model is one instruction that another vCPU can tell
 * apart (a load, a locked instruction, a hypercall), together with the
 * local work around it (register arithmetic, stores into the store
 * buffer, which no other vCPU sees).  Where two accesses are folded into
 * one step, the comment says why no interleaving is lost.
 *
 * Memory: x86-TSO.  Each vCPU has a FIFO store buffer, sb[p], for the
 * plain stores the argument depends on: its slot (lock, want) and, in
 * the RELAXED_MASK variant, its bit in waiting_cpus.  A locked
 * instruction (xadd, cmpxchg, lock bts/btr/and) and mfence (smp_mb())
 * first drain the whole buffer to memory.  Otherwise a buffer drains
 * when it is observed: before vCPU p loads a location of vCPU q, any
 * prefix of q's buffer may reach memory.  Drains that nobody observes
 * change nothing, so this is x86-TSO for these single-writer locations,
 * without the interleavings of invisible drains.  A vCPU never loads its
 * own slot or mask bit (the unlocker skips itself: its own bit is clear),
 * so no store forwarding is needed, except where lock stealing's count
 * says so.  TSO never reorders loads with loads nor stores with stores:
 * smp_rmb() and smp_wmb() have no counterpart.
 *
 * Configuration (spin -DNAME):
 *   BACKEND_XEN           the Xen backend and host; default: KVM
 *   NCPU=n                vCPUs (2 or 3; default 3)
 *   ROUNDS=n              bound the tickets taken (default: unbounded)
 *   START=n               the free lock's first ticket (even; default 0,
 *                         4 with STEAL)
 *   CHECK_MUTEX           assert mutual exclusion (and a carry-free xadd)
 *   CHECK_FIFO            assert that tickets are served in arrival order
 *   CHECK_RELEASE         assert that unlock touches no lock after its
 *                         releasing instruction
 *   CHECK_FREED           assert that unlock touches no lock that another
 *                         vCPU has taken since the release (and so may
 *                         have freed)
 *   REACH=n               make event n (listed below) an assertion failure
 *   NO_TRYLOCK            no vCPU uses arch_spin_trylock()
 *   (liveness: ltl "live", checked with pan -a -f)
 * Variants:
 *   NO_LATCH              the KVM host drops a kick to a vCPU not halted:
 *                         must lose a wakeup
 *   POLL_IGNORES_PENDING  Xen SCHEDOP_poll blocks on a pending port: must
 *                         lose a wakeup
 *   RELAXED_MASK          waiting_cpus set and cleared by plain stores, as
 *                         the kernel memory model lets set_bit() be: must
 *                         still verify
 *   NO_MB                 drop the waiter's smp_mb() after the flag: with
 *                         RELAXED_MASK must lose a wakeup; alone it drops
 *                         a drain that never has anything to drain
 *   UNLOCK_312            Linux 3.12's unlock: add_smp() on head, then
 *                         load tail, maybe cmpxchg the flag off, kick:
 *                         must touch the lock after the release
 *   NO_PREWAKE            the 3.12 spin policy: the unlock kicks only the
 *                         waiter of @next (default: also the one of
 *                         @next + INC, the pre-wake of the default policy)
 *   PREWAKE_ONLY          an unlock that pre-wakes the waiter after @next
 *                         but not @next's own: must lose a wakeup
 * Lock stealing (asm/spinlock.h, "Lock stealing"):
 *   STEAL=n               an unlock that saw the flag may open the turn of
 *                         a blocked waiter, head = next | 1, at most n
 *                         times per turn (n >= 1: pvspin_steal=n); the
 *                         waiter claims it, or the holder of the last
 *                         ticket steals it.  CHECK_FIFO does not apply;
 *                         every theft asserts the bound (see "thefts")
 *   STEAL_NOT_LAST        a thief that need not hold the last ticket (and
 *                         gives back the last one all the same): its own
 *                         ticket is left in the queue with nobody to take
 *                         it, and the search must find the waiters stuck
 *   STEAL_KEEP_TICKET     a thief that keeps its ticket: the same
 *   CLAIM_STORE           the waiter claims its open turn with a load and
 *                         a plain store, not cmpxchg: must break mutual
 *                         exclusion
 *   NO_COUNT              the unlock never counts an open in the slot:
 *                         must break the bound
 *   IRQ_NEST              an interrupt may end a wait (the spurious return)
 *                         by nesting a slow path on another lock: it
 *                         publishes its own (other lock, any want) in the
 *                         slot with its own context's count, withdraws it,
 *                         and the wait must publish again
 *   SHARED_COUNT          the old count: one per slot, tagged by the slot's
 *                         want, so a nested slow path resets it; with
 *                         IRQ_NEST must break the bound
 *   NO_COUNT_TAG          (IRQ_NEST) the unlock uses the count of the
 *                         slot's ctx without checking that it names (lock,
 *                         next): a torn slot's open is counted on the
 *                         wrong count; must break the bound
 * When a waiter blocks is a free choice (any time after the load of head
 * that saw it was not its turn), so blocking early, wherever the waiter
 * stands in the queue, is covered; host yields are scheduling, which the
 * model leaves free anyway.
 */

#ifndef NCPU
#define NCPU	3
#endif

#define M	8		/* ticket values: 3 bits */
#define W	(M * M)		/* lock word values: head + tail * M */
#define INC	2		/* TICKET_LOCK_INC */
#define FLAG	1		/* TICKET_SLOWPATH_FLAG */
#define HEAD(w)		((w) % M)
#define TAIL(w)		((w) / M)
#define MKWORD(h, t)	((h) + (t) * M)
#define NOFLAG(t)	(((t) / 2) * 2)	/* t & ~TICKET_SLOWPATH_FLAG */
#define SEQ	4		/* ghost arrival numbers, mod SEQ */

#ifdef STEAL
#if STEAL < 1
#error "STEAL=n: n >= 1 (pvspin_steal=0 is the model without STEAL)"
#endif
#ifdef CHECK_FIFO
#error "CHECK_FIFO with STEAL: a thief is served out of turn by design"
#endif
#ifdef UNLOCK_312
#error "UNLOCK_312 with STEAL: lock stealing has the new unlock only"
#endif
#define OPEN	1		/* TICKET_OPEN_FLAG: bit 0 of head */
#endif

/*
 * lock->head_tail.  START: head = tail = START, free, where START/2
 * uncontended lock and unlock pairs leave it; STEAL starts at 4, so that
 * the few tickets its runs afford cross the wrap of both fields.
 */
#ifndef START
#ifdef STEAL
#define START	4
#else
#define START	0
#endif
#endif
#if START % 2 || START < 0 || START >= M
#error "START: an even ticket value below M"
#endif
byte head_tail = MKWORD(START, START);

/* The backend's per-CPU slot (klock_waiting / lock_waiting), waiting_cpus */
bit slot_lock[NCPU];		/* NULL (0) or this lock (1) */
byte slot_want[NCPU];
bit waiting_cpus[NCPU];
#ifdef STEAL
/*
 * The count of opens (struct pv_ticket_count), count[ctx] in the slot:
 * (lock, want), the wait it counts, and passed.  The model keeps the
 * entry of the context that runs the vCPU's lock operations (count[0]);
 * its lock is this lock once it names a wait (before, passed is 0 and no
 * published slot can point at it).  An interrupt's entry (IRQ_NEST)
 * names the other lock, which no unlock here matches: it is not kept.
 * SHARED_COUNT: the old code's one passed per slot, with the slot's want
 * for its tag.
 *
 * The count is written by the waiter (the reset) and by holders (the
 * increment), straight to memory.  The holder's increment in
 * pv_ticket_open_turn() is drained by the holder's releasing xadd, and
 * nobody but a later holder, after that xadd, loads it.  The waiter's
 * reset in pv_ticket_wait_begin() comes only with a new ticket, whose
 * xadd has drained the slot's last NULL, so no holder can match the
 * slot before the stores that follow the reset (want, then lock) have
 * drained.  (SHARED_COUNT also resets after a nested wait, whose slot
 * in memory names no lock, to the same effect.)
 */
#ifndef SHARED_COUNT
byte count_want[NCPU];
#endif
byte count_passed[NCPU];
#ifdef NO_COUNT_TAG
byte count1_passed[NCPU];	/* the interrupt's count[1].passed */
#endif
#endif

/* The host's state of each vCPU */
#ifdef BACKEND_XEN
bit pending[NCPU];		/* the vCPU's kick channel is pending */
#ifdef POLL_IGNORES_PENDING
bit polling[NCPU];		/* blocked in SCHEDOP_poll */
bit events[NCPU];		/* an event came since the poll began */
#endif
#else
bit pv_unhalted[NCPU];		/* kvm_cpu->pv_unhalted */
#ifdef NO_LATCH
bit halted[NCPU];		/* mp_state == KVM_MP_STATE_HALTED */
#endif
#endif /* BACKEND_XEN */

/*
 * Store buffers.  Default: at most the slot's NULL from the last
 * lock_spinning() exit and a new publication (3 stores) wait for the
 * next locked instruction.  RELAXED_MASK adds the two mask stores.
 */
#ifdef RELAXED_MASK
#define SBSZ	6
#else
#define SBSZ	4
#endif
#define A_LOCK	1		/* this vCPU's slot lock */
#define A_WANT	2		/* this vCPU's slot want */
#define A_MASK	3		/* this vCPU's bit in waiting_cpus */
typedef storebuf {
	byte a[SBSZ];
	byte v[SBSZ];
	byte n;
};
storebuf sb[NCPU];

/* Ghosts */
bit waiting[NCPU];		/* took a ticket, has not acquired it yet */
byte incs;			/* vCPUs in the critical section */
byte arrival[NCPU];		/* arrival number of the ticket held */
byte next_arrival;
byte next_served;
#ifdef STEAL
byte thefts;			/* of the turn being served, so far */
#ifdef REACH
bit spinning[NCPU];		/* in lock_spinning(), published (probe 15) */
#define SPINNING(q)	spinning[q] = 1
#define RETURNED(q)	spinning[q] = 0
#define HAS_RETURNED(q)	(!spinning[q])
#endif
#endif
#ifndef SPINNING
#define SPINNING(q)	skip
#define RETURNED(q)	skip
#define HAS_RETURNED(q)	false
#endif
#ifdef IRQ_NEST
/*
 * A scan of vCPU q's slot under way, from the load of its lock that
 * found it set to the last load of its slot; torn, if an interrupt on q
 * nested a wait since (see NESTED_WAIT).
 */
byte peek[NCPU];		/* 1 + the vCPU whose slot this one scans */
bit torn[NCPU];
#define PEEK(q)		peek[p] = (q) + 1
#define UNPEEK		peek[p] = 0; torn[p] = 0
#ifdef SHARED_COUNT
#define TORN(q)		false
#else
#define TORN(q)		(torn[p] && !slot_lock[q])
#endif
#else
#define PEEK(q)		skip
#define UNPEEK		skip
#define TORN(q)		false
#endif
#if defined(CHECK_RELEASE) || defined(CHECK_FREED)
bit released[NCPU];		/* in unlock, past its releasing atomic */
#endif
#ifdef CHECK_FREED
bit freed[NCPU];		/* ... and another vCPU took the lock since */
#endif
#ifdef ROUNDS
byte rounds;			/* tickets taken */
#define ROUND_OK	(rounds < ROUNDS)
#define ROUND_TAKE	rounds++
#else
#define ROUND_OK	true
#define ROUND_TAKE	skip
#endif

/*
 * The lock accesses that unlock makes after its releasing instruction
 * are checked.  Lock and trylock start a new operation (NEW_OP) before
 * they touch the lock, which ends the window.
 */
#ifdef CHECK_RELEASE
#define CHK_RELEASE	assert(!released[p])
#else
#define CHK_RELEASE	skip
#endif
#ifdef CHECK_FREED
#define CHK_FREED	assert(!freed[p])
#else
#define CHK_FREED	skip
#endif
#define TOUCH_LOCK	CHK_RELEASE; CHK_FREED

#if defined(CHECK_FREED)
#define NEW_OP		released[p] = 0; freed[p] = 0
#elif defined(CHECK_RELEASE)
#define NEW_OP		released[p] = 0
#else
#define NEW_OP		skip
#endif
#if defined(CHECK_RELEASE) || defined(CHECK_FREED)
#define RELEASED	incs--; released[p] = 1
#else
#define RELEASED	incs--
#endif

/*
 * head as a waiter compares it with its ticket outside the spin loop
 * (__tickets_equal(): the open flag ignored).
 */
#ifdef STEAL
#define TURN_HEAD	NOFLAG(HEAD(head_tail))
#else
#define TURN_HEAD	HEAD(head_tail)
#endif

/*
 * Reachability probes, against a vacuous pass: spin -DREACH=n makes the
 * n-th event below an assertion failure, which the search must find.
 *   1  a blocked waiter is woken for its turn
 *   2  a waiter re-checks head and finds its turn (pickup)
 *   3  a blocked waiter is woken before its turn (a stale kick)
 *   4  an unlock that wraps head (adds INC - M) kicks a waiter
 *   5  a new holder clears a stale flag
 *   6  trylock takes a free lock with a stale flag and clears it
 *   7  the waiter's smp_mb() has a store to drain
 *   8  an unlock pre-wakes the waiter after the next one
 *   9  (STEAL) the holder of the last ticket steals an open turn
 *  10  (STEAL) a waiter claims its own open turn
 *  11  (STEAL) an unlock opens a turn that was opened before
 *  12  (IRQ_NEST) an interrupt nests a wait into one whose turn was
 *      opened before (the count SHARED_COUNT resets)
 *  13  (IRQ_NEST) an unlock's scan matches (lock, next) in a torn slot
 *      and loads the interrupt's ctx, whose count names the other lock:
 *      it looks on
 *  14  (STEAL) an unlock's scan matches (lock, next) and the count of
 *      the slot's ctx names another (lock, want): it looks on (with
 *      IRQ_NEST only)
 *  15  (STEAL) an unlock opens the turn of a waiter that has returned
 *      from lock_spinning() (its scan found the mask bit before)
 * (6 is not reachable: a waiter always clears the flag it set, or leaves
 * it to one queued behind it, so a free lock never carries the flag.  7
 * is not reachable unless RELAXED_MASK: the lock bts of
 * cpumask_set_cpu() and the cmpxchg have already drained the slot.)
 */
#ifdef REACH
#define REACHED(n)	assert(REACH != n)
#else
#define REACHED(n)	skip
#endif
#define WOKEN \
	if :: TURN_HEAD == want -> REACHED(1) \
	   :: else -> REACHED(3) fi

/* Trail narration (simulation only: pan does not print). */
#define SAY(fmt)	printf("cpu%d: ", p); printf(fmt); printf("\n")
#define SAY1(fmt, x)	printf("cpu%d: ", p); printf(fmt, x); printf("\n")
#define SAY2(fmt, x, y) \
	printf("cpu%d: ", p); printf(fmt, x, y); printf("\n")

/* The oldest store in vCPU q's buffer reaches memory (in a d_step). */
#if SBSZ == 6
#define SB_SHIFT(q) \
	sb[q].a[0] = sb[q].a[1]; sb[q].v[0] = sb[q].v[1]; \
	sb[q].a[1] = sb[q].a[2]; sb[q].v[1] = sb[q].v[2]; \
	sb[q].a[2] = sb[q].a[3]; sb[q].v[2] = sb[q].v[3]; \
	sb[q].a[3] = sb[q].a[4]; sb[q].v[3] = sb[q].v[4]; \
	sb[q].a[4] = sb[q].a[5]; sb[q].v[4] = sb[q].v[5]; \
	sb[q].a[5] = 0; sb[q].v[5] = 0
#else
#define SB_SHIFT(q) \
	sb[q].a[0] = sb[q].a[1]; sb[q].v[0] = sb[q].v[1]; \
	sb[q].a[1] = sb[q].a[2]; sb[q].v[1] = sb[q].v[2]; \
	sb[q].a[2] = sb[q].a[3]; sb[q].v[2] = sb[q].v[3]; \
	sb[q].a[3] = 0; sb[q].v[3] = 0
#endif
#define DRAIN1(q) \
	if \
	:: sb[q].a[0] == A_LOCK -> slot_lock[q] = sb[q].v[0] \
	:: sb[q].a[0] == A_WANT -> slot_want[q] = sb[q].v[0] \
	:: sb[q].a[0] == A_MASK -> waiting_cpus[q] = sb[q].v[0] \
	fi; \
	SB_SHIFT(q); \
	sb[q].n--

/* A locked instruction or mfence: vCPU p's buffer drains first. */
#define DRAINED \
	do :: sb[p].n > 0 -> DRAIN1(p) :: else -> break od
/* A plain store; if the buffer is full, its oldest entries drain. */
#define SB_PUT(addr, val) \
	do :: sb[p].n == SBSZ -> DRAIN1(p) :: else -> break od; \
	sb[p].a[sb[p].n] = addr; sb[p].v[sb[p].n] = val; sb[p].n++

/*
 * Options offered at each load of vCPU q's location by vCPU p: first let
 * k of q's oldest stores reach memory, at most once per load (dr), so an
 * observer cannot spend forever draining a buffer its owner refills.
 */
#define K_DRAINS(q, k) \
	DRAIN1(q); \
	if :: k > 1 -> DRAIN1(q) :: else fi; \
	if :: k > 2 -> DRAIN1(q) :: else fi; \
	if :: k > 3 -> DRAIN1(q) :: else fi; \
	if :: k > 4 -> DRAIN1(q) :: else fi; \
	if :: k > 5 -> DRAIN1(q) :: else fi
#define DRAIN_OPT(q, k) \
	:: d_step { \
		q < NCPU && !dr && sb[q].n >= k; \
		K_DRAINS(q, k); \
		dr = 1; \
		SAY2("(the %d oldest stores of cpu%d reach memory)", k, q) \
	   }
#if SBSZ == 6
#define OBSERVE(q) \
	DRAIN_OPT(q, 1) DRAIN_OPT(q, 2) DRAIN_OPT(q, 3) DRAIN_OPT(q, 4) \
	DRAIN_OPT(q, 5) DRAIN_OPT(q, 6)
#else
#define OBSERVE(q) \
	DRAIN_OPT(q, 1) DRAIN_OPT(q, 2) DRAIN_OPT(q, 3) DRAIN_OPT(q, 4)
#endif

/* Which slot an unlock of @n kicks (pv_ticket_kick_waiters()). */
#define PREWOKEN(w, n)	((w) == ((n) + INC) % M)
#if defined(PREWAKE_ONLY)
#define KICKS(w, n)	PREWOKEN(w, n)
#elif defined(NO_PREWAKE)
#define KICKS(w, n)	((w) == (n))
#else
#define KICKS(w, n)	((w) == (n) || PREWOKEN(w, n))
#endif

/* The CPUs other than p, in for_each_cpu() order. */
#define FIRST_CPU	(p == 0 -> 1 : 0)
#define NEXT_CPU(c)	(c + 1 == p -> c + 2 : c + 1)

/* What the host does on a kick to vCPU @c. */
#ifdef BACKEND_XEN
/* EVTCHNOP_send, kvm_xen__send(): the port pending, the poller woken */
#ifdef POLL_IGNORES_PENDING
#define HOST_KICK(c) \
	pending[c] = 1; \
	if \
	:: polling[c] -> events[c] = 1 \
	:: else -> SAY1("(host: cpu%d's port pending; it is not polling)", c) \
	fi
#else
#define HOST_KICK(c)	pending[c] = 1
#endif
#else
/* KVM_HC_KICK_CPU, kvm_cpu__kick(): latch pv_unhalted */
#ifdef NO_LATCH
#define HOST_KICK(c) \
	if \
	:: halted[c] -> pv_unhalted[c] = 1 \
	:: else -> SAY1("(host: cpu%d is not halted: kick dropped)", c) \
	fi
#else
#define HOST_KICK(c)	pv_unhalted[c] = 1
#endif
#endif /* BACKEND_XEN */

/*
 * Entering the critical section, in the step that acquires: the checks.
 * A new owner may free the lock: an unlocker still running now holds a
 * dangling pointer (CHECK_FREED).
 */
#ifdef CHECK_MUTEX
#define ASSERT_MUTEX	assert(incs == 1)
#else
#define ASSERT_MUTEX	skip
#endif
#ifdef CHECK_FIFO
#define ASSERT_FIFO	assert(arrival[p] == next_served)
#else
#define ASSERT_FIFO	skip
#endif
#ifdef CHECK_FREED
#define MAY_FREE \
	c = 0; \
	do \
	:: c == NCPU -> break \
	:: c < NCPU -> \
		if :: c != p && released[c] -> freed[c] = 1 :: else fi; \
		c++ \
	od; \
	c = 0
#else
#define MAY_FREE	skip
#endif
/*
 * The ghost arrival numbers serve CHECK_FIFO only; with STEAL they are
 * not kept (they would only add states).  Instead, thefts counts the
 * thieves that took the turn being served: a theft adds one and asserts
 * the bound, any other acquisition serves the turn to its own ticket
 * and starts the count again.
 */
#ifdef STEAL
#define ARRIVE		skip
#define SERVED		thefts = 0
#else
#define ARRIVE \
	arrival[p] = next_arrival; \
	next_arrival = (next_arrival + 1) % SEQ
#define SERVED \
	ASSERT_FIFO; \
	next_served = (next_served + 1) % SEQ; \
	arrival[p] = 0
#endif
#define ENTER_CS \
	waiting[p] = 0; \
	incs++; \
	ASSERT_MUTEX; \
	SERVED; \
	MAY_FREE; \
	want = 0
#ifdef STEAL
#define ENTER_CS_STOLEN \
	waiting[p] = 0; \
	incs++; \
	ASSERT_MUTEX; \
	thefts++; \
	assert(thefts <= STEAL); \
	MAY_FREE; \
	want = 0
#endif

/* The xadd of arch_spin_lock(): tail += TICKET_LOCK_INC. */
#define TAKE_TICKET \
	DRAINED; \
	NEW_OP; \
	ROUND_TAKE; \
	head_tail = (head_tail + INC * M) % W; \
	ARRIVE

/*
 * kvm_unlock_kick() / xen_unlock_kick(lock, next), with c = FIRST_CPU:
 * for_each_cpu() in waiting_cpus, load the slot's lock, then its want;
 * kick every match.  Each load is a step; so is the kick after it.
 * (IRQ_NEST: a scan torn by a nested wait, see NESTED_WAIT.)
 */
inline unlock_kick(next)
{
	do
	:: d_step { c >= NCPU; c = 0; want = 0 }; break
	OBSERVE(c)
	:: d_step {
		c < NCPU && !waiting_cpus[c];
		SAY1("unlock: cpu%d not in waiting_cpus", c);
		dr = 0;
		c = NEXT_CPU(c)
	   }
	:: d_step { c < NCPU && waiting_cpus[c]; dr = 0 };
		do
		OBSERVE(c)
		:: d_step {
			!slot_lock[c];
			SAY1("unlock: cpu%d's slot lock is NULL", c);
			dr = 0;
			c = NEXT_CPU(c)
		   };
			break
		:: d_step { slot_lock[c]; dr = 0; PEEK(c) };
			/* smp_rmb() */
			do
			OBSERVE(c)
			:: d_step {
				TORN(c) || !KICKS(slot_want[c], next);
				SAY2("unlock: cpu%d's slot wants %d", c,
				     slot_want[c]);
				dr = 0;
				UNPEEK;
				c = NEXT_CPU(c)
			   };
				break
			:: d_step {
				TORN(c) || KICKS(slot_want[c], next);
				dr = 0;
				UNPEEK
			   };
				d_step {
					if
					:: PREWOKEN(slot_want[c], next) ->
						REACHED(8);
						SAY1("unlock: pre-wake cpu%d", c)
					:: else -> SAY1("unlock: kick cpu%d", c)
					fi;
					HOST_KICK(c);
					c = NEXT_CPU(c)
				};
				break
			od;
			break
		od
	od
}

/*
 * kvm_lock_spinning() / xen_lock_spinning(lock, want), entered when the
 * spin loop reads head != want (past SPIN_THRESHOLD: any time).  The
 * early returns (in_nmi(), no kick channel) are the caller spinning on.
 * A spurious end of the wait (an interrupt ends HLT or the poll) is
 * chosen with the re-check, before blocking: a choice offered while
 * blocked would be forced by weak fairness and hide every lost wakeup.
 */
#ifdef NO_MB
#define SMP_MB		skip
#else
#define SMP_MB \
	if :: sb[p].n > 0 -> REACHED(7) :: else fi; \
	DRAINED				/* mfence */
#endif
#ifdef RELAXED_MASK
#define MASK_SET	SB_PUT(A_MASK, 1)
#else
#define MASK_SET	skip
#endif
#ifdef STEAL
/*
 * __ticket_take_open(lock, want) would take the lock now: the word has
 * head = want | OPEN (claim), or the open flag and tail = want + INC,
 * the last ticket ours (steal).
 */
#define CLAIMS(w)	(HEAD(head_tail) == (w) + OPEN)
#ifdef STEAL_NOT_LAST
#define LAST(w)		true
#else
#define LAST(w)		(NOFLAG(TAIL(head_tail)) == ((w) + INC) % M)
#endif
#define STEALS(w) \
	(HEAD(head_tail) % 2 == OPEN && NOFLAG(HEAD(head_tail)) != (w) && \
	 LAST(w))
#define MAY_BLOCK \
	(HEAD(head_tail) != want && !CLAIMS(want) && !STEALS(want))
/*
 * A load by the vCPU of its own slot field (address ad, in memory m):
 * store forwarding, the newest value in its buffer or else memory's
 * (into x).
 */
#define FWD1(x, ad, i) \
	if :: sb[p].n > i && sb[p].a[i] == ad -> x = sb[p].v[i] :: else fi
#if SBSZ == 6
#define FWD(x, ad, m) \
	x = m; \
	FWD1(x, ad, 0); FWD1(x, ad, 1); FWD1(x, ad, 2); FWD1(x, ad, 3); \
	FWD1(x, ad, 4); FWD1(x, ad, 5)
#else
#define FWD(x, ad, m) \
	x = m; \
	FWD1(x, ad, 0); FWD1(x, ad, 1); FWD1(x, ad, 2); FWD1(x, ad, 3)
#endif
#ifdef SHARED_COUNT
/* The old pv_ticket_wait_begin(): if (READ_ONCE(w->want) != want) passed = 0 */
#define NEW_COUNT \
	FWD(c, A_WANT, slot_want[p]); \
	if :: c != want -> count_passed[p] = 0 :: else fi; \
	c = 0
#else
/*
 * pv_ticket_wait_begin(): count[ctx] reset unless it names (lock, want)
 * already.  The slot's ctx, stored after want, is 0 in every publication
 * here (the vCPU's lock operations run in one context); it is not kept
 * as a variable: a scan loads 0, or with IRQ_NEST also 1 if torn (see
 * NESTED_WAIT).
 */
#define NEW_COUNT \
	if \
	:: count_want[p] != want -> \
		count_want[p] = want; \
		count_passed[p] = 0 \
	:: else \
	fi
#endif /* SHARED_COUNT */
#else
#define MAY_BLOCK	(HEAD(head_tail) != want)
#define NEW_COUNT	skip
#endif

/*
 * A store of 0 that is left out if the location's newest value is 0: a
 * store of the value that a location has and keeps (its only writer is
 * this vCPU) changes nothing anybody can see.  Without IRQ_NEST the
 * newest value is never 0 here.
 */
#ifdef IRQ_NEST
#define PUT_CLEAR(ad, m) \
	FWD(c, ad, m); \
	if :: c != 0 -> SB_PUT(ad, 0) :: else fi; \
	c = 0
#else
#define PUT_CLEAR(ad, m)	SB_PUT(ad, 0)
#endif
#ifdef IRQ_NEST
#ifndef STEAL
#error "IRQ_NEST: the nested wait is modelled for lock stealing's count only"
#endif
/*
 * IRQ_NEST: the interrupt that ends the wait, as a spurious return does,
 * runs a handler whose lock (another lock, some ticket wb) takes the
 * slow path: kvm_lock_spinning() / xen_lock_spinning() nested in this
 * one.  Only what touches this lock's count and the slot is kept.  Its
 * pv_ticket_wait_begin() resets its own context's count (not kept: it
 * names the other lock) and publishes (NULL; wb, ctx 1; other lock); its
 * lock bts drains them; its wait ends; pv_ticket_wait_end() clears the
 * mask bit and the slot's lock, and its unlock's xadd drains that.  So
 * when the interrupt returns, memory has lock NULL, want wb, ctx 1 and
 * the bit clear, and we must publish again.  The steps between are left
 * out: to this lock's unlocks a slot naming the other lock is one naming
 * none.  The handler's own ticket, kick and wakeup are not modelled
 * (pvticket-nested.pml has them); KVM: its HLT, like the spurious
 * return's, consumes the latch; Xen: the channel it leaves pending is
 * cleared by our next lock_spinning() before anything reads it.
 * Offered with the spurious return, before blocking, for the same
 * reason; an interrupt during the spin outside lock_spinning() differs
 * only in finding the slot withdrawn already.
 *
 * wb and ctx 1 are seen only by a scan that loaded the slot's lock (ours)
 * before the interrupt and loads want or ctx after it (peek, a ghost that
 * repeats what the scanner's program counter says): from the interrupt
 * on, memory has lock NULL until our next publication, whose want (and
 * ctx 0) reach memory before its lock.  So the interrupt marks such a
 * scan torn instead, and memory keeps our want (ctx is no variable):
 * nothing else can tell.  While memory has our lock NULL, a torn scan's
 * load of want returns any ticket (wb is any ticket; our next want may
 * have drained too) and its load of ctx 1; once our next publication
 * has reached memory whole, what memory has (ctx 0).  A load of that
 * publication's ctx 0 before its lock has drained is left out: the scan
 * may drain the lock first (OBSERVE), to the same effect.  An untorn
 * scan loads ctx 0.
 *
 * SHARED_COUNT: the nested wait's pv_ticket_wait_begin() of the old
 * code, if (w->want != wb) passed = 0, on the slot's one count, with wb a
 * ticket other than ours; the slot keeps wb, so our next lock_spinning()
 * finds it and resets the count again.
 */
#if defined(SHARED_COUNT)
#define TEAR(q)		skip
#elif NCPU == 3
#define TEAR(q) \
	if :: peek[0] == (q) + 1 -> torn[0] = 1 :: else fi; \
	if :: peek[1] == (q) + 1 -> torn[1] = 1 :: else fi; \
	if :: peek[2] == (q) + 1 -> torn[2] = 1 :: else fi
#else
#define TEAR(q) \
	if :: peek[0] == (q) + 1 -> torn[0] = 1 :: else fi; \
	if :: peek[1] == (q) + 1 -> torn[1] = 1 :: else fi
#endif
#define NEST_WANT	((want + INC) % M)	/* SHARED_COUNT's wb */
#ifdef SHARED_COUNT
#define NEST_COUNT \
	if :: slot_want[p] != NEST_WANT -> count_passed[p] = 0 :: else fi; \
	slot_want[p] = NEST_WANT
#else
#define NEST_COUNT	skip
#endif
/*
 * NO_COUNT_TAG: the interrupt's count is kept, for a torn scan that
 * opens on it; the nested wait resets it (a new wb each time).
 */
#ifdef NO_COUNT_TAG
#ifdef SHARED_COUNT
#error "NO_COUNT_TAG: a count per context, not SHARED_COUNT"
#endif
#define NEST_COUNT1	count1_passed[p] = 0
#else
#define NEST_COUNT1	skip
#endif
#ifdef BACKEND_XEN
#define NEST_LATCH	skip
#else
#define NEST_LATCH	pv_unhalted[p] = 0
#endif
#define NESTED_WAIT \
	:: d_step { \
		TURN_HEAD != want; \
		SMP_MB; \
		SAY1("lock_spinning: re-check: head %d; an interrupt nests a wait on another lock", \
		     HEAD(head_tail)); \
		if :: count_passed[p] > 0 -> REACHED(12) :: else fi; \
		NEST_COUNT; \
		NEST_COUNT1; \
		slot_lock[p] = 0; \
		waiting_cpus[p] = 0; \
		TEAR(p); \
		NEST_LATCH \
	   }
#endif /* IRQ_NEST */

inline lock_spinning()
{
	/*
	 * The load of head that saw it was not our turn; then the local
	 * stores of the slot: WRITE_ONCE(w->lock, NULL); smp_wmb();
	 * WRITE_ONCE(w->want, want); smp_wmb(); WRITE_ONCE(w->lock, lock)
	 * (and, RELAXED_MASK, the mask bit), which go to the buffer.  Xen
	 * first clears its channel, xen_clear_irq_pending(), a locked and:
	 * the bit matters only to this vCPU's poll, which comes after a
	 * re-check of head, so the clear may share the step with the load.
	 * STEAL: a load of head with the open flag goes through
	 * __ticket_take_open() first, which loads the word; it misses only
	 * if the word allows neither a claim nor a theft (MAY_BLOCK), or
	 * changes before its cmpxchg, which is the same as this load seeing
	 * the change.  Then the count's reset for a new ticket.
	 */
	d_step {
		MAY_BLOCK;
#ifdef BACKEND_XEN
		DRAINED;
		pending[p] = 0;
#endif
		NEW_COUNT;
		SPINNING(p);
		SB_PUT(A_LOCK, 0);
		SB_PUT(A_WANT, want);
		SB_PUT(A_LOCK, 1);
		MASK_SET;
		SAY2("lock_spinning: head %d, want %d: publish",
		     HEAD(head_tail), want)
	};
#ifndef RELAXED_MASK
	/* cpumask_set_cpu(cpu, &waiting_cpus): lock bts */
	d_step { DRAINED; waiting_cpus[p] = 1; SAY("lock_spinning: mask set") };
#endif
	/*
	 * __ticket_enter_slowpath(): load the word; while the flag is clear,
	 * cmpxchg it in.  A failed cmpxchg reloads and retries, so this is
	 * "if clear, set it" in one step, and the step drains the buffer
	 * only when it does a cmpxchg.
	 */
	d_step {
		if
		:: TAIL(head_tail) % 2 != FLAG ->
			DRAINED;
			head_tail = head_tail + FLAG * M;
			SAY("lock_spinning: flag set")
		:: else -> SAY("lock_spinning: flag already set")
		fi
	};
	/*
	 * smp_mb(); READ_ONCE(lock->tickets.head) == want.  The drain and
	 * the load share a step: nothing of ours comes between the fence
	 * and the load, and the drain does not touch the lock word.  STEAL:
	 * __tickets_equal(), so an open turn is a pickup too; the wait loop
	 * then claims it.
	 */
	if
	:: d_step {
		TURN_HEAD == want;
		SMP_MB;
		SAY("lock_spinning: re-check: our turn (pickup)");
		REACHED(2)
	   }
	:: d_step {
		TURN_HEAD != want;
		SMP_MB;
		SAY1("lock_spinning: re-check: head %d, spurious return",
		     HEAD(head_tail));
		/* an interrupt ends the wait at once */
#ifndef BACKEND_XEN
		pv_unhalted[p] = 0	/* and HLT consumes the latch */
#endif
	   }
#ifdef IRQ_NEST
	NESTED_WAIT
#endif
	:: d_step {
		TURN_HEAD != want;
		SMP_MB;
		SAY1("lock_spinning: re-check: head %d, block", HEAD(head_tail))
	   };
#ifdef BACKEND_XEN
		/* xen_poll_irq(irq): SCHEDOP_poll on our channel */
#ifdef POLL_IGNORES_PENDING
		d_step {
			polling[p] = 1;
			SAY("lock_spinning: SCHEDOP_poll (waits for an event)")
		};
		d_step {
			events[p]; events[p] = 0; polling[p] = 0;
			SAY("lock_spinning: poll returns");
			WOKEN
		}
#else
		/* returns at once if pending, else waits */
		d_step {
			pending[p];
			SAY("lock_spinning: poll returns");
			WOKEN
		}
#endif
#else
		/* halt(): HLT returns once pv_unhalted is set, consumes it */
#ifdef NO_LATCH
		d_step { halted[p] = 1; SAY("lock_spinning: HLT") };
		d_step {
			pv_unhalted[p]; pv_unhalted[p] = 0; halted[p] = 0;
			SAY("lock_spinning: HLT returns");
			WOKEN
		}
#else
		d_step {
			pv_unhalted[p]; pv_unhalted[p] = 0;
			SAY("lock_spinning: HLT returns");
			WOKEN
		}
#endif
#endif /* BACKEND_XEN */
	fi;
	/*
	 * out: cpumask_clear_cpu(); WRITE_ONCE(w->lock, NULL).  After a
	 * nested wait (IRQ_NEST) both are 0 already, and their stores are
	 * left out (see PUT_CLEAR).
	 */
#ifdef RELAXED_MASK
	d_step {
		PUT_CLEAR(A_MASK, waiting_cpus[p]);
		PUT_CLEAR(A_LOCK, slot_lock[p]);
		RETURNED(p);
		SAY("lock_spinning: out: mask bit and slot lock cleared")
	}
#else
	d_step {
		DRAINED;
		waiting_cpus[p] = 0;
		PUT_CLEAR(A_LOCK, slot_lock[p]);
		RETURNED(p);
		SAY("lock_spinning: out: mask bit and slot lock cleared")
	}
#endif
}

#ifdef STEAL
/*
 * __ticket_unlock_slowpath()'s release: xadd of (to - head), to in want
 * (next, or next | OPEN); the carry out of head cancels as without
 * STEAL.  Leaves the word as it was in c.
 */
#define SLOW_XADD \
	DRAINED; \
	TOUCH_LOCK; \
	c = head_tail; \
	head_tail = (c + (W + want - HEAD(c)) % W) % W; \
	RELEASED; \
	NO_CARRY
/*
 * pv_ticket_open_turn() on the slot of vCPU @c, which reads (lock,
 * next): the count of the slot's ctx, if it names (lock, next), decides
 * (c = NCPU): open if passed < pvspin_steal, and count it (NO_COUNT:
 * not).  A count naming anything else is a torn or stale slot: the scan
 * looks on (c = the next CPU).  An interrupt's count (ctx 1) names the
 * other lock.  SHARED_COUNT: the slot's one count, untagged.
 */
#ifdef NO_COUNT
#define COUNT_OPEN(c)	skip
#else
#define COUNT_OPEN(c)	count_passed[c]++
#endif
#if defined(SHARED_COUNT) || defined(NO_COUNT_TAG)
#define COUNT_NAMES(c)	true
#else
#define COUNT_NAMES(c)	(count_want[c] == want)
#endif
#if defined(IRQ_NEST) && !defined(SHARED_COUNT)
#define CTX_LOAD
#endif
/* The torn scan's ctx 1: the interrupt's count, naming the other lock. */
#ifdef NO_COUNT_TAG
#define OPEN_TURN1(c) \
	if \
	:: count1_passed[c] >= STEAL -> skip \
	:: else -> \
		count1_passed[c]++; \
		want = want + OPEN; \
		SAY1("unlock: cpu%d's slot reads next, ctx an interrupt's: open its turn, counted there", c) \
	fi; \
	c = NCPU
#else
#define OPEN_TURN1(c) \
	REACHED(13); \
	SAY1("unlock: cpu%d's slot reads next, ctx an interrupt's: its count names another lock: look on", c); \
	c = NEXT_CPU(c)
#endif
#define OPEN_TURN(c) \
	if \
	:: !COUNT_NAMES(c) -> \
		REACHED(14); \
		SAY1("unlock: cpu%d's slot reads next, its count does not: look on", c); \
		c = NEXT_CPU(c) \
	:: COUNT_NAMES(c) && count_passed[c] >= STEAL -> \
		SAY2("unlock: cpu%d's turn opened %d times: not again", \
		     c, count_passed[c]); \
		c = NCPU \
	:: COUNT_NAMES(c) && count_passed[c] < STEAL -> \
		if :: count_passed[c] > 0 -> REACHED(11) :: else fi; \
		if :: HAS_RETURNED(c) -> REACHED(15) :: else fi; \
		COUNT_OPEN(c); \
		want = want + OPEN; \
		SAY1("unlock: cpu%d's slot reads next: open its turn", c); \
		c = NCPU \
	fi
#endif /* STEAL */

active [NCPU] proctype vcpu()
{
	byte p = _pid;
	byte want;	/* lock: our ticket; unlock: next, to kick */
	byte c;		/* unlock_kick(): the CPU looked at; scratch */
	bit dr;		/* unlock_kick(): drained before this load */

end_idle:
	if
	/*
	 * arch_spin_lock(): inc = xadd(&lock->head_tail, INC << SHIFT).  The
	 * guard reads the word the xadd returns: inc.head == inc.tail
	 * exactly is the fast path, anything else (a flag too) goes slow.
	 */
	:: d_step {
		ROUND_OK && HEAD(head_tail) == TAIL(head_tail);
		SAY1("lock: ticket %d, fast path", TAIL(head_tail));
		TAKE_TICKET;
		ENTER_CS
	   }
	:: d_step {
		ROUND_OK && HEAD(head_tail) != TAIL(head_tail);
		want = NOFLAG(TAIL(head_tail));
		SAY2("lock: ticket %d, head %d: wait", want, HEAD(head_tail));
		TAKE_TICKET;
		waiting[p] = 1
	   };
		/* __ticket_lock_wait(lock, inc) */
		do
		/*
		 * smp_load_acquire(&lock->tickets.head) == want: ours.  Then
		 * __ticket_check_and_clear_slowpath(lock, want): load tail,
		 * and if nobody queued behind us but the flag is set, cmpxchg
		 * it off.  Nobody else writes head now, so the loads of head
		 * and of tail, and the cmpxchg, may share a step: a ticket
		 * taken in between makes the cmpxchg fail, just as it makes
		 * the load of tail disagree.
		 */
		:: d_step {
			HEAD(head_tail) == want;
			SAY1("lock: head is %d, acquired", want);
			if
			:: TAIL(head_tail) == (want + INC) % M + FLAG ->
				DRAINED;
				head_tail = head_tail - FLAG * M;
				SAY("lock: nobody queued, flag cleared");
				REACHED(5)
			:: else
			fi;
			ENTER_CS
		   };
			break
#ifdef STEAL
		/*
		 * The load of head saw the open flag: __ticket_take_open(lock,
		 * want) loads the word, and if it may, takes the lock with a
		 * cmpxchg; a change in between fails the cmpxchg, as if the
		 * load had seen it, and a miss writes nothing.  So each way to
		 * take the lock is one step: the word as the load saw it, and
		 * the cmpxchg.
		 *
		 * Claim: cmpxchg(&head, want | OPEN, want), then acquired:
		 * the flag clear as above (head is ours from here on, so its
		 * loads join the step, for the reason given above).
		 */
#ifndef CLAIM_STORE
		:: d_step {
			CLAIMS(want);
			SAY1("lock: head is %d|1, open: claimed", want);
			REACHED(10);
			DRAINED;
			head_tail = MKWORD(want, TAIL(head_tail));
#else
		/*
		 * CLAIM_STORE: READ_ONCE(head) == (want | OPEN), then
		 * WRITE_ONCE(head, want), a store that reaches memory at
		 * once (one of the x86-TSO executions).
		 */
		:: d_step {
			CLAIMS(want);
			SAY1("lock: head is %d|1, open: load", want)
		   };
		   d_step {
			SAY1("lock: store head = %d (claimed)", want);
			REACHED(10);
			head_tail = MKWORD(want, TAIL(head_tail));
#endif
			if
			:: TAIL(head_tail) == (want + INC) % M + FLAG ->
				DRAINED;
				head_tail = head_tail - FLAG * M;
				SAY("lock: nobody queued, flag cleared");
				REACHED(5)
			:: else
			fi;
			ENTER_CS
		   };
			break
		/*
		 * Steal: tail is want + INC, the last ticket ours: cmpxchg the
		 * word to head = (head & ~OPEN) - INC, tail = tail - INC (the
		 * flag stays).  The thief holds no ticket and does not clear
		 * the flag: the waiter of the open turn still waits.
		 */
		:: d_step {
			STEALS(want);
			SAY2("lock: head is %d|1, ticket %d: stolen",
			     NOFLAG(HEAD(head_tail)), want);
			REACHED(9);
			DRAINED;
#ifdef STEAL_KEEP_TICKET
			head_tail = MKWORD((NOFLAG(HEAD(head_tail)) + M - INC) % M,
					   TAIL(head_tail));
#else
			head_tail = MKWORD((NOFLAG(HEAD(head_tail)) + M - INC) % M,
					   (TAIL(head_tail) + M - INC) % M);
#endif
			ENTER_CS_STOLEN
		   };
			break
#endif /* STEAL */
		:: lock_spinning()
		od
#ifndef NO_TRYLOCK
	/*
	 * arch_spin_trylock(): the load and the cmpxchg that takes the next
	 * ticket with the flag cleared.  A change in between fails the
	 * cmpxchg, as if the load had seen it; a failed trylock writes
	 * nothing and is left out.
	 */
	:: d_step {
		ROUND_OK && TURN_HEAD == NOFLAG(TAIL(head_tail));
		SAY2("trylock: ticket %d, acquired (flag was %d)",
		     HEAD(head_tail), TAIL(head_tail) % 2);
		if :: TAIL(head_tail) % 2 == FLAG -> REACHED(6) :: else fi;
		DRAINED;
		NEW_OP;
		ROUND_TAKE;
		head_tail = MKWORD(HEAD(head_tail),
				   (NOFLAG(TAIL(head_tail)) + INC) % M);
		ARRIVE;
		ENTER_CS
	   }
#endif /* NO_TRYLOCK */
	fi;

#ifndef UNLOCK_312
	/*
	 * __ticket_unlock_pv(): old = READ_ONCE(lock->head_tail); if the
	 * flag is clear, prev = xadd(&lock->head_tail,
	 * (__ticketpair_t)(next - head)) and the kick decision on prev: the
	 * flag, and a tail other than next.  Without STEAL the load joins
	 * the xadd: only the holder writes head, and a flag the load sees
	 * stays set (only a holder clears it), so the out-of-line path it
	 * takes, __ticket_unlock_slowpath() with pvspin_steal=0, makes the
	 * same xadd and the same kick decision as this one.  The guard is
	 * the kick decision.
	 */
#define PREV_KICK \
	(TAIL(head_tail) % 2 == FLAG && \
	 NOFLAG(TAIL(head_tail)) != (HEAD(head_tail) + INC) % M)
#define UNLOCK_XADD \
	DRAINED; \
	TOUCH_LOCK; \
	c = head_tail; \
	want = (W + (HEAD(c) + INC) % M - HEAD(c)) % W; \
	head_tail = (c + want) % W; \
	RELEASED
#ifdef CHECK_MUTEX
#define NO_CARRY	assert(TAIL(head_tail) == TAIL(c))
#else
#define NO_CARRY	skip
#endif
#ifdef STEAL
	/*
	 * With STEAL the load of the word is a step of its own: a waiter may
	 * set the flag between it and the xadd, which then returns the flag
	 * and kicks, as without STEAL.  Whoever holds the lock, a thief
	 * too, finds head even (asserted with CHECK_MUTEX).
	 */
#ifdef CHECK_MUTEX
#define HOLDER_HEAD	assert(HEAD(head_tail) % 2 == 0)
#else
#define HOLDER_HEAD	skip
#endif
	if
	:: d_step {
		TAIL(head_tail) % 2 != FLAG;
		TOUCH_LOCK;
		HOLDER_HEAD;
		SAY1("unlock: head %d, no flag: the plain unlock",
		     HEAD(head_tail))
	   };
#endif /* STEAL */
	if
	:: d_step {
		PREV_KICK;
		if :: HEAD(head_tail) == M - INC -> REACHED(4) :: else fi;
		SAY1("unlock: xadd: head -> %d, flag: look for waiters",
		     (HEAD(head_tail) + INC) % M);
		UNLOCK_XADD;
		NO_CARRY;
		want = (HEAD(c) + INC) % M;
		c = FIRST_CPU
	   };
		unlock_kick(want)
	:: d_step {
		!PREV_KICK;
		SAY2("unlock: xadd: head -> %d, flag %d: no kick",
		     (HEAD(head_tail) + INC) % M, TAIL(head_tail) % 2);
		UNLOCK_XADD;
		NO_CARRY;
		want = 0;
		c = 0
	   }
	fi;
#ifdef STEAL
	/*
	 * The flag is set: __ticket_unlock_slowpath(lock, head).  The load
	 * of tail (is anybody queued behind next?) joins the load of the
	 * word: between them only new tickets can change the word, and the
	 * load of tail sees them.  If somebody is, pv_ticket_open_turn()
	 * (c = FIRST_CPU); else straight to the release (c = NCPU).  want
	 * is next, and next | OPEN once the turn is opened.
	 */
	:: d_step {
		TAIL(head_tail) % 2 == FLAG;
		TOUCH_LOCK;
		HOLDER_HEAD;
		want = (HEAD(head_tail) + INC) % M;
		if
		:: NOFLAG(TAIL(head_tail)) != want ->
			SAY1("unlock: flag, %d queued behind: open its turn?",
			     want);
			c = FIRST_CPU
		:: else ->
			SAY("unlock: flag, nobody queued");
			c = NCPU
		fi
	   };
		do
		/*
		 * prev = xadd(&lock->head_tail, (__ticketpair_t)(to - head)),
		 * to = next or next | OPEN; kick next unless prev's tail
		 * (flag masked) is next.
		 */
		:: d_step {
			c >= NCPU && NOFLAG(TAIL(head_tail)) != NOFLAG(want);
			if :: HEAD(head_tail) == M - INC -> REACHED(4) :: else fi;
			SAY2("unlock: xadd: head -> %d (open %d): kick",
			     NOFLAG(want), want % 2);
			SLOW_XADD;
			want = NOFLAG(want);
			c = FIRST_CPU
		   };
			unlock_kick(want);
			break
		:: d_step {
			c >= NCPU && NOFLAG(TAIL(head_tail)) == NOFLAG(want);
			SAY2("unlock: xadd: head -> %d (open %d): no kick",
			     NOFLAG(want), want % 2);
			SLOW_XADD;
			want = 0;
			c = 0
		   };
			break
		/*
		 * pv_ticket_open_turn(lock, next): for_each_cpu() in
		 * waiting_cpus, load the slot's lock, then its want, as
		 * unlock_kick() does; the first slot reading (lock, next)
		 * whose count names (lock, next) decides.  Then its ctx, a
		 * load of its own with IRQ_NEST, and the count it names,
		 * whose loads join the load of ctx (without IRQ_NEST, of
		 * want): nobody writes the count meanwhile (see
		 * count_passed).
		 */
		OBSERVE(c)
		:: d_step {
			c < NCPU && !waiting_cpus[c];
			dr = 0;
			c = NEXT_CPU(c)
		   }
		:: d_step { c < NCPU && waiting_cpus[c]; dr = 0 };
			do
			OBSERVE(c)
			:: d_step { !slot_lock[c]; dr = 0; c = NEXT_CPU(c) };
				break
			:: d_step { slot_lock[c]; dr = 0; PEEK(c) };
				do
				OBSERVE(c)
				:: d_step {
					TORN(c) || slot_want[c] != want;
					dr = 0;
					UNPEEK;
					c = NEXT_CPU(c)
				   };
					break
#ifdef CTX_LOAD
				:: d_step {
					TORN(c) || slot_want[c] == want;
					dr = 0
				   };
					/* READ_ONCE(w->ctx) */
					do
					OBSERVE(c)
					:: d_step {
						dr = 0;
						if
						:: TORN(c) ->
							UNPEEK;
							OPEN_TURN1(c)
						:: else ->
							UNPEEK;
							OPEN_TURN(c)
						fi
					   };
						break
					od;
					break
#else
				:: d_step {
					TORN(c) || slot_want[c] == want;
					dr = 0;
					UNPEEK;
					OPEN_TURN(c)
				   };
					break
#endif
				od;
				break
			od
		od
	fi;
#endif /* STEAL */
#else
	/* Linux 3.12 arch_spin_unlock(): prev = *lock */
	atomic { TOUCH_LOCK; want = head_tail };
	/* add_smp(&lock->tickets.head, TICKET_LOCK_INC): lock addb */
	d_step {
		DRAINED;
		TOUCH_LOCK;
		head_tail = MKWORD((HEAD(head_tail) + INC) % M,
				   TAIL(head_tail));
		RELEASED;
		SAY1("unlock (3.12): add_smp: head -> %d", HEAD(head_tail))
	};
	/* if (unlikely(lock->tickets.tail & TICKET_SLOWPATH_FLAG)) */
	d_step {
		SAY1("unlock (3.12): loads tail (%d) after the release",
		     TAIL(head_tail));
		TOUCH_LOCK;
		c = TAIL(head_tail) % 2
	};
	if
	:: c == FLAG ->
		/*
		 * __ticket_unlock_slowpath(lock, prev): old = prev with head
		 * advanced; if nobody is queued, cmpxchg old -> old & ~FLAG;
		 * if somebody is, or the cmpxchg fails, kick old.head.
		 */
#define OLD_HEAD	((HEAD(want) + INC) % M)	/* prev in want */
		if
		:: OLD_HEAD != NOFLAG(TAIL(want)) -> c = 1
		:: else ->
			d_step {
				DRAINED;
				TOUCH_LOCK;
				if
				:: head_tail == MKWORD(OLD_HEAD, TAIL(want)) ->
					head_tail = MKWORD(OLD_HEAD,
							   NOFLAG(TAIL(want)));
					c = 0
				:: else -> c = 1
				fi
			}
		fi;
		want = OLD_HEAD;
		if
		:: c -> c = FIRST_CPU; unlock_kick(want)
		:: else -> c = 0; want = 0
		fi
	:: else -> c = 0; want = 0
	fi;
#endif /* UNLOCK_312 */
	goto end_idle
}

/* No lost wakeup: every vCPU that took a ticket eventually acquires. */
#if NCPU == 2
ltl live { [] ((waiting[0] -> <> !waiting[0]) &&
	       (waiting[1] -> <> !waiting[1])) }
#elif NCPU == 3
ltl live { [] ((waiting[0] -> <> !waiting[0]) &&
	       (waiting[1] -> <> !waiting[1]) &&
	       (waiting[2] -> <> !waiting[2])) }
#endif
