// SPDX-License-Identifier: GPL-2.0
/*
 * Paravirt ticket spinlock defaults: no-op hooks, the static key that
 * gates the PV unlock, the "nopvspin" switch and the shared counters.
 */
#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <asm/pvspin_stats.h>

static void paravirt_ticket_lock_spinning_nop(struct arch_spinlock *lock,
					      __ticket_t want)
{
}

static void paravirt_ticket_unlock_kick_nop(struct arch_spinlock *lock,
					    __ticket_t next)
{
}

/* A backend fills these before it enables the key, while one CPU runs. */
struct pv_ticket_lock_ops pv_lock_ops = {
	.lock_spinning	= paravirt_ticket_lock_spinning_nop,
	.unlock_kick	= paravirt_ticket_unlock_kick_nop,
};
EXPORT_SYMBOL(pv_lock_ops);

DEFINE_STATIC_KEY_FALSE(paravirt_ticketlocks_enabled);
EXPORT_SYMBOL(paravirt_ticketlocks_enabled);

bool nopvspin __initdata;

static int __init parse_nopvspin(char *arg)
{
	nopvspin = true;
	return 0;
}
early_param("nopvspin", parse_nopvspin);

DEFINE_PER_CPU(struct pvspin_stats, pvspin_stats);

const char * const pvspin_stat_names[NR_PVSPIN_STATS] = {
#define PVSPIN_STAT_NAME(e, name)	[PVSPIN_##e] = #name,
	PVSPIN_STATS(PVSPIN_STAT_NAME)
#undef PVSPIN_STAT_NAME
};

void pvspin_stats_sum(struct pvspin_stats *sum)
{
	int cpu, i;

	*sum = (struct pvspin_stats){ 0 };
	for_each_possible_cpu(cpu) {
		const struct pvspin_stats *s = per_cpu_ptr(&pvspin_stats, cpu);

		for (i = 0; i < NR_PVSPIN_STATS; i++)
			sum->count[i] += READ_ONCE(s->count[i]);
		sum->time_blocked += READ_ONCE(s->time_blocked);
		for (i = 0; i <= PVSPIN_HISTO_BUCKETS; i++)
			sum->histo_blocked[i] += READ_ONCE(s->histo_blocked[i]);
	}
}
