/* SPDX-License-Identifier: GPL-2.0 */
/* Linux's arch/x86/xen/smp.h, as far as the spinlock backend uses it. */
#ifndef _TOOLS_XEN_SMP_H
#define _TOOLS_XEN_SMP_H

#include <xen/events.h>

#endif /* _TOOLS_XEN_SMP_H */
