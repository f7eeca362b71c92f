// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's paravirtual clocks: the pvclock reader (KVM's kvmclock),
 * the kvmclock setup that registers each CPU's page with the host, and
 * the Hyper-V reference TSC page.
 *
 * Readers, and what each may assume:
 *
 *  pvclock_read()                 vCPU 0's page if the tuple read from it
 *                                 is stable (and the host offers the bit);
 *                                 otherwise pvclock_clocksource_read() of
 *                                 this CPU's page.  No CPU number needed on
 *                                 the fast path.
 *  pvclock_clocksource_read(src)  this CPU's page; clamped by a global
 *                                 last value unless the tuple is stable.
 *  hv_read_reference_counter()    the TSC page, or the MSR when the page
 *                                 is invalid (sequence 0).
 *
 * The clamp: without the stable bit the host may give each vCPU its own
 * tuple, and two vCPUs' clocks may disagree by more than the time it
 * takes to read one and then the other.  Every result is then raised to
 * the largest result any CPU has returned so far, which the result
 * itself becomes if larger; a reading that started after another
 * returned can therefore never return less.
 */
#define pr_fmt(fmt) "kvm-clock: " fmt

#include <linux/atomic.h>
#include <linux/clocksource.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/kvm_para.h>
#include <linux/nmi.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/smp.h>
#include <asm/hyperv_timer.h>
#include <asm/page.h>
#include <asm/pvclock.h>

static u8 valid_flags;
static u64 last_value;
static struct pvclock_vsyscall_time_info *pvti_cpu0_va;

static DEFINE_PER_CPU(unsigned long, guest_stops);

void pvclock_set_flags(u8 flags)
{
	valid_flags = flags;
}

u8 pvclock_read_flags(struct pvclock_vcpu_time_info *src)
{
	struct pvclock_reading rd;

	pvclock_read_consistent(src, &rd);
	return rd.flags & valid_flags;
}

unsigned long pvclock_tsc_khz(struct pvclock_vcpu_time_info *src)
{
	struct pvclock_reading rd;
	u64 num = 1000000ULL << 32;	/* below 2^52 */
	int shift;
	u64 khz;

	pvclock_read_consistent(src, &rd);
	if (!rd.tsc_to_system_mul)
		return 0;
	/*
	 * ticks per ms = 10^6 / (ns per tick) = 10^6 * 2^32 / (mul * 2^shift).
	 * Shift before dividing while the numerator fits: hosts use shifts
	 * of -1 or -2, and dividing first loses the kHz digit.
	 */
	shift = rd.tsc_shift;
	if (shift < 0 && shift >= -11) {
		num <<= -shift;
		shift = 0;
	}
	khz = num / rd.tsc_to_system_mul;
	if (shift < 0)
		khz <<= -shift;
	else
		khz >>= shift;
	return khz;
}

void pvclock_resume(void)
{
	WRITE_ONCE(last_value, 0);
}

void pvclock_set_pvti_cpu0_va(struct pvclock_vsyscall_time_info *pvti)
{
	WRITE_ONCE(pvti_cpu0_va, pvti);
}

struct pvclock_vsyscall_time_info *pvclock_get_pvti_cpu0_va(void)
{
	return READ_ONCE(pvti_cpu0_va);
}

unsigned long pvclock_guest_stops(int cpu)
{
	return READ_ONCE(per_cpu(guest_stops, cpu));
}

/*
 * The host paused the VM: the time jumped, and every lockup detector that
 * measured it would fire.  Called by the CPU that owns @src only.
 */
static noinline void pvclock_guest_stopped(struct pvclock_vcpu_time_info *src,
					   u8 flags)
{
	/*
	 * Clear the bit only in the flags we read: if the host has written
	 * a newer update meanwhile, its flags stand (a plain read-modify-write
	 * here could put back a bit the host has just cleared).
	 */
	cmpxchg(&src->flags, flags, (u8)(flags & ~PVCLOCK_GUEST_STOPPED));
	touch_softlockup_watchdog_sync();
	clocksource_touch_watchdog();
	rcu_cpu_stall_reset();
	reset_hung_task_detector();
	this_cpu_inc(guest_stops);
}

u64 pvclock_clocksource_read_rd(struct pvclock_vcpu_time_info *src,
				struct pvclock_reading *rd)
{
	u64 ret, last;

	pvclock_read_consistent(src, rd);
	ret = pvclock_reading_ns(rd);
	if (unlikely(rd->flags & PVCLOCK_GUEST_STOPPED))
		pvclock_guest_stopped(src, rd->flags);

	/* The host promises monotonic time for this tuple. */
	if ((valid_flags & PVCLOCK_TSC_STABLE_BIT) &&
	    (rd->flags & PVCLOCK_TSC_STABLE_BIT))
		return ret;

	/*
	 * The clamp.  try_cmpxchg() is a locked instruction, so the value we
	 * install is visible to every reader that starts after we return;
	 * one that lost the race re-reads last and compares again.
	 */
	last = READ_ONCE(last_value);
	do {
		if (ret <= last) {
			rd->clamped = ret < last;
			return last;
		}
	} while (!try_cmpxchg(&last_value, &last, ret));
	return ret;
}

u64 pvclock_clocksource_read(struct pvclock_vcpu_time_info *src)
{
	struct pvclock_reading rd;

	return pvclock_clocksource_read_rd(src, &rd);
}

/* This CPU's registered structure (kvmclock_setup_percpu()). */
static DEFINE_PER_CPU(struct pvclock_vcpu_time_info *, pvclock_this_cpu);

u64 pvclock_read_rd(struct pvclock_reading *rd)
{
	struct pvclock_vsyscall_time_info *pvti0 = READ_ONCE(pvti_cpu0_va);
	u64 ns;

	if (likely(pvti0 && (valid_flags & PVCLOCK_TSC_STABLE_BIT)) &&
	    pvclock_read_stable_page(&pvti0->pvti, &ns, rd))
		return ns;
	return pvclock_clocksource_read_rd(this_cpu_read(pvclock_this_cpu), rd);
}

u64 pvclock_read(void)
{
	struct pvclock_reading rd;

	return pvclock_read_rd(&rd);
}

/*
 * The lockup watchdogs ask this on each CPU before they complain (Linux:
 * kvmclock.c): a CPU that reads the clock through vCPU 0's page never
 * looks at its own flags otherwise.
 */
bool kvm_check_and_clear_guest_paused(void)
{
	struct pvclock_vcpu_time_info *src = this_cpu_read(pvclock_this_cpu);
	u8 flags;

	if (!src)
		return false;
	flags = READ_ONCE(src->flags);
	if (!(flags & PVCLOCK_GUEST_STOPPED))
		return false;
	pvclock_guest_stopped(src, flags);
	return true;
}

/* --- kvmclock setup --- */

/*
 * One page of per-vCPU structures, vCPU n at n * PVTI_SIZE: the layout
 * the host's vDSO mapping shows (Linux's hv_clock_boot).  This guest
 * runs kvmclock on the first PVCLOCK_NR_PAGE_SLOTS CPUs only.
 */
#define PVCLOCK_NR_PAGE_SLOTS	(PAGE_SIZE / PVTI_SIZE)
static struct pvclock_vsyscall_time_info kvmclock_page[PVCLOCK_NR_PAGE_SLOTS]
	__aligned(PAGE_SIZE);
static bool kvmclock_enabled;

int kvmclock_setup_percpu(void)
{
	int cpu = smp_processor_id();
	struct pvclock_vsyscall_time_info *p;
	int ret;

	if (!kvmclock_enabled)
		return -ENODEV;
	if (cpu >= (int)PVCLOCK_NR_PAGE_SLOTS)
		return -ENOMEM;
	p = &kvmclock_page[cpu];
	/* The host writes a first tuple before the WRMSR returns. */
	ret = wrmsrl_safe(MSR_KVM_SYSTEM_TIME_NEW, __pa(p) | 1);
	if (ret)
		return ret;
	this_cpu_write(pvclock_this_cpu, &p->pvti);
	return 0;
}

void kvmclock_disable_percpu(void)
{
	this_cpu_write(pvclock_this_cpu, NULL);
	wrmsrl(MSR_KVM_SYSTEM_TIME_NEW, 0);
}

int kvmclock_init_features(unsigned int features)
{
	bool stable;
	int ret;

	if (!(features & (1u << KVM_FEATURE_CLOCKSOURCE2))) {
		pr_info("not used: no KVM_FEATURE_CLOCKSOURCE2\n");
		return -ENODEV;
	}
	stable = features & (1u << KVM_FEATURE_CLOCKSOURCE_STABLE_BIT);
	pvclock_set_flags(stable ? PVCLOCK_TSC_STABLE_BIT : 0);
	kvmclock_enabled = true;
	ret = kvmclock_setup_percpu();
	if (ret) {
		kvmclock_enabled = false;
		pr_warn("registering the boot CPU's page failed (%d)\n", ret);
		return ret;
	}
	pvclock_set_pvti_cpu0_va(kvmclock_page);
	pr_info("using MSR 0x%x, TSC_STABLE %s\n", MSR_KVM_SYSTEM_TIME_NEW,
		stable ? "offered: vCPU 0's page when stable" :
			 "not offered: per-CPU pages, clamped");
	return 0;
}

int kvmclock_init(void)
{
	if (!kvm_para_available())
		return -ENODEV;
	return kvmclock_init_features(kvm_arch_para_features());
}

/* --- Hyper-V reference TSC page --- */

static struct ms_hyperv_tsc_page hv_tsc_page __aligned(PAGE_SIZE);

int hv_tsc_page_init(void)
{
	u64 val = __pa(&hv_tsc_page) | HV_X64_MSR_TSC_REFERENCE_ENABLE;

	return wrmsrl_safe(HV_X64_MSR_REFERENCE_TSC, val);
}

struct ms_hyperv_tsc_page *hv_get_tsc_page(void)
{
	return &hv_tsc_page;
}

u64 hv_read_reference_counter_rd(struct hv_tsc_reading *rd)
{
	u64 time;

	if (likely(hv_read_tsc_page_rd(&hv_tsc_page, &time, rd)))
		return time;
	rdmsrl(HV_X64_MSR_TIME_REF_COUNT, time);
	return time;
}

u64 hv_read_reference_counter(void)
{
	struct hv_tsc_reading rd;

	return hv_read_reference_counter_rd(&rd);
}
