// SPDX-License-Identifier: GPL-2.0
/*
 * many_ports: 254 ports on one switch, and 64 switches at once, each
 * exchanging traffic.  Every port hears every other port's broadcast
 * exactly once; unicast goes to exactly one port; switches never leak into
 * each other even when they see the same MAC addresses.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "libvale.h"

#define NPORTS 254
#define NSWITCHES 64
#define PER_SWITCH 3
#define ETYPE 0x88b5

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static uint8_t buf[VALE_MAX_PKT_LEN];

static void port_mac(uint8_t mac[6], unsigned int i)
{
	const uint8_t m[6] = { 0x02, 0x00, 0x00, 0x01, i >> 8, i };

	memcpy(mac, m, 6);
}

static int send1(struct vale_handle *p, const uint8_t *dst, unsigned int src,
		 uint32_t tag)
{
	uint8_t f[64] = { 0 };
	int err;

	memcpy(f, dst, 6);
	port_mac(f + 6, src);
	f[12] = ETYPE >> 8;
	f[13] = ETYPE & 0xff;
	memcpy(f + 14, &tag, 4);
	err = vale_ring_send(vale_port_tx_ring(p, 0), f, 60);
	if (err < 0)
		return err;
	return vale_port_sync_tx(p);
}

/*
 * Receive everything on p; count frames, frames from port @from (by
 * source MAC, -1 for any), frames from port @self (echoes).
 */
struct counts {
	unsigned int total, from, echo;
	uint32_t last_tag;
};

static void drain(struct vale_handle *p, int from, unsigned int self,
		  struct counts *c)
{
	struct vale_port_ring *r = vale_port_rx_ring(p, 0);
	uint8_t mfrom[6], mself[6];
	ssize_t n;

	if (from >= 0)
		port_mac(mfrom, from);
	port_mac(mself, self);
	vale_port_sync_rx(p);
	while ((n = vale_ring_recv(r, buf, sizeof(buf))) != -EAGAIN) {
		c->total++;
		if (n < 18)
			continue;
		if (from < 0 || !memcmp(buf + 6, mfrom, 6))
			c->from++;
		if (!memcmp(buf + 6, mself, 6))
			c->echo++;
		memcpy(&c->last_tag, buf + 14, 4);
	}
	vale_port_sync_rx(p);
}

static void raise_nofile(void)
{
	struct rlimit rl = { 8192, 8192 };

	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		getrlimit(RLIMIT_NOFILE, &rl);
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

FIXTURE(mp)
{
	struct vale_handle *p[NSWITCHES * PER_SWITCH > NPORTS ?
			    NSWITCHES * PER_SWITCH : NPORTS];
	unsigned int n;
};

FIXTURE_SETUP(mp)
{
	raise_nofile();
	self->n = 0;
}

FIXTURE_TEARDOWN(mp)
{
	unsigned int i;

	for (i = 0; i < self->n; i++)
		vale_port_close(self->p[i]);
}

TEST_F_TIMEOUT(mp, ports_254_on_one_switch, 300)
{
	static struct counts c[NPORTS];
	char name[VALE_NAME_MAX];
	unsigned int i, j;
	int err;

	for (i = 0; i < NPORTS; i++) {
		VALE_PORT_OPTS(o, .num_slots = 64);

		snprintf(name, sizeof(name), "vale%d:p%u", getpid(), i);
		err = vale_port_open(name, &o, &self->p[i]);
		ASSERT_EQ(0, err) TH_LOG("open port %u (%s): %s", i, name,
					 vale_strerror(err));
		self->n++;
	}

	/* Everybody says hello; drain before the 63-slot rings fill. */
	for (i = 0; i < NPORTS; i++) {
		ASSERT_EQ(0, send1(self->p[i], bcast, i, i));
		if (i % 16 == 15 || i == NPORTS - 1)
			for (j = 0; j < NPORTS; j++)
				drain(self->p[j], -1, j, &c[j]);
	}
	for (j = 0; j < NPORTS; j++) {
		EXPECT_EQ(NPORTS - 1, c[j].total) TH_LOG("port %u", j);
		EXPECT_EQ(0, c[j].echo) TH_LOG("port %u heard itself", j);
	}

	/* Now all MACs are known: i sends 4 frames to i + 1 only. */
	memset(c, 0, sizeof(c));
	for (i = 0; i < NPORTS; i++) {
		uint8_t dst[6];
		int k;

		port_mac(dst, (i + 1) % NPORTS);
		for (k = 0; k < 4; k++)
			ASSERT_EQ(0, send1(self->p[i], dst, i, 1000 + i));
	}
	for (j = 0; j < NPORTS; j++) {
		drain(self->p[j], (j + NPORTS - 1) % NPORTS, j, &c[j]);
		EXPECT_EQ(4, c[j].total) TH_LOG("port %u", j);
		EXPECT_EQ(4, c[j].from) TH_LOG("port %u: wrong sender", j);
	}
}

TEST_F_TIMEOUT(mp, switches_64_at_once, 300)
{
	char name[VALE_NAME_MAX];
	unsigned int s, k, base = (unsigned int)getpid() % 100000 * 100;
	int err;

	for (s = 0; s < NSWITCHES; s++) {
		for (k = 0; k < PER_SWITCH; k++) {
			VALE_PORT_OPTS(o, .num_slots = 64);

			snprintf(name, sizeof(name), "vale%u:%c", base + s, 'a' + k);
			err = vale_port_open(name, &o, &self->p[self->n]);
			ASSERT_EQ(0, err) TH_LOG("open %s: %s", name,
						 vale_strerror(err));
			self->n++;
		}
	}
	/* The same MACs (port index k) on every switch, tagged by switch. */
	for (s = 0; s < NSWITCHES; s++)
		ASSERT_EQ(0, send1(self->p[s * PER_SWITCH], bcast, 0, s));
	for (s = 0; s < NSWITCHES; s++) {
		for (k = 1; k < PER_SWITCH; k++) {
			struct counts c = { 0 };

			drain(self->p[s * PER_SWITCH + k], 0, k, &c);
			EXPECT_EQ(1, c.total) TH_LOG("switch %u port %u", s, k);
			EXPECT_EQ(s, c.last_tag) TH_LOG("switch %u got another's frame", s);
		}
	}
	/* Port b answers a by unicast on every switch. */
	for (s = 0; s < NSWITCHES; s++) {
		uint8_t dst[6];

		port_mac(dst, 0);
		ASSERT_EQ(0, send1(self->p[s * PER_SWITCH + 1], dst, 1, 500 + s));
	}
	for (s = 0; s < NSWITCHES; s++) {
		struct counts a = { 0 }, c = { 0 };

		drain(self->p[s * PER_SWITCH], 1, 0, &a);
		drain(self->p[s * PER_SWITCH + 2], -1, 2, &c);
		EXPECT_EQ(1, a.total) TH_LOG("switch %u", s);
		EXPECT_EQ(500 + s, a.last_tag) TH_LOG("switch %u", s);
		EXPECT_EQ(0, c.total) TH_LOG("switch %u: unicast flooded", s);
	}
}

TEST_HARNESS_MAIN
