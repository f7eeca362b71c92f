/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux's asm/paravirt.h, as far as the ticket lock uses it: the
 * vcpu_is_preempted() hook of pv_ops.lock.  The kernel calls it through a
 * callee-save thunk patched by alternatives; the harness has no thunks
 * and calls the C function.  Each guest image has its own pv_ops
 * (tools/lib/paravirt.c, built into every paravirt image).
 */
#ifndef _TOOLS_ASM_X86_PARAVIRT_H
#define _TOOLS_ASM_X86_PARAVIRT_H

#include <linux/jump_label.h>
#include <linux/types.h>

/*
 * Where the kernel declares them: the test-and-set fallback's key (on
 * until the boot code or a backend turns it off, as in Linux 6.1) and the
 * bare-metal hook that would turn it off (tools/lib/paravirt.c).
 */
#ifdef CONFIG_PARAVIRT
DECLARE_STATIC_KEY_TRUE(virt_spin_lock_key);
void native_pv_lock_init(void);
#else
static inline void native_pv_lock_init(void)
{
}
#endif

struct paravirt_callee_save {
	void *func;
};

struct pv_lock_ops {
	struct paravirt_callee_save vcpu_is_preempted;
};

struct paravirt_patch_template {
	struct pv_lock_ops lock;
};

extern struct paravirt_patch_template pv_ops;

#define PV_CALLEE_SAVE(f)	((struct paravirt_callee_save){ .func = (void *)(f) })
/* The kernel's thunk saves the caller-saved registers; C calls need none. */
#define PV_CALLEE_SAVE_REGS_THUNK(f)					\
	extern int __pvspin_no_thunk_##f

bool __native_vcpu_is_preempted(long cpu);
bool pv_is_native_vcpu_is_preempted(void);

static inline bool pv_vcpu_is_preempted(long cpu)
{
	return ((bool (*)(long))pv_ops.lock.vcpu_is_preempted.func)(cpu);
}

#endif /* _TOOLS_ASM_X86_PARAVIRT_H */
