/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One VM run: boot an image on the embedded host, run a workload on every
 * vCPU, watch progress, collect what the guest and the host counted.
 */
#ifndef _PVSPIN_VM_H
#define _PVSPIN_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "../../arch/x86/kvm/kvm.h"
#include "image.h"

enum pvspin_workload {
	PVSPIN_WL_HAMMER,	/* everyone hammers the lock(s) for a time */
	PVSPIN_WL_FIFO,		/* arrivals in a known order, served in it? */
	PVSPIN_WL_COMPLETION,	/* the lock is freed right after unlock */
	PVSPIN_WL_NMI,		/* a waiter in NMI context must not halt */
};

/*
 * Acquisition wait times, from before lock() to after it returns: log2
 * buckets split in 8, so a percentile is known to within 12.5%.
 */
#define PVSPIN_WAIT_SUB		8
#define PVSPIN_WAIT_BUCKETS	(41 * PVSPIN_WAIT_SUB)

unsigned int pvspin_wait_bucket(uint64_t ns);
uint64_t pvspin_wait_bucket_ns(unsigned int bucket);	/* upper bound */
/* The @q quantile (0 < q < 1) of a histogram, in ns; 0 if empty. */
uint64_t pvspin_wait_quantile(const uint64_t *hist, double q);

/*
 * The work a HAMMER run must do.  With any field set, the run ends once
 * every set field is reached, and pvspin_opts.seconds is only its limit:
 * a test states the work its verdict needs, so a loaded machine makes it
 * slower, never wrong.  All zero: the run lasts pvspin_opts.seconds.
 */
struct pvspin_goal {
	uint64_t acquisitions;
	uint64_t trylock_ok, trylock_fail;
	uint64_t slow;		/* taken_slow, blocks and kicks, each this many */
	uint64_t irq_acquisitions;
	uint64_t nested;	/* taken_slow_nested */
	uint64_t prewakes;	/* released_slow_prewake */
	uint64_t ple_exits;	/* host: pause-loop exits */
	uint64_t errors;	/* negative controls: stop at the first catch */
	uint64_t queued;	/* track_queue: this many tickets out at once */
	uint64_t steals;	/* turns served twice, once by a thief */
};

/* The guest's SPIN_THRESHOLD; another value goes on as "pvspin_spins=N". */
#define SPIN_THRESHOLD_DEFAULT	(1u << 15)

struct pvspin_opts {
	const struct pvspin_image *img;
	struct kvm_config kvm;
	enum pvspin_workload workload;
	double seconds;			/* HAMMER duration, or limit */
	struct pvspin_goal goal;	/* HAMMER: the work to do */
	unsigned int rounds;		/* FIFO, COMPLETION, NMI */
	unsigned int spin_threshold;
	unsigned int nr_locks;
	unsigned int cs_loops;		/* PAUSEs inside the critical section */
	unsigned int noncs_loops;	/* PAUSEs between acquisitions */
	unsigned int trylock_pct;	/* acquisitions tried with trylock */
	bool irqsave;			/* lock with interrupts off: halt() */
	bool irq_nested;		/* the tick handler takes a lock too */
	bool break_kick;		/* negative control */
	bool prewake_only;		/* negative control */
	bool unlock_312;		/* negative control (COMPLETION) */
	bool nmi;			/* NMI: the waiter runs in NMI context */
	uint64_t race_delay_ns;		/* random delays at the race points */
	bool irq_at_halt;		/* self-interrupt at 1 in 2 HALT points */
	bool faults;			/* all fault injection, see pvspin_faults() */
	bool xen_no_nesting_rule;	/* negative control */
	/*
	 * Thefts per turn the critical section allows: 0, the guest's own
	 * pvspin_steal; less than that is the check's negative control.
	 */
	unsigned int steal_limit;
	double watchdog_s;		/* no acquisition for this long: hung */
	bool progress;			/* a line a second on stderr */
	bool measure_wait;		/* fill wait_hist (two clock reads each) */
	bool track_queue;		/* ticket locks: keep max_queued */
};

struct pvspin_result {
	bool hung;
	uint64_t errors;
	char first_error[256];
	double elapsed_s;
	bool pv_active;
	bool preempt_hint;	/* vcpu_is_preempted() is a backend's */
	uint64_t acquisitions;
	uint64_t per_vcpu[KVM_MAX_VCPUS];
	uint64_t halts_per_vcpu[KVM_MAX_VCPUS];
	uint64_t polls_per_vcpu[KVM_MAX_VCPUS];
	uint64_t trylock_ok, trylock_fail;
	uint64_t irq_acquisitions;
	uint64_t rounds_done;
	uint64_t rounds_unchecked;	/* COMPLETION: waiter not freed in time */
	uint64_t race_hits;		/* COMPLETION: unlocks held after release */
	struct pvspin_counters counters;
	struct kvm_cpu_stat host;
	uint64_t kicks_bad_apic;
	uint64_t hypercalls_bad_nr;
	char console[4096];
	uint64_t wait_hist[PVSPIN_WAIT_BUCKETS];
	uint64_t wait_ns;		/* measure_wait: all waits together */
	/* track_queue: most tickets out at once, the holder's included */
	unsigned int max_queued;
	/* Critical sections that served a turn already served: thefts. */
	uint64_t steals_seen;
};

void pvspin_opts_default(struct pvspin_opts *o);
/*
 * Turn on every injected fault: random delays and yields at the guest's
 * race points, vCPUs descheduled for milliseconds there, kicks delayed,
 * spurious wakeups.  The build option PVSPIN_FAULTS makes it the default.
 */
void pvspin_faults(struct pvspin_opts *o);
/* Parse "dense", "sparse" or a comma list of APIC IDs into @cfg. */
int pvspin_parse_apic_ids(struct kvm_config *cfg, const char *spec,
			  char *err, size_t len);
/*
 * Run it.  Returns 0 when the run ended, 3 when the watchdog fired: then
 * vCPU threads are still stuck and the caller must report and exit.
 */
int pvspin_vm_run(const struct pvspin_opts *o, struct pvspin_result *r);
uint64_t pvspin_counter(const struct pvspin_result *r, const char *name);
/*
 * 0 when @r reached every set field of @g; otherwise -1, and @buf says
 * what fell short ("taken_slow 12 of 500").
 */
int pvspin_goal_missing(const struct pvspin_goal *g,
			const struct pvspin_result *r, char *buf, size_t len);

/* vCPUs blocked (HLT on KVM, SCHEDOP_poll on Xen), and wakeups sent. */
static inline uint64_t pvspin_blocks(const struct pvspin_result *r)
{
	return r->host.halt_exits + r->host.polls;
}

static inline uint64_t pvspin_kicks(const struct pvspin_result *r)
{
	return r->host.kicks_received + r->host.sends;
}

#endif /* _PVSPIN_VM_H */
