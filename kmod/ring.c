// SPDX-License-Identifier: GPL-2.0
/*
 * vale: ring index validation, the gather stage and rx leases.
 *
 * Nothing here takes a lock or touches memory outside the arrays it is
 * given; see ring.h for the lock each caller holds.
 */
#include <linux/kernel.h>
#include <linux/compiler.h>
#include <linux/errno.h>

#include "ring.h"

void vale_ring_init_tx(struct vale_ring_state *st, u32 num_slots)
{
	st->num_slots = num_slots;
	st->hwcur = 0;
	st->hwtail = num_slots - 1;
	st->hwlease = 0;
	st->lease_idx = 0;
	st->leases = NULL;
}

void vale_ring_init_rx(struct vale_ring_state *st, u32 num_slots,
		       u32 *leases)
{
	u32 i;

	st->num_slots = num_slots;
	st->hwcur = 0;
	st->hwtail = 0;
	st->hwlease = 0;
	st->lease_idx = 0;
	st->leases = leases;
	for (i = 0; i < num_slots; i++)
		leases[i] = VALE_NOSLOT;
}

int vale_ring_check(const struct vale_ring_state *st, u32 head, u32 cur)
{
	u32 n = st->num_slots;
	u32 span;

	if (head >= n || cur >= n)
		return -EINVAL;
	span = vale_ring_dist(st->hwcur, st->hwtail, n);
	/* head may only move forward, and not past tail */
	if (vale_ring_dist(st->hwcur, head, n) > span)
		return -EINVAL;
	/* cur lies between head and tail */
	if (vale_ring_dist(head, cur, n) > vale_ring_dist(head, st->hwtail, n))
		return -EINVAL;
	return 0;
}

u32 vale_lease_reserve(struct vale_ring_state *st, u32 n, u32 *start)
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

bool vale_lease_publish(struct vale_ring_state *st, u32 lease, u32 start,
			u32 end)
{
	u32 n = st->num_slots;

	st->leases[lease] = end;
	if (start != st->hwtail)
		return false;	/* an older lease is still being filled */
	/* We are the oldest: publish ours and every completed one after it. */
	while (lease != st->lease_idx && st->leases[lease] != VALE_NOSLOT) {
		st->hwtail = st->leases[lease];
		st->leases[lease] = VALE_NOSLOT;
		lease = vale_ring_next(lease, n);
	}
	return true;
}

/*
 * The full validation of a packet whose first slot, @s read from slot
 * @cur, is not a whole packet by itself (see vale_gather()): appends the
 * packet to g or counts its drop, and returns the slot after it.  The
 * other slots of the chain are read once each, here.
 */
static u32 vale_gather_chain(struct vale_gather *g, struct vale_slot s,
			     u32 cur, u32 head)
{
	struct vale_frag *f = &g->frags[g->nfrags];
	bool bad = false, bad_frag = false;
	u32 n = g->num_slots, nf = 0, plen = 0;

	for (;;) {
		bool more;

		cur = vale_ring_next(cur, n);
		if (s.flags & ~VALE_SLOT_FLAGS_MASK) {
			/* its MOREFRAG bit cannot be trusted */
			bad = true;
			break;
		}
		more = s.flags & VALE_SLOT_MOREFRAG;
		if (bad || bad_frag) {
			/* skip the rest of a rejected chain */
		} else if (vale_slot_check(&s, g->num_bufs, g->buf_size)) {
			bad = true;
		} else if (nf == VALE_MAX_FRAGS ||
			   plen + s.len > VALE_MAX_PKT_LEN) {
			bad_frag = true;
		} else {
			f[nf].buf_idx = s.buf_idx;
			f[nf].len = s.len;
			nf++;
			plen += s.len;
		}
		if (!more)
			break;
		if (cur == head) {
			bad_frag = true;	/* unterminated chain */
			break;
		}
		s = READ_ONCE(g->slots[cur]);
	}
	if (bad) {
		g->bad_slot++;
	} else if (bad_frag) {
		g->bad_frag++;
	} else {
		struct vale_pkt *p = &g->pkts[g->npkts++];

		p->len = plen;
		p->frag = g->nfrags;
		p->nfrags = nf;
		g->nfrags += nf;
		g->bytes += plen;
		if (plen > g->max_len)
			g->max_len = plen;
	}
	return cur;
}

u32 vale_gather(struct vale_gather *g, u32 cur, u32 head)
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

		/*
		 * Fast path: a slot that is a whole packet by itself (no
		 * MOREFRAG, no unknown flag, buffer and length in range; a
		 * buf_size never exceeds VALE_MAX_PKT_LEN).  Anything else
		 * is read again, from the ring, by the full validation.
		 */
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
		g->npkts = np;
		g->nfrags = nf;
		g->bytes = bytes;
		g->max_len = max_len;
		cur = vale_gather_chain(g, s, cur, head);
		np = g->npkts;
		nf = g->nfrags;
		bytes = g->bytes;
		max_len = g->max_len;
	}
	g->npkts = np;
	g->nfrags = nf;
	g->bytes = bytes;
	g->max_len = max_len;
	return cur;
}
