// SPDX-License-Identifier: GPL-2.0
/*
 * The vale API: one port of a vale switch through libvale.  Send copies
 * each burst into the tx ring with vale_ring_sendv() and syncs once;
 * receive describes packets in place with vale_ring_chain_peek() (a
 * packet of several slots is gathered into a bounce buffer) and gives the
 * slots back at the next receive, so frames stay valid in between.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvale.h>

#include "ep.h"

struct vale_ep {
	struct vale_handle *port;
	struct vale_port_ring *tx, *rx;
	uint8_t *bounce;	/* EP_RX_BATCH frames of EP_MAX_SIZE */
};

static int vale_open(struct ep *e)
{
	struct vale_ep *v = calloc(1, sizeof(*v));
	char name[128];
	int err;

	if (!v)
		return EP_EXIT_RUNTIME;
	if (strchr(e->o->vale, ':'))
		snprintf(name, sizeof(name), "%s", e->o->vale);
	else
		snprintf(name, sizeof(name), "%s:%s%d", e->o->vale,
			 ep_role_names[e->o->role], (int)getpid());
	v->bounce = malloc((size_t)EP_RX_BATCH * EP_MAX_SIZE);
	err = v->bounce ? vale_port_open(name, NULL, &v->port) : -ENOMEM;
	if (err) {
		snprintf(e->msg, sizeof(e->msg), "port %s: %s", name,
			 vale_strerror(err));
		free(v->bounce);
		free(v);
		/* No device node: vale.ko is not loaded here. */
		return err == -ENOENT || err == -ENODEV ? EP_EXIT_UNAVAIL :
							  EP_EXIT_RUNTIME;
	}
	v->tx = vale_port_tx_ring(v->port, 0);
	v->rx = vale_port_rx_ring(v->port, 0);
	e->priv = v;
	return 0;
}

static int vale_send(struct ep *e, struct ep_pkt *p, unsigned int n)
{
	struct vale_ep *v = e->priv;
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		struct iovec iov = { p[i].data, p[i].len };

		err = vale_ring_sendv(v->tx, &iov, 1, 0, p[i].len);
		if (err == -ENOBUFS)
			break;
		if (err < 0)
			return err;
	}
	err = vale_port_sync_tx_ring(v->port, 0);
	return err < 0 ? err : (int)i;
}

static int vale_wait_tx(struct ep *e, int ms)
{
	struct vale_ep *v = e->priv;
	int err;

	if (!ms)
		return vale_port_sync_tx_ring(v->port, 0);
	err = vale_port_wait(v->port, POLLOUT, ms);
	return err == -EINTR ? 0 : err < 0 ? err : 0;
}

static int vale_recv(struct ep *e, struct ep_pkt *p, unsigned int n,
		     int ms)
{
	struct vale_ep *v = e->priv;
	struct vale_chain c;
	unsigned int k = 0;
	int err;

	/* Gives back what the last call consumed, and looks for more. */
	if (ms && vale_ring_empty(v->rx)) {
		err = vale_port_wait(v->port, POLLIN, ms);
		if (err < 0 && err != -EINTR)
			return err;
	} else {
		err = vale_port_sync_rx_ring(v->port, 0);
		if (err < 0)
			return err;
	}
	while (k < n) {
		err = vale_ring_chain_peek(v->rx, &c);
		if (err == 0)
			break;
		if (err < 0) {
			vale_ring_chain_consume(v->rx, &c);
			continue;
		}
		if (c.nfrags == 1) {
			p[k].data = c.frag[0].iov_base;
		} else {
			uint8_t *b = v->bounce + (size_t)k * EP_MAX_SIZE;
			unsigned int i, off = 0;

			for (i = 0; i < c.nfrags && off < EP_MAX_SIZE; i++) {
				size_t l = c.frag[i].iov_len;

				if (l > EP_MAX_SIZE - off)
					l = EP_MAX_SIZE - off;
				memcpy(b + off, c.frag[i].iov_base, l);
				off += l;
			}
			p[k].data = b;
		}
		p[k++].len = c.len < EP_MAX_SIZE ? c.len : EP_MAX_SIZE;
		vale_ring_chain_consume(v->rx, &c);
	}
	return k;
}

static void vale_close(struct ep *e)
{
	struct vale_ep *v = e->priv;

	vale_port_close(v->port);
	free(v->bounce);
	free(v);
}

const struct ep_api ep_api_vale = {
	.l2 = true,
	.open = vale_open,
	.send = vale_send,
	.recv = vale_recv,
	.wait_tx = vale_wait_tx,
	.close = vale_close,
};
