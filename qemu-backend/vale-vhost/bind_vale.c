// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vhost: the vale binding.  While the front-end is connected, the VM
 * NIC is a port of a vale switch (libvale), with one tx and one rx ring
 * per queue pair.  Guest packets are copied straight into the port's tx
 * slots and handed to the switch with one sync per batch; frames the
 * switch delivers are copied from the port's rx slots straight into guest
 * rx buffers.  A guest out of rx buffers leaves them waiting in the vale
 * ring (backpressure up to the switch, which drops and counts only when
 * that ring is full).
 */
#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>

#include "vhost.h"

/*
 * Guest tx queue pair @qp goes out on tx ring @qp of the port (one ring per
 * pair: see vale_connected()).  A full ring is synced once, then the packet
 * is dropped: vale never waits for a receiver.
 */
static int vale_forward(struct vm *vm, unsigned int qp, const struct iovec *segs,
			unsigned int nseg, uint64_t skip, uint64_t len,
			bool may_block, struct tx_batch *b)
{
	unsigned int nr;
	struct vale_port_ring *ring;
	int r;

	(void)may_block;
	(void)b;
	if (!vm->port)
		return 1;
	nr = vale_port_num_tx_rings(vm->port);
	ring = vale_port_tx_ring(vm->port, qp % (nr ? nr : 1));
	if (!ring)
		return 1;
	/* guest buffers go straight into the slots (no sync) */
	r = vale_ring_sendv(ring, segs, nseg, skip, len);
	if (r == -ENOBUFS) {
		vale_port_sync_tx(vm->port);
		r = vale_ring_sendv(ring, segs, nseg, skip, len);
	}
	return r > 0 ? 0 : 1;
}

/* One sync per batch hands everything it queued to the switch. */
static void vale_tx_flush(struct vm *vm, struct tx_batch *b)
{
	(void)b;
	if (vm->port)
		vale_port_sync_tx(vm->port);
}

/*
 * Hand the packet at cur of vale rx ring @r to rx queue @q of @vm (-1: no
 * queue running), copying from the port's buffers straight into the
 * guest's.  Returns 1 when a packet was consumed (delivered or dropped), 0
 * when the ring holds no complete packet, -ENOBUFS when the guest has no
 * room: the packet then stays at cur, for the guest's next rx kick.
 */
static int port_rx_one(struct vm *vm, struct vale_port_ring *r, int q)
{
	static struct vale_chain c;
	int ret = vale_ring_chain_peek(r, &c);

	if (ret == 0)
		return 0;
	if (ret < 0 || !c.len || q < 0) {
		vm->st.rx_drops++;
	} else {
		ret = rx_deliver(vm, q, c.frag, c.nfrags, 0, c.len);
		if (ret == -ENOBUFS)
			return -ENOBUFS;
		if (ret)
			vm->st.rx_drops++;
	}
	vale_ring_chain_consume(r, &c);
	return 1;
}

/*
 * vale port -> guest.  The port has one rx ring per queue pair; ring r
 * feeds rx queue pair r (pair 0 while the guest has not enabled pair r),
 * so a flow the switch keeps on one ring stays on one guest queue.  When
 * the guest runs out of rx buffers, what it cannot take waits in the vale
 * ring (and the switch drops, counting drop_ring_full at the port, once
 * that is full too): vale-vhost asks for a kick and carries on when the
 * guest adds buffers (rx_kicked()).  The port fd is edge-triggered, so a
 * ring left waiting does not wake the loop again until new frames arrive.
 */
void port_rx(struct vm *vm)
{
	unsigned int r, nr, consumed = 0;

	if (!vm->port)
		return;
	nr = vale_port_num_rx_rings(vm->port);
	for (r = 0; r < nr; r++) {
		struct vale_port_ring *ring = vale_port_rx_ring(vm->port, r);
		int q = rx_queue_for(vm, r), ret;

		if (!ring)
			continue;
		while ((ret = port_rx_one(vm, ring, q)) == 1)
			consumed++;
		if (ret == -ENOBUFS) {
			/* publish what went in, then wait for buffers, unless
			 * the guest added some meanwhile
			 */
			vq_flush(vm, &vm->vq[q]);
			vq_notify(vm, &vm->vq[q], true);
			while ((ret = port_rx_one(vm, ring, q)) == 1)
				consumed++;
		}
		if (q >= 0 && !vm->vq[q].broken)
			vq_flush(vm, &vm->vq[q]);
	}
	/* give the consumed slots back; a guest's rx kick often finds none */
	if (consumed)
		vale_port_sync_rx(vm->port);
}

static void vale_rx_kicked(struct vm *vm, unsigned int qi)
{
	(void)qi;
	port_rx(vm);
}

static void vale_connected(struct vm *vm)
{
	/* a tx and an rx ring per queue pair: see vale_forward(), port_rx() */
	VALE_PORT_OPTS(po, .num_tx_rings = vm->max_qp, .num_rx_rings = vm->max_qp);
	int r = vale_port_open(vm->target, &po, &vm->port);

	if (r) {
		vm_error(vm, "cannot open vale port %s: %s", vm->target,
			 vale_strerror(r));
		vm->port = NULL;
	} else {
		vm->ev_port = (struct ev){ EV_PORT, vm, 0 };
		/* edge-triggered: see port_rx() */
		ep_add(vale_port_fd(vm->port), &vm->ev_port, EPOLLIN | EPOLLET);
	}
}

static void vale_disconnected(struct vm *vm)
{
	if (vm->port) {
		/* nothing queued for a guest that is gone */
		vale_port_close(vm->port);
		vm->port = NULL;
		if (vm->ev_port.vm)
			vm->ev_port.vm = NULL;
	}
}

const struct binding_ops vale_binding = {
	.mode = "vale",
	.what = "vale port",
	.connected = vale_connected,
	.disconnected = vale_disconnected,
	.forward = vale_forward,
	.tx_flush = vale_tx_flush,
	.rx_kicked = vale_rx_kicked,
};
