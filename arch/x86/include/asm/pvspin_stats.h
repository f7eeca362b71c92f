/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Slow-path counters of the paravirt ticket lock, per CPU, with the names
 * Linux's debugfs used (.../spinlocks/taken_slow and so on).  Only the
 * active backend counts; KVM never counts taken_slow_spurious from an
 * event channel, but does count a halt that ended before its turn.
 * taken_slow_nested is this project's: slow paths entered while this
 * CPU's own slow path was interrupted (Xen leaves the channel pending for
 * the outer one).  So is released_slow_prewake: kicks to the waiter that
 * an unlock made next in line (the default spin policy); and lock
 * stealing's released_slow_open (turns opened to a thief because their
 * waiter was blocked) and taken_slow_stolen (turns a thief took).
 */
#ifndef _ASM_X86_PVSPIN_STATS_H
#define _ASM_X86_PVSPIN_STATS_H

#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/types.h>

#define PVSPIN_STATS(X)							\
	X(TAKEN_SLOW,		taken_slow)				\
	X(TAKEN_SLOW_PICKUP,	taken_slow_pickup)			\
	X(TAKEN_SLOW_SPURIOUS,	taken_slow_spurious)			\
	X(TAKEN_SLOW_NESTED,	taken_slow_nested)			\
	X(RELEASED_SLOW,	released_slow)				\
	X(RELEASED_SLOW_KICKED,	released_slow_kicked)			\
	X(RELEASED_SLOW_PREWAKE, released_slow_prewake)		\
	X(RELEASED_SLOW_OPEN,	released_slow_open)			\
	X(TAKEN_SLOW_STOLEN,	taken_slow_stolen)

enum pvspin_stat {
#define PVSPIN_STAT_ENUM(e, name)	PVSPIN_##e,
	PVSPIN_STATS(PVSPIN_STAT_ENUM)
#undef PVSPIN_STAT_ENUM
	NR_PVSPIN_STATS
};

/* histo_blocked[i] counts halts of 2^i..2^(i+1)-1 ns; the last, longer. */
#define PVSPIN_HISTO_BUCKETS	30

struct pvspin_stats {
	u64 count[NR_PVSPIN_STATS];
	u64 time_blocked;				/* ns */
	u64 histo_blocked[PVSPIN_HISTO_BUCKETS + 1];
};

extern const char * const pvspin_stat_names[NR_PVSPIN_STATS];
DECLARE_PER_CPU(struct pvspin_stats, pvspin_stats);

static inline void pvspin_stat_inc(enum pvspin_stat stat)
{
	this_cpu_inc(pvspin_stats.count[stat]);
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

#endif /* _ASM_X86_PVSPIN_STATS_H */
