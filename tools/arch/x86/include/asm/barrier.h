/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 barriers as the kernel defines them: TSO makes smp_rmb()/smp_wmb()
 * compiler barriers and smp_mb() a locked add to the stack.  Under
 * ThreadSanitizer the equivalent C11 fences are used so it can follow.
 */
#ifndef _TOOLS_ASM_X86_BARRIER_H
#define _TOOLS_ASM_X86_BARRIER_H

#include <linux/compiler.h>

#if defined(__SANITIZE_THREAD__)
#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#else
#define smp_mb()	__asm__ __volatile__("lock; addl $0,-4(%%rsp)" \
					     : : : "memory", "cc")
#define smp_rmb()	barrier()
#define smp_wmb()	barrier()
#endif
#define mb()		__asm__ __volatile__("mfence" : : : "memory")
#define rmb()		__asm__ __volatile__("lfence" : : : "memory")
#define wmb()		__asm__ __volatile__("sfence" : : : "memory")

/* Locked instructions are full barriers on x86. */
#define smp_mb__before_atomic()	barrier()
#define smp_mb__after_atomic()	barrier()

#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)

#endif /* _TOOLS_ASM_X86_BARRIER_H */
