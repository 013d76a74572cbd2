// SPDX-License-Identifier: GPL-2.0
/*
 * Tier 0: vale-bench-ep's receive core (frame.c), table-driven.  A good
 * frame is built, one defect is applied per row (reordered, duplicated,
 * foreign magic, unknown flow, bad IP checksum / length, UDP length,
 * short frame, bad pattern, not ours), the frame is classified, and the
 * counters must each hold exactly the rows of their kind.  Then sequence
 * gaps (lost), the window edge, and UDP payloads (no headers).
 */
#include <string.h>

#include "ep.h"
#include "kselftest_harness.h"

#define SIZE	100

static struct ep_opts opts(void)
{
	struct ep_opts o;
	char *argv[] = { "t", "recv", "--api", "vale", "--vale", "v0",
			 "-p", "100", NULL };
	char err[128];

	if (ep_parse(8, argv, &o, err, sizeof(err)))
		abort();
	return o;
}

static void set16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

enum defect {
	D_NONE, D_MAGIC, D_IPSUM, D_IPLEN_LONG, D_IPLEN_SHORT,
	D_UDPLEN, D_SHORT40, D_SHORT20, D_SHORT10, D_PATTERN, D_IHL,
	D_ARP, D_TCP, D_PORT,
};

struct row {
	const char *name;
	uint64_t seq;
	uint32_t flow;
	enum defect d;
	enum ep_verdict want;
};

/* In order: the sequence rows depend on the ones before them. */
static const struct row rows[] = {
	{ "first",		0, 0, D_NONE,		EP_GOOD },
	{ "next",		1, 0, D_NONE,		EP_GOOD },
	{ "skip one",		3, 0, D_NONE,		EP_GOOD },
	{ "late one",		2, 0, D_NONE,		EP_REORDERED },
	{ "again",		2, 0, D_NONE,		EP_DUPLICATED },
	{ "first again",	0, 0, D_NONE,		EP_DUPLICATED },
	{ "second flow",	0, 5, D_NONE,		EP_GOOD },
	{ "second flow again",	0, 5, D_NONE,		EP_DUPLICATED },
	{ "foreign magic",	4, 0, D_MAGIC,		EP_FOREIGN },
	{ "unknown flow",	4, 7, D_NONE,		EP_FOREIGN },
	{ "bad IP checksum",	4, 0, D_IPSUM,		EP_BAD },
	{ "IP length past end",	4, 0, D_IPLEN_LONG,	EP_BAD },
	{ "IP length too small", 4, 0, D_IPLEN_SHORT,	EP_BAD },
	{ "UDP length wrong",	4, 0, D_UDPLEN,		EP_BAD },
	{ "short: 40 bytes",	4, 0, D_SHORT40,	EP_BAD },
	{ "short: 20 bytes",	4, 0, D_SHORT20,	EP_BAD },
	{ "short: 10 bytes",	4, 0, D_SHORT10,	EP_BAD },
	{ "bad pattern",	4, 0, D_PATTERN,	EP_BAD },
	{ "IP options",		4, 0, D_IHL,		EP_BAD },
	{ "ARP",		4, 0, D_ARP,		EP_OTHER },
	{ "TCP",		4, 0, D_TCP,		EP_OTHER },
	{ "other UDP port",	4, 0, D_PORT,		EP_OTHER },
	{ "after the defects",	4, 0, D_NONE,		EP_GOOD },
};

/* The frame of a row; returns its length. */
static uint32_t make(const struct ep_opts *o, const struct row *r,
		     uint8_t *f)
{
	uint32_t len = SIZE;

	ep_frame_build(o, f, r->flow);
	ep_frame_stamp(f, SIZE, r->seq, 1234, false);
	switch (r->d) {
	case D_NONE: break;
	case D_MAGIC: f[EP_HDR_LEN + 3] ^= 1; break;
	case D_IPSUM: f[14 + 10] ^= 0x10; break;
	/* Length changes keep the checksum right: only the length is bad. */
	case D_IPLEN_LONG: set16(f + 16, SIZE - 14 + 1); break;
	case D_IPLEN_SHORT: set16(f + 16, 27); break;
	case D_UDPLEN: set16(f + 38, SIZE - 34 - 2); break;
	case D_SHORT40: len = 40; break;
	case D_SHORT20: len = 20; break;
	case D_SHORT10: len = 10; break;
	case D_PATTERN: f[SIZE - 1] ^= 0x80; break;
	case D_IHL: f[14] = 0x46; break;
	case D_ARP: set16(f + 12, 0x0806); break;
	case D_TCP: f[14 + 9] = 6; break;
	case D_PORT: set16(f + 36, 9999); break;
	}
	if (r->d == D_IPLEN_LONG || r->d == D_IPLEN_SHORT) {
		/* Recompute the IP checksum over the changed header. */
		uint32_t sum = 0;
		int i;

		set16(f + 24, 0);
		for (i = 14; i < 34; i += 2)
			sum += (uint32_t)f[i] << 8 | f[i + 1];
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		set16(f + 24, ~sum);
	}
	return len;
}

static const char *const vname[] = { "good", "reordered", "duplicated",
				     "foreign", "bad", "other" };

TEST(table)
{
	const uint32_t flows[] = { 0, 5 };
	struct ep_opts o = opts();
	uint64_t want[6] = { 0 };
	struct ep_rx rx;
	uint8_t f[SIZE];
	unsigned int i;

	ASSERT_EQ(0, ep_rx_init(&rx, flows, 2, 4321, true, true));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		enum ep_verdict v = ep_rx_frame(&rx, f, make(&o, r, f));

		if (v != r->want)
			TH_LOG("row '%s': %s, want %s", r->name, vname[v],
			       vname[r->want]);
		EXPECT_EQ(r->want, v);
		want[r->want]++;
	}
	EXPECT_EQ(want[EP_GOOD] + want[EP_REORDERED] + want[EP_DUPLICATED],
		  rx.received);
	EXPECT_EQ(want[EP_REORDERED], rx.reordered);
	EXPECT_EQ(want[EP_DUPLICATED], rx.duplicated);
	EXPECT_EQ(want[EP_FOREIGN], rx.foreign);
	EXPECT_EQ(want[EP_BAD], rx.bad);
	EXPECT_EQ(want[EP_OTHER], rx.other);
	EXPECT_EQ(0, ep_rx_lost(&rx));	/* flow 0: 0..4, flow 5: 0 */
	ep_rx_free(&rx);
}

static enum ep_verdict feed(struct ep_rx *rx, const struct ep_opts *o,
			    uint64_t seq)
{
	uint8_t f[SIZE];

	ep_frame_build(o, f, 0);
	ep_frame_stamp(f, SIZE, seq, 0, false);
	return ep_rx_frame(rx, f, SIZE);
}

TEST(lost_and_window)
{
	const uint32_t flow = 0;
	struct ep_opts o = opts();
	struct ep_rx rx;

	ASSERT_EQ(0, ep_rx_init(&rx, &flow, 1, 4321, true, false));
	EXPECT_EQ(EP_GOOD, feed(&rx, &o, 0));
	EXPECT_EQ(EP_GOOD, feed(&rx, &o, 1));
	EXPECT_EQ(EP_GOOD, feed(&rx, &o, 5));
	EXPECT_EQ(3, ep_rx_lost(&rx));		/* 2, 3, 4 */
	EXPECT_EQ(EP_REORDERED, feed(&rx, &o, 3));
	EXPECT_EQ(2, ep_rx_lost(&rx));
	/* A slot reused by the window is clean: seq 5 + W is new. */
	EXPECT_EQ(EP_GOOD, feed(&rx, &o, 5 + EP_SEQ_WINDOW));
	EXPECT_EQ(EP_DUPLICATED, feed(&rx, &o, 5 + EP_SEQ_WINDOW));
	/* Older than the window: late, never a duplicate. */
	EXPECT_EQ(EP_REORDERED, feed(&rx, &o, 1));
	EXPECT_EQ(EP_GOOD, feed(&rx, &o, 6 + EP_SEQ_WINDOW));
	EXPECT_EQ(EP_REORDERED, feed(&rx, &o, 4 + EP_SEQ_WINDOW));
	EXPECT_EQ(EP_DUPLICATED, feed(&rx, &o, 4 + EP_SEQ_WINDOW));
	ep_rx_free(&rx);
}

/* UDP APIs hand over the payload only: the same checks after the headers. */
TEST(payload_only)
{
	const uint32_t flow = 3;
	struct ep_opts o = opts();
	struct ep_rx rx;
	uint8_t f[SIZE];
	uint8_t *pay = f + EP_HDR_LEN;

	ASSERT_EQ(0, ep_rx_init(&rx, &flow, 1, 4321, false, true));
	ep_frame_build(&o, f, 3);
	ep_frame_stamp(f, SIZE, 0, 0, false);
	EXPECT_EQ(EP_GOOD, ep_rx_frame(&rx, pay, SIZE - EP_HDR_LEN));
	EXPECT_EQ(EP_DUPLICATED, ep_rx_frame(&rx, pay, SIZE - EP_HDR_LEN));
	EXPECT_EQ(EP_BAD, ep_rx_frame(&rx, pay, EP_PAY_HDR - 1));
	pay[SIZE - EP_HDR_LEN - 1] ^= 1;
	EXPECT_EQ(EP_BAD, ep_rx_frame(&rx, pay, SIZE - EP_HDR_LEN));
	pay[SIZE - EP_HDR_LEN - 1] ^= 1;
	pay[0] ^= 1;
	EXPECT_EQ(EP_FOREIGN, ep_rx_frame(&rx, pay, SIZE - EP_HDR_LEN));
	EXPECT_EQ(2, rx.received);
	EXPECT_EQ(SIZE * 2, rx.bytes);	/* counted as whole frames */
	ep_rx_free(&rx);
}

/* Built frames: the sizes the contract allows, timestamps where they fit. */
TEST(build_sizes)
{
	static const unsigned int sizes[] = { 60, 65, 66, 1514, EP_MAX_SIZE };
	const uint32_t flow = 9;
	struct ep_opts o = opts();
	static uint8_t f[EP_MAX_SIZE];
	struct ep_rx rx;
	unsigned int i;

	ASSERT_EQ(0, ep_rx_init(&rx, &flow, 1, 4321, true, true));
	for (i = 0; i < 5; i++) {
		o.size = sizes[i];
		ep_frame_build(&o, f, 9);
		ep_frame_stamp(f, o.size, i, 777, true);
		EXPECT_EQ(EP_GOOD, ep_rx_frame(&rx, f, o.size));
		EXPECT_EQ(i, ep_frame_seq(f + EP_HDR_LEN));
		EXPECT_EQ(o.size - EP_HDR_LEN >= EP_PAY_TS ? 777 : 0,
			  ep_frame_ts(f + EP_HDR_LEN, o.size - EP_HDR_LEN));
	}
	/* The server's swap, twice, is the frame again; once it is not ours. */
	ep_frame_swap(f);
	EXPECT_EQ(EP_OTHER, ep_rx_frame(&rx, f, o.size));
	ep_frame_swap(f);
	EXPECT_EQ(EP_DUPLICATED, ep_rx_frame(&rx, f, o.size));
	ep_rx_free(&rx);
}

TEST_HARNESS_MAIN
