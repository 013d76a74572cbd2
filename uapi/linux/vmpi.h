/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * VMPI: a paravirtual message channel between a VM and its host, carried
 * by QEMU's ivshmem-doorbell device (shared memory in BAR2, doorbells in
 * BAR0, MSI-X vectors in BAR1).
 *
 * Shared memory (BAR2, created and laid out by the host's vale-vmpi):
 *
 *   0                  struct vmpi_shm_hdr (geometry, written by the host;
 *                      one guest-written cache line)
 *   chan_off + c * chan_stride
 *                      channel c: ring 0 (guest -> host, VMPI_RING_G2H)
 *                                 ring 1 (host -> guest, VMPI_RING_H2G)
 *                                 at c's base + r * ring_stride
 *   ring base          struct vmpi_ring_ctl (two cache lines)
 *   ring + desc_off    struct vmpi_desc desc[slots]
 *   ring + data_off    data area, data_size bytes
 *
 * All fields are native-endian: both sides run on one machine.  Every
 * offset is published in the header; a reader never hard-codes a layout
 * and checks every field against the size of the memory it mapped.
 *
 * A ring carries whole messages.  The producer copies a message into one
 * contiguous piece of the data area (never wrapping: it skips to offset 0
 * when the message would not fit before the end), fills desc[prod % slots]
 * with its offset and length, then publishes prod + 1 with release
 * ordering.  The consumer loads prod with acquire ordering, reads
 * descriptors [cons, prod), copies the messages out and publishes cons
 * with release ordering, which returns the slots and their data to the
 * producer.  prod and cons are free-running u32 and live on different
 * cache lines; each side writes only its own line.
 *
 * Notifications (event index, as virtio's VIRTIO_RING_F_EVENT_IDX): the
 * consumer keeps data_event at the index it waits for (its cons); the
 * producer, having moved prod from old to new, rings the doorbell only
 * when vmpi_need_event(data_event, new, old).  A producer out of room
 * writes the cons it saw into room_event and the consumer rings when its
 * cons passes it; the producer then reads cons again and re-arms while it
 * moved, since a request for a message already released never fires.
 * A burst therefore costs one doorbell.
 *
 * Doorbells: the guest rings host peer VMPI_HOST_PEER_ID(c), vector 0,
 * for any change on channel c.  The host signals guest vector
 * c % guest_nvec; the guest then looks at every channel of that vector.
 *
 * Neither side trusts the other: every index, length and offset read from
 * shared memory is read once, checked against the geometry, and a bad
 * value puts the channel in an error state on the reader's side only.
 */
#ifndef _UAPI_LINUX_VMPI_H
#define _UAPI_LINUX_VMPI_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define VMPI_MAGIC		0x49504d56	/* "VMPI" read as a u32 on x86 */
#define VMPI_VERSION		1
#define VMPI_CACHELINE		64

/* Limits a reader enforces on the header (the host's choices live within). */
#define VMPI_MAX_CHANNELS	64
#define VMPI_MIN_SLOTS		2
#define VMPI_MAX_SLOTS		4096		/* power of two */
#define VMPI_MIN_DATA		4096		/* power of two */
#define VMPI_MAX_DATA		(16U << 20)	/* power of two */
#define VMPI_MAX_VECTORS	32
#define VMPI_MSG_ALIGN		8	/* producers place messages 8-aligned */
#define VMPI_DEF_MAX_MSG	65536

/* ivshmem peer ids: the guest is peer 0, channel c's host end 1 + c. */
#define VMPI_GUEST_PEER_ID	0
#define VMPI_HOST_PEER_ID(c)	(1 + (c))

/* Rings of a channel. */
#define VMPI_RING_G2H		0
#define VMPI_RING_H2G		1

/* Guest states in vmpi_shm_hdr.guest_state. */
#define VMPI_GUEST_DOWN		0
#define VMPI_GUEST_UP		1

struct vmpi_shm_hdr {
	/* Host-written at creation, read-only afterwards. */
	__u32 magic;		/* VMPI_MAGIC */
	__u32 version;		/* VMPI_VERSION */
	__u32 hdr_size;		/* sizeof(struct vmpi_shm_hdr) */
	__u32 nchannels;	/* 1..VMPI_MAX_CHANNELS */
	__u32 slots;		/* descriptors per ring, power of two */
	__u32 data_size;	/* data bytes per ring, power of two */
	__u32 max_msg;		/* largest message, <= data_size */
	__u32 host_nvec;	/* guest vectors the host connected */
	__u32 chan_off;		/* offset of channel 0 */
	__u32 chan_stride;	/* distance between channels */
	__u32 ring_stride;	/* distance between the two rings */
	__u32 desc_off;		/* descriptors, from the ring base */
	__u32 data_off;		/* data area, from the ring base */
	__u32 reserved0;
	__u64 shm_size;		/* bytes of shared memory laid out */
	/* Guest-written cache line. */
	__u32 guest_state;	/* VMPI_GUEST_* */
	__u32 guest_nvec;	/* vectors the guest uses, 1..host_nvec */
	__u32 guest_gen;	/* bumped by every guest driver probe */
	__u32 reserved1[13];
};

struct vmpi_ring_ctl {
	/* Producer-written line. */
	__u32 prod;		/* next descriptor to fill */
	__u32 room_event;	/* producer waits for cons to pass this */
	__u32 pad0[14];
	/* Consumer-written line. */
	__u32 cons;		/* next descriptor to consume */
	__u32 data_event;	/* consumer waits for prod to pass this */
	__u32 pad1[14];
};

struct vmpi_desc {
	__u32 off;		/* from the start of the data area */
	__u32 len;		/* bytes, <= max_msg, off + len <= data_size */
};

/*
 * True when moving an index from old to new_idx crosses event, i.e. the
 * peer asked to be woken at an index in [old, new_idx).
 */
static inline int vmpi_need_event(__u32 event, __u32 new_idx, __u32 old)
{
	return (__u32)(new_idx - event - 1) < (__u32)(new_idx - old);
}

/* ---- guest character device /dev/vmpiN ---------------------------------
 *
 * open() gives an unbound file; VMPI_IOC_BIND attaches it to one channel
 * (one file per channel at a time: -EBUSY otherwise).  Then write() sends
 * exactly one message (-EMSGSIZE over max_msg; blocks while the ring is
 * full, or -EAGAIN with O_NONBLOCK), read() returns exactly one whole
 * message (-EMSGSIZE and nothing consumed when the buffer is shorter),
 * poll() reports POLLIN when a message is waiting and POLLOUT when a
 * message of max_msg bytes would fit.  -EIO: the host broke the channel's
 * rules; the channel stays unusable until it is bound again.
 */
struct vmpi_info {
	__u32 nchannels;
	__u32 max_msg;
	__u32 slots;
	__u32 data_size;
	__u32 channel;		/* bound channel, or VMPI_UNBOUND */
	__u32 nvec;		/* interrupt vectors in use (0: INTx) */
	__u32 peer_id;		/* this guest's ivshmem IVPosition */
	__u32 reserved;
};

#define VMPI_UNBOUND		0xffffffffU

#define VMPI_IOC_MAGIC		'V'
#define VMPI_IOC_BIND		_IOW(VMPI_IOC_MAGIC, 0x40, __u32)
#define VMPI_IOC_INFO		_IOR(VMPI_IOC_MAGIC, 0x41, struct vmpi_info)

/* ---- control channel: named flows ---------------------------------------
 *
 * Channel VMPI_CTL_CHANNEL carries control messages, one per VMPI message,
 * both ways; the other channels carry data.  An application registers a
 * name; another allocates a flow to that name and gets a data channel; it
 * is deallocated by either side.  Both ends encode and check these
 * messages with the one codec in guest-driver/vmpi_ctl.c.
 *
 * Every message starts with struct vmpi_ctl_hdr; len is the length of the
 * whole message, which must be exactly the size of its type's body plus
 * the header.  Reserved fields are 0.  Requests carry a seq chosen by
 * the sender, and their answer (VMPI_CTL_RESULT, VMPI_CTL_ALLOC_RESP,
 * VMPI_CTL_KEEPALIVE_ACK) echoes it.  A name is 1..VMPI_CTL_NAME_MAX
 * bytes of [A-Za-z0-9._:/-] without a terminator, the bytes past len 0.
 * Errors are negative errno values in -4095..-1.
 *
 *   HELLO           both ways, first:   min_version..max_version spoken
 *   REGISTER        name                -> RESULT (-EEXIST: taken)
 *   UNREGISTER      name                -> RESULT (-ENOENT)
 *   ALLOC           dst (wanted), src (asking application), flow (the
 *                   asker's id, not 0), channel (0 from the guest: the
 *                   host picks it; the host names it when it allocates
 *                   towards the guest)
 *                                       -> ALLOC_RESP: err (-ENOENT: no
 *                                          such name, -ENOSPC: no free
 *                                          channel, -ECONNREFUSED), the
 *                                          flow echoed, the channel (1..
 *                                          nchannels - 1; 0 with an error)
 *   DEALLOC         flow, channel       -> RESULT
 *   KEEPALIVE                           -> KEEPALIVE_ACK
 *
 * A peer that breaks these rules gets no answer but is not trusted with
 * anything either: a receiver drops such a message and counts it.
 */
#define VMPI_CTL_CHANNEL	0
#define VMPI_CTL_VERSION	1
#define VMPI_CTL_NAME_MAX	64

enum vmpi_ctl_type {
	VMPI_CTL_HELLO = 1,
	VMPI_CTL_REGISTER,
	VMPI_CTL_UNREGISTER,
	VMPI_CTL_ALLOC,
	VMPI_CTL_ALLOC_RESP,
	VMPI_CTL_DEALLOC,
	VMPI_CTL_RESULT,
	VMPI_CTL_KEEPALIVE,
	VMPI_CTL_KEEPALIVE_ACK,
	VMPI_CTL_NTYPES
};

struct vmpi_ctl_hdr {
	__u16 version;		/* VMPI_CTL_VERSION */
	__u16 type;		/* enum vmpi_ctl_type */
	__u32 len;		/* whole message, header included */
	__u32 seq;
	__u32 reserved;
};

struct vmpi_ctl_name {
	__u16 len;		/* 1..VMPI_CTL_NAME_MAX */
	__u16 reserved;
	char name[VMPI_CTL_NAME_MAX];
};

struct vmpi_ctl_hello {
	__u16 min_version;
	__u16 max_version;
	__u32 reserved;
};

struct vmpi_ctl_alloc {
	__u32 flow;
	__u32 channel;
	struct vmpi_ctl_name dst;
	struct vmpi_ctl_name src;
};

struct vmpi_ctl_alloc_resp {
	__s32 err;
	__u32 flow;
	__u32 channel;
	__u32 reserved;
};

struct vmpi_ctl_dealloc {
	__u32 flow;
	__u32 channel;
};

struct vmpi_ctl_result {
	__s32 err;
	__u32 reserved;
};

#endif /* _UAPI_LINUX_VMPI_H */
