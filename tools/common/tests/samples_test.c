// SPDX-License-Identifier: GPL-2.0
/*
 * Tier 0: the latency samples of tools/common/samples.c: nearest-rank
 * percentiles of known sets (the minimum at 0, the maximum at 100, p99.9
 * of 2000 samples the 1998th, a lone sample every percentile), the mean,
 * none without samples, growth past the first allocation, and a sample
 * added after a percentile counting in the next one.
 */
#include "samples.h"
#include "kselftest_harness.h"

TEST(percentiles)
{
	struct samples s = { 0 };
	uint64_t i;

	EXPECT_EQ(0, samples_pct(&s, 50));
	EXPECT_EQ(0, samples_mean(&s));
	/* 1..100 in a scrambled order: 37 is prime to 100. */
	for (i = 0; i < 100; i++)
		ASSERT_EQ(0, samples_add(&s, (i * 37) % 100 + 1));
	EXPECT_EQ(1, samples_pct(&s, 0));
	EXPECT_EQ(50, samples_pct(&s, 50));
	EXPECT_EQ(51, samples_pct(&s, 50.5));
	EXPECT_EQ(90, samples_pct(&s, 90));
	EXPECT_EQ(99, samples_pct(&s, 99));
	EXPECT_EQ(100, samples_pct(&s, 99.9));
	EXPECT_EQ(100, samples_pct(&s, 100));
	EXPECT_EQ(5050, s.sum);
	EXPECT_EQ(50.5, samples_mean(&s));
	samples_free(&s);
	EXPECT_EQ(0, s.n);
	/* 2000..1 (past the first allocation): p99.9 is the 1998th. */
	for (i = 2000; i >= 1; i--)
		ASSERT_EQ(0, samples_add(&s, i));
	EXPECT_EQ(2000, s.n);
	EXPECT_EQ(1998, samples_pct(&s, 99.9));
	EXPECT_EQ(1000, samples_pct(&s, 50));
	EXPECT_EQ(1001, samples_pct(&s, 50.01));
	samples_free(&s);
	ASSERT_EQ(0, samples_add(&s, 42));
	EXPECT_EQ(42, samples_pct(&s, 0));
	EXPECT_EQ(42, samples_pct(&s, 99.9));
	EXPECT_EQ(42, samples_pct(&s, 100));
	samples_free(&s);
}

TEST(added_after_a_percentile)
{
	struct samples s = { 0 };

	ASSERT_EQ(0, samples_add(&s, 30));
	ASSERT_EQ(0, samples_add(&s, 10));
	EXPECT_EQ(30, samples_pct(&s, 100));
	ASSERT_EQ(0, samples_add(&s, 5));
	ASSERT_EQ(0, samples_add(&s, 50));
	EXPECT_EQ(5, samples_pct(&s, 0));
	EXPECT_EQ(10, samples_pct(&s, 50));
	EXPECT_EQ(50, samples_pct(&s, 100));
	EXPECT_EQ(23.75, samples_mean(&s));
	samples_free(&s);
}

TEST_HARNESS_MAIN
