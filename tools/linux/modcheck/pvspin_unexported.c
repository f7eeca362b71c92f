// SPDX-License-Identifier: GPL-2.0
/*
 * The negative control of pvspin_lockmod: a module that reads
 * pv_spin_steal, which the kernel does not export (and, without
 * CONFIG_PARAVIRT_SPINLOCKS, does not have).  modpost must refuse to
 * link it.
 */
#include <linux/module.h>

/* Declared here: without CONFIG_PARAVIRT_SPINLOCKS no header does. */
extern unsigned int pv_spin_steal;

static int __init unexported_init(void)
{
	pr_info("pvspin_steal=%u\n", pv_spin_steal);
	return 0;
}

module_init(unexported_init);
MODULE_DESCRIPTION("Reads a symbol the kernel does not export");
MODULE_LICENSE("GPL");
