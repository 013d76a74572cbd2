/* SPDX-License-Identifier: GPL-2.0 */
/* Tier-0 shim: <linux/prefetch.h>. */
#ifndef _SHIM_LINUX_PREFETCH_H
#define _SHIM_LINUX_PREFETCH_H

#define prefetch(x)	__builtin_prefetch(x)
#define prefetchw(x)	__builtin_prefetch(x, 1)

#endif
