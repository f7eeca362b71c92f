/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest physical addresses.  The embedded host maps guest physical
 * memory 1:1 onto this process's address space, so __pa() of a guest
 * kernel object is its address (arch/x86/kvm/kvmclock.c translates back).
 */
#ifndef _TOOLS_ASM_X86_PAGE_H
#define _TOOLS_ASM_X86_PAGE_H

#include <linux/types.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

#define __pa(x)		((unsigned long)(x))
#define __va(x)		((void *)(unsigned long)(x))

#endif /* _TOOLS_ASM_X86_PAGE_H */
