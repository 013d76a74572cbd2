// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vmpi: one VMPI ring end, and the validation of everything the peer
 * writes.  The one implementation: the guest driver (vmpi.ko) and the
 * host API in libvale (lib/vmpi.c) both compile this file as it is; in
 * user space lib/kcompat/ supplies READ_ONCE(), WRITE_ONCE() and the smp_*
 * barriers on the compiler's atomics.  The comments say "the host" for
 * the peer, as the guest sees it; the host end is the mirror image.
 *
 * The peer is not trusted.  Shared indices and descriptors are read once
 * into locals, checked, and only the locals are used; the producer's
 * accounting of the data area (dhead, start[]) is private.  A bad value
 * sets ring->fault and every later operation returns -EIO.  The rules
 * themselves (index arithmetic, descriptor and geometry checks, free
 * space) are the pure functions of vmpi_ring.h; this file only adds the
 * memory accesses, their ordering and the private state.
 */
#include <linux/compiler.h>
#include <linux/errno.h>
#include <asm/barrier.h>
#include "vmpi_ring.h"

static int vmpi_fault(struct vmpi_ring *r)
{
	r->fault = true;
	return -EIO;
}

int vmpi_geometry_check(const struct vmpi_shm_hdr *h, u64 bar_len)
{
	switch (vmpi_geo_check(h, bar_len)) {
	case 0:
		return 0;
	case VMPI_GEO_NOMAGIC:
		return -ENODEV;
	default:
		return -EINVAL;
	}
}

void vmpi_ring_init(struct vmpi_ring *r, void *base,
		    const struct vmpi_shm_hdr *geo)
{
	r->ctl = base;
	r->desc = base + geo->desc_off;
	r->data = base + geo->data_off;
	r->mask = geo->slots - 1;
	r->data_size = geo->data_size;
	r->max_msg = geo->max_msg;
}

static bool vmpi_ring_desc_ok(const struct vmpi_ring *r, u32 off, u32 len)
{
	return vmpi_desc_ok(r->max_msg, r->data_size, off, len);
}

/*
 * Take over the producer end as the shared memory has it (first bind, or
 * after the module was reloaded): messages still in flight keep their
 * data; the private accounting is rebuilt from the descriptors and each
 * of them is checked.
 */
int vmpi_ring_adopt_producer(struct vmpi_ring *r)
{
	u32 prod = READ_ONCE(r->ctl->prod);
	u32 size = r->data_size;
	u32 i, cons, fr = 0, first = 0;
	u32 *start = r->start;

	/* The host's cons before anything it may have freed. */
	cons = smp_load_acquire(&r->ctl->cons);
	r->fault = false;
	if (!vmpi_span_ok(prod, cons, r->mask + 1))
		return vmpi_fault(r);
	r->prod = prod;
	r->cons = cons;
	r->dhead = 0;
	for (i = cons; i != prod; i++) {
		struct vmpi_desc *d = &r->desc[i & r->mask];
		u32 off = READ_ONCE(d->off);
		u32 len = READ_ONCE(d->len);

		if (!vmpi_ring_desc_ok(r, off, len))
			return vmpi_fault(r);
		if (i == cons) {
			first = off;
			fr = off;
		}
		if (vmpi_adopt_step(&fr, first, off, len, size,
				    &start[i & r->mask]))
			return vmpi_fault(r);
	}
	r->dhead = fr;
	/* Nobody waits for room yet: a stale request would ring for nothing. */
	WRITE_ONCE(r->ctl->room_event, cons - 1);
	return 0;
}

int vmpi_ring_adopt_consumer(struct vmpi_ring *r)
{
	u32 cons = READ_ONCE(r->ctl->cons);
	u32 prod;

	/* The host's prod before the descriptors it published. */
	prod = smp_load_acquire(&r->ctl->prod);
	r->fault = false;
	if (!vmpi_span_ok(prod, cons, r->mask + 1))
		return vmpi_fault(r);
	r->cons = cons;
	r->prod = prod;
	vmpi_ring_arm_data(r);
	return 0;
}

/*
 * Producer: find room for a message of len bytes.  Returns 0 and its
 * offset in the data area, -EAGAIN when the ring is full, -EIO on a fault.
 * Nothing is published until vmpi_ring_commit().
 */
int vmpi_ring_reserve(struct vmpi_ring *r, u32 len, u32 *off)
{
	u32 cons, used;

	if (r->fault)
		return -EIO;
	/* The host's cons before reusing what it gave back. */
	cons = smp_load_acquire(&r->ctl->cons);
	/* cons only moves forward and never past what was published. */
	if (!vmpi_cons_ok(cons, r->cons, r->prod))
		return vmpi_fault(r);
	r->cons = cons;
	if (r->prod - cons > r->mask)
		return -EAGAIN;
	if (cons == r->prod) {
		r->dhead = 0;
		used = 0;
	} else {
		used = r->dhead - r->start[cons & r->mask];
	}
	return vmpi_room(r->dhead, used, r->data_size, len, off) ? 0 : -EAGAIN;
}

/*
 * Producer: reserve, or leave the host asked to kick us when it frees
 * room.  The request names the message at the host's cons as we last read
 * it; if the host released that message before the request was visible,
 * no later release would ring (each sees a request it has passed).  So
 * read cons again after arming and go round while it moved: at most once
 * per message in flight, since cons never passes prod.
 */
int vmpi_ring_reserve_or_arm(struct vmpi_ring *r, u32 len, u32 *off)
{
	int ret = vmpi_ring_reserve(r, len, off);
	u32 armed;

	while (ret == -EAGAIN) {
		armed = r->cons;
		vmpi_ring_arm_room(r);
		ret = vmpi_ring_reserve(r, len, off);
		if (r->cons == armed)
			break;
	}
	return ret;
}

/* Producer: publish a reserved message; true when the host wants a kick. */
bool vmpi_ring_commit(struct vmpi_ring *r, u32 off, u32 len)
{
	u32 i = r->prod;
	struct vmpi_desc *d = &r->desc[i & r->mask];

	WRITE_ONCE(d->off, off);
	WRITE_ONCE(d->len, len);
	r->start[i & r->mask] = r->dhead;
	r->dhead = vmpi_dhead_next(r->dhead, off, len, r->data_size);
	r->prod = i + 1;
	/* Descriptor and data before the index. */
	smp_store_release(&r->ctl->prod, r->prod);
	/* The index before the peer's event index. */
	smp_mb();
	return vmpi_need_event(READ_ONCE(r->ctl->data_event), r->prod, i);
}

/*
 * Consumer: the next message, checked.  Returns 0 with its offset and
 * length, -EAGAIN when the ring is empty, -EIO on a fault.
 */
int vmpi_ring_peek(struct vmpi_ring *r, u32 *off, u32 *len)
{
	struct vmpi_desc *d;
	u32 prod, o, l;

	if (r->fault)
		return -EIO;
	/* The host's prod before the descriptors and data it published. */
	prod = smp_load_acquire(&r->ctl->prod);
	/* prod only moves forward and at most one ring ahead of cons. */
	if (!vmpi_prod_ok(prod, r->prod, r->cons, r->mask + 1))
		return vmpi_fault(r);
	r->prod = prod;
	if (prod == r->cons)
		return -EAGAIN;
	d = &r->desc[r->cons & r->mask];
	o = READ_ONCE(d->off);
	l = READ_ONCE(d->len);
	if (!vmpi_ring_desc_ok(r, o, l))
		return vmpi_fault(r);
	*off = o;
	*len = l;
	return 0;
}

/* Consumer: give the message back; true when the host wants a kick. */
bool vmpi_ring_release(struct vmpi_ring *r)
{
	u32 old = r->cons;

	r->cons = old + 1;
	/* Our reads of the message before the slot goes back. */
	smp_store_release(&r->ctl->cons, r->cons);
	WRITE_ONCE(r->ctl->data_event, r->cons);
	/* Our cons before the host's room_event (pairs with arm_room). */
	smp_mb();
	return vmpi_need_event(READ_ONCE(r->ctl->room_event), r->cons, old);
}

/* Consumer: ask for a kick when the next message is published. */
void vmpi_ring_arm_data(struct vmpi_ring *r)
{
	WRITE_ONCE(r->ctl->data_event, r->cons);
	/* The request before re-reading prod (pairs with the host's commit). */
	smp_mb();
}

/* Producer: ask for a kick when the host consumes past what we saw. */
void vmpi_ring_arm_room(struct vmpi_ring *r)
{
	WRITE_ONCE(r->ctl->room_event, r->cons);
	/* The request before re-reading cons (pairs with the host's release). */
	smp_mb();
}
