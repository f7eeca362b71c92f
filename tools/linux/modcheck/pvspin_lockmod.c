// SPDX-License-Identifier: GPL-2.0
/*
 * A module that takes spinlocks every way a driver does, and an
 * arch_spinlock_t directly as a few in-tree users do.  What a module
 * inlines (the unlocks unless CONFIG_UNINLINE_SPIN_UNLOCK, and the arch
 * lock it calls directly) is inlined here, so modpost sees every symbol
 * the ticket lock's inline half references from a module: built against
 * a kernel, it fails to link unless each one is exported.
 */
#include <linux/module.h>
#include <linux/spinlock.h>

static DEFINE_SPINLOCK(lockmod_lock);
static DEFINE_RAW_SPINLOCK(lockmod_raw_lock);
static DEFINE_RWLOCK(lockmod_rwlock);
static arch_spinlock_t lockmod_arch_lock = __ARCH_SPIN_LOCK_UNLOCKED;
static unsigned long lockmod_count;

static int __init lockmod_init(void)
{
	unsigned long flags;

	spin_lock(&lockmod_lock);
	lockmod_count++;
	spin_unlock(&lockmod_lock);

	spin_lock_irqsave(&lockmod_lock, flags);
	lockmod_count++;
	spin_unlock_irqrestore(&lockmod_lock, flags);

	spin_lock_bh(&lockmod_lock);
	lockmod_count += spin_is_contended(&lockmod_lock);
	spin_unlock_bh(&lockmod_lock);

	if (spin_trylock(&lockmod_lock)) {
		lockmod_count++;
		spin_unlock(&lockmod_lock);
	}

	local_irq_save(flags);
	arch_spin_lock(&lockmod_arch_lock);
	lockmod_count++;
	arch_spin_unlock(&lockmod_arch_lock);
	local_irq_restore(flags);

	raw_spin_lock_irq(&lockmod_raw_lock);
	lockmod_count++;
	raw_spin_unlock_irq(&lockmod_raw_lock);

	write_lock(&lockmod_rwlock);
	lockmod_count++;
	write_unlock(&lockmod_rwlock);
	read_lock(&lockmod_rwlock);
	lockmod_count++;
	read_unlock(&lockmod_rwlock);

	pr_info("took its locks %lu times\n", lockmod_count);
	return 0;
}

static void __exit lockmod_exit(void)
{
}

module_init(lockmod_init);
module_exit(lockmod_exit);
MODULE_DESCRIPTION("Every spinlock form, inlined into a module");
MODULE_LICENSE("GPL");
