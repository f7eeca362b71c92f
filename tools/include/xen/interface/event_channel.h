/* SPDX-License-Identifier: GPL-2.0 */
/* Linux's include name for the event-channel ABI: the project's one header. */
#ifndef _TOOLS_XEN_INTERFACE_EVENT_CHANNEL_H
#define _TOOLS_XEN_INTERFACE_EVENT_CHANNEL_H
#include <xen/interface/xen.h>
#endif /* _TOOLS_XEN_INTERFACE_EVENT_CHANNEL_H */
