/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 barriers as the kernel defines them: TSO makes smp_rmb()/smp_wmb()
 * compiler barriers and smp_mb() a locked add to the stack.  (Every shared
 * access in the shim is a C11 atomic, which is what ThreadSanitizer
 * follows; it does not model fences.)
 */
#ifndef _TOOLS_ASM_X86_BARRIER_H
#define _TOOLS_ASM_X86_BARRIER_H

#include <linux/compiler.h>
#include <pvspin/machine.h>

/*
 * The race point FLAGGED follows the full barrier: in the guest code it
 * is the waiter's, between setting the slowpath flag and re-reading head.
 */
#define smp_mb()							\
do {									\
	__asm__ __volatile__("lock; addl $0,-4(%%rsp)"			\
			     : : : "memory", "cc");			\
	pvspin_race_window(FLAGGED);					\
} while (0)
#define smp_rmb()	barrier()
#define smp_wmb()	barrier()
#define mb()		__asm__ __volatile__("mfence" : : : "memory")
#define rmb()		__asm__ __volatile__("lfence" : : : "memory")
#define wmb()		__asm__ __volatile__("sfence" : : : "memory")

/* Locked instructions are full barriers on x86. */
#define smp_mb__before_atomic()	barrier()
#define smp_mb__after_atomic()	barrier()

#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)

#endif /* _TOOLS_ASM_X86_BARRIER_H */
