/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_KERNEL_H
#define _TOOLS_LINUX_KERNEL_H

#include <stdio.h>		/* snprintf() */

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/printk.h>
#include <linux/types.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)

#endif /* _TOOLS_LINUX_KERNEL_H */
