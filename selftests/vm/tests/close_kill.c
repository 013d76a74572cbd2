// SPDX-License-Identifier: GPL-2.0
/*
 * close_kill: ports disappear while traffic flows through them.
 *
 * Repeatedly, a victim process with a port sends and receives while a
 * steady sender floods the switch; the victim is then SIGKILLed, closes
 * its fd while another of its threads is in a sync, unmaps and closes
 * normally, or is killed while blocked in poll().  The switch keeps
 * working afterwards.  While a port is open (or only mapped) the module
 * cannot be unloaded; the harness unloads it after the test.
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
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "libvale.h"

/* Argument of VALE_IOC_TXSYNC/RXSYNC: every ring of the direction. */
static const __u32 all_rings = VALE_SYNC_ALL_RINGS;

#define ROUNDS 24
#define ETYPE 0x88b5

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

enum mode { KILL_SENDING, CLOSE_DURING_SYNC, CLOSE_NORMAL, KILL_IN_POLL, NMODES };

static char sw[32];

static int open_port(const char *port, int i, struct vale_handle **p)
{
	char name[VALE_NAME_MAX];
	VALE_PORT_OPTS(o, .num_slots = 256);

	snprintf(name, sizeof(name), "%s:%s%d", sw, port, i);
	return vale_port_open(name, &o, p);
}

/* Queue a burst of broadcasts and receive whatever is there. */
static int churn(struct vale_handle *p, uint8_t id, int burst)
{
	struct vale_port_ring *tx = vale_port_tx_ring(p, 0);
	struct vale_port_ring *rx = vale_port_rx_ring(p, 0);
	uint8_t f[256] = { 0 };
	int i, err;

	memcpy(f, bcast, 6);
	f[6] = 0x02;
	f[11] = id;
	f[12] = ETYPE >> 8;
	f[13] = ETYPE & 0xff;
	for (i = 0; i < burst; i++)
		if (vale_ring_send(tx, f, 60 + i % 190) < 0)
			break;
	err = vale_port_sync_tx(p);
	if (err)
		return err;
	vale_port_sync_rx(p);
	vale_ring_advance(rx, vale_ring_tail(rx));
	return 0;
}

/* The steady sender: floods until killed. */
static void flooder(int ready_fd)
{
	struct vale_handle *p;

	if (open_port("flood", 0, &p))
		_exit(1);
	if (write(ready_fd, "r", 1) != 1)
		_exit(1);
	for (;;)
		if (churn(p, 0xf0, 64))
			_exit(2);
}

static void *sync_loop(void *arg)
{
	int fd = (int)(intptr_t)arg;

	/* Until the fd is closed under us. */
	while (ioctl(fd, VALE_IOC_TXSYNC, &all_rings) == 0 || errno == EINTR ||
	       errno == EINVAL)
		ioctl(fd, VALE_IOC_RXSYNC, &all_rings);
	return NULL;
}

static void victim(int i, enum mode m, int ready_fd)
{
	struct vale_handle *p;
	struct vale_port_ring *tx;
	pthread_t th;
	size_t size;
	char *region;
	int k;

	if (open_port("victim", i, &p))
		_exit(1);
	tx = vale_port_tx_ring(p, 0);
	churn(p, i, 32);
	if (write(ready_fd, "r", 1) != 1)
		_exit(1);
	switch (m) {
	case KILL_SENDING:
		for (;;)
			churn(p, i, 16);
	case KILL_IN_POLL:
		for (;;) {
			struct vale_port_ring *rx = vale_port_rx_ring(p, 0);

			/* Blocks: the flooder's traffic wakes it up. */
			vale_port_wait(p, POLLIN, -1);
			vale_ring_advance(rx, vale_ring_tail(rx));
		}
	case CLOSE_DURING_SYNC:
		if (pthread_create(&th, NULL, sync_loop,
				   (void *)(intptr_t)vale_port_fd(p)))
			_exit(3);
		for (k = 0; k < 2000; k++) {
			/* Racing the other thread's syncs on purpose. */
			vale_ring_send(tx, "\xff\xff\xff\xff\xff\xff\x02\0\0\0\0\x01"
				       "\x88\xb5 racing racing racing racing racing racing",
				       60);
		}
		close(vale_port_fd(p));
		pthread_join(th, NULL);
		/* The mapping outlives the fd: it must still be usable. */
		region = vale_port_region(p, &size);
		memset(region + size - 64, 0x5a, 64);
		munmap(region, size);
		_exit(0);
	case CLOSE_NORMAL:
		for (k = 0; k < 50; k++)
			churn(p, i, 8);
		vale_port_close(p);
		_exit(0);
	default:
		_exit(4);
	}
}

static pid_t spawn(void (*fn)(int, enum mode, int), int i, enum mode m)
{
	int pfd[2];
	char c;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		fn(i, m, pfd[1]);
		_exit(0);
	}
	close(pfd[1]);
	if (pid > 0 && read(pfd[0], &c, 1) != 1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(pfd[0]);
	return pid;
}

static void flooder_fn(int i, enum mode m, int fd)
{
	(void)i;
	(void)m;
	flooder(fd);
}

static void set_switch(void)
{
	snprintf(sw, sizeof(sw), "vale%d", getpid());
}

static int delete_module(const char *name, int flags)
{
	return syscall(SYS_delete_module, name, flags);
}

TEST(close_and_kill_while_traffic_flows)
{
	struct vale_handle *watch, *a, *b;
	uint8_t f[60] = { 0 };
	pid_t flood, v;
	int i, status, err;

	set_switch();
	err = open_port("watch", 0, &watch);
	ASSERT_EQ(0, err) TH_LOG("open: %s", vale_strerror(err));
	flood = spawn(flooder_fn, 0, 0);
	ASSERT_LT(0, flood);

	for (i = 0; i < ROUNDS; i++) {
		enum mode m = i % NMODES;

		v = spawn(victim, i, m);
		ASSERT_LT(0, v) TH_LOG("round %d: victim did not start", i);
		/* Let traffic flow through the victim for a moment. */
		usleep(20000 + (i % 5) * 10000);
		ASSERT_EQ(0, churn(watch, 0xaa, 4));
		if (m == KILL_SENDING || m == KILL_IN_POLL)
			kill(v, SIGKILL);
		ASSERT_EQ(v, waitpid(v, &status, 0));
		if (m == KILL_SENDING || m == KILL_IN_POLL) {
			EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
				TH_LOG("round %d: status 0x%x", i, status);
		} else {
			EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
				TH_LOG("round %d (mode %d): status 0x%x", i, m, status);
		}
	}
	kill(flood, SIGKILL);
	waitpid(flood, NULL, 0);

	/* The switch still forwards: two new ports exchange a frame. */
	ASSERT_EQ(0, open_port("after", 1, &a));
	ASSERT_EQ(0, open_port("after", 2, &b));
	vale_port_sync_rx(b);
	vale_ring_advance(vale_port_rx_ring(b, 0), vale_ring_tail(vale_port_rx_ring(b, 0)));
	vale_port_sync_rx(b);
	memcpy(f, bcast, 6);
	f[6] = 0x02;
	f[11] = 0x77;
	f[12] = ETYPE >> 8;
	f[13] = ETYPE & 0xff;
	ASSERT_LT(0, vale_ring_send(vale_port_tx_ring(a, 0), f, 60));
	ASSERT_EQ(0, vale_port_sync_tx(a));
	vale_port_sync_rx(b);
	EXPECT_EQ(60, vale_ring_recv(vale_port_rx_ring(b, 0), f, sizeof(f)));
	EXPECT_EQ(0x77, f[11]);
	vale_port_close(a);
	vale_port_close(b);
	vale_port_close(watch);
}

TEST(unload_refused_while_port_open)
{
	struct vale_handle *p;
	size_t size;
	void *region;
	int fd, err;

	set_switch();
	err = open_port("hold", 0, &p);
	ASSERT_EQ(0, err) TH_LOG("open: %s", vale_strerror(err));
	errno = 0;
	EXPECT_EQ(-1, delete_module("vale", O_NONBLOCK));
	EXPECT_TRUE(errno == EBUSY || errno == EAGAIN)
		TH_LOG("delete_module: %s", strerror(errno));
	/* Only the mapping left: still refused. */
	region = vale_port_region(p, &size);
	fd = vale_port_fd(p);
	region = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, region);
	vale_port_close(p);
	errno = 0;
	EXPECT_EQ(-1, delete_module("vale", O_NONBLOCK));
	EXPECT_TRUE(errno == EBUSY || errno == EAGAIN)
		TH_LOG("delete_module with a mapping left: %s", strerror(errno));
	munmap(region, size);
	/* An unbound open file holds the module too. */
	fd = open("/dev/vale", O_RDWR);
	ASSERT_LE(0, fd);
	errno = 0;
	EXPECT_EQ(-1, delete_module("vale", O_NONBLOCK));
	EXPECT_TRUE(errno == EBUSY || errno == EAGAIN);
	close(fd);
}

TEST_HARNESS_MAIN
