/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line helpers shared by pvspin's subcommands: a usage error that
 * names the bad value and exits 2, and strict number parsing.
 */
#ifndef _PVSPIN_CLI_H
#define _PVSPIN_CLI_H

/* "pvspin", "pvspin bench", ...: the prefix of every message. */
extern const char *cli_command;

void cli_usage_error(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
/* An integer in [min, max], or a usage error naming @opt and @s. */
unsigned long cli_parse_ulong(const char *opt, const char *s,
			      unsigned long min, unsigned long max);
/* A number in (0, max], or a usage error naming @opt and @s. */
double cli_parse_positive(const char *opt, const char *s, double max);

#endif /* _PVSPIN_CLI_H */
