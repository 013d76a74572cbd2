/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale: the lookup stage.  A switch has one lookup function; it maps a
 * frame from source port @src to a destination port index, VALE_DST_BCAST
 * (every port but the source) or VALE_DST_DROP.  Pure logic: also built in
 * user space (Tier 0).
 */
#ifndef _VALE_LOOKUP_H
#define _VALE_LOOKUP_H

#include <linux/types.h>
#include <linux/bits.h>

#define VALE_DST_BCAST	0xfffe
#define VALE_DST_DROP	0xffff

typedef u16 (*vale_lookup_fn)(void *priv, const u8 *frame, u32 len, u16 src);

/*
 * Learning-bridge table: a fixed-size hash of MAC addresses, no chaining
 * (a colliding address replaces the old one, as in VALE).  Each entry is
 * one u64, MAC in bits 0..47 and port + 1 in bits 48..63 (0: empty), read
 * and written with READ_ONCE/WRITE_ONCE and no lock: forwarders of
 * different ports update it concurrently, and since an entry is a single
 * word a reader never sees a torn MAC/port pair.  The worst a race does is
 * forget an address, which only causes a flood.
 */
#define VALE_MAC_HASH_BITS	12
#define VALE_MAC_HASH_SIZE	BIT(VALE_MAC_HASH_BITS)

struct vale_mac_table {
	u64 ent[VALE_MAC_HASH_SIZE];
};

/* priv is a struct vale_mac_table. */
u16 vale_lookup_learn(void *priv, const u8 *frame, u32 len, u16 src);

/*
 * Static point-to-point: ports are paired by index (0 with 1, 2 with 3,
 * ...); everything from a port goes to its peer.  priv is unused.
 */
u16 vale_lookup_p2p(void *priv, const u8 *frame, u32 len, u16 src);

/*
 * Forget every address learned on @port.  The caller makes sure nothing
 * learns on @port any more (it has been unpublished and an RCU grace
 * period has passed) and that the index is not reused before this returns.
 */
void vale_mac_table_flush_port(struct vale_mac_table *t, u16 port);

#endif /* _VALE_LOOKUP_H */
