/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvclock: reading the time a hypervisor publishes in a per-vCPU
 * struct pvclock_vcpu_time_info (uapi/asm/pvclock-abi.h).
 *
 * The protocol, as this reader relies on it
 * (Documentation/virt/kvm/x86/kvmclock.rst):
 *
 *  - The host makes version odd, then writes the body, then makes version
 *    even again, and stores the version on its own, never as part of a
 *    copy of the body.  A tuple is valid when version was even at the
 *    first read and is the same at the second; everything used between
 *    the two reads, the TSC included, belongs to that tuple.
 *  - time = system_time + scale(tsc - tsc_timestamp), with a 128-bit
 *    product (pvclock_scale_delta()).
 *  - PVCLOCK_TSC_STABLE_BIT, when the host offers it
 *    (KVM_FEATURE_CLOCKSOURCE_STABLE_BIT, see pvclock_set_flags()), means
 *    one tuple for every vCPU and a clock that never goes backwards: a
 *    reader may then use vCPU 0's page from any CPU and needs to know
 *    neither which CPU it runs on nor anybody else's last reading.  The
 *    bit is decided per read, inside the same version bracket as the
 *    fields: the host may clear it at any update.
 *  - Without it, each CPU reads its own page and a global clamp keeps the
 *    results monotonic across CPUs (pvclock_clocksource_read()).
 *  - PVCLOCK_GUEST_STOPPED: the host paused the VM.  The CPU that owns the
 *    page clears the bit and touches the lockup watchdogs.
 */
#ifndef _ASM_X86_PVCLOCK_H
#define _ASM_X86_PVCLOCK_H

#include <linux/build_bug.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <asm/barrier.h>
#include <asm/msr.h>
#include <uapi/asm/pvclock-abi.h>

/* The ABI layout, checked where the guest meets it. */
static_assert(sizeof(struct pvclock_vcpu_time_info) == 32,
	      "pvclock_vcpu_time_info is 32 bytes");
static_assert(offsetof(struct pvclock_vcpu_time_info, tsc_timestamp) == 8,
	      "tsc_timestamp at 8");
static_assert(offsetof(struct pvclock_vcpu_time_info, system_time) == 16,
	      "system_time at 16");
static_assert(offsetof(struct pvclock_vcpu_time_info, tsc_to_system_mul) == 24,
	      "tsc_to_system_mul at 24");
static_assert(offsetof(struct pvclock_vcpu_time_info, tsc_shift) == 28,
	      "tsc_shift at 28");
static_assert(offsetof(struct pvclock_vcpu_time_info, flags) == 29,
	      "flags at 29");
static_assert(sizeof(struct pvclock_wall_clock) == 12,
	      "pvclock_wall_clock is 12 bytes");

/* One cache line per vCPU: vCPU n's structure at n * 64 in the page. */
struct pvclock_vsyscall_time_info {
	struct pvclock_vcpu_time_info pvti;
} __attribute__((__aligned__(SMP_CACHE_BYTES)));

#define PVTI_SIZE	sizeof(struct pvclock_vsyscall_time_info)

/*
 * What one read used: the tuple, the TSC read inside the same version
 * bracket, and where it came from.  Readers fill it for whoever asks
 * (tests, `pvspin clock`); kernel callers use the plain variants.
 */
struct pvclock_reading {
	const struct pvclock_vcpu_time_info *src;
	u32 version;
	u32 tsc_to_system_mul;
	u64 tsc_timestamp;
	u64 system_time;
	s8 tsc_shift;
	u8 flags;
	u64 tsc;
	unsigned int retries;	/* brackets that saw an update */
	bool clamped;		/* the global clamp raised the result */
};

/* Version, masked even: an odd one makes pvclock_read_retry() fail. */
static __always_inline unsigned int
pvclock_read_begin(const struct pvclock_vcpu_time_info *src)
{
	unsigned int version = READ_ONCE(src->version) & ~1u;

	/*
	 * The version before the fields.  Pairs with the smp_wmb() after the
	 * host makes version odd (kvmclock__write_begin()).
	 */
	smp_rmb();
	return version;
}

static __always_inline bool
pvclock_read_retry(const struct pvclock_vcpu_time_info *src,
		   unsigned int version)
{
	/*
	 * The fields (and the TSC) before the version again.  Pairs with the
	 * smp_wmb() before the host makes version even (kvmclock__write_end()).
	 */
	smp_rmb();
	return unlikely(version != READ_ONCE(src->version));
}

/*
 * ((delta << shift) * mul_frac) >> 32, shift negative meaning right.  The
 * product needs up to 96 bits: delta is a full 64-bit TSC difference and
 * mul_frac 32 bits, so it is formed in 128.
 */
static __always_inline u64 pvclock_scale_delta(u64 delta, u32 mul_frac,
					       int shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return (u64)(((unsigned __int128)delta * mul_frac) >> 32);
}

static __always_inline u64
__pvclock_read_cycles(const struct pvclock_vcpu_time_info *src, u64 tsc)
{
	u64 delta = tsc - READ_ONCE(src->tsc_timestamp);

	return READ_ONCE(src->system_time) +
	       pvclock_scale_delta(delta, READ_ONCE(src->tsc_to_system_mul),
				   READ_ONCE(src->tsc_shift));
}

/* One consistent tuple from @src, and the TSC read inside its bracket. */
static __always_inline void
pvclock_read_consistent(const struct pvclock_vcpu_time_info *src,
			struct pvclock_reading *rd)
{
	unsigned int version;

	rd->src = src;
	rd->retries = 0;
	rd->clamped = false;
	for (;;) {
		version = pvclock_read_begin(src);
		rd->tsc_timestamp = READ_ONCE(src->tsc_timestamp);
		rd->system_time = READ_ONCE(src->system_time);
		rd->tsc_to_system_mul = READ_ONCE(src->tsc_to_system_mul);
		rd->tsc_shift = READ_ONCE(src->tsc_shift);
		rd->flags = READ_ONCE(src->flags);
		/* Not before the version read: LFENCE; RDTSC. */
		rd->tsc = rdtsc_ordered();
		if (!pvclock_read_retry(src, version))
			break;
		rd->retries++;
	}
	rd->version = version;
}

static __always_inline u64 pvclock_reading_ns(const struct pvclock_reading *rd)
{
	return rd->system_time +
	       pvclock_scale_delta(rd->tsc - rd->tsc_timestamp,
				   rd->tsc_to_system_mul, rd->tsc_shift);
}

/*
 * The stable fast path, for any context (also userspace with the page
 * mapped read-only, as the vDSO has it): read vCPU 0's page @src and use
 * it only if that very tuple carries PVCLOCK_TSC_STABLE_BIT.  A tuple with
 * PVCLOCK_GUEST_STOPPED is left to its owner.  False: use another reader.
 * (Whether the host offers the bit at all is the caller's business:
 * pvclock_read() checks pvclock_set_flags().)
 */
static __always_inline bool
pvclock_read_stable_page(const struct pvclock_vcpu_time_info *src, u64 *ns,
			 struct pvclock_reading *rd)
{
	pvclock_read_consistent(src, rd);
	if (unlikely((rd->flags & (PVCLOCK_TSC_STABLE_BIT |
				   PVCLOCK_GUEST_STOPPED)) !=
		     PVCLOCK_TSC_STABLE_BIT))
		return false;
	*ns = pvclock_reading_ns(rd);
	return true;
}

/* arch/x86/kernel/pvclock.c */

/* Flags the host gives meaning to (PVCLOCK_TSC_STABLE_BIT or 0). */
void pvclock_set_flags(u8 flags);
u8 pvclock_read_flags(struct pvclock_vcpu_time_info *src);
unsigned long pvclock_tsc_khz(struct pvclock_vcpu_time_info *src);
/* After a suspend or migration: forget the clamp's last value. */
void pvclock_resume(void);

/*
 * The page of per-vCPU structures (vCPU n at index n).  Set by the
 * kvmclock setup below; the stable fast path reads index 0.
 */
void pvclock_set_pvti_cpu0_va(struct pvclock_vsyscall_time_info *pvti);
struct pvclock_vsyscall_time_info *pvclock_get_pvti_cpu0_va(void);

/*
 * This CPU's structure @src, with the global clamp unless the tuple is
 * stable and the host offers the bit; consumes PVCLOCK_GUEST_STOPPED.
 */
u64 pvclock_clocksource_read(struct pvclock_vcpu_time_info *src);
u64 pvclock_clocksource_read_rd(struct pvclock_vcpu_time_info *src,
				struct pvclock_reading *rd);

/*
 * The clock: vCPU 0's page when its tuple is stable, else this CPU's
 * page with the clamp.  Kernel context (preemption off), kvmclock set up.
 */
u64 pvclock_read(void);
u64 pvclock_read_rd(struct pvclock_reading *rd);

/*
 * PVCLOCK_GUEST_STOPPED on this CPU's page: consume it (touch the
 * watchdogs) and say so.  For the lockup detectors.
 */
bool kvm_check_and_clear_guest_paused(void);
/* Times this CPU saw PVCLOCK_GUEST_STOPPED and touched the watchdogs. */
unsigned long pvclock_guest_stops(int cpu);

/*
 * kvmclock (what arch/x86/kernel/kvmclock.c does in Linux): the boot CPU
 * decides from the KVM feature bits and registers its page, every other
 * CPU registers its own when it comes up.
 */
int kvmclock_init(void);
int kvmclock_init_features(unsigned int kvm_features);
int kvmclock_setup_percpu(void);
void kvmclock_disable_percpu(void);

#endif /* _ASM_X86_PVCLOCK_H */
