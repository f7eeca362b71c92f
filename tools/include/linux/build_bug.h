/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_BUILD_BUG_H
#define _TOOLS_LINUX_BUILD_BUG_H

#include <assert.h>

#ifndef static_assert
#define static_assert _Static_assert
#endif
#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")")

#endif /* _TOOLS_LINUX_BUILD_BUG_H */
