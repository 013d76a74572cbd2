/* SPDX-License-Identifier: GPL-2.0 */
/* Tier-0 shim: the <linux/etherdevice.h> helpers lookup.c uses. */
#ifndef _SHIM_LINUX_ETHERDEVICE_H
#define _SHIM_LINUX_ETHERDEVICE_H

#include <linux/types.h>
#include <linux/if_ether.h>	/* ETH_ALEN, ETH_HLEN (uapi) */

static inline bool is_multicast_ether_addr(const u8 *addr)
{
	return addr[0] & 0x01;
}

static inline u64 ether_addr_to_u64(const u8 *addr)
{
	u64 u = 0;
	int i;

	for (i = 0; i < ETH_ALEN; i++)
		u = u << 8 | addr[i];
	return u;
}

#endif
