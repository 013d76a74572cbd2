/* SPDX-License-Identifier: GPL-2.0 */
/* Tier-0 shim: <linux/uidgid.h>, the types only. */
#ifndef _SHIM_LINUX_UIDGID_H
#define _SHIM_LINUX_UIDGID_H

typedef struct {
	unsigned int val;
} kuid_t;

typedef struct {
	unsigned int val;
} kgid_t;

#endif
