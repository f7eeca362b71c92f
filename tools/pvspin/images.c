// SPDX-License-Identifier: GPL-2.0
/* The images this program holds, and the lock-less negative control. */
#include <pthread.h>
#include <string.h>

#include <asm/processor.h>

#include "image.h"

static void none_nop(void *lock)
{
}

static int none_true(void *lock)
{
	return 1;
}

static int none_false(void *lock)
{
	return 0;
}

static const struct pvspin_lock_ops none_ops = {
	.lock_size	= 4,
	.init		= none_nop,
	.lock		= none_nop,
	.unlock		= none_nop,
	.trylock	= none_true,
	.is_locked	= none_true,
	.is_contended	= none_false,
};

static void none_boot(void)
{
}

static bool none_pv_active(void)
{
	return false;
}

static void none_read_counters(struct pvspin_counters *c)
{
	*c = (struct pvspin_counters){ 0 };
}

const struct pvspin_image pvspin_image_none = {
	.name		= "none",
	.describe	= "no lock at all (negative control of the race detector)",
	.nr_cpus_max	= 256,
	.ops		= &none_ops,
	.boot		= none_boot,
	.pv_active	= none_pv_active,
	.read_counters	= none_read_counters,
};

/*
 * Test-and-set, as Linux's virt_spin_lock() falls back to without
 * PV_UNHALT: spin reading, then try to swap 0 -> 1.  Unfair by design.
 * The adapter counts spinning waiters so that queued() can say when a
 * waiter has arrived (FIFO test); the count is not part of the lock.
 */
struct tas_lock {
	unsigned int locked;
	unsigned int waiters;
};

static void tas_init(void *p)
{
	*(struct tas_lock *)p = (struct tas_lock){ 0, 0 };
}

static void tas_lock(void *p)
{
	struct tas_lock *l = p;

	__atomic_fetch_add(&l->waiters, 1, __ATOMIC_RELAXED);
	for (;;) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			cpu_relax();
		if (!__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
			break;
	}
	__atomic_fetch_sub(&l->waiters, 1, __ATOMIC_RELAXED);
}

static void tas_unlock(void *p)
{
	__atomic_store_n(&((struct tas_lock *)p)->locked, 0, __ATOMIC_RELEASE);
}

static int tas_trylock(void *p)
{
	struct tas_lock *l = p;

	return !__atomic_load_n(&l->locked, __ATOMIC_RELAXED) &&
	       !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static int tas_is_locked(void *p)
{
	return __atomic_load_n(&((struct tas_lock *)p)->locked,
			       __ATOMIC_RELAXED);
}

static int tas_is_contended(void *p)
{
	return __atomic_load_n(&((struct tas_lock *)p)->waiters,
			       __ATOMIC_RELAXED) > 0;
}

static unsigned int tas_queued(void *p)
{
	struct tas_lock *l = p;

	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) +
	       __atomic_load_n(&l->waiters, __ATOMIC_RELAXED);
}

static const struct pvspin_lock_ops tas_ops = {
	.lock_size	= sizeof(struct tas_lock),
	.init		= tas_init,
	.lock		= tas_lock,
	.unlock		= tas_unlock,
	.trylock	= tas_trylock,
	.is_locked	= tas_is_locked,
	.is_contended	= tas_is_contended,
	.queued		= tas_queued,
};

const struct pvspin_image pvspin_image_tas = {
	.name		= "tas",
	.describe	= "test-and-set, what Linux uses without PV_UNHALT",
	.nr_cpus_max	= 256,
	.ops		= &tas_ops,
	.boot		= none_boot,
	.pv_active	= none_pv_active,
	.read_counters	= none_read_counters,
};

/*
 * A pthread mutex: what a userspace programmer would use.  It sleeps in
 * the host kernel (futex) and is not FIFO.  The adapter keeps a held flag
 * for is_locked(), which the mutex does not offer.
 */
struct mutex_lock {
	pthread_mutex_t m;
	int held;
};

static void mutex_init(void *p)
{
	struct mutex_lock *l = p;

	pthread_mutex_init(&l->m, NULL);
	l->held = 0;
}

static void mutex_lock(void *p)
{
	struct mutex_lock *l = p;

	pthread_mutex_lock(&l->m);
	__atomic_store_n(&l->held, 1, __ATOMIC_RELAXED);
}

static void mutex_unlock(void *p)
{
	struct mutex_lock *l = p;

	__atomic_store_n(&l->held, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&l->m);
}

static int mutex_trylock(void *p)
{
	struct mutex_lock *l = p;

	if (pthread_mutex_trylock(&l->m))
		return 0;
	__atomic_store_n(&l->held, 1, __ATOMIC_RELAXED);
	return 1;
}

static int mutex_is_locked(void *p)
{
	return __atomic_load_n(&((struct mutex_lock *)p)->held,
			       __ATOMIC_RELAXED);
}

static const struct pvspin_lock_ops mutex_ops = {
	.lock_size	= sizeof(struct mutex_lock),
	.init		= mutex_init,
	.lock		= mutex_lock,
	.unlock		= mutex_unlock,
	.trylock	= mutex_trylock,
	.is_locked	= mutex_is_locked,
	.is_contended	= none_false,
};

const struct pvspin_image pvspin_image_mutex = {
	.name		= "mutex",
	.describe	= "pthread mutex (futex): the userspace anchor",
	.nr_cpus_max	= 256,
	.ops		= &mutex_ops,
	.boot		= none_boot,
	.pv_active	= none_pv_active,
	.read_counters	= none_read_counters,
};

const struct pvspin_image *const pvspin_images[] = {
	&pvspin_image_native,
	&pvspin_image_pv,
	&pvspin_image_pv16,
	&pvspin_image_tas,
	&pvspin_image_mutex,
	&pvspin_image_none,
	NULL,
};

const struct pvspin_image *pvspin_image_find(const char *name)
{
	int i;

	for (i = 0; pvspin_images[i]; i++)
		if (!strcmp(pvspin_images[i]->name, name))
			return pvspin_images[i];
	return NULL;
}
