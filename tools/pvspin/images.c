// SPDX-License-Identifier: GPL-2.0
/* The images this program holds, and the lock-less negative control. */
#include <string.h>

#include "image.h"

static void none_nop(void *lock)
{
}

static int none_true(void *lock)
{
	return 1;
}

static int none_false(void *lock)
{
	return 0;
}

static const struct pvspin_lock_ops none_ops = {
	.lock_size	= 4,
	.init		= none_nop,
	.lock		= none_nop,
	.unlock		= none_nop,
	.trylock	= none_true,
	.is_locked	= none_true,
	.is_contended	= none_false,
};

static void none_boot(void)
{
}

static bool none_pv_active(void)
{
	return false;
}

static void none_read_counters(struct pvspin_counters *c)
{
	*c = (struct pvspin_counters){ 0 };
}

const struct pvspin_image pvspin_image_none = {
	.name		= "none",
	.describe	= "no lock at all (negative control of the race detector)",
	.nr_cpus_max	= 256,
	.ops		= &none_ops,
	.boot		= none_boot,
	.pv_active	= none_pv_active,
	.read_counters	= none_read_counters,
};

const struct pvspin_image *const pvspin_images[] = {
	&pvspin_image_native,
	&pvspin_image_pv,
	&pvspin_image_pv16,
	&pvspin_image_none,
	NULL,
};

const struct pvspin_image *pvspin_image_find(const char *name)
{
	int i;

	for (i = 0; pvspin_images[i]; i++)
		if (!strcmp(pvspin_images[i]->name, name))
			return pvspin_images[i];
	return NULL;
}
