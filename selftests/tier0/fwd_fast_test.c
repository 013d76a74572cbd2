// SPDX-License-Identifier: GPL-2.0
// tier0-sources: kmod/fwd.c kmod/sync.c kmod/ring.c kmod/lookup.c kmod/param.c
/*
 * Tier 0: the fast paths of the forwarding stages, each against the way
 * it must behave without it.
 *
 *  - gather: a slot that is a whole packet is taken by vale_gather()'s
 *    fast path, anything else by the full validation; both together must
 *    give exactly what a straightforward validator (model_gather() below,
 *    the chain rules of ring.h) gives, on random rings.
 *  - delivery: a batch whose packets each fit one slot of the receiver is
 *    copied by vale_fwd_copy_small() (up to 64 bytes) or memcpy(); every
 *    length from 1 to 130 bytes and around buffer-size multiples must
 *    arrive byte for byte, and nothing beyond the frame may be written
 *    into the receiver's buffer or read from the sender's.
 *  - lookup: a batch forwarded whole (one destination, per-destination
 *    lists, the shortcut for a frame with the addresses of the one before)
 *    must deliver, count and learn exactly what the same frames forwarded
 *    one per batch do.
 *  - pairs: a port with a fast path (port.h, a point-to-point pair) must
 *    deliver and count exactly what the rules lookup with the one rule
 *    that decides its frames does, without calling any lookup.
 */
#include <stdlib.h>
#include <string.h>

#include "fwd_util.h"
#include "rules.h"

/* EXPECT_EQ(literal, unsigned) is intended throughout. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

/* A small deterministic generator (xorshift32): the runs are repeatable. */
static u32 rnd_state = 1;

static u32 rnd(u32 n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state % n;
}

/* ---- gather against a model ---- */

struct model_out {
	u32 npkts, nfrags, bad_slot, bad_frag, max_len, end;
	u64 bytes;
};

/*
 * The gather rules of ring.h, slot by slot with no fast path: a packet is
 * a chain of MOREFRAG slots ended by a slot without it; a slot with an
 * unknown flag ends the chain and makes it bad; a bad buf_idx or len makes
 * the chain bad; more than VALE_MAX_FRAGS slots, more than
 * VALE_MAX_PKT_LEN bytes or no end before head make it bad_frag.  Stops
 * once max_frags fragments are collected.
 */
static void model_gather(const struct vale_slot *sl, u32 n, u32 nbufs,
			 u32 bsize, u32 max_frags, u32 cur, u32 head,
			 struct vale_frag *frags, struct vale_pkt *pkts,
			 struct model_out *o)
{
	memset(o, 0, sizeof(*o));
	while (cur != head && o->nfrags < max_frags) {
		u32 nf = 0, plen = 0;
		int bad = 0, bad_frag = 0;

		for (;;) {
			struct vale_slot s = sl[cur];
			int more;

			cur = (cur + 1) % n;
			if (s.flags & ~(VALE_SLOT_MOREFRAG |
					VALE_SLOT_BUF_CHANGED)) {
				bad = 1;
				break;
			}
			more = s.flags & VALE_SLOT_MOREFRAG;
			if (bad || bad_frag)
				;
			else if (s.buf_idx >= nbufs || !s.len || s.len > bsize)
				bad = 1;
			else if (nf == VALE_MAX_FRAGS ||
				 plen + s.len > VALE_MAX_PKT_LEN)
				bad_frag = 1;
			else {
				frags[o->nfrags + nf].buf_idx = s.buf_idx;
				frags[o->nfrags + nf].len = s.len;
				nf++;
				plen += s.len;
			}
			if (!more)
				break;
			if (cur == head) {
				bad_frag = 1;
				break;
			}
		}
		if (bad) {
			o->bad_slot++;
		} else if (bad_frag) {
			o->bad_frag++;
		} else {
			pkts[o->npkts].len = plen;
			pkts[o->npkts].frag = o->nfrags;
			pkts[o->npkts].nfrags = nf;
			o->npkts++;
			o->nfrags += nf;
			o->bytes += plen;
			if (plen > o->max_len)
				o->max_len = plen;
		}
	}
	o->end = cur;
}

#define GN	256
#define GBATCH	1024

/* A random slot: mostly good single slots, chains and every kind of bad. */
static struct vale_slot rnd_slot(u32 nbufs, u32 bsize, int chainy)
{
	struct vale_slot s = { rnd(nbufs), 1 + rnd(bsize), 0 };

	switch (rnd(chainy ? 8 : 24)) {
	case 0: case 1: case 2:
		s.flags = VALE_SLOT_MOREFRAG;
		break;
	case 3:
		s.buf_idx = nbufs + rnd(3);
		break;
	case 4:
		s.len = rnd(2) ? 0 : bsize + 1 + rnd(100);
		break;
	case 5:
		s.flags = (u16)(1u << (2 + rnd(14))) | rnd(4);
		break;
	case 6:
		s.flags = VALE_SLOT_BUF_CHANGED | (rnd(2) ? VALE_SLOT_MOREFRAG : 0);
		break;
	case 7:
		s.len = bsize;
		break;
	default:
		break;
	}
	return s;
}

TEST(gather_matches_model)
{
	static struct vale_slot sl[GN];
	static struct vale_frag frags[GBATCH + VALE_MAX_FRAGS], mfrags[GBATCH + VALE_MAX_FRAGS];
	static struct vale_pkt pkts[GBATCH], mpkts[GBATCH];
	u32 round, i, mismatches = 0, fast_runs = 0;

	rnd_state = 12345;
	for (round = 0; round < 20000; round++) {
		u32 n = 8 + rnd(GN - 8), nbufs = 1 + rnd(300);
		u32 bsize = 64 * (1 + rnd(4)), max = 1 + rnd(rnd(2) ? 8 : 600);
		u32 cur = rnd(n), head = rnd(n), c;
		int chainy = rnd(2);
		struct vale_gather g = {
			.slots = sl, .num_slots = n, .num_bufs = nbufs,
			.buf_size = bsize, .max_frags = max,
			.frags = frags, .pkts = pkts,
		};
		struct model_out o;

		for (i = 0; i < n; i++)
			sl[i] = rnd_slot(nbufs, bsize, chainy);
		/* long MOREFRAG chains now and then */
		if (!rnd(8))
			for (i = 0; i < VALE_MAX_FRAGS + 2; i++)
				sl[(cur + i) % n].flags = VALE_SLOT_MOREFRAG;
		while (cur != head) {
			model_gather(sl, n, nbufs, bsize, max, cur, head,
				     mfrags, mpkts, &o);
			c = vale_gather(&g, cur, head);
			if (c != o.end || g.npkts != o.npkts ||
			    g.nfrags != o.nfrags || g.bytes != o.bytes ||
			    g.bad_slot != o.bad_slot ||
			    g.bad_frag != o.bad_frag ||
			    (g.npkts && g.max_len != o.max_len) ||
			    memcmp(frags, mfrags, o.nfrags * sizeof(*frags))) {
				mismatches++;
				break;
			}
			for (i = 0; i < o.npkts; i++)
				if (pkts[i].len != mpkts[i].len ||
				    pkts[i].frag != mpkts[i].frag ||
				    pkts[i].nfrags != mpkts[i].nfrags)
					break;
			if (i < o.npkts) {
				mismatches++;
				break;
			}
			fast_runs += g.npkts && g.npkts == g.nfrags;
			cur = c;
		}
		if (mismatches) {
			TH_LOG("round %u: n %u bufs %u bsize %u max %u", round,
			       n, nbufs, bsize, max);
			break;
		}
	}
	EXPECT_EQ(0, mismatches);
	/* both paths were exercised, many times */
	EXPECT_GT(fast_runs, 1000);
}

/* ---- every length through the one-slot copy ---- */

#define CANARY	0xa5
#define STALE	0xee

/*
 * Forward one frame of @len bytes from a to b (p2p lookup: any length is
 * forwarded, even below an Ethernet header) and check it byte for byte,
 * the rest of b's buffer untouched and no stale byte of a's buffer there.
 */
static int copy_one(struct __test_metadata *_metadata, struct vale_switch *sw,
		    struct vale_port *a, struct vale_port *b, u32 len, u32 tag)
{
	struct vale_ring *tr = a->tx[0].ring, *rr = b->rx[0].ring;
	u32 abs = a->mem.lay.buf_size, bbs = b->mem.lay.buf_size;
	struct vale_slot *s = &tr->slot[tr->head];
	u8 *src = vale_mem_buf(&a->mem, s->buf_idx), *dst;
	u32 i, h = rr->head, got = 0, ns = 0, bad = 0;

	(void)sw;
	/* the whole buffer: the frame, then bytes it must not carry along */
	memset(src, STALE, abs);
	for (i = 0; i < len; i++)
		src[i] = (u8)(i * 13 + tag);
	for (i = 0; i < rr->num_slots; i++)
		memset(vale_mem_buf(&b->mem, rr->slot[i].buf_idx), CANARY, bbs);
	s->len = len;
	s->flags = 0;
	tr->head = tr->cur = vale_ring_next(tr->head, tr->num_slots);
	if (t0_txsync(a, 0))
		return 0;
	do {
		const struct vale_slot *r = &rr->slot[h];

		if (h == rr->tail)
			return 0;	/* nothing (more) arrived */
		dst = vale_mem_buf(&b->mem, r->buf_idx);
		for (i = 0; i < r->len; i++)
			bad += dst[i] != (u8)((got + i) * 13 + tag);
		for (i = r->len; i < bbs; i++)
			bad += dst[i] != CANARY;
		got += r->len;
		ns++;
		h = vale_ring_next(h, rr->num_slots);
		if (!(r->flags & VALE_SLOT_MOREFRAG))
			break;
	} while (1);
	EXPECT_EQ(len, got) TH_LOG("len %u", len);
	EXPECT_EQ(0, bad) TH_LOG("len %u: %u bytes wrong", len, bad);
	EXPECT_EQ(DIV_ROUND_UP(len, bbs), ns) TH_LOG("len %u", len);
	rr->head = rr->cur = h;
	t0_rxsync(b, 0);
	return got == len && !bad;
}

TEST(copy_every_small_length)
{
	static const u32 rx_bufs[] = { 64, 128, 2048 };
	u32 k, len, ok = 0, tried = 0;

	for (k = 0; k < ARRAY_SIZE(rx_bufs); k++) {
		struct vale_switch *sw = t0_switch_new(VALE_DEF_BATCH);
		struct vale_port *a = t0_port_new(sw, 0, 1, 1, 64, 2048);
		struct vale_port *b = t0_port_new(sw, 1, 1, 1, 64, rx_bufs[k]);

		sw->lookup = vale_lookup_p2p;
		/*
		 * 14..130: 14, 15, 59, 60, 61, 63, 64, 65 and every other.
		 * Below ETH_HLEN a frame has no destination in any lookup
		 * mode (uapi: drop_no_dest at the sender), p2p included.
		 */
		for (len = ETH_HLEN; len <= 130; len++, tried++)
			ok += copy_one(_metadata, sw, a, b, len, len + k);
		EXPECT_EQ(130 - ETH_HLEN + 1, b->rx[0].stats.packets)
			TH_LOG("rx buf %u", rx_bufs[k]);
		EXPECT_EQ(0, b->rx[0].stats.drop_too_long);
		for (len = 1; len < ETH_HLEN; len++) {
			u8 f[ETH_HLEN] = { 0 };

			ASSERT_EQ(1, t0_queue(a, 0, f, len));
			ASSERT_EQ(0, t0_txsync(a, 0));
		}
		EXPECT_EQ(ETH_HLEN - 1, a->tx[0].stats.drop_no_dest);
		EXPECT_EQ(130 - ETH_HLEN + 1, b->rx[0].stats.packets)
			TH_LOG("a runt reached the receiver (rx buf %u)", rx_bufs[k]);
		t0_port_free(a);
		t0_port_free(b);
		free(sw);
	}
	EXPECT_EQ(tried, ok);
}

TEST(copy_buffer_size_multiples)
{
	static const u32 rx_bufs[] = { 64, 128, 192, 2048 };
	u32 k, m, ok = 0, tried = 0;
	int d;

	for (k = 0; k < ARRAY_SIZE(rx_bufs); k++) {
		struct vale_switch *sw = t0_switch_new(VALE_DEF_BATCH);
		struct vale_port *a = t0_port_new(sw, 0, 1, 1, 64, 8192);
		struct vale_port *b = t0_port_new(sw, 1, 1, 1, 64, rx_bufs[k]);
		u32 bs = rx_bufs[k];

		sw->lookup = vale_lookup_p2p;
		/* one slot (fast path) up to bs, two or more from bs + 1 */
		for (m = 1; m <= 4 && m * bs + 1 <= 8192; m++)
			for (d = -1; d <= 1; d++, tried++)
				ok += copy_one(_metadata, sw, a, b, m * bs + d,
					       m + k);
		t0_port_free(a);
		t0_port_free(b);
		free(sw);
	}
	EXPECT_EQ(tried, ok);
}

/* One batch of several small frames: each its own, in order; runts dropped. */
TEST(copy_batch_of_lengths)
{
	static const u32 lens[] = { 14, 15, 59, 60, 61, 63, 64, 65, 1, 7, 8,
				    16, 31, 32, 33, 128, 2048 };
	struct vale_switch *sw = t0_switch_new(VALE_DEF_BATCH);
	struct vale_port *a = t0_port_new(sw, 0, 1, 1, 64, 0);
	struct vale_port *b = t0_port_new(sw, 1, 1, 1, 64, 0);
	u8 f[2048], g[2048];
	u32 i, j, nslots;

	sw->lookup = vale_lookup_p2p;
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		for (j = 0; j < lens[i]; j++)
			f[j] = (u8)(j * 7 + i);
		ASSERT_EQ(1, t0_queue(a, 0, f, lens[i]));
	}
	ASSERT_EQ(0, t0_txsync(a, 0));
	/* the runts (1, 7, 8) are dropped at the sender, the rest arrive */
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		if (lens[i] < ETH_HLEN)
			continue;
		for (j = 0; j < lens[i]; j++)
			f[j] = (u8)(j * 7 + i);
		memset(g, 0, sizeof(g));
		EXPECT_EQ(lens[i], t0_recv(b, 0, g, sizeof(g), &nslots, NULL));
		EXPECT_EQ(1, nslots);
		EXPECT_EQ(0, memcmp(f, g, lens[i])) TH_LOG("frame %u", i);
	}
	EXPECT_EQ(-1, t0_recv(b, 0, g, sizeof(g), NULL, NULL));
	EXPECT_EQ(3, a->tx[0].stats.drop_no_dest);
	t0_port_free(a);
	t0_port_free(b);
	free(sw);
}

/* A bad rx buf_idx in the middle of a one-slot batch. */
TEST(fast_batch_bad_rx_slot)
{
	struct vale_switch *sw = t0_switch_new(VALE_DEF_BATCH);
	struct vale_port *a = t0_port_new(sw, 0, 1, 1, 64, 0);
	struct vale_port *b = t0_port_new(sw, 1, 1, 1, 64, 0);
	struct vale_ring *r = b->rx[0].ring;
	u32 saved = r->slot[3].buf_idx, i, len;
	u8 f[60], g[64];
	u32 tag;

	sw->lookup = vale_lookup_p2p;
	r->slot[3].buf_idx = 0xfffffff0;
	for (i = 0; i < 8; i++) {
		t0_frame(f, T0_MAC(1), T0_MAC(0), 60, i);
		ASSERT_EQ(1, t0_queue(a, 0, f, 60));
	}
	ASSERT_EQ(0, t0_txsync(a, 0));
	EXPECT_EQ(1, b->rx[0].stats.drop_bad_slot);
	EXPECT_EQ(8, b->rx[0].stats.packets);
	EXPECT_EQ(8 * 60, b->rx[0].stats.bytes);
	for (i = 0; i < 8; i++) {
		if (i == 3) {
			r->slot[3].buf_idx = saved;
			len = t0_recv(b, 0, g, sizeof(g), NULL, NULL);
			EXPECT_EQ(0, len);
			continue;
		}
		EXPECT_EQ(60, t0_recv(b, 0, g, sizeof(g), NULL, NULL));
		memcpy(&tag, g + 14, 4);
		EXPECT_EQ(i, tag);
	}
	t0_port_free(a);
	t0_port_free(b);
	free(sw);
}

/* A one-slot batch larger than the room: the first that fit, in order. */
TEST(fast_batch_ring_full)
{
	struct vale_switch *sw = t0_switch_new(VALE_DEF_BATCH);
	struct vale_port *a = t0_port_new(sw, 0, 1, 1, 64, 0);
	struct vale_port *b = t0_port_new(sw, 1, 1, 1, 8, 0);
	u8 f[60], g[64];
	u32 i, tag;

	sw->lookup = vale_lookup_p2p;
	for (i = 0; i < 20; i++) {
		t0_frame(f, T0_MAC(1), T0_MAC(0), 60, i);
		ASSERT_EQ(1, t0_queue(a, 0, f, 60));
	}
	ASSERT_EQ(0, t0_txsync(a, 0));
	/* 7 of 8 slots usable */
	EXPECT_EQ(7, b->rx[0].stats.packets);
	EXPECT_EQ(13, b->rx[0].stats.drop_ring_full);
	for (i = 0; i < 7; i++) {
		EXPECT_EQ(60, t0_recv(b, 0, g, sizeof(g), NULL, NULL));
		memcpy(&tag, g + 14, 4);
		EXPECT_EQ(i, tag);
	}
	EXPECT_EQ(-1, t0_recv(b, 0, g, sizeof(g), NULL, NULL));
	t0_port_free(a);
	t0_port_free(b);
	free(sw);
}

/* ---- whole batches against one frame per batch ---- */

#define DPORTS	5
#define DFRAMES	400

struct dframe {
	u64 dst, src;
	u32 len;
};

static const u64 d_dsts[] = {
	T0_MAC_BCAST, T0_MAC_MCAST, T0_MAC(1), T0_MAC(2), T0_MAC(3),
	T0_MAC(4), T0_MAC(0), T0_MAC(0x999), T0_MAC(5), 0,
};
static const u64 d_srcs[] = {
	T0_MAC(0), T0_MAC(5), T0_MAC(6), T0_MAC(1), 0, T0_MAC_MCAST,
	T0_MAC(0x999),
};

static void mkframes(struct dframe *fr, u32 n, int long_ones)
{
	static const u32 lens[] = { 60, 60, 60, 14, 61, 200, 13, 2100 };
	u32 i, nl = long_ones ? ARRAY_SIZE(lens) : ARRAY_SIZE(lens) - 1;

	for (i = 0; i < n; i++) {
		if (i && rnd(2)) {	/* runs of frames with one header */
			fr[i] = fr[i - 1];
			continue;
		}
		fr[i].dst = d_dsts[rnd(ARRAY_SIZE(d_dsts))];
		fr[i].src = d_srcs[rnd(ARRAY_SIZE(d_srcs))];
		fr[i].len = lens[rnd(nl)];
	}
}

struct drun {
	struct vale_switch *sw;
	struct vale_port *p[DPORTS];
};

/* The frames from port 0 through a switch of batch @batch. */
static void drun(struct drun *r, u32 batch, const struct dframe *fr, u32 n)
{
	u8 f[4096];
	u32 i;

	r->sw = t0_switch_new(batch);
	for (i = 0; i < DPORTS; i++)
		r->p[i] = t0_port_new(r->sw, i, 1, 1, 1024, 0);
	/* ports 1..3 announce themselves (one frame per batch anyway) */
	for (i = 1; i <= 3; i++) {
		t0_frame(f, T0_MAC_BCAST, T0_MAC(i), 60, 0);
		if (!t0_queue(r->p[i], 0, f, 60) || t0_txsync(r->p[i], 0))
			abort();
	}
	for (i = 0; i < n; i++) {
		t0_frame(f, fr[i].dst, fr[i].src, fr[i].len, i);
		if (!t0_queue(r->p[0], 0, f, fr[i].len))
			abort();
	}
	if (t0_txsync(r->p[0], 0))
		abort();
}

static void drun_free(struct drun *r)
{
	u32 i;

	for (i = 0; i < DPORTS; i++)
		t0_port_free(r->p[i]);
	free(r->sw);
}

/* Compare two runs: every port's frames, counters and the MAC table. */
static u32 dcompare(struct __test_metadata *_metadata, struct drun *x,
		    struct drun *y)
{
	static u8 a[VALE_MAX_PKT_LEN], b[VALE_MAX_PKT_LEN];
	u32 i, diffs = 0, frames = 0;

	for (i = 0; i < DPORTS; i++) {
		const struct vale_kring_stats *xs = &x->p[i]->rx[0].stats;
		const struct vale_kring_stats *ys = &y->p[i]->rx[0].stats;
		int la, lb;

		diffs += memcmp(xs, ys, sizeof(*xs)) != 0;
		diffs += memcmp(&x->p[i]->tx[0].stats, &y->p[i]->tx[0].stats,
				sizeof(*xs)) != 0;
		do {
			la = t0_recv(x->p[i], 0, a, sizeof(a), NULL, NULL);
			lb = t0_recv(y->p[i], 0, b, sizeof(b), NULL, NULL);
			if (la != lb || (la > 0 && memcmp(a, b, la))) {
				diffs++;
				TH_LOG("port %u, frame %u differs", i, frames);
				break;
			}
			frames += la >= 0;
		} while (la >= 0);
	}
	diffs += memcmp(x->sw->mac.ent, y->sw->mac.ent,
			sizeof(x->sw->mac.ent)) != 0;
	EXPECT_GT(frames, DFRAMES / 2);
	return diffs;
}

TEST(batch_equals_one_by_one)
{
	static struct dframe fr[DFRAMES];
	static const u32 batches[] = { 512, 64, 7, 2 };
	u32 round, k;

	rnd_state = 777;
	for (round = 0; round < 16; round++) {
		struct drun one, many;

		mkframes(fr, DFRAMES, round % 2);
		drun(&one, 1, fr, DFRAMES);
		k = round % ARRAY_SIZE(batches);
		drun(&many, batches[k], fr, DFRAMES);
		EXPECT_EQ(0, dcompare(_metadata, &one, &many))
			TH_LOG("round %u, batch %u", round, batches[k]);
		drun_free(&one);
		drun_free(&many);
	}
}

/* Runs of one header: learning must still follow every change of source. */
TEST(same_addresses_shortcut)
{
	struct vale_switch *sw = t0_switch_new(VALE_DEF_BATCH);
	struct vale_port *p[3];
	u8 f[60];
	u32 i;

	for (i = 0; i < 3; i++)
		p[i] = t0_port_new(sw, i, 1, 1, 64, 0);
	/* port 1 is MAC(1); port 0 sends: 3 x (MAC(1) <- MAC(7)), then
	 * 3 x (MAC(1) <- MAC(8)), a short frame, then 2 x the first again */
	t0_frame(f, T0_MAC_BCAST, T0_MAC(1), 60, 0);
	ASSERT_EQ(1, t0_queue(p[1], 0, f, 60));
	ASSERT_EQ(0, t0_txsync(p[1], 0));
	t0_rx_flush(p[0]);
	t0_rx_flush(p[2]);
	for (i = 0; i < 9; i++) {
		u32 len = i == 6 ? 13 : 60;

		t0_frame(f, T0_MAC(1), T0_MAC(i < 3 || i > 6 ? 7 : 8), len,
			 i);
		ASSERT_EQ(1, t0_queue(p[0], 0, f, len));
	}
	ASSERT_EQ(0, t0_txsync(p[0], 0));
	EXPECT_EQ(8, p[1]->rx[0].stats.packets);
	EXPECT_EQ(1, p[0]->tx[0].stats.drop_no_dest);
	EXPECT_EQ(1, p[2]->rx[0].stats.packets);	/* the announcement */
	/* both sources were learned on port 0: port 2 reaches them */
	t0_rx_flush(p[1]);
	for (i = 7; i <= 8; i++) {
		t0_frame(f, T0_MAC(i), T0_MAC(2), 60, 100 + i);
		ASSERT_EQ(1, t0_queue(p[2], 0, f, 60));
	}
	ASSERT_EQ(0, t0_txsync(p[2], 0));
	EXPECT_EQ(1 + 2, p[0]->rx[0].stats.packets);
	EXPECT_EQ(8, p[1]->rx[0].stats.packets);	/* no flood */
	for (i = 0; i < 3; i++)
		t0_port_free(p[i]);
	free(sw);
}

/* ---- a pair's fast path against the lookup it replaces ---- */

static struct vale_rule_ctr ref_ctr;
static u32 lookups;

/* The rules lookup with one rule, "from port 0 output port 1", counting. */
static u16 rule_out1(void *priv, const u8 *frame, u32 len, u32 plen, u16 src)
{
	lookups++;
	ref_ctr.packets++;
	ref_ctr.bytes += plen;
	return src == 0 ? 1 : VALE_DST_DROP;
}

/* The fast path must never come here. */
static u16 no_lookup(void *priv, const u8 *frame, u32 len, u32 plen, u16 src)
{
	lookups++;
	return VALE_DST_DROP;
}

struct prun {
	struct vale_switch *sw;
	struct vale_port *p[2];
	struct vale_fast fast;
	struct vale_rule_ctr ctr;
};

/*
 * @n frames of lengths @lens (cycled) from port 0 of a two-port switch
 * of batch @batch whose port 1 has @rx_slots slots: through rule_out1(),
 * or through port 0's fast path towards @peer.
 */
static void prun(struct prun *r, bool fast, u16 peer, u32 batch, u32 rx_slots,
		 const u32 *lens, u32 nlens, u32 n)
{
	static u8 f[VALE_MAX_PKT_LEN];
	u32 i, k = 0;

	memset(r, 0, sizeof(*r));
	r->sw = t0_switch_new(batch);
	r->sw->lookup = fast ? no_lookup : rule_out1;
	r->p[0] = t0_port_new(r->sw, 0, 1, 1, 1024, 0);
	r->p[1] = t0_port_new(r->sw, 1, 1, 1, rx_slots, 0);
	r->fast.peer = peer;
	r->fast.ctr = &r->ctr;
	if (fast)
		rcu_assign_pointer(r->p[0]->fast, &r->fast);
	memset(&ref_ctr, 0, sizeof(ref_ctr));
	for (i = 0; i < n; i++) {
		u32 len = lens[i % nlens];

		t0_frame(f, T0_MAC(1 + i % 3), T0_MAC(7), len, i);
		k += t0_queue(r->p[0], 0, f, len);
		if (k > 900) {	/* sync before the tx ring is full */
			if (t0_txsync(r->p[0], 0))
				abort();
			k = 0;
		}
	}
	if (t0_txsync(r->p[0], 0))
		abort();
	if (!fast)
		r->ctr = ref_ctr;
	RCU_INIT_POINTER(r->p[0]->fast, NULL);
}

static void prun_free(struct prun *r)
{
	t0_port_free(r->p[0]);
	t0_port_free(r->p[1]);
	free(r->sw);
}

TEST(pair_fast_path_equals_rules_lookup)
{
	/* runts, the lengths around a header and a minimum frame, chains */
	static const u32 lens[] = {
		60, 1, 13, 14, 15, 59, 60, 61, 63, 64, 65, 128, 2047, 2048,
		2049, 4100, 60, 60, 9000,
	};
	static const struct {
		u32 batch, rx_slots, n;
	} c[] = {
		{ 512, 1024, 400 }, { 64, 1024, 400 }, { 7, 1024, 400 },
		{ 1, 1024, 400 }, { 512, 64, 400 }, { 512, 1024, 3000 },
	};
	u32 i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct prun ref, fast;
		u32 nlens = ARRAY_SIZE(lens) - (i % 2);	/* with/without 9000 */
		static u8 a[VALE_MAX_PKT_LEN], b[VALE_MAX_PKT_LEN];
		int la, lb, frames = 0, diffs = 0;

		prun(&ref, false, 1, c[i].batch, c[i].rx_slots, lens, nlens,
		     c[i].n);
		lookups = 0;
		prun(&fast, true, 1, c[i].batch, c[i].rx_slots, lens, nlens,
		     c[i].n);
		EXPECT_EQ(0, lookups) TH_LOG("case %u: the fast path looked up", i);
		EXPECT_EQ(0, memcmp(&ref.p[1]->rx[0].stats,
				    &fast.p[1]->rx[0].stats,
				    sizeof(ref.p[1]->rx[0].stats)))
			TH_LOG("case %u: receiver's counters differ", i);
		EXPECT_EQ(0, memcmp(&ref.p[0]->tx[0].stats,
				    &fast.p[0]->tx[0].stats,
				    sizeof(ref.p[0]->tx[0].stats)))
			TH_LOG("case %u: sender's counters differ", i);
		EXPECT_EQ(ref.ctr.packets, fast.ctr.packets) TH_LOG("case %u", i);
		EXPECT_EQ(ref.ctr.bytes, fast.ctr.bytes) TH_LOG("case %u", i);
		EXPECT_GT(fast.ctr.packets, 0);
		do {
			la = t0_recv(ref.p[1], 0, a, sizeof(a), NULL, NULL);
			lb = t0_recv(fast.p[1], 0, b, sizeof(b), NULL, NULL);
			if (la != lb || (la > 0 && memcmp(a, b, la))) {
				diffs++;
				TH_LOG("case %u: frame %d differs", i, frames);
				break;
			}
			frames += la >= 0;
		} while (la >= 0);
		EXPECT_EQ(0, diffs);
		EXPECT_GT(frames, 0);
		prun_free(&ref);
		prun_free(&fast);
	}
}

/* A peer that is gone: nothing delivered, everything counted, no lookup. */
TEST(pair_fast_path_peer_gone)
{
	static const u32 lens[] = { 60, 13, 1514 };
	struct vale_switch *sw = t0_switch_new(512);
	struct vale_port *p = t0_port_new(sw, 0, 1, 1, 1024, 0);
	struct vale_fast fp = { .peer = 1 };
	u8 f[1514];
	u32 i;

	lookups = 0;
	sw->lookup = no_lookup;
	rcu_assign_pointer(p->fast, &fp);
	for (i = 0; i < 30; i++) {
		t0_frame(f, T0_MAC(1), T0_MAC(7), lens[i % 3], i);
		ASSERT_NE(0, t0_queue(p, 0, f, lens[i % 3]));
	}
	ASSERT_EQ(0, t0_txsync(p, 0));
	EXPECT_EQ(30, p->tx[0].stats.packets);
	EXPECT_EQ(30, p->tx[0].stats.drop_no_dest);
	EXPECT_EQ(0, lookups);
	RCU_INIT_POINTER(p->fast, NULL);
	t0_port_free(p);
	free(sw);
}

TEST_HARNESS_MAIN
