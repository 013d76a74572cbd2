// SPDX-License-Identifier: GPL-2.0
/*
 * concurrent: several senders (threads and processes, each with its own
 * port) into one receiver at the same time.  While the receiver's ring has
 * room nothing is lost; every sender's packets arrive in the order sent
 * (sequence numbers in the payload); when the ring overflows, what is lost
 * is counted exactly once, at the receiver (drop_ring_full), never
 * reordered or duplicated.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "libvale.h"

#define NTHREADS 4
#define NPROCS 2
#define NSENDERS (NTHREADS + NPROCS)
#define RX_SLOTS 4096
#define ETYPE 0x88b5

static const uint8_t mac_rx[6] = { 0x02, 0, 0, 0, 0x99, 0x99 };

/* Shared with the sender processes. */
struct shared {
	volatile int go;
	volatile int done[NSENDERS];
	volatile int err[NSENDERS];
	uint64_t sent[NSENDERS];
	uint64_t drops[NSENDERS];	/* sender port's drop_ring_full */
};

struct sender {
	struct shared *sh;
	int id;
	uint32_t count;
	char name[VALE_NAME_MAX];
};

/* Frame: dst rx, src 02:00:00:00:01:id, type, id, seq, padding. */
static int sender_run(struct sender *s)
{
	struct vale_handle *p;
	struct vale_port_ring *r;
	uint8_t f[128];
	uint32_t seq = 0, burst;
	unsigned int rnd = s->id * 7919 + 1;
	int err;
	VALE_PORT_OPTS(o, .num_slots = 256);

	err = vale_port_open(s->name, &o, &p);
	if (err)
		return err;
	r = vale_port_tx_ring(p, 0);
	memcpy(f, mac_rx, 6);
	memcpy(f + 6, (uint8_t[6]){ 0x02, 0, 0, 0, 0x01, s->id }, 6);
	f[12] = ETYPE >> 8;
	f[13] = ETYPE & 0xff;
	f[14] = s->id;
	memset(f + 19, 0xab, sizeof(f) - 19);
	while (!s->sh->go)
		sched_yield();
	while (seq < s->count) {
		uint32_t i;

		rnd = rnd * 1103515245 + 12345;
		burst = 1 + (rnd >> 16) % 32;
		if (burst > s->count - seq)
			burst = s->count - seq;
		for (i = 0; i < burst; i++, seq++) {
			memcpy(f + 15, &seq, 4);
			err = vale_ring_send(r, f, 60 + seq % 64);
			if (err < 0)
				goto out;
		}
		err = vale_port_sync_tx(p);
		if (err)
			goto out;
		if (rnd & 0x100)
			sched_yield();
	}
	err = 0;
out:
	s->sh->sent[s->id] = seq;
	{
		struct vale_port_stats st;

		if (!vale_port_read_stats(p, &st))
			s->sh->drops[s->id] = st.drop_ring_full;
	}
	vale_port_close(p);
	return err;
}

static void *sender_thread(void *arg)
{
	struct sender *s = arg;

	s->sh->err[s->id] = sender_run(s);
	s->sh->done[s->id] = 1;
	return NULL;
}

struct check {
	uint32_t next[NSENDERS];	/* next sequence number expected */
	uint64_t got[NSENDERS];
	uint64_t gaps, misorder, bad;
};

/* Receive all pending; lost packets show as gaps, never as going back. */
static void drain(struct vale_handle *rx, struct check *c)
{
	struct vale_port_ring *r = vale_port_rx_ring(rx, 0);
	uint8_t f[2048];
	ssize_t n;
	uint32_t seq;

	vale_port_sync_rx(rx);
	while ((n = vale_ring_recv(r, f, sizeof(f))) != -EAGAIN) {
		if (n < 19 || f[14] >= NSENDERS) {
			c->bad++;
			continue;
		}
		memcpy(&seq, f + 15, 4);
		if (n != 60 + seq % 64)
			c->bad++;
		if (seq < c->next[f[14]])
			c->misorder++;
		else if (seq > c->next[f[14]])
			c->gaps++;
		c->next[f[14]] = seq + 1;
		c->got[f[14]]++;
	}
	vale_port_sync_rx(rx);
}

FIXTURE(cc)
{
	struct vale_handle *rx;
	struct shared *sh;
	struct sender s[NSENDERS];
	pthread_t th[NTHREADS];
	pid_t pid[NPROCS];
};

FIXTURE_SETUP(cc)
{
	char name[VALE_NAME_MAX];
	VALE_PORT_OPTS(o, .num_slots = RX_SLOTS);
	int err, i;

	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->sh);
	memset(self->sh, 0, sizeof(*self->sh));
	snprintf(name, sizeof(name), "vale%d:rx", getpid());
	err = vale_port_open(name, &o, &self->rx);
	ASSERT_EQ(0, err) TH_LOG("open %s: %s", name, vale_strerror(err));
	/* The receiver's MAC becomes known: senders unicast to it. */
	{
		uint8_t f[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

		memcpy(f + 6, mac_rx, 6);
		ASSERT_LT(0, vale_ring_send(vale_port_tx_ring(self->rx, 0), f, 60));
		ASSERT_EQ(0, vale_port_sync_tx(self->rx));
	}
	for (i = 0; i < NSENDERS; i++) {
		self->s[i].sh = self->sh;
		self->s[i].id = i;
		snprintf(self->s[i].name, VALE_NAME_MAX, "vale%d:s%d", getpid(), i);
	}
}

FIXTURE_TEARDOWN(cc)
{
	vale_port_close(self->rx);
	munmap(self->sh, sizeof(*self->sh));
}

/* Start the senders: NTHREADS threads here, NPROCS child processes. */
static void start(struct __test_metadata *_metadata, FIXTURE_DATA(cc) *self,
		  uint32_t count)
{
	int i;

	for (i = 0; i < NSENDERS; i++)
		self->s[i].count = count;
	for (i = 0; i < NTHREADS; i++)
		ASSERT_EQ(0, pthread_create(&self->th[i], NULL, sender_thread,
					    &self->s[i]));
	for (i = 0; i < NPROCS; i++) {
		struct sender *s = &self->s[NTHREADS + i];

		self->pid[i] = fork();
		ASSERT_LE(0, self->pid[i]);
		if (self->pid[i] == 0) {
			sender_thread(s);
			_exit(0);
		}
	}
}

static void finish(struct __test_metadata *_metadata, FIXTURE_DATA(cc) *self)
{
	int i, status;

	for (i = 0; i < NTHREADS; i++)
		pthread_join(self->th[i], NULL);
	for (i = 0; i < NPROCS; i++) {
		ASSERT_EQ(self->pid[i], waitpid(self->pid[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	for (i = 0; i < NSENDERS; i++) {
		int e = self->sh->err[i];

		EXPECT_EQ(0, e) TH_LOG("sender %d: %s", i, vale_strerror(e));
	}
}

TEST_F_TIMEOUT(cc, nothing_lost_while_there_is_room, 120)
{
	/* 6 x 600 = 3600 packets < 4095 free slots: all must arrive. */
	const uint32_t per = 600;
	struct check c = { 0 };
	struct vale_port_stats st;
	int i;

	start(_metadata, self, per);
	self->sh->go = 1;
	finish(_metadata, self);
	drain(self->rx, &c);
	for (i = 0; i < NSENDERS; i++) {
		EXPECT_EQ(per, self->sh->sent[i]) TH_LOG("sender %d", i);
		EXPECT_EQ(per, c.got[i]) TH_LOG("sender %d", i);
	}
	EXPECT_EQ(0, c.gaps);
	EXPECT_EQ(0, c.misorder);
	EXPECT_EQ(0, c.bad);
	ASSERT_EQ(0, vale_port_read_stats(self->rx, &st));
	EXPECT_EQ(0, st.drop_ring_full);
	EXPECT_EQ(NSENDERS * per, st.rx_packets);
	for (i = 0; i < NSENDERS; i++)
		EXPECT_EQ(0, self->sh->drops[i]) TH_LOG("sender %d", i);
}

TEST_F_TIMEOUT(cc, order_kept_while_receiving, 120)
{
	/* Receiver drains while senders run; overflow may drop, not reorder. */
	const uint32_t per = 20000;
	struct check c = { 0 };
	struct vale_port_stats st;
	uint64_t sent = 0, got = 0, tx_drops = 0;
	int i, all;

	start(_metadata, self, per);
	self->sh->go = 1;
	do {
		all = 1;
		for (i = 0; i < NSENDERS; i++)
			all &= self->sh->done[i];
		drain(self->rx, &c);
	} while (!all);
	finish(_metadata, self);
	drain(self->rx, &c);
	for (i = 0; i < NSENDERS; i++) {
		EXPECT_EQ(per, self->sh->sent[i]);
		EXPECT_LE(c.got[i], per);
		EXPECT_LT(0, c.got[i]) TH_LOG("nothing from sender %d", i);
		sent += self->sh->sent[i];
		got += c.got[i];
		tx_drops += self->sh->drops[i];
	}
	EXPECT_EQ(0, c.misorder);
	EXPECT_EQ(0, c.bad);
	ASSERT_EQ(0, vale_port_read_stats(self->rx, &st));
	TH_LOG("%llu of %llu received, %llu gaps, ring-full drops: rx %llu tx %llu",
	       (unsigned long long)got, (unsigned long long)sent,
	       (unsigned long long)c.gaps,
	       (unsigned long long)st.drop_ring_full,
	       (unsigned long long)tx_drops);
	/*
	 * Every loss is counted once, at the port that caused it: a full rx
	 * ring is the receiver's (uapi.md, "Drops and counters"), never a
	 * sender's.
	 */
	EXPECT_EQ(sent, got + st.drop_ring_full);
	EXPECT_EQ(0, tx_drops);
	EXPECT_EQ(got, st.rx_packets);
	EXPECT_EQ(0, st.drop_too_long);
	EXPECT_EQ(0, st.drop_bad_slot);
}

TEST_HARNESS_MAIN
