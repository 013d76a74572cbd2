// SPDX-License-Identifier: GPL-2.0
/*
 * vale: the owner's syncs of one kernel ring, called by port.c (sync
 * ioctls, poll).  Built in user space too, by the Tier-0 forwarding tests
 * (selftests/tier0/fwd_util.h), with the lock shims.
 *
 * Every sync reads head and cur of the shared ring exactly once into
 * locals, validates them against the kernel's own indices (ring.c) and
 * uses only the locals.  Bad indices fail the sync with -EINVAL and change
 * nothing; ring->tail is rewritten from the kernel's copy on every sync.
 *
 * Every shared index is loaded with smp_load_acquire() and stored with
 * smp_store_release(); the letters below name the pairs of the table in
 * uapi/linux/vale.h.  head is loaded before cur (E).
 */
#include <linux/kernel.h>
#include <linux/compiler.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <asm/barrier.h>

#include "port.h"
#include "ring.h"
#include "fwd.h"

int vale_kring_txsync(struct vale_port *port, struct vale_kring *kr,
		      bool *ready)
{
	struct vale_ring_state *st = &kr->st;
	u32 head, cur;
	int err;

	mutex_lock(&kr->sync_lock);
	/* (A): the slots before head are complete before they are read */
	head = smp_load_acquire(&kr->ring->head);
	cur = smp_load_acquire(&kr->ring->cur);		/* (E) */
	err = vale_ring_check(st, head, cur);
	if (!err && head != st->hwcur) {
		vale_fwd_txsync(port, kr, head);
		/* forwarding is synchronous: every slot is back to the user */
		st->hwcur = head;
		st->hwtail = vale_ring_prev(head, st->num_slots);
	}
	/* (B): every read of the slots and buffers before the new tail */
	smp_store_release(&kr->ring->tail, st->hwtail);
	*ready = !err && cur != st->hwtail;
	mutex_unlock(&kr->sync_lock);
	return err;
}

int vale_kring_rxsync(struct vale_kring *kr, bool *ready)
{
	struct vale_ring_state *st = &kr->st;
	u32 head, cur;
	int err;

	/* (D): the user's reads of [old head, head) are done before reuse */
	head = smp_load_acquire(&kr->ring->head);
	cur = smp_load_acquire(&kr->ring->cur);		/* (E) */
	spin_lock_bh(&kr->lock);
	err = vale_ring_check(st, head, cur);
	if (!err)
		st->hwcur = head;	/* reclaim [old head, head) */
	/* (C): slots filled by forwarders are visible before the new tail */
	smp_store_release(&kr->ring->tail, st->hwtail);
	*ready = !err && cur != st->hwtail;
	spin_unlock_bh(&kr->lock);
	return err;
}
