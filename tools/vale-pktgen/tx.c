// SPDX-License-Identifier: GPL-2.0
/*
 * vale-pktgen: the tx role, throughput of the sender.  One-slot frames are
 * written into every buffer once and only their slots are refilled;
 * longer frames are copied in by vale_ring_send() (MOREFRAG chains).  The
 * rate limit paces batches; a full ring waits in poll(POLLOUT).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "pktgen.h"

/* Throughput of the sender. */
void run_tx(struct vale_handle *p, const struct cfg *c, struct result *res,
		   const uint8_t *frame, unsigned int nfrags)
{
	struct vale_port_ring *r = vale_port_tx_ring(p, 0);
	uint64_t start, now, end = 0;
	unsigned int i;
	int err;

	/* One-slot frames never change: write them once. */
	if (nfrags == 1) {
		for (i = 0; i < r->num_slots; i++) {
			struct vale_slot *s = vale_ring_slot(r, i);
			void *b = vale_ring_buf_checked(r, s);

			if (!b)
				die("tx slot %u has buffer %u outside the pool",
				    i, s->buf_idx);
			memcpy(b, frame, c->len);
			s->len = c->len;
			s->flags = 0;
		}
	}

	start = now = now_ns();
	if (c->duration > 0)
		end = start + (uint64_t)(c->duration * 1e9);
	while (!stop) {
		uint64_t want = c->batch;
		uint32_t room, cur;

		if (end && now >= end)
			break;
		if (c->count) {
			if (res->packets >= c->count)
				break;
			if (c->count - res->packets < want)
				want = c->count - res->packets;
		}
		if (c->rate > 0) {
			double el = (now - start) / 1e9;
			double allowed = el * c->rate + 1 - res->packets;

			if (allowed < 1) {
				double wait = (res->packets + 1) / c->rate - el;

				sleep_ns(wait > 0.01 ? 10000000 : wait * 1e9);
				now = now_ns();
				continue;
			}
			if (allowed < want)
				want = allowed;
		}
		room = vale_ring_space(r) / nfrags;
		if (room == 0) {
			err = vale_port_wait(p, POLLOUT, 100);
			res->syncs++;
			if (err < 0 && err != -EINTR)
				die("poll on %s: %s", c->port, vale_strerror(err));
			now = now_ns();
			continue;
		}
		if (want > room)
			want = room;
		if (nfrags == 1) {
			cur = vale_ring_cur(r);
			for (i = 0; i < want; i++) {
				struct vale_slot *s = vale_ring_slot(r, cur);

				s->len = c->len;
				s->flags = 0;
				cur = vale_ring_inc(r, cur);
			}
			vale_ring_advance(r, cur);
		} else {
			/* The room is there: only a bad tx slot can fail. */
			for (i = 0; i < want; i++) {
				err = vale_ring_send(r, frame, c->len);
				if (err < 0)
					die("tx on %s: %s", c->port,
					    vale_strerror(err));
			}
		}
		err = vale_port_sync_tx_ring(p, 0);
		res->syncs++;
		if (err)
			die("tx sync on %s: %s", c->port, vale_strerror(err));
		res->packets += want;
		res->bytes += want * c->len;
		now = now_ns();
	}
	res->seconds = (now_ns() - start) / 1e9;
}
