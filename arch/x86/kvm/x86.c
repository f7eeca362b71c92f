// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU exits of the embedded host: HLT, the KVM hypercalls, CPUID,
 * interrupt injection and the MP state, with KVM's semantics.
 *
 * A vCPU is runnable when it has a latched kick (pv_unhalted) or a
 * pending interrupt it can take (IF set).  HLT blocks the vCPU thread
 * until it is runnable and consumes the latch.  KVM_HC_KICK_CPU sets the
 * target's pv_unhalted whatever the target is doing, so a kick that beats
 * the waiter to its HLT makes that HLT return at once.
 */
#define _GNU_SOURCE
#include <string.h>

#include <uapi/asm/kvm_para.h>
#include <uapi/linux/kvm_para.h>

#include "kvm.h"
#include "kvmclock.h"

bool kvm_cpu__has_events(struct kvm_cpu *vcpu)
{
	return vcpu->pv_unhalted ||
	       (vcpu->arch.if_flag &&
		__atomic_load_n(&vcpu->arch.irq_pending, __ATOMIC_ACQUIRE));
}

void kvm_cpu__halt(struct kvm_cpu *vcpu)
{
	struct kvm *kvm = vcpu->kvm;

	/* The exit itself: state save, the host's halt-polling decision... */
	kvm__spend(kvm->cfg.exit_cost_ns);

	pthread_mutex_lock(&vcpu->mutex);
	vcpu->stat.halt_exits++;
	if (kvm_cpu__has_events(vcpu)) {
		vcpu->stat.halt_no_block++;
	} else if (kvm_cpu__spurious_wakeup(vcpu)) {
		/* injected: the HLT returns for no reason */
	} else {
		vcpu->mp_state = KVM_MP_STATE_HALTED;
		vcpu->halted_since_ns = kvm__now_ns();
		while (vcpu->mp_state == KVM_MP_STATE_HALTED &&
		       !kvm_cpu__has_events(vcpu) &&
		       !__atomic_load_n(&kvm->shutdown, __ATOMIC_ACQUIRE))
			pthread_cond_wait(&vcpu->cond, &vcpu->mutex);
		if (vcpu->pv_unhalted) {
			vcpu->stat.halt_wakeup_kick++;
			vcpu->stat.wakeups_timed++;
			vcpu->stat.wake_ns += kvm__now_ns() - vcpu->kicked_at_ns;
		} else if (kvm_cpu__has_events(vcpu))
			vcpu->stat.halt_wakeup_irq++;
		else	/* KVM_SET_MP_STATE or VM shutdown */
			vcpu->stat.halt_wakeup_other++;
	}
	/* Woken: the latch is consumed, as KVM does on leaving HALTED. */
	vcpu->pv_unhalted = false;
	vcpu->mp_state = KVM_MP_STATE_RUNNABLE;
	pthread_mutex_unlock(&vcpu->mutex);
}

bool kvm_cpu__kick(struct kvm_cpu *vcpu)
{
	bool woke = false;

	pthread_mutex_lock(&vcpu->mutex);
	vcpu->stat.kicks_received++;
	if (vcpu->kvm->cfg.no_unhalt_latch &&
	    vcpu->mp_state != KVM_MP_STATE_HALTED) {
		/* The broken host of the negative control: no latch. */
		vcpu->stat.kicks_dropped++;
	} else {
		woke = vcpu->mp_state == KVM_MP_STATE_HALTED &&
		       !vcpu->pv_unhalted;
		if (woke)
			vcpu->kicked_at_ns = kvm__now_ns();
		vcpu->pv_unhalted = true;
		pthread_cond_signal(&vcpu->cond);
	}
	pthread_mutex_unlock(&vcpu->mutex);
	return woke;
}

void kvm_cpu__yield_to(struct kvm_cpu *vcpu, struct kvm_cpu *target)
{
	if (!vcpu->kvm->cfg.yield_on_kick || target == vcpu ||
	    target->host_cpu != vcpu->host_cpu)
		return;
	__atomic_fetch_add(&vcpu->stat.kick_yields, 1, __ATOMIC_RELAXED);
	sched_yield();
}

struct kvm_cpu *kvm__find_apic(struct kvm *kvm, unsigned int apic_id)
{
	int i;

	for (i = 0; i < kvm->nr_cpus; i++)
		if (kvm->cpus[i].apic_id == apic_id)
			return &kvm->cpus[i];
	return NULL;
}

long kvm_cpu__hypercall(struct kvm_cpu *vcpu, unsigned long nr,
			unsigned long a0, unsigned long a1,
			unsigned long a2, unsigned long a3)
{
	struct kvm *kvm = vcpu->kvm;
	struct kvm_cpu *target;

	kvm__spend(kvm->cfg.exit_cost_ns);
	__atomic_fetch_add(&vcpu->stat.hypercalls, 1, __ATOMIC_RELAXED);
	if (kvm->cfg.xen)
		return kvm_xen__hypercall(vcpu, nr, a0, a1);

	switch (nr) {
	case KVM_HC_KICK_CPU:
		/* Only offered with the feature bit, as KVM does. */
		if (!kvm->cfg.pv_unhalt)
			break;
		/* a0: flags, none defined; a1: the target's APIC ID. */
		target = kvm__find_apic(kvm, a1);
		if (!target) {
			__atomic_fetch_add(&kvm->kicks_bad_apic, 1,
					   __ATOMIC_RELAXED);
			return 0;
		}
		kvm__delay_kick(kvm);
		if (kvm_cpu__kick(target))
			kvm_cpu__yield_to(vcpu, target);
		return 0;
	default:
		break;
	}
	__atomic_fetch_add(&kvm->hypercalls_bad_nr, 1, __ATOMIC_RELAXED);
	return -KVM_ENOSYS;
}

void kvm_cpu__inject_irq(struct kvm_cpu *vcpu)
{
	__atomic_store_n(&vcpu->arch.irq_pending, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&vcpu->mutex);
	vcpu->stat.irqs_injected++;
	if (vcpu->mp_state == KVM_MP_STATE_HALTED)
		pthread_cond_signal(&vcpu->cond);
	pthread_mutex_unlock(&vcpu->mutex);
}

/*
 * A halted vCPU with a kick pending is reported runnable, so that a VM
 * saved now and restored elsewhere does not halt again and lose the kick.
 */
void kvm_cpu__get_mp_state(struct kvm_cpu *vcpu, struct kvm_mp_state *mp)
{
	pthread_mutex_lock(&vcpu->mutex);
	mp->mp_state = vcpu->mp_state;
	if (vcpu->mp_state == KVM_MP_STATE_HALTED && vcpu->pv_unhalted)
		mp->mp_state = KVM_MP_STATE_RUNNABLE;
	pthread_mutex_unlock(&vcpu->mutex);
}

void kvm_cpu__set_mp_state(struct kvm_cpu *vcpu,
			   const struct kvm_mp_state *mp)
{
	pthread_mutex_lock(&vcpu->mutex);
	vcpu->mp_state = mp->mp_state;
	if (mp->mp_state != KVM_MP_STATE_HALTED)
		pthread_cond_signal(&vcpu->cond);
	pthread_mutex_unlock(&vcpu->mutex);
}

void kvm_cpu__cpuid(struct kvm_cpu *vcpu, unsigned int leaf,
		    unsigned int regs[4])
{
	const struct kvm_config *cfg = &vcpu->kvm->cfg;

	if (cfg->xen) {
		kvm_xen__cpuid(vcpu, leaf, regs);
		return;
	}
	memset(regs, 0, 4 * sizeof(regs[0]));
	switch (leaf) {
	case KVM_CPUID_SIGNATURE:
		regs[0] = KVM_CPUID_FEATURES;
		memcpy(&regs[1], KVM_SIGNATURE, 12);
		break;
	case KVM_CPUID_FEATURES:
		regs[0] |= kvmclock__cpuid_features(vcpu->kvm);
		if (cfg->pv_unhalt)
			regs[0] |= 1u << KVM_FEATURE_PV_UNHALT;
		if (cfg->realtime_hint)
			regs[3] |= 1u << KVM_HINTS_REALTIME;
		break;
	}
}
