/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_KSTRTOX_H
#define _TOOLS_LINUX_KSTRTOX_H

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

/* The whole string, an unsigned number in @base (0: C prefixes). */
static inline int kstrtoul(const char *s, unsigned int base,
			   unsigned long *res)
{
	unsigned long v;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno)
		return -ERANGE;
	if (*end == '\n')
		end++;
	if (*end)
		return -EINVAL;
	*res = v;
	return 0;
}

/* As the kernel reads a boolean: y/Y/t/T/1, n/N/f/F/0, on, off. */
static inline int kstrtobool(const char *s, bool *res)
{
	switch (s[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		*res = true;
		return 0;
	case 'n': case 'N': case 'f': case 'F': case '0':
		*res = false;
		return 0;
	case 'o': case 'O':
		if (s[1] == 'n' || s[1] == 'N') {
			*res = true;
			return 0;
		}
		if (s[1] == 'f' || s[1] == 'F') {
			*res = false;
			return 0;
		}
		break;
	}
	return -EINVAL;
}

#endif /* _TOOLS_LINUX_KSTRTOX_H */
