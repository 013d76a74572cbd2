// SPDX-License-Identifier: GPL-2.0
/*
 * multi_ring: ports with several tx and rx rings, through libvale.  What
 * tx ring i sends arrives on rx ring i % num_rx_rings of each destination,
 * in order per (sender ring, receiver ring); a per-ring sync touches only
 * its ring, in both directions; an index out of range is -EINVAL and moves
 * nothing; poll() reports a packet on any rx ring; learning is per port,
 * whatever ring a frame came from.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "libvale.h"
/* mkframe() and MAC_*; nothing else of the raw-port helpers is used */
#include "raw_port.h"

#define SLOTS	64

/* The tag mkframe() put into a frame. */
static uint32_t tag_of(const uint8_t *f)
{
	uint32_t t;

	memcpy(&t, f + 14, sizeof(t));
	return t;
}

/* Queue one 60-byte frame with @tag on tx ring @i of @p (no sync). */
static int queue_on(struct vale_handle *p, unsigned int i, uint64_t dst,
		    uint64_t src, uint32_t tag)
{
	uint8_t f[60];

	mkframe(f, dst, src, sizeof(f), tag);
	return vale_ring_send(vale_port_tx_ring(p, i), f, sizeof(f));
}

/*
 * Read every packet on rx ring @i of @p into @tags (at most @max), in
 * order, and give the slots back with a sync of that ring alone.
 */
static int take(struct vale_handle *p, unsigned int i, uint32_t *tags, int max)
{
	struct vale_port_ring *r = vale_port_rx_ring(p, i);
	uint8_t f[2048];
	ssize_t len;
	int n = 0;

	while ((len = vale_ring_recv(r, f, sizeof(f))) != -EAGAIN) {
		if (len < 18)
			return -1;
		if (n < max)
			tags[n] = tag_of(f);
		n++;
	}
	if (vale_port_sync_rx_ring(p, i))
		return -1;
	return n;
}

/* a: 3 tx rings, 1 rx ring; b: 1 tx ring, 2 rx rings; c: 1 and 1. */
FIXTURE(mr) {
	struct vale_handle *a, *b, *c;
};

FIXTURE_SETUP(mr)
{
	VALE_PORT_OPTS(oa, .num_tx_rings = 3, .num_rx_rings = 1, .num_slots = SLOTS);
	VALE_PORT_OPTS(ob, .num_tx_rings = 1, .num_rx_rings = 2, .num_slots = SLOTS);
	VALE_PORT_OPTS(oc, .num_slots = SLOTS);

	ASSERT_EQ(0, vale_port_open("vale0:a", &oa, &self->a));
	ASSERT_EQ(0, vale_port_open("vale0:b", &ob, &self->b));
	ASSERT_EQ(0, vale_port_open("vale0:c", &oc, &self->c));
}

FIXTURE_TEARDOWN(mr)
{
	vale_port_close(self->c);
	vale_port_close(self->b);
	vale_port_close(self->a);
}

TEST_F(mr, geometry)
{
	EXPECT_EQ(3, vale_port_num_tx_rings(self->a));
	EXPECT_EQ(1, vale_port_num_rx_rings(self->a));
	EXPECT_EQ(1, vale_port_num_tx_rings(self->b));
	EXPECT_EQ(2, vale_port_num_rx_rings(self->b));
	EXPECT_EQ(NULL, vale_port_tx_ring(self->a, 3));
	EXPECT_EQ(NULL, vale_port_rx_ring(self->b, 2));
	/* every ring starts with its own buffers: (3 + 1) * SLOTS of them */
	EXPECT_EQ(4 * SLOTS, vale_port_num_bufs(self->a));
}

TEST_F(mr, tx_ring_i_reaches_rx_ring_i_mod_n)
{
	uint32_t t[8];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(1, queue_on(self->a, i, MAC_BCAST, MAC(1), 100 + i));
		ASSERT_EQ(0, vale_port_sync_tx_ring(self->a, i));
	}
	/* b: rings 0 and 2 -> rx ring 0, ring 1 -> rx ring 1 */
	ASSERT_EQ(2, take(self->b, 0, t, 8));
	EXPECT_EQ(100, t[0]);
	EXPECT_EQ(102, t[1]);
	ASSERT_EQ(1, take(self->b, 1, t, 8));
	EXPECT_EQ(101, t[0]);
	/* c has one rx ring: everything, in the order synced */
	ASSERT_EQ(3, take(self->c, 0, t, 8));
	EXPECT_EQ(100, t[0]);
	EXPECT_EQ(101, t[1]);
	EXPECT_EQ(102, t[2]);
	/* never back to a, on any ring */
	EXPECT_EQ(0, take(self->a, 0, t, 8));
}

TEST_F(mr, order_kept_per_ring_pair)
{
	uint32_t t[64];
	unsigned int i, k;
	int n;

	/* 40 frames spread over a's three rings, then one sync of all */
	for (k = 0; k < 40; k++)
		ASSERT_EQ(1, queue_on(self->a, k % 3, MAC_BCAST, MAC(1), k));
	ASSERT_EQ(0, vale_port_sync_tx(self->a));
	for (i = 0; i < 2; i++) {
		uint32_t last[3] = { 0, 0, 0 };
		bool seen[3] = { false, false, false };

		n = take(self->b, i, t, 64);
		/* ring 1 of a -> rx 1 (13 frames); rings 0 and 2 -> rx 0 (27) */
		ASSERT_EQ(i ? 13 : 27, n);
		for (k = 0; k < (unsigned int)n; k++) {
			unsigned int src = t[k] % 3;

			EXPECT_EQ(i, src % 2);
			if (seen[src])
				EXPECT_LT(last[src], t[k]);
			seen[src] = true;
			last[src] = t[k];
		}
	}
}

TEST_F(mr, tx_sync_of_one_ring_leaves_the_others)
{
	uint32_t t[8];

	ASSERT_EQ(1, queue_on(self->a, 0, MAC_BCAST, MAC(1), 1));
	ASSERT_EQ(1, queue_on(self->a, 1, MAC_BCAST, MAC(1), 2));
	ASSERT_EQ(1, queue_on(self->a, 2, MAC_BCAST, MAC(1), 3));
	ASSERT_EQ(0, vale_port_sync_tx_ring(self->a, 1));
	ASSERT_EQ(1, take(self->c, 0, t, 8));
	EXPECT_EQ(2, t[0]);
	/* out of range: -EINVAL and nothing moves */
	EXPECT_EQ(-EINVAL, vale_port_sync_tx_ring(self->a, 3));
	EXPECT_EQ(-EINVAL, vale_port_sync_tx_ring(self->a, 1000));
	EXPECT_EQ(0, take(self->c, 0, t, 8));
	ASSERT_EQ(0, vale_port_sync_tx_ring(self->a, 2));
	ASSERT_EQ(1, take(self->c, 0, t, 8));
	EXPECT_EQ(3, t[0]);
	ASSERT_EQ(0, vale_port_sync_tx(self->a));
	ASSERT_EQ(1, take(self->c, 0, t, 8));
	EXPECT_EQ(1, t[0]);
}

TEST_F(mr, rx_sync_of_one_ring_frees_only_that_ring)
{
	struct vale_port_ring *r1 = vale_port_rx_ring(self->b, 1);
	struct vale_port_stats st;
	uint8_t f[2048];
	unsigned int k;
	uint32_t t[8];

	/* fill b's rx ring 1 (SLOTS - 1 usable slots) from a's ring 1 */
	for (k = 0; k < SLOTS - 1; k++)
		ASSERT_EQ(1, queue_on(self->a, 1, MAC_BCAST, MAC(1), k));
	ASSERT_EQ(0, vale_port_sync_tx_ring(self->a, 1));
	/* consume it all, but give slots back only on ring 0 */
	for (k = 0; k < SLOTS - 1; k++)
		ASSERT_EQ(60, vale_ring_recv(r1, f, sizeof(f)));
	ASSERT_EQ(0, vale_port_sync_rx_ring(self->b, 0));
	ASSERT_EQ(1, queue_on(self->a, 1, MAC_BCAST, MAC(1), 500));
	ASSERT_EQ(0, vale_port_sync_tx_ring(self->a, 1));
	ASSERT_EQ(0, vale_port_read_stats(self->b, &st));
	EXPECT_EQ(1, st.drop_ring_full);
	EXPECT_EQ(0, take(self->b, 0, t, 8));
	/* rx ring 0 is not affected by ring 1 being full */
	ASSERT_EQ(1, queue_on(self->a, 0, MAC_BCAST, MAC(1), 501));
	ASSERT_EQ(0, vale_port_sync_tx_ring(self->a, 0));
	ASSERT_EQ(1, take(self->b, 0, t, 8));
	EXPECT_EQ(501, t[0]);
	/* now ring 1's slots go back, and the next frame fits */
	ASSERT_EQ(0, vale_port_sync_rx_ring(self->b, 1));
	ASSERT_EQ(1, queue_on(self->a, 1, MAC_BCAST, MAC(1), 502));
	ASSERT_EQ(0, vale_port_sync_tx_ring(self->a, 1));
	ASSERT_EQ(1, take(self->b, 1, t, 8));
	EXPECT_EQ(502, t[0]);
	ASSERT_EQ(0, vale_port_read_stats(self->b, &st));
	EXPECT_EQ(1, st.drop_ring_full);
	EXPECT_EQ(-EINVAL, vale_port_sync_rx_ring(self->b, 2));
}

TEST_F(mr, poll_sees_any_rx_ring)
{
	uint32_t t[8];

	EXPECT_EQ(0, vale_port_wait(self->b, POLLIN, 0));
	/* a's ring 1 -> b's rx ring 1 only */
	ASSERT_EQ(1, queue_on(self->a, 1, MAC_BCAST, MAC(1), 7));
	ASSERT_EQ(0, vale_port_sync_tx_ring(self->a, 1));
	EXPECT_EQ(POLLIN, vale_port_wait(self->b, POLLIN, 1000));
	EXPECT_EQ(0, take(self->b, 0, t, 8));
	ASSERT_EQ(1, take(self->b, 1, t, 8));
	EXPECT_EQ(7, t[0]);
	EXPECT_EQ(0, vale_port_wait(self->b, POLLIN, 0));
}

TEST_F(mr, learning_is_per_port_not_per_ring)
{
	uint32_t t[8];

	/* a announces MAC(1) from its ring 2; b replies to MAC(1) */
	ASSERT_EQ(1, queue_on(self->a, 2, MAC_BCAST, MAC(1), 1));
	ASSERT_EQ(0, vale_port_sync_tx_ring(self->a, 2));
	ASSERT_EQ(1, take(self->b, 0, t, 8));
	ASSERT_EQ(1, take(self->c, 0, t, 8));
	ASSERT_EQ(1, queue_on(self->b, 0, MAC(1), MAC(2), 2));
	ASSERT_EQ(0, vale_port_sync_tx(self->b));
	ASSERT_EQ(1, take(self->a, 0, t, 8));
	EXPECT_EQ(2, t[0]);
	EXPECT_EQ(0, take(self->c, 0, t, 8));
	/* and a's unicast to MAC(2) from ring 0 reaches only b, on ring 0 */
	ASSERT_EQ(1, queue_on(self->a, 0, MAC(2), MAC(1), 3));
	ASSERT_EQ(1, queue_on(self->a, 1, MAC(2), MAC(1), 4));
	ASSERT_EQ(0, vale_port_sync_tx(self->a));
	ASSERT_EQ(1, take(self->b, 0, t, 8));
	EXPECT_EQ(3, t[0]);
	ASSERT_EQ(1, take(self->b, 1, t, 8));
	EXPECT_EQ(4, t[0]);
	EXPECT_EQ(0, take(self->c, 0, t, 8));
}

TEST_HARNESS_MAIN
