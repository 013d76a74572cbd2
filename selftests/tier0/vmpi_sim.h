/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tier 0, VMPI: one ring in ordinary memory driven by either
 * implementation of the ring operations, the guest driver's
 * (guest-driver/vmpi_ring.c, compiled as it is against the shims) and the
 * host API's (the static ring_*() of lib/vmpi.c, included as it is).
 * Both share the pure rules of <linux/vmpi_ring.h>; this lets the tests
 * run the same tables through both, and run one against the other (one
 * produces, the other consumes) as the real guest and host do.
 *
 * The data area and the descriptors are separate heap blocks of exactly
 * their size, so that ASan catches any access a validator let through.
 */
#ifndef _VMPI_SIM_H
#define _VMPI_SIM_H

#include <stdlib.h>
#include <string.h>
#include <linux/vmpi_ring.h>

#include <asm/barrier.h>
#include "../../guest-driver/vmpi_ring_ops.h"
/* The host API's acquire loads go through the same hook as the driver's. */
#define LOAD_ACQ(p)	smp_load_acquire(p)
#include "../../lib/vmpi.c"

enum { IMPL_KMOD, IMPL_LIB, NIMPL };
static const char *const impl_name[NIMPL] = { "guest-driver", "lib" };

/* What the peer sees: the shared part of one ring. */
struct sim_shm {
	struct vmpi_ring_ctl *ctl;
	struct vmpi_desc *desc;
	u8 *data;
	u32 slots, data_size, max_msg;
};

/* One end of the ring as implementation impl keeps it. */
struct sim_end {
	int impl;
	struct vmpi_ring k;
	struct ring l;
	u32 *start;
};

#define SIM_FAULT	(-1000)		/* -EIO (guest) or -EPROTO (lib) */

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

static inline int sim_end_init(struct sim_end *e, int impl,
			       const struct sim_shm *s)
{
	memset(e, 0, sizeof(*e));
	e->impl = impl;
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
	e->l.ctl = s->ctl;
	e->l.desc = s->desc;
	e->l.data = s->data;
	e->l.mask = s->slots - 1;
	e->l.data_size = s->data_size;
	e->l.max_msg = s->max_msg;
	e->l.start = e->start;
	return 0;
}

static inline void sim_end_free(struct sim_end *e)
{
	free(e->start);
}

static inline int sim_err(int e)
{
	return e == -EIO || e == -EPROTO ? SIM_FAULT : e;
}

static inline int sim_adopt_producer(struct sim_end *e)
{
	return sim_err(e->impl == IMPL_KMOD ? vmpi_ring_adopt_producer(&e->k)
					    : ring_adopt_producer(&e->l));
}

static inline int sim_adopt_consumer(struct sim_end *e)
{
	return sim_err(e->impl == IMPL_KMOD ? vmpi_ring_adopt_consumer(&e->k)
					    : ring_adopt_consumer(&e->l));
}

static inline int sim_reserve(struct sim_end *e, u32 len, u32 *off)
{
	return sim_err(e->impl == IMPL_KMOD ? vmpi_ring_reserve(&e->k, len, off)
					    : ring_reserve(&e->l, len, off));
}

static inline int sim_commit(struct sim_end *e, u32 off, u32 len)
{
	return e->impl == IMPL_KMOD ? vmpi_ring_commit(&e->k, off, len)
				    : ring_commit(&e->l, off, len);
}

static inline int sim_peek(struct sim_end *e, u32 *off, u32 *len)
{
	return sim_err(e->impl == IMPL_KMOD ? vmpi_ring_peek(&e->k, off, len)
					    : ring_peek(&e->l, off, len));
}

static inline int sim_release(struct sim_end *e)
{
	return e->impl == IMPL_KMOD ? vmpi_ring_release(&e->k)
				    : ring_release(&e->l);
}

/* Reserve, or leave the consumer asked to ring when it frees room. */
static inline int sim_reserve_or_arm(struct sim_end *e, u32 len, u32 *off)
{
	return sim_err(e->impl == IMPL_KMOD ?
		       vmpi_ring_reserve_or_arm(&e->k, len, off) :
		       ring_reserve_or_arm(&e->l, len, off));
}

static inline void sim_arm_data(struct sim_end *e)
{
	if (e->impl == IMPL_KMOD)
		vmpi_ring_arm_data(&e->k);
	else
		ring_arm_data(&e->l);
}

static inline void sim_arm_room(struct sim_end *e)
{
	if (e->impl == IMPL_KMOD)
		vmpi_ring_arm_room(&e->k);
	else
		ring_arm_room(&e->l);
}

/* The producer's private view: where the oldest message in flight starts. */
static inline u32 sim_prod_index(const struct sim_end *e)
{
	return e->impl == IMPL_KMOD ? e->k.prod : e->l.prod;
}

/* A byte of message seq at position i: checks content and order. */
static inline u8 sim_byte(u32 seq, u32 i)
{
	return (u8)(seq * 131 + i * 7 + (i >> 8));
}

#endif /* _VMPI_SIM_H */
