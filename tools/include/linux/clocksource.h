/* SPDX-License-Identifier: GPL-2.0 */
/* No clocksource watchdog in the userspace build. */
#ifndef _TOOLS_LINUX_CLOCKSOURCE_H
#define _TOOLS_LINUX_CLOCKSOURCE_H

static inline void clocksource_touch_watchdog(void)
{
}

#endif /* _TOOLS_LINUX_CLOCKSOURCE_H */
