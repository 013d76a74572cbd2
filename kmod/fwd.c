// SPDX-License-Identifier: GPL-2.0
/*
 * vale: batched forwarding, VALE's stages.
 *
 *  1. gather: up to batch slots of the sender's tx ring are read once and
 *     validated into a private array of packets and fragments (ring.c);
 *     the packet headers are prefetched.
 *  2. lookup: the switch's lookup function gives every packet a
 *     destination; packets are chained per destination port (unicast
 *     lists) or into one broadcast list, in ring order.
 *  3. per destination with packets: under its rx ring lock, count what
 *     fits and reserve that many slots (a lease); unlock; copy the packets
 *     into the receiver's buffers; lock again and publish the lease in
 *     order (ring.c).  Senders to one destination copy concurrently.
 *
 * Stages 2 and 3 run in one RCU read-side section: every destination port
 * found in the switch's table stays allocated until it ends.  All copies
 * go from the sender's region to the receiver's region, both kernel
 * (vmalloc) memory, so nothing here faults or sleeps.
 *
 * This file is also built in user space (Tier 0: selftests/tier0/fwd_test.c
 * and the instruction-count benchmark bench_fwd.c) against the shims in
 * selftests/tier0/shim/: locks become pthread mutexes, RCU and
 * cond_resched() no-ops, wake-ups counters.  Include only what the shims
 * provide; the kernel build is unchanged.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/prefetch.h>
#include <linux/rcupdate.h>
#include <linux/poll.h>
#include <asm/barrier.h>

#include "fwd.h"
#include "port.h"
#include "switch.h"
#include "ring.h"

#define VALE_NIL	0xffff

/* Per tx ring, used under its sync_lock only. */
struct vale_fwd_scratch {
	struct vale_frag frags[VALE_MAX_BATCH + VALE_MAX_FRAGS - 1];
	struct vale_pkt pkts[VALE_MAX_BATCH];
	u16 dst_head[VALE_SW_MAX_PORTS];	/* VALE_NIL between batches */
	u16 dst_tail[VALE_SW_MAX_PORTS];
	u16 active[VALE_SW_MAX_PORTS];
};

struct vale_fwd_scratch *vale_fwd_scratch_alloc(void)
{
	struct vale_fwd_scratch *s;
	u32 i;

	s = kvmalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return NULL;
	for (i = 0; i < VALE_SW_MAX_PORTS; i++)
		s->dst_head[i] = VALE_NIL;
	return s;
}

void vale_fwd_scratch_free(struct vale_fwd_scratch *s)
{
	kvfree(s);
}

/* Next packet of the merge of a unicast and the broadcast list. */
static u16 vale_fwd_next(const struct vale_fwd_scratch *s, u16 *u, u16 *b)
{
	u16 i;

	if (*u < *b) {
		i = *u;
		*u = s->pkts[i].next;
	} else {
		i = *b;
		if (i != VALE_NIL)
			*b = s->pkts[i].next;
	}
	return i;
}

static u32 vale_fwd_list_len(const struct vale_fwd_scratch *s, u16 i)
{
	u32 n = 0;

	for (; i != VALE_NIL; i = s->pkts[i].next)
		n++;
	return n;
}

/*
 * Copy one packet into rx slots from @j on; returns the slot after it.
 * The receiver owns its rx slots' buf_idx (it may swap buffers): read it
 * once and check it against the receiver's pool.  A bad one gets len 0 and
 * is counted in *bad.
 */
static u32 vale_fwd_copy(const struct vale_mem *smem,
			 const struct vale_fwd_scratch *s,
			 const struct vale_pkt *p, const struct vale_port *dst,
			 struct vale_kring *rk, u32 j, u32 *bad)
{
	const struct vale_frag *f = &s->frags[p->frag];
	u32 bsize = dst->mem.lay.buf_size;
	u32 left = p->len, foff = 0;

	while (left) {
		struct vale_slot *slot = &rk->ring->slot[j];
		u32 idx = READ_ONCE(slot->buf_idx);
		u32 chunk = min(left, bsize);
		u8 *d = NULL;
		u32 c;

		if (idx < dst->mem.lay.num_bufs)
			d = vale_mem_buf(&dst->mem, idx);
		else
			(*bad)++;
		for (c = chunk; c;) {
			u32 k = min(c, f->len - foff);

			if (d) {
				memcpy(d, vale_mem_buf(smem, f->buf_idx) +
				       foff, k);
				d += k;
			}
			foff += k;
			c -= k;
			if (foff == f->len) {
				f++;
				foff = 0;
			}
		}
		left -= chunk;
		WRITE_ONCE(slot->len, d ? chunk : 0);
		WRITE_ONCE(slot->flags, left ? VALE_SLOT_MOREFRAG : 0);
		j = vale_ring_next(j, rk->st.num_slots);
	}
	return j;
}

/*
 * Stage 3 for a netdev port: one skb per packet, queued on src->xmitq and
 * sent by the caller once it holds no lock (netdev.c).
 */
static void vale_fwd_to_netdev(const struct vale_fwd_src *src,
			       struct vale_port *dst, u16 uc, u16 bc)
{
	const struct vale_fwd_scratch *s = src->s;
	u16 u = uc, b = bc, i;

	while ((i = vale_fwd_next(s, &u, &b)) != VALE_NIL) {
		const struct vale_pkt *p = &s->pkts[i];

		vale_netdev_send(dst, src->xmitq, src->mem,
				 &s->frags[p->frag], p->len);
	}
}

/*
 * Stage 3 for one destination: the packets of unicast list @uc merged (in
 * ring order) with broadcast list @bc.  Called under rcu_read_lock().
 */
static void vale_fwd_deliver(const struct vale_fwd_src *src,
			     struct vale_port *dst, u16 uc, u16 bc)
{
	const struct vale_fwd_scratch *s = src->s;
	struct vale_kring *rk;
	u32 bsize = dst->mem.lay.buf_size;
	u32 maxs, room, need = 0, taken = 0, too_long = 0, full = 0, bad = 0;
	u32 start, lease, j, left;
	u16 u = uc, b = bc, i;
	u64 bytes = 0;
	bool moved;

	if (unlikely(dst->nd)) {
		vale_fwd_to_netdev(src, dst, uc, bc);
		return;
	}
	rk = &dst->rx[src->ring_id % dst->num_rx];
	maxs = min_t(u32, VALE_MAX_FRAGS, rk->st.num_slots - 1);
	spin_lock_bh(&rk->lock);
	room = vale_rx_room(&rk->st);
	while ((i = vale_fwd_next(s, &u, &b)) != VALE_NIL) {
		u32 ns = DIV_ROUND_UP(s->pkts[i].len, bsize);

		if (ns > maxs) {
			too_long++;
		} else if (full || need + ns > room) {
			full++;		/* keep order: drop the rest */
		} else {
			need += ns;
			taken++;
			bytes += s->pkts[i].len;
		}
	}
	rk->stats.drop_too_long += too_long;
	rk->stats.drop_ring_full += full;
	if (!taken) {
		spin_unlock_bh(&rk->lock);
		return;
	}
	lease = vale_lease_reserve(&rk->st, need, &start);
	spin_unlock_bh(&rk->lock);

	/* Copy outside the lock: same decisions as above, in order. */
	u = uc;
	b = bc;
	j = start;
	for (left = taken; left;) {
		i = vale_fwd_next(s, &u, &b);
		if (DIV_ROUND_UP(s->pkts[i].len, bsize) > maxs)
			continue;
		j = vale_fwd_copy(src->mem, s, &s->pkts[i], dst, rk, j, &bad);
		left--;
	}

	spin_lock_bh(&rk->lock);
	rk->stats.packets += taken;
	rk->stats.bytes += bytes;
	rk->stats.drop_bad_slot += bad;
	moved = vale_lease_publish(&rk->st, lease, start, j);
	if (moved)	/* slot writes before the new tail */
		smp_store_release(&rk->ring->tail, rk->st.hwtail);
	spin_unlock_bh(&rk->lock);
	if (moved)
		wake_up_interruptible_poll(&dst->wq, EPOLLIN | EPOLLRDNORM);
}

/*
 * Stages 2 and 3 for one gathered batch.  Called under rcu_read_lock().
 * Returns the number of packets without a destination.
 */
static u32 vale_fwd_batch(const struct vale_fwd_src *fs, u32 npkts)
{
	struct vale_fwd_scratch *s = fs->s;
	struct vale_switch *sw = fs->sw;
	vale_lookup_fn lookup = READ_ONCE(sw->lookup);
	void *priv = sw->lookup_priv;
	u16 src = fs->idx, bhead = VALE_NIL, btail = VALE_NIL, d;
	u32 i, nactive = 0, no_dest = 0, max;
	struct vale_port *dp;

	for (i = 0; i < npkts; i++) {
		struct vale_pkt *p = &s->pkts[i];
		const struct vale_frag *f = &s->frags[p->frag];

		d = lookup(priv, vale_mem_buf(fs->mem, f->buf_idx), f->len,
			   src);
		p->dst = d;
		p->next = VALE_NIL;
		if (d == VALE_DST_BCAST) {
			if (bhead == VALE_NIL)
				bhead = i;
			else
				s->pkts[btail].next = i;
			btail = i;
		} else if (d >= VALE_SW_MAX_PORTS || d == src) {
			no_dest++;
		} else {
			if (s->dst_head[d] == VALE_NIL) {
				s->dst_head[d] = i;
				s->active[nactive++] = d;
			} else {
				s->pkts[s->dst_tail[d]].next = i;
			}
			s->dst_tail[d] = i;
		}
	}

	if (bhead == VALE_NIL) {
		for (i = 0; i < nactive; i++) {
			d = s->active[i];
			dp = rcu_dereference(sw->ports[d]);
			if (dp)
				vale_fwd_deliver(fs, dp, s->dst_head[d],
						 VALE_NIL);
			else
				no_dest += vale_fwd_list_len(s, s->dst_head[d]);
		}
	} else {
		/* Flood: every port but the source, in index order. */
		max = min_t(u32, READ_ONCE(sw->max_idx), VALE_SW_MAX_PORTS);
		for (d = 0; d < max; d++) {
			if (d == src)
				continue;
			dp = rcu_dereference(sw->ports[d]);
			if (dp)
				vale_fwd_deliver(fs, dp, s->dst_head[d],
						 bhead);
			else
				no_dest += vale_fwd_list_len(s, s->dst_head[d]);
		}
		for (i = 0; i < nactive; i++)
			if (s->active[i] >= max)
				no_dest += vale_fwd_list_len(s,
						s->dst_head[s->active[i]]);
	}

	for (i = 0; i < nactive; i++)
		s->dst_head[s->active[i]] = VALE_NIL;
	return no_dest;
}

u32 vale_fwd_frame(const struct vale_fwd_src *fs, u32 len)
{
	struct vale_fwd_scratch *s = fs->s;

	s->frags[0].buf_idx = 0;
	s->frags[0].len = len;
	s->pkts[0].len = len;
	s->pkts[0].frag = 0;
	s->pkts[0].nfrags = 1;
	return vale_fwd_batch(fs, 1);
}

void vale_fwd_txsync(struct vale_port *port, struct vale_kring *kr, u32 head)
{
	struct vale_fwd_scratch *s = kr->scratch;
	struct vale_gather g = {
		.slots = kr->ring->slot,
		.num_slots = kr->st.num_slots,
		.num_bufs = port->mem.lay.num_bufs,
		.buf_size = port->mem.lay.buf_size,
		.frags = s->frags,
		.pkts = s->pkts,
	};
	struct sk_buff_head xmitq;
	struct vale_fwd_src fs = {
		.sw = port->sw,
		.mem = &port->mem,
		.s = s,
		.xmitq = &xmitq,
		.ring_id = kr->id,
		.idx = port->idx,
	};
	u32 cur = kr->st.hwcur, i;

	vale_netdev_queue_init(&xmitq);

	while (cur != head) {
		g.max_frags = clamp_t(u32, READ_ONCE(port->sw->batch), 1,
				      VALE_MAX_BATCH);
		cur = vale_gather(&g, cur, head);
		kr->stats.packets += g.npkts;
		kr->stats.bytes += g.bytes;
		kr->stats.drop_bad_slot += g.bad_slot;
		kr->stats.drop_bad_frag += g.bad_frag;
		if (g.npkts) {
			for (i = 0; i < g.npkts; i++) {
				u32 idx = s->frags[s->pkts[i].frag].buf_idx;

				prefetch(vale_mem_buf(&port->mem, idx));
			}
			rcu_read_lock();
			kr->stats.drop_no_dest += vale_fwd_batch(&fs, g.npkts);
			vale_netdev_xmit(&xmitq);
			rcu_read_unlock();
		}
		if (cur != head)
			cond_resched();
	}
}
