// SPDX-License-Identifier: GPL-2.0
/*
 * What Linux's arch/x86/kernel/paravirt.c (and its paravirt-qspinlocks.c)
 * give a CONFIG_PARAVIRT kernel that the ticket lock uses: the
 * virt_spin_lock() key and pv_ops.lock.vcpu_is_preempted with its native
 * default; and kvm.c's kvm_kick_cpu().  Built into each paravirt image,
 * so each has its own.
 */
#include <linux/init.h>
#include <linux/jump_label.h>
#include <linux/kvm_para.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <asm/paravirt.h>
#include <asm/smp.h>

/* Wake the vCPU running Linux CPU @cpu: the host wants its APIC ID. */
void kvm_kick_cpu(int cpu)
{
	unsigned long flags = 0;
	int apicid = per_cpu(x86_cpu_to_apicid, cpu);

	kvm_hypercall2(KVM_HC_KICK_CPU, flags, apicid);
}

/* On until a backend or the boot code says the lock need not fall back. */
DEFINE_STATIC_KEY_TRUE(virt_spin_lock_key);

/*
 * The kernel turns the key off here on bare metal (no CPUID hypervisor
 * bit).  Every machine of the embedded host is a hypervisor's guest, so
 * the key stays as it is and the backends decide.
 */
void __init native_pv_lock_init(void)
{
}

bool __native_vcpu_is_preempted(long cpu)
{
	return false;
}

struct paravirt_patch_template pv_ops = {
	.lock.vcpu_is_preempted = PV_CALLEE_SAVE(__native_vcpu_is_preempted),
};

bool pv_is_native_vcpu_is_preempted(void)
{
	return pv_ops.lock.vcpu_is_preempted.func ==
		(void *)__native_vcpu_is_preempted;
}
