/* SPDX-License-Identifier: GPL-2.0 */
/* The declaration half of linux/static_call.h, as the kernel splits it. */
#ifndef _TOOLS_LINUX_STATIC_CALL_TYPES_H
#define _TOOLS_LINUX_STATIC_CALL_TYPES_H

#define STATIC_CALL_KEY(name)		__SCK__##name

#define DECLARE_STATIC_CALL(name, func)					\
	extern typeof(&func) STATIC_CALL_KEY(name)

#endif /* _TOOLS_LINUX_STATIC_CALL_TYPES_H */
