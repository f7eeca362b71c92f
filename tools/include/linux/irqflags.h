/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_IRQFLAGS_H
#define _TOOLS_LINUX_IRQFLAGS_H

#include <asm/irqflags.h>

#define local_irq_enable()	arch_local_irq_enable()
#define local_irq_disable()	arch_local_irq_disable()
#define local_irq_save(flags)	do { (flags) = arch_local_irq_save(); } while (0)
#define local_irq_restore(flags) arch_local_irq_restore(flags)
#define irqs_disabled()		arch_irqs_disabled()

#endif /* _TOOLS_LINUX_IRQFLAGS_H */
