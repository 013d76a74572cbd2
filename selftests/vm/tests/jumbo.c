// SPDX-License-Identifier: GPL-2.0
/*
 * jumbo: packets spread over several slots (VALE_SLOT_MOREFRAG) arrive
 * whole, byte for byte, and in the order they were sent; a chain longer
 * than VALE_MAX_FRAGS is dropped and counted, and does not disturb the
 * packets around it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "libvale.h"

#define ETYPE 0x88b5

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mac_tx[6] = { 0x02, 0, 0, 0, 0, 0x01 };

static uint8_t out[VALE_MAX_PKT_LEN], in[VALE_MAX_PKT_LEN + 1];

static void mkframe(uint8_t *f, size_t len, uint32_t seq)
{
	size_t i;

	memcpy(f, bcast, 6);
	memcpy(f + 6, mac_tx, 6);
	f[12] = ETYPE >> 8;
	f[13] = ETYPE & 0xff;
	memcpy(f + 14, &seq, 4);
	for (i = 18; i < len; i++)
		f[i] = (uint8_t)(i * 7 + seq);
}

static int open_port(const char *port, unsigned int buf_size,
		     struct vale_handle **p)
{
	char name[VALE_NAME_MAX];
	VALE_PORT_OPTS(o, .num_slots = 512, .buf_size = buf_size);

	snprintf(name, sizeof(name), "vale%d:%s", getpid(), port);
	return vale_port_open(name, &o, p);
}

/* Send the frames of sizes[] a few at a time and check each arrives. */
static void exchange(struct __test_metadata *_metadata, unsigned int tx_buf,
		     unsigned int rx_buf, const size_t *sizes, int n)
{
	struct vale_handle *tx, *rx;
	struct vale_port_ring *txr, *rxr;
	int base, end, i, err;
	ssize_t len;
	uint32_t seq;

	err = open_port("tx", tx_buf, &tx);
	ASSERT_EQ(0, err) TH_LOG("open: %s", vale_strerror(err));
	err = open_port("rx", rx_buf, &rx);
	ASSERT_EQ(0, err) TH_LOG("open: %s", vale_strerror(err));
	txr = vale_port_tx_ring(tx, 0);
	rxr = vale_port_rx_ring(rx, 0);

	/* At most 4 x 64 slots in flight: the 512-slot rings never fill. */
	for (base = 0; base < n; base = end) {
		end = base + 4 < n ? base + 4 : n;
		for (i = base; i < end; i++) {
			mkframe(out, sizes[i], i);
			err = vale_ring_send(txr, out, sizes[i]);
			if (err == -ENOBUFS) {
				ASSERT_EQ(0, vale_port_sync_tx(tx));
				err = vale_ring_send(txr, out, sizes[i]);
			}
			ASSERT_LT(0, err) TH_LOG("queue %zu bytes: %s",
						 sizes[i], vale_strerror(err));
			EXPECT_EQ((sizes[i] + tx_buf - 1) / tx_buf, (size_t)err);
		}
		ASSERT_EQ(0, vale_port_sync_tx(tx));
		ASSERT_EQ(0, vale_port_sync_rx(rx));
		for (i = base; i < end; i++) {
			len = vale_ring_recv(rxr, in, sizeof(in));
			ASSERT_EQ((ssize_t)sizes[i], len)
				TH_LOG("packet %d (%zu bytes)", i, sizes[i]);
			memcpy(&seq, in + 14, 4);
			ASSERT_EQ((uint32_t)i, seq) TH_LOG("out of order");
			mkframe(out, sizes[i], i);
			ASSERT_EQ(0, memcmp(in, out, sizes[i]))
				TH_LOG("packet %d content", i);
		}
		EXPECT_EQ(-EAGAIN, vale_ring_recv(rxr, in, sizeof(in)));
		ASSERT_EQ(0, vale_port_sync_rx(rx));
	}
	vale_port_close(tx);
	vale_port_close(rx);
}

static const size_t sizes[] = {
	60, 2047, 2048, 2049, 4096, 4097, 9000, 9014, 60, 16384,
	30000, 65535, 1514, 9018, 6000, 8191, 8193, 12345, 65000, 64,
};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

TEST(jumbo_default_buffers)
{
	exchange(_metadata, VALE_DEF_BUF_SIZE, VALE_DEF_BUF_SIZE,
		 sizes, NSIZES);
}

TEST(jumbo_small_buffers)
{
	/* 1024-byte buffers: 65535 bytes take the full 64 fragments. */
	exchange(_metadata, 1024, 1024, sizes, NSIZES);
}

TEST(jumbo_receiver_buffers_differ)
{
	/* The switch copies into the receiver's own (smaller) buffers. */
	exchange(_metadata, 4096, 1024, sizes, NSIZES);
}

TEST(too_many_fragments_dropped)
{
	struct vale_handle *tx, *rx;
	struct vale_port_ring *r;
	struct vale_port_stats st_tx, st_rx;
	uint32_t cur, seq;
	int i, err;

	err = open_port("tx", 64, &tx);
	ASSERT_EQ(0, err) TH_LOG("open: %s", vale_strerror(err));
	err = open_port("rx", 0, &rx);
	ASSERT_EQ(0, err) TH_LOG("open: %s", vale_strerror(err));
	r = vale_port_tx_ring(tx, 0);

	/* Good packet, then a chain of VALE_MAX_FRAGS + 1 slots, then good. */
	mkframe(out, 60, 0);
	ASSERT_EQ(1, vale_ring_send(r, out, 60));
	mkframe(out, 64 * (VALE_MAX_FRAGS + 1), 1);
	cur = vale_ring_cur(r);
	for (i = 0; i <= VALE_MAX_FRAGS; i++) {
		struct vale_slot *s = vale_ring_slot(r, cur);

		memcpy(vale_ring_buf(r, s), out + 64 * i, 64);
		s->len = 64;
		s->flags = i < VALE_MAX_FRAGS ? VALE_SLOT_MOREFRAG : 0;
		cur = vale_ring_inc(r, cur);
	}
	vale_ring_advance(r, cur);
	mkframe(out, 60, 2);
	ASSERT_EQ(1, vale_ring_send(r, out, 60));
	ASSERT_EQ(0, vale_port_sync_tx(tx));

	vale_port_sync_rx(rx);
	r = vale_port_rx_ring(rx, 0);
	ASSERT_EQ(60, vale_ring_recv(r, in, sizeof(in)));
	memcpy(&seq, in + 14, 4);
	EXPECT_EQ(0, seq);
	ASSERT_EQ(60, vale_ring_recv(r, in, sizeof(in)));
	memcpy(&seq, in + 14, 4);
	EXPECT_EQ(2, seq);
	EXPECT_EQ(-EAGAIN, vale_ring_recv(r, in, sizeof(in)));

	ASSERT_EQ(0, vale_port_read_stats(tx, &st_tx));
	ASSERT_EQ(0, vale_port_read_stats(rx, &st_rx));
	/* uapi.md: drop_bad_frag is the sender's, counted once */
	EXPECT_EQ(1, st_tx.drop_bad_frag) TH_LOG("not counted at the sender");
	EXPECT_EQ(0, st_rx.drop_bad_frag) TH_LOG("counted at the receiver");
	EXPECT_EQ(0, st_tx.drop_bad_slot + st_tx.drop_no_dest);
	EXPECT_EQ(0, st_rx.drop_bad_slot + st_rx.drop_ring_full +
		  st_rx.drop_too_long);
	EXPECT_EQ(2, st_tx.tx_packets);
	EXPECT_EQ(2, st_rx.rx_packets);
	vale_port_close(tx);
	vale_port_close(rx);
}

TEST_HARNESS_MAIN
