// SPDX-License-Identifier: GPL-2.0
/*
 * pvspin bench: the overcommit sweep.  Every lock variant, every workload,
 * every overcommit point, repeated, in one run; each run is a VM booted in
 * a child process (a fresh guest, and a hung run cannot take the sweep
 * down).  Raw rows go to a CSV, medians and ratios to stdout, plots are
 * drawn from the CSV by tools/pvspin/plot_bench.sh.
 *
 * A variant is one line in variants[]: an image (the lock code built one
 * way, or an adapter), a host type and a guest command line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "vm.h"

struct bench_variant {
	const char *name;
	const struct pvspin_image *img;
	bool xen;
	const char *cmdline;
	const char *describe;
};

static const struct bench_variant variants[] = {
	{ "native", &pvspin_image_native, false, "", "ticket lock, CONFIG_PARAVIRT_SPINLOCKS=n" },
	{ "pv-3.12", &pvspin_image_pv, false, "pvspin_policy=3.12", "PV ticket lock, KVM backend, Linux 3.12's spin policy" },
	{ "pv-time", &pvspin_image_pv, false, "pvspin_policy=time", "PV ticket lock, KVM backend, time threshold only" },
	{ "pv-nosteal", &pvspin_image_pv, false, "pvspin_steal=0", "PV ticket lock, KVM backend, default policy without lock stealing" },
	{ "pv-kvm", &pvspin_image_pv, false, "", "PV ticket lock, KVM backend (halt + KVM_HC_KICK_CPU)" },
	{ "pv-xen", &pvspin_image_pv, true, "", "PV ticket lock, Xen backend (SCHEDOP_poll + EVTCHNOP_send)" },
	{ "pv-off", &pvspin_image_pv, false, "nopvspin", "PV built in, off with nopvspin" },
	{ "tas", &pvspin_image_tas, false, "", "test-and-set (virt_spin_lock without PV_UNHALT)" },
	{ "mutex", &pvspin_image_mutex, false, "", "pthread mutex (futex)" },
};
#define NR_VARIANTS	(int)(sizeof(variants) / sizeof(variants[0]))

struct bench_workload {
	const char *name;
	unsigned int nr_locks, cs_loops, noncs_loops;
	const char *describe;
};

static const struct bench_workload workloads[] = {
	{ "hot", 1, 50, 200, "one hot lock, short critical section" },
	{ "hash", 1024, 50, 200, "a hash table striped over 1024 locks" },
	{ "mix", 1, 50, 5000, "one lock, long non-critical work per acquisition" },
};
#define NR_WORKLOADS	(int)(sizeof(workloads) / sizeof(workloads[0]))

#define MAX_POINTS	16

struct bench_args {
	bool variant_on[NR_VARIANTS];
	bool workload_on[NR_WORKLOADS];
	double factors[MAX_POINTS];
	int nr_factors;
	int pcpus;
	int repeats;
	double seconds;
	unsigned int spin_threshold;
	uint64_t exit_cost_ns;
	int cs_loops, noncs_loops;	/* -1: the workload's own */
	bool noise;
	bool fastpath_only, no_fastpath, no_plot;
	const char *outdir;
	const char *bindir;
	const char *cmdline;		/* appended to every variant's */
	bool yield_on_kick;
	unsigned long ple_window;
};

static const char bench_usage[] =
"usage: pvspin bench [options]\n"
"\n"
"The overcommit sweep: for each workload, each lock variant and each\n"
"overcommit point, boot a VM on the embedded host and measure; repeat.\n"
"Progress goes to stderr, one CSV row per run to the results directory,\n"
"medians and ratios to stdout, and a plot per workload (gnuplot).\n"
"\n"
"  --variants LIST     comma list of: native, pv-3.12, pv-time,\n"
"                      pv-nosteal, pv-kvm, pv-xen, pv-off, tas, mutex\n"
"                      (default: all)\n"
"  --workloads LIST    comma list of: hot, hash, mix (default: all)\n"
"  --overcommit LIST   vCPUs per host CPU (default 1,1.5,2,3,4)\n"
"  --pcpus M           host CPUs (default: all this process may use)\n"
"  --repeats N         runs per point, median reported (default 3, min 1)\n"
"  --seconds S         length of each run (default 0.8)\n"
"  --cs-loops N        PAUSEs in the critical section (default per workload)\n"
"  --noncs-loops N     PAUSEs between acquisitions (default per workload)\n"
"  --spin-threshold N  spins before lock_spinning() under the 3.12 policy\n"
"                      (default 32768)\n"
"  --cmdline STR       appended to every variant's guest command line,\n"
"                      e.g. \"pvspin_spin_ns=5000\"\n"
"  --yield-on-kick     host: a kick yields to a woken vCPU on the same CPU\n"
"  --ple CYCLES        host: pause-loop exiting after CYCLES (KVM: 4096)\n"
"  --exit-cost-ns NS   host time per hypercall and halt/poll (default 0)\n"
"  --noise             run stress-ng on the same host CPUs (noisy neighbour)\n"
"  --full              the long version: 5 repeats of 3 s, overcommit up to 8\n"
"  --fastpath          only the uncontended fast-path cost (callgrind + ns)\n"
"  --no-fastpath       skip the fast-path cost\n"
"  --no-plot           do not draw the plots\n"
"  --outdir DIR        results directory, made if missing (default\n"
"                      build/bench; bench/results holds the runs the\n"
"                      README cites)\n"
"  -h, --help          this text\n"
"\n"
"Workloads: hot (1 lock, 50 PAUSEs held, 200 between), hash (1024 locks,\n"
"same), mix (1 lock, 50 held, 5000 between).  Exit status: 0 ok, 1 a run\n"
"failed (correctness error or watchdog), 2 bad usage.\n";

/* "a,b,c" against a table of names; every name must be known. */
#define PARSE_LIST(opt, arg, table, n, on)				\
do {									\
	char *__copy = strdup(arg), *__rest = __copy, *__tok;		\
	int __i;							\
	memset(on, 0, sizeof(on));					\
	while ((__tok = strsep(&__rest, ","))) {			\
		for (__i = 0; __i < (n); __i++)				\
			if (!strcmp(table[__i].name, __tok))		\
				break;					\
		if (__i == (n))						\
			cli_usage_error("%s: unknown name '%s' in '%s'", \
					  opt, __tok, arg);		\
		on[__i] = true;						\
	}								\
	free(__copy);							\
} while (0)

static void parse_factors(struct bench_args *a, const char *arg)
{
	char *copy = strdup(arg), *rest = copy, *tok;

	a->nr_factors = 0;
	while ((tok = strsep(&rest, ","))) {
		if (a->nr_factors == MAX_POINTS)
			cli_usage_error("--overcommit: more than %d points", MAX_POINTS);
		a->factors[a->nr_factors++] = cli_parse_positive("--overcommit", tok, 64);
	}
	free(copy);
	if (!a->nr_factors)
		cli_usage_error("--overcommit: empty list");
}

static int vcpus_for(const struct bench_args *a, double factor)
{
	return (int)lround(factor * a->pcpus);
}

static void parse_bench(int argc, char **argv, struct bench_args *a)
{
	static const struct option opts[] = {
		{ "variants", required_argument, NULL, 'v' },
		{ "workloads", required_argument, NULL, 'w' },
		{ "overcommit", required_argument, NULL, 'o' },
		{ "pcpus", required_argument, NULL, 'p' },
		{ "repeats", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ "cs-loops", required_argument, NULL, 'c' },
		{ "noncs-loops", required_argument, NULL, 'n' },
		{ "spin-threshold", required_argument, NULL, 't' },
		{ "exit-cost-ns", required_argument, NULL, 'e' },
		{ "noise", no_argument, NULL, 'N' },
		{ "full", no_argument, NULL, 'F' },
		{ "fastpath", no_argument, NULL, 'f' },
		{ "no-fastpath", no_argument, NULL, 'x' },
		{ "no-plot", no_argument, NULL, 'P' },
		{ "outdir", required_argument, NULL, 'd' },
		{ "cmdline", required_argument, NULL, 'C' },
		{ "yield-on-kick", no_argument, NULL, 'Y' },
		{ "ple", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int host[KVM_MAX_VCPUS], nr_host = kvm__host_cpus(host, KVM_MAX_VCPUS);
	bool full = false, got_factors = false, got_repeats = false,
	     got_seconds = false;
	int c, i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < NR_VARIANTS; i++)
		a->variant_on[i] = true;
	for (i = 0; i < NR_WORKLOADS; i++)
		a->workload_on[i] = true;
	parse_factors(a, "1,1.5,2,3,4");
	a->pcpus = nr_host;
	a->repeats = 3;
	a->seconds = 0.8;
	a->spin_threshold = 1u << 15;
	a->cs_loops = a->noncs_loops = -1;
	a->outdir = "build/bench";
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(bench_usage, stdout);
			exit(0);
		case 'v':
			PARSE_LIST("--variants", optarg, variants, NR_VARIANTS,
				   a->variant_on);
			break;
		case 'w':
			PARSE_LIST("--workloads", optarg, workloads, NR_WORKLOADS,
				   a->workload_on);
			break;
		case 'o':
			parse_factors(a, optarg);
			got_factors = true;
			break;
		case 'p':
			a->pcpus = cli_parse_ulong("--pcpus", optarg, 1, INT_MAX);
			if (a->pcpus > nr_host)
				cli_usage_error("--pcpus: '%s' is more than the %d host CPUs this process may use",
						  optarg, nr_host);
			break;
		case 'r':
			a->repeats = cli_parse_ulong("--repeats", optarg, 1, 1000);
			got_repeats = true;
			break;
		case 's':
			a->seconds = cli_parse_positive("--seconds", optarg, 3600);
			got_seconds = true;
			break;
		case 'c':
			a->cs_loops = cli_parse_ulong("--cs-loops", optarg, 0, 100000000);
			break;
		case 'n':
			a->noncs_loops = cli_parse_ulong("--noncs-loops", optarg, 0, 100000000);
			break;
		case 'C':
			if (strlen(optarg) >= KVM_MAX_CMDLINE / 2)
				cli_usage_error("--cmdline: longer than %d bytes",
						  KVM_MAX_CMDLINE / 2 - 1);
			a->cmdline = optarg;
			break;
		case 'Y':
			a->yield_on_kick = true;
			break;
		case 'L':
			a->ple_window = cli_parse_ulong("--ple", optarg, 0, 1ul << 40);
			break;
		case 't':
			a->spin_threshold = cli_parse_ulong("--spin-threshold", optarg, 1, UINT_MAX);
			break;
		case 'e':
			a->exit_cost_ns = cli_parse_ulong("--exit-cost-ns", optarg, 0, 100000000);
			break;
		case 'N':
			a->noise = true;
			break;
		case 'F':
			full = true;
			break;
		case 'f':
			a->fastpath_only = true;
			break;
		case 'x':
			a->no_fastpath = true;
			break;
		case 'P':
			a->no_plot = true;
			break;
		case 'd':
			a->outdir = optarg;
			break;
		case ':':
			cli_usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			cli_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (full) {
		if (!got_factors)
			parse_factors(a, "1,1.5,2,3,4,6,8");
		if (!got_repeats)
			a->repeats = 5;
		if (!got_seconds)
			a->seconds = 3;
	}
	for (i = 0; i < a->nr_factors; i++) {
		int n = vcpus_for(a, a->factors[i]), j;

		for (j = 0; j < i; j++)
			if (vcpus_for(a, a->factors[j]) == n)
				cli_usage_error("--overcommit: %g and %g both give %d vCPUs on %d host CPUs",
						  a->factors[j], a->factors[i], n, a->pcpus);
		if (n < 1)
			cli_usage_error("--overcommit: %g x %d host CPUs is %d vCPUs (at least 1)",
					  a->factors[i], a->pcpus, n);
		if (n > 64)
			cli_usage_error("--overcommit: %g x %d host CPUs is %d vCPUs (at most 64)",
					  a->factors[i], a->pcpus, n);
	}
	if (a->noise && system("command -v stress-ng >/dev/null 2>&1"))
		cli_usage_error("--noise needs stress-ng (apt-get install stress-ng)");
}

/* The directory must take a new file: checked before anything runs. */
static void check_outdir(const char *dir)
{
	char probe[PATH_MAX], *p;
	int fd;

	/* mkdir -p */
	snprintf(probe, sizeof(probe), "%s", dir);
	for (p = probe + 1; ; p++) {
		bool last = !*p;

		if (*p && *p != '/')
			continue;
		*p = '\0';
		if (mkdir(probe, 0755) && errno != EEXIST)
			cli_usage_error("results directory '%s': %s: %s", dir,
					  probe, strerror(errno));
		if (last)
			break;
		*p = '/';
	}
	snprintf(probe, sizeof(probe), "%s/.pvspin-probe.%d", dir, getpid());
	fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		cli_usage_error("results directory '%s' is not writable: %s",
				  dir, strerror(errno));
	close(fd);
	unlink(probe);
}

/* One VM in a child process; its result comes back through a pipe. */
static int run_point(const struct pvspin_opts *o, struct pvspin_result *r)
{
	int fds[2], status;
	size_t got = 0;
	pid_t pid;

	if (pipe(fds))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		int ret;

		/* The bench's handlers and atexit() cleanup are not ours. */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		close(fds[0]);
		alarm((unsigned int)(o->seconds + o->watchdog_s) + 30);
		ret = pvspin_vm_run(o, r);
		if (ret == 0 && write(fds[1], r, sizeof(*r)) != sizeof(*r))
			ret = 1;
		_exit(ret);
	}
	close(fds[1]);
	while (got < sizeof(*r)) {
		ssize_t n = read(fds[0], (char *)r + got, sizeof(*r) - got);

		if (n <= 0)
			break;
		got += n;
	}
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (got != sizeof(*r) || !WIFEXITED(status) || WEXITSTATUS(status))
		return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}

struct row {
	int variant, workload, vcpus;
	double factor, acq_per_s, fairness, p99_us;
};

static double median(double *v, int n)
{
	int i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Median of @field over the rows of one point; spread as min..max. */
static double point_median(const struct row *rows, int n, int variant,
			   int workload, double factor, size_t field,
			   double *lo, double *hi)
{
	double v[1000];
	int i, k = 0;

	for (i = 0; i < n && k < 1000; i++)
		if (rows[i].variant == variant && rows[i].workload == workload &&
		    rows[i].factor == factor)
			v[k++] = *(const double *)((const char *)&rows[i] + field);
	if (!k)
		return NAN;
	if (lo) {
		*lo = *hi = v[0];
		for (i = 1; i < k; i++) {
			*lo = fmin(*lo, v[i]);
			*hi = fmax(*hi, v[i]);
		}
	}
	return median(v, k);
}

/*
 * One table of a workload: a row per overcommit point, a column per
 * variant, the median of @field, divided by @base's median when @base is
 * a variant (ratios) and not when it is -1.
 */
static void print_table(const struct bench_args *a, const struct row *rows,
			int n, int w, const char *title, size_t field,
			int base, const char *fmt)
{
	int f, v;

	printf("%s\n", title);
	for (f = 0; f < a->nr_factors; f++) {
		double div = base < 0 ? 1 :
			point_median(rows, n, base, w, a->factors[f], field,
				     NULL, NULL);

		printf("%-7.2g", a->factors[f]);
		for (v = 0; v < NR_VARIANTS; v++)
			if (a->variant_on[v])
				printf(fmt, point_median(rows, n, v, w, a->factors[f],
							 field, NULL, NULL) / div);
		printf("\n");
	}
}

static int variant_index(const char *name)
{
	int v;

	for (v = 0; v < NR_VARIANTS; v++)
		if (!strcmp(variants[v].name, name))
			return v;
	return -1;
}

static void print_summary(const struct bench_args *a, const struct row *rows,
			  int n)
{
	int native = variant_index("native"), mutex = variant_index("mutex");
	size_t tput = offsetof(struct row, acq_per_s);
	char head[256];
	int w, v;

	for (w = 0; w < NR_WORKLOADS; w++) {
		if (!a->workload_on[w])
			continue;
		printf("\n== %s: %s (median of %d runs of %.1f s, %d host CPUs%s)\n",
		       workloads[w].name, workloads[w].describe, a->repeats,
		       a->seconds, a->pcpus,
		       n < a->repeats * a->nr_factors ? "; failed runs left out" : "");
		snprintf(head, sizeof(head), "%-7s", "over");
		for (v = 0; v < NR_VARIANTS; v++)
			if (a->variant_on[v])
				snprintf(head + strlen(head), sizeof(head) - strlen(head),
					 " %10s", variants[v].name);
		printf("%s\n", head);
		print_table(a, rows, n, w, "acquisitions/s:", tput, -1, " %10.0f");
		if (a->variant_on[native])
			print_table(a, rows, n, w, "ratio to native ticket:", tput,
				    native, " %10.2f");
		if (a->variant_on[mutex])
			print_table(a, rows, n, w, "ratio to pthread mutex:", tput,
				    mutex, " %10.2f");
		print_table(a, rows, n, w, "fairness, max/min acquisitions per vCPU:",
			    offsetof(struct row, fairness), -1, " %10.2f");
		print_table(a, rows, n, w, "p99 acquisition wait, us:",
			    offsetof(struct row, p99_us), -1, " %10.1f");
	}
}

static const char csv_header[] =
	"variant,image,host,cmdline,workload,vcpus,pcpus,overcommit,repeat,"
	"seconds,locks,cs_loops,noncs_loops,spin_threshold,exit_cost_ns,noise,"
	"pv_active,acquisitions,acq_per_s,acq_per_pcpu_s,vcpu_min,vcpu_max,"
	"fairness_max_min,vcpu_stddev,wait_p50_ns,wait_p99_ns,wait_p999_ns,"
	"blocks,kicks,spurious,taken_slow,errors,status,yield_on_kick,ple_window,"
	"wait_mean_ns,blocked_mean_ns,wake_mean_ns,prewakes,kick_yields,"
	"ple_exits\n";

static void csv_row(FILE *f, const struct bench_variant *var,
		    const struct bench_workload *wl, const struct pvspin_opts *o,
		    int repeat, bool noise, const struct pvspin_result *r,
		    struct row *row)
{
	int i, n = o->kvm.nr_vcpus;
	uint64_t mn = UINT64_MAX, mx = 0;
	double mean = 0, var2 = 0, fair;

	for (i = 0; i < n; i++) {
		mn = r->per_vcpu[i] < mn ? r->per_vcpu[i] : mn;
		mx = r->per_vcpu[i] > mx ? r->per_vcpu[i] : mx;
		mean += r->per_vcpu[i];
	}
	mean /= n;
	for (i = 0; i < n; i++)
		var2 += (r->per_vcpu[i] - mean) * (r->per_vcpu[i] - mean);
	/* A vCPU that never got the lock makes the ratio infinite: say so. */
	fair = mn ? (double)mx / mn : INFINITY;
	row->acq_per_s = r->acquisitions / r->elapsed_s;
	row->fairness = fair;
	row->p99_us = pvspin_wait_quantile(r->wait_hist, 0.99) / 1000.0;
	fprintf(f, "%s,%s,%s,\"%s\",%s,%d,%d,%.3g,%d,%.3f,%u,%u,%u,%u,%llu,%d,"
		"%d,%llu,%.1f,%.1f,%llu,%llu,%.3f,%.1f,%llu,%llu,%llu,%llu,%llu,"
		"%llu,%llu,%llu,%s,%d,%llu,%.0f,%.0f,%.0f,%llu,%llu,%llu\n",
		var->name, o->img->name, o->kvm.xen ? "xen" : "kvm", o->kvm.cmdline,
		wl->name, n, o->kvm.nr_pcpus, (double)n / o->kvm.nr_pcpus, repeat,
		r->elapsed_s, o->nr_locks, o->cs_loops, o->noncs_loops,
		o->spin_threshold, (unsigned long long)o->kvm.exit_cost_ns, noise,
		r->pv_active, (unsigned long long)r->acquisitions, row->acq_per_s,
		row->acq_per_s / o->kvm.nr_pcpus, (unsigned long long)mn,
		(unsigned long long)mx, fair, sqrt(var2 / n),
		(unsigned long long)pvspin_wait_quantile(r->wait_hist, 0.5),
		(unsigned long long)pvspin_wait_quantile(r->wait_hist, 0.99),
		(unsigned long long)pvspin_wait_quantile(r->wait_hist, 0.999),
		(unsigned long long)pvspin_blocks(r),
		(unsigned long long)pvspin_kicks(r),
		(unsigned long long)pvspin_counter(r, "taken_slow_spurious"),
		(unsigned long long)pvspin_counter(r, "taken_slow"),
		(unsigned long long)r->errors, r->errors ? "errors" : "ok",
		o->kvm.yield_on_kick, (unsigned long long)o->kvm.ple_window_cycles,
		r->acquisitions ? (double)r->wait_ns / r->acquisitions : 0,
		r->acquisitions ?
			(double)r->counters.time_blocked_ns / r->acquisitions : 0,
		r->host.wakeups_timed ?
			(double)r->host.wake_ns / r->host.wakeups_timed : 0,
		(unsigned long long)pvspin_counter(r, "released_slow_prewake"),
		(unsigned long long)r->host.kick_yields,
		(unsigned long long)r->host.ple_exits);
}

static char tmp_csv[PATH_MAX];
static pid_t noise_pid, bench_pid;

/* Only in the bench process: VM children inherit atexit() handlers. */
static void cleanup(void)
{
	if (getpid() != bench_pid)
		return;
	if (tmp_csv[0])
		unlink(tmp_csv);
	if (noise_pid > 0) {
		kill(-noise_pid, SIGTERM);
		waitpid(noise_pid, NULL, 0);
		noise_pid = 0;
	}
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * stress-ng in its own process group, killed with the group at the end.
 * A close-on-exec pipe tells whether the exec worked: it reads EOF on
 * success and the errno on failure.
 */
static void start_noise(int pcpus)
{
	int host[KVM_MAX_VCPUS], i, fds[2], err = 0;
	char list[512] = "", workers[16];

	kvm__host_cpus(host, KVM_MAX_VCPUS);
	for (i = 0; i < pcpus; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%d",
			 i ? "," : "", host[i]);
	snprintf(workers, sizeof(workers), "%d", pcpus);
	if (pipe2(fds, O_CLOEXEC))
		cli_usage_error("--noise: pipe: %s", strerror(errno));
	noise_pid = fork();
	if (noise_pid < 0)
		cli_usage_error("--noise: fork: %s", strerror(errno));
	if (noise_pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		close(fds[0]);
		execlp("stress-ng", "stress-ng", "--cpu", workers, "--taskset",
		       list, "--quiet", (char *)NULL);
		err = errno;
		if (write(fds[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(127);
	}
	setpgid(noise_pid, noise_pid);
	close(fds[1]);
	if (read(fds[0], &err, sizeof(err)) == sizeof(err)) {
		waitpid(noise_pid, NULL, 0);
		noise_pid = 0;
		cli_usage_error("--noise: cannot run stress-ng: %s", strerror(err));
	}
	close(fds[0]);
	fprintf(stderr, "bench: noisy neighbour: stress-ng --cpu %s --taskset %s\n",
		workers, list);
}

int pvspin_fastpath_report(const char *bindir, const char *outdir,
			   const char *stamp);

int pvspin_bench_main(int argc, char **argv)
{
	struct bench_args a;
	char csv[PATH_MAX - 8], stamp[32], exe[PATH_MAX], *slash;
	struct row *rows;
	int nr_rows = 0, total = 0, done = 0, failed = 0;
	int w, v, f, rep;
	time_t now = time(NULL);
	FILE *out;
	ssize_t len;

	cli_command = "pvspin bench";
	parse_bench(argc, argv, &a);
	check_outdir(a.outdir);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime(&now));
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[len > 0 ? len : 0] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	a.bindir = exe;

	bench_pid = getpid();
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	if (!a.no_fastpath || a.fastpath_only) {
		int ret = pvspin_fastpath_report(a.bindir, a.outdir, stamp);

		if (a.fastpath_only)
			return ret;
	}

	for (w = 0; w < NR_WORKLOADS; w++)
		for (v = 0; v < NR_VARIANTS; v++)
			if (a.workload_on[w] && a.variant_on[v])
				total += a.nr_factors * a.repeats;
	rows = calloc(total, sizeof(*rows));
	snprintf(csv, sizeof(csv), "%s/bench-%s.csv", a.outdir, stamp);
	snprintf(tmp_csv, sizeof(tmp_csv), "%s.tmp", csv);
	out = fopen(tmp_csv, "w");
	if (!out)
		cli_usage_error("cannot write '%s': %s", tmp_csv, strerror(errno));
	fputs(csv_header, out);
	if (a.noise)
		start_noise(a.pcpus);

	fprintf(stderr, "bench: %d runs of %.1f s (%d workloads x variants x %d points x %d repeats), about %.0f s\n",
		total, a.seconds, NR_WORKLOADS, a.nr_factors, a.repeats,
		total * (a.seconds + 0.1));
	/* Repeats outermost: a slow drift of the machine hits every variant. */
	for (rep = 1; rep <= a.repeats; rep++)
		for (w = 0; w < NR_WORKLOADS; w++)
			for (f = 0; f < a.nr_factors; f++)
				for (v = 0; v < NR_VARIANTS; v++) {
					const struct bench_variant *var = &variants[v];
					const struct bench_workload *wl = &workloads[w];
					struct pvspin_result *r = malloc(sizeof(*r));
					struct pvspin_opts o;
					int ret, i;

					if (!a.workload_on[w] || !a.variant_on[v]) {
						free(r);
						continue;
					}
					pvspin_opts_default(&o);
					o.img = var->img;
					o.kvm.nr_vcpus = vcpus_for(&a, a.factors[f]);
					o.kvm.nr_pcpus = a.pcpus;
					o.kvm.xen = var->xen;
					o.kvm.exit_cost_ns = a.exit_cost_ns;
					snprintf(o.kvm.cmdline, sizeof(o.kvm.cmdline), "%s%s%s",
						 var->cmdline,
						 a.cmdline && *var->cmdline ? " " : "",
						 a.cmdline ? a.cmdline : "");
					o.kvm.yield_on_kick = a.yield_on_kick;
					o.kvm.ple_window_cycles = a.ple_window;
					for (i = 0; i < KVM_MAX_VCPUS; i++)
						o.kvm.apic_ids[i] = i;
					o.seconds = a.seconds;
					o.nr_locks = wl->nr_locks;
					o.cs_loops = a.cs_loops >= 0 ? a.cs_loops : wl->cs_loops;
					o.noncs_loops = a.noncs_loops >= 0 ? a.noncs_loops :
							wl->noncs_loops;
					o.spin_threshold = a.spin_threshold;
					o.measure_wait = true;
					o.watchdog_s = 10;
					ret = run_point(&o, r);
					done++;
					if (ret) {
						failed++;
						fprintf(stderr, "[%d/%d] %s %s %d vCPUs: FAILED (%s %d)\n",
							done, total, var->name, wl->name,
							o.kvm.nr_vcpus, ret > 128 ? "signal" : "exit",
							ret > 128 ? ret - 128 : ret);
						/* A row all the same, marked: never silently dropped. */
						fprintf(out, "%s,%s,%s,\"%s\",%s,%d,%d,%.3g,%d,,,,,,,%d,,,,,,,,,,,,,,,,,%s,,,,,,,,\n",
							var->name, o.img->name,
							o.kvm.xen ? "xen" : "kvm", o.kvm.cmdline,
							wl->name, o.kvm.nr_vcpus, a.pcpus,
							(double)o.kvm.nr_vcpus / a.pcpus, rep,
							a.noise, ret == 3 ? "watchdog" : "failed");
						free(r);
						continue;
					}
					rows[nr_rows].variant = v;
					rows[nr_rows].workload = w;
					rows[nr_rows].factor = a.factors[f];
					rows[nr_rows].vcpus = o.kvm.nr_vcpus;
					csv_row(out, var, wl, &o, rep, a.noise, r, &rows[nr_rows]);
					fflush(out);
					fprintf(stderr, "[%d/%d] run %d: %-6s %-4s %2d vCPUs on %d (%.2gx): %9.0f acq/s, max/min %.2f, p99 %.1f us%s\n",
						done, total, rep, var->name, wl->name,
						o.kvm.nr_vcpus, a.pcpus, a.factors[f],
						rows[nr_rows].acq_per_s, rows[nr_rows].fairness,
						rows[nr_rows].p99_us,
						r->errors ? "  ERRORS" : "");
					if (r->errors)
						failed++;
					nr_rows++;
					free(r);
				}
	if (noise_pid > 0) {
		kill(-noise_pid, SIGTERM);
		waitpid(noise_pid, NULL, 0);
		noise_pid = 0;
	}
	if (fclose(out) || rename(tmp_csv, csv)) {
		fprintf(stderr, "pvspin bench: writing '%s': %s; the rows are in '%s'\n",
			csv, strerror(errno), tmp_csv);
		tmp_csv[0] = '\0';	/* keep what we have */
		return 1;
	}
	tmp_csv[0] = '\0';
	printf("results: %s (%d rows)\n", csv, nr_rows);
	print_summary(&a, rows, nr_rows);
	if (!a.no_plot) {
		char cmd[PATH_MAX * 2];

		snprintf(cmd, sizeof(cmd), "tools/pvspin/plot_bench.sh '%s'", csv);
		fflush(stdout);
		if (system(cmd))
			fprintf(stderr, "bench: no plots (see above)\n");
	}
	free(rows);
	if (failed)
		fprintf(stderr, "bench: %d runs failed\n", failed);
	return failed ? 1 : 0;
}
