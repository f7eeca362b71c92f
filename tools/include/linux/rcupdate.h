/* SPDX-License-Identifier: GPL-2.0 */
/* No RCU stall detector in the userspace build. */
#ifndef _TOOLS_LINUX_RCUPDATE_H
#define _TOOLS_LINUX_RCUPDATE_H

static inline void rcu_cpu_stall_reset(void)
{
}

#endif /* _TOOLS_LINUX_RCUPDATE_H */
