// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vhost: the direct binding.  Two VM NICs naming the same pair are
 * joined back to back: a packet one guest transmits is copied straight
 * from its tx buffers into the other guest's rx buffers (one copy, no
 * switch).  When the peer has no rx buffer, the sender's queue waits for
 * up to BLOCK_MS (backpressure: the peer's rx kick resumes it); after that
 * packets are dropped and counted (tx_drops at the sender, rx_drops at the
 * peer) so that a guest that stopped reading cannot stall the other.
 */
#include <errno.h>

#include "vhost.h"

static int direct_forward(struct vm *vm, unsigned int qp, const struct iovec *segs,
			  unsigned int nseg, uint64_t skip, uint64_t len,
			  bool may_block, struct tx_batch *b)
{
	struct vm *peer = vm->peer;
	int q = peer && peer->conn_fd >= 0 ? rx_queue_for(peer, qp) : -1;
	int r;

	if (q < 0)
		return 1;
	r = rx_deliver(peer, q, segs, nseg, skip, len);
	if (r == 0 || r == -ENOBUFS) {
		/* one peer queue has staged entries at a time */
		if (b->touched && (b->touched != peer || b->touched_q != q))
			vq_flush(b->touched, &b->touched->vq[b->touched_q]);
		b->touched = peer;
		b->touched_q = q;
	}
	if (r == 0)
		return 0;
	if (r == -ENOBUFS && may_block) {
		vq_notify(peer, &peer->vq[q], true);
		return -ENOBUFS;
	}
	if (r == -ENOBUFS || r == -EMSGSIZE)
		peer->st.rx_drops++;
	return 1;
}

/* Publish what the batch put into the peer's rx queue. */
static void direct_tx_flush(struct vm *vm, struct tx_batch *b)
{
	struct vm *peer = b->touched;

	(void)vm;
	if (peer && peer->conn_fd >= 0 && !peer->vq[b->touched_q].broken)
		vq_flush(peer, &peer->vq[b->touched_q]);
}

/* New rx buffers: the peer's transmit queues waiting for them go on. */
static void direct_rx_kicked(struct vm *vm, unsigned int qi)
{
	unsigned int i;

	(void)qi;
	if (!vm->peer || vm->peer->conn_fd < 0)
		return;
	for (i = 1; i < MAX_VQ; i += 2)
		if (vm->peer->vq[i].blocked || vm->peer->vq[i].busy)
			tx_process(vm->peer, i);
}

static void direct_nop(struct vm *vm)
{
	(void)vm;
}

const struct binding_ops direct_binding = {
	.mode = "direct",
	.what = "direct pair",
	.connected = direct_nop,
	.disconnected = direct_nop,
	.forward = direct_forward,
	.tx_flush = direct_tx_flush,
	.rx_kicked = direct_rx_kicked,
};
