// SPDX-License-Identifier: GPL-2.0
/*
 * The run-time half of the Xen shim: Linux's event-channel layer, as far
 * as the spinlock backend uses it.  Pending and mask bits live in the
 * shared info page, which the guest reads and writes with locked bit
 * operations; binding, sending and polling are hypercalls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/percpu.h>
#include <asm/processor.h>
#include <asm/xen/hypercall.h>
#include <xen/events.h>
#include <xen/interface/xen.h>
#include <xen/xen.h>

#define BITS_PER_LONG	64

static struct shared_info_evtchn *shared_info;
/* Port bound to each (CPU, IPI vector), 0 = none. */
static evtchn_port_t ipi_port[PVSPIN_PERCPU_MAX][XEN_NR_IPIS];

static unsigned int xen_cpuid_base(void)
{
	unsigned int base, eax, sig[3];

	for (base = XEN_CPUID_FIRST_LEAF; base < 0x40010000; base += 0x100) {
		cpuid(base, &eax, &sig[0], &sig[1], &sig[2]);
		if (!memcmp(sig, XEN_CPUID_SIGNATURE, 12) && eax - base >= 2)
			return base;
	}
	return 0;
}

bool xen_domain(void)
{
	return xen_cpuid_base() != 0;
}

/*
 * Linux reads the vCPU's runstate area here.  The embedded Xen host
 * registers none and tells the guest nothing about preemption, so every
 * vCPU reads as running: what the hint reports is not tested here, only
 * that the backend installs it (pvspin_test "xen: vcpu_is_preempted").
 */
bool xen_vcpu_stolen(int vcpu)
{
	return false;
}

void xen_setup_shared_info(void)
{
	shared_info = machine_xen_shared_info();
}

static unsigned long *word_of(unsigned long *map, evtchn_port_t port)
{
	return &map[port / BITS_PER_LONG];
}

static unsigned long bit_of(evtchn_port_t port)
{
	return 1UL << (port % BITS_PER_LONG);
}

int bind_ipi_to_irqhandler(enum ipi_vector ipi, unsigned int cpu,
			   irq_handler_t handler, unsigned long irqflags,
			   const char *devname, void *dev_id)
{
	struct evtchn_bind_ipi bind = { .vcpu = cpu };
	int ret;

	if (!shared_info)
		xen_setup_shared_info();
	ret = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &bind);
	if (ret)
		return ret;
	ipi_port[cpu][ipi] = bind.port;
	return bind.port;
}

void unbind_from_irqhandler(unsigned int irq, void *dev_id)
{
	/* EVTCHNOP_close is not modelled: the port stays bound. */
}

void disable_irq(unsigned int irq)
{
	__atomic_fetch_or(word_of(shared_info->evtchn_mask, irq),
			  bit_of(irq), __ATOMIC_SEQ_CST);
}

void xen_clear_irq_pending(int irq)
{
	__atomic_fetch_and(word_of(shared_info->evtchn_pending, irq),
			   ~bit_of(irq), __ATOMIC_SEQ_CST);
}

/*
 * Negative control of the Xen nesting rule, whose only use of this call
 * is to leave the channel pending after a nested slow path: with the
 * switch set, the call does nothing, which removes the rule.
 */
bool xen_events_no_set_pending;

void xen_set_irq_pending(int irq)
{
	if (xen_events_no_set_pending)
		return;
	__atomic_fetch_or(word_of(shared_info->evtchn_pending, irq),
			  bit_of(irq), __ATOMIC_SEQ_CST);
}

bool xen_test_irq_pending(int irq)
{
	return __atomic_load_n(word_of(shared_info->evtchn_pending, irq),
			       __ATOMIC_SEQ_CST) & bit_of(irq);
}

void xen_poll_irq_timeout(int irq, u64 timeout)
{
	evtchn_port_t port = irq;
	struct sched_poll poll = {
		.ports = &port, .nr_ports = 1, .timeout = timeout,
	};

	if (HYPERVISOR_sched_op(SCHEDOP_poll, &poll)) {
		fprintf(stderr, "xen: SCHEDOP_poll on port %u failed\n", port);
		abort();
	}
}

/*
 * The race point HALT, then an interrupt that arrived meanwhile is taken
 * (the caller polls with interrupts as its own caller had them), then
 * the poll.
 */
void xen_poll_irq(int irq)
{
	pvspin_race_window(HALT);
	machine_poll_irq();
	xen_poll_irq_timeout(irq, 0);
}

void xen_send_IPI_one(unsigned int cpu, enum ipi_vector vector)
{
	struct evtchn_send send = { .port = ipi_port[cpu][vector] };

	if (HYPERVISOR_event_channel_op(EVTCHNOP_send, &send)) {
		fprintf(stderr, "xen: EVTCHNOP_send to port %u failed\n",
			send.port);
		abort();
	}
}
