// SPDX-License-Identifier: GPL-2.0
// tier0-sources: kmod/fwd.c kmod/sync.c kmod/ring.c kmod/lookup.c kmod/param.c
/*
 * Tier 0: the forwarding stages of kmod/fwd.c (gather with slot
 * validation, lookup, per-destination grouping, reserve/copy/publish with
 * leases) in user space, on ports in malloc'd memory (fwd_util.h).
 */
#include <stdlib.h>
#include <string.h>

#include "fwd_util.h"

/* EXPECT_EQ(literal, unsigned) is intended throughout. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define NPORTS	4

/* Received packet: its tag (bytes 14..17) or -1. */
static long rx_tag(struct vale_port *p, u32 r, u32 *len)
{
	u8 buf[VALE_MAX_PKT_LEN];
	u32 tag;
	int n = t0_recv(p, r, buf, sizeof(buf), NULL, NULL);

	if (len)
		*len = n;
	if (n < 18)
		return -1;
	memcpy(&tag, buf + 14, 4);
	return tag;
}

static u32 rx_count(struct vale_port *p)
{
	u8 buf[VALE_MAX_PKT_LEN];
	u32 n = 0, r;

	for (r = 0; r < p->num_rx; r++)
		while (t0_recv(p, r, buf, sizeof(buf), NULL, NULL) >= 0)
			n++;
	return n;
}

static void send1(struct vale_port *p, u64 dst, u64 src, u32 len, u32 tag)
{
	u8 f[VALE_MAX_PKT_LEN];

	t0_frame(f, dst, src, len, tag);
	if (!t0_queue(p, 0, f, len) || t0_txsync(p, 0))
		abort();
}

/* ---- destinations, table-driven ---- */

FIXTURE(sw) {
	struct vale_switch *sw;
	struct vale_port *p[NPORTS];
};

FIXTURE_SETUP(sw)
{
	u32 i;

	self->sw = t0_switch_new(VALE_DEF_BATCH);
	for (i = 0; i < NPORTS; i++)
		self->p[i] = t0_port_new(self->sw, i, 1, 1, 64, 0);
}

FIXTURE_TEARDOWN(sw)
{
	u32 i;

	for (i = 0; i < NPORTS; i++)
		t0_port_free(self->p[i]);
	free(self->sw);
}

enum dkind { D_BCAST, D_MCAST, D_UNKNOWN, D_LEARNED, D_SELF, D_SHORT };

struct dst_row {
	const char *what;
	u32 src;
	enum dkind kind;
	u32 learned_on;		/* D_LEARNED, D_SELF: the port of dst */
	u32 want;		/* mask of ports that must receive it */
	u32 no_dest;
};

static const struct dst_row dst_rows[] = {
	{ "broadcast from 0", 0, D_BCAST, 0, 0xe, 0 },
	{ "broadcast from 2", 2, D_BCAST, 0, 0xb, 0 },
	{ "multicast from 1", 1, D_MCAST, 0, 0xd, 0 },
	{ "unknown unicast from 3", 3, D_UNKNOWN, 0, 0x7, 0 },
	{ "learned unicast 0 -> 1", 0, D_LEARNED, 1, 0x2, 0 },
	{ "learned unicast 3 -> 0", 3, D_LEARNED, 0, 0x1, 0 },
	{ "learned unicast 1 -> 2", 1, D_LEARNED, 2, 0x4, 0 },
	{ "learned on the source itself", 2, D_SELF, 2, 0x0, 1 },
	{ "shorter than an Ethernet header", 1, D_SHORT, 0, 0x0, 1 },
};

TEST_F(sw, destinations)
{
	u32 i, j;

	/* every port announces its own MAC: T0_MAC(port) */
	for (j = 0; j < NPORTS; j++)
		send1(self->p[j], T0_MAC_BCAST, T0_MAC(j), 60, 0);
	for (j = 0; j < NPORTS; j++)
		EXPECT_EQ(NPORTS - 1, rx_count(self->p[j]));

	for (i = 0; i < ARRAY_SIZE(dst_rows); i++) {
		const struct dst_row *r = &dst_rows[i];
		struct vale_port *src = self->p[r->src];
		u64 dst = r->kind == D_BCAST ? T0_MAC_BCAST :
			  r->kind == D_MCAST ? T0_MAC_MCAST :
			  r->kind == D_UNKNOWN ? T0_MAC(0x999) :
			  T0_MAC(r->learned_on);
		u64 no_dest = src->tx[0].stats.drop_no_dest;
		u32 len = r->kind == D_SHORT ? 13 : 60, got;

		send1(src, dst, T0_MAC(r->src), len, 100 + i);
		for (j = 0; j < NPORTS; j++) {
			long tag = rx_tag(self->p[j], 0, &got);

			if (r->want & (1u << j)) {
				EXPECT_EQ(100 + i, tag) TH_LOG("%s: port %u",
							      r->what, j);
				EXPECT_EQ(60, got);
				EXPECT_EQ(1, self->p[j]->wq.wakeups > 0);
			} else {
				EXPECT_EQ(-1, tag) TH_LOG("%s: port %u",
							  r->what, j);
			}
			EXPECT_EQ(0, t0_rx_pending(self->p[j], 0));
			self->p[j]->wq.wakeups = 0;
		}
		EXPECT_EQ(r->no_dest, src->tx[0].stats.drop_no_dest - no_dest)
			TH_LOG("%s", r->what);
	}
	/* a source never receives its own frames */
	for (j = 0; j < NPORTS; j++)
		EXPECT_EQ(0, self->p[j]->rx[0].stats.drop_ring_full);
}

/* A learned destination whose port went away: counted, not delivered. */
TEST_F(sw, learned_port_gone)
{
	send1(self->p[3], T0_MAC_BCAST, T0_MAC(3), 60, 1);
	rx_count(self->p[0]);
	rx_count(self->p[1]);
	rx_count(self->p[2]);
	t0_port_free(self->p[3]);
	self->p[3] = NULL;
	send1(self->p[0], T0_MAC(3), T0_MAC(0), 60, 2);
	EXPECT_EQ(1, self->p[0]->tx[0].stats.drop_no_dest);
	EXPECT_EQ(0, rx_count(self->p[1]) + rx_count(self->p[2]));
	/* and broadcast skips the hole */
	send1(self->p[0], T0_MAC_BCAST, T0_MAC(0), 60, 3);
	EXPECT_EQ(1, rx_count(self->p[1]));
	EXPECT_EQ(1, rx_count(self->p[2]));
}

/* Unicast and broadcast mixed in one batch keep ring order per receiver. */
TEST_F(sw, mixed_batch_order)
{
	static const int to[] = { 1, -1, 1, 2, -1, -1, 2, 1, -1, 3 };
	u8 f[60];
	u32 i, j;
	long tag;

	for (j = 1; j < NPORTS; j++)
		send1(self->p[j], T0_MAC_BCAST, T0_MAC(j), 60, 0);
	for (j = 0; j < NPORTS; j++)
		rx_count(self->p[j]);
	for (i = 0; i < ARRAY_SIZE(to); i++) {
		t0_frame(f, to[i] < 0 ? T0_MAC_BCAST : T0_MAC(to[i]),
			 T0_MAC(0), 60, i);
		ASSERT_EQ(1, t0_queue(self->p[0], 0, f, 60));
	}
	ASSERT_EQ(0, t0_txsync(self->p[0], 0));
	for (j = 1; j < NPORTS; j++) {
		for (i = 0; i < ARRAY_SIZE(to); i++) {
			if (to[i] >= 0 && to[i] != (int)j)
				continue;
			tag = rx_tag(self->p[j], 0, NULL);
			EXPECT_EQ(i, tag) TH_LOG("port %u packet %u", j, i);
		}
		EXPECT_EQ(-1, rx_tag(self->p[j], 0, NULL));
	}
	EXPECT_EQ(0, rx_count(self->p[0]));
	EXPECT_EQ(ARRAY_SIZE(to), self->p[0]->tx[0].stats.packets);
}

/* ---- a full receiver drops (and counts) while the others receive ---- */

TEST(ring_full)
{
	struct vale_switch *sw = t0_switch_new(VALE_DEF_BATCH);
	struct vale_port *tx = t0_port_new(sw, 0, 1, 1, 64, 0);
	struct vale_port *big = t0_port_new(sw, 1, 1, 1, 64, 0);
	struct vale_port *small = t0_port_new(sw, 2, 1, 1, 8, 0);
	u8 f[60];
	u32 i;

	/* 7 of small's 8 slots are usable; 2 are still held by its user */
	send1(tx, T0_MAC_BCAST, T0_MAC(0), 60, 1000);
	send1(tx, T0_MAC_BCAST, T0_MAC(0), 60, 1001);
	EXPECT_EQ(2, t0_rx_pending(small, 0));
	EXPECT_EQ(2, rx_count(big));
	for (i = 0; i < 20; i++) {
		t0_frame(f, T0_MAC_BCAST, T0_MAC(0), 60, i);
		ASSERT_EQ(1, t0_queue(tx, 0, f, 60));
	}
	small->wq.wakeups = 0;
	ASSERT_EQ(0, t0_txsync(tx, 0));
	/* small: room for 5 more, the first 5 in order, 15 dropped */
	EXPECT_EQ(15, small->rx[0].stats.drop_ring_full);
	EXPECT_EQ(7, small->rx[0].stats.packets);
	EXPECT_EQ(1, small->wq.wakeups);
	EXPECT_EQ(1000, rx_tag(small, 0, NULL));
	EXPECT_EQ(1001, rx_tag(small, 0, NULL));
	for (i = 0; i < 5; i++)
		EXPECT_EQ(i, rx_tag(small, 0, NULL));
	EXPECT_EQ(-1, rx_tag(small, 0, NULL));
	/* big: everything, in order */
	for (i = 0; i < 20; i++)
		EXPECT_EQ(i, rx_tag(big, 0, NULL));
	EXPECT_EQ(0, big->rx[0].stats.drop_ring_full);
	/* counted at the receiver, never at the sender */
	EXPECT_EQ(22, tx->tx[0].stats.packets);
	EXPECT_EQ(0, tx->tx[0].stats.drop_no_dest);
	/* with room again, small receives again */
	send1(tx, T0_MAC_BCAST, T0_MAC(0), 60, 77);
	EXPECT_EQ(77, rx_tag(small, 0, NULL));
	t0_port_free(tx);
	t0_port_free(big);
	t0_port_free(small);
	free(sw);
}

/* A packet needing more slots than the receiver can ever hold. */
TEST(too_long_for_receiver)
{
	struct vale_switch *sw = t0_switch_new(VALE_DEF_BATCH);
	struct vale_port *tx = t0_port_new(sw, 0, 1, 1, 64, 2048);
	struct vale_port *rx = t0_port_new(sw, 1, 1, 1, 8, 64);
	u8 f[2048];

	/* 7 slots of 64 bytes at most: 448 bytes fit, 449 do not */
	send1(tx, T0_MAC_BCAST, T0_MAC(0), 448, 1);
	send1(tx, T0_MAC_BCAST, T0_MAC(0), 449, 2);
	EXPECT_EQ(1, rx->rx[0].stats.drop_too_long);
	EXPECT_EQ(0, rx->rx[0].stats.drop_ring_full);
	EXPECT_EQ(1, rx_tag(rx, 0, NULL));
	EXPECT_EQ(-1, rx_tag(rx, 0, NULL));
	(void)f;
	t0_port_free(tx);
	t0_port_free(rx);
	free(sw);
}

/* ---- MOREFRAG: copied whole and in order, re-split for the receiver ---- */

struct frag_row {
	u32 tx_buf, rx_buf, batch;
	u32 lens[8];
};

static const struct frag_row frag_rows[] = {
	{ 64, 2048, 512, { 150, 60, 64, 65, 128, 2048, 0 } },
	{ 2048, 64, 512, { 150, 60, 64, 65, 128, 1500, 0 } },
	{ 64, 64, 512, { 64, 65, 127, 128, 129, 60, 0 } },
	{ 128, 192, 3, { 1000, 60, 500, 4000, 61, 0 } },
	{ 64, 2048, 1, { 4096, 60, 4096, 0 } },
	{ 2048, 2048, 512, { 9000, 60, 0 } },
};

TEST(morefrag)
{
	u8 f[16384], g[16384];
	u32 i, k;

	for (i = 0; i < ARRAY_SIZE(frag_rows); i++) {
		const struct frag_row *r = &frag_rows[i];
		struct vale_switch *sw = t0_switch_new(r->batch);
		struct vale_port *a = t0_port_new(sw, 0, 1, 1, 512, r->tx_buf);
		struct vale_port *b = t0_port_new(sw, 1, 1, 1, 512, r->rx_buf);
		u32 nslots, lens[VALE_MAX_FRAGS];
		u64 bytes = 0;

		for (k = 0; r->lens[k]; k++) {
			t0_frame(f, T0_MAC_BCAST, T0_MAC(0), r->lens[k], k);
			ASSERT_NE(0, t0_queue(a, 0, f, r->lens[k]));
			bytes += r->lens[k];
		}
		ASSERT_EQ(0, t0_txsync(a, 0));
		EXPECT_EQ(k, a->tx[0].stats.packets) TH_LOG("row %u", i);
		EXPECT_EQ(bytes, b->rx[0].stats.bytes) TH_LOG("row %u", i);
		for (k = 0; r->lens[k]; k++) {
			u32 s, want = DIV_ROUND_UP(r->lens[k], r->rx_buf);

			t0_frame(f, T0_MAC_BCAST, T0_MAC(0), r->lens[k], k);
			EXPECT_EQ(r->lens[k], t0_recv(b, 0, g, sizeof(g),
						      &nslots, lens))
				TH_LOG("row %u packet %u", i, k);
			EXPECT_EQ(0, memcmp(f, g, r->lens[k]))
				TH_LOG("row %u packet %u", i, k);
			EXPECT_EQ(want, nslots) TH_LOG("row %u packet %u", i, k);
			for (s = 0; s + 1 < nslots; s++)
				EXPECT_EQ(r->rx_buf, lens[s]);
		}
		EXPECT_EQ(-1, rx_tag(b, 0, NULL));
		t0_port_free(a);
		t0_port_free(b);
		free(sw);
	}
}

/* ---- batch boundaries: more slots than the batch in one sync ---- */

struct batch_row {
	u32 batch, npkts, frag_every;	/* every n-th packet has 3 slots */
};

static const struct batch_row batch_rows[] = {
	{ 1, 100, 0 }, { 2, 100, 0 }, { 7, 100, 0 }, { 64, 1000, 0 },
	{ 512, 1000, 0 }, { 1024, 1000, 0 }, { 1, 50, 3 }, { 2, 60, 2 },
	{ 7, 200, 5 }, { 64, 300, 7 }, { 4, 90, 1 },
};

TEST(batch_boundary)
{
	u8 f[256];
	u32 i, k;

	for (i = 0; i < ARRAY_SIZE(batch_rows); i++) {
		const struct batch_row *r = &batch_rows[i];
		struct vale_switch *sw = t0_switch_new(r->batch);
		struct vale_port *a = t0_port_new(sw, 0, 1, 1, 4096, 64);
		struct vale_port *b = t0_port_new(sw, 1, 1, 1, 4096, 64);
		struct vale_port *c = t0_port_new(sw, 2, 1, 1, 4096, 2048);
		u32 len;

		/* b is learned, so half of the traffic is unicast to it */
		send1(b, T0_MAC_BCAST, T0_MAC(1), 60, 0);
		rx_count(a);
		rx_count(c);
		for (k = 0; k < r->npkts; k++) {
			len = r->frag_every && k % r->frag_every == 0 ? 150 : 60;
			t0_frame(f, k % 2 ? T0_MAC(1) : T0_MAC_BCAST,
				 T0_MAC(0), len, k);
			ASSERT_NE(0, t0_queue(a, 0, f, len));
		}
		ASSERT_EQ(0, t0_txsync(a, 0));
		EXPECT_EQ(r->npkts, a->tx[0].stats.packets) TH_LOG("row %u", i);
		for (k = 0; k < r->npkts; k++) {
			EXPECT_EQ(k, rx_tag(b, 0, &len)) TH_LOG("row %u", i);
			if (k % 2 == 0)
				EXPECT_EQ(k, rx_tag(c, 0, NULL))
					TH_LOG("row %u", i);
		}
		EXPECT_EQ(-1, rx_tag(b, 0, NULL));
		EXPECT_EQ(-1, rx_tag(c, 0, NULL));
		EXPECT_EQ(0, rx_count(a));
		EXPECT_EQ(0, b->rx[0].stats.drop_ring_full);
		t0_port_free(a);
		t0_port_free(b);
		t0_port_free(c);
		free(sw);
	}
}

/* ---- bad slots are dropped and counted, the rest forwarded ---- */

enum bad { B_GOOD, B_IDX, B_LEN0, B_LEN_OVER, B_FLAG, B_MID_IDX,
	   B_TOO_MANY_FRAGS, B_UNTERMINATED };

static u32 put_bad(struct vale_port *p, enum bad kind, u32 tag)
{
	struct vale_ring *ring = p->tx[0].ring;
	u32 n = ring->num_slots, h = ring->head, ns, k;
	u8 f[60];

	ns = kind == B_MID_IDX ? 3 : kind == B_TOO_MANY_FRAGS ?
	     VALE_MAX_FRAGS + 1 : kind == B_UNTERMINATED ? 2 : 1;
	t0_frame(f, T0_MAC_BCAST, T0_MAC(0), 60, tag);
	for (k = 0; k < ns; k++) {
		struct vale_slot *s = &ring->slot[h];

		memcpy(vale_mem_buf(&p->mem, s->buf_idx), f, 60);
		s->len = 60;
		s->flags = k + 1 < ns || kind == B_UNTERMINATED ?
			   VALE_SLOT_MOREFRAG : 0;
		switch (kind) {
		case B_IDX:
			s->buf_idx = p->mem.lay.num_bufs;
			break;
		case B_LEN0:
			s->len = 0;
			break;
		case B_LEN_OVER:
			s->len = p->mem.lay.buf_size + 1;
			break;
		case B_FLAG:
			s->flags = 0x0100;
			break;
		case B_MID_IDX:
			if (k == 1)
				s->buf_idx = 0xffffffff;
			break;
		default:
			break;
		}
		h = vale_ring_next(h, n);
	}
	ring->head = h;
	ring->cur = h;
	return ns;
}

struct bad_row {
	const char *what;
	enum bad seq[8];	/* terminated by B_GOOD after the first */
	u32 nseq;
	u32 bad_slot, bad_frag;
};

static const struct bad_row bad_rows[] = {
	{ "idx between goods", { B_GOOD, B_IDX, B_GOOD }, 3, 1, 0 },
	{ "len 0 first", { B_LEN0, B_GOOD, B_GOOD }, 3, 1, 0 },
	{ "len over buf_size last", { B_GOOD, B_GOOD, B_LEN_OVER }, 3, 1, 0 },
	{ "unknown flag", { B_GOOD, B_FLAG, B_GOOD }, 3, 1, 0 },
	{ "bad middle of a chain", { B_GOOD, B_MID_IDX, B_GOOD }, 3, 1, 0 },
	{ "too many frags", { B_GOOD, B_TOO_MANY_FRAGS, B_GOOD }, 3, 0, 1 },
	{ "everything", { B_IDX, B_GOOD, B_LEN0, B_FLAG, B_GOOD, B_MID_IDX,
			  B_TOO_MANY_FRAGS, B_GOOD }, 8, 4, 1 },
	{ "unterminated at head", { B_GOOD, B_GOOD, B_UNTERMINATED }, 3, 0, 1 },
};

TEST(bad_slots)
{
	u32 i, k, batch;

	for (batch = 1; batch <= 512; batch *= 8) {
		for (i = 0; i < ARRAY_SIZE(bad_rows); i++) {
			const struct bad_row *r = &bad_rows[i];
			struct vale_switch *sw = t0_switch_new(batch);
			struct vale_port *a = t0_port_new(sw, 0, 1, 1, 256, 0);
			struct vale_port *b = t0_port_new(sw, 1, 1, 1, 256, 0);
			struct vale_ring *ring = a->tx[0].ring;
			u32 good = 0;

			for (k = 0; k < r->nseq; k++) {
				put_bad(a, r->seq[k], k);
				good += r->seq[k] == B_GOOD;
			}
			ASSERT_EQ(0, t0_txsync(a, 0));
			EXPECT_EQ(r->bad_slot, a->tx[0].stats.drop_bad_slot)
				TH_LOG("%s, batch %u", r->what, batch);
			EXPECT_EQ(r->bad_frag, a->tx[0].stats.drop_bad_frag)
				TH_LOG("%s, batch %u", r->what, batch);
			EXPECT_EQ(good, a->tx[0].stats.packets);
			for (k = 0; k < r->nseq; k++)
				if (r->seq[k] == B_GOOD)
					EXPECT_EQ(k, rx_tag(b, 0, NULL))
						TH_LOG("%s, batch %u", r->what,
						       batch);
			EXPECT_EQ(-1, rx_tag(b, 0, NULL));
			/* every slot is back to the user */
			EXPECT_EQ(vale_ring_prev(ring->head, ring->num_slots),
				  ring->tail);
			t0_port_free(a);
			t0_port_free(b);
			free(sw);
		}
	}
}

/* ---- several rings: tx ring i goes to rx ring i % num_rx ---- */

TEST(ring_mapping)
{
	struct vale_switch *sw = t0_switch_new(VALE_DEF_BATCH);
	struct vale_port *a = t0_port_new(sw, 0, 4, 1, 64, 0);
	struct vale_port *b = t0_port_new(sw, 1, 1, 3, 64, 0);
	u8 f[60];
	u32 i;

	for (i = 0; i < 4; i++) {
		t0_frame(f, T0_MAC_BCAST, T0_MAC(0), 60, i);
		ASSERT_EQ(1, t0_queue(a, i, f, 60));
		ASSERT_EQ(0, t0_txsync(a, i));
	}
	EXPECT_EQ(0, rx_tag(b, 0, NULL));
	EXPECT_EQ(3, rx_tag(b, 0, NULL));
	EXPECT_EQ(1, rx_tag(b, 1, NULL));
	EXPECT_EQ(2, rx_tag(b, 2, NULL));
	EXPECT_EQ(-1, rx_tag(b, 0, NULL));
	EXPECT_EQ(-1, rx_tag(b, 1, NULL));
	EXPECT_EQ(-1, rx_tag(b, 2, NULL));
	t0_port_free(a);
	t0_port_free(b);
	free(sw);
}

/* A receiver corrupting the buf_idx of an rx slot it does not own. */
TEST(rx_bad_buf_idx)
{
	struct vale_switch *sw = t0_switch_new(VALE_DEF_BATCH);
	struct vale_port *a = t0_port_new(sw, 0, 1, 1, 64, 0);
	struct vale_port *b = t0_port_new(sw, 1, 1, 1, 64, 0);
	struct vale_ring *r = b->rx[0].ring;
	u32 saved = r->slot[0].buf_idx, len;

	r->slot[0].buf_idx = b->mem.lay.num_bufs;
	send1(a, T0_MAC_BCAST, T0_MAC(0), 60, 1);
	send1(a, T0_MAC_BCAST, T0_MAC(0), 60, 2);
	EXPECT_EQ(1, b->rx[0].stats.drop_bad_slot);
	EXPECT_EQ(-1, rx_tag(b, 0, &len));
	EXPECT_EQ(0, len);
	r->slot[0].buf_idx = saved;
	EXPECT_EQ(2, rx_tag(b, 0, NULL));
	t0_port_free(a);
	t0_port_free(b);
	free(sw);
}

TEST_HARNESS_MAIN
