/* SPDX-License-Identifier: GPL-2.0 */
/* asm/spinlock.h includes it as the kernel's does; nothing here uses it. */
#ifndef _TOOLS_ASM_X86_BITOPS_H
#define _TOOLS_ASM_X86_BITOPS_H
#endif /* _TOOLS_ASM_X86_BITOPS_H */
