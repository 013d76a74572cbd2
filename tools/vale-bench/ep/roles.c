// SPDX-License-Identifier: GPL-2.0
/*
 * The four roles over an API (struct ep_api):
 *   send    bursts of frames paced by the busy clock
 *   recv    classify every frame (frame.c), report per kind
 *   server  echo every frame of an accepted flow back to its sender
 *   client  stamp, send, and time each echo; open loop at -r RATE,
 *           closed loop (a burst, then its echoes) at -r 0
 * A run ends at -d, -n, --timeout without traffic, or SIGINT/SIGTERM;
 * the final report is printed in every case.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ep.h"

volatile sig_atomic_t ep_stop;

#define NS	1000000000ull

struct run {
	struct ep *e;
	const struct ep_opts *o;
	uint64_t start, end, next_interim;
	struct ep_result res;
	struct ep_rx rx;
	struct ep_rtt rtt;
	struct ep_pkt pkts[2 * EP_MAX_BURST + EP_RX_BATCH];
	uint8_t *bufs;		/* 2 * burst (or rx batch) frames */
	uint64_t *txt;		/* client: tx time by seq modulo window */
	uint64_t first, last;	/* first and last frame moved */
	uint64_t taken;		/* frames the API took (sent or dropped) */
};

static uint64_t secs_ns(double s)
{
	return (uint64_t)(s * 1e9);
}

/* How long a blocking wait may last: until @until, at most 100 ms. */
static int wait_ms(const struct run *r, uint64_t now, uint64_t until)
{
	uint64_t ms = 100;

	if (r->o->poll)
		return 0;
	if (until && until > now && (until - now) / 1000000 + 1 < ms)
		ms = (until - now) / 1000000 + 1;
	return (int)ms;
}

static void fill_seconds(struct run *r, uint64_t now)
{
	if (r->o->role == EP_RECV || r->o->role == EP_SERVER)
		r->res.seconds = r->last > r->first ?
				 (r->last - r->first) / 1e9 : 0;
	else
		r->res.seconds = (now - r->start) / 1e9;
	if (r->o->role == EP_RECV || r->o->role == EP_SERVER)
		r->res.lost = ep_rx_lost(&r->rx);
	if (r->o->role == EP_CLIENT)
		r->res.lost = r->res.sent - (r->rx.received - r->rx.duplicated);
}

static void interim(struct run *r, uint64_t now)
{
	if (!r->o->interval || now < r->next_interim)
		return;
	r->next_interim += secs_ns(r->o->interval);
	fill_seconds(r, now);
	ep_report(r->o, &r->res, true);
}

static bool over(const struct run *r, uint64_t now)
{
	return ep_stop || (r->end && now >= r->end);
}

/* Hand @n frames to the API, waiting for room; frames taken or -errno. */
static int send_all(struct run *r, struct ep_pkt *p, unsigned int n)
{
	const struct ep_api *api = r->e->api;
	unsigned int done = 0;
	int k;

	while (done < n && !ep_stop) {
		k = api->send(r->e, p + done, n - done);
		if (k < 0)
			return k;
		done += k;
		if (done < n) {
			k = api->wait_tx(r->e, r->o->poll ? 0 : 100);
			if (k < 0)
				return k;
		}
	}
	return done;
}

static uint8_t *buf(struct run *r, unsigned int i)
{
	return r->bufs + (size_t)i * EP_MAX_SIZE;
}

/*
 * Test-only defects (--inject), per group of 8 frames: reorder swaps the
 * first two; dup sends the seventh again; foreign adds a frame with a
 * wrong magic (even groups) or an unknown flow (odd); bad adds one with a
 * broken IP checksum.  The added frame follows the group's seventh, so
 * that a receiver counting to -n sees them all.  Returns the frames
 * added after frame @seq.
 */
static unsigned int inject(struct run *r, uint64_t seq, unsigned int slot,
			   uint64_t *stamp)
{
	const struct ep_opts *o = r->o;
	uint8_t *f;

	*stamp = seq;
	if (o->inject == EP_INJ_REORDER && seq % 8 < 2)
		*stamp = seq ^ 1;
	if (o->inject == EP_INJ_NONE || o->inject == EP_INJ_REORDER ||
	    seq % 8 != 6)
		return 0;
	f = buf(r, slot);
	ep_frame_build(o, f, o->flows[0]);
	ep_frame_stamp(f, o->size, seq, 0, false);
	if (o->inject == EP_INJ_FOREIGN && seq / 8 % 2 == 0)
		f[EP_HDR_LEN] ^= 0xff;
	else if (o->inject == EP_INJ_FOREIGN)
		f[EP_HDR_LEN + 4] ^= 0x80;
	else if (o->inject == EP_INJ_BAD)
		f[14 + 10] ^= 0xff;
	r->pkts[slot] = (struct ep_pkt){ f, o->size };
	return 1;
}

/* sent, dropped, bytes: from what the API took and what it lost. */
static void tally(struct run *r)
{
	r->res.sent = r->taken - r->e->dropped;
	r->res.dropped = r->res.attempted - r->res.sent;
	r->res.bytes = r->res.sent * r->o->size;
}

/* One burst of up to @n frames from sequence number *seq. */
static int send_burst(struct run *r, uint64_t *seq, unsigned int n,
		      uint64_t now)
{
	unsigned int i, k = 0;
	uint64_t stamp;
	int sent;

	for (i = 0; i < n; i++) {
		uint8_t *f = buf(r, i);
		unsigned int slot;

		ep_frame_stamp(f, r->o->size, *seq, now, r->o->touch);
		r->pkts[k++] = (struct ep_pkt){ f, r->o->size };
		slot = r->o->burst + i;
		if (inject(r, *seq, slot, &stamp)) {
			r->pkts[k] = r->pkts[slot];
			k++;
		}
		if (stamp != *seq)
			ep_frame_stamp(f, r->o->size, stamp, now, false);
		if (r->txt)
			r->txt[*seq % EP_SEQ_WINDOW] = now;
		(*seq)++;
	}
	r->res.attempted += k;
	sent = send_all(r, r->pkts, k);
	if (sent < 0)
		return sent;
	r->taken += sent;
	tally(r);
	return 0;
}

/* Receive one batch and classify it; the client times its echoes. */
static int rx_batch(struct run *r, int ms, uint64_t *now)
{
	int n = r->e->api->recv(r->e, r->pkts, EP_RX_BATCH, ms), i;
	unsigned int echo = 0;
	enum ep_verdict v;

	*now = ep_now();
	if (n <= 0)
		return n;
	if (!r->first)
		r->first = *now;
	r->last = *now;
	for (i = 0; i < n; i++) {
		struct ep_pkt *p = &r->pkts[i];

		v = ep_rx_frame(&r->rx, p->data, p->len);
		if (v != EP_GOOD && v != EP_REORDERED &&
		    (v != EP_DUPLICATED || r->o->role != EP_SERVER))
			continue;
		if (r->o->role == EP_CLIENT) {
			uint64_t s = r->rx.last_seq;

			if (ep_rtt_add(&r->rtt,
				       *now - r->txt[s % EP_SEQ_WINDOW]))
				return -ENOMEM;
		} else if (r->o->role == EP_SERVER) {
			/* A UDP API's payload goes after the headers. */
			unsigned int off = r->e->api->l2 ? 0 : EP_HDR_LEN;
			uint8_t *f = buf(r, echo);

			memcpy(f + off, p->data, p->len);
			if (!off)
				ep_frame_swap(f);
			r->pkts[EP_RX_BATCH + echo++] =
				(struct ep_pkt){ f, p->len + off };
		}
	}
	if (echo) {
		int k = send_all(r, r->pkts + EP_RX_BATCH, echo);

		if (k < 0)
			return k;
		r->res.echoed += k;
	}
	r->res.bytes = r->rx.bytes;
	return n;
}

/* recv and server: until -d, -n, --timeout without traffic or a signal. */
static int run_recv(struct run *r)
{
	uint64_t now = r->start, idle = secs_ns(r->o->timeout);
	uint64_t idle_end = idle ? now + idle : 0;
	int n;

	while (!over(r, now) && (!idle_end || now < idle_end) &&
	       (!r->o->count || r->rx.received < r->o->count)) {
		n = rx_batch(r, wait_ms(r, now, idle_end ? idle_end : r->end),
			     &now);
		if (n < 0)
			return n;
		if (n && idle)
			idle_end = now + idle;
		interim(r, now);
	}
	fill_seconds(r, now);
	return 0;
}

static uint64_t answered(const struct run *r)
{
	return r->rx.received - r->rx.duplicated;
}

/* Client: wait for echoes of everything sent, or @idle without one. */
static int await_echoes(struct run *r, uint64_t idle, uint64_t *now)
{
	uint64_t idle_end = *now + idle;
	int n;

	while (!ep_stop && answered(r) < r->res.sent && *now < idle_end) {
		n = rx_batch(r, wait_ms(r, *now, idle_end), now);
		if (n < 0)
			return n;
		if (n)
			idle_end = *now + idle;
		interim(r, *now);
	}
	return 0;
}

/*
 * send and client: bursts on the busy clock.  The client takes echoes
 * while it waits for the clock (open loop), or waits for each burst's
 * echoes at -r 0 (closed loop), and for the last ones at the end.
 */
static int run_tx(struct run *r)
{
	bool client = r->o->role == EP_CLIENT;
	uint64_t seq = 0, now = r->start;
	uint64_t idle = secs_ns(r->o->timeout ? r->o->timeout : 1);
	struct ep_pacer pc;
	unsigned int n;
	int err = 0;

	ep_pacer_init(&pc, r->o->rate, r->o->burst, now);
	while (!over(r, now) && (!r->o->count || seq < r->o->count)) {
		while (now < ep_pacer_due(&pc) && !over(r, now) && err >= 0) {
			if (client)
				err = rx_batch(r, 0, &now);
			else
				now = ep_now();
		}
		if (err < 0)
			return err;
		if (over(r, now))
			break;
		n = r->o->burst;
		if (r->o->count && r->o->count - seq < n)
			n = r->o->count - seq;
		err = send_burst(r, &seq, n, now);
		if (!err && client && !r->o->rate)
			err = await_echoes(r, idle, &now);
		if (err)
			return err;
		ep_pacer_next(&pc);
		now = ep_now();
		interim(r, now);
	}
	if (client)
		err = await_echoes(r, idle, &now);
	else
		err = r->e->api->wait_tx(r->e, 0);
	tally(r);	/* wait_tx(0) may count frames the API lost */
	fill_seconds(r, ep_now());
	return err;
}

int ep_run(struct ep *e)
{
	const struct ep_opts *o = e->o;
	struct run *r = calloc(1, sizeof(*r));
	unsigned int nbufs = 2 * EP_MAX_BURST + 1;
	uint16_t port = o->role == EP_CLIENT ? o->src.port : o->dst.port;
	int err = -ENOMEM, st = EP_EXIT_OK;
	unsigned int i;

	if (!r)
		return EP_EXIT_RUNTIME;
	r->e = e;
	r->o = o;
	r->bufs = malloc((size_t)nbufs * EP_MAX_SIZE);
	if (o->role == EP_CLIENT)
		r->txt = calloc(EP_SEQ_WINDOW, sizeof(*r->txt));
	if (!r->bufs || (o->role == EP_CLIENT && !r->txt) ||
	    ep_rx_init(&r->rx, o->flows, o->role == EP_CLIENT ? 1 : o->nflows,
		       port, e->api->l2, o->touch))
		goto out;
	for (i = 0; i < o->burst; i++)
		ep_frame_build(o, buf(r, i), o->flows[0]);
	r->res.rx = &r->rx;
	r->res.rtt = &r->rtt;
	r->start = ep_now();
	r->end = o->duration ? r->start + secs_ns(o->duration) : 0;
	r->next_interim = r->start + secs_ns(o->interval);
	switch (o->role) {
	case EP_SEND:
	case EP_CLIENT: err = run_tx(r); break;
	case EP_RECV:
	case EP_SERVER: err = run_recv(r); break;
	}
	if (!err) {
		ep_report(o, &r->res, false);
		if (o->role == EP_CLIENT && r->res.sent && !answered(r))
			st = EP_EXIT_TIMEOUT;
		if (o->role == EP_RECV && o->timeout && !r->rx.received)
			st = EP_EXIT_TIMEOUT;
	}
out:
	if (err) {
		fprintf(stderr, EP_PROG ": %s %s: %s\n", ep_role_names[o->role],
			ep_api_names[o->api], strerror(-err));
		st = EP_EXIT_RUNTIME;
	}
	ep_rx_free(&r->rx);
	ep_rtt_free(&r->rtt);
	free(r->txt);
	free(r->bufs);
	free(r);
	return st;
}
