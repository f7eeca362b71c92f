/* SPDX-License-Identifier: GPL-2.0 */
/* try_cmpxchg() and friends: in the kernel, the instrumented wrappers. */
#ifndef _TOOLS_LINUX_ATOMIC_H
#define _TOOLS_LINUX_ATOMIC_H

#include <asm/cmpxchg.h>

#endif /* _TOOLS_LINUX_ATOMIC_H */
