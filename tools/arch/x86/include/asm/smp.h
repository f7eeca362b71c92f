/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_ASM_X86_SMP_H
#define _TOOLS_ASM_X86_SMP_H

#include <linux/percpu.h>

/* Filled at boot from the firmware's MADT, as the kernel does. */
DECLARE_PER_CPU_READ_MOSTLY(u16, x86_cpu_to_apicid);

#endif /* _TOOLS_ASM_X86_SMP_H */
