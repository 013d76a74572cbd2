// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics: RTT samples (exact percentiles, nearest rank), a log-linear
 * histogram of them for CDF plots, and the report, one line of text or
 * one JSON object per call (the final one last).
 *
 * Histogram: values 0..3 have a bucket each; from 4 on, each power of two
 * [2^e, 2^(e+1)) is split into four equal buckets (bucket (e-1)*4+sub),
 * so a bucket's width is at most a quarter of its lower bound.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ep.h"

unsigned int ep_hist_bucket(uint64_t ns)
{
	unsigned int e;

	if (ns < 4)
		return ns;
	e = 63 - __builtin_clzll(ns);	/* 2..63 */
	return (e - 1) * 4 + ((ns >> (e - 2)) & 3);
}

uint64_t ep_hist_upper(unsigned int b)
{
	unsigned int e = b / 4 + 1, sub = b % 4;

	if (b < 4)
		return b;
	if (e == 63 && sub == 3)
		return UINT64_MAX;
	return ((uint64_t)(5 + sub) << (e - 2)) - 1;
}

int ep_rtt_add(struct ep_rtt *r, uint64_t ns)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4096;
		uint64_t *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = ns;
	r->hist[ep_hist_bucket(ns)]++;
	r->sum += ns;
	return 0;
}

void ep_rtt_free(struct ep_rtt *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t ep_rtt_pct(struct ep_rtt *r, double p)
{
	size_t k;

	if (!r->n)
		return 0;
	qsort(r->v, r->n, sizeof(*r->v), cmp_u64);
	/* ceil, forgiving the rounding of p (99.9 * 2000 / 100 > 1998) */
	k = (size_t)ceil(p / 100.0 * r->n - 1e-6);
	if (k < 1)
		k = 1;
	if (k > r->n)
		k = r->n;
	return r->v[k - 1];
}

static void rtt_json(struct ep_rtt *r)
{
	static const double pct[] = { 50, 90, 99, 99.9 };
	static const char *const key[] = { "p50", "p90", "p99", "p999" };
	unsigned int i;
	const char *sep = "";

	printf(",\"rtt_ns\":{\"min\":%llu",
	       (unsigned long long)(r->n ? ep_rtt_pct(r, 0) : 0));
	for (i = 0; i < 4; i++)
		printf(",\"%s\":%llu", key[i],
		       (unsigned long long)ep_rtt_pct(r, pct[i]));
	printf(",\"max\":%llu,\"mean\":%.1f}",
	       (unsigned long long)ep_rtt_pct(r, 100),
	       r->n ? (double)r->sum / r->n : 0.0);
	printf(",\"rtt_hist\":[");
	for (i = 0; i < EP_HIST_BUCKETS; i++) {
		if (!r->hist[i])
			continue;
		printf("%s[%llu,%llu]", sep,
		       (unsigned long long)ep_hist_upper(i),
		       (unsigned long long)r->hist[i]);
		sep = ",";
	}
	printf("]");
}

static void rx_json(const struct ep_rx *rx, uint64_t lost)
{
	printf(",\"received\":%llu,\"bad_header\":%llu,\"reordered\":%llu,"
	       "\"duplicated\":%llu,\"foreign\":%llu,\"other\":%llu,"
	       "\"lost\":%llu",
	       (unsigned long long)rx->received, (unsigned long long)rx->bad,
	       (unsigned long long)rx->reordered,
	       (unsigned long long)rx->duplicated,
	       (unsigned long long)rx->foreign, (unsigned long long)rx->other,
	       (unsigned long long)lost);
}

static void report_json(const struct ep_opts *o, const struct ep_result *r,
			bool interim, double pps, double gbps)
{
	printf("{\"role\":\"%s\",\"api\":\"%s\",\"size\":%u,\"burst\":%u,"
	       "\"rate\":%llu,\"seconds\":%.6f,\"cpu\":%d,\"interim\":%s",
	       ep_role_names[o->role], ep_api_names[o->api], o->size, o->burst,
	       (unsigned long long)o->rate, r->seconds, o->cpu,
	       interim ? "true" : "false");
	switch (o->role) {
	case EP_SEND:
		printf(",\"attempted\":%llu,\"sent\":%llu,\"dropped\":%llu",
		       (unsigned long long)r->attempted,
		       (unsigned long long)r->sent,
		       (unsigned long long)r->dropped);
		break;
	case EP_RECV:
		rx_json(r->rx, r->lost);
		break;
	case EP_CLIENT:
		printf(",\"sent\":%llu,\"received\":%llu,\"lost\":%llu,"
		       "\"duplicated\":%llu,\"foreign\":%llu,\"bad_header\":%llu",
		       (unsigned long long)r->sent,
		       (unsigned long long)r->rx->received -
		       r->rx->duplicated, (unsigned long long)r->lost,
		       (unsigned long long)r->rx->duplicated,
		       (unsigned long long)r->rx->foreign,
		       (unsigned long long)r->rx->bad);
		if (!interim)
			rtt_json(r->rtt);
		break;
	case EP_SERVER:
		printf(",\"echoed\":%llu", (unsigned long long)r->echoed);
		rx_json(r->rx, r->lost);
		break;
	}
	printf(",\"pps\":%.1f,\"gbps\":%.6f}\n", pps, gbps);
}

static void report_text(const struct ep_opts *o, const struct ep_result *r,
			bool interim, double pps, double gbps)
{
	const struct ep_rx *rx = r->rx;

	printf("%s%s %s: ", interim ? "  " : "", ep_role_names[o->role],
	       ep_api_names[o->api]);
	if (o->role == EP_SEND)
		printf("attempted %llu sent %llu dropped %llu",
		       (unsigned long long)r->attempted,
		       (unsigned long long)r->sent,
		       (unsigned long long)r->dropped);
	else if (o->role == EP_CLIENT)
		printf("sent %llu received %llu lost %llu",
		       (unsigned long long)r->sent,
		       (unsigned long long)(rx->received - rx->duplicated),
		       (unsigned long long)r->lost);
	else
		printf("%s%llu received %llu bad %llu reordered %llu "
		       "duplicated %llu foreign %llu lost %llu",
		       o->role == EP_SERVER ? "echoed " : "",
		       (unsigned long long)(o->role == EP_SERVER ? r->echoed : 0),
		       (unsigned long long)rx->received,
		       (unsigned long long)rx->bad,
		       (unsigned long long)rx->reordered,
		       (unsigned long long)rx->duplicated,
		       (unsigned long long)rx->foreign,
		       (unsigned long long)r->lost);
	printf(" in %.3f s: %.3f Mpps %.3f Gbit/s\n", r->seconds, pps / 1e6,
	       gbps);
	if (o->role == EP_CLIENT && !interim && r->rtt->n)
		printf("rtt ns: min %llu p50 %llu p90 %llu p99 %llu p99.9 %llu "
		       "max %llu\n",
		       (unsigned long long)ep_rtt_pct(r->rtt, 0),
		       (unsigned long long)ep_rtt_pct(r->rtt, 50),
		       (unsigned long long)ep_rtt_pct(r->rtt, 90),
		       (unsigned long long)ep_rtt_pct(r->rtt, 99),
		       (unsigned long long)ep_rtt_pct(r->rtt, 99.9),
		       (unsigned long long)ep_rtt_pct(r->rtt, 100));
}

void ep_report(const struct ep_opts *o, const struct ep_result *r,
	       bool interim)
{
	uint64_t pkts = o->role == EP_SEND ? r->sent :
			o->role == EP_SERVER ? r->echoed : r->rx->received;
	double pps = r->seconds > 0 ? pkts / r->seconds : 0;
	double gbps = r->seconds > 0 ? r->bytes * 8 / r->seconds / 1e9 : 0;

	if (o->json)
		report_json(o, r, interim, pps, gbps);
	else
		report_text(o, r, interim, pps, gbps);
	fflush(stdout);
}
