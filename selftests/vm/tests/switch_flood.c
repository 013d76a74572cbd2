// SPDX-License-Identifier: GPL-2.0
/*
 * switch_flood: the learning bridge's forwarding decisions.
 *
 * Unknown unicast, broadcast and multicast reach every port but the
 * source; once a source MAC is learned, unicast to it reaches only its
 * port; a frame is never sent back to the port it came from.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "libvale.h"

#define NPORTS 4
#define ETYPE 0x88b5

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x42 };
static const uint8_t unknown[6] = { 0x02, 0xee, 0xee, 0xee, 0xee, 0xee };

static uint8_t frame[VALE_MAX_PKT_LEN];

static void port_mac(uint8_t mac[6], unsigned int i)
{
	const uint8_t m[6] = { 0x02, 0x00, 0x00, 0x00, i >> 8, i };

	memcpy(mac, m, 6);
}

/* Queue one frame (dst, src, tag) on tx ring 0; 0 or -errno. */
static int queue(struct vale_handle *p, const uint8_t *dst, const uint8_t *src,
		 uint32_t tag, size_t len)
{
	memcpy(frame, dst, 6);
	memcpy(frame + 6, src, 6);
	frame[12] = ETYPE >> 8;
	frame[13] = ETYPE & 0xff;
	memcpy(frame + 14, &tag, 4);
	memset(frame + 18, 0x5a, len - 18);
	return vale_ring_send(vale_port_tx_ring(p, 0), frame, len) < 0 ? -ENOBUFS : 0;
}

static int send1(struct vale_handle *p, const uint8_t *dst, const uint8_t *src,
		 uint32_t tag)
{
	int err = queue(p, dst, src, tag, 60);

	return err ? err : vale_port_sync_tx(p);
}

/* Receive everything pending; count all frames and those with @tag. */
static unsigned int drain(struct vale_handle *p, uint32_t tag, unsigned int *total)
{
	struct vale_port_ring *r = vale_port_rx_ring(p, 0);
	unsigned int n = 0, all = 0;
	ssize_t len;
	uint32_t t;

	vale_port_sync_rx(p);
	while ((len = vale_ring_recv(r, frame, sizeof(frame))) != -EAGAIN) {
		all++;
		memcpy(&t, frame + 14, 4);
		if (len >= 18 && t == tag)
			n++;
	}
	vale_port_sync_rx(p);
	if (total)
		*total = all;
	return n;
}

FIXTURE(sw)
{
	struct vale_handle *p[NPORTS];
	uint8_t mac[NPORTS][6];
};

FIXTURE_SETUP(sw)
{
	char name[VALE_NAME_MAX];
	int i, err;

	for (i = 0; i < NPORTS; i++) {
		VALE_PORT_OPTS(o, .num_slots = 256);

		/* A fresh switch per test: nothing learned yet. */
		snprintf(name, sizeof(name), "vale%d:p%d", getpid(), i);
		err = vale_port_open(name, &o, &self->p[i]);
		ASSERT_EQ(0, err) TH_LOG("open %s: %s", name, vale_strerror(err));
		port_mac(self->mac[i], i + 1);
	}
}

FIXTURE_TEARDOWN(sw)
{
	int i;

	for (i = 0; i < NPORTS; i++)
		vale_port_close(self->p[i]);
}

/* Send from port 0 to dst; every other port gets it once, port 0 not. */
static void check_flood(struct __test_metadata *_metadata,
			FIXTURE_DATA(sw) *self, const uint8_t *dst, uint32_t tag)
{
	unsigned int total;
	int i;

	ASSERT_EQ(0, send1(self->p[0], dst, self->mac[0], tag));
	for (i = 1; i < NPORTS; i++) {
		EXPECT_EQ(1, drain(self->p[i], tag, &total)) TH_LOG("port %d", i);
		EXPECT_EQ(1, total) TH_LOG("port %d", i);
	}
	EXPECT_EQ(0, drain(self->p[0], tag, &total)) TH_LOG("echoed to the source");
	EXPECT_EQ(0, total);
}

TEST_F(sw, unknown_unicast_floods)
{
	check_flood(_metadata, self, unknown, 0x1001);
}

TEST_F(sw, broadcast_floods)
{
	check_flood(_metadata, self, bcast, 0x1002);
}

TEST_F(sw, multicast_floods)
{
	check_flood(_metadata, self, mcast, 0x1003);
}

/* Every port says hello (flood), then unicast goes to one port only. */
static void learn_all(struct __test_metadata *_metadata, FIXTURE_DATA(sw) *self)
{
	int i, j;

	for (i = 0; i < NPORTS; i++) {
		ASSERT_EQ(0, send1(self->p[i], bcast, self->mac[i], 0x2000 + i));
		for (j = 0; j < NPORTS; j++)
			EXPECT_EQ(i == j ? 0 : 1, drain(self->p[j], 0x2000 + i, NULL));
	}
}

TEST_F(sw, unicast_after_learning)
{
	unsigned int total;
	int s, d, j;

	learn_all(_metadata, self);
	for (s = 0; s < NPORTS; s++) {
		for (d = 0; d < NPORTS; d++) {
			uint32_t tag = 0x3000 + s * 16 + d;

			if (s == d)
				continue;
			ASSERT_EQ(0, send1(self->p[s], self->mac[d], self->mac[s], tag));
			for (j = 0; j < NPORTS; j++) {
				EXPECT_EQ(j == d ? 1 : 0, drain(self->p[j], tag, &total))
					TH_LOG("%d -> %d seen on %d", s, d, j);
				EXPECT_EQ(j == d ? 1 : 0, total);
			}
		}
	}
}

TEST_F(sw, unicast_to_own_mac_not_echoed)
{
	unsigned int total;
	int j;

	learn_all(_metadata, self);
	ASSERT_EQ(0, send1(self->p[0], self->mac[0], self->mac[0], 0x4000));
	for (j = 0; j < NPORTS; j++) {
		EXPECT_EQ(0, drain(self->p[j], 0x4000, &total)) TH_LOG("port %d", j);
		EXPECT_EQ(0, total);
	}
}

TEST_F(sw, learning_follows_a_moved_mac)
{
	int j;

	learn_all(_metadata, self);
	/* mac[1] now speaks from port 3. */
	ASSERT_EQ(0, send1(self->p[3], bcast, self->mac[1], 0x5000));
	for (j = 0; j < NPORTS; j++)
		drain(self->p[j], 0, NULL);
	ASSERT_EQ(0, send1(self->p[0], self->mac[1], self->mac[0], 0x5001));
	EXPECT_EQ(1, drain(self->p[3], 0x5001, NULL));
	EXPECT_EQ(0, drain(self->p[1], 0x5001, NULL));
	EXPECT_EQ(0, drain(self->p[2], 0x5001, NULL));
}

/* One sync carrying frames for several destinations and broadcasts. */
TEST_F(sw, mixed_batch)
{
	unsigned int got[NPORTS] = { 0 }, want[NPORTS] = { 0 };
	int i, j;

	learn_all(_metadata, self);
	for (i = 0; i < 120; i++) {
		const uint8_t *dst = i % 3 == 0 ? bcast : self->mac[1 + i % 3];

		ASSERT_EQ(0, queue(self->p[0], dst, self->mac[0], 0x6000, 60 + i));
		for (j = 1; j < NPORTS; j++)
			if (i % 3 == 0 || j == 1 + i % 3)
				want[j]++;
	}
	ASSERT_EQ(0, vale_port_sync_tx(self->p[0]));
	for (j = 0; j < NPORTS; j++) {
		got[j] = drain(self->p[j], 0x6000, NULL);
		EXPECT_EQ(want[j], got[j]) TH_LOG("port %d", j);
	}
}

TEST_HARNESS_MAIN
