// SPDX-License-Identifier: GPL-2.0
/*
 * fwd_basic: forwarding between ports of one switch, with raw ioctls and
 * mmap (no libvale): flooding, learning, unicast, multi-slot packets, a
 * full receiver ring, poll() wake-up, concurrent senders and ports that
 * come and go under traffic.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vale.h>

/*
 * The harness's EXPECT_EQ(expected, seen) compares its operands as given;
 * literals against unsigned counters are intended here.
 */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

/* raw ports: vp_*(), mkframe(), MAC_*, all_rings */
#include "raw_port.h"

/* ---- three ports on one switch ---- */

FIXTURE(sw3) {
	struct vp p[3];
};

FIXTURE_SETUP(sw3)
{
	static const char * const names[] = { "vale0:a", "vale0:b", "vale0:c" };
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, vp_open(&self->p[i], names[i], 0, 0));
}

FIXTURE_TEARDOWN(sw3)
{
	int i;

	for (i = 0; i < 3; i++)
		vp_close(&self->p[i]);
}

TEST_F(sw3, layout)
{
	struct vale_info *info = (struct vale_info *)self->p[0].mem;

	EXPECT_EQ(VALE_INFO_MAGIC, info->magic);
	EXPECT_EQ(VALE_API_VERSION, info->version);
	EXPECT_STREQ("vale0:a", info->name);
	EXPECT_EQ(1024, info->num_slots);
	EXPECT_EQ(2048, info->buf_size);
	EXPECT_EQ(self->p[0].reg.region_size, info->region_size);
	EXPECT_EQ(self->p[0].reg.off.bufs, info->off.bufs);
	EXPECT_EQ(2048, info->num_bufs);
	EXPECT_EQ(1023, vp_tx(&self->p[0])->tail);
	EXPECT_EQ(0, vp_rx(&self->p[0])->tail);
	EXPECT_EQ(VALE_RING_TX, vp_tx(&self->p[0])->flags);
	EXPECT_EQ(VALE_RING_RX, vp_rx(&self->p[0])->flags);
	/* slots start with distinct buffers */
	EXPECT_EQ(0, vp_tx(&self->p[0])->slot[0].buf_idx);
	EXPECT_EQ(1024, vp_rx(&self->p[0])->slot[0].buf_idx);
	EXPECT_EQ(2047, vp_rx(&self->p[0])->slot[1023].buf_idx);
}

TEST_F(sw3, broadcast_reaches_others_not_source)
{
	uint8_t f[128], g[2048];
	int i;

	mkframe(f, MAC_BCAST, MAC(1), sizeof(f), 1);
	ASSERT_EQ(0, vp_send(&self->p[0], f, sizeof(f)));
	for (i = 1; i < 3; i++) {
		ASSERT_EQ(sizeof(f), vp_recv(&self->p[i], g, sizeof(g), NULL));
		EXPECT_EQ(0, memcmp(f, g, sizeof(f)));
		EXPECT_EQ(0, vp_recv(&self->p[i], g, sizeof(g), NULL));
		EXPECT_EQ(1, vp_stats(&self->p[i]).rx_packets);
		EXPECT_EQ(sizeof(f), vp_stats(&self->p[i]).rx_bytes);
	}
	EXPECT_EQ(0, vp_drain(&self->p[0]));
	EXPECT_EQ(1, vp_stats(&self->p[0]).tx_packets);
	EXPECT_EQ(sizeof(f), vp_stats(&self->p[0]).tx_bytes);
	EXPECT_EQ(0, vp_stats(&self->p[0]).rx_packets);
}

TEST_F(sw3, multicast_floods)
{
	uint8_t f[64];

	mkframe(f, MAC_MCAST, MAC(2), sizeof(f), 2);
	ASSERT_EQ(0, vp_send(&self->p[1], f, sizeof(f)));
	EXPECT_EQ(1, vp_drain(&self->p[0]));
	EXPECT_EQ(0, vp_drain(&self->p[1]));
	EXPECT_EQ(1, vp_drain(&self->p[2]));
}

TEST_F(sw3, unicast_after_learning)
{
	uint8_t f[60];
	int i;

	/* b and c announce themselves */
	mkframe(f, MAC_BCAST, MAC(2), sizeof(f), 0);
	ASSERT_EQ(0, vp_send(&self->p[1], f, sizeof(f)));
	mkframe(f, MAC_BCAST, MAC(3), sizeof(f), 0);
	ASSERT_EQ(0, vp_send(&self->p[2], f, sizeof(f)));
	for (i = 0; i < 3; i++)
		vp_drain(&self->p[i]);

	/* unknown unicast floods */
	mkframe(f, MAC(9), MAC(1), sizeof(f), 1);
	ASSERT_EQ(0, vp_send(&self->p[0], f, sizeof(f)));
	EXPECT_EQ(1, vp_drain(&self->p[1]));
	EXPECT_EQ(1, vp_drain(&self->p[2]));

	/* known unicast reaches only its destination */
	for (i = 0; i < 5; i++) {
		mkframe(f, MAC(2), MAC(1), sizeof(f), 10 + i);
		ASSERT_EQ(0, vp_queue(&self->p[0], f, sizeof(f)));
	}
	ASSERT_EQ(0, vp_txsync(&self->p[0]));
	EXPECT_EQ(5, vp_drain(&self->p[1]));
	EXPECT_EQ(0, vp_drain(&self->p[2]));
	EXPECT_EQ(0, vp_drain(&self->p[0]));

	/* and the reply goes back to a only, a having been learned */
	mkframe(f, MAC(1), MAC(2), sizeof(f), 20);
	ASSERT_EQ(0, vp_send(&self->p[1], f, sizeof(f)));
	EXPECT_EQ(1, vp_drain(&self->p[0]));
	EXPECT_EQ(0, vp_drain(&self->p[2]));

	/* a frame to the sender's own address is not echoed */
	mkframe(f, MAC(1), MAC(1), sizeof(f), 21);
	ASSERT_EQ(0, vp_send(&self->p[0], f, sizeof(f)));
	EXPECT_EQ(0, vp_drain(&self->p[0]));
	EXPECT_EQ(0, vp_drain(&self->p[1]));
	EXPECT_EQ(0, vp_drain(&self->p[2]));
	EXPECT_EQ(1, vp_stats(&self->p[0]).drop_no_dest);
}

TEST_F(sw3, multi_slot_packet)
{
	static uint8_t f[5000], g[8192];
	int nslots = 0;

	mkframe(f, MAC_BCAST, MAC(1), sizeof(f), 3);
	ASSERT_EQ(0, vp_send(&self->p[0], f, sizeof(f)));
	EXPECT_EQ(2048, vp_rx(&self->p[1])->slot[0].len);
	EXPECT_EQ(VALE_SLOT_MOREFRAG, vp_rx(&self->p[1])->slot[0].flags);
	EXPECT_EQ(0, vp_rx(&self->p[1])->slot[2].flags);
	ASSERT_EQ(sizeof(f), vp_recv(&self->p[1], g, sizeof(g), &nslots));
	EXPECT_EQ(3, nslots);
	EXPECT_EQ(0, memcmp(f, g, sizeof(f)));
	ASSERT_EQ(sizeof(f), vp_recv(&self->p[2], g, sizeof(g), &nslots));
	EXPECT_EQ(0, memcmp(f, g, sizeof(f)));
	EXPECT_EQ(1, vp_stats(&self->p[0]).tx_packets);
}

TEST_F(sw3, poll_in_and_out)
{
	struct pollfd pfd = { .fd = self->p[1].fd, .events = POLLIN };
	uint8_t f[60];

	EXPECT_EQ(0, poll(&pfd, 1, 0));
	pfd.events = POLLOUT;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLOUT, pfd.revents);

	mkframe(f, MAC_BCAST, MAC(1), sizeof(f), 4);
	ASSERT_EQ(0, vp_send(&self->p[0], f, sizeof(f)));
	pfd.events = POLLIN;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLIN, pfd.revents);
	EXPECT_EQ(1, vp_drain(&self->p[1]));
	EXPECT_EQ(0, poll(&pfd, 1, 0));
}

struct waiter {
	int fd;
	int ret;
	short revents;
};

static void *poll_thread(void *arg)
{
	struct waiter *w = arg;
	struct pollfd pfd = { .fd = w->fd, .events = POLLIN };

	w->ret = poll(&pfd, 1, 5000);
	w->revents = pfd.revents;
	return NULL;
}

TEST_F(sw3, delivery_wakes_poller)
{
	struct waiter w = { .fd = self->p[2].fd };
	pthread_t t;
	uint8_t f[60];

	ASSERT_EQ(0, pthread_create(&t, NULL, poll_thread, &w));
	usleep(200000);
	mkframe(f, MAC_BCAST, MAC(1), sizeof(f), 5);
	ASSERT_EQ(0, vp_send(&self->p[0], f, sizeof(f)));
	pthread_join(t, NULL);
	EXPECT_EQ(1, w.ret);
	EXPECT_EQ(POLLIN, w.revents);
}

/* ---- a receiver with a small ring ---- */

TEST(ring_full_drops_and_counts)
{
	struct vp s, r;
	struct vale_port_stats st;
	uint8_t f[60];
	int i;

	ASSERT_EQ(0, vp_open(&s, "vale1:s", 0, 0));
	ASSERT_EQ(0, vp_open(&r, "vale1:r", 8, 0));
	mkframe(f, MAC_BCAST, MAC(0x72), sizeof(f), 0);
	ASSERT_EQ(0, vp_send(&r, f, sizeof(f)));
	EXPECT_EQ(1, vp_drain(&s));

	/* 20 packets into an 8-slot ring: 7 fit, 13 are dropped */
	for (i = 0; i < 20; i++) {
		mkframe(f, MAC(0x72), MAC(0x73), sizeof(f), i);
		ASSERT_EQ(0, vp_queue(&s, f, sizeof(f)));
	}
	ASSERT_EQ(0, vp_txsync(&s));	/* returns, does not wait for room */
	st = vp_stats(&r);
	EXPECT_EQ(7, st.rx_packets);
	EXPECT_EQ(13, st.drop_ring_full);
	EXPECT_EQ(20, vp_stats(&s).tx_packets);

	/* still full: one more is dropped at once, too */
	mkframe(f, MAC(0x72), MAC(0x73), sizeof(f), 99);
	ASSERT_EQ(0, vp_send(&s, f, sizeof(f)));
	EXPECT_EQ(14, vp_stats(&r).drop_ring_full);

	/* in order: the first seven */
	for (i = 0; i < 7; i++) {
		uint8_t g[2048];
		uint32_t tag;

		ASSERT_EQ(sizeof(f), vp_recv(&r, g, sizeof(g), NULL));
		memcpy(&tag, g + 14, 4);
		EXPECT_EQ((uint32_t)i, tag);
	}
	ASSERT_EQ(0, ioctl(r.fd, VALE_IOC_RXSYNC, &all_rings));
	/* drained: traffic flows again */
	ASSERT_EQ(0, vp_send(&s, f, sizeof(f)));
	EXPECT_EQ(1, vp_drain(&r));
	vp_close(&s);
	vp_close(&r);
}

/* ---- concurrent senders to one receiver: leases keep per-sender order */

struct sender {
	struct vp *p;
	uint64_t mac;
	int count;
	int err;
};

static void *send_thread(void *arg)
{
	struct sender *s = arg;
	uint8_t f[60];
	int i;

	for (i = 0; i < s->count; i++) {
		mkframe(f, MAC(0x90), s->mac, sizeof(f), i);
		if (vp_queue(s->p, f, sizeof(f)) || (i % 16 == 15 &&
						     vp_txsync(s->p)))
			s->err++;
	}
	if (vp_txsync(s->p))
		s->err++;
	return NULL;
}

TEST(concurrent_senders_keep_order)
{
	struct vp r, tx[2];
	struct sender snd[2];
	pthread_t t[2];
	uint32_t last[2] = { 0, 0 }, got[2] = { 0, 0 }, bad = 0;
	uint64_t drops;
	uint8_t f[60], g[2048];
	int i, n, idle = 0;

	ASSERT_EQ(0, vp_open(&r, "vale2:r", 256, 0));
	for (i = 0; i < 2; i++) {
		char name[32];

		snprintf(name, sizeof(name), "vale2:s%d", i);
		ASSERT_EQ(0, vp_open(&tx[i], name, 64, 0));
	}
	mkframe(f, MAC_BCAST, MAC(0x90), sizeof(f), 0);
	ASSERT_EQ(0, vp_send(&r, f, sizeof(f)));
	for (i = 0; i < 2; i++) {
		vp_drain(&tx[i]);
		snd[i] = (struct sender){ &tx[i], MAC(0xa0 + i), 20000, 0 };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, send_thread, &snd[i]));
	}
	while (idle < 1000) {
		n = vp_recv(&r, g, sizeof(g), NULL);
		if (n <= 0) {
			idle++;
			usleep(100);
			continue;
		}
		idle = 0;
		i = g[11] - 0xa0;
		if (i < 0 || i > 1) {
			bad++;
			continue;
		}
		memcpy(&n, g + 14, 4);
		if (got[i] && (uint32_t)n <= last[i])
			bad++;
		last[i] = n;
		got[i]++;
	}
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, snd[i].err);
	}
	EXPECT_EQ(0, bad);
	drops = vp_stats(&r).drop_ring_full;
	EXPECT_EQ(40000, got[0] + got[1] + drops);
	EXPECT_EQ(got[0] + got[1], vp_stats(&r).rx_packets);
	TH_LOG("received %u + %u, dropped %llu", got[0], got[1],
	       (unsigned long long)drops);
	for (i = 0; i < 2; i++)
		vp_close(&tx[i]);
	vp_close(&r);
}

/* ---- ports that come and go while traffic flows ---- */

TEST(ports_come_and_go_under_traffic)
{
	struct vp a, b;
	uint8_t f[60];
	pid_t pid;
	int i, status;

	ASSERT_EQ(0, vp_open(&a, "vale3:a", 0, 0));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		/* the child floods until killed */
		mkframe(f, MAC_BCAST, MAC(0xaa), sizeof(f), 0);
		for (;;) {
			for (i = 0; i < 64; i++)
				vp_queue(&a, f, sizeof(f));
			vp_txsync(&a);
		}
	}
	for (i = 0; i < 40; i++) {
		ASSERT_EQ(0, vp_open(&b, "vale3:b", 64, 0));
		usleep(1000);
		vp_drain(&b);
		vp_close(&b);
	}
	/* a process dying with its port mapped is cleaned up too */
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	vp_close(&a);
	/* the switch went with its last port; the name is free again */
	ASSERT_EQ(0, vp_open(&a, "vale3:a", 0, 0));
	vp_close(&a);
}

TEST_HARNESS_MAIN
