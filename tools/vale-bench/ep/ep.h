/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale-bench-ep: the endpoints of the vale-bench framework (send, recv,
 * client, server) over several packet APIs.  The interface with the
 * framework is /work/BENCH-CONTRACT.md, described for users in
 * vale-bench-ep(8).
 *
 * Concerns, one file each:
 *   opts.c     command line, every value checked, errors name the option
 *   frame.c    building frames, checking received ones (the rx core);
 *              headers and checksums are tools/common/frame.c's
 *   clock.c    monotonic clock and the busy pacer
 *   stats.c    RTT histogram, the JSON/text report (samples and
 *              percentiles: tools/common/samples.c)
 *   roles.c    the four roles over the API table below
 *   api_*.c    one packet API each; sock.c what the socket APIs share
 */
#ifndef VALE_BENCH_EP_H
#define VALE_BENCH_EP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frame.h"
#include "samples.h"

#define EP_PROG		"vale-bench-ep"
#define EP_MAGIC	0x56424550u	/* "VBEP" */
#define EP_HDR_LEN	FRAME_HDR_LEN	/* Ethernet 14 + IPv4 20 + UDP 8 */
#define EP_PAY_HDR	16		/* magic, flow, seq */
#define EP_PAY_TS	24		/* ... and tx time when it fits */
#define EP_MIN_SIZE	60
#define EP_MAX_SIZE	9014
#define EP_MAX_BURST	1024
#define EP_MAX_FLOWS	64
#define EP_RX_BATCH	256

/* Exit statuses (contract). */
enum {
	EP_EXIT_OK = 0,
	EP_EXIT_RUNTIME = 1,
	EP_EXIT_USAGE = 2,
	EP_EXIT_UNAVAIL = 3,
	EP_EXIT_TIMEOUT = 4,	/* nothing arrived before --timeout */
};

enum ep_role { EP_SEND, EP_RECV, EP_CLIENT, EP_SERVER };
enum ep_api_id {
	EP_API_VALE, EP_API_UDP, EP_API_MMSG, EP_API_RAW, EP_API_RAW_MMSG,
	EP_API_RING, EP_API_XDP, EP_API_COUNT
};
/* Test-only stream defects of send (--inject). */
enum ep_inject { EP_INJ_NONE, EP_INJ_REORDER, EP_INJ_DUP, EP_INJ_FOREIGN,
		 EP_INJ_BAD };

extern const char *const ep_role_names[];
extern const char *const ep_api_names[];

struct ep_addr {
	uint32_t ip;		/* host order */
	uint16_t port;
};

struct ep_opts {
	enum ep_role role;
	enum ep_api_id api;
	const char *vale;	/* vale: SWITCH or SWITCH:PORT */
	const char *dev;	/* socket APIs */
	unsigned int queue;	/* xdp */
	uint8_t smac[6], dmac[6];
	struct ep_addr src, dst;
	unsigned int size;	/* frame bytes, Ethernet header included */
	unsigned int burst;
	uint64_t rate;		/* packets per second, 0 = unpaced */
	double duration;	/* 0 = no limit */
	uint64_t count;		/* 0 = no limit */
	double interval;	/* interim statistics, 0 = none */
	double timeout;		/* recv/client idle limit, 0 = none */
	bool poll, touch, json;
	int cpu;		/* -1 = not pinned */
	uint32_t flows[EP_MAX_FLOWS];
	unsigned int nflows;
	enum ep_inject inject;
	const char *ready;	/* created once the API is open */
};

/*
 * Parse argv into @o.  Returns 0, 1 for --help (usage printed), or
 * EP_EXIT_USAGE with a message naming the option in @err.
 */
int ep_parse(int argc, char **argv, struct ep_opts *o, char *err,
	     size_t errlen);
void ep_usage(FILE *f);

/* --- frames (frame.c) ---------------------------------------------------- */

/* One packet handed to or returned by an API. */
struct ep_pkt {
	uint8_t *data;
	uint32_t len;
};

/* A template frame of @o->size bytes for flow @flow, src -> dst. */
void ep_frame_build(const struct ep_opts *o, uint8_t *f, uint32_t flow);
/* Write seq (and tx time when it fits); @touch rewrites every byte. */
void ep_frame_stamp(uint8_t *f, unsigned int size, uint64_t seq,
		    uint64_t tx_ns, bool touch);
/* Swap Ethernet, IP and UDP source and destination (server echo). */
void ep_frame_swap(uint8_t *f);
/* The pattern byte at frame offset @off (payload after the header). */
static inline uint8_t ep_pattern(unsigned int off)
{
	return (uint8_t)(off * 7 + 0x5a);
}
/* Payload accessors: network byte order in the frame. */
uint64_t ep_frame_seq(const uint8_t *payload);
uint64_t ep_frame_ts(const uint8_t *payload, unsigned int paylen);

/* Per-flow sequence bookkeeping over a sliding window of seq numbers. */
#define EP_SEQ_WINDOW	65536u
struct ep_flow {
	uint32_t id;
	bool seen;
	uint64_t max;		/* highest seq received */
	uint64_t unique;	/* distinct seqs received */
	uint64_t *bits;		/* EP_SEQ_WINDOW bits, seq modulo window */
};

enum ep_verdict { EP_GOOD, EP_REORDERED, EP_DUPLICATED, EP_FOREIGN,
		  EP_BAD, EP_OTHER };

struct ep_rx {
	uint16_t port;		/* UDP destination port that is ours */
	bool l2;		/* frames carry Ethernet/IP/UDP headers */
	bool touch;		/* read and verify every payload byte */
	struct ep_flow flows[EP_MAX_FLOWS];
	unsigned int nflows;
	uint64_t received, bytes, bad, reordered, duplicated, foreign, other;
	/* of the last frame classified GOOD or REORDERED */
	uint32_t last_flow;
	uint64_t last_seq;
};

int ep_rx_init(struct ep_rx *rx, const uint32_t *flows, unsigned int n,
	       uint16_t port, bool l2, bool touch);
void ep_rx_free(struct ep_rx *rx);
/* Classify one frame (UDP payload only when !l2) and count it. */
enum ep_verdict ep_rx_frame(struct ep_rx *rx, const uint8_t *f, uint32_t len);
/* Gaps: seqs below each flow's highest that never came. */
uint64_t ep_rx_lost(const struct ep_rx *rx);

/* --- clock and pacing (clock.c) ----------------------------------------- */

uint64_t ep_now(void);
struct ep_pacer {
	uint64_t start;
	uint64_t bursts;	/* bursts released so far */
	double ns_per_burst;	/* 0: unpaced */
};
void ep_pacer_init(struct ep_pacer *p, uint64_t rate, unsigned int burst,
		   uint64_t now);
/* When the next burst is due (ns). */
uint64_t ep_pacer_due(const struct ep_pacer *p);
static inline void ep_pacer_next(struct ep_pacer *p)
{
	p->bursts++;
}

/* --- statistics (stats.c) ----------------------------------------------- */

/* RTT samples (tools/common/samples.h: percentiles) and their histogram. */
#define EP_HIST_BUCKETS	256
struct ep_rtt {
	struct samples s;
	uint64_t hist[EP_HIST_BUCKETS];
};
int ep_rtt_add(struct ep_rtt *r, uint64_t ns);
void ep_rtt_free(struct ep_rtt *r);
/* Bucket of a value and the largest value in a bucket (log-linear). */
unsigned int ep_hist_bucket(uint64_t ns);
uint64_t ep_hist_upper(unsigned int b);

/* Counters of a run, reported by ep_report(). */
struct ep_result {
	double seconds;
	uint64_t attempted, sent, dropped;	/* send, client */
	uint64_t echoed;			/* server */
	uint64_t lost;
	uint64_t bytes;				/* frame bytes moved */
	const struct ep_rx *rx;			/* recv, client, server */
	struct ep_rtt *rtt;			/* client */
};
void ep_report(const struct ep_opts *o, const struct ep_result *r,
	       bool interim);

/* --- the packet APIs ------------------------------------------------------ */

struct ep {
	const struct ep_opts *o;
	const struct ep_api *api;
	void *priv;
	uint64_t dropped;	/* frames the API took and lost */
	char msg[256];		/* why open failed */
};

struct ep_api {
	bool l2;	/* frames include Ethernet/IP/UDP (else UDP payload) */
	/* 0, or EP_EXIT_RUNTIME / EP_EXIT_UNAVAIL with e->msg set */
	int (*open)(struct ep *e);
	/*
	 * Hand over up to @n frames (full frames; the UDP APIs send the
	 * payload).  Returns how many were taken (sent or counted in
	 * e->dropped), 0 when there is no room now, or -errno.
	 */
	int (*send)(struct ep *e, struct ep_pkt *p, unsigned int n);
	/*
	 * Up to @n frames, waiting up to @wait_ms for the first (0: do not
	 * wait).  The frames stay valid until the next call.  Returns the
	 * number, 0 when none, or -errno (not -EINTR).
	 */
	int (*recv)(struct ep *e, struct ep_pkt *p, unsigned int n,
		    int wait_ms);
	/* Wait up to @wait_ms for room to send (0: just flush). */
	int (*wait_tx)(struct ep *e, int wait_ms);
	void (*close)(struct ep *e);
};

extern const struct ep_api ep_api_vale, ep_api_udp, ep_api_mmsg, ep_api_raw,
	ep_api_raw_mmsg, ep_api_ring, ep_api_xdp;

extern volatile sig_atomic_t ep_stop;

int ep_run(struct ep *e);	/* roles.c: exit status */

#endif /* VALE_BENCH_EP_H */
