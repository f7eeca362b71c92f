/* SPDX-License-Identifier: GPL-2.0 */
/* Linux's arch/x86/xen/xen-ops.h: the backend's entry points. */
#ifndef _TOOLS_XEN_OPS_H
#define _TOOLS_XEN_OPS_H

#include <asm/paravirt_ticket.h>

#endif /* _TOOLS_XEN_OPS_H */
