/* SPDX-License-Identifier: GPL-2.0 */
/* The userspace build has no KCSAN: its annotations compile away. */
#ifndef _TOOLS_LINUX_KCSAN_CHECKS_H
#define _TOOLS_LINUX_KCSAN_CHECKS_H

#define kcsan_release()	do { } while (0)

#endif /* _TOOLS_LINUX_KCSAN_CHECKS_H */
