// SPDX-License-Identifier: GPL-2.0
// tier0-sources: kmod/fwd.c kmod/sync.c kmod/ring.c kmod/lookup.c kmod/param.c
/*
 * Tier 0: the memory ordering of the shared ring indices (the (A)..(E)
 * table of uapi/linux/vale.h), on the kernel's side.  The shim's
 * smp_load_acquire() and smp_store_release() call hooks that this test
 * points at a log; READ_ONCE(), WRITE_ONCE() and plain accesses log
 * nothing.  So every check below fails when a sync or a forwarder touches
 * head, cur or tail with anything weaker than an acquire or a release.
 */
#include <stdlib.h>
#include <string.h>

#include "fwd_util.h"

/* EXPECT_EQ(literal, unsigned) is intended throughout. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define LOG_MAX	64

static struct {
	const void *load[LOG_MAX], *store[LOG_MAX];
	unsigned int nload, nstore;
} lg;

static void log_load(const void *p)
{
	if (lg.nload < LOG_MAX)
		lg.load[lg.nload++] = p;
}

static void log_store(const void *p)
{
	if (lg.nstore < LOG_MAX)
		lg.store[lg.nstore++] = p;
}

static void log_start(void)
{
	memset(&lg, 0, sizeof(lg));
	tier0_after_load = log_load;
	tier0_after_store = log_store;
}

static void log_stop(void)
{
	tier0_after_load = NULL;
	tier0_after_store = NULL;
}

/* Position of @p in a log, or -1. */
static int log_find(const void *const *a, unsigned int n, const void *p)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (a[i] == p)
			return i;
	return -1;
}

#define LOADED(p)	log_find(lg.load, lg.nload, (p))
#define STORED(p)	log_find(lg.store, lg.nstore, (p))

FIXTURE(pair) {
	struct vale_switch *sw;
	struct vale_port *a, *b;
};

FIXTURE_SETUP(pair)
{
	self->sw = t0_switch_new(64);
	self->a = t0_port_new(self->sw, 0, 1, 1, 64, 2048);
	self->b = t0_port_new(self->sw, 1, 1, 1, 64, 2048);
}

FIXTURE_TEARDOWN(pair)
{
	log_stop();
	t0_port_free(self->a);
	t0_port_free(self->b);
	free(self->sw);
}

/* (A), (E), (B) and (C): a tx sync that forwards one broadcast frame. */
TEST_F(pair, txsync_forwarding)
{
	struct vale_ring *tx = self->a->tx[0].ring, *rx = self->b->rx[0].ring;
	u8 f[60];

	t0_frame(f, 0xffffffffffffULL, 0x020000000001ULL, sizeof(f), 1);
	ASSERT_EQ(1, t0_queue(self->a, 0, f, sizeof(f)));
	log_start();
	ASSERT_EQ(0, t0_txsync(self->a, 0));
	log_stop();
	/* (A): head by an acquire, before anything else is loaded */
	EXPECT_EQ(0, LOADED(&tx->head)) TH_LOG("tx head not loaded by acquire");
	/* (E): cur by an acquire, after head */
	EXPECT_EQ(1, LOADED(&tx->cur)) TH_LOG("tx cur not acquired after head");
	/* (C): the forwarder publishes the receiver's tail by a release */
	EXPECT_LE(0, STORED(&rx->tail)) TH_LOG("rx tail not released");
	/* (B): the sync's tail by a release, after the forwarding */
	EXPECT_LT(STORED(&rx->tail), STORED(&tx->tail))
		TH_LOG("tx tail not released after forwarding");
	EXPECT_EQ(1, t0_rx_pending(self->b, 0));
	EXPECT_EQ(0, tx->tail);		/* head 1: every slot is back */
}

/* A sync with nothing new and one with bad indices still release tail. */
TEST_F(pair, txsync_idle_and_invalid)
{
	struct vale_ring *tx = self->a->tx[0].ring;

	log_start();
	ASSERT_EQ(0, t0_txsync(self->a, 0));
	log_stop();
	EXPECT_EQ(0, LOADED(&tx->head));
	EXPECT_EQ(1, LOADED(&tx->cur));
	EXPECT_LE(0, STORED(&tx->tail)) TH_LOG("idle sync: tail not released");

	tx->head = 64;		/* out of range */
	tx->tail = 5;		/* scribbled: rewritten by the sync */
	log_start();
	EXPECT_EQ(-EINVAL, t0_txsync(self->a, 0));
	log_stop();
	EXPECT_EQ(0, LOADED(&tx->head));
	EXPECT_LE(0, STORED(&tx->tail)) TH_LOG("bad sync: tail not released");
	EXPECT_EQ(63, tx->tail);
}

/* (D), (E), (C): an rx sync that gives slots back. */
TEST_F(pair, rxsync_reclaim)
{
	struct vale_ring *rx = self->b->rx[0].ring;
	u8 f[60];

	t0_frame(f, 0xffffffffffffULL, 0x020000000001ULL, sizeof(f), 1);
	ASSERT_EQ(1, t0_queue(self->a, 0, f, sizeof(f)));
	ASSERT_EQ(0, t0_txsync(self->a, 0));
	ASSERT_EQ(1, t0_rx_pending(self->b, 0));
	rx->head = rx->tail;
	rx->cur = rx->tail;
	log_start();
	ASSERT_EQ(0, t0_rxsync(self->b, 0));
	log_stop();
	EXPECT_EQ(0, LOADED(&rx->head)) TH_LOG("rx head not loaded by acquire");
	EXPECT_EQ(1, LOADED(&rx->cur)) TH_LOG("rx cur not acquired after head");
	EXPECT_LE(0, STORED(&rx->tail)) TH_LOG("rx tail not released");
	EXPECT_EQ(1, self->b->rx[0].st.hwcur);

	rx->head = 7;		/* past tail */
	log_start();
	EXPECT_EQ(-EINVAL, t0_rxsync(self->b, 0));
	log_stop();
	EXPECT_EQ(0, LOADED(&rx->head));
	EXPECT_LE(0, STORED(&rx->tail)) TH_LOG("bad rx sync: tail not released");
}

TEST_HARNESS_MAIN
