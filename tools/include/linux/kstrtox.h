/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_KSTRTOX_H
#define _TOOLS_LINUX_KSTRTOX_H

#include <errno.h>
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

#endif /* _TOOLS_LINUX_KSTRTOX_H */
