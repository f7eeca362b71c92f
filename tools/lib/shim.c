// SPDX-License-Identifier: GPL-2.0
/*
 * The run-time half of the kernel shim: per-CPU areas, printk, early
 * parameters, sched_clock() and static-key code patching.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/init.h>
#include <linux/jump_label.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/sched/clock.h>
#include <linux/smp.h>
#include <asm/tsc.h>
#include <pvspin/machine.h>

unsigned int tsc_khz;
void (*machine_race_hook)(enum machine_race_point where);
int machine_smp_running;

/* Outside a VM (unit tests, the fast-path benchmark): CPU 0, IF set. */
static struct machine_cpu_state machine_boot_cpu = { .cpu = 0, .if_flag = 1 };
__thread struct machine_cpu_state *machine_cpu = &machine_boot_cpu;

static void __attribute__((noreturn)) shim_die(const char *what)
{
	fprintf(stderr, "pvspin shim: %s: %s\n", what, strerror(errno));
	exit(70);
}

/* --- the TSC rate: 10 ms against CLOCK_MONOTONIC, best of 3 --- */

static void __attribute__((constructor)) tsc_calibrate(void)
{
	uint64_t best = 0;
	int i;

	for (i = 0; i < 3; i++) {
		uint64_t t0 = sched_clock(), c0 = rdtsc_ordered(), t1, c1, khz;

		while (sched_clock() - t0 < 10000000)
			;
		c1 = rdtsc_ordered();
		t1 = sched_clock();
		/*
		 * The cycles lie inside the ns window, so a preemption at its
		 * ends can only lower the rate: keep the highest.
		 */
		khz = (c1 - c0) * 1000000 / (t1 - t0);
		if (khz > best)
			best = khz;
	}
	tsc_khz = best;
}

/* --- per-CPU areas --- */

extern char __start_pvspin_percpu[] __attribute__((weak));
extern char __stop_pvspin_percpu[] __attribute__((weak));
unsigned long __per_cpu_offset[PVSPIN_PERCPU_MAX];

static void __attribute__((constructor)) percpu_setup(void)
{
	size_t size = __stop_pvspin_percpu - __start_pvspin_percpu;
	size_t stride = (size + 127) & ~(size_t)127;
	char *area;
	int cpu;

	if (!size)
		return;
	area = aligned_alloc(128, stride * PVSPIN_PERCPU_MAX);
	if (!area)
		shim_die("per-CPU areas");
	for (cpu = 0; cpu < PVSPIN_PERCPU_MAX; cpu++) {
		char *copy = area + (size_t)cpu * stride;

		memcpy(copy, __start_pvspin_percpu, size);
		__per_cpu_offset[cpu] = (unsigned long)copy -
					(unsigned long)__start_pvspin_percpu;
	}
}

unsigned int num_possible_cpus(void)
{
	return machine_nr_cpus();
}

/* --- printk --- */

int printk(const char *fmt, ...)
{
	char line[512];
	const char *text = line;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (line[0] == KERN_SOH[0] && line[1])
		text += 2;
	machine_console_write(text);
	return n;
}

/* --- early parameters --- */

void parse_early_options(const char *cmdline,
			 const struct obs_kernel_param *start,
			 const struct obs_kernel_param *stop)
{
	const char *p = cmdline;

	while (p && *p) {
		const struct obs_kernel_param *kp;
		char word[128], *val;
		size_t len;

		p += strspn(p, " \t");
		len = strcspn(p, " \t");
		if (!len)
			break;
		if (len >= sizeof(word))
			len = sizeof(word) - 1;
		memcpy(word, p, len);
		word[len] = '\0';
		p += len;
		val = strchr(word, '=');
		if (val)
			*val++ = '\0';
		for (kp = start; kp < stop; kp++)
			if (kp->early && !strcmp(kp->str, word))
				kp->setup_func(val);
	}
}

/* --- time --- */

u64 sched_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* --- jump labels --- */

extern struct jump_entry __start___jump_table[] __attribute__((weak));
extern struct jump_entry __stop___jump_table[] __attribute__((weak));

static void text_poke(unsigned long addr, const unsigned char *insn,
		      size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long first = addr & ~(page - 1);
	size_t span = ((addr + len + page - 1) & ~(page - 1)) - first;

	if (mprotect((void *)first, span, PROT_READ | PROT_WRITE | PROT_EXEC))
		shim_die("mprotect(text, rwx)");
	memcpy((void *)addr, insn, len);
	if (mprotect((void *)first, span, PROT_READ | PROT_EXEC))
		shim_die("mprotect(text, rx)");
	__builtin___clear_cache((char *)addr, (char *)addr + len);
}

static void jump_label_update(struct static_key *key, int enable)
{
	static const unsigned char nop5[JUMP_LABEL_NOP_SIZE] = {
		0x0f, 0x1f, 0x44, 0x00, 0x00
	};
	struct jump_entry *e;

	if (machine_smp_running) {
		fprintf(stderr, "pvspin shim: static key changed while other vCPUs run\n");
		abort();
	}
	for (e = __start___jump_table; e < __stop___jump_table; e++) {
		unsigned char jmp[JUMP_LABEL_NOP_SIZE];
		int rel;

		if (e->key != (unsigned long)key)
			continue;
		if (!enable) {
			text_poke(e->code, nop5, sizeof(nop5));
			continue;
		}
		rel = (int)(e->target - (e->code + JUMP_LABEL_NOP_SIZE));
		jmp[0] = 0xe9;
		memcpy(&jmp[1], &rel, sizeof(rel));
		text_poke(e->code, jmp, sizeof(jmp));
	}
	WRITE_ONCE(key->enabled, enable);
}

void static_key_enable(struct static_key *key)
{
	if (!static_key_enabled(key))
		jump_label_update(key, 1);
}

void static_key_disable(struct static_key *key)
{
	if (static_key_enabled(key))
		jump_label_update(key, 0);
}

/* --- firmware-provided per-CPU data --- */

#include <asm/smp.h>

DEFINE_PER_CPU_READ_MOSTLY(u16, x86_cpu_to_apicid);
