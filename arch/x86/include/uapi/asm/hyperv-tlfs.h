/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The part of the Hyper-V Top Level Functional Specification this
 * project uses: the partition reference counter and the reference TSC
 * page, shared by the guest reader (asm/hyperv_timer.h) and the embedded
 * host's writer (arch/x86/kvm/kvmclock.c).  Values are the Hyper-V ABI
 * (as KVM implements it for Windows and Linux guests).
 *
 * Reference time counts 100 ns units.  With a valid page:
 *
 *	time = ((tsc * tsc_scale) >> 64) + tsc_offset	(128-bit product)
 */
#ifndef _UAPI_ASM_X86_HYPERV_TLFS_H
#define _UAPI_ASM_X86_HYPERV_TLFS_H

#include <linux/types.h>

/* CPUID 0x40000003 EAX: which synthetic MSRs the partition may use. */
#define HYPERV_CPUID_FEATURES			0x40000003
#define HV_MSR_TIME_REF_COUNT_AVAILABLE		(1u << 1)
#define HV_MSR_REFERENCE_TSC_AVAILABLE		(1u << 9)

/* Read-only: the partition reference counter, 100 ns units. */
#define HV_X64_MSR_TIME_REF_COUNT		0x40000020
/*
 * The reference TSC page: bit 0 enables it, bits 63:12 are its guest
 * physical page number.  One page for the whole partition.
 */
#define HV_X64_MSR_REFERENCE_TSC		0x40000021
#define HV_X64_MSR_TSC_REFERENCE_ENABLE		0x1
#define HV_X64_MSR_TSC_REFERENCE_ADDRESS_SHIFT	12

/*
 * tsc_sequence 0: the page is not valid now (the TSC cannot be used, or
 * the hypervisor is updating it); read HV_X64_MSR_TIME_REF_COUNT
 * instead.  Any other value names one (tsc_scale, tsc_offset) pair; a
 * reader re-reads it after the pair and retries if it changed.
 */
#define HV_TSC_PAGE_SEQUENCE_INVALID		0

struct ms_hyperv_tsc_page {
	__u32 tsc_sequence;
	__u32 reserved1;
	__u64 tsc_scale;		/* 64.64 fixed point: units per tick */
	__s64 tsc_offset;
	__u64 reserved2[509];
} __attribute__((__packed__));		/* one 4 KiB page */

#endif /* _UAPI_ASM_X86_HYPERV_TLFS_H */
