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
 * so no store forwarding is needed.  TSO never reorders loads with loads
 * nor stores with stores: smp_rmb() and smp_wmb() have no counterpart.
 *
 * Configuration (spin -DNAME):
 *   BACKEND_XEN           the Xen backend and host; default: KVM
 *   NCPU=n                vCPUs (2 or 3; default 3)
 *   ROUNDS=n              bound the tickets taken (default: unbounded)
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

/* lock->head_tail */
byte head_tail;

/* The backend's per-CPU slot (klock_waiting / lock_waiting), waiting_cpus */
bit slot_lock[NCPU];		/* NULL (0) or this lock (1) */
byte slot_want[NCPU];
bit waiting_cpus[NCPU];

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
	if :: HEAD(head_tail) == want -> REACHED(1) \
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
#define ENTER_CS \
	waiting[p] = 0; \
	incs++; \
	ASSERT_MUTEX; \
	ASSERT_FIFO; \
	next_served = (next_served + 1) % SEQ; \
	arrival[p] = 0; \
	MAY_FREE; \
	want = 0

/* The xadd of arch_spin_lock(): tail += TICKET_LOCK_INC. */
#define TAKE_TICKET \
	DRAINED; \
	NEW_OP; \
	ROUND_TAKE; \
	head_tail = (head_tail + INC * M) % W; \
	arrival[p] = next_arrival; \
	next_arrival = (next_arrival + 1) % SEQ

/*
 * kvm_unlock_kick() / xen_unlock_kick(lock, next), with c = FIRST_CPU:
 * for_each_cpu() in waiting_cpus, load the slot's lock, then its want;
 * kick every match.  Each load is a step; so is the kick after it.
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
		:: d_step { slot_lock[c]; dr = 0 };
			/* smp_rmb() */
			do
			OBSERVE(c)
			:: d_step {
				!KICKS(slot_want[c], next);
				SAY2("unlock: cpu%d's slot wants %d", c,
				     slot_want[c]);
				dr = 0;
				c = NEXT_CPU(c)
			   };
				break
			:: d_step { KICKS(slot_want[c], next); dr = 0 };
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
	 */
	d_step {
		HEAD(head_tail) != want;
#ifdef BACKEND_XEN
		DRAINED;
		pending[p] = 0;
#endif
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
	 * and the load, and the drain does not touch the lock word.
	 */
	if
	:: d_step {
		HEAD(head_tail) == want;
		SMP_MB;
		SAY("lock_spinning: re-check: our turn (pickup)");
		REACHED(2)
	   }
	:: d_step {
		HEAD(head_tail) != want;
		SMP_MB;
		SAY1("lock_spinning: re-check: head %d, spurious return",
		     HEAD(head_tail));
		/* an interrupt ends the wait at once */
#ifndef BACKEND_XEN
		pv_unhalted[p] = 0	/* and HLT consumes the latch */
#endif
	   }
	:: d_step {
		HEAD(head_tail) != want;
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
	/* out: cpumask_clear_cpu(); WRITE_ONCE(w->lock, NULL) */
#ifdef RELAXED_MASK
	d_step { SB_PUT(A_MASK, 0); SB_PUT(A_LOCK, 0) }
#else
	d_step { DRAINED; waiting_cpus[p] = 0; SB_PUT(A_LOCK, 0) }
#endif
}

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
		ROUND_OK && HEAD(head_tail) == NOFLAG(TAIL(head_tail));
		SAY2("trylock: ticket %d, acquired (flag was %d)",
		     HEAD(head_tail), TAIL(head_tail) % 2);
		if :: TAIL(head_tail) % 2 == FLAG -> REACHED(6) :: else fi;
		DRAINED;
		NEW_OP;
		ROUND_TAKE;
		head_tail = MKWORD(HEAD(head_tail),
				   (NOFLAG(TAIL(head_tail)) + INC) % M);
		arrival[p] = next_arrival;
		next_arrival = (next_arrival + 1) % SEQ;
		ENTER_CS
	   }
#endif /* NO_TRYLOCK */
	fi;

#ifndef UNLOCK_312
	/*
	 * __ticket_unlock_pv(): head = READ_ONCE(lock->tickets.head) (only
	 * the holder writes head: the load may join the xadd);
	 * prev = xadd(&lock->head_tail, (__ticketpair_t)(next - head)).
	 * The guard is the kick decision on prev: the flag, and a tail
	 * other than next.
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
