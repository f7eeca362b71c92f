/* SPDX-License-Identifier: GPL-2.0 */
/* Only the arch lock: the code under test, included as it is. */
#ifndef _TOOLS_LINUX_SPINLOCK_H
#define _TOOLS_LINUX_SPINLOCK_H

#include <asm/spinlock.h>

#endif /* _TOOLS_LINUX_SPINLOCK_H */
