/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale: kernel-side ring state, index and slot validation, the tx gather
 * stage and the rx lease bookkeeping.  Pure logic, no locking of its own:
 * the callers (port.c, fwd.c) hold the locks named below.  Also built in
 * user space (Tier 0 tests, fuzzer).
 */
#ifndef _VALE_RING_H
#define _VALE_RING_H

#include <linux/types.h>
#include <linux/vale.h>

#define VALE_NOSLOT	((u32)~0U)

/*
 * The kernel's own copy of a ring's indices.  User space never writes it;
 * it is the reference every user-written index is validated against.
 *
 * tx ring: protected by the ring's sync mutex (only its owner's syncs run).
 *   Forwarding is synchronous, so after every sync hwtail == hwcur - 1.
 * rx ring: protected by the ring's spinlock (owner's rxsync against
 *   forwarders).  [hwcur, hwtail) is owned by user space, [hwtail, hwlease)
 *   is leased to forwarders that are copying, [hwlease, hwcur - 1) is free.
 *   leases[] has num_slots entries: the end index of a completed lease not
 *   yet published, or VALE_NOSLOT while its forwarder is still copying.
 *   At most num_slots - 1 leases are outstanding (each holds >= 1 slot).
 */
struct vale_ring_state {
	u32 num_slots;
	u32 hwcur;
	u32 hwtail;
	u32 hwlease;
	u32 lease_idx;		/* index of the next lease to hand out */
	u32 *leases;
};

static inline u32 vale_ring_next(u32 i, u32 n)
{
	return i + 1 == n ? 0 : i + 1;
}

static inline u32 vale_ring_prev(u32 i, u32 n)
{
	return i == 0 ? n - 1 : i - 1;
}

/* Distance from @from forward to @to, both < n. */
static inline u32 vale_ring_dist(u32 from, u32 to, u32 n)
{
	return to >= from ? to - from : to + n - from;
}

void vale_ring_init_tx(struct vale_ring_state *st, u32 num_slots);
void vale_ring_init_rx(struct vale_ring_state *st, u32 num_slots,
		       u32 *leases);

/*
 * Validate head and cur read (once) from user space against the kernel's
 * indices: both < num_slots, hwcur <= head <= hwtail and head <= cur <=
 * hwtail, modulo the ring.  Returns 0 or -EINVAL.
 */
int vale_ring_check(const struct vale_ring_state *st, u32 head, u32 cur);

/* Slots free for leasing in an rx ring. */
static inline u32 vale_rx_room(const struct vale_ring_state *st)
{
	return vale_ring_dist(st->hwlease, vale_ring_prev(st->hwcur,
				st->num_slots), st->num_slots);
}

/*
 * Reserve @n > 0 slots (n <= vale_rx_room()) at the end of an rx ring;
 * *start receives the first slot.  Returns the lease index to pass to
 * vale_lease_publish().
 */
u32 vale_lease_reserve(struct vale_ring_state *st, u32 n, u32 *start);

/*
 * Report lease @lease, which covers [start, end), as filled.  The leases
 * are published in the order they were reserved: when older leases are
 * still being filled, this one waits for them and the forwarder finishing
 * the oldest one publishes all completed leases at once.  Returns true when
 * hwtail moved (the caller then updates ring->tail and wakes the owner).
 */
bool vale_lease_publish(struct vale_ring_state *st, u32 lease, u32 start,
			u32 end);

/* Why a slot is rejected. */
enum vale_slot_err {
	VALE_SLOT_OK = 0,
	VALE_SLOT_BAD,		/* buf_idx, len or flags invalid */
};

static inline enum vale_slot_err vale_slot_check(const struct vale_slot *s,
						 u32 num_bufs, u32 buf_size)
{
	if (s->flags & ~VALE_SLOT_FLAGS_MASK)
		return VALE_SLOT_BAD;
	if (s->buf_idx >= num_bufs || s->len == 0 || s->len > buf_size)
		return VALE_SLOT_BAD;
	return VALE_SLOT_OK;
}

/* One validated fragment of a packet in the sender's pool. */
struct vale_frag {
	u32 buf_idx;
	u32 len;
};

/* One validated packet of a batch; dst and next belong to fwd.c. */
struct vale_pkt {
	u32 len;
	u16 frag;		/* first fragment in the frag array */
	u16 nfrags;
	u16 dst;
	u16 next;
};

/*
 * The gather stage: walk tx slots from cur up to head, validate each slot
 * (read once), and collect whole packets until at least max_frags
 * fragments are collected.  frags[] must hold max_frags + VALE_MAX_FRAGS - 1
 * entries and pkts[] max_frags entries.
 *
 * A packet with a bad slot is dropped (bad_slot); a slot with unknown flags
 * ends its packet.  A MOREFRAG chain that is not terminated before head,
 * has more than VALE_MAX_FRAGS slots or more than VALE_MAX_PKT_LEN bytes
 * is dropped (bad_frag).  Dropped slots are consumed.
 *
 * max_len is the length of the longest packet collected; every packet is
 * in one fragment exactly when nfrags == npkts (fwd.c's fast paths).
 */
struct vale_gather {
	/* in */
	const struct vale_slot *slots;
	u32 num_slots;
	u32 num_bufs;
	u32 buf_size;
	u32 max_frags;
	struct vale_frag *frags;
	struct vale_pkt *pkts;
	/* out, reset by every call */
	u32 npkts;
	u32 nfrags;
	u64 bytes;
	u32 max_len;
	u32 bad_slot;
	u32 bad_frag;
};

/* Returns the slot after the last one consumed (== head when done). */
u32 vale_gather(struct vale_gather *g, u32 cur, u32 head);

#endif /* _VALE_RING_H */
