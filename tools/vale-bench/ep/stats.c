// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics: RTT samples (tools/common/samples.c: exact percentiles,
 * nearest rank), a log-linear histogram of them for CDF plots, and the
 * report, one line of text or one JSON object per call (the final one
 * last).
 *
 * Histogram: values 0..3 have a bucket each; from 4 on, each power of two
 * [2^e, 2^(e+1)) is split into four equal buckets (bucket (e-1)*4+sub),
 * so a bucket's width is at most a quarter of its lower bound.
 */
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
	int err = samples_add(&r->s, ns);

	if (!err)
		r->hist[ep_hist_bucket(ns)]++;
	return err;
}

void ep_rtt_free(struct ep_rtt *r)
{
	samples_free(&r->s);
	memset(r, 0, sizeof(*r));
}

static void rtt_json(struct ep_rtt *r)
{
	static const double pct[] = { 50, 90, 99, 99.9 };
	static const char *const key[] = { "p50", "p90", "p99", "p999" };
	unsigned int i;
	const char *sep = "";

	printf(",\"rtt_ns\":{\"min\":%llu",
	       (unsigned long long)samples_pct(&r->s, 0));
	for (i = 0; i < 4; i++)
		printf(",\"%s\":%llu", key[i],
		       (unsigned long long)samples_pct(&r->s, pct[i]));
	printf(",\"max\":%llu,\"mean\":%.1f}",
	       (unsigned long long)samples_pct(&r->s, 100),
	       samples_mean(&r->s));
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
	if (o->role == EP_CLIENT && !interim && r->rtt->s.n)
		printf("rtt ns: min %llu p50 %llu p90 %llu p99 %llu p99.9 %llu "
		       "max %llu\n",
		       (unsigned long long)samples_pct(&r->rtt->s, 0),
		       (unsigned long long)samples_pct(&r->rtt->s, 50),
		       (unsigned long long)samples_pct(&r->rtt->s, 90),
		       (unsigned long long)samples_pct(&r->rtt->s, 99),
		       (unsigned long long)samples_pct(&r->rtt->s, 99.9),
		       (unsigned long long)samples_pct(&r->rtt->s, 100));
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
