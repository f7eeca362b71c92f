/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Locked read-modify-write operations.  The compiler builtins emit exactly
 * the kernel's instructions on x86-64 (lock xadd, lock cmpxchg, xchg) and
 * are visible to the sanitizers.
 */
#ifndef _TOOLS_ASM_X86_CMPXCHG_H
#define _TOOLS_ASM_X86_CMPXCHG_H

#include <linux/types.h>

/* Atomically add @inc to *@ptr; return the old value. */
#define xadd(ptr, inc)	__atomic_fetch_add((ptr), (inc), __ATOMIC_SEQ_CST)

#define xchg(ptr, v)	__atomic_exchange_n((ptr), (v), __ATOMIC_SEQ_CST)

/* Return the value found at *@ptr; it was replaced iff it equals @old. */
#define cmpxchg(ptr, old, new)						\
({									\
	__typeof__(*(ptr)) __cx_old = (old);				\
	__atomic_compare_exchange_n((ptr), &__cx_old, (new), false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
	__cx_old;							\
})

/* On failure *@pold is updated with the value found. */
#define try_cmpxchg(ptr, pold, new)					\
	__atomic_compare_exchange_n((ptr), (pold), (new), false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)

#endif /* _TOOLS_ASM_X86_CMPXCHG_H */
