/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmpi: one ring as the guest sees it, and its operations
 * (vmpi_ring.c).  Kept apart from vmpi.h, with no dependency beyond
 * types and the UAPI, so that the Tier-0 tests compile vmpi_ring.c as
 * it is (selftests/tier0/vmpi_ring_test.c).
 */
#ifndef _VMPI_RING_OPS_H
#define _VMPI_RING_OPS_H

#include <linux/types.h>
#include <linux/vmpi.h>

/*
 * One direction of a channel as this side sees it.  Everything the guest
 * relies on is private (prod/cons/dhead/start[]); the shared fields are
 * only read into locals and checked.
 */
struct vmpi_ring {
	struct vmpi_ring_ctl *ctl;	/* shared */
	struct vmpi_desc *desc;		/* shared */
	u8 *data;			/* shared */
	u32 mask;			/* slots - 1 */
	u32 data_size;
	u32 max_msg;
	u32 prod;			/* producer: next index to publish */
	u32 cons;			/* last cons seen (producer) or own */
	u32 dhead;			/* producer: free-running data head */
	u32 *start;			/* producer: data start per slot */
	bool fault;			/* peer broke the rules */
};

int vmpi_geometry_check(const struct vmpi_shm_hdr *h, u64 bar_len);
void vmpi_ring_init(struct vmpi_ring *r, void *base,
		    const struct vmpi_shm_hdr *geo);
int vmpi_ring_adopt_producer(struct vmpi_ring *r);
int vmpi_ring_adopt_consumer(struct vmpi_ring *r);
int vmpi_ring_reserve(struct vmpi_ring *r, u32 len, u32 *off);
int vmpi_ring_reserve_or_arm(struct vmpi_ring *r, u32 len, u32 *off);
bool vmpi_ring_commit(struct vmpi_ring *r, u32 off, u32 len);
int vmpi_ring_peek(struct vmpi_ring *r, u32 *off, u32 *len);
bool vmpi_ring_release(struct vmpi_ring *r);
void vmpi_ring_arm_data(struct vmpi_ring *r);
void vmpi_ring_arm_room(struct vmpi_ring *r);

#endif /* _VMPI_RING_OPS_H */
