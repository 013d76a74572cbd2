// SPDX-License-Identifier: GPL-2.0
/*
 * isolation: a process that maps port A never sees a byte of port B.
 *
 * B and C exchange unicast traffic whose every payload byte is a pattern
 * unique to this run; B's whole pool is filled with it as well.  Every
 * frame must reach its receiver, and none A.  Then every byte of A's
 * region is scanned: the pattern must not be there.  A
 * mapping larger than the region, or at an offset past it, is refused.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "libvale.h"

#define PAT_LEN 16
#define ETYPE 0x88b5

static uint8_t pattern[PAT_LEN];
static uint8_t frame[2048];

static void make_pattern(void)
{
	struct timespec ts;
	uint64_t x;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	x = (uint64_t)ts.tv_nsec * 6364136223846793005ull ^ getpid();
	for (i = 0; i < PAT_LEN; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		pattern[i] = (x >> 56) | 0x80;	/* never 0, never a MAC byte 02 */
	}
}

static void fill(void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = pattern[i % PAT_LEN];
}

static void mkframe(const uint8_t *dst, const uint8_t *src, size_t len,
		    bool secret)
{
	memcpy(frame, dst, 6);
	memcpy(frame + 6, src, 6);
	frame[12] = ETYPE >> 8;
	frame[13] = ETYPE & 0xff;
	if (secret)
		fill(frame + 14, len - 14);
	else
		memset(frame + 14, 0x11, len - 14);
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t mac_c[6] = { 0x02, 0, 0, 0, 0, 0x0c };

/*
 * Receive everything pending on @p: the frames that carry the secret (the
 * pattern right after the Ethernet header) and the others.
 */
static void recv_all(struct vale_handle *p, int *secret, int *plain)
{
	static uint8_t buf[VALE_MAX_PKT_LEN];
	ssize_t n;

	*secret = 0;
	*plain = 0;
	vale_port_sync_rx(p);
	while ((n = vale_ring_recv(vale_port_rx_ring(p, 0), buf, sizeof(buf))) >= 0) {
		if (n >= 14 + PAT_LEN && !memcmp(buf + 14, pattern, PAT_LEN))
			(*secret)++;
		else
			(*plain)++;
	}
	vale_port_sync_rx(p);
}

FIXTURE(iso)
{
	struct vale_handle *a, *b, *c;
};

FIXTURE_SETUP(iso)
{
	char name[VALE_NAME_MAX];
	VALE_PORT_OPTS(o, .num_slots = 128, .extra_bufs = 16);
	int err;

	make_pattern();
	snprintf(name, sizeof(name), "vale%d:a", getpid());
	err = vale_port_open(name, &o, &self->a);
	ASSERT_EQ(0, err) TH_LOG("open %s: %s", name, vale_strerror(err));
	snprintf(name, sizeof(name), "vale%d:b", getpid());
	err = vale_port_open(name, &o, &self->b);
	ASSERT_EQ(0, err) TH_LOG("open %s: %s", name, vale_strerror(err));
	snprintf(name, sizeof(name), "vale%d:c", getpid());
	err = vale_port_open(name, &o, &self->c);
	ASSERT_EQ(0, err) TH_LOG("open %s: %s", name, vale_strerror(err));
}

FIXTURE_TEARDOWN(iso)
{
	vale_port_close(self->a);
	vale_port_close(self->b);
	vale_port_close(self->c);
}

static int send_frames(struct vale_handle *p, const uint8_t *dst,
		       const uint8_t *src, int n, bool secret)
{
	struct vale_port_ring *r = vale_port_tx_ring(p, 0);
	int i, err;

	for (i = 0; i < n; i++) {
		mkframe(dst, src, 60 + (i * 97) % 1400, secret);
		err = vale_ring_send(r, frame, 60 + (i * 97) % 1400);
		if (err == -ENOBUFS) {
			err = vale_port_sync_tx(p);
			if (err)
				return err;
			err = vale_ring_send(r, frame, 60 + (i * 97) % 1400);
		}
		if (err < 0)
			return err;
	}
	return vale_port_sync_tx(p);
}

static bool region_has_pattern(struct vale_handle *p, size_t *where)
{
	size_t size, i;
	const uint8_t *r = vale_port_region(p, &size);

	/* Touch every byte: any of them could hold B's data. */
	for (i = 0; i + PAT_LEN <= size; i++) {
		if (r[i] == pattern[0] && !memcmp(r + i, pattern, PAT_LEN)) {
			*where = i;
			return true;
		}
	}
	return false;
}

TEST_F(iso, other_ports_traffic_never_visible)
{
	unsigned int i, nb = vale_port_num_bufs(self->b);
	size_t where = 0, size;
	int round, secret, plain;

	vale_port_region(self->a, &size);
	ASSERT_GT(size, 0);
	/* B's own memory is full of the secret... */
	for (i = 0; i < nb; i++)
		fill(vale_port_buf(self->b, i), vale_port_buf_size(self->b));
	/* ...A is known to the switch, B and C learn each other. */
	ASSERT_EQ(0, send_frames(self->a, bcast, mac_a, 1, false));
	ASSERT_EQ(0, send_frames(self->b, bcast, mac_b, 1, false));
	ASSERT_EQ(0, send_frames(self->c, bcast, mac_c, 1, false));
	/* each broadcast reached the two other ports */
	recv_all(self->a, &secret, &plain);
	EXPECT_EQ(2, plain);
	recv_all(self->b, &secret, &plain);
	EXPECT_EQ(2, plain);
	recv_all(self->c, &secret, &plain);
	EXPECT_EQ(2, plain);
	/*
	 * ...and the secret flows B <-> C only, many times round the rings:
	 * every frame reaches its receiver (100 fit in a 128-slot ring), and
	 * nothing reaches A.
	 */
	for (round = 0; round < 8; round++) {
		ASSERT_EQ(0, send_frames(self->c, mac_b, mac_c, 100, true));
		recv_all(self->b, &secret, &plain);
		EXPECT_EQ(100, secret) TH_LOG("round %d: C -> B", round);
		EXPECT_EQ(0, plain);
		ASSERT_EQ(0, send_frames(self->b, mac_c, mac_b, 100, true));
		recv_all(self->c, &secret, &plain);
		EXPECT_EQ(100, secret) TH_LOG("round %d: B -> C", round);
		EXPECT_EQ(0, plain);
		ASSERT_EQ(0, send_frames(self->a, mac_c, mac_a, 10, false));
		recv_all(self->c, &secret, &plain);
		EXPECT_EQ(0, secret);
		EXPECT_EQ(10, plain) TH_LOG("round %d: A -> C", round);
		EXPECT_FALSE(region_has_pattern(self->a, &where))
			TH_LOG("B's pattern in A's region at offset %zu", where);
		recv_all(self->a, &secret, &plain);
		EXPECT_EQ(0, secret + plain) TH_LOG("round %d: A received", round);
		recv_all(self->b, &secret, &plain);
		EXPECT_EQ(0, secret + plain) TH_LOG("round %d: B received", round);
	}
	/* Sanity: the scanner finds the pattern where it is. */
	EXPECT_TRUE(region_has_pattern(self->b, &where));
}

TEST_F(iso, map_beyond_region_refused)
{
	size_t size;
	long pg = sysconf(_SC_PAGESIZE);
	void *m;

	vale_port_region(self->a, &size);
	m = mmap(NULL, size + pg, PROT_READ, MAP_SHARED, vale_port_fd(self->a), 0);
	EXPECT_EQ(MAP_FAILED, m) TH_LOG("mapping of size %zu accepted", size + pg);
	if (m != MAP_FAILED)
		munmap(m, size + pg);
	m = mmap(NULL, pg, PROT_READ, MAP_SHARED, vale_port_fd(self->a),
		 (size + pg - 1) / pg * pg);
	EXPECT_EQ(MAP_FAILED, m) TH_LOG("mapping past the region accepted");
	if (m != MAP_FAILED)
		munmap(m, pg);
}

/* Every region is private: a second mapping of A shows A, not B. */
TEST_F(iso, second_mapping_is_the_same_port)
{
	size_t size;
	const struct vale_info *info;
	void *m;

	vale_port_region(self->a, &size);
	m = mmap(NULL, size, PROT_READ, MAP_SHARED, vale_port_fd(self->a), 0);
	ASSERT_NE(MAP_FAILED, m);
	info = (const void *)((char *)m + vale_port_reg(self->a)->off.info);
	EXPECT_EQ(VALE_INFO_MAGIC, info->magic);
	EXPECT_STREQ(vale_port_name(self->a), info->name);
	munmap(m, size);
}

TEST_HARNESS_MAIN
