// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libvale: open, map and drive vale switch ports.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "libvale.h"

#define LIBVALE_EXPORT __attribute__((visibility("default")))

#define STR_(x) #x
#define STR(x) STR_(x)

struct vale_handle {
	int fd;
	void *region;
	size_t region_size;
	struct vale_register reg;	/* what the kernel returned */
	unsigned int num_rings;		/* tx then rx in rings[] */
	struct vale_port_ring *rings;
	char name[VALE_NAME_MAX];
};

/* Options: accept a smaller struct, and a larger one if the tail is 0. */
static int opts_copy(const struct vale_port_opts *in, struct vale_port_opts *o)
{
	memset(o, 0, sizeof(*o));
	if (!in)
		return 0;
	if (in->sz < sizeof(in->sz))
		return -EINVAL;
	if (in->sz > sizeof(*o)) {
		const unsigned char *p = (const unsigned char *)in;
		size_t i;

		for (i = sizeof(*o); i < in->sz; i++)
			if (p[i])
				return -E2BIG;
		memcpy(o, in, sizeof(*o));
	} else {
		memcpy(o, in, in->sz);
	}
	o->sz = sizeof(*o);
	if (o->flags)
		return -EINVAL;
	return 0;
}

/* [off, off + len) inside [0, size), without overflow. */
static bool in_region(__u64 off, __u64 len, __u64 size)
{
	return off <= size && len <= size - off;
}

/*
 * Distrust the reply a little: every ring and the buffer area must lie
 * inside the region, so that the inline helpers cannot touch memory
 * outside the mapping whatever the kernel said.
 */
static int check_layout(const struct vale_register *r)
{
	const struct vale_mmap_offsets *o = &r->off;
	__u64 size = r->region_size, len, base;
	unsigned int i, dir;

	if (!size || size > VALE_MAX_REGION_SIZE)
		return -EPROTO;
	if (!r->num_tx_rings || r->num_tx_rings > VALE_MAX_RINGS ||
	    !r->num_rx_rings || r->num_rx_rings > VALE_MAX_RINGS ||
	    !r->num_slots || r->num_slots > VALE_MAX_SLOTS ||
	    !r->buf_size || r->buf_size > VALE_MAX_BUF_SIZE || !r->num_bufs)
		return -EPROTO;
	if (!in_region(o->info, sizeof(struct vale_info), size))
		return -EPROTO;
	if (o->ring.head % 4 || o->ring.cur % 4 || o->ring.tail % 4 ||
	    o->ring.slots % 4 || o->tx_ring % 4 || o->rx_ring % 4 ||
	    o->ring_stride % 4)
		return -EPROTO;
	/* a larger slot only has fields this libvale does not know */
	if (o->slot_size < sizeof(struct vale_slot) || o->slot_size % 4 ||
	    o->slot_size > VALE_MAX_REGION_SIZE)
		return -EPROTO;
	if (__builtin_mul_overflow((__u64)r->num_bufs, r->buf_size, &len) ||
	    !in_region(o->bufs, len, size))
		return -EPROTO;
	for (dir = 0; dir < 2; dir++) {
		unsigned int n = dir ? r->num_rx_rings : r->num_tx_rings;

		for (i = 0; i < n; i++) {
			__u64 slots_len = (__u64)r->num_slots * o->slot_size;

			if (__builtin_mul_overflow((__u64)i, o->ring_stride, &base) ||
			    __builtin_add_overflow(base,
						   dir ? o->rx_ring : o->tx_ring,
						   &base))
				return -EPROTO;
			if (base > size ||
			    !in_region(o->ring.head, 4, size - base) ||
			    !in_region(o->ring.cur, 4, size - base) ||
			    !in_region(o->ring.tail, 4, size - base) ||
			    !in_region(o->ring.slots, slots_len, size - base))
				return -EPROTO;
		}
	}
	return 0;
}

static void ring_init(struct vale_handle *p, struct vale_port_ring *ring,
		      __u64 ring_off, unsigned int id, bool tx)
{
	char *base = (char *)p->region + ring_off;
	const struct vale_ring_offsets *ro = &p->reg.off.ring;

	ring->head = (uint32_t *)(base + ro->head);
	ring->cur = (uint32_t *)(base + ro->cur);
	ring->tail = (uint32_t *)(base + ro->tail);
	ring->slots = (struct vale_slot *)(base + ro->slots);
	ring->bufs = (char *)p->region + p->reg.off.bufs;
	ring->num_slots = p->reg.num_slots;
	ring->buf_size = p->reg.buf_size;
	ring->num_bufs = p->reg.num_bufs;
	ring->ring_id = id;
	ring->is_tx = tx;
	ring->slot_size = (uint32_t)p->reg.off.slot_size;
	ring->port = p;
}

LIBVALE_EXPORT
int vale_port_open(const char *name, const struct vale_port_opts *opts,
		   struct vale_handle **out)
{
	struct vale_port_opts o;
	const struct vale_info *info;
	struct vale_handle *p;
	size_t len;
	unsigned int i;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!name)
		return -EINVAL;
	len = strnlen(name, VALE_NAME_MAX);
	if (len == 0)
		return -EINVAL;
	if (len >= VALE_NAME_MAX)
		return -ENAMETOOLONG;
	err = opts_copy(opts, &o);
	if (err)
		return err;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	memcpy(p->name, name, len + 1);

	/* 1. the device file */
	p->fd = open(o.dev_path ? o.dev_path : "/dev/vale", O_RDWR | O_CLOEXEC);
	if (p->fd < 0) {
		err = -errno;
		goto err_free;
	}

	/* 2. bind it to the port (undone by close) */
	p->reg.version = VALE_API_VERSION;
	memcpy(p->reg.name, name, len + 1);
	p->reg.num_tx_rings = o.num_tx_rings;
	p->reg.num_rx_rings = o.num_rx_rings;
	p->reg.num_slots = o.num_slots;
	p->reg.buf_size = o.buf_size;
	p->reg.extra_bufs = o.extra_bufs;
	if (ioctl(p->fd, VALE_IOC_REGISTER, &p->reg) < 0) {
		err = -errno;
		goto err_close;
	}
	err = check_layout(&p->reg);
	if (err)
		goto err_close;

	/* 3. map the region (undone by munmap) */
	p->region_size = p->reg.region_size;
	p->region = mmap(NULL, p->region_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, p->fd, 0);
	if (p->region == MAP_FAILED) {
		err = -errno;
		p->region = NULL;
		goto err_close;
	}
	info = (const struct vale_info *)((char *)p->region + p->reg.off.info);
	if (info->magic != VALE_INFO_MAGIC || info->version != VALE_API_VERSION) {
		err = -EPROTO;
		goto err_unmap;
	}

	/* 4. ring descriptors (undone by free) */
	p->num_rings = p->reg.num_tx_rings + p->reg.num_rx_rings;
	p->rings = calloc(p->num_rings, sizeof(*p->rings));
	if (!p->rings) {
		err = -ENOMEM;
		goto err_unmap;
	}
	for (i = 0; i < p->reg.num_tx_rings; i++)
		ring_init(p, &p->rings[i],
			  p->reg.off.tx_ring + i * p->reg.off.ring_stride, i, true);
	for (i = 0; i < p->reg.num_rx_rings; i++)
		ring_init(p, &p->rings[p->reg.num_tx_rings + i],
			  p->reg.off.rx_ring + i * p->reg.off.ring_stride, i, false);

	*out = p;
	return 0;

err_unmap:
	munmap(p->region, p->region_size);
err_close:
	close(p->fd);
err_free:
	free(p);
	return err;
}

LIBVALE_EXPORT
void vale_port_close(struct vale_handle *p)
{
	if (!p)
		return;
	free(p->rings);
	if (p->region)
		munmap(p->region, p->region_size);
	if (p->fd >= 0)
		close(p->fd);
	free(p);
}

LIBVALE_EXPORT int vale_port_fd(const struct vale_handle *p)
{
	return p->fd;
}

LIBVALE_EXPORT const char *vale_port_name(const struct vale_handle *p)
{
	return p->name;
}

LIBVALE_EXPORT unsigned int vale_port_num_tx_rings(const struct vale_handle *p)
{
	return p->reg.num_tx_rings;
}

LIBVALE_EXPORT unsigned int vale_port_num_rx_rings(const struct vale_handle *p)
{
	return p->reg.num_rx_rings;
}

LIBVALE_EXPORT unsigned int vale_port_num_slots(const struct vale_handle *p)
{
	return p->reg.num_slots;
}

LIBVALE_EXPORT unsigned int vale_port_buf_size(const struct vale_handle *p)
{
	return p->reg.buf_size;
}

LIBVALE_EXPORT unsigned int vale_port_num_bufs(const struct vale_handle *p)
{
	return p->reg.num_bufs;
}

LIBVALE_EXPORT
unsigned int vale_port_extra_bufs(const struct vale_handle *p, uint32_t *first)
{
	const struct vale_info *info = vale_port_info(p);
	uint32_t f = info->first_extra_buf, n = info->num_extra_bufs;

	/* Read once, clamp to the pool. */
	if (f > p->reg.num_bufs)
		f = p->reg.num_bufs;
	if (n > p->reg.num_bufs - f)
		n = p->reg.num_bufs - f;
	if (first)
		*first = f;
	return n;
}

LIBVALE_EXPORT
struct vale_port_ring *vale_port_tx_ring(struct vale_handle *p, unsigned int i)
{
	return i < p->reg.num_tx_rings ? &p->rings[i] : NULL;
}

LIBVALE_EXPORT
struct vale_port_ring *vale_port_rx_ring(struct vale_handle *p, unsigned int i)
{
	return i < p->reg.num_rx_rings ?
		&p->rings[p->reg.num_tx_rings + i] : NULL;
}

LIBVALE_EXPORT void *vale_port_region(const struct vale_handle *p, size_t *size)
{
	if (size)
		*size = p->region_size;
	return p->region;
}

LIBVALE_EXPORT const struct vale_info *vale_port_info(const struct vale_handle *p)
{
	return (const struct vale_info *)((char *)p->region + p->reg.off.info);
}

LIBVALE_EXPORT const struct vale_register *vale_port_reg(const struct vale_handle *p)
{
	return &p->reg;
}

LIBVALE_EXPORT
struct vale_slot *vale_ring_slot_checked(const struct vale_port_ring *r,
					 uint32_t i)
{
	return i < r->num_slots ? vale_ring_slot(r, i) : NULL;
}

LIBVALE_EXPORT void *vale_port_buf(const struct vale_handle *p, uint32_t idx)
{
	if (idx >= p->reg.num_bufs)
		return NULL;
	return (char *)p->region + p->reg.off.bufs + (size_t)idx * p->reg.buf_size;
}

LIBVALE_EXPORT
void *vale_ring_buf_checked(const struct vale_port_ring *r,
			    const struct vale_slot *slot)
{
	uint32_t idx = __atomic_load_n(&slot->buf_idx, __ATOMIC_RELAXED);

	return idx < r->num_bufs ? vale_ring_buf_idx(r, idx) : NULL;
}

static int do_ioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

LIBVALE_EXPORT int vale_port_sync_tx_ring(struct vale_handle *p, unsigned int i)
{
	__u32 ring = i;

	return do_ioctl(p->fd, VALE_IOC_TXSYNC, &ring);
}

LIBVALE_EXPORT int vale_port_sync_rx_ring(struct vale_handle *p, unsigned int i)
{
	__u32 ring = i;

	return do_ioctl(p->fd, VALE_IOC_RXSYNC, &ring);
}

LIBVALE_EXPORT int vale_port_sync_tx(struct vale_handle *p)
{
	return vale_port_sync_tx_ring(p, VALE_SYNC_ALL_RINGS);
}

LIBVALE_EXPORT int vale_port_sync_rx(struct vale_handle *p)
{
	return vale_port_sync_rx_ring(p, VALE_SYNC_ALL_RINGS);
}

LIBVALE_EXPORT
int vale_port_wait(struct vale_handle *p, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = p->fd, .events = events };
	int ret = poll(&pfd, 1, timeout_ms);

	if (ret < 0)
		return -errno;
	return ret ? pfd.revents : 0;
}

LIBVALE_EXPORT
int vale_port_read_stats(struct vale_handle *p, struct vale_port_stats *st)
{
	memset(st, 0, sizeof(*st));
	return do_ioctl(p->fd, VALE_IOC_GET_STATS, st);
}

LIBVALE_EXPORT
int vale_port_report_bypass(struct vale_handle *p,
			    const struct vale_bypass_report *rep)
{
	return do_ioctl(p->fd, VALE_IOC_BYPASS_REPORT, (void *)rep);
}

/*
 * libvale 0.1-0.3's names of the two functions above, in LIBVALE_0.1
 * still, for the binaries linked against them (the ABI of libvale.so.0
 * is kept); libvale.h no longer declares them.
 */
int vale_port_poll(struct vale_handle *p, short events, int timeout_ms);
int vale_port_get_stats(struct vale_handle *p, struct vale_port_stats *st);
LIBVALE_EXPORT
int vale_port_poll(struct vale_handle *p, short events, int timeout_ms)
	__attribute__((alias("vale_port_wait")));
LIBVALE_EXPORT
int vale_port_get_stats(struct vale_handle *p, struct vale_port_stats *st)
	__attribute__((alias("vale_port_read_stats")));

/*
 * Copy @len bytes from @iov after @skip into the slots from cur on.  The
 * position in the source moves forward only: one pass over the pieces
 * however they are cut.
 */
LIBVALE_EXPORT
int vale_ring_sendv(struct vale_port_ring *r, const struct iovec *iov,
		    int iovcnt, size_t skip, size_t len)
{
	uint32_t cur, nslots, i;
	size_t soff = skip, have = 0;
	int si = 0, k;

	if (!len || len > VALE_MAX_PKT_LEN)
		return -EMSGSIZE;
	nslots = (len + r->buf_size - 1) / r->buf_size;
	if (nslots > VALE_MAX_FRAGS)
		return -EMSGSIZE;
	if (vale_ring_space(r) < nslots)
		return -ENOBUFS;
	for (k = 0; k < iovcnt; k++)
		have += iov[k].iov_len;
	if (have < skip || have - skip < len)
		return -EINVAL;
	/* where the bytes start */
	while (si < iovcnt && soff >= iov[si].iov_len)
		soff -= iov[si++].iov_len;
	cur = vale_ring_cur(r);
	for (i = 0; i < nslots; i++) {
		struct vale_slot *s = vale_ring_slot(r, cur);
		uint32_t n = len > r->buf_size ? r->buf_size : len, done = 0;
		char *dst = vale_ring_buf_checked(r, s);

		if (!dst)
			return -EBADMSG;
		while (done < n) {
			size_t c = iov[si].iov_len - soff;

			if (c > n - done)
				c = n - done;
			memcpy(dst + done, (const char *)iov[si].iov_base + soff, c);
			done += c;
			soff += c;
			if (soff == iov[si].iov_len) {
				si++;
				soff = 0;
			}
		}
		s->len = n;
		s->flags = i + 1 < nslots ? VALE_SLOT_MOREFRAG : 0;
		len -= n;
		cur = vale_ring_inc(r, cur);
	}
	vale_ring_advance(r, cur);
	return nslots;
}

LIBVALE_EXPORT
int vale_ring_send(struct vale_port_ring *r, const void *data, size_t len)
{
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };

	return vale_ring_sendv(r, &iov, 1, 0, len);
}

/*
 * Slots [cur, tail) are the kernel's writes, complete once tail was read
 * (acquire): each field is read once and checked before it is used.
 */
LIBVALE_EXPORT
int vale_ring_chain_peek(const struct vale_port_ring *r, struct vale_chain *c)
{
	uint32_t i = vale_ring_cur(r), tail = vale_ring_tail(r);
	bool bad = false;
	uint16_t flags;

	c->len = 0;
	c->nfrags = 0;
	do {
		const struct vale_slot *s;
		uint32_t idx, slen;

		if (i == tail)
			return 0;
		s = vale_ring_slot(r, i);
		flags = __atomic_load_n(&s->flags, __ATOMIC_RELAXED);
		slen = __atomic_load_n(&s->len, __ATOMIC_RELAXED);
		idx = __atomic_load_n(&s->buf_idx, __ATOMIC_RELAXED);
		if (idx >= r->num_bufs || slen > r->buf_size ||
		    c->nfrags == VALE_MAX_FRAGS) {
			bad = true;
		} else {
			c->frag[c->nfrags].iov_base = vale_ring_buf_idx(r, idx);
			c->frag[c->nfrags].iov_len = slen;
			c->nfrags++;
		}
		c->len += slen;
		i = vale_ring_inc(r, i);
	} while (flags & VALE_SLOT_MOREFRAG);
	c->end = i;
	return bad ? -EBADMSG : 1;
}

LIBVALE_EXPORT
ssize_t vale_ring_recv(struct vale_port_ring *r, void *buf, size_t size)
{
	struct vale_chain c;
	size_t copied = 0;
	unsigned int k;
	int ret = vale_ring_chain_peek(r, &c);

	if (ret == 0)
		return -EAGAIN;
	if (ret < 0) {
		vale_ring_chain_consume(r, &c);
		return ret;
	}
	for (k = 0; k < c.nfrags && copied < size; k++) {
		size_t n = c.frag[k].iov_len < size - copied ?
			   c.frag[k].iov_len : size - copied;

		memcpy((char *)buf + copied, c.frag[k].iov_base, n);
		copied += n;
	}
	vale_ring_chain_consume(r, &c);
	return c.len > size ? -EMSGSIZE : (ssize_t)c.len;
}

LIBVALE_EXPORT const char *vale_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case 0:
		return "success";
	case ENOENT:
		return "/dev/vale not found (is vale.ko loaded?)";
	case ENODEV:
	case ENXIO:
		return "no vale device (is vale.ko loaded?)";
	case EACCES:
		return "permission denied on /dev/vale";
	case EPERM:
		return "operation not permitted (restricted switch or port owned by another user)";
	case EINVAL:
		return "invalid argument (port name must be valeX:Y; check ring, slot and buffer sizes)";
	case ENAMETOOLONG:
		return "port name too long (at most " STR(VALE_NAME_MAX) " bytes including the NUL)";
	case EBUSY:
		return "port already in use or file already bound";
	case ENOSPC:
		return "the switch has no free port";
	case ENOMEM:
		return "out of memory";
	case E2BIG:
		return "options struct has fields this libvale does not know";
	case EPROTO:
		return "kernel reply or region layout not understood (libvale and vale.ko mismatch)";
	case ENOBUFS:
		return "no room in the ring";
	case EMSGSIZE:
		return "packet too long or empty";
	case EAGAIN:
		return "nothing available, try again";
	case EBADMSG:
		return "slot names a buffer outside the port's pool";
	case ENOTTY:
		return "not a vale device or ioctl not supported by this vale.ko";
	default:
		return strerror(err);
	}
}

LIBVALE_EXPORT const char *vale_lib_version(void)
{
	return STR(LIBVALE_VERSION_MAJOR) "." STR(LIBVALE_VERSION_MINOR) "."
	       STR(LIBVALE_VERSION_PATCH);
}
