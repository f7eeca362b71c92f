/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_SPINLOCK_H
#define _ASM_X86_SPINLOCK_H

#include <linux/jump_label.h>
#include <linux/atomic.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <linux/compiler.h>
#include <asm/paravirt.h>
#include <asm/bitops.h>

/* PAUSEs before a waiter may block its vCPU (the PV slow paths) */
#define SPIN_THRESHOLD	(1 << 15)

#ifdef CONFIG_QUEUED_SPINLOCKS
#include <asm/qspinlock.h>
#else
/*
 * Ticket spinlocks (X86_TICKET_SPINLOCKS), with paravirt slow paths
 * (word layout: asm/spinlock_types.h).
 *
 * Lock: one "lock xadd" takes the next ticket from tail and returns the
 * word as it was.  If head was that ticket the lock is ours.  Otherwise
 * spin on head, out of line; with PV, once the spin policy says so, call
 * lock_spinning(), which may halt until kicked, then spin again.
 *
 * Unlock without PV (native builds, or PV built in with the static key
 * off): store head + TICKET_LOCK_INC.  No waiter ever sets the flag, so
 * there is nobody to kick.
 *
 * Unlock with PV: one locked xadd on the whole word both releases the lock
 * and returns the tail as it was at the instant of release.  The decision
 * to kick is made from that returned value; the kick uses the lock address
 * only to find the waiter.  Nothing after the xadd reads or writes the
 * lock, so the lock may be freed the moment it is released (the
 * completion-on-the-stack pattern that Linux's 3.12 unlock broke by
 * reading tail after releasing head).
 *
 * Why the flag is never left to an unlocker to clear: a flag outlives the
 * waiter that set it.  It is cleared by whoever holds the lock and sees
 * that nobody queued behind them (__ticket_check_and_clear_slowpath()),
 * and by a successful trylock, which finds the queue empty by definition.
 * Both are atomics done while the lock is held or being taken, so the
 * lock is certainly alive.
 *
 * Why no kick is lost: a waiter sets the flag (a locked op on the word, or
 * it was already set), issues a full barrier, then re-reads head.  The
 * unlocker's xadd is a locked op on the same word.  Either the xadd comes
 * first, and the waiter's re-read sees its ticket in head (pickup), or
 * the flag-set comes first, and the xadd returns the flag and the
 * unlocker, which reads the waiter's published (lock, want) after its
 * xadd, finds the waiter and kicks it.  With lock stealing a third CPU
 * may write head: a thief, and only on an open turn.  If the waiter's
 * re-read sees the thief's head, the next write to head is the thief's
 * unlock; it finds the flag set (nobody clears it while the thief holds
 * the lock), goes out of line and kicks after its xadd, as above.
 *
 * Lock stealing (PV only, the default spin policy; "pvspin_steal=N"
 * bounds it, 0 turns it off).  A FIFO lock hands each turn to a fixed
 * waiter; if that waiter has halted, the lock stays idle until its vCPU
 * runs again.  So an unlock that sees the slowpath flag and finds the
 * next waiter's slot published (the waiter is blocked, or about to be)
 * releases with the open flag set, head = next | TICKET_OPEN_FLAG, and
 * kicks it as usual.  An open turn is taken with a cmpxchg, by one of two
 * CPUs:
 *
 *  - the waiter holding next, which claims it: head = next;
 *  - the holder of the last ticket (tail == its ticket + INC), the thief,
 *    which gives its ticket back and takes the turn in one cmpxchg of the
 *    whole word: head = next - INC, tail = its ticket.  Its unlock
 *    advances head to next again, as any unlock does, and may open the
 *    same turn once more if the waiter is still blocked.
 *
 * The waiter's slot counts the opens of its turn (one count per context,
 * so a slow path nested in an interrupt keeps its own), and an unlock
 * opens it only while the count is below N: a turn is opened at most N
 * times, however often its waiter blocks, and only while the waiter's
 * slot is published, from before lock_spinning()'s re-check of head
 * until the slot is withdrawn on its way out (an unlock that read the
 * slot just before may still open it: counted, and claimed as usual).
 * Apart from that window, the turn of a waiter spinning in the lock loop
 * is never opened; but a thief also runs ahead of the waiters queued
 * between the blocked one and itself, running or not: up to N times for
 * each blocked waiter ahead of them.  Nobody else may take an open turn:
 * a ticket in the middle of the queue cannot be given back.  head is even
 * whenever somebody holds the lock, so the holder's unlock is unchanged.
 */
#include <linux/kcsan-checks.h>
#include <asm/barrier.h>
#include <asm/cmpxchg.h>
#include <asm/spinlock_types.h>
#include <asm/paravirt_ticket.h>

/*
 * SPIN_THRESHOLD is what the PV ticket lock spins under the 3.12 spin
 * policy (asm/paravirt_ticket.h; "pvspin_spins=N" changes it).  PAUSE
 * took about 10 cycles before Skylake and up to 140 since (Intel's
 * optimization manual), so this is 0.1 ms to 1.5 ms at 3 GHz: far above
 * a short critical section (a holder that is running releases well
 * within it) and of the order of a host scheduler time slice, after
 * which a holder that has not released is most likely preempted and
 * spinning on only burns the CPU it needs.
 */

/*
 * Equal tickets, ignoring bit 0: the slowpath flag in tail, the open flag
 * in head.  So a head open for @two equals @two.
 */
static __always_inline bool __tickets_equal(__ticket_t one, __ticket_t two)
{
	return !((one ^ two) & ~TICKET_SLOWPATH_FLAG);
}

/*
 * Set the slowpath flag in tail.  The caller issues smp_mb() after it:
 * when the flag was already set there is no atomic here to order the
 * caller's publication against its re-read of head.
 */
static inline void __ticket_enter_slowpath(arch_spinlock_t *lock)
{
	arch_spinlock_t old, new;

	old.head_tail = READ_ONCE(lock->head_tail);
	while (!(old.tickets.tail & TICKET_SLOWPATH_FLAG)) {
		new.head_tail = old.head_tail |
			((__ticketpair_t)TICKET_SLOWPATH_FLAG << TICKET_SHIFT);
		if (try_cmpxchg(&lock->head_tail, &old.head_tail,
				new.head_tail))
			break;
	}
}

/* Out of the fast path: wait until head reaches @inc.tail. */
void __ticket_lock_wait(arch_spinlock_t *lock, struct __raw_tickets inc);

#ifdef CONFIG_PARAVIRT
/*
 * A guest whose hypervisor cannot wake a halted waiter (KVM without
 * PV_UNHALT) keeps virt_spin_lock_key (asm/paravirt.h) on and takes every
 * lock by test-and-set on the ticket word: a FIFO queue of vCPUs that the
 * host schedules independently serves a preempted waiter's turn to
 * nobody.  Bare metal (native_pv_lock_init()), a backend that turned PV
 * on, and the cases where FIFO is what the user asked for (nopvspin,
 * dedicated vCPUs, one vCPU) leave it off or turn it off, before the
 * other CPUs run.  While the key is off the site is a NOP, so the ticket
 * fast path pays one NOP.
 */
void __virt_spin_lock(arch_spinlock_t *lock);

static __always_inline bool virt_spin_lock(arch_spinlock_t *lock)
{
	if (!static_branch_unlikely(&virt_spin_lock_key))
		return false;
	__virt_spin_lock(lock);
	return true;
}
#else
static __always_inline bool virt_spin_lock(arch_spinlock_t *lock)
{
	return false;
}
#endif /* CONFIG_PARAVIRT */

static __always_inline void arch_spin_lock(arch_spinlock_t *lock)
{
	arch_spinlock_t inc;

	if (virt_spin_lock(lock))
		goto out;
	inc.head_tail = xadd(&lock->head_tail,
			     (__ticketpair_t)TICKET_LOCK_INC << TICKET_SHIFT);
	/* Exact compare: a set flag sends us to the slow path to clear it. */
	if (likely(inc.tickets.head == inc.tickets.tail))
		goto out;
	__ticket_lock_wait(lock, inc.tickets);
out:
	barrier();	/* nothing from the critical section moves above */
}

static __always_inline int arch_spin_trylock(arch_spinlock_t *lock)
{
	arch_spinlock_t old, new;

	old.head_tail = READ_ONCE(lock->head_tail);
	if (!__tickets_equal(old.tickets.head, old.tickets.tail))
		return 0;
	/* Free means nobody queued: any flag is stale and goes. */
	new.tickets.head = old.tickets.head;
	new.tickets.tail = (old.tickets.tail & ~TICKET_SLOWPATH_FLAG) +
			   TICKET_LOCK_INC;
	return try_cmpxchg(&lock->head_tail, &old.head_tail, new.head_tail);
}

/*
 * Release by adding (next - head) to the whole word: head wraps within its
 * own field and tail is unchanged.  The xadd returns tail at the instant
 * of release; after it only @head, @next and that value are used.  A flag
 * already set before the release sends the unlock out of line, where it
 * may open the turn (__ticket_unlock_slowpath()); only the holder clears
 * the flag, so it cannot go away in between.
 */
static __always_inline void __ticket_unlock_pv(arch_spinlock_t *lock)
{
	arch_spinlock_t old = { .head_tail = READ_ONCE(lock->head_tail) };
	__ticket_t head = old.tickets.head;
	__ticket_t next = head + TICKET_LOCK_INC;
	arch_spinlock_t prev;

	/* KCSAN does not see the xadd as a release: say it. */
	kcsan_release();
	if (unlikely(old.tickets.tail & TICKET_SLOWPATH_FLAG)) {
		__ticket_unlock_slowpath(lock, head);
		return;
	}
	prev.head_tail = xadd(&lock->head_tail,
			      (__ticketpair_t)((__ticketpair_t)next - head));
	if (unlikely(prev.tickets.tail & TICKET_SLOWPATH_FLAG) &&
	    !__tickets_equal(prev.tickets.tail, next))
		__ticket_unlock_kick(lock, next);
}

static __always_inline void arch_spin_unlock(arch_spinlock_t *lock)
{
	if (TICKET_SLOWPATH_FLAG && paravirt_ticketlocks_on()) {
		__ticket_unlock_pv(lock);
		return;
	}
	/* Only the holder writes head: a plain add, made a release store. */
	smp_store_release(&lock->tickets.head,
			  (__ticket_t)(READ_ONCE(lock->tickets.head) +
				       TICKET_LOCK_INC));
}

static __always_inline int arch_spin_is_locked(arch_spinlock_t *lock)
{
	arch_spinlock_t tmp = { .head_tail = READ_ONCE(lock->head_tail) };

	return !__tickets_equal(tmp.tickets.head, tmp.tickets.tail);
}

static __always_inline int arch_spin_is_contended(arch_spinlock_t *lock)
{
	arch_spinlock_t tmp = { .head_tail = READ_ONCE(lock->head_tail) };

	tmp.tickets.tail &= ~TICKET_SLOWPATH_FLAG;
	return (__ticket_t)(tmp.tickets.tail - tmp.tickets.head) >
	       TICKET_LOCK_INC;
}

static __always_inline int arch_spin_value_unlocked(arch_spinlock_t lock)
{
	return __tickets_equal(lock.tickets.head, lock.tickets.tail);
}

/* linux/spinlock.h falls back to "never contended" without this. */
#define arch_spin_is_contended	arch_spin_is_contended

#ifdef CONFIG_PARAVIRT_SPINLOCKS
/*
 * The hypervisor's hint that @cpu's vCPU is runnable but not running
 * (KVM: the steal-time preempted flag; Xen: the runstate).  Mutex and
 * rwsem owner spinning, available_idle_cpu() and KVM's TLB-flush IPIs
 * read it; the ticket lock itself does not.
 */
#define vcpu_is_preempted vcpu_is_preempted
static inline bool vcpu_is_preempted(long cpu)
{
	return pv_vcpu_is_preempted(cpu);
}
#endif

#endif /* CONFIG_QUEUED_SPINLOCKS */

/* x86 rwlocks are queued rwlocks built on arch_spinlock_t. */
#include <asm/qrwlock.h>

#endif /* _ASM_X86_SPINLOCK_H */
