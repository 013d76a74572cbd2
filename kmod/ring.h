/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale: kernel-side ring state, index and slot validation, the tx gather
 * stage and the rx lease bookkeeping.  Pure logic, no locking of its own:
 * the callers (port.c, fwd.c) hold the locks named below.  Also built in
 * user space (Tier 0 tests, fuzzer).
 */
#ifndef _VALE_RING_H
#define _VALE_RING_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/vale.h>

#define VALE_NOSLOT	((u32)~0U)

/* vale_gather()'s fast path takes a one-slot packet as never too long. */
#if VALE_MAX_BUF_SIZE > VALE_MAX_PKT_LEN
#error "a buffer may hold more than VALE_MAX_PKT_LEN bytes"
#endif

/*
 * The kernel's own copy of a ring's indices.  User space never writes it;
 * it is the reference every user-written index is validated against.
 *
 * tx ring: protected by the ring's sync mutex (only its owner's syncs run).
 *   Forwarding is synchronous, so after every sync hwtail == hwcur - 1.
 * rx ring: protected by the ring's spinlock (owner's rxsync against
 *   forwarders).  [hwcur, hwtail) is owned by user space, [hwtail, hwlease)
 *   is leased to forwarders that are copying, [hwlease, hwcur - 1) is free.
 *   leases[] has num_slots entries: the end index of a completed lease not
 *   yet published, or VALE_NOSLOT while its forwarder is still copying.
 *   At most num_slots - 1 leases are outstanding (each holds >= 1 slot).
 */
struct vale_ring_state {
	u32 num_slots;
	u32 hwcur;
	u32 hwtail;
	u32 hwlease;
	u32 lease_idx;		/* index of the next lease to hand out */
	u32 *leases;
};

static inline u32 vale_ring_next(u32 i, u32 n)
{
	return i + 1 == n ? 0 : i + 1;
}

static inline u32 vale_ring_prev(u32 i, u32 n)
{
	return i == 0 ? n - 1 : i - 1;
}

/* Distance from @from forward to @to, both < n. */
static inline u32 vale_ring_dist(u32 from, u32 to, u32 n)
{
	return to >= from ? to - from : to + n - from;
}

void vale_ring_init_tx(struct vale_ring_state *st, u32 num_slots);
void vale_ring_init_rx(struct vale_ring_state *st, u32 num_slots,
		       u32 *leases);

/*
 * Validate head and cur read (once) from user space against the kernel's
 * indices: both < num_slots, hwcur <= head <= hwtail and head <= cur <=
 * hwtail, modulo the ring.  Returns 0 or -EINVAL.
 */
int vale_ring_check(const struct vale_ring_state *st, u32 head, u32 cur);

/* Slots free for leasing in an rx ring. */
static inline u32 vale_rx_room(const struct vale_ring_state *st)
{
	return vale_ring_dist(st->hwlease, vale_ring_prev(st->hwcur,
				st->num_slots), st->num_slots);
}

/*
 * Reserve @n > 0 slots (n <= vale_rx_room()) at the end of an rx ring;
 * *start receives the first slot.  Returns the lease index to pass to
 * vale_lease_publish().
 */
static inline u32 vale_lease_reserve(struct vale_ring_state *st, u32 n,
				     u32 *start)
{
	u32 lease = st->lease_idx;

	*start = st->hwlease;
	st->leases[lease] = VALE_NOSLOT;
	st->lease_idx = vale_ring_next(lease, st->num_slots);
	st->hwlease += n;
	if (st->hwlease >= st->num_slots)
		st->hwlease -= st->num_slots;
	return lease;
}

/*
 * Report lease @lease, which covers [start, end), as filled.  The leases
 * are published in the order they were reserved: when older leases are
 * still being filled, this one waits for them and the forwarder finishing
 * the oldest one publishes all completed leases at once.  Returns true when
 * hwtail moved (the caller then updates ring->tail and wakes the owner).
 */
static inline bool vale_lease_publish(struct vale_ring_state *st, u32 lease,
				      u32 start, u32 end)
{
	u32 n = st->num_slots;

	if (start != st->hwtail) {
		st->leases[lease] = end;
		return false;	/* an older lease is still being filled */
	}
	if (vale_ring_next(lease, n) == st->lease_idx) {
		/* the only lease: its entry stays VALE_NOSLOT */
		st->hwtail = end;
		return true;
	}
	st->leases[lease] = end;
	/* We are the oldest: publish ours and every completed one after it. */
	while (lease != st->lease_idx && st->leases[lease] != VALE_NOSLOT) {
		st->hwtail = st->leases[lease];
		st->leases[lease] = VALE_NOSLOT;
		lease = vale_ring_next(lease, n);
	}
	return true;
}

/* Why a slot is rejected. */
enum vale_slot_err {
	VALE_SLOT_OK = 0,
	VALE_SLOT_BAD,		/* buf_idx, len or flags invalid */
};

static inline enum vale_slot_err vale_slot_check(const struct vale_slot *s,
						 u32 num_bufs, u32 buf_size)
{
	if (s->flags & ~VALE_SLOT_FLAGS_MASK)
		return VALE_SLOT_BAD;
	if (s->buf_idx >= num_bufs || s->len == 0 || s->len > buf_size)
		return VALE_SLOT_BAD;
	return VALE_SLOT_OK;
}

/* One validated fragment of a packet in the sender's pool. */
struct vale_frag {
	u32 buf_idx;
	u32 len;
};

/* One validated packet of a batch; dst and next belong to fwd.c. */
struct vale_pkt {
	u32 len;
	u16 frag;		/* first fragment in the frag array */
	u16 nfrags;
	u16 dst;
	u16 next;
};

/*
 * The gather stage: walk tx slots from cur up to head, validate each slot
 * (read once), and collect whole packets until at least max_frags
 * fragments are collected.  frags[] must hold max_frags + VALE_MAX_FRAGS - 1
 * entries and pkts[] max_frags entries.
 *
 * A packet with a bad slot is dropped (bad_slot); a slot with unknown flags
 * ends its packet.  A MOREFRAG chain that is not terminated before head,
 * has more than VALE_MAX_FRAGS slots or more than VALE_MAX_PKT_LEN bytes
 * is dropped (bad_frag).  Dropped slots are consumed.
 *
 * max_len is the length of the longest packet collected.  Every packet
 * is in one fragment exactly when nfrags == npkts, and then packet i's
 * fragment is frags[i] (fwd.c's fast paths rely on both).
 */
struct vale_gather {
	/* in */
	const struct vale_slot *slots;
	u32 num_slots;
	u32 num_bufs;
	u32 buf_size;
	u32 max_frags;
	struct vale_frag *frags;
	struct vale_pkt *pkts;
	/* out, reset by every call */
	u32 npkts;
	u32 nfrags;
	u64 bytes;
	u32 max_len;
	u32 bad_slot;
	u32 bad_frag;
};

/*
 * The full validation of a packet whose first slot, @s read from slot
 * @cur, is not a whole packet by itself: appends the packet to g or
 * counts its drop, and returns the slot after it.  The other slots of the
 * chain are read once each, here.  (ring.c; vale_gather()'s slow path.)
 */
u32 vale_gather_chain(struct vale_gather *g, struct vale_slot s, u32 cur,
		      u32 head);

/*
 * vale_gather_chain() on a copy of @g, so that the caller's struct (and
 * the fast path's counters) need not live in memory.
 */
static inline u32 vale_gather_slow(struct vale_gather *g, struct vale_slot s,
				   u32 cur, u32 head, u32 *np, u32 *nf,
				   u64 *bytes, u32 *max_len)
{
	struct vale_gather c = *g;

	c.npkts = *np;
	c.nfrags = *nf;
	c.bytes = *bytes;
	c.max_len = *max_len;
	cur = vale_gather_chain(&c, s, cur, head);
	*np = c.npkts;
	*nf = c.nfrags;
	*bytes = c.bytes;
	*max_len = c.max_len;
	g->bad_slot = c.bad_slot;
	g->bad_frag = c.bad_frag;
	return cur;
}

/*
 * Returns the slot after the last one consumed (== head when done).
 * Inline, for the forwarder: its fast path is a slot that is a whole
 * packet by itself (no MOREFRAG, no unknown flag, buffer and length in
 * range; a buf_size never exceeds VALE_MAX_PKT_LEN).  Any other slot
 * goes, as read here, to vale_gather_chain().
 */
static __always_inline u32 vale_gather(struct vale_gather *g, u32 cur,
				       u32 head)
{
	const struct vale_slot *slots = g->slots;
	struct vale_frag *frags = g->frags;
	struct vale_pkt *pkts = g->pkts;
	u32 n = g->num_slots, nb = g->num_bufs, bs = g->buf_size;
	u32 max = g->max_frags, np = 0, nf = 0, max_len = 0;
	u64 bytes = 0;

	g->bad_slot = 0;
	g->bad_frag = 0;
	while (cur != head && nf < max) {
		struct vale_slot s = READ_ONCE(slots[cur]);

		if (likely(!(s.flags & ~VALE_SLOT_BUF_CHANGED) &&
			   s.buf_idx < nb && (u32)s.len - 1 < bs)) {
			frags[nf].buf_idx = s.buf_idx;
			frags[nf].len = s.len;
			pkts[np].len = s.len;
			pkts[np].frag = nf;
			pkts[np].nfrags = 1;
			np++;
			nf++;
			bytes += s.len;
			if (s.len > max_len)
				max_len = s.len;
			cur = vale_ring_next(cur, n);
			continue;
		}
		cur = vale_gather_slow(g, s, cur, head, &np, &nf, &bytes,
				       &max_len);
	}
	g->npkts = np;
	g->nfrags = nf;
	g->bytes = bytes;
	g->max_len = max_len;
	return cur;
}

#endif /* _VALE_RING_H */
