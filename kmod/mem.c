// SPDX-License-Identifier: GPL-2.0
/*
 * vale: per-port memory regions.
 *
 * Each port owns one virtually contiguous, zeroed area from vmalloc
 * holding its info header, its rings and its buffer pool (layout: param.c).
 * mmap() maps exactly that area, nothing else, so a process sees only its
 * own port.  The kernel reaches buffers only as base + idx * buf_size with
 * idx checked against this port's num_bufs.
 *
 * The area is charged to the memory cgroup of the task that creates the
 * port (__GFP_ACCOUNT), like the socket buffers and io_uring rings a
 * container allocates: a port cannot take memory its cgroup may not have.
 * Beyond the limit the allocation fails with -ENOMEM instead of waking
 * the OOM killer (__GFP_RETRY_MAYFAIL, which vmalloc honours for its
 * pages as kvmalloc() documents).
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

	/* No single port gets more than a quarter of the machine's RAM. */
	if (lay->region_size > ((u64)totalram_pages() << PAGE_SHIFT) / 4)
		return -ENOMEM;
	m->base = __vmalloc(lay->region_size, GFP_KERNEL_ACCOUNT | __GFP_ZERO |
			    __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
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
 * Map the whole region, shared, from offset 0, page by page (what
 * remap_vmalloc_range() does for areas from vmalloc_user(), which cannot
 * be charged to a cgroup).  The mapping cannot grow with mremap() and is
 * left out of core dumps.  Each mapped page holds a reference of its own,
 * so the pages outlive the port while a mapping remains.
 */
int vale_mem_mmap(const struct vale_mem *m, struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start;
	unsigned long off;
	int ret;

	if (vma->vm_pgoff != 0 || size != m->lay.region_size)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	for (off = 0; off < size; off += PAGE_SIZE) {
		ret = vm_insert_page(vma, vma->vm_start + off,
				     vmalloc_to_page(m->base + off));
		if (ret)
			return ret;
		cond_resched();
	}
#ifdef VALE_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
#else
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
#endif
	return 0;
}
