/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xen hypercalls: the same trapping instruction as KVM's, dispatched by
 * the host on the VM's type.  An interrupt pending on return is taken at
 * once, as on hardware after the instruction completes.
 */
#ifndef _TOOLS_ASM_X86_XEN_HYPERCALL_H
#define _TOOLS_ASM_X86_XEN_HYPERCALL_H

#include <xen/interface/xen.h>
#include <pvspin/machine.h>

static inline int HYPERVISOR_event_channel_op(int cmd, void *arg)
{
	long ret = machine_vmcall(__HYPERVISOR_event_channel_op, cmd,
				  (unsigned long)arg, 0, 0);

	machine_poll_irq();
	return ret;
}

static inline int HYPERVISOR_sched_op(int cmd, void *arg)
{
	long ret = machine_vmcall(__HYPERVISOR_sched_op, cmd,
				  (unsigned long)arg, 0, 0);

	machine_poll_irq();
	return ret;
}

#endif /* _TOOLS_ASM_X86_XEN_HYPERCALL_H */
