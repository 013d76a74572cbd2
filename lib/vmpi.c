// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libvale VMPI host API (see libvale-vmpi.h).
 *
 * The host end of channel c produces on ring VMPI_RING_H2G and consumes
 * ring VMPI_RING_G2H.  The guest is not trusted: the geometry comes from
 * the daemon (never from the shared header), every shared index and
 * descriptor is loaded once and checked, the producer's accounting is
 * private, and a bad value makes the handle return -EPROTO.  The rings are
 * the guest driver's own implementation, guest-driver/vmpi_ring.c, compiled
 * into this library unchanged (lib/kcompat/ gives it the kernel's
 * accessors): one ring implementation for both ends.  Its -EIO for a peer
 * that broke the rules is -EPROTO here.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/vmpi.h>
#include "vmpi_ring.h"
#include "libvale-vmpi.h"

#define LOAD(p)		__atomic_load_n((p), __ATOMIC_RELAXED)

struct vale_vmpi {
	int ctl;		/* daemon connection: closes when the VM goes */
	int efd;		/* the guest rings this channel */
	int epfd;		/* efd + ctl */
	int gefd[VMPI_MAX_VECTORS];	/* ring the guest */
	unsigned int nvec;
	unsigned int channel;
	void *shm;
	size_t shm_len;
	struct vmpi_shm_hdr geo;
	struct vmpi_ring tx, rx;	/* H2G (we produce), G2H (we consume) */
	bool fault, reset;
};

/* ---- control connection ---------------------------------------------- */

static int ctl_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

/* One request, one response with up to maxfds descriptors. */
static int ctl_call(int fd, uint32_t op, const char *vm, unsigned int channel,
		    struct vale_vmpi_ctl_resp *resp, int *fds, int maxfds,
		    int *nfds)
{
	struct vale_vmpi_ctl_req req = {
		.version = VALE_VMPI_CTL_VERSION, .op = op, .channel = channel,
	};
	char cbuf[CMSG_SPACE(sizeof(int) * (VMPI_MAX_VECTORS + 2))];
	struct iovec iov = { .iov_base = resp, .iov_len = sizeof(*resp) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t n;

	*nfds = 0;
	if (strlen(vm) >= sizeof(req.vm))
		return -ENAMETOOLONG;
	strcpy(req.vm, vm);
	if (send(fd, &req, sizeof(req), MSG_NOSIGNAL) != sizeof(req))
		return -errno ? -errno : -EIO;
	do
		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		int i, k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k; i++) {
			int f;

			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*nfds < maxfds)
				fds[(*nfds)++] = f;
			else
				close(f);
		}
	}
	if (n != sizeof(*resp) || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		while (*nfds)
			close(fds[--*nfds]);
		return n == 0 ? -ECONNRESET : -EPROTO;
	}
	return 0;
}

int vale_vmpi_status(const char *ctl_path, const char *vm, unsigned int *gen,
		     int *guest_up)
{
	struct vale_vmpi_ctl_resp resp;
	int fd, nfds, err;

	fd = ctl_connect(ctl_path ? ctl_path : VALE_VMPI_CTL_DEFAULT);
	if (fd < 0)
		return fd;
	err = ctl_call(fd, VALE_VMPI_CTL_STATUS, vm, 0, &resp, NULL, 0, &nfds);
	close(fd);
	if (err)
		return err;
	if (resp.status)
		return resp.status;
	if (gen)
		*gen = resp.gen;
	if (guest_up)
		*guest_up = resp.guest_state == VMPI_GUEST_UP;
	return resp.connected ? 1 : 0;
}

/* The daemon's geometry is trusted, but check it all the same. */
static int geo_ok(const struct vmpi_shm_hdr *h, size_t len)
{
	return vmpi_geometry_check(h, len) ? -EPROTO : 0;
}

int vale_vmpi_open(const char *ctl_path, const char *vm, unsigned int channel,
		   struct vale_vmpi **out)
{
	struct vale_vmpi_ctl_resp resp;
	int fds[VMPI_MAX_VECTORS + 2], nfds = 0, err, i;
	struct epoll_event ev = { .events = EPOLLIN };
	struct vale_vmpi *ch;
	struct stat st;
	uint8_t *base;

	*out = NULL;
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return -ENOMEM;
	ch->efd = ch->epfd = -1;
	for (i = 0; i < VMPI_MAX_VECTORS; i++)
		ch->gefd[i] = -1;
	ch->ctl = ctl_connect(ctl_path ? ctl_path : VALE_VMPI_CTL_DEFAULT);
	if (ch->ctl < 0) {
		err = ch->ctl;
		goto fail;
	}
	err = ctl_call(ch->ctl, VALE_VMPI_CTL_OPEN, vm, channel, &resp, fds,
		       VMPI_MAX_VECTORS + 2, &nfds);
	if (err)
		goto fail;
	if (resp.status) {
		err = resp.status;
		goto fail;
	}
	memcpy(&ch->geo, resp.hdr, sizeof(ch->geo));
	err = -EPROTO;
	if (nfds < 3 || resp.nvec != (unsigned int)(nfds - 2) ||
	    resp.nvec > VMPI_MAX_VECTORS || channel >= ch->geo.nchannels)
		goto fail;
	if (fstat(fds[0], &st) < 0 || geo_ok(&ch->geo, st.st_size))
		goto fail;
	ch->shm_len = ch->geo.shm_size;
	ch->shm = mmap(NULL, ch->shm_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fds[0], 0);
	if (ch->shm == MAP_FAILED) {
		ch->shm = NULL;
		err = -errno;
		goto fail;
	}
	close(fds[0]);
	fds[0] = -1;
	ch->efd = fds[1];
	fds[1] = -1;
	ch->nvec = resp.nvec;
	for (i = 0; i < (int)ch->nvec; i++) {
		ch->gefd[i] = fds[2 + i];
		fds[2 + i] = -1;
	}
	nfds = 0;
	fcntl(ch->efd, F_SETFL, O_NONBLOCK);
	ch->channel = channel;
	base = (uint8_t *)ch->shm + ch->geo.chan_off +
	       (size_t)channel * ch->geo.chan_stride;
	vmpi_ring_init(&ch->rx, base + VMPI_RING_G2H * ch->geo.ring_stride, &ch->geo);
	vmpi_ring_init(&ch->tx, base + VMPI_RING_H2G * ch->geo.ring_stride, &ch->geo);
	ch->tx.start = calloc(ch->geo.slots, sizeof(uint32_t));
	if (!ch->tx.start) {
		err = -ENOMEM;
		goto fail;
	}
	err = vmpi_ring_adopt_producer(&ch->tx);
	if (!err)
		err = vmpi_ring_adopt_consumer(&ch->rx);
	if (err) {
		err = -EPROTO;
		goto fail;
	}
	ch->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ch->epfd < 0) {
		err = -errno;
		goto fail;
	}
	ev.data.fd = ch->efd;
	epoll_ctl(ch->epfd, EPOLL_CTL_ADD, ch->efd, &ev);
	ev.data.fd = ch->ctl;
	ev.events = EPOLLIN | EPOLLRDHUP;
	epoll_ctl(ch->epfd, EPOLL_CTL_ADD, ch->ctl, &ev);
	*out = ch;
	return 0;
fail:
	for (i = 0; i < nfds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	vale_vmpi_close(ch);
	return err;
}

void vale_vmpi_close(struct vale_vmpi *ch)
{
	unsigned int i;

	if (!ch)
		return;
	if (ch->shm)
		munmap(ch->shm, ch->shm_len);
	for (i = 0; i < VMPI_MAX_VECTORS; i++)
		if (ch->gefd[i] >= 0)
			close(ch->gefd[i]);
	if (ch->efd >= 0)
		close(ch->efd);
	if (ch->epfd >= 0)
		close(ch->epfd);
	if (ch->ctl >= 0)
		close(ch->ctl);
	free(ch->tx.start);
	free(ch);
}

/* ---- data path -------------------------------------------------------- */

void vale_vmpi_kick(struct vale_vmpi *ch)
{
	uint32_t gn = LOAD(&((struct vmpi_shm_hdr *)ch->shm)->guest_nvec);
	uint64_t one = 1;
	ssize_t n;

	/* The guest's vector count is untrusted: fall back to all we have. */
	if (!gn || gn > ch->nvec)
		gn = ch->nvec;
	n = write(ch->gefd[ch->channel % gn], &one, sizeof(one));
	(void)n;
}

void *vale_vmpi_shm(struct vale_vmpi *ch, size_t *len)
{
	if (len)
		*len = ch->shm_len;
	return ch->shm;
}

/* The daemon closes our connection when the VM goes away. */
static bool check_reset(struct vale_vmpi *ch)
{
	struct pollfd p = { .fd = ch->ctl, .events = POLLIN | POLLRDHUP };

	if (!ch->reset && poll(&p, 1, 0) > 0)
		ch->reset = true;
	return ch->reset;
}

static int fault(struct vale_vmpi *ch)
{
	ch->fault = true;
	return -EPROTO;
}

static ssize_t try_send(struct vale_vmpi *ch, const void *buf, uint32_t len)
{
	uint32_t off;
	int err;

	err = vmpi_ring_reserve_or_arm(&ch->tx, len, &off);
	if (err == -EIO)
		return fault(ch);
	if (err)
		return err;
	memcpy(ch->tx.data + off, buf, len);
	if (vmpi_ring_commit(&ch->tx, off, len))
		vale_vmpi_kick(ch);
	return len;
}

static ssize_t try_recv(struct vale_vmpi *ch, void *buf, size_t cap, bool peek)
{
	uint32_t off, len;
	int err;

	err = vmpi_ring_peek(&ch->rx, &off, &len);
	if (err == -EAGAIN) {
		vmpi_ring_arm_data(&ch->rx);
		err = vmpi_ring_peek(&ch->rx, &off, &len);
	}
	if (err == -EIO)
		return fault(ch);
	if (err)
		return err;
	if (peek)
		return len;
	if (len > cap)
		return -EMSGSIZE;
	memcpy(buf, ch->rx.data + off, len);
	if (vmpi_ring_release(&ch->rx))
		vale_vmpi_kick(ch);
	return len;
}

static void drain(struct vale_vmpi *ch)
{
	uint64_t v;

	while (read(ch->efd, &v, sizeof(v)) == sizeof(v))
		;
}

/* Sleep until the guest rings or the VM goes; -ECONNRESET for the latter. */
static int wait_event(struct vale_vmpi *ch, int timeout_ms)
{
	struct epoll_event ev[2];
	int n;

	do
		n = epoll_wait(ch->epfd, ev, 2, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	drain(ch);
	return check_reset(ch) ? -ECONNRESET : n;
}

ssize_t vale_vmpi_send(struct vale_vmpi *ch, const void *buf, size_t len,
		       int flags)
{
	ssize_t r;

	if (ch->fault)
		return -EPROTO;
	if (len > ch->geo.max_msg)
		return -EMSGSIZE;
	for (;;) {
		r = try_send(ch, buf, len);
		if (r != -EAGAIN)
			return r;
		if (check_reset(ch))
			return -ECONNRESET;
		if (flags & VALE_VMPI_NONBLOCK)
			return -EAGAIN;
		r = wait_event(ch, -1);
		if (r < 0)
			return r;
	}
}

ssize_t vale_vmpi_recv(struct vale_vmpi *ch, void *buf, size_t cap, int flags)
{
	ssize_t r;

	if (ch->fault)
		return -EPROTO;
	for (;;) {
		r = try_recv(ch, buf, cap, false);
		if (r != -EAGAIN)
			return r;
		if (check_reset(ch))
			return -ECONNRESET;
		if (flags & VALE_VMPI_NONBLOCK)
			return -EAGAIN;
		r = wait_event(ch, -1);
		if (r < 0)
			return r;
	}
}

ssize_t vale_vmpi_next_len(struct vale_vmpi *ch)
{
	if (ch->fault)
		return -EPROTO;
	return try_recv(ch, NULL, 0, true);
}

int vale_vmpi_fd(const struct vale_vmpi *ch)
{
	return ch->epfd;
}

int vale_vmpi_arm(struct vale_vmpi *ch, short events)
{
	uint32_t off, len;
	int mask = 0, err;

	drain(ch);
	if (ch->fault)
		return POLLERR;
	if (check_reset(ch))
		mask |= POLLHUP;
	if (events & POLLIN) {
		err = vmpi_ring_peek(&ch->rx, &off, &len);
		if (err == -EAGAIN) {
			vmpi_ring_arm_data(&ch->rx);
			err = vmpi_ring_peek(&ch->rx, &off, &len);
		}
		if (!err)
			mask |= POLLIN;
		else if (err == -EIO)
			return fault(ch), POLLERR;
	}
	if (events & POLLOUT) {
		err = vmpi_ring_reserve_or_arm(&ch->tx, ch->geo.max_msg, &off);
		if (!err)
			mask |= POLLOUT;
		else if (err == -EIO)
			return fault(ch), POLLERR;
	}
	return mask;
}

int vale_vmpi_poll(struct vale_vmpi *ch, short events, int timeout_ms)
{
	struct epoll_event ev[2];
	int m, n;

	for (;;) {
		m = vale_vmpi_arm(ch, events);
		if (m)
			return m;
		do
			n = epoll_wait(ch->epfd, ev, 2, timeout_ms);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
	}
}

int vale_vmpi_info(const struct vale_vmpi *ch, struct vale_vmpi_info *info)
{
	const struct vmpi_shm_hdr *h = ch->shm;

	memset(info, 0, sizeof(*info));
	info->nchannels = ch->geo.nchannels;
	info->channel = ch->channel;
	info->slots = ch->geo.slots;
	info->data_size = ch->geo.data_size;
	info->max_msg = ch->geo.max_msg;
	info->nvec = ch->nvec;
	info->shm_size = ch->shm_len;
	info->guest_up = LOAD(&h->guest_state) == VMPI_GUEST_UP;
	return 0;
}
