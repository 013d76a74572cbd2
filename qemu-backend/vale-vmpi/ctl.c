// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vmpi: the control socket (SOCK_SEQPACKET), through which host
 * processes (libvale's VMPI API, lib/vmpi.c) ask for a VM's status and
 * open a channel: the reply carries the VM's memfd, the channel's host
 * eventfd and the guest's vector eventfds.  A channel has one owner, the
 * connection that opened it, until that connection closes or QEMU goes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vmpi.h"

static struct client *clients[MAX_CLIENTS];
static int ctl_lfd = -1;
static struct tag ctl_tag = { K_CTL_LISTEN, NULL };

int ctl_listen(const char *path)
{
	ctl_lfd = unix_listen(path, SOCK_SEQPACKET, 16);
	if (ctl_lfd < 0)
		return -1;
	ep_add(ctl_lfd, &ctl_tag);
	return 0;
}

void ctl_close(void)
{
	close(ctl_lfd);
	ctl_lfd = -1;
}

static void client_free(struct client *cl)
{
	unsigned int i;

	if (cl->vm && cl->channel >= 0 && cl->vm->owner[cl->channel] == cl)
		cl->vm->owner[cl->channel] = NULL;
	close(cl->fd);
	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i] == cl)
			clients[i] = NULL;
	free(cl);
}

/* Close every client that opened a channel of @vm. */
void ctl_drop_vm(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i] && clients[i]->vm == vm)
			client_free(clients[i]);
}

void ctl_accept(void)
{
	int fd = accept4(ctl_lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct client *cl;
	unsigned int i;

	if (fd < 0)
		return;
	for (i = 0; i < MAX_CLIENTS && clients[i]; i++)
		;
	cl = i < MAX_CLIENTS ? calloc(1, sizeof(*cl)) : NULL;
	if (!cl) {
		close(fd);
		return;
	}
	cl->fd = fd;
	cl->channel = -1;
	cl->tag.kind = K_CLIENT;
	cl->tag.ptr = cl;
	clients[i] = cl;
	ep_add(fd, &cl->tag);
}

static void ctl_reply(struct client *cl, struct vale_vmpi_ctl_resp *resp,
		      const int *fds, int nfds)
{
	if (send_fds(cl->fd, resp, sizeof(*resp), fds, nfds, MSG_DONTWAIT) !=
	    sizeof(*resp))
		debug("control reply: %s", strerror(errno));
}

static void ctl_open(struct client *cl, struct vm *vm,
		     const struct vale_vmpi_ctl_req *req,
		     struct vale_vmpi_ctl_resp *resp, int *fds, int *nfds)
{
	unsigned int v;

	if (cl->channel >= 0) {
		resp->status = -EALREADY;
	} else if (vm->qfd < 0) {
		resp->status = -ENOTCONN;
	} else if (req->channel >= vm->geo.nchannels) {
		resp->status = -EINVAL;
	} else if (vm->owner[req->channel]) {
		resp->status = -EBUSY;
	} else {
		vm->owner[req->channel] = cl;
		cl->vm = vm;
		cl->channel = req->channel;
		memcpy(resp->hdr, &vm->geo, sizeof(vm->geo));
		resp->nvec = opt.vectors;
		fds[(*nfds)++] = vm->memfd;
		fds[(*nfds)++] = vm->host_efd[req->channel];
		for (v = 0; v < opt.vectors; v++)
			fds[(*nfds)++] = vm->guest_efd[v];
		debug("%s: channel %u opened", vm->name, req->channel);
	}
}

void ctl_event(struct client *cl)
{
	struct vale_vmpi_ctl_req req;
	struct vale_vmpi_ctl_resp resp;
	int fds[VMPI_MAX_VECTORS + 2], nfds = 0;
	struct vm *vm;
	ssize_t n;

	n = recv(cl->fd, &req, sizeof(req), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (cl->vm && cl->channel >= 0)
			debug("%s: channel %d closed", cl->vm->name, cl->channel);
		client_free(cl);
		return;
	}
	memset(&resp, 0, sizeof(resp));
	if (n != sizeof(req) || req.version != VALE_VMPI_CTL_VERSION ||
	    memchr(req.vm, 0, sizeof(req.vm)) == NULL) {
		resp.status = -EPROTO;
		goto reply;
	}
	vm = vm_find(req.vm);
	if (!vm) {
		resp.status = -ENOENT;
		goto reply;
	}
	resp.connected = vm->qfd >= 0;
	resp.gen = vm->gen;
	if (vm->shm)
		resp.guest_state = __atomic_load_n(
			&((struct vmpi_shm_hdr *)vm->shm)->guest_state,
			__ATOMIC_RELAXED);
	switch (req.op) {
	case VALE_VMPI_CTL_STATUS:
		break;
	case VALE_VMPI_CTL_OPEN:
		ctl_open(cl, vm, &req, &resp, fds, &nfds);
		break;
	default:
		resp.status = -EOPNOTSUPP;
	}
reply:
	ctl_reply(cl, &resp, fds, nfds);
}
