// SPDX-License-Identifier: GPL-2.0
/*
 * pvclock tests on the embedded host, TAP output.
 *
 * Every test runs in a child process with alarm() as its watchdog.  The
 * torture tests boot a VM whose vCPU threads read the clock millions of
 * times while the host's updater thread rewrites the pages with new
 * parameters.  Each read is checked:
 *
 *  consistent  the reader's tuple is the one the host published under the
 *              version (or sequence) the reader saw: the host keeps every
 *              tuple it published, so a mix of two updates is caught
 *              field by field;
 *  exact       the returned time is the tuple's formula, computed the
 *              host's way (or, clamped, above it);
 *  monotonic   no read returns less than a value any vCPU had returned
 *              before the read began (the largest so far is published
 *              with a locked instruction after each read and loaded
 *              before the next);
 *  stable bit  a vCPU other than 0 uses vCPU 0's page only from a tuple
 *              that carries PVCLOCK_TSC_STABLE_BIT.
 *
 * Negative controls run the same checks on a broken writer or reader and
 * pass only when the checks catch it.  They stop at the first violations
 * or at a generous deadline; the windows that break the broken variants
 * are host work between stores, wide against a read (microseconds), so
 * being caught is not a matter of luck.
 *
 *   pvclock_test [--list] [--only SUBSTRING]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/compiler.h>
#include <linux/kernel.h>
#include <asm/hyperv_timer.h>
#include <asm/kvm_para.h>
#include <asm/page.h>
#include <asm/pvclock.h>

#include "../../../arch/x86/kvm/kvm.h"
#include "../../../arch/x86/kvm/kvmclock.h"
#include "tap.h"


/*
 * A clean torture run reads for its minimum time and until its vCPUs
 * have read min_reads times together, whichever is later, and fails if
 * the reads are not done within CLEAN_CAP_S (a loaded machine is slow,
 * not wrong).  Sanitizer builds must reach fewer: their readers retry
 * against a writer that is slowed down too.
 */
#define CLEAN_CAP_S	20
#define MIN_READS(n)	((n) / (SLOW * SLOW))

/* tools/pvspin/clock.c */
int pvspin_clock_main(int argc, char **argv);
extern const struct option pvspin_clock_options[];


static int nr_host_cpus(void)
{
	int cpus[KVM_MAX_VCPUS];

	return kvm__host_cpus(cpus, KVM_MAX_VCPUS);
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/* --- scaling: the guest's 128-bit product against the host's halves --- */

/* Negative control: the product in 64 bits, as a careless reader does. */
static u64 scale_delta_64(u64 delta, u32 mul, int shift)
{
	delta = shift < 0 ? delta >> -shift : delta << shift;
	return (delta * mul) >> 32;
}

static int t_scaling(const void *arg)
{
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	unsigned int i, n = 200000, wrong64 = 0;

	for (i = 0; i < n; i++) {
		struct pvclock_vcpu_time_info t = { 0 };
		u64 delta, want, got;
		int bits = 1 + xorshift(&rng) % 63;

		/* Deltas of every magnitude, up to years of TSC ticks. */
		delta = xorshift(&rng) >> (64 - bits);
		t.tsc_to_system_mul = (u32)xorshift(&rng) | 1u << 31;
		t.tsc_shift = (int)(xorshift(&rng) % 9) - 6;
		if (t.tsc_shift > 0)
			delta >>= t.tsc_shift;	/* no bits shifted out */
		want = kvmclock__tuple_ns(&t, delta);
		got = pvclock_scale_delta(delta, t.tsc_to_system_mul,
					  t.tsc_shift);
		if (got != want)
			return fail("delta %llu mul %u shift %d: reader %llu, host %llu",
				    (unsigned long long)delta,
				    t.tsc_to_system_mul, t.tsc_shift,
				    (unsigned long long)got,
				    (unsigned long long)want);
		if (scale_delta_64(delta, t.tsc_to_system_mul,
				   t.tsc_shift) != want)
			wrong64++;

		/* Hyper-V: high 64 bits of a 128-bit product, plus offset. */
		{
			u64 scale = xorshift(&rng) >> (xorshift(&rng) % 16);
			s64 off = (s64)xorshift(&rng);
			u64 tsc = xorshift(&rng) >> (xorshift(&rng) % 32);

			if (hv_tsc_scale(tsc, scale, off) !=
			    kvmclock__hv_time(scale, off, tsc))
				return fail("Hyper-V tsc %llu scale %llu: reader and host differ",
					    (unsigned long long)tsc,
					    (unsigned long long)scale);
		}
	}
	/* The check must tell: the 64-bit product is wrong for large deltas. */
	if (!wrong64)
		return fail("a 64-bit product passed every case");
	return pass("%u cases agree with the host; negative control: the 64-bit product wrong in %u",
		    n, wrong64);
}

/* --- the host's clock MSRs, called as exits from a vCPU --- */

static struct pvclock_vsyscall_time_info abi_page[2] __aligned(PAGE_SIZE);
static struct ms_hyperv_tsc_page abi_hv_page __aligned(PAGE_SIZE);

static int t_msr_abi(const void *arg)
{
	struct kvm_config cfg = { .nr_vcpus = 2, .nr_pcpus = 1,
				  .apic_ids = { 0, 1 } };
	struct kvmclock_config ccfg = { .stable = true, .history = 64 };
	struct pvclock_vcpu_time_info *p = &abi_page[0].pvti, rec;
	struct kvm kvm;
	struct kvmclock *clk;
	struct kvm_cpu *v;
	struct hv_tsc_reading hrd;
	uint64_t val, khz, hv_msr, hv_page, ns;
	double hz;
	u32 version;

	if (kvm__init(&kvm, &cfg))
		return fail("kvm__init");
	if (kvmclock__cpuid_features(&kvm))
		return fail("CPUID clock bits without a clock");
	if (kvm_cpu__wrmsr(&kvm.cpus[0], MSR_KVM_SYSTEM_TIME_NEW, __pa(p) | 1) != -1)
		return fail("MSR write to a VM without clocks did not #GP");
	clk = kvmclock__init(&kvm, &ccfg);
	v = &kvm.cpus[0];
	if (kvmclock__cpuid_features(&kvm) !=
	    ((1u << KVM_FEATURE_CLOCKSOURCE2) |
	     (1u << KVM_FEATURE_CLOCKSOURCE_STABLE_BIT)))
		return fail("CPUID clock bits %#x",
			    kvmclock__cpuid_features(&kvm));

	/* Enable: the first tuple is there when the WRMSR returns. */
	if (kvm_cpu__wrmsr(v, MSR_KVM_SYSTEM_TIME_NEW, __pa(p) | 1))
		return fail("enabling kvmclock failed");
	if (p->version != 2 || !(p->flags & PVCLOCK_TSC_STABLE_BIT) ||
	    !p->tsc_to_system_mul)
		return fail("first write: version %u flags %#x mul %u",
			    p->version, p->flags, p->tsc_to_system_mul);
	if (kvm_cpu__rdmsr(v, MSR_KVM_SYSTEM_TIME_NEW, &val) ||
	    val != (__pa(p) | 1))
		return fail("RDMSR gave %#llx", (unsigned long long)val);
	if (!kvmclock__history(clk, 0, 2, &rec) ||
	    rec.system_time != p->system_time)
		return fail("the host did not keep what it published");
	/* The rate: pvclock_tsc_khz() against the host's measurement. */
	hz = kvmclock__tsc_hz();
	khz = pvclock_tsc_khz(p);
	if (khz < hz / 1000 * 0.9999 || khz > hz / 1000 * 1.0001)
		return fail("pvclock_tsc_khz %llu, host measured %.0f kHz",
			    (unsigned long long)khz, hz / 1000);
	ns = pvclock_clocksource_read(p);
	if (ns > 10000000000ull)
		return fail("the clock starts at 0 at VM creation, reads %llu ns",
			    (unsigned long long)ns);

	/* The structure must be 4-byte aligned: bit 1 set is #GP. */
	if (kvm_cpu__wrmsr(v, MSR_KVM_SYSTEM_TIME_NEW, __pa(p) | 3) != -1)
		return fail("misaligned structure accepted");
	/* An update rewrites it: version += 2. */
	kvmclock__update(clk);
	if (p->version != 4)
		return fail("after an update version %u", p->version);
	/* Disabled, the host leaves it alone. */
	kvm_cpu__wrmsr(v, MSR_KVM_SYSTEM_TIME_NEW, 0);
	kvmclock__update(clk);
	if (p->version != 4)
		return fail("a disabled structure was written (version %u)",
			    p->version);
	/* Paused: GUEST_STOPPED in the next write, once. */
	kvm_cpu__wrmsr(v, MSR_KVM_SYSTEM_TIME_NEW, __pa(p) | 1);
	kvmclock__guest_stopped(clk);
	if (!(p->flags & PVCLOCK_GUEST_STOPPED))
		return fail("KVM_KVMCLOCK_CTRL did not set GUEST_STOPPED");
	version = p->version;
	kvmclock__update(clk);
	if (p->flags & PVCLOCK_GUEST_STOPPED || p->version != version + 2)
		return fail("GUEST_STOPPED written twice");

	/* No Hyper-V MSRs unless offered. */
	if (kvm_cpu__wrmsr(v, HV_X64_MSR_REFERENCE_TSC, __pa(&abi_hv_page) | 1) != -1 ||
	    kvm_cpu__rdmsr(v, HV_X64_MSR_TIME_REF_COUNT, &val) != -1 ||
	    kvm_cpu__rdmsr(v, 0x10, &val) != -1)
		return fail("MSRs the host does not offer did not #GP");
	kvmclock__exit(clk);

	ccfg.hyperv = true;
	clk = kvmclock__init(&kvm, &ccfg);
	if (kvm_cpu__wrmsr(v, HV_X64_MSR_REFERENCE_TSC, __pa(&abi_hv_page) | 1))
		return fail("enabling the TSC page failed");
	if (abi_hv_page.tsc_sequence == 0 || !abi_hv_page.tsc_scale)
		return fail("TSC page not valid after enabling");
	if (kvm_cpu__wrmsr(v, HV_X64_MSR_TIME_REF_COUNT, 0) != -1)
		return fail("HV_X64_MSR_TIME_REF_COUNT is read-only");
	/* The page and the MSR tell the same time (100 ns units). */
	if (!hv_read_tsc_page_rd(&abi_hv_page, &hv_page, &hrd) ||
	    kvm_cpu__rdmsr(v, HV_X64_MSR_TIME_REF_COUNT, &hv_msr))
		return fail("reading the reference time");
	if (hv_msr < hv_page || hv_msr - hv_page > 10000)
		return fail("page %llu, then MSR %llu",
			    (unsigned long long)hv_page,
			    (unsigned long long)hv_msr);
	kvmclock__exit(clk);
	kvm__exit(&kvm);
	return pass("enable, first tuple, RDMSR, #GP, disable, GUEST_STOPPED once, TSC page = MSR");
}

/* --- torture VMs --- */

enum reader {
	RD_FAST,		/* pvclock_read_rd() */
	RD_LOCAL,		/* pvclock_clocksource_read_rd() of its own page */
	RD_MIXED,		/* the two, alternately */
	RD_HV,			/* hv_read_reference_counter_rd() */
	/* Negative controls. */
	RD_NOCLAMP,		/* own page, no clamp */
	RD_BOOT_STABLE,		/* vCPU 0's page if it was stable at boot */
	RD_CPU0_ONLY,		/* vCPU 0's page only, flags ignored */
	RD_HV_NORECHECK,	/* TSC page, sequence read once */
};

struct clock_case {
	int vcpus, npcpu;
	struct kvmclock_config host;
	enum reader reader;
	double seconds;		/* clean: at least; negative: at most */
	uint64_t min_reads;	/* clean: all vCPUs together, before MIN_READS */
	bool negative;		/* the checks must catch it */
	bool updater;		/* the host's updater thread runs */
	bool guest_stopped;	/* KVM_KVMCLOCK_CTRL before the readers start */
	bool watchdog_check;	/* readers call kvm_check_and_clear_guest_paused() */
	uint64_t max_reads;	/* per vCPU, 0: until the deadline */
};

struct reader_stat {
	uint64_t reads, retries, cpu0, own, clamped, msr, page;
	uint64_t unchecked, torn, backwards, inexact, unstable_cpu0;
	uint64_t paused;
} __aligned(64);

struct clock_vm {
	const struct clock_case *cc;
	struct kvm kvm;
	struct kvmclock *clk;
	int registered;
	int go;
	int stop;
	uint64_t deadline_ns, cap_ns;
	uint64_t target_reads;
	uint64_t total_reads __aligned(64);
	uint64_t start_ns, first_violation_ns;
	bool boot_stable;
	int setup_error;

	uint64_t mono_max __aligned(64);
	uint64_t violations __aligned(64);
	int claimed;
	char first[256];
	struct reader_stat st[KVM_MAX_VCPUS];
};

static void violation(struct clock_vm *vm, const char *fmt, ...)
{
	va_list ap;
	uint64_t n = __atomic_add_fetch(&vm->violations, 1, __ATOMIC_RELAXED);

	/* A negative control has proved its point after a few. */
	if (vm->cc->negative && n >= 20)
		__atomic_store_n(&vm->stop, 1, __ATOMIC_RELAXED);
	if (__atomic_exchange_n(&vm->claimed, 1, __ATOMIC_ACQ_REL))
		return;
	vm->first_violation_ns = kvm__now_ns();
	va_start(ap, fmt);
	vsnprintf(vm->first, sizeof(vm->first), fmt, ap);
	va_end(ap);
}

static int page_index(const struct pvclock_vcpu_time_info *src)
{
	const struct pvclock_vsyscall_time_info *base = pvclock_get_pvti_cpu0_va();

	return ((uintptr_t)src - (uintptr_t)base) / PVTI_SIZE;
}

static void check_pvclock(struct clock_vm *vm, int me, u64 t,
			  const struct pvclock_reading *rd, u64 before)
{
	struct reader_stat *st = &vm->st[me];
	struct pvclock_vcpu_time_info rec, got = {
		.tsc_timestamp = rd->tsc_timestamp,
		.system_time = rd->system_time,
		.tsc_to_system_mul = rd->tsc_to_system_mul,
		.tsc_shift = rd->tsc_shift,
	};
	int page = page_index(rd->src);
	u64 want;

	st->retries += rd->retries;
	st->clamped += rd->clamped;
	if (page == me)
		st->own++;
	else
		st->cpu0++;
	if (rd->version & 1)
		violation(vm, "vCPU %d accepted odd version %u", me, rd->version);
	if (!kvmclock__history(vm->clk, page, rd->version, &rec)) {
		st->unchecked++;
	} else if (rec.tsc_timestamp != rd->tsc_timestamp ||
		   rec.system_time != rd->system_time ||
		   rec.tsc_to_system_mul != rd->tsc_to_system_mul ||
		   rec.tsc_shift != rd->tsc_shift ||
		   (rec.flags ^ rd->flags) & ~PVCLOCK_GUEST_STOPPED) {
		struct pvclock_vcpu_time_info next;
		bool nt = kvmclock__history(vm->clk, page, rd->version + 2, &next);

		st->torn++;
		violation(vm, "vCPU %d: torn read of vCPU %d's page, version %u: tsc_timestamp %s, system_time %s, mul %s, shift %s",
			  me, page, rd->version,
			  rec.tsc_timestamp == rd->tsc_timestamp ? "ok" :
			  nt && next.tsc_timestamp == rd->tsc_timestamp ? "from the next update" : "wrong",
			  rec.system_time == rd->system_time ? "ok" :
			  nt && next.system_time == rd->system_time ? "from the next update" : "wrong",
			  rec.tsc_to_system_mul == rd->tsc_to_system_mul ? "ok" : "other",
			  rec.tsc_shift == rd->tsc_shift ? "ok" : "other");
	}
	want = kvmclock__tuple_ns(&got, rd->tsc);
	if (t != want && !(rd->clamped && t > want)) {
		st->inexact++;
		violation(vm, "vCPU %d: returned %llu ns, the tuple it read gives %llu",
			  me, (unsigned long long)t, (unsigned long long)want);
	}
	if (page == 0 && me != 0 && !(rd->flags & PVCLOCK_TSC_STABLE_BIT)) {
		st->unstable_cpu0++;
		violation(vm, "vCPU %d used vCPU 0's page from a tuple without TSC_STABLE (version %u)",
			  me, rd->version);
	}
	if (t < before) {
		st->backwards++;
		violation(vm, "vCPU %d: time went back %llu ns (%llu after %llu)",
			  me, (unsigned long long)(before - t),
			  (unsigned long long)t, (unsigned long long)before);
	}
}

static void check_hv(struct clock_vm *vm, int me, u64 t,
		     const struct hv_tsc_reading *rd, u64 before)
{
	struct reader_stat *st = &vm->st[me];
	uint64_t scale;
	int64_t offset;

	st->retries += rd->retries;
	if (!rd->sequence) {
		st->msr++;
	} else {
		st->page++;
		if (!kvmclock__hv_history(vm->clk, rd->sequence, &scale, &offset)) {
			st->unchecked++;
		} else if (scale != rd->scale || offset != rd->offset) {
			st->torn++;
			violation(vm, "vCPU %d: torn read of the TSC page, sequence %u: scale %s, offset %s",
				  me, rd->sequence, scale == rd->scale ? "ok" : "other",
				  offset == rd->offset ? "ok" : "other");
		}
		if (t != kvmclock__hv_time(rd->scale, rd->offset, rd->tsc)) {
			st->inexact++;
			violation(vm, "vCPU %d: TSC page time %llu is not its formula",
				  me, (unsigned long long)t);
		}
	}
	if (t < before) {
		st->backwards++;
		violation(vm, "vCPU %d: reference time went back %llu units (%s)",
			  me, (unsigned long long)(before - t),
			  rd->sequence ? "TSC page" : "MSR");
	}
}

/* The Hyper-V negative control: the sequence is read once. */
static u64 hv_read_norecheck(struct hv_tsc_reading *rd)
{
	const struct ms_hyperv_tsc_page *pg = hv_get_tsc_page();
	u64 t;

	rd->retries = 0;
	rd->sequence = READ_ONCE(pg->tsc_sequence);
	if (!rd->sequence) {
		rdmsrl(HV_X64_MSR_TIME_REF_COUNT, t);
		return t;
	}
	smp_rmb();
	rd->scale = READ_ONCE(pg->tsc_scale);
	rd->offset = READ_ONCE(pg->tsc_offset);
	rd->tsc = rdtsc_ordered();
	return hv_tsc_scale(rd->tsc, rd->scale, rd->offset);
}

static void clock_vm_boot(void *arg)
{
	struct clock_vm *vm = arg;
	/*
	 * The guest's CPUID and the clock bits this host offers: the
	 * embedded host's CPUID leaf does not list them yet.
	 */
	unsigned int features = kvm_arch_para_features() |
				kvmclock__cpuid_features(&vm->kvm);

	if (kvmclock_init_features(features))
		vm->setup_error = 1;
	if (vm->cc->host.hyperv && hv_tsc_page_init())
		vm->setup_error = 2;
	vm->boot_stable = pvclock_read_flags(&pvclock_get_pvti_cpu0_va()->pvti) &
			  PVCLOCK_TSC_STABLE_BIT;
}

/* One read with the case's reader; returns the time. */
static u64 clock_vm_read(struct clock_vm *vm, int me, uint64_t i,
			 struct pvclock_reading *rd, struct hv_tsc_reading *hrd)
{
	struct pvclock_vsyscall_time_info *base = pvclock_get_pvti_cpu0_va();

	switch (vm->cc->reader) {
	case RD_FAST:
		return pvclock_read_rd(rd);
	case RD_LOCAL:
		return pvclock_clocksource_read_rd(&base[me].pvti, rd);
	case RD_MIXED:
		return i & 1 ? pvclock_clocksource_read_rd(&base[me].pvti, rd) :
			       pvclock_read_rd(rd);
	case RD_NOCLAMP:
		pvclock_read_consistent(&base[me].pvti, rd);
		return pvclock_reading_ns(rd);
	case RD_BOOT_STABLE:
		if (!vm->boot_stable)
			return pvclock_clocksource_read_rd(&base[me].pvti, rd);
		pvclock_read_consistent(&base[0].pvti, rd);
		return pvclock_reading_ns(rd);
	case RD_CPU0_ONLY:
		pvclock_read_consistent(&base[0].pvti, rd);
		return pvclock_reading_ns(rd);
	case RD_HV:
		return hv_read_reference_counter_rd(hrd);
	case RD_HV_NORECHECK:
		return hv_read_norecheck(hrd);
	}
	return 0;
}

static void clock_vm_run(void *arg)
{
	struct clock_vm *vm = arg;
	const struct clock_case *cc = vm->cc;
	int me = machine_cpu->cpu;
	struct reader_stat *st = &vm->st[me];
	bool hv = cc->reader == RD_HV || cc->reader == RD_HV_NORECHECK;
	uint64_t i;

	if (me && kvmclock_setup_percpu())
		vm->setup_error = 3;
	__atomic_fetch_add(&vm->registered, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&vm->go, __ATOMIC_ACQUIRE))
		sched_yield();

	for (i = 0; !cc->max_reads || i < cc->max_reads; i++) {
		struct pvclock_reading rd;
		struct hv_tsc_reading hrd;
		u64 before, t, cur;

		if (!(i & 255)) {
			uint64_t now = kvm__now_ns(), total;

			total = __atomic_add_fetch(&vm->total_reads, i ? 256 : 0,
						   __ATOMIC_RELAXED);
			if (__atomic_load_n(&vm->stop, __ATOMIC_RELAXED) ||
			    now > vm->cap_ns ||
			    (now > vm->deadline_ns && total >= vm->target_reads))
				break;
		}
		if (cc->watchdog_check && !(i & 1023) &&
		    kvm_check_and_clear_guest_paused())
			st->paused++;
		/* The largest value returned before this read began. */
		before = __atomic_load_n(&vm->mono_max, __ATOMIC_ACQUIRE);
		t = clock_vm_read(vm, me, i, &rd, &hrd);
		if (hv)
			check_hv(vm, me, t, &hrd, before);
		else
			check_pvclock(vm, me, t, &rd, before);
		cur = __atomic_load_n(&vm->mono_max, __ATOMIC_RELAXED);
		while (t > cur &&
		       !__atomic_compare_exchange_n(&vm->mono_max, &cur, t, false,
						    __ATOMIC_SEQ_CST,
						    __ATOMIC_RELAXED))
			;
		st->reads++;
	}
}

static void sum_stats(const struct clock_vm *vm, struct reader_stat *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < vm->cc->vcpus; i++) {
		const struct reader_stat *v = &vm->st[i];

		s->reads += v->reads;
		s->retries += v->retries;
		s->cpu0 += v->cpu0;
		s->own += v->own;
		s->clamped += v->clamped;
		s->msr += v->msr;
		s->page += v->page;
		s->unchecked += v->unchecked;
		s->torn += v->torn;
		s->backwards += v->backwards;
		s->inexact += v->inexact;
		s->unstable_cpu0 += v->unstable_cpu0;
		s->paused += v->paused;
	}
}

/* Boot the case's VM, let its vCPUs read until the deadline. */
static struct clock_vm *clock_vm_run_case(const struct clock_case *cc,
					  struct kvmclock_stat *hst)
{
	struct clock_vm *vm = aligned_alloc(64, sizeof(*vm));
	struct kvm_config cfg = { .nr_vcpus = cc->vcpus };
	struct kvm_guest guest = { .boot = clock_vm_boot, .run = clock_vm_run };
	uint64_t until;
	int i;

	memset(vm, 0, sizeof(*vm));
	vm->cc = cc;
	cfg.nr_pcpus = cc->npcpu < nr_host_cpus() ? cc->npcpu : nr_host_cpus();
	for (i = 0; i < cc->vcpus; i++)
		cfg.apic_ids[i] = i;
	if (kvm__init(&vm->kvm, &cfg))
		exit(T_FAIL);
	vm->clk = kvmclock__init(&vm->kvm, &cc->host);
	guest.arg = vm;
	kvm__start(&vm->kvm, &guest);
	until = kvm__now_ns() + 10000000000ull;
	while (__atomic_load_n(&vm->registered, __ATOMIC_SEQ_CST) < cc->vcpus) {
		if (kvm__now_ns() > until) {
			fprintf(stderr, "vCPUs did not come up\n");
			exit(T_FAIL);
		}
		sched_yield();
	}
	if (cc->guest_stopped)
		kvmclock__guest_stopped(vm->clk);
	if (cc->updater)
		kvmclock__start(vm->clk);
	vm->start_ns = kvm__now_ns();
	vm->deadline_ns = vm->start_ns + (uint64_t)(cc->seconds * 1e9);
	vm->cap_ns = cc->negative ? vm->deadline_ns :
		     vm->start_ns + CLEAN_CAP_S * 1000000000ull;
	vm->target_reads = MIN_READS(cc->min_reads);
	__atomic_store_n(&vm->go, 1, __ATOMIC_RELEASE);
	kvm__join(&vm->kvm);
	kvmclock__stop(vm->clk);
	kvmclock__stat(vm->clk, hst);
	return vm;
}

static int clock_expect_clean(struct clock_vm *vm,
			      const struct kvmclock_stat *h)
{
	uint64_t min_reads = vm->target_reads;

	struct reader_stat s;

	sum_stats(vm, &s);
	if (vm->setup_error)
		return fail("guest setup failed (%d)", vm->setup_error);
	if (vm->violations)
		return fail("%llu violations in %llu reads, first: %s",
			    (unsigned long long)vm->violations,
			    (unsigned long long)s.reads, vm->first);
	if (s.reads < min_reads)
		return fail("only %llu reads in %d s (want %llu)",
			    (unsigned long long)s.reads, CLEAN_CAP_S,
			    (unsigned long long)min_reads);
	if (s.unchecked)
		return fail("%llu reads not checked: the history was too short",
			    (unsigned long long)s.unchecked);
	return T_PASS;
}

/*
 * A negative control passes when the checks caught it, by @want (torn
 * reads and time going back are both what a broken writer or a reader
 * without the re-check produce; which comes first is up to the timing).
 */
static int clock_expect_caught(struct clock_vm *vm, uint64_t want,
			       const char *what)
{
	struct reader_stat s;

	sum_stats(vm, &s);
	if (vm->setup_error)
		return fail("guest setup failed (%d)", vm->setup_error);
	if (!vm->violations)
		return fail("the broken variant passed: %llu reads without a violation",
			    (unsigned long long)s.reads);
	if (!want)
		return fail("caught, but not as %s: %s", what, vm->first);
	return pass("caught after %.1f ms (%llu torn, %llu backwards, %llu unstable vCPU 0 in %llu reads), first: %s",
		    (vm->first_violation_ns - vm->start_ns) / 1e6,
		    (unsigned long long)s.torn,
		    (unsigned long long)s.backwards,
		    (unsigned long long)s.unstable_cpu0,
		    (unsigned long long)s.reads, vm->first);
}

/*
 * The host of the torture runs: an update every 2 us of host work, each
 * with a new rate within 200 ppm, 1 us of host work between the stores
 * of an update, and every published tuple kept for the checks.
 */
#define HOST_COMMON	.period_ns = 2000, .rate_ppm = 200, .history = 1u << 19
#define TORTURE_HOST(...) { HOST_COMMON, __VA_ARGS__ }

static const struct clock_case torture_fixed = {
	.vcpus = 3, .npcpu = 2, .reader = RD_MIXED, .seconds = 1.5,
	.min_reads = 2000000,
	.updater = true,
	.host = TORTURE_HOST(.stable = true, .window_ns = 1000),
};

static const struct clock_case torture_legacy = {
	.vcpus = 3, .npcpu = 2, .reader = RD_MIXED, .seconds = 10,
	.updater = true, .negative = true,
	.host = TORTURE_HOST(.writer = KVMCLOCK_WRITER_LEGACY, .stable = true,
			     .window_ns = 1000),
};

static int t_torture(const void *arg)
{
	const struct clock_case *cc = arg;
	struct kvmclock_stat h;
	struct clock_vm *vm = clock_vm_run_case(cc, &h);
	struct reader_stat s;
	int ret;

	sum_stats(vm, &s);
	if (cc->negative)
		return clock_expect_caught(vm, s.torn + s.backwards,
					   "a torn read or time going back");
	if ((ret = clock_expect_clean(vm, &h)))
		return ret;
	/* The readers met updates in progress and retried. */
	if (!s.retries || h.updates < 1000)
		return fail("no pressure: %llu retries, %llu updates",
			    (unsigned long long)s.retries,
			    (unsigned long long)h.updates);
	return pass("%llu reads (%llu of vCPU 0's page), 0 torn, 0 backwards; %llu host updates, %llu retries",
		    (unsigned long long)s.reads, (unsigned long long)s.cpu0,
		    (unsigned long long)h.updates,
		    (unsigned long long)s.retries);
}

/*
 * The stable bit goes on and off every 40 updates; while it is off each
 * vCPU's clock is its own (ahead by 20 us per vCPU index, 50 ppm faster).
 */
#define FLIP_HOST() TORTURE_HOST(.stable = true, .window_ns = 500,	\
	.flip_every = 40, .skew_ns = 20000, .skew_ppm = 50)

static const struct clock_case flips_fast = {
	.vcpus = 3, .npcpu = 2, .reader = RD_FAST, .seconds = 1.5,
	.min_reads = 1000000,
	.updater = true, .host = FLIP_HOST(),
};

static const struct clock_case flips_boot_stable = {
	.vcpus = 3, .npcpu = 2, .reader = RD_BOOT_STABLE, .seconds = 10,
	.updater = true, .negative = true, .host = FLIP_HOST(),
};

static int t_flips(const void *arg)
{
	const struct clock_case *cc = arg;
	struct kvmclock_stat h;
	struct clock_vm *vm = clock_vm_run_case(cc, &h);
	struct reader_stat s;
	int ret;

	sum_stats(vm, &s);
	if (cc->negative)
		return clock_expect_caught(vm, s.unstable_cpu0,
					   "a use of vCPU 0's unstable page");
	if ((ret = clock_expect_clean(vm, &h)))
		return ret;
	/* Both paths taken: vCPU 0's page and, while unstable, the own one. */
	if (h.flips < 4 || !s.cpu0 || !s.own || !s.clamped)
		return fail("transitions not exercised: %llu flips, %llu reads of vCPU 0's page, %llu own, %llu clamped",
			    (unsigned long long)h.flips,
			    (unsigned long long)s.cpu0,
			    (unsigned long long)s.own,
			    (unsigned long long)s.clamped);
	return pass("%llu reads over %llu stable-bit flips: %llu of vCPU 0's page, %llu own (%llu clamped), 0 violations",
		    (unsigned long long)s.reads, (unsigned long long)h.flips,
		    (unsigned long long)s.cpu0, (unsigned long long)s.own,
		    (unsigned long long)s.clamped);
}

/*
 * No stable bit: every vCPU's page has its own tuple, vCPU i's 50 us per
 * index ahead and 100 ppm faster, and the readers read their own pages.
 */
#define SKEW_HOST() TORTURE_HOST(.stable = false, .window_ns = 1000,	\
	.skew_ns = 50000, .skew_ppm = 100)

static const struct clock_case clamp_case = {
	.vcpus = 3, .npcpu = 2, .reader = RD_LOCAL, .seconds = 1,
	.min_reads = 1000000,
	.updater = true, .host = SKEW_HOST(),
};

static const struct clock_case noclamp_case = {
	.vcpus = 3, .npcpu = 2, .reader = RD_NOCLAMP, .seconds = 10,
	.updater = true, .negative = true, .host = SKEW_HOST(),
};

static int t_clamp(const void *arg)
{
	const struct clock_case *cc = arg;
	struct kvmclock_stat h;
	struct clock_vm *vm = clock_vm_run_case(cc, &h);
	struct reader_stat s;
	int ret;

	sum_stats(vm, &s);
	if (cc->negative)
		return clock_expect_caught(vm, s.backwards, "time going back");
	if ((ret = clock_expect_clean(vm, &h)))
		return ret;
	/* The pages disagreed, and the clamp is what kept time monotonic. */
	if (!s.clamped)
		return fail("the clamp never acted in %llu reads",
			    (unsigned long long)s.reads);
	return pass("%llu reads of per-vCPU pages that disagree by up to %llu us: %llu raised by the clamp, 0 backwards",
		    (unsigned long long)s.reads,
		    (unsigned long long)(cc->vcpus - 1) * cc->host.skew_ns / 1000,
		    (unsigned long long)s.clamped);
}

/*
 * The VM was paused: every vCPU's page says GUEST_STOPPED before the
 * readers start.  Each vCPU must consume its own notification exactly
 * once, through its clock reads or its watchdog's check.
 */
static const struct clock_case stopped_case = {
	.vcpus = 3, .npcpu = 2, .reader = RD_FAST, .seconds = 5,
	.max_reads = 20000, .guest_stopped = true, .watchdog_check = true,
	.host = TORTURE_HOST(.stable = true),
};

static const struct clock_case stopped_cpu0_only = {
	.vcpus = 3, .npcpu = 2, .reader = RD_CPU0_ONLY, .seconds = 5,
	.max_reads = 20000, .guest_stopped = true,
	.host = TORTURE_HOST(.stable = true),
};

static int t_stopped(const void *arg)
{
	const struct clock_case *cc = arg;
	struct kvmclock_stat h;
	struct clock_vm *vm = clock_vm_run_case(cc, &h);
	int i, left = 0, wrong = -1;

	if (vm->setup_error)
		return fail("guest setup failed (%d)", vm->setup_error);
	if (vm->violations)
		return fail("%llu violations, first: %s",
			    (unsigned long long)vm->violations, vm->first);
	for (i = 0; i < cc->vcpus; i++) {
		if (kvmclock__page(vm->clk, i)->flags & PVCLOCK_GUEST_STOPPED)
			left++;
		if (pvclock_guest_stops(i) != 1 && wrong < 0)
			wrong = i;
	}
	if (cc->reader == RD_CPU0_ONLY) {
		if (!left)
			return fail("a reader that ignores GUEST_STOPPED left no page flagged");
		return pass("caught: GUEST_STOPPED still set on %d of %d pages",
			    left, cc->vcpus);
	}
	if (left || wrong >= 0)
		return fail("%d pages still flagged; vCPU %d consumed the stop %lu times",
			    left, wrong, wrong >= 0 ? pvclock_guest_stops(wrong) : 0);
	return pass("%d vCPUs each consumed GUEST_STOPPED once, time monotonic",
		    cc->vcpus);
}

/* Hyper-V: the writer sets sequence 0 for the whole of each update. */
#define HV_HOST(...) TORTURE_HOST(.stable = true, .window_ns = 1000,	\
	.hyperv = true, ##__VA_ARGS__)

static const struct clock_case hv_fixed = {
	.vcpus = 3, .npcpu = 2, .reader = RD_HV, .seconds = 1.5,
	.min_reads = 2000000,
	.updater = true, .host = HV_HOST(),
};

static const struct clock_case hv_no_invalidate = {
	.vcpus = 3, .npcpu = 2, .reader = RD_HV, .seconds = 10,
	.updater = true, .negative = true,
	.host = HV_HOST(.hv_writer = KVMCLOCK_HV_NO_INVALIDATE),
};

static const struct clock_case hv_norecheck = {
	.vcpus = 3, .npcpu = 2, .reader = RD_HV_NORECHECK, .seconds = 10,
	.updater = true, .negative = true, .host = HV_HOST(),
};

static const struct clock_case hv_invalid = {
	.vcpus = 3, .npcpu = 2, .reader = RD_HV, .seconds = 0.5,
	.min_reads = 100000,
	.updater = true, .host = HV_HOST(.hv_invalid = true),
};

static int t_hv(const void *arg)
{
	const struct clock_case *cc = arg;
	struct kvmclock_stat h;
	struct clock_vm *vm = clock_vm_run_case(cc, &h);
	struct reader_stat s;
	int ret;

	sum_stats(vm, &s);
	if (cc->negative)
		return clock_expect_caught(vm, s.torn + s.backwards,
					   "a torn read or time going back");
	if ((ret = clock_expect_clean(vm, &h)))
		return ret;
	if (cc->host.hv_invalid) {
		if (s.page || s.msr != s.reads)
			return fail("invalid page: %llu reads from it",
				    (unsigned long long)s.page);
		return pass("sequence 0: all %llu reads from HV_X64_MSR_TIME_REF_COUNT, monotonic",
			    (unsigned long long)s.reads);
	}
	/* Readers met sequence 0 and fell back to the MSR. */
	if (!s.msr || !s.page || h.hv_updates < 1000)
		return fail("no pressure: %llu page reads, %llu MSR fallbacks, %llu updates",
			    (unsigned long long)s.page,
			    (unsigned long long)s.msr,
			    (unsigned long long)h.hv_updates);
	return pass("%llu reads (%llu from the page, %llu from the MSR during updates), 0 torn, 0 backwards; %llu updates",
		    (unsigned long long)s.reads, (unsigned long long)s.page,
		    (unsigned long long)s.msr,
		    (unsigned long long)h.hv_updates);
}

/* --- pvspin clock --- */

static char cli_out[16384], cli_err[4096];

static void slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Run `pvspin clock ARGS...` in a child; returns its exit status. */
static int cli(const char *arg0, ...)
{
	char *argv[16] = { "clock" };
	FILE *out = tmpfile(), *err = tmpfile();
	const char *a;
	va_list ap;
	int argc = 1, status;
	pid_t pid;

	va_start(ap, arg0);
	for (a = arg0; a && argc < 15; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
		_exit(pvspin_clock_main(argc, argv));
	}
	waitpid(pid, &status, 0);
	slurp(out, cli_out, sizeof(cli_out));
	slurp(err, cli_err, sizeof(cli_err));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int t_cli_usage(const void *arg)
{
	static const char *const bad[][3] = {
		{ "--seconds", "abc", "'abc'" },
		{ "--seconds", "0", "'0'" },
		{ "--slots", "65", "'65'" },
		{ "--iterations", "-5", "'-5'" },
		{ "--rounds", "x", "'x'" },
		{ "--frob", NULL, "'--frob'" },
		{ "extra", NULL, "'extra'" },
	};
	const struct option *o;
	unsigned int i;
	int code;

	code = cli("--help", NULL);
	if (code)
		return fail("--help exited %d", code);
	for (o = pvspin_clock_options; o->name; o++) {
		char want[64];

		snprintf(want, sizeof(want), "--%s", o->name);
		if (!strstr(cli_out, want))
			return fail("--help does not document %s", want);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		code = cli(bad[i][0], bad[i][1], NULL);
		if (code != 2 || !strstr(cli_err, bad[i][2]))
			return fail("%s %s: exit %d, message: %s", bad[i][0],
				    bad[i][1] ? bad[i][1] : "", code, cli_err);
	}
	return pass("--help lists every option; %u bad usages exit 2 naming the value",
		    (unsigned int)ARRAY_SIZE(bad));
}

static int t_cli_real(const void *arg)
{
	int code = cli("--seconds", "0.3", "--quiet", NULL);
	const char *line;

	if (code)
		return fail("exit %d: %s%s", code, cli_out, cli_err);
	if (strstr(cli_out, "not available") || strstr(cli_out, "cannot be used")) {
		line = strstr(cli_out, "not available");
		if (!line)
			line = strstr(cli_out, "cannot be used");
		return pass("no usable page here, said so: %.*s",
			    (int)strcspn(line, "\n"), line);
	}
	line = strstr(cli_out, "rate over");
	if (!strstr(cli_out, "vs CLOCK_MONOTONIC_RAW") || !line)
		return fail("no comparison in: %s", cli_out);
	return pass("real page read: %.*s", (int)strcspn(line, "\n"), line);
}

static int t_cli_embedded(const void *arg)
{
	int code = cli("--embedded", "--seconds", "0.3", "--quiet", NULL);
	const char *line = strstr(cli_out, "rate over");

	if (code || !line || !strstr(cli_out, "TSC_STABLE"))
		return fail("exit %d: %s%s", code, cli_out, cli_err);
	return pass("embedded page decoded: %.*s", (int)strcspn(line, "\n"), line);
}

static int t_cli_bench(const void *arg)
{
	static const char *const rows[] = {
		"pvclock_read()", "pvclock_clocksource_read()",
		"hv_read_reference_counter()", "vDSO", "syscall(",
		"rdtsc ", "rdtscp", "lfence; rdtsc",
	};
	unsigned int i;
	int code = cli("--bench", "--iterations", "20000", "--rounds", "3",
		       "--quiet", NULL);

	if (code)
		return fail("exit %d: %s%s", code, cli_out, cli_err);
	for (i = 0; i < ARRAY_SIZE(rows); i++)
		if (!strstr(cli_out, rows[i]))
			return fail("no row \"%s\" in: %s", rows[i], cli_out);
	return pass("%u readers timed in one run", (unsigned int)ARRAY_SIZE(rows));
}

/* --- the table --- */

#define ALL	"release asan tsan"
#define NOTSAN	"release asan"

static const struct test tests[] = {
	{ "scaling: 128-bit product = the host's arithmetic", t_scaling, NULL, PASS, ALL, 30 },
	{ "host: clock MSRs, first tuple, #GP, GUEST_STOPPED, TSC page", t_msr_abi, NULL, PASS, ALL, 30 },
	{ "torture: fixed writer, 3 vCPUs read while the host rewrites", t_torture, &torture_fixed, PASS, ALL, 60 },
	{ "negative: the legacy writer (one copy, version += 2) is caught", t_torture, &torture_legacy, PASS, NOTSAN, 60 },
	{ "stable bit flips: vCPU 0's page only from a stable tuple", t_flips, &flips_fast, PASS, ALL, 60 },
	{ "negative: a reader trusting the boot-time stable bit is caught", t_flips, &flips_boot_stable, PASS, NOTSAN, 60 },
	{ "per-vCPU pages that disagree: the clamp keeps time monotonic", t_clamp, &clamp_case, PASS, ALL, 60 },
	{ "negative: the fallback without the clamp goes back", t_clamp, &noclamp_case, PASS, NOTSAN, 60 },
	{ "guest stopped: every vCPU consumes its flag once", t_stopped, &stopped_case, PASS, ALL, 60 },
	{ "negative: a reader ignoring GUEST_STOPPED leaves it set", t_stopped, &stopped_cpu0_only, PASS, NOTSAN, 60 },
	{ "hyper-v: TSC page torture, sequence 0 falls back to the MSR", t_hv, &hv_fixed, PASS, ALL, 60 },
	{ "hyper-v: invalid page, every read from the MSR", t_hv, &hv_invalid, PASS, ALL, 60 },
	{ "negative: a Hyper-V writer without sequence 0 is caught", t_hv, &hv_no_invalidate, PASS, NOTSAN, 60 },
	{ "negative: a Hyper-V reader without the re-check is caught", t_hv, &hv_norecheck, PASS, NOTSAN, 60 },
	{ "cli: pvspin clock --help, bad values exit 2", t_cli_usage, NULL, PASS, ALL, 30 },
	{ "cli: pvspin clock --embedded decodes and compares", t_cli_embedded, NULL, PASS, ALL, 30 },
	{ "cli: pvspin clock on the real kvmclock page", t_cli_real, NULL, PASS, "release", 30 },
	{ "cli: pvspin clock --bench times every reader", t_cli_bench, NULL, PASS, "release", 60 },
};

int main(int argc, char **argv)
{
	/* Measure the TSC once, before the children fork. */
	kvmclock__tsc_hz();
	return tap_main(argc, argv, tests, ARRAY_SIZE(tests));
}
