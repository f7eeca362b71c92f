/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_PRINTK_H
#define _TOOLS_LINUX_PRINTK_H

#define KERN_SOH	"\001"
#define KERN_ERR	KERN_SOH "3"
#define KERN_WARNING	KERN_SOH "4"
#define KERN_INFO	KERN_SOH "6"

#ifndef pr_fmt
#define pr_fmt(fmt)	fmt
#endif

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define pr_err(fmt, ...)	printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
/* No rate limit: the harness never prints these in a loop. */
#define pr_err_ratelimited(fmt, ...)	pr_err(fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)

#endif /* _TOOLS_LINUX_PRINTK_H */
