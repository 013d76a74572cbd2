// SPDX-License-Identifier: GPL-2.0
/*
 * fe.c: a minimal vhost-user front-end for the selftests (hostile,
 * seqpair): guest memory in a memfd, one or two queue pairs of split
 * rings, the negotiation and setup messages, and helpers to put buffers
 * in the rings.  fe.h has the layout of the guest memory.
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>

#include "fe.h"

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int fe_send(struct fe *f, uint32_t req, uint32_t flags, const void *payload,
	    uint32_t size, const int *fds, int nfds)
{
	uint8_t buf[sizeof(struct vhu_hdr) + 4096];
	struct vhu_hdr h = { .request = req, .flags = flags, .size = size };
	union {
		char c[CMSG_SPACE(16 * sizeof(int))];
		struct cmsghdr a;
	} cb;
	struct iovec iov = { .iov_base = buf };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	size_t plen = size > 4096 ? 0 : size;

	memcpy(buf, &h, sizeof(h));
	if (payload && plen)
		memcpy(buf + sizeof(h), payload, plen);
	iov.iov_len = sizeof(h) + plen;
	if (nfds) {
		struct cmsghdr *c;

		mh.msg_control = cb.c;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}
	return sendmsg(f->sock, &mh, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

int fe_msg(struct fe *f, uint32_t req, const void *payload, uint32_t size,
	   const int *fds, int nfds)
{
	return fe_send(f, req, VHU_VERSION, payload, size, fds, nfds);
}

/* Read one reply; returns its u64 payload or -1. */
int64_t fe_reply(struct fe *f, uint32_t req)
{
	struct pollfd p = { .fd = f->sock, .events = POLLIN };
	struct vhu_hdr h;
	uint8_t payload[512];

	if (poll(&p, 1, 2000) <= 0 || recv(f->sock, &h, sizeof(h), MSG_WAITALL) != sizeof(h))
		return -1;
	if (h.request != req || !(h.flags & VHU_FLAG_REPLY) || h.size > sizeof(payload) ||
	    (h.size && recv(f->sock, payload, h.size, MSG_WAITALL) != (ssize_t)h.size))
		return -1;
	if (h.size == 8) {
		uint64_t v;

		memcpy(&v, payload, 8);
		return (int64_t)v;
	}
	return h.size == sizeof(struct vhu_vring_state) ?
	       ((struct vhu_vring_state *)payload)->num : 0;
}

/* Guest memory and eventfds for a front-end on the connected socket @sock. */
int fe_init(struct fe *f, int sock)
{
	int i;

	memset(f, 0, sizeof(*f));
	f->sock = sock;
	f->memfd = memfd_create("hostile-guest", MFD_CLOEXEC);
	if (f->memfd < 0 || ftruncate(f->memfd, MEM_SIZE) < 0)
		return -1;
	f->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, f->memfd, 0);
	if (f->mem == MAP_FAILED)
		return -1;
	f->nq = 2;
	for (i = 0; i < MAX_FQ; i++) {
		struct fvq *q = &f->q[i];

		q->desc_gpa = 0x3000ull * i;
		q->avail_gpa = q->desc_gpa + 0x1000;
		q->used_gpa = q->desc_gpa + 0x2000;
		q->desc = (void *)(f->mem + q->desc_gpa);
		q->avail = (void *)(f->mem + q->avail_gpa);
		q->used = (void *)(f->mem + q->used_gpa);
		q->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		q->call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	}
	return 0;
}

int fe_connect_path(struct fe *f, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int i, sock = -1;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	for (i = 0; i < 50; i++) {
		sock = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			break;
		close(sock);
		sock = -1;
		usleep(100000);
	}
	if (sock < 0) {
		memset(f, 0, sizeof(*f));
		f->sock = f->memfd = -1;
		return -1;
	}
	return fe_init(f, sock);
}

void fe_close(struct fe *f)
{
	int i;

	if (f->sock >= 0)
		close(f->sock);
	for (i = 0; i < MAX_FQ; i++) {
		if (f->q[i].kick > 0)
			close(f->q[i].kick);
		if (f->q[i].call > 0)
			close(f->q[i].call);
	}
	if (f->mem && f->mem != MAP_FAILED)
		munmap(f->mem, MEM_SIZE);
	if (f->memfd >= 0)
		close(f->memfd);
	memset(f, 0, sizeof(*f));
	f->sock = f->memfd = -1;
}

const uint64_t fe_features = (1ull << VIRTIO_F_VERSION_1) |
	(1ull << VIRTIO_NET_F_MRG_RXBUF) | (1ull << VIRTIO_RING_F_EVENT_IDX) |
	(1ull << VIRTIO_RING_F_INDIRECT_DESC) | (1ull << VHU_F_PROTOCOL_FEATURES);

/* Negotiation up to (not including) the memory table. */
int fe_negotiate(struct fe *f)
{
	uint64_t v;

	if (fe_msg(f, VHU_GET_FEATURES, NULL, 0, NULL, 0) < 0 ||
	    fe_reply(f, VHU_GET_FEATURES) < 0)
		return -1;
	v = fe_features;
	if (fe_msg(f, VHU_SET_FEATURES, &v, 8, NULL, 0) < 0 ||
	    fe_msg(f, VHU_GET_PROTOCOL_FEATURES, NULL, 0, NULL, 0) < 0 ||
	    fe_reply(f, VHU_GET_PROTOCOL_FEATURES) < 0)
		return -1;
	v = 1ull << VHU_PROTO_F_REPLY_ACK;
	if (fe_msg(f, VHU_SET_PROTOCOL_FEATURES, &v, 8, NULL, 0) < 0 ||
	    fe_msg(f, VHU_SET_OWNER, NULL, 0, NULL, 0) < 0)
		return -1;
	return 0;
}

struct vhu_mem_table fe_table(struct fe *f)
{
	struct vhu_mem_table t = { .nregions = 1 };

	t.regions[0].guest_phys_addr = 0;
	t.regions[0].memory_size = MEM_SIZE;
	t.regions[0].userspace_addr = (uintptr_t)f->mem;
	t.regions[0].mmap_offset = 0;
	return t;
}

/* Memory table (acked) and f->nq rings. */
int fe_setup(struct fe *f)
{
	struct vhu_mem_table t = fe_table(f);
	int i;

	if (fe_negotiate(f) < 0)
		return -1;
	if (fe_send(f, VHU_SET_MEM_TABLE, VHU_VERSION | VHU_FLAG_NEED_REPLY, &t,
		    8 + sizeof(t.regions[0]), &f->memfd, 1) < 0 ||
	    fe_reply(f, VHU_SET_MEM_TABLE) != 0)
		return -1;
	for (i = 0; i < f->nq; i++) {
		struct fvq *q = &f->q[i];
		struct vhu_vring_state s = { .index = i, .num = QSZ };
		struct vhu_vring_addr a = {
			.index = i,
			.desc_uaddr = (uintptr_t)q->desc,
			.avail_uaddr = (uintptr_t)q->avail,
			.used_uaddr = (uintptr_t)q->used,
		};
		uint64_t u = i;

		if (fe_msg(f, VHU_SET_VRING_NUM, &s, sizeof(s), NULL, 0) < 0)
			return -1;
		s.num = 0;
		if (fe_msg(f, VHU_SET_VRING_BASE, &s, sizeof(s), NULL, 0) < 0 ||
		    fe_msg(f, VHU_SET_VRING_ADDR, &a, sizeof(a), NULL, 0) < 0 ||
		    fe_msg(f, VHU_SET_VRING_KICK, &u, 8, &q->kick, 1) < 0 ||
		    fe_msg(f, VHU_SET_VRING_CALL, &u, 8, &q->call, 1) < 0)
			return -1;
		s.num = 1;
		if (fe_send(f, VHU_SET_VRING_ENABLE, VHU_VERSION | VHU_FLAG_NEED_REPLY,
			    &s, sizeof(s), NULL, 0) < 0 ||
		    fe_reply(f, VHU_SET_VRING_ENABLE) != 0)
			return -1;
	}
	return 0;
}

void fe_kick(struct fe *f, int qi)
{
	eventfd_write(f->q[qi].kick, 1);
}

/* Make descriptor @d (and avail entry) a buffer; publish; no kick. */
void fe_add(struct fe *f, int qi, uint16_t d, uint64_t gpa, uint32_t len,
	    uint16_t flags, uint16_t next)
{
	struct fvq *q = &f->q[qi];

	q->desc[d].addr = gpa;
	q->desc[d].len = len;
	q->desc[d].flags = flags;
	q->desc[d].next = next;
}

void fe_publish(struct fe *f, int qi, uint16_t head)
{
	struct fvq *q = &f->q[qi];

	q->avail->ring[q->avail_idx % QSZ] = head;
	q->avail_idx++;
	__atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);
}

/* Offer @n receive buffers on rx queue @qi (0 or 2). */
void fe_post_rx_q(struct fe *f, int qi, int n)
{
	uint64_t base = RXBUF_GPA + (qi / 2) * PAIR_GPA;
	int i;

	for (i = 0; i < n; i++) {
		uint16_t d = f->q[qi].avail_idx % QSZ;

		fe_add(f, qi, d, base + (uint64_t)d * BUF_SZ, BUF_SZ, VRING_DESC_F_WRITE, 0);
		fe_publish(f, qi, d);
	}
	fe_kick(f, qi);
}

void fe_post_rx(struct fe *f, int n)
{
	fe_post_rx_q(f, 0, n);
}

/* Transmit one frame of @len bytes with pattern @seed from descriptor 0.. */
void fe_tx(struct fe *f, uint32_t len, uint8_t seed)
{
	uint16_t d = f->q[1].avail_idx % QSZ;
	uint8_t *p = f->mem + TXBUF_GPA + (uint64_t)d * BUF_SZ;
	uint32_t i;

	memset(p, 0, HDR_LEN);
	for (i = 0; i < len; i++)
		p[HDR_LEN + i] = (uint8_t)(seed + i);
	fe_add(f, 1, d, TXBUF_GPA + (uint64_t)d * BUF_SZ, HDR_LEN + len, 0, 0);
	fe_publish(f, 1, d);
	fe_kick(f, 1);
}

/*
 * Wait up to @secs for the next rx used entry and check the frame; give
 * the buffer back if @giveback.
 */
bool fe_rx_wait(struct fe *f, uint32_t len, uint8_t seed, double secs,
		bool giveback)
{
	struct fvq *q = &f->q[0];
	double end = now() + secs;

	while (now() < end) {
		if (__atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE) != q->used_seen) {
			struct vring_used_elem e = q->used->ring[q->used_seen % QSZ];
			uint8_t *p = f->mem + RXBUF_GPA + (uint64_t)e.id * BUF_SZ;
			uint32_t i;

			q->used_seen++;
			if (e.len != HDR_LEN + len || p[10] != 1 || p[11] != 0)
				return false;
			for (i = 0; i < len; i++)
				if (p[HDR_LEN + i] != (uint8_t)(seed + i))
					return false;
			if (giveback) {
				fe_publish(f, 0, e.id);
				fe_kick(f, 0);
			}
			return true;
		}
		usleep(1000);
	}
	return false;
}

bool fe_rx_check(struct fe *f, uint32_t len, uint8_t seed)
{
	return fe_rx_wait(f, len, seed, 3, true);
}

/* Used index of tx queue 1 as the daemon published it. */
uint16_t fe_tx_used(struct fe *f)
{
	return __atomic_load_n(&f->q[1].used->idx, __ATOMIC_ACQUIRE);
}
