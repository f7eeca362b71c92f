// SPDX-License-Identifier: GPL-2.0
/*
 * The harness: workloads that run on the guest's vCPUs, driven through an
 * image's lock adapter, and the host-side runner that watches them.
 *
 * Correctness checks inside every critical section (HAMMER):
 *  - is_locked() must be true;
 *  - an owner field must be free on entry and still ours on exit;
 *  - a counter is incremented by a non-atomic read, delay, write;
 *  - the ticket being served must be the one after the last served.
 * A lock that lets two vCPUs in breaks the counter (acquisitions !=
 * counter), the owner check, or both.
 */
#define _GNU_SOURCE
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/compiler.h>
#include <linux/irqflags.h>
#include <asm/processor.h>
#include <pvspin/machine.h>
#include <xen/events.h>

#include "vm.h"

#define CACHELINE	64

/* Room for any adapter's lock: a pthread mutex is the largest. */
#define LOCK_BYTES	48

struct lock_slot {
	unsigned char lock[LOCK_BYTES] __aligned(8);
	int owner;
	unsigned int last_head;
	bool head_valid;
	unsigned int head_repeats;	/* sections in a row serving one turn */
	uint64_t steals_seen;		/* sections that did */
	unsigned int max_queued;	/* track_queue: written by the holder */
	uint64_t counter;
} __aligned(CACHELINE);

struct vcpu_state {
	uint64_t acquisitions;		/* written by this vCPU only */
	uint64_t trylock_ok, trylock_fail;
	uint64_t rng;
	unsigned int fifo_go;		/* FIFO: round this vCPU may queue in */
	uint64_t wait_hist[PVSPIN_WAIT_BUCKETS];
	uint64_t wait_ns;
} __aligned(CACHELINE);

struct completion_obj {
	unsigned char lock[LOCK_BYTES] __aligned(8);
	int done;
};

struct pvspin_vm {
	const struct pvspin_opts *o;
	const struct pvspin_lock_ops *ops;
	struct kvm kvm;
	int nr_vcpus;
	int stop;
	struct lock_slot *locks;
	struct lock_slot irq_lock;
	uint64_t irq_acquisitions;
	struct vcpu_state *vcpu;

	unsigned int steal_limit;	/* set at boot: thefts allowed per turn */

	uint64_t errors;
	int error_claimed;
	char first_error[256];

	/* FIFO */
	int *arrival, *served;
	int nr_served;
	unsigned int fifo_round_done;
	/* COMPLETION and NMI */
	struct completion_obj *obj;
	unsigned int round_posted, round_freed;
	uint64_t rounds_done, rounds_unchecked;
	uint64_t race_hits;		/* COMPLETION: unlocks held in the window */
};

static struct pvspin_vm *current_vm;

/* Hammer workloads: nr_locks 0 means the one lock. */
static unsigned int nr_locks(const struct pvspin_opts *o)
{
	return o->nr_locks ? o->nr_locks : 1;
}

static void vm_error(struct pvspin_vm *vm, const char *fmt, ...)
{
	va_list ap;

	__atomic_fetch_add(&vm->errors, 1, __ATOMIC_RELAXED);
	if (__atomic_exchange_n(&vm->error_claimed, 1, __ATOMIC_ACQ_REL))
		return;
	va_start(ap, fmt);
	vsnprintf(vm->first_error, sizeof(vm->first_error), fmt, ap);
	va_end(ap);
}

static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/* Delay without an interrupt window. */
static void pause_loops(unsigned int n)
{
	while (n--)
		__asm__ __volatile__("pause" : : : "memory");
}

/*
 * The harness's own waits (not the lock's): PAUSE, which takes interrupts,
 * and now and then give the host CPU away, as a PV sched-yield would.
 */
static void harness_relax(unsigned int *n)
{
	cpu_relax();
	if (!(++*n & 63))
		sched_yield();
}

unsigned int pvspin_wait_bucket(uint64_t ns)
{
	int msb;

	if (ns < PVSPIN_WAIT_SUB)
		return ns;
	msb = 63 - __builtin_clzll(ns);
	if (msb > 40)
		return PVSPIN_WAIT_BUCKETS - 1;
	/* msb >= 3: the 3 bits below the top one pick the sub-bucket */
	return (msb - 2) * PVSPIN_WAIT_SUB +
	       ((ns >> (msb - 3)) & (PVSPIN_WAIT_SUB - 1));
}

uint64_t pvspin_wait_bucket_ns(unsigned int b)
{
	unsigned int msb = b / PVSPIN_WAIT_SUB + 2, sub = b % PVSPIN_WAIT_SUB;

	if (b < PVSPIN_WAIT_SUB)
		return b;
	return ((uint64_t)(PVSPIN_WAIT_SUB + sub + 1) << (msb - 3)) - 1;
}

uint64_t pvspin_wait_quantile(const uint64_t *hist, double q)
{
	uint64_t total = 0, seen = 0, rank;
	unsigned int b;

	for (b = 0; b < PVSPIN_WAIT_BUCKETS; b++)
		total += hist[b];
	if (!total)
		return 0;
	/* the smallest value with at least q of the samples at or below it */
	rank = (uint64_t)ceil(q * total);
	rank = rank ? rank - 1 : 0;
	for (b = 0; b < PVSPIN_WAIT_BUCKETS; b++) {
		seen += hist[b];
		if (seen > rank)
			return pvspin_wait_bucket_ns(b);
	}
	return pvspin_wait_bucket_ns(PVSPIN_WAIT_BUCKETS - 1);
}

static void bump_progress(struct pvspin_vm *vm, int me)
{
	struct vcpu_state *v = &vm->vcpu[me];

	__atomic_store_n(&v->acquisitions, v->acquisitions + 1,
			 __ATOMIC_RELAXED);
}

static void critical_section(struct pvspin_vm *vm, struct lock_slot *s,
			     int me)
{
	const struct pvspin_lock_ops *ops = vm->ops;
	uint64_t v;

	if (!ops->is_locked(s->lock))
		vm_error(vm, "vCPU %d: is_locked() false inside the critical section", me);
	if (s->owner != -1)
		vm_error(vm, "vCPU %d entered while vCPU %d was inside", me, s->owner);
	s->owner = me;
	if (ops->ticket_inc) {
		unsigned int mask = (1u << ops->ticket_bits) - 1;
		unsigned int head = ops->head(s->lock);

		/*
		 * A thief holds head at the ticket before the turn it
		 * passes over, so head repeats once per theft, and at most
		 * steal_limit times in a row.
		 */
		if (s->head_valid && head == s->last_head &&
		    s->head_repeats < vm->steal_limit) {
			s->head_repeats++;
			/* Read live by the runner for the goal. */
			__atomic_store_n(&s->steals_seen, s->steals_seen + 1,
					 __ATOMIC_RELAXED);
		} else if (s->head_valid &&
			   head != ((s->last_head + ops->ticket_inc) & mask)) {
			if (head == s->last_head)
				vm_error(vm, "vCPU %d: the turn after ticket %u passed over %u times (allowed: %u)",
					 me, head, s->head_repeats + 1,
					 vm->steal_limit);
			else
				vm_error(vm, "vCPU %d: ticket %u served after %u",
					 me, head, s->last_head);
		} else {
			s->head_repeats = 0;
		}
		s->last_head = head;
		s->head_valid = true;
		if (vm->o->track_queue) {
			unsigned int q = ops->queued(s->lock);

			/* Read live by the runner for the goal. */
			if (q > s->max_queued)
				__atomic_store_n(&s->max_queued, q,
						 __ATOMIC_RELAXED);
		}
	}
	v = s->counter;
	pause_loops(vm->o->cs_loops);
	s->counter = v + 1;
	if (s->owner != me)
		vm_error(vm, "vCPU %d: owner became %d inside", me, s->owner);
	s->owner = -1;
}

static void guest_irq(void *arg)
{
	struct pvspin_vm *vm = arg;
	int me = machine_cpu->cpu;

	if (!vm->o->irq_nested)
		return;
	vm->ops->lock(vm->irq_lock.lock);
	critical_section(vm, &vm->irq_lock, me);
	vm->ops->unlock(vm->irq_lock.lock);
	__atomic_fetch_add(&vm->irq_acquisitions, 1, __ATOMIC_RELAXED);
}

static void run_hammer(struct pvspin_vm *vm, int me)
{
	const struct pvspin_opts *o = vm->o;
	const struct pvspin_lock_ops *ops = vm->ops;
	struct vcpu_state *v = &vm->vcpu[me];

	while (!__atomic_load_n(&vm->stop, __ATOMIC_RELAXED)) {
		struct lock_slot *s = &vm->locks[o->nr_locks > 1 ?
				rng_next(&v->rng) % o->nr_locks : 0];
		unsigned long flags = 0;
		uint64_t t0 = 0;

		if (o->irqsave)
			local_irq_save(flags);
		if (o->measure_wait)
			t0 = kvm__now_ns();
		if (o->trylock_pct && rng_next(&v->rng) % 100 < o->trylock_pct) {
			/* Read live by the runner for the goal. */
			if (ops->trylock(s->lock)) {
				__atomic_store_n(&v->trylock_ok,
						 v->trylock_ok + 1,
						 __ATOMIC_RELAXED);
			} else {
				__atomic_store_n(&v->trylock_fail,
						 v->trylock_fail + 1,
						 __ATOMIC_RELAXED);
				ops->lock(s->lock);
			}
		} else {
			ops->lock(s->lock);
		}
		if (o->measure_wait) {
			uint64_t dt = kvm__now_ns() - t0;

			v->wait_hist[pvspin_wait_bucket(dt)]++;
			v->wait_ns += dt;
		}
		critical_section(vm, s, me);
		ops->unlock(s->lock);
		if (o->irqsave)
			local_irq_restore(flags);
		bump_progress(vm, me);
		/*
		 * Work between acquisitions: PAUSEs for their length, but not
		 * cpu_relax(), so pause-loop exiting takes them for work.
		 */
		if (o->noncs_loops) {
			unsigned int i;

			for (i = 0; i < o->noncs_loops; i++) {
				__asm__ __volatile__("pause" : : : "memory");
				machine_poll_irq();
			}
		}
	}
}

/*
 * FIFO: vCPU 0 holds the lock and lets the others queue one at a time in
 * a random order, waiting until each has its ticket; then it releases and
 * the order of service must be the order of arrival.
 */
static void run_fifo(struct pvspin_vm *vm, int me)
{
	const struct pvspin_lock_ops *ops = vm->ops;
	struct lock_slot *s = &vm->locks[0];
	int n = vm->nr_vcpus - 1;
	unsigned int round, spins = 0;

	for (round = 1; round <= vm->o->rounds; round++) {
		if (me != 0) {
			while (__atomic_load_n(&vm->vcpu[me].fifo_go,
					       __ATOMIC_ACQUIRE) != round)
				harness_relax(&spins);
			ops->lock(s->lock);
			vm->served[vm->nr_served++] = me;
			ops->unlock(s->lock);
			bump_progress(vm, me);
			continue;
		}

		int i, k;

		ops->lock(s->lock);
		for (i = 0; i < n; i++)
			vm->arrival[i] = i + 1;
		for (i = n - 1; i > 0; i--) {
			int j = rng_next(&vm->vcpu[0].rng) % (i + 1);
			int t = vm->arrival[i];

			vm->arrival[i] = vm->arrival[j];
			vm->arrival[j] = t;
		}
		vm->nr_served = 0;
		for (i = 0; i < n; i++) {
			__atomic_store_n(&vm->vcpu[vm->arrival[i]].fifo_go,
					 round, __ATOMIC_RELEASE);
			/* holder + the i + 1 queued so far */
			while (ops->queued(s->lock) != (unsigned int)i + 2)
				harness_relax(&spins);
		}
		/* Let the queue go to the slow path before releasing. */
		pause_loops(4 * vm->o->spin_threshold);
		ops->unlock(s->lock);
		bump_progress(vm, me);
		for (;;) {
			ops->lock(s->lock);
			k = vm->nr_served;
			ops->unlock(s->lock);
			if (k == n)
				break;
			harness_relax(&spins);
		}
		for (i = 0; i < n; i++)
			if (vm->served[i] != vm->arrival[i]) {
				vm_error(vm, "round %u: position %d served vCPU %d, ticket order says vCPU %d",
					 round, i, vm->served[i], vm->arrival[i]);
				break;
			}
		vm->rounds_done++;
	}
}

/*
 * COMPLETION: vCPU 0 completes an object that vCPU 1 waits for, and vCPU
 * 1 frees it as soon as it has the lock and sees it done.  The race hook
 * holds vCPU 0 right after its release until the object is freed, so any
 * access the unlocker makes after that is a use after free.
 */
static void completion_race_hook(enum machine_race_point where)
{
	struct pvspin_vm *vm = current_vm;
	uint64_t deadline;

	if (where != PVSPIN_RACE_RELEASED || machine_cpu->cpu != 0)
		return;
	vm->race_hits++;
	/*
	 * Wake the waiter by other means than our kick: on KVM an interrupt
	 * ends its safe_halt(); on Xen an interrupt taken between its STI and
	 * its poll would be gone before the poll, so its channel is made
	 * pending instead (a spurious wakeup, which lock_spinning tolerates).
	 */
	if (vm->kvm.cfg.xen)
		kvm_xen__notify_vcpu(&vm->kvm.cpus[1]);
	else
		kvm_cpu__inject_irq(&vm->kvm.cpus[1]);
	deadline = kvm__now_ns() + 2000000000ull;
	while (__atomic_load_n(&vm->round_freed, __ATOMIC_ACQUIRE) !=
	       vm->round_posted) {
		if (kvm__now_ns() > deadline) {
			vm->rounds_unchecked++;
			return;
		}
		sched_yield();
	}
}

/*
 * Widen the guest's race windows (pvspin_race_window()): half the time
 * spend a random part of race_delay_ns there, and one time in eight give
 * the host CPU away, as a preempted vCPU would.
 */
static void delay_race_hook(enum machine_race_point where)
{
	static __thread uint64_t rng;
	const struct pvspin_opts *o = current_vm->o;
	uint64_t x;

	if (!rng)
		rng = 0x2545f4914f6cdd1dull * (machine_cpu->cpu + 1);
	x = rng_next(&rng);
	/*
	 * An interrupt arriving just before the waiter blocks: on Xen it is
	 * taken when the waiter re-enables interrupts for the poll, and its
	 * handler's slow path nests inside the waiter's (irq_nested).
	 */
	if (o->irq_at_halt && where == PVSPIN_RACE_HALT && !(x & 0x10))
		kvm_cpu__inject_irq(kvm_cpu__current());
	/* Descheduled for 1-5 ms: one race point in 256. */
	if (o->faults && !(x & 0xff00)) {
		struct timespec ts = { 0, 1000000 + (x >> 32) % 4000000 };

		nanosleep(&ts, NULL);
	}
	if (!o->race_delay_ns)
		return;
	if (x & 1)
		kvm__spend((x >> 8) % o->race_delay_ns);
	if (!(x & 0xe))
		sched_yield();
}

static void run_completion(struct pvspin_vm *vm, int me)
{
	const struct pvspin_lock_ops *ops = vm->ops;
	const struct pvspin_image *img = vm->o->img;
	unsigned int round, spins = 0;

	if (me > 1)
		return;
	for (round = 1; round <= vm->o->rounds; round++) {
		if (me == 1) {
			struct completion_obj *obj;

			while (__atomic_load_n(&vm->round_posted,
					       __ATOMIC_ACQUIRE) != round)
				harness_relax(&spins);
			obj = vm->obj;
			ops->lock(obj->lock);
			if (!obj->done)
				vm_error(vm, "round %u: lock taken before completion", round);
			ops->unlock(obj->lock);
			free(obj);
			__atomic_store_n(&vm->round_freed, round, __ATOMIC_RELEASE);
			bump_progress(vm, me);
			continue;
		}

		struct completion_obj *obj = calloc(1, sizeof(*obj));

		ops->init(obj->lock);
		ops->lock(obj->lock);
		vm->obj = obj;
		__atomic_store_n(&vm->round_posted, round, __ATOMIC_RELEASE);
		/* Wait for the waiter's ticket and its slowpath flag. */
		while (ops->queued(obj->lock) != 2 || !(ops->tail(obj->lock) & 1))
			harness_relax(&spins);
		obj->done = 1;
		if (vm->o->unlock_312)
			img->unlock_312(obj->lock);
		else
			ops->unlock(obj->lock);
		/* obj may be gone: touch nothing of it */
		while (__atomic_load_n(&vm->round_freed, __ATOMIC_ACQUIRE) != round)
			harness_relax(&spins);
		vm->rounds_done++;
		bump_progress(vm, me);
	}
}

/*
 * NMI: vCPU 1 takes a lock that vCPU 0 holds for many spin thresholds,
 * from NMI context when o->nmi is set.  It must spin, never halt.
 */
static void run_nmi(struct pvspin_vm *vm, int me)
{
	const struct pvspin_lock_ops *ops = vm->ops;
	struct lock_slot *s = &vm->locks[0];
	unsigned int round, spins = 0;

	if (me > 1)
		return;
	for (round = 1; round <= vm->o->rounds; round++) {
		if (me == 0) {
			ops->lock(s->lock);
			__atomic_store_n(&vm->round_posted, round, __ATOMIC_RELEASE);
			while (ops->queued(s->lock) != 2)
				harness_relax(&spins);
			pause_loops(20 * vm->o->spin_threshold);
			ops->unlock(s->lock);
			while (__atomic_load_n(&vm->round_freed,
					       __ATOMIC_ACQUIRE) != round)
				harness_relax(&spins);
			vm->rounds_done++;
			bump_progress(vm, me);
			continue;
		}
		while (__atomic_load_n(&vm->round_posted, __ATOMIC_ACQUIRE) != round)
			harness_relax(&spins);
		if (vm->o->nmi)
			machine_cpu->nmi_nesting++;
		ops->lock(s->lock);
		ops->unlock(s->lock);
		if (vm->o->nmi)
			machine_cpu->nmi_nesting--;
		__atomic_store_n(&vm->round_freed, round, __ATOMIC_RELEASE);
		bump_progress(vm, me);
	}
}

static void guest_boot(void *arg)
{
	struct pvspin_vm *vm = arg;

	vm->o->img->boot();
	if (vm->o->img->steal_limit)
		vm->steal_limit = vm->o->img->steal_limit();
	if (vm->o->steal_limit && vm->o->steal_limit < vm->steal_limit)
		vm->steal_limit = vm->o->steal_limit;
	if (vm->o->break_kick)
		vm->o->img->break_kick();
	if (vm->o->prewake_only)
		vm->o->img->prewake_only();
}

static void guest_run(void *arg)
{
	struct pvspin_vm *vm = arg;
	int me = machine_cpu->cpu;

	vm->vcpu[me].rng = 0x9e3779b97f4a7c15ull * (me + 1);
	switch (vm->o->workload) {
	case PVSPIN_WL_HAMMER:
		run_hammer(vm, me);
		break;
	case PVSPIN_WL_FIFO:
		run_fifo(vm, me);
		break;
	case PVSPIN_WL_COMPLETION:
		run_completion(vm, me);
		break;
	case PVSPIN_WL_NMI:
		run_nmi(vm, me);
		break;
	}
}

void pvspin_opts_default(struct pvspin_opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->img = &pvspin_image_pv;
	o->kvm.nr_vcpus = 4;
	o->kvm.nr_pcpus = 1;
	for (i = 0; i < KVM_MAX_VCPUS; i++)
		o->kvm.apic_ids[i] = i;
	o->kvm.pv_unhalt = true;
	o->workload = PVSPIN_WL_HAMMER;
	o->seconds = 2;
	o->rounds = 100;
	o->spin_threshold = SPIN_THRESHOLD_DEFAULT;
	o->nr_locks = 1;
	o->cs_loops = 20;
	o->watchdog_s = 10;
	o->kvm.ple_gap_cycles = 128;
#ifdef PVSPIN_FAULTS
	pvspin_faults(o);
#endif
}

void pvspin_faults(struct pvspin_opts *o)
{
	o->faults = true;
	if (!o->race_delay_ns)
		o->race_delay_ns = 20000;
	o->kvm.kick_delay_ns = 50000;
	o->kvm.spurious_wakeup_every = 64;
}

int pvspin_parse_apic_ids(struct kvm_config *cfg, const char *spec,
			  char *err, size_t len)
{
	int i;

	if (!strcmp(spec, "dense")) {
		for (i = 0; i < KVM_MAX_VCPUS; i++)
			cfg->apic_ids[i] = i;
		return 0;
	}
	if (!strcmp(spec, "sparse")) {
		/* Odd IDs, in reverse: an ID is never the CPU number. */
		for (i = 0; i < KVM_MAX_VCPUS; i++)
			cfg->apic_ids[i] = 2 * (KVM_MAX_VCPUS - i) + 1;
		return 0;
	}
	for (i = 0; *spec; i++) {
		char *end;
		unsigned long v = strtoul(spec, &end, 0);

		if (end == spec || (*end && *end != ',') || i >= KVM_MAX_VCPUS) {
			snprintf(err, len, "bad APIC ID list at \"%s\"", spec);
			return -1;
		}
		cfg->apic_ids[i] = v;
		spec = *end ? end + 1 : end;
	}
	if (i < cfg->nr_vcpus) {
		snprintf(err, len, "%d APIC IDs given for %d vCPUs", i,
			 cfg->nr_vcpus);
		return -1;
	}
	return 0;
}

static uint64_t vm_progress(struct pvspin_vm *vm)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		sum += __atomic_load_n(&vm->vcpu[i].acquisitions,
				       __ATOMIC_RELAXED);
	return sum;
}

static bool goal_set(const struct pvspin_goal *g)
{
	return g->acquisitions || g->trylock_ok || g->trylock_fail ||
	       g->slow || g->irq_acquisitions || g->nested || g->errors ||
	       g->prewakes || g->ple_exits || g->queued || g->steals;
}

/* What the goal looks at, read while the vCPUs run. */
static void vm_snapshot(struct pvspin_vm *vm, struct pvspin_result *r)
{
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < vm->nr_vcpus; i++) {
		const struct vcpu_state *v = &vm->vcpu[i];

		r->acquisitions += __atomic_load_n(&v->acquisitions,
						   __ATOMIC_RELAXED);
		r->trylock_ok += __atomic_load_n(&v->trylock_ok,
						 __ATOMIC_RELAXED);
		r->trylock_fail += __atomic_load_n(&v->trylock_fail,
						   __ATOMIC_RELAXED);
	}
	for (i = 0; i < nr_locks(vm->o); i++) {
		unsigned int q = __atomic_load_n(&vm->locks[i].max_queued,
						 __ATOMIC_RELAXED);

		if (q > r->max_queued)
			r->max_queued = q;
		r->steals_seen += __atomic_load_n(&vm->locks[i].steals_seen,
						  __ATOMIC_RELAXED);
	}
	r->steals_seen += __atomic_load_n(&vm->irq_lock.steals_seen,
					  __ATOMIC_RELAXED);
	r->irq_acquisitions = __atomic_load_n(&vm->irq_acquisitions,
					      __ATOMIC_RELAXED);
	r->errors = __atomic_load_n(&vm->errors, __ATOMIC_RELAXED);
	vm->o->img->read_counters(&r->counters);
	kvm__stat_sum(&vm->kvm, &r->host);
}

int pvspin_goal_missing(const struct pvspin_goal *g,
			const struct pvspin_result *r, char *buf, size_t len)
{
	const struct {
		const char *name;
		uint64_t want, have;
	} need[] = {
		{ "acquisitions", g->acquisitions, r->acquisitions },
		{ "trylock successes", g->trylock_ok, r->trylock_ok },
		{ "trylock failures", g->trylock_fail, r->trylock_fail },
		{ "taken_slow", g->slow, pvspin_counter(r, "taken_slow") },
		{ "blocks", g->slow, pvspin_blocks(r) },
		{ "kicks", g->slow, pvspin_kicks(r) },
		{ "acquisitions in irq", g->irq_acquisitions,
		  r->irq_acquisitions },
		{ "taken_slow_nested", g->nested,
		  pvspin_counter(r, "taken_slow_nested") },
		{ "errors", g->errors, r->errors },
		{ "released_slow_prewake", g->prewakes,
		  pvspin_counter(r, "released_slow_prewake") },
		{ "pause-loop exits", g->ple_exits, r->host.ple_exits },
		{ "tickets out at once", g->queued, r->max_queued },
		{ "thefts", g->steals, r->steals_seen },
	};
	unsigned int i;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if (need[i].have >= need[i].want)
			continue;
		if (buf)
			snprintf(buf, len, "%s %llu of %llu", need[i].name,
				 (unsigned long long)need[i].have,
				 (unsigned long long)need[i].want);
		return -1;
	}
	return 0;
}

int pvspin_vm_run(const struct pvspin_opts *o, struct pvspin_result *r)
{
	struct pvspin_vm *vm = calloc(1, sizeof(*vm));
	const struct pvspin_lock_ops *ops = o->img->ops;
	struct kvm_guest guest = {
		.boot = guest_boot, .run = guest_run, .irq = guest_irq,
	};
	uint64_t start, last_change, last_progress = 0, next_report;
	bool has_goal = o->workload == PVSPIN_WL_HAMMER && goal_set(&o->goal);
	bool hung;
	double elapsed_s;
	struct pvspin_result *snap = NULL;
	struct kvm_config cfg;
	unsigned int i, j;

	memset(r, 0, sizeof(*r));
	if (has_goal)
		snap = malloc(sizeof(*snap));
	vm->o = o;
	vm->ops = ops;
	vm->nr_vcpus = o->kvm.nr_vcpus;
	vm->locks = aligned_alloc(CACHELINE, sizeof(*vm->locks) *
				  nr_locks(o));
	vm->vcpu = aligned_alloc(CACHELINE, sizeof(*vm->vcpu) * vm->nr_vcpus);
	vm->arrival = calloc(vm->nr_vcpus, sizeof(int));
	vm->served = calloc(vm->nr_vcpus, sizeof(int));
	memset(vm->vcpu, 0, sizeof(*vm->vcpu) * vm->nr_vcpus);
	for (i = 0; i < nr_locks(o); i++) {
		memset(&vm->locks[i], 0, sizeof(vm->locks[i]));
		ops->init(vm->locks[i].lock);
		vm->locks[i].owner = -1;
	}
	ops->init(vm->irq_lock.lock);
	vm->irq_lock.owner = -1;
	guest.arg = vm;

	/* The 3.12 policy's threshold is a guest boot parameter. */
	cfg = o->kvm;
	if (o->spin_threshold != SPIN_THRESHOLD_DEFAULT &&
	    snprintf(cfg.cmdline, sizeof(cfg.cmdline), "pvspin_spins=%u %s",
		     o->spin_threshold, o->kvm.cmdline) >= (int)sizeof(cfg.cmdline)) {
		fprintf(stderr, "pvspin: guest command line too long with pvspin_spins=%u\n",
			o->spin_threshold);
		return 2;
	}
	current_vm = vm;
	machine_race_hook = NULL;
	if (o->workload == PVSPIN_WL_COMPLETION)
		machine_race_hook = completion_race_hook;
	else if (o->race_delay_ns || o->irq_at_halt || o->faults)
		machine_race_hook = delay_race_hook;
	xen_events_no_set_pending = o->xen_no_nesting_rule;
	if (kvm__init(&vm->kvm, &cfg))
		return 2;

	start = kvm__now_ns();
	last_change = start;
	next_report = start + 1000000000ull;
	kvm__start(&vm->kvm, &guest);
	for (;;) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		uint64_t now, p;

		nanosleep(&ts, NULL);
		now = kvm__now_ns();
		p = vm_progress(vm);
		if (p != last_progress) {
			last_progress = p;
			last_change = now;
		}
		if (o->workload == PVSPIN_WL_HAMMER &&
		    now - start >= o->seconds * 1e9)
			__atomic_store_n(&vm->stop, 1, __ATOMIC_RELAXED);
		if (has_goal) {
			vm_snapshot(vm, snap);
			if (!pvspin_goal_missing(&o->goal, snap, NULL, 0))
				__atomic_store_n(&vm->stop, 1,
						 __ATOMIC_RELAXED);
		}
		if (kvm__done(&vm->kvm))
			break;
		if (now - last_change > o->watchdog_s * 1e9) {
			r->hung = true;
			fprintf(stderr,
				"watchdog: no acquisition for %.1f s (%s, %d vCPUs on %d host CPUs); host state:\n",
				o->watchdog_s, o->img->name, o->kvm.nr_vcpus,
				o->kvm.nr_pcpus);
			kvm__dump(&vm->kvm, stderr);
			break;
		}
		if (o->progress && now >= next_report) {
			fprintf(stderr, "  %.0f s: %llu acquisitions\n",
				(now - start) / 1e9, (unsigned long long)p);
			next_report += 1000000000ull;
		}
	}
	elapsed_s = (kvm__now_ns() - start) / 1e9;
	hung = r->hung;
	free(snap);
	if (!hung)
		kvm__join(&vm->kvm);

	/* The sums the goal looks at, then the rest of the result. */
	vm_snapshot(vm, r);
	r->hung = hung;
	r->elapsed_s = elapsed_s;
	memcpy(r->first_error, vm->first_error, sizeof(r->first_error));
	r->pv_active = o->img->pv_active();
	r->preempt_hint = o->img->preempt_hint && o->img->preempt_hint();
	for (i = 0; i < (unsigned int)vm->nr_vcpus; i++) {
		r->per_vcpu[i] = __atomic_load_n(&vm->vcpu[i].acquisitions,
						 __ATOMIC_RELAXED);
		for (j = 0; j < PVSPIN_WAIT_BUCKETS; j++)
			r->wait_hist[j] += vm->vcpu[i].wait_hist[j];
		r->wait_ns += vm->vcpu[i].wait_ns;
		r->halts_per_vcpu[i] = __atomic_load_n(
			&vm->kvm.cpus[i].stat.halt_exits, __ATOMIC_RELAXED);
		r->polls_per_vcpu[i] = __atomic_load_n(
			&vm->kvm.cpus[i].stat.polls, __ATOMIC_RELAXED);
	}
	if (!r->hung && o->workload == PVSPIN_WL_HAMMER) {
		uint64_t counted = 0;

		for (i = 0; i < nr_locks(o); i++)
			counted += vm->locks[i].counter;
		if (counted != r->acquisitions && !r->errors)
			snprintf(r->first_error, sizeof(r->first_error),
				 "lost updates: %llu acquisitions, counter %llu",
				 (unsigned long long)r->acquisitions,
				 (unsigned long long)counted);
		if (counted != r->acquisitions)
			r->errors++;
	}
	r->rounds_done = vm->rounds_done;
	r->rounds_unchecked = vm->rounds_unchecked;
	r->race_hits = vm->race_hits;
	r->kicks_bad_apic = vm->kvm.kicks_bad_apic;
	r->hypercalls_bad_nr = vm->kvm.hypercalls_bad_nr;
	if (vm->kvm.console)
		snprintf(r->console, sizeof(r->console), "%s", vm->kvm.console);
	machine_race_hook = NULL;
	if (r->hung)
		return 3;
	kvm__exit(&vm->kvm);
	free(vm->locks);
	free(vm->vcpu);
	free(vm->arrival);
	free(vm->served);
	free(vm);
	return 0;
}

uint64_t pvspin_counter(const struct pvspin_result *r, const char *name)
{
	int i;

	for (i = 0; i < r->counters.nr; i++)
		if (!strcmp(r->counters.name[i], name))
			return r->counters.value[i];
	return 0;
}

_Static_assert(sizeof(((struct lock_slot *)0)->lock) >= 44,
	       "lock slot too small for the pthread mutex adapter");
