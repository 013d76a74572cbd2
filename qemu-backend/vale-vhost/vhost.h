/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale-vhost: the daemon's shared types and the interfaces between its
 * files.  One file per concern:
 *
 *   main.c         options, the epoll loop, signals, the retry timer
 *   config.c       --vm specs, --config files, direct pairs
 *   log.c          log levels, per-VM errors
 *   conn.c         the UNIX socket of a VM NIC: listen/accept or connect,
 *                  message reading (fds included, a bounded number of
 *                  requests per loop turn), replies, disconnect
 *   msg.c          vhost-user requests: one table row per request (size
 *                  rule, fds, queue index, handler)
 *   mem.c          the memory table, address translation, the SIGBUS guard
 *   virtq.c        split virtqueues: chains, used ring, notifications
 *   fdio.c         kicks and interrupts on the front-end's eventfds,
 *                  never blocking (poll, then a watchdog-guarded op)
 *   net.c          virtio-net: the header and mergeable rx buffers
 *   bind_direct.c  the direct binding: two VM NICs back to back
 *   bind_vale.c    the vale binding: a vale switch port through libvale
 *   stats.c        counters as JSON (stats socket, SIGUSR1)
 *
 * The wire format is ../vhost_user.h, shared with the hostile test
 * front-end; logging, --version, UNIX sockets and signals are
 * ../common/daemon.h, shared with vale-vmpi.  Everything runs in one thread: no locks.
 */
#ifndef VALE_VHOST_H
#define VALE_VHOST_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <linux/virtio_ring.h>

#include "daemon.h"
#include "libvale.h"
#include "vhost_user.h"

#define MAX_QP		8		/* queue pairs per VM NIC */
#define MAX_VQ		(2 * MAX_QP)
#define MAX_QSIZE	32768
#define MAX_SEGS	256		/* host segments of one chain */
#define MAX_PKT		(65535 + 14 + 4)
#define BATCH		256		/* chains per batch */
#define BUDGET		4		/* batches per queue per loop turn */
#define BLOCK_MS	200		/* backpressure before dropping */
#define RECONNECT_MS	1000

/* ---- log.c (the rest is ../common/log.c) ----------------------------- */

#define vm_log(vm, level, ...) logmsg(level, (vm)->name, __VA_ARGS__)

/* ---- data structures ----------------------------------------------------- */

enum ev_type { EV_LISTEN, EV_CONN, EV_KICK, EV_PORT, EV_SIGNAL, EV_TIMER,
	       EV_STATS };

/* What an epoll entry stands for (epoll_event.data.ptr). */
struct ev {
	enum ev_type type;
	struct vm *vm;
	unsigned int idx;
};

/* One guest memory region, mapped from the front-end's file. */
struct region {
	uint64_t gpa, size, uva;
	uint8_t *host;		/* host address of gpa */
	void *map;
	size_t map_len;
};

/*
 * One split virtqueue.  desc/avail/used point into guest memory: they are
 * valid while addr_set (and the memory table they were translated with)
 * holds, and every field behind them is the guest's to change at any time.
 */
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

/* What a tx batch left to publish on the other side (bind_*.c). */
struct tx_batch {
	struct vm *touched;		/* direct: the peer rx queue written */
	int touched_q;
};

struct binding_ops;

struct vm {
	char name[64];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	bool client;
	unsigned int max_qp;
	const struct binding_ops *ops;
	char target[64];		/* vale port or direct pair name */
	struct vm *peer;		/* direct */
	struct vale_handle *port;		/* vale, while connected */
	uint64_t next_connect;		/* client mode: ms */

	int listen_fd, conn_fd;
	struct ev ev_listen, ev_conn, ev_port;

	/* negotiated state, reset on disconnect */
	uint64_t features, proto;
	bool owner;
	unsigned int hdr_len;
	unsigned int nregions;
	struct region reg[VHU_MAX_MEM_REGIONS];
	uint64_t mem_bytes;		/* guest memory the table describes */
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

/*
 * A binding: where a VM NIC's frames go and where its received frames come
 * from.  Every hook is called with the VM connected.
 *   connected     after the front-end connected (vale: open the port)
 *   disconnected  after the connection closed (vale: close the port)
 *   forward       one packet of @len bytes (guest segments after @skip)
 *                 from tx queue pair @qp: 0 sent, 1 dropped (counted by
 *                 the caller), -ENOBUFS to hold it back (@may_block only)
 *   tx_flush      end of a tx batch: publish what forward() left staged
 *   rx_kicked     the guest added rx buffers on queue @qi
 */
struct binding_ops {
	const char *mode;		/* "direct", "vale" (stats) */
	const char *what;		/* what the target names (log) */
	void (*connected)(struct vm *vm);
	void (*disconnected)(struct vm *vm);
	int (*forward)(struct vm *vm, unsigned int qp, const struct iovec *segs,
		       unsigned int nseg, uint64_t skip, uint64_t len,
		       bool may_block, struct tx_batch *b);
	void (*tx_flush)(struct vm *vm, struct tx_batch *b);
	void (*rx_kicked)(struct vm *vm, unsigned int qi);
};

extern const struct binding_ops direct_binding;	/* bind_direct.c */
extern const struct binding_ops vale_binding;	/* bind_vale.c */

/* ---- main.c ------------------------------------------------------------- */

extern struct vm *vms;
extern int epfd;
extern int nr_busy;		/* queues with work left over */
extern uint64_t offered_features;
extern const uint64_t offered_proto;

uint64_t now_ms(void);
void ep_add(int fd, struct ev *ev, uint32_t events);
void ep_del(int fd);
void close_fd(int *fd);

static inline bool has_feature(const struct vm *vm, unsigned int bit)
{
	return vm->features & (1ull << bit);
}

/* ---- log.c -------------------------------------------------------------- */

void vm_error(struct vm *vm, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- config.c ----------------------------------------------------------- */

extern const char *stats_path;
extern uint64_t max_vm_mem, max_total_mem;	/* guest memory limits, bytes */

int parse_size(const char *s, uint64_t *v);

int parse_vm(const char *spec);
int parse_config(const char *path);
int check_pairs(void);

/* ---- conn.c ------------------------------------------------------------- */

int vm_listen(struct vm *vm);
void vm_accept(struct vm *vm);
void vm_try_connect(struct vm *vm);
void vm_connected(struct vm *vm, int fd);
void vm_disconnect(struct vm *vm, const char *why);
void conn_readable(struct vm *vm);
int send_reply(struct vm *vm, uint32_t req, const void *payload, uint32_t size);

/* ---- msg.c -------------------------------------------------------------- */

const char *req_name(uint32_t r);
int handle_msg(struct vm *vm);

/* ---- mem.c -------------------------------------------------------------- */

void mem_unmap(struct vm *vm);
uint8_t *gpa_to_host(const struct vm *vm, uint64_t gpa, uint64_t *len);
void *gpa_range(const struct vm *vm, uint64_t gpa, uint64_t size);
void *uva_range(const struct vm *vm, uint64_t uva, uint64_t size);
int set_mem_table(struct vm *vm, const struct vhu_mem_table *t, uint32_t size);
void guard_install(void);

/* The SIGBUS guard: see mem.c. */
extern sigjmp_buf *volatile guard_jb;
void guest_fault(void);

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

/* ---- virtq.c ------------------------------------------------------------ */

/* The event-index fields behind the rings (VIRTIO_RING_F_EVENT_IDX). */
static inline uint16_t *used_event_p(struct vq *vq)
{
	return &vring_used_event(vq);
}

static inline uint16_t *avail_event_p(struct vq *vq)
{
	return (uint16_t *)&vring_avail_event(vq);
}

bool vq_ready(const struct vq *vq);
void vq_set_busy(struct vq *vq, bool busy);
void vq_fail(struct vm *vm, struct vq *vq, unsigned int qi, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void vq_reset(struct vq *vq);
int vq_translate(struct vm *vm, struct vq *vq);
void vq_forget_rings(struct vq *vq);
void vq_flush(struct vm *vm, struct vq *vq);
void vq_stage_used(struct vq *vq, uint16_t offset, uint16_t head, uint32_t len);
int vq_avail(struct vm *vm, struct vq *vq, unsigned int qi);
void vq_notify(struct vm *vm, struct vq *vq, bool on);
int vq_chain(struct vm *vm, struct vq *vq, unsigned int qi, uint16_t head,
	     bool writable, struct iovec *segs, uint64_t *total);

/* ---- fdio.c ------------------------------------------------------------- */

void fdio_install(void);
int kick_consume(int fd);
int call_signal(int fd);

/* ---- net.c -------------------------------------------------------------- */

/*
 * Guest buffers and vale slots are runs of host memory: struct iovec, so
 * that libvale's vale_ring_sendv() and vale_ring_chain_peek() take and
 * give them as they are.
 */

/* A source of bytes: a header followed by segments. */
struct src {
	const uint8_t *hdr;
	unsigned int hdr_len;
	const struct iovec *segs;
	unsigned int nseg;
	uint64_t skip;		/* bytes of segs to skip (the guest's header) */
};

void copy_to_segs(const struct src *s, uint64_t off, const struct iovec *d,
		  unsigned int nd, uint64_t n);
int rx_deliver(struct vm *vm, unsigned int qi, const struct iovec *segs,
	       unsigned int nseg, uint64_t skip, uint64_t pkt_len);
int rx_queue_for(struct vm *vm, unsigned int qp);
void tx_process(struct vm *vm, unsigned int qi);
void rx_kicked(struct vm *vm, unsigned int qi);

/* ---- bind_vale.c -------------------------------------------------------- */

void port_rx(struct vm *vm);

/* ---- stats.c ------------------------------------------------------------ */

void stats_json(FILE *f);
void stats_client(int listen_fd);

#endif /* VALE_VHOST_H */
