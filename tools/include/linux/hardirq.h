/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_HARDIRQ_H
#define _TOOLS_LINUX_HARDIRQ_H

#include <linux/preempt.h>

#endif /* _TOOLS_LINUX_HARDIRQ_H */
