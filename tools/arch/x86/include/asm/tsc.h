/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tsc_khz: the host's TSC rate, measured once against CLOCK_MONOTONIC when
 * the program starts (tools/lib/shim.c), as the kernel calibrates its own
 * at boot.  The guest reads the host's TSC (asm/msr.h).
 */
#ifndef _TOOLS_ASM_X86_TSC_H
#define _TOOLS_ASM_X86_TSC_H

#include <asm/msr.h>

extern unsigned int tsc_khz;

#endif /* _TOOLS_ASM_X86_TSC_H */
