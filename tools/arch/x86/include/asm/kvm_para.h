/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM guest-side primitives: CPUID discovery and the one hypercall
 * instruction, which traps to the embedded host.
 */
#ifndef _TOOLS_ASM_X86_KVM_PARA_H
#define _TOOLS_ASM_X86_KVM_PARA_H

#include <linux/types.h>
#include <string.h>
#include <uapi/asm/kvm_para.h>
#include <asm/processor.h>

static inline long kvm_hypercall0(unsigned int nr)
{
	return machine_vmcall(nr, 0, 0, 0, 0);
}

static inline long kvm_hypercall1(unsigned int nr, unsigned long p1)
{
	return machine_vmcall(nr, p1, 0, 0, 0);
}

static inline long kvm_hypercall2(unsigned int nr, unsigned long p1,
				  unsigned long p2)
{
	return machine_vmcall(nr, p1, p2, 0, 0);
}

/* The KVM leaves' base, or 0 when the hypervisor is not KVM. */
static inline unsigned int kvm_cpuid_base(void)
{
	unsigned int eax, sig[3];

	cpuid(KVM_CPUID_SIGNATURE, &eax, &sig[0], &sig[1], &sig[2]);
	if (memcmp(sig, KVM_SIGNATURE, 12))
		return 0;
	return KVM_CPUID_SIGNATURE;
}

static inline bool kvm_para_available(void)
{
	return kvm_cpuid_base() != 0;
}

static inline unsigned int kvm_arch_para_features(void)
{
	return cpuid_eax(kvm_cpuid_base() | KVM_CPUID_FEATURES);
}

static inline unsigned int kvm_arch_para_hints(void)
{
	return cpuid_edx(kvm_cpuid_base() | KVM_CPUID_FEATURES);
}

/*
 * The KVM backend's first phase, and kvm.c's KVM_HC_KICK_CPU by Linux
 * CPU number (tools/lib/paravirt.c), declared where Linux declares them.
 */
#ifdef CONFIG_PARAVIRT_SPINLOCKS
void kvm_spinlock_init(void);
void kvm_kick_cpu(int cpu);
#else
static inline void kvm_spinlock_init(void)
{
}
#endif

#endif /* _TOOLS_ASM_X86_KVM_PARA_H */
