/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale: forwarding, in the sender's tx sync context.
 */
#ifndef _VALE_FWD_H
#define _VALE_FWD_H

#include <linux/types.h>

struct vale_port;
struct vale_kring;
struct vale_fwd_scratch;
struct vale_switch;
struct vale_mem;
struct vale_frag;
struct sk_buff_head;

struct vale_fwd_scratch *vale_fwd_scratch_alloc(void);
void vale_fwd_scratch_free(struct vale_fwd_scratch *s);

/*
 * Forward tx slots [kr->st.hwcur, head) of @port, head already validated.
 * Caller holds kr->sync_lock.  Never blocks on a destination.
 */
void vale_fwd_txsync(struct vale_port *port, struct vale_kring *kr, u32 head);

/*
 * Where a batch comes from: a port's tx ring (vale_fwd_txsync()) or a
 * frame a netdev port received (netdev.c, per-CPU scratch).  The frags'
 * buf_idx index @mem; packets for netdev ports are queued on @xmitq for
 * the caller to send once it holds no lock.
 */
struct vale_fwd_src {
	struct vale_switch *sw;
	const struct vale_port *port;	/* the source */
	const struct vale_mem *mem;
	struct vale_fwd_scratch *s;
	struct sk_buff_head *xmitq;
	u32 ring_id;		/* lands on rx ring ring_id % num_rx */
	u16 idx;		/* source port */
};

/*
 * Forward one frame of @len bytes, buffer 0 of @fs->mem, from port
 * @fs->idx.  Called under rcu_read_lock() with @fs->s private to the
 * caller.  Returns 1 if it had no destination, else 0.
 */
u32 vale_fwd_frame(const struct vale_fwd_src *fs, u32 len);

/*
 * The packets of one batch for one destination, in ring order, for a
 * port kind's ops->deliver (port.h): vale_fwd_iter_next() returns the
 * next one's first fragment (its fragments follow) and sets *len, or
 * returns NULL at the end.
 */
struct vale_fwd_iter {
	const struct vale_fwd_scratch *s;
	u16 u, b;
};

const struct vale_frag *vale_fwd_iter_next(struct vale_fwd_iter *it, u32 *len);

/* Netdev ports (netdev.c); no-ops where fwd.c is built in user space. */
#ifdef __KERNEL__
#include <linux/skbuff.h>

void vale_netdev_queue_init(struct sk_buff_head *q);
void vale_netdev_xmit(struct sk_buff_head *q);
#else
struct sk_buff_head {
	int unused;
};

static inline void vale_netdev_queue_init(struct sk_buff_head *q) { }
static inline void vale_netdev_xmit(struct sk_buff_head *q) { }
#endif

#endif /* _VALE_FWD_H */
