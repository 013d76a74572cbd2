// SPDX-License-Identifier: GPL-2.0
/*
 * vmpi: ring logic and validation of everything the host writes.
 *
 * The host is not trusted.  Shared indices and descriptors are read once
 * into locals, checked, and only the locals are used; the producer's
 * accounting of the data area (dhead, start[]) is private.  A bad value
 * sets ring->fault and every later operation returns -EIO.
 */
#include <linux/align.h>
#include <linux/log2.h>
#include "vmpi.h"

static int vmpi_fault(struct vmpi_ring *r)
{
	r->fault = true;
	return -EIO;
}

int vmpi_geometry_check(const struct vmpi_shm_hdr *h, u64 bar_len)
{
	const u64 line = VMPI_CACHELINE;

	if (h->magic != VMPI_MAGIC)
		return -ENODEV;
	if (h->version != VMPI_VERSION || h->hdr_size < sizeof(*h))
		return -EINVAL;
	if (!h->nchannels || h->nchannels > VMPI_MAX_CHANNELS)
		return -EINVAL;
	if (!is_power_of_2(h->slots) || h->slots < VMPI_MIN_SLOTS ||
	    h->slots > VMPI_MAX_SLOTS)
		return -EINVAL;
	if (!is_power_of_2(h->data_size) || h->data_size < VMPI_MIN_DATA ||
	    h->data_size > VMPI_MAX_DATA || h->max_msg > h->data_size)
		return -EINVAL;
	if (!h->host_nvec || h->host_nvec > VMPI_MAX_VECTORS)
		return -EINVAL;
	if (h->desc_off % line || h->data_off % line ||
	    h->ring_stride % line || h->chan_stride % line ||
	    h->chan_off % line)
		return -EINVAL;
	if (h->desc_off < sizeof(struct vmpi_ring_ctl) ||
	    (u64)h->desc_off + (u64)h->slots * sizeof(struct vmpi_desc) >
	    h->data_off ||
	    (u64)h->data_off + h->data_size > h->ring_stride ||
	    2 * (u64)h->ring_stride > h->chan_stride ||
	    h->chan_off < sizeof(*h) ||
	    (u64)h->chan_off + (u64)h->nchannels * h->chan_stride > h->shm_size ||
	    h->shm_size > bar_len)
		return -EINVAL;
	return 0;
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

static bool vmpi_desc_ok(const struct vmpi_ring *r, u32 off, u32 len)
{
	return len <= r->max_msg && off <= r->data_size &&
	       len <= r->data_size - off;
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

	/* The host's cons before anything it may have freed. */
	cons = smp_load_acquire(&r->ctl->cons);
	r->fault = false;
	if (prod - cons > r->mask + 1)
		return vmpi_fault(r);
	r->prod = prod;
	r->cons = cons;
	r->dhead = 0;
	for (i = cons; i != prod; i++) {
		struct vmpi_desc *d = &r->desc[i & r->mask];
		u32 off = READ_ONCE(d->off);
		u32 len = READ_ONCE(d->len);
		u32 cur, pad;

		if (!vmpi_desc_ok(r, off, len))
			return vmpi_fault(r);
		if (i == cons) {
			first = off;
			fr = off;
		}
		cur = fr & (size - 1);
		pad = off >= cur ? off - cur : size - cur + off;
		r->start[i & r->mask] = fr;
		fr += pad + ALIGN(len, VMPI_MSG_ALIGN);
		if (fr - first > size)
			return vmpi_fault(r);
	}
	r->dhead = fr;
	return 0;
}

int vmpi_ring_adopt_consumer(struct vmpi_ring *r)
{
	u32 cons = READ_ONCE(r->ctl->cons);
	u32 prod;

	/* The host's prod before the descriptors it published. */
	prod = smp_load_acquire(&r->ctl->prod);
	r->fault = false;
	if (prod - cons > r->mask + 1)
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
	u32 size = r->data_size;
	u32 cons, used, pos, pad, need;

	if (r->fault)
		return -EIO;
	/* The host's cons before reusing what it gave back. */
	cons = smp_load_acquire(&r->ctl->cons);
	/* cons only moves forward and never past what was published. */
	if (cons - r->cons > r->prod - r->cons)
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
	pos = r->dhead & (size - 1);
	pad = pos + len > size ? size - pos : 0;
	need = pad + ALIGN(len, VMPI_MSG_ALIGN);
	if (used > size || need > size - used)
		return -EAGAIN;
	*off = pad ? 0 : pos;
	return 0;
}

/* Producer: publish a reserved message; true when the host wants a kick. */
bool vmpi_ring_commit(struct vmpi_ring *r, u32 off, u32 len)
{
	u32 i = r->prod;
	struct vmpi_desc *d = &r->desc[i & r->mask];
	u32 pos = r->dhead & (r->data_size - 1);

	WRITE_ONCE(d->off, off);
	WRITE_ONCE(d->len, len);
	r->start[i & r->mask] = r->dhead;
	if (off != pos)
		r->dhead += r->data_size - pos;
	r->dhead += ALIGN(len, VMPI_MSG_ALIGN);
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
	if (prod - r->cons > r->mask + 1 ||
	    prod - r->cons < r->prod - r->cons)
		return vmpi_fault(r);
	r->prod = prod;
	if (prod == r->cons)
		return -EAGAIN;
	d = &r->desc[r->cons & r->mask];
	o = READ_ONCE(d->off);
	l = READ_ONCE(d->len);
	if (!vmpi_desc_ok(r, o, l))
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
