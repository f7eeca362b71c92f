/* SPDX-License-Identifier: GPL-2.0 */
/* The userspace build has no rwlocks: nothing to define. */
#ifndef _TOOLS_ASM_GENERIC_QRWLOCK_TYPES_H
#define _TOOLS_ASM_GENERIC_QRWLOCK_TYPES_H
#endif /* _TOOLS_ASM_GENERIC_QRWLOCK_TYPES_H */
