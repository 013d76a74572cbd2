// SPDX-License-Identifier: GPL-2.0
/*
 * hostile: a vhost-user front-end that misbehaves on purpose.
 *
 *   hostile VALE_VHOST_BINARY WORKDIR
 *
 * Starts vale-vhost with four VM NICs: "evil" (the victim connection, paired
 * directly with "evil2") and a well-behaved direct pair "g1" <-> "g2" driven
 * by this program as a tiny virtio driver.  Then, table-driven, each case
 * opens a fresh connection on evil, sends one malformed message or puts one
 * malformed descriptor in a ring, and checks that
 *   - vale-vhost logged an error for [evil] (its stderr goes to
 *     WORKDIR/vhost.log),
 *   - the daemon is still alive, and
 *   - a frame sent by g1 still arrives intact at g2.
 * Prints TAP; exits non-zero if any check failed.
 *
 *   hostile --pump SOCKET COUNT [QUEUE_PAIRS [RX_BUFFERS]]
 *
 * Instead: behave, as a front-end on an already running vale-vhost's
 * SOCKET: set up QUEUE_PAIRS queue pairs (default 1, at most 2), offer
 * RX_BUFFERS receive buffers on each (default 255, the most), send
 * COUNT broadcast frames of 60 bytes (in bursts of 32, 0.5 ms apart, one
 * kick per burst and pair; frame
 * i on the tx queue of pair i % QUEUE_PAIRS), then count the frames that
 * arrive on each rx queue, giving each buffer back as soon as it is used,
 * until none came for 2 seconds.  Prints
 * "sent N received M" and, with two pairs, " (pair 0: A, pair 1: B)";
 * used by vale-port.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

#include "vhost_user.h"

#define MEM_SIZE	(4u << 20)
#define QSZ		256
#define BUF_SZ		2048
#define RXBUF_GPA	0x10000ull
#define TXBUF_GPA	0x100000ull
#define PAIR_GPA	0x200000ull	/* buffers of queue pair 1 are this far up */
#define MAX_FQ		4		/* two queue pairs */
#define HDR_LEN		12

static const char *dir;
static pid_t daemon_pid;
static int tap_n, tap_fail;
static long log_off;

static void tap(bool okay, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", okay ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!okay)
		tap_fail++;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- a minimal front-end ---- */

struct fvq {
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	int kick, call;
	uint16_t avail_idx, used_seen;
};

struct fe {
	int sock, memfd;
	uint8_t *mem;
	int nq;			/* virtqueues fe_setup() sets up: 2 or 4 */
	struct fvq q[MAX_FQ];
};

static int fe_send(struct fe *f, uint32_t req, uint32_t flags, const void *payload,
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

static int fe_msg(struct fe *f, uint32_t req, const void *payload, uint32_t size,
		  const int *fds, int nfds)
{
	return fe_send(f, req, VHU_VERSION, payload, size, fds, nfds);
}

/* Read one reply; returns its u64 payload or -1. */
static int64_t fe_reply(struct fe *f, uint32_t req)
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

static int fe_connect_path(struct fe *f, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int i;

	memset(f, 0, sizeof(*f));
	f->memfd = -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	for (i = 0; i < 50; i++) {
		f->sock = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(f->sock, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			break;
		close(f->sock);
		f->sock = -1;
		usleep(100000);
	}
	if (f->sock < 0)
		return -1;
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

static int fe_connect(struct fe *f, const char *name)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s.sock", dir, name);
	return fe_connect_path(f, path);
}

static void fe_close(struct fe *f)
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

static const uint64_t fe_features = (1ull << VIRTIO_F_VERSION_1) |
	(1ull << VIRTIO_NET_F_MRG_RXBUF) | (1ull << VIRTIO_RING_F_EVENT_IDX) |
	(1ull << VIRTIO_RING_F_INDIRECT_DESC) | (1ull << VHU_F_PROTOCOL_FEATURES);

/* Negotiation up to (not including) the memory table. */
static int fe_negotiate(struct fe *f)
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

static struct vhu_mem_table fe_table(struct fe *f)
{
	struct vhu_mem_table t = { .nregions = 1 };

	t.regions[0].guest_phys_addr = 0;
	t.regions[0].memory_size = MEM_SIZE;
	t.regions[0].userspace_addr = (uintptr_t)f->mem;
	t.regions[0].mmap_offset = 0;
	return t;
}

/* Memory table (acked) and f->nq rings. */
static int fe_setup(struct fe *f)
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

static void fe_kick(struct fe *f, int qi)
{
	eventfd_write(f->q[qi].kick, 1);
}

/* Make descriptor @d (and avail entry) a buffer; publish; no kick. */
static void fe_add(struct fe *f, int qi, uint16_t d, uint64_t gpa, uint32_t len,
		   uint16_t flags, uint16_t next)
{
	struct fvq *q = &f->q[qi];

	q->desc[d].addr = gpa;
	q->desc[d].len = len;
	q->desc[d].flags = flags;
	q->desc[d].next = next;
}

static void fe_publish(struct fe *f, int qi, uint16_t head)
{
	struct fvq *q = &f->q[qi];

	q->avail->ring[q->avail_idx % QSZ] = head;
	q->avail_idx++;
	__atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);
}

/* Offer @n receive buffers on rx queue @qi (0 or 2). */
static void fe_post_rx_q(struct fe *f, int qi, int n)
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

static void fe_post_rx(struct fe *f, int n)
{
	fe_post_rx_q(f, 0, n);
}

/* Transmit one frame of @len bytes with pattern @seed from descriptor 0.. */
static void fe_tx(struct fe *f, uint32_t len, uint8_t seed)
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

/* Wait for the next rx used entry; check the frame. */
static bool fe_rx_check(struct fe *f, uint32_t len, uint8_t seed)
{
	struct fvq *q = &f->q[0];
	double end = now() + 3;

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
			/* give the buffer back */
			fe_publish(f, 0, e.id);
			fe_kick(f, 0);
			return true;
		}
		usleep(1000);
	}
	return false;
}

/* ---- the daemon and its log ---- */

static bool daemon_alive(void)
{
	return waitpid(daemon_pid, NULL, WNOHANG) == 0;
}

/* Wait for a new log line containing @needle (after the last match). */
static bool log_wait(const char *needle, double secs)
{
	char path[4096], line[1024];
	double end = now() + secs;

	snprintf(path, sizeof(path), "%s/vhost.log", dir);
	do {
		FILE *fl = fopen(path, "r");

		if (fl) {
			fseek(fl, log_off, SEEK_SET);
			while (fgets(line, sizeof(line), fl)) {
				if (strstr(line, needle)) {
					log_off = ftell(fl);
					fclose(fl);
					return true;
				}
			}
			fclose(fl);
		}
		usleep(20000);
	} while (now() < end);
	return false;
}

static void log_skip(void)
{
	char path[4096];
	FILE *fl;

	snprintf(path, sizeof(path), "%s/vhost.log", dir);
	fl = fopen(path, "r");
	if (fl) {
		fseek(fl, 0, SEEK_END);
		log_off = ftell(fl);
		fclose(fl);
	}
}

/* ---- the cases ---- */

static struct fe g1, g2, ev;

/* Each case gets a fresh connection on "evil" (connected, nothing sent). */
struct hcase {
	const char *name;
	void (*run)(struct fe *f);
};

static void c_unknown(struct fe *f) { fe_msg(f, 99, NULL, 0, NULL, 0); }

static void c_bad_version(struct fe *f) { fe_send(f, VHU_GET_FEATURES, 0x2, NULL, 0, NULL, 0); }

static void c_size_small(struct fe *f)
{
	uint32_t v = 1;

	fe_msg(f, VHU_SET_FEATURES, &v, 4, NULL, 0);
}

static void c_size_huge(struct fe *f)
{
	/* header only: claims 4096 payload bytes */
	fe_send(f, VHU_SET_FEATURES, VHU_VERSION, NULL, 4096, NULL, 0);
}

static void c_vring_addr_size(struct fe *f)
{
	struct vhu_vring_addr a = { 0 };

	fe_msg(f, VHU_SET_VRING_ADDR, &a, sizeof(a) - 8, NULL, 0);
}

static void c_kick_no_fd(struct fe *f)
{
	uint64_t u = 1;

	fe_msg(f, VHU_SET_VRING_KICK, &u, 8, NULL, 0);
}

static void c_two_fds(struct fe *f)
{
	uint64_t u = 0;
	int fds[2] = { f->q[0].kick, f->q[1].kick };

	fe_msg(f, VHU_SET_VRING_CALL, &u, 8, fds, 2);
}

static void c_fd_on_get(struct fe *f)
{
	fe_msg(f, VHU_GET_FEATURES, NULL, 0, &f->q[0].kick, 1);
}

static void c_kick_pipe(struct fe *f)
{
	int p[2];
	uint64_t u = 1;

	if (pipe(p) == 0) {
		fe_msg(f, VHU_SET_VRING_KICK, &u, 8, &p[0], 1);
		close(p[0]);
		close(p[1]);
	}
}

static void c_mem_fds(struct fe *f)
{
	struct vhu_mem_table t = fe_table(f);
	int fds[2] = { f->memfd, f->memfd };

	fe_negotiate(f);
	fe_msg(f, VHU_SET_MEM_TABLE, &t, 8 + sizeof(t.regions[0]), fds, 2);
}

static void mem_variant(struct fe *f, int variant)
{
	struct vhu_mem_table t = fe_table(f);
	int fds[2] = { f->memfd, f->memfd }, nfds = 1;
	uint32_t size = 8 + sizeof(t.regions[0]);

	fe_negotiate(f);
	switch (variant) {
	case 0:		/* no regions */
		t.nregions = 0;
		nfds = 0;
		size = 8 + sizeof(t.regions[0]);
		break;
	case 1:		/* bigger than the file */
		t.regions[0].memory_size = 1ull << 30;
		break;
	case 2:		/* gpa + size wraps */
		t.regions[0].guest_phys_addr = ~0ull - 4095;
		break;
	case 3:		/* mmap offset + size wraps */
		t.regions[0].mmap_offset = ~0ull - 100;
		break;
	case 4:		/* zero size */
		t.regions[0].memory_size = 0;
		break;
	case 5:		/* two overlapping regions */
		t.nregions = 2;
		t.regions[1] = t.regions[0];
		t.regions[1].userspace_addr += MEM_SIZE;
		nfds = 2;
		size = 8 + 2 * sizeof(t.regions[0]);
		break;
	case 6:		/* more regions than allowed */
		t.nregions = 9;
		break;
	case 7:		/* a region that is not memory */
		fds[0] = f->q[0].kick;
		break;
	}
	fe_msg(f, VHU_SET_MEM_TABLE, &t, size, fds, nfds);
}

static void c_mem_none(struct fe *f) { mem_variant(f, 0); }
static void c_mem_big(struct fe *f) { mem_variant(f, 1); }
static void c_mem_gpa_wrap(struct fe *f) { mem_variant(f, 2); }
static void c_mem_off_wrap(struct fe *f) { mem_variant(f, 3); }
static void c_mem_zero(struct fe *f) { mem_variant(f, 4); }
static void c_mem_overlap(struct fe *f) { mem_variant(f, 5); }
static void c_mem_nine(struct fe *f) { mem_variant(f, 6); }
static void c_mem_eventfd(struct fe *f) { mem_variant(f, 7); }

static void c_queue_range(struct fe *f)
{
	struct vhu_vring_state s = { .index = 40, .num = 256 };

	fe_msg(f, VHU_SET_VRING_NUM, &s, sizeof(s), NULL, 0);
}

static void c_queue_size(struct fe *f)
{
	struct vhu_vring_state s = { .index = 0, .num = 100 };

	fe_msg(f, VHU_SET_VRING_NUM, &s, sizeof(s), NULL, 0);
}

static void c_ring_outside(struct fe *f)
{
	struct vhu_mem_table t = fe_table(f);
	struct vhu_vring_state s = { .index = 1, .num = QSZ };
	struct vhu_vring_addr a = { .index = 1, .desc_uaddr = 0x10 };

	fe_negotiate(f);
	fe_msg(f, VHU_SET_MEM_TABLE, &t, 8 + sizeof(t.regions[0]), &f->memfd, 1);
	fe_msg(f, VHU_SET_VRING_NUM, &s, sizeof(s), NULL, 0);
	a.avail_uaddr = (uintptr_t)f->mem + MEM_SIZE - 2;	/* runs off the end */
	a.used_uaddr = (uintptr_t)f->q[1].used;
	a.desc_uaddr = (uintptr_t)f->q[1].desc;
	fe_msg(f, VHU_SET_VRING_ADDR, &a, sizeof(a), NULL, 0);
}

/* Descriptor cases: a working setup, then one bad tx chain. */
static void tx_bad(struct fe *f, int variant)
{
	struct fvq *q = &f->q[1];
	uint64_t ind = TXBUF_GPA + 0x8000;
	struct vring_desc *it = (void *)(f->mem + ind);

	if (fe_setup(f) < 0)
		return;
	fe_post_rx(f, 16);
	switch (variant) {
	case 0:		/* outside guest memory */
		fe_add(f, 1, 0, 1ull << 40, 64, 0, 0);
		fe_publish(f, 1, 0);
		break;
	case 1:		/* straddles the end of guest memory */
		fe_add(f, 1, 0, MEM_SIZE - 32, 64, 0, 0);
		fe_publish(f, 1, 0);
		break;
	case 2:		/* address + length overflows */
		fe_add(f, 1, 0, ~0ull - 15, 64, 0, 0);
		fe_publish(f, 1, 0);
		break;
	case 3:		/* loop: 0 -> 1 -> 0 */
		fe_add(f, 1, 0, TXBUF_GPA, 64, VRING_DESC_F_NEXT, 1);
		fe_add(f, 1, 1, TXBUF_GPA, 64, VRING_DESC_F_NEXT, 0);
		fe_publish(f, 1, 0);
		break;
	case 4:		/* next out of range */
		fe_add(f, 1, 0, TXBUF_GPA, 64, VRING_DESC_F_NEXT, 999);
		fe_publish(f, 1, 0);
		break;
	case 5:		/* head out of range */
		fe_publish(f, 1, 4000);
		break;
	case 6:		/* over-long: indirect table whose chain is a loop */
		it[0] = (struct vring_desc){ TXBUF_GPA, 64, VRING_DESC_F_NEXT, 1 };
		it[1] = (struct vring_desc){ TXBUF_GPA, 64, VRING_DESC_F_NEXT, 0 };
		fe_add(f, 1, 0, ind, 2 * sizeof(*it), VRING_DESC_F_INDIRECT, 0);
		fe_publish(f, 1, 0);
		break;
	case 7:		/* nested indirect */
		it[0] = (struct vring_desc){ ind, 16, VRING_DESC_F_INDIRECT, 0 };
		fe_add(f, 1, 0, ind, sizeof(*it), VRING_DESC_F_INDIRECT, 0);
		fe_publish(f, 1, 0);
		break;
	case 8:		/* indirect table length not a multiple of 16 */
		fe_add(f, 1, 0, ind, 17, VRING_DESC_F_INDIRECT, 0);
		fe_publish(f, 1, 0);
		break;
	case 9:		/* writable descriptor in a transmit chain */
		fe_add(f, 1, 0, TXBUF_GPA, 64, VRING_DESC_F_WRITE, 0);
		fe_publish(f, 1, 0);
		break;
	case 10:	/* avail index far ahead */
		q->avail_idx += 1000;
		__atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);
		break;
	case 11:	/* indirect table outside guest memory */
		fe_add(f, 1, 0, 1ull << 42, 32, VRING_DESC_F_INDIRECT, 0);
		fe_publish(f, 1, 0);
		break;
	}
	fe_kick(f, 1);
}

static void c_desc_outside(struct fe *f) { tx_bad(f, 0); }
static void c_desc_straddle(struct fe *f) { tx_bad(f, 1); }
static void c_desc_overflow(struct fe *f) { tx_bad(f, 2); }
static void c_desc_loop(struct fe *f) { tx_bad(f, 3); }
static void c_desc_next(struct fe *f) { tx_bad(f, 4); }
static void c_desc_head(struct fe *f) { tx_bad(f, 5); }
static void c_desc_ind_loop(struct fe *f) { tx_bad(f, 6); }
static void c_desc_ind_nest(struct fe *f) { tx_bad(f, 7); }
static void c_desc_ind_len(struct fe *f) { tx_bad(f, 8); }
static void c_desc_write(struct fe *f) { tx_bad(f, 9); }
static void c_avail_jump(struct fe *f) { tx_bad(f, 10); }
static void c_desc_ind_out(struct fe *f) { tx_bad(f, 11); }

/* rx side: a read-only buffer offered for receiving, g1 sends to evil2..
 * here evil is the receiver of evil2's traffic; simpler: evil's own rx ring
 * gets a bad buffer and evil2 (well-behaved) sends to it. */
static void c_rx_readonly(struct fe *f)
{
	struct fe e2;

	if (fe_setup(f) < 0)
		return;
	fe_add(f, 0, 0, RXBUF_GPA, BUF_SZ, 0, 0);	/* not writable */
	fe_publish(f, 0, 0);
	fe_kick(f, 0);
	if (fe_connect(&e2, "evil2") == 0 && fe_setup(&e2) == 0) {
		fe_tx(&e2, 60, 7);
		usleep(200000);
	}
	fe_close(&e2);
}

/*
 * The front-end shrinks its memory file after SET_MEM_TABLE: the pages the
 * daemon mapped are gone and touching them raises SIGBUS in the daemon.
 * First the rings themselves (a tx kick reads the avail ring), then only
 * the rx buffers, which the daemon writes while serving evil2's kick: the
 * fault is in evil's memory although the kick was evil2's.
 */
static void c_mem_shrunk_rings(struct fe *f)
{
	uint16_t d;

	if (fe_setup(f) < 0)
		return;
	fe_post_rx(f, 16);
	usleep(50000);
	d = f->q[1].avail_idx % QSZ;
	memset(f->mem + TXBUF_GPA, 0, HDR_LEN + 60);
	fe_add(f, 1, d, TXBUF_GPA, HDR_LEN + 60, 0, 0);
	fe_publish(f, 1, d);
	if (ftruncate(f->memfd, 4096) < 0)	/* only the first page stays */
		return;
	fe_kick(f, 1);
}

static void c_mem_shrunk_rxbuf(struct fe *f)
{
	struct fe e2;

	if (fe_setup(f) < 0)
		return;
	fe_post_rx(f, 16);
	usleep(50000);
	if (ftruncate(f->memfd, RXBUF_GPA) < 0)	/* rings stay, buffers go */
		return;
	if (fe_connect(&e2, "evil2") == 0 && fe_setup(&e2) == 0) {
		fe_tx(&e2, 60, 9);
		usleep(200000);
	}
	fe_close(&e2);
}

static void c_mid_message(struct fe *f)
{
	/* half a header, then the socket closes (a front-end that dies) */
	struct vhu_hdr h = { .request = VHU_SET_FEATURES, .flags = VHU_VERSION, .size = 8 };

	send(f->sock, &h, 6, MSG_NOSIGNAL);
}

static const struct hcase cases[] = {
	{ "unknown request 99", c_unknown },
	{ "header with wrong version", c_bad_version },
	{ "SET_FEATURES with 4-byte payload", c_size_small },
	{ "payload size 4096 in the header", c_size_huge },
	{ "SET_VRING_ADDR 8 bytes short", c_vring_addr_size },
	{ "SET_VRING_KICK without fd or no-fd flag", c_kick_no_fd },
	{ "SET_VRING_CALL with two fds", c_two_fds },
	{ "GET_FEATURES carrying an fd", c_fd_on_get },
	{ "SET_VRING_KICK with a pipe, not an eventfd", c_kick_pipe },
	{ "SET_MEM_TABLE: 1 region, 2 fds", c_mem_fds },
	{ "SET_MEM_TABLE: no regions", c_mem_none },
	{ "SET_MEM_TABLE: region larger than its file", c_mem_big },
	{ "SET_MEM_TABLE: guest address wraps", c_mem_gpa_wrap },
	{ "SET_MEM_TABLE: mmap offset wraps", c_mem_off_wrap },
	{ "SET_MEM_TABLE: zero-sized region", c_mem_zero },
	{ "SET_MEM_TABLE: overlapping regions", c_mem_overlap },
	{ "SET_MEM_TABLE: 9 regions", c_mem_nine },
	{ "SET_MEM_TABLE: region fd is an eventfd", c_mem_eventfd },
	{ "SET_VRING_NUM: queue 40", c_queue_range },
	{ "SET_VRING_NUM: size 100", c_queue_size },
	{ "SET_VRING_ADDR: avail ring runs off guest memory", c_ring_outside },
	{ "tx descriptor outside guest memory", c_desc_outside },
	{ "tx descriptor straddles the end of guest memory", c_desc_straddle },
	{ "tx descriptor address + length overflows", c_desc_overflow },
	{ "tx descriptor chain loop", c_desc_loop },
	{ "tx descriptor next out of range", c_desc_next },
	{ "avail ring head out of range", c_desc_head },
	{ "over-long chain (loop in an indirect table)", c_desc_ind_loop },
	{ "nested indirect descriptor", c_desc_ind_nest },
	{ "indirect table length 17", c_desc_ind_len },
	{ "indirect table outside guest memory", c_desc_ind_out },
	{ "writable descriptor on a tx queue", c_desc_write },
	{ "avail index 1000 ahead", c_avail_jump },
	{ "read-only buffer on an rx queue", c_rx_readonly },
	{ "memory file shrunk after SET_MEM_TABLE, then a tx kick", c_mem_shrunk_rings },
	{ "memory file shrunk under the rx buffers, peer sends", c_mem_shrunk_rxbuf },
	{ "front-end dies in the middle of a message", c_mid_message },
};

static bool good_pair_works(uint8_t seed)
{
	fe_tx(&g1, 100 + seed, seed);
	return fe_rx_check(&g2, 100 + seed, seed);
}

/* Put one 60-byte broadcast on tx queue @qi if it has room; false if not. */
static bool pump_one(struct fe *f, int qi)
{
	struct fvq *q = &f->q[qi];
	uint16_t d = q->avail_idx % QSZ;
	uint64_t gpa = TXBUF_GPA + (qi / 2) * PAIR_GPA + (uint64_t)d * BUF_SZ;
	uint8_t *p = f->mem + gpa;

	/* room: at most QSZ - 32 in flight */
	if ((uint16_t)(q->avail_idx - __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE)) >=
	    QSZ - 32)
		return false;
	memset(p, 0, HDR_LEN + 60);
	memset(p + HDR_LEN, 0xff, 6);			/* broadcast */
	memcpy(p + HDR_LEN + 6, "\x02\x00\x00\x00\x00\x01", 6);
	p[HDR_LEN + 12] = 0x88;				/* local experimental */
	p[HDR_LEN + 13] = 0xb5;
	fe_add(f, qi, d, gpa, HDR_LEN + 60, 0, 0);
	fe_publish(f, qi, d);
	return true;
}

static int pump(const char *sock, unsigned long count, unsigned int pairs,
		unsigned int rxbufs)
{
	unsigned long sent = 0, got[2] = { 0, 0 };
	unsigned int p;
	struct fe f;
	double end, limit;

	if (pairs < 1 || pairs > MAX_FQ / 2) {
		fprintf(stderr, "hostile: QUEUE_PAIRS must be 1 or 2\n");
		return 2;
	}
	if (rxbufs < 1 || rxbufs > QSZ - 1) {
		fprintf(stderr, "hostile: RX_BUFFERS must be 1..%u\n", QSZ - 1);
		return 2;
	}
	if (fe_connect_path(&f, sock) < 0) {
		fprintf(stderr, "hostile: cannot connect to %s\n", sock);
		return 2;
	}
	f.nq = 2 * pairs;
	if (fe_setup(&f) < 0) {
		fprintf(stderr, "hostile: vhost-user setup failed\n");
		return 2;
	}
	for (p = 0; p < pairs; p++)
		fe_post_rx_q(&f, 2 * p, rxbufs);
	while (sent < count) {
		unsigned int burst = 0, kick = 0;

		while (burst < 32 && sent < count) {
			p = sent % pairs;
			if (!pump_one(&f, 2 * p + 1))
				break;
			kick |= 1u << p;
			burst++;
			sent++;
		}
		for (p = 0; p < pairs; p++)
			if (kick & (1u << p))
				fe_kick(&f, 2 * p + 1);
		/* a pace a receiver like this one, polling every 1 ms, keeps up with */
		usleep(burst ? 500 : 100);
	}
	/* receive until nothing came for 2 s (at most 30 s) */
	end = now() + 2;
	limit = now() + 30;
	while (now() < end && now() < limit) {
		for (p = 0; p < pairs; p++) {
			struct fvq *q = &f.q[2 * p];
			bool any = false;

			while (__atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE) != q->used_seen) {
				struct vring_used_elem e = q->used->ring[q->used_seen % QSZ];

				q->used_seen++;
				got[p]++;
				fe_publish(&f, 2 * p, e.id);
				any = true;
			}
			if (any) {
				fe_kick(&f, 2 * p);
				end = now() + 2;
			}
		}
		usleep(1000);
	}
	printf("sent %lu received %lu", sent, got[0] + got[1]);
	if (pairs > 1)
		printf(" (pair 0: %lu, pair 1: %lu)", got[0], got[1]);
	printf("\n");
	fe_close(&f);
	return 0;
}

int main(int argc, char **argv)
{
	char log[4096], arg[4][4200], stats[4200];
	unsigned int i;
	bool okay;

	if (argc >= 4 && argc <= 6 && !strcmp(argv[1], "--pump"))
		return pump(argv[2], strtoul(argv[3], NULL, 0),
			    argc >= 5 ? strtoul(argv[4], NULL, 0) : 1,
			    argc >= 6 ? strtoul(argv[5], NULL, 0) : QSZ - 1);
	if (argc != 3) {
		fprintf(stderr,
			"usage: hostile VALE_VHOST WORKDIR | --pump SOCKET COUNT [QUEUE_PAIRS [RX_BUFFERS]]\n");
		return 2;
	}
	dir = argv[2];
	signal(SIGPIPE, SIG_IGN);
	snprintf(log, sizeof(log), "%s/vhost.log", dir);
	snprintf(arg[0], sizeof(arg[0]), "evil,path=%s/evil.sock,direct=px", dir);
	snprintf(arg[1], sizeof(arg[1]), "evil2,path=%s/evil2.sock,direct=px", dir);
	snprintf(arg[2], sizeof(arg[2]), "g1,path=%s/g1.sock,direct=pg", dir);
	snprintf(arg[3], sizeof(arg[3]), "g2,path=%s/g2.sock,direct=pg", dir);
	snprintf(stats, sizeof(stats), "%s/stats.sock", dir);
	daemon_pid = fork();
	if (daemon_pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0)
			_exit(127);
		dup2(fd, 2);
		execl(argv[1], argv[1], "--vm", arg[0], "--vm", arg[1], "--vm", arg[2],
		      "--vm", arg[3], "--stats-socket", stats, (char *)NULL);
		_exit(127);
	}
	printf("1..%zu\n", 2 + 2 * (sizeof(cases) / sizeof(cases[0])) + 1);
	okay = fe_connect(&g1, "g1") == 0 && fe_setup(&g1) == 0 &&
	       fe_connect(&g2, "g2") == 0 && fe_setup(&g2) == 0;
	tap(okay, "well-behaved pair g1, g2 set up");
	if (okay) {
		fe_post_rx(&g2, 128);
		fe_post_rx(&g1, 128);
	}
	tap(okay && good_pair_works(1), "g1 -> g2 frame arrives intact");

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct hcase *c = &cases[i];
		bool logged;

		log_skip();
		if (fe_connect(&ev, "evil") < 0) {
			tap(false, "%s: connect", c->name);
			tap(false, "%s: daemon alive, g1 -> g2 still works", c->name);
			fe_close(&ev);
			continue;
		}
		c->run(&ev);
		if (c->run == c_mid_message) {
			fe_close(&ev);
			logged = log_wait("[evil] error", 3);
		} else {
			logged = log_wait("[evil] error", 3);
			fe_close(&ev);
		}
		/* the connection must be gone or closed before the next case */
		log_wait("[evil] info: disconnected", 2);
		tap(logged, "%s: error logged for [evil]", c->name);
		tap(daemon_alive() && good_pair_works((uint8_t)(i + 2)),
		    "%s: daemon alive, g1 -> g2 still works", c->name);
	}
	tap(daemon_alive(), "daemon survived %zu hostile connections",
	    sizeof(cases) / sizeof(cases[0]));
	fe_close(&g1);
	fe_close(&g2);
	kill(daemon_pid, SIGTERM);
	waitpid(daemon_pid, NULL, 0);
	return tap_fail ? 1 : 0;
}
