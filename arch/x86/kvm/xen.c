// SPDX-License-Identifier: GPL-2.0
/*
 * Xen emulation of the embedded host, as KVM's own Xen emulation offers
 * it to HVM guests: the Xen CPUID signature, event channels with pending
 * and mask bits in the shared info page, EVTCHNOP_bind_ipi,
 * EVTCHNOP_send and SCHEDOP_poll.
 *
 * SCHEDOP_poll returns at once if any polled port is pending; otherwise
 * the vCPU blocks until one becomes pending, until an interrupt it can
 * take arrives, or until the timeout.  The pending bit is set by the
 * sender before it looks at the target, and the poller tests it under
 * the target's mutex, so an event sent between the guest's clear and its
 * poll is always seen.
 *
 * Bad arguments get Xen's error codes: an unknown operation -ENOSYS, a
 * vCPU that does not exist -ENOENT, a port that is not bound -EINVAL,
 * more than 128 ports -EINVAL, no free port -ENOSPC.  Stricter than Xen:
 * polling a port bound to another vCPU is refused with -EINVAL.
 */
#define _GNU_SOURCE
#include <string.h>

#include "kvm.h"

#define BITS_PER_LONG	64

void kvm_xen__init(struct kvm *kvm)
{
	memset(&kvm->xen.shinfo, 0, sizeof(kvm->xen.shinfo));
	pthread_mutex_init(&kvm->xen.lock, NULL);
}

static unsigned long *port_word(unsigned long *map, evtchn_port_t port)
{
	return &map[port / BITS_PER_LONG];
}

static unsigned long port_bit(evtchn_port_t port)
{
	return 1UL << (port % BITS_PER_LONG);
}

static bool port_pending(struct kvm_xen *xen, evtchn_port_t port)
{
	return __atomic_load_n(port_word(xen->shinfo.evtchn_pending, port),
			       __ATOMIC_SEQ_CST) & port_bit(port);
}

/* The vCPU a bound port belongs to, or -1. */
static int port_vcpu(struct kvm_xen *xen, evtchn_port_t port)
{
	int vcpu = -1;

	if (port == 0 || port >= KVM_XEN_NR_PORTS)
		return -1;
	pthread_mutex_lock(&xen->lock);
	if (xen->ports[port].state == KVM_XEN_PORT_IPI)
		vcpu = xen->ports[port].vcpu;
	pthread_mutex_unlock(&xen->lock);
	return vcpu;
}

static long kvm_xen__bind_ipi(struct kvm_cpu *vcpu, struct evtchn_bind_ipi *bind)
{
	struct kvm_xen *xen = &vcpu->kvm->xen;
	evtchn_port_t port;

	if (!bind)
		return -XEN_EFAULT;
	if (bind->vcpu >= (uint32_t)vcpu->kvm->nr_cpus)
		return -XEN_ENOENT;
	pthread_mutex_lock(&xen->lock);
	for (port = 1; port < KVM_XEN_NR_PORTS; port++)
		if (xen->ports[port].state == KVM_XEN_PORT_FREE)
			break;
	if (port == KVM_XEN_NR_PORTS) {
		pthread_mutex_unlock(&xen->lock);
		return -XEN_ENOSPC;
	}
	xen->ports[port].state = KVM_XEN_PORT_IPI;
	xen->ports[port].vcpu = bind->vcpu;
	__atomic_fetch_and(port_word(xen->shinfo.evtchn_pending, port),
			   ~port_bit(port), __ATOMIC_SEQ_CST);
	__atomic_fetch_and(port_word(xen->shinfo.evtchn_mask, port),
			   ~port_bit(port), __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&xen->lock);
	bind->port = port;
	return 0;
}

static long kvm_xen__send(struct kvm_cpu *vcpu, struct evtchn_send *send)
{
	struct kvm *kvm = vcpu->kvm;
	struct kvm_xen *xen = &kvm->xen;
	struct kvm_cpu *target;
	unsigned long old;
	bool blocked;
	int to;

	if (!send)
		return -XEN_EFAULT;
	to = port_vcpu(xen, send->port);
	if (to < 0)
		return -XEN_EINVAL;
	target = &kvm->cpus[to];
	kvm__delay_kick(kvm);

	/* Pending first, then look at the target: pairs with the poll test. */
	old = __atomic_fetch_or(port_word(xen->shinfo.evtchn_pending, send->port),
				port_bit(send->port), __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&target->mutex);
	target->stat.sends++;
	target->events_received++;
	blocked = target->poll_ports && !(old & port_bit(send->port));
	if (blocked)
		target->kicked_at_ns = kvm__now_ns();
	if (target->poll_ports)
		pthread_cond_signal(&target->cond);
	pthread_mutex_unlock(&target->mutex);
	if (blocked)
		kvm_cpu__yield_to(vcpu, target);

	/* A newly pending, unmasked port is delivered as an interrupt. */
	if (!(old & port_bit(send->port)) &&
	    !(__atomic_load_n(port_word(xen->shinfo.evtchn_mask, send->port),
			      __ATOMIC_SEQ_CST) & port_bit(send->port)))
		kvm_cpu__inject_irq(target);
	return 0;
}

/*
 * Make every port bound to @vcpu pending, as if each had been sent an
 * event: a spurious wakeup for whatever the vCPU polls (tests use it).
 */
void kvm_xen__notify_vcpu(struct kvm_cpu *vcpu)
{
	struct kvm_xen *xen = &vcpu->kvm->xen;
	evtchn_port_t port;

	for (port = 1; port < KVM_XEN_NR_PORTS; port++)
		if (port_vcpu(xen, port) == vcpu->cpu_id)
			__atomic_fetch_or(port_word(xen->shinfo.evtchn_pending, port),
					  port_bit(port), __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&vcpu->mutex);
	vcpu->events_received++;
	if (vcpu->poll_ports)
		pthread_cond_signal(&vcpu->cond);
	pthread_mutex_unlock(&vcpu->mutex);
}

static bool any_port_pending(struct kvm_xen *xen, const evtchn_port_t *ports,
			     unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (port_pending(xen, ports[i]))
			return true;
	return false;
}

static long kvm_xen__poll(struct kvm_cpu *vcpu, const struct sched_poll *poll)
{
	struct kvm *kvm = vcpu->kvm;
	struct kvm_xen *xen = &kvm->xen;
	evtchn_port_t ports[SCHED_POLL_MAX_PORTS];
	bool ignore_pending = kvm->cfg.xen_poll_ignores_pending;
	uint64_t seen;
	unsigned int i;

	if (!poll)
		return -XEN_EFAULT;
	if (poll->nr_ports > SCHED_POLL_MAX_PORTS)
		return -XEN_EINVAL;
	if (poll->nr_ports && !poll->ports)
		return -XEN_EFAULT;
	memcpy(ports, poll->ports, poll->nr_ports * sizeof(ports[0]));
	for (i = 0; i < poll->nr_ports; i++)
		if (port_vcpu(xen, ports[i]) != vcpu->cpu_id)
			return -XEN_EINVAL;

	pthread_mutex_lock(&vcpu->mutex);
	vcpu->stat.polls++;
	seen = vcpu->events_received;
	if (!ignore_pending && any_port_pending(xen, ports, poll->nr_ports)) {
		vcpu->stat.poll_no_block++;
		pthread_mutex_unlock(&vcpu->mutex);
		return 0;
	}
	if (kvm_cpu__spurious_wakeup(vcpu)) {
		pthread_mutex_unlock(&vcpu->mutex);
		return 0;
	}
	vcpu->mp_state = KVM_MP_STATE_HALTED;
	vcpu->halted_since_ns = kvm__now_ns();
	vcpu->kicked_at_ns = 0;
	vcpu->poll_ports = ports;
	vcpu->nr_poll_ports = poll->nr_ports;
	for (;;) {
		/* The broken host of the negative control waits for a new event. */
		if (ignore_pending ? vcpu->events_received != seen :
		    any_port_pending(xen, ports, poll->nr_ports)) {
			vcpu->stat.poll_wakeup_event++;
			if (vcpu->kicked_at_ns) {
				vcpu->stat.wakeups_timed++;
				vcpu->stat.wake_ns += kvm__now_ns() -
						      vcpu->kicked_at_ns;
			}
			break;
		}
		if (kvm_cpu__has_events(vcpu)) {
			vcpu->stat.poll_wakeup_irq++;
			break;
		}
		if (poll->timeout && kvm__now_ns() >= poll->timeout) {
			vcpu->stat.poll_timeouts++;
			break;
		}
		if (__atomic_load_n(&kvm->shutdown, __ATOMIC_ACQUIRE))
			break;
		if (poll->timeout) {
			struct timespec ts = {
				.tv_sec = poll->timeout / 1000000000ull,
				.tv_nsec = poll->timeout % 1000000000ull,
			};

			pthread_cond_timedwait(&vcpu->cond, &vcpu->mutex, &ts);
		} else {
			pthread_cond_wait(&vcpu->cond, &vcpu->mutex);
		}
	}
	vcpu->poll_ports = NULL;
	vcpu->nr_poll_ports = 0;
	vcpu->mp_state = KVM_MP_STATE_RUNNABLE;
	pthread_mutex_unlock(&vcpu->mutex);
	return 0;
}

long kvm_xen__hypercall(struct kvm_cpu *vcpu, unsigned long nr,
			unsigned long a0, unsigned long a1)
{
	long ret = -XEN_ENOSYS;

	switch (nr) {
	case __HYPERVISOR_event_channel_op:
		if (a0 == EVTCHNOP_send)
			ret = kvm_xen__send(vcpu, (struct evtchn_send *)a1);
		else if (a0 == EVTCHNOP_bind_ipi)
			ret = kvm_xen__bind_ipi(vcpu, (struct evtchn_bind_ipi *)a1);
		break;
	case __HYPERVISOR_sched_op:
		if (a0 == SCHEDOP_poll)
			ret = kvm_xen__poll(vcpu, (const struct sched_poll *)a1);
		break;
	}
	if (ret)
		__atomic_fetch_add(&vcpu->kvm->hypercalls_bad_nr, 1, __ATOMIC_RELAXED);
	return ret;
}

void kvm_xen__cpuid(struct kvm_cpu *vcpu, unsigned int leaf,
		    unsigned int regs[4])
{
	memset(regs, 0, 4 * sizeof(regs[0]));
	switch (leaf) {
	case XEN_CPUID_FIRST_LEAF:
		regs[0] = XEN_CPUID_FIRST_LEAF + 2;
		memcpy(&regs[1], XEN_CPUID_SIGNATURE, 12);
		break;
	case XEN_CPUID_FIRST_LEAF + 1:
		regs[0] = 4 << 16 | 17;		/* the version: 4.17 */
		break;
	case XEN_CPUID_FIRST_LEAF + 2:
		regs[0] = 1;			/* hypercall pages */
		regs[1] = 0x40000000;		/* the MSR that places them */
		break;
	}
}
