/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EFLAGS.IF of the current vCPU.  STI takes a pending interrupt at once,
 * as the hardware does after the STI shadow.
 */
#ifndef _TOOLS_ASM_X86_IRQFLAGS_H
#define _TOOLS_ASM_X86_IRQFLAGS_H

#include <linux/compiler.h>
#include <pvspin/machine.h>

#define X86_EFLAGS_IF	0x00000200UL

static __always_inline unsigned long arch_local_save_flags(void)
{
	return machine_cpu->if_flag ? X86_EFLAGS_IF : 0;
}

static __always_inline void arch_local_irq_disable(void)
{
	machine_cpu->if_flag = 0;
	barrier();
}

static __always_inline void arch_local_irq_enable(void)
{
	barrier();
	machine_cpu->if_flag = 1;
	machine_poll_irq();
}

static __always_inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags = arch_local_save_flags();

	arch_local_irq_disable();
	return flags;
}

static __always_inline void arch_local_irq_restore(unsigned long flags)
{
	if (flags & X86_EFLAGS_IF)
		arch_local_irq_enable();
}

static __always_inline int arch_irqs_disabled_flags(unsigned long flags)
{
	return !(flags & X86_EFLAGS_IF);
}

static __always_inline int arch_irqs_disabled(void)
{
	return arch_irqs_disabled_flags(arch_local_save_flags());
}

/*
 * HLT with interrupts as they are: only a kick or an NMI ends it if IF=0.
 * The race point HALT comes first: the waiter has re-read head and is
 * about to block.
 */
static inline void halt(void)
{
	pvspin_race_window(HALT);
	machine_hlt();
}

/* STI; HLT: an interrupt ends the halt, and is taken right after it. */
static inline void safe_halt(void)
{
	pvspin_race_window(HALT);
	machine_cpu->if_flag = 1;
	machine_hlt();
	machine_poll_irq();
}

#endif /* _TOOLS_ASM_X86_IRQFLAGS_H */
