/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Static keys as real jump labels: each branch site is a 5-byte NOP,
 * recorded in the __jump_table section; enabling the key rewrites every
 * site of that key into a JMP to the out-of-line code.  Patching is done
 * while no other vCPU runs (tools/lib/shim.c checks that).
 */
#ifndef _TOOLS_LINUX_JUMP_LABEL_H
#define _TOOLS_LINUX_JUMP_LABEL_H

#include <linux/compiler.h>
#include <linux/types.h>

struct static_key {
	int enabled;
};

struct static_key_true {
	struct static_key key;
};

struct static_key_false {
	struct static_key key;
};

struct jump_entry {
	unsigned long code;
	unsigned long target;
	unsigned long key;
};

#define JUMP_LABEL_NOP_SIZE	5

#define DEFINE_STATIC_KEY_FALSE(name)					\
	struct static_key_false name = { .key = { .enabled = 0 } }
#define DECLARE_STATIC_KEY_FALSE(name)	extern struct static_key_false name
#define DEFINE_STATIC_KEY_TRUE(name)					\
	struct static_key_true name = { .key = { .enabled = 1 } }
#define DECLARE_STATIC_KEY_TRUE(name)	extern struct static_key_true name

/* The __jump_table entry of the site at label 1: code, target, key. */
#define JUMP_TABLE_ENTRY						\
	".pushsection __jump_table, \"aw\"\n\t"				\
	".balign 8\n\t"							\
	".quad 1b, %l[l_yes], %c0\n\t"					\
	".popsection\n\t"

static __always_inline bool arch_static_branch(struct static_key *key)
{
	__asm__ goto("1: .byte 0x0f,0x1f,0x44,0x00,0x00\n\t"
		     JUMP_TABLE_ENTRY
		     : : "i" (key) : : l_yes);
	return false;
l_yes:
	return true;
}

/*
 * A key that starts enabled: the site starts as the JMP that enabling
 * would write (a 5-byte JMP, as the patching writes it), so the site and
 * the key agree before anything is patched.
 */
static __always_inline bool arch_static_branch_jump(struct static_key *key)
{
	__asm__ goto("1: .byte 0xe9\n\t"
		     ".long %l[l_yes] - 2f\n\t"
		     "2:\n\t"
		     JUMP_TABLE_ENTRY
		     : : "i" (key) : : l_yes);
	return false;
l_yes:
	return true;
}

#ifdef PVSPIN_NO_JUMP_LABEL
/* Negative control of the fast-path cost test: a load and a branch. */
#define static_branch_unlikely(x)	unlikely(READ_ONCE((x)->key.enabled))
#else
/* As the kernel's: the site's first state follows the key's type. */
#define static_branch_unlikely(x)					\
	unlikely(__builtin_types_compatible_p(typeof(*(x)),		\
					      struct static_key_true) ?	\
		 arch_static_branch_jump(&(x)->key) :			\
		 arch_static_branch(&(x)->key))
#endif
#define static_key_enabled(x)		(READ_ONCE((x)->enabled) > 0)

void static_key_enable(struct static_key *key);
void static_key_disable(struct static_key *key);
#define static_branch_enable(x)		static_key_enable(&(x)->key)
#define static_branch_disable(x)	static_key_disable(&(x)->key)

#endif /* _TOOLS_LINUX_JUMP_LABEL_H */
