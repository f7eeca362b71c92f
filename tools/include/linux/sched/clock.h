/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_SCHED_CLOCK_H
#define _TOOLS_LINUX_SCHED_CLOCK_H

#include <linux/types.h>

u64 sched_clock(void);

#endif /* _TOOLS_LINUX_SCHED_CLOCK_H */
