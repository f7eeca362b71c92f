/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Static calls as plain function pointers: the kernel patches a direct
 * call at each site; here a site loads the pointer and calls through it.
 * static_call_query() and static_call_update() let the harness wrap a
 * backend's op (tools/pvspin/guest_image.c).
 */
#ifndef _TOOLS_LINUX_STATIC_CALL_H
#define _TOOLS_LINUX_STATIC_CALL_H

#include <linux/static_call_types.h>

#define DEFINE_STATIC_CALL(name, func)					\
	typeof(&func) STATIC_CALL_KEY(name) = &func

#define static_call(name)		(*STATIC_CALL_KEY(name))
#define static_call_query(name)		(STATIC_CALL_KEY(name))
#define static_call_update(name, func)					\
	__atomic_store_n(&STATIC_CALL_KEY(name), (func), __ATOMIC_RELAXED)

#endif /* _TOOLS_LINUX_STATIC_CALL_H */
