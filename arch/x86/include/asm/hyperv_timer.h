/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Hyper-V reference TSC page reader (struct ms_hyperv_tsc_page,
 * uapi/asm/hyperv-tlfs.h), as KVM offers it to Hyper-V-enlightened
 * guests.
 *
 * The protocol (Documentation/virt/kvm/x86/kvmclock.rst):
 *
 *  - tsc_sequence 0 means "not valid now": read the partition reference
 *    counter MSR (HV_X64_MSR_TIME_REF_COUNT) instead.
 *  - The host writes sequence 0, then scale and offset, then a new
 *    non-zero sequence.  A reader reads sequence, the pair and the TSC,
 *    then sequence again, and retries if it changed.
 *  - time (100 ns) = ((tsc * tsc_scale) >> 64) + tsc_offset, the product
 *    in 128 bits.
 */
#ifndef _ASM_X86_HYPERV_TIMER_H
#define _ASM_X86_HYPERV_TIMER_H

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <asm/barrier.h>
#include <asm/msr.h>
#include <uapi/asm/hyperv-tlfs.h>

static_assert(sizeof(struct ms_hyperv_tsc_page) == 4096,
	      "the reference TSC page is one page");
static_assert(offsetof(struct ms_hyperv_tsc_page, tsc_scale) == 8,
	      "tsc_scale at 8");
static_assert(offsetof(struct ms_hyperv_tsc_page, tsc_offset) == 16,
	      "tsc_offset at 16");

/* What one read used (tests and `pvspin clock` ask for it). */
struct hv_tsc_reading {
	u32 sequence;		/* 0: the value came from the MSR */
	u64 scale;
	s64 offset;
	u64 tsc;
	unsigned int retries;	/* brackets that saw an update */
};

static __always_inline u64 hv_tsc_scale(u64 tsc, u64 scale, s64 offset)
{
	return (u64)(((unsigned __int128)tsc * scale) >> 64) + (u64)offset;
}

/*
 * Reference time from the page, or false when the page says it is not
 * valid (sequence 0): the caller then reads HV_X64_MSR_TIME_REF_COUNT.
 */
static __always_inline bool
hv_read_tsc_page_rd(const struct ms_hyperv_tsc_page *tsc_pg, u64 *time,
		    struct hv_tsc_reading *rd)
{
	u32 sequence;

	rd->retries = 0;
	for (;;) {
		sequence = READ_ONCE(tsc_pg->tsc_sequence);
		if (sequence == HV_TSC_PAGE_SEQUENCE_INVALID) {
			rd->sequence = 0;
			return false;
		}
		/*
		 * The sequence before the pair.  Pairs with the smp_wmb()
		 * after the host stores sequence 0 (kvmclock__hv_update()).
		 */
		smp_rmb();
		rd->scale = READ_ONCE(tsc_pg->tsc_scale);
		rd->offset = READ_ONCE(tsc_pg->tsc_offset);
		rd->tsc = rdtsc_ordered();
		/*
		 * The pair before the sequence again.  Pairs with the smp_wmb()
		 * before the host stores the new sequence.
		 */
		smp_rmb();
		if (likely(READ_ONCE(tsc_pg->tsc_sequence) == sequence))
			break;
		rd->retries++;
	}
	rd->sequence = sequence;
	*time = hv_tsc_scale(rd->tsc, rd->scale, rd->offset);
	return true;
}

/* Linux's interface: the TSC used goes to @cur_tsc. */
static __always_inline bool
hv_read_tsc_page_tsc(const struct ms_hyperv_tsc_page *tsc_pg, u64 *cur_tsc,
		     u64 *time)
{
	struct hv_tsc_reading rd;

	if (!hv_read_tsc_page_rd(tsc_pg, time, &rd))
		return false;
	*cur_tsc = rd.tsc;
	return true;
}

/* Reference time, or U64_MAX when the page is not valid. */
static __always_inline u64
hv_read_tsc_page(const struct ms_hyperv_tsc_page *tsc_pg)
{
	struct hv_tsc_reading rd;
	u64 time;

	return hv_read_tsc_page_rd(tsc_pg, &time, &rd) ? time : ~0ULL;
}

/* arch/x86/kernel/pvclock.c */

/* Register the partition's page (HV_X64_MSR_REFERENCE_TSC). */
int hv_tsc_page_init(void);
struct ms_hyperv_tsc_page *hv_get_tsc_page(void);
/* The page when valid, else the MSR. */
u64 hv_read_reference_counter(void);
u64 hv_read_reference_counter_rd(struct hv_tsc_reading *rd);

#endif /* _ASM_X86_HYPERV_TIMER_H */
