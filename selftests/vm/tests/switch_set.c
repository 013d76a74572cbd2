// SPDX-License-Identifier: GPL-2.0
/*
 * switch_set: switch-set changes a switch's parameters "on a forwarding
 * switch too" (Documentation/control-plane.md).  Port a sends a numbered
 * stream to port b's learned address while the main thread keeps changing
 * the batch size (1..1024), the lookup mode (learning <-> p2p: a and b
 * are indexes 0 and 1, so both modes send a's frames to b) and the
 * restricted flag; once, b stops reading until its ring overflows.
 * Nothing may be lost beyond the drops b's ring counts:
 * received + b's drop_ring_full == sent, every frame at most once, in
 * order; port c (index 2) receives nothing; a counts no drop.  The
 * settings last applied are what switch-get reports, and restricted
 * takes effect for the next registration.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/vale.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include "nl_test.h"
#include "raw_port.h"

#define NSEND	(1u << 15)	/* frames a sends */
#define BURST	48

static int set_req(const char *name, int restricted, int lookup, int batch)
{
	return nl_switch_req(VALE_CMD_SWITCH_SET, name, restricted, lookup, batch);
}

static int sw_req(uint8_t cmd, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, cmd, 0);

	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, name);
	return talk(nlh, ok_cb, NULL);
}

struct swattrs {
	int restricted, lookup, batch;
};

static int get_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;
	struct swattrs *r = data;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case VALE_A_SWITCH_RESTRICTED:
			r->restricted = mnl_attr_get_u8(a);
			break;
		case VALE_A_SWITCH_LOOKUP:
			r->lookup = mnl_attr_get_u32(a);
			break;
		case VALE_A_SWITCH_BATCH:
			r->batch = mnl_attr_get_u32(a);
			break;
		}
	}
	return MNL_CB_OK;
}

/* ---- traffic ---- */

struct rx {
	struct vp *p;
	volatile int stop;
	volatile int *tx_done;
	unsigned int got, dup, disorder, foreign;
	int paused;
	uint8_t seen[NSEND];
};

static void *receiver(void *arg)
{
	struct rx *r = arg;
	struct pollfd pfd = { .fd = r->p->fd, .events = POLLIN };
	uint8_t f[2048];
	uint32_t tag, last = 0;
	int n, first = 1, idle = 0;

	for (;;) {
		n = vp_recv(r->p, f, sizeof(f), NULL);
		if (n < 0)
			break;
		if (n == 0) {
			/* after stop: leave once the ring stayed empty */
			if (r->stop && ++idle > 20)
				break;
			poll(&pfd, 1, 10);
			continue;
		}
		idle = 0;
		/*
		 * Once, after 4096 frames: stop draining until b's ring
		 * overflows, so that the stream has counted drops too.
		 */
		if (r->got == 4096 && !r->paused) {
			uint64_t d0 = vp_stats(r->p).drop_ring_full;

			r->paused = 1;
			while (vp_stats(r->p).drop_ring_full == d0 &&
			       !*r->tx_done)
				usleep(1000);
		}
		memcpy(&tag, f + 14, 4);
		if (n != 60 || f[11] != 1 || tag >= NSEND) {
			r->foreign++;
			continue;
		}
		if (r->seen[tag])
			r->dup++;
		r->seen[tag] = 1;
		if (!first && tag <= last)
			r->disorder++;
		first = 0;
		last = tag;
		r->got++;
	}
	return NULL;
}

struct tx {
	struct vp *p;
	volatile int done;
	volatile unsigned int *nset;	/* switch-set requests done so far */
	int err;
};

static void *sender(void *arg)
{
	struct tx *t = arg;
	uint8_t f[60];
	uint32_t k;

	for (k = 0; k < NSEND && !t->err; k++) {
		mkframe(f, MAC(2), MAC(1), sizeof(f), k);
		t->err = vp_queue(t->p, f, sizeof(f));
		if (!t->err && (k % BURST == BURST - 1 || k == NSEND - 1))
			t->err = vp_txsync(t->p);
		/* leave the receiver a chance now and then */
		if (k % (16 * BURST) == 0)
			usleep(200);
		/* at least one switch-set per 1024 frames, however slow */
		while (k % 1024 == 0 && *t->nset < k / 1024)
			usleep(100);
	}
	t->done = 1;
	return NULL;
}

FIXTURE(ss) {
	struct vp a, b, c;
};

FIXTURE_SETUP(ss)
{
	uint8_t f[60];

	ASSERT_EQ(0, open_nl());
	ASSERT_EQ(0, sw_req(VALE_CMD_SWITCH_NEW, "valess"));
	ASSERT_EQ(0, vp_open(&self->a, "valess:a", 1024, 0));
	ASSERT_EQ(0, vp_open(&self->b, "valess:b", 4096, 0));
	ASSERT_EQ(0, vp_open(&self->c, "valess:c", 1024, 0));
	/* b and c make themselves known; a hears both */
	mkframe(f, MAC_BCAST, MAC(2), sizeof(f), 0xffff0000);
	ASSERT_EQ(0, vp_send(&self->b, f, sizeof(f)));
	mkframe(f, MAC_BCAST, MAC(3), sizeof(f), 0xffff0001);
	ASSERT_EQ(0, vp_send(&self->c, f, sizeof(f)));
	ASSERT_EQ(2, vp_drain(&self->a));
	ASSERT_EQ(1, vp_drain(&self->b));
	ASSERT_EQ(1, vp_drain(&self->c));
}

FIXTURE_TEARDOWN(ss)
{
	vp_close(&self->a);
	vp_close(&self->b);
	vp_close(&self->c);
	sw_req(VALE_CMD_SWITCH_DEL, "valess");
	mnl_socket_close(nl);
}

TEST_F_TIMEOUT(ss, set_under_traffic, 120)
{
	static const int batches[] = { 1, 7, 64, 512, 1024, 2, 333 };
	static struct rx r;
	struct vale_port_stats sa0, sb0, sc0, sa, sb, sc;
	struct swattrs got = { -1, -1, -1 };
	static volatile unsigned int nset;
	struct tx t = { .p = &self->a, .nset = &nset };
	struct swattrs last = { 0, VALE_LOOKUP_LEARNING, 512 };
	pthread_t rt, tt;
	unsigned int i, lost = 0;
	struct vp z;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	uint8_t f[60];

	memset(&r, 0, sizeof(r));
	r.p = &self->b;
	r.tx_done = &t.done;
	nset = 0;
	sa0 = vp_stats(&self->a);
	sb0 = vp_stats(&self->b);
	sc0 = vp_stats(&self->c);
	ASSERT_EQ(0, pthread_create(&rt, NULL, receiver, &r));
	ASSERT_EQ(0, pthread_create(&tt, NULL, sender, &t));
	for (i = 0; !t.done; i++) {
		int b = batches[i % 7];
		int l = i % 3 == 1 ? VALE_LOOKUP_P2P : VALE_LOOKUP_LEARNING;
		int rs = i % 2;

		/* one parameter at a time, or all three */
		switch (i % 4) {
		case 0:
			EXPECT_EQ(0, set_req("valess", -1, -1, b));
			last.batch = b;
			break;
		case 1:
			EXPECT_EQ(0, set_req("valess", -1, l, -1));
			last.lookup = l;
			break;
		case 2:
			EXPECT_EQ(0, set_req("valess", rs, -1, -1));
			last.restricted = rs;
			break;
		default:
			EXPECT_EQ(0, set_req("valess", rs, l, b));
			last = (struct swattrs){ rs, l, b };
			break;
		}
		nset++;
	}
	pthread_join(tt, NULL);
	r.stop = 1;
	pthread_join(rt, NULL);
	ASSERT_EQ(0, t.err);
	TH_LOG("%u switch-set requests while %u frames were sent", nset, NSEND);
	EXPECT_GE(nset, NSEND / 1024);

	sa = vp_stats(&self->a);
	sb = vp_stats(&self->b);
	sc = vp_stats(&self->c);
	for (i = 0; i < NSEND; i++)
		lost += !r.seen[i];
	TH_LOG("received %u, b's ring-full drops %llu", r.got,
	       (unsigned long long)(sb.drop_ring_full - sb0.drop_ring_full));
	EXPECT_EQ(NSEND, sa.tx_packets - sa0.tx_packets);
	EXPECT_EQ(0, sa.drop_no_dest - sa0.drop_no_dest);
	EXPECT_EQ(0, sa.drop_bad_slot + sa.drop_bad_frag);
	EXPECT_EQ(0, r.dup);
	EXPECT_EQ(0, r.disorder);
	EXPECT_EQ(0, r.foreign);
	EXPECT_EQ(r.got, sb.rx_packets - sb0.rx_packets);
	/* the books balance: every frame not received is a counted drop */
	EXPECT_EQ(NSEND, r.got + (sb.drop_ring_full - sb0.drop_ring_full));
	EXPECT_EQ(lost, sb.drop_ring_full - sb0.drop_ring_full);
	/* the receiver's pause made b's ring overflow */
	EXPECT_LT(0, sb.drop_ring_full - sb0.drop_ring_full);
	EXPECT_EQ(0, sb.drop_too_long);
	EXPECT_EQ(0, sc.rx_packets - sc0.rx_packets);
	EXPECT_EQ(0, vp_drain(&self->c));

	/* what switch-get reports is what was set last */
	nlh = msg(buf, fam, VALE_CMD_SWITCH_GET, 0);
	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, "valess");
	ASSERT_EQ(0, talk(nlh, get_cb, &got));
	EXPECT_EQ(last.batch, got.batch);
	EXPECT_EQ(last.lookup, got.lookup);
	EXPECT_EQ(last.restricted, got.restricted);

	/* restricted applies to the next registration, not to open ports */
	ASSERT_EQ(0, set_req("valess", 1, VALE_LOOKUP_LEARNING, 512));
	EXPECT_EQ(-EPERM, vp_open(&z, "valess:z", 0, 0));
	mkframe(f, MAC(2), MAC(1), sizeof(f), 0);
	ASSERT_EQ(0, vp_send(&self->a, f, sizeof(f)));
	EXPECT_EQ(1, vp_drain(&self->b));
	ASSERT_EQ(0, set_req("valess", 0, -1, -1));
	ASSERT_EQ(0, vp_open(&z, "valess:z", 0, 0));
	vp_close(&z);
}

TEST_HARNESS_MAIN
