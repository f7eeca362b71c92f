/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_CPUMASK_H
#define _TOOLS_LINUX_CPUMASK_H

#include <linux/compiler.h>
#include <linux/percpu.h>

#define BITS_PER_LONG		64
#define BITS_TO_LONGS(n)	(((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)

struct cpumask {
	unsigned long bits[BITS_TO_LONGS(NR_CPUS)];
};
typedef struct cpumask cpumask_t;

#define nr_cpu_ids	num_possible_cpus()

/* set_bit()/clear_bit(): locked, hence full barriers on x86. */
static inline void cpumask_set_cpu(unsigned int cpu, struct cpumask *m)
{
	__atomic_fetch_or(&m->bits[cpu / BITS_PER_LONG],
			  1UL << (cpu % BITS_PER_LONG), __ATOMIC_SEQ_CST);
}

static inline void cpumask_clear_cpu(unsigned int cpu, struct cpumask *m)
{
	__atomic_fetch_and(&m->bits[cpu / BITS_PER_LONG],
			   ~(1UL << (cpu % BITS_PER_LONG)), __ATOMIC_SEQ_CST);
}

static inline bool cpumask_test_cpu(int cpu, const struct cpumask *m)
{
	return (READ_ONCE(m->bits[cpu / BITS_PER_LONG]) >>
		(cpu % BITS_PER_LONG)) & 1;
}

/* The next set bit above @n, or nr_cpu_ids. */
static inline unsigned int cpumask_next(int n, const struct cpumask *m)
{
	unsigned int limit = nr_cpu_ids;
	unsigned int cpu;

	for (cpu = n + 1; cpu < limit; cpu++) {
		unsigned long word = READ_ONCE(m->bits[cpu / BITS_PER_LONG]);

		word >>= cpu % BITS_PER_LONG;
		if (!word) {
			cpu |= BITS_PER_LONG - 1;
			continue;
		}
		cpu += __builtin_ctzl(word);
		return cpu < limit ? cpu : limit;
	}
	return limit;
}

#define for_each_cpu(cpu, mask)						\
	for ((cpu) = -1; (cpu) = cpumask_next((cpu), (mask)),		\
	     (cpu) < nr_cpu_ids;)

#define for_each_possible_cpu(cpu)					\
	for ((cpu) = 0; (cpu) < nr_cpu_ids; (cpu)++)

#endif /* _TOOLS_LINUX_CPUMASK_H */
