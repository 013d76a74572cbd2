// SPDX-License-Identifier: GPL-2.0
/*
 * vale-pktgen: the receiving roles.  rx counts complete packets without
 * touching their buffers (vale_ring_chain_end()); pong copies each packet
 * out (vale_ring_recv()), turns it around and sends it back
 * (vale_ring_send()).  Both stop on the duration, the idle timeout or the
 * packet count.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "pktgen.h"

/*
 * Consume the complete packets at cur, count them; returns the number of
 * packets.  Stops before an unterminated MOREFRAG chain.
 */
static uint64_t rx_drain(struct vale_port_ring *r, struct result *res)
{
	uint32_t cur = vale_ring_cur(r), tail = vale_ring_tail(r);
	uint32_t done = cur, plen;
	uint64_t pkts = 0, bytes = 0;

	while (vale_ring_chain_end(r, done, tail, &done, &plen)) {
		pkts++;
		bytes += plen;
	}
	if (done != cur)
		vale_ring_advance(r, done);
	res->packets += pkts;
	res->bytes += bytes;
	return pkts;
}

static int poll_timeout(uint64_t now, uint64_t end, uint64_t idle_end)
{
	uint64_t t = now + 250000000ull;

	if (end && end < t)
		t = end;
	if (idle_end && idle_end < t)
		t = idle_end;
	return t > now ? (int)((t - now + 999999) / 1000000) : 0;
}

/*
 * The receiving roles' wait: -1 when the run is over (duration, idle
 * timeout or packet count reached), else what poll() reported (0: nothing
 * yet, wait again).  *now is refreshed after the wait.
 */
static int rx_wait(struct vale_handle *p, const struct cfg *c,
		   const struct result *res, uint64_t *now, uint64_t end,
		   uint64_t idle_end)
{
	int ev;

	if ((end && *now >= end) || (idle_end && *now >= idle_end) ||
	    (c->count && res->packets >= c->count))
		return -1;
	ev = vale_port_wait(p, POLLIN, poll_timeout(*now, end, idle_end));
	*now = now_ns();
	if (ev < 0 && ev != -EINTR)
		die("poll on %s: %s", c->port, vale_strerror(ev));
	return ev < 0 ? 0 : ev;
}

/*
 * The receiving roles' clocks: returns the start; *@end from the duration,
 * *@idle_ns from the idle timeout and *@idle_end its first expiry (0: none).
 */
static uint64_t rx_clocks(const struct cfg *c, uint64_t *end,
			  uint64_t *idle_ns, uint64_t *idle_end)
{
	uint64_t start = now_ns();

	*end = c->duration > 0 ? start + (uint64_t)(c->duration * 1e9) : 0;
	*idle_ns = c->timeout > 0 ? (uint64_t)(c->timeout * 1e9) : 0;
	*idle_end = *idle_ns ? start + *idle_ns : 0;
	return start;
}

void run_rx(struct vale_handle *p, const struct cfg *c, struct result *res)
{
	struct vale_port_ring *r = vale_port_rx_ring(p, 0);
	uint64_t start, now, end, first = 0, last = 0, idle_ns, idle_end;

	start = now = rx_clocks(c, &end, &idle_ns, &idle_end);
	while (!stop) {
		int ev;

		ev = rx_wait(p, c, res, &now, end, idle_end);
		if (ev < 0)
			break;
		if (!ev)
			continue;
		res->syncs++;	/* wake-ups, as pkt-gen's events */
		if (ev & (POLLERR | POLLNVAL))
			die("poll on %s: error condition (revents 0x%x)",
			    c->port, ev);
		if (rx_drain(r, res)) {
			if (!first)
				first = now;
			last = now;
			if (idle_ns)
				idle_end = now + idle_ns;
		}
	}
	/* Release what was consumed. */
	vale_port_sync_rx_ring(p, 0);
	if (res->packets > 1 && last > first)
		res->seconds = (last - first) / 1e9;
	else
		res->seconds = (now_ns() - start) / 1e9;
}

void run_pong(struct vale_handle *p, const struct cfg *c,
		     struct result *res)
{
	struct vale_port_ring *tx = vale_port_tx_ring(p, 0);
	struct vale_port_ring *rx = vale_port_rx_ring(p, 0);
	uint8_t *in = malloc(MAX_LEN);
	uint64_t start, now, end, idle_ns, idle_end;

	if (!in)
		die("out of memory");
	start = now = rx_clocks(c, &end, &idle_ns, &idle_end);
	while (!stop) {
		unsigned int sent = 0;
		ssize_t n;
		int ev;

		ev = rx_wait(p, c, res, &now, end, idle_end);
		if (ev < 0)
			break;
		if (!ev)
			continue;
		while ((n = vale_ring_recv(rx, in, MAX_LEN)) != -EAGAIN) {
			int err;

			if (n < HDR_LEN) {
				res->ignored++;
				continue;
			}
			/* Back to the sender, from us. */
			frame_turn_around(in, c->src);
			err = vale_ring_send(tx, in, n);
			if (err == -ENOBUFS) {
				vale_port_sync_tx_ring(p, 0);
				res->syncs++;
				err = vale_ring_send(tx, in, n);
			}
			if (err < 0) {
				res->lost++;
				continue;
			}
			res->packets++;
			res->bytes += n;
			sent++;
			if (c->count && res->packets >= c->count)
				break;
		}
		if (sent) {
			int err = vale_port_sync_tx_ring(p, 0);

			res->syncs++;
			if (err)
				die("tx sync on %s: %s", c->port, vale_strerror(err));
			if (idle_ns)
				idle_end = now + idle_ns;
		}
	}
	vale_port_sync_rx_ring(p, 0);
	res->seconds = (now_ns() - start) / 1e9;
	free(in);
}
