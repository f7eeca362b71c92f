// SPDX-License-Identifier: GPL-2.0
/*
 * Correctness tests of the PV ticket lock on the embedded host, TAP output.
 *
 * Every test runs in a child process: a VM whose vCPU stopped for good (a
 * lost kick) cannot hang the run.  Two watchdogs: the runner's progress
 * watchdog (no acquisition for a while: exit 3, with the host state), and
 * alarm() in the child as the last resort.
 *
 * Negative controls are tests too: a broken variant must be caught by the
 * same check that passes the real one, or the check proves nothing.
 *
 *   pvspin_test [--list] [--only SUBSTRING]
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uapi/linux/kvm_para.h>

#include "../../pvspin/vm.h"

#if defined(__SANITIZE_ADDRESS__)
#define BUILD_FLAVOUR	"asan"
#define SLOW		2
const char *__asan_default_options(void)
{
	return "exitcode=66:detect_leaks=0";
}
#elif defined(__SANITIZE_THREAD__)
#define BUILD_FLAVOUR	"tsan"
#define SLOW		4
const char *__tsan_default_options(void)
{
	return "exitcode=66:halt_on_error=1:report_signal_unsafe=0";
}
#else
#define BUILD_FLAVOUR	"release"
#define SLOW		1
#endif

/* Child exit codes. */
enum { T_PASS = 0, T_FAIL = 1, T_HUNG = 3, T_SANITIZER = 66 };

static char detail[512];

static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	fprintf(stderr, "  check failed: %s\n", detail);
	return T_FAIL;
}

/* Run the VM; a hung VM ends the child right here. */
static void run_vm(const struct pvspin_opts *o, struct pvspin_result *r)
{
	if (pvspin_vm_run(o, r) == 3) {
		fflush(NULL);
		_exit(T_HUNG);
	}
}

static void base(struct pvspin_opts *o, const struct pvspin_image *img,
		 int vcpus, int pcpus)
{
	char err[160];

	pvspin_opts_default(o);
	o->img = img;
	o->kvm.nr_vcpus = vcpus;
	o->kvm.nr_pcpus = pcpus;
	/* Sparse IDs throughout: a kick by CPU number would go astray. */
	pvspin_parse_apic_ids(&o->kvm, "sparse", err, sizeof(err));
	o->watchdog_s = 5 * SLOW;
}

static int nr_host_cpus(void)
{
	int cpus[KVM_MAX_VCPUS];

	return kvm__host_cpus(cpus, KVM_MAX_VCPUS);
}

static int pcpus(int want)
{
	int n = nr_host_cpus();

	return want < n ? want : n;
}

static int check_clean(const struct pvspin_result *r)
{
	if (r->errors)
		return fail("%llu errors, first: %s",
			    (unsigned long long)r->errors, r->first_error);
	if (r->kicks_bad_apic)
		return fail("%llu kicks to unknown APIC IDs",
			    (unsigned long long)r->kicks_bad_apic);
	return T_PASS;
}

static int check_slow_path_used(const struct pvspin_result *r)
{
	if (!pvspin_counter(r, "taken_slow") || !r->host.halt_exits ||
	    !pvspin_counter(r, "released_slow_kicked") ||
	    !r->host.kicks_received)
		return fail("slow path not exercised: taken_slow %llu, halts %llu, kicked %llu",
			    (unsigned long long)pvspin_counter(r, "taken_slow"),
			    (unsigned long long)r->host.halt_exits,
			    (unsigned long long)r->host.kicks_received);
	return T_PASS;
}

/* --- mutual exclusion, trylock, is_locked, ticket order, wraparound --- */

static int hammer(const struct pvspin_image *img, int vcpus, int npcpu,
		  bool want_slow)
{
	struct pvspin_opts o;
	struct pvspin_result r;
	int ret;

	base(&o, img, vcpus, pcpus(npcpu));
	o.seconds = 2;
	o.trylock_pct = 20;
	o.spin_threshold = 2000;
	run_vm(&o, &r);
	if ((ret = check_clean(&r)))
		return ret;
	/* Contended: trylock mostly finds it busy and falls back to lock. */
	if (!r.trylock_fail)
		return fail("trylock never found the lock busy (%llu taken)",
			    (unsigned long long)r.trylock_ok);
	if (want_slow && (ret = check_slow_path_used(&r)))
		return ret;
	snprintf(detail, sizeof(detail), "%llu acquisitions, %llu slow",
		 (unsigned long long)r.acquisitions,
		 (unsigned long long)pvspin_counter(&r, "taken_slow"));
	return T_PASS;
}

static int t_mutex_pv(const void *arg)
{
	return hammer(&pvspin_image_pv, 8, 2, true);
}

static int t_mutex_pv16(const void *arg)
{
	return hammer(&pvspin_image_pv16, 8, 2, true);
}

static int t_mutex_native(const void *arg)
{
	return hammer(&pvspin_image_native, 4, 2, false);
}

/* Negative control: no lock at all must be caught by the same checks. */
static int t_neg_mutex_none(const void *arg)
{
	struct pvspin_opts o;
	struct pvspin_result r;

	base(&o, &pvspin_image_none, 4, pcpus(2));
	o.seconds = 1;
	run_vm(&o, &r);
	if (!r.errors)
		return fail("a lock-less run passed the race detector (%llu acquisitions)",
			    (unsigned long long)r.acquisitions);
	snprintf(detail, sizeof(detail), "caught: %s", r.first_error);
	return T_PASS;
}

/* Many wraparounds of the ticket counters, checked by the order check. */
static int wrap(const struct pvspin_image *img, uint64_t wraps)
{
	struct pvspin_opts o;
	struct pvspin_result r;
	uint64_t per_wrap = (1ull << img->ops->ticket_bits) / img->ops->ticket_inc;
	int ret;

	base(&o, img, 2, pcpus(2));
	o.seconds = 1.5;
	o.cs_loops = 0;
	o.trylock_pct = 10;
	run_vm(&o, &r);
	if ((ret = check_clean(&r)))
		return ret;
	if (!r.trylock_ok)
		return fail("trylock never succeeded (%llu busy)",
			    (unsigned long long)r.trylock_fail);
	if (r.acquisitions < wraps * per_wrap)
		return fail("only %llu acquisitions: fewer than %llu wraps of %llu tickets",
			    (unsigned long long)r.acquisitions,
			    (unsigned long long)wraps,
			    (unsigned long long)per_wrap);
	snprintf(detail, sizeof(detail), "%llu wraps, %llu by trylock",
		 (unsigned long long)(r.acquisitions / per_wrap),
		 (unsigned long long)r.trylock_ok);
	return T_PASS;
}

static int t_wrap_pv(const void *arg)
{
	return wrap(&pvspin_image_pv, 1000 / SLOW);
}

static int t_wrap_pv16(const void *arg)
{
	return wrap(&pvspin_image_pv16, 3);
}

/* --- FIFO: service order equals ticket order --- */

static int fifo(const struct pvspin_image *img, int vcpus, bool expect_fifo)
{
	struct pvspin_opts o;
	struct pvspin_result r;
	int ret;

	base(&o, img, vcpus, pcpus(2));
	o.workload = PVSPIN_WL_FIFO;
	o.rounds = 60 / SLOW;
	o.spin_threshold = 256;
	o.watchdog_s = 10 * SLOW;
	run_vm(&o, &r);
	if (!expect_fifo) {
		if (!r.errors)
			return fail("an unfair lock passed the FIFO check in %llu rounds",
				    (unsigned long long)r.rounds_done);
		snprintf(detail, sizeof(detail), "caught: %s", r.first_error);
		return T_PASS;
	}
	if ((ret = check_clean(&r)))
		return ret;
	if (r.rounds_done != o.rounds)
		return fail("%llu of %u rounds", (unsigned long long)r.rounds_done,
			    o.rounds);
	if (img->paravirt && (ret = check_slow_path_used(&r)))
		return ret;
	snprintf(detail, sizeof(detail), "%u rounds of %d arrivals, %llu halts",
		 o.rounds, vcpus - 1, (unsigned long long)r.host.halt_exits);
	return T_PASS;
}

static int t_fifo_pv(const void *arg)
{
	return fifo(&pvspin_image_pv, 8, true);
}

static int t_fifo_native(const void *arg)
{
	return fifo(&pvspin_image_native, 5, true);
}

static int t_neg_fifo_tas(const void *arg)
{
	return fifo(&pvspin_image_tas, 8, false);
}

/* --- no lost wakeup --- */

struct wake_case {
	const struct pvspin_image *img;
	int vcpus, npcpu;
	bool irqsave, tick, nested;
	bool no_latch, break_kick;	/* negative controls */
};

static int lost_wakeup(const void *arg)
{
	const struct wake_case *c = arg;
	struct pvspin_opts o;
	struct pvspin_result r;
	bool negative = c->no_latch || c->break_kick;
	int ret;

	base(&o, c->img, c->vcpus, pcpus(c->npcpu));
	o.seconds = negative ? 20 : 4;
	o.spin_threshold = 500;
	o.cs_loops = 50;
	o.irqsave = c->irqsave;
	o.irq_nested = c->nested;
	o.kvm.tick_ns = c->tick ? 1000000 : 0;
	o.kvm.exit_cost_ns = 2000;
	o.race_delay_ns = 20000;
	o.kvm.no_unhalt_latch = c->no_latch;
	o.break_kick = c->break_kick;
	o.watchdog_s = negative ? 2 : 5 * SLOW;
	if (negative) {
		/* A hang is the expected outcome: run_vm() exits with it. */
		run_vm(&o, &r);
		return fail("the broken variant ran %.1f s without losing a wakeup (%llu halts)",
			    r.elapsed_s, (unsigned long long)r.host.halt_exits);
	}
	run_vm(&o, &r);
	if ((ret = check_clean(&r)) || (ret = check_slow_path_used(&r)))
		return ret;
	if (c->nested && !r.irq_acquisitions)
		return fail("no lock taken in interrupt context");
	snprintf(detail, sizeof(detail),
		 "%llu acquisitions, %llu halts, %llu kicks, %llu spurious, %llu in irq",
		 (unsigned long long)r.acquisitions,
		 (unsigned long long)r.host.halt_exits,
		 (unsigned long long)r.host.kicks_received,
		 (unsigned long long)pvspin_counter(&r, "taken_slow_spurious"),
		 (unsigned long long)r.irq_acquisitions);
	return T_PASS;
}

/*
 * With the tick on, a process-context waiter (safe_halt) whose kick is
 * lost is woken by the next tick: the loss costs latency, not a hang, and
 * this configuration cannot see it (the irqs-off cases can).  What
 * it can see is a lost kick to a waiter in an interrupt handler, which
 * halts with interrupts off: its negative control is below.
 */
static const struct wake_case wake_16on1_irqoff = {
	&pvspin_image_pv, 16, 1, .irqsave = true };
static const struct wake_case wake_16on2_irqoff = {
	&pvspin_image_pv, 16, 2, .irqsave = true };
static const struct wake_case wake_16on2_nested = {
	&pvspin_image_pv, 16, 2, .tick = true, .nested = true };
static const struct wake_case wake_pv16_16on1 = {
	&pvspin_image_pv16, 16, 1, .irqsave = true };
static const struct wake_case neg_wake_no_latch = {
	&pvspin_image_pv, 16, 2, .irqsave = true, .no_latch = true };
static const struct wake_case neg_wake_skip_kick = {
	&pvspin_image_pv, 16, 2, .irqsave = true, .break_kick = true };
static const struct wake_case neg_wake_nested_skip_kick = {
	&pvspin_image_pv, 16, 2, .tick = true, .nested = true,
	.break_kick = true };

/* 16-bit tickets with more vCPUs than 8-bit tickets could number. */
static int t_mutex_pv16_160(const void *arg)
{
	struct pvspin_opts o;
	struct pvspin_result r;
	int ret;

	base(&o, &pvspin_image_pv16, 160, pcpus(2));
	o.seconds = 3;
	o.spin_threshold = 200;
	o.watchdog_s = 10 * SLOW;
	run_vm(&o, &r);
	if ((ret = check_clean(&r)) || (ret = check_slow_path_used(&r)))
		return ret;
	snprintf(detail, sizeof(detail), "%llu acquisitions, %llu halts",
		 (unsigned long long)r.acquisitions,
		 (unsigned long long)r.host.halt_exits);
	return T_PASS;
}

/* --- no access after release --- */

static int completion(bool unlock_312)
{
	struct pvspin_opts o;
	struct pvspin_result r;
	int ret;

	base(&o, &pvspin_image_pv, 2, pcpus(2));
	o.workload = PVSPIN_WL_COMPLETION;
	o.rounds = 200;
	o.spin_threshold = 64;
	o.unlock_312 = unlock_312;
	run_vm(&o, &r);
	if (unlock_312)
		return fail("the 3.12 unlock was not caught touching a freed lock");
	if ((ret = check_clean(&r)))
		return ret;
	if (r.rounds_done != o.rounds || r.rounds_unchecked ||
	    r.race_hits != o.rounds)
		return fail("%llu rounds done, %llu unlocks held in the window, %llu not freed inside it",
			    (unsigned long long)r.rounds_done,
			    (unsigned long long)r.race_hits,
			    (unsigned long long)r.rounds_unchecked);
	snprintf(detail, sizeof(detail),
		 "%u objects freed between release and kick", o.rounds);
	return T_PASS;
}

static int t_completion(const void *arg)
{
	return completion(false);
}

static int t_neg_completion_312(const void *arg)
{
	return completion(true);
}

/* --- NMI context spins --- */

static int nmi(bool in_nmi)
{
	struct pvspin_opts o;
	struct pvspin_result r;

	base(&o, &pvspin_image_pv, 2, pcpus(2));
	o.workload = PVSPIN_WL_NMI;
	o.rounds = 20;
	o.spin_threshold = 200;
	o.nmi = in_nmi;
	run_vm(&o, &r);
	if (r.errors || r.rounds_done != o.rounds)
		return fail("%llu rounds, errors: %s",
			    (unsigned long long)r.rounds_done, r.first_error);
	if (in_nmi && (r.halts_per_vcpu[1] || pvspin_counter(&r, "taken_slow")))
		return fail("NMI-context waiter halted %llu times",
			    (unsigned long long)r.halts_per_vcpu[1]);
	if (!in_nmi && !r.halts_per_vcpu[1])
		return fail("control: a waiter outside NMI never halted");
	snprintf(detail, sizeof(detail), "waiter halts: %llu",
		 (unsigned long long)r.halts_per_vcpu[1]);
	return T_PASS;
}

static int t_nmi(const void *arg)
{
	return nmi(true);
}

static int t_nmi_control(const void *arg)
{
	return nmi(false);
}

/* --- PV stays off --- */

static int pv_off(const char *cmdline, bool no_unhalt, bool realtime,
		  int vcpus, const char *reason)
{
	struct pvspin_opts o;
	struct pvspin_result r;
	int i, ret;

	base(&o, &pvspin_image_pv, vcpus, pcpus(2));
	o.seconds = 1;
	o.spin_threshold = 200;
	snprintf(o.kvm.cmdline, sizeof(o.kvm.cmdline), "%s", cmdline);
	o.kvm.pv_unhalt = !no_unhalt;
	o.kvm.realtime_hint = realtime;
	run_vm(&o, &r);
	if ((ret = check_clean(&r)))
		return ret;
	if (r.pv_active)
		return fail("static key on");
	for (i = 0; i < r.counters.nr; i++)
		if (r.counters.value[i])
			return fail("%s = %llu", r.counters.name[i],
				    (unsigned long long)r.counters.value[i]);
	if (r.host.hypercalls || r.host.halt_exits)
		return fail("%llu hypercalls, %llu halts",
			    (unsigned long long)r.host.hypercalls,
			    (unsigned long long)r.host.halt_exits);
	if (!strstr(r.console, reason))
		return fail("log does not say \"%s\": %s", reason, r.console);
	snprintf(detail, sizeof(detail), "%llu acquisitions; log: %s",
		 (unsigned long long)r.acquisitions, reason);
	return T_PASS;
}

static int t_off_nopvspin(const void *arg)
{
	return pv_off("quiet nopvspin", false, false, 4, "\"nopvspin\"");
}

static int t_off_no_unhalt(const void *arg)
{
	return pv_off("", true, false, 4, "no KVM_FEATURE_PV_UNHALT");
}

static int t_off_realtime(const void *arg)
{
	return pv_off("", false, true, 4, "KVM_HINTS_REALTIME");
}

static int t_off_one_vcpu(const void *arg)
{
	return pv_off("", false, false, 1, "one vCPU");
}

/* --- host semantics, no guest --- */

static int t_host_abi(const void *arg)
{
	struct kvm_config cfg = { .nr_vcpus = 2, .nr_pcpus = 1,
				  .apic_ids = { 4, 7 }, .pv_unhalt = true };
	struct kvm kvm;
	struct kvm_mp_state mp;
	struct kvm_cpu *a, *b;
	long ret;

	if (kvm__init(&kvm, &cfg))
		return fail("kvm__init");
	a = &kvm.cpus[0];
	b = &kvm.cpus[1];
	ret = kvm_cpu__hypercall(a, 99, 0, 0, 0, 0);
	if (ret != -KVM_ENOSYS)
		return fail("unknown hypercall returned %ld", ret);
	ret = kvm_cpu__hypercall(a, KVM_HC_KICK_CPU, 0, 1, 0, 0);
	if (ret || kvm.kicks_bad_apic != 1 || b->pv_unhalted)
		return fail("kick to APIC ID 1 (the CPU number): ret %ld, counted %llu",
			    ret, (unsigned long long)kvm.kicks_bad_apic);
	/* A kick to a running vCPU is latched... */
	ret = kvm_cpu__hypercall(a, KVM_HC_KICK_CPU, 0, 7, 0, 0);
	if (ret || !b->pv_unhalted)
		return fail("kick to a running vCPU not latched");
	/* ...and a halted vCPU with a kick pending reports RUNNABLE. */
	b->mp_state = KVM_MP_STATE_HALTED;
	kvm_cpu__get_mp_state(b, &mp);
	if (mp.mp_state != KVM_MP_STATE_RUNNABLE)
		return fail("halted+kicked vCPU reported mp_state %u", mp.mp_state);
	b->pv_unhalted = false;
	kvm_cpu__get_mp_state(b, &mp);
	if (mp.mp_state != KVM_MP_STATE_HALTED)
		return fail("halted vCPU reported mp_state %u", mp.mp_state);
	/* Without the feature bit the hypercall does not exist. */
	kvm.cfg.pv_unhalt = false;
	ret = kvm_cpu__hypercall(a, KVM_HC_KICK_CPU, 0, 7, 0, 0);
	if (ret != -KVM_ENOSYS || b->pv_unhalted)
		return fail("KICK_CPU without PV_UNHALT returned %ld", ret);
	kvm__exit(&kvm);
	snprintf(detail, sizeof(detail), "ENOSYS, bad APIC ID, latch, MP state");
	return T_PASS;
}

/* A kick before the HLT: the HLT must return at once. */
static void self_kick_run(void *arg)
{
	struct kvm_cpu *vcpu = kvm_cpu__current();

	if (vcpu->cpu_id != 0)
		return;
	machine_cpu->if_flag = 0;
	machine_vmcall(KVM_HC_KICK_CPU, 0, vcpu->apic_id, 0, 0);
	machine_hlt();
}

static void nop_boot(void *arg)
{
}

static int kick_before_halt(bool no_latch)
{
	struct kvm_config cfg = { .nr_vcpus = 2, .nr_pcpus = 1,
				  .apic_ids = { 3, 9 }, .pv_unhalt = true,
				  .no_unhalt_latch = no_latch };
	struct kvm_guest guest = { .boot = nop_boot, .run = self_kick_run };
	struct kvm kvm;
	unsigned int i;

	if (kvm__init(&kvm, &cfg))
		return fail("kvm__init");
	kvm__start(&kvm, &guest);
	for (i = 0; i < 200 && !kvm__done(&kvm); i++)
		usleep(10000);
	if (!kvm__done(&kvm)) {
		if (no_latch) {
			/* The vCPU stays blocked; the child exits with it. */
			snprintf(detail, sizeof(detail),
				 "caught: HLT after the kick blocked");
			return T_PASS;
		}
		return fail("HLT after a latched kick blocked");
	}
	kvm__join(&kvm);
	if (no_latch)
		return fail("a host without the latch did not block");
	if (kvm.cpus[0].stat.halt_no_block != 1)
		return fail("halt_no_block %llu",
			    (unsigned long long)kvm.cpus[0].stat.halt_no_block);
	kvm__exit(&kvm);
	snprintf(detail, sizeof(detail), "HLT returned at once");
	return T_PASS;
}

static int t_host_latch(const void *arg)
{
	return kick_before_halt(false);
}

static int t_neg_host_latch(const void *arg)
{
	return kick_before_halt(true);
}

/* --- the table --- */

enum expect { PASS, HANG, SANITIZER };

struct test {
	const char *name;
	int (*fn)(const void *arg);
	const void *arg;
	enum expect expect;	/* what the child must end with */
	const char *flavours;	/* builds it runs in */
	int timeout_s;
};

#define ALL	"release asan tsan"
#define NOTSAN	"release asan"

static const struct test tests[] = {
	{ "host: hypercall ABI, latch, MP state", t_host_abi, NULL, PASS, ALL, 10 },
	{ "host: a kick before HLT is latched", t_host_latch, NULL, PASS, ALL, 10 },
	{ "negative: host without the latch blocks", t_neg_host_latch, NULL, PASS, NOTSAN, 10 },
	{ "mutex: pv, 8 vCPUs on 2, trylock mixed in", t_mutex_pv, NULL, PASS, ALL, 60 },
	{ "mutex: pv16 (16-bit tickets)", t_mutex_pv16, NULL, PASS, ALL, 60 },
	{ "mutex: pv16, 160 vCPUs on 2", t_mutex_pv16_160, NULL, PASS, NOTSAN, 90 },
	{ "mutex: native", t_mutex_native, NULL, PASS, ALL, 60 },
	{ "negative: no lock is caught by the race detector", t_neg_mutex_none, NULL, PASS, "release", 60 },
	{ "wraparound: pv, 8-bit tickets", t_wrap_pv, NULL, PASS, ALL, 60 },
	{ "wraparound: pv16, 16-bit tickets", t_wrap_pv16, NULL, PASS, NOTSAN, 60 },
	{ "fifo: pv, service order = ticket order", t_fifo_pv, NULL, PASS, ALL, 120 },
	{ "fifo: native", t_fifo_native, NULL, PASS, ALL, 120 },
	{ "negative: test-and-set is caught by the FIFO check", t_neg_fifo_tas, NULL, PASS, "release", 120 },
	{ "no lost wakeup: 16 vCPUs on 1, irqs off", lost_wakeup, &wake_16on1_irqoff, PASS, ALL, 90 },
	{ "no lost wakeup: 16 vCPUs on 2, irqs off", lost_wakeup, &wake_16on2_irqoff, PASS, ALL, 90 },
	{ "no lost wakeup: 16 on 2, ticks, nested slow paths", lost_wakeup, &wake_16on2_nested, PASS, ALL, 90 },
	{ "no lost wakeup: pv16, 16 vCPUs on 1", lost_wakeup, &wake_pv16_16on1, PASS, NOTSAN, 90 },
	{ "negative: host without the pv_unhalted latch hangs", lost_wakeup, &neg_wake_no_latch, HANG, "release", 60 },
	{ "negative: unlock that skips the kick hangs", lost_wakeup, &neg_wake_skip_kick, HANG, "release", 60 },
	{ "negative: nested case, unlock that skips the kick hangs", lost_wakeup, &neg_wake_nested_skip_kick, HANG, "release", 60 },
	{ "no access after release: lock freed before the kick", t_completion, NULL, PASS, ALL, 60 },
	{ "negative: 3.12 unlock reads the freed lock (ASan)", t_neg_completion_312, NULL, SANITIZER, "asan", 60 },
	{ "nmi: a waiter in NMI context never halts", t_nmi, NULL, PASS, ALL, 60 },
	{ "nmi: control, outside NMI the waiter halts", t_nmi_control, NULL, PASS, ALL, 60 },
	{ "pv off: nopvspin", t_off_nopvspin, NULL, PASS, ALL, 30 },
	{ "pv off: no PV_UNHALT", t_off_no_unhalt, NULL, PASS, ALL, 30 },
	{ "pv off: REALTIME hint", t_off_realtime, NULL, PASS, ALL, 30 },
	{ "pv off: one vCPU", t_off_one_vcpu, NULL, PASS, ALL, 30 },
};

static int run_one(const struct test *t, char *msg, size_t len)
{
	int pipefd[2], status;
	pid_t pid;
	ssize_t n;

	if (pipe(pipefd))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int ret;

		close(pipefd[0]);
		alarm(t->timeout_s * SLOW);
		ret = t->fn(t->arg);
		if (write(pipefd[1], detail, strlen(detail)) < 0)
			ret = T_FAIL;
		fflush(NULL);
		_exit(ret);
	}
	close(pipefd[1]);
	n = read(pipefd[0], msg, len - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	bool list = false;
	int i, nr = 0, failed = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--list"))
			list = true;
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else {
			fprintf(stderr, "usage: %s [--list] [--only SUBSTRING]\n",
				argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < (int)(sizeof(tests) / sizeof(tests[0])); i++)
		if (strstr(tests[i].flavours, BUILD_FLAVOUR) &&
		    (!only || strstr(tests[i].name, only)))
			nr++;
	printf("1..%d\n", nr);
	nr = 0;
	for (i = 0; i < (int)(sizeof(tests) / sizeof(tests[0])); i++) {
		const struct test *t = &tests[i];
		char msg[512];
		int code;
		bool ok;

		if (!strstr(t->flavours, BUILD_FLAVOUR) ||
		    (only && !strstr(t->name, only)))
			continue;
		nr++;
		if (list) {
			printf("ok %d - [%s] %s # SKIP listed only\n", nr,
			       BUILD_FLAVOUR, t->name);
			continue;
		}
		code = run_one(t, msg, sizeof(msg));
		switch (t->expect) {
		case HANG:
			ok = code == T_HUNG;
			if (ok)
				snprintf(msg, sizeof(msg), "caught: the watchdog fired");
			break;
		case SANITIZER:
			ok = code == T_SANITIZER;
			if (ok)
				snprintf(msg, sizeof(msg), "caught: AddressSanitizer report");
			break;
		default:
			ok = code == T_PASS;
			break;
		}
		if (!ok && !msg[0])
			snprintf(msg, sizeof(msg), "child ended with %s %d",
				 code > 128 ? "signal" : "code",
				 code > 128 ? code - 128 : code);
		printf("%sok %d - [%s] %s # %s\n", ok ? "" : "not ", nr,
		       BUILD_FLAVOUR, t->name, msg);
		failed += !ok;
	}
	return failed ? 1 : 0;
}
