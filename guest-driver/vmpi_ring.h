/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * vmpi: the one implementation of a VMPI ring (vmpi_ring.c), compiled into
 * the guest driver vmpi.ko and, unchanged, into libvale's VMPI host API
 * (lib/vmpi.c, through the user-space accessors of lib/kcompat/).  Dual
 * licensed for that reason.  The shared-memory layout and the event-index
 * rule stay in <linux/vmpi.h>; this header holds the ring's rules as pure
 * functions (index arithmetic, descriptor and geometry checks, free space)
 * and the stateful operations around them.
 *
 * The pure functions touch no shared memory: callers load every shared
 * value once into a local (with the ordering they need) and pass the local
 * in.  All arithmetic is on free-running __u32 and stays correct across
 * 2^32.  The Tier-0 tests (selftests/tier0/vmpi_ring_test.c, fuzz_vmpi.c)
 * compile vmpi_ring.c as it is against their shims.
 */
#ifndef _VMPI_RING_H
#define _VMPI_RING_H

#include <linux/types.h>
#include <linux/vmpi.h>

/* Bytes of data area a message of len bytes occupies (len <= 16 MiB). */
static inline __u32 vmpi_msg_span(__u32 len)
{
	return (len + VMPI_MSG_ALIGN - 1) & ~(__u32)(VMPI_MSG_ALIGN - 1);
}

static inline int vmpi_is_pow2(__u32 x)
{
	return x && !(x & (x - 1));
}

/*
 * The geometry of a header against the len bytes of memory mapped:
 * 0, -1 when the magic is missing (not a VMPI device), -2 when the header
 * is inconsistent.  Only a private copy of the header may be checked.
 */
#define VMPI_GEO_NOMAGIC	(-1)
#define VMPI_GEO_BAD		(-2)

static inline int vmpi_geo_check(const struct vmpi_shm_hdr *h, __u64 len)
{
	const __u64 line = VMPI_CACHELINE;

	if (h->magic != VMPI_MAGIC)
		return VMPI_GEO_NOMAGIC;
	if (h->version != VMPI_VERSION || h->hdr_size < sizeof(*h))
		return VMPI_GEO_BAD;
	if (!h->nchannels || h->nchannels > VMPI_MAX_CHANNELS)
		return VMPI_GEO_BAD;
	if (!vmpi_is_pow2(h->slots) || h->slots < VMPI_MIN_SLOTS ||
	    h->slots > VMPI_MAX_SLOTS)
		return VMPI_GEO_BAD;
	if (!vmpi_is_pow2(h->data_size) || h->data_size < VMPI_MIN_DATA ||
	    h->data_size > VMPI_MAX_DATA || h->max_msg > h->data_size)
		return VMPI_GEO_BAD;
	if (!h->host_nvec || h->host_nvec > VMPI_MAX_VECTORS)
		return VMPI_GEO_BAD;
	if (h->desc_off % line || h->data_off % line ||
	    h->ring_stride % line || h->chan_stride % line ||
	    h->chan_off % line)
		return VMPI_GEO_BAD;
	if (h->desc_off < sizeof(struct vmpi_ring_ctl) ||
	    (__u64)h->desc_off + (__u64)h->slots * sizeof(struct vmpi_desc) >
	    h->data_off ||
	    (__u64)h->data_off + h->data_size > h->ring_stride ||
	    2 * (__u64)h->ring_stride > h->chan_stride ||
	    h->chan_off < sizeof(*h) ||
	    (__u64)h->chan_off + (__u64)h->nchannels * h->chan_stride >
	    h->shm_size ||
	    h->shm_size > len)
		return VMPI_GEO_BAD;
	return 0;
}

/* A descriptor: the message lies inside the data area and is not too big. */
static inline int vmpi_desc_ok(__u32 max_msg, __u32 data_size, __u32 off,
			       __u32 len)
{
	return len <= max_msg && off <= data_size && len <= data_size - off;
}

/* Indices as found when a side (re)attaches: at most a ring apart. */
static inline int vmpi_span_ok(__u32 prod, __u32 cons, __u32 slots)
{
	return prod - cons <= slots;
}

/*
 * Consumer: the peer's prod, loaded now, after last (the prod seen
 * before) with our own cons: prod only moves forward (not behind last)
 * and at most slots ahead of cons.
 */
static inline int vmpi_prod_ok(__u32 prod, __u32 last, __u32 cons,
			       __u32 slots)
{
	return prod - cons <= slots && prod - cons >= last - cons;
}

/*
 * Producer: the peer's cons, loaded now, after last (the cons seen
 * before) with our own prod: cons only moves forward and never past prod.
 */
static inline int vmpi_cons_ok(__u32 cons, __u32 last, __u32 prod)
{
	return cons - last <= prod - last;
}

/*
 * Producer: room for a message of len bytes in a data area of size bytes
 * (a power of two), with the free-running data head dhead and used bytes
 * in flight.  Returns 1 and the message's offset (never wrapping: it
 * skips to 0 when the message would not fit before the end), or 0 when
 * there is not enough room now.  len > size never fits.
 */
static inline int vmpi_room(__u32 dhead, __u32 used, __u32 size,
			    __u32 len, __u32 *off)
{
	__u32 pos = dhead & (size - 1), pad, need;

	if (len > size || used > size)
		return 0;
	pad = pos + len > size ? size - pos : 0;
	need = pad + vmpi_msg_span(len);
	if (need > size - used)
		return 0;
	*off = pad ? 0 : pos;
	return 1;
}

/* Producer: the data head after a message of len bytes placed at off. */
static inline __u32 vmpi_dhead_next(__u32 dhead, __u32 off, __u32 len,
				    __u32 size)
{
	__u32 pos = dhead & (size - 1);

	if (off != pos)
		dhead += size - pos;
	return dhead + vmpi_msg_span(len);
}

/*
 * Producer (re)attaching: rebuild the data accounting of the messages in
 * flight from their (already checked) descriptors, oldest first.  *fr is
 * the free-running data head so far (for the first message: its off, and
 * first == off); the message's start goes to *start and *fr moves past
 * it.  Returns 0 when the messages so far fit in size bytes, -1 not.
 */
static inline int vmpi_adopt_step(__u32 *fr, __u32 first, __u32 off,
				  __u32 len, __u32 size, __u32 *start)
{
	__u32 cur = *fr & (size - 1);
	__u32 pad = off >= cur ? off - cur : size - cur + off;

	*start = *fr;
	*fr += pad + vmpi_msg_span(len);
	return *fr - first > size ? -1 : 0;
}

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

#endif /* _VMPI_RING_H */
