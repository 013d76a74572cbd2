// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vhost: the connection of one VM NIC.  vale-vhost listens on the
 * NIC's UNIX socket (QEMU connects), or in client mode connects to a QEMU
 * started with server=on and retries every RECONNECT_MS.  Messages are read
 * without blocking into vm->msg as they arrive, file descriptors included
 * (at most VHU_MAX_FDS per message), and handed to msg.c when complete.
 * Any protocol error closes the connection and resets everything the
 * front-end had set up; the VM's socket stays, for the next connection.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <linux/virtio_net.h>

#include "vhost.h"

void vm_disconnect(struct vm *vm, const char *why)
{
	unsigned int i;

	if (vm->conn_fd < 0)
		return;
	vm_log(vm, LOG_INFO, "disconnected (%s)", why);
	ep_del(vm->conn_fd);
	close_fd(&vm->conn_fd);
	for (i = 0; i < MAX_VQ; i++)
		vq_reset(&vm->vq[i]);
	for (i = 0; i < vm->nfds; i++)
		close(vm->fds[i]);
	vm->nfds = 0;
	vm->msg_len = 0;
	mem_unmap(vm);
	vm->features = vm->proto = 0;
	vm->owner = false;
	vm->st.disconnects++;
	if (vm->client)
		vm->next_connect = now_ms() + RECONNECT_MS;
	vm->ops->disconnected(vm);
}

void vm_connected(struct vm *vm, int fd)
{
	unsigned int i;

	vm->conn_fd = fd;
	vm->st.connects++;
	for (i = 0; i < MAX_VQ; i++) {
		vq_reset(&vm->vq[i]);
		vm->vq[i].ev = (struct ev){ EV_KICK, vm, i };
	}
	vm->hdr_len = sizeof(struct virtio_net_hdr);
	vm->ev_conn = (struct ev){ EV_CONN, vm, 0 };
	ep_add(fd, &vm->ev_conn, EPOLLIN);
	vm_log(vm, LOG_INFO, "connected on %s", vm->path);
	vm->ops->connected(vm);
}

int send_reply(struct vm *vm, uint32_t req, const void *payload, uint32_t size)
{
	uint8_t buf[sizeof(struct vhu_hdr) + sizeof(union vhu_payload)];
	struct vhu_hdr h = { .request = req, .size = size,
			     .flags = VHU_VERSION | VHU_FLAG_REPLY };
	ssize_t n;

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, size);
	n = send(vm->conn_fd, buf, sizeof(h) + size, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n != (ssize_t)(sizeof(h) + size)) {
		vm_error(vm, "cannot send reply to request %u: %s", req,
			 n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

/*
 * Read what the socket has; dispatch complete messages.  At most
 * CONN_MSGS messages (CONN_READS reads) per call: a front-end streaming
 * cheap requests gets its turn like everyone else, and the loop comes
 * back for the rest (the socket stays readable, epoll is level-triggered).
 */
#define CONN_MSGS	16
#define CONN_READS	(4 * CONN_MSGS)

void conn_readable(struct vm *vm)
{
	unsigned int msgs = 0, reads;

	for (reads = 0; reads < CONN_READS && msgs < CONN_MSGS; reads++) {
		union {
			char buf[CMSG_SPACE(VHU_MAX_FDS * sizeof(int))];
			struct cmsghdr align;
		} cbuf;
		struct iovec iov;
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cbuf.buf,
				     .msg_controllen = sizeof(cbuf.buf) };
		struct cmsghdr *c;
		size_t want;
		ssize_t n;
		bool too_many = false;

		if (vm->msg_len < sizeof(struct vhu_hdr))
			want = sizeof(struct vhu_hdr) - vm->msg_len;
		else
			want = sizeof(struct vhu_hdr) + vm->msg.hdr.size - vm->msg_len;
		if (vm->msg_len < sizeof(struct vhu_hdr))
			iov.iov_base = (char *)&vm->msg.hdr + vm->msg_len;
		else
			iov.iov_base = (char *)&vm->msg.p + vm->msg_len - sizeof(struct vhu_hdr);
		iov.iov_len = want;
		n = recvmsg(vm->conn_fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			int *fds = (int *)CMSG_DATA(c);
			size_t i, nf;

			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			nf = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (i = 0; i < nf; i++) {
				if (vm->nfds < VHU_MAX_FDS)
					vm->fds[vm->nfds++] = fds[i];
				else {
					close(fds[i]);
					too_many = true;
				}
			}
		}
		if (mh.msg_flags & MSG_CTRUNC)
			too_many = true;
		if (n <= 0) {
			if (n < 0)
				vm_error(vm, "socket: %s", strerror(errno));
			else if (vm->msg_len)
				vm_error(vm, "front-end closed the socket in the middle of a message");
			vm_disconnect(vm, n ? "socket error" : "front-end closed the socket");
			return;
		}
		if (too_many) {
			vm_error(vm, "more than %u file descriptors in one message", VHU_MAX_FDS);
			vm_disconnect(vm, "protocol error");
			return;
		}
		vm->msg_len += n;
		if (vm->msg_len == sizeof(struct vhu_hdr)) {
			const struct vhu_hdr *h = &vm->msg.hdr;

			if ((h->flags & VHU_VERSION_MASK) != VHU_VERSION ||
			    (h->flags & VHU_FLAG_REPLY)) {
				vm_error(vm, "message header flags %#x invalid", h->flags);
				vm_disconnect(vm, "protocol error");
				return;
			}
			if (h->size > sizeof(union vhu_payload)) {
				vm_error(vm, "request %u (%s): payload size %u too large",
					 h->request, req_name(h->request), h->size);
				vm_disconnect(vm, "protocol error");
				return;
			}
		}
		if (vm->msg_len >= sizeof(struct vhu_hdr) &&
		    vm->msg_len == sizeof(struct vhu_hdr) + vm->msg.hdr.size) {
			int r = handle_msg(vm);
			unsigned int i;

			msgs++;
			for (i = 0; i < vm->nfds; i++)
				close(vm->fds[i]);
			vm->nfds = 0;
			vm->msg_len = 0;
			if (r < 0) {
				vm_disconnect(vm, "protocol error");
				return;
			}
		}
	}
}

int vm_listen(struct vm *vm)
{
	int fd = unix_listen(vm->path, SOCK_STREAM, 4);

	if (fd < 0)
		return -errno;
	vm->listen_fd = fd;
	vm->ev_listen = (struct ev){ EV_LISTEN, vm, 0 };
	ep_add(fd, &vm->ev_listen, EPOLLIN);
	return 0;
}

void vm_accept(struct vm *vm)
{
	int fd = accept4(vm->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (vm->conn_fd >= 0) {
		/* a front-end that died and came back: its old socket is at EOF */
		struct pollfd p = { .fd = vm->conn_fd, .events = POLLRDHUP };

		if (poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR))) {
			conn_readable(vm);	/* whatever it sent last, then EOF */
			vm_disconnect(vm, "front-end reconnected");
		}
	}
	if (vm->conn_fd >= 0) {
		vm_log(vm, LOG_WARN, "second connection on %s refused", vm->path);
		close(fd);
		return;
	}
	vm_connected(vm, fd);
}

void vm_try_connect(struct vm *vm)
{
	struct sockaddr_un sa;
	int fd = unix_socket(vm->path, SOCK_STREAM, &sa);

	vm->next_connect = now_ms() + RECONNECT_MS;
	if (fd < 0)
		return;
	/* a UNIX socket connect either succeeds or fails at once */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		vm_log(vm, LOG_DEBUG, "connect %s: %s", vm->path, strerror(errno));
		close(fd);
		return;
	}
	vm_connected(vm, fd);
}
