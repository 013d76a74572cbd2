// SPDX-License-Identifier: GPL-2.0
/*
 * poll: POLLOUT while a tx ring has room, POLLIN while an rx ring has
 * packets beyond cur, and a blocked poll() wakes up when another port (in
 * another process) sends to us.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "libvale.h"

#define ETYPE 0x88b5

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

static int send_n(struct vale_handle *p, int n)
{
	uint8_t f[60] = { 0 };
	int i;

	memcpy(f, bcast, 6);
	f[6] = 0x02;
	f[11] = 0x01;
	f[12] = ETYPE >> 8;
	f[13] = ETYPE & 0xff;
	for (i = 0; i < n; i++)
		if (vale_ring_send(vale_port_tx_ring(p, 0), f, 60) < 0)
			return -ENOBUFS;
	return vale_port_sync_tx(p);
}

FIXTURE(pl)
{
	struct vale_handle *a, *b;
	char name_b[VALE_NAME_MAX];
};

FIXTURE_SETUP(pl)
{
	char name[VALE_NAME_MAX];
	VALE_PORT_OPTS(o, .num_slots = 64);
	int err;

	snprintf(name, sizeof(name), "vale%d:a", getpid());
	err = vale_port_open(name, &o, &self->a);
	ASSERT_EQ(0, err) TH_LOG("open %s: %s", name, vale_strerror(err));
	snprintf(self->name_b, sizeof(self->name_b), "vale%d:b", getpid());
	err = vale_port_open(self->name_b, &o, &self->b);
	ASSERT_EQ(0, err) TH_LOG("open %s: %s", name, vale_strerror(err));
}

FIXTURE_TEARDOWN(pl)
{
	vale_port_close(self->a);
	vale_port_close(self->b);
}

TEST_F(pl, pollout_on_fresh_port)
{
	int ev = vale_port_wait(self->a, POLLOUT, 0);

	EXPECT_TRUE(ev > 0 && (ev & POLLOUT)) TH_LOG("revents 0x%x", ev);
	EXPECT_FALSE(ev & (POLLERR | POLLNVAL));
}

TEST_F(pl, no_pollin_when_empty)
{
	EXPECT_EQ(0, vale_port_wait(self->a, POLLIN, 0));
	EXPECT_EQ(0, vale_port_wait(self->a, POLLIN, 50));
}

TEST_F(pl, pollin_when_packets_arrive)
{
	struct vale_port_ring *rx = vale_port_rx_ring(self->a, 0);
	int ev;

	ASSERT_EQ(0, send_n(self->b, 3));
	ev = vale_port_wait(self->a, POLLIN, 1000);
	EXPECT_TRUE(ev > 0 && (ev & POLLIN)) TH_LOG("revents 0x%x", ev);
	EXPECT_EQ(3, vale_ring_space(rx));

	/* cur is the wake-up point: cur == tail means no POLLIN, even
	 * though head still holds the slots. */
	vale_ring_set_cur(rx, vale_ring_tail(rx));
	EXPECT_EQ(0, vale_port_wait(self->a, POLLIN, 0));
	/* A new packet beyond cur wakes us again. */
	ASSERT_EQ(0, send_n(self->b, 1));
	ev = vale_port_wait(self->a, POLLIN, 1000);
	EXPECT_TRUE(ev > 0 && (ev & POLLIN)) TH_LOG("revents 0x%x", ev);

	/* Everything released: quiet again. */
	vale_ring_advance(rx, vale_ring_tail(rx));
	EXPECT_EQ(0, vale_port_wait(self->a, POLLIN, 0));
	EXPECT_EQ(0, vale_port_sync_rx(self->a));
	EXPECT_EQ(0, vale_ring_space(rx));
}

TEST_F(pl, pollout_again_after_tx_ring_full)
{
	struct vale_port_ring *tx = vale_port_tx_ring(self->a, 0);
	int ev, n = 0;

	/* Fill the whole tx ring without syncing... */
	while (vale_ring_space(tx)) {
		uint8_t f[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 };

		ASSERT_LT(0, vale_ring_send(tx, f, 60));
		n++;
	}
	EXPECT_LT(0, n);
	/* ...poll hands it to the switch and reports room again. */
	ev = vale_port_wait(self->a, POLLOUT, 1000);
	EXPECT_TRUE(ev > 0 && (ev & POLLOUT)) TH_LOG("revents 0x%x", ev);
	EXPECT_LT(0, vale_ring_space(tx));
	/* And b got them (delivered by poll's tx sync). */
	EXPECT_EQ(0, vale_port_sync_rx(self->b));
	EXPECT_EQ(n, vale_ring_space(vale_port_rx_ring(self->b, 0)));
}

TEST_F(pl, blocking_poll_wakes_on_send)
{
	uint64_t t0, dt;
	pid_t pid;
	int ev, status;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct vale_handle *c;
		char name[VALE_NAME_MAX];

		/* Another process, another port, the same switch. */
		snprintf(name, sizeof(name), "vale%d:c", getppid());
		usleep(300000);
		if (vale_port_open(name, NULL, &c))
			_exit(1);
		_exit(send_n(c, 1) ? 2 : 0);
	}
	t0 = now_ms();
	ev = vale_port_wait(self->a, POLLIN, 10000);
	dt = now_ms() - t0;
	EXPECT_TRUE(ev > 0 && (ev & POLLIN)) TH_LOG("revents %d after %llu ms",
						      ev, (unsigned long long)dt);
	EXPECT_LT(dt, 8000) TH_LOG("woke only after %llu ms", (unsigned long long)dt);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("sender status 0x%x", status);
}

TEST_F(pl, blocking_poll_wakes_both_ports)
{
	/* Two pollers in two processes, one broadcast wakes both. */
	pid_t pid;
	int ev, status;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int e = vale_port_wait(self->b, POLLIN, 10000);

		_exit(e > 0 && (e & POLLIN) ? 0 : 1);
	}
	if (fork() == 0) {
		struct vale_handle *c;
		char name[VALE_NAME_MAX];

		snprintf(name, sizeof(name), "vale%d:c", getppid());
		usleep(300000);
		if (vale_port_open(name, NULL, &c))
			_exit(1);
		_exit(send_n(c, 1) ? 2 : 0);
	}
	ev = vale_port_wait(self->a, POLLIN, 10000);
	EXPECT_TRUE(ev > 0 && (ev & POLLIN)) TH_LOG("revents %d", ev);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	while (wait(&status) > 0)
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST_HARNESS_MAIN
