// SPDX-License-Identifier: GPL-2.0
/*
 * vale-pktgen: the ping role.  One packet at a time with a sequence number
 * and a timestamp in its payload, then wait for the echo with the same
 * sequence number (anything else is ignored); a reply not seen within the
 * timeout counts as lost.  The RTT samples go to report.c.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "pktgen.h"

void run_ping(struct vale_handle *p, const struct cfg *c,
		     struct result *res, uint8_t *frame, unsigned int nfrags)
{
	struct vale_port_ring *tx = vale_port_tx_ring(p, 0);
	struct vale_port_ring *rx = vale_port_rx_ring(p, 0);
	uint8_t *in = malloc(MAX_LEN);
	uint64_t start, now, end = 0, tmo;
	uint32_t seq;
	int err;

	if (!in)
		die("out of memory");
	tmo = (c->timeout_set ? c->timeout : 1.0) * 1e9;
	start = now = now_ns();
	if (c->duration > 0)
		end = start + (uint64_t)(c->duration * 1e9);
	for (seq = 0; !stop; seq++) {
		struct payload pl;
		uint64_t t0, deadline;
		bool got = false;

		if (end && now >= end)
			break;
		if (c->count && res->packets >= c->count)
			break;
		if (c->rate > 0) {
			uint64_t at = start + (uint64_t)(seq / c->rate * 1e9);

			if (at > now)
				sleep_ns(at - now);
			if (stop)
				break;
		}
		/* Make room if the kernel still holds slots. */
		while (vale_ring_space(tx) < nfrags) {
			err = vale_port_wait(p, POLLOUT, 100);
			if (err < 0 && err != -EINTR)
				die("poll on %s: %s", c->port, vale_strerror(err));
			if (stop)
				goto out;
		}
		t0 = now_ns();
		pl.magic = htonl(PAY_MAGIC);
		pl.seq = htonl(seq);
		pl.ts_ns = t0;
		memcpy(frame + HDR_LEN, &pl, sizeof(pl));
		frame_udp4_csum(frame, c->len);
		err = vale_ring_send(tx, frame, c->len);
		if (err < 0)
			die("tx on %s: %s", c->port, vale_strerror(err));
		err = vale_port_sync_tx_ring(p, 0);
		res->syncs++;
		if (err)
			die("tx sync on %s: %s", c->port, vale_strerror(err));
		res->packets++;
		res->bytes += c->len;

		deadline = t0 + tmo;
		while (!got && !stop) {
			ssize_t n;

			now = now_ns();
			if (now >= deadline)
				break;
			err = vale_port_wait(p, POLLIN,
					     (deadline - now + 999999) / 1000000);
			if (err < 0 && err != -EINTR)
				die("poll on %s: %s", c->port, vale_strerror(err));
			while ((n = vale_ring_recv(rx, in, MAX_LEN)) != -EAGAIN) {
				struct payload rp;

				now = now_ns();
				if (n < (ssize_t)(HDR_LEN + sizeof(rp))) {
					res->ignored++;
					continue;
				}
				memcpy(&rp, in + HDR_LEN, sizeof(rp));
				if (rp.magic != htonl(PAY_MAGIC) ||
				    rp.seq != htonl(seq) || got) {
					res->ignored++;
					continue;
				}
				if (samples_add(&res->rtt, now - t0))
					die("out of memory for RTT samples");
				got = true;
			}
		}
		if (!got && !stop)
			res->lost++;
		now = now_ns();
	}
out:
	vale_port_sync_rx_ring(p, 0);
	res->seconds = (now_ns() - start) / 1e9;
	free(in);
}
