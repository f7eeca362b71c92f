/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Paravirt hooks of the ticket spinlock.
 *
 * Rules for a backend:
 *
 * lock_spinning(lock, want) is called by a waiter holding ticket @want
 * after it has spun as long as the spin policy below allows.  It may block the vCPU until it
 * is kicked, and it may return at any time, spuriously or not: the caller
 * re-reads head and calls again.  Before blocking it must publish
 * (lock, want) where unlock_kick() looks, set the slowpath flag with
 * __ticket_enter_slowpath(), issue a full barrier and re-read head.
 *
 * unlock_kick(lock, next) is called after the lock was released, when the
 * releasing atomic, or the read of the word just before it, saw the
 * slowpath flag, and the released word showed a waiter holding @next.  The
 * lock may already be freed: @lock is a key to find the waiter and must
 * never be dereferenced.  The waiter may not have halted yet (the host
 * latches the kick) or may be gone (the kick is spurious); both are fine.
 * Under the default spin policy it also wakes the waiter holding
 * @next + TICKET_LOCK_INC, now next in line (a pre-wake).  That kick is
 * only ever early: no waiter depends on it, since the unlock that hands
 * it the lock kicks it again.
 *
 * The spin policy (how long a waiter spins before lock_spinning(); the
 * test is __ticket_spin_on() in paravirt-spinlocks.c):
 *
 *  PV_SPIN_312   pv_spin_threshold PAUSEs (SPIN_THRESHOLD unless
 *                "pvspin_spins=N"), wherever the waiter stands in the
 *                queue: Linux 3.12 to 4.1.  "pvspin_policy=3.12".
 *  PV_SPIN_TIME  every waiter spins for pvspin_spin_ns of TSC time; no
 *                pre-wake.  "pvspin_policy=time".
 *  PV_SPIN_NEXT  (default) the waiter next in line spins for
 *                pvspin_spin_ns of TSC time; a waiter further back spins
 *                for pvspin_queued_ns and then blocks, and is pre-woken
 *                by the unlock that makes it next.  Only the next waiter
 *                can use the lock soon, so only it needs a running vCPU;
 *                the others give their physical CPU to the holder.
 *
 * open_turn(lock, next) is called by a holder about to release, with the
 * slowpath flag set and a ticket after its own taken (the caller checks
 * tail != next: an open turn nobody holds would never be taken): true if
 * the waiter holding @next has published (lock, next) and its turn was
 * opened fewer than pv_spin_steal times; it then counts one more
 * (asm/spinlock.h, "Lock stealing").  Given that, a wrong answer costs
 * only time: the waiter takes an open turn and a plain one alike.
 *
 * The three ops are static calls (pv_lock_spinning, pv_unlock_kick,
 * pv_open_turn): a backend updates them once, at boot, before it turns
 * on paravirt_ticketlocks_enabled; every caller is out of line, in
 * paravirt-spinlocks.c, so neither the static calls nor their
 * trampolines are visible to modules.
 */
#ifndef _ASM_X86_PARAVIRT_TICKET_H
#define _ASM_X86_PARAVIRT_TICKET_H

#include <asm/spinlock_types.h>

/* What __ticket_take_open() did with an open turn. */
enum ticket_open {
	TICKET_OPEN_MISSED,	/* not ours, or another CPU took it first */
	TICKET_OPEN_CLAIMED,	/* our own turn: head is our ticket now */
	TICKET_OPEN_STOLEN,	/* our ticket given back, the turn taken */
};

#ifdef CONFIG_PARAVIRT_SPINLOCKS
#include <linux/jump_label.h>
#include <linux/static_call_types.h>

void paravirt_ticket_lock_spinning_nop(struct arch_spinlock *lock,
				       __ticket_t want);
void paravirt_ticket_unlock_kick_nop(struct arch_spinlock *lock,
				     __ticket_t next);
bool paravirt_ticket_open_turn_nop(struct arch_spinlock *lock,
				   __ticket_t next);

DECLARE_STATIC_CALL(pv_lock_spinning, paravirt_ticket_lock_spinning_nop);
DECLARE_STATIC_CALL(pv_unlock_kick, paravirt_ticket_unlock_kick_nop);
/* Open @next's turn to a thief?  (Lock stealing.) */
DECLARE_STATIC_CALL(pv_open_turn, paravirt_ticket_open_turn_nop);

/* Off until a backend has installed its ops: gates the PV unlock. */
DECLARE_STATIC_KEY_FALSE(paravirt_ticketlocks_enabled);

/* "nopvspin" on the command line: no backend enables itself. */
extern bool nopvspin;

enum pv_spin_policy {
	PV_SPIN_NEXT,
	PV_SPIN_TIME,
	PV_SPIN_312,
};

extern enum pv_spin_policy pv_spin_policy;
/* PAUSEs before lock_spinning() under PV_SPIN_312 ("pvspin_spins=N"). */
extern unsigned int pv_spin_threshold;
/* Thefts one blocked waiter's turn may suffer ("pvspin_steal=N"). */
extern unsigned int pv_spin_steal;
/* The backends' first phase: the time thresholds in TSC cycles. */
void pv_spin_init(void);
/* The spin policy in words, for the backends' boot line. */
void pv_spin_describe(char *buf, size_t size);

/* The waiter's TSC is read once every this many spins. */
#define PV_SPIN_CLOCK_EVERY	16

static __always_inline bool paravirt_ticketlocks_on(void)
{
	return static_branch_unlikely(&paravirt_ticketlocks_enabled);
}

/* The calls of the ops, and lock stealing: out of line. */
void __ticket_lock_spinning(arch_spinlock_t *lock, __ticket_t want);
void __ticket_unlock_kick(arch_spinlock_t *lock, __ticket_t next);
enum ticket_open __ticket_take_open(arch_spinlock_t *lock, __ticket_t want);
void __ticket_unlock_slowpath(arch_spinlock_t *lock, __ticket_t head);

/*
 * Lock stealing's count: how often the turn of @want on @lock was opened
 * to a thief.  One per context that can wait on this CPU (task, softirq,
 * hardirq; an NMI never blocks), so that a slow path nested in an
 * interrupt does not restart the count of the wait it interrupted.
 */
struct pv_ticket_count {
	struct arch_spinlock *lock;
	__ticket_t want;
	u8 passed;
};

enum {
	PV_TICKET_CTX_TASK,
	PV_TICKET_CTX_SOFTIRQ,
	PV_TICKET_CTX_HARDIRQ,
	PV_TICKET_CONTEXTS
};

/*
 * The protocol both backends share (paravirt-spinlocks.c).  A CPU's
 * published wait: lock is non-NULL only while want (and ctx, the count
 * it uses) belong to it.
 */
struct pv_ticket_wait {
	struct arch_spinlock *lock;
	__ticket_t want;
	u8 ctx;
	struct pv_ticket_count count[PV_TICKET_CONTEXTS];
};

struct cpumask;

/*
 * Interrupts off.  Publish (lock, want) in @w, join @waiting, set the
 * slowpath flag, full barrier, re-read head.  True: the ticket is already
 * ours (pickup), do not block.  Either way end with pv_ticket_wait_end().
 */
bool pv_ticket_wait_begin(struct pv_ticket_wait *w, struct cpumask *waiting,
			  struct arch_spinlock *lock, __ticket_t want);
void pv_ticket_wait_end(struct pv_ticket_wait *w, struct cpumask *waiting);
/* After a block: count a wakeup before our turn that was not a pre-wake. */
void pv_ticket_count_wakeup(struct arch_spinlock *lock, __ticket_t want);
/* The slot in @waiting reading (lock, next): may its turn be opened? */
bool pv_ticket_open_turn(struct arch_spinlock *lock, __ticket_t next,
			 const struct cpumask *waiting,
			 struct pv_ticket_wait __percpu *slots);
/* Call @kick for every CPU in @waiting whose slot reads (lock, next). */
void pv_ticket_kick_waiters(struct arch_spinlock *lock, __ticket_t next,
			    const struct cpumask *waiting,
			    struct pv_ticket_wait __percpu *slots,
			    void (*kick)(int cpu));

#if defined(CONFIG_LOCK_EVENT_COUNTS) && defined(CONFIG_DEBUG_FS)
struct dentry;
/* The counters as files in @parent/spinlocks/ (taken_slow, ...). */
void pvspin_debugfs_create(struct dentry *parent);
#endif

#else /* !CONFIG_PARAVIRT_SPINLOCKS */

static __always_inline bool paravirt_ticketlocks_on(void)
{
	return false;
}

static __always_inline void __ticket_lock_spinning(arch_spinlock_t *lock,
						   __ticket_t want)
{
}

static __always_inline void __ticket_unlock_kick(arch_spinlock_t *lock,
						 __ticket_t next)
{
}

/* Never called: without PV no turn is ever open and no flag is set. */
static inline enum ticket_open __ticket_take_open(arch_spinlock_t *lock,
						  __ticket_t want)
{
	return TICKET_OPEN_MISSED;
}

static inline void __ticket_unlock_slowpath(arch_spinlock_t *lock,
					    __ticket_t head)
{
}

#endif /* CONFIG_PARAVIRT_SPINLOCKS */

#endif /* _ASM_X86_PARAVIRT_TICKET_H */
