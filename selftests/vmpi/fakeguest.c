// SPDX-License-Identifier: GPL-2.0
/*
 * fakeguest: host-only VMPI tests.  Plays QEMU (an ivshmem-doorbell client
 * of vale-vmpi) and the guest driver in user space, against the daemon and
 * a libvale VMPI user in the same process:
 *   - the daemon speaks the ivshmem server protocol as the spec says;
 *   - a message each way between the fake guest and the host API;
 *   - a hostile guest: garbage indices, lengths, offsets and header
 *     words, with doorbells; the host API must neither crash nor hang;
 *   - QEMU going away resets the host API (-ECONNRESET) and a new QEMU
 *     gets fresh memory; junk from QEMU or on the control socket does not
 *     hurt the daemon.
 *   fakeguest --dir DIR --vm NAME        (TAP on stdout)
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/vmpi.h>
#include "libvale-vmpi.h"
#include "vmpi_test.h"

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
	unsigned long calls = 0, eproto = 0, opens = 0;
	unsigned int round, i, c;
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
			continue;
		}
		opens++;
		for (i = 0; i < 40; i++) {
			long r;

			switch (i % 5) {
			case 0: r = vale_vmpi_recv(h, b, sizeof(b), VALE_VMPI_NONBLOCK); break;
			case 1: r = vale_vmpi_send(h, b, (x + i) % 65537, VALE_VMPI_NONBLOCK); break;
			case 2: r = vale_vmpi_arm(h, POLLIN | POLLOUT); r = r & POLLERR ? -EPROTO : 0; break;
			case 3: r = vale_vmpi_next_len(h); break;
			default: r = vale_vmpi_poll(h, POLLIN | POLLOUT, 0); r = r > 0 && (r & POLLERR) ? -EPROTO : 0; break;
			}
			calls++;
			eproto += r == -EPROTO;
		}
		/* A faulted handle never blocks. */
		if (vale_vmpi_recv(h, b, sizeof(b), VALE_VMPI_NONBLOCK) == -EPROTO) {
			vale_vmpi_recv(h, b, sizeof(b), 0);
			vale_vmpi_send(h, b, 10, 0);
		}
		vale_vmpi_close(h);
	}
	alarm(0);
	vt_ok(opens > 50 && eproto > 0,
	      "hostile guest: %lu handles, %lu calls, %lu -EPROTO, no crash, no hang (%.1fs)",
	      opens, calls, eproto, vt_now() - t0);
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
	if (err) {
		printf("1..%d\n", vt_n);
		return 1;
	}
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
	usleep(20000);

	t_good(&f, "first QEMU");
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
	}

	/* Junk from "QEMU" and on the control socket. */
	usleep(50000);
	fd = connect_unix(sock_path, SOCK_STREAM);
	memset(junk, 0xa5, sizeof(junk));
	if (fd >= 0 && write(fd, junk, sizeof(junk)) < 0)
		perror("write");
	usleep(50000);
	close(fd);
	fd = connect_unix(ctl_path, SOCK_SEQPACKET);
	if (fd >= 0) {
		if (write(fd, junk, 7) < 0 || write(fd, junk, sizeof(junk)) < 0)
			perror("write");
		usleep(50000);
		close(fd);
	}
	usleep(50000);
	err = fake_connect(&g);
	vt_ok(!err && vale_vmpi_status(ctl_path, vm, NULL, NULL) == 1,
	      "daemon fine after junk from QEMU and on the control socket");
	if (!err)
		fake_close(&g);
	printf("1..%d\n", vt_n);
	return vt_failed ? 1 : 0;
}
