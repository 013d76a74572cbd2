/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale: a port's private memory region (info header, rings, buffers),
 * one vmalloc_user() area per port, mapped into user space as a whole.
 */
#ifndef _VALE_MEM_H
#define _VALE_MEM_H

#include <linux/types.h>
#include <linux/vale.h>

#include "param.h"

struct vm_area_struct;

/* Constant from vale_mem_create() to vale_mem_destroy(). */
struct vale_mem {
	void *base;
	struct vale_layout lay;
};

int vale_mem_create(struct vale_mem *m, const struct vale_layout *lay,
		    const char *name);
void vale_mem_destroy(struct vale_mem *m);
int vale_mem_mmap(const struct vale_mem *m, struct vm_area_struct *vma);

static inline struct vale_ring *vale_mem_tx_ring(const struct vale_mem *m,
						 u32 i)
{
	return m->base + m->lay.off.tx_ring + i * m->lay.off.ring_stride;
}

static inline struct vale_ring *vale_mem_rx_ring(const struct vale_mem *m,
						 u32 i)
{
	return m->base + m->lay.off.rx_ring + i * m->lay.off.ring_stride;
}

/* @idx must have been checked against lay.num_bufs. */
static inline u8 *vale_mem_buf(const struct vale_mem *m, u32 idx)
{
	return m->base + m->lay.off.bufs + (size_t)idx * m->lay.buf_size;
}

#endif /* _VALE_MEM_H */
