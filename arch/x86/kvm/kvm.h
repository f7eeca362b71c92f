/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The embedded host: a VM is a set of vCPU threads pinned onto host CPUs.
 * The host scheduler preempts vCPU threads as it preempts KVM's, HLT blocks
 * the thread until the vCPU is runnable, and KVM_HC_KICK_CPU makes it
 * runnable (pv_unhalted), exactly as KVM does.
 *
 * Naming: host functions are object__verb() (kvm__, kvm_cpu__) so that a
 * reader always knows which side of the ABI a line is on.
 */
#ifndef _PVSPIN_HOST_KVM_H
#define _PVSPIN_HOST_KVM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <pvspin/machine.h>
#include <uapi/linux/kvm.h>

#define KVM_MAX_VCPUS		256
#define KVM_MAX_CMDLINE		512

struct kvm_config {
	int nr_vcpus;
	int nr_pcpus;			/* host CPUs the vCPUs are pinned onto */
	unsigned int apic_ids[KVM_MAX_VCPUS];	/* 0..n-1 unless set */
	bool pv_unhalt;			/* CPUID 0x40000001 EAX bit 7 */
	bool realtime_hint;		/* CPUID 0x40000001 EDX bit 0 */
	char cmdline[KVM_MAX_CMDLINE];
	uint64_t exit_cost_ns;		/* host work per hypercall and HLT exit */
	uint64_t tick_ns;		/* periodic interrupt period, 0 = off */
	bool no_unhalt_latch;		/* broken host: drop kicks to running vCPUs */
	bool xen;			/* present the VM as Xen (xen.c) */
	bool xen_poll_ignores_pending;	/* broken host: poll waits for a new event */
	/*
	 * Fault injection (issue 7): a host that is slow and imprecise in ways
	 * a correct guest must tolerate.  Kicks and sends are delayed up to
	 * kick_delay_ns; 1 in spurious_wakeup_every HLTs or polls return
	 * without a reason (0 = never).
	 */
	uint64_t kick_delay_ns;
	unsigned int spurious_wakeup_every;
	bool echo_console;		/* print guest lines as they come */
	/*
	 * Host help for lock waiters, each off unless asked.
	 * yield_on_kick: a kick (KVM_HC_KICK_CPU; Xen: EVTCHNOP_send) that
	 * wakes a blocked vCPU pinned to the kicker's host CPU yields that
	 * CPU, as near as a userspace host comes to KVM's yield to the
	 * kicked vCPU (Linux 5.2) or Xen credit1's BOOST of a woken one.
	 * ple_window_cycles: pause-loop exiting, as VMX's PLE: PAUSEs at
	 * most ple_gap_cycles apart for longer than the window exit, and the
	 * host yields the CPU (KVM's defaults: gap 128, window 4096).
	 */
	bool yield_on_kick;
	uint64_t ple_window_cycles, ple_gap_cycles;
};

struct kvm;

struct kvm_cpu_stat {
	uint64_t hypercalls;
	uint64_t halt_exits;
	uint64_t halt_wakeup_kick;	/* ended by pv_unhalted */
	uint64_t halt_wakeup_irq;
	uint64_t halt_wakeup_other;	/* MP state set, or shutdown */
	uint64_t halt_no_block;		/* runnable already at the HLT */
	uint64_t kicks_received;
	uint64_t kicks_dropped;		/* no_unhalt_latch only */
	uint64_t irqs_injected;
	uint64_t irqs_taken;
	/* Xen */
	uint64_t polls;			/* SCHEDOP_poll calls */
	uint64_t poll_no_block;		/* a polled port was already pending */
	uint64_t poll_wakeup_event;
	uint64_t poll_wakeup_irq;
	uint64_t poll_timeouts;
	uint64_t sends;			/* EVTCHNOP_send received on our ports */
	uint64_t spurious_wakeups;	/* injected */
	uint64_t kick_yields;		/* yield_on_kick: the kicker yielded */
	uint64_t ple_exits;		/* pause-loop exits (each yields) */
	uint64_t wakeups_timed;		/* blocked vCPUs woken by a kick */
	uint64_t wake_ns;		/* ...and the time from kick to resume */
};

struct kvm_cpu {
	struct kvm *kvm;
	int cpu_id;			/* vCPU index = guest CPU number */
	unsigned int apic_id;
	int host_cpu;
	pthread_t thread;
	struct machine_cpu_state arch;	/* guest-visible state */

	pthread_mutex_t mutex;		/* protects the fields below */
	pthread_cond_t cond;
	unsigned int mp_state;
	bool pv_unhalted;
	uint64_t halted_since_ns;
	uint64_t kicked_at_ns;		/* the first kick of this block */
	/* Xen: ports this vCPU blocks on in SCHEDOP_poll, and events seen */
	const uint32_t *poll_ports;
	unsigned int nr_poll_ports;
	uint64_t events_received;
	struct kvm_cpu_stat stat;
};

/* What runs in the guest: the boot vCPU boots, then every vCPU runs. */
struct kvm_guest {
	void (*boot)(void *arg);
	void (*run)(void *arg);
	void (*irq)(void *arg);		/* interrupt handler, IF clear */
	void *arg;
};

#include "xen.h"

struct kvm {
	struct kvm_config cfg;
	struct kvm_xen xen;
	struct kvm_guest guest;
	int nr_cpus;
	struct kvm_cpu *cpus;
	int host_cpus[KVM_MAX_VCPUS];
	int nr_host_cpus;

	pthread_mutex_t gate_mutex;	/* the start gate */
	pthread_cond_t gate_cond;
	int gate_open;
	int vcpus_done;

	pthread_t tick_thread;
	int tick_running;
	int shutdown;

	uint64_t kicks_bad_apic;	/* KICK_CPU to an APIC ID nobody has */
	uint64_t hypercalls_bad_nr;	/* refused with an error, KVM or Xen */

	pthread_mutex_t console_mutex;
	char *console;			/* every guest line, '\n'-separated */
	size_t console_len, console_cap;
};

/* Validate @cfg; on error return -1 with a message naming the bad value. */
int kvm__check_config(const struct kvm_config *cfg, char *err, size_t len);
int kvm__init(struct kvm *kvm, const struct kvm_config *cfg);
/* Create and pin the vCPU threads, boot, open the gate. */
void kvm__start(struct kvm *kvm, const struct kvm_guest *guest);
/* True once every vCPU has returned from guest->run. */
bool kvm__done(struct kvm *kvm);
void kvm__join(struct kvm *kvm);
void kvm__exit(struct kvm *kvm);
void kvm__dump(struct kvm *kvm, FILE *out);
void kvm__stat_sum(struct kvm *kvm, struct kvm_cpu_stat *sum);

struct kvm_cpu *kvm_cpu__current(void);
struct kvm_cpu *kvm__find_apic(struct kvm *kvm, unsigned int apic_id);
void kvm_cpu__halt(struct kvm_cpu *vcpu);
long kvm_cpu__hypercall(struct kvm_cpu *vcpu, unsigned long nr,
			unsigned long a0, unsigned long a1,
			unsigned long a2, unsigned long a3);
/* Latch a kick (pv_unhalted); true if it woke a halted vCPU. */
bool kvm_cpu__kick(struct kvm_cpu *vcpu);
/* yield_on_kick: give @target our host CPU if it shares it. */
void kvm_cpu__yield_to(struct kvm_cpu *vcpu, struct kvm_cpu *target);
void kvm_cpu__inject_irq(struct kvm_cpu *vcpu);
void kvm_cpu__get_mp_state(struct kvm_cpu *vcpu, struct kvm_mp_state *mp);
void kvm_cpu__set_mp_state(struct kvm_cpu *vcpu,
			   const struct kvm_mp_state *mp);
void kvm_cpu__cpuid(struct kvm_cpu *vcpu, unsigned int leaf,
		    unsigned int regs[4]);

long kvm_xen__hypercall(struct kvm_cpu *vcpu, unsigned long nr,
			unsigned long a0, unsigned long a1);
void kvm_xen__cpuid(struct kvm_cpu *vcpu, unsigned int leaf,
		    unsigned int regs[4]);
void kvm_xen__init(struct kvm *kvm);
void kvm_xen__notify_vcpu(struct kvm_cpu *vcpu);
bool kvm_cpu__has_events(struct kvm_cpu *vcpu);

uint64_t kvm__now_ns(void);
/* Busy host work, as an exit costs; 0 ns costs nothing. */
void kvm__spend(uint64_t ns);
/* A per-thread pseudo-random number, for fault injection. */
uint64_t kvm__random(void);
/* Fault injection: true if this HLT or poll should return for no reason. */
bool kvm_cpu__spurious_wakeup(struct kvm_cpu *vcpu);
/* Fault injection: the delay a kick or send takes to arrive. */
void kvm__delay_kick(struct kvm *kvm);
/* Which host CPUs this process may run on; returns how many. */
int kvm__host_cpus(int *cpus, int max);

#endif /* _PVSPIN_HOST_KVM_H */
