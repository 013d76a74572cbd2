/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tier 0, VMPI: one ring in ordinary memory driven by the one ring
 * implementation (guest-driver/vmpi_ring.c, compiled as it is against the
 * shims), as the guest driver and libvale's host API both run it: two
 * ends on one ring, each with its own private state, as the real guest and
 * host are.
 *
 * The data area and the descriptors are separate heap blocks of exactly
 * their size, so that ASan catches any access a validator let through.
 */
#ifndef _VMPI_SIM_H
#define _VMPI_SIM_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <asm/barrier.h>
#include "../../guest-driver/vmpi_ring.h"

/* What the peer sees: the shared part of one ring. */
struct sim_shm {
	struct vmpi_ring_ctl *ctl;
	struct vmpi_desc *desc;
	u8 *data;
	u32 slots, data_size, max_msg;
};

/* One end of the ring: its private state. */
struct sim_end {
	struct vmpi_ring k;
	u32 *start;
};

#define SIM_FAULT	(-1000)		/* -EIO: the peer broke the rules */

static inline int sim_shm_init(struct sim_shm *s, u32 slots, u32 data_size,
			       u32 max_msg, u32 idx)
{
	s->slots = slots;
	s->data_size = data_size;
	s->max_msg = max_msg;
	s->ctl = calloc(1, sizeof(*s->ctl));
	s->desc = calloc(slots, sizeof(*s->desc));
	s->data = calloc(1, data_size);
	if (!s->ctl || !s->desc || !s->data)
		return -1;
	/* Indices may start anywhere, e.g. just before 2^32. */
	s->ctl->prod = s->ctl->cons = idx;
	s->ctl->data_event = s->ctl->room_event = idx;
	return 0;
}

static inline void sim_shm_free(struct sim_shm *s)
{
	free(s->ctl);
	free(s->desc);
	free(s->data);
}

static inline int sim_end_init(struct sim_end *e, const struct sim_shm *s)
{
	memset(e, 0, sizeof(*e));
	e->start = calloc(s->slots, sizeof(u32));
	if (!e->start)
		return -1;
	e->k.ctl = s->ctl;
	e->k.desc = s->desc;
	e->k.data = s->data;
	e->k.mask = s->slots - 1;
	e->k.data_size = s->data_size;
	e->k.max_msg = s->max_msg;
	e->k.start = e->start;
	return 0;
}

static inline void sim_end_free(struct sim_end *e)
{
	free(e->start);
}

static inline int sim_err(int e)
{
	return e == -EIO ? SIM_FAULT : e;
}

static inline int sim_adopt_producer(struct sim_end *e)
{
	return sim_err(vmpi_ring_adopt_producer(&e->k));
}

static inline int sim_adopt_consumer(struct sim_end *e)
{
	return sim_err(vmpi_ring_adopt_consumer(&e->k));
}

static inline int sim_reserve(struct sim_end *e, u32 len, u32 *off)
{
	return sim_err(vmpi_ring_reserve(&e->k, len, off));
}

static inline int sim_commit(struct sim_end *e, u32 off, u32 len)
{
	return vmpi_ring_commit(&e->k, off, len);
}

static inline int sim_peek(struct sim_end *e, u32 *off, u32 *len)
{
	return sim_err(vmpi_ring_peek(&e->k, off, len));
}

static inline int sim_release(struct sim_end *e)
{
	return vmpi_ring_release(&e->k);
}

/* Reserve, or leave the consumer asked to ring when it frees room. */
static inline int sim_reserve_or_arm(struct sim_end *e, u32 len, u32 *off)
{
	return sim_err(vmpi_ring_reserve_or_arm(&e->k, len, off));
}

static inline void sim_arm_data(struct sim_end *e)
{
	vmpi_ring_arm_data(&e->k);
}

static inline void sim_arm_room(struct sim_end *e)
{
	vmpi_ring_arm_room(&e->k);
}

/* The producer's private view: the next index it publishes. */
static inline u32 sim_prod_index(const struct sim_end *e)
{
	return e->k.prod;
}

/* A byte of message seq at position i: checks content and order. */
static inline u8 sim_byte(u32 seq, u32 i)
{
	return (u8)(seq * 131 + i * 7 + (i >> 8));
}

#endif /* _VMPI_SIM_H */
