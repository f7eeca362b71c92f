/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The pvclock ABI: the time information a hypervisor publishes for each
 * vCPU in guest memory (KVM's kvmclock, Xen's vcpu_time_info), shared by
 * the guest reader (arch/x86/kernel/pvclock.c) and the embedded host's
 * writer (arch/x86/kvm/kvmclock.c).  The layout is the KVM and Xen ABI.
 *
 * The guest registers the structure with MSR_KVM_SYSTEM_TIME_NEW
 * (uapi/asm/kvm_para.h): its guest physical address with bit 0 set.
 *
 *	delta = (tsc - tsc_timestamp) << tsc_shift
 *	time (ns) = system_time + ((delta * tsc_to_system_mul) >> 32)
 *
 * where a negative tsc_shift shifts right and the product is taken in
 * 128 bits.  Documentation/virt/kvm/x86/kvmclock.rst has the protocol.
 */
#ifndef _UAPI_ASM_X86_PVCLOCK_ABI_H
#define _UAPI_ASM_X86_PVCLOCK_ABI_H

#include <linux/types.h>

struct pvclock_vcpu_time_info {
	__u32 version;			/* odd while the host updates */
	__u32 pad0;
	__u64 tsc_timestamp;		/* TSC at the update */
	__u64 system_time;		/* ns at tsc_timestamp */
	__u32 tsc_to_system_mul;	/* ns per (shifted) TSC tick, 32.32 */
	__s8 tsc_shift;
	__u8 flags;			/* PVCLOCK_* below */
	__u8 pad[2];
} __attribute__((__packed__));		/* 32 bytes */

/*
 * The host guarantees one tuple for all vCPUs and a clock that never
 * goes backwards, so a reader may use any vCPU's structure (vCPU 0's).
 * Meaningful only when CPUID 0x40000001 EAX has
 * KVM_FEATURE_CLOCKSOURCE_STABLE_BIT.
 */
#define PVCLOCK_TSC_STABLE_BIT	(1 << 0)
/* The host paused the VM (KVM_KVMCLOCK_CTRL); the guest clears the bit. */
#define PVCLOCK_GUEST_STOPPED	(1 << 1)
#define PVCLOCK_COUNTS_FROM_ZERO (1 << 2)	/* Xen only */

/* MSR_KVM_WALL_CLOCK_NEW: the wall-clock time at system_time 0. */
struct pvclock_wall_clock {
	__u32 version;
	__u32 sec;
	__u32 nsec;
} __attribute__((__packed__));		/* 12 bytes */

#endif /* _UAPI_ASM_X86_PVCLOCK_ABI_H */
