// SPDX-License-Identifier: GPL-2.0
/*
 * fakeguest: host-only VMPI tests.  Plays QEMU (an ivshmem-doorbell client
 * of vale-vmpi) and the guest driver in user space, against the daemon and
 * a libvale VMPI user in the same process:
 *   - the daemon speaks the ivshmem server protocol as the spec says;
 *   - a message each way between the fake guest and the host API;
 *   - a hostile guest, case by case (prod beyond a ring or backwards,
 *     cons past prod or backwards, descriptors out of bounds, a broken
 *     ring at open, garbage header words): each gives -EPROTO where the
 *     rule is broken, the fault stays until the channel is opened again,
 *     and the header never changes the geometry; then garbage at random,
 *     where every call must return one of its documented results;
 *   - QEMU going away resets the host API (-ECONNRESET) and a new QEMU
 *     gets fresh memory;
 *   - junk on the control socket: each request gets its own error
 *     (-EPROTO, -EOPNOTSUPP, -EALREADY); junk from "QEMU" ends that
 *     instance; the daemon serves the next one.
 *   fakeguest --dir DIR --vm NAME        (TAP on stdout, plan first)
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/vmpi.h>
#include "libvale-vmpi.h"
#include "vmpi_test.h"

/* The number of results main() prints. */
#define PLAN	28

static char sock_path[108], ctl_path[108];
static const char *vm = "h";

struct fake {
	int fd;
	int memfd;
	uint8_t *shm;
	size_t len;
	struct vmpi_shm_hdr *h;
	struct vmpi_shm_hdr geo;	/* our copy: the header is writable */
	int host_efd[VMPI_MAX_CHANNELS];	/* we "ring" the host here */
	int nhost;
	int guest_efd[VMPI_MAX_VECTORS];	/* the host rings us here */
	int nvec;
	int64_t version, id;
};

static int connect_unix(const char *p, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type, 0);

	strcpy(sa.sun_path, p);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One server message: 8 bytes little-endian, maybe an fd. */
static int recv_msg(int fd, int64_t *val, int *pfd, int ms)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = val, .iov_len = sizeof(*val) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct cmsghdr *c;

	*pfd = -1;
	if (poll(&p, 1, ms) <= 0)
		return -ETIMEDOUT;
	if (recvmsg(fd, &msg, 0) != sizeof(*val))
		return -EPROTO;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_type == SCM_RIGHTS)
			memcpy(pfd, CMSG_DATA(c), sizeof(int));
	return 0;
}

static int fake_connect(struct fake *f)
{
	int64_t v;
	int fd, i, want;
	struct stat st;

	memset(f, 0, sizeof(*f));
	f->fd = connect_unix(sock_path, SOCK_STREAM);
	if (f->fd < 0)
		return -1;
	if (recv_msg(f->fd, &f->version, &fd, 2000) || fd >= 0)
		return -2;
	if (recv_msg(f->fd, &f->id, &fd, 2000) || fd >= 0)
		return -3;
	if (recv_msg(f->fd, &v, &f->memfd, 2000) || v != -1 || f->memfd < 0)
		return -4;
	if (fstat(f->memfd, &st) || (st.st_size & (st.st_size - 1)))
		return -5;
	f->len = st.st_size;
	f->shm = mmap(NULL, f->len, PROT_READ | PROT_WRITE, MAP_SHARED, f->memfd, 0);
	if (f->shm == MAP_FAILED)
		return -6;
	f->h = (void *)f->shm;
	f->geo = *f->h;
	want = f->geo.nchannels + f->geo.host_nvec;
	for (i = 0; i < want; i++) {
		if (recv_msg(f->fd, &v, &fd, 2000) || fd < 0)
			return -7;
		if (v == VMPI_HOST_PEER_ID(f->nhost) && f->nhost < (int)f->geo.nchannels)
			f->host_efd[f->nhost++] = fd;
		else if (v == f->id && f->nvec < VMPI_MAX_VECTORS)
			f->guest_efd[f->nvec++] = fd;
		else
			return -8;
	}
	/* As the guest driver would. */
	f->h->guest_nvec = f->nvec;
	f->h->guest_state = VMPI_GUEST_UP;
	return 0;
}

static void fake_close(struct fake *f)
{
	int i;

	for (i = 0; i < f->nhost; i++)
		close(f->host_efd[i]);
	for (i = 0; i < f->nvec; i++)
		close(f->guest_efd[i]);
	if (f->shm && f->shm != MAP_FAILED)
		munmap(f->shm, f->len);
	close(f->memfd);
	close(f->fd);
}

static struct vmpi_ring_ctl *ring(struct fake *f, unsigned int c, unsigned int r)
{
	return (void *)(f->shm + f->geo.chan_off + (size_t)c * f->geo.chan_stride +
			(size_t)r * f->geo.ring_stride);
}

static void ring_host(struct fake *f, unsigned int c)
{
	uint64_t one = 1;

	if (write(f->host_efd[c], &one, sizeof(one)) < 0)
		perror("eventfd");
}

/* Guest side of a good message on channel c. */
static void guest_send(struct fake *f, unsigned int c, const void *buf, uint32_t len)
{
	struct vmpi_ring_ctl *g2h = ring(f, c, VMPI_RING_G2H);
	struct vmpi_desc *d = (void *)((uint8_t *)g2h + f->geo.desc_off);
	uint8_t *data = (uint8_t *)g2h + f->geo.data_off;
	uint32_t p = g2h->prod;

	memcpy(data, buf, len);
	d[p & (f->geo.slots - 1)].off = 0;
	d[p & (f->geo.slots - 1)].len = len;
	__atomic_store_n(&g2h->prod, p + 1, __ATOMIC_RELEASE);
	ring_host(f, c);
}

static long guest_recv(struct fake *f, unsigned int c, void *buf)
{
	struct vmpi_ring_ctl *h2g = ring(f, c, VMPI_RING_H2G);
	struct vmpi_desc *d = (void *)((uint8_t *)h2g + f->geo.desc_off);
	uint8_t *data = (uint8_t *)h2g + f->geo.data_off;
	uint32_t cons = h2g->cons;
	struct vmpi_desc x;

	if (__atomic_load_n(&h2g->prod, __ATOMIC_ACQUIRE) == cons)
		return -EAGAIN;
	x = d[cons & (f->geo.slots - 1)];
	memcpy(buf, data + x.off, x.len);
	__atomic_store_n(&h2g->cons, cons + 1, __ATOMIC_RELEASE);
	return x.len;
}

static int open_retry(unsigned int c, struct vale_vmpi **h)
{
	int err = -1, i;

	for (i = 0; i < 200; i++) {
		err = vale_vmpi_open(ctl_path, vm, c, h);
		if (err != -EBUSY && err != -ENOTCONN)
			break;
		usleep(10000);
	}
	return err;
}

static void t_good(struct fake *f, const char *when)
{
	struct vale_vmpi *h = NULL;
	static uint8_t b[70000];
	int err = open_retry(0, &h);
	long n;
	int good;

	vt_fill(b, 3, 0, 4000);
	guest_send(f, 0, b, 4000);
	memset(b, 0, sizeof(b));
	n = err ? err : vale_vmpi_recv(h, b, sizeof(b), 0);
	good = vt_check(b, n, 4000, 3, 0) == 0;
	vt_fill(b, 4, 0, 65536);
	n = err ? err : vale_vmpi_send(h, b, 65536, 0);
	memset(b, 0, sizeof(b));
	n = guest_recv(f, 0, b);
	good &= vt_check(b, n, 65536, 4, 0) == 0;
	vt_ok(!err && good, "%s: one message each way between fake guest and host API", when);
	vale_vmpi_close(h);
}

static void t_hostile(struct fake *f)
{
	static uint8_t b[70000];
	uint32_t x = 99, *w;
	unsigned long calls = 0, eproto = 0, opens = 0, faulted = 0;
	unsigned int round, i, c, bad = 0;
	struct vale_vmpi *h;
	int err;
	double t0 = vt_now();

	alarm(60);
	for (round = 0; round < 300; round++) {
		c = round % f->geo.nchannels;
		/* Every other round starts from sane rings with a few bad words. */
		if (round % 2 == 0) {
			memset(ring(f, c, VMPI_RING_G2H), 0, sizeof(struct vmpi_ring_ctl));
			memset(ring(f, c, VMPI_RING_H2G), 0, sizeof(struct vmpi_ring_ctl));
		}
		/* Guest-writable words: g2h producer line, descriptors, h2g consumer line. */
		for (i = 0; i < (round % 2 ? 32u : 2u); i++) {
			struct vmpi_ring_ctl *g2h = ring(f, c, VMPI_RING_G2H);
			struct vmpi_ring_ctl *h2g = ring(f, c, VMPI_RING_H2G);
			struct vmpi_desc *d = (void *)((uint8_t *)g2h + f->geo.desc_off);

			x = vt_rng(x);
			switch (x % 9) {
			case 0: g2h->prod = vt_rng(x); break;
			case 1: g2h->prod = g2h->cons + x % (2 * f->geo.slots); break;
			case 2: d[x % f->geo.slots].off = vt_rng(x + 1); break;
			case 3: d[x % f->geo.slots].len = vt_rng(x + 2); break;
			case 4: d[x % f->geo.slots].len = f->geo.data_size - (x & 0xff); break;
			case 5: h2g->cons = vt_rng(x); break;
			case 6: h2g->cons = h2g->prod - (x & 3); h2g->data_event = x; break;
			case 7: g2h->room_event = x; break;
			case 8: f->h->guest_nvec = vt_rng(x); break;
			}
		}
		/* Host-written header words too (a guest can write anything). */
		w = (uint32_t *)f->h;
		w[vt_rng(x) % 16] = vt_rng(x + 5);
		ring_host(f, c);
		err = open_retry(c, &h);
		if (err) {
			calls++;
			eproto += err == -EPROTO;
			if (err != -EPROTO && bad++ < 5)
				printf("# round %u: open %d\n", round, err);
			continue;
		}
		opens++;
		for (i = 0; i < 40; i++) {
			long r, len = (x + i) % 65537;
			bool good;

			/*
			 * Every result must be one the API documents for a
			 * connected VM: data, -EAGAIN or -EPROTO (the buffer
			 * takes any max_msg message, len <= max_msg).
			 */
			switch (i % 5) {
			case 0:
				r = vale_vmpi_recv(h, b, sizeof(b), VALE_VMPI_NONBLOCK);
				good = r >= 0 || r == -EAGAIN || r == -EPROTO;
				break;
			case 1:
				r = vale_vmpi_send(h, b, len, VALE_VMPI_NONBLOCK);
				good = r == len || r == -EAGAIN || r == -EPROTO;
				break;
			case 2:
				r = vale_vmpi_arm(h, POLLIN | POLLOUT);
				good = r >= 0 && !(r & ~(POLLIN | POLLOUT | POLLERR));
				r = r & POLLERR ? -EPROTO : 0;
				break;
			case 3:
				r = vale_vmpi_next_len(h);
				good = (r >= 0 && r <= 65536) || r == -EAGAIN || r == -EPROTO;
				break;
			default:
				r = vale_vmpi_poll(h, POLLIN | POLLOUT, 0);
				good = r >= 0 && !(r & ~(POLLIN | POLLOUT | POLLERR));
				r = r > 0 && (r & POLLERR) ? -EPROTO : 0;
				break;
			}
			calls++;
			eproto += r == -EPROTO;
			if (!good && bad++ < 5)
				printf("# round %u call %u: %ld\n", round, i, r);
		}
		/* A faulted handle never blocks: even blocking calls fail. */
		if (vale_vmpi_recv(h, b, sizeof(b), VALE_VMPI_NONBLOCK) == -EPROTO) {
			faulted++;
			if (vale_vmpi_recv(h, b, sizeof(b), 0) != -EPROTO ||
			    vale_vmpi_send(h, b, 10, 0) != -EPROTO) {
				if (bad++ < 5)
					printf("# round %u: faulted handle not sticky\n", round);
			}
		}
		vale_vmpi_close(h);
	}
	alarm(0);
	vt_ok(opens > 50 && eproto > 0 && faulted > 0 && !bad,
	      "hostile guest at random: %lu handles, %lu calls, %lu -EPROTO, %lu faulted handles, %u unexpected results, no hang (%.1fs)",
	      opens, calls, eproto, faulted, bad, vt_now() - t0);
}

/* Both rings of channel c empty at 0, as the daemon lays them out. */
static void chan_reset(struct fake *f, unsigned int c)
{
	struct vmpi_ring_ctl *g2h = ring(f, c, VMPI_RING_G2H);
	struct vmpi_ring_ctl *h2g = ring(f, c, VMPI_RING_H2G);

	memset(g2h, 0, sizeof(*g2h));
	memset(h2g, 0, sizeof(*h2g));
	g2h->room_event = h2g->room_event = (uint32_t)-1;
}

static struct vmpi_desc *g2h_desc(struct fake *f, unsigned int c, uint32_t i)
{
	struct vmpi_ring_ctl *g2h = ring(f, c, VMPI_RING_G2H);

	return (struct vmpi_desc *)((uint8_t *)g2h + f->geo.desc_off) +
	       (i & (f->geo.slots - 1));
}

/*
 * A faulted handle: every call says -EPROTO (or POLLERR), also once the
 * rings are sane again, and blocking calls do not block.
 */
static bool sticky(struct vale_vmpi *h)
{
	static uint8_t b[100];
	long r[6];

	r[0] = vale_vmpi_recv(h, b, sizeof(b), VALE_VMPI_NONBLOCK);
	r[1] = vale_vmpi_recv(h, b, sizeof(b), 0);
	r[2] = vale_vmpi_send(h, b, 10, 0);
	r[3] = vale_vmpi_next_len(h);
	r[4] = vale_vmpi_arm(h, POLLIN | POLLOUT);
	r[5] = vale_vmpi_poll(h, POLLIN | POLLOUT, 1000);
	if (r[0] == -EPROTO && r[1] == -EPROTO && r[2] == -EPROTO &&
	    r[3] == -EPROTO && r[4] == POLLERR && r[5] == POLLERR)
		return true;
	printf("# faulted handle: recv %ld/%ld send %ld next_len %ld arm %#lx poll %#lx\n",
	       r[0], r[1], r[2], r[3], r[4], r[5]);
	return false;
}

/*
 * One rule at a time, on channel c: the guest breaks it, the host API's
 * next call must be -EPROTO (not a crash, a hang, garbage or -EAGAIN).
 */
static void t_rules(struct fake *f, unsigned int c)
{
	static uint8_t b[70000];
	struct vmpi_ring_ctl *g2h = ring(f, c, VMPI_RING_G2H);
	struct vmpi_ring_ctl *h2g = ring(f, c, VMPI_RING_H2G);
	uint32_t slots = f->geo.slots, dsz = f->geo.data_size;
	struct vmpi_shm_hdr save;
	struct vale_vmpi *h = NULL;
	long r, r2, r3;
	int err, good;
	unsigned int i;

	alarm(30);
	/* prod more than a ring ahead of cons */
	chan_reset(f, c);
	err = open_retry(c, &h);
	g2h->prod = slots + 1;
	ring_host(f, c);
	r = err ? err : vale_vmpi_recv(h, b, sizeof(b), VALE_VMPI_NONBLOCK);
	vt_ok(r == -EPROTO, "guest prod a ring ahead of cons: recv -EPROTO (%ld)", r);
	chan_reset(f, c);
	vt_ok(!err && sticky(h),
	      "... and the handle stays faulted once the rings are sane: recv, send, next_len -EPROTO, arm and poll POLLERR");
	vale_vmpi_close(h);

	/* prod moving backwards, still within a ring of cons */
	chan_reset(f, c);
	err = open_retry(c, &h);
	for (i = 0; i < 3; i++)
		guest_send(f, c, b, 100);
	r = err ? err : vale_vmpi_recv(h, b, sizeof(b), 0);
	g2h->prod = 2;
	r2 = err ? err : vale_vmpi_recv(h, b, sizeof(b), VALE_VMPI_NONBLOCK);
	vt_ok(r == 100 && r2 == -EPROTO,
	      "guest prod moving backwards (3 -> 2, cons 1): recv -EPROTO (%ld, %ld)", r, r2);
	vale_vmpi_close(h);

	/* descriptors: too long, past the end, wrapping at 2^32 */
	{
		good = 1;
		for (i = 0; i < 4; i++) {
			struct vmpi_desc *d;

			chan_reset(f, c);
			err = open_retry(c, &h);
			d = g2h_desc(f, c, 0);
			switch (i) {
			case 0: d->off = 0; d->len = f->geo.max_msg + 1; break;
			case 1: d->off = dsz - 8; d->len = 16; break;
			case 2: d->off = dsz + 8; d->len = 0; break;
			case 3: d->off = 0xfffffff8u; d->len = 16; break;	/* off + len wraps */
			}
			__atomic_store_n(&g2h->prod, 1, __ATOMIC_RELEASE);
			ring_host(f, c);
			r = err ? err : vale_vmpi_next_len(h);
			r2 = err ? err : vale_vmpi_recv(h, b, sizeof(b), VALE_VMPI_NONBLOCK);
			if (r != -EPROTO || r2 != -EPROTO) {
				printf("# descriptor case %u (off %u len %u): next_len %ld recv %ld\n",
				       i, d->off, d->len, r, r2);
				good = 0;
			}
			vale_vmpi_close(h);
		}
		vt_ok(good, "bad descriptors (len > max_msg, end past the data area, off past it, off + len wrapping): next_len and recv -EPROTO");
	}

	/* cons past the host's prod */
	chan_reset(f, c);
	err = open_retry(c, &h);
	h2g->cons = 1;
	r = err ? err : vale_vmpi_send(h, b, 10, VALE_VMPI_NONBLOCK);
	vt_ok(r == -EPROTO, "guest cons past the host's prod: send -EPROTO (%ld)", r);
	vale_vmpi_close(h);

	/* cons moving backwards */
	chan_reset(f, c);
	err = open_retry(c, &h);
	r = err ? err : vale_vmpi_send(h, b, 10, 0);
	guest_recv(f, c, b);
	r2 = err ? err : vale_vmpi_send(h, b, 10, 0);	/* sees cons 1 */
	h2g->cons = 0;
	r3 = err ? err : vale_vmpi_send(h, b, 10, VALE_VMPI_NONBLOCK);
	vt_ok(r == 10 && r2 == 10 && r3 == -EPROTO,
	      "guest cons moving backwards (1 -> 0): send -EPROTO (%ld, %ld, %ld)", r, r2, r3);
	vale_vmpi_close(h);

	/* broken rings at open: prod beyond a ring; a bad descriptor in flight */
	chan_reset(f, c);
	g2h->prod = slots + 1;
	err = open_retry(c, &h);
	vale_vmpi_close(h);
	chan_reset(f, c);
	h2g->prod = 1;
	((struct vmpi_desc *)((uint8_t *)h2g + f->geo.desc_off))[0] =
		(struct vmpi_desc){ .off = dsz, .len = 8 };
	r = open_retry(c, &h);
	vale_vmpi_close(h);
	vt_ok(err == -EPROTO && r == -EPROTO,
	      "open on a broken ring is -EPROTO: guest prod beyond a ring (%d), bad descriptor in flight (%ld)",
	      err, r);

	/* every header word garbage: the API keeps the daemon's geometry */
	chan_reset(f, c);
	save = *f->h;
	for (i = 0; i < sizeof(save) / 4; i++)
		((uint32_t *)f->h)[i] = vt_rng(0x1234 + i);
	err = open_retry(c, &h);
	vt_fill(b, 6, 0, 3000);
	guest_send(f, c, b, 3000);
	r = err ? err : vale_vmpi_recv(h, b, sizeof(b), 0);
	good = vt_check(b, r, 3000, 6, 0) == 0;
	vt_fill(b, 7, 0, 65536);
	r = err ? err : vale_vmpi_send(h, b, 65536, 0);
	memset(b, 0, sizeof(b));
	r = guest_recv(f, c, b);
	good &= vt_check(b, r, 65536, 7, 0) == 0;
	*f->h = save;
	vt_ok(!err && good,
	      "every header word garbage (magic too): open and a message each way work, geometry from the daemon (%d)",
	      err);
	vale_vmpi_close(h);

	/* and the channel is fine once opened again on sane rings */
	chan_reset(f, c);
	err = open_retry(c, &h);
	vt_fill(b, 8, 0, 500);
	guest_send(f, c, b, 500);
	r = err ? err : vale_vmpi_recv(h, b, sizeof(b), 0);
	r2 = err ? err : vale_vmpi_recv(h, b, sizeof(b), VALE_VMPI_NONBLOCK);
	vt_ok(vt_check(b, r, 500, 8, 0) == 0 && r2 == -EAGAIN,
	      "opened again on sane rings: a message, then -EAGAIN (%ld)", r2);
	vale_vmpi_close(h);
	alarm(0);
}

/*
 * One raw control request (len bytes of req, nfd fds attached); the
 * daemon's status, or a negative errno of our own side plus -1000.
 */
static int ctl_raw(int fd, const void *req, size_t len, int nfd)
{
	char cbuf[CMSG_SPACE(3 * sizeof(int))];
	struct iovec iov = { .iov_base = (void *)req, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct vale_vmpi_ctl_resp resp;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int fds[3], i, own = fd < 0;
	ssize_t n;

	if (own)
		fd = p.fd = connect_unix(ctl_path, SOCK_SEQPACKET);
	if (fd < 0)
		return -1000 - errno;
	if (nfd) {
		struct cmsghdr *cm;

		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = CMSG_SPACE(nfd * sizeof(int));
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(nfd * sizeof(int));
		for (i = 0; i < nfd; i++)
			fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		memcpy(CMSG_DATA(cm), fds, nfd * sizeof(int));
	}
	n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	for (i = 0; i < nfd; i++)
		close(fds[i]);
	if (n != (ssize_t)len) {
		n = -1000 - errno;
		goto out;
	}
	if (poll(&p, 1, 2000) != 1) {
		n = -1000 - ETIMEDOUT;
		goto out;
	}
	n = recv(fd, &resp, sizeof(resp), 0);
	n = n == sizeof(resp) ? resp.status : -1000 - EPROTO;
out:
	if (own)
		close(fd);
	return n;
}

/* Junk on the control socket: each request its own error, no reply lost. */
static void t_ctl_junk(void)
{
	struct vale_vmpi_ctl_req req = {
		.version = VALE_VMPI_CTL_VERSION, .op = VALE_VMPI_CTL_STATUS,
	};
	static char junk[200];
	int r, r2, fd;

	snprintf(req.vm, sizeof(req.vm), "%s", vm);
	memset(junk, 0xa5, sizeof(junk));
	r = ctl_raw(-1, junk, 7, 0);
	r2 = ctl_raw(-1, junk, sizeof(junk), 0);
	vt_ok(r == -EPROTO && r2 == -EPROTO,
	      "control: a short request and 200 bytes of junk are -EPROTO (%d, %d)", r, r2);
	req.version = 99;
	r = ctl_raw(-1, &req, sizeof(req), 0);
	req.version = VALE_VMPI_CTL_VERSION;
	memset(req.vm, 'x', sizeof(req.vm));
	r2 = ctl_raw(-1, &req, sizeof(req), 0);
	snprintf(req.vm, sizeof(req.vm), "%s", vm);
	vt_ok(r == -EPROTO && r2 == -EPROTO,
	      "control: another version and a VM name without NUL are -EPROTO (%d, %d)", r, r2);
	req.op = 77;
	r = ctl_raw(-1, &req, sizeof(req), 0);
	vt_ok(r == -EOPNOTSUPP, "control: an unknown operation is -EOPNOTSUPP (%d)", r);
	req.op = VALE_VMPI_CTL_STATUS;
	r = ctl_raw(-1, &req, sizeof(req), 3);
	vt_ok(r == 0, "control: a request with 3 fds attached is answered (%d)", r);
	/* one channel per connection */
	req.op = VALE_VMPI_CTL_OPEN;
	req.channel = 2;
	fd = connect_unix(ctl_path, SOCK_SEQPACKET);
	r = ctl_raw(fd, &req, sizeof(req), 0);
	req.channel = 3;
	r2 = ctl_raw(fd, &req, sizeof(req), 0);
	if (fd >= 0)
		close(fd);
	vt_ok(r == 0 && r2 == -EALREADY,
	      "control: a second OPEN on one connection is -EALREADY (%d, %d)", r, r2);
}

/*
 * Junk from "QEMU" (it never talks): the daemon ends that instance and
 * closes the connection after its setup messages.
 */
static void t_qemu_junk(void)
{
	char junk[64], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = junk, .iov_len = sizeof(junk) };
	struct msghdr msg;
	struct pollfd p;
	unsigned int gen0 = 0, gen1 = 0;
	int fd, st0, st1 = -1, eof = 0, msgs = 0, up;
	double end;
	struct cmsghdr *cm;

	st0 = vale_vmpi_status(ctl_path, vm, &gen0, &up);
	fd = connect_unix(sock_path, SOCK_STREAM);
	memset(junk, 0xa5, sizeof(junk));
	if (fd >= 0 && write(fd, junk, sizeof(junk)) < 0)
		perror("write");
	end = vt_now() + 5;
	while (fd >= 0 && !eof && vt_now() < end) {
		ssize_t n;

		p = (struct pollfd){ .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 500) != 1)
			continue;
		msg = (struct msghdr){ .msg_iov = &iov, .msg_iovlen = 1,
				       .msg_control = cbuf,
				       .msg_controllen = sizeof(cbuf) };
		n = recvmsg(fd, &msg, 0);
		if (n <= 0) {
			eof = n == 0;
			break;
		}
		msgs++;
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
			if (cm->cmsg_type == SCM_RIGHTS) {
				int x;

				memcpy(&x, CMSG_DATA(cm), sizeof(x));
				close(x);
			}
	}
	if (fd >= 0)
		close(fd);
	usleep(50000);
	st1 = vale_vmpi_status(ctl_path, vm, &gen1, &up);
	vt_ok(st0 == 0 && eof && msgs > 0 && st1 == 0 && gen1 == gen0 + 1,
	      "junk from QEMU: the daemon ends that instance (closed after %d setup messages; status %d -> %d, gen %u -> %u)",
	      msgs, st0, st1, gen0, gen1);
}

static void on_alarm(int sig)
{
	(void)sig;
	printf("not ok - hung (alarm)\n");
	fflush(stdout);
	_exit(1);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "vm", required_argument, NULL, 'm' },
		{ }
	};
	const char *dir = "/run/vale";
	struct fake f, g;
	struct vale_vmpi *h;
	unsigned int gen0 = 0, gen1 = 0;
	int o, err, up = 0, fd;
	ssize_t r;
	char junk[64];

	while ((o = getopt_long(argc, argv, "d:m:", lopts, NULL)) != -1) {
		if (o == 'd')
			dir = optarg;
		else if (o == 'm')
			vm = optarg;
		else
			return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..%d\n", PLAN);
	signal(SIGALRM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	snprintf(sock_path, sizeof(sock_path), "%s/%s-vmpi.sock", dir, vm);
	snprintf(ctl_path, sizeof(ctl_path), "%s/vmpi.ctl", dir);

	vt_ok(vale_vmpi_status(ctl_path, vm, &gen0, &up) == 0,
	      "status: VM known, no QEMU yet");
	err = vale_vmpi_open(ctl_path, vm, 0, &h);
	vt_ok(err == -ENOTCONN, "open without QEMU is -ENOTCONN (%d)", err);
	err = fake_connect(&f);
	vt_ok(!err && f.version == 0 && f.id == VMPI_GUEST_PEER_ID &&
	      f.nhost == (int)f.h->nchannels && f.nvec == (int)f.h->host_nvec &&
	      f.h->magic == VMPI_MAGIC,
	      "ivshmem protocol: version 0, id 0, memfd %zu KiB, %d host peers, %d vectors (%d)",
	      f.len >> 10, f.nhost, f.nvec, err);
	if (err)
		return 1;
	fd = connect_unix(sock_path, SOCK_STREAM);
	vt_ok(fd >= 0 && recv(fd, junk, sizeof(junk), 0) == 0,
	      "a second QEMU on the same VM is refused");
	close(fd);
	vt_ok(vale_vmpi_status(ctl_path, vm, &gen1, &up) == 1 && gen1 == gen0 + 1 && up,
	      "status: QEMU connected, guest up");
	err = vale_vmpi_open(ctl_path, vm, 0, &h);
	vt_ok(!err && vale_vmpi_open(ctl_path, vm, 0, &(struct vale_vmpi *){ NULL }) == -EBUSY,
	      "a channel has one host user at a time (-EBUSY)");
	vale_vmpi_close(h);
	vt_ok(vale_vmpi_open(ctl_path, vm, 999, &h) == -EINVAL &&
	      vale_vmpi_open(ctl_path, "nosuchvm", 0, &h) == -ENOENT,
	      "bad channel -EINVAL, unknown VM -ENOENT");
	t_ctl_junk();
	usleep(20000);

	t_good(&f, "first QEMU");
	t_rules(&f, 1);
	t_hostile(&f);

	/* QEMU goes away under a blocked reader. */
	memset(ring(&f, 1, VMPI_RING_G2H), 0, sizeof(struct vmpi_ring_ctl));
	memset(ring(&f, 1, VMPI_RING_H2G), 0, sizeof(struct vmpi_ring_ctl));
	err = open_retry(1, &h);
	alarm(20);
	if (!err) {
		fake_close(&f);
		r = vale_vmpi_recv(h, junk, sizeof(junk), 0);
		vt_ok(r == -ECONNRESET, "QEMU gone: blocked host reader gets -ECONNRESET (%zd)", r);
		vale_vmpi_close(h);
	} else {
		vt_ok(0, "open channel 1 (%d)", err);
		fake_close(&f);
	}
	alarm(0);
	usleep(50000);
	err = fake_connect(&g);
	vt_ok(!err && g.h->magic == VMPI_MAGIC && g.h->guest_gen == 0,
	      "next QEMU gets fresh shared memory (%d)", err);
	if (!err) {
		t_good(&g, "second QEMU");
		fake_close(&g);
	} else {
		vt_ok(0, "second QEMU: one message each way (not connected)");
	}

	/* Junk from "QEMU" (the control socket had its own above). */
	usleep(50000);
	t_qemu_junk();
	err = fake_connect(&g);
	if (!err)
		t_good(&g, "after the junk, the next QEMU");
	else
		vt_ok(0, "after the junk, the next QEMU connects (%d)", err);
	if (!err)
		fake_close(&g);
	return vt_failed || vt_n != PLAN ? 1 : 0;
}
