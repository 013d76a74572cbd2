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
 *   hostile --pump SOCKET COUNT [QUEUE_PAIRS [RX_BUFFERS [HOLD_FILE]]]
 *
 * Instead: behave, as a front-end on an already running vale-vhost's
 * SOCKET: set up QUEUE_PAIRS queue pairs (default 1, at most 2), offer
 * RX_BUFFERS receive buffers on each (default 255, the most), send
 * COUNT broadcast frames of 60 bytes (in bursts of 32, 0.5 ms apart, one
 * kick per burst and pair; frame
 * i on the tx queue of pair i % QUEUE_PAIRS, numbered: magic "VHPM",
 * sequence i and the pair after the Ethernet header), then count the
 * frames that arrive on each rx queue, giving each buffer back as soon as
 * it is used, until none came for 2 seconds.  Prints
 * "sent N received M" and, with two pairs, " (pair 0: A, pair 1: B)",
 * then " numbered K duplicates D misrouted X": of the frames received,
 * K carried a pump's numbering, D of those were a sequence number seen
 * before, X arrived on another pair than the one they were sent on.
 * With HOLD_FILE the connection stays open after that line until the
 * file exists (at most 60 s), so that the vale port's counters can still
 * be read.  Used by vale-port.sh.
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

/* Guest memory and eventfds for a front-end on the connected socket @sock. */
static int fe_init(struct fe *f, int sock)
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

static int fe_connect_path(struct fe *f, const char *path)
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

/*
 * Wait up to @secs for the next rx used entry and check the frame; give
 * the buffer back if @giveback.
 */
static bool fe_rx_wait(struct fe *f, uint32_t len, uint8_t seed, double secs,
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

static bool fe_rx_check(struct fe *f, uint32_t len, uint8_t seed)
{
	return fe_rx_wait(f, len, seed, 3, true);
}

/* Used index of tx queue 1 as the daemon published it. */
static uint16_t fe_tx_used(struct fe *f)
{
	return __atomic_load_n(&f->q[1].used->idx, __ATOMIC_ACQUIRE);
}

/* ---- the daemon and its log ---- */

static bool daemon_alive(void)
{
	return waitpid(daemon_pid, NULL, WNOHANG) == 0;
}

static char logpath[4200];

/* SIGTERM to @pid: exits 0 within 10 s; @log holds no sanitizer report. */
static bool daemon_stops_clean(pid_t pid, const char *log)
{
	char line[1024];
	double end = now() + 10;
	bool clean = true;
	int st = -1;
	FILE *fl;

	kill(pid, SIGTERM);
	while (now() < end && waitpid(pid, &st, WNOHANG) == 0) {
		st = -1;
		usleep(20000);
	}
	if (st == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		printf("# daemon %d did not exit after SIGTERM\n", pid);
		clean = false;
	} else if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("# daemon exit status %#x\n", st);
		clean = false;
	}
	fl = fopen(log, "r");
	while (fl && fgets(line, sizeof(line), fl))
		if (strstr(line, "Sanitizer") || strstr(line, "runtime error:") ||
		    strstr(line, "SUMMARY:")) {
			printf("# %s: %s", log, line);
			clean = false;
		}
	if (fl)
		fclose(fl);
	return clean;
}

/* Wait for a new log line containing @needle (after the last match). */
static bool log_wait(const char *needle, double secs)
{
	char line[1024];
	const char *path = logpath;
	double end = now() + secs;

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

/*
 * Wait for the next "[@vm] error: " line (after the last match) and check
 * that it is @expect's; the line goes to @got.
 */
static bool log_wait_error(const char *vm, const char *expect, double secs,
			   char *got, size_t gotlen)
{
	char line[1024], needle[128];
	const char *path = logpath;
	double end = now() + secs;

	snprintf(needle, sizeof(needle), "[%s] error: ", vm);
	got[0] = 0;
	do {
		FILE *fl = fopen(path, "r");

		if (fl) {
			fseek(fl, log_off, SEEK_SET);
			while (fgets(line, sizeof(line), fl)) {
				char *e = strstr(line, needle);

				if (e) {
					log_off = ftell(fl);
					fclose(fl);
					line[strcspn(line, "\n")] = 0;
					snprintf(got, gotlen, "%s", e);
					return strstr(e + strlen(needle), expect) != NULL;
				}
			}
			fclose(fl);
		}
		usleep(20000);
	} while (now() < end);
	return false;
}

/* ---- the stats socket ---- */

/*
 * One connection to the stats socket @path: the whole answer (which must
 * be one JSON object, "{...}\n", followed by the daemon closing the
 * connection) into @buf.  false if it is not that.
 */
static bool stats_read(const char *path, char *buf, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = 0;
	double end = now() + 3;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool eof = false;

	buf[0] = 0;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	while (n < len - 1 && now() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 200) <= 0)
			continue;
		r = read(fd, buf + n, len - 1 - n);
		if (r <= 0) {
			eof = r == 0;
			break;
		}
		n += r;
	}
	close(fd);
	buf[n] = 0;
	return eof && n > 2 && buf[0] == '{' && !strcmp(buf + n - 2, "}\n") &&
	       !strchr(buf, '\n')[1];
}

/* The object of VM @name in a stats answer @js, copied into @obj. */
static bool stats_vm(const char *js, const char *name, char *obj, size_t len)
{
	char key[128];
	const char *b, *e;

	snprintf(key, sizeof(key), "{\"name\":\"%s\",", name);
	b = strstr(js, key);
	if (!b)
		return false;
	e = strstr(b + 1, "{\"name\":\"");
	if (!e)
		e = b + strlen(b);
	snprintf(obj, len, "%.*s", (int)(e - b), b);
	return true;
}

/* A number (or true = 1, false = 0) of a VM object; -1 if absent. */
static long long jnum(const char *obj, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), "\"%s\":", key);
	p = strstr(obj, k);
	if (!p)
		return -1;
	p += strlen(k);
	if (!strncmp(p, "true", 4))
		return 1;
	if (!strncmp(p, "false", 5))
		return 0;
	return strtoll(p, NULL, 10);
}

/* A counter of VM @name from the stats socket @path; -1 on failure. */
static long long stat_of(const char *path, const char *name, const char *key)
{
	static char js[65536];
	char obj[8192];

	if (!stats_read(path, js, sizeof(js)) || !stats_vm(js, name, obj, sizeof(obj)))
		return -1;
	return jnum(obj, key);
}

/* Whether queue @qi of VM @name is listed as stopped by an error. */
static bool queue_broken(const char *path, const char *name, int qi)
{
	static char js[65536];
	char obj[8192], key[32];
	const char *q;

	if (!stats_read(path, js, sizeof(js)) || !stats_vm(js, name, obj, sizeof(obj)))
		return false;
	snprintf(key, sizeof(key), "{\"index\":%d,", qi);
	q = strstr(obj, key);
	return q && jnum(q, "broken") == 1;
}

/* Whether the daemon closed @sock (EOF) within @secs. */
static bool peer_closed(int sock, double secs)
{
	double end = now() + secs;
	char c;

	do {
		struct pollfd p = { .fd = sock, .events = POLLIN | POLLRDHUP };

		if (poll(&p, 1, 50) > 0) {
			ssize_t r = recv(sock, &c, 1, MSG_PEEK | MSG_DONTWAIT);

			if (r == 0 || (r < 0 && errno != EAGAIN))
				return true;
			/* a reply: read it, look further */
			if (r > 0 && recv(sock, &c, 1, MSG_DONTWAIT) < 0)
				return true;
		}
	} while (now() < end);
	return false;
}

static void log_skip(void)
{
	FILE *fl = fopen(logpath, "r");

	if (fl) {
		fseek(fl, 0, SEEK_END);
		log_off = ftell(fl);
		fclose(fl);
	}
}

/* ---- the cases ---- */

static struct fe g1, g2, ev;

/*
 * Each case gets a fresh connection on "evil" (connected, nothing sent).
 * @expect is the error vale-vhost(8) logs for it ("[evil] error: " and
 * this text); @kind what the man page promises next: a protocol error or
 * a guest memory fault closes the connection, a bad descriptor stops that
 * queue (@queue) and keeps the connection.
 */
enum hkind { K_CLOSE, K_STOP, K_GONE };

struct hcase {
	const char *name;
	void (*run)(struct fe *f);
	const char *expect;
	enum hkind kind;
	int queue;
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
	{ "unknown request 99", c_unknown,
	  "unsupported request 99 (unknown)", K_CLOSE, 0 },
	{ "header with wrong version", c_bad_version,
	  "message header flags 0x2 invalid", K_CLOSE, 0 },
	{ "SET_FEATURES with 4-byte payload", c_size_small,
	  "request 2 (SET_FEATURES): bad payload size 4", K_CLOSE, 0 },
	{ "payload size 4096 in the header", c_size_huge,
	  "request 2 (SET_FEATURES): payload size 4096 too large", K_CLOSE, 0 },
	{ "SET_VRING_ADDR 8 bytes short", c_vring_addr_size,
	  "request 9 (SET_VRING_ADDR): bad payload size 32", K_CLOSE, 0 },
	{ "SET_VRING_KICK without fd or no-fd flag", c_kick_no_fd,
	  "request 12 (SET_VRING_KICK): 0 file descriptors, expected 1", K_CLOSE, 0 },
	{ "SET_VRING_CALL with two fds", c_two_fds,
	  "request 13 (SET_VRING_CALL): 2 file descriptors, expected 1", K_CLOSE, 0 },
	{ "GET_FEATURES carrying an fd", c_fd_on_get,
	  "request 1 (GET_FEATURES): 1 file descriptors, expected 0", K_CLOSE, 0 },
	{ "SET_VRING_KICK with a pipe, not an eventfd", c_kick_pipe,
	  "SET_VRING_KICK: the file descriptor is not an eventfd", K_CLOSE, 0 },
	{ "SET_MEM_TABLE: 1 region, 2 fds", c_mem_fds,
	  "request 5 (SET_MEM_TABLE): 2 file descriptors, expected 1", K_CLOSE, 0 },
	{ "SET_MEM_TABLE: no regions", c_mem_none,
	  "SET_MEM_TABLE: 0 regions (1..8 allowed)", K_CLOSE, 0 },
	{ "SET_MEM_TABLE: region larger than its file", c_mem_big,
	  "SET_MEM_TABLE: region 0: fd is not a file of at least 1073741824 bytes", K_CLOSE, 0 },
	{ "SET_MEM_TABLE: guest address wraps", c_mem_gpa_wrap,
	  "SET_MEM_TABLE: region 0 (gpa 0xfffffffffffff000 size 0x400000 offset 0) invalid", K_CLOSE, 0 },
	{ "SET_MEM_TABLE: mmap offset wraps", c_mem_off_wrap,
	  "SET_MEM_TABLE: region 0 (gpa 0 size 0x400000 offset 0xffffffffffffff9b) invalid", K_CLOSE, 0 },
	{ "SET_MEM_TABLE: zero-sized region", c_mem_zero,
	  "SET_MEM_TABLE: region 0 (gpa 0 size 0 offset 0) invalid", K_CLOSE, 0 },
	{ "SET_MEM_TABLE: overlapping regions", c_mem_overlap,
	  "SET_MEM_TABLE: regions 0 and 1 overlap", K_CLOSE, 0 },
	{ "SET_MEM_TABLE: 9 regions", c_mem_nine,
	  "request 5 (SET_MEM_TABLE): 1 file descriptors, expected 9", K_CLOSE, 0 },
	{ "SET_MEM_TABLE: region fd is an eventfd", c_mem_eventfd,
	  "SET_MEM_TABLE: region 0: fd is not a file of at least 4194304 bytes", K_CLOSE, 0 },
	{ "SET_VRING_NUM: queue 40", c_queue_range,
	  "SET_VRING_NUM: queue 40 out of range (2 queues)", K_CLOSE, 0 },
	{ "SET_VRING_NUM: size 100", c_queue_size,
	  "SET_VRING_NUM: queue 0 size 100 invalid", K_CLOSE, 0 },
	{ "SET_VRING_ADDR: avail ring runs off guest memory", c_ring_outside,
	  "SET_VRING_ADDR: queue 1: rings outside guest memory", K_CLOSE, 0 },
	{ "tx descriptor outside guest memory", c_desc_outside,
	  "queue 1: descriptor 0: 0x10000000000+64 outside guest memory: queue stopped", K_STOP, 1 },
	{ "tx descriptor straddles the end of guest memory", c_desc_straddle,
	  "queue 1: descriptor 0: 0x400000+32 outside guest memory: queue stopped", K_STOP, 1 },
	{ "tx descriptor address + length overflows", c_desc_overflow,
	  "queue 1: descriptor 0: address 0xfffffffffffffff0 + length 64 overflows: queue stopped", K_STOP, 1 },
	{ "tx descriptor chain loop", c_desc_loop,
	  "queue 1: descriptor chain from 0 loops or is longer than 256: queue stopped", K_STOP, 1 },
	{ "tx descriptor next out of range", c_desc_next,
	  "queue 1: next descriptor 999 out of range 256: queue stopped", K_STOP, 1 },
	{ "avail ring head out of range", c_desc_head,
	  "queue 1: descriptor head 4000 out of range: queue stopped", K_STOP, 1 },
	{ "over-long chain (loop in an indirect table)", c_desc_ind_loop,
	  "queue 1: descriptor chain from 0 loops or is longer than 2: queue stopped", K_STOP, 1 },
	{ "nested indirect descriptor", c_desc_ind_nest,
	  "queue 1: bad indirect descriptor 0 (flags 0x4): queue stopped", K_STOP, 1 },
	{ "indirect table length 17", c_desc_ind_len,
	  "queue 1: indirect table length 17 invalid: queue stopped", K_STOP, 1 },
	{ "indirect table outside guest memory", c_desc_ind_out,
	  "queue 1: indirect table 0x40000000000+32 outside guest memory: queue stopped", K_STOP, 1 },
	{ "writable descriptor on a tx queue", c_desc_write,
	  "queue 1: descriptor 0 is writable on a transmit queue: queue stopped", K_STOP, 1 },
	{ "avail index 1000 ahead", c_avail_jump,
	  "queue 1: avail index 1000 is 1000 entries ahead of 0 (queue size 256): queue stopped", K_STOP, 1 },
	{ "read-only buffer on an rx queue", c_rx_readonly,
	  "queue 0: descriptor 0 is read-only on a receive queue: queue stopped", K_STOP, 0 },
	{ "memory file shrunk after SET_MEM_TABLE, then a tx kick", c_mem_shrunk_rings,
	  "is gone (SIGBUS): the front-end shrank its memory file?", K_CLOSE, 0 },
	{ "memory file shrunk under the rx buffers, peer sends", c_mem_shrunk_rxbuf,
	  "is gone (SIGBUS): the front-end shrank its memory file?", K_CLOSE, 0 },
	{ "front-end dies in the middle of a message", c_mid_message,
	  "front-end closed the socket in the middle of a message", K_GONE, 0 },
};

static unsigned long good_sent, good_bytes;
static char stats_path[4200];

static bool good_pair_works(uint8_t seed)
{
	good_sent++;
	good_bytes += 100 + seed;
	fe_tx(&g1, 100 + seed, seed);
	return fe_rx_check(&g2, 100 + seed, seed);
}

/* The books of the good pair: every frame g1 sent counted once, at g2. */
static bool good_books(void)
{
	static char js[65536];
	char a[8192], b[8192];

	if (!stats_read(stats_path, js, sizeof(js)) || !stats_vm(js, "g1", a, sizeof(a)) ||
	    !stats_vm(js, "g2", b, sizeof(b)))
		return false;
	printf("# g1 tx_packets %lld tx_bytes %lld tx_drops %lld, g2 rx_packets %lld rx_bytes %lld rx_drops %lld; sent %lu frames, %lu bytes\n",
	       jnum(a, "tx_packets"), jnum(a, "tx_bytes"), jnum(a, "tx_drops"),
	       jnum(b, "rx_packets"), jnum(b, "rx_bytes"), jnum(b, "rx_drops"),
	       good_sent, good_bytes);
	return jnum(a, "tx_packets") == (long long)good_sent &&
	       jnum(a, "tx_bytes") == (long long)good_bytes &&
	       jnum(b, "rx_packets") == (long long)good_sent &&
	       jnum(b, "rx_bytes") == (long long)good_bytes &&
	       jnum(a, "tx_drops") == 0 && jnum(b, "rx_drops") == 0 &&
	       jnum(a, "errors") == 0 && jnum(b, "errors") == 0;
}

/* ---- the stats socket: what vale-vhost(8), COUNTERS, promises ---- */

static void t_stats(void)
{
	static char js[65536];
	char o[8192];
	bool okay, order;
	const char *e, *e2, *g1p, *g2p, *w1p;

	okay = stats_read(stats_path, js, sizeof(js));
	tap(okay, "stats socket: one JSON object per connection, then the daemon closes it");
	e = strstr(js, "{\"name\":\"evil\",");
	e2 = strstr(js, "{\"name\":\"evil2\",");
	g1p = strstr(js, "{\"name\":\"g1\",");
	g2p = strstr(js, "{\"name\":\"g2\",");
	w1p = strstr(js, "{\"name\":\"w1\",");
	order = !strncmp(js, "{\"vms\":[{\"name\":\"evil\",", 23) && e && e2 && g1p &&
		g2p && w1p && e < e2 && e2 < g1p && g1p < g2p && g2p < w1p;
	tap(order, "stats socket: {\"vms\":[...]} in command-line order");
	okay = stats_vm(js, "g1", o, sizeof(o)) &&
	       strstr(o, "\"role\":\"server\",\"mode\":\"direct\",\"target\":\"g2\",") &&
	       jnum(o, "connected") == 1 && jnum(o, "connects") == 1 &&
	       jnum(o, "disconnects") == 0 && strstr(o, "\"last_error\":\"\"") &&
	       strstr(o, "\"queue_packets\":[0,1]") &&
	       strstr(o, "\"features\":\"0x") && !strstr(o, "\"features\":\"0\"");
	if (!okay)
		printf("# g1: %.600s\n", o);
	tap(okay, "stats socket: g1 is a connected direct server NIC, peer g2, "
	    "queue_packets [rx0 0, tx0 1] after one frame");
	tap(good_books(), "stats socket: g1 tx and g2 rx count the frame and its bytes, no drops");
	okay = stats_vm(js, "evil2", o, sizeof(o)) && jnum(o, "connected") == 0 &&
	       strstr(o, "\"features\":\"0\"") && jnum(o, "connects") == 0 &&
	       strstr(o, "\"queues\":[]");
	tap(okay, "stats socket: an unconnected NIC shows connected false, features \"0\", no queues");
}

/* ---- direct mode: a full peer holds the sender back, then drops ---- */

static struct fe w1, w2;

static void t_direct_block(void)
{
	uint16_t u;
	bool okay;

	okay = fe_connect(&w1, "w1") == 0 && fe_setup(&w1) == 0 &&
	       fe_connect(&w2, "w2") == 0 && fe_setup(&w2) == 0;
	tap(okay, "direct pair w1, w2 set up, w2 without receive buffers");
	if (!okay) {
		for (int i = 0; i < 5; i++)
			tap(false, "direct: (not run)");
		fe_close(&w1);
		fe_close(&w2);
		return;
	}
	fe_post_rx(&w1, 8);	/* w2 offers none yet */

	/* held back: the sender's ring is not consumed while the peer is full */
	u = fe_tx_used(&w1);
	fe_tx(&w1, 80, 0x31);
	usleep(40000);
	okay = fe_tx_used(&w1) == u;
	fe_post_rx(&w2, 1);
	okay = fe_rx_wait(&w2, 80, 0x31, 3, false) && okay;
	tap(okay, "direct: a frame for a peer without buffers waits (tx ring not consumed) "
	    "and arrives when the peer posts one 40 ms later");
	okay = stat_of(stats_path, "w1", "tx_packets") == 1 &&
	       stat_of(stats_path, "w1", "tx_drops") == 0 &&
	       stat_of(stats_path, "w2", "rx_packets") == 1 &&
	       stat_of(stats_path, "w2", "rx_drops") == 0;
	tap(okay, "direct: the held frame counted as delivered, not dropped");

	/* w2's only buffer is used up: the next frame waits 200 ms, then goes */
	u = fe_tx_used(&w1);
	fe_tx(&w1, 90, 0x41);
	usleep(700000);
	okay = fe_tx_used(&w1) == (uint16_t)(u + 1) &&
	       stat_of(stats_path, "w1", "tx_drops") == 1 &&
	       stat_of(stats_path, "w2", "rx_drops") == 1 &&
	       stat_of(stats_path, "w1", "tx_packets") == 1;
	tap(okay, "direct: a peer full for 200 ms: the frame is dropped, counted as w1 tx_drops "
	    "and w2 rx_drops, w1's buffer returned");
	fe_post_rx(&w2, 4);
	okay = !fe_rx_wait(&w2, 90, 0x41, 0.3, true);
	fe_tx(&w1, 100, 0x51);
	okay = fe_rx_wait(&w2, 100, 0x51, 3, true) && okay &&
	       stat_of(stats_path, "w1", "tx_packets") == 2 &&
	       stat_of(stats_path, "w2", "rx_packets") == 2;
	tap(okay, "direct: the dropped frame never arrives later; the next one does");

	/* a peer that is not connected: dropped and counted at once */
	log_skip();
	fe_close(&w2);
	okay = log_wait("[w2] info: disconnected", 3);
	u = fe_tx_used(&w1);
	fe_tx(&w1, 70, 0x61);
	usleep(100000);
	okay = okay && fe_tx_used(&w1) == (uint16_t)(u + 1) &&
	       stat_of(stats_path, "w1", "tx_drops") == 2 &&
	       stat_of(stats_path, "w1", "tx_packets") == 2;
	tap(okay, "direct: a frame for a peer that is not connected is dropped and counted "
	    "within 100 ms");
	fe_close(&w1);
}

/* ---- fuzz: random messages and random descriptors on "evil" ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void fuzz_msgs(struct fe *f)
{
	static const uint32_t sizes[] = { 0, 4, 8, 12, 16, 24, 40, 8 + 32, 8 + 64, 8 + 288 };
	uint8_t pl[512];
	int i, n = 1 + rnd() % 6;

	if (rnd() % 2)
		fe_negotiate(f);
	if (rnd() % 3 == 0) {
		struct vhu_mem_table t = fe_table(f);

		fe_msg(f, VHU_SET_MEM_TABLE, &t, 8 + sizeof(t.regions[0]), &f->memfd, 1);
	}
	for (i = 0; i < n; i++) {
		uint32_t req = rnd() % 42, flags = VHU_VERSION, size;
		int fds[2], nfds = 0;
		unsigned int j;

		if (rnd() % 4 == 0)
			flags |= VHU_FLAG_NEED_REPLY;
		if (rnd() % 10 == 0)
			flags = rnd();
		size = rnd() % 3 ? sizes[rnd() % (sizeof(sizes) / sizeof(sizes[0]))] :
		       rnd() % sizeof(pl);
		for (j = 0; j < sizeof(pl); j++)
			pl[j] = rnd();
		if (rnd() % 2) {	/* small queue index / region count */
			pl[0] = rnd() % 4;
			pl[1] = pl[2] = pl[3] = 0;
		}
		if (rnd() % 3 == 0) {
			int pick[3] = { f->memfd, f->q[0].kick, f->q[1].call };

			nfds = 1 + rnd() % 2;
			fds[0] = pick[rnd() % 3];
			fds[1] = pick[rnd() % 3];
		}
		fe_send(f, req, flags, pl, size, fds, nfds);
	}
	usleep(5000);
}

static void fuzz_descs(struct fe *f)
{
	int i, n = 1 + rnd() % 12;

	if (fe_setup(f) < 0)
		return;
	fe_post_rx(f, rnd() % 17);
	for (i = 0; i < n; i++) {
		int qi = rnd() % 4 ? 1 : 0;
		uint16_t d = rnd() % QSZ;
		uint64_t addr;
		uint32_t len;

		switch (rnd() % 4) {
		case 0: addr = rnd() % MEM_SIZE; break;
		case 1: addr = MEM_SIZE - rnd() % 4096; break;
		case 2: addr = ((uint64_t)rnd() << 32) | rnd(); break;
		default: addr = TXBUF_GPA + (rnd() % 64) * 16; break;
		}
		len = rnd() % 4 ? rnd() % 5000 : rnd();
		fe_add(f, qi, d, addr, len, rnd() % 8, rnd() % 4 ? rnd() % QSZ : rnd() % 65536);
		if (rnd() % 3 == 0) {	/* random bytes where indirect tables point */
			uint32_t k, *w = (uint32_t *)(f->mem + TXBUF_GPA);

			for (k = 0; k < 256; k++)
				w[k] = rnd();
		}
		fe_publish(f, qi, rnd() % 8 ? d : rnd() % 65536);
		if (rnd() % 8 == 0)
			f->q[qi].avail->flags = rnd();
		fe_kick(f, qi);
	}
	usleep(10000);
}

static void t_fuzz(const char *what, void (*fn)(struct fe *f), int conns, uint8_t seed)
{
	bool okay = true;
	int i;

	for (i = 0; i < conns && okay; i++) {
		log_skip();
		if (fe_connect(&ev, "evil") < 0) {
			okay = false;
			break;
		}
		fn(&ev);
		fe_close(&ev);
		log_wait("[evil] info: disconnected", 2);
		okay = daemon_alive();
	}
	tap(okay && good_pair_works(seed), "fuzz: %d connections of random %s: daemon alive, "
	    "g1 -> g2 still works", conns, what);
}

/* ---- --config and client mode, in a second daemon ---- */

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(path);
	int fd;

	if (n >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, n + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int accept_within(int lfd, double secs)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };

	if (poll(&p, 1, (int)(secs * 1000)) <= 0)
		return -1;
	return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

static pid_t start_daemon(const char *bin, const char *log, char *const args[])
{
	pid_t pid = fork();

	if (pid == 0) {
		char out[4300];
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644), fo;
		char *argv[16] = { (char *)bin };
		int i;

		/* the counters it prints on SIGUSR1 and at exit: LOG.out */
		snprintf(out, sizeof(out), "%s.out", log);
		fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || fo < 0)
			_exit(127);
		dup2(fd, 2);
		dup2(fo, 1);
		for (i = 0; args[i] && i < 14; i++)
			argv[i + 1] = args[i];
		execv(bin, argv);
		_exit(127);
	}
	return pid;
}

static void t_config_client(const char *bin)
{
	char conf[4200], log2[4200], st2[4200], clsock[4200], line[4400];
	static char js[65536];
	char o1[8192], o2[8192];
	struct fe cf, c2;
	pid_t pid;
	double t0, dt;
	int lfd, s, st = 0;
	bool okay;
	FILE *f;

	memset(&cf, 0, sizeof(cf));
	memset(&c2, 0, sizeof(c2));
	cf.sock = cf.memfd = c2.sock = c2.memfd = -1;
	snprintf(conf, sizeof(conf), "%s/vhost2.conf", dir);
	snprintf(log2, sizeof(log2), "%s/vhost2.log", dir);
	snprintf(st2, sizeof(st2), "%s/stats2.sock", dir);
	snprintf(clsock, sizeof(clsock), "%s/cl.sock", dir);
	unlink(clsock);
	f = fopen(conf, "w");
	if (f) {
		fprintf(f, "# vale-vhost --config test\n\n"
			"vm cl,path=%s,direct=pc,client   # the front-end listens\n"
			"   vm\tc2,path=%s/c2.sock,direct=pc\n"
			"stats-socket %s\n"
			"log-level debug\n", clsock, dir, st2);
		fclose(f);
	}
	t0 = now();
	pid = start_daemon(bin, log2, (char *[]){ "--config", conf, NULL });
	snprintf(logpath, sizeof(logpath), "%s", log2);
	log_off = 0;
	okay = false;
	while (now() < t0 + 5 && !okay) {
		okay = stats_read(st2, js, sizeof(js));
		if (!okay)
			usleep(50000);
	}
	okay = okay && !strncmp(js, "{\"vms\":[{\"name\":\"cl\",", 21) &&
	       stats_vm(js, "cl", o1, sizeof(o1)) && stats_vm(js, "c2", o2, sizeof(o2)) &&
	       strstr(o1, "\"role\":\"client\",\"mode\":\"direct\",\"target\":\"c2\"") &&
	       strstr(o2, "\"role\":\"server\",\"mode\":\"direct\",\"target\":\"cl\"");
	tap(okay, "--config: vm lines (comments, blank lines, tabs) and stats-socket taken "
	    "from the file, in file order; cl is a client");
	tap(log_wait("[cl] debug: connect ", 3),
	    "--config: log-level debug from the file (vale-vhost logs its connect attempts)");

	/* the front-end appears 1.2 s after the daemon: reconnect every second */
	while (now() < t0 + 1.2)
		usleep(10000);
	lfd = listen_on(clsock);
	t0 = now();
	s = lfd >= 0 ? accept_within(lfd, 2.5) : -1;
	dt = now() - t0;
	tap(s >= 0, "client: vale-vhost connects to a front-end that starts listening 1.2 s "
	    "after it (%.2f s later)", dt);
	okay = s >= 0 && fe_init(&cf, s) == 0 && fe_setup(&cf) == 0 &&
	       fe_connect_path(&c2, (snprintf(line, sizeof(line), "%s/c2.sock", dir), line)) == 0 &&
	       fe_setup(&c2) == 0;
	if (okay) {
		fe_post_rx(&c2, 16);
		fe_post_rx(&cf, 16);
		fe_tx(&cf, 64, 0x71);
		okay = fe_rx_check(&c2, 64, 0x71);
		fe_tx(&c2, 65, 0x72);
		okay = fe_rx_check(&cf, 65, 0x72) && okay;
	}
	tap(okay, "client: frames flow both ways over the connection vale-vhost made");

	/* the front-end goes away (QEMU restarts): the daemon connects again */
	fe_close(&cf);
	t0 = now();
	s = lfd >= 0 ? accept_within(lfd, 2.5) : -1;
	dt = now() - t0;
	tap(s >= 0, "client: reconnects after the front-end closed (%.2f s later)", dt);
	okay = s >= 0 && fe_init(&cf, s) == 0 && fe_setup(&cf) == 0 && c2.mem;
	if (okay) {
		fe_post_rx(&cf, 16);
		fe_tx(&cf, 66, 0x73);
		okay = fe_rx_check(&c2, 66, 0x73);
	}
	okay = okay && stat_of(st2, "cl", "connects") == 2 &&
	       stat_of(st2, "cl", "disconnects") == 1 &&
	       stat_of(st2, "cl", "connected") == 1 && stat_of(st2, "cl", "errors") == 0;
	tap(okay, "client: traffic after the reconnect; cl counts 2 connects, 1 disconnect");
	fe_close(&cf);
	fe_close(&c2);
	if (lfd >= 0)
		close(lfd);
	tap(daemon_stops_clean(pid, log2), "--config daemon: exits 0 on SIGTERM, no sanitizer report");

	/* a bad line: the daemon refuses to start and names file and line */
	f = fopen(conf, "w");
	if (f) {
		fprintf(f, "vm c3,path=%s/c3.sock,direct=pz\nbogus-key 1\n", dir);
		fclose(f);
	}
	snprintf(log2, sizeof(log2), "%s/vhost3.log", dir);
	snprintf(logpath, sizeof(logpath), "%s", log2);
	pid = start_daemon(bin, log2, (char *[]){ "--config", conf, NULL });
	t0 = now();
	while (now() < t0 + 10 && waitpid(pid, &st, WNOHANG) == 0) {
		st = -1;
		usleep(20000);
	}
	if (st == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	snprintf(line, sizeof(line), "%s:2: unknown key bogus-key", conf);
	log_off = 0;
	okay = st != -1 && WIFEXITED(st) && WEXITSTATUS(st) != 0 && log_wait(line, 1);
	tap(okay, "--config: an unknown key: exit status non-zero, error names FILE:2");
	snprintf(logpath, sizeof(logpath), "%s/vhost.log", dir);
}

/* Put one 60-byte broadcast on tx queue @qi if it has room; false if not. */
static bool pump_one(struct fe *f, int qi, uint32_t seq)
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
	memcpy(p + HDR_LEN + 14, "VHPM", 4);
	memcpy(p + HDR_LEN + 18, &seq, 4);
	p[HDR_LEN + 22] = (uint8_t)(qi / 2);
	fe_add(f, qi, d, gpa, HDR_LEN + 60, 0, 0);
	fe_publish(f, qi, d);
	return true;
}

#define PUMP_SEQS	(1u << 22)

static int pump(const char *sock, unsigned long count, unsigned int pairs,
		unsigned int rxbufs, const char *hold)
{
	unsigned long sent = 0, got[2] = { 0, 0 }, numbered = 0, dups = 0, misrouted = 0;
	uint8_t *seen = calloc(PUMP_SEQS / 8, 1);
	unsigned int p;
	struct fe f;
	double end, limit;

	if (pairs < 1 || pairs > MAX_FQ / 2) {
		fprintf(stderr, "hostile: QUEUE_PAIRS must be 1 or 2\n");
		return 2;
	}
	if (!seen || count > PUMP_SEQS) {
		fprintf(stderr, "hostile: COUNT must be at most %u\n", PUMP_SEQS);
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
			if (!pump_one(&f, 2 * p + 1, (uint32_t)sent))
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
				const uint8_t *fr = f.mem + RXBUF_GPA + p * PAIR_GPA +
						    (uint64_t)(e.id % QSZ) * BUF_SZ + HDR_LEN;
				uint32_t seq;

				q->used_seen++;
				got[p]++;
				if (e.len >= HDR_LEN + 23 && !memcmp(fr + 14, "VHPM", 4)) {
					memcpy(&seq, fr + 18, 4);
					numbered++;
					if (fr[22] != p)
						misrouted++;
					if (seq >= PUMP_SEQS || (seen[seq / 8] & (1u << (seq % 8))))
						dups++;
					else
						seen[seq / 8] |= 1u << (seq % 8);
				}
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
	printf(" numbered %lu duplicates %lu misrouted %lu\n", numbered, dups, misrouted);
	fflush(stdout);
	if (hold) {
		limit = now() + 60;
		while (access(hold, F_OK) != 0 && now() < limit)
			usleep(20000);
	}
	fe_close(&f);
	free(seen);
	return 0;
}

int main(int argc, char **argv)
{
	char log[4096], arg[6][4200];
	unsigned int i, ncases = sizeof(cases) / sizeof(cases[0]);
	const char *seed_env = getenv("HOSTILE_SEED");
	bool okay;

	if (argc >= 4 && argc <= 7 && !strcmp(argv[1], "--pump"))
		return pump(argv[2], strtoul(argv[3], NULL, 0),
			    argc >= 5 ? strtoul(argv[4], NULL, 0) : 1,
			    argc >= 6 ? strtoul(argv[5], NULL, 0) : QSZ - 1,
			    argc >= 7 ? argv[6] : NULL);
	if (argc != 3) {
		fprintf(stderr,
			"usage: hostile VALE_VHOST WORKDIR | --pump SOCKET COUNT [QUEUE_PAIRS [RX_BUFFERS [HOLD_FILE]]]\n");
		return 2;
	}
	dir = argv[2];
	signal(SIGPIPE, SIG_IGN);
	snprintf(log, sizeof(log), "%s/vhost.log", dir);
	snprintf(logpath, sizeof(logpath), "%s", log);
	snprintf(arg[0], sizeof(arg[0]), "evil,path=%s/evil.sock,direct=px", dir);
	snprintf(arg[1], sizeof(arg[1]), "evil2,path=%s/evil2.sock,direct=px", dir);
	snprintf(arg[2], sizeof(arg[2]), "g1,path=%s/g1.sock,direct=pg", dir);
	snprintf(arg[3], sizeof(arg[3]), "g2,path=%s/g2.sock,direct=pg", dir);
	snprintf(arg[4], sizeof(arg[4]), "w1,path=%s/w1.sock,direct=pw", dir);
	snprintf(arg[5], sizeof(arg[5]), "w2,path=%s/w2.sock,direct=pw", dir);
	snprintf(stats_path, sizeof(stats_path), "%s/stats.sock", dir);
	daemon_pid = start_daemon(argv[1], log, (char *[]){
		"--vm", arg[0], "--vm", arg[1], "--vm", arg[2], "--vm", arg[3],
		"--vm", arg[4], "--vm", arg[5], "--stats-socket", stats_path, NULL });
	if (seed_env)
		rng = strtoull(seed_env, NULL, 0) | 1;
	/*
	 * 2 (good pair) + 5 (stats socket) + 3 per case + 2 (books, survived)
	 * + 6 (direct hold and drop) + 2 (fuzz) + 1 (exit) + 8 (config, client)
	 */
	printf("1..%u\n", 2 + 5 + 3 * ncases + 2 + 6 + 2 + 1 + 8);
	okay = fe_connect(&g1, "g1") == 0 && fe_setup(&g1) == 0 &&
	       fe_connect(&g2, "g2") == 0 && fe_setup(&g2) == 0;
	tap(okay, "well-behaved pair g1, g2 set up");
	if (okay) {
		fe_post_rx(&g2, 128);
		fe_post_rx(&g1, 128);
	}
	tap(okay && good_pair_works(1), "g1 -> g2 frame arrives intact");
	t_stats();

	for (i = 0; i < ncases; i++) {
		const struct hcase *c = &cases[i];
		char got[1024];
		long long errs0 = stat_of(stats_path, "evil", "errors"), errs;
		bool logged, kind = false;

		log_skip();
		if (fe_connect(&ev, "evil") < 0) {
			tap(false, "%s: connect", c->name);
			tap(false, "%s: connection closed / queue stopped", c->name);
			tap(false, "%s: daemon alive, g1 -> g2 still works", c->name);
			fe_close(&ev);
			continue;
		}
		c->run(&ev);
		if (c->kind == K_GONE)
			fe_close(&ev);
		logged = log_wait_error("evil", c->expect, 3, got, sizeof(got));
		if (!logged)
			printf("# want \"%s\", got \"%s\"\n", c->expect, got);
		tap(logged, "%s: logs \"%s\"", c->name, c->expect);
		switch (c->kind) {
		case K_CLOSE:
			kind = peer_closed(ev.sock, 3);
			break;
		case K_STOP:
			kind = !peer_closed(ev.sock, 0.2) &&
			       queue_broken(stats_path, "evil", c->queue);
			break;
		case K_GONE:
			kind = true;
			break;
		}
		if (c->kind != K_GONE)
			fe_close(&ev);
		/* the connection must be gone before the next case */
		kind = log_wait("[evil] info: disconnected", 3) && kind;
		errs = stat_of(stats_path, "evil", "errors");
		if (errs != errs0 + 1) {
			printf("# evil errors %lld -> %lld\n", errs0, errs);
			kind = false;
		}
		tap(kind, "%s: %s, one error counted", c->name,
		    c->kind == K_CLOSE ? "the daemon closes the connection" :
		    c->kind == K_STOP ? "that queue stopped, the connection kept" :
		    "the connection is dropped");
		tap(daemon_alive() && good_pair_works((uint8_t)(i + 2)),
		    "%s: daemon alive, g1 -> g2 still works", c->name);
	}
	tap(good_books(), "after %u hostile connections: g1 -> g2 counters exact, no drops",
	    ncases);
	tap(daemon_alive(), "daemon survived %u hostile connections", ncases);
	t_direct_block();
	printf("# fuzz seed %#llx (HOSTILE_SEED to repeat)\n", (unsigned long long)rng);
	t_fuzz("messages", fuzz_msgs, 60, 0x90);
	t_fuzz("descriptors", fuzz_descs, 40, 0x91);
	fe_close(&g1);
	fe_close(&g2);
	tap(daemon_stops_clean(daemon_pid, log), "daemon exits 0 on SIGTERM, no sanitizer report");
	t_config_client(argv[1]);
	return tap_fail ? 1 : 0;
}
