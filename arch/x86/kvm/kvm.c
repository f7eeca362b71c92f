// SPDX-License-Identifier: GPL-2.0
/*
 * The embedded host: VM lifecycle, vCPU threads and their pinning, the
 * start gate, the periodic tick, the console and the firmware tables.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kvm.h"

static __thread struct kvm_cpu *current_vcpu;
/* Firmware queries from outside a vCPU (reading guest state) see this VM. */
static struct kvm *kvm_booted;

static void __attribute__((noreturn)) kvm__die(const char *file, int line,
					       const char *what, int err)
{
	fprintf(stderr, "%s:%d: %s: %s\n", file, line, what, strerror(err));
	exit(70);
}

#define KVM_CHECK(call)							\
do {									\
	int __kc_err = (call);						\
	if (__kc_err)							\
		kvm__die(__FILE__, __LINE__, #call, __kc_err);		\
} while (0)

uint64_t kvm__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void kvm__spend(uint64_t ns)
{
	uint64_t end;

	if (!ns)
		return;
	end = kvm__now_ns() + ns;
	while (kvm__now_ns() < end)
		__asm__ __volatile__("pause");
}

uint64_t kvm__random(void)
{
	static __thread uint64_t s;

	if (!s)
		s = kvm__now_ns() | 1;
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

bool kvm_cpu__spurious_wakeup(struct kvm_cpu *vcpu)
{
	unsigned int every = vcpu->kvm->cfg.spurious_wakeup_every;

	if (!every || kvm__random() % every)
		return false;
	vcpu->stat.spurious_wakeups++;
	return true;
}

void kvm__delay_kick(struct kvm *kvm)
{
	if (kvm->cfg.kick_delay_ns)
		kvm__spend(kvm__random() % kvm->cfg.kick_delay_ns);
}

int kvm__host_cpus(int *cpus, int max)
{
	cpu_set_t set;
	int cpu, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		kvm__die(__FILE__, __LINE__, "sched_getaffinity", errno);
	for (cpu = 0; cpu < CPU_SETSIZE && n < max; cpu++)
		if (CPU_ISSET(cpu, &set))
			cpus[n++] = cpu;
	return n;
}

int kvm__check_config(const struct kvm_config *cfg, char *err, size_t len)
{
	int host[KVM_MAX_VCPUS];
	int nr_host = kvm__host_cpus(host, KVM_MAX_VCPUS);
	int i, j;

	if (cfg->nr_vcpus < 1 || cfg->nr_vcpus > KVM_MAX_VCPUS) {
		snprintf(err, len, "vcpus %d out of range 1..%d",
			 cfg->nr_vcpus, KVM_MAX_VCPUS);
		return -1;
	}
	if (cfg->nr_pcpus < 1 || cfg->nr_pcpus > nr_host) {
		snprintf(err, len,
			 "pcpus %d out of range 1..%d (host CPUs this process may use)",
			 cfg->nr_pcpus, nr_host);
		return -1;
	}
	for (i = 0; i < cfg->nr_vcpus; i++) {
		if (cfg->apic_ids[i] > 0xfffe) {
			snprintf(err, len, "APIC ID %u of vCPU %d above 0xfffe",
				 cfg->apic_ids[i], i);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (cfg->apic_ids[i] == cfg->apic_ids[j]) {
				snprintf(err, len,
					 "APIC ID %u given to vCPUs %d and %d",
					 cfg->apic_ids[i], j, i);
				return -1;
			}
	}
	return 0;
}

int kvm__init(struct kvm *kvm, const struct kvm_config *cfg)
{
	char err[160];
	pthread_condattr_t cond_attr;
	int i;

	if (kvm__check_config(cfg, err, sizeof(err))) {
		fprintf(stderr, "kvm: %s\n", err);
		return -1;
	}
	memset(kvm, 0, sizeof(*kvm));
	kvm->cfg = *cfg;
	kvm->nr_cpus = cfg->nr_vcpus;
	kvm->nr_host_cpus = kvm__host_cpus(kvm->host_cpus, KVM_MAX_VCPUS);
	kvm->cpus = calloc(kvm->nr_cpus, sizeof(*kvm->cpus));
	if (!kvm->cpus)
		kvm__die(__FILE__, __LINE__, "calloc vcpus", ENOMEM);
	/* Timed waits (SCHEDOP_poll timeouts) use the host's monotonic clock. */
	KVM_CHECK(pthread_condattr_init(&cond_attr));
	KVM_CHECK(pthread_condattr_setclock(&cond_attr, CLOCK_MONOTONIC));
	KVM_CHECK(pthread_mutex_init(&kvm->gate_mutex, NULL));
	KVM_CHECK(pthread_cond_init(&kvm->gate_cond, NULL));
	KVM_CHECK(pthread_mutex_init(&kvm->console_mutex, NULL));
	if (cfg->xen)
		kvm_xen__init(kvm);
	for (i = 0; i < kvm->nr_cpus; i++) {
		struct kvm_cpu *vcpu = &kvm->cpus[i];

		vcpu->kvm = kvm;
		vcpu->cpu_id = i;
		vcpu->apic_id = cfg->apic_ids[i];
		/* vCPU i runs on host CPU i mod M: M < N is overcommit. */
		vcpu->host_cpu = kvm->host_cpus[i % cfg->nr_pcpus];
		vcpu->arch.cpu = i;
		vcpu->arch.if_flag = 1;
		vcpu->arch.ple_window = cfg->ple_window_cycles;
		vcpu->arch.ple_gap = cfg->ple_gap_cycles;
		vcpu->mp_state = KVM_MP_STATE_RUNNABLE;
		KVM_CHECK(pthread_mutex_init(&vcpu->mutex, NULL));
		KVM_CHECK(pthread_cond_init(&vcpu->cond, &cond_attr));
	}
	return 0;
}

struct kvm_cpu *kvm_cpu__current(void)
{
	return current_vcpu;
}

static void *kvm_cpu__thread(void *opaque)
{
	struct kvm_cpu *vcpu = opaque;
	struct kvm *kvm = vcpu->kvm;

	current_vcpu = vcpu;
	machine_cpu = &vcpu->arch;

	if (vcpu->cpu_id == 0) {
		kvm->guest.boot(kvm->guest.arg);
		/* From here on, code is not patched. */
		__atomic_store_n(&machine_smp_running, 1, __ATOMIC_SEQ_CST);
		pthread_mutex_lock(&kvm->gate_mutex);
		kvm->gate_open = 1;
		pthread_cond_broadcast(&kvm->gate_cond);
		pthread_mutex_unlock(&kvm->gate_mutex);
	} else {
		pthread_mutex_lock(&kvm->gate_mutex);
		while (!kvm->gate_open)
			pthread_cond_wait(&kvm->gate_cond, &kvm->gate_mutex);
		pthread_mutex_unlock(&kvm->gate_mutex);
	}

	kvm->guest.run(kvm->guest.arg);
	__atomic_fetch_add(&kvm->vcpus_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void *kvm__tick_thread(void *opaque)
{
	struct kvm *kvm = opaque;
	struct timespec next;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!__atomic_load_n(&kvm->shutdown, __ATOMIC_ACQUIRE)) {
		next.tv_nsec += kvm->cfg.tick_ns;
		while (next.tv_nsec >= 1000000000) {
			next.tv_nsec -= 1000000000;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		for (i = 0; i < kvm->nr_cpus; i++)
			kvm_cpu__inject_irq(&kvm->cpus[i]);
	}
	return NULL;
}

void kvm__start(struct kvm *kvm, const struct kvm_guest *guest)
{
	int i;

	kvm->guest = *guest;
	kvm_booted = kvm;
	__atomic_store_n(&machine_smp_running, 0, __ATOMIC_SEQ_CST);
	for (i = 0; i < kvm->nr_cpus; i++) {
		struct kvm_cpu *vcpu = &kvm->cpus[i];
		pthread_attr_t attr;
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(vcpu->host_cpu, &set);
		KVM_CHECK(pthread_attr_init(&attr));
		KVM_CHECK(pthread_attr_setaffinity_np(&attr, sizeof(set), &set));
		KVM_CHECK(pthread_create(&vcpu->thread, &attr, kvm_cpu__thread,
					 vcpu));
		pthread_attr_destroy(&attr);
	}
	if (kvm->cfg.tick_ns) {
		KVM_CHECK(pthread_create(&kvm->tick_thread, NULL,
					 kvm__tick_thread, kvm));
		kvm->tick_running = 1;
	}
}

bool kvm__done(struct kvm *kvm)
{
	return __atomic_load_n(&kvm->vcpus_done, __ATOMIC_ACQUIRE) ==
	       kvm->nr_cpus;
}

void kvm__join(struct kvm *kvm)
{
	int i;

	for (i = 0; i < kvm->nr_cpus; i++)
		KVM_CHECK(pthread_join(kvm->cpus[i].thread, NULL));
	__atomic_store_n(&kvm->shutdown, 1, __ATOMIC_RELEASE);
	if (kvm->tick_running)
		KVM_CHECK(pthread_join(kvm->tick_thread, NULL));
	kvm->tick_running = 0;
}

void kvm__exit(struct kvm *kvm)
{
	if (kvm_booted == kvm)
		kvm_booted = NULL;
	free(kvm->cpus);
	free(kvm->console);
	kvm->cpus = NULL;
	kvm->console = NULL;
}

static const char *mp_state_name(unsigned int state)
{
	switch (state) {
	case KVM_MP_STATE_RUNNABLE:	return "RUNNABLE";
	case KVM_MP_STATE_HALTED:	return "HALTED";
	case KVM_MP_STATE_UNINITIALIZED: return "UNINITIALIZED";
	default:			return "OTHER";
	}
}

void kvm__dump(struct kvm *kvm, FILE *out)
{
	uint64_t now = kvm__now_ns();
	int i;

	for (i = 0; i < kvm->nr_cpus; i++) {
		struct kvm_cpu *vcpu = &kvm->cpus[i];

		pthread_mutex_lock(&vcpu->mutex);
		fprintf(out,
			"  vcpu %d apic %u host-cpu %d %s%s pv_unhalted=%d kicks=%llu halts=%llu polls=%llu events=%llu\n",
			i, vcpu->apic_id, vcpu->host_cpu,
			mp_state_name(vcpu->mp_state),
			vcpu->poll_ports ? " (SCHEDOP_poll)" : "",
			vcpu->pv_unhalted,
			(unsigned long long)vcpu->stat.kicks_received,
			(unsigned long long)vcpu->stat.halt_exits,
			(unsigned long long)vcpu->stat.polls,
			(unsigned long long)vcpu->stat.sends);
		if (vcpu->mp_state == KVM_MP_STATE_HALTED)
			fprintf(out, "    halted for %.1f ms\n",
				(now - vcpu->halted_since_ns) / 1e6);
		pthread_mutex_unlock(&vcpu->mutex);
	}
}

void kvm__stat_sum(struct kvm *kvm, struct kvm_cpu_stat *sum)
{
	int i;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < kvm->nr_cpus; i++) {
		struct kvm_cpu *vcpu = &kvm->cpus[i];

		pthread_mutex_lock(&vcpu->mutex);
		sum->hypercalls += __atomic_load_n(&vcpu->stat.hypercalls, __ATOMIC_RELAXED);
		sum->halt_exits += __atomic_load_n(&vcpu->stat.halt_exits, __ATOMIC_RELAXED);
		sum->halt_wakeup_kick += __atomic_load_n(&vcpu->stat.halt_wakeup_kick, __ATOMIC_RELAXED);
		sum->halt_wakeup_irq += __atomic_load_n(&vcpu->stat.halt_wakeup_irq, __ATOMIC_RELAXED);
		sum->halt_wakeup_other += __atomic_load_n(&vcpu->stat.halt_wakeup_other, __ATOMIC_RELAXED);
		sum->polls += __atomic_load_n(&vcpu->stat.polls, __ATOMIC_RELAXED);
		sum->poll_no_block += __atomic_load_n(&vcpu->stat.poll_no_block, __ATOMIC_RELAXED);
		sum->poll_wakeup_event += __atomic_load_n(&vcpu->stat.poll_wakeup_event, __ATOMIC_RELAXED);
		sum->poll_wakeup_irq += __atomic_load_n(&vcpu->stat.poll_wakeup_irq, __ATOMIC_RELAXED);
		sum->poll_timeouts += __atomic_load_n(&vcpu->stat.poll_timeouts, __ATOMIC_RELAXED);
		sum->sends += __atomic_load_n(&vcpu->stat.sends, __ATOMIC_RELAXED);
		sum->spurious_wakeups += __atomic_load_n(&vcpu->stat.spurious_wakeups, __ATOMIC_RELAXED);
		sum->halt_no_block += __atomic_load_n(&vcpu->stat.halt_no_block, __ATOMIC_RELAXED);
		sum->kicks_received += __atomic_load_n(&vcpu->stat.kicks_received, __ATOMIC_RELAXED);
		sum->kicks_dropped += __atomic_load_n(&vcpu->stat.kicks_dropped, __ATOMIC_RELAXED);
		sum->irqs_injected += __atomic_load_n(&vcpu->stat.irqs_injected, __ATOMIC_RELAXED);
		sum->irqs_taken += __atomic_load_n(&vcpu->stat.irqs_taken, __ATOMIC_RELAXED);
		sum->kick_yields += __atomic_load_n(&vcpu->stat.kick_yields, __ATOMIC_RELAXED);
		sum->ple_exits += __atomic_load_n(&vcpu->stat.ple_exits, __ATOMIC_RELAXED);
		sum->wakeups_timed += __atomic_load_n(&vcpu->stat.wakeups_timed, __ATOMIC_RELAXED);
		sum->wake_ns += __atomic_load_n(&vcpu->stat.wake_ns, __ATOMIC_RELAXED);
		pthread_mutex_unlock(&vcpu->mutex);
	}
}

/* --- the machine interface of tools/include/pvspin/machine.h --- */

void machine_console_write(const char *line)
{
	struct kvm_cpu *vcpu = current_vcpu;
	struct kvm *kvm;
	size_t len = strlen(line);

	if (!vcpu) {
		fputs(line, stderr);
		return;
	}
	kvm = vcpu->kvm;
	pthread_mutex_lock(&kvm->console_mutex);
	if (kvm->console_len + len + 2 > kvm->console_cap) {
		size_t cap = (kvm->console_cap + len + 2) * 2;
		char *p = realloc(kvm->console, cap);

		if (!p)
			kvm__die(__FILE__, __LINE__, "console", ENOMEM);
		kvm->console = p;
		kvm->console_cap = cap;
	}
	memcpy(kvm->console + kvm->console_len, line, len);
	kvm->console_len += len;
	if (!len || line[len - 1] != '\n')
		kvm->console[kvm->console_len++] = '\n';
	kvm->console[kvm->console_len] = '\0';
	if (kvm->cfg.echo_console)
		fprintf(stderr, "[guest] %s%s", line,
			len && line[len - 1] == '\n' ? "" : "\n");
	pthread_mutex_unlock(&kvm->console_mutex);
}

static struct kvm *kvm__firmware(void)
{
	return current_vcpu ? current_vcpu->kvm : kvm_booted;
}

int machine_nr_cpus(void)
{
	return kvm__firmware() ? kvm__firmware()->nr_cpus : 1;
}

unsigned int machine_apic_id(int cpu)
{
	return kvm__firmware() ? kvm__firmware()->cpus[cpu].apic_id : 0;
}

void *machine_xen_shared_info(void)
{
	struct kvm *kvm = kvm__firmware();

	return kvm && kvm->cfg.xen ? &kvm->xen.shinfo : NULL;
}

const char *machine_cmdline(void)
{
	return kvm__firmware() ? kvm__firmware()->cfg.cmdline : "";
}

void machine_hlt(void)
{
	if (!current_vcpu) {
		fprintf(stderr, "kvm: HLT outside a vCPU\n");
		abort();
	}
	kvm_cpu__halt(current_vcpu);
}

long machine_vmcall(unsigned long nr, unsigned long a0, unsigned long a1,
		    unsigned long a2, unsigned long a3)
{
	if (!current_vcpu) {
		fprintf(stderr, "kvm: VMCALL outside a vCPU\n");
		abort();
	}
	return kvm_cpu__hypercall(current_vcpu, nr, a0, a1, a2, a3);
}

void machine_cpuid(unsigned int leaf, unsigned int *eax, unsigned int *ebx,
		   unsigned int *ecx, unsigned int *edx)
{
	unsigned int regs[4] = { 0, 0, 0, 0 };

	if (current_vcpu)
		kvm_cpu__cpuid(current_vcpu, leaf, regs);
	*eax = regs[0];
	*ebx = regs[1];
	*ecx = regs[2];
	*edx = regs[3];
}

/* The exit of pause-loop exiting: the host gives the CPU away. */
void machine_ple_exit(void)
{
	if (!current_vcpu)
		return;
	__atomic_fetch_add(&current_vcpu->stat.ple_exits, 1, __ATOMIC_RELAXED);
	sched_yield();
}

void machine_take_irq(void)
{
	struct kvm_cpu *vcpu = current_vcpu;
	struct machine_cpu_state *m = machine_cpu;

	if (!vcpu)
		return;
	while (m->if_flag &&
	       __atomic_exchange_n(&m->irq_pending, 0, __ATOMIC_ACQ_REL)) {
		m->if_flag = 0;		/* the interrupt gate clears IF */
		m->irq_nesting++;
		__atomic_fetch_add(&vcpu->stat.irqs_taken, 1, __ATOMIC_RELAXED);
		if (vcpu->kvm->guest.irq)
			vcpu->kvm->guest.irq(vcpu->kvm->guest.arg);
		m->irq_nesting--;
		m->if_flag = 1;		/* IRET */
	}
}
