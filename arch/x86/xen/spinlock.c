// SPDX-License-Identifier: GPL-2.0
/*
 * Xen backend of the paravirt ticket spinlock: a waiter that has spun too
 * long blocks in SCHEDOP_poll on an event channel of its own, and the
 * unlocker sends an event on that channel.
 *
 * Each CPU binds one IPI channel at boot and masks it: it is never
 * delivered as an interrupt, only polled.  The slot, the mask and the kick
 * scan are shared with the KVM backend (pv_ticket_wait_begin() and
 * pv_ticket_kick_waiters() in paravirt-spinlocks.c).
 *
 * Waiter, xen_lock_spinning(), interrupts off until the poll:
 *   1. clear the channel's pending bit
 *   2. publish (lock, want); join waiting_cpus
 *   3. set the slowpath flag; full barrier
 *   4. re-read head: our ticket already?  Return (pickup).
 *   5. interrupts back as the caller had them; SCHEDOP_poll the channel
 * Unlocker, xen_unlock_kick(): EVTCHNOP_send to every waiting CPU whose
 * slot reads (lock, next).
 *
 * Why the clear comes first: a kick sent after it leaves the channel
 * pending, and SCHEDOP_poll returns at once on a pending channel, so a
 * kick between steps 1 and 5 is not lost.  Steps 3-4 against the
 * unlocker's xadd are the argument of asm/spinlock.h.
 *
 * The nesting rule.  Between step 5's interrupt enable and the poll an
 * interrupt handler may take the slow path of another lock on this CPU.
 * It clears the channel (losing a kick the outer wait may already have
 * received) and overwrites the slot (so the outer wait's unlocker may not
 * find it).  If it then leaves without polling, the outer poll would block
 * for a kick that never comes.  So a nested slow path always leaves the
 * channel pending when it returns: the outer poll returns at once, and the
 * outer waiter re-reads head and, if need be, waits again with its slot
 * published anew.  The extra return is counted as taken_slow_spurious.
 */
#define pr_fmt(fmt) "xen: " fmt

#include <linux/cpumask.h>
#include <linux/hardirq.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/static_call.h>
#include <asm/paravirt.h>
#include <asm/pvspin_stats.h>
#include <xen/events.h>
#include <xen/xen.h>

#include "xen-ops.h"

static DEFINE_PER_CPU(int, lock_kicker_irq) = -1;
static DEFINE_PER_CPU(char [16], lock_kicker_name);
static DEFINE_PER_CPU(int, lock_spinning_depth);
static DEFINE_PER_CPU(struct pv_ticket_wait, lock_waiting);
static cpumask_t waiting_cpus;

static bool xen_pvspin __initdata = true;
static bool xen_pvspin_on;

static void xen_lock_spinning(struct arch_spinlock *lock, __ticket_t want)
{
	int irq = this_cpu_read(lock_kicker_irq);
	struct pv_ticket_wait *w;
	unsigned long flags;
	int *depth;
	u64 start;

	/* No channel yet, or on top of this CPU's own slow path in an NMI. */
	if (irq == -1 || in_nmi())
		return;

	local_irq_save(flags);
	w = this_cpu_ptr(&lock_waiting);
	depth = this_cpu_ptr(&lock_spinning_depth);
	(*depth)++;

	/* Before publishing: every kick for this wait finds it cleared. */
	xen_clear_irq_pending(irq);
	if (pv_ticket_wait_begin(w, &waiting_cpus, lock, want))
		goto out;

	start = pvspin_block_start();
	/*
	 * Wait with interrupts as the caller had them.  An interrupt that
	 * nests a slow path here leaves the channel pending (see the
	 * nesting rule above), so the poll cannot sleep through our turn.
	 */
	local_irq_restore(flags);
	xen_poll_irq(irq);
	local_irq_save(flags);
	pvspin_account_blocked(start);

	pv_ticket_count_wakeup(lock, want);
out:
	pv_ticket_wait_end(w, &waiting_cpus);
	if (--(*depth)) {
		pvspin_stat_inc(PVSPIN_TAKEN_SLOW_NESTED);
		xen_set_irq_pending(irq);
	}
	local_irq_restore(flags);
}

static void xen_kick_cpu(int cpu)
{
	xen_send_IPI_one(cpu, XEN_SPIN_UNLOCK_VECTOR);
}

static void xen_unlock_kick(struct arch_spinlock *lock, __ticket_t next)
{
	pv_ticket_kick_waiters(lock, next, &waiting_cpus, &lock_waiting,
			       xen_kick_cpu);
}

static bool xen_open_turn(struct arch_spinlock *lock, __ticket_t next)
{
	return pv_ticket_open_turn(lock, next, &waiting_cpus, &lock_waiting);
}

static irqreturn_t xen_lock_kick_never_delivered(int irq, void *dev_id)
{
	pr_err_ratelimited("spinlock kick channel %d delivered as an interrupt\n",
			   irq);
	return IRQ_HANDLED;
}

/*
 * Bind @cpu's kick channel and mask it: it is only ever polled.  Linux
 * calls this for the boot CPU before the others start and for each other
 * CPU as it comes online; until then that CPU spins.
 */
void xen_init_lock_cpu(int cpu)
{
	char *name = per_cpu(lock_kicker_name, cpu);
	int irq;

	if (!xen_pvspin_on)
		return;
	if (per_cpu(lock_kicker_irq, cpu) >= 0) {
		pr_warn("cpu %d: spinlock kick channel already bound\n", cpu);
		return;
	}
	snprintf(name, sizeof(lock_kicker_name), "spinlock%d", cpu);
	irq = bind_ipi_to_irqhandler(XEN_SPIN_UNLOCK_VECTOR, cpu,
				     xen_lock_kick_never_delivered,
				     IRQF_PERCPU | IRQF_NOBALANCING,
				     name, NULL);
	if (irq < 0) {
		pr_err("cpu %d: no spinlock kick channel (%d), it will spin\n",
		       cpu, irq);
		return;
	}
	disable_irq(irq);
	per_cpu(lock_kicker_irq, cpu) = irq;
}

/* CPU hot-unplug: the channel goes; the CPU spins until bound again. */
void xen_uninit_lock_cpu(int cpu)
{
	int irq = per_cpu(lock_kicker_irq, cpu);

	if (irq < 0)
		return;
	per_cpu(lock_kicker_irq, cpu) = -1;
	unbind_from_irqhandler(irq, NULL);
}

/* vcpu_is_preempted(): a vCPU whose runstate is runnable lost its CPU. */
PV_CALLEE_SAVE_REGS_THUNK(xen_vcpu_stolen);

/*
 * First phase, on the boot CPU before the others run: decide and update
 * the static calls; the second phase enables the PV unlock and says so.
 */
void __init xen_init_spinlocks(void)
{
	const char *off;

	if (!xen_domain())
		return;
	/* Xen guests never fall back to test-and-set, PV or not. */
	static_branch_disable(&virt_spin_lock_key);
	if (!xen_pvspin)
		off = "\"xen_nopvspin\" on the command line";
	else if (nopvspin)
		off = "\"nopvspin\" on the command line";
	else if (num_possible_cpus() == 1)
		off = "one vCPU only";
	else
		off = NULL;
	if (off) {
		pr_info("ticket spinlocks: native, PV off: %s\n", off);
		return;
	}

	pv_spin_init();
	static_call_update(pv_lock_spinning, xen_lock_spinning);
	static_call_update(pv_unlock_kick, xen_unlock_kick);
	static_call_update(pv_open_turn, xen_open_turn);
	pv_ops.lock.vcpu_is_preempted = PV_CALLEE_SAVE(xen_vcpu_stolen);
	xen_pvspin_on = true;
}

/* Second phase: the static calls are in place, turn on the PV unlock. */
static int __init xen_init_spinlocks_jump(void)
{
	char policy[96];

	if (!xen_pvspin_on)
		return 0;
	static_branch_enable(&paravirt_ticketlocks_enabled);
	pv_spin_describe(policy, sizeof(policy));
	pr_info("ticket spinlocks: paravirt, waiters poll an event channel and are kicked with EVTCHNOP_send; %s\n",
		policy);
	return 0;
}
early_initcall(xen_init_spinlocks_jump);

static int __init xen_parse_nopvspin(char *arg)
{
	pr_warn("\"xen_nopvspin\" is deprecated; \"nopvspin\" turns PV spinlocks off on every hypervisor\n");
	xen_pvspin = false;
	return 0;
}
early_param("xen_nopvspin", xen_parse_nopvspin);

#if defined(CONFIG_XEN_DEBUG_FS) && defined(CONFIG_LOCK_EVENT_COUNTS)
/* The counters in /sys/kernel/debug/xen/spinlocks/ (Linux 3.12's place). */
static int __init xen_spinlock_debugfs(void)
{
	if (!xen_pvspin_on)
		return 0;
	pvspin_debugfs_create(xen_init_debugfs());
	return 0;
}
fs_initcall(xen_spinlock_debugfs);
#endif /* CONFIG_XEN_DEBUG_FS && CONFIG_LOCK_EVENT_COUNTS */
