/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine under the userspace build: what a vCPU's privileged
 * instructions (HLT, VMCALL, CPUID), its interrupt flag and its firmware
 * tables do.  The shim headers turn kernel APIs into these calls; the
 * embedded host (arch/x86/kvm/) implements them.  Nothing here knows
 * about spinlocks.
 */
#ifndef _TOOLS_PVSPIN_MACHINE_H
#define _TOOLS_PVSPIN_MACHINE_H

/* Architectural state of the vCPU the calling thread is running. */
struct machine_cpu_state {
	int cpu;		/* Linux CPU number: what smp_processor_id() says */
	int if_flag;		/* EFLAGS.IF */
	int irq_nesting;	/* > 0 inside an interrupt handler */
	int nmi_nesting;	/* > 0 inside an NMI handler */
	int irq_pending;	/* set by the host from other threads (atomic) */
	/*
	 * Pause-loop exiting, kept by the host in the vCPU's own state:
	 * PAUSEs at most ple_gap TSC cycles apart form one loop, and a loop
	 * longer than ple_window exits (0: PLE off).
	 */
	unsigned long long ple_window, ple_gap, ple_start, ple_last;
};

extern __thread struct machine_cpu_state *machine_cpu;

/* HLT: blocks until the vCPU is runnable again (host semantics). */
void machine_hlt(void);
/* VMCALL with the KVM register convention: nr in RAX, args in RBX.. */
long machine_vmcall(unsigned long nr, unsigned long a0, unsigned long a1,
		    unsigned long a2, unsigned long a3);
/* CPUID as seen by this vCPU. */
void machine_cpuid(unsigned int leaf, unsigned int *eax, unsigned int *ebx,
		   unsigned int *ecx, unsigned int *edx);
/* Take the pending interrupt: called only with IF set. */
void machine_take_irq(void);
/* A PAUSE loop ran past the PLE window: the exit (the host may yield). */
void machine_ple_exit(void);

/* Firmware: the MADT (APIC ID of each CPU) and the kernel command line. */
int machine_nr_cpus(void);
unsigned int machine_apic_id(int cpu);
const char *machine_cmdline(void);
/* Xen VMs: the event-channel bitmaps of the shared info page. */
void *machine_xen_shared_info(void);
/* The serial console. */
void machine_console_write(const char *line);

/*
 * Racy points of the guest protocol.  The guest code has no hook of its
 * own: the shim calls pvspin_race_window() where the protocol passes
 * through it (smp_mb() for FLAGGED: the guest's only full barrier is the
 * waiter's, after setting the flag; halt()/safe_halt() and
 * xen_poll_irq() for HALT), and the image wraps the unlock_kick static
 * call for RELEASED (tools/pvspin/guest_image.c).  Tests install a hook
 * to widen them; none is installed normally.
 */
enum machine_race_point {
	PVSPIN_RACE_RELEASED,	/* unlock: after the release, before the kick */
	PVSPIN_RACE_FLAGGED,	/* waiter: after flag + barrier, before re-read */
	PVSPIN_RACE_HALT,	/* waiter: after the re-read, before halting */
	NR_PVSPIN_RACE_POINTS
};

extern void (*machine_race_hook)(enum machine_race_point where);

#define pvspin_race_window(where)					do {										void (*__rw_hook)(enum machine_race_point) = machine_race_hook;		if (__builtin_expect(__rw_hook != 0, 0))					__rw_hook(PVSPIN_RACE_##where);				} while (0)

/* Set once vCPUs other than the boot vCPU run: code may not be patched. */
extern int machine_smp_running;

/*
 * Interrupts are recognised at the instruction boundaries the shim can
 * see: PAUSE (cpu_relax()), STI (local_irq_enable/restore) and HLT.
 */
static inline void machine_poll_irq(void)
{
	struct machine_cpu_state *m = machine_cpu;

	if (__builtin_expect(m->if_flag &&
			     __atomic_load_n(&m->irq_pending, __ATOMIC_RELAXED), 0))
		machine_take_irq();
}

/* After each PAUSE of cpu_relax(): the host's pause-loop detection. */
static inline void machine_pause(void)
{
	struct machine_cpu_state *m = machine_cpu;
	unsigned long long now;

	if (__builtin_expect(!m->ple_window, 1))
		return;
	now = __builtin_ia32_rdtsc();
	if (now - m->ple_last > m->ple_gap)
		m->ple_start = now;
	m->ple_last = now;
	if (now - m->ple_start > m->ple_window) {
		machine_ple_exit();
		m->ple_start = m->ple_last = now;
	}
}

/*
 * WRMSR and RDMSR on the current vCPU (the kvmclock and Hyper-V clock
 * MSRs, arch/x86/kvm/kvmclock.c): 0, or -1 where the hardware would raise
 * #GP (an MSR the host does not offer, a reserved bit set).
 */
int machine_wrmsr(unsigned int msr, unsigned long long val);
int machine_rdmsr(unsigned int msr, unsigned long long *val);

#endif /* _TOOLS_PVSPIN_MACHINE_H */
