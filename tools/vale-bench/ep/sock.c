// SPDX-License-Identifier: GPL-2.0
/*
 * Socket plumbing shared by the udp, mmsg, raw, raw-mmsg and ring APIs.
 *
 * Who binds where: send and client own --src and talk to --dst; recv and
 * server own --dst.  A UDP server answers the last address it heard from.
 * An AF_PACKET socket that receives takes only IPv4 and ignores the
 * frames it sent itself (PACKET_IGNORE_OUTGOING).
 *
 * A send error that means "this frame is lost" (ENOBUFS: the device queue
 * is full, qdisc bypassed; ECONNREFUSED: nobody listens yet) counts the
 * frame in e->dropped and goes on; EAGAIN means no room now.
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sock.h"

static int fail(struct ep *e, const char *what)
{
	snprintf(e->msg, sizeof(e->msg), "%s: %s", what, strerror(errno));
	return errno == EPERM || errno == EAFNOSUPPORT ? EP_EXIT_UNAVAIL :
							 EP_EXIT_RUNTIME;
}

static struct sock_ep *sock_new(struct ep *e, bool udp)
{
	struct sock_ep *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->fd = -1;
	s->udp = udp;
	s->off = udp ? EP_HDR_LEN : 0;
	s->bufs = malloc((size_t)EP_RX_BATCH * EP_MAX_SIZE);
	if (!s->bufs) {
		free(s);
		return NULL;
	}
	e->priv = s;
	return s;
}

static struct sockaddr_in sin_of(const struct ep_addr *a)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr.s_addr = htonl(a->ip);
	sin.sin_port = htons(a->port);
	return sin;
}

/*
 * Socket buffers of 8 MiB, past net.core.[rw]mem_max when we may (root),
 * so that a receiver that falls briefly behind loses nothing to them.
 */
static void big_buffers(int fd)
{
	int big = 8 << 20;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
}

int sock_open_udp(struct ep *e)
{
	const struct ep_opts *o = e->o;
	bool active = o->role == EP_SEND || o->role == EP_CLIENT;
	struct sockaddr_in me = sin_of(active ? &o->src : &o->dst);
	struct sockaddr_in peer = sin_of(&o->dst);
	struct sock_ep *s = sock_new(e, true);

	if (!s)
		return EP_EXIT_RUNTIME;
	s->fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (s->fd < 0)
		return fail(e, "socket(AF_INET, SOCK_DGRAM)");
	big_buffers(s->fd);
	if (o->dev && setsockopt(s->fd, SOL_SOCKET, SO_BINDTODEVICE, o->dev,
				 strlen(o->dev) + 1))
		return fail(e, "SO_BINDTODEVICE");
	if (bind(s->fd, (struct sockaddr *)&me, sizeof(me)))
		return fail(e, "bind");
	if (active && connect(s->fd, (struct sockaddr *)&peer, sizeof(peer)))
		return fail(e, "connect");
	s->reply = !active;
	return 0;
}

int sock_open_packet(struct ep *e, bool qdisc_bypass)
{
	const struct ep_opts *o = e->o;
	bool rx = o->role != EP_SEND;
	struct sock_ep *s = sock_new(e, false);
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int one = 1;

	if (!s)
		return EP_EXIT_RUNTIME;
	sll.sll_ifindex = if_nametoindex(o->dev);
	if (!sll.sll_ifindex)
		return fail(e, o->dev);
	sll.sll_protocol = rx ? htons(ETH_P_IP) : 0;
	s->fd = socket(AF_PACKET, SOCK_RAW, sll.sll_protocol);
	if (s->fd < 0)
		return fail(e, "socket(AF_PACKET)");
	big_buffers(s->fd);
	if (rx && setsockopt(s->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
			     sizeof(one)))
		return fail(e, "PACKET_IGNORE_OUTGOING");
	if (qdisc_bypass && setsockopt(s->fd, SOL_PACKET, PACKET_QDISC_BYPASS,
				       &one, sizeof(one)))
		return fail(e, "PACKET_QDISC_BYPASS");
	if (bind(s->fd, (struct sockaddr *)&sll, sizeof(sll)))
		return fail(e, "bind");
	return 0;
}

void sock_close(struct ep *e)
{
	struct sock_ep *s = e->priv;

	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s->bufs);
	free(s);
	e->priv = NULL;
}

/* 1 when ready, 0 on timeout or signal, -errno. */
int sock_wait(struct ep *e, short events, int ms)
{
	struct sock_ep *s = e->priv;
	struct pollfd pfd = { .fd = s->fd, .events = events };
	int n = poll(&pfd, 1, ms);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	return n;
}

int sock_wait_tx(struct ep *e, int ms)
{
	int n = ms ? sock_wait(e, POLLOUT, ms) : 0;

	return n < 0 ? n : 0;
}

/* How a send error is taken: 1 the frame is lost, 0 retry later. */
static int send_error(struct ep *e, int err)
{
	if (err == ENOBUFS || err == ECONNREFUSED) {
		e->dropped++;
		return 1;
	}
	if (err == EAGAIN || err == EINTR)
		return 0;
	return -err;
}

static struct msghdr msg_of(struct sock_ep *s, struct iovec *iov)
{
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 1 };

	if (s->reply) {
		m.msg_name = &s->peer;
		m.msg_namelen = sizeof(s->peer);
	}
	return m;
}

int sock_send1(struct ep *e, struct ep_pkt *p, unsigned int n)
{
	struct sock_ep *s = e->priv;
	unsigned int i;
	int r;

	for (i = 0; i < n; i++) {
		struct iovec iov = { p[i].data + s->off, p[i].len - s->off };
		struct msghdr m = msg_of(s, &iov);

		if (sendmsg(s->fd, &m, MSG_DONTWAIT) >= 0)
			continue;
		r = send_error(e, errno);
		if (r <= 0)
			return r < 0 ? r : (int)i;
	}
	return n;
}

int sock_sendmmsg(struct ep *e, struct ep_pkt *p, unsigned int n)
{
	struct sock_ep *s = e->priv;
	unsigned int i;
	int k;

	for (i = 0; i < n; i++) {
		s->iov[i] = (struct iovec){ p[i].data + s->off,
					    p[i].len - s->off };
		s->msgs[i].msg_hdr = msg_of(s, &s->iov[i]);
	}
	k = sendmmsg(s->fd, s->msgs, n, MSG_DONTWAIT);
	if (k > 0)
		return k;
	k = send_error(e, errno);
	return k;
}

/* A received datagram or frame: where it is, and who sent it (UDP). */
static void got(struct sock_ep *s, struct ep_pkt *p, unsigned int i,
		unsigned int len)
{
	p->data = s->bufs + (size_t)i * EP_MAX_SIZE;
	p->len = len;
	if (s->udp)
		s->peer = s->names[i];
}

/* Nothing to read; ECONNREFUSED: an earlier datagram found no listener. */
static bool rx_quiet(int err)
{
	return err == EAGAIN || err == EINTR || err == ECONNREFUSED;
}

static int wait_rx(struct ep *e, int ms)
{
	return ms ? sock_wait(e, POLLIN, ms) : 1;
}

int sock_recv1(struct ep *e, struct ep_pkt *p, unsigned int n, int ms)
{
	struct sock_ep *s = e->priv;
	unsigned int k = 0;
	int r = wait_rx(e, ms);

	if (r <= 0)
		return r;
	while (k < n) {
		socklen_t nl = sizeof(s->names[k]);
		ssize_t len = recvfrom(s->fd, s->bufs + (size_t)k * EP_MAX_SIZE,
				       EP_MAX_SIZE, MSG_DONTWAIT,
				       (struct sockaddr *)&s->names[k], &nl);

		if (len < 0) {
			if (rx_quiet(errno))
				break;
			return -errno;
		}
		got(s, &p[k], k, len);
		k++;
	}
	return k;
}

int sock_recvmmsg(struct ep *e, struct ep_pkt *p, unsigned int n, int ms)
{
	struct sock_ep *s = e->priv;
	unsigned int i;
	int k = wait_rx(e, ms);

	if (k <= 0)
		return k;
	if (n > EP_RX_BATCH)
		n = EP_RX_BATCH;
	for (i = 0; i < n; i++) {
		s->iov[i] = (struct iovec){ s->bufs + (size_t)i * EP_MAX_SIZE,
					    EP_MAX_SIZE };
		s->msgs[i].msg_hdr = (struct msghdr){
			.msg_iov = &s->iov[i], .msg_iovlen = 1,
			.msg_name = &s->names[i],
			.msg_namelen = sizeof(s->names[i]),
		};
	}
	k = recvmmsg(s->fd, s->msgs, n, MSG_DONTWAIT, NULL);
	if (k < 0)
		return rx_quiet(errno) ? 0 : -errno;
	for (i = 0; i < (unsigned int)k; i++)
		got(s, &p[i], i, s->msgs[i].msg_len);
	return k;
}
