// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vhost: split virtqueues (VIRTIO 1.x, 2.7).  The rings live in guest
 * memory: indexes are loaded once with the ordering the spec asks for,
 * checked against the queue size, and a descriptor is copied out before it
 * is looked at.  A queue whose guest breaks the rules is stopped
 * (vq_fail()) until the front-end sets it up again; the VM and the daemon
 * carry on.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vhost.h"

bool vq_ready(const struct vq *vq)
{
	return vq->started && vq->addr_set && !vq->broken;
}

void vq_set_busy(struct vq *vq, bool busy)
{
	if (vq->busy != busy)
		nr_busy += busy ? 1 : -1;
	vq->busy = busy;
}

void vq_fail(struct vm *vm, struct vq *vq, unsigned int qi, const char *fmt, ...)
{
	char buf[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	vm_error(vm, "queue %u: %s: queue stopped", qi, buf);
	vq->broken = true;
	vq->pending = 0;
	vq_set_busy(vq, false);
}

void vq_reset(struct vq *vq)
{
	if (vq->kick_fd >= 0)
		ep_del(vq->kick_fd);
	close_fd(&vq->kick_fd);
	close_fd(&vq->call_fd);
	close_fd(&vq->err_fd);
	vq_set_busy(vq, false);
	vq->num = 0;
	vq->last_avail = vq->last_used = vq->pending = 0;
	vq->started = vq->broken = vq->blocked = false;
	vq->enabled = false;
	vq_forget_rings(vq);
}

int vq_translate(struct vm *vm, struct vq *vq)
{
	uint64_t n = vq->num;

	vq->desc = uva_range(vm, vq->desc_ua, 16 * n);
	vq->avail = uva_range(vm, vq->avail_ua, 6 + 2 * n);
	vq->used = uva_range(vm, vq->used_ua, 6 + 8 * n);
	if (!vq->desc || !vq->avail || !vq->used) {
		vq->desc = NULL;
		vq->avail = NULL;
		vq->used = NULL;
		return -EFAULT;
	}
	return 0;
}

/*
 * The rings are no longer known (a new size, a memory table they are not
 * in): drop the pointers with addr_set, so that nothing (the stats socket,
 * SIGUSR1) can read through them after their memory is unmapped.
 */
void vq_forget_rings(struct vq *vq)
{
	vq->addr_set = false;
	vq->desc = NULL;
	vq->avail = NULL;
	vq->used = NULL;
}

/* Publish staged used entries; interrupt the guest if it asked for it. */
void vq_flush(struct vm *vm, struct vq *vq)
{
	uint16_t old = vq->last_used, new;
	bool kick;

	if (!vq->pending)
		return;
	new = old + vq->pending;
	__atomic_store_n(&vq->used->idx, new, __ATOMIC_RELEASE);
	vq->last_used = new;
	vq->pending = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (has_feature(vm, VIRTIO_RING_F_EVENT_IDX))
		kick = vring_need_event(__atomic_load_n(used_event_p(vq), __ATOMIC_RELAXED),
					new, old);
	else
		kick = !(__atomic_load_n(&vq->avail->flags, __ATOMIC_RELAXED) &
			 VRING_AVAIL_F_NO_INTERRUPT);
	if (kick && vq->call_fd >= 0) {
		int r = call_signal(vq->call_fd);

		if (r < 0) {
			/* the front-end's problem: that queue's interrupts stop */
			vm_error(vm, "queue %u: call fd %s: no more interrupts on it",
				 (unsigned int)(vq - vm->vq),
				 r == -ETIMEDOUT ? "blocked a write" :
				 "cannot take one more (eventfd counter at its maximum?)");
			close_fd(&vq->call_fd);
			return;
		}
		vm->st.interrupts++;
	}
}

void vq_stage_used(struct vq *vq, uint16_t offset, uint16_t head, uint32_t len)
{
	struct vring_used_elem *e;

	e = &vq->used->ring[(uint16_t)(vq->last_used + vq->pending + offset) &
			    (vq->num - 1)];
	e->id = head;
	e->len = len;
}

/* Entries the guest made available beyond last_avail, or -1 if insane. */
int vq_avail(struct vm *vm, struct vq *vq, unsigned int qi)
{
	uint16_t idx = __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE);
	uint16_t n = idx - vq->last_avail;

	if (n > vq->num) {
		vq_fail(vm, vq, qi, "avail index %u is %u entries ahead of %u (queue size %u)",
			idx, n, vq->last_avail, vq->num);
		return -1;
	}
	return n;
}

/* Ask for (or stop asking for) a kick when the guest adds buffers. */
void vq_notify(struct vm *vm, struct vq *vq, bool on)
{
	if (has_feature(vm, VIRTIO_RING_F_EVENT_IDX)) {
		if (on)
			__atomic_store_n(avail_event_p(vq), vq->last_avail,
					 __ATOMIC_RELAXED);
	} else {
		__atomic_store_n(&vq->used->flags, on ? 0 : VRING_USED_F_NO_NOTIFY,
				 __ATOMIC_RELAXED);
	}
	if (on)
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/*
 * Walk the chain at @head into host segments.  Returns the number of
 * segments (total length in *@total), or -1 after failing the queue.
 */
int vq_chain(struct vm *vm, struct vq *vq, unsigned int qi, uint16_t head,
	     bool writable, struct iovec *segs, uint64_t *total)
{
	const struct vring_desc *table = vq->desc;
	unsigned int tnum = vq->num, idx = head, count = 0, nseg = 0;
	bool indirect = false;

	*total = 0;
	if (idx >= tnum) {
		vq_fail(vm, vq, qi, "descriptor head %u out of range", idx);
		return -1;
	}
	for (;;) {
		struct vring_desc d;
		uint64_t addr, len;

		memcpy(&d, &table[idx], sizeof(d));	/* read once */
		if (++count > tnum) {
			vq_fail(vm, vq, qi, "descriptor chain from %u loops or is longer than %u",
				head, tnum);
			return -1;
		}
		if (d.flags & VRING_DESC_F_INDIRECT) {
			if (indirect || !has_feature(vm, VIRTIO_RING_F_INDIRECT_DESC) ||
			    (d.flags & VRING_DESC_F_NEXT)) {
				vq_fail(vm, vq, qi, "bad indirect descriptor %u (flags %#x)",
					idx, d.flags);
				return -1;
			}
			if (d.len == 0 || d.len % sizeof(struct vring_desc) ||
			    d.len / sizeof(struct vring_desc) > MAX_QSIZE) {
				vq_fail(vm, vq, qi, "indirect table length %u invalid", d.len);
				return -1;
			}
			table = gpa_range(vm, d.addr, d.len);
			if (!table) {
				vq_fail(vm, vq, qi, "indirect table %#llx+%u outside guest memory",
					(unsigned long long)d.addr, d.len);
				return -1;
			}
			tnum = d.len / sizeof(struct vring_desc);
			indirect = true;
			idx = 0;
			count = 0;
			continue;
		}
		if (!!(d.flags & VRING_DESC_F_WRITE) != writable) {
			vq_fail(vm, vq, qi, "descriptor %u is %s on a %s queue", idx,
				writable ? "read-only" : "writable",
				writable ? "receive" : "transmit");
			return -1;
		}
		addr = d.addr;
		len = d.len;
		if (addr + len < addr) {
			vq_fail(vm, vq, qi, "descriptor %u: address %#llx + length %llu overflows",
				idx, (unsigned long long)addr, (unsigned long long)len);
			return -1;
		}
		*total += len;
		while (len) {
			uint64_t n;
			uint8_t *p = gpa_to_host(vm, addr, &n);

			if (!p) {
				vq_fail(vm, vq, qi, "descriptor %u: %#llx+%llu outside guest memory",
					idx, (unsigned long long)addr,
					(unsigned long long)len);
				return -1;
			}
			if (nseg == MAX_SEGS) {
				vq_fail(vm, vq, qi, "descriptor chain from %u has more than %u segments",
					head, MAX_SEGS);
				return -1;
			}
			if (n > len)
				n = len;
			segs[nseg].iov_base = p;
			segs[nseg].iov_len = n;
			nseg++;
			addr += n;
			len -= n;
		}
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		idx = d.next;
		if (idx >= tnum) {
			vq_fail(vm, vq, qi, "next descriptor %u out of range %u", idx, tnum);
			return -1;
		}
	}
	return nseg;
}
