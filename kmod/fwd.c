// SPDX-License-Identifier: GPL-2.0
/*
 * vale: batched forwarding, VALE's stages.
 *
 *  1. gather: up to batch slots of the sender's tx ring are read once and
 *     validated into a private array of packets and fragments (ring.h,
 *     ring.c); the packet headers are prefetched.
 *  2. lookup: every packet gets a destination (the learning bridge inline,
 *     or the switch's lookup function).  A batch with one destination is
 *     its own list in ring order; otherwise packets are chained per
 *     destination port (unicast lists, with counts) or into one broadcast
 *     list, in ring order.
 *     A port of a point-to-point pair with a fast path (port.h) skips
 *     the lookup: its batch is one list for its peer (vale_fwd_pair()).
 *  3. per destination with packets: under its rx ring lock, count what
 *     fits and reserve that many slots (a lease); unlock; copy the packets
 *     into the receiver's buffers; lock again and publish the lease in
 *     order (ring.h).  Senders to one destination copy concurrently.  When
 *     every packet takes one slot of the receiver (one fragment, not longer
 *     than its buffers) the counts of stage 2 decide under the lock and
 *     the list is walked once, to copy; small frames are copied inline.
 *
 * Stages 2 and 3 of a batch run in one RCU read-side section: every
 * destination port found in the switch's table stays allocated until it
 * ends.  All copies go from the sender's region to the receiver's region,
 * both kernel (vmalloc) memory, so nothing here faults or sleeps.  The
 * section is bounded: a tx sync's batches are cut so that even a flood
 * of a whole batch stays within VALE_FWD_SECTION_PKTS copies and about
 * VALE_FWD_SECTION_BYTES bytes (vale_fwd_max_frags()), and cond_resched()
 * runs between batches, outside any section.  Nothing crosses from one
 * section to the next: each batch looks up and dereferences its ports
 * afresh, so no port needs to stay alive across the gap, and a port index
 * freed and reused in between is never given another port's packets.
 *
 * This file is also built in user space (Tier 0: selftests/tier0/fwd_test.c,
 * fwd_fast_test.c and the instruction-count benchmark bench_fwd.c) against
 * the shims in selftests/tier0/shim/: locks become pthread mutexes, RCU and
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
#include <linux/percpu.h>
#include <asm/barrier.h>

#include "fwd.h"
#include "port.h"
#include "switch.h"
#include "ring.h"
#include "rules.h"

#define VALE_NIL	0xffff

/*
 * Bounds of one RCU read-side section of a tx sync, in packet copies and
 * bytes (Documentation/architecture.md; selftests/tier0/
 * flood_section_test.c holds the forwarder to them).
 */
#define VALE_FWD_SECTION_PKTS	16384
#define VALE_FWD_SECTION_BYTES	(16 << 20)

/* Frames up to this length are copied by vale_fwd_copy_small(). */
#define VALE_SMALL_COPY	64

/* Per tx ring, used under its sync_lock only. */
struct vale_fwd_scratch {
	struct vale_frag frags[VALE_MAX_BATCH + VALE_MAX_FRAGS - 1];
	struct vale_pkt pkts[VALE_MAX_BATCH];
	u16 dst_head[VALE_SW_MAX_PORTS];	/* VALE_NIL between batches */
	u16 dst_tail[VALE_SW_MAX_PORTS];
	u16 dst_count[VALE_SW_MAX_PORTS];
	u16 active[VALE_SW_MAX_PORTS];
};

/*
 * What a destination gets of a batch: unicast list @uc (@nuc packets)
 * merged in ring order with broadcast list @bc (@nbc packets).  @one_len:
 * the longest packet of the batch when every packet is in one fragment,
 * else U32_MAX; a receiver whose buffers hold @one_len bytes takes every
 * packet in one slot (the fast path of vale_fwd_deliver()).
 */
struct vale_fwd_lists {
	u16 uc, bc;
	u32 nuc, nbc;
	u32 one_len;
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

/* 8, 16 or 32 bytes from @s to @d, with word moves the compiler inlines. */
#define VALE_COPY_WORDS(d, s, n) __builtin_memcpy(d, s, n)

/*
 * Exactly @len (1..VALE_SMALL_COPY) bytes from @s to @d, by two copies of
 * a fixed size that overlap in the middle: a few word moves instead of a
 * call of memcpy(), whose setup (or rep movsb) dominates at these lengths.
 * Nothing outside [0, len) of either buffer is read or written: the bytes
 * of the sender's buffer beyond the frame are not the receiver's to see.
 */
static __always_inline void vale_fwd_copy_small(u8 *d, const u8 *s, u32 len)
{
	if (len >= 32) {
		VALE_COPY_WORDS(d, s, 32);
		VALE_COPY_WORDS(d + len - 32, s + len - 32, 32);
	} else if (len >= 16) {
		VALE_COPY_WORDS(d, s, 16);
		VALE_COPY_WORDS(d + len - 16, s + len - 16, 16);
	} else if (len >= 8) {
		VALE_COPY_WORDS(d, s, 8);
		VALE_COPY_WORDS(d + len - 8, s + len - 8, 8);
	} else if (len >= 4) {
		VALE_COPY_WORDS(d, s, 4);
		VALE_COPY_WORDS(d + len - 4, s + len - 4, 4);
	} else {
		/* 1..3 bytes: first, middle and last cover them all */
		d[0] = s[0];
		d[len / 2] = s[len / 2];
		d[len - 1] = s[len - 1];
	}
}

static __always_inline void vale_fwd_copy_frame(u8 *d, const u8 *s, u32 len)
{
	if (len <= VALE_SMALL_COPY)
		vale_fwd_copy_small(d, s, len);
	else
		memcpy(d, s, len);
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

const struct vale_frag *vale_fwd_iter_next(struct vale_fwd_iter *it, u32 *len)
{
	const struct vale_pkt *p;
	u16 i = vale_fwd_next(it->s, &it->u, &it->b);

	if (i == VALE_NIL)
		return NULL;
	p = &it->s->pkts[i];
	*len = p->len;
	return &it->s->frags[p->frag];
}

/* Stage 3 by the port's kind (ops->deliver), off the fast path. */
static noinline void vale_fwd_to_kind(const struct vale_fwd_src *src,
				      struct vale_port *dst,
				      struct vale_fwd_lists l)
{
	struct vale_fwd_iter it = { .s = src->s, .u = l.uc, .b = l.bc };

	dst->deliver(src, dst, &it);
}

/*
 * The fast path's copy: the first @n packets of list @u (of the merge of
 * @u and @b when @merge), each one fragment into one rx slot from @j on.
 * Returns the slot after the last one; *bytes: their length, *bad as in
 * vale_fwd_copy().
 */
static __always_inline u32
vale_fwd_copy_list(const struct vale_fwd_src *src, const struct vale_port *dst,
		   struct vale_kring *rk, u32 j, u32 n, u16 u, u16 b,
		   bool merge, u64 *bytes, u32 *bad)
{
	const struct vale_fwd_scratch *s = src->s;
	const u8 *sbufs = vale_mem_buf(src->mem, 0);
	u8 *dbufs = vale_mem_buf(&dst->mem, 0);
	size_t sbs = src->mem->lay.buf_size, dbs = dst->mem.lay.buf_size;
	struct vale_slot *slots = rk->ring->slot;
	u32 nbufs = dst->mem.lay.num_bufs, nslots = rk->st.num_slots;
	u64 sum = 0;
	u32 nbad = 0;
	u16 i = u;

	for (; n; n--) {
		const struct vale_frag *f;
		u32 idx, len;

		if (merge)
			i = vale_fwd_next(s, &u, &b);
		f = &s->frags[i];	/* one fragment each: frag == i */
		len = f->len;
		sum += len;
		idx = READ_ONCE(slots[j].buf_idx);
		if (likely(idx < nbufs)) {
			vale_fwd_copy_frame(dbufs + idx * dbs,
					    sbufs + f->buf_idx * sbs, len);
		} else {
			nbad++;
			len = 0;
		}
		WRITE_ONCE(slots[j].len, len);
		WRITE_ONCE(slots[j].flags, 0);
		j = vale_ring_next(j, nslots);
		if (!merge)
			i = s->pkts[i].next;
	}
	*bytes = sum;
	*bad = nbad;
	return j;
}

/*
 * Stage 3 for one destination.  Called under rcu_read_lock().
 *
 * Fast path, when every packet takes one slot of the receiver (l.one_len
 * fits its buffers): the counts are known, so the lock is held only to
 * compare them with the room; the list is walked once, to copy.  Else
 * every packet's slot count is computed under the lock (too-long packets
 * dropped) and again while copying.
 */
static __always_inline void vale_fwd_deliver(const struct vale_fwd_src *src,
					     struct vale_port *dst,
					     struct vale_fwd_lists l)
{
	const struct vale_fwd_scratch *s = src->s;
	struct vale_kring *rk;
	u32 bsize = dst->mem.lay.buf_size;
	u32 maxs, room, need = 0, taken = 0, too_long = 0, full = 0, bad = 0;
	u32 start, lease, j, left;
	u16 u = l.uc, b = l.bc, i;
	u64 bytes = 0;
	bool moved;

	if (unlikely(dst->deliver)) {
		/* not rx rings: the port's kind delivers (port.h) */
		vale_fwd_to_kind(src, dst, l);
		return;
	}
	/* ring_id % num_rx, without a division in the usual case */
	j = src->ring_id;
	rk = &dst->rx[likely(j < dst->num_rx) ? j : j % dst->num_rx];

	if (likely(l.one_len <= bsize)) {
		/* one slot per packet: never too long (num_slots >= 2) */
		taken = l.nuc + l.nbc;
		spin_lock_bh(&rk->lock);
		room = vale_rx_room(&rk->st);
		if (unlikely(taken > room)) {
			/* the first that do not fit and all after them */
			rk->stats.drop_ring_full += taken - room;
			taken = room;
			if (!taken) {
				spin_unlock_bh(&rk->lock);
				return;
			}
		}
		lease = vale_lease_reserve(&rk->st, taken, &start);
		spin_unlock_bh(&rk->lock);

		if (u == VALE_NIL || b == VALE_NIL)	/* one list */
			j = vale_fwd_copy_list(src, dst, rk, start, taken,
					       u != VALE_NIL ? u : b, VALE_NIL,
					       false, &bytes, &bad);
		else
			j = vale_fwd_copy_list(src, dst, rk, start, taken, u,
					       b, true, &bytes, &bad);
		goto publish;
	}

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
	u = l.uc;
	b = l.bc;
	j = start;
	for (left = taken; left;) {
		i = vale_fwd_next(s, &u, &b);
		if (DIV_ROUND_UP(s->pkts[i].len, bsize) > maxs)
			continue;
		j = vale_fwd_copy(src->mem, s, &s->pkts[i], dst, rk, j, &bad);
		left--;
	}

publish:
	spin_lock_bh(&rk->lock);
	rk->stats.packets += taken;
	rk->stats.bytes += bytes;
	rk->stats.drop_bad_slot += bad;
	moved = vale_lease_publish(&rk->st, lease, start, j);
	if (moved)	/* (C): slot writes before the new tail */
		smp_store_release(&rk->ring->tail, rk->st.hwtail);
	spin_unlock_bh(&rk->lock);
	if (moved)
		wake_up_interruptible_poll(&dst->wq, EPOLLIN | EPOLLRDNORM);
}

/* vale_fwd_deliver() out of line, for batches with several destinations. */
static void vale_fwd_deliver_one(const struct vale_fwd_src *src,
				 struct vale_port *dst,
				 struct vale_fwd_lists l)
{
	vale_fwd_deliver(src, dst, l);
}

/* What the first slot of a packet in several slots holds at least. */
#define VALE_FWD_MULTI_HEAD	(ETH_HLEN + 4)	/* + one VLAN tag */

/*
 * Does the first slot of @p hold the header that every lookup reads from
 * it (and only from it)?  An Ethernet header, and when the packet goes on
 * in further slots, a VLAN tag as well: the rules read the outer tag, and
 * a tag cut at the end of the first slot must not hide the one that is
 * delivered.  Decided on lengths alone, without reading the frame (which
 * the sender may change meanwhile).  Otherwise: no destination (uapi.md),
 * whatever the lookup; p2p reads no header, but a device needs one.
 */
static __always_inline bool vale_fwd_head_ok(const struct vale_pkt *p,
					     const struct vale_frag *f)
{
	return f->len >= (p->nfrags > 1 ? VALE_FWD_MULTI_HEAD : ETH_HLEN);
}

enum vale_fwd_lk {
	VALE_LK_FN,		/* the switch's lookup function */
	VALE_LK_LEARN,		/* vale_learn() inline */
	VALE_LK_LEARN_PREV,	/* and the answer of the frame before */
};

/*
 * Stage 2, first pass: every packet's destination into pkts[].dst, next
 * links for the whole batch as one list in ring order.  Returns true when
 * all packets have the same destination (the usual case, which needs no
 * per-destination lists).  @mode: the switch's lookup function, or the
 * learning bridge inline (vale_learn(), with or without its shortcut for
 * a frame with the addresses of the one before).
 */
static __always_inline bool vale_fwd_lookup(const struct vale_fwd_src *fs,
					    u32 npkts, vale_lookup_fn lookup,
					    void *priv, enum vale_fwd_lk mode)
{
	struct vale_fwd_scratch *s = fs->s;
	const u8 *bufs = vale_mem_buf(fs->mem, 0);
	size_t bs = fs->mem->lay.buf_size;
	u16 src = fs->idx, d, all = 0xffff, any = 0, pd = VALE_DST_DROP;
	u64 dkey, skey, pdkey = ~0ULL, pskey = ~0ULL;	/* no key is ~0 */
	u32 i;

	for (i = 0; i < npkts; i++) {
		struct vale_pkt *p = &s->pkts[i];
		const struct vale_frag *f = &s->frags[p->frag];
		const u8 *frame = bufs + f->buf_idx * bs;

		if (unlikely(!vale_fwd_head_ok(p, f))) {
			d = VALE_DST_DROP;
		} else if (mode == VALE_LK_FN) {
			d = lookup(priv, frame, f->len, p->len, src);
		} else if (mode == VALE_LK_LEARN) {
			d = vale_learn(priv, frame, f->len, src);
		} else {
			/* the addresses of the frame before: its answer */
			vale_mac_keys(frame, &dkey, &skey);
			if (dkey != pdkey || skey != pskey) {
				pd = vale_learn_keys(priv, dkey, skey, src);
				pdkey = dkey;
				pskey = skey;
			}
			d = pd;
		}
		all &= d;	/* all == any: every d is the same */
		any |= d;
		p->dst = d;
		p->next = i + 1;
	}
	s->pkts[npkts - 1].next = VALE_NIL;
	return all == any;
}

static inline bool vale_fwd_is_port(u16 d, u16 src)
{
	return d < VALE_SW_MAX_PORTS && d != src;
}

/*
 * Stages 2 and 3 for a port of a point-to-point pair (@fp): no lookup,
 * the batch in ring order is its peer's list.  What the lookup would
 * have done is done here: a packet whose first slot does not hold the
 * header (vale_fwd_head_ok()) has no destination, and the rule that
 * decides every frame of the port counts the others, as
 * vale_lookup_rules() counts them.  Called under rcu_read_lock(); returns
 * the number of packets without a destination.
 */
static u32 vale_fwd_pair(const struct vale_fwd_src *fs,
			 const struct vale_fast *fp, u32 npkts, u32 one_len)
{
	struct vale_fwd_scratch *s = fs->s;
	struct vale_fwd_lists l = {
		.uc = VALE_NIL, .bc = VALE_NIL, .one_len = one_len,
	};
	struct vale_port *dp;
	u16 prev = VALE_NIL;
	u64 bytes = 0;
	u32 i;

	dp = vale_fwd_is_port(fp->peer, fs->idx) ?
	     rcu_dereference(fs->sw->ports[fp->peer]) : NULL;
	if (!dp)
		return npkts;
	for (i = 0; i < npkts; i++) {
		struct vale_pkt *p = &s->pkts[i];

		if (unlikely(!vale_fwd_head_ok(p, &s->frags[p->frag])))
			continue;
		bytes += p->len;
		if (prev == VALE_NIL)
			l.uc = i;
		else
			s->pkts[prev].next = i;
		prev = i;
		l.nuc++;
	}
	if (!l.nuc)
		return npkts;
	s->pkts[prev].next = VALE_NIL;
	if (fp->ctr) {
		this_cpu_add(fp->ctr->packets, l.nuc);
		this_cpu_add(fp->ctr->bytes, bytes);
	}
	vale_fwd_deliver(fs, dp, l);
	return npkts - l.nuc;
}

/*
 * Stages 2 and 3 for one gathered batch of @npkts > 0 packets.  Called
 * under rcu_read_lock().  Returns the number of packets without a
 * destination.
 */
static u32 vale_fwd_batch(const struct vale_fwd_src *fs, u32 npkts,
			  u32 one_len)
{
	struct vale_fwd_scratch *s = fs->s;
	struct vale_switch *sw = fs->sw;
	vale_lookup_fn lookup = READ_ONCE(sw->lookup);
	void *priv = sw->lookup_priv;
	struct vale_fwd_lists l = {
		.uc = VALE_NIL, .bc = VALE_NIL, .one_len = one_len,
	};
	u16 src = fs->idx, btail = VALE_NIL, d;
	u32 i, nactive = 0, no_dest = 0, max;
	const struct vale_fast *fp = rcu_dereference(fs->port->fast);
	struct vale_port *dp;
	bool same;

	if (fp)
		return vale_fwd_pair(fs, fp, npkts, one_len);
	if (lookup != vale_lookup_learn)
		same = vale_fwd_lookup(fs, npkts, lookup, priv, VALE_LK_FN);
	else if (npkts == 1)
		same = vale_fwd_lookup(fs, 1, NULL, priv, VALE_LK_LEARN);
	else
		same = vale_fwd_lookup(fs, npkts, NULL, priv,
				       VALE_LK_LEARN_PREV);

	d = s->pkts[0].dst;
	if (same && d != VALE_DST_BCAST) {
		/* one destination, the batch in ring order is its list */
		dp = vale_fwd_is_port(d, src) ?
		     rcu_dereference(sw->ports[d]) : NULL;
		if (!dp)
			return npkts;
		l.uc = 0;
		l.nuc = npkts;
		vale_fwd_deliver(fs, dp, l);
		return 0;
	}
	if (same) {
		l.bc = 0;		/* all broadcast */
		l.nbc = npkts;
	} else {
		/* Chain the packets per destination and into one bcast list. */
		for (i = 0; i < npkts; i++) {
			struct vale_pkt *p = &s->pkts[i];

			d = p->dst;
			p->next = VALE_NIL;
			if (d == VALE_DST_BCAST) {
				if (l.bc == VALE_NIL)
					l.bc = i;
				else
					s->pkts[btail].next = i;
				btail = i;
				l.nbc++;
			} else if (!vale_fwd_is_port(d, src)) {
				no_dest++;
			} else if (s->dst_head[d] == VALE_NIL) {
				s->dst_head[d] = i;
				s->dst_tail[d] = i;
				s->dst_count[d] = 1;
				s->active[nactive++] = d;
			} else {
				s->pkts[s->dst_tail[d]].next = i;
				s->dst_tail[d] = i;
				s->dst_count[d]++;
			}
		}
	}

	if (l.bc == VALE_NIL) {
		for (i = 0; i < nactive; i++) {
			d = s->active[i];
			dp = rcu_dereference(sw->ports[d]);
			l.uc = s->dst_head[d];
			l.nuc = s->dst_count[d];
			if (dp)
				vale_fwd_deliver_one(fs, dp, l);
			else
				no_dest += l.nuc;
		}
	} else {
		/* Flood: every port but the source, in index order. */
		max = min_t(u32, READ_ONCE(sw->max_idx), VALE_SW_MAX_PORTS);
		for (d = 0; d < max; d++) {
			if (d == src)
				continue;
			dp = rcu_dereference(sw->ports[d]);
			l.uc = s->dst_head[d];
			l.nuc = l.uc == VALE_NIL ? 0 : s->dst_count[d];
			if (dp)
				vale_fwd_deliver_one(fs, dp, l);
			else
				no_dest += l.nuc;
		}
		for (i = 0; i < nactive; i++)
			if (s->active[i] >= max)
				no_dest += s->dst_count[s->active[i]];
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
	return vale_fwd_batch(fs, 1, len);
}

/*
 * Fragments per batch of a tx sync: the switch's batch, cut so that a
 * flood of the batch to every other port stays within the bounds of one
 * section.  A batch holds at most max_frags packets and, since a packet
 * is never split, at most (max_frags - 1) * buf_size + VALE_MAX_PKT_LEN
 * bytes; a flood copies them to at most max_idx - 1 ports.
 */
static u32 vale_fwd_max_frags(const struct vale_port *port)
{
	const struct vale_switch *sw = port->sw;
	u32 batch = clamp_t(u32, READ_ONCE(sw->batch), 1, VALE_MAX_BATCH);
	u32 fan = READ_ONCE(sw->max_idx), cap;

	if (fan <= 2)
		return batch;
	fan--;
	cap = min_t(u32, VALE_FWD_SECTION_PKTS / fan,
		    VALE_FWD_SECTION_BYTES / fan / port->mem.lay.buf_size);
	return clamp_t(u32, cap, 1, batch);
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
		.port = port,
		.ring_id = kr->id,
		.idx = port->idx,
	};
	/* the tx counters, kept under sync_lock: added once per sync */
	u64 packets = 0, bytes = 0, bad_slot = 0, bad_frag = 0, no_dest = 0;
	u32 cur = kr->st.hwcur, i;

	vale_netdev_queue_init(&xmitq);

	while (cur != head) {
		g.max_frags = vale_fwd_max_frags(port);
		cur = vale_gather(&g, cur, head);
		packets += g.npkts;
		bytes += g.bytes;
		bad_slot += g.bad_slot;
		bad_frag += g.bad_frag;
		if (g.npkts) {
			/* headers for the lookup (a lone one is read right away) */
			for (i = 0; g.npkts > 1 && i < g.npkts; i++) {
				u32 idx = s->frags[s->pkts[i].frag].buf_idx;

				prefetch(vale_mem_buf(&port->mem, idx));
			}
			rcu_read_lock();
			no_dest += vale_fwd_batch(&fs, g.npkts,
						  g.nfrags == g.npkts ?
						  g.max_len : U32_MAX);
			vale_netdev_xmit(&xmitq);
			rcu_read_unlock();
		}
		if (cur != head)
			cond_resched();
	}
	vale_kring_tx_add(kr, packets, bytes, bad_slot, bad_frag, no_dest);
}
