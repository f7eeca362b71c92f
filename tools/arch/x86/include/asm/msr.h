/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TSC reads and MSR accesses.  RDTSC is the real instruction: the guest
 * reads the host's TSC, as a KVM guest without TSC scaling does.  WRMSR
 * and RDMSR trap to the embedded host (machine_wrmsr()/machine_rdmsr()),
 * which answers #GP for an MSR it does not implement.
 */
#ifndef _TOOLS_ASM_X86_MSR_H
#define _TOOLS_ASM_X86_MSR_H

#include <errno.h>

#include <linux/compiler.h>
#include <linux/printk.h>
#include <linux/types.h>
#include <pvspin/machine.h>

static __always_inline u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ __volatile__("rdtsc" : "=a" (lo), "=d" (hi));
	return ((u64)hi << 32) | lo;
}

/*
 * RDTSC that is not executed before the loads that precede it: the
 * kernel patches in LFENCE (Intel, and AMD with LFENCE serialising).
 */
static __always_inline u64 rdtsc_ordered(void)
{
	u32 lo, hi;

	__asm__ __volatile__("lfence; rdtsc" : "=a" (lo), "=d" (hi));
	return ((u64)hi << 32) | lo;
}

/* The _safe variants return -EIO where the hardware raised #GP. */
static inline int wrmsrl_safe(u32 msr, u64 val)
{
	return machine_wrmsr(msr, val) ? -EIO : 0;
}

static inline int rdmsrl_safe(u32 msr, u64 *p)
{
	unsigned long long v = 0;
	int err = machine_rdmsr(msr, &v);

	*p = v;
	return err ? -EIO : 0;
}

/* The kernel's exception fixup: a warning, and the access is skipped. */
static inline void wrmsrl(u32 msr, u64 val)
{
	if (machine_wrmsr(msr, val))
		pr_warn("unchecked MSR access error: WRMSR to 0x%x (tried to write 0x%016llx)\n",
			msr, (unsigned long long)val);
}

static inline u64 native_read_msr(u32 msr)
{
	unsigned long long v = 0;

	if (machine_rdmsr(msr, &v))
		pr_warn("unchecked MSR access error: RDMSR from 0x%x\n", msr);
	return v;
}

#define rdmsrl(msr, val)	((val) = native_read_msr(msr))

#endif /* _TOOLS_ASM_X86_MSR_H */
