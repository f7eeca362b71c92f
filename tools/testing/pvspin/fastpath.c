// SPDX-License-Identifier: GPL-2.0
/*
 * Uncontended lock+unlock, for instruction counts (callgrind) and time.
 * Built twice: without CONFIG_PARAVIRT_SPINLOCKS (fastpath-native) and
 * with it and CONFIG_PARAVIRT (fastpath-pv, whose --key on enables the
 * static key first; virt_spin_lock()'s key is off in both, as on bare
 * metal or with PV on).
 *
 *   fastpath-pv --key off --iterations 1000      (under callgrind)
 *   fastpath-pv --key on --iterations 50000000 --time
 *
 * lock_unlock_loop() and empty_loop() differ only by the lock calls, so
 * callgrind's cost of one minus the other, divided by the iterations, is
 * the cost of one uncontended lock+unlock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/jump_label.h>
#include <linux/spinlock.h>

static arch_spinlock_t the_lock = __ARCH_SPIN_LOCK_UNLOCKED;

noinline void lock_unlock_loop(arch_spinlock_t *lock, unsigned long n)
{
	while (n--) {
		arch_spin_lock(lock);
		arch_spin_unlock(lock);
	}
}

noinline void empty_loop(arch_spinlock_t *lock, unsigned long n)
{
	while (n--)
		barrier();
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	unsigned long n = 1000;
	int timed = 0, key = 0, i;
	double t0, t1, t2;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--iterations") && i + 1 < argc) {
			char *end;

			n = strtoul(argv[++i], &end, 10);
			if (*end || !n) {
				fprintf(stderr, "fastpath: bad --iterations '%s'\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--key") && i + 1 < argc) {
			i++;
			if (!strcmp(argv[i], "on"))
				key = 1;
			else if (strcmp(argv[i], "off")) {
				fprintf(stderr, "fastpath: bad --key '%s' (on, off)\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--time")) {
			timed = 1;
		} else {
			fprintf(stderr,
				"usage: %s [--key on|off] [--iterations N] [--time]\n",
				argv[0]);
			return 2;
		}
	}
#ifdef CONFIG_PARAVIRT
	/* Bare metal, or a backend that chose the ticket lock: no fallback. */
	static_branch_disable(&virt_spin_lock_key);
#endif
#ifdef CONFIG_PARAVIRT_SPINLOCKS
	if (key)
		static_branch_enable(&paravirt_ticketlocks_enabled);
#else
	if (key) {
		fprintf(stderr, "fastpath: --key on needs the paravirt build\n");
		return 2;
	}
#endif
	t0 = now_ns();
	empty_loop(&the_lock, n);
	t1 = now_ns();
	lock_unlock_loop(&the_lock, n);
	t2 = now_ns();
	if (arch_spin_is_locked(&the_lock)) {
		fprintf(stderr, "fastpath: lock left held\n");
		return 1;
	}
	if (timed)
		printf("%.3f\n", ((t2 - t1) - (t1 - t0)) / n);
	return 0;
}
