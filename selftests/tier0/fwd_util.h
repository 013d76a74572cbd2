/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tier 0: switches and ports of kmod/fwd.c in plain malloc'd memory, for
 * fwd_test.c and bench_fwd.c.  A port's region is laid out by the kernel's
 * own vale_layout_compute() (param.c) and initialized as vale_mem_create()
 * does; the syncs are the kernel's vale_kring_txsync() and
 * vale_kring_rxsync(), so a test that includes this names kmod/sync.c in
 * its tier0-sources line.
 */
#ifndef _VALE_TIER0_FWD_UTIL_H
#define _VALE_TIER0_FWD_UTIL_H

#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/barrier.h>

#include "fwd.h"
#include "port.h"
#include "switch.h"
#include "param.h"
#include "ring.h"

static inline struct vale_switch *t0_switch_new(u32 batch)
{
	struct vale_switch *sw = calloc(1, sizeof(*sw));

	if (!sw)
		abort();
	INIT_LIST_HEAD(&sw->port_list);
	sw->batch = batch;
	sw->lookup = vale_lookup_learn;
	sw->lookup_priv = &sw->mac;
	return sw;
}

static inline void t0_init_ring(struct vale_ring *ring,
				const struct vale_layout *lay, u32 id, bool tx,
				u32 first_buf)
{
	u32 j;

	ring->tail = tx ? lay->num_slots - 1 : 0;
	ring->num_slots = lay->num_slots;
	ring->buf_size = lay->buf_size;
	ring->ring_id = id;
	ring->flags = tx ? VALE_RING_TX : VALE_RING_RX;
	for (j = 0; j < lay->num_slots; j++)
		ring->slot[j].buf_idx = first_buf + j;
}

/* Port @idx of @sw; zero geometry fields take the kernel's defaults. */
static inline struct vale_port *t0_port_new(struct vale_switch *sw, u16 idx,
					    u32 ntx, u32 nrx, u32 slots,
					    u32 buf_size)
{
	struct vale_register req = {
		.version = VALE_API_VERSION,
		.num_tx_rings = ntx, .num_rx_rings = nrx,
		.num_slots = slots, .buf_size = buf_size,
	};
	struct vale_port *p = calloc(1, sizeof(*p));
	struct vale_layout lay;
	u32 i, buf = 0;

	if (!p || vale_layout_compute(&req, &lay))
		abort();
	p->mem.lay = lay;
	p->mem.base = aligned_alloc(PAGE_SIZE, lay.region_size);
	if (!p->mem.base)
		abort();
	memset(p->mem.base, 0, lay.region_size);
	p->num_tx = lay.num_tx_rings;
	p->num_rx = lay.num_rx_rings;
	p->tx = calloc(p->num_tx, sizeof(*p->tx));
	p->rx = calloc(p->num_rx, sizeof(*p->rx));
	if (!p->tx || !p->rx)
		abort();
	init_waitqueue_head(&p->wq);
	INIT_LIST_HEAD(&p->node);
	for (i = 0; i < p->num_tx; i++, buf += lay.num_slots) {
		struct vale_kring *kr = &p->tx[i];

		kr->id = i;
		kr->ring = vale_mem_tx_ring(&p->mem, i);
		t0_init_ring(kr->ring, &lay, i, true, buf);
		mutex_init(&kr->sync_lock);
		spin_lock_init(&kr->lock);
		vale_ring_init_tx(&kr->st, lay.num_slots);
		kr->scratch = vale_fwd_scratch_alloc();
		if (!kr->scratch)
			abort();
	}
	for (i = 0; i < p->num_rx; i++, buf += lay.num_slots) {
		struct vale_kring *kr = &p->rx[i];
		u32 *leases = calloc(lay.num_slots, sizeof(u32));

		if (!leases)
			abort();
		kr->id = i;
		kr->ring = vale_mem_rx_ring(&p->mem, i);
		t0_init_ring(kr->ring, &lay, i, false, buf);
		mutex_init(&kr->sync_lock);
		spin_lock_init(&kr->lock);
		vale_ring_init_rx(&kr->st, lay.num_slots, leases);
	}
	p->sw = sw;
	p->idx = idx;
	rcu_assign_pointer(sw->ports[idx], p);
	if (idx + 1u > sw->max_idx)
		sw->max_idx = idx + 1;
	sw->nports++;
	return p;
}

static inline void t0_port_free(struct vale_port *p)
{
	u32 i;

	if (!p)
		return;
	if (p->sw && rcu_access_pointer(p->sw->ports[p->idx]) == p)
		RCU_INIT_POINTER(p->sw->ports[p->idx], NULL);
	for (i = 0; i < p->num_tx; i++)
		vale_fwd_scratch_free(p->tx[i].scratch);
	for (i = 0; i < p->num_rx; i++)
		free(p->rx[i].st.leases);
	free(p->tx);
	free(p->rx);
	free(p->mem.base);
	free(p);
}

/*
 * Queue one packet of @len bytes on tx ring @r at head, split over slots
 * of buf_size (MOREFRAG on all but the last), and move head and cur.
 * Returns the number of slots used, or 0 when there is no room.
 */
static inline u32 t0_queue(struct vale_port *p, u32 r, const u8 *data,
			   u32 len)
{
	struct vale_ring *ring = p->tx[r].ring;
	u32 n = ring->num_slots, bs = p->mem.lay.buf_size;
	u32 h = ring->head, used = 0, off = 0;

	do {
		struct vale_slot *s = &ring->slot[h];
		u32 c = len - off < bs ? len - off : bs;

		if (h == ring->tail)
			return 0;
		memcpy(vale_mem_buf(&p->mem, s->buf_idx), data + off, c);
		s->len = c;
		off += c;
		s->flags = off < len ? VALE_SLOT_MOREFRAG : 0;
		h = vale_ring_next(h, n);
		used++;
	} while (off < len);
	ring->head = h;
	ring->cur = h;
	return used;
}

/* Tx sync of ring @r, the kernel's own (sync.c): forward [hwcur, head). */
static inline int t0_txsync(struct vale_port *p, u32 r)
{
	bool ready;

	return vale_kring_txsync(p, &p->tx[r], &ready);
}

/* Rx sync of ring @r, the kernel's own (sync.c): reclaim, refresh tail. */
static inline int t0_rxsync(struct vale_port *p, u32 r)
{
	bool ready;

	return vale_kring_rxsync(&p->rx[r], &ready);
}

/* Slots the user owns on rx ring @r (between head and tail). */
static inline u32 t0_rx_pending(struct vale_port *p, u32 r)
{
	struct vale_ring *ring = p->rx[r].ring;

	return vale_ring_dist(ring->head, ring->tail, ring->num_slots);
}

/*
 * Take one packet from rx ring @r into @out (at most @max bytes kept),
 * release its slots and sync.  Returns its length, or -1 when the ring
 * holds no complete packet.  *nslots: slots it used; *lens: their lengths.
 */
static inline int t0_recv(struct vale_port *p, u32 r, u8 *out, u32 max,
			  u32 *nslots, u32 *lens)
{
	struct vale_ring *ring = p->rx[r].ring;
	u32 h = ring->head, tail = ring->tail, len = 0, ns = 0;
	struct vale_slot *s;

	do {
		if (h == tail)
			return -1;
		s = &ring->slot[h];
		if (s->buf_idx < p->mem.lay.num_bufs && len + s->len <= max)
			memcpy(out + len, vale_mem_buf(&p->mem, s->buf_idx),
			       s->len);
		if (lens)
			lens[ns] = s->len;
		len += s->len;
		ns++;
		h = vale_ring_next(h, ring->num_slots);
	} while (s->flags & VALE_SLOT_MOREFRAG);
	ring->head = h;
	ring->cur = h;
	if (nslots)
		*nslots = ns;
	t0_rxsync(p, r);
	return len;
}

/* Release every received slot of every rx ring of @p. */
static inline void t0_rx_flush(struct vale_port *p)
{
	u32 r;

	for (r = 0; r < p->num_rx; r++) {
		struct vale_ring *ring = p->rx[r].ring;

		ring->head = ring->tail;
		ring->cur = ring->tail;
		t0_rxsync(p, r);
	}
}

/* An Ethernet frame of @len bytes: dst, src, ethertype, tag, pattern. */
static inline void t0_frame(u8 *f, u64 dst, u64 src, u32 len, u32 tag)
{
	u32 i;

	for (i = 0; i < 6 && i < len; i++)
		f[i] = dst >> (40 - 8 * i);
	for (i = 0; i < 6 && 6 + i < len; i++)
		f[6 + i] = src >> (40 - 8 * i);
	if (len >= 14) {
		f[12] = 0x88;
		f[13] = 0xb5;
	}
	if (len >= 18)
		memcpy(f + 14, &tag, sizeof(tag));
	for (i = 18; i < len; i++)
		f[i] = (u8)(i * 7 + tag);
}

#define T0_MAC_BCAST	0xffffffffffffULL
#define T0_MAC_MCAST	0x01005e000001ULL
#define T0_MAC(n)	(0x020000000000ULL | (n))

#endif /* _VALE_TIER0_FWD_UTIL_H */
