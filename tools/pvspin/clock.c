// SPDX-License-Identifier: GPL-2.0
/*
 * pvspin clock: the project's pvclock reader on the real kvmclock page,
 * and what its readers cost.
 *
 *   pvspin clock              decode the page, compare with CLOCK_MONOTONIC_RAW
 *   pvspin clock --bench      ns per read, next to the vDSO, the syscall, RDTSC
 *
 * A KVM guest kernel that has used kvm-clock maps its page of per-vCPU
 * pvclock_vcpu_time_info structures into every process, read-only: the
 * first page of [vvar_vclock] (Linux 6.3 and later) or the second page
 * of [vvar] (earlier).  vCPU n's structure is at n * 64.  That is what a
 * real host wrote, and this command reads it the way the guest does.
 *
 * Exit status: 0 ok (also when there is no page: it says why), 1 the
 * reader disagreed with the structure it read, 2 bad usage.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <asm/hyperv_timer.h>
#include <asm/kvm_para.h>
#include <asm/page.h>
#include <asm/pvclock.h>
#include <uapi/asm/kvm_para.h>

#include "../../arch/x86/kvm/kvm.h"
#include "../../arch/x86/kvm/kvmclock.h"
#include "cli.h"

static const char clock_usage[] =
"usage: pvspin clock [options]\n"
"       pvspin clock --bench [options]\n"
"\n"
"Read the kvmclock page the KVM host publishes for this machine (mapped\n"
"read-only into every process: the first page of [vvar_vclock], or the\n"
"second of [vvar] before Linux 6.3; vCPU n's pvclock_vcpu_time_info at\n"
"n * 64), decode it, compute the time with this project's reader and\n"
"compare it with CLOCK_MONOTONIC_RAW: the offset, and the rate in ppm.\n"
"Without a page it says why and exits 0.\n"
"\n"
"  --seconds S       how long to measure the rate (default 3)\n"
"  --slots N         vCPU structures to decode (default: this machine's\n"
"                    CPUs, at most 64)\n"
"  --embedded        use the embedded KVM host's page, not the real one\n"
"  --quiet           no progress lines on stderr\n"
"  --bench           time the readers instead: ns per read of the project's\n"
"                    pvclock and Hyper-V readers (on the real page where\n"
"                    there is one, and on the embedded host's pages) next to\n"
"                    clock_gettime(CLOCK_MONOTONIC) (vDSO), the raw syscall,\n"
"                    RDTSC, RDTSCP and LFENCE;RDTSC, all in the same run\n"
"  --iterations N    reads per timed batch (default 200000)\n"
"  --rounds N        batches per reader, interleaved (default 15); the\n"
"                    best and the median batch are shown, and the ratios\n"
"                    of the best (a batch the host preempted is slow)\n"
"  -h, --help        this text\n"
"\n"
"Exit status: 0 ok, 1 the reader disagreed with the structure it read,\n"
"2 bad usage.\n";

enum {
	OPT_SECONDS = 256, OPT_SLOTS, OPT_EMBEDDED, OPT_QUIET, OPT_BENCH,
	OPT_ITERATIONS, OPT_ROUNDS,
};

/* Exported for the test that checks --help documents every option. */
const struct option pvspin_clock_options[] = {
	{ "seconds",	required_argument, NULL, OPT_SECONDS },
	{ "slots",	required_argument, NULL, OPT_SLOTS },
	{ "embedded",	no_argument,	   NULL, OPT_EMBEDDED },
	{ "quiet",	no_argument,	   NULL, OPT_QUIET },
	{ "bench",	no_argument,	   NULL, OPT_BENCH },
	{ "iterations",	required_argument, NULL, OPT_ITERATIONS },
	{ "rounds",	required_argument, NULL, OPT_ROUNDS },
	{ "help",	no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct clock_args {
	double seconds;
	int slots;
	bool embedded, quiet, bench;
	unsigned long iterations;
	int rounds;
};

static void clock_parse(int argc, char **argv, struct clock_args *a)
{
	int c;

	a->seconds = 3;
	a->slots = 0;
	a->iterations = 200000;
	a->rounds = 15;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", pvspin_clock_options,
				NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(clock_usage, stdout);
			exit(0);
		case OPT_SECONDS:
			a->seconds = cli_parse_positive("--seconds", optarg, 3600);
			break;
		case OPT_SLOTS:
			a->slots = cli_parse_ulong("--slots", optarg, 1,
						     PAGE_SIZE / PVTI_SIZE);
			break;
		case OPT_EMBEDDED:
			a->embedded = true;
			break;
		case OPT_QUIET:
			a->quiet = true;
			break;
		case OPT_BENCH:
			a->bench = true;
			break;
		case OPT_ITERATIONS:
			a->iterations = cli_parse_ulong("--iterations", optarg,
							  1, 1000000000);
			break;
		case OPT_ROUNDS:
			a->rounds = cli_parse_ulong("--rounds", optarg, 1, 101);
			break;
		case ':':
			cli_usage_error("option '%s' needs a value",
					  argv[optind - 1]);
		default:
			cli_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (!a->slots) {
		long n = sysconf(_SC_NPROCESSORS_CONF);

		a->slots = n < 1 ? 1 : n > (long)(PAGE_SIZE / PVTI_SIZE) ?
			   (int)(PAGE_SIZE / PVTI_SIZE) : (int)n;
	}
}

/* --- finding the real page --- */

struct real_page {
	const struct pvclock_vsyscall_time_info *base;	/* NULL: none */
	char why[256];
	char where[128];
};

/* Read the page in a child: a page the kernel does not provide is SIGBUS. */
static bool clock_page_readable(const void *page)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		volatile const u32 *p = page;

		(void)p[0];
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void clock_find_real(struct real_page *rp)
{
	unsigned long vclock = 0, vclock_end = 0, vvar = 0, vvar_end = 0;
	unsigned long start, end, page;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	rp->base = NULL;
	if (!f) {
		snprintf(rp->why, sizeof(rp->why), "cannot read /proc/self/maps: %s",
			 strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx", &start, &end) != 2)
			continue;
		if (strstr(line, "[vvar_vclock]")) {
			vclock = start;
			vclock_end = end;
		} else if (strstr(line, "[vvar]")) {
			vvar = start;
			vvar_end = end;
		}
	}
	fclose(f);
	if (vclock) {
		page = vclock;
		snprintf(rp->where, sizeof(rp->where),
			 "[vvar_vclock] %#lx-%#lx, its first page", vclock,
			 vclock_end);
	} else if (vvar && vvar_end - vvar == 4 * PAGE_SIZE) {
		/* Linux before 6.3: vvar, pvclock, hvclock, time namespace. */
		page = vvar + PAGE_SIZE;
		snprintf(rp->where, sizeof(rp->where),
			 "[vvar] %#lx-%#lx, its second page", vvar, vvar_end);
	} else {
		snprintf(rp->why, sizeof(rp->why),
			 "no [vvar_vclock] mapping (and no 4-page [vvar]) in /proc/self/maps: this kernel maps no pvclock page for userspace (not a KVM guest, or no kvm-clock)");
		return;
	}
	if (!clock_page_readable((const void *)page)) {
		snprintf(rp->why, sizeof(rp->why),
			 "%s is mapped but reading it raises SIGBUS: the kernel provides it only after kvm-clock has been the vDSO's clocksource",
			 rp->where);
		return;
	}
	rp->base = (const struct pvclock_vsyscall_time_info *)page;
}

/* --- decoding --- */

/*
 * A raw, bounded read of one structure, for decoding and validation
 * (the project's reader would retry for ever on a page stuck odd).
 */
static bool clock_raw_tuple(const struct pvclock_vcpu_time_info *src,
			    struct pvclock_vcpu_time_info *out)
{
	int i;

	for (i = 0; i < 100000; i++) {
		u32 v = READ_ONCE(src->version);

		/* Version, then fields: pairs with the host's first barrier. */
		smp_rmb();
		out->tsc_timestamp = READ_ONCE(src->tsc_timestamp);
		out->system_time = READ_ONCE(src->system_time);
		out->tsc_to_system_mul = READ_ONCE(src->tsc_to_system_mul);
		out->tsc_shift = READ_ONCE(src->tsc_shift);
		out->flags = READ_ONCE(src->flags);
		/* Fields, then version: pairs with the host's second barrier. */
		smp_rmb();
		if (!(v & 1) && READ_ONCE(src->version) == v) {
			out->version = v;
			return true;
		}
	}
	out->version = READ_ONCE(src->version);
	return false;
}

static const char *clock_flags_str(u8 flags, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s",
		 flags & PVCLOCK_TSC_STABLE_BIT ? "TSC_STABLE " : "",
		 flags & PVCLOCK_GUEST_STOPPED ? "GUEST_STOPPED " : "",
		 flags & ~(PVCLOCK_TSC_STABLE_BIT | PVCLOCK_GUEST_STOPPED) ?
			"other " : "",
		 flags ? "" : "- ");
	buf[strlen(buf) - 1] = '\0';
	return buf;
}

/* Why slot 0 cannot be used, or NULL. */
static const char *clock_invalid(const struct pvclock_vcpu_time_info *t,
				 bool consistent)
{
	if (!consistent)
		return "its version stayed odd (an update that never ends)";
	if (!t->version)
		return "version 0: the host never wrote it (vCPU 0 did not register kvm-clock)";
	if (!t->tsc_to_system_mul)
		return "tsc_to_system_mul is 0";
	if (t->tsc_shift < -31 || t->tsc_shift > 31)
		return "tsc_shift is out of range";
	if (t->flags & ~(PVCLOCK_TSC_STABLE_BIT | PVCLOCK_GUEST_STOPPED |
			 PVCLOCK_COUNTS_FROM_ZERO))
		return "flags has bits no host defines";
	return NULL;
}

static void clock_print_slots(const struct pvclock_vsyscall_time_info *base,
			      int slots)
{
	struct pvclock_vcpu_time_info t0 = { 0 }, t;
	char fl[64];
	int i;

	printf("slot  version  flags          tsc_timestamp         system_time  tsc_to_system_mul  shift  TSC rate (kHz: pvclock_tsc_khz())\n");
	for (i = 0; i < slots; i++) {
		bool ok = clock_raw_tuple(&base[i].pvti, &t);
		struct pvclock_vcpu_time_info copy = t;
		double mhz;

		if (i == 0)
			t0 = t;
		if (!ok) {
			printf("%4d  %7u  (update in progress)\n", i, t.version);
			continue;
		}
		if (!t.version) {
			printf("%4d  %7u  (not registered)\n", i, t.version);
			continue;
		}
		if (i && t.tsc_timestamp == t0.tsc_timestamp &&
		    t.system_time == t0.system_time &&
		    t.tsc_to_system_mul == t0.tsc_to_system_mul &&
		    t.tsc_shift == t0.tsc_shift && t.flags == t0.flags) {
			printf("%4d  %7u  %-13s  (the same tuple as slot 0)\n", i,
			       t.version, clock_flags_str(t.flags, fl, sizeof(fl)));
			continue;
		}
		/* ticks per ns = 2^(32 - shift) / mul */
		mhz = ldexp(1e3, 32 - t.tsc_shift) / t.tsc_to_system_mul;
		printf("%4d  %7u  %-13s  %13llu  %15llu ns  %17u  %5d  %.4f MHz (%lu)\n",
		       i, t.version, clock_flags_str(t.flags, fl, sizeof(fl)),
		       (unsigned long long)t.tsc_timestamp,
		       (unsigned long long)t.system_time, t.tsc_to_system_mul,
		       t.tsc_shift, mhz, pvclock_tsc_khz(&copy));
	}
}

/* --- the comparison with CLOCK_MONOTONIC_RAW --- */

static u64 clock_raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* The project's reader on vCPU 0's structure; false if it declined. */
static bool clock_read(const struct pvclock_vcpu_time_info *src, u64 *ns,
		       struct pvclock_reading *rd)
{
	if (pvclock_read_stable_page(src, ns, rd))
		return true;
	/* Not stable: vCPU 0's own clock, which is all userspace can use. */
	*ns = pvclock_reading_ns(rd);
	return false;
}

struct clock_sample {
	double offset_ns;	/* pvclock - CLOCK_MONOTONIC_RAW */
	u64 raw_ns;
	u64 width_ns;		/* the narrowest bracket */
	int errors;		/* reader != the structure's formula */
};

static struct clock_sample
clock_sample(const struct pvclock_vcpu_time_info *src)
{
	struct clock_sample s = { .width_ns = UINT64_MAX };
	int i;

	for (i = 0; i < 1000; i++) {
		struct pvclock_reading rd;
		u64 a, b, ns;

		a = clock_raw_ns();
		clock_read(src, &ns, &rd);
		b = clock_raw_ns();
		if (ns != pvclock_reading_ns(&rd))
			s.errors++;
		if (b - a < s.width_ns) {
			s.width_ns = b - a;
			s.raw_ns = a + (b - a) / 2;
			s.offset_ns = (double)ns - (double)s.raw_ns;
		}
	}
	return s;
}

static int clock_compare(const struct pvclock_vsyscall_time_info *base,
			 const struct clock_args *a)
{
	const struct pvclock_vcpu_time_info *src = &base[0].pvti;
	struct clock_sample s0, s, s1;
	struct pvclock_reading rd;
	bool stable;
	u64 ns, next;
	double span;
	int errors;

	stable = clock_read(src, &ns, &rd);
	printf("reader: %s: %llu ns = %.6f s (TSC %llu, %u retries)\n",
	       stable ? "vCPU 0's structure, TSC_STABLE set: pvclock_read_stable_page()" :
			"no TSC_STABLE: vCPU 0's own clock, pvclock_read_consistent()",
	       (unsigned long long)ns, ns / 1e9, (unsigned long long)rd.tsc,
	       rd.retries);
	s0 = clock_sample(src);
	printf("vs CLOCK_MONOTONIC_RAW: pvclock - raw = %+.3f us (best of 1000 brackets, %llu ns wide)\n",
	       s0.offset_ns / 1e3, (unsigned long long)s0.width_ns);
	errors = s0.errors;
	next = s0.raw_ns + 1000000000ull;
	for (;;) {
		struct timespec d = { 0, 20 * 1000 * 1000 };

		nanosleep(&d, NULL);
		if (clock_raw_ns() >= s0.raw_ns + (u64)(a->seconds * 1e9))
			break;
		if (!a->quiet && clock_raw_ns() >= next) {
			s = clock_sample(src);
			errors += s.errors;
			fprintf(stderr, "pvspin clock: %.0f of %.1f s: offset %+.3f us\n",
				(s.raw_ns - s0.raw_ns) / 1e9, a->seconds,
				s.offset_ns / 1e3);
			next += 1000000000ull;
		}
	}
	s1 = clock_sample(src);
	errors += s1.errors;
	span = (double)(s1.raw_ns - s0.raw_ns);
	printf("rate over %.2f s: pvclock runs %+.3f ppm against CLOCK_MONOTONIC_RAW (offset %+.3f -> %+.3f us)\n",
	       span / 1e9, (s1.offset_ns - s0.offset_ns) / span * 1e6,
	       s0.offset_ns / 1e3, s1.offset_ns / 1e3);
	if (errors) {
		printf("errors: %d readings differ from the structure's formula\n",
		       errors);
		return 1;
	}
	return 0;
}

static void clock_host_cpuid(void)
{
	unsigned int eax, ebx, ecx, edx;
	char sig[13] = { 0 };

	__cpuid(KVM_CPUID_SIGNATURE, eax, ebx, ecx, edx);
	memcpy(sig, &ebx, 4);
	memcpy(sig + 4, &ecx, 4);
	memcpy(sig + 8, &edx, 4);
	if (memcmp(sig, KVM_SIGNATURE, 12)) {
		printf("host CPUID 0x40000000: \"%s\", not KVM\n", sig);
		return;
	}
	__cpuid(KVM_CPUID_FEATURES, eax, ebx, ecx, edx);
	printf("host CPUID 0x40000001 EAX %#010x: KVM_FEATURE_CLOCKSOURCE2 %s, KVM_FEATURE_CLOCKSOURCE_STABLE_BIT %s\n",
	       eax, eax & (1u << KVM_FEATURE_CLOCKSOURCE2) ? "yes" : "no",
	       eax & (1u << KVM_FEATURE_CLOCKSOURCE_STABLE_BIT) ? "yes" : "no");
}

static int clock_show(const struct pvclock_vsyscall_time_info *base,
		      const struct clock_args *a)
{
	struct pvclock_vcpu_time_info t;
	const char *why;

	clock_print_slots(base, a->slots);
	why = clock_invalid(&t, clock_raw_tuple(&base[0].pvti, &t));
	if (why) {
		printf("slot 0 cannot be used: %s\n", why);
		return 0;
	}
	return clock_compare(base, a);
}

/* --- the embedded host --- */

struct clock_vm {
	struct kvm kvm;
	struct kvmclock *clk;
	const struct clock_args *args;
	int ret;
	char err[160];
	void (*run)(struct clock_vm *vm);
	const struct pvclock_vsyscall_time_info *real;
	struct clock_bench *bench;
};

static void clock_vm_boot(void *arg)
{
	struct clock_vm *vm = arg;
	/*
	 * CPUID 0x40000001 as the guest sees it, and the clock bits this host
	 * offers (the embedded host's CPUID does not list them yet).
	 */
	unsigned int features = kvm_arch_para_features() |
				kvmclock__cpuid_features(&vm->kvm);
	int ret = kvmclock_init_features(features);

	if (!ret)
		ret = hv_tsc_page_init();
	if (ret) {
		vm->ret = ret;
		snprintf(vm->err, sizeof(vm->err), "kvmclock setup failed: %d",
			 ret);
	}
}

static void clock_vm_run(void *arg)
{
	struct clock_vm *vm = arg;

	if (machine_cpu->cpu) {
		int ret = kvmclock_setup_percpu();

		if (ret && !vm->ret) {
			vm->ret = ret;
			snprintf(vm->err, sizeof(vm->err),
				 "vCPU %d: kvmclock_setup_percpu: %d",
				 machine_cpu->cpu, ret);
		}
		return;
	}
	if (vm->run && !vm->ret)
		vm->run(vm);
}

/* Boot @vcpus vCPUs with kvmclock and a Hyper-V page; @run on vCPU 0. */
static int clock_vm_boot_run(struct clock_vm *vm, int vcpus,
			     void (*run)(struct clock_vm *vm))
{
	struct kvm_config cfg = { .nr_vcpus = vcpus, .nr_pcpus = 1 };
	struct kvmclock_config ccfg = { .stable = true, .hyperv = true };
	struct kvm_guest guest = { .boot = clock_vm_boot, .run = clock_vm_run,
				   .arg = vm };
	int i;

	for (i = 0; i < vcpus; i++)
		cfg.apic_ids[i] = i;
	vm->run = run;
	if (kvm__init(&vm->kvm, &cfg))
		return -1;
	vm->clk = kvmclock__init(&vm->kvm, &ccfg);
	if (!vm->clk)
		return -1;
	kvm__start(&vm->kvm, &guest);
	kvm__join(&vm->kvm);
	if (vm->ret)
		fprintf(stderr, "pvspin clock: embedded host: %s\n", vm->err);
	return vm->ret;
}

/* --- --bench --- */

#define CLOCK_MAX_READERS	12
#define CLOCK_MAX_ROUNDS	101

struct clock_reader {
	const char *name;
	u64 (*read)(struct clock_vm *vm);
	double ns[CLOCK_MAX_ROUNDS];
	double best, median;
};

struct clock_bench {
	struct clock_reader r[CLOCK_MAX_READERS];
	int nr;
	u64 sink;
	const struct pvclock_vcpu_time_info *real;
};

static u64 rd_real_stable(struct clock_vm *vm)
{
	struct pvclock_reading rd;
	u64 ns;

	if (!pvclock_read_stable_page(vm->bench->real, &ns, &rd))
		ns = pvclock_reading_ns(&rd);
	return ns;
}

static u64 rd_pvclock_read(struct clock_vm *vm)
{
	return pvclock_read();
}

static u64 rd_clamped(struct clock_vm *vm)
{
	return pvclock_clocksource_read(&pvclock_get_pvti_cpu0_va()[0].pvti);
}

static u64 rd_hv(struct clock_vm *vm)
{
	return hv_read_reference_counter();
}

static u64 rd_vdso(struct clock_vm *vm)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_nsec;
}

static u64 rd_syscall(struct clock_vm *vm)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return ts.tv_nsec;
}

static u64 rd_rdtsc(struct clock_vm *vm)
{
	return rdtsc();
}

static u64 rd_rdtscp(struct clock_vm *vm)
{
	u32 lo, hi, aux;

	__asm__ __volatile__("rdtscp" : "=a" (lo), "=d" (hi), "=c" (aux));
	return ((u64)hi << 32) | lo;
}

static u64 rd_lfence_rdtsc(struct clock_vm *vm)
{
	return rdtsc_ordered();
}

static u64 clock_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int clock_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* On vCPU 0: every reader in turn, round after round. */
static void clock_bench_run(struct clock_vm *vm)
{
	struct clock_bench *b = vm->bench;
	unsigned long n = vm->args->iterations, i;
	int round, k;

	for (round = 0; round < vm->args->rounds; round++) {
		for (k = 0; k < b->nr; k++) {
			struct clock_reader *r = &b->r[k];
			u64 (*read)(struct clock_vm *) = r->read;
			u64 t0, t1, sink = 0;

			/*
			 * The valid flags decide whether the per-CPU reader
			 * clamps: off for its row, so that it does.
			 */
			pvclock_set_flags(read == rd_clamped ? 0 :
					  PVCLOCK_TSC_STABLE_BIT);
			t0 = clock_now_ns();
			for (i = 0; i < n; i++)
				sink += read(vm);
			t1 = clock_now_ns();
			r->ns[round] = (double)(t1 - t0) / n;
			b->sink += sink;
		}
		if (!vm->args->quiet && !((round + 1) % 5))
			fprintf(stderr, "pvspin clock: batch %d of %d\n",
				round + 1, vm->args->rounds);
	}
	pvclock_set_flags(PVCLOCK_TSC_STABLE_BIT);
}

static void clock_bench_add(struct clock_bench *b, const char *name,
			    u64 (*read)(struct clock_vm *))
{
	b->r[b->nr].name = name;
	b->r[b->nr].read = read;
	b->nr++;
}

static int clock_bench(const struct clock_args *a)
{
	static struct clock_vm vm;
	static struct clock_bench b;
	struct real_page rp;
	double vdso = 1, tsc = 1;
	int k;

	clock_find_real(&rp);
	if (rp.base && !a->embedded) {
		struct pvclock_vcpu_time_info t;

		if (!clock_invalid(&t, clock_raw_tuple(&rp.base[0].pvti, &t)))
			b.real = &rp.base[0].pvti;
		else
			rp.base = NULL;
	}
	if (b.real)
		printf("real kvmclock page: %s\n", rp.where);
	else
		printf("real kvmclock page: not used (%s); the project's readers run on the embedded host's pages only\n",
		       a->embedded ? "--embedded" : rp.why);
	if (b.real)
		clock_bench_add(&b, "pvclock, stable fast path, real kvmclock page",
				rd_real_stable);
	clock_bench_add(&b, "pvclock_read(), embedded page, stable", rd_pvclock_read);
	clock_bench_add(&b, "pvclock_clocksource_read(), embedded, clamped", rd_clamped);
	clock_bench_add(&b, "hv_read_reference_counter(), embedded page", rd_hv);
	clock_bench_add(&b, "clock_gettime(CLOCK_MONOTONIC), vDSO", rd_vdso);
	clock_bench_add(&b, "syscall(SYS_clock_gettime)", rd_syscall);
	clock_bench_add(&b, "rdtsc", rd_rdtsc);
	clock_bench_add(&b, "rdtscp", rd_rdtscp);
	clock_bench_add(&b, "lfence; rdtsc", rd_lfence_rdtsc);
	vm.args = a;
	vm.bench = &b;
	if (clock_vm_boot_run(&vm, 1, clock_bench_run))
		return 1;

	for (k = 0; k < b.nr; k++) {
		struct clock_reader *r = &b.r[k];

		qsort(r->ns, a->rounds, sizeof(double), clock_cmp_double);
		r->best = r->ns[0];
		r->median = r->ns[a->rounds / 2];
		if (r->read == rd_vdso)
			vdso = r->best;
		if (r->read == rd_rdtsc)
			tsc = r->best;
	}
	printf("%d batches of %lu reads per reader, interleaved, on one vCPU thread\n",
	       a->rounds, a->iterations);
	printf("%-47s %8s %8s %8s %8s\n", "reader (ns per read)", "best",
	       "median", "x vDSO", "x rdtsc");
	for (k = 0; k < b.nr; k++) {
		struct clock_reader *r = &b.r[k];

		printf("%-47s %8.1f %8.1f %8.2f %8.2f\n", r->name, r->best,
		       r->median, r->best / vdso, r->best / tsc);
	}
	kvmclock__exit(vm.clk);
	kvm__exit(&vm.kvm);
	return 0;
}

/* --- main --- */

static void clock_embedded_noop(struct clock_vm *vm)
{
}

int pvspin_clock_main(int argc, char **argv)
{
	struct clock_args a = { 0 };
	struct real_page rp;
	static struct clock_vm vm;
	int ret;

	cli_command = "pvspin clock";
	clock_parse(argc, argv, &a);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (a.bench)
		return clock_bench(&a);
	if (a.embedded) {
		int slots = a.slots > 4 ? 4 : a.slots;

		vm.args = &a;
		if (clock_vm_boot_run(&vm, slots, clock_embedded_noop))
			return 1;
		printf("embedded host: %d vCPUs registered kvm-clock; the host's TSC rate %.3f MHz, measured against CLOCK_MONOTONIC_RAW\n",
		       slots, kvmclock__tsc_hz() / 1e6);
		a.slots = slots;
		ret = clock_show(pvclock_get_pvti_cpu0_va(), &a);
		kvmclock__exit(vm.clk);
		kvm__exit(&vm.kvm);
		return ret;
	}
	clock_find_real(&rp);
	if (!rp.base) {
		printf("kvmclock page: not available: %s\n", rp.why);
		return 0;
	}
	printf("kvmclock page: %s\n", rp.where);
	clock_host_cpuid();
	return clock_show(rp.base, &a);
}
