// SPDX-License-Identifier: GPL-2.0
// tier0-sources: kmod/lookup.c
/*
 * Tier 0: kmod/lookup.c in user space: the learning bridge (learn,
 * unicast, flooding of broadcast, multicast and unknown unicast, never back
 * to the source, flush of a removed port) and the point-to-point lookup.
 */
#include <stdlib.h>
#include <string.h>

#include "lookup.h"

/* EXPECT_EQ(literal, unsigned) is intended throughout. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define BCAST	0xffffffffffffULL
#define MCAST	0x01005e0000fbULL
#define MAC(n)	(0x020000000000ULL | (n))

static u8 frame[64];

static const u8 *fr(u64 dst, u64 src)
{
	int i;

	for (i = 0; i < 6; i++) {
		frame[i] = dst >> (40 - 8 * i);
		frame[6 + i] = src >> (40 - 8 * i);
	}
	frame[12] = 0x08;
	return frame;
}

FIXTURE(bridge) {
	struct vale_mac_table *t;
};

FIXTURE_SETUP(bridge)
{
	self->t = calloc(1, sizeof(*self->t));
	ASSERT_NE(NULL, self->t);
}

FIXTURE_TEARDOWN(bridge)
{
	free(self->t);
}

static u16 lk(struct vale_mac_table *t, u64 dst, u64 src, u16 port)
{
	return vale_lookup_learn(t, fr(dst, src), 60, 60, port);
}

TEST_F(bridge, broadcast_and_multicast_flood)
{
	EXPECT_EQ(VALE_DST_BCAST, lk(self->t, BCAST, MAC(1), 0));
	EXPECT_EQ(VALE_DST_BCAST, lk(self->t, MCAST, MAC(1), 0));
	EXPECT_EQ(VALE_DST_BCAST, lk(self->t, 0x333300000001ULL, MAC(1), 3));
}

TEST_F(bridge, unknown_unicast_floods)
{
	EXPECT_EQ(VALE_DST_BCAST, lk(self->t, MAC(2), MAC(1), 0));
}

TEST_F(bridge, learn_then_unicast)
{
	EXPECT_EQ(VALE_DST_BCAST, lk(self->t, BCAST, MAC(2), 7));
	EXPECT_EQ(VALE_DST_BCAST, lk(self->t, BCAST, MAC(3), 300));
	EXPECT_EQ(7, lk(self->t, MAC(2), MAC(1), 0));
	EXPECT_EQ(300, lk(self->t, MAC(3), MAC(1), 0));
	EXPECT_EQ(0, lk(self->t, MAC(1), MAC(3), 300));
	/* the address moves to another port */
	EXPECT_EQ(VALE_DST_BCAST, lk(self->t, BCAST, MAC(2), 9));
	EXPECT_EQ(9, lk(self->t, MAC(2), MAC(1), 0));
}

TEST_F(bridge, never_back_to_source)
{
	EXPECT_EQ(VALE_DST_BCAST, lk(self->t, BCAST, MAC(2), 4));
	EXPECT_EQ(VALE_DST_DROP, lk(self->t, MAC(2), MAC(5), 4));
	/* src == dst on one port */
	EXPECT_EQ(VALE_DST_DROP, lk(self->t, MAC(6), MAC(6), 1));
}

TEST_F(bridge, multicast_source_not_learned)
{
	EXPECT_EQ(VALE_DST_BCAST, lk(self->t, BCAST, MCAST, 4));
	EXPECT_EQ(VALE_DST_BCAST, lk(self->t, MCAST, MAC(1), 0));
	/* nor the zero address */
	EXPECT_EQ(VALE_DST_BCAST, lk(self->t, BCAST, 0, 4));
	EXPECT_EQ(VALE_DST_BCAST, lk(self->t, 0, MAC(1), 0));
}

TEST_F(bridge, short_frame_dropped)
{
	EXPECT_EQ(VALE_DST_DROP, vale_lookup_learn(self->t, fr(BCAST, MAC(1)),
						   13, 13, 0));
	EXPECT_EQ(VALE_DST_BCAST, vale_lookup_learn(self->t, fr(BCAST, MAC(1)),
						    14, 14, 0));
}

/* Table entries that belong to @port. */
static u32 entries_of(const struct vale_mac_table *t, u16 port)
{
	u32 i, n = 0;

	for (i = 0; i < VALE_MAC_HASH_SIZE; i++)
		if (t->ent[i] >> 48 == (u64)port + 1)
			n++;
	return n;
}

TEST_F(bridge, flush_port)
{
	u16 before[100], d;
	u32 i, known5 = 0, known6 = 0;

	for (i = 0; i < 100; i++)
		lk(self->t, BCAST, MAC(0x1000 + i), i % 2 ? 5 : 6);
	/*
	 * Ask with a multicast source, which is never learned, so that the
	 * questions change nothing; an address a hash collision evicted
	 * floods, and is not counted.
	 */
	for (i = 0; i < 100; i++) {
		before[i] = lk(self->t, MAC(0x1000 + i), MCAST, 0);
		if (before[i] == 5)
			known5++;
		else if (before[i] == 6)
			known6++;
		EXPECT_TRUE(before[i] == (i % 2 ? 5 : 6) ||
			    before[i] == VALE_DST_BCAST) TH_LOG("address %u", i);
	}
	/* 100 addresses in 4096 buckets: collisions are rare */
	EXPECT_LE(45, known5);
	EXPECT_LE(45, known6);
	EXPECT_EQ(known5, entries_of(self->t, 5));
	EXPECT_EQ(known6, entries_of(self->t, 6));

	vale_mac_table_flush_port(self->t, 5);
	for (i = 0; i < 100; i++) {
		d = lk(self->t, MAC(0x1000 + i), MCAST, 0);
		/* on port 5: forgotten, so it floods; on 6: as before */
		EXPECT_EQ(i % 2 ? VALE_DST_BCAST : before[i], d)
			TH_LOG("address %u", i);
	}
	EXPECT_EQ(0, entries_of(self->t, 5));
	/* only port 5 went: port 6 keeps every entry it had */
	EXPECT_EQ(known6, entries_of(self->t, 6));
}

/* Many addresses on many ports: every lookup answers the learned port. */
TEST_F(bridge, many_ports)
{
	u32 i, hits = 0, n = 1000;

	for (i = 0; i < n; i++)
		lk(self->t, BCAST, MAC(0x10000 + i * 7919), i % 1000 + 1);
	for (i = 0; i < n; i++) {
		u16 d = lk(self->t, MAC(0x10000 + i * 7919), MAC(1), 0);

		/* collisions forget addresses (flood), never misdirect */
		if (d != VALE_DST_BCAST) {
			EXPECT_EQ(i % 1000 + 1, d);
			hits++;
		}
	}
	EXPECT_GT(hits, n * 3 / 4);
}

TEST(p2p)
{
	EXPECT_EQ(1, vale_lookup_p2p(NULL, fr(BCAST, MAC(1)), 60, 60, 0));
	EXPECT_EQ(0, vale_lookup_p2p(NULL, fr(MAC(9), MAC(1)), 60, 60, 1));
	EXPECT_EQ(7, vale_lookup_p2p(NULL, fr(MAC(9), MAC(1)), 60, 60, 6));
}

TEST_HARNESS_MAIN
