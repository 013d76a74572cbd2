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

#include "lookup.h"

u16 vale_lookup_learn(void *priv, const u8 *frame, u32 len, u32 plen,
		      u16 src)
{
	return vale_learn(priv, frame, len, src);
}

u16 vale_lookup_p2p(void *priv, const u8 *frame, u32 len, u32 plen, u16 src)
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
