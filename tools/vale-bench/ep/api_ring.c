// SPDX-License-Identifier: GPL-2.0
/*
 * The ring API: AF_PACKET with a TPACKET_V3 receive ring mapped into
 * user space (frames are read where the kernel wrote them, a block at a
 * time); sending is raw-mmsg's sendmmsg() with the qdisc bypassed.  A
 * block is given back to the kernel at the receive after its last frame,
 * so frames stay valid until the next call.
 */
#include <errno.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "sock.h"

#define BLOCK_SIZE	(1u << 18)
#define BLOCK_NR	16
#define FRAME_SIZE	2048

struct ring {
	uint8_t *map;
	unsigned int blk;	/* current block */
	unsigned int left;	/* its frames not yet returned */
	bool held;		/* we own block blk */
	struct tpacket3_hdr *next;
};

static int ring_open(struct ep *e)
{
	struct tpacket_req3 req = {
		.tp_block_size = BLOCK_SIZE, .tp_block_nr = BLOCK_NR,
		.tp_frame_size = FRAME_SIZE,
		.tp_frame_nr = BLOCK_SIZE / FRAME_SIZE * BLOCK_NR,
		.tp_retire_blk_tov = 1,	/* ms: a quiet block is handed over */
	};
	int ver = TPACKET_V3, st = sock_open_packet(e, true);
	struct sock_ep *s = e->priv;
	struct ring *r;

	if (st || e->o->role == EP_SEND)
		return st;
	r = calloc(1, sizeof(*r));
	if (!r)
		return EP_EXIT_RUNTIME;
	s->ring = r;
	if (setsockopt(s->fd, SOL_PACKET, PACKET_VERSION, &ver, sizeof(ver)) ||
	    setsockopt(s->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req))) {
		snprintf(e->msg, sizeof(e->msg), "TPACKET_V3 ring: %m");
		return EP_EXIT_UNAVAIL;
	}
	r->map = mmap(NULL, (size_t)BLOCK_SIZE * BLOCK_NR,
		      PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		snprintf(e->msg, sizeof(e->msg), "mmap of the ring: %m");
		return EP_EXIT_RUNTIME;
	}
	return 0;
}

static struct tpacket_block_desc *block(struct ring *r)
{
	return (void *)(r->map + (size_t)r->blk * BLOCK_SIZE);
}

static bool block_ready(struct ring *r)
{
	return __atomic_load_n(&block(r)->hdr.bh1.block_status,
			       __ATOMIC_ACQUIRE) & TP_STATUS_USER;
}

static int ring_recv(struct ep *e, struct ep_pkt *p, unsigned int n, int ms)
{
	struct sock_ep *s = e->priv;
	struct ring *r = s->ring;
	struct tpacket_block_desc *bd;
	unsigned int k = 0;

	if (r->held && !r->left) {
		__atomic_store_n(&block(r)->hdr.bh1.block_status,
				 TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		r->held = false;
		r->blk = (r->blk + 1) % BLOCK_NR;
	}
	if (!r->held) {
		if (!block_ready(r)) {
			int w = ms ? sock_wait(e, POLLIN, ms) : 0;

			if (w < 0)
				return w;
			if (!block_ready(r))
				return 0;
		}
		bd = block(r);
		r->held = true;
		r->left = bd->hdr.bh1.num_pkts;
		r->next = (void *)((uint8_t *)bd +
				   bd->hdr.bh1.offset_to_first_pkt);
	}
	while (k < n && r->left) {
		struct tpacket3_hdr *h = r->next;

		p[k].data = (uint8_t *)h + h->tp_mac;
		p[k++].len = h->tp_snaplen;
		r->next = (void *)((uint8_t *)h + h->tp_next_offset);
		r->left--;
	}
	return k;
}

static void ring_close(struct ep *e)
{
	struct sock_ep *s = e->priv;
	struct ring *r = s ? s->ring : NULL;

	if (r && r->map)
		munmap(r->map, (size_t)BLOCK_SIZE * BLOCK_NR);
	free(r);
	sock_close(e);
}

const struct ep_api ep_api_ring = {
	.l2 = true,
	.open = ring_open,
	.send = sock_sendmmsg,
	.recv = ring_recv,
	.wait_tx = sock_wait_tx,
	.close = ring_close,
};
