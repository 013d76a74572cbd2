// SPDX-License-Identifier: GPL-2.0
/*
 * vale-kfuzz program execution.
 *
 * Thread 0 (the caller) runs netlink and link calls and its own device
 * calls; device calls of threads 1.. are queued to worker threads and run
 * concurrently with what follows, until a barrier or the end of the
 * program.  Every fd slot's descriptor number is read and swapped
 * atomically, so that a slot is closed once; its mapping is guarded by a
 * read-write lock (ring writes read-lock it, mmap and munmap write-lock
 * it), so that the fuzzer never touches unmapped memory while the kernel
 * sees close, munmap and sync race each other.  Ring writes use the
 * geometry the mapping's own info header describes, checked against the
 * mapping's length.
 *
 * Invariant: every call fails only with an errno the ABI documents for it
 * (uapi/linux/vale.h, Documentation/control-plane.md); a descriptor that
 * is not (or no longer) a vale file may also give EBADF or the errors of
 * the foreign file.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/vale.h>

#include "nl_test.h"
#include "rtnl.h"
#include "kfuzz.h"

typedef unsigned __int128 emask;	/* errnos 0..127 */
#define E(x)		((emask)1 << (x))
#define DEAD_FD		997	/* never opened: dup2'ed away at init */

struct slot {
	pthread_rwlock_t lock;	/* map, info, prot, reg */
	int fd;			/* atomic; -1 when closed */
	struct vale_register reg;	/* the last successful register */
	int registered;
	void *map;
	size_t maplen;
	int prot;
	struct vale_info info;	/* copied from the mapping, checked */
	uint32_t txhead[VALE_MAX_RINGS];	/* last good head we wrote */
};

static struct slot slots[KF_FDS];
static struct vnl rt;	/* rtnetlink (tools/common/rtnl.c), main thread */
int kf_slow_ms;		/* print calls slower than this (0: never) */
static int nullfd = -1, kmsgfd = -1;
static const struct kf_prog *cur;
static struct kf_result *res;
static pthread_mutex_t res_lock = PTHREAD_MUTEX_INITIALIZER;

/* --- worker threads ------------------------------------------------ */

#define QLEN KF_MAX_CALLS

struct worker {
	pthread_t tid;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	const struct kf_call *q[QLEN];
	int qhead, qtail, busy;
};

static struct worker workers[KF_THREADS];

static void run_call(int idx, const struct kf_call *c);

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	const struct kf_call *c;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (w->qhead == w->qtail)
			pthread_cond_wait(&w->cond, &w->lock);
		c = w->q[w->qhead % QLEN];
		w->busy = 1;
		pthread_mutex_unlock(&w->lock);
		run_call((int)(c - cur->call), c);
		pthread_mutex_lock(&w->lock);
		w->qhead++;
		w->busy = 0;
		pthread_cond_broadcast(&w->cond);
	}
	return NULL;
}

static void enqueue(int t, const struct kf_call *c)
{
	struct worker *w = &workers[t];

	pthread_mutex_lock(&w->lock);
	w->q[w->qtail++ % QLEN] = c;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static void barrier(void)
{
	int t;

	for (t = 1; t < KF_THREADS; t++) {
		struct worker *w = &workers[t];

		pthread_mutex_lock(&w->lock);
		while (w->qhead != w->qtail || w->busy)
			pthread_cond_wait(&w->cond, &w->lock);
		pthread_mutex_unlock(&w->lock);
	}
}

/* No worker has anything queued or running. */
static int quiet(void)
{
	int t, q = 1;

	for (t = 1; t < KF_THREADS; t++) {
		struct worker *w = &workers[t];

		pthread_mutex_lock(&w->lock);
		if (w->qhead != w->qtail || w->busy)
			q = 0;
		pthread_mutex_unlock(&w->lock);
	}
	return q;
}

/* --- the invariant ------------------------------------------------- */

static void violation(int idx, const struct kf_call *c, const char *fmt, ...)
{
	char what[200];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&res_lock);
	if (!res->violations++) {
		f = fmemopen(res->first, sizeof(res->first), "w");
		if (f) {
			fprintf(f, "seed %" PRIu64 ": %s in ", cur->seed, what);
			if (c)
				kf_print_call(f, "", idx, c);
			else
				fputs("cleanup\n", f);
			fclose(f);
		}
	}
	pthread_mutex_unlock(&res_lock);
}

/*
 * ret < 0 with errno: is errno in the set?  fd is the operand's kind: a
 * dead or closed descriptor adds EBADF, the foreign file its own errors.
 */
static void check(int idx, const struct kf_call *c, int ret, int err,
		  emask allowed)
{
	if (ret >= 0)
		return;
	if (c->fd == KF_FD_FOREIGN)
		allowed |= E(ENOTTY) | E(ENODEV) | E(EINVAL) | E(EACCES);
	allowed |= E(EBADF);	/* dead, or closed by another thread */
	if (err < 0 || err >= 128 || !(allowed & E(err)))
		violation(idx, c, "errno %d (%s) not documented", err,
			  strerror(err));
}

static int fd_of(int s)
{
	if (s == KF_FD_DEAD)
		return DEAD_FD;
	if (s == KF_FD_FOREIGN)
		return nullfd;
	if (s < 0 || s >= KF_FDS)
		return -1;
	return __atomic_load_n(&slots[s].fd, __ATOMIC_ACQUIRE);
}

/* --- /dev/vale calls ------------------------------------------------ */

static void do_close(struct slot *s)
{
	int fd = __atomic_exchange_n(&s->fd, -1, __ATOMIC_ACQ_REL);

	if (fd >= 0)
		close(fd);
	pthread_rwlock_wrlock(&s->lock);
	s->registered = 0;
	pthread_rwlock_unlock(&s->lock);
}

static void do_unmap(struct slot *s)
{
	pthread_rwlock_wrlock(&s->lock);
	if (s->map)
		munmap(s->map, s->maplen);
	s->map = NULL;
	pthread_rwlock_unlock(&s->lock);
}

static void op_open(struct slot *s)
{
	int fd = open("/dev/vale", O_RDWR | O_CLOEXEC);

	fd = __atomic_exchange_n(&s->fd, fd, __ATOMIC_ACQ_REL);
	if (fd >= 0)
		close(fd);
	pthread_rwlock_wrlock(&s->lock);
	s->registered = 0;
	pthread_rwlock_unlock(&s->lock);
}

static void op_register(int idx, const struct kf_call *c)
{
	struct vale_register r;
	int fd = fd_of(c->fd), ret, err;
	const char *sw = kf_switch_name(c->sw), *pt = kf_port_name(c->port);

	memset(&r, 0, sizeof(r));
	r.version = VALE_API_VERSION;
	snprintf(r.name, sizeof(r.name), "%s:%s", sw, pt);
	r.num_tx_rings = c->a[0] & 0xff;
	r.num_rx_rings = c->a[0] >> 8;
	r.num_slots = c->a[1];
	r.buf_size = c->a[2];
	r.extra_bufs = c->a[3];
	switch (c->a[4]) {
	case KF_REG_VERSION: r.version = 2; break;
	case KF_REG_FLAGS: r.flags = 1u << (c->a[3] % 32); break;
	case KF_REG_RESERVED: r.__reserved[c->a[3] % 4] = 1; break;
	case KF_REG_NOCOLON: snprintf(r.name, sizeof(r.name), "%s", sw); break;
	case KF_REG_BADCHAR: r.name[strlen(r.name) - 1] = '\x7f'; break;
	case KF_REG_LONG: memset(r.name, 'a', sizeof(r.name)); break;
	case KF_REG_NOPREFIX: snprintf(r.name, sizeof(r.name), "kf:%s", pt); break;
	case KF_REG_RINGS: r.num_tx_rings = VALE_MAX_RINGS + 1; break;
	case KF_REG_SLOTS: r.num_slots = c->a[3] & 1 ? VALE_MIN_SLOTS - 1 :
					 VALE_MAX_SLOTS + 1; break;
	case KF_REG_BUFSZ: r.buf_size = c->a[3] & 1 ? 65 :
					VALE_MAX_BUF_SIZE + 64; break;
	case KF_REG_EXTRA: r.extra_bufs = VALE_MAX_EXTRA_BUFS + 1; break;
	}
	ret = ioctl(fd, VALE_IOC_REGISTER, &r);
	err = errno;
	check(idx, c, ret, err, E(EINVAL) | E(EBUSY) | E(ENOSPC) | E(ENOMEM) |
	      E(EPERM));
	if (!ret && c->a[4] != KF_REG_OK && c->fd >= 0 && quiet())
		violation(idx, c, "invalid register accepted");
	if (!ret && c->fd >= 0) {
		struct slot *s = &slots[c->fd];

		pthread_rwlock_wrlock(&s->lock);
		s->reg = r;
		s->registered = 1;
		pthread_rwlock_unlock(&s->lock);
	}
}

/* The mapping's own header, checked against the mapping's length. */
static int take_info(struct slot *s, void *map, size_t len, uint64_t info_off)
{
	const struct vale_info *vi;
	uint64_t end;

	if (info_off + sizeof(*vi) > len)
		return -1;
	vi = (const void *)((char *)map + info_off);
	if (vi->magic != VALE_INFO_MAGIC || vi->region_size != len ||
	    !vi->num_tx_rings || !vi->num_rx_rings ||
	    vi->num_tx_rings > VALE_MAX_RINGS ||
	    vi->num_rx_rings > VALE_MAX_RINGS || !vi->num_slots ||
	    vi->off.slot_size < sizeof(struct vale_slot))
		return -1;
	end = vi->off.ring.slots + (uint64_t)vi->num_slots * vi->off.slot_size;
	if (vi->off.tx_ring + (vi->num_tx_rings - 1) * vi->off.ring_stride +
	    end > len ||
	    vi->off.rx_ring + (vi->num_rx_rings - 1) * vi->off.ring_stride +
	    end > len ||
	    vi->off.bufs + (uint64_t)vi->num_bufs * vi->buf_size > len)
		return -1;
	s->info = *vi;
	return 0;
}

static void op_mmap(int idx, const struct kf_call *c)
{
	struct slot *s = c->fd >= 0 ? &slots[c->fd] : NULL;
	size_t len = 1 << 20;
	int fd = fd_of(c->fd), prot = PROT_READ | PROT_WRITE;
	int flags = MAP_SHARED, err, known = 0;
	uint64_t info_off = 0;
	off_t off = 0;
	void *m;

	if (s) {
		pthread_rwlock_rdlock(&s->lock);
		if (s->registered) {
			len = s->reg.region_size;
			info_off = s->reg.off.info;
			known = 1;
		}
		pthread_rwlock_unlock(&s->lock);
	}
	switch (c->a[0]) {
	case KF_MAP_SHORT: len -= 4096; break;
	case KF_MAP_LONG: len += 4096; break;
	case KF_MAP_OFFSET: off = 4096; break;
	case KF_MAP_PRIVATE: flags = MAP_PRIVATE; break;
	case KF_MAP_RDONLY: prot = PROT_READ; break;
	}
	m = mmap(NULL, len, prot, flags, fd, off);
	err = errno;
	check(idx, c, m == MAP_FAILED ? -1 : 0, err,
	      E(EINVAL) | E(ENXIO) | E(ENOMEM));
	if (m == MAP_FAILED)
		return;
	if (known && c->a[0] != KF_MAP_OK && c->a[0] != KF_MAP_RDONLY &&
	    quiet() && c->thread == 0)
		violation(idx, c, "mmap of a partial or private region accepted");
	if (!s || flags != MAP_SHARED) {
		munmap(m, len);
		return;
	}
	pthread_rwlock_wrlock(&s->lock);
	if (s->map)
		munmap(s->map, s->maplen);
	s->map = m;
	s->maplen = len;
	s->prot = prot;
	if (take_info(s, m, len, info_off)) {
		/* Not a region we understand (an fd reused meanwhile). */
		munmap(m, len);
		s->map = NULL;
	} else {
		unsigned int r;

		for (r = 0; r < s->info.num_tx_rings; r++)
			s->txhead[r] = *(uint32_t *)((char *)m +
				s->info.off.tx_ring + r * s->info.off.ring_stride +
				s->info.off.ring.head);
	}
	pthread_rwlock_unlock(&s->lock);
}

/* Ring r (modulo the count) of a direction and its index words. */
struct ring_ref {
	char *ring;
	uint32_t r, n, *headp, *curp, *tailp;
};

static void ring_at(const struct slot *s, int tx, uint32_t r,
		    struct ring_ref *rr)
{
	const struct vale_info *vi = &s->info;

	rr->n = vi->num_slots;
	rr->r = r % (tx ? vi->num_tx_rings : vi->num_rx_rings);
	rr->ring = (char *)s->map + (tx ? vi->off.tx_ring : vi->off.rx_ring) +
		   rr->r * vi->off.ring_stride;
	rr->headp = (uint32_t *)(rr->ring + vi->off.ring.head);
	rr->curp = (uint32_t *)(rr->ring + vi->off.ring.cur);
	rr->tailp = (uint32_t *)(rr->ring + vi->off.ring.tail);
}

static struct vale_slot *ring_slot(const struct slot *s, char *ring,
				   uint32_t j)
{
	return (struct vale_slot *)(ring + s->info.off.ring.slots +
				    (uint64_t)j * s->info.off.slot_size);
}

static uint32_t mix(uint32_t *x)
{
	*x = *x * 1103515245u + 12345u;
	return *x >> 8;
}

static void sync_ring(int idx, const struct kf_call *c, unsigned long cmd,
		      uint32_t ring, int null_arg)
{
	int ret, err;

	ret = ioctl(fd_of(c->fd), cmd, null_arg ? NULL : &ring);
	err = errno;
	check(idx, c, ret, err, E(EFAULT) | E(EINVAL) | E(ENXIO));
}

/* Fill up to n slots of a tx ring from head with frames (or garbage). */
static void op_txfill(int idx, const struct kf_call *c)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct slot *s = &slots[c->fd];
	const struct vale_info *vi = &s->info;
	uint32_t n, r, head, tail, avail, k, i, x = c->a[4], chain = 0;
	uint32_t kind = c->a[2], newhead, newcur;
	uint32_t *headp, *curp, *tailp;
	struct ring_ref rr;
	char *ring;

	pthread_rwlock_rdlock(&s->lock);
	if (!s->map || !(s->prot & PROT_WRITE))
		goto out;
	ring_at(s, 1, c->a[0], &rr);
	n = rr.n;
	r = rr.r;
	ring = rr.ring;
	headp = rr.headp;
	curp = rr.curp;
	tailp = rr.tailp;
	head = __atomic_load_n(headp, __ATOMIC_RELAXED);
	if (head >= n)
		head = s->txhead[r] % n;
	tail = __atomic_load_n(tailp, __ATOMIC_ACQUIRE);
	if (tail >= n)
		goto out;
	avail = (tail + n - head) % n;
	k = c->a[1] < avail ? c->a[1] : avail;
	if (kind == KF_FILL_MANYFRAGS)
		k = avail < VALE_MAX_FRAGS + 6 ? avail : VALE_MAX_FRAGS + 6;
	for (i = 0; i < k; i++) {
		uint32_t j = (head + i) % n;
		struct vale_slot *sl = ring_slot(s, ring, j);
		uint32_t len = 14 + mix(&x) % (vi->buf_size - 13);
		uint16_t flags = 0;
		uint8_t *buf;

		if (kind == KF_FILL_SWAP)
			sl->buf_idx = vi->num_extra_bufs && mix(&x) & 1 ?
				vi->first_extra_buf + mix(&x) % vi->num_extra_bufs :
				mix(&x) % vi->num_bufs;
		if (kind == KF_FILL_CHAIN || kind == KF_FILL_OPEN_CHAIN ||
		    kind == KF_FILL_MANYFRAGS) {
			if (!chain)
				chain = kind == KF_FILL_MANYFRAGS ? k : 2 + mix(&x) % 3;
			if (--chain || kind == KF_FILL_OPEN_CHAIN || i + 1 == k)
				flags = chain || kind == KF_FILL_OPEN_CHAIN ?
					VALE_SLOT_MOREFRAG : 0;
		}
		if (sl->buf_idx < vi->num_bufs) {
			buf = (uint8_t *)s->map + vi->off.bufs +
			      (uint64_t)sl->buf_idx * vi->buf_size;
			if (c->a[3] < 6) {
				static const uint8_t uc[6] = { 2, 0, 0, 0, 0x6b, 0 };

				memcpy(buf, uc, 6);
				buf[5] = (uint8_t)(c->a[3] + 1);
			} else {
				memcpy(buf, bcast, 6);
			}
			buf[6] = 2;
			memset(buf + 7, 0, 4);
			buf[11] = (uint8_t)(c->fd + 1);
			buf[12] = 0x88;
			buf[13] = 0xb5;
		}
		switch (kind) {
		case KF_FILL_LEN0: if (mix(&x) & 1) len = 0; break;
		case KF_FILL_LONG: len = vi->buf_size + 1 + mix(&x) % 64; break;
		case KF_FILL_BUFIDX:
			if (mix(&x) & 1)
				sl->buf_idx = vi->num_bufs + mix(&x) % 4;
			break;
		case KF_FILL_FLAGS: flags |= 0x8000 >> (mix(&x) % 14); break;
		case KF_FILL_RUNT: len = 1 + mix(&x) % 13; break;
		}
		sl->len = (uint16_t)(len > 0xffff ? 0xffff : len);
		sl->flags = flags;
	}
	newhead = (head + k) % n;
	newcur = newhead;
	switch (kind) {
	case KF_FILL_HEAD_OOR: newhead = n + mix(&x) % 4; newcur = newhead; break;
	case KF_FILL_HEAD_PAST:
		newhead = (tail + 1 + mix(&x) % 3) % n;
		newcur = newhead;
		break;
	case KF_FILL_CUR_BAD: newcur = (head + n - 1) % n; break;
	}
	if (newhead < n)
		s->txhead[r] = newhead;
	__atomic_store_n(curp, newcur, __ATOMIC_RELAXED);
	__atomic_store_n(headp, newhead, __ATOMIC_RELEASE);
	if (c->a[5])
		sync_ring(idx, c, VALE_IOC_TXSYNC, r, 0);
out:
	pthread_rwlock_unlock(&s->lock);
}

/* Read what an rx ring holds and give it back (or misbehave). */
static void op_rxconsume(int idx, const struct kf_call *c)
{
	struct slot *s = &slots[c->fd];
	const struct vale_info *vi = &s->info;
	uint32_t n, head, tail, j, sum = 0;
	struct ring_ref rr;

	pthread_rwlock_rdlock(&s->lock);
	if (!s->map || !(s->prot & PROT_WRITE))
		goto out;
	ring_at(s, 0, c->a[0], &rr);
	n = rr.n;
	head = __atomic_load_n(rr.headp, __ATOMIC_RELAXED) % n;
	tail = __atomic_load_n(rr.tailp, __ATOMIC_ACQUIRE) % n;
	for (j = head; j != tail; j = (j + 1) % n) {
		struct vale_slot *sl = ring_slot(s, rr.ring, j);

		if (sl->buf_idx < vi->num_bufs && sl->len)
			sum += ((uint8_t *)s->map)[vi->off.bufs +
				(uint64_t)sl->buf_idx * vi->buf_size];
	}
	(void)sum;
	switch (c->a[1]) {
	case 1: head = (tail + 1) % n; break;
	case 2: ring_slot(s, rr.ring, tail)->buf_idx = 0xfffffff0u; break;
	case 3: head = (head + n - 1) % n; break;
	default: head = tail; break;
	}
	if (c->a[1] != 2) {
		__atomic_store_n(rr.curp, head, __ATOMIC_RELAXED);
		__atomic_store_n(rr.headp, head, __ATOMIC_RELEASE);
	}
	sync_ring(idx, c, VALE_IOC_RXSYNC, rr.r, 0);
out:
	pthread_rwlock_unlock(&s->lock);
}

static void op_poll(int idx, const struct kf_call *c)
{
	struct pollfd p[KF_FDS];
	int i, n = 0, ret, err;
	short ev = 0;

	if (c->a[1] & 1)
		ev |= POLLIN;
	if (c->a[1] & 2)
		ev |= POLLOUT;
	if (c->a[1] & 4)
		ev |= POLLPRI;
	for (i = 0; i < KF_FDS; i++)
		if (c->a[0] & (1u << i)) {
			p[n].fd = fd_of(i);
			p[n].events = ev;
			n++;
		}
	ret = poll(p, (nfds_t)n, (int)c->a[2]);
	err = errno;
	check(idx, c, ret, err, 0);
}

static void print_stack(pid_t pid)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stack", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		printf("#   %s", line);
	fclose(f);
}

/* A child holding every fd and mapping, killed while it works. */
static void op_fork(const struct kf_call *c)
{
	pid_t pid;
	int i;

	pid = fork();
	if (pid < 0)
		return;
	if (!pid) {
		static const __u32 all = VALE_SYNC_ALL_RINGS;
		struct pollfd p[KF_FDS];

		if (c->a[0] == 2) {
			for (i = 0; i < KF_FDS; i++)
				close(fd_of(i));
			_exit(0);
		}
		for (i = 0; i < KF_FDS; i++) {
			p[i].fd = fd_of(i);
			p[i].events = POLLIN;
		}
		for (;;) {
			if (c->a[0] == 1) {
				poll(p, KF_FDS, -1);
				continue;
			}
			for (i = 0; i < KF_FDS; i++) {
				ioctl(p[i].fd, VALE_IOC_TXSYNC, &all);
				ioctl(p[i].fd, VALE_IOC_RXSYNC, &all);
			}
		}
	}
	usleep(c->a[1]);
	kill(pid, SIGKILL);
	/* A killed child that never goes away is a kernel bug: say where. */
	for (i = 0; i < 200; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		usleep(50000);
	}
	violation((int)(c - cur->call), c, "child %d not gone 10 s after SIGKILL",
		  (int)pid);
	print_stack(pid);
	waitpid(pid, NULL, 0);
}

/* --- netlink --------------------------------------------------------- */

static char nlbuf[16384];

static void nl_check(int idx, const struct kf_call *c, int ret,
		     emask allowed)
{
	if (ret < 0 && !(-ret < 128 && (allowed & E(-ret))))
		violation(idx, c, "netlink errno %d (%s) not documented [%s]",
			  -ret, strerror(-ret), errmsg);
}

static void op_switch(int idx, const struct kf_call *c, uint8_t cmd)
{
	static const uint32_t lookup[] = { 0, 0, 1, 2, 0xffffffffu };
	static const uint32_t batch[] = { 0, 1, 64, 1024, 0, 1025, 0x7fffffff };
	struct nlmsghdr *nlh = msg(nlbuf, fam, cmd, 0);
	emask allowed;

	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, kf_switch_name(c->sw));
	if (cmd == VALE_CMD_SWITCH_NEW || cmd == VALE_CMD_SWITCH_SET) {
		if (c->a[0])
			mnl_attr_put_u8(nlh, VALE_A_SWITCH_RESTRICTED,
					(uint8_t)(c->a[0] - 1));
		if (c->a[1])
			mnl_attr_put_u32(nlh, VALE_A_SWITCH_LOOKUP,
					 lookup[c->a[1] % 5]);
		if (c->a[2])
			mnl_attr_put_u32(nlh, VALE_A_SWITCH_BATCH,
					 batch[c->a[2] % 7]);
	}
	switch (cmd) {
	case VALE_CMD_SWITCH_NEW: allowed = E(EEXIST) | E(EINVAL) | E(ERANGE); break;
	case VALE_CMD_SWITCH_SET: allowed = E(ENOENT) | E(EINVAL) | E(ERANGE); break;
	case VALE_CMD_SWITCH_DEL: allowed = E(ENOENT) | E(EBUSY); break;
	default: allowed = E(ENOENT); break;
	}
	nl_check(idx, c, talk(nlh, ok_cb, NULL), allowed);
}

static void op_port(int idx, const struct kf_call *c, uint8_t cmd)
{
	static const uint32_t ids[] = { 0, 0, 65534, 0xffffffffu };
	uint16_t flags = cmd == VALE_CMD_PORT_GET && c->op == KF_PORT_DUMP ?
			 NLM_F_DUMP : 0;
	struct nlmsghdr *nlh = msg(nlbuf, fam, cmd, flags);
	emask allowed;

	if (!(flags && c->a[0]))
		mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, kf_switch_name(c->sw));
	if (!flags)
		mnl_attr_put_strz(nlh, VALE_A_PORT_NAME, kf_port_name(c->port));
	if (cmd == VALE_CMD_PORT_NEW) {
		if (c->a[0])
			mnl_attr_put_u32(nlh, VALE_A_PORT_UID, ids[c->a[0] % 4]);
		if (c->a[1])
			mnl_attr_put_u32(nlh, VALE_A_PORT_GID, ids[c->a[1] % 4]);
	}
	switch (cmd) {
	case VALE_CMD_PORT_NEW:
		allowed = E(ENOENT) | E(EEXIST) | E(EINVAL) | E(ENOSPC);
		break;
	case VALE_CMD_PORT_DEL: allowed = E(ENOENT) | E(EBUSY); break;
	default: allowed = E(ENOENT); break;
	}
	nl_check(idx, c, talk(nlh, ok_cb, NULL), allowed);
}

/*
 * Veth pair i is kfz<i> with its peer kfz<i>p, both up once created;
 * rtnetlink, not ip(8): a fork and exec per call costs a second on the
 * debug kernel under TCG.
 */
static void link_name(char *dev, size_t len, unsigned int i, bool peer)
{
	snprintf(dev, len, "kfz%u%s", i, peer ? "p" : "");
}

static void op_netdev(int idx, const struct kf_call *c, uint8_t cmd)
{
	struct nlmsghdr *nlh = msg(nlbuf, fam, cmd, 0);
	char dev[16];
	emask allowed;

	link_name(dev, sizeof(dev), c->dev, c->a[0] == 2);
	if (!c->a[1])
		mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, kf_switch_name(c->sw));
	if (c->a[0] == 1)
		mnl_attr_put_u32(nlh, VALE_A_PORT_IFINDEX, if_nametoindex(dev));
	else if (c->a[0] == 3)
		mnl_attr_put_u32(nlh, VALE_A_PORT_IFINDEX, 100000 + c->dev);
	else
		mnl_attr_put_strz(nlh, VALE_A_PORT_IFNAME, dev);
	allowed = cmd == VALE_CMD_NETDEV_ATTACH ?
		  E(ENODEV) | E(EBUSY) | E(EOPNOTSUPP) | E(EINVAL) | E(ENOSPC) :
		  E(ENODEV) | E(ENOENT);
	/* ifindex 0 (a device that does not exist) is out of the policy */
	if (c->a[0] == 1)
		allowed |= E(EINVAL) | E(ERANGE);
	nl_check(idx, c, talk(nlh, ok_cb, NULL), allowed);
}

static void link_del(unsigned int i)
{
	char dev[16];

	link_name(dev, sizeof(dev), i, false);
	rtnl_link_del(&rt, dev);
}

static void op_link(const struct kf_call *c)
{
	char dev[16], peer[16];

	link_name(dev, sizeof(dev), c->dev, false);
	link_name(peer, sizeof(peer), c->dev, true);
	switch (c->op) {
	case KF_LINK_ADD:
		if (!rtnl_veth_add(&rt, dev, peer, -1, NULL)) {
			rtnl_link_up(&rt, dev);
			rtnl_link_up(&rt, peer);
		}
		break;
	case KF_LINK_DEL:
		link_del(c->dev);
		break;
	case KF_LINK_SET:	/* a[0]: down, up, mtu 1280, mtu 9000 */
		if (c->a[0] == 1)
			rtnl_link_up(&rt, dev);
		else if (c->a[0] == 2 || c->a[0] == 3)
			rtnl_link_mtu(&rt, dev, c->a[0] == 2 ? 1280 : 9000);
		else
			rtnl_link_down(&rt, dev);
		break;
	}
}

/* --- dispatch -------------------------------------------------------- */

static void run_call(int idx, const struct kf_call *c)
{
	struct slot *s = c->fd >= 0 ? &slots[c->fd] : NULL;
	struct vale_port_stats st;
	int ret, err;

	switch (c->op) {
	case KF_OPEN:
		if (s)
			op_open(s);
		break;
	case KF_REGISTER:
		op_register(idx, c);
		break;
	case KF_MMAP:
		op_mmap(idx, c);
		break;
	case KF_MUNMAP:
		if (s)
			do_unmap(s);
		break;
	case KF_TXFILL:
		if (s)
			op_txfill(idx, c);
		break;
	case KF_RXCONSUME:
		if (s)
			op_rxconsume(idx, c);
		break;
	case KF_TXSYNC:
		sync_ring(idx, c, VALE_IOC_TXSYNC, c->a[0], (int)c->a[1]);
		break;
	case KF_RXSYNC:
		sync_ring(idx, c, VALE_IOC_RXSYNC, c->a[0], (int)c->a[1]);
		break;
	case KF_STATS:
		ret = ioctl(fd_of(c->fd), VALE_IOC_GET_STATS,
			    c->a[1] ? NULL : &st);
		err = errno;
		check(idx, c, ret, err, E(EFAULT) | E(ENXIO));
		break;
	case KF_POLL:
		op_poll(idx, c);
		break;
	case KF_CLOSE:
		if (s)
			do_close(s);
		break;
	case KF_FORK:
		op_fork(c);
		break;
	case KF_BARRIER:
		barrier();
		break;
	case KF_SW_NEW: op_switch(idx, c, VALE_CMD_SWITCH_NEW); break;
	case KF_SW_DEL: op_switch(idx, c, VALE_CMD_SWITCH_DEL); break;
	case KF_SW_SET: op_switch(idx, c, VALE_CMD_SWITCH_SET); break;
	case KF_SW_GET: op_switch(idx, c, VALE_CMD_SWITCH_GET); break;
	case KF_SW_DUMP:
		nl_check(idx, c, talk(msg(nlbuf, fam, VALE_CMD_SWITCH_GET,
					  NLM_F_DUMP), ok_cb, NULL), 0);
		break;
	case KF_PORT_NEW: op_port(idx, c, VALE_CMD_PORT_NEW); break;
	case KF_PORT_DEL: op_port(idx, c, VALE_CMD_PORT_DEL); break;
	case KF_PORT_GET:
	case KF_PORT_DUMP: op_port(idx, c, VALE_CMD_PORT_GET); break;
	case KF_ATTACH: op_netdev(idx, c, VALE_CMD_NETDEV_ATTACH); break;
	case KF_DETACH: op_netdev(idx, c, VALE_CMD_NETDEV_DETACH); break;
	case KF_LINK_ADD:
	case KF_LINK_DEL:
	case KF_LINK_SET:
		op_link(c);
		break;
	}
}

int kf_exec_init(void)
{
	int i, ret;

	signal(SIGPIPE, SIG_IGN);
	nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	close(DEAD_FD);
	kmsgfd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	for (i = 0; i < KF_FDS; i++) {
		pthread_rwlock_init(&slots[i].lock, NULL);
		slots[i].fd = -1;
	}
	for (i = 1; i < KF_THREADS; i++) {
		pthread_mutex_init(&workers[i].lock, NULL);
		pthread_cond_init(&workers[i].cond, NULL);
		if (pthread_create(&workers[i].tid, NULL, worker_main,
				   &workers[i]))
			return -1;
	}
	ret = open_nl();
	if (!ret)
		ret = rtnl_open(&rt);
	return nullfd < 0 ? -1 : ret;
}

/* A dump of the fuzz switches: names, and how many hold live ports. */
struct sw_acc {
	char names[256];
	int n, live;
};

static int sw_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sw_acc *acc = data;
	const struct nlattr *a;
	int ours = 0, nports = 0;
	size_t l;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == VALE_A_SWITCH_NAME &&
		    !strncmp(mnl_attr_get_str(a), "valekf", 6)) {
			ours = 1;
			l = strlen(acc->names);
			snprintf(acc->names + l, sizeof(acc->names) - l, "%s ",
				 mnl_attr_get_str(a));
		}
		if (mnl_attr_get_type(a) == VALE_A_SWITCH_NPORTS)
			nports = (int)mnl_attr_get_u32(a);
	}
	acc->n += ours;
	acc->live += ours && nports;
	return MNL_CB_OK;
}

static int dump_switches(struct sw_acc *acc)
{
	memset(acc, 0, sizeof(*acc));
	return talk(msg(nlbuf, fam, VALE_CMD_SWITCH_GET, NLM_F_DUMP), sw_cb,
		    acc);
}

/*
 * After a program: with every fd closed, every mapping gone, every child
 * reaped and every device deleted, no fuzz switch may have a live port;
 * switch-del of each must then succeed (or find nothing), and nothing may
 * be left.
 */
static void cleanup(void)
{
	struct kf_call c = { .op = KF_SW_DEL };
	struct sw_acc acc;
	int i, ret;

	barrier();
	for (i = 0; i < KF_FDS; i++) {
		do_close(&slots[i]);
		do_unmap(&slots[i]);
	}
	for (i = 0; i < KF_DEVS; i++)
		link_del((unsigned int)i);
	ret = dump_switches(&acc);
	if (ret)
		violation(-1, NULL, "switch dump: errno %d", -ret);
	else if (acc.live)
		violation(-1, NULL, "live ports left after every fd was closed (%s)",
			  acc.names);
	for (i = 0; i < KF_SWITCHES - 1; i++) {
		struct nlmsghdr *nlh = msg(nlbuf, fam, VALE_CMD_SWITCH_DEL, 0);

		mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, kf_switch_name(i));
		ret = talk(nlh, ok_cb, NULL);
		if (ret && ret != -ENOENT) {
			c.sw = (uint8_t)i;
			violation(-1, &c, "after every fd was closed: errno %d [%s]",
				  -ret, errmsg);
		}
	}
	ret = dump_switches(&acc);
	if (ret || acc.n)
		violation(-1, NULL, "switches left after switch-del: %s",
			  acc.names);
}

void kf_exec(const struct kf_prog *p, struct kf_result *r)
{
	int i;

	cur = p;
	res = r;
	memset(r, 0, sizeof(*r));
	if (kmsgfd >= 0) {
		char line[64];
		int n = snprintf(line, sizeof(line),
				 "<4>vale-kfuzz: program %" PRIu64 "\n", p->seed);

		if (write(kmsgfd, line, (size_t)n) != n && kf_slow_ms)
			printf("# /dev/kmsg: %m\n");
	} else if (kf_slow_ms) {
		printf("# no /dev/kmsg\n");
	}
	for (i = 0; i < p->ncalls; i++) {
		const struct kf_call *c = &p->call[i];

		if (c->thread) {
			enqueue(c->thread, c);
		} else {
			struct timespec a, b;
			long ms;

			clock_gettime(CLOCK_MONOTONIC, &a);
			run_call(i, c);
			clock_gettime(CLOCK_MONOTONIC, &b);
			ms = (b.tv_sec - a.tv_sec) * 1000 +
			     (b.tv_nsec - a.tv_nsec) / 1000000;
			if (kf_slow_ms && ms >= kf_slow_ms) {
				printf("# slow (%ld ms): ", ms);
				kf_print_call(stdout, "", i, c);
			}
		}
	}
	cleanup();
}
