// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vhost: virtio-net on top of the virtqueues.  Transmit: drain a tx
 * queue in batches, strip the virtio-net header and hand each packet to the
 * VM's binding (bind_*.c).  Receive: put one packet into rx buffers, with
 * the header in front and, with VIRTIO_NET_F_MRG_RXBUF, spread over as many
 * buffers as it needs (num_buffers written back however the guest split
 * the header).  Copies go straight between guest buffers and the other
 * side's memory: no bounce buffer.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <linux/virtio_net.h>

#include "vhost.h"

/*
 * Copy @n bytes from @s at stream offset @off into segments @d.  Both
 * sides are walked once, with a cursor each: linear in the number of
 * segments however small they are (a chain of 1-byte buffers).
 */
void copy_to_segs(const struct src *s, uint64_t off, const struct iovec *d,
		  unsigned int nd, uint64_t n)
{
	unsigned int di = 0, si = 0;
	uint64_t doff = 0, hoff, so;

	/* header cursor (hoff == hdr_len: past it), payload cursor (si, so) */
	hoff = off < s->hdr_len ? off : s->hdr_len;
	so = (off < s->hdr_len ? 0 : off - s->hdr_len) + s->skip;
	while (si < s->nseg && so >= s->segs[si].iov_len)
		so -= s->segs[si++].iov_len;
	while (n) {
		const uint8_t *sp;
		uint64_t savail, davail, c;

		if (hoff < s->hdr_len) {
			sp = s->hdr + hoff;
			savail = s->hdr_len - hoff;
		} else {
			while (si < s->nseg && so == s->segs[si].iov_len) {
				si++;
				so = 0;
			}
			if (si == s->nseg)
				return;
			sp = (const uint8_t *)s->segs[si].iov_base + so;
			savail = s->segs[si].iov_len - so;
		}
		while (di < nd && doff == d[di].iov_len) {
			di++;
			doff = 0;
		}
		if (di == nd)
			return;
		davail = d[di].iov_len - doff;
		c = n < savail ? n : savail;
		if (c > davail)
			c = davail;
		memcpy((uint8_t *)d[di].iov_base + doff, sp, c);
		doff += c;
		if (hoff < s->hdr_len)
			hoff += c;
		else
			so += c;
		n -= c;
	}
}

/* Host address of byte @off of a segment list, NULL beyond its end. */
static uint8_t *seg_byte(const struct iovec *d, unsigned int nd, uint64_t off)
{
	unsigned int i;

	for (i = 0; i < nd; i++) {
		if (off < d[i].iov_len)
			return (uint8_t *)d[i].iov_base + off;
		off -= d[i].iov_len;
	}
	return NULL;
}

/*
 * Put one packet into rx queue @qi of @vm.  Returns 0, -ENOBUFS when the
 * guest has no room, -EMSGSIZE when a non-mergeable buffer is too small,
 * -EIO when the queue failed.  Used entries are staged (vq_flush publishes).
 */
int rx_deliver(struct vm *vm, unsigned int qi, const struct iovec *segs,
	       unsigned int nseg, uint64_t skip, uint64_t pkt_len)
{
	struct vq *vq = &vm->vq[qi];
	static struct iovec dsegs[MAX_SEGS];
	struct virtio_net_hdr_mrg_rxbuf h;
	struct src s = { .hdr = (const uint8_t *)&h, .hdr_len = vm->hdr_len,
			 .segs = segs, .nseg = nseg, .skip = skip };
	uint64_t need = vm->hdr_len + pkt_len, done = 0;
	bool mrg = has_feature(vm, VIRTIO_NET_F_MRG_RXBUF);
	uint16_t avail_idx, local = vq->last_avail, nbuf = 0;
	uint8_t *nb_lo = NULL, *nb_hi = NULL;
	int n;

	n = vq_avail(vm, vq, qi);
	if (n < 0)
		return -EIO;
	avail_idx = vq->last_avail + n;
	memset(&h, 0, sizeof(h));
	while (done < need) {
		uint16_t head;
		uint64_t total, c;
		int nd;

		if (local == avail_idx || (uint16_t)(vq->pending + nbuf) >= vq->num)
			return -ENOBUFS;
		head = __atomic_load_n(&vq->avail->ring[local & (vq->num - 1)],
				       __ATOMIC_RELAXED);
		nd = vq_chain(vm, vq, qi, head, true, dsegs, &total);
		if (nd < 0)
			return -EIO;
		if (nbuf == 0) {
			if (total < vm->hdr_len || (!mrg && total < need))
				return -EMSGSIZE;
		}
		local++;
		c = need - done < total ? need - done : total;
		if (nbuf == 0 && vm->hdr_len == sizeof(h)) {
			/* where num_buffers lands, however the header is split */
			size_t o = offsetof(struct virtio_net_hdr_mrg_rxbuf, num_buffers);

			nb_lo = seg_byte(dsegs, nd, o);
			nb_hi = seg_byte(dsegs, nd, o + 1);
		}
		copy_to_segs(&s, done, dsegs, nd, c);
		vq_stage_used(vq, nbuf, head, c);
		nbuf++;
		done += c;
	}
	if (nb_lo && nb_hi) {
		*nb_lo = nbuf & 0xff;
		*nb_hi = nbuf >> 8;
	}
	vq->last_avail = local;
	vq->pending += nbuf;
	vm->st.rx_packets++;
	vm->st.rx_bytes += pkt_len;
	vm->q_packets[qi]++;
	return 0;
}

/* Rx queue of @vm that traffic from tx queue pair @qp goes to, or -1. */
int rx_queue_for(struct vm *vm, unsigned int qp)
{
	unsigned int q = qp < vm->max_qp ? qp : 0;

	if (vq_ready(&vm->vq[2 * q]) && vm->vq[2 * q].enabled)
		return 2 * q;
	if (vq_ready(&vm->vq[0]) && vm->vq[0].enabled)
		return 0;
	return -1;
}

/* Drain tx queue @qi of @vm: at most BUDGET batches. */
void tx_process(struct vm *vm, unsigned int qi)
{
	struct vq *vq = &vm->vq[qi];
	static struct iovec segs[MAX_SEGS];
	struct tx_batch tb = { .touched = NULL, .touched_q = -1 };
	unsigned int b;
	uint64_t now = 0;

	vq_set_busy(vq, false);
	if (!vq_ready(vq) || !vm->nregions)
		return;
	for (b = 0; b < BUDGET; b++) {
		int n = vq_avail(vm, vq, qi), i;

		if (n < 0)
			goto out;
		if (n == 0) {
			vq_notify(vm, vq, true);
			n = vq_avail(vm, vq, qi);
			if (n <= 0)
				goto out;
		}
		vq_notify(vm, vq, false);
		if (n > BATCH)
			n = BATCH;
		for (i = 0; i < n; i++) {
			uint16_t head = __atomic_load_n(&vq->avail->ring[vq->last_avail & (vq->num - 1)],
							__ATOMIC_RELAXED);
			uint64_t total;
			int nseg = vq_chain(vm, vq, qi, head, false, segs, &total);

			if (nseg < 0)
				goto out;
			if (total < vm->hdr_len || total - vm->hdr_len > MAX_PKT ||
			    total == vm->hdr_len) {
				vm->st.tx_errors++;
				vm->st.tx_drops++;
			} else if (!vq->enabled) {
				vm->st.tx_drops++;
			} else {
				bool may_block;

				if (!now)
					now = now_ms();
				may_block = !vq->blocked || now - vq->blocked_since < BLOCK_MS;
				int r = vm->ops->forward(vm, qi / 2, segs, nseg, vm->hdr_len,
							 total - vm->hdr_len, may_block,
							 &tb);

				if (r == -ENOBUFS) {
					if (!vq->blocked) {
						vq->blocked = true;
						vq->blocked_since = now;
					}
					goto out;
				}
				if (r == 1)
					vm->st.tx_drops++;
				if (r == 0) {
					vq->blocked = false;
					vm->st.tx_packets++;
					vm->st.tx_bytes += total - vm->hdr_len;
					vm->q_packets[qi]++;
				}
			}
			vq_stage_used(vq, 0, head, 0);
			vq->pending++;
			vq->last_avail++;
		}
		vm->ops->tx_flush(vm, &tb);
		vq_flush(vm, vq);
	}
	vq_set_busy(vq, true);		/* more work: come back next turn */
out:
	vm->ops->tx_flush(vm, &tb);
	if (!vq->broken)
		vq_flush(vm, vq);
}

/* Guest @vm added rx buffers on @qi: resume whoever waits for them. */
void rx_kicked(struct vm *vm, unsigned int qi)
{
	struct vq *vq = &vm->vq[qi];

	if (vq_ready(vq))
		vq_notify(vm, vq, false);
	vm->ops->rx_kicked(vm, qi);
}
