/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's error numbers: the system's <linux/errno.h> has them.
 * (glibc's <errno.h> includes <linux/errno.h> too, so this header must
 * not include <errno.h>, or the values are never defined.)
 */
#ifndef _TOOLS_LINUX_ERRNO_H
#define _TOOLS_LINUX_ERRNO_H

#include_next <linux/errno.h>

#endif /* _TOOLS_LINUX_ERRNO_H */
