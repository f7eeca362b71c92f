// SPDX-License-Identifier: GPL-2.0
/*
 * pvspin: boot a VM on the embedded host and run a lock workload on it.
 *
 *   pvspin run --vcpus 8 --pcpus 2 --lock pv --seconds 5
 *
 * Exit codes: 0 success, 1 a correctness check failed, 2 bad usage,
 * 3 the watchdog fired (no lock acquisition for --watchdog seconds).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "vm.h"

static const char usage_text[] =
"usage: pvspin run [options]\n"
"       pvspin bench [options]      the overcommit sweep (pvspin bench --help)\n"
"       pvspin clock [options]      kvmclock and Hyper-V clock readers\n"
"       pvspin --help | pvspin run --help\n"
"\n"
"Boot one VM on the embedded KVM host (vCPU threads pinned onto host CPUs)\n"
"and let every vCPU take and release a lock for a while.\n"
"\n"
"VM:\n"
"  --vcpus N           vCPUs (default 4)\n"
"  --pcpus M           host CPUs the vCPUs are pinned onto, vCPU i on the\n"
"                      (i mod M)-th CPU this process may use (default 1);\n"
"                      N > M is overcommit\n"
"  --lock IMAGE        native  ticket lock built without CONFIG_PARAVIRT_SPINLOCKS\n"
"                      pv      ticket lock with CONFIG_PARAVIRT_SPINLOCKS (default)\n"
"                      pv16    pv with CONFIG_NR_CPUS=256: 16-bit tickets\n"
"                      tas     test-and-set (Linux's fallback without PV_UNHALT)\n"
"  --host TYPE         kvm: KVM_HC_KICK_CPU and HLT (default)\n"
"                      xen: Xen event channels, SCHEDOP_poll, EVTCHNOP_send\n"
"  --cmdline STR       guest kernel command line, e.g. \"nopvspin\",\n"
"                      \"xen_nopvspin\", \"pvspin_policy=3.12\" (spin policies:\n"
"                      next, the default, time, 3.12), \"pvspin_spin_ns=N\",\n"
"                      \"pvspin_steal=N\" (thefts per turn, 0 = none)\n"
"  --no-pv-unhalt      hide KVM_FEATURE_PV_UNHALT in CPUID 0x40000001\n"
"  --realtime          set KVM_HINTS_REALTIME in CPUID 0x40000001\n"
"  --apic-ids SPEC     dense (0..N-1), sparse (odd, reversed) or a comma list\n"
"                      (default dense)\n"
"  --exit-cost-ns NS   host time spent per hypercall and per HLT (default 0)\n"
"  --tick-us US        periodic interrupt to every vCPU, 0 = none (default 0)\n"
"  --yield-on-kick     a kick that wakes a vCPU sharing the kicker's host CPU\n"
"                      yields that CPU (KVM's yield on kick; Xen's BOOST)\n"
"  --ple CYCLES        pause-loop exiting: a PAUSE loop longer than CYCLES\n"
"                      of TSC exits and yields (KVM's window: 4096; default\n"
"                      0, off); PAUSEs more than 128 cycles apart start a\n"
"                      new loop\n"
"  --faults            inject faults: random delays, yields and millisecond\n"
"                      deschedules at the guest's race points, delayed kicks,\n"
"                      spurious wakeups (1 HLT or poll in 64)\n"
"Workload:\n"
"  --seconds S         run time (default 2)\n"
"  --locks K           number of locks, each acquisition picks one (default 1)\n"
"  --cs-loops N        PAUSEs inside the critical section (default 20)\n"
"  --noncs-loops N     PAUSEs between acquisitions (default 0)\n"
"  --trylock-pct P     percentage of acquisitions tried with trylock first\n"
"  --irqsave           take the lock with interrupts off (waiters use halt())\n"
"  --irq-lock          the tick handler takes a lock too (nested slow paths)\n"
"  --irq-at-halt       interrupt a waiter right before it blocks, 1 time in\n"
"                      2 (with --irq-lock: its handler's slow path nests)\n"
"  --spin-threshold N  spins before lock_spinning() under the 3.12 spin\n"
"                      policy (default 32768)\n"
"Output:\n"
"  --csv               one CSV header line and one row instead of the report\n"
"  --watchdog S        fail (exit 3) after S seconds without any acquisition\n"
"                      (default 10)\n"
"  --progress          a progress line a second on stderr\n"
"  -h, --help          this text\n"
"\n"
"Exit status: 0 ok, 1 a correctness check failed, 2 bad usage, 3 watchdog.\n";

enum {
	OPT_VCPUS = 256, OPT_PCPUS, OPT_LOCK, OPT_SECONDS, OPT_CMDLINE,
	OPT_NO_PV_UNHALT, OPT_REALTIME, OPT_APIC_IDS, OPT_EXIT_COST,
	OPT_TICK, OPT_LOCKS, OPT_CS, OPT_NONCS, OPT_TRYLOCK, OPT_IRQSAVE,
	OPT_IRQ_LOCK, OPT_THRESHOLD, OPT_CSV, OPT_WATCHDOG, OPT_PROGRESS,
	OPT_HOST, OPT_FAULTS, OPT_IRQ_AT_HALT, OPT_YIELD_ON_KICK, OPT_PLE,
};

static const struct option long_opts[] = {
	{ "vcpus",		required_argument, NULL, OPT_VCPUS },
	{ "pcpus",		required_argument, NULL, OPT_PCPUS },
	{ "lock",		required_argument, NULL, OPT_LOCK },
	{ "seconds",		required_argument, NULL, OPT_SECONDS },
	{ "host",		required_argument, NULL, OPT_HOST },
	{ "cmdline",		required_argument, NULL, OPT_CMDLINE },
	{ "no-pv-unhalt",	no_argument,	   NULL, OPT_NO_PV_UNHALT },
	{ "realtime",		no_argument,	   NULL, OPT_REALTIME },
	{ "apic-ids",		required_argument, NULL, OPT_APIC_IDS },
	{ "exit-cost-ns",	required_argument, NULL, OPT_EXIT_COST },
	{ "tick-us",		required_argument, NULL, OPT_TICK },
	{ "locks",		required_argument, NULL, OPT_LOCKS },
	{ "cs-loops",		required_argument, NULL, OPT_CS },
	{ "noncs-loops",	required_argument, NULL, OPT_NONCS },
	{ "trylock-pct",	required_argument, NULL, OPT_TRYLOCK },
	{ "irqsave",		no_argument,	   NULL, OPT_IRQSAVE },
	{ "irq-lock",		no_argument,	   NULL, OPT_IRQ_LOCK },
	{ "spin-threshold",	required_argument, NULL, OPT_THRESHOLD },
	{ "csv",		no_argument,	   NULL, OPT_CSV },
	{ "watchdog",		required_argument, NULL, OPT_WATCHDOG },
	{ "progress",		no_argument,	   NULL, OPT_PROGRESS },
	{ "faults",		no_argument,	   NULL, OPT_FAULTS },
	{ "irq-at-halt",	no_argument,	   NULL, OPT_IRQ_AT_HALT },
	{ "yield-on-kick",	no_argument,	   NULL, OPT_YIELD_ON_KICK },
	{ "ple",		required_argument, NULL, OPT_PLE },
	{ "help",		no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct run_args {
	struct pvspin_opts o;
	bool csv;
	const char *apic_spec;
};

static void parse_run(int argc, char **argv, struct run_args *a)
{
	int host[KVM_MAX_VCPUS];
	int nr_host = kvm__host_cpus(host, KVM_MAX_VCPUS);
	char err[160];
	bool faults = false;
	int c;

	pvspin_opts_default(&a->o);
	a->o.measure_wait = true;
	a->apic_spec = "dense";
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case OPT_VCPUS:
			a->o.kvm.nr_vcpus = cli_parse_ulong("--vcpus", optarg, 1,
							KVM_MAX_VCPUS);
			break;
		case OPT_PCPUS:
			a->o.kvm.nr_pcpus = cli_parse_ulong("--pcpus", optarg, 1,
							INT_MAX);
			if (a->o.kvm.nr_pcpus > nr_host)
				cli_usage_error("--pcpus: '%s' is more than the %d host CPUs this process may use",
					    optarg, nr_host);
			break;
		case OPT_LOCK:
			a->o.img = pvspin_image_find(optarg);
			if (!a->o.img || a->o.img == &pvspin_image_none)
				cli_usage_error("--lock: unknown lock '%s' (native, pv, pv16, tas)",
					    optarg);
			break;
		case OPT_SECONDS:
			a->o.seconds = cli_parse_positive("--seconds", optarg, 86400);
			break;
		case OPT_HOST:
			if (!strcmp(optarg, "xen"))
				a->o.kvm.xen = true;
			else if (strcmp(optarg, "kvm"))
				cli_usage_error("--host: unknown host '%s' (kvm, xen)",
					    optarg);
			break;
		case OPT_CMDLINE:
			if (strlen(optarg) >= KVM_MAX_CMDLINE)
				cli_usage_error("--cmdline: longer than %d bytes",
					    KVM_MAX_CMDLINE - 1);
			strcpy(a->o.kvm.cmdline, optarg);
			break;
		case OPT_NO_PV_UNHALT:
			a->o.kvm.pv_unhalt = false;
			break;
		case OPT_REALTIME:
			a->o.kvm.realtime_hint = true;
			break;
		case OPT_APIC_IDS:
			a->apic_spec = optarg;
			break;
		case OPT_EXIT_COST:
			a->o.kvm.exit_cost_ns = cli_parse_ulong("--exit-cost-ns",
							    optarg, 0, 100000000);
			break;
		case OPT_TICK:
			a->o.kvm.tick_ns = 1000ull *
				cli_parse_ulong("--tick-us", optarg, 0, 10000000);
			break;
		case OPT_LOCKS:
			a->o.nr_locks = cli_parse_ulong("--locks", optarg, 1, 1 << 20);
			break;
		case OPT_CS:
			a->o.cs_loops = cli_parse_ulong("--cs-loops", optarg, 0,
						    100000000);
			break;
		case OPT_NONCS:
			a->o.noncs_loops = cli_parse_ulong("--noncs-loops", optarg,
						       0, 100000000);
			break;
		case OPT_TRYLOCK:
			a->o.trylock_pct = cli_parse_ulong("--trylock-pct", optarg,
						       0, 100);
			break;
		case OPT_IRQSAVE:
			a->o.irqsave = true;
			break;
		case OPT_IRQ_LOCK:
			a->o.irq_nested = true;
			break;
		case OPT_THRESHOLD:
			a->o.spin_threshold = cli_parse_ulong("--spin-threshold",
							  optarg, 1, UINT_MAX);
			break;
		case OPT_CSV:
			a->csv = true;
			break;
		case OPT_WATCHDOG:
			a->o.watchdog_s = cli_parse_positive("--watchdog", optarg, 86400);
			break;
		case OPT_PROGRESS:
			a->o.progress = true;
			break;
		case OPT_FAULTS:
			faults = true;
			break;
		case OPT_IRQ_AT_HALT:
			a->o.irq_at_halt = true;
			break;
		case OPT_YIELD_ON_KICK:
			a->o.kvm.yield_on_kick = true;
			break;
		case OPT_PLE:
			a->o.kvm.ple_window_cycles = cli_parse_ulong("--ple", optarg,
								 0, 1ul << 40);
			break;
		case ':':
			cli_usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			cli_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (faults)
		pvspin_faults(&a->o);
	if ((unsigned int)a->o.kvm.nr_vcpus > a->o.img->nr_cpus_max)
		cli_usage_error("--vcpus: %d is more than image %s supports (CONFIG_NR_CPUS=%u)",
			    a->o.kvm.nr_vcpus, a->o.img->name,
			    a->o.img->nr_cpus_max);
	if (pvspin_parse_apic_ids(&a->o.kvm, a->apic_spec, err, sizeof(err)))
		cli_usage_error("--apic-ids: %s", err);
	if (kvm__check_config(&a->o.kvm, err, sizeof(err)))
		cli_usage_error("%s", err);
}

struct spread {
	uint64_t min, max;
	double mean, stddev;
};

static struct spread per_vcpu_spread(const struct pvspin_result *r, int n)
{
	struct spread s = { .min = UINT64_MAX };
	double var = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (r->per_vcpu[i] < s.min)
			s.min = r->per_vcpu[i];
		if (r->per_vcpu[i] > s.max)
			s.max = r->per_vcpu[i];
		s.mean += r->per_vcpu[i];
	}
	s.mean /= n;
	for (i = 0; i < n; i++)
		var += (r->per_vcpu[i] - s.mean) * (r->per_vcpu[i] - s.mean);
	s.stddev = sqrt(var / n);
	return s;
}

static void print_csv(const struct run_args *a, const struct pvspin_result *r)
{
	const struct pvspin_opts *o = &a->o;
	struct spread s = per_vcpu_spread(r, o->kvm.nr_vcpus);
	int i;

	printf("lock,host,vcpus,pcpus,overcommit,seconds,cmdline,pv_unhalt,realtime,"
	       "pv_active,spin_threshold,cs_loops,noncs_loops,locks,"
	       "exit_cost_ns,tick_us,acquisitions,acq_per_s,"
	       "acq_per_pcpu_s,vcpu_min,vcpu_max,vcpu_stddev,wait_p50_ns,"
	       "wait_p99_ns,wait_p999_ns,wait_max_ns,faults");
	for (i = 0; i < r->counters.nr; i++)
		printf(",%s", r->counters.name[i]);
	printf(",time_blocked_ns,halts,kicks,errors\n");
	printf("%s,%s,%d,%d,%.2f,%.3f,\"%s\",%d,%d,%d,%u,%u,%u,%u,%llu,%llu,"
	       "%llu,%.0f,%.0f,%llu,%llu,%.1f",
	       o->img->name, o->kvm.xen ? "xen" : "kvm", o->kvm.nr_vcpus,
	       o->kvm.nr_pcpus, (double)o->kvm.nr_vcpus / o->kvm.nr_pcpus,
	       r->elapsed_s,
	       o->kvm.cmdline, o->kvm.pv_unhalt, o->kvm.realtime_hint,
	       r->pv_active, o->spin_threshold, o->cs_loops, o->noncs_loops,
	       o->nr_locks, (unsigned long long)o->kvm.exit_cost_ns,
	       (unsigned long long)o->kvm.tick_ns / 1000,
	       (unsigned long long)r->acquisitions,
	       r->acquisitions / r->elapsed_s,
	       r->acquisitions / r->elapsed_s / o->kvm.nr_pcpus,
	       (unsigned long long)s.min, (unsigned long long)s.max, s.stddev);
	printf(",%llu,%llu,%llu,%llu,%d",
	       (unsigned long long)pvspin_wait_quantile(r->wait_hist, 0.5),
	       (unsigned long long)pvspin_wait_quantile(r->wait_hist, 0.99),
	       (unsigned long long)pvspin_wait_quantile(r->wait_hist, 0.999),
	       (unsigned long long)pvspin_wait_quantile(r->wait_hist, 1.0),
	       o->faults);
	for (i = 0; i < r->counters.nr; i++)
		printf(",%llu", (unsigned long long)r->counters.value[i]);
	printf(",%llu,%llu,%llu,%llu\n",
	       (unsigned long long)r->counters.time_blocked_ns,
	       (unsigned long long)pvspin_blocks(r),
	       (unsigned long long)pvspin_kicks(r),
	       (unsigned long long)r->errors);
}

static void print_report(const struct run_args *a,
			 const struct pvspin_result *r)
{
	const struct pvspin_opts *o = &a->o;
	struct spread s = per_vcpu_spread(r, o->kvm.nr_vcpus);
	const char *line, *nl;
	int i;

	printf("VM: %s host, %d vCPUs on %d host CPUs (%.2fx), lock %s (%s)\n",
	       o->kvm.xen ? "Xen" : "KVM", o->kvm.nr_vcpus, o->kvm.nr_pcpus,
	       (double)o->kvm.nr_vcpus / o->kvm.nr_pcpus, o->img->name,
	       o->img->describe);
	for (line = r->console; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		printf("guest: %.*s\n", (int)(nl - line), line);
	}
	printf("pv spinlocks: %s\n", r->pv_active ? "on" : "off");
	printf("acquisitions: %llu in %.2f s\n",
	       (unsigned long long)r->acquisitions, r->elapsed_s);
	printf("acquisitions/s: %.0f (%.0f per host-CPU second)\n",
	       r->acquisitions / r->elapsed_s,
	       r->acquisitions / r->elapsed_s / o->kvm.nr_pcpus);
	printf("per-vCPU: min %llu max %llu mean %.0f stddev %.0f (max/min %.2f)\n",
	       (unsigned long long)s.min, (unsigned long long)s.max, s.mean,
	       s.stddev, s.min ? (double)s.max / s.min : INFINITY);
	printf("acquisition wait: p50 %.1f us, p99 %.1f us, p99.9 %.1f us\n",
	       pvspin_wait_quantile(r->wait_hist, 0.5) / 1e3,
	       pvspin_wait_quantile(r->wait_hist, 0.99) / 1e3,
	       pvspin_wait_quantile(r->wait_hist, 0.999) / 1e3);
	if (o->trylock_pct)
		printf("trylock: %llu taken, %llu busy\n",
		       (unsigned long long)r->trylock_ok,
		       (unsigned long long)r->trylock_fail);
	if (o->irq_nested)
		printf("irq-lock acquisitions: %llu\n",
		       (unsigned long long)r->irq_acquisitions);
	for (i = 0; i < r->counters.nr; i++)
		printf("%s: %llu\n", r->counters.name[i],
		       (unsigned long long)r->counters.value[i]);
	if (o->img->paravirt) {
		printf("time_blocked: %llu ns\n",
		       (unsigned long long)r->counters.time_blocked_ns);
		printf("histo_blocked:");
		for (i = 0; i < r->counters.nr_histo; i++)
			if (r->counters.histo_blocked[i])
				printf(" [2^%d ns]=%llu", i,
				       (unsigned long long)r->counters.histo_blocked[i]);
		printf("\n");
	}
	if (o->kvm.xen)
		printf("host: %llu SCHEDOP_poll (%llu ended by an event, %llu by an interrupt, %llu did not block), %llu EVTCHNOP_send, %llu hypercalls, %llu refused\n",
		       (unsigned long long)r->host.polls,
		       (unsigned long long)r->host.poll_wakeup_event,
		       (unsigned long long)r->host.poll_wakeup_irq,
		       (unsigned long long)r->host.poll_no_block,
		       (unsigned long long)r->host.sends,
		       (unsigned long long)r->host.hypercalls,
		       (unsigned long long)r->hypercalls_bad_nr);
	else
		printf("host: %llu halts (%llu ended by a kick, %llu by an interrupt, %llu did not block), %llu kicks, %llu hypercalls, %llu kicks to unknown APIC IDs\n",
		       (unsigned long long)r->host.halt_exits,
		       (unsigned long long)r->host.halt_wakeup_kick,
		       (unsigned long long)r->host.halt_wakeup_irq,
		       (unsigned long long)r->host.halt_no_block,
		       (unsigned long long)r->host.kicks_received,
		       (unsigned long long)r->host.hypercalls,
		       (unsigned long long)r->kicks_bad_apic);
	if (r->acquisitions && o->measure_wait)
		printf("per acquisition: wait %.2f us, blocked %.2f us; kick to running %.1f us (mean of %llu); %llu yields on kick, %llu pause-loop exits\n",
		       r->wait_ns / 1e3 / r->acquisitions,
		       r->counters.time_blocked_ns / 1e3 / r->acquisitions,
		       r->host.wakeups_timed ?
				r->host.wake_ns / 1e3 / r->host.wakeups_timed : 0,
		       (unsigned long long)r->host.wakeups_timed,
		       (unsigned long long)r->host.kick_yields,
		       (unsigned long long)r->host.ple_exits);
	if (o->faults)
		printf("faults injected: %llu spurious wakeups, kicks delayed up to %llu ns, race points widened up to %llu ns\n",
		       (unsigned long long)r->host.spurious_wakeups,
		       (unsigned long long)o->kvm.kick_delay_ns,
		       (unsigned long long)o->race_delay_ns);
	printf("errors: %llu%s%s\n", (unsigned long long)r->errors,
	       r->errors ? ", first: " : "", r->errors ? r->first_error : "");
}

static int cmd_run(int argc, char **argv)
{
	struct run_args a = { 0 };
	struct pvspin_result *r = malloc(sizeof(*r));
	int ret;

	parse_run(argc, argv, &a);
	if (!a.csv)
		fprintf(stderr, "pvspin: running %s on %s, %d vCPUs on %d host CPUs, %.1f s\n",
			a.o.img->name, a.o.kvm.xen ? "Xen" : "KVM",
			a.o.kvm.nr_vcpus, a.o.kvm.nr_pcpus,
			a.o.seconds);
	ret = pvspin_vm_run(&a.o, r);
	if (ret == 3) {
		fprintf(stderr, "pvspin: watchdog fired: a vCPU waits for a wakeup that never came\n");
		fflush(NULL);
		_exit(3);
	}
	if (ret)
		return ret;
	if (a.csv)
		print_csv(&a, r);
	else
		print_report(&a, r);
	ret = r->errors ? 1 : 0;
	free(r);
	return ret;
}

int pvspin_bench_main(int argc, char **argv);

/* tools/pvspin/clock.c, when built in. */
int pvspin_clock_main(int argc, char **argv) __attribute__((weak));

int main(int argc, char **argv)
{
	if (argc < 2)
		cli_usage_error("no command given");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bench"))
		return pvspin_bench_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "clock") && pvspin_clock_main)
		return pvspin_clock_main(argc - 1, argv + 1);
	cli_usage_error("unknown command '%s'", argv[1]);
}
