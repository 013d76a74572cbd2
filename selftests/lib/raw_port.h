/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw /dev/vale ports for the VM tests (bad_input.c, fwd_basic.c): open,
 * VALE_IOC_REGISTER and mmap with plain ioctls (no libvale), ring and
 * buffer access, send and receive of whole packets over MOREFRAG chains,
 * counters, and test frames.
 */
#ifndef _VALE_SELFTESTS_RAW_PORT_H
#define _VALE_SELFTESTS_RAW_PORT_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vale.h>

/* Argument of VALE_IOC_TXSYNC/RXSYNC: every ring of the direction. */
static const __u32 all_rings = VALE_SYNC_ALL_RINGS;

struct vp {
	int fd;
	struct vale_register reg;
	uint8_t *mem;
};

static inline int vp_open(struct vp *p, const char *name, uint32_t slots,
			  uint32_t buf_size)
{
	memset(p, 0, sizeof(*p));
	p->fd = open("/dev/vale", O_RDWR);
	if (p->fd < 0)
		return -errno;
	p->reg.version = VALE_API_VERSION;
	strncpy(p->reg.name, name, VALE_NAME_MAX - 1);
	p->reg.num_slots = slots;
	p->reg.buf_size = buf_size;
	if (ioctl(p->fd, VALE_IOC_REGISTER, &p->reg))
		goto err;
	p->mem = mmap(NULL, p->reg.region_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED, p->fd, 0);
	if (p->mem == MAP_FAILED)
		goto err;
	return 0;
err:
	close(p->fd);
	p->fd = -1;
	return -errno;
}

static inline void vp_close(struct vp *p)
{
	if (p->mem && p->mem != MAP_FAILED)
		munmap(p->mem, p->reg.region_size);
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	p->mem = NULL;
}

static inline struct vale_ring *vp_tx(struct vp *p)
{
	return (struct vale_ring *)(p->mem + p->reg.off.tx_ring);
}

static inline struct vale_ring *vp_rx(struct vp *p)
{
	return (struct vale_ring *)(p->mem + p->reg.off.rx_ring);
}

static inline uint8_t *vp_buf(struct vp *p, uint32_t idx)
{
	return p->mem + p->reg.off.bufs + (uint64_t)idx * p->reg.buf_size;
}

static inline uint32_t nxt(struct vale_ring *r, uint32_t i)
{
	return i + 1 == r->num_slots ? 0 : i + 1;
}

static inline void set_head(struct vale_ring *r, uint32_t h)
{
	r->cur = h;
	__atomic_store_n(&r->head, h, __ATOMIC_RELEASE);
}

/* Queue one packet (split over slots of buf_size); no sync. */
static inline int vp_queue(struct vp *p, const uint8_t *frame, uint32_t len)
{
	struct vale_ring *r = vp_tx(p);
	uint32_t h = r->head, tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
	uint32_t off = 0;

	while (off < len) {
		struct vale_slot *s = &r->slot[h];
		uint32_t c = len - off;

		if (h == tail)
			return -ENOSPC;
		if (c > p->reg.buf_size)
			c = p->reg.buf_size;
		memcpy(vp_buf(p, s->buf_idx), frame + off, c);
		s->len = c;
		off += c;
		s->flags = off < len ? VALE_SLOT_MOREFRAG : 0;
		h = nxt(r, h);
	}
	set_head(r, h);
	return 0;
}

static inline int vp_txsync(struct vp *p)
{
	return ioctl(p->fd, VALE_IOC_TXSYNC, &all_rings) ? -errno : 0;
}

static inline int vp_send(struct vp *p, const uint8_t *frame, uint32_t len)
{
	int err = vp_queue(p, frame, len);

	return err ? err : vp_txsync(p);
}

/*
 * Receive one packet (reassembling MOREFRAG slots) into out; returns its
 * length, 0 when the ring is empty, or -1 on a broken chain.
 */
static inline int vp_recv(struct vp *p, uint8_t *out, uint32_t max,
			  int *nslots)
{
	struct vale_ring *r = vp_rx(p);
	uint32_t h = r->head, tail, len = 0;
	int n = 0;

	tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
	if (h == tail) {
		if (ioctl(p->fd, VALE_IOC_RXSYNC, &all_rings))
			return -1;
		tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
		if (h == tail)
			return 0;
	}
	for (;;) {
		struct vale_slot *s = &r->slot[h];

		if (h == tail)
			return -1;
		if (len + s->len <= max)
			memcpy(out + len, vp_buf(p, s->buf_idx), s->len);
		len += s->len;
		n++;
		h = nxt(r, h);
		if (!(s->flags & VALE_SLOT_MOREFRAG))
			break;
	}
	set_head(r, h);
	if (nslots)
		*nslots = n;
	return len;
}

static inline int vp_drain(struct vp *p)
{
	uint8_t buf[65536];
	int n = 0;

	while (vp_recv(p, buf, sizeof(buf), NULL) > 0)
		n++;
	return n;
}

static inline struct vale_port_stats vp_stats(struct vp *p)
{
	struct vale_port_stats st;

	memset(&st, 0xff, sizeof(st));
	if (ioctl(p->fd, VALE_IOC_GET_STATS, &st))
		memset(&st, 0xff, sizeof(st));
	return st;
}

#define MAC_BCAST	0xffffffffffffULL
#define MAC_MCAST	0x01005e000001ULL
#define MAC(n)		(0x020000000000ULL | (n))

static inline void mkframe(uint8_t *f, uint64_t dst, uint64_t src,
			   uint32_t len, uint32_t tag)
{
	uint32_t i;

	for (i = 0; i < 6; i++) {
		f[i] = dst >> (40 - 8 * i);
		f[6 + i] = src >> (40 - 8 * i);
	}
	f[12] = 0x88;
	f[13] = 0xb5;	/* local experimental ethertype */
	memcpy(f + 14, &tag, sizeof(tag));
	for (i = 18; i < len; i++)
		f[i] = (uint8_t)(i * 7 + tag);
}

/*
 * ---- Additions for the netdev data-path tests (netdev_datapath.c) ----
 * Kept in one block so that other additions merge cleanly.
 */
#include <poll.h>
#include <time.h>

static inline int64_t rp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * vp_recv() that waits up to ms milliseconds for a packet (frames from a
 * netdev port may arrive from a softirq after the call that caused them).
 */
static inline int vp_recv_wait(struct vp *p, uint8_t *out, uint32_t max,
			       int ms)
{
	int64_t end = rp_now_ms() + ms;
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	int n;

	for (;;) {
		n = vp_recv(p, out, max, NULL);
		if (n != 0)
			return n;
		ms = (int)(end - rp_now_ms());
		if (ms <= 0)
			return 0;
		poll(&pfd, 1, ms);
	}
}

/* Internet checksum: add bytes to a 32-bit sum, fold, complement. */
static inline uint32_t csum_add(uint32_t sum, const void *data, size_t n)
{
	const uint8_t *b = data;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		sum += (uint32_t)b[n - 1] << 8;
	return sum;
}

static inline uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

#endif /* _VALE_SELFTESTS_RAW_PORT_H */
