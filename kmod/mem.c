// SPDX-License-Identifier: GPL-2.0
/*
 * vale: per-port memory regions.
 *
 * Each port owns one virtually contiguous, zeroed area from vmalloc_user()
 * holding its info header, its rings and its buffer pool (layout: param.c).
 * mmap() maps exactly that area, nothing else, so a process sees only its
 * own port.  The kernel reaches buffers only as base + idx * buf_size with
 * idx checked against this port's num_bufs.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/string.h>

#include "mem.h"

static void vale_mem_init_ring(struct vale_ring *ring,
			       const struct vale_layout *lay, u32 id,
			       bool tx, u32 first_buf)
{
	u32 j;

	ring->head = 0;
	ring->cur = 0;
	ring->tail = tx ? lay->num_slots - 1 : 0;
	ring->num_slots = lay->num_slots;
	ring->buf_size = lay->buf_size;
	ring->ring_id = id;
	ring->flags = tx ? VALE_RING_TX : VALE_RING_RX;
	for (j = 0; j < lay->num_slots; j++) {
		ring->slot[j].buf_idx = first_buf + j;
		ring->slot[j].len = 0;
		ring->slot[j].flags = 0;
	}
}

int vale_mem_create(struct vale_mem *m, const struct vale_layout *lay,
		    const char *name)
{
	struct vale_info *info;
	u32 i, buf = 0;

	/*
	 * vmalloc_user() takes no gfp flags: a request the machine cannot
	 * possibly satisfy would only wake the OOM killer and print an
	 * allocation-failure splat, so refuse regions above a quarter of RAM.
	 */
	if (lay->region_size > ((u64)totalram_pages() << PAGE_SHIFT) / 4)
		return -ENOMEM;
	m->base = vmalloc_user(lay->region_size);
	if (!m->base)
		return -ENOMEM;
	m->lay = *lay;

	info = m->base + lay->off.info;
	info->magic = VALE_INFO_MAGIC;
	info->version = VALE_API_VERSION;
	strscpy(info->name, name, sizeof(info->name));
	info->num_tx_rings = lay->num_tx_rings;
	info->num_rx_rings = lay->num_rx_rings;
	info->num_slots = lay->num_slots;
	info->buf_size = lay->buf_size;
	info->num_bufs = lay->num_bufs;
	info->first_extra_buf = lay->first_extra_buf;
	info->num_extra_bufs = lay->num_extra_bufs;
	info->region_size = lay->region_size;
	info->off = lay->off;

	for (i = 0; i < lay->num_tx_rings; i++, buf += lay->num_slots)
		vale_mem_init_ring(vale_mem_tx_ring(m, i), lay, i, true, buf);
	for (i = 0; i < lay->num_rx_rings; i++, buf += lay->num_slots)
		vale_mem_init_ring(vale_mem_rx_ring(m, i), lay, i, false, buf);
	return 0;
}

void vale_mem_destroy(struct vale_mem *m)
{
	vfree(m->base);
	m->base = NULL;
}

/*
 * Map the whole region, shared, from offset 0.  remap_vmalloc_range()
 * checks the size against the area again and sets VM_DONTEXPAND (no
 * mremap() growth) and VM_DONTDUMP.
 */
int vale_mem_mmap(const struct vale_mem *m, struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start;

	if (vma->vm_pgoff != 0 || size != m->lay.region_size)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	return remap_vmalloc_range(vma, m->base, 0);
}
