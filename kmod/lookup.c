// SPDX-License-Identifier: GPL-2.0
/*
 * vale: built-in lookup functions.
 *
 * The per-packet cost of the learning bridge is one hash probe for the
 * destination and one for the source, independent of the number of ports.
 */
#include <linux/kernel.h>
#include <linux/compiler.h>
#include <linux/string.h>
#include <linux/etherdevice.h>

#include "lookup.h"

#define VALE_MAC_MASK	((1ULL << 48) - 1)

static u32 vale_mac_hash(u64 mac)
{
	return (u32)((mac * 0x9E3779B97F4A7C15ULL) >> (64 - VALE_MAC_HASH_BITS));
}

u16 vale_lookup_learn(void *priv, const u8 *frame, u32 len, u16 src)
{
	struct vale_mac_table *t = priv;
	u8 hdr[2 * ETH_ALEN];
	u64 smac, dmac, e, want;
	u32 h;

	if (len < ETH_HLEN)
		return VALE_DST_DROP;
	/* The frame is in user-writable memory: read it once. */
	memcpy(hdr, frame, sizeof(hdr));
	dmac = ether_addr_to_u64(hdr);
	smac = ether_addr_to_u64(hdr + ETH_ALEN);

	/* Learn: the source address lives behind the source port. */
	if (!is_multicast_ether_addr(hdr + ETH_ALEN) && smac) {
		h = vale_mac_hash(smac);
		want = smac | ((u64)(src + 1) << 48);
		if (READ_ONCE(t->ent[h]) != want)
			WRITE_ONCE(t->ent[h], want);
	}

	if (is_multicast_ether_addr(hdr))
		return VALE_DST_BCAST;	/* broadcast and multicast flood */
	e = READ_ONCE(t->ent[vale_mac_hash(dmac)]);
	if (!(e >> 48) || (e & VALE_MAC_MASK) != dmac)
		return VALE_DST_BCAST;	/* unknown unicast floods */
	if ((e >> 48) - 1 == src)
		return VALE_DST_DROP;	/* never echo to the source */
	return (e >> 48) - 1;
}

u16 vale_lookup_p2p(void *priv, const u8 *frame, u32 len, u16 src)
{
	return src ^ 1;
}

void vale_mac_table_flush_port(struct vale_mac_table *t, u16 port)
{
	u32 i;

	for (i = 0; i < VALE_MAC_HASH_SIZE; i++)
		if ((READ_ONCE(t->ent[i]) >> 48) == (u64)port + 1)
			WRITE_ONCE(t->ent[i], 0);
}
