// SPDX-License-Identifier: GPL-2.0
/*
 * vale: ring index validation and the gather stage's full validation of
 * MOREFRAG chains and bad slots (its fast path and the rx leases are
 * inline, in ring.h).
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

u32 vale_gather_chain(struct vale_gather *g, struct vale_slot s, u32 cur,
		      u32 head)
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
