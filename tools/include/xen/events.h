/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux's event-channel API (drivers/xen/events), as far as the spinlock
 * backend uses it, over the hypercalls and the shared info bitmaps.  The
 * implementation is tools/lib/xen_events.c; an irq number here is the
 * event-channel port it is bound to.
 */
#ifndef _TOOLS_XEN_EVENTS_H
#define _TOOLS_XEN_EVENTS_H

#include <linux/interrupt.h>
#include <linux/types.h>
#include <asm/xen/events.h>

/* EVTCHNOP_bind_ipi for @cpu; returns the irq or a negative error. */
int bind_ipi_to_irqhandler(enum ipi_vector ipi, unsigned int cpu,
			   irq_handler_t handler, unsigned long irqflags,
			   const char *devname, void *dev_id);
void unbind_from_irqhandler(unsigned int irq, void *dev_id);

void xen_clear_irq_pending(int irq);
void xen_set_irq_pending(int irq);
/* Test switch: xen_set_irq_pending() does nothing (tools/lib/xen_events.c). */
extern bool xen_events_no_set_pending;
bool xen_test_irq_pending(int irq);
/* SCHEDOP_poll on the irq's port; the timeout is absolute, 0 for none. */
void xen_poll_irq(int irq);
void xen_poll_irq_timeout(int irq, u64 timeout);

/* Xen's IPI: EVTCHNOP_send to @cpu's channel for @vector. */
void xen_send_IPI_one(unsigned int cpu, enum ipi_vector vector);

/* Where the guest sees the shared info page (an HVM guest maps it). */
void xen_setup_shared_info(void);

#endif /* _TOOLS_XEN_EVENTS_H */
