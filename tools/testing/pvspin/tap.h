/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test programs' runner: every test in a child process with alarm()
 * as the last watchdog, results as TAP, tests picked by the build flavour.
 * A test returns T_PASS or T_FAIL and says why in detail[] (fail() and
 * pass() fill it); a negative control declares what ending proves that
 * it was caught.
 */
#ifndef _PVSPIN_TAP_H
#define _PVSPIN_TAP_H

#include <stdbool.h>

#if defined(__SANITIZE_ADDRESS__)
#define BUILD_FLAVOUR	"asan"
#define SLOW		2
#elif defined(__SANITIZE_THREAD__)
#define BUILD_FLAVOUR	"tsan"
#define SLOW		4
#elif defined(PVSPIN_FAULTS)
#define BUILD_FLAVOUR	"faults"	/* every VM with injected faults */
#define SLOW		2
#else
#define BUILD_FLAVOUR	"release"
#define SLOW		1
#endif

/* How a test's child ends. */
enum { T_PASS = 0, T_FAIL = 1, T_HUNG = 3, T_SANITIZER = 66 };

/* What a test must end with to pass. */
enum expect { PASS, HANG, SANITIZER };

struct test {
	const char *name;
	int (*fn)(const void *arg);
	const void *arg;
	enum expect expect;
	const char *flavours;	/* builds it runs in */
	int timeout_s;		/* alarm(), times SLOW */
};

extern char detail[512];

int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int pass(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse --list / --only, run the tests of this flavour, print TAP. */
int tap_main(int argc, char **argv, const struct test *tests, int nr);

#endif /* _PVSPIN_TAP_H */
