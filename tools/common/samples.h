/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Latency samples of the traffic tools (vale-pktgen's ping, vale-bench-ep's
 * client): every value kept, so that percentiles are exact (nearest rank:
 * the smallest value with at least p% of the samples at or below it).
 */
#ifndef VALE_TOOLS_SAMPLES_H
#define VALE_TOOLS_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

struct samples {
	uint64_t *v;
	size_t n, cap;
	size_t sorted;		/* v[0..sorted) is in order */
	uint64_t sum;
};

/* 0, or -ENOMEM (the sample is not kept). */
int samples_add(struct samples *s, uint64_t v);
void samples_free(struct samples *s);
/*
 * Percentile @p in 0..100 (0: the minimum, 100: the maximum), sorting
 * the samples first when some came since the last sort; 0 without any.
 */
uint64_t samples_pct(struct samples *s, double p);
double samples_mean(const struct samples *s);

#endif /* VALE_TOOLS_SAMPLES_H */
