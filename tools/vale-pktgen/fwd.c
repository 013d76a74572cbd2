// SPDX-License-Identifier: GPL-2.0
/*
 * vale-pktgen: the fwd role, a two-port forwarder (a network function of
 * a chain).  Packets that arrive on port A are sent out of port B and
 * those on B out of A, in ring order, up to a batch per direction and
 * sync.  Ports have pools of their own, so each packet is copied once:
 * vale_ring_chain_peek() describes it in place, vale_ring_sendv() copies
 * its fragments into the other port's tx ring.  A direction whose output
 * ring is full keeps its packets in the input ring (back-pressure into
 * the switch, which drops at that ring) and waits for POLLOUT.  Blocking
 * in poll(2) on both ports: a forwarder with nothing to do sleeps.
 */
#include <errno.h>
#include <poll.h>

#include "pktgen.h"

struct fwd_dir {
	struct vale_handle *in, *out;
	struct vale_port_ring *rx, *tx;
	struct fwd_count *cnt;
	bool stuck;	/* a packet waits for room in tx */
};

/* Move up to @batch packets of one direction; returns how many. */
static unsigned int fwd_move(struct fwd_dir *d, const struct cfg *c,
			     struct result *res)
{
	struct vale_chain ch;
	unsigned int n = 0;
	int st, err;

	d->stuck = false;
	while (n < c->batch && (st = vale_ring_chain_peek(d->rx, &ch)) != 0) {
		if (st > 0) {
			err = vale_ring_sendv(d->tx, ch.frag, ch.nfrags, 0,
					      ch.len);
			if (err == -ENOBUFS) {
				d->stuck = true;
				break;
			}
		} else {
			err = st;
		}
		vale_ring_chain_consume(d->rx, &ch);
		if (err < 0) {
			/* a bad slot, or too long for the other port */
			d->cnt->dropped++;
			continue;
		}
		d->cnt->packets++;
		d->cnt->bytes += ch.len;
		n++;
	}
	if (n) {
		err = vale_port_sync_tx_ring(d->out, 0);
		res->syncs++;
		if (err)
			die("tx sync on %s: %s", vale_port_name(d->out),
			    vale_strerror(err));
	}
	return n;
}

void run_fwd(struct vale_handle *a, struct vale_handle *b,
	     const struct cfg *c, struct result *res)
{
	struct fwd_dir dir[2] = {
		{ a, b, vale_port_rx_ring(a, 0), vale_port_tx_ring(b, 0),
		  &res->dir[0], false },
		{ b, a, vale_port_rx_ring(b, 0), vale_port_tx_ring(a, 0),
		  &res->dir[1], false },
	};
	uint64_t start, now, end = 0, first = 0, last = 0, idle_ns = 0;
	uint64_t idle_end = 0;

	start = now = now_ns();
	if (c->duration > 0)
		end = start + (uint64_t)(c->duration * 1e9);
	if (c->timeout > 0) {
		idle_ns = (uint64_t)(c->timeout * 1e9);
		idle_end = start + idle_ns;
	}
	while (!stop) {
		struct pollfd pfd[2];
		uint64_t t = now + 250000000ull;
		unsigned int moved;
		int ev, i;

		if ((end && now >= end) || (idle_end && now >= idle_end) ||
		    (c->count && res->packets >= c->count))
			break;
		/* Input of a direction unless it waits for its output. */
		for (i = 0; i < 2; i++) {
			pfd[i].fd = vale_port_fd(dir[i].in);
			pfd[i].events = (dir[i].stuck ? 0 : POLLIN) |
					(dir[1 - i].stuck ? POLLOUT : 0);
			pfd[i].revents = 0;
		}
		if (end && end < t)
			t = end;
		if (idle_end && idle_end < t)
			t = idle_end;
		ev = poll(pfd, 2, t > now ? (int)((t - now + 999999) / 1000000) : 0);
		now = now_ns();
		if (ev < 0 && errno != EINTR)
			die("poll: %s", vale_strerror(-errno));
		if (ev <= 0)
			continue;
		for (i = 0; i < 2; i++)
			if (pfd[i].revents & (POLLERR | POLLNVAL))
				die("poll on %s: error condition (revents 0x%x)",
				    vale_port_name(dir[i].in), pfd[i].revents);
		moved = fwd_move(&dir[0], c, res) + fwd_move(&dir[1], c, res);
		if (moved) {
			res->packets += moved;
			if (!first)
				first = now;
			last = now;
			if (idle_ns)
				idle_end = now + idle_ns;
		}
	}
	/* Release what was consumed. */
	vale_port_sync_rx_ring(a, 0);
	vale_port_sync_rx_ring(b, 0);
	res->bytes = res->dir[0].bytes + res->dir[1].bytes;
	if (res->packets > 1 && last > first)
		res->seconds = (last - first) / 1e9;
	else
		res->seconds = (now_ns() - start) / 1e9;
}
