/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_XEN_XEN_H
#define _TOOLS_XEN_XEN_H

#include <linux/types.h>

/* A Xen guest: the hypervisor's CPUID leaves carry Xen's signature. */
bool xen_domain(void);
#define xen_hvm_domain()	xen_domain()
#define xen_pv_domain()		false

#endif /* _TOOLS_XEN_XEN_H */
