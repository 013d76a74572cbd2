// SPDX-License-Identifier: GPL-2.0
/*
 * flood_rcu: a tx sync that floods full batches to a thousand ports must
 * not hold one RCU read-side section for the whole flood (issue 13,
 * defect 5(b)).
 *
 * A normal RCU stall needs a section of at least 3 s (the smallest
 * rcu_cpu_stall_timeout), more than a flood takes under TCG.  Expedited
 * grace periods have their own stall timeout, in milliseconds: with
 * /sys/kernel/rcu_expedited set, every synchronize_rcu() is expedited,
 * and a second thread opens and closes a port of the switch (each close
 * waits for a grace period) while the main thread floods.  Before the fix
 * one batch of 1023 broadcast frames to 1023 ports (a million copies) was
 * one section of 100-400 ms under TCG.  The test times one such flood
 * and sets the expedited stall timeout to a quarter of it: before the
 * fix the kernel printed "rcu: INFO: rcu_preempt detected expedited
 * stalls on CPUs/tasks" with a stack dump (vm-run's splat scan fails the
 * test, and the test fails its own check on the kernel log).  With
 * batches cut to 16384 copies a section is 1/64 of the flood.  What this
 * proves: no RCU section of a flood lasted a quarter of the flood while
 * a grace period waited for it, and every frame still arrived, exactly
 * once and in order.  (selftests/tier0/flood_section_test.c checks the bound on
 * the work of a section itself.)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "libvale.h"

#define NRECV		1022	/* with the sender and the churner: 1024 */
#define NSLOTS		1024	/* one full batch per sync */
#define FLEN		60
#define ROUNDS		3
#define STALL_PARAM	"/sys/module/rcupdate/parameters/rcu_exp_cpu_stall_timeout"
#define EXPEDITE	"/sys/kernel/rcu_expedited"
#define BATCH_PARAM	"/sys/module/vale/parameters/default_batch"

static int write_param(const char *path, const char *val, char *old,
		       size_t oldsz)
{
	int fd = open(path, O_RDWR);
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (old) {
		n = read(fd, old, oldsz - 1);
		old[n > 0 ? n : 0] = 0;
		lseek(fd, 0, SEEK_SET);
	}
	n = val ? write(fd, val, strlen(val)) : 0;
	close(fd);
	return n < 0 ? -errno : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

FIXTURE(fl)
{
	struct vale_port *tx, *rx[NRECV];
	char stall[32], batch[32], exp[32];
};

static volatile int churn_stop;
static unsigned int churns;

/* Open and close a port of the switch: a grace period per close. */
static void *churn(void *arg)
{
	VALE_PORT_OPTS(o, .num_slots = 64, .buf_size = 64);
	struct vale_port *p;

	(void)arg;
	while (!churn_stop) {
		if (vale_port_open("valefl:churn", &o, &p) == 0) {
			vale_port_close(p);
			churns++;
		}
	}
	return NULL;
}

/* Lines of the kernel log since the test began that report a stall. */
static int kmsg_stalls(int fd)
{
	char rec[2048];
	ssize_t n;
	int found = 0;

	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || n == -1) {
		if (n < 0) {
			if (errno == EPIPE)
				continue;
			break;
		}
		rec[n] = 0;
		if (strstr(rec, "stall"))
			found++;
	}
	return found;
}

FIXTURE_SETUP(fl)
{
	VALE_PORT_OPTS(o, .num_slots = NSLOTS, .buf_size = 64);
	struct rlimit rl = { 4096, 4096 };
	char name[32];
	int i;

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	ASSERT_EQ(0, write_param(STALL_PARAM, NULL, self->stall,
				 sizeof(self->stall)));
	ASSERT_EQ(0, write_param(EXPEDITE, NULL, self->exp, sizeof(self->exp)));
	ASSERT_EQ(0, write_param(BATCH_PARAM, "1024", self->batch,
				 sizeof(self->batch)));
	ASSERT_EQ(0, vale_port_open("valefl:tx", &o, &self->tx));
	for (i = 0; i < NRECV; i++) {
		snprintf(name, sizeof(name), "valefl:r%d", i);
		ASSERT_EQ(0, vale_port_open(name, &o, &self->rx[i]))
			TH_LOG("port %d", i);
	}
}

FIXTURE_TEARDOWN(fl)
{
	int i;

	for (i = 0; i < NRECV; i++)
		vale_port_close(self->rx[i]);
	vale_port_close(self->tx);
	write_param(EXPEDITE, self->exp, NULL, 0);
	write_param(BATCH_PARAM, self->batch, NULL, 0);
	write_param(STALL_PARAM, self->stall, NULL, 0);
}

/* Fill the tx ring with broadcast frames tagged from @tag on; sync. */
static int flood(struct vale_port *p, uint32_t tag, unsigned int n)
{
	struct vale_port_ring *r = vale_port_tx_ring(p, 0);
	uint8_t f[FLEN] = { 0 };
	unsigned int i;
	int err;

	memset(f, 0xff, 6);
	f[6] = 0x02;
	f[11] = 0x01;
	f[12] = 0x88;
	f[13] = 0xb5;
	for (i = 0; i < n; i++, tag++) {
		memcpy(f + 14, &tag, 4);
		err = vale_ring_send(r, f, sizeof(f));
		if (err < 0)
			return err;
	}
	return vale_port_sync_tx(p);
}

/* Receive everything on @p: frames in tag order from @first? */
static int drain(struct vale_port *p, uint32_t first, unsigned int *n)
{
	struct vale_port_ring *r = vale_port_rx_ring(p, 0);
	uint8_t buf[256];
	uint32_t tag;
	ssize_t len;
	int bad = 0;

	*n = 0;
	vale_port_sync_rx(p);
	while ((len = vale_ring_recv(r, buf, sizeof(buf))) != -EAGAIN) {
		memcpy(&tag, buf + 14, 4);
		if (len != FLEN || tag != first + *n)
			bad++;
		(*n)++;
	}
	vale_port_sync_rx(p);
	return bad;
}

TEST_F_TIMEOUT(fl, flood_many_ports, 120)
{
	struct vale_port_stats st;
	unsigned int k, i, n, got, bad = 0, short_rx = 0;
	double t, worst = 0;
	unsigned int ms;
	char val[16];
	pthread_t th;
	int kmsg;

	/*
	 * Calibrate: one flood, timed.  Before the fix it was one RCU
	 * section; after it, at most 16384 of its million copies are.  A
	 * quarter of it is the expedited stall timeout: far above a cut
	 * section (1/64), far below the whole flood.
	 */
	n = NSLOTS - 1;
	t = now();
	ASSERT_EQ(0, flood(self->tx, 0, n));
	t = now() - t;
	for (i = 0; i < NRECV; i++)
		bad += drain(self->rx[i], 0, &got);
	ASSERT_EQ(0, bad);
	ms = t * 1000 / 4;
	ms = ms < 20 ? 20 : ms > 2000 ? 2000 : ms;
	snprintf(val, sizeof(val), "%u", ms);
	fprintf(stderr, "# calibration flood: %.2f s; expedited stall timeout %u ms\n",
		t, ms);
	ASSERT_EQ(0, write_param(STALL_PARAM, val, NULL, 0));
	ASSERT_EQ(0, write_param(EXPEDITE, "1", NULL, 0));

	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, kmsg);
	lseek(kmsg, 0, SEEK_END);
	churn_stop = 0;
	ASSERT_EQ(0, pthread_create(&th, NULL, churn, NULL));
	for (k = 1; k <= ROUNDS; k++) {
		t = now();
		ASSERT_EQ(0, flood(self->tx, k * n, n));
		t = now() - t;
		if (t > worst)
			worst = t;
		fprintf(stderr, "# round %u: %.2f s\n", k, t);
		for (i = 0; i < NRECV; i++) {
			bad += drain(self->rx[i], k * n, &got);
			if (got != n)
				short_rx++;
		}
	}
	churn_stop = 1;
	pthread_join(th, NULL);
	fprintf(stderr, "# longest flood sync: %.2f s (%u x %u copies), %u closes\n",
		worst, NSLOTS - 1, NRECV, churns);
	EXPECT_EQ(0, kmsg_stalls(kmsg)) TH_LOG("the kernel reported an RCU stall");
	close(kmsg);
	EXPECT_LT(0, churns);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, short_rx);
	ASSERT_EQ(0, vale_port_get_stats(self->tx, &st));
	EXPECT_EQ((ROUNDS + 1) * (NSLOTS - 1), st.tx_packets);
	EXPECT_EQ(0, st.drop_no_dest);
	ASSERT_EQ(0, vale_port_get_stats(self->rx[NRECV - 1], &st));
	EXPECT_EQ((ROUNDS + 1) * (NSLOTS - 1), st.rx_packets);
	EXPECT_EQ(0, st.drop_ring_full);
}

TEST_HARNESS_MAIN
