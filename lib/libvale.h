/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libvale: user-space access to vale switch ports.
 *
 *   struct vale_handle *p;
 *   int err = vale_port_open("vale0:a", NULL, &p);
 *   if (err) fprintf(stderr, "%s\n", vale_strerror(err));
 *
 * A port is one /dev/vale file bound to one switch port, with the port's
 * private region mapped.  The region layout is taken from the offsets the
 * kernel returns at registration; nothing here assumes a layout.
 *
 * Fast path: struct vale_port_ring describes one ring with pointers into the
 * mapping; the static inline helpers below work on it without a function
 * call.  They implement netmap's ring semantics (see <linux/vale.h>):
 * slots [head, tail) belong to user space; cur is the poll() wake-up point.
 *
 * Errors are negative errno values; vale_strerror() turns them into text.
 * A port may be used from several threads only if each ring is used by one
 * thread at a time and syncs are serialized by the caller.
 *
 * See Documentation/libvale.md.
 */
#ifndef LIBVALE_H
#define LIBVALE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <linux/vale.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LIBVALE_VERSION_MAJOR	0
#define LIBVALE_VERSION_MINOR	5
#define LIBVALE_VERSION_PATCH	0

/*
 * An open port: one /dev/vale file bound to a switch port, its region
 * mapped (opaque).  Called struct vale_port before libvale 0.4; the name
 * is the kernel's port object's.
 */
struct vale_handle;

/*
 * Options of vale_port_open().  sz must be sizeof(struct vale_port_opts) as
 * the caller knows it, so that the struct can grow: the library accepts a
 * smaller sz (missing fields are zero) and a larger one if the bytes it
 * does not know are all zero (otherwise -E2BIG).  A zero field selects the
 * kernel's default.  Use VALE_PORT_OPTS() to declare one.
 */
struct vale_port_opts {
	size_t sz;
	uint32_t num_tx_rings;	/* default 1, at most VALE_MAX_RINGS */
	uint32_t num_rx_rings;	/* default 1, at most VALE_MAX_RINGS */
	uint32_t num_slots;	/* per ring, default VALE_DEF_SLOTS */
	uint32_t buf_size;	/* default VALE_DEF_BUF_SIZE */
	uint32_t extra_bufs;	/* buffers not attached to any slot */
	uint32_t flags;		/* none defined yet: must be 0 */
	const char *dev_path;	/* default "/dev/vale" */
};

#define VALE_PORT_OPTS(name, ...)					\
	struct vale_port_opts name = {					\
		.sz = sizeof(struct vale_port_opts), __VA_ARGS__	\
	}

/*
 * One ring of a port, filled in by vale_port_open().  head and cur are
 * written by user space, tail by the kernel.  Do not change the pointers.
 * Slot i is at (char *)slots + i * slot_size (the kernel's slot may be
 * larger than struct vale_slot): use vale_ring_slot(), not slots[i].
 */
struct vale_port_ring {
	uint32_t *head;
	uint32_t *cur;
	uint32_t *tail;
	struct vale_slot *slots;	/* slot 0 */
	char *bufs;		/* buffer 0 of the port's pool */
	uint32_t num_slots;
	uint32_t buf_size;
	uint32_t num_bufs;	/* buffers in the port's pool */
	uint32_t ring_id;
	uint32_t is_tx;
	uint32_t slot_size;	/* bytes per slot, >= sizeof(struct vale_slot) */
	struct vale_handle *port;
};

/* --- setup and teardown ------------------------------------------------- */

/*
 * Open and register port @name ("valeX:Y"), map its region and describe its
 * rings.  @opts may be NULL.  Returns 0 and sets *@out, or a negative errno
 * (nothing is left behind on failure).
 */
int vale_port_open(const char *name, const struct vale_port_opts *opts,
		   struct vale_handle **out);

/* Unmap, close and free; NULL is accepted. */
void vale_port_close(struct vale_handle *port);

/* --- accessors ---------------------------------------------------------- */

int vale_port_fd(const struct vale_handle *port);
const char *vale_port_name(const struct vale_handle *port);
unsigned int vale_port_num_tx_rings(const struct vale_handle *port);
unsigned int vale_port_num_rx_rings(const struct vale_handle *port);
unsigned int vale_port_num_slots(const struct vale_handle *port);
unsigned int vale_port_buf_size(const struct vale_handle *port);
unsigned int vale_port_num_bufs(const struct vale_handle *port);
/* Extra buffers: [*first, *first + return value). */
unsigned int vale_port_extra_bufs(const struct vale_handle *port,
				  uint32_t *first);

/* Ring i of a direction, NULL when i is out of range. */
struct vale_port_ring *vale_port_tx_ring(struct vale_handle *port,
					 unsigned int i);
struct vale_port_ring *vale_port_rx_ring(struct vale_handle *port,
					 unsigned int i);

/* The whole mapped region and its size; the info header inside it. */
void *vale_port_region(const struct vale_handle *port, size_t *size);
const struct vale_info *vale_port_info(const struct vale_handle *port);
/* The register reply (geometry and offsets) as the kernel returned it. */
const struct vale_register *vale_port_reg(const struct vale_handle *port);

/* Bounds-checked accessors: NULL when out of range. */
struct vale_slot *vale_ring_slot_checked(const struct vale_port_ring *ring,
					 uint32_t i);
void *vale_port_buf(const struct vale_handle *port, uint32_t buf_idx);
void *vale_ring_buf_checked(const struct vale_port_ring *ring,
			    const struct vale_slot *slot);

/* --- syncs, poll, stats ------------------------------------------------- */

/*
 * VALE_IOC_TXSYNC / VALE_IOC_RXSYNC on every ring of the port.  -EINVAL
 * when a ring's head or cur are invalid (the other rings are synced).
 */
int vale_port_sync_tx(struct vale_handle *port);
int vale_port_sync_rx(struct vale_handle *port);

/*
 * The same on one ring: tx (rx) ring @i, or every ring for
 * VALE_SYNC_ALL_RINGS.  -EINVAL also for @i out of range.  (libvale 0.2)
 */
int vale_port_sync_tx_ring(struct vale_handle *port, unsigned int i);
int vale_port_sync_rx_ring(struct vale_handle *port, unsigned int i);

/* Sync the ring @r belongs to (tx or rx ring r->ring_id of its port). */
static inline int vale_ring_sync(struct vale_port_ring *r)
{
	return r->is_tx ? vale_port_sync_tx_ring(r->port, r->ring_id) :
			  vale_port_sync_rx_ring(r->port, r->ring_id);
}

/*
 * poll() the port for @events (POLLIN, POLLOUT) for up to @timeout_ms
 * (-1 forever).  Returns the revents mask, 0 on timeout, or -errno; EINTR
 * is returned, not retried.  (libvale 0.4; vale_port_poll() before)
 */
int vale_port_wait(struct vale_handle *port, short events, int timeout_ms);

/* The port's counters.  (libvale 0.4; vale_port_get_stats() before) */
int vale_port_read_stats(struct vale_handle *port,
			 struct vale_port_stats *st);

/*
 * Report frames carried beside the switch between this port and its
 * point-to-point peer (VALE_IOC_BYPASS_REPORT in <linux/vale.h>).
 * 0 or -errno.  (libvale 0.5)
 */
int vale_port_report_bypass(struct vale_handle *port,
			    const struct vale_bypass_report *rep);

/* --- convenience (not the fast path) ------------------------------------ */

/*
 * Copy one packet of @len bytes into the ring's slots starting at cur,
 * over as many slots as needed (VALE_SLOT_MOREFRAG on all but the last),
 * and advance head and cur past it.  Does not sync.  Returns the number of
 * slots used, -ENOBUFS when there is not room for the whole packet, or
 * -EMSGSIZE for len 0 or above VALE_MAX_PKT_LEN / VALE_MAX_FRAGS slots.
 */
int vale_ring_send(struct vale_port_ring *ring, const void *data, size_t len);

/*
 * Copy the packet at cur (all its fragments) into @buf and advance head
 * and cur past it.  Returns its length, -EAGAIN when no complete packet is
 * available, -EMSGSIZE when it was longer than @size (the first @size bytes
 * are copied and the packet is consumed), -EBADMSG when a slot names a
 * buffer outside the pool (the packet is consumed).
 */
ssize_t vale_ring_recv(struct vale_port_ring *ring, void *buf, size_t size);

/*
 * The same from scattered memory: @len bytes of @iov (@iovcnt pieces)
 * after the first @skip bytes, in one pass over the pieces.  Returns as
 * vale_ring_send(); -EINVAL when the pieces hold fewer than skip + len
 * bytes.  (libvale 0.3)
 */
int vale_ring_sendv(struct vale_port_ring *ring, const struct iovec *iov,
		    int iovcnt, size_t skip, size_t len);

/*
 * --- packet chains (libvale 0.3) -------------------------------------------
 * A packet is the slots from its first up to the first without
 * VALE_SLOT_MOREFRAG.  On an rx ring, vale_ring_chain_peek() describes
 * the packet at cur without copying it, and vale_ring_chain_consume()
 * gives its slots back; in between the caller reads the buffers in place.
 */
struct vale_chain {
	uint32_t end;			/* the slot after the packet's last */
	uint32_t len;			/* bytes in all its slots */
	unsigned int nfrags;		/* entries of frag[] */
	struct iovec frag[VALE_MAX_FRAGS];
};

/*
 * Describe the packet at cur of rx ring @ring in @c, every slot read once
 * and checked (buffer inside the pool, len at most buf_size, at most
 * VALE_MAX_FRAGS slots).  Returns 1 for a complete packet, 0 when no
 * complete packet is there yet (nothing in @c is meaningful), -EBADMSG for
 * a complete packet with a bad slot (only c->end is meaningful: consume it
 * to drop it).
 */
int vale_ring_chain_peek(const struct vale_port_ring *ring,
			 struct vale_chain *c);

/* Give back the slots of the packet @c describes: head = cur = c->end. */
static inline void vale_ring_chain_consume(struct vale_port_ring *r,
					   const struct vale_chain *c);

/*
 * Counting without touching buffers: the packet that starts at slot @i
 * before @tail.  True with *end the slot after it and *len its bytes;
 * false when no complete packet starts at @i.  Each slot is read once.
 */
static inline bool vale_ring_chain_end(const struct vale_port_ring *r,
				       uint32_t i, uint32_t tail,
				       uint32_t *end, uint32_t *len);

/* --- errors and version ------------------------------------------------- */

/* Text for a negative errno returned by libvale (positive also accepted). */
const char *vale_strerror(int err);
const char *vale_lib_version(void);

/* --- inline fast path --------------------------------------------------- */

/* i + 1, wrapped.  (vale_ring_next() before libvale 0.4) */
static inline uint32_t vale_ring_inc(const struct vale_port_ring *r,
				     uint32_t i)
{
	return i + 1 == r->num_slots ? 0 : i + 1;
}

/* i + n, wrapped; n <= num_slots. */
static inline uint32_t vale_ring_add(const struct vale_port_ring *r,
				     uint32_t i, uint32_t n)
{
	i += n;
	return i >= r->num_slots ? i - r->num_slots : i;
}

/*
 * (a - b) modulo the ring: how many slots from b to a.  Mind the order:
 * kmod/ring.h's vale_ring_dist(from, to, n) is to - from; this one was
 * called vale_ring_dist() too before libvale 0.4.
 */
static inline uint32_t vale_ring_sub(const struct vale_port_ring *r,
				     uint32_t a, uint32_t b)
{
	return a >= b ? a - b : a + r->num_slots - b;
}

static inline uint32_t vale_ring_head(const struct vale_port_ring *r)
{
	return __atomic_load_n(r->head, __ATOMIC_RELAXED);
}

static inline uint32_t vale_ring_cur(const struct vale_port_ring *r)
{
	return __atomic_load_n(r->cur, __ATOMIC_RELAXED);
}

/* Acquire: slots before tail are complete once tail is seen. */
static inline uint32_t vale_ring_tail(const struct vale_port_ring *r)
{
	return __atomic_load_n(r->tail, __ATOMIC_ACQUIRE);
}

/*
 * Slots available to user space from cur: free slots to fill on tx,
 * received slots to read on rx (netmap's nm_ring_space()).
 */
static inline uint32_t vale_ring_space(const struct vale_port_ring *r)
{
	return vale_ring_sub(r, vale_ring_tail(r), vale_ring_cur(r));
}

static inline int vale_ring_empty(const struct vale_port_ring *r)
{
	return vale_ring_space(r) == 0;
}

/* Move cur only (the poll() wake-up point). */
static inline void vale_ring_set_cur(struct vale_port_ring *r, uint32_t i)
{
	__atomic_store_n(r->cur, i, __ATOMIC_RELEASE);
}

/*
 * Release every slot before @i: head = cur = i.  Release ordering makes
 * slot and buffer writes visible before the new head.
 */
static inline void vale_ring_advance(struct vale_port_ring *r, uint32_t i)
{
	__atomic_store_n(r->cur, i, __ATOMIC_RELEASE);
	__atomic_store_n(r->head, i, __ATOMIC_RELEASE);
}

/*
 * Unchecked: i < num_slots.  One multiply by slot_size (a field of the
 * ring descriptor, in the same cache line as slots): the slot may grow in
 * a later kernel without breaking binaries built against this header.
 */
static inline struct vale_slot *vale_ring_slot(const struct vale_port_ring *r,
					       uint32_t i)
{
	return (struct vale_slot *)((char *)r->slots +
				    (size_t)i * r->slot_size);
}

/* Unchecked: buf_idx < num_bufs. */
static inline void *vale_ring_buf_idx(const struct vale_port_ring *r,
				      uint32_t buf_idx)
{
	return r->bufs + (size_t)buf_idx * r->buf_size;
}

/* Unchecked buffer of a slot. */
static inline void *vale_ring_buf(const struct vale_port_ring *r,
				  const struct vale_slot *slot)
{
	return vale_ring_buf_idx(r, slot->buf_idx);
}

static inline void vale_ring_chain_consume(struct vale_port_ring *r,
					   const struct vale_chain *c)
{
	vale_ring_advance(r, c->end);
}

static inline bool vale_ring_chain_end(const struct vale_port_ring *r,
				       uint32_t i, uint32_t tail,
				       uint32_t *end, uint32_t *len)
{
	uint32_t n = 0;
	uint16_t flags;

	do {
		const struct vale_slot *s;

		if (i == tail)
			return false;
		s = vale_ring_slot(r, i);
		flags = __atomic_load_n(&s->flags, __ATOMIC_RELAXED);
		n += __atomic_load_n(&s->len, __ATOMIC_RELAXED);
		i = vale_ring_inc(r, i);
	} while (flags & VALE_SLOT_MOREFRAG);
	*end = i;
	*len = n;
	return true;
}

#ifdef __cplusplus
}
#endif

#endif /* LIBVALE_H */
