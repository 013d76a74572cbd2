// SPDX-License-Identifier: GPL-2.0
// tier0-sources: kmod/fwd.c kmod/sync.c kmod/ring.c kmod/lookup.c kmod/param.c
/*
 * Tier 0: the work one RCU read-side section of the forwarder may do
 * (issue 13, defect 5(b)).  A tx sync flooding full batches to hundreds of
 * ports copied every packet to every port inside one section, with no
 * rescheduling point: an RCU stall on a non-preemptible kernel, which a
 * TCG guest cannot provoke within seconds.  The shim's rcu_read_lock()
 * and rcu_read_unlock() call a hook at the outermost section's begin and
 * end; the test sums the packets delivered into every receiver's rx rings
 * at both and checks that no section copied more than the bound
 * Documentation/architecture.md gives (VALE_FWD_SECTION_PKTS in fwd.c),
 * while every receiver still gets every packet, in order.  The sched.h
 * shim traps a cond_resched() inside a section.
 */
#include <stdlib.h>
#include <string.h>

#include "fwd_util.h"

/* EXPECT_EQ(literal, unsigned) is intended throughout. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

/* fwd.c's VALE_FWD_SECTION_PKTS and VALE_FWD_SECTION_BYTES */
#define SECTION_PKTS	16384
#define SECTION_BYTES	(16 << 20)
#define MAX_PORTS	300
#define NSLOTS		1024

static struct vale_port *ports[MAX_PORTS];
static u64 at_begin, bytes_at_begin, worst, worst_bytes;
static unsigned int sections;

static u64 delivered(u64 *bytes)
{
	u64 n = 0;
	int i;

	*bytes = 0;
	for (i = 0; i < MAX_PORTS; i++) {
		if (ports[i]) {
			n += ports[i]->rx[0].stats.packets;
			*bytes += ports[i]->rx[0].stats.bytes;
		}
	}
	return n;
}

static void section(int begin)
{
	u64 b, n = delivered(&b);

	if (begin) {
		at_begin = n;
		bytes_at_begin = b;
		return;
	}
	sections++;
	if (n - at_begin > worst)
		worst = n - at_begin;
	if (b - bytes_at_begin > worst_bytes)
		worst_bytes = b - bytes_at_begin;
}

static void setup_ports(struct vale_switch *sw, int nports, u32 slots,
			u32 buf_size)
{
	int i;

	for (i = 0; i < nports; i++)
		ports[i] = t0_port_new(sw, i, 1, 1, slots, buf_size);
}

static void free_ports(void)
{
	int i;

	for (i = 0; i < MAX_PORTS; i++) {
		t0_port_free(ports[i]);
		ports[i] = NULL;
	}
}

/* Queue @n frames of @len bytes to @dst from port 0, tags from 0; sync. */
static void send_n(u64 dst, u32 n, u32 len)
{
	u8 f[VALE_MAX_PKT_LEN];
	u32 i;

	for (i = 0; i < n; i++) {
		t0_frame(f, dst, 0x020000000000ULL, len, i);
		if (!t0_queue(ports[0], 0, f, len))
			abort();
	}
	worst = 0;
	worst_bytes = 0;
	sections = 0;
	tier0_rcu_hook = section;
	if (t0_txsync(ports[0], 0))
		abort();
	tier0_rcu_hook = NULL;
}

/* Port @p got exactly tags 0..n-1 of length @len, in order. */
static int got_in_order(struct vale_port *p, u32 n, u32 len)
{
	u32 i, got;

	for (i = 0; i < n; i++) {
		u8 buf[VALE_MAX_PKT_LEN];
		u32 tag;

		if (t0_recv(p, 0, buf, sizeof(buf), NULL, NULL) != (int)len)
			return 0;
		memcpy(&tag, buf + 14, 4);
		if (tag != i)
			return 0;
	}
	got = t0_recv(p, 0, (u8[64]){ 0 }, 64, NULL, NULL) < 0;
	return got;
}

TEST(flood_of_full_batches)
{
	struct vale_switch *sw = t0_switch_new(VALE_MAX_BATCH);
	u32 n = NSLOTS - 1, i, bad = 0;

	setup_ports(sw, MAX_PORTS, NSLOTS, 64);
	send_n(0xffffffffffffULL, n, 60);
	TH_LOG("%u sections, at most %llu copies in one", sections,
	       (unsigned long long)worst);
	EXPECT_GE(SECTION_PKTS, worst)
		TH_LOG("one RCU section copied %llu packets",
		       (unsigned long long)worst);
	EXPECT_EQ(n, ports[0]->tx[0].stats.packets);
	EXPECT_EQ(0, ports[0]->tx[0].stats.drop_no_dest);
	for (i = 1; i < MAX_PORTS; i++)
		if (!got_in_order(ports[i], n, 60) ||
		    ports[i]->rx[0].stats.drop_ring_full)
			bad++;
	EXPECT_EQ(0, bad);
	free_ports();
	free(sw);
}

/*
 * Large frames: the bound holds for bytes too (plus at most one packet
 * per port: a packet is never split).  100 ports, 127 frames of 2000
 * bytes: 25 MB of copies, more than one section may do.
 */
TEST(flood_of_large_frames)
{
	struct vale_switch *sw = t0_switch_new(VALE_MAX_BATCH);
	u32 n = 127, i, bad = 0;

	setup_ports(sw, 100, 128, 2048);
	send_n(0xffffffffffffULL, n, 2000);
	TH_LOG("%u sections, at most %llu bytes in one", sections,
	       (unsigned long long)worst_bytes);
	EXPECT_GE(SECTION_BYTES + 99ULL * VALE_MAX_PKT_LEN, worst_bytes);
	EXPECT_LT(1, sections) TH_LOG("not split: %u section", sections);
	for (i = 1; i < 100; i++)
		if (!got_in_order(ports[i], n, 2000))
			bad++;
	EXPECT_EQ(0, bad);
	free_ports();
	free(sw);
}

/* A unicast batch on a small switch still runs as one section. */
TEST(small_switch_one_section)
{
	struct vale_switch *sw = t0_switch_new(VALE_MAX_BATCH);
	struct vale_port *a = t0_port_new(sw, 0, 1, 1, NSLOTS, 2048);
	struct vale_port *b = t0_port_new(sw, 1, 1, 1, NSLOTS, 2048);
	u8 f[64];
	u32 i;

	for (i = 0; i < NSLOTS - 1; i++) {
		t0_frame(f, 0xffffffffffffULL, 0x020000000000ULL, 60, i);
		ASSERT_NE(0, t0_queue(a, 0, f, 60));
	}
	sections = 0;
	tier0_rcu_hook = section;
	ASSERT_EQ(0, t0_txsync(a, 0));
	tier0_rcu_hook = NULL;
	EXPECT_EQ(1, sections);
	EXPECT_EQ(NSLOTS - 1, b->rx[0].stats.packets);
	t0_port_free(a);
	t0_port_free(b);
	free(sw);
}

TEST_HARNESS_MAIN
