// SPDX-License-Identifier: GPL-2.0
/* Command-line helpers shared by pvspin's subcommands (see cli.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const char *cli_command = "pvspin";

void cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli_command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", cli_command);
	exit(2);
}

unsigned long cli_parse_ulong(const char *opt, const char *s,
			      unsigned long min, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || s[0] == '-' || v < min || v > max)
		cli_usage_error("%s: invalid value '%s' (expected an integer %lu..%lu)",
				opt, s, min, max);
	return v;
}

double cli_parse_positive(const char *opt, const char *s, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v) || v <= 0 || v > max)
		cli_usage_error("%s: invalid value '%s' (expected a number, 0 < x <= %g)",
				opt, s, max);
	return v;
}
