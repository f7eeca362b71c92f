// SPDX-License-Identifier: GPL-2.0
/* The test programs' runner (see tap.h). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#if defined(__SANITIZE_ADDRESS__)
const char *__asan_default_options(void)
{
	return "exitcode=66:detect_leaks=0";
}
#elif defined(__SANITIZE_THREAD__)
const char *__tsan_default_options(void)
{
	return "exitcode=66:halt_on_error=1:report_signal_unsafe=0";
}
#endif

char detail[512];

int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	fprintf(stderr, "  check failed: %s\n", detail);
	return T_FAIL;
}

int pass(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return T_PASS;
}

/* The test in a child; its detail comes back through a pipe. */
static int run_one(const struct test *t, char *msg, size_t len)
{
	int pipefd[2], status;
	pid_t pid;
	ssize_t n;

	if (pipe(pipefd))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int ret;

		close(pipefd[0]);
		alarm(t->timeout_s * SLOW);
		ret = t->fn(t->arg);
		if (write(pipefd[1], detail, strlen(detail)) < 0)
			ret = T_FAIL;
		fflush(NULL);
		_exit(ret);
	}
	close(pipefd[1]);
	n = read(pipefd[0], msg, len - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static bool selected(const struct test *t, const char *only)
{
	return strstr(t->flavours, BUILD_FLAVOUR) &&
	       (!only || strstr(t->name, only));
}

int tap_main(int argc, char **argv, const struct test *tests, int nr_tests)
{
	const char *only = NULL;
	bool list = false;
	int i, nr = 0, failed = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--list"))
			list = true;
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else {
			fprintf(stderr, "usage: %s [--list] [--only SUBSTRING]\n",
				argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < nr_tests; i++)
		nr += selected(&tests[i], only);
	printf("1..%d\n", nr);
	nr = 0;
	for (i = 0; i < nr_tests; i++) {
		const struct test *t = &tests[i];
		char msg[512];
		int code;
		bool ok;

		if (!selected(t, only))
			continue;
		nr++;
		if (list) {
			printf("ok %d - [%s] %s # SKIP listed only\n", nr,
			       BUILD_FLAVOUR, t->name);
			continue;
		}
		code = run_one(t, msg, sizeof(msg));
		switch (t->expect) {
		case HANG:
			ok = code == T_HUNG;
			if (ok)
				snprintf(msg, sizeof(msg), "caught: the watchdog fired");
			break;
		case SANITIZER:
			ok = code == T_SANITIZER;
			if (ok)
				snprintf(msg, sizeof(msg), "caught: AddressSanitizer report");
			break;
		default:
			ok = code == T_PASS;
			break;
		}
		if (!ok && !msg[0])
			snprintf(msg, sizeof(msg), "child ended with %s %d",
				 code > 128 ? "signal" : "code",
				 code > 128 ? code - 128 : code);
		printf("%sok %d - [%s] %s # %s\n", ok ? "" : "not ", nr,
		       BUILD_FLAVOUR, t->name, msg);
		failed += !ok;
	}
	return failed ? 1 : 0;
}
