/* SPDX-License-Identifier: GPL-2.0 */
/*
 * early_param(), early_initcall() and core_initcall() register into sections named after
 * the guest image being built (-DPVSPIN_IMAGE=pv), so that one program
 * can hold several guest kernels, each booting only its own.
 */
#ifndef _TOOLS_LINUX_INIT_H
#define _TOOLS_LINUX_INIT_H

#include <linux/compiler.h>

#ifndef PVSPIN_IMAGE
#define PVSPIN_IMAGE	default
#endif

#define __PASTE(a, b)		a##b
#define PASTE(a, b)		__PASTE(a, b)
#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

#define PVSPIN_SETUP_SECTION	PASTE(pvspin_setup_, PVSPIN_IMAGE)
#define PVSPIN_INITCALL_SECTION	PASTE(pvspin_initcall_, PVSPIN_IMAGE)
#define PVSPIN_INITCALL1_SECTION PASTE(pvspin_initcall1_, PVSPIN_IMAGE)

struct obs_kernel_param {
	const char *str;
	int (*setup_func)(char *);
	int early;
};

typedef int (*initcall_t)(void);

#define __setup_param(str, unique_id, fn, early)			\
	static const char __setup_str_##unique_id[] = str;		\
	static const struct obs_kernel_param __setup_##unique_id	\
		__used __section(__stringify(PVSPIN_SETUP_SECTION))	\
		__aligned(8) = { __setup_str_##unique_id, fn, early }

#define early_param(str, fn)	__setup_param(str, fn, fn, 1)
#define __setup(str, fn)	__setup_param(str, fn, fn, 0)

#define early_initcall(fn)						\
	static const initcall_t __initcall_##fn __used			\
		__section(__stringify(PVSPIN_INITCALL_SECTION))		\
		__aligned(8) = fn

/* Runs after every early_initcall(), as in the kernel. */
#define core_initcall(fn)						\
	static const initcall_t __initcall_##fn __used			\
		__section(__stringify(PVSPIN_INITCALL1_SECTION))	\
		__aligned(8) = fn

/* Call each handler in [@start, @stop) whose name is a word of @cmdline. */
void parse_early_options(const char *cmdline,
			 const struct obs_kernel_param *start,
			 const struct obs_kernel_param *stop);

#endif /* _TOOLS_LINUX_INIT_H */
