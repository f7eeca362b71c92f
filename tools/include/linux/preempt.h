/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_PREEMPT_H
#define _TOOLS_LINUX_PREEMPT_H

#include <pvspin/machine.h>

#define in_nmi()	(machine_cpu->nmi_nesting > 0)
#define in_hardirq()	(machine_cpu->irq_nesting > 0)
#define in_irq()	in_hardirq()
/* The embedded guest runs no softirqs. */
#define in_serving_softirq()	0

#endif /* _TOOLS_LINUX_PREEMPT_H */
