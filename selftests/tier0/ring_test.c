// SPDX-License-Identifier: GPL-2.0
// tier0-sources: kmod/ring.c
/*
 * Tier 0: kmod/ring.c in user space: ring index validation, slot and
 * MOREFRAG chain validation in the gather stage, and the rx lease
 * reserve/publish ordering.
 */
#include <stdlib.h>
#include <string.h>

#include "ring.h"

/* EXPECT_EQ(literal, unsigned) is intended throughout. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

/* ---- index validation, table-driven ---- */

struct idx_row {
	u32 n, hwcur, hwtail, head, cur;
	int ok;
	const char *what;
};

static const struct idx_row idx_rows[] = {
	/* a fresh tx ring: hwcur 0, hwtail n - 1 */
	{ 8, 0, 7, 0, 0, 1, "tx fresh, nothing queued" },
	{ 8, 0, 7, 7, 7, 1, "tx head at tail" },
	{ 8, 0, 7, 3, 5, 1, "tx cur ahead of head" },
	{ 8, 0, 7, 5, 3, 0, "tx cur behind head" },
	{ 8, 0, 7, 8, 0, 0, "tx head == num_slots" },
	{ 8, 0, 7, 0, 8, 0, "tx cur == num_slots" },
	{ 8, 0, 7, 0xffffffff, 0, 0, "tx head huge" },
	{ 8, 0, 7, 0, 0x80000000, 0, "tx cur huge" },
	/* tx after wrap: hwcur 6, hwtail 5 */
	{ 8, 6, 5, 6, 6, 1, "tx wrapped, nothing queued" },
	{ 8, 6, 5, 1, 3, 1, "tx head wraps forward" },
	{ 8, 6, 5, 5, 5, 1, "tx head at tail, wrapped" },
	{ 8, 6, 5, 2, 1, 0, "tx cur behind head, wrapped" },
	{ 8, 6, 5, 1, 6, 0, "tx cur past tail, wrapped" },
	/* rx: hwcur 2, hwtail 5 */
	{ 8, 2, 5, 2, 2, 1, "rx nothing released" },
	{ 8, 2, 5, 5, 5, 1, "rx all released" },
	{ 8, 2, 5, 3, 4, 1, "rx some released" },
	{ 8, 2, 5, 6, 6, 0, "rx head beyond tail" },
	{ 8, 2, 5, 1, 1, 0, "rx head moved backwards" },
	{ 8, 2, 5, 3, 2, 0, "rx cur behind head" },
	{ 8, 2, 5, 3, 6, 0, "rx cur beyond tail" },
	{ 8, 2, 5, 7, 7, 0, "rx head far beyond tail" },
	/* rx wrapped: hwcur 6, hwtail 1 */
	{ 8, 6, 1, 7, 0, 1, "rx wrapped, partial release" },
	{ 8, 6, 1, 1, 1, 1, "rx wrapped, all released" },
	{ 8, 6, 1, 0, 1, 1, "rx wrapped, cur at tail" },
	{ 8, 6, 1, 2, 2, 0, "rx wrapped, head beyond tail" },
	{ 8, 6, 1, 5, 5, 0, "rx wrapped, head backwards" },
	{ 8, 6, 1, 6, 2, 0, "rx wrapped, cur beyond tail" },
	/* rx empty and full */
	{ 8, 3, 3, 3, 3, 1, "rx empty" },
	{ 8, 3, 3, 4, 4, 0, "rx empty, head moved" },
	{ 8, 3, 3, 2, 2, 0, "rx empty, head backwards" },
	{ 8, 3, 3, 3, 4, 0, "rx empty, cur moved" },
	{ 8, 4, 3, 3, 3, 1, "rx full, all released" },
	{ 8, 4, 3, 4, 3, 1, "rx full, cur at tail" },
	/* the largest ring */
	{ 16384, 16383, 16382, 16382, 16382, 1, "big ring, head at tail" },
	{ 16384, 16383, 16382, 16384, 0, 0, "big ring, head out" },
};

TEST(index_validation)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(idx_rows); i++) {
		const struct idx_row *r = &idx_rows[i];
		struct vale_ring_state st = {
			.num_slots = r->n, .hwcur = r->hwcur,
			.hwtail = r->hwtail,
		};
		int err = vale_ring_check(&st, r->head, r->cur);

		EXPECT_EQ(r->ok ? 0 : -EINVAL, err)
			TH_LOG("row %u: %s (head %u cur %u)", i, r->what,
			       r->head, r->cur);
	}
}

/* The rule by walking the ring: head on hwcur..hwtail, cur on head..hwtail. */
static int model_ok(u32 n, u32 hwcur, u32 hwtail, u32 head, u32 cur)
{
	u32 x, y;

	for (x = hwcur;; x = (x + 1) % n) {
		if (x == head) {
			for (y = x;; y = (y + 1) % n) {
				if (y == cur)
					return 1;
				if (y == hwtail)
					return 0;
			}
		}
		if (x == hwtail)
			return 0;
	}
}

/* Every (head, cur) pair of a small ring against the model. */
TEST(index_validation_exhaustive)
{
	u32 n = 6, c, t, h, k;

	for (c = 0; c < n; c++) {
		for (t = 0; t < n; t++) {
			for (h = 0; h < n + 2; h++) {
				for (k = 0; k < n + 2; k++) {
					struct vale_ring_state st = {
						.num_slots = n, .hwcur = c,
						.hwtail = t,
					};
					int ok = model_ok(n, c, t, h, k);

					ASSERT_EQ(ok ? 0 : -EINVAL,
						  vale_ring_check(&st, h, k));
				}
			}
		}
	}
}

/* ---- gather: slot and chain validation ---- */

#define NS	128
#define NBUFS	100
#define BSIZE	2048
#define GBATCH	1024

struct gctx {
	struct vale_slot slots[NS];
	struct vale_frag frags[GBATCH + VALE_MAX_FRAGS];
	struct vale_pkt pkts[GBATCH];
	struct vale_gather g;
};

static void gctx_init(struct gctx *c, u32 max_frags)
{
	u32 i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NS; i++)
		c->slots[i] = (struct vale_slot){ i % NBUFS, 60, 0 };
	c->g = (struct vale_gather){
		.slots = c->slots, .num_slots = NS, .num_bufs = NBUFS,
		.buf_size = BSIZE, .max_frags = max_frags,
		.frags = c->frags, .pkts = c->pkts,
	};
}

struct slot_row {
	u32 buf_idx;
	u32 len;
	u16 flags;
	int bad;
	const char *what;
};

static const struct slot_row slot_rows[] = {
	{ 0, 60, 0, 0, "good" },
	{ NBUFS - 1, BSIZE, 0, 0, "last buffer, full length" },
	{ 5, 1, 0, 0, "one byte" },
	{ 5, 60, VALE_SLOT_BUF_CHANGED, 0, "BUF_CHANGED is a known flag" },
	{ NBUFS, 60, 0, 1, "buf_idx == num_bufs" },
	{ 0xffffffff, 60, 0, 1, "buf_idx huge" },
	{ 5, 0, 0, 1, "len 0" },
	{ 5, BSIZE + 1, 0, 1, "len > buf_size" },
	{ 5, 0xffff, 0, 1, "len max" },
	{ 5, 60, 0x0004, 1, "unknown flag" },
	{ 5, 60, 0x8000, 1, "high flag" },
	{ 5, 60, 0xffff, 1, "all flags" },
};

TEST(slot_validation)
{
	struct gctx *c = malloc(sizeof(*c));
	unsigned int i;

	ASSERT_NE(NULL, c);
	for (i = 0; i < ARRAY_SIZE(slot_rows); i++) {
		const struct slot_row *r = &slot_rows[i];
		u32 end;

		gctx_init(c, 64);
		c->slots[0] = (struct vale_slot){ r->buf_idx, r->len, r->flags };
		/* the bad slot, then a good packet in the same sync */
		end = vale_gather(&c->g, 0, 2);
		EXPECT_EQ(2, end) TH_LOG("row %u: %s", i, r->what);
		EXPECT_EQ(r->bad, c->g.bad_slot) TH_LOG("row %u: %s", i, r->what);
		EXPECT_EQ(0, c->g.bad_frag);
		EXPECT_EQ(r->bad ? 1 : 2, c->g.npkts) TH_LOG("row %u", i);
		if (!r->bad) {
			EXPECT_EQ(r->buf_idx, c->frags[0].buf_idx);
			EXPECT_EQ(r->len, c->pkts[0].len);
		}
		EXPECT_EQ(1, c->frags[c->pkts[c->g.npkts - 1].frag].buf_idx);
	}
	free(c);
}

/* chain of @n slots at 0, MOREFRAG on all but the last unless @open */
static void mkchain(struct gctx *c, u32 n, u32 len, int open)
{
	u32 i;

	for (i = 0; i < n; i++)
		c->slots[i] = (struct vale_slot){
			i % NBUFS, len,
			(i < n - 1 || open) ? VALE_SLOT_MOREFRAG : 0 };
}

TEST(chain_good)
{
	struct gctx *c = malloc(sizeof(*c));

	ASSERT_NE(NULL, c);
	gctx_init(c, 256);
	mkchain(c, VALE_MAX_FRAGS, 1000, 0);
	EXPECT_EQ(VALE_MAX_FRAGS + 1, vale_gather(&c->g, 0, VALE_MAX_FRAGS + 1));
	EXPECT_EQ(2, c->g.npkts);
	EXPECT_EQ(VALE_MAX_FRAGS, c->pkts[0].nfrags);
	EXPECT_EQ(VALE_MAX_FRAGS * 1000, c->pkts[0].len);
	EXPECT_EQ(VALE_MAX_FRAGS, c->pkts[1].frag);
	EXPECT_EQ(VALE_MAX_FRAGS * 1000 + 60, c->g.bytes);
	EXPECT_EQ(0, c->g.bad_slot + c->g.bad_frag);
	free(c);
}

TEST(chain_too_many_frags)
{
	struct gctx *c = malloc(sizeof(*c));

	ASSERT_NE(NULL, c);
	gctx_init(c, 256);
	mkchain(c, VALE_MAX_FRAGS + 1, 60, 0);
	EXPECT_EQ(VALE_MAX_FRAGS + 2, vale_gather(&c->g, 0, VALE_MAX_FRAGS + 2));
	EXPECT_EQ(1, c->g.bad_frag);
	EXPECT_EQ(1, c->g.npkts);	/* the packet after it */
	EXPECT_EQ(VALE_MAX_FRAGS + 1, c->frags[c->pkts[0].frag].buf_idx);
	free(c);
}

TEST(chain_too_many_bytes)
{
	struct gctx *c = malloc(sizeof(*c));
	u32 n = VALE_MAX_PKT_LEN / BSIZE + 1;

	ASSERT_NE(NULL, c);
	gctx_init(c, 256);
	mkchain(c, n, BSIZE, 0);
	EXPECT_EQ(n + 1, vale_gather(&c->g, 0, n + 1));
	EXPECT_EQ(1, c->g.bad_frag);
	EXPECT_EQ(1, c->g.npkts);
	free(c);
}

TEST(chain_unterminated_at_head)
{
	struct gctx *c = malloc(sizeof(*c));

	ASSERT_NE(NULL, c);
	gctx_init(c, 256);
	c->slots[0].flags = 0;
	mkchain(c, 3, 60, 1);
	c->slots[0].flags = 0;		/* one good packet first */
	EXPECT_EQ(3, vale_gather(&c->g, 0, 3));
	EXPECT_EQ(1, c->g.npkts);
	EXPECT_EQ(1, c->g.bad_frag);
	/* head in the middle of a chain that would continue */
	gctx_init(c, 256);
	mkchain(c, 5, 60, 0);
	EXPECT_EQ(3, vale_gather(&c->g, 0, 3));
	EXPECT_EQ(0, c->g.npkts);
	EXPECT_EQ(1, c->g.bad_frag);
	free(c);
}

TEST(chain_bad_member)
{
	struct gctx *c = malloc(sizeof(*c));

	ASSERT_NE(NULL, c);
	/* a bad middle slot drops the whole chain, once */
	gctx_init(c, 256);
	mkchain(c, 4, 60, 0);
	c->slots[1].len = 0;
	c->slots[2].buf_idx = NBUFS;
	EXPECT_EQ(5, vale_gather(&c->g, 0, 5));
	EXPECT_EQ(1, c->g.bad_slot);
	EXPECT_EQ(1, c->g.npkts);
	EXPECT_EQ(4, c->frags[c->pkts[0].frag].buf_idx);
	/* unknown flags end the chain: their MOREFRAG is not trusted */
	gctx_init(c, 256);
	mkchain(c, 4, 60, 0);
	c->slots[1].flags = 0xffff;
	EXPECT_EQ(5, vale_gather(&c->g, 0, 5));
	EXPECT_EQ(1, c->g.bad_slot);	/* slots 0-1 */
	EXPECT_EQ(2, c->g.npkts);	/* slots 2-3 (MOREFRAG, end), 4 */
	EXPECT_EQ(2, c->pkts[0].nfrags);
	free(c);
}

TEST(gather_batch_limit_and_wrap)
{
	struct gctx *c = malloc(sizeof(*c));
	u32 cur = NS - 3, head = 7, total = 0, calls = 0;

	ASSERT_NE(NULL, c);
	gctx_init(c, 4);
	while (cur != head) {
		cur = vale_gather(&c->g, cur, head);
		EXPECT_LE(c->g.nfrags, 4);
		total += c->g.npkts;
		calls++;
	}
	EXPECT_EQ(10, total);
	EXPECT_EQ(3, calls);
	/* a chain may end a batch beyond max_frags, never start past it */
	gctx_init(c, 4);
	c->slots[0].flags = 0;
	mkchain(c, 1, 60, 0);
	c->slots[1] = (struct vale_slot){ 1, 60, 0 };
	c->slots[2] = (struct vale_slot){ 2, 60, 0 };
	c->slots[3] = (struct vale_slot){ 3, 60, VALE_SLOT_MOREFRAG };
	c->slots[4] = (struct vale_slot){ 4, 60, VALE_SLOT_MOREFRAG };
	c->slots[5] = (struct vale_slot){ 5, 60, 0 };
	EXPECT_EQ(6, vale_gather(&c->g, 0, 10));
	EXPECT_EQ(6, c->g.nfrags);
	EXPECT_EQ(4, c->g.npkts);
	free(c);
}

/* ---- leases ---- */

TEST(lease_publish_in_order)
{
	u32 leases[8], sa, sb, sc, la, lb, lc;
	struct vale_ring_state st;

	vale_ring_init_rx(&st, 8, leases);
	EXPECT_EQ(7, vale_rx_room(&st));
	la = vale_lease_reserve(&st, 3, &sa);
	lb = vale_lease_reserve(&st, 2, &sb);
	lc = vale_lease_reserve(&st, 1, &sc);
	EXPECT_EQ(0, sa);
	EXPECT_EQ(3, sb);
	EXPECT_EQ(5, sc);
	EXPECT_EQ(1, vale_rx_room(&st));
	/* later leases finish first: nothing visible yet */
	EXPECT_FALSE(vale_lease_publish(&st, lc, sc, 6));
	EXPECT_EQ(0, st.hwtail);
	EXPECT_FALSE(vale_lease_publish(&st, lb, sb, 5));
	EXPECT_EQ(0, st.hwtail);
	/* the oldest publishes everything */
	EXPECT_TRUE(vale_lease_publish(&st, la, sa, 3));
	EXPECT_EQ(6, st.hwtail);
	EXPECT_EQ(1, vale_rx_room(&st));
	/* the user releases everything: room comes back, wrapping */
	EXPECT_EQ(0, vale_ring_check(&st, 6, 6));
	st.hwcur = 6;
	EXPECT_EQ(7, vale_rx_room(&st));
	la = vale_lease_reserve(&st, 4, &sa);
	EXPECT_EQ(6, sa);
	lb = vale_lease_reserve(&st, 3, &sb);
	EXPECT_EQ(2, sb);
	EXPECT_EQ(0, vale_rx_room(&st));
	EXPECT_TRUE(vale_lease_publish(&st, la, sa, 2));
	EXPECT_EQ(2, st.hwtail);
	EXPECT_TRUE(vale_lease_publish(&st, lb, sb, 5));
	EXPECT_EQ(5, st.hwtail);
}

/* Random reserve/publish interleavings against a model. */
TEST(lease_random_model)
{
	enum { N = 16, ROUNDS = 200000 };
	struct { u32 lease, start, end; int done; } out[N];
	u32 leases[N], nout = 0, i, r;
	struct vale_ring_state st;

	srand(1);
	vale_ring_init_rx(&st, N, leases);
	for (r = 0; r < ROUNDS; r++) {
		int op = rand() % 3;

		if (op == 0 && vale_rx_room(&st)) {
			u32 n = 1 + rand() % vale_rx_room(&st), s;

			out[nout].lease = vale_lease_reserve(&st, n, &s);
			out[nout].start = s;
			out[nout].end = (s + n) % N;
			out[nout].done = 0;
			nout++;
		} else if (op == 1 && nout) {
			u32 k = rand() % nout, pub = 0;
			bool moved;

			if (out[k].done)
				continue;
			out[k].done = 1;
			moved = vale_lease_publish(&st, out[k].lease,
						   out[k].start, out[k].end);
			/* model: the completed prefix becomes visible */
			while (pub < nout && out[pub].done)
				pub++;
			ASSERT_EQ(k == 0, moved);
			if (pub) {
				ASSERT_EQ(out[pub - 1].end, st.hwtail);
				memmove(out, out + pub, (nout - pub) * sizeof(out[0]));
				nout -= pub;
			}
		} else {
			/* the owner releases what is visible */
			u32 h = st.hwcur;

			if (h != st.hwtail)
				h = (h + 1 + rand() % vale_ring_dist(h, st.hwtail, N)) % N;
			ASSERT_EQ(0, vale_ring_check(&st, h, h));
			st.hwcur = h;
		}
		/* invariant: hwcur <= hwtail <= hwlease < hwcur, cyclically */
		i = vale_ring_dist(st.hwcur, st.hwtail, N) +
		    vale_ring_dist(st.hwtail, st.hwlease, N) + vale_rx_room(&st);
		ASSERT_EQ(N - 1, i);
	}
}

TEST_HARNESS_MAIN
