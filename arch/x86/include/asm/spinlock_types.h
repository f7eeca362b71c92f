/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_SPINLOCK_TYPES_H
#define _ASM_X86_SPINLOCK_TYPES_H

#include <linux/types.h>
#ifdef CONFIG_QUEUED_SPINLOCKS
#include <asm-generic/qspinlock_types.h>
#else
/*
 * The ticket spinlock word (X86_TICKET_SPINLOCKS).
 *
 *	bits	 0..n-1		 n..2n-1
 *		+---------------+---------------+
 *		|     head      |     tail      |	n = 8 or 16
 *		+---------------+---------------+
 *		^ bit 0: open flag		^ bit n: slowpath flag
 *		  (both PV only)
 *
 * head is the ticket being served, tail the next ticket to hand out.  A
 * paravirt build advances tickets by 2 and keeps bit 0 of tail as the
 * slowpath flag: set by a waiter before it halts, it tells the unlocker to
 * kick.  Bit 0 of head is the open flag: an unlock that hands the lock to
 * a waiter that is blocked sets it, and that waiter, or the holder of the
 * last ticket, takes the lock with a cmpxchg (asm/spinlock.h, "Lock
 * stealing").  A native build advances by 1 and both flags are 0, so
 * every test of them is a constant false and compiles away.
 */
#include <linux/build_bug.h>

#ifdef CONFIG_PARAVIRT_SPINLOCKS
#define __TICKET_LOCK_INC	2
#define TICKET_SLOWPATH_FLAG	((__ticket_t)1)
#define TICKET_OPEN_FLAG	((__ticket_t)1)
#else
#define __TICKET_LOCK_INC	1
#define TICKET_SLOWPATH_FLAG	((__ticket_t)0)
#define TICKET_OPEN_FLAG	((__ticket_t)0)
#endif /* CONFIG_PARAVIRT_SPINLOCKS */

/*
 * Every CPU may hold one ticket per lock, so the ticket space must exceed
 * CONFIG_NR_CPUS * __TICKET_LOCK_INC: below 128 CPUs (256 native) a byte
 * is enough and the whole word is 16 bits.  A stolen lock keeps head one
 * ticket behind the oldest waiter, and the thief holds no ticket, so
 * tail - head still stays within CONFIG_NR_CPUS * __TICKET_LOCK_INC.
 */
#if (CONFIG_NR_CPUS < (256 / __TICKET_LOCK_INC))
typedef u8  __ticket_t;
typedef u16 __ticketpair_t;
#else
typedef u16 __ticket_t;
typedef u32 __ticketpair_t;
#endif

#define TICKET_LOCK_INC	((__ticket_t)__TICKET_LOCK_INC)
#define TICKET_SHIFT	(sizeof(__ticket_t) * 8)

static_assert((unsigned long)CONFIG_NR_CPUS * __TICKET_LOCK_INC <=
	      (1UL << TICKET_SHIFT), "ticket width too small for NR_CPUS");
static_assert(sizeof(__ticketpair_t) == 2 * sizeof(__ticket_t),
	      "head and tail must fill the ticket pair exactly");

typedef struct arch_spinlock {
	union {
		__ticketpair_t head_tail;
		struct __raw_tickets {
			__ticket_t head, tail;
		} tickets;
	};
} arch_spinlock_t;

#define __ARCH_SPIN_LOCK_UNLOCKED	{ { 0 } }

#endif /* CONFIG_QUEUED_SPINLOCKS */
#include <asm-generic/qrwlock_types.h>

#endif /* _ASM_X86_SPINLOCK_TYPES_H */
