// SPDX-License-Identifier: GPL-2.0
/*
 * pvspin bench --fastpath: the cost of an uncontended lock+unlock for the
 * native build, the PV build with the key off and with the key on, as
 * callgrind instruction counts (deterministic) and as time (median of
 * interleaved runs, same machine, same minute), with ratios.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fp_case {
	const char *name, *binary, *key;
};

static const struct fp_case cases[] = {
	{ "native", "fastpath-native", "off" },
	{ "pv, key off", "fastpath-pv", "off" },
	{ "pv, key on", "fastpath-pv", "on" },
};
#define NR_CASES	3
#define TIME_RUNS	5
#define TIME_ITERS	"50000000"
#define IR_ITERS	1000

static double run_time(const char *bindir, const struct fp_case *c)
{
	char cmd[PATH_MAX + 128];
	double ns = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "'%s/%s' --key %s --iterations %s --time",
		 bindir, c->binary, c->key, TIME_ITERS);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (fscanf(p, "%lf", &ns) != 1)
		ns = -1;
	if (pclose(p))
		ns = -1;
	return ns;
}

/* Instructions in @fn over IR_ITERS iterations, or -1. */
static long run_ir(const char *bindir, const struct fp_case *c, const char *fn)
{
	char cmd[PATH_MAX * 2], out[] = "/tmp/pvspin-cg.XXXXXX", line[256];
	long ir = -1;
	FILE *f;
	int fd = mkstemp(out);

	if (fd < 0)
		return -1;
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "valgrind --tool=callgrind --smc-check=all --callgrind-out-file=%s "
		 "--toggle-collect=%s '%s/%s' --key %s --iterations %d >/dev/null 2>&1",
		 out, fn, bindir, c->binary, c->key, IR_ITERS);
	if (system(cmd) == 0 && (f = fopen(out, "r"))) {
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "summary:", 8) || !strncmp(line, "totals:", 7)) {
				ir = strtol(strchr(line, ':') + 1, NULL, 10);
				break;
			}
		fclose(f);
	}
	unlink(out);
	return ir;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int pvspin_fastpath_report(const char *bindir, const char *outdir,
			   const char *stamp)
{
	double ns[NR_CASES][TIME_RUNS], med[NR_CASES];
	long ir[NR_CASES];
	bool have_valgrind = !system("command -v valgrind >/dev/null 2>&1");
	char path[PATH_MAX - 8], tmp[PATH_MAX];
	int c, r;
	FILE *f;

	fprintf(stderr, "bench: fast path: %d x %s iterations of each, interleaved%s\n",
		TIME_RUNS, TIME_ITERS, have_valgrind ? ", then callgrind" : "");
	for (r = 0; r < TIME_RUNS; r++)
		for (c = 0; c < NR_CASES; c++) {
			ns[c][r] = run_time(bindir, &cases[c]);
			if (ns[c][r] < 0) {
				fprintf(stderr, "pvspin bench: cannot run %s/%s (build it with make)\n",
					bindir, cases[c].binary);
				return 1;
			}
		}
	for (c = 0; c < NR_CASES; c++) {
		qsort(ns[c], TIME_RUNS, sizeof(double), cmp_double);
		med[c] = ns[c][TIME_RUNS / 2];
		ir[c] = -1;
		if (have_valgrind) {
			long a = run_ir(bindir, &cases[c], "lock_unlock_loop");
			long b = run_ir(bindir, &cases[c], "empty_loop");

			if (a >= 0 && b >= 0)
				ir[c] = (a - b) / IR_ITERS;
		}
	}

	snprintf(path, sizeof(path), "%s/fastpath-%s.csv", outdir, stamp);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "pvspin bench: cannot write '%s': %s\n", tmp,
			strerror(errno));
		return 1;
	}
	fprintf(f, "build,key,ir_per_op,ns_per_op_median,ns_min,ns_max,ns_ratio_to_native\n");
	for (c = 0; c < NR_CASES; c++)
		fprintf(f, "%s,%s,%ld,%.3f,%.3f,%.3f,%.3f\n", cases[c].binary + 9,
			cases[c].key, ir[c], med[c], ns[c][0],
			ns[c][TIME_RUNS - 1], med[c] / med[0]);
	if (fclose(f) || rename(tmp, path)) {
		fprintf(stderr, "pvspin bench: writing '%s': %s\n", path,
			strerror(errno));
		unlink(tmp);
		return 1;
	}
	printf("== fast path: uncontended lock+unlock (%s)\n", path);
	printf("%-12s %10s %12s %14s %10s\n", "build", "Ir/op", "ns/op", "ns min..max",
	       "vs native");
	for (c = 0; c < NR_CASES; c++) {
		char irs[16];

		snprintf(irs, sizeof(irs), ir[c] < 0 ? "n/a" : "%ld", ir[c]);
		printf("%-12s %10s %12.2f %6.2f..%-6.2f %10.2f\n", cases[c].name,
		       irs, med[c], ns[c][0], ns[c][TIME_RUNS - 1], med[c] / med[0]);
	}
	if (!have_valgrind)
		printf("(no instruction counts: valgrind is not installed)\n");
	return 0;
}
