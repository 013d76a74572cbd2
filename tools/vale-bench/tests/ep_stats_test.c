// SPDX-License-Identifier: GPL-2.0
/*
 * Tier 0: vale-bench-ep's statistics (stats.c) on known inputs: the RTT
 * histogram's buckets are contiguous, ordered and at most a quarter of
 * their lower bound wide, every value lands in the bucket whose bounds
 * hold it; nearest-rank percentiles of known sets; and the pacer's
 * schedule (clock.c).
 */
#include <stdlib.h>

#include "ep.h"
#include "kselftest_harness.h"

static uint64_t lower(unsigned int b)
{
	return b ? ep_hist_upper(b - 1) + 1 : 0;
}

TEST(hist_buckets)
{
	static const uint64_t v[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17,
				      1000, 1023, 1024, 1025, 123456789,
				      1ull << 40, (1ull << 40) - 1,
				      UINT64_MAX - 1, UINT64_MAX };
	unsigned int b, i;

	/* Small values are exact. */
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(i, ep_hist_upper(ep_hist_bucket(i)));
		EXPECT_EQ(i, lower(ep_hist_bucket(i)));
	}
	EXPECT_EQ(4, ep_hist_bucket(4));
	EXPECT_EQ(EP_HIST_BUCKETS - 5, ep_hist_bucket(UINT64_MAX));
	EXPECT_EQ(UINT64_MAX, ep_hist_upper(ep_hist_bucket(UINT64_MAX)));
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		b = ep_hist_bucket(v[i]);
		EXPECT_LE(lower(b), v[i]);
		EXPECT_GE(ep_hist_upper(b), v[i]);
	}
	/* Contiguous, increasing, width <= lower / 4 (from 4 on). */
	for (b = 1; b <= ep_hist_bucket(UINT64_MAX); b++) {
		uint64_t lo = lower(b), hi = ep_hist_upper(b);

		ASSERT_GT(hi, ep_hist_upper(b - 1));
		EXPECT_EQ(b, ep_hist_bucket(lo));
		EXPECT_EQ(b, ep_hist_bucket(hi));
		if (lo >= 4)
			EXPECT_LE(hi - lo + 1, lo / 4);
	}
}

TEST(percentiles)
{
	struct ep_rtt r = { 0 };
	uint64_t i, n = 0;
	unsigned int b;

	EXPECT_EQ(0, samples_pct(&r.s, 50));	/* no samples */
	/* 1..100 in a scrambled order: 37 is prime to 100. */
	for (i = 0; i < 100; i++)
		ASSERT_EQ(0, ep_rtt_add(&r, (i * 37) % 100 + 1));
	EXPECT_EQ(1, samples_pct(&r.s, 0));
	EXPECT_EQ(50, samples_pct(&r.s, 50));
	EXPECT_EQ(90, samples_pct(&r.s, 90));
	EXPECT_EQ(99, samples_pct(&r.s, 99));
	EXPECT_EQ(100, samples_pct(&r.s, 99.9));
	EXPECT_EQ(100, samples_pct(&r.s, 100));
	EXPECT_EQ(5050, r.s.sum);
	/* The histogram holds every sample once. */
	for (b = 0; b < EP_HIST_BUCKETS; b++)
		n += r.hist[b];
	EXPECT_EQ(100, n);
	EXPECT_EQ(1, r.hist[ep_hist_bucket(1)]);
	/* 64..79 share a bucket (width 16 from 64 on). */
	EXPECT_EQ(16, r.hist[ep_hist_bucket(64)]);
	ep_rtt_free(&r);
	/* 1..2000 (past the first allocation), p99.9 is the 1998th. */
	for (i = 2000; i >= 1; i--)
		ASSERT_EQ(0, ep_rtt_add(&r, i));
	EXPECT_EQ(1998, samples_pct(&r.s, 99.9));
	EXPECT_EQ(1000, samples_pct(&r.s, 50));
	EXPECT_EQ(1001, samples_pct(&r.s, 50.01));
	ep_rtt_free(&r);
	/* One sample: every percentile is it. */
	ASSERT_EQ(0, ep_rtt_add(&r, 42));
	EXPECT_EQ(42, samples_pct(&r.s, 0));
	EXPECT_EQ(42, samples_pct(&r.s, 99.9));
	ep_rtt_free(&r);
}

TEST(pacer)
{
	struct ep_pacer p;

	/* 1000 pps in bursts of 10: a burst every 10 ms, from the start. */
	ep_pacer_init(&p, 1000, 10, 5000);
	EXPECT_EQ(5000, ep_pacer_due(&p));
	ep_pacer_next(&p);
	EXPECT_EQ(5000 + 10000000, ep_pacer_due(&p));
	p.bursts = 1000;
	EXPECT_EQ(5000 + 10000000000ull, ep_pacer_due(&p));
	/* Unpaced: always due. */
	ep_pacer_init(&p, 0, 10, 77);
	p.bursts = 123;
	EXPECT_EQ(77, ep_pacer_due(&p));
	/* 3 pps, burst 1: the schedule does not drift by rounding. */
	ep_pacer_init(&p, 3, 1, 0);
	p.bursts = 3000;
	EXPECT_EQ(1000000000000ull, ep_pacer_due(&p));
}

TEST_HARNESS_MAIN
