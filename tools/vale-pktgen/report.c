// SPDX-License-Identifier: GPL-2.0
/*
 * vale-pktgen: the result, as text or one JSON object.  Bytes are frame
 * bytes without CRC (pkt-gen's count); the raw rate pads frames to 60
 * bytes and adds 24 per packet (CRC, preamble, gap); ping's RTT
 * percentiles are nearest-rank ones of every sample (tools/common/
 * samples.c, as vale-bench-ep's).
 */
#include <inttypes.h>
#include <stdio.h>

#include "out.h"
#include "pktgen.h"

static const char *scale(double v, char *buf, size_t n)
{
	const char *u = "";

	if (v >= 1e9) {
		v /= 1e9; u = "G";
	} else if (v >= 1e6) {
		v /= 1e6; u = "M";
	} else if (v >= 1e3) {
		v /= 1e3; u = "K";
	}
	snprintf(buf, n, "%.2f %s", v, u);
	return buf;
}

static void json_stats(const char *key, const struct vale_port_stats *st)
{
	printf(",\"%s\":{\"tx_packets\":%llu,\"tx_bytes\":%llu,"
	       "\"rx_packets\":%llu,\"rx_bytes\":%llu,"
	       "\"drop_bad_slot\":%llu,\"drop_bad_frag\":%llu,"
	       "\"drop_ring_full\":%llu,\"drop_no_dest\":%llu,"
	       "\"drop_too_long\":%llu}", key,
	       (unsigned long long)st->tx_packets,
	       (unsigned long long)st->tx_bytes,
	       (unsigned long long)st->rx_packets,
	       (unsigned long long)st->rx_bytes,
	       (unsigned long long)st->drop_bad_slot,
	       (unsigned long long)st->drop_bad_frag,
	       (unsigned long long)st->drop_ring_full,
	       (unsigned long long)st->drop_no_dest,
	       (unsigned long long)st->drop_too_long);
}

static void text_stats(const char *name, const struct vale_port_stats *st)
{
	printf("port %s: tx %llu rx %llu; drops: bad slot %llu, bad frag %llu, "
	       "ring full %llu, no dest %llu, too long %llu\n", name,
	       (unsigned long long)st->tx_packets,
	       (unsigned long long)st->rx_packets,
	       (unsigned long long)st->drop_bad_slot,
	       (unsigned long long)st->drop_bad_frag,
	       (unsigned long long)st->drop_ring_full,
	       (unsigned long long)st->drop_no_dest,
	       (unsigned long long)st->drop_too_long);
}

void report(const struct cfg *c, struct result *res,
	    const struct vale_port_stats *st, bool have_st,
	    const struct vale_port_stats *ost, bool have_ost)
{
	double secs = res->seconds > 0 ? res->seconds : 1e-9;
	double pps = res->packets / secs;
	double gbps = 8.0 * res->bytes / secs / 1e9;
	uint64_t avg_len = res->packets ? res->bytes / res->packets : 0;
	double raw = 8.0 * (res->packets * ((avg_len < 60 ? 60 : avg_len) + 24)) /
		     secs / 1e9;
	double batch = res->syncs ? (double)res->packets / res->syncs : 0;
	double rmin = 0, ravg = 0, rmed = 0, r99 = 0, rmax = 0;
	char b1[32];

	if (res->rtt.n) {
		rmin = samples_pct(&res->rtt, 0) / 1e3;
		rmax = samples_pct(&res->rtt, 100) / 1e3;
		ravg = samples_mean(&res->rtt) / 1e3;
		rmed = samples_pct(&res->rtt, 50) / 1e3;
		r99 = samples_pct(&res->rtt, 99) / 1e3;
	}

	if (c->json) {
		printf("{\"tool\":\"vale-pktgen\",\"role\":\"%s\",\"port\":",
		       role_names[c->role]);
		out_json_string(stdout, c->port);
		printf(",\"length\":%u,\"batch\":%u,\"rate_limit\":%.0f,"
		       "\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64
		       ",\"seconds\":%.6f,\"pps\":%.1f,\"gbps\":%.6f,"
		       "\"raw_gbps\":%.6f,\"syncs\":%" PRIu64
		       ",\"avg_batch\":%.2f,\"bytes_counted\":\"frame without CRC\"",
		       c->len, c->batch, c->rate, res->packets, res->bytes,
		       res->seconds, pps, gbps, raw, res->syncs, batch);
		if (c->role == ROLE_PING)
			printf(",\"rtt_us\":{\"replies\":%zu,\"lost\":%" PRIu64
			       ",\"min\":%.3f,\"avg\":%.3f,\"median\":%.3f,"
			       "\"p99\":%.3f,\"max\":%.3f}",
			       res->rtt.n, res->lost, rmin, ravg, rmed, r99, rmax);
		if (c->role == ROLE_PONG)
			printf(",\"dropped\":%" PRIu64, res->lost);
		if (c->role == ROLE_PING || c->role == ROLE_PONG)
			printf(",\"ignored\":%" PRIu64, res->ignored);
		if (c->role == ROLE_FWD) {
			int i;

			printf(",\"out_port\":");
			out_json_string(stdout, c->out_port);
			for (i = 0; i < 2; i++)
				printf(",\"%s\":{\"packets\":%" PRIu64
				       ",\"bytes\":%" PRIu64 ",\"dropped\":%"
				       PRIu64 "}", i ? "out_to_in" : "in_to_out",
				       res->dir[i].packets, res->dir[i].bytes,
				       res->dir[i].dropped);
		}
		printf(",\"cpu_user_s\":%.3f,\"cpu_sys_s\":%.3f",
		       res->cpu_user, res->cpu_sys);
		if (have_st)
			json_stats("port_stats", st);
		if (have_ost)
			json_stats("out_port_stats", ost);
		printf("}\n");
		return;
	}

	printf("%s %s: %" PRIu64 " packets, %" PRIu64 " bytes (%" PRIu64
	       " each) in %.3f s, %" PRIu64 " syncs\n",
	       role_names[c->role], c->port, res->packets, res->bytes, avg_len,
	       res->seconds, res->syncs);
	printf("Speed: %spps  Bandwidth: %.3f Gbit/s (raw %.3f Gbit/s)  "
	       "Average batch: %.2f pkts/sync\n",
	       scale(pps, b1, sizeof(b1)), gbps, raw, batch);
	if (c->role == ROLE_PING)
		printf("RTT (us): min %.1f  avg %.1f  median %.1f  p99 %.1f  "
		       "max %.1f  (%zu replies, %" PRIu64 " lost, %" PRIu64
		       " ignored)\n",
		       rmin, ravg, rmed, r99, rmax, res->rtt.n, res->lost,
		       res->ignored);
	if (c->role == ROLE_PONG && (res->lost || res->ignored))
		printf("pong: %" PRIu64 " not echoed (tx ring full), %" PRIu64
		       " ignored (too short)\n", res->lost, res->ignored);
	if (c->role == ROLE_FWD)
		printf("fwd: %s -> %s %" PRIu64 " packets %" PRIu64 " bytes (%"
		       PRIu64 " dropped), %s -> %s %" PRIu64 " packets %" PRIu64
		       " bytes (%" PRIu64 " dropped)\n",
		       c->port, c->out_port, res->dir[0].packets,
		       res->dir[0].bytes, res->dir[0].dropped, c->out_port,
		       c->port, res->dir[1].packets, res->dir[1].bytes,
		       res->dir[1].dropped);
	printf("CPU: user %.3f s, system %.3f s\n", res->cpu_user, res->cpu_sys);
	if (have_st)
		text_stats(c->port, st);
	if (have_ost)
		text_stats(c->out_port, ost);
}
