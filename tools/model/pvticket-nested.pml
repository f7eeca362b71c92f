/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Promela model of the paravirt ticket spinlock with two locks and an
 * interrupt that nests a slow path inside another: what
 * Documentation/virt/kvm/pv-ticket-spinlocks.rst ("The waiter/unlocker
 * handshake") and the nesting rule of arch/x86/xen/spinlock.c argue.
 * Run by tools/model/check.sh next to pvticket.pml, which models one lock
 * on x86-TSO; this one is sequentially consistent (see below).
 *
 * Two locks, as lockdep would have them:
 *   lock 0  taken in process context with interrupts on, so a waiter on
 *           it blocks with interrupts on (KVM: safe_halt(); Xen: the
 *           interrupt-enabled stretch before SCHEDOP_poll, and the poll,
 *           which an event to deliver ends);
 *   lock 1  taken by the interrupt handler, and in process context only
 *           with interrupts off (spin_lock_irqsave()), so no waiter on it
 *           is ever interrupted.
 * Each vCPU takes lock 0 or lock 1 in process context, again and again.
 * While it waits blocked for lock 0, an interrupt may come; its handler
 * takes lock 1 (and may block on it: a nested slow path, which overwrites
 * the CPU's one slot and, under Xen, clears its kick channel) and
 * releases it, and the outer wait goes on.  Only there does nesting
 * touch the protocol: before the slot is published and after it is
 * withdrawn an interrupt finds nothing of the outer wait to disturb, and
 * the lock held meanwhile is never lock 1 (a CPU waits or holds one lock
 * at a time here).
 *
 * Tickets are 3 bits (M = 8), advancing by 2; tail bit 0 is the slowpath
 * flag; each lock word is head + tail * M.  The unlock is the kernel's:
 * one xadd that releases and returns the old word, then, if the flag was
 * set and somebody queued behind, the scan of every waiting CPU's slot
 * (lock, then want: two loads, so a slot rewritten between them by a
 * nested slow path reads torn) kicking each match for @next and the
 * pre-wake of the waiter after it.
 *
 * Memory: sequentially consistent, one step per access another vCPU can
 * observe.  The store-buffer argument (the smp_mb() after the flag, the
 * order of the slot stores) does not depend on how many locks there are
 * and is checked on x86-TSO by pvticket.pml; what this model adds is a
 * second lock sharing the slot, the mask and (Xen) the channel.
 *
 * Configuration (spin -DNAME):
 *   BACKEND_XEN      the Xen backend and host; default: KVM
 *   ROUNDS=n         tickets taken in all (default 6)
 *   CHECK_MUTEX      assert mutual exclusion on each lock
 *   REACH=n          make event n (below) an assertion failure
 *   NO_PREWAKE       the unlock kicks only @next's waiter (3.12 policy)
 * Broken variants, each must lose a wakeup:
 *   STI_GAP          KVM: the waiter enables interrupts and then halts
 *                    (local_irq_enable(); halt()) instead of safe_halt():
 *                    an interrupt in between nests its slow path, and
 *                    the HLT after it waits for a kick that went nowhere
 *   NO_NESTING_RULE  Xen: a nested slow path returns without leaving the
 *                    channel pending
 * Events for REACH:
 *   1  a nested slow path blocks and is woken for its turn
 *   2  a waiter that an interrupt nested into is later served
 *   3  an unlock finds a slot naming another lock, or naming its own
 *      lock with a ticket not next (it skips it)
 */

#define NCPU	3
#ifndef ROUNDS
#define ROUNDS	6
#endif

#define M	8
#define W	(M * M)
#define INC	2
#define FLAG	1
#define HEAD(w)		((w) % M)
#define TAIL(w)		((w) / M)
#define NOFLAG(t)	(((t) / 2) * 2)

byte ht[2];			/* the two locks' head_tail */

/* The backend's per-CPU slot: lock (0 = NULL, else lock index + 1), want */
byte slot_lock[NCPU];
byte slot_want[NCPU];
bit waiting_cpus[NCPU];

#ifdef BACKEND_XEN
bit pending[NCPU];		/* the CPU's kick channel */
byte spin_depth[NCPU];		/* lock_spinning_depth */
#else
bit pv_unhalted[NCPU];
#endif

/* Ghosts */
bit waiting[NCPU];		/* process context holds a ticket, not the lock */
bit nwaiting[NCPU];		/* the interrupt handler does */
bit nested_into[NCPU];		/* an interrupt nested into this wait */
byte incs[2];			/* CPUs inside each lock */
byte rounds;

#ifdef REACH
#define REACHED(n)	assert(REACH != n)
#else
#define REACHED(n)	skip
#endif
#ifdef CHECK_MUTEX
#define ASSERT_MUTEX(l)	assert(incs[l] == 1)
#else
#define ASSERT_MUTEX(l)	skip
#endif

#define PREWOKEN(w, n)	((w) == ((n) + INC) % M)
#ifdef NO_PREWAKE
#define KICKS(w, n)	((w) == (n))
#else
#define KICKS(w, n)	((w) == (n) || PREWOKEN(w, n))
#endif

#ifdef BACKEND_XEN
#define HOST_KICK(c)	pending[c] = 1
#else
#define HOST_KICK(c)	pv_unhalted[c] = 1
#endif

/* Trail narration (simulation only: pan does not print). */
#define SAY(fmt)	printf("cpu%d: ", p); printf(fmt); printf("\n")
#define SAY1(fmt, x)	printf("cpu%d: ", p); printf(fmt, x); printf("\n")
#define SAY2(fmt, x, y) \
	printf("cpu%d: ", p); printf(fmt, x, y); printf("\n")

#define NEXT_CPU(c)	(c + 1 == p -> c + 2 : c + 1)
#define FIRST_CPU	(p == 0 -> 1 : 0)

/*
 * lock(L) up to the wait: the xadd; the fast path enters at once.  Sets
 * WANT to the ticket and leaves the caller to wait when not ours.
 */
#define TAKE(L, WANT, WAITING) \
	rounds++; \
	if \
	:: HEAD(ht[L]) == TAIL(ht[L]) -> \
		SAY2("lock %d: ticket %d, fast path", L, TAIL(ht[L])); \
		ht[L] = (ht[L] + INC * M) % W; \
		incs[L]++; ASSERT_MUTEX(L); WANT = M \
	:: else -> \
		WANT = NOFLAG(TAIL(ht[L])); \
		SAY2("lock %d: ticket %d, wait", L, WANT); \
		ht[L] = (ht[L] + INC * M) % W; \
		WAITING = 1 \
	fi

/*
 * The spin loop's load of head that finds our turn, with
 * __ticket_check_and_clear_slowpath() (only the holder writes head, so
 * the loads and the cmpxchg may share the step, as in pvticket.pml).
 */
#define ACQUIRED(L, WANT, WAITING) \
	SAY2("lock %d: head is %d, acquired", L, WANT); \
	if \
	:: TAIL(ht[L]) == (WANT + INC) % M + FLAG -> ht[L] = ht[L] - FLAG * M \
	:: else \
	fi; \
	WAITING = 0; incs[L]++; ASSERT_MUTEX(L); WANT = M

/*
 * lock_spinning() after a load of head that was not our turn: the slot's
 * three stores, the mask bit, the flag, one step each.  The first store
 * shares the step of that load (it is local until another CPU reads it,
 * and the slot's reader is the next step's concern).
 */
#ifdef BACKEND_XEN
#define SPIN_ENTRY(WAITING, L, WANT) \
	WAITING && HEAD(ht[L]) != WANT; \
	spin_depth[p]++; \
	pending[p] = 0;		/* xen_clear_irq_pending(): first */ \
	slot_lock[p] = 0; \
	SAY2("lock_spinning(lock %d, want %d): clear channel, publish", L, WANT)
#else
#define SPIN_ENTRY(WAITING, L, WANT) \
	WAITING && HEAD(ht[L]) != WANT; \
	slot_lock[p] = 0; \
	SAY2("lock_spinning(lock %d, want %d): publish", L, WANT)
#endif
inline publish(L, WANT)
{
	slot_want[p] = WANT;
	slot_lock[p] = L + 1;
	waiting_cpus[p] = 1;
	d_step {
		if
		:: TAIL(ht[L]) % 2 != FLAG -> ht[L] = ht[L] + FLAG * M
		:: else
		fi
	}
}

/*
 * lock_spinning()'s exit, one step: pv_ticket_wait_end() leaves the mask
 * and withdraws the slot; under Xen the depth drops and, by the nesting
 * rule, a nested exit leaves the channel pending.
 */
#if defined(BACKEND_XEN) && !defined(NO_NESTING_RULE)
#define SPIN_EXIT \
	waiting_cpus[p] = 0; slot_lock[p] = 0; \
	spin_depth[p]--; \
	if :: spin_depth[p] > 0 -> pending[p] = 1 :: else fi
#elif defined(BACKEND_XEN)
#define SPIN_EXIT \
	waiting_cpus[p] = 0; slot_lock[p] = 0; \
	spin_depth[p]--
#else
#define SPIN_EXIT	waiting_cpus[p] = 0; slot_lock[p] = 0
#endif

/* An interrupt on this CPU while its lock-0 wait is published. */
#define NEST(say) \
	nested_into[p] = 1; \
	SAY(say); \
	irq_handler()

/*
 * The unlock of lock L: the xadd, and the scan when the returned word had
 * the flag and a tail other than next.  Each slot load is a step.
 */
inline unlock(L)
{
	d_step {
		c = ht[L];
		incs[L]--;
		ht[L] = (ht[L] + W + (HEAD(c) + INC) % M - HEAD(c)) % W;
		if
		:: TAIL(c) % 2 == FLAG && NOFLAG(TAIL(c)) != (HEAD(c) + INC) % M ->
			nx = (HEAD(c) + INC) % M; c = FIRST_CPU;
			SAY2("unlock %d: head -> %d, flag: look for waiters", L, nx)
		:: else -> c = NCPU;
			SAY2("unlock %d: head -> %d, no kick", L, HEAD(ht[L]))
		fi
	};
	do
	:: c >= NCPU -> break
	:: c < NCPU && !waiting_cpus[c] -> c = NEXT_CPU(c)
	:: c < NCPU && waiting_cpus[c] ->
		if
		:: slot_lock[c] != L + 1 ->
			if :: slot_lock[c] != 0 -> REACHED(3) :: else fi;
			c = NEXT_CPU(c)
		:: slot_lock[c] == L + 1 ->
			if
			:: d_step {
				KICKS(slot_want[c], nx);
				SAY2("unlock: kick cpu%d (slot wants %d)", c,
				     slot_want[c]);
				HOST_KICK(c);
				c = NEXT_CPU(c)
			   }
			:: d_step {
				!KICKS(slot_want[c], nx);
				REACHED(3);
				c = NEXT_CPU(c)
			   }
			fi
		fi
	od;
	c = 0; nx = 0
}

/*
 * The interrupt handler: lock 1, with interrupts off throughout, so its
 * own slow path blocks without nesting; then unlock 1.  Under Xen the
 * slow path runs at depth 2 and, by the nesting rule, leaves the channel
 * pending when it returns.
 */
inline irq_handler()
{
	atomic { TAKE(1, nw, nwaiting[p]) };
	do
	:: nwaiting[p] == 0 -> break
	:: d_step { nwaiting[p] && HEAD(ht[1]) == nw;
		    ACQUIRED(1, nw, nwaiting[p]) }; break
	:: d_step { SPIN_ENTRY(nwaiting[p], 1, nw) };
		publish(1, nw);
		if
		:: d_step { HEAD(ht[1]) == nw; SAY("nested: pickup") }
		:: d_step { HEAD(ht[1]) != nw; SAY("nested: block") };
#ifdef BACKEND_XEN
			d_step { pending[p];
				 if :: HEAD(ht[1]) == nw -> REACHED(1) :: else fi }
#else
			d_step { pv_unhalted[p]; pv_unhalted[p] = 0;
				 if :: HEAD(ht[1]) == nw -> REACHED(1) :: else fi }
#endif
		fi;
		d_step { SPIN_EXIT }
	od;
	unlock(1)
}

active [NCPU] proctype vcpu()
{
	byte p = _pid;
	byte want;	/* process context's ticket (M: none) */
	byte nw;	/* the interrupt handler's */
	byte c, nx;	/* unlock: the CPU looked at, next */
	bit l;		/* the lock process context takes */

	want = M; nw = M;
end_idle:
	if
	:: atomic { rounds < ROUNDS -> l = 0; TAKE(0, want, waiting[p]) }
	:: atomic { rounds < ROUNDS -> l = 1; TAKE(1, want, waiting[p]) }
	fi;
	/* __ticket_lock_wait() */
	do
	:: waiting[p] == 0 -> break
	:: d_step { waiting[p] && HEAD(ht[l]) == want;
		    ACQUIRED(l, want, waiting[p]) };
		if :: nested_into[p] -> REACHED(2); nested_into[p] = 0
		   :: else fi;
		break
	/* lock_spinning(): interrupts off from here */
	:: d_step { SPIN_ENTRY(waiting[p], l, want) };
		publish(l, want);
		if
		:: d_step { HEAD(ht[l]) == want; SAY("pickup") }
		:: d_step { HEAD(ht[l]) != want; SAY("block") };
#ifdef BACKEND_XEN
			/*
			 * local_irq_restore(): with lock 0 interrupts come
			 * back on before SCHEDOP_poll, which returns once the
			 * channel is pending, or when an event is to be
			 * delivered (then the handler runs after it).
			 */
			if
			:: l == 0 && rounds < ROUNDS ->
				NEST("interrupt before the poll: the handler takes lock 1");
				pending[p]
			:: l == 0 && rounds < ROUNDS ->
				/* an event during the poll ends it */
				NEST("interrupt during the poll: the handler takes lock 1")
			:: true -> pending[p]
			fi
#elif defined(STI_GAP)
			/* local_irq_enable(); halt(): a gap before the HLT */
			if
			:: l == 0 && rounds < ROUNDS ->
				NEST("interrupt: the handler takes lock 1")
			:: true
			fi;
			d_step { pv_unhalted[p]; pv_unhalted[p] = 0 }
#else
			/*
			 * safe_halt(): STI;HLT.  With lock 0 an interrupt may
			 * end the halt; the handler runs, then the waiter goes
			 * on.  (KVM clears pv_unhalted whenever the vCPU leaves
			 * HLT; the model keeps a set latch, which only adds
			 * spurious returns.)  Whether one comes is chosen
			 * before blocking: offered while blocked, weak fairness
			 * would force it and hide a lost wakeup.
			 */
			if
			:: l == 0 && rounds < ROUNDS ->
				NEST("interrupt: the handler takes lock 1")
			:: true -> d_step { pv_unhalted[p]; pv_unhalted[p] = 0 }
			fi
#endif
		fi;
		d_step { SPIN_EXIT }
	od;
	/* the critical section, then unlock */
	unlock(l);
	l = 0;
	goto end_idle
}

/* No lost wakeup: every ticket taken, by either context, is served. */
ltl live { [] ((waiting[0] -> <> !waiting[0]) &&
	       (waiting[1] -> <> !waiting[1]) &&
	       (waiting[2] -> <> !waiting[2]) &&
	       (nwaiting[0] -> <> !nwaiting[0]) &&
	       (nwaiting[1] -> <> !nwaiting[1]) &&
	       (nwaiting[2] -> <> !nwaiting[2])) }
