/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_INTERRUPT_H
#define _TOOLS_LINUX_INTERRUPT_H

typedef int irqreturn_t;
typedef irqreturn_t (*irq_handler_t)(int irq, void *dev_id);

#define IRQ_NONE		0
#define IRQ_HANDLED		1
#define IRQF_PERCPU		0x00000400
#define IRQF_NOBALANCING	0x00000800

/* Mask the interrupt: for an event channel, set its mask bit. */
void disable_irq(unsigned int irq);

#endif /* _TOOLS_LINUX_INTERRUPT_H */
