// SPDX-License-Identifier: GPL-2.0
/*
 * KVM backend of the paravirt ticket spinlock: a waiter that has spun too
 * long halts, and the unlocker wakes it with KVM_HC_KICK_CPU.
 *
 * Each CPU has one slot saying which (lock, ticket) it waits for, and is
 * in waiting_cpus while the slot may be in use (pv_ticket_wait_begin()
 * and pv_ticket_kick_waiters() in paravirt-spinlocks.c keep the rules).
 *
 * Waiter, kvm_lock_spinning(), interrupts off:
 *   1. publish (lock, want); join waiting_cpus
 *   2. set the slowpath flag; full barrier
 *   3. re-read head: our ticket already?  Return (pickup).
 *   4. halt; safe_halt() if the caller had interrupts on
 * Unlocker, kvm_unlock_kick(), after the xadd that released the lock and
 * returned the flag: kick every waiting CPU whose slot reads (lock, next).
 * See asm/spinlock.h for why 2 and the xadd lose no wakeup.
 *
 * The host latches a kick that arrives before the HLT (pv_unhalted), so a
 * kick between step 3 and step 4 makes the HLT return at once.
 */
#define pr_fmt(fmt) "kvm-guest: " fmt

#include <linux/cpumask.h>
#include <linux/hardirq.h>
#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/kvm_para.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/static_call.h>
#include <asm/pvspin_stats.h>

static DEFINE_PER_CPU(struct pv_ticket_wait, klock_waiting);
static cpumask_t waiting_cpus;

static bool kvm_pvspin __initdata;

static void kvm_lock_spinning(struct arch_spinlock *lock, __ticket_t want)
{
	struct pv_ticket_wait *w;
	unsigned long flags;
	u64 start;

	/*
	 * An NMI may have arrived on top of this CPU's own slow path, whose
	 * slot it must not overwrite; whatever it waits for, it spins.
	 */
	if (in_nmi())
		return;

	/* An interrupt taking the slow path here would reuse the slot. */
	local_irq_save(flags);
	w = this_cpu_ptr(&klock_waiting);
	if (pv_ticket_wait_begin(w, &waiting_cpus, lock, want))
		goto out;

	start = pvspin_block_start();
	/*
	 * A caller with interrupts on waits with them on: an interrupt
	 * handler that goes through this path overwrites our slot, and
	 * only an interrupt would end our halt after that.  STI;HLT lets
	 * no interrupt in between, so one that comes ends the halt.
	 */
	if (arch_irqs_disabled_flags(flags)) {
		halt();
	} else {
		safe_halt();
		local_irq_disable();
	}
	pvspin_account_blocked(start);

	pv_ticket_count_wakeup(lock, want);
out:
	pv_ticket_wait_end(w, &waiting_cpus);
	local_irq_restore(flags);
}

static void kvm_unlock_kick(struct arch_spinlock *lock, __ticket_t next)
{
	pv_ticket_kick_waiters(lock, next, &waiting_cpus, &klock_waiting,
			       kvm_kick_cpu);
}

static bool kvm_open_turn(struct arch_spinlock *lock, __ticket_t next)
{
	return pv_ticket_open_turn(lock, next, &waiting_cpus, &klock_waiting);
}

/*
 * First phase, on the boot CPU before the others run: decide and update
 * the static calls; the second phase enables the PV unlock.  Without
 * PV_UNHALT the lock stays test-and-set (virt_spin_lock_key stays on);
 * every other case wants the ticket lock, PV or not, and turns that key
 * off.  The line saying PV is on comes from the second phase.
 */
void __init kvm_spinlock_init(void)
{
	const char *off;

	if (!kvm_para_available())
		return;
	if (!kvm_para_has_feature(KVM_FEATURE_PV_UNHALT)) {
		pr_info("ticket spinlocks: test-and-set, PV off: host has no KVM_FEATURE_PV_UNHALT\n");
		return;
	}
	if (kvm_para_has_hint(KVM_HINTS_REALTIME))
		off = "vCPUs are dedicated (KVM_HINTS_REALTIME)";
	else if (num_possible_cpus() == 1)
		off = "one vCPU only";
	else if (nopvspin)
		off = "\"nopvspin\" on the command line";
	else
		off = NULL;
	static_branch_disable(&virt_spin_lock_key);
	if (off) {
		pr_info("ticket spinlocks: native, PV off: %s\n", off);
		return;
	}

	pv_spin_init();
	static_call_update(pv_lock_spinning, kvm_lock_spinning);
	static_call_update(pv_unlock_kick, kvm_unlock_kick);
	static_call_update(pv_open_turn, kvm_open_turn);
	kvm_pvspin = true;
}

/* Second phase: the static calls are in place, turn on the PV unlock. */
static int __init kvm_spinlock_init_jump(void)
{
	char policy[96];

	if (!kvm_pvspin)
		return 0;
	static_branch_enable(&paravirt_ticketlocks_enabled);
	pv_spin_describe(policy, sizeof(policy));
	pr_info("ticket spinlocks: paravirt, waiters halt and are kicked with KVM_HC_KICK_CPU; %s\n",
		policy);
	return 0;
}
early_initcall(kvm_spinlock_init_jump);

#if defined(CONFIG_LOCK_EVENT_COUNTS) && defined(CONFIG_DEBUG_FS)
#include <linux/debugfs.h>

/* The counters in /sys/kernel/debug/kvm-guest/spinlocks/ (Linux 3.12's place). */
static int __init kvm_spinlock_debugfs(void)
{
	if (!kvm_para_available() || !kvm_pvspin)
		return 0;
	pvspin_debugfs_create(debugfs_create_dir("kvm-guest", NULL));
	return 0;
}
fs_initcall(kvm_spinlock_debugfs);
#endif /* CONFIG_LOCK_EVENT_COUNTS && CONFIG_DEBUG_FS */
