/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest image: the guest kernel code built with one configuration
 * (native, pv, pv16) plus the adapter the harness drives it through.
 * One program holds several images; each boots only its own parameters
 * and initcalls.
 */
#ifndef _PVSPIN_IMAGE_H
#define _PVSPIN_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PVSPIN_MAX_COUNTERS	12
#define PVSPIN_HISTO_MAX	32

struct pvspin_counters {
	int nr;
	const char *name[PVSPIN_MAX_COUNTERS];
	uint64_t value[PVSPIN_MAX_COUNTERS];
	uint64_t time_blocked_ns;
	int nr_histo;
	uint64_t histo_blocked[PVSPIN_HISTO_MAX];
};

/* The lock under test, seen as opaque memory of lock_size bytes. */
struct pvspin_lock_ops {
	size_t lock_size;
	unsigned int ticket_inc;	/* 0: not a ticket lock */
	unsigned int ticket_bits;
	void (*init)(void *lock);
	void (*lock)(void *lock);
	void (*unlock)(void *lock);
	int (*trylock)(void *lock);
	int (*is_locked)(void *lock);
	int (*is_contended)(void *lock);
	unsigned int (*head)(void *lock);	/* ticket now served */
	unsigned int (*tail)(void *lock);	/* raw tail, flag included */
	/* Tickets handed out and not yet served, the holder's included. */
	unsigned int (*queued)(void *lock);
};

struct pvspin_image {
	const char *name;
	const char *describe;
	bool paravirt;
	unsigned int nr_cpus_max;	/* CONFIG_NR_CPUS */
	const struct pvspin_lock_ops *ops;
	void (*boot)(void);		/* boot vCPU, before the others */
	bool (*pv_active)(void);	/* the static key */
	/* vcpu_is_preempted() is a backend's, not the native "never" */
	bool (*preempt_hint)(void);
	void (*read_counters)(struct pvspin_counters *c);
	/* Negative controls and probes, paravirt images only. */
	void (*unlock_312)(void *lock);	/* reads tail after release */
	void (*break_kick)(void);	/* unlock_kick becomes a no-op */
	void (*prewake_only)(void);	/* it kicks the waiter after next */
	/* Lock stealing: the most thefts a turn may suffer (0: none). */
	unsigned int (*steal_limit)(void);
};

extern const struct pvspin_image pvspin_image_native;
extern const struct pvspin_image pvspin_image_pv;
extern const struct pvspin_image pvspin_image_pv16;
extern const struct pvspin_image pvspin_image_tas;
extern const struct pvspin_image pvspin_image_mutex;
/* No lock at all: the negative control of the race detector. */
extern const struct pvspin_image pvspin_image_none;

const struct pvspin_image *pvspin_image_find(const char *name);
extern const struct pvspin_image *const pvspin_images[];

#endif /* _PVSPIN_IMAGE_H */
