/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The embedded host's paravirtual clocks: kvmclock (one
 * pvclock_vcpu_time_info per vCPU, registered with
 * MSR_KVM_SYSTEM_TIME_NEW) and the Hyper-V reference TSC page
 * (HV_X64_MSR_REFERENCE_TSC, HV_X64_MSR_TIME_REF_COUNT).
 *
 * The host keeps a clock of its own (the "master" tuple, TSC to ns) and
 * publishes it.  It changes the parameters the way a real host does: a
 * new rate at every update (NTP slewing the host clock, a migration to a
 * host with another TSC frequency), the stable bit on and off (the host's
 * TSC stops being trusted, KVM leaves master-clock mode), and the guest
 * stopped notification (KVM_KVMCLOCK_CTRL after a pause).
 *
 * Writers (Documentation/virt/kvm/x86/kvmclock.rst):
 *   fixed   every registered page's version made odd, full barrier, TSC
 *           read, body, barrier, version even; the version stored on its
 *           own.
 *   legacy  the old host's single copy of the whole structure with
 *           version += 2 in it, stored as weakly ordered as a string
 *           copy may be.  Negative control only.
 *   Hyper-V sequence 0, barrier, scale and offset, barrier, new sequence
 *           (never 0 or 0xFFFFFFFF); "no-invalidate" skips the first step
 *           (negative control).
 */
#ifndef _PVSPIN_HOST_KVMCLOCK_H
#define _PVSPIN_HOST_KVMCLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include <uapi/asm/hyperv-tlfs.h>
#include <uapi/asm/pvclock-abi.h>

struct kvm;
struct kvm_cpu;

enum kvmclock_writer {
	KVMCLOCK_WRITER_FIXED,
	KVMCLOCK_WRITER_LEGACY,
};

enum kvmclock_hv_writer {
	KVMCLOCK_HV_FIXED,
	KVMCLOCK_HV_NO_INVALIDATE,
};

struct kvmclock_config {
	enum kvmclock_writer writer;
	bool stable;		/* start with one tuple and TSC_STABLE */
	uint64_t window_ns;	/* host work between the stores of an update */
	uint64_t period_ns;	/* updater: host work between updates */
	uint32_t rate_ppm;	/* each update: a rate within this of nominal */
	unsigned int flip_every; /* updater: flip the stable bit every N */
	uint64_t skew_ns;	/* unstable: vCPU i's clock i * skew_ns ahead */
	uint32_t skew_ppm;	/* and i * skew_ppm faster */
	bool hyperv;		/* offer the Hyper-V clock MSRs and page */
	enum kvmclock_hv_writer hv_writer;
	bool hv_invalid;	/* keep the TSC page at sequence 0 */
	unsigned int history;	/* updates kept per page for checkers */
};

struct kvmclock_stat {
	uint64_t updates;		/* new tuples (all vCPUs at once) */
	uint64_t page_writes;
	uint64_t flips;			/* stable bit changes */
	uint64_t hv_updates;
	uint64_t msr_writes;
	uint64_t msr_reads;
	uint64_t msr_gp;		/* accesses answered with #GP */
	uint64_t not_recorded;		/* tuples beyond the history */
};

struct kvmclock;

/* Attach the clocks to @kvm (before kvm__start); NULL on a bad config. */
struct kvmclock *kvmclock__init(struct kvm *kvm,
				const struct kvmclock_config *cfg);
/* Start/stop the updater thread (period_ns between updates). */
void kvmclock__start(struct kvmclock *c);
void kvmclock__stop(struct kvmclock *c);
void kvmclock__exit(struct kvmclock *c);

/* On demand: new parameters for every vCPU (and the Hyper-V page). */
void kvmclock__update(struct kvmclock *c);
void kvmclock__set_stable(struct kvmclock *c, bool stable);
/* KVM_KVMCLOCK_CTRL on every vCPU: PVCLOCK_GUEST_STOPPED in its next write. */
void kvmclock__guest_stopped(struct kvmclock *c);

void kvmclock__stat(struct kvmclock *c, struct kvmclock_stat *st);
/* The page vCPU @cpu registered, or NULL. */
struct pvclock_vcpu_time_info *kvmclock__page(struct kvmclock *c, int cpu);
struct ms_hyperv_tsc_page *kvmclock__hv_page(struct kvmclock *c);

/* What the host published as @version of @cpu's page; false: not kept. */
bool kvmclock__history(struct kvmclock *c, int cpu, uint32_t version,
		       struct pvclock_vcpu_time_info *out);
bool kvmclock__hv_history(struct kvmclock *c, uint32_t sequence,
			  uint64_t *scale, int64_t *offset);

/* The ABI's formulas, computed the host's way (no 128-bit type). */
uint64_t kvmclock__tuple_ns(const struct pvclock_vcpu_time_info *t,
			    uint64_t tsc);
uint64_t kvmclock__hv_time(uint64_t scale, int64_t offset, uint64_t tsc);

/*
 * CPUID 0x40000001 EAX bits for the clocks @kvm has (0 without):
 * KVM_FEATURE_CLOCKSOURCE2 and KVM_FEATURE_CLOCKSOURCE_STABLE_BIT.
 */
uint32_t kvmclock__cpuid_features(struct kvm *kvm);

/* MSR exits: 0, or -1 for #GP. */
int kvm_cpu__wrmsr(struct kvm_cpu *vcpu, uint32_t msr, uint64_t val);
int kvm_cpu__rdmsr(struct kvm_cpu *vcpu, uint32_t msr, uint64_t *val);

/* The TSC frequency, measured once against CLOCK_MONOTONIC_RAW. */
double kvmclock__tsc_hz(void);
uint64_t kvmclock__rdtsc(void);

#endif /* _PVSPIN_HOST_KVMCLOCK_H */
