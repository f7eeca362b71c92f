// SPDX-License-Identifier: GPL-2.0
/*
 * The guest side of one image: boot (as start_kernel would: APIC IDs from
 * the MADT, early parameters, the spinlock backend's two phases) and the
 * adapter that exposes the arch lock to the harness.  Built once per
 * configuration, with PVSPIN_IMAGE naming it.
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>
#include <asm/kvm_para.h>
#include <asm/smp.h>
#ifdef CONFIG_PARAVIRT_SPINLOCKS
#include <linux/static_call.h>
#include <asm/paravirt.h>
#include <asm/pvspin_stats.h>
#endif

#include "image.h"
#include "xen-ops.h"

#define IMAGE_SYM(x)	PASTE(PASTE(x, _), PVSPIN_IMAGE)

extern const struct obs_kernel_param
	PASTE(__start_, PVSPIN_SETUP_SECTION)[] __attribute__((weak)),
	PASTE(__stop_, PVSPIN_SETUP_SECTION)[] __attribute__((weak));
extern const initcall_t
	PASTE(__start_, PVSPIN_INITCALL_SECTION)[] __attribute__((weak)),
	PASTE(__stop_, PVSPIN_INITCALL_SECTION)[] __attribute__((weak)),
	PASTE(__start_, PVSPIN_INITCALL1_SECTION)[] __attribute__((weak)),
	PASTE(__stop_, PVSPIN_INITCALL1_SECTION)[] __attribute__((weak));

#ifdef CONFIG_PARAVIRT_SPINLOCKS
static void image_wrap_kick(void);
#else
static void image_wrap_kick(void)
{
}
#endif

static void image_boot(void)
{
	const initcall_t *call;
	int cpu;

	for (cpu = 0; cpu < machine_nr_cpus(); cpu++)
		per_cpu(x86_cpu_to_apicid, cpu) = machine_apic_id(cpu);
	parse_early_options(machine_cmdline(),
			    PASTE(__start_, PVSPIN_SETUP_SECTION),
			    PASTE(__stop_, PVSPIN_SETUP_SECTION));
	/* smp_prepare_boot_cpu(): the backends' first phase */
	kvm_spinlock_init();
	xen_init_spinlocks();
	for (cpu = 0; cpu < machine_nr_cpus(); cpu++)
		xen_init_lock_cpu(cpu);
	for (call = PASTE(__start_, PVSPIN_INITCALL_SECTION);
	     call < PASTE(__stop_, PVSPIN_INITCALL_SECTION); call++)
		(*call)();
	for (call = PASTE(__start_, PVSPIN_INITCALL1_SECTION);
	     call < PASTE(__stop_, PVSPIN_INITCALL1_SECTION); call++)
		(*call)();
	image_wrap_kick();
}

static void image_init(void *p)
{
	*(arch_spinlock_t *)p = (arch_spinlock_t)__ARCH_SPIN_LOCK_UNLOCKED;
}

static void image_lock(void *p)
{
	arch_spin_lock(p);
}

static void image_unlock(void *p)
{
	arch_spin_unlock(p);
}

static int image_trylock(void *p)
{
	return arch_spin_trylock(p);
}

static int image_is_locked(void *p)
{
	return arch_spin_is_locked(p);
}

static int image_is_contended(void *p)
{
	return arch_spin_is_contended(p);
}

static unsigned int image_head(void *p)
{
	return READ_ONCE(((arch_spinlock_t *)p)->tickets.head);
}

static unsigned int image_tail(void *p)
{
	return READ_ONCE(((arch_spinlock_t *)p)->tickets.tail);
}

static unsigned int image_queued(void *p)
{
	arch_spinlock_t v = { .head_tail = READ_ONCE(((arch_spinlock_t *)p)->head_tail) };
	__ticket_t n = (v.tickets.tail & ~TICKET_SLOWPATH_FLAG) - v.tickets.head;

	return n / TICKET_LOCK_INC;
}

static const struct pvspin_lock_ops image_ops = {
	.lock_size	= sizeof(arch_spinlock_t),
	.ticket_inc	= __TICKET_LOCK_INC,
	.ticket_bits	= TICKET_SHIFT,
	.init		= image_init,
	.lock		= image_lock,
	.unlock		= image_unlock,
	.trylock	= image_trylock,
	.is_locked	= image_is_locked,
	.is_contended	= image_is_contended,
	.head		= image_head,
	.tail		= image_tail,
	.queued		= image_queued,
};

#ifdef CONFIG_PARAVIRT_SPINLOCKS
static bool image_pv_active(void)
{
	return static_key_enabled(&paravirt_ticketlocks_enabled.key);
}

static bool image_preempt_hint(void)
{
	return !pv_is_native_vcpu_is_preempted();
}

/* The most thefts a turn may suffer; 0 without lock stealing. */
static unsigned int image_steal_limit(void)
{
	return image_pv_active() ? pv_spin_steal : 0;
}

static void image_read_counters(struct pvspin_counters *c)
{
	struct pvspin_stats sum;
	int i;

	pvspin_stats_sum(&sum);
	c->nr = NR_PVSPIN_STATS;
	for (i = 0; i < NR_PVSPIN_STATS; i++) {
		c->name[i] = pvspin_stat_names[i];
		c->value[i] = sum.count[i];
	}
	c->time_blocked_ns = sum.time_blocked;
	c->nr_histo = PVSPIN_HISTO_BUCKETS + 1;
	for (i = 0; i <= PVSPIN_HISTO_BUCKETS; i++)
		c->histo_blocked[i] = sum.histo_blocked[i];
}

/* The backend's unlock_kick, and what the negative controls put there. */
static void (*image_backend_kick)(struct arch_spinlock *lock, __ticket_t next);

/*
 * Every kick of the guest's unlock comes through here: the race point
 * RELEASED, after the release and before the kick, then the backend's.
 */
static void image_kick_race(struct arch_spinlock *lock, __ticket_t next)
{
	pvspin_race_window(RELEASED);
	image_backend_kick(lock, next);
}

static void image_wrap_kick(void)
{
	if (static_call_query(pv_unlock_kick) == image_kick_race)
		return;
	image_backend_kick = static_call_query(pv_unlock_kick);
	static_call_update(pv_unlock_kick, image_kick_race);
}

/*
 * Negative control: Linux 3.12's unlock, which released head and then
 * read tail for the flag, touching the lock after releasing it.
 */
static void image_unlock_312(void *p)
{
	arch_spinlock_t *lock = p;
	__ticket_t next = READ_ONCE(lock->tickets.head) + TICKET_LOCK_INC;

	smp_store_release(&lock->tickets.head, next);
	pvspin_race_window(RELEASED);
	if (READ_ONCE(lock->tickets.tail) & TICKET_SLOWPATH_FLAG)
		image_backend_kick(lock, next);
}

static void image_kick_nop(struct arch_spinlock *lock, __ticket_t next)
{
}

/* Negative control: a backend whose unlock never kicks. */
static void image_break_kick(void)
{
	image_backend_kick = image_kick_nop;
}

static void (*image_real_kick)(struct arch_spinlock *lock, __ticket_t next);

/* Kicks as the unlock of the ticket after @next would: @next's is missed. */
static void image_kick_after_next(struct arch_spinlock *lock, __ticket_t next)
{
	image_real_kick(lock, next + TICKET_LOCK_INC);
}

/*
 * Negative control: an unlock that pre-wakes the waiter after @next
 * instead of kicking @next's own.
 */
static void image_break_prewake_only(void)
{
	image_real_kick = image_backend_kick;
	image_backend_kick = image_kick_after_next;
}
#else
static bool image_pv_active(void)
{
	return false;
}

static bool image_preempt_hint(void)
{
	return false;
}

static void image_read_counters(struct pvspin_counters *c)
{
	*c = (struct pvspin_counters){ 0 };
}
#endif /* CONFIG_PARAVIRT_SPINLOCKS */

const struct pvspin_image IMAGE_SYM(pvspin_image) = {
	.name		= __stringify(PVSPIN_IMAGE),
#ifdef CONFIG_PARAVIRT_SPINLOCKS
	.describe	= "ticket lock, CONFIG_PARAVIRT_SPINLOCKS=y",
	.paravirt	= true,
	.unlock_312	= image_unlock_312,
	.break_kick	= image_break_kick,
	.prewake_only	= image_break_prewake_only,
	.steal_limit	= image_steal_limit,
#else
	.describe	= "ticket lock, CONFIG_PARAVIRT_SPINLOCKS=n",
#endif
	.nr_cpus_max	= CONFIG_NR_CPUS,
	.ops		= &image_ops,
	.boot		= image_boot,
	.pv_active	= image_pv_active,
	.preempt_hint	= image_preempt_hint,
	.read_counters	= image_read_counters,
};
