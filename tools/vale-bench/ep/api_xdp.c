// SPDX-License-Identifier: GPL-2.0
/*
 * The xdp API: an AF_XDP socket on --dev queue --queue through libxdp's
 * <xdp/xsk.h> (Debian's libxdp-dev); libxdp loads its default program,
 * which redirects the queue's frames to the socket.  Copy mode (veth has
 * no zero-copy).  UMEM: NFRAMES frames of FRAME bytes; the first half is
 * lent to the kernel through the fill ring for receiving, the second half
 * is a stack of free transmit frames that the completion ring refills.
 * Received frames are read in the UMEM and given back (fill ring) at the
 * next receive, so they stay valid until then.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <xdp/xsk.h>

#include "ep.h"

#define NFRAMES		4096
#define FRAME		XSK_UMEM__DEFAULT_FRAME_SIZE
#define RX_FRAMES	(NFRAMES / 2)
#define XDP_MAX_LEN	(FRAME - 256)	/* the kernel keeps XDP headroom */

struct xdp_ep {
	uint8_t *area;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	uint64_t free_tx[NFRAMES - RX_FRAMES];
	unsigned int nfree;
	uint64_t held[EP_RX_BATCH];	/* frames of the last receive */
	unsigned int nheld;
	bool warned;
};

static int xdp_fail(struct ep *e, const char *what, int err)
{
	snprintf(e->msg, sizeof(e->msg), "%s: %s (needs a kernel with "
		 "AF_XDP and BPF, root, and bpffs on /sys/fs/bpf)", what,
		 strerror(err < 0 ? -err : err));
	return EP_EXIT_UNAVAIL;
}

static int xdp_open(struct ep *e)
{
	struct xsk_socket_config cfg = {
		.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		.bind_flags = XDP_COPY,
	};
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	bool rx = e->o->role != EP_SEND;
	struct xdp_ep *x = calloc(1, sizeof(*x));
	unsigned int i;
	uint32_t idx;
	int err;

	if (!x)
		return EP_EXIT_RUNTIME;
	e->priv = x;
	if (e->o->size > XDP_MAX_LEN) {
		snprintf(e->msg, sizeof(e->msg), "--size: at most %u for xdp",
			 XDP_MAX_LEN);
		return EP_EXIT_USAGE;
	}
	setrlimit(RLIMIT_MEMLOCK, &unlimited);	/* kernels before memcg */
	x->area = mmap(NULL, (size_t)NFRAMES * FRAME, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x->area == MAP_FAILED) {
		x->area = NULL;
		return EP_EXIT_RUNTIME;
	}
	err = xsk_umem__create(&x->umem, x->area, (uint64_t)NFRAMES * FRAME,
			       &x->fill, &x->comp, NULL);
	if (err)
		return xdp_fail(e, "xsk_umem__create", err);
	err = xsk_socket__create(&x->xsk, e->o->dev, e->o->queue, x->umem,
				 rx ? &x->rx : NULL, &x->tx, &cfg);
	if (err)
		return xdp_fail(e, "xsk_socket__create", err);
	if (xsk_ring_prod__reserve(&x->fill, RX_FRAMES, &idx) != RX_FRAMES)
		return xdp_fail(e, "fill ring", ENOSPC);
	for (i = 0; i < RX_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&x->fill, idx + i) =
			(uint64_t)i * FRAME;
	xsk_ring_prod__submit(&x->fill, RX_FRAMES);
	for (i = RX_FRAMES; i < NFRAMES; i++)
		x->free_tx[x->nfree++] = (uint64_t)i * FRAME;
	return 0;
}

/* Transmit frames the kernel is done with go back on the stack. */
static void reclaim(struct xdp_ep *x)
{
	uint32_t idx, n = xsk_ring_cons__peek(&x->comp, NFRAMES, &idx), i;

	for (i = 0; i < n; i++)
		x->free_tx[x->nfree++] =
			*xsk_ring_cons__comp_addr(&x->comp, idx + i);
	xsk_ring_cons__release(&x->comp, n);
}

/*
 * Make the kernel transmit what the tx ring holds.  EAGAIN, EBUSY and
 * ENOBUFS mean "later"; anything else is said once on stderr, since the
 * frames then stay in the ring and are counted as dropped at the end.
 */
static void kick(struct xdp_ep *x)
{
	if (sendto(xsk_socket__fd(x->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
		return;
	if (errno == EAGAIN || errno == EBUSY || errno == ENOBUFS ||
	    errno == EINTR)
		return;
	if (!x->warned)
		fprintf(stderr, EP_PROG ": xdp: transmit kick: %m\n");
	x->warned = true;
}

/* Transmit frames not yet completed. */
static unsigned int in_flight(const struct xdp_ep *x)
{
	return NFRAMES - RX_FRAMES - x->nfree;
}

static int xdp_send(struct ep *e, struct ep_pkt *p, unsigned int n)
{
	struct xdp_ep *x = e->priv;
	unsigned int i;
	uint32_t idx;

	reclaim(x);
	if (n > x->nfree)
		n = x->nfree;
	n = xsk_ring_prod__reserve(&x->tx, n, &idx);
	for (i = 0; i < n; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&x->tx, idx + i);
		uint64_t addr = x->free_tx[--x->nfree];

		memcpy(xsk_umem__get_data(x->area, addr), p[i].data, p[i].len);
		d->addr = addr;
		d->len = p[i].len;
	}
	xsk_ring_prod__submit(&x->tx, n);
	kick(x);
	return n;
}

/*
 * Wait up to @ms for room; 0 is the end of a run: up to a second for the
 * kernel to complete every frame, those it did not are dropped.
 */
static int xdp_wait_tx(struct ep *e, int ms)
{
	struct xdp_ep *x = e->priv;
	struct pollfd pfd = { .fd = xsk_socket__fd(x->xsk), .events = POLLOUT };
	uint64_t end = ep_now() + 1000000000ull;
	int err = 0;

	kick(x);
	if (ms && poll(&pfd, 1, ms) < 0 && errno != EINTR)
		err = -errno;
	reclaim(x);
	while (!ms && in_flight(x) && ep_now() < end) {
		kick(x);
		poll(&pfd, 1, 1);
		reclaim(x);
	}
	if (!ms) {
		e->dropped += in_flight(x);
		x->nfree = NFRAMES - RX_FRAMES;	/* counted; never reused */
	}
	return err;
}

static int xdp_recv(struct ep *e, struct ep_pkt *p, unsigned int n, int ms)
{
	struct xdp_ep *x = e->priv;
	uint32_t idx, got, i;

	/* The last batch's frames go back to the kernel. */
	if (x->nheld) {
		if (xsk_ring_prod__reserve(&x->fill, x->nheld, &idx) !=
		    x->nheld)
			return -ENOSPC;	/* cannot be: the ring holds them all */
		for (i = 0; i < x->nheld; i++)
			*xsk_ring_prod__fill_addr(&x->fill, idx + i) =
				x->held[i];
		xsk_ring_prod__submit(&x->fill, x->nheld);
		xsk_ring_cons__release(&x->rx, x->nheld);
		x->nheld = 0;
	}
	if (n > EP_RX_BATCH)
		n = EP_RX_BATCH;
	got = xsk_ring_cons__peek(&x->rx, n, &idx);
	if (!got && ms) {
		struct pollfd pfd = { .fd = xsk_socket__fd(x->xsk),
				      .events = POLLIN };

		if (poll(&pfd, 1, ms) < 0 && errno != EINTR)
			return -errno;
		got = xsk_ring_cons__peek(&x->rx, n, &idx);
	} else if (!got && xsk_ring_prod__needs_wakeup(&x->fill)) {
		recvfrom(xsk_socket__fd(x->xsk), NULL, 0, MSG_DONTWAIT, NULL,
			 NULL);
	}
	for (i = 0; i < got; i++) {
		const struct xdp_desc *d =
			xsk_ring_cons__rx_desc(&x->rx, idx + i);

		p[i].data = xsk_umem__get_data(x->area, d->addr);
		p[i].len = d->len;
		x->held[i] = xsk_umem__extract_addr(d->addr);
	}
	x->nheld = got;
	return got;
}

static void xdp_close(struct ep *e)
{
	struct xdp_ep *x = e->priv;

	if (!x)
		return;
	if (x->xsk)
		xsk_socket__delete(x->xsk);
	if (x->umem)
		xsk_umem__delete(x->umem);
	if (x->area)
		munmap(x->area, (size_t)NFRAMES * FRAME);
	free(x);
}

const struct ep_api ep_api_xdp = {
	.l2 = true,
	.open = xdp_open,
	.send = xdp_send,
	.recv = xdp_recv,
	.wait_tx = xdp_wait_tx,
	.close = xdp_close,
};
