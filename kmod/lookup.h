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
#include <linux/compiler.h>
#include <linux/string.h>
#include <linux/if_ether.h>

#define VALE_DST_BCAST	0xfffe
#define VALE_DST_DROP	0xffff

/*
 * @frame: the first slot of a packet, @len bytes of it (at least ETH_HLEN,
 * fwd.c), @plen: the whole packet's length.
 */
typedef u16 (*vale_lookup_fn)(void *priv, const u8 *frame, u32 len, u32 plen,
			      u16 src);

/*
 * Learning-bridge table: a fixed-size hash of MAC addresses, no chaining
 * (a colliding address replaces the old one, as in VALE).  Each entry is
 * one u64, MAC in bits 0..47 and port + 1 in bits 48..63 (0: empty), read
 * and written with READ_ONCE/WRITE_ONCE and no lock: forwarders of
 * different ports update it concurrently, and since an entry is a single
 * word a reader never sees a torn MAC/port pair.  The worst a race does is
 * forget an address, which only causes a flood.
 *
 * The MAC is kept as the frame's six bytes loaded into a word in the CPU's
 * byte order (vale_mac_key()), not as the number ether_addr_to_u64() makes
 * of them: two loads instead of twelve byte operations per frame.  Only
 * the lookup itself ever compares keys.
 */
#define VALE_MAC_HASH_BITS	12
#define VALE_MAC_HASH_SIZE	BIT(VALE_MAC_HASH_BITS)
#define VALE_MAC_MASK		((1ULL << 48) - 1)

struct vale_mac_table {
	u64 ent[VALE_MAC_HASH_SIZE];
};

/* priv is a struct vale_mac_table. */
u16 vale_lookup_learn(void *priv, const u8 *frame, u32 len, u32 plen,
		      u16 src);

static inline u32 vale_mac_hash(u64 key)
{
	return (u32)((key * 0x9E3779B97F4A7C15ULL) >> (64 - VALE_MAC_HASH_BITS));
}

/*
 * Destination and source keys of a frame of at least ETH_HLEN bytes.  The
 * frame is in user-writable memory: its first 12 bytes are read once, by
 * one 8-byte and one 4-byte load.
 */
static inline void vale_mac_keys(const u8 *frame, u64 *dkey, u64 *skey)
{
	u64 a;
	u32 b;

	memcpy(&a, frame, sizeof(a));
	memcpy(&b, frame + sizeof(a), sizeof(b));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	*dkey = a >> 16;
	*skey = (a & 0xffff) << 32 | b;
#else
	*dkey = a & VALE_MAC_MASK;
	*skey = a >> 48 | (u64)b << 16;
#endif
}

/* The group bit (I/G, first bit on the wire) of a key. */
static inline bool vale_mac_key_multicast(u64 key)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return key & (1ULL << 40);
#else
	return key & 1;
#endif
}

/*
 * The learning bridge on the keys of one frame (vale_mac_keys()) from port
 * @src: learn the source, look the destination up.
 */
static __always_inline u16 vale_learn_keys(struct vale_mac_table *t,
					   u64 dkey, u64 skey, u16 src)
{
	u64 e, want;
	u32 h;

	/* Learn: the source address lives behind the source port. */
	if (!vale_mac_key_multicast(skey) && skey) {
		h = vale_mac_hash(skey);
		want = skey | ((u64)(src + 1) << 48);
		if (READ_ONCE(t->ent[h]) != want)
			WRITE_ONCE(t->ent[h], want);
	}

	if (vale_mac_key_multicast(dkey))
		return VALE_DST_BCAST;	/* broadcast and multicast flood */
	e = READ_ONCE(t->ent[vale_mac_hash(dkey)]);
	if (!(e >> 48) || (e & VALE_MAC_MASK) != dkey)
		return VALE_DST_BCAST;	/* unknown unicast floods */
	if ((e >> 48) - 1 == src)
		return VALE_DST_DROP;	/* never echo to the source */
	return (e >> 48) - 1;
}

/*
 * The learning bridge on one frame; vale_lookup_learn() is this.  The
 * forwarder runs it inline (no indirect call per packet) when the switch
 * is in learning mode, and skips it for a frame with the same addresses
 * as the frame before it in the batch, reusing that frame's answer: the
 * table would be read (and the source found already learned) again, so
 * the answer is the same unless another forwarder wrote the entries in
 * between, and then it is the answer of an order of the two forwarders'
 * single-word accesses that could have happened.
 */
static __always_inline u16 vale_learn(struct vale_mac_table *t,
				      const u8 *frame, u32 len, u16 src)
{
	u64 dkey, skey;

	if (unlikely(len < ETH_HLEN))
		return VALE_DST_DROP;
	vale_mac_keys(frame, &dkey, &skey);
	return vale_learn_keys(t, dkey, skey, src);
}

/*
 * Static point-to-point: ports are paired by index (0 with 1, 2 with 3,
 * ...); everything from a port goes to its peer.  priv is unused.
 */
u16 vale_lookup_p2p(void *priv, const u8 *frame, u32 len, u32 plen, u16 src);

/*
 * Forget every address learned on @port.  The caller makes sure nothing
 * learns on @port any more (it has been unpublished and an RCU grace
 * period has passed) and that the index is not reused before this returns.
 */
void vale_mac_table_flush_port(struct vale_mac_table *t, u16 port);

#endif /* _VALE_LOOKUP_H */
