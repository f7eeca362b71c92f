/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU variables laid out as the kernel does: definitions go into one
 * section, which is the template; each CPU gets its own copy of the whole
 * section, and a pointer into the template plus that CPU's offset is a
 * pointer into the copy (tools/lib/shim.c sets up the copies).
 */
#ifndef _TOOLS_LINUX_PERCPU_H
#define _TOOLS_LINUX_PERCPU_H

#include <linux/compiler.h>
#include <linux/smp.h>
#include <linux/types.h>

#ifndef CONFIG_NR_CPUS
#define CONFIG_NR_CPUS	64
#endif
#define NR_CPUS		CONFIG_NR_CPUS

/*
 * One program holds images built with different CONFIG_NR_CPUS; the
 * per-CPU areas are made for the largest VM the embedded host runs.
 */
#define PVSPIN_PERCPU_MAX	256
extern unsigned long __per_cpu_offset[PVSPIN_PERCPU_MAX];

#define DEFINE_PER_CPU(type, name)					\
	__section("pvspin_percpu") __aligned(8) __typeof__(type) name
#define DECLARE_PER_CPU(type, name)	extern __typeof__(type) name
#define DEFINE_PER_CPU_READ_MOSTLY(type, name)	DEFINE_PER_CPU(type, name)
#define DECLARE_PER_CPU_READ_MOSTLY(type, name)	DECLARE_PER_CPU(type, name)

#define per_cpu_ptr(ptr, cpu)						\
	((__typeof__(ptr))((uintptr_t)(ptr) + __per_cpu_offset[(cpu)]))
#define per_cpu(var, cpu)	(*per_cpu_ptr(&(var), (cpu)))
#define this_cpu_ptr(ptr)	per_cpu_ptr((ptr), smp_processor_id())

#define this_cpu_read(pcp)	READ_ONCE(*this_cpu_ptr(&(pcp)))
#define this_cpu_write(pcp, v)	WRITE_ONCE(*this_cpu_ptr(&(pcp)), (v))
/* Only this CPU writes its copy; interrupts come at cpu_relax()/STI/HLT. */
#define this_cpu_add(pcp, v)						\
do {									\
	__typeof__(&(pcp)) __tca_p = this_cpu_ptr(&(pcp));		\
	WRITE_ONCE(*__tca_p, *__tca_p + (v));				\
} while (0)
#define this_cpu_inc(pcp)	this_cpu_add((pcp), 1)

#endif /* _TOOLS_LINUX_PERCPU_H */
