/* SPDX-License-Identifier: GPL-2.0 */
/* Tier-0 shim: page size, as on x86-64. */
#ifndef _SHIM_LINUX_MM_H
#define _SHIM_LINUX_MM_H

#include <linux/bits.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	BIT(PAGE_SHIFT)

#endif
