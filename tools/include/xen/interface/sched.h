/* SPDX-License-Identifier: GPL-2.0 */
/* Linux's include name for the scheduler-op ABI: the project's one header. */
#ifndef _TOOLS_XEN_INTERFACE_SCHED_H
#define _TOOLS_XEN_INTERFACE_SCHED_H
#include <xen/interface/xen.h>
#endif /* _TOOLS_XEN_INTERFACE_SCHED_H */
