/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_LOG2_H
#define _TOOLS_LINUX_LOG2_H

#include <linux/types.h>

/* Index of the most significant set bit, 1-based; 0 for 0. */
static inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

#define ilog2(n)	(fls64(n) - 1)

#endif /* _TOOLS_LINUX_LOG2_H */
