/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * x86 KVM paravirtual CPUID leaves, feature bits and MSRs shared by the
 * guest and the embedded host.  Values are the KVM ABI
 * (Linux arch/x86/include/uapi/asm/kvm_para.h).
 */
#ifndef _UAPI_ASM_X86_KVM_PARA_H
#define _UAPI_ASM_X86_KVM_PARA_H

/*
 * CPUID 0x40000000: EAX is the highest KVM leaf, EBX:ECX:EDX spell
 * "KVMKVMKVM\0\0\0".
 */
#define KVM_CPUID_SIGNATURE	0x40000000
#define KVM_SIGNATURE		"KVMKVMKVM\0\0\0"

/*
 * CPUID 0x40000001: EAX holds the KVM_FEATURE_* bits, EDX the
 * KVM_HINTS_* bits.
 */
#define KVM_CPUID_FEATURES	0x40000001
#define KVM_FEATURE_CLOCKSOURCE		0
#define KVM_FEATURE_NOP_IO_DELAY	1
#define KVM_FEATURE_MMU_OP		2
#define KVM_FEATURE_CLOCKSOURCE2	3
#define KVM_FEATURE_ASYNC_PF		4
#define KVM_FEATURE_STEAL_TIME		5
#define KVM_FEATURE_PV_EOI		6
#define KVM_FEATURE_PV_UNHALT		7
#define KVM_FEATURE_PV_TLB_FLUSH	9
#define KVM_FEATURE_ASYNC_PF_VMEXIT	10
#define KVM_FEATURE_PV_SEND_IPI		11
#define KVM_FEATURE_POLL_CONTROL	12
#define KVM_FEATURE_PV_SCHED_YIELD	13
#define KVM_FEATURE_CLOCKSOURCE_STABLE_BIT	24

/* EDX: vCPUs are never preempted (dedicated physical CPUs). */
#define KVM_HINTS_REALTIME		0

#define MSR_KVM_WALL_CLOCK_NEW	0x4b564d00
#define MSR_KVM_SYSTEM_TIME_NEW	0x4b564d01

#endif /* _UAPI_ASM_X86_KVM_PARA_H */
