/* SPDX-License-Identifier: GPL-2.0 */
/* The userspace build has no rwlocks: nothing to define. */
#ifndef _TOOLS_ASM_X86_QRWLOCK_H
#define _TOOLS_ASM_X86_QRWLOCK_H
#endif /* _TOOLS_ASM_X86_QRWLOCK_H */
