// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vhost: vhost-user net backend attaching QEMU VM NICs to vale ports,
 * or two VM NICs back to back ("direct" mode).
 *
 * One process, one thread, one epoll loop.  Each VM NIC is a "vm" with one
 * UNIX socket (listening, or connecting to a QEMU started with server=on),
 * its own memory table and virtqueues, and one binding: a vale port
 * (valeX:Y, through libvale) or a direct peer.
 *
 * Everything the front-end sends and everything in guest memory is
 * untrusted: message sizes and fd counts are checked per request, memory
 * regions are validated and mapped once, every descriptor address and
 * length is translated through the region table with overflow checks, and
 * chains are bounded by the queue size.  A protocol error closes that
 * connection; a bad descriptor stops that queue until the front-end resets
 * it.  Other VMs never notice.
 *
 * Data path (per kick): drain the tx ring in batches, copy every packet
 * into its destination (peer guest rx ring or vale port tx ring), then
 * publish used indexes once per batch and interrupt the guest only if the
 * event index asks for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

#include "libvale.h"
#include "vhost_user.h"

#define VV_VERSION	"0.1"

#define MAX_QP		8		/* queue pairs per VM NIC */
#define MAX_VQ		(2 * MAX_QP)
#define MAX_QSIZE	32768
#define MAX_SEGS	256		/* host segments of one chain */
#define MAX_PKT		(65535 + 14 + 4)
#define BATCH		256		/* chains per batch */
#define BUDGET		4		/* batches per queue per loop turn */
#define BLOCK_MS	200		/* backpressure before dropping */
#define RECONNECT_MS	1000

/* ----------------------------------------------------------------------- */
/* logging */

enum { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };
static int log_level = LOG_INFO;
static const char *const level_names[] = { "error", "warn", "info", "debug" };

static void __attribute__((format(printf, 3, 4)))
logmsg(int level, const char *who, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	fprintf(stderr, "vale-vhost: %s%s%s%s: ", who ? "[" : "", who ? who : "",
		who ? "] " : "", level_names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

#define err(...)	logmsg(LOG_ERR, NULL, __VA_ARGS__)
#define info(...)	logmsg(LOG_INFO, NULL, __VA_ARGS__)

/* ----------------------------------------------------------------------- */
/* data structures */

enum ev_type { EV_LISTEN, EV_CONN, EV_KICK, EV_PORT, EV_SIGNAL, EV_TIMER,
	       EV_STATS };

struct ev {
	enum ev_type type;
	struct vm *vm;
	unsigned int idx;
};

struct region {
	uint64_t gpa, size, uva;
	uint8_t *host;		/* host address of gpa */
	void *map;
	size_t map_len;
};

struct vq {
	unsigned int num;		/* 0: not set */
	uint16_t last_avail;		/* next avail entry to take */
	uint16_t last_used;		/* published used->idx */
	uint16_t pending;		/* used entries staged, not published */
	bool addr_set, started, enabled, broken, blocked;
	uint64_t blocked_since;		/* ms */
	uint64_t desc_ua, avail_ua, used_ua;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	int kick_fd, call_fd, err_fd;
	bool busy;			/* on the run list */
	struct ev ev;
};

struct stats {
	uint64_t tx_packets, tx_bytes, tx_drops, tx_errors;
	uint64_t rx_packets, rx_bytes, rx_drops;
	uint64_t kicks, interrupts, connects, disconnects, errors;
};

enum binding { BIND_DIRECT, BIND_VALE };

struct vm {
	char name[64];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	bool client;
	unsigned int max_qp;
	enum binding bind;
	char target[64];		/* vale port or direct pair name */
	struct vm *peer;
	struct vale_port *port;
	uint64_t next_connect;		/* client mode: ms */

	int listen_fd, conn_fd;
	struct ev ev_listen, ev_conn, ev_port;

	/* negotiated state, reset on disconnect */
	uint64_t features, proto;
	bool owner;
	unsigned int hdr_len;
	unsigned int nregions;
	struct region reg[VHU_MAX_MEM_REGIONS];
	struct vq vq[MAX_VQ];

	/* message being received */
	struct vhu_msg msg;
	size_t msg_len;
	int fds[VHU_MAX_FDS];
	unsigned int nfds;

	struct stats st;
	uint64_t q_packets[MAX_VQ];	/* per queue, since the daemon started */
	char last_error[160];
	struct vm *next;
};

static struct vm *vms;
static int epfd = -1;
static int nr_busy;		/* queues with work left over */
static const char *stats_path;
static int stats_fd = -1;
static bool quit;

static uint64_t offered_features =
	(1ull << VIRTIO_F_VERSION_1) |
	(1ull << VIRTIO_NET_F_MRG_RXBUF) |
	(1ull << VIRTIO_RING_F_EVENT_IDX) |
	(1ull << VIRTIO_RING_F_INDIRECT_DESC) |
	(1ull << VIRTIO_F_ANY_LAYOUT) |
	(1ull << VIRTIO_NET_F_MQ) |
	(1ull << VHU_F_PROTOCOL_FEATURES);

static const uint64_t offered_proto =
	(1ull << VHU_PROTO_F_MQ) |
	(1ull << VHU_PROTO_F_REPLY_ACK) |
	(1ull << VHU_PROTO_F_MTU);

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define vm_log(vm, level, ...) logmsg(level, (vm)->name, __VA_ARGS__)

static void __attribute__((format(printf, 2, 3)))
vm_error(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vm->last_error, sizeof(vm->last_error), fmt, ap);
	va_end(ap);
	vm->st.errors++;
	vm_log(vm, LOG_ERR, "%s", vm->last_error);
}

static bool has_feature(const struct vm *vm, unsigned int bit)
{
	return vm->features & (1ull << bit);
}

static void ep_add(int fd, struct ev *ev, uint32_t events)
{
	struct epoll_event e = { .events = events, .data.ptr = ev };

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e) < 0)
		err("epoll_ctl add fd %d: %s", fd, strerror(errno));
}

static void ep_del(int fd)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* ----------------------------------------------------------------------- */
/* guest memory */

static void mem_unmap(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nregions; i++)
		munmap(vm->reg[i].map, vm->reg[i].map_len);
	vm->nregions = 0;
}

/* Host pointer for guest physical @gpa; *@len gets the bytes contiguous. */
static uint8_t *gpa_to_host(const struct vm *vm, uint64_t gpa, uint64_t *len)
{
	unsigned int i;

	for (i = 0; i < vm->nregions; i++) {
		const struct region *r = &vm->reg[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size) {
			*len = r->size - (gpa - r->gpa);
			return r->host + (gpa - r->gpa);
		}
	}
	return NULL;
}

/* Host pointer for @size contiguous bytes at guest physical @gpa. */
static void *gpa_range(const struct vm *vm, uint64_t gpa, uint64_t size)
{
	uint64_t n;
	uint8_t *p = gpa_to_host(vm, gpa, &n);

	return p && n >= size ? p : NULL;
}

/* Host pointer for @size bytes at front-end virtual address @uva. */
static void *uva_range(const struct vm *vm, uint64_t uva, uint64_t size)
{
	unsigned int i;

	for (i = 0; i < vm->nregions; i++) {
		const struct region *r = &vm->reg[i];

		if (uva >= r->uva && uva - r->uva < r->size &&
		    r->size - (uva - r->uva) >= size)
			return r->host + (uva - r->uva);
	}
	return NULL;
}

/*
 * SIGBUS from guest memory.
 *
 * Guest RAM is a file the front-end owns (a memfd, a hugetlbfs file).  The
 * memory table is checked against the file's size when it arrives, but the
 * front-end can shrink the file afterwards (ftruncate), and a hugetlbfs
 * file can run out of huge pages: the next access to a page that is gone
 * raises SIGBUS, which by default kills the daemon and every VM with it.
 * Checking the file size before each access would cost a system call per
 * packet and still race with the truncation, so instead:
 *
 *  - every code path that touches guest memory (one kick, one batch loop
 *    turn, one control message, a stats read) runs under GUARDED(), which
 *    records a sigsetjmp() point;
 *  - the SIGBUS handler (SA_NODEFER, so that SIGBUS is not left blocked
 *    after a siglongjmp that does not restore the mask) notes the faulting
 *    address and siglongjmp()s back there;
 *  - guest_fault() finds the VM whose mapping holds that address (in
 *    direct mode the fault may be in the peer's memory, not in the memory
 *    of the VM whose kick is being served), logs an error for it and closes
 *    its connection; its mappings go away with it.  The daemon and every
 *    other VM carry on; a batch cut short leaves the other VM's queue in a
 *    consistent state (used entries are staged and published in steps
 *    that a jump cannot tear: the counters that publish them are updated
 *    only after the copy).
 *
 * A SIGBUS outside a guarded section, or at an address that is not guest
 * memory, is a bug in the daemon: the handler restores the default action
 * and the fault repeats and dumps core.
 */
static sigjmp_buf *volatile guard_jb;
static void *volatile fault_addr;

static void sigbus_handler(int sig, siginfo_t *si, void *uc)
{
	sigjmp_buf *jb = guard_jb;

	(void)uc;
	fault_addr = si->si_addr;
	if (jb)
		siglongjmp(*jb, 1);
	signal(sig, SIG_DFL);
}

static struct vm *vm_of_addr(const void *addr)
{
	const uint8_t *a = addr;
	struct vm *vm;
	unsigned int i;

	for (vm = vms; vm; vm = vm->next)
		for (i = 0; i < vm->nregions; i++)
			if (a >= (uint8_t *)vm->reg[i].map &&
			    a < (uint8_t *)vm->reg[i].map + vm->reg[i].map_len)
				return vm;
	return NULL;
}

static void vm_disconnect(struct vm *vm, const char *why);
static bool vq_ready(const struct vq *vq);
static void vq_set_busy(struct vq *vq, bool busy);

static void guest_fault(void)
{
	void *addr = fault_addr;
	struct vm *vm = vm_of_addr(addr);

	if (!vm) {
		err("SIGBUS at %p, outside guest memory", addr);
		abort();
	}
	vm_error(vm, "guest memory at %p is gone (SIGBUS): the front-end shrank its memory file?",
		 addr);
	vm_disconnect(vm, "guest memory fault");
	/*
	 * The batch cut short may have been another VM's (direct peer), with
	 * its ring half drained and its notifications off: look at every
	 * transmit queue again on the next loop turn.
	 */
	for (vm = vms; vm; vm = vm->next) {
		unsigned int q;

		for (q = 1; q < MAX_VQ && vm->conn_fd >= 0; q += 2)
			if (vq_ready(&vm->vq[q]))
				vq_set_busy(&vm->vq[q], true);
	}
}

/* Run @stmt; a SIGBUS on guest memory inside it disconnects that VM. */
#define GUARDED(stmt) do {						\
	sigjmp_buf jb_, *prev_ = guard_jb;				\
									\
	if (sigsetjmp(jb_, 0) == 0) {					\
		guard_jb = &jb_;					\
		stmt;							\
		guard_jb = prev_;					\
	} else {							\
		guard_jb = prev_;					\
		guest_fault();						\
	}								\
} while (0)

/* ----------------------------------------------------------------------- */
/* virtqueues */

static bool need_event(uint16_t event, uint16_t new, uint16_t old)
{
	return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
}

static uint16_t *used_event_p(struct vq *vq)
{
	return &vq->avail->ring[vq->num];
}

static uint16_t *avail_event_p(struct vq *vq)
{
	return (uint16_t *)&vq->used->ring[vq->num];
}

static bool vq_ready(const struct vq *vq)
{
	return vq->started && vq->addr_set && !vq->broken;
}

static void vq_set_busy(struct vq *vq, bool busy)
{
	if (vq->busy != busy)
		nr_busy += busy ? 1 : -1;
	vq->busy = busy;
}

static void vq_fail(struct vm *vm, struct vq *vq, unsigned int qi,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void vq_fail(struct vm *vm, struct vq *vq, unsigned int qi,
		    const char *fmt, ...)
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

static void vq_reset(struct vq *vq)
{
	if (vq->kick_fd >= 0)
		ep_del(vq->kick_fd);
	close_fd(&vq->kick_fd);
	close_fd(&vq->call_fd);
	close_fd(&vq->err_fd);
	vq_set_busy(vq, false);
	vq->num = 0;
	vq->last_avail = vq->last_used = vq->pending = 0;
	vq->addr_set = vq->started = vq->broken = vq->blocked = false;
	vq->enabled = false;
	vq->desc = NULL;
	vq->avail = NULL;
	vq->used = NULL;
}

static int vq_translate(struct vm *vm, struct vq *vq)
{
	uint64_t n = vq->num;

	vq->desc = uva_range(vm, vq->desc_ua, 16 * n);
	vq->avail = uva_range(vm, vq->avail_ua, 6 + 2 * n);
	vq->used = uva_range(vm, vq->used_ua, 6 + 8 * n);
	if (!vq->desc || !vq->avail || !vq->used)
		return -EFAULT;
	return 0;
}

/* Publish staged used entries; interrupt the guest if it asked for it. */
static void vq_flush(struct vm *vm, struct vq *vq)
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
		kick = need_event(__atomic_load_n(used_event_p(vq), __ATOMIC_RELAXED),
				  new, old);
	else
		kick = !(__atomic_load_n(&vq->avail->flags, __ATOMIC_RELAXED) &
			 VRING_AVAIL_F_NO_INTERRUPT);
	if (kick && vq->call_fd >= 0) {
		eventfd_write(vq->call_fd, 1);
		vm->st.interrupts++;
	}
}

static void vq_stage_used(struct vq *vq, uint16_t offset, uint16_t head,
			  uint32_t len)
{
	struct vring_used_elem *e;

	e = &vq->used->ring[(uint16_t)(vq->last_used + vq->pending + offset) &
			    (vq->num - 1)];
	e->id = head;
	e->len = len;
}

/* Entries the guest made available beyond last_avail, or -1 if insane. */
static int vq_avail(struct vm *vm, struct vq *vq, unsigned int qi)
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
static void vq_notify(struct vm *vm, struct vq *vq, bool on)
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

struct seg {
	uint8_t *p;
	uint32_t len;
};

/*
 * Walk the chain at @head into host segments.  Returns the number of
 * segments (total length in *@total), or -1 after failing the queue.
 */
static int vq_chain(struct vm *vm, struct vq *vq, unsigned int qi, uint16_t head,
		    bool writable, struct seg *segs, uint64_t *total)
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
			segs[nseg].p = p;
			segs[nseg].len = n;
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

/* A source of bytes: a header followed by segments. */
struct src {
	const uint8_t *hdr;
	unsigned int hdr_len;
	const struct seg *segs;
	unsigned int nseg;
	uint64_t skip;		/* bytes of segs to skip (the guest's header) */
};

/* Copy @n bytes from @s at stream offset @off into segments @d. */
static void copy_to_segs(const struct src *s, uint64_t off, const struct seg *d,
			 unsigned int nd, uint64_t n)
{
	unsigned int di = 0, si = 0;
	uint64_t doff = 0, soff;

	/* position in the source */
	soff = off;
	while (n) {
		const uint8_t *sp;
		uint64_t savail, davail, c;

		if (soff < s->hdr_len) {
			sp = s->hdr + soff;
			savail = s->hdr_len - soff;
		} else {
			uint64_t o = soff - s->hdr_len + s->skip;

			si = 0;
			while (si < s->nseg && o >= s->segs[si].len)
				o -= s->segs[si++].len;
			if (si == s->nseg)
				return;
			sp = s->segs[si].p + o;
			savail = s->segs[si].len - o;
		}
		while (di < nd && doff == d[di].len) {
			di++;
			doff = 0;
		}
		if (di == nd)
			return;
		davail = d[di].len - doff;
		c = n < savail ? n : savail;
		if (c > davail)
			c = davail;
		memcpy(d[di].p + doff, sp, c);
		doff += c;
		soff += c;
		n -= c;
	}
}

/* Host address of byte @off of a segment list, NULL beyond its end. */
static uint8_t *seg_byte(const struct seg *d, unsigned int nd, uint64_t off)
{
	unsigned int i;

	for (i = 0; i < nd; i++) {
		if (off < d[i].len)
			return d[i].p + off;
		off -= d[i].len;
	}
	return NULL;
}

/*
 * Put one packet into rx queue @qi of @vm.  Returns 0, -ENOBUFS when the
 * guest has no room, -EMSGSIZE when a non-mergeable buffer is too small,
 * -EIO when the queue failed.  Used entries are staged (vq_flush publishes).
 */
static int rx_deliver(struct vm *vm, unsigned int qi, const struct seg *segs,
		      unsigned int nseg, uint64_t skip, uint64_t pkt_len)
{
	struct vq *vq = &vm->vq[qi];
	static struct seg dsegs[MAX_SEGS];
	struct virtio_net_hdr_mrg_rxbuf h;
	struct src s = { .hdr = (const uint8_t *)&h, .hdr_len = vm->hdr_len,
			 .segs = segs, .nseg = nseg, .skip = skip };
	uint64_t need = vm->hdr_len + pkt_len, done = 0;
	bool mrg = has_feature(vm, VIRTIO_NET_F_MRG_RXBUF);
	uint16_t avail_idx, local = vq->last_avail, nbuf = 0;
	uint8_t *nb_lo = NULL, *nb_hi = NULL;
	int n;

	n = vq_avail(vm, vq, qi);
	if (n < 0)
		return -EIO;
	avail_idx = vq->last_avail + n;
	memset(&h, 0, sizeof(h));
	while (done < need) {
		uint16_t head;
		uint64_t total, c;
		int nd;

		if (local == avail_idx || (uint16_t)(vq->pending + nbuf) >= vq->num)
			return -ENOBUFS;
		head = __atomic_load_n(&vq->avail->ring[local & (vq->num - 1)],
				       __ATOMIC_RELAXED);
		nd = vq_chain(vm, vq, qi, head, true, dsegs, &total);
		if (nd < 0)
			return -EIO;
		if (nbuf == 0) {
			if (total < vm->hdr_len || (!mrg && total < need))
				return -EMSGSIZE;
		}
		local++;
		c = need - done < total ? need - done : total;
		if (nbuf == 0 && vm->hdr_len == sizeof(h)) {
			/* where num_buffers lands, however the header is split */
			size_t o = offsetof(struct virtio_net_hdr_mrg_rxbuf, num_buffers);

			nb_lo = seg_byte(dsegs, nd, o);
			nb_hi = seg_byte(dsegs, nd, o + 1);
		}
		copy_to_segs(&s, done, dsegs, nd, c);
		vq_stage_used(vq, nbuf, head, c);
		nbuf++;
		done += c;
	}
	if (nb_lo && nb_hi) {
		*nb_lo = nbuf & 0xff;
		*nb_hi = nbuf >> 8;
	}
	vq->last_avail = local;
	vq->pending += nbuf;
	vm->st.rx_packets++;
	vm->st.rx_bytes += pkt_len;
	vm->q_packets[qi]++;
	return 0;
}

/* Rx queue of @vm that traffic from tx queue pair @qp goes to, or -1. */
static int rx_queue_for(struct vm *vm, unsigned int qp)
{
	unsigned int q = qp < vm->max_qp ? qp : 0;

	if (vq_ready(&vm->vq[2 * q]) && vm->vq[2 * q].enabled)
		return 2 * q;
	if (vq_ready(&vm->vq[0]) && vm->vq[0].enabled)
		return 0;
	return -1;
}

/*
 * Copy one packet of @len bytes (guest segments @segs after @skip bytes)
 * straight into the buffers of vale tx ring @r from cur on, MOREFRAG on
 * all slots but the last, and advance head and cur past it (no sync).
 * Returns 0, -ENOBUFS when the ring has no room for all of it, or
 * -EMSGSIZE when vale cannot carry it.
 */
static int ring_send_segs(struct vale_port_ring *r, const struct seg *segs,
			  unsigned int nseg, uint64_t skip, uint64_t len)
{
	static struct seg d[VALE_MAX_FRAGS];
	struct src s = { .segs = segs, .nseg = nseg, .skip = skip };
	uint32_t bs = r->buf_size, cur, n, i;
	uint64_t left = len;

	if (!len || len > VALE_MAX_PKT_LEN)
		return -EMSGSIZE;
	n = (len + bs - 1) / bs;
	if (n > VALE_MAX_FRAGS)
		return -EMSGSIZE;
	if (vale_ring_space(r) < n)
		return -ENOBUFS;
	cur = vale_ring_cur(r);
	for (i = 0; i < n; i++) {
		struct vale_slot *sl = vale_ring_slot(r, cur);
		uint32_t c = left < bs ? left : bs;

		/* our own tx slots: only we change buf_idx, but check anyway */
		d[i].p = vale_ring_buf_checked(r, sl);
		if (!d[i].p)
			return -EMSGSIZE;
		d[i].len = c;
		sl->len = c;
		sl->flags = i + 1 < n ? VALE_SLOT_MOREFRAG : 0;
		left -= c;
		cur = vale_ring_next(r, cur);
	}
	copy_to_segs(&s, 0, d, n, len);
	vale_ring_advance(r, cur);	/* release: the copies come first */
	return 0;
}

/*
 * Forward one packet from @vm's tx queue pair @qp.  Returns 0 (sent), 1
 * (dropped) or -ENOBUFS to hold it back (direct peer full, not for long).
 */
static int forward(struct vm *vm, unsigned int qp, const struct seg *segs,
		   unsigned int nseg, uint64_t skip, uint64_t len, bool may_block,
		   struct vm **touched, int *touched_q)
{
	if (vm->bind == BIND_DIRECT) {
		struct vm *peer = vm->peer;
		int q = peer && peer->conn_fd >= 0 ? rx_queue_for(peer, qp) : -1;
		int r;

		if (q < 0)
			goto drop;
		r = rx_deliver(peer, q, segs, nseg, skip, len);
		if (r == 0 || r == -ENOBUFS) {
			if (*touched && (*touched != peer || *touched_q != q))
				vq_flush(*touched, &(*touched)->vq[*touched_q]);
			*touched = peer;
			*touched_q = q;
		}
		if (r == 0)
			return 0;
		if (r == -ENOBUFS && may_block) {
			vq_notify(peer, &peer->vq[q], true);
			return -ENOBUFS;
		}
		if (r == -ENOBUFS || r == -EMSGSIZE)
			peer->st.rx_drops++;
		goto drop;
	}
	if (vm->port) {
		unsigned int nr = vale_port_num_tx_rings(vm->port);
		struct vale_port_ring *ring = vale_port_tx_ring(vm->port, qp % (nr ? nr : 1));
		int r;

		if (!ring)
			goto drop;
		r = ring_send_segs(ring, segs, nseg, skip, len);
		if (r == -ENOBUFS) {
			vale_port_sync_tx(vm->port);
			r = ring_send_segs(ring, segs, nseg, skip, len);
		}
		if (r == 0)
			return 0;
	}
drop:
	vm->st.tx_drops++;
	return 1;
}

/* Drain tx queue @qi of @vm: at most BUDGET batches. */
static void tx_process(struct vm *vm, unsigned int qi)
{
	struct vq *vq = &vm->vq[qi];
	static struct seg segs[MAX_SEGS];
	struct vm *touched = NULL;
	int touched_q = -1;
	unsigned int b;
	uint64_t now = 0;

	vq_set_busy(vq, false);
	if (!vq_ready(vq) || !vm->nregions)
		return;
	for (b = 0; b < BUDGET; b++) {
		int n = vq_avail(vm, vq, qi), i;

		if (n < 0)
			goto out;
		if (n == 0) {
			vq_notify(vm, vq, true);
			n = vq_avail(vm, vq, qi);
			if (n <= 0)
				goto out;
		}
		vq_notify(vm, vq, false);
		if (n > BATCH)
			n = BATCH;
		for (i = 0; i < n; i++) {
			uint16_t head = __atomic_load_n(&vq->avail->ring[vq->last_avail & (vq->num - 1)],
							__ATOMIC_RELAXED);
			uint64_t total;
			int nseg = vq_chain(vm, vq, qi, head, false, segs, &total);

			if (nseg < 0)
				goto out;
			if (total < vm->hdr_len || total - vm->hdr_len > MAX_PKT ||
			    total == vm->hdr_len) {
				vm->st.tx_errors++;
				vm->st.tx_drops++;
			} else if (!vq->enabled) {
				vm->st.tx_drops++;
			} else {
				bool may_block;

				if (!now)
					now = now_ms();
				may_block = !vq->blocked || now - vq->blocked_since < BLOCK_MS;
				int r = forward(vm, qi / 2, segs, nseg, vm->hdr_len,
						total - vm->hdr_len, may_block,
						&touched, &touched_q);

				if (r == -ENOBUFS) {
					if (!vq->blocked) {
						vq->blocked = true;
						vq->blocked_since = now;
					}
					goto out;
				}
				if (r == 0) {
					vq->blocked = false;
					vm->st.tx_packets++;
					vm->st.tx_bytes += total - vm->hdr_len;
					vm->q_packets[qi]++;
				}
			}
			vq_stage_used(vq, 0, head, 0);
			vq->pending++;
			vq->last_avail++;
		}
		if (touched)
			vq_flush(touched, &touched->vq[touched_q]);
		if (vm->bind == BIND_VALE && vm->port)
			vale_port_sync_tx(vm->port);
		vq_flush(vm, vq);
	}
	vq_set_busy(vq, true);		/* more work: come back next turn */
out:
	if (touched && touched->conn_fd >= 0 && !touched->vq[touched_q].broken)
		vq_flush(touched, &touched->vq[touched_q]);
	if (vm->bind == BIND_VALE && vm->port)
		vale_port_sync_tx(vm->port);
	if (!vq->broken)
		vq_flush(vm, vq);
}

/*
 * Hand the packet at cur of vale rx ring @r to rx queue @q of @vm (-1: no
 * queue running), copying from the port's buffers straight into the
 * guest's.  Returns 1 when a packet was consumed (delivered or dropped), 0
 * when the ring holds no complete packet, -ENOBUFS when the guest has no
 * room: the packet then stays at cur, for the guest's next rx kick.
 */
static int port_rx_one(struct vm *vm, struct vale_port_ring *r, int q)
{
	static struct seg segs[VALE_MAX_FRAGS];
	uint32_t i = vale_ring_cur(r), tail = vale_ring_tail(r);
	unsigned int n = 0;
	uint64_t len = 0;
	bool bad = false;
	uint16_t flags;
	int ret;

	/* slots [cur, tail) are the kernel's writes: read each field once */
	do {
		struct vale_slot *sl;
		uint32_t slen;
		uint8_t *p;

		if (i == tail)
			return 0;
		sl = vale_ring_slot(r, i);
		flags = __atomic_load_n(&sl->flags, __ATOMIC_RELAXED);
		slen = __atomic_load_n(&sl->len, __ATOMIC_RELAXED);
		p = vale_ring_buf_checked(r, sl);
		if (!p || slen > r->buf_size || n == VALE_MAX_FRAGS)
			bad = true;
		else
			segs[n++] = (struct seg){ .p = p, .len = slen };
		len += slen;
		i = vale_ring_next(r, i);
	} while (flags & VALE_SLOT_MOREFRAG);

	if (bad || !len || q < 0) {
		vm->st.rx_drops++;
	} else {
		ret = rx_deliver(vm, q, segs, n, 0, len);
		if (ret == -ENOBUFS)
			return -ENOBUFS;
		if (ret)
			vm->st.rx_drops++;
	}
	vale_ring_advance(r, i);
	return 1;
}

/*
 * vale port -> guest.  The port has one rx ring per queue pair; ring r
 * feeds rx queue pair r (pair 0 while the guest has not enabled pair r),
 * so a flow the switch keeps on one ring stays on one guest queue.  When
 * the guest runs out of rx buffers, what it cannot take waits in the vale
 * ring (and the switch drops, counting drop_ring_full at the port, once
 * that is full too): vale-vhost asks for a kick and carries on when the
 * guest adds buffers (rx_kicked()).  The port fd is edge-triggered, so a
 * ring left waiting does not wake the loop again until new frames arrive.
 */
static void port_rx(struct vm *vm)
{
	unsigned int r, nr, consumed = 0;

	if (!vm->port)
		return;
	nr = vale_port_num_rx_rings(vm->port);
	for (r = 0; r < nr; r++) {
		struct vale_port_ring *ring = vale_port_rx_ring(vm->port, r);
		int q = rx_queue_for(vm, r), ret;

		if (!ring)
			continue;
		while ((ret = port_rx_one(vm, ring, q)) == 1)
			consumed++;
		if (ret == -ENOBUFS) {
			/* publish what went in, then wait for buffers, unless
			 * the guest added some meanwhile
			 */
			vq_flush(vm, &vm->vq[q]);
			vq_notify(vm, &vm->vq[q], true);
			while ((ret = port_rx_one(vm, ring, q)) == 1)
				consumed++;
		}
		if (q >= 0 && !vm->vq[q].broken)
			vq_flush(vm, &vm->vq[q]);
	}
	/* give the consumed slots back; a guest's rx kick often finds none */
	if (consumed)
		vale_port_sync_rx(vm->port);
}

/* Guest @vm added rx buffers on @qi: resume whoever waits for them. */
static void rx_kicked(struct vm *vm, unsigned int qi)
{
	struct vq *vq = &vm->vq[qi];
	unsigned int i;

	if (vq_ready(vq))
		vq_notify(vm, vq, false);
	if (vm->bind == BIND_VALE)
		port_rx(vm);
	if (vm->bind == BIND_DIRECT && vm->peer && vm->peer->conn_fd >= 0) {
		for (i = 1; i < MAX_VQ; i += 2)
			if (vm->peer->vq[i].blocked || vm->peer->vq[i].busy)
				tx_process(vm->peer, i);
	}
}

/* ----------------------------------------------------------------------- */
/* connection */

static void vm_disconnect(struct vm *vm, const char *why)
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
	if (vm->port) {
		/* nothing queued for a guest that is gone */
		vale_port_close(vm->port);
		vm->port = NULL;
		if (vm->ev_port.vm)
			vm->ev_port.vm = NULL;
	}
}

static void vm_connected(struct vm *vm, int fd)
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
	if (vm->bind == BIND_VALE) {
		/* a tx and an rx ring per queue pair: see forward(), port_rx() */
		VALE_PORT_OPTS(po, .num_tx_rings = vm->max_qp, .num_rx_rings = vm->max_qp);
		int r = vale_port_open(vm->target, &po, &vm->port);

		if (r) {
			vm_error(vm, "cannot open vale port %s: %s", vm->target,
				 vale_strerror(r));
			vm->port = NULL;
		} else {
			vm->ev_port = (struct ev){ EV_PORT, vm, 0 };
			/* edge-triggered: see port_rx() */
			ep_add(vale_port_fd(vm->port), &vm->ev_port, EPOLLIN | EPOLLET);
		}
	}
}

static int send_reply(struct vm *vm, uint32_t req, const void *payload,
		      uint32_t size)
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

static int reply_u64(struct vm *vm, uint32_t req, uint64_t v)
{
	return send_reply(vm, req, &v, sizeof(v));
}

static const char *req_name(uint32_t r)
{
	static const char *const names[] = {
		[VHU_GET_FEATURES] = "GET_FEATURES",
		[VHU_SET_FEATURES] = "SET_FEATURES",
		[VHU_SET_OWNER] = "SET_OWNER",
		[VHU_RESET_OWNER] = "RESET_OWNER",
		[VHU_SET_MEM_TABLE] = "SET_MEM_TABLE",
		[VHU_SET_LOG_BASE] = "SET_LOG_BASE",
		[VHU_SET_LOG_FD] = "SET_LOG_FD",
		[VHU_SET_VRING_NUM] = "SET_VRING_NUM",
		[VHU_SET_VRING_ADDR] = "SET_VRING_ADDR",
		[VHU_SET_VRING_BASE] = "SET_VRING_BASE",
		[VHU_GET_VRING_BASE] = "GET_VRING_BASE",
		[VHU_SET_VRING_KICK] = "SET_VRING_KICK",
		[VHU_SET_VRING_CALL] = "SET_VRING_CALL",
		[VHU_SET_VRING_ERR] = "SET_VRING_ERR",
		[VHU_GET_PROTOCOL_FEATURES] = "GET_PROTOCOL_FEATURES",
		[VHU_SET_PROTOCOL_FEATURES] = "SET_PROTOCOL_FEATURES",
		[VHU_GET_QUEUE_NUM] = "GET_QUEUE_NUM",
		[VHU_SET_VRING_ENABLE] = "SET_VRING_ENABLE",
		[VHU_SEND_RARP] = "SEND_RARP",
		[VHU_NET_SET_MTU] = "NET_SET_MTU",
	};

	return r < sizeof(names) / sizeof(names[0]) && names[r] ? names[r] : "unknown";
}

static int set_mem_table(struct vm *vm, const struct vhu_mem_table *t,
			 uint32_t size)
{
	struct region reg[VHU_MAX_MEM_REGIONS];
	unsigned int n = t->nregions, i, j;

	if (n == 0 || n > VHU_MAX_MEM_REGIONS) {
		vm_error(vm, "SET_MEM_TABLE: %u regions (1..%u allowed)", n,
			 VHU_MAX_MEM_REGIONS);
		return -1;
	}
	if (size < 8 + n * sizeof(struct vhu_mem_region)) {
		vm_error(vm, "SET_MEM_TABLE: %u bytes for %u regions", size, n);
		return -1;
	}
	if (vm->nfds != n) {
		vm_error(vm, "SET_MEM_TABLE: %u regions but %u fds", n, vm->nfds);
		return -1;
	}
	memset(reg, 0, sizeof(reg));
	for (i = 0; i < n; i++) {
		const struct vhu_mem_region *m = &t->regions[i];
		uint64_t end_off;
		struct stat st;
		size_t align;

		if (!m->memory_size || m->guest_phys_addr + m->memory_size < m->guest_phys_addr ||
		    m->userspace_addr + m->memory_size < m->userspace_addr ||
		    m->mmap_offset + m->memory_size < m->mmap_offset ||
		    m->mmap_offset + m->memory_size > (uint64_t)SIZE_MAX / 2) {
			vm_error(vm, "SET_MEM_TABLE: region %u (gpa %#llx size %#llx offset %#llx) invalid",
				 i, (unsigned long long)m->guest_phys_addr,
				 (unsigned long long)m->memory_size,
				 (unsigned long long)m->mmap_offset);
			goto fail;
		}
		for (j = 0; j < i; j++) {
			const struct vhu_mem_region *o = &t->regions[j];

			if (m->guest_phys_addr < o->guest_phys_addr + o->memory_size &&
			    o->guest_phys_addr < m->guest_phys_addr + m->memory_size) {
				vm_error(vm, "SET_MEM_TABLE: regions %u and %u overlap", j, i);
				goto fail;
			}
			if (m->userspace_addr < o->userspace_addr + o->memory_size &&
			    o->userspace_addr < m->userspace_addr + m->memory_size) {
				vm_error(vm, "SET_MEM_TABLE: regions %u and %u overlap in the front-end's address space",
					 j, i);
				goto fail;
			}
		}
		end_off = m->mmap_offset + m->memory_size;
		if (fstat(vm->fds[i], &st) < 0 || !S_ISREG(st.st_mode) ||
		    (uint64_t)st.st_size < end_off) {
			vm_error(vm, "SET_MEM_TABLE: region %u: fd is not a file of at least %llu bytes",
				 i, (unsigned long long)end_off);
			goto fail;
		}
		align = st.st_blksize > 4096 ? st.st_blksize : 4096;
		reg[i].map_len = (end_off + align - 1) / align * align;
		reg[i].map = mmap(NULL, reg[i].map_len, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_NORESERVE, vm->fds[i], 0);
		if (reg[i].map == MAP_FAILED) {
			reg[i].map = NULL;
			vm_error(vm, "SET_MEM_TABLE: region %u: mmap %zu bytes: %s", i,
				 reg[i].map_len, strerror(errno));
			goto fail;
		}
		reg[i].gpa = m->guest_phys_addr;
		reg[i].size = m->memory_size;
		reg[i].uva = m->userspace_addr;
		reg[i].host = (uint8_t *)reg[i].map + m->mmap_offset;
	}
	mem_unmap(vm);
	memcpy(vm->reg, reg, sizeof(reg));
	vm->nregions = n;
	for (i = 0; i < MAX_VQ; i++) {
		struct vq *vq = &vm->vq[i];

		if (vq->addr_set && vq_translate(vm, vq) < 0)
			vq_fail(vm, vq, i, "rings outside the new memory table");
	}
	for (i = 0; i < n; i++)
		vm_log(vm, LOG_DEBUG, "region %u: gpa %#llx size %#llx uva %#llx", i,
		       (unsigned long long)reg[i].gpa, (unsigned long long)reg[i].size,
		       (unsigned long long)reg[i].uva);
	return 0;
fail:
	for (i = 0; i < n; i++)
		if (reg[i].map)
			munmap(reg[i].map, reg[i].map_len);
	return -1;
}

/* Payload size a request must have: exact, or [min, max]. */
static bool size_ok(uint32_t req, uint32_t size)
{
	switch (req) {
	case VHU_GET_FEATURES:
	case VHU_GET_PROTOCOL_FEATURES:
	case VHU_GET_QUEUE_NUM:
	case VHU_SET_OWNER:
	case VHU_RESET_OWNER:
		return size == 0 || size == 8;
	case VHU_SET_FEATURES:
	case VHU_SET_PROTOCOL_FEATURES:
	case VHU_SET_VRING_KICK:
	case VHU_SET_VRING_CALL:
	case VHU_SET_VRING_ERR:
	case VHU_SEND_RARP:
	case VHU_NET_SET_MTU:
		return size == 8;
	case VHU_SET_VRING_NUM:
	case VHU_SET_VRING_BASE:
	case VHU_GET_VRING_BASE:
	case VHU_SET_VRING_ENABLE:
		return size == sizeof(struct vhu_vring_state);
	case VHU_SET_VRING_ADDR:
		return size == sizeof(struct vhu_vring_addr);
	case VHU_SET_MEM_TABLE:
		return size >= 8 + sizeof(struct vhu_mem_region) &&
		       size <= sizeof(struct vhu_mem_table);
	}
	return false;
}

static unsigned int fds_expected(const struct vhu_msg *m)
{
	switch (m->hdr.request) {
	case VHU_SET_MEM_TABLE:
		return m->p.mem.nregions;
	case VHU_SET_VRING_KICK:
	case VHU_SET_VRING_CALL:
	case VHU_SET_VRING_ERR:
		return m->p.u64 & VHU_VRING_NOFD ? 0 : 1;
	}
	return 0;
}

/* Kick and call fds must be eventfds: reading or writing anything else
 * could block the daemon. */
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

/* Take ownership of the message's first fd. */
static int take_fd(struct vm *vm)
{
	int fd = vm->fds[0];

	vm->nfds = 0;
	return fd;
}

/* Handle the complete message in vm->msg.  Returns -1 to disconnect. */
static int handle_msg(struct vm *vm)
{
	struct vhu_msg *m = &vm->msg;
	uint32_t req = m->hdr.request, size = m->hdr.size;
	bool replied = false;
	struct vq *vq = NULL;
	unsigned int qi = 0;
	int ret = 0;

	vm_log(vm, LOG_DEBUG, "request %u %s size %u fds %u", req, req_name(req),
	       size, vm->nfds);
	if (!size_ok(req, size)) {
		if (!strcmp(req_name(req), "unknown") || req == VHU_SET_LOG_BASE ||
		    req == VHU_SET_LOG_FD)
			vm_error(vm, "unsupported request %u (%s)", req, req_name(req));
		else
			vm_error(vm, "request %u (%s): bad payload size %u", req,
				 req_name(req), size);
		return -1;
	}
	if (vm->nfds != fds_expected(m)) {
		vm_error(vm, "request %u (%s): %u file descriptors, expected %u",
			 req, req_name(req), vm->nfds, fds_expected(m));
		return -1;
	}
	switch (req) {
	case VHU_SET_VRING_NUM:
	case VHU_SET_VRING_BASE:
	case VHU_GET_VRING_BASE:
	case VHU_SET_VRING_ENABLE:
		qi = m->p.state.index;
		break;
	case VHU_SET_VRING_ADDR:
		qi = m->p.addr.index;
		break;
	case VHU_SET_VRING_KICK:
	case VHU_SET_VRING_CALL:
	case VHU_SET_VRING_ERR:
		if (m->p.u64 & ~(VHU_VRING_IDX_MASK | VHU_VRING_NOFD)) {
			vm_error(vm, "%s: reserved bits set in %#llx", req_name(req),
				 (unsigned long long)m->p.u64);
			return -1;
		}
		qi = m->p.u64 & VHU_VRING_IDX_MASK;
		break;
	default:
		qi = UINT_MAX;
	}
	if ((req == VHU_SET_VRING_KICK || req == VHU_SET_VRING_CALL) &&
	    vm->nfds == 1 && !is_eventfd(vm->fds[0])) {
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

	switch (req) {
	case VHU_GET_FEATURES:
		ret = reply_u64(vm, req, offered_features);
		replied = true;
		break;
	case VHU_SET_FEATURES:
		if (m->p.u64 & ~offered_features) {
			vm_error(vm, "SET_FEATURES %#llx: not offered: %#llx",
				 (unsigned long long)m->p.u64,
				 (unsigned long long)(m->p.u64 & ~offered_features));
			ret = -1;
			break;
		}
		vm->features = m->p.u64;
		vm->hdr_len = has_feature(vm, VIRTIO_F_VERSION_1) ||
			      has_feature(vm, VIRTIO_NET_F_MRG_RXBUF) ?
			      sizeof(struct virtio_net_hdr_mrg_rxbuf) :
			      sizeof(struct virtio_net_hdr);
		if (!has_feature(vm, VHU_F_PROTOCOL_FEATURES))
			for (qi = 0; qi < MAX_VQ; qi++)
				vm->vq[qi].enabled = true;
		vm_log(vm, LOG_DEBUG, "features %#llx", (unsigned long long)vm->features);
		break;
	case VHU_GET_PROTOCOL_FEATURES:
		ret = reply_u64(vm, req, offered_proto);
		replied = true;
		break;
	case VHU_SET_PROTOCOL_FEATURES:
		if (m->p.u64 & ~offered_proto) {
			vm_error(vm, "SET_PROTOCOL_FEATURES %#llx: not offered",
				 (unsigned long long)m->p.u64);
			ret = -1;
			break;
		}
		vm->proto = m->p.u64;
		break;
	case VHU_GET_QUEUE_NUM:
		ret = reply_u64(vm, req, vm->max_qp);
		replied = true;
		break;
	case VHU_SET_OWNER:
		vm->owner = true;
		break;
	case VHU_RESET_OWNER:
		for (qi = 0; qi < MAX_VQ; qi++) {
			vq_reset(&vm->vq[qi]);
			vm->vq[qi].ev = (struct ev){ EV_KICK, vm, qi };
		}
		vm->features = 0;
		vm->owner = false;
		break;
	case VHU_SET_MEM_TABLE:
		ret = set_mem_table(vm, &m->p.mem, size);
		break;
	case VHU_SET_VRING_NUM:
		if (m->p.state.num == 0 || m->p.state.num > MAX_QSIZE ||
		    (m->p.state.num & (m->p.state.num - 1))) {
			vm_error(vm, "SET_VRING_NUM: queue %u size %u invalid", qi,
				 m->p.state.num);
			ret = -1;
			break;
		}
		if (vq->started) {
			vm_error(vm, "SET_VRING_NUM: queue %u is running", qi);
			ret = -1;
			break;
		}
		vq->num = m->p.state.num;
		vq->addr_set = false;
		break;
	case VHU_SET_VRING_BASE:
		if (vq->started || m->p.state.num > 0xffff) {
			vm_error(vm, "SET_VRING_BASE: queue %u base %u refused%s", qi,
				 m->p.state.num, vq->started ? " (queue running)" : "");
			ret = -1;
			break;
		}
		vq->last_avail = m->p.state.num;
		break;
	case VHU_SET_VRING_ADDR: {
		const struct vhu_vring_addr *a = &m->p.addr;

		if (!vq->num || !vm->nregions || (a->flags & ~1u) ||
		    (a->desc_uaddr & 15) || (a->avail_uaddr & 1) ||
		    (a->used_uaddr & 3)) {
			vm_error(vm, "SET_VRING_ADDR: queue %u: %s", qi,
				 !vq->num ? "size not set" :
				 !vm->nregions ? "no memory table" :
				 "bad flags or alignment");
			ret = -1;
			break;
		}
		if (vq->started) {
			vm_error(vm, "SET_VRING_ADDR: queue %u is running", qi);
			ret = -1;
			break;
		}
		vq->desc_ua = a->desc_uaddr;
		vq->avail_ua = a->avail_uaddr;
		vq->used_ua = a->used_uaddr;
		if (vq_translate(vm, vq) < 0) {
			vm_error(vm, "SET_VRING_ADDR: queue %u: rings outside guest memory", qi);
			ret = -1;
			break;
		}
		vq->addr_set = true;
		vq->broken = false;
		vq->pending = 0;
		vq->last_used = __atomic_load_n(&vq->used->idx, __ATOMIC_RELAXED);
		break;
	}
	case VHU_GET_VRING_BASE: {
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
		ret = send_reply(vm, req, &s, sizeof(s));
		replied = true;
		break;
	}
	case VHU_SET_VRING_KICK:
		if (m->p.u64 & VHU_VRING_NOFD) {
			vm_error(vm, "SET_VRING_KICK: queue %u: polling mode (no fd) not supported", qi);
			ret = -1;
			break;
		}
		if (vq->kick_fd >= 0)
			ep_del(vq->kick_fd);
		close_fd(&vq->kick_fd);
		vq->kick_fd = take_fd(vm);
		ep_add(vq->kick_fd, &vq->ev, EPOLLIN);
		vq->started = true;
		if (qi & 1)
			vq_set_busy(vq, true);	/* maybe packets already queued */
		break;
	case VHU_SET_VRING_CALL:
		close_fd(&vq->call_fd);
		if (!(m->p.u64 & VHU_VRING_NOFD))
			vq->call_fd = take_fd(vm);
		break;
	case VHU_SET_VRING_ERR:
		close_fd(&vq->err_fd);
		if (!(m->p.u64 & VHU_VRING_NOFD))
			vq->err_fd = take_fd(vm);
		break;
	case VHU_SET_VRING_ENABLE:
		if (m->p.state.num > 1) {
			vm_error(vm, "SET_VRING_ENABLE: queue %u: value %u", qi, m->p.state.num);
			ret = -1;
			break;
		}
		vq->enabled = m->p.state.num;
		vm_log(vm, LOG_DEBUG, "queue %u %s", qi, vq->enabled ? "enabled" : "disabled");
		if (vq->enabled && (qi & 1))
			vq_set_busy(vq, true);
		break;
	case VHU_SEND_RARP:
		break;
	case VHU_NET_SET_MTU:
		if (m->p.u64 < 68 || m->p.u64 > 65535) {
			vm_error(vm, "NET_SET_MTU %llu out of range",
				 (unsigned long long)m->p.u64);
			ret = -1;
		}
		break;
	}

	/* REPLY_ACK: every request without a reply of its own gets one. */
	if (!replied && (m->hdr.flags & VHU_FLAG_NEED_REPLY) &&
	    (vm->proto & (1ull << VHU_PROTO_F_REPLY_ACK)))
		if (reply_u64(vm, req, ret ? 1 : 0) < 0)
			ret = -1;
	return ret;
}

/* Read what the socket has; dispatch complete messages. */
static void conn_readable(struct vm *vm)
{
	for (;;) {
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

static int unix_socket(const char *path, struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "%s", path);
	return fd;
}

static int vm_listen(struct vm *vm)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd = unix_socket(vm->path, &sa);

	if (fd < 0)
		return -errno;
	if (stat(vm->path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(vm->path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	vm->listen_fd = fd;
	vm->ev_listen = (struct ev){ EV_LISTEN, vm, 0 };
	ep_add(fd, &vm->ev_listen, EPOLLIN);
	return 0;
}

static void vm_accept(struct vm *vm)
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

static void vm_try_connect(struct vm *vm)
{
	struct sockaddr_un sa;
	int fd = unix_socket(vm->path, &sa);

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

/* ----------------------------------------------------------------------- */
/* statistics */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* The ring indexes of @vq as the guest sees them, false if unreadable. */
static bool ring_peek(struct vq *vq, uint16_t r[6])
{
	volatile bool okay = false;

	if (!vq->avail || !vq->used)
		return false;
	GUARDED({
		r[0] = vq->avail->idx;
		r[1] = vq->used->idx;
		r[2] = vq->avail->flags;
		r[3] = vq->used->flags;
		r[4] = *used_event_p(vq);
		r[5] = *avail_event_p(vq);
		okay = true;
	});
	return okay;
}

static void stats_json(FILE *f)
{
	struct vm *vm;
	bool first = true, qfirst;
	unsigned int q;
	uint16_t r[6];

	fprintf(f, "{\"vms\":[");
	for (vm = vms; vm; vm = vm->next) {
		const struct stats *s = &vm->st;

		fprintf(f, "%s{\"name\":", first ? "" : ",");
		first = false;
		json_str(f, vm->name);
		fprintf(f, ",\"socket\":");
		json_str(f, vm->path);
		fprintf(f, ",\"role\":\"%s\",\"mode\":\"%s\",\"target\":",
			vm->client ? "client" : "server",
			vm->bind == BIND_DIRECT ? "direct" : "vale");
		json_str(f, vm->bind == BIND_DIRECT && vm->peer ? vm->peer->name : vm->target);
		fprintf(f, ",\"connected\":%s,\"features\":\"%#llx\","
			"\"tx_packets\":%llu,\"tx_bytes\":%llu,\"tx_drops\":%llu,"
			"\"tx_errors\":%llu,\"rx_packets\":%llu,\"rx_bytes\":%llu,"
			"\"rx_drops\":%llu,\"kicks\":%llu,\"interrupts\":%llu,"
			"\"connects\":%llu,\"disconnects\":%llu,\"errors\":%llu,"
			"\"last_error\":",
			vm->conn_fd >= 0 ? "true" : "false",
			(unsigned long long)vm->features,
			(unsigned long long)s->tx_packets, (unsigned long long)s->tx_bytes,
			(unsigned long long)s->tx_drops, (unsigned long long)s->tx_errors,
			(unsigned long long)s->rx_packets, (unsigned long long)s->rx_bytes,
			(unsigned long long)s->rx_drops, (unsigned long long)s->kicks,
			(unsigned long long)s->interrupts, (unsigned long long)s->connects,
			(unsigned long long)s->disconnects, (unsigned long long)s->errors);
		json_str(f, vm->last_error);
		fprintf(f, ",\"queue_packets\":[");
		for (q = 0; q < 2 * vm->max_qp; q++)
			fprintf(f, "%s%llu", q ? "," : "",
				(unsigned long long)vm->q_packets[q]);
		fprintf(f, "],\"queues\":[");
		for (q = 0, qfirst = true; q < 2 * vm->max_qp; q++) {
			struct vq *vq = &vm->vq[q];

			if (!vq_ready(vq) && !vq->broken)
				continue;
			fprintf(f, "%s{\"index\":%u,\"size\":%u,\"enabled\":%s,"
				"\"broken\":%s,\"blocked\":%s,\"last_avail\":%u,"
				"\"last_used\":%u",
				qfirst ? "" : ",", q, vq->num, vq->enabled ? "true" : "false",
				vq->broken ? "true" : "false", vq->blocked ? "true" : "false",
				vq->last_avail, vq->last_used);
			if (ring_peek(vq, r))
				fprintf(f, ",\"avail_idx\":%u,\"used_idx\":%u,"
					"\"avail_flags\":%u,\"used_flags\":%u,"
					"\"used_event\":%u,\"avail_event\":%u",
					r[0], r[1], r[2], r[3], r[4], r[5]);
			fputc('}', f);
			qfirst = false;
		}
		fprintf(f, "]}");
	}
	fprintf(f, "]}\n");
	fflush(f);
}

static void stats_client(void)
{
	int fd = accept4(stats_fd, NULL, NULL, SOCK_CLOEXEC);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (fd < 0)
		return;
	f = open_memstream(&buf, &len);
	if (f) {
		stats_json(f);
		fclose(f);
		if (send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			info("stats socket: %s", strerror(errno));
		free(buf);
	}
	close(fd);
}

/* ----------------------------------------------------------------------- */
/* configuration */

static struct vm *find_vm(const char *name)
{
	struct vm *vm;

	for (vm = vms; vm; vm = vm->next)
		if (!strcmp(vm->name, name))
			return vm;
	return NULL;
}

/* "NAME,path=SOCK,port=valeX:Y|direct=PAIR[,client][,queues=N]" */
static int parse_vm(const char *spec)
{
	char *s = strdup(spec), *tok, *save = NULL;
	struct vm *vm = calloc(1, sizeof(*vm)), **tail;
	bool have_bind = false;
	unsigned int i;
	int ret = -1;

	if (!s || !vm)
		goto out;
	vm->max_qp = 1;
	vm->listen_fd = vm->conn_fd = -1;
	for (i = 0; i < MAX_VQ; i++)
		vm->vq[i].kick_fd = vm->vq[i].call_fd = vm->vq[i].err_fd = -1;
	tok = strtok_r(s, ",", &save);
	if (!tok || strchr(tok, '=') || strlen(tok) >= sizeof(vm->name) ||
	    !strcmp(tok, "")) {
		err("--vm %s: must start with a name", spec);
		goto out;
	}
	strcpy(vm->name, tok);
	while ((tok = strtok_r(NULL, ",", &save))) {
		char *v = strchr(tok, '=');

		if (v)
			*v++ = 0;
		if (!strcmp(tok, "client") && !v) {
			vm->client = true;
		} else if (!strcmp(tok, "server") && !v) {
			vm->client = false;
		} else if (!strcmp(tok, "path") && v && strlen(v) < sizeof(vm->path) && *v) {
			strcpy(vm->path, v);
		} else if ((!strcmp(tok, "port") || !strcmp(tok, "direct")) && v &&
			   *v && strlen(v) < sizeof(vm->target) && !have_bind) {
			strcpy(vm->target, v);
			vm->bind = tok[0] == 'p' ? BIND_VALE : BIND_DIRECT;
			have_bind = true;
		} else if (!strcmp(tok, "queues") && v) {
			char *end;
			unsigned long q = strtoul(v, &end, 10);

			if (*end || q < 1 || q > MAX_QP) {
				err("--vm %s: queues must be 1..%u", spec, MAX_QP);
				goto out;
			}
			vm->max_qp = q;
		} else {
			err("--vm %s: bad item '%s%s%s'", spec, tok, v ? "=" : "", v ? v : "");
			goto out;
		}
	}
	if (!*vm->path || !have_bind) {
		err("--vm %s: needs path= and port= or direct=", spec);
		goto out;
	}
	if (find_vm(vm->name)) {
		err("--vm %s: name %s used twice", spec, vm->name);
		goto out;
	}
	for (tail = &vms; *tail; tail = &(*tail)->next)
		if (!strcmp((*tail)->path, vm->path)) {
			err("--vm %s: socket %s used twice", spec, vm->path);
			goto out;
		}
	*tail = vm;
	vm = NULL;
	ret = 0;
out:
	free(vm);
	free(s);
	return ret;
}

static int set_log_level(const char *s)
{
	unsigned int i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (!strcmp(s, level_names[i])) {
			log_level = i;
			return 0;
		}
	err("unknown log level %s (error, warn, info, debug)", s);
	return -1;
}

static int parse_config(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	unsigned int n = 0;
	int ret = 0;

	if (!f) {
		err("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *key, *val;

		n++;
		p[strcspn(p, "#\r\n")] = 0;
		key = strtok(p, " \t");
		if (!key)
			continue;
		val = strtok(NULL, " \t");
		if (!val || strtok(NULL, " \t")) {
			err("%s:%u: expected 'KEY VALUE'", path, n);
			ret = -1;
		} else if (!strcmp(key, "vm")) {
			if (parse_vm(val) < 0)
				ret = -1;
		} else if (!strcmp(key, "stats-socket")) {
			stats_path = strdup(val);
		} else if (!strcmp(key, "log-level")) {
			if (set_log_level(val) < 0)
				ret = -1;
		} else {
			err("%s:%u: unknown key %s", path, n, key);
			ret = -1;
		}
	}
	fclose(f);
	return ret;
}

static int check_pairs(void)
{
	struct vm *a, *b;

	for (a = vms; a; a = a->next) {
		unsigned int n = 0;

		if (a->bind != BIND_DIRECT)
			continue;
		for (b = vms; b; b = b->next)
			if (b != a && b->bind == BIND_DIRECT && !strcmp(a->target, b->target)) {
				a->peer = b;
				n++;
			}
		if (n != 1) {
			err("direct pair %s has %u members (needs exactly 2)", a->target, n + 1);
			return -1;
		}
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: vale-vhost [OPTIONS] --vm SPEC [--vm SPEC]...\n"
"vhost-user net backend: attaches QEMU VM NICs (-netdev vhost-user) to vale\n"
"switch ports, or connects two VM NICs back to back (direct mode).\n"
"\n"
"  -n, --vm SPEC           one VM NIC: NAME,path=SOCKET,BINDING[,client][,queues=N]\n"
"                          BINDING is port=valeX:Y (a vale switch port) or\n"
"                          direct=PAIR (the two VMs naming the same PAIR are\n"
"                          connected back to back).  vale-vhost listens on\n"
"                          SOCKET unless 'client' is given: then it connects to\n"
"                          a QEMU started with server=on and reconnects.\n"
"                          queues: queue pairs offered (1..%u, default 1)\n"
"  -c, --config FILE       read 'vm SPEC', 'stats-socket PATH' and\n"
"                          'log-level LEVEL' lines ('#' starts a comment)\n"
"  -S, --stats-socket PATH UNIX socket: every connection gets the counters as\n"
"                          JSON (SIGUSR1 prints them on stdout too)\n"
"  -l, --log-level LEVEL   error, warn, info (default) or debug\n"
"  -v, --verbose           log-level debug\n"
"  -q, --quiet             log-level error\n"
"  -h, --help              this text\n"
"  -V, --version           version\n"
"\n"
"Example:\n"
"  vale-vhost --vm vm1,path=/run/vale/vm1.sock,port=vale0:vm1 \\\n"
"             --vm a,path=/run/vale/a.sock,direct=p0 --vm b,path=/run/vale/b.sock,direct=p0\n"
"See vale-vhost(8) and Documentation/vm-attach.md.\n", MAX_QP);
}

/* ----------------------------------------------------------------------- */
/* main loop */

static void handle_event(struct ev *ev, uint32_t events)
{
	struct vm *vm = ev->vm;

	switch (ev->type) {
	case EV_LISTEN:
		vm_accept(vm);
		break;
	case EV_CONN:
		if (vm->conn_fd >= 0 && events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			conn_readable(vm);
		break;
	case EV_KICK: {
		struct vq *vq = &vm->vq[ev->idx];
		eventfd_t v;

		if (vq->kick_fd < 0)
			break;
		if (eventfd_read(vq->kick_fd, &v) < 0)
			break;
		vm->st.kicks++;
		if (log_level >= LOG_DEBUG && vq_ready(vq))
			vm_log(vm, LOG_DEBUG, "kick queue %u: avail %u/%u used %u/%u event %u flags %#x",
			       ev->idx, vq->avail->idx, vq->last_avail, vq->used->idx,
			       vq->last_used, *used_event_p(vq), vq->avail->flags);
		if (ev->idx & 1)
			tx_process(vm, ev->idx);
		else
			rx_kicked(vm, ev->idx);
		break;
	}
	case EV_PORT:
		if (vm)
			port_rx(vm);
		break;
	case EV_SIGNAL:
	case EV_TIMER:
	case EV_STATS:
		break;
	}
}

/* The guarded entry points of the main loop (see GUARDED). */
static void guarded_event(struct ev *ev, uint32_t events)
{
	GUARDED(handle_event(ev, events));
}

static void guarded_tx(struct vm *vm, unsigned int qi)
{
	GUARDED(tx_process(vm, qi));
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vm", required_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ "stats-socket", required_argument, NULL, 'S' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ev ev_sig = { EV_SIGNAL, NULL, 0 }, ev_timer = { EV_TIMER, NULL, 0 };
	struct ev ev_stats = { EV_STATS, NULL, 0 };
	struct itimerspec its = { { 0, 100 * 1000000 }, { 0, 100 * 1000000 } };
	int c, sfd, tfd;
	sigset_t mask;
	struct vm *vm;

	setvbuf(stderr, NULL, _IOLBF, 0);
	/* for debugging guests: VALE_VHOST_NO_EVENT_IDX=1 VALE_VHOST_NO_MRG=1 */
	if (getenv("VALE_VHOST_NO_EVENT_IDX"))
		offered_features &= ~(1ull << VIRTIO_RING_F_EVENT_IDX);
	if (getenv("VALE_VHOST_NO_MRG"))
		offered_features &= ~(1ull << VIRTIO_NET_F_MRG_RXBUF);
	while ((c = getopt_long(argc, argv, "n:c:S:l:vqhV", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_vm(optarg) < 0)
				return 2;
			break;
		case 'c':
			if (parse_config(optarg) < 0)
				return 2;
			break;
		case 'S':
			stats_path = optarg;
			break;
		case 'l':
			if (set_log_level(optarg) < 0)
				return 2;
			break;
		case 'v':
			log_level = LOG_DEBUG;
			break;
		case 'q':
			log_level = LOG_ERR;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("vale-vhost %s\n", VV_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		err("unexpected argument %s", argv[optind]);
		return 2;
	}
	if (!vms) {
		usage(stderr);
		return 2;
	}
	if (check_pairs() < 0)
		return 2;

	signal(SIGPIPE, SIG_IGN);
	{
		struct sigaction sa = { .sa_sigaction = sigbus_handler,
					.sa_flags = SA_SIGINFO | SA_NODEFER };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, NULL);
	}
	epfd = epoll_create1(EPOLL_CLOEXEC);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (epfd < 0 || sfd < 0 || tfd < 0) {
		err("epoll/signalfd/timerfd: %s", strerror(errno));
		return 1;
	}
	ep_add(sfd, &ev_sig, EPOLLIN);
	timerfd_settime(tfd, 0, &its, NULL);
	ep_add(tfd, &ev_timer, EPOLLIN);

	if (stats_path) {
		struct sockaddr_un sa;
		struct stat st;

		stats_fd = unix_socket(stats_path, &sa);
		if (stat(stats_path, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(stats_path);
		if (stats_fd < 0 || bind(stats_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    listen(stats_fd, 4) < 0) {
			err("stats socket %s: %s", stats_path, strerror(errno));
			return 1;
		}
		ep_add(stats_fd, &ev_stats, EPOLLIN);
	}
	for (vm = vms; vm; vm = vm->next) {
		if (!vm->client) {
			int r = vm_listen(vm);

			if (r < 0) {
				err("%s: cannot listen on %s: %s", vm->name, vm->path, strerror(-r));
				return 1;
			}
		}
		info("%s: %s %s, %s %s, %u queue pair%s", vm->name,
		     vm->client ? "connecting to" : "listening on", vm->path,
		     vm->bind == BIND_DIRECT ? "direct pair" : "vale port", vm->target,
		     vm->max_qp, vm->max_qp > 1 ? "s" : "");
	}

	while (!quit) {
		struct epoll_event evs[64];
		int n, i, timeout = nr_busy ? 0 : -1;
		uint64_t now;

		n = epoll_wait(epfd, evs, 64, timeout);
		if (n < 0 && errno != EINTR) {
			err("epoll_wait: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++) {
			struct ev *ev = evs[i].data.ptr;

			if (ev->type == EV_SIGNAL) {
				struct signalfd_siginfo si;

				while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGUSR1)
						stats_json(stdout);
					else if (si.ssi_signo != SIGHUP)
						quit = true;
				}
			} else if (ev->type == EV_TIMER) {
				uint64_t x;

				if (read(tfd, &x, sizeof(x)) < 0)
					continue;
				now = now_ms();
				for (vm = vms; vm; vm = vm->next) {
					unsigned int q;

					if (vm->client && vm->conn_fd < 0 && now >= vm->next_connect)
						vm_try_connect(vm);
					for (q = 1; q < MAX_VQ; q += 2)
						if (vm->vq[q].blocked)
							vq_set_busy(&vm->vq[q], true);
				}
			} else if (ev->type == EV_STATS) {
				stats_client();
			} else {
				guarded_event(ev, evs[i].events);
			}
		}
		if (nr_busy) {
			for (vm = vms; vm; vm = vm->next) {
				unsigned int q;

				for (q = 0; q < MAX_VQ; q++)
					if (vm->vq[q].busy) {
						if (q & 1)
							guarded_tx(vm, q);
						else
							vq_set_busy(&vm->vq[q], false);
					}
			}
		}
	}
	info("exiting");
	for (vm = vms; vm; vm = vm->next) {
		vm_disconnect(vm, "daemon exiting");
		if (vm->listen_fd >= 0) {
			close(vm->listen_fd);
			unlink(vm->path);
		}
	}
	if (stats_fd >= 0) {
		close(stats_fd);
		unlink(stats_path);
	}
	stats_json(stdout);
	return 0;
}
