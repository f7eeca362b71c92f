// SPDX-License-Identifier: GPL-2.0
/*
 * The embedded host's kvmclock and Hyper-V reference TSC page writers,
 * and the clock MSRs (what they model: kvmclock.h).
 *
 * One mutex per VM serialises every writer (the updater thread, MSR
 * exits, on-demand updates): a page has one writer at a time, which is
 * what the version protocol assumes.  Guest readers never take it.
 * Every store to guest memory is one single-copy-atomic store (a relaxed
 * C11 atomic, so ThreadSanitizer follows it), and x86 makes stores
 * visible in program order, so the compiler barriers below are the
 * kernel's smp_wmb().
 *
 * Guest physical memory is this process's memory, mapped 1:1
 * (tools/arch/x86/include/asm/page.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uapi/asm/kvm_para.h>

#include "kvm.h"
#include "kvmclock.h"

_Static_assert(sizeof(struct pvclock_vcpu_time_info) == 32,
	       "pvclock_vcpu_time_info is 32 bytes");
_Static_assert(offsetof(struct pvclock_vcpu_time_info, system_time) == 16 &&
	       offsetof(struct pvclock_vcpu_time_info, flags) == 29,
	       "pvclock_vcpu_time_info layout");
_Static_assert(sizeof(struct ms_hyperv_tsc_page) == 4096 &&
	       offsetof(struct ms_hyperv_tsc_page, tsc_offset) == 16,
	       "ms_hyperv_tsc_page layout");

/* smp_wmb() on x86: orders our stores to guest memory for the compiler. */
#define host_wmb()	__asm__ __volatile__("" : : : "memory")
/* smp_rmb() on x86: orders our loads, for the compiler. */
#define host_rmb()	__asm__ __volatile__("" : : : "memory")
/* smp_mb(): stores before it are globally visible before what follows. */
#define host_mb()	__asm__ __volatile__("mfence" : : : "memory")

#define GUEST_STORE(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)

struct kvmclock_vcpu {
	uint64_t msr;			/* MSR_KVM_SYSTEM_TIME_NEW */
	struct pvclock_vcpu_time_info *page;	/* NULL: not enabled */
	struct pvclock_vcpu_time_info t;	/* its tuple, version unused */
	uint32_t version;		/* the last version stored */
	bool stop_pending;		/* KVM_KVMCLOCK_CTRL */
	uint64_t *hist;			/* 4 words per version / 2 */
};

struct kvmclock {
	struct kvm *kvm;
	struct kvmclock_config cfg;
	int nr_cpus;
	struct kvmclock_vcpu *vcpu;
	pthread_mutex_t lock;
	int exits_waiting;		/* vCPUs waiting for the lock */
	double tsc_hz;
	uint64_t rng;

	bool stable;
	struct pvclock_vcpu_time_info master;	/* the host's own clock */
	unsigned int nr_updates;

	uint64_t hv_msr;
	struct ms_hyperv_tsc_page *hv_page;
	/*
	 * The reference clock.  HV_X64_MSR_TIME_REF_COUNT reads it without
	 * the lock: hv_ref_seq is odd while the pair changes.
	 */
	uint32_t hv_ref_seq;
	uint64_t hv_ref_reads;		/* its MSR reads, not under lock */
	uint64_t hv_scale;
	int64_t hv_offset;
	uint32_t hv_seq;		/* the last sequence stored, never 0 */
	uint64_t *hv_hist;		/* 2 words per sequence */

	pthread_t thread;
	bool running;
	int stop;
	struct kvmclock_stat stat;
	struct kvmclock *next;
};

static pthread_mutex_t kvmclock_list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kvmclock *kvmclock_list;

static struct kvmclock *kvmclock__of(struct kvm *kvm)
{
	struct kvmclock *c;

	pthread_mutex_lock(&kvmclock_list_lock);
	for (c = kvmclock_list; c && c->kvm != kvm; c = c->next)
		;
	pthread_mutex_unlock(&kvmclock_list_lock);
	return c;
}

/* --- time --- */

uint64_t kvmclock__rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence; rdtsc" : "=a" (lo), "=d" (hi));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t kvmclock__raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* A (CLOCK_MONOTONIC_RAW, TSC) pair: the tightest of a few brackets. */
static void kvmclock__sample(uint64_t *ns, uint64_t *tsc)
{
	uint64_t best = UINT64_MAX;
	int i;

	for (i = 0; i < 64; i++) {
		uint64_t a = kvmclock__raw_ns();
		uint64_t t = kvmclock__rdtsc();
		uint64_t b = kvmclock__raw_ns();

		if (b - a < best) {
			best = b - a;
			*ns = a + (b - a) / 2;
			*tsc = t;
		}
	}
}

static double kvmclock_tsc_hz;
static pthread_once_t kvmclock_tsc_once = PTHREAD_ONCE_INIT;

/*
 * 50 ms against CLOCK_MONOTONIC_RAW: a bracket of ~50 ns at each end
 * gives the frequency to about 2 ppm, far below the rates tests set.
 */
static void kvmclock__calibrate(void)
{
	struct timespec d = { 0, 50 * 1000 * 1000 };
	uint64_t ns0, tsc0, ns1, tsc1;

	kvmclock__sample(&ns0, &tsc0);
	nanosleep(&d, NULL);
	kvmclock__sample(&ns1, &tsc1);
	kvmclock_tsc_hz = (double)(tsc1 - tsc0) * 1e9 / (double)(ns1 - ns0);
}

double kvmclock__tsc_hz(void)
{
	pthread_once(&kvmclock_tsc_once, kvmclock__calibrate);
	return kvmclock_tsc_hz;
}

/*
 * The ABI formula.  The 96-bit product from two 64-bit ones, (delta_hi *
 * mul) << 32 + delta_lo * mul, so that the host does not share the
 * guest's arithmetic (tests compare the two).
 */
uint64_t kvmclock__tuple_ns(const struct pvclock_vcpu_time_info *t,
			    uint64_t tsc)
{
	uint64_t delta = tsc - t->tsc_timestamp;
	uint64_t mul = t->tsc_to_system_mul;

	if (t->tsc_shift <= -64 || t->tsc_shift >= 64)
		delta = 0;
	else if (t->tsc_shift < 0)
		delta >>= -t->tsc_shift;
	else
		delta <<= t->tsc_shift;
	return t->system_time + (delta >> 32) * mul +
	       (((delta & 0xffffffffu) * mul) >> 32);
}

/* ((tsc * scale) >> 64) + offset, from 32-bit halves. */
uint64_t kvmclock__hv_time(uint64_t scale, int64_t offset, uint64_t tsc)
{
	uint64_t a0 = (uint32_t)tsc, a1 = tsc >> 32;
	uint64_t b0 = (uint32_t)scale, b1 = scale >> 32;
	uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;

	return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32) + (uint64_t)offset;
}

/* ns per TSC tick, @ppm off nominal, as mul in [2^31, 2^32) and a shift. */
static void kvmclock__set_rate(struct pvclock_vcpu_time_info *t, double tsc_hz,
			       double ppm)
{
	long double r = 1e9L / tsc_hz * (1.0L + ppm * 1e-6L);
	int s = 0;

	while (r >= 1.0L) {
		r /= 2;
		s++;
	}
	while (r < 0.5L) {
		r *= 2;
		s--;
	}
	t->tsc_to_system_mul = (uint32_t)(r * 4294967296.0L);
	t->tsc_shift = s;
}

/* 100 ns units per TSC tick, @ppm off nominal, 64.64 fixed point. */
static uint64_t kvmclock__hv_rate(double tsc_hz, double ppm)
{
	return (uint64_t)(1e7L / tsc_hz * (1.0L + ppm * 1e-6L) *
			  18446744073709551616.0L);
}

static uint64_t kvmclock__rand(struct kvmclock *c)
{
	uint64_t x = c->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	c->rng = x;
	return x;
}

/* Uniform in [-rate_ppm, +rate_ppm]. */
static double kvmclock__rand_ppm(struct kvmclock *c)
{
	double u = (double)(kvmclock__rand(c) >> 11) / (double)(1ull << 53);

	return (2 * u - 1) * c->cfg.rate_ppm;
}

/* --- kvmclock pages --- */

static void kvmclock__record(struct kvmclock *c, int cpu, uint32_t version,
			     const struct pvclock_vcpu_time_info *t)
{
	uint64_t *hist = c->vcpu[cpu].hist;
	uint64_t idx = version / 2, w[4];
	struct pvclock_vcpu_time_info r = *t;
	int i;

	if (!hist || idx >= c->cfg.history) {
		c->stat.not_recorded++;
		return;
	}
	r.version = version;
	memcpy(w, &r, sizeof(w));
	for (i = 0; i < 4; i++)
		__atomic_store_n(&hist[idx * 4 + i], w[i], __ATOMIC_RELAXED);
}

bool kvmclock__history(struct kvmclock *c, int cpu, uint32_t version,
		       struct pvclock_vcpu_time_info *out)
{
	uint64_t *hist = c->vcpu[cpu].hist;
	uint64_t idx = version / 2, w[4];
	int i;

	if (!hist || (version & 1) || idx >= c->cfg.history)
		return false;
	for (i = 0; i < 4; i++)
		w[i] = __atomic_load_n(&hist[idx * 4 + i], __ATOMIC_RELAXED);
	memcpy(out, w, sizeof(w));
	return out->version == version;
}

/* What vCPU @v's next write carries: its tuple, and a pending stop. */
static struct pvclock_vcpu_time_info kvmclock__next(struct kvmclock_vcpu *v)
{
	struct pvclock_vcpu_time_info t = v->t;

	t.pad0 = 0;
	t.pad[0] = t.pad[1] = 0;
	if (v->stop_pending)
		t.flags |= PVCLOCK_GUEST_STOPPED;
	v->stop_pending = false;
	return t;
}

/* Fixed writer, step 1: the version odd, on its own. */
static void kvmclock__write_begin(struct kvmclock_vcpu *v)
{
	GUEST_STORE(&v->page->version, ++v->version);
	/*
	 * Version odd before any store to the body.  Pairs with the smp_rmb()
	 * in pvclock_read_begin().
	 */
	host_wmb();
}

/* Fixed writer, steps 2 and 3: the body, then the version even. */
static void kvmclock__write_end(struct kvmclock *c, int cpu)
{
	struct kvmclock_vcpu *v = &c->vcpu[cpu];
	struct pvclock_vcpu_time_info *p = v->page;
	struct pvclock_vcpu_time_info t = kvmclock__next(v);
	uint64_t w = c->cfg.window_ns;

	kvmclock__record(c, cpu, v->version + 1, &t);
	GUEST_STORE(&p->tsc_timestamp, t.tsc_timestamp);
	kvm__spend(w);
	GUEST_STORE(&p->system_time, t.system_time);
	kvm__spend(w);
	GUEST_STORE(&p->tsc_to_system_mul, t.tsc_to_system_mul);
	kvm__spend(w);
	GUEST_STORE(&p->tsc_shift, t.tsc_shift);
	GUEST_STORE(&p->flags, t.flags);
	/*
	 * The body before version even.  Pairs with the smp_rmb() in
	 * pvclock_read_retry().
	 */
	host_wmb();
	GUEST_STORE(&p->version, ++v->version);
	c->stat.page_writes++;
}

/*
 * The old host: the whole structure, version += 2 included, in one copy.
 * A string copy (memcpy, REP MOVS) promises nothing about the order in
 * which its stores become visible to another CPU (fast-string stores may
 * be performed out of order), so this one stores the four 8-byte words in
 * a random order, with host work between them: at any instant of the
 * copy a reader may see a version that does not match the body.
 */
static void kvmclock__write_legacy(struct kvmclock *c, int cpu)
{
	struct kvmclock_vcpu *v = &c->vcpu[cpu];
	uint64_t *dst = (uint64_t *)v->page;
	struct pvclock_vcpu_time_info t = kvmclock__next(v);
	int order[4] = { 0, 1, 2, 3 };
	uint64_t w[4];
	int i;

	v->version += 2;
	t.version = v->version;
	kvmclock__record(c, cpu, t.version, &t);
	memcpy(w, &t, sizeof(w));
	for (i = 3; i > 0; i--) {
		int j = kvmclock__rand(c) % (i + 1), x = order[i];

		order[i] = order[j];
		order[j] = x;
	}
	for (i = 0; i < 4; i++) {
		GUEST_STORE(&dst[order[i]], w[order[i]]);
		if (i < 3)
			kvm__spend(c->cfg.window_ns);
	}
	c->stat.page_writes++;
}

/* Rewrite one vCPU's page with its current tuple. */
static void kvmclock__write_page(struct kvmclock *c, int cpu)
{
	if (c->cfg.writer == KVMCLOCK_WRITER_LEGACY) {
		kvmclock__write_legacy(c, cpu);
		return;
	}
	kvmclock__write_begin(&c->vcpu[cpu]);
	kvmclock__write_end(c, cpu);
}

/*
 * New tuples at TSC @tsc, continuing every clock from where it is.  With
 * @stable one tuple for all (the master clock); leaving that mode each
 * vCPU's clock jumps i * skew_ns ahead and runs i * skew_ppm faster, as
 * vCPUs with their own TSC offsets and update times would; re-entering
 * it, the master starts from the latest of them, so that nobody's clock
 * goes back.
 */
static void kvmclock__new_tuples(struct kvmclock *c, bool stable, uint64_t tsc)
{
	bool was_stable = c->stable;
	double ppm = kvmclock__rand_ppm(c);
	bool alt = ++c->nr_updates % 8 == 0;
	struct pvclock_vcpu_time_info m = { 0 };
	uint64_t ns = kvmclock__tuple_ns(&c->master, tsc);
	int i;

	if (stable && !was_stable) {
		for (i = 0; i < c->nr_cpus; i++) {
			uint64_t v = kvmclock__tuple_ns(&c->vcpu[i].t, tsc);

			if (v > ns)
				ns = v;
		}
	}
	m.tsc_timestamp = tsc;
	m.system_time = ns;
	kvmclock__set_rate(&m, c->tsc_hz, ppm);
	if (alt) {
		/* The same rate written another way: shift and mul change. */
		m.tsc_shift++;
		m.tsc_to_system_mul >>= 1;
	}
	m.flags = stable ? PVCLOCK_TSC_STABLE_BIT : 0;
	c->master = m;
	c->stable = stable;

	for (i = 0; i < c->nr_cpus; i++) {
		struct pvclock_vcpu_time_info *t = &c->vcpu[i].t;

		if (stable) {
			*t = m;
			continue;
		}
		t->system_time = kvmclock__tuple_ns(t, tsc) +
				 (was_stable ? i * c->cfg.skew_ns : 0);
		t->tsc_timestamp = tsc;
		kvmclock__set_rate(t, c->tsc_hz,
				   ppm + (double)i * c->cfg.skew_ppm);
		t->flags = 0;
	}
}

static void kvmclock__update_locked(struct kvmclock *c, bool stable)
{
	bool fixed = c->cfg.writer == KVMCLOCK_WRITER_FIXED;
	uint64_t tsc;
	int i;

	if (fixed) {
		/* KVM's "master clock update in progress": every page odd. */
		for (i = 0; i < c->nr_cpus; i++)
			if (c->vcpu[i].page)
				kvmclock__write_begin(&c->vcpu[i]);
		kvm__spend(c->cfg.window_ns);
	}
	/*
	 * The odd versions visible before the TSC is read: a guest reading
	 * a TSC later than the new tuple's timestamp then retries instead of
	 * using an old tuple past its end.  Pairs with the LFENCE before the
	 * guest's RDTSC in pvclock_read_consistent().
	 */
	host_mb();
	tsc = kvmclock__rdtsc();
	if (stable != c->stable)
		c->stat.flips++;
	kvmclock__new_tuples(c, stable, tsc);
	for (i = 0; i < c->nr_cpus; i++) {
		if (!c->vcpu[i].page)
			continue;
		if (fixed)
			kvmclock__write_end(c, i);
		else
			kvmclock__write_legacy(c, i);
	}
	c->stat.updates++;
}

/* --- Hyper-V reference TSC page --- */

static void kvmclock__hv_record(struct kvmclock *c, uint32_t seq)
{
	if (!c->hv_hist || seq >= c->cfg.history) {
		c->stat.not_recorded++;
		return;
	}
	__atomic_store_n(&c->hv_hist[2 * seq], c->hv_scale, __ATOMIC_RELAXED);
	__atomic_store_n(&c->hv_hist[2 * seq + 1], (uint64_t)c->hv_offset,
			 __ATOMIC_RELAXED);
}

bool kvmclock__hv_history(struct kvmclock *c, uint32_t sequence,
			  uint64_t *scale, int64_t *offset)
{
	if (!c->hv_hist || !sequence || sequence >= c->cfg.history)
		return false;
	*scale = __atomic_load_n(&c->hv_hist[2 * sequence], __ATOMIC_RELAXED);
	*offset = (int64_t)__atomic_load_n(&c->hv_hist[2 * sequence + 1],
					   __ATOMIC_RELAXED);
	return *scale != 0;
}

/* Publish the reference clock, with a new rate if @new_rate. */
static void kvmclock__hv_update(struct kvmclock *c, bool new_rate)
{
	struct ms_hyperv_tsc_page *pg = c->hv_page;
	bool invalidate = c->cfg.hv_writer == KVMCLOCK_HV_FIXED ||
			  c->cfg.hv_invalid;
	uint64_t w = c->cfg.window_ns;
	uint64_t tsc, now;
	uint32_t seq;

	if (pg && invalidate) {
		GUEST_STORE(&pg->tsc_sequence, HV_TSC_PAGE_SEQUENCE_INVALID);
		/*
		 * Sequence 0 before the new pair.  Pairs with the first
		 * smp_rmb() in hv_read_tsc_page_rd().
		 */
		host_wmb();
		kvm__spend(w);
	}
	if (new_rate)
		GUEST_STORE(&c->hv_ref_seq, c->hv_ref_seq + 1);
	/*
	 * As for kvmclock: the invalid page (and the odd hv_ref_seq) visible
	 * before the TSC read.  Pairs with the LFENCE before the guest's
	 * RDTSC in hv_read_tsc_page_rd() (and in kvmclock__hv_ref_count()).
	 */
	host_mb();
	tsc = kvmclock__rdtsc();
	if (new_rate) {
		uint64_t scale = kvmclock__hv_rate(c->tsc_hz,
						   kvmclock__rand_ppm(c));

		now = kvmclock__hv_time(c->hv_scale, c->hv_offset, tsc);
		GUEST_STORE(&c->hv_scale, scale);
		GUEST_STORE(&c->hv_offset,
			    (int64_t)(now - kvmclock__hv_time(scale, 0, tsc)));
		/* The pair before the even count: kvmclock__hv_ref_count(). */
		host_wmb();
		GUEST_STORE(&c->hv_ref_seq, c->hv_ref_seq + 1);
	}
	if (!pg || c->cfg.hv_invalid)
		return;
	seq = c->hv_seq + 1;
	if (seq == HV_TSC_PAGE_SEQUENCE_INVALID || seq == 0xffffffff)
		seq = 1;
	c->hv_seq = seq;
	kvmclock__hv_record(c, seq);
	GUEST_STORE(&pg->tsc_scale, c->hv_scale);
	kvm__spend(w);
	GUEST_STORE(&pg->tsc_offset, c->hv_offset);
	kvm__spend(w);
	/*
	 * The pair before the new sequence.  Pairs with the second smp_rmb()
	 * in hv_read_tsc_page_rd().
	 */
	host_wmb();
	GUEST_STORE(&pg->tsc_sequence, seq);
	c->stat.hv_updates++;
}

/* HV_X64_MSR_TIME_REF_COUNT: the reference clock now, without the lock. */
static uint64_t kvmclock__hv_ref_count(struct kvmclock *c)
{
	uint64_t scale, tsc;
	int64_t offset;
	uint32_t seq;

	for (;;) {
		seq = __atomic_load_n(&c->hv_ref_seq, __ATOMIC_RELAXED);
		/*
		 * The count before the pair: pairs with the host_mb() after
		 * the odd count in kvmclock__hv_update().
		 */
		host_rmb();
		scale = __atomic_load_n(&c->hv_scale, __ATOMIC_RELAXED);
		offset = __atomic_load_n(&c->hv_offset, __ATOMIC_RELAXED);
		tsc = kvmclock__rdtsc();
		/*
		 * The pair before the count again: pairs with the host_wmb()
		 * before the even count.
		 */
		host_rmb();
		if (!(seq & 1) &&
		    __atomic_load_n(&c->hv_ref_seq, __ATOMIC_RELAXED) == seq)
			return kvmclock__hv_time(scale, offset, tsc);
	}
}

/* --- lifecycle, updates --- */

struct kvmclock *kvmclock__init(struct kvm *kvm,
				const struct kvmclock_config *cfg)
{
	struct kvmclock *c = calloc(1, sizeof(*c));
	uint64_t tsc;
	int i;

	if (!c)
		return NULL;
	c->kvm = kvm;
	c->cfg = *cfg;
	c->nr_cpus = kvm->nr_cpus;
	c->vcpu = calloc(c->nr_cpus, sizeof(*c->vcpu));
	if (!c->vcpu) {
		free(c);
		return NULL;
	}
	pthread_mutex_init(&c->lock, NULL);
	c->tsc_hz = kvmclock__tsc_hz();
	c->rng = 0x2545f4914f6cdd1dull;
	for (i = 0; cfg->history && i < c->nr_cpus; i++)
		c->vcpu[i].hist = calloc((size_t)cfg->history * 4,
					 sizeof(uint64_t));
	if (cfg->history && cfg->hyperv)
		c->hv_hist = calloc((size_t)cfg->history * 2, sizeof(uint64_t));

	/* The clocks start at 0 now, at the nominal rate. */
	tsc = kvmclock__rdtsc();
	c->stable = true;
	c->master.tsc_timestamp = tsc;
	kvmclock__set_rate(&c->master, c->tsc_hz, 0);
	c->master.flags = PVCLOCK_TSC_STABLE_BIT;
	for (i = 0; i < c->nr_cpus; i++)
		c->vcpu[i].t = c->master;
	if (!cfg->stable) {
		/* Leave master-clock mode at once: per-vCPU tuples. */
		uint32_t ppm = c->cfg.rate_ppm;

		c->cfg.rate_ppm = 0;
		kvmclock__new_tuples(c, false, tsc);
		c->cfg.rate_ppm = ppm;
	}
	c->hv_scale = kvmclock__hv_rate(c->tsc_hz, 0);
	c->hv_offset = -(int64_t)kvmclock__hv_time(c->hv_scale, 0, tsc);

	pthread_mutex_lock(&kvmclock_list_lock);
	c->next = kvmclock_list;
	kvmclock_list = c;
	pthread_mutex_unlock(&kvmclock_list_lock);
	return c;
}

/*
 * Exits wait for the lock the updater holds through an update; the
 * updater lets them in between updates (a mutex is not fair).
 */
static void kvmclock__lock_exit(struct kvmclock *c)
{
	__atomic_fetch_add(&c->exits_waiting, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&c->lock);
	__atomic_fetch_sub(&c->exits_waiting, 1, __ATOMIC_SEQ_CST);
}

static void *kvmclock__thread(void *arg)
{
	struct kvmclock *c = arg;
	unsigned int n = 0;

	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		bool flip;

		kvm__spend(c->cfg.period_ns);
		while (__atomic_load_n(&c->exits_waiting, __ATOMIC_SEQ_CST))
			sched_yield();
		pthread_mutex_lock(&c->lock);
		n++;
		flip = c->cfg.flip_every && n % c->cfg.flip_every == 0;
		kvmclock__update_locked(c, flip ? !c->stable : c->stable);
		if (c->cfg.hyperv)
			kvmclock__hv_update(c, true);
		pthread_mutex_unlock(&c->lock);
	}
	return NULL;
}

void kvmclock__start(struct kvmclock *c)
{
	if (c->running)
		return;
	__atomic_store_n(&c->stop, 0, __ATOMIC_RELEASE);
	if (pthread_create(&c->thread, NULL, kvmclock__thread, c)) {
		fprintf(stderr, "kvmclock: pthread_create: %s\n", strerror(errno));
		exit(70);
	}
	c->running = true;
}

void kvmclock__stop(struct kvmclock *c)
{
	if (!c->running)
		return;
	__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
	pthread_join(c->thread, NULL);
	c->running = false;
}

void kvmclock__exit(struct kvmclock *c)
{
	struct kvmclock **pp;
	int i;

	kvmclock__stop(c);
	pthread_mutex_lock(&kvmclock_list_lock);
	for (pp = &kvmclock_list; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	pthread_mutex_unlock(&kvmclock_list_lock);
	for (i = 0; i < c->nr_cpus; i++)
		free(c->vcpu[i].hist);
	free(c->hv_hist);
	free(c->vcpu);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void kvmclock__update(struct kvmclock *c)
{
	kvmclock__lock_exit(c);
	kvmclock__update_locked(c, c->stable);
	if (c->cfg.hyperv)
		kvmclock__hv_update(c, true);
	pthread_mutex_unlock(&c->lock);
}

void kvmclock__set_stable(struct kvmclock *c, bool stable)
{
	kvmclock__lock_exit(c);
	kvmclock__update_locked(c, stable);
	pthread_mutex_unlock(&c->lock);
}

void kvmclock__guest_stopped(struct kvmclock *c)
{
	int i;

	kvmclock__lock_exit(c);
	for (i = 0; i < c->nr_cpus; i++) {
		c->vcpu[i].stop_pending = true;
		if (c->vcpu[i].page)
			kvmclock__write_page(c, i);
	}
	pthread_mutex_unlock(&c->lock);
}

void kvmclock__stat(struct kvmclock *c, struct kvmclock_stat *st)
{
	pthread_mutex_lock(&c->lock);
	*st = c->stat;
	st->msr_reads += __atomic_load_n(&c->hv_ref_reads, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&c->lock);
}

struct pvclock_vcpu_time_info *kvmclock__page(struct kvmclock *c, int cpu)
{
	struct pvclock_vcpu_time_info *p;

	pthread_mutex_lock(&c->lock);
	p = c->vcpu[cpu].page;
	pthread_mutex_unlock(&c->lock);
	return p;
}

struct ms_hyperv_tsc_page *kvmclock__hv_page(struct kvmclock *c)
{
	struct ms_hyperv_tsc_page *p;

	pthread_mutex_lock(&c->lock);
	p = c->hv_page;
	pthread_mutex_unlock(&c->lock);
	return p;
}

uint32_t kvmclock__cpuid_features(struct kvm *kvm)
{
	if (!kvmclock__of(kvm))
		return 0;
	return (1u << KVM_FEATURE_CLOCKSOURCE2) |
	       (1u << KVM_FEATURE_CLOCKSOURCE_STABLE_BIT);
}

/* --- MSRs --- */

int kvm_cpu__wrmsr(struct kvm_cpu *vcpu, uint32_t msr, uint64_t val)
{
	struct kvmclock *c = kvmclock__of(vcpu->kvm);
	struct kvmclock_vcpu *v;
	uint64_t gpa;
	int ret = 0;

	if (!c)
		return -1;
	kvmclock__lock_exit(c);
	v = &c->vcpu[vcpu->cpu_id];
	switch (msr) {
	case MSR_KVM_SYSTEM_TIME_NEW:
		/* Bit 0 enables; the structure is 4-byte aligned. */
		if ((val & 1) && (val & 2)) {
			ret = -1;
			break;
		}
		v->msr = val;
		v->page = val & 1 ? (void *)(uintptr_t)(val & ~1ull) : NULL;
		/* KVM updates the structure before the vCPU runs again. */
		if (v->page)
			kvmclock__write_page(c, vcpu->cpu_id);
		break;
	case HV_X64_MSR_REFERENCE_TSC:
		if (!c->cfg.hyperv) {
			ret = -1;
			break;
		}
		c->hv_msr = val;
		gpa = val >> HV_X64_MSR_TSC_REFERENCE_ADDRESS_SHIFT <<
		      HV_X64_MSR_TSC_REFERENCE_ADDRESS_SHIFT;
		c->hv_page = val & HV_X64_MSR_TSC_REFERENCE_ENABLE ?
			     (void *)(uintptr_t)gpa : NULL;
		if (c->hv_page)
			kvmclock__hv_update(c, false);
		break;
	default:
		/* HV_X64_MSR_TIME_REF_COUNT is read-only. */
		ret = -1;
		break;
	}
	if (ret)
		c->stat.msr_gp++;
	else
		c->stat.msr_writes++;
	pthread_mutex_unlock(&c->lock);
	return ret;
}

int kvm_cpu__rdmsr(struct kvm_cpu *vcpu, uint32_t msr, uint64_t *val)
{
	struct kvmclock *c = kvmclock__of(vcpu->kvm);
	int ret = 0;

	if (!c)
		return -1;
	if (msr == HV_X64_MSR_TIME_REF_COUNT && c->cfg.hyperv) {
		/* Hot during TSC page updates: no lock (KVM takes none). */
		*val = kvmclock__hv_ref_count(c);
		__atomic_fetch_add(&c->hv_ref_reads, 1, __ATOMIC_RELAXED);
		return 0;
	}
	kvmclock__lock_exit(c);
	switch (msr) {
	case MSR_KVM_SYSTEM_TIME_NEW:
		*val = c->vcpu[vcpu->cpu_id].msr;
		break;
	case HV_X64_MSR_REFERENCE_TSC:
		if (!c->cfg.hyperv) {
			ret = -1;
			break;
		}
		*val = c->hv_msr;
		break;
	default:
		ret = -1;
		break;
	}
	if (ret)
		c->stat.msr_gp++;
	else
		c->stat.msr_reads++;
	pthread_mutex_unlock(&c->lock);
	return ret;
}

/* The machine interface of tools/include/pvspin/machine.h. */

int machine_wrmsr(unsigned int msr, unsigned long long val)
{
	struct kvm_cpu *vcpu = kvm_cpu__current();

	if (!vcpu) {
		fprintf(stderr, "kvm: WRMSR outside a vCPU\n");
		abort();
	}
	return kvm_cpu__wrmsr(vcpu, msr, val);
}

int machine_rdmsr(unsigned int msr, unsigned long long *val)
{
	struct kvm_cpu *vcpu = kvm_cpu__current();
	uint64_t v = 0;
	int ret;

	if (!vcpu) {
		fprintf(stderr, "kvm: RDMSR outside a vCPU\n");
		abort();
	}
	ret = kvm_cpu__rdmsr(vcpu, msr, &v);
	*val = v;
	return ret;
}
