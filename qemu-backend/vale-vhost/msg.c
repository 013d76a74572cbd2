// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vhost: vhost-user requests (QEMU's docs/interop/vhost-user.rst).
 *
 * Every request the daemon knows is one row of reqs[]: its name, the
 * payload sizes it may have, how many file descriptors come with it, where
 * its queue index is, whether it has a reply of its own, and its handler.
 * handle_msg() applies the row's rules before the handler runs, so a
 * handler sees a payload of the right size, the right number of fds, and
 * (for queue requests) a queue index below the VM's queue count.  A
 * request without a handler is refused; every refusal closes the
 * connection (conn.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>

#include "vhost.h"

/* Where a request's file descriptors come from. */
enum req_fds {
	FDS_NONE,
	FDS_VRING,	/* one, unless VHU_VRING_NOFD is set in the u64 */
	FDS_MEM,	/* one per memory region */
};

/* Where a request's queue index is. */
enum req_queue {
	QI_NONE,
	QI_STATE,	/* struct vhu_vring_state.index */
	QI_ADDR,	/* struct vhu_vring_addr.index */
	QI_FILE,	/* low byte of the u64 (KICK, CALL, ERR) */
};

struct req_type {
	const char *name;
	uint32_t size_min, size_max;	/* payload size */
	bool or_empty;			/* size 0 is also accepted */
	enum req_fds fds;
	enum req_queue queue;
	bool eventfd;			/* its fd must be an eventfd */
	bool replies;			/* has a reply of its own */
	int (*handle)(struct vm *vm, struct vhu_msg *m, struct vq *vq,
		      unsigned int qi);
};

static int reply_u64(struct vm *vm, uint32_t req, uint64_t v)
{
	return send_reply(vm, req, &v, sizeof(v));
}

/* Take ownership of the message's first fd. */
static int take_fd(struct vm *vm)
{
	int fd = vm->fds[0];

	vm->nfds = 0;
	return fd;
}

/*
 * Kick and call fds must be eventfds: reading or writing anything else
 * could block the daemon.
 */
static bool is_eventfd(int fd)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return false;
	link[n] = 0;
	return !strcmp(link, "anon_inode:[eventfd]");
}

/* ---- handlers: the row's rules hold; 0, or -1 to disconnect ------------- */

static int get_features(struct vm *vm, struct vhu_msg *m, struct vq *vq,
			unsigned int qi)
{
	(void)vq;
	(void)qi;
	return reply_u64(vm, m->hdr.request, offered_features);
}

static int set_features(struct vm *vm, struct vhu_msg *m, struct vq *vq,
			unsigned int qi)
{
	(void)vq;
	if (m->p.u64 & ~offered_features) {
		vm_error(vm, "SET_FEATURES %#llx: not offered: %#llx",
			 (unsigned long long)m->p.u64,
			 (unsigned long long)(m->p.u64 & ~offered_features));
		return -1;
	}
	vm->features = m->p.u64;
	vm->hdr_len = has_feature(vm, VIRTIO_F_VERSION_1) ||
		      has_feature(vm, VIRTIO_NET_F_MRG_RXBUF) ?
		      sizeof(struct virtio_net_hdr_mrg_rxbuf) :
		      sizeof(struct virtio_net_hdr);
	/* without protocol features, rings start enabled */
	if (!has_feature(vm, VHU_F_PROTOCOL_FEATURES))
		for (qi = 0; qi < MAX_VQ; qi++)
			vm->vq[qi].enabled = true;
	vm_log(vm, LOG_DEBUG, "features %#llx", (unsigned long long)vm->features);
	return 0;
}

static int get_protocol_features(struct vm *vm, struct vhu_msg *m,
				 struct vq *vq, unsigned int qi)
{
	(void)vq;
	(void)qi;
	return reply_u64(vm, m->hdr.request, offered_proto);
}

static int set_protocol_features(struct vm *vm, struct vhu_msg *m,
				 struct vq *vq, unsigned int qi)
{
	(void)vq;
	(void)qi;
	if (m->p.u64 & ~offered_proto) {
		vm_error(vm, "SET_PROTOCOL_FEATURES %#llx: not offered",
			 (unsigned long long)m->p.u64);
		return -1;
	}
	vm->proto = m->p.u64;
	return 0;
}

static int get_queue_num(struct vm *vm, struct vhu_msg *m, struct vq *vq,
			 unsigned int qi)
{
	(void)vq;
	(void)qi;
	return reply_u64(vm, m->hdr.request, vm->max_qp);
}

static int set_owner(struct vm *vm, struct vhu_msg *m, struct vq *vq,
		     unsigned int qi)
{
	(void)m;
	(void)vq;
	(void)qi;
	vm->owner = true;
	return 0;
}

static int reset_owner(struct vm *vm, struct vhu_msg *m, struct vq *vq,
		       unsigned int qi)
{
	(void)m;
	(void)vq;
	for (qi = 0; qi < MAX_VQ; qi++) {
		vq_reset(&vm->vq[qi]);
		vm->vq[qi].ev = (struct ev){ EV_KICK, vm, qi };
	}
	vm->features = 0;
	vm->owner = false;
	return 0;
}

static int mem_table(struct vm *vm, struct vhu_msg *m, struct vq *vq,
		     unsigned int qi)
{
	(void)vq;
	(void)qi;
	return set_mem_table(vm, &m->p.mem, m->hdr.size);
}

static int vring_num(struct vm *vm, struct vhu_msg *m, struct vq *vq,
		     unsigned int qi)
{
	uint32_t num = m->p.state.num;

	if (num == 0 || num > MAX_QSIZE || (num & (num - 1))) {
		vm_error(vm, "SET_VRING_NUM: queue %u size %u invalid", qi, num);
		return -1;
	}
	if (vq->started) {
		vm_error(vm, "SET_VRING_NUM: queue %u is running", qi);
		return -1;
	}
	vq->num = num;
	vq_forget_rings(vq);	/* SET_VRING_ADDR again before the queue runs */
	return 0;
}

static int vring_base(struct vm *vm, struct vhu_msg *m, struct vq *vq,
		      unsigned int qi)
{
	if (vq->started || m->p.state.num > 0xffff) {
		vm_error(vm, "SET_VRING_BASE: queue %u base %u refused%s", qi,
			 m->p.state.num, vq->started ? " (queue running)" : "");
		return -1;
	}
	vq->last_avail = m->p.state.num;
	return 0;
}

static int vring_addr(struct vm *vm, struct vhu_msg *m, struct vq *vq,
		      unsigned int qi)
{
	const struct vhu_vring_addr *a = &m->p.addr;

	if (!vq->num || !vm->nregions || (a->flags & ~1u) ||
	    (a->desc_uaddr & 15) || (a->avail_uaddr & 1) ||
	    (a->used_uaddr & 3)) {
		vm_error(vm, "SET_VRING_ADDR: queue %u: %s", qi,
			 !vq->num ? "size not set" :
			 !vm->nregions ? "no memory table" :
			 "bad flags or alignment");
		return -1;
	}
	if (vq->started) {
		vm_error(vm, "SET_VRING_ADDR: queue %u is running", qi);
		return -1;
	}
	vq->desc_ua = a->desc_uaddr;
	vq->avail_ua = a->avail_uaddr;
	vq->used_ua = a->used_uaddr;
	if (vq_translate(vm, vq) < 0) {
		vm_error(vm, "SET_VRING_ADDR: queue %u: rings outside guest memory", qi);
		return -1;
	}
	vq->addr_set = true;
	vq->broken = false;
	vq->pending = 0;
	vq->last_used = __atomic_load_n(&vq->used->idx, __ATOMIC_RELAXED);
	/*
	 * Every entry taken is published as used before a queue stops, so
	 * the base normally equals the used index.  A front-end that lost
	 * track of it (DPDK's virtio-user sends base 0 when it sets its
	 * queues up again after the daemon restarted; QEMU sends the used
	 * index) would make the ring look broken: resume where the used ring
	 * says, as DPDK's vhost library does.
	 */
	if (vq->last_avail != vq->last_used) {
		vm_log(vm, LOG_INFO, "queue %u: base %u, used index %u: resuming from the used index",
		       qi, vq->last_avail, vq->last_used);
		vq->last_avail = vq->last_used;
	}
	return 0;
}

/* Stop the queue and tell the front-end where it stopped. */
static int get_vring_base(struct vm *vm, struct vhu_msg *m, struct vq *vq,
			  unsigned int qi)
{
	struct vhu_vring_state s = { .index = qi };

	if (vq_ready(vq))
		vq_flush(vm, vq);
	s.num = vq->last_avail;
	if (vq->kick_fd >= 0)
		ep_del(vq->kick_fd);
	close_fd(&vq->kick_fd);
	vq->started = false;
	vq->blocked = false;
	vq_set_busy(vq, false);
	return send_reply(vm, m->hdr.request, &s, sizeof(s));
}

/* A kick fd starts the queue. */
static int vring_kick(struct vm *vm, struct vhu_msg *m, struct vq *vq,
		      unsigned int qi)
{
	if (m->p.u64 & VHU_VRING_NOFD) {
		vm_error(vm, "SET_VRING_KICK: queue %u: polling mode (no fd) not supported", qi);
		return -1;
	}
	if (vq->kick_fd >= 0)
		ep_del(vq->kick_fd);
	close_fd(&vq->kick_fd);
	vq->kick_fd = take_fd(vm);
	ep_add(vq->kick_fd, &vq->ev, EPOLLIN);
	vq->started = true;
	if (qi & 1)
		vq_set_busy(vq, true);	/* maybe packets already queued */
	return 0;
}

static int vring_call(struct vm *vm, struct vhu_msg *m, struct vq *vq,
		      unsigned int qi)
{
	(void)qi;
	close_fd(&vq->call_fd);
	if (!(m->p.u64 & VHU_VRING_NOFD))
		vq->call_fd = take_fd(vm);
	return 0;
}

static int vring_err(struct vm *vm, struct vhu_msg *m, struct vq *vq,
		     unsigned int qi)
{
	(void)qi;
	close_fd(&vq->err_fd);
	if (!(m->p.u64 & VHU_VRING_NOFD))
		vq->err_fd = take_fd(vm);
	return 0;
}

static int vring_enable(struct vm *vm, struct vhu_msg *m, struct vq *vq,
			unsigned int qi)
{
	if (m->p.state.num > 1) {
		vm_error(vm, "SET_VRING_ENABLE: queue %u: value %u", qi, m->p.state.num);
		return -1;
	}
	vq->enabled = m->p.state.num;
	vm_log(vm, LOG_DEBUG, "queue %u %s", qi, vq->enabled ? "enabled" : "disabled");
	if (vq->enabled && (qi & 1))
		vq_set_busy(vq, true);
	return 0;
}

/* The guest announces itself on migration; nothing to do here. */
static int send_rarp(struct vm *vm, struct vhu_msg *m, struct vq *vq,
		     unsigned int qi)
{
	(void)vm;
	(void)m;
	(void)vq;
	(void)qi;
	return 0;
}

static int net_set_mtu(struct vm *vm, struct vhu_msg *m, struct vq *vq,
		       unsigned int qi)
{
	(void)vq;
	(void)qi;
	if (m->p.u64 < 68 || m->p.u64 > 65535) {
		vm_error(vm, "NET_SET_MTU %llu out of range",
			 (unsigned long long)m->p.u64);
		return -1;
	}
	return 0;
}

/* ---- the table ----------------------------------------------------------- */

#define U64	8, 8
#define STATE	sizeof(struct vhu_vring_state), sizeof(struct vhu_vring_state)

static const struct req_type reqs[] = {
	[VHU_GET_FEATURES] = { "GET_FEATURES", U64, .or_empty = true,
			       .replies = true, .handle = get_features },
	[VHU_SET_FEATURES] = { "SET_FEATURES", U64, .handle = set_features },
	[VHU_SET_OWNER] = { "SET_OWNER", U64, .or_empty = true,
			    .handle = set_owner },
	[VHU_RESET_OWNER] = { "RESET_OWNER", U64, .or_empty = true,
			      .handle = reset_owner },
	[VHU_SET_MEM_TABLE] = { "SET_MEM_TABLE",
				8 + sizeof(struct vhu_mem_region),
				sizeof(struct vhu_mem_table),
				.fds = FDS_MEM, .handle = mem_table },
	/* dirty logging (live migration) is not offered */
	[VHU_SET_LOG_BASE] = { "SET_LOG_BASE" },
	[VHU_SET_LOG_FD] = { "SET_LOG_FD" },
	[VHU_SET_VRING_NUM] = { "SET_VRING_NUM", STATE, .queue = QI_STATE,
				.handle = vring_num },
	[VHU_SET_VRING_ADDR] = { "SET_VRING_ADDR",
				 sizeof(struct vhu_vring_addr),
				 sizeof(struct vhu_vring_addr),
				 .queue = QI_ADDR, .handle = vring_addr },
	[VHU_SET_VRING_BASE] = { "SET_VRING_BASE", STATE, .queue = QI_STATE,
				 .handle = vring_base },
	[VHU_GET_VRING_BASE] = { "GET_VRING_BASE", STATE, .queue = QI_STATE,
				 .replies = true, .handle = get_vring_base },
	[VHU_SET_VRING_KICK] = { "SET_VRING_KICK", U64, .fds = FDS_VRING,
				 .queue = QI_FILE, .eventfd = true,
				 .handle = vring_kick },
	[VHU_SET_VRING_CALL] = { "SET_VRING_CALL", U64, .fds = FDS_VRING,
				 .queue = QI_FILE, .eventfd = true,
				 .handle = vring_call },
	[VHU_SET_VRING_ERR] = { "SET_VRING_ERR", U64, .fds = FDS_VRING,
				.queue = QI_FILE, .handle = vring_err },
	[VHU_GET_PROTOCOL_FEATURES] = { "GET_PROTOCOL_FEATURES", U64,
					.or_empty = true, .replies = true,
					.handle = get_protocol_features },
	[VHU_SET_PROTOCOL_FEATURES] = { "SET_PROTOCOL_FEATURES", U64,
					.handle = set_protocol_features },
	[VHU_GET_QUEUE_NUM] = { "GET_QUEUE_NUM", U64, .or_empty = true,
				.replies = true, .handle = get_queue_num },
	[VHU_SET_VRING_ENABLE] = { "SET_VRING_ENABLE", STATE, .queue = QI_STATE,
				   .handle = vring_enable },
	[VHU_SEND_RARP] = { "SEND_RARP", U64, .handle = send_rarp },
	[VHU_NET_SET_MTU] = { "NET_SET_MTU", U64, .handle = net_set_mtu },
};

static const struct req_type *req_type(uint32_t r)
{
	return r < sizeof(reqs) / sizeof(reqs[0]) && reqs[r].name ? &reqs[r] : NULL;
}

const char *req_name(uint32_t r)
{
	const struct req_type *t = req_type(r);

	return t ? t->name : "unknown";
}

static unsigned int fds_expected(const struct req_type *t, const struct vhu_msg *m)
{
	switch (t->fds) {
	case FDS_MEM:
		return m->p.mem.nregions;
	case FDS_VRING:
		return m->p.u64 & VHU_VRING_NOFD ? 0 : 1;
	case FDS_NONE:
		break;
	}
	return 0;
}

/* Handle the complete message in vm->msg.  Returns -1 to disconnect. */
int handle_msg(struct vm *vm)
{
	struct vhu_msg *m = &vm->msg;
	uint32_t req = m->hdr.request, size = m->hdr.size;
	const struct req_type *t = req_type(req);
	struct vq *vq = NULL;
	unsigned int qi = UINT_MAX;
	int ret;

	vm_log(vm, LOG_DEBUG, "request %u %s size %u fds %u", req, req_name(req),
	       size, vm->nfds);
	if (!t || !t->handle) {
		vm_error(vm, "unsupported request %u (%s)", req, req_name(req));
		return -1;
	}
	if ((size < t->size_min || size > t->size_max) && !(t->or_empty && !size)) {
		vm_error(vm, "request %u (%s): bad payload size %u", req,
			 req_name(req), size);
		return -1;
	}
	if (vm->nfds != fds_expected(t, m)) {
		vm_error(vm, "request %u (%s): %u file descriptors, expected %u",
			 req, req_name(req), vm->nfds, fds_expected(t, m));
		return -1;
	}
	switch (t->queue) {
	case QI_STATE:
		qi = m->p.state.index;
		break;
	case QI_ADDR:
		qi = m->p.addr.index;
		break;
	case QI_FILE:
		if (m->p.u64 & ~(VHU_VRING_IDX_MASK | VHU_VRING_NOFD)) {
			vm_error(vm, "%s: reserved bits set in %#llx", req_name(req),
				 (unsigned long long)m->p.u64);
			return -1;
		}
		qi = m->p.u64 & VHU_VRING_IDX_MASK;
		break;
	case QI_NONE:
		break;
	}
	if (t->eventfd && vm->nfds == 1 && !is_eventfd(vm->fds[0])) {
		vm_error(vm, "%s: the file descriptor is not an eventfd", req_name(req));
		return -1;
	}
	if (qi != UINT_MAX) {
		if (qi >= 2 * vm->max_qp) {
			vm_error(vm, "%s: queue %u out of range (%u queues)",
				 req_name(req), qi, 2 * vm->max_qp);
			return -1;
		}
		vq = &vm->vq[qi];
	}

	ret = t->handle(vm, m, vq, qi);

	/* REPLY_ACK: every request without a reply of its own gets one. */
	if (!t->replies && (m->hdr.flags & VHU_FLAG_NEED_REPLY) &&
	    (vm->proto & (1ull << VHU_PROTO_F_REPLY_ACK)))
		if (reply_u64(vm, req, ret ? 1 : 0) < 0)
			ret = -1;
	return ret;
}
