/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace build has no soft-lockup or hung-task detectors: touching
 * them does nothing.  (The guest code counts what it touched itself.)
 */
#ifndef _TOOLS_LINUX_NMI_H
#define _TOOLS_LINUX_NMI_H

static inline void touch_softlockup_watchdog_sync(void)
{
}

static inline void reset_hung_task_detector(void)
{
}

#endif /* _TOOLS_LINUX_NMI_H */
