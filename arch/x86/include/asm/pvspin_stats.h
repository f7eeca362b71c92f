/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Slow-path counters of the paravirt ticket lock, per CPU, with
 * CONFIG_LOCK_EVENT_COUNTS only (without it they compile away, and so do
 * the clock reads around a block).  The names are those of the Linux
 * 3.12 debugfs files (.../spinlocks/taken_slow and so on); only the
 * active backend counts.  KVM never counts taken_slow_spurious from an
 * event channel, but does count a halt that ended before its turn.
 * Added since: taken_slow_nested, slow paths entered while this CPU's own
 * slow path was interrupted (Xen leaves the channel pending for the outer
 * one); released_slow_prewake, kicks to the waiter that an unlock made
 * next in line (the default spin policy); and lock stealing's
 * released_slow_open (turns opened to a thief because their waiter was
 * blocked) and taken_slow_stolen (turns a thief took).
 */
#ifndef _ASM_X86_PVSPIN_STATS_H
#define _ASM_X86_PVSPIN_STATS_H

#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/types.h>

/* The names are in pvspin_stat_names[] (paravirt-spinlocks.c). */
enum pvspin_stat {
	PVSPIN_TAKEN_SLOW,
	PVSPIN_TAKEN_SLOW_PICKUP,
	PVSPIN_TAKEN_SLOW_SPURIOUS,
	PVSPIN_TAKEN_SLOW_NESTED,
	PVSPIN_RELEASED_SLOW,
	PVSPIN_RELEASED_SLOW_KICKED,
	PVSPIN_RELEASED_SLOW_PREWAKE,
	PVSPIN_RELEASED_SLOW_OPEN,
	PVSPIN_TAKEN_SLOW_STOLEN,
	NR_PVSPIN_STATS
};

/* histo_blocked[i] counts halts of 2^i..2^(i+1)-1 ns; the last, longer. */
#define PVSPIN_HISTO_BUCKETS	30

struct pvspin_stats {
	u64 count[NR_PVSPIN_STATS];
	u64 time_blocked;				/* ns */
	u64 histo_blocked[PVSPIN_HISTO_BUCKETS + 1];
};

#ifdef CONFIG_LOCK_EVENT_COUNTS
extern const char * const pvspin_stat_names[NR_PVSPIN_STATS];
DECLARE_PER_CPU(struct pvspin_stats, pvspin_stats);

static inline void pvspin_stat_inc(enum pvspin_stat stat)
{
	this_cpu_inc(pvspin_stats.count[stat]);
}

/* The clock when a block starts, for pvspin_account_blocked(). */
static inline u64 pvspin_block_start(void)
{
	return sched_clock();
}

static inline void pvspin_account_blocked(u64 start)
{
	u64 delta = sched_clock() - start;
	int bucket = delta ? ilog2(delta) : 0;

	if (bucket > PVSPIN_HISTO_BUCKETS)
		bucket = PVSPIN_HISTO_BUCKETS;
	this_cpu_add(pvspin_stats.time_blocked, delta);
	this_cpu_inc(pvspin_stats.histo_blocked[bucket]);
}

/* Sum of every CPU's counters. */
void pvspin_stats_sum(struct pvspin_stats *sum);
#else
static inline void pvspin_stat_inc(enum pvspin_stat stat)
{
}

static inline u64 pvspin_block_start(void)
{
	return 0;
}

static inline void pvspin_account_blocked(u64 start)
{
}
#endif /* CONFIG_LOCK_EVENT_COUNTS */

#endif /* _ASM_X86_PVSPIN_STATS_H */
