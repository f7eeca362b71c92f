/* SPDX-License-Identifier: GPL-2.0 */
/* Linux's arch/x86/xen/xen-ops.h: the backend's entry points. */
#ifndef _TOOLS_XEN_OPS_H
#define _TOOLS_XEN_OPS_H

#include <linux/types.h>
#include <asm/paravirt_ticket.h>

/* time.c in Linux: the vCPU's runstate says it is runnable, not running. */
bool xen_vcpu_stolen(int vcpu);

#ifdef CONFIG_PARAVIRT_SPINLOCKS
void xen_init_spinlocks(void);
void xen_init_lock_cpu(int cpu);
void xen_uninit_lock_cpu(int cpu);
#else
static inline void xen_init_spinlocks(void)
{
}

static inline void xen_init_lock_cpu(int cpu)
{
}

static inline void xen_uninit_lock_cpu(int cpu)
{
}
#endif

#endif /* _TOOLS_XEN_OPS_H */
