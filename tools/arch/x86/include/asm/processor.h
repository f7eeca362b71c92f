/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_ASM_X86_PROCESSOR_H
#define _TOOLS_ASM_X86_PROCESSOR_H

#include <linux/compiler.h>
#include <pvspin/machine.h>

/* PAUSE; an instruction boundary at which a pending interrupt is taken. */
static __always_inline void cpu_relax(void)
{
	__asm__ __volatile__("pause" : : : "memory");
	machine_pause();
	machine_poll_irq();
}

static inline void native_cpuid(unsigned int *eax, unsigned int *ebx,
				unsigned int *ecx, unsigned int *edx)
{
	machine_cpuid(*eax, eax, ebx, ecx, edx);
}

static inline unsigned int cpuid_eax(unsigned int op)
{
	unsigned int a, b, c, d;

	machine_cpuid(op, &a, &b, &c, &d);
	return a;
}

static inline unsigned int cpuid_edx(unsigned int op)
{
	unsigned int a, b, c, d;

	machine_cpuid(op, &a, &b, &c, &d);
	return d;
}

static inline void cpuid(unsigned int op, unsigned int *eax,
			 unsigned int *ebx, unsigned int *ecx,
			 unsigned int *edx)
{
	machine_cpuid(op, eax, ebx, ecx, edx);
}

#endif /* _TOOLS_ASM_X86_PROCESSOR_H */
