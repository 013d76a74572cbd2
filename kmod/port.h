/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale: ports (one per bound /dev/vale file) and their kernel rings.
 */
#ifndef _VALE_PORT_H
#define _VALE_PORT_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/u64_stats_sync.h>
#include <linux/vale.h>

#include "mem.h"
#include "ring.h"
#include "bypass.h"

struct vale_switch;
struct vale_fwd_scratch;
struct vale_fwd_src;
struct vale_fwd_iter;
struct vale_netdev;
struct vale_resv;
struct vale_port;
struct vale_rule_ctr;
struct sk_buff;

/* Drops only some port kinds count (netlink reports them; ring: 0). */
struct vale_port_xstats {
	u64 link_down;
	u64 xmit;
	u64 rx_error;
	u64 recursion;
};

/*
 * What differs between port kinds: ring ports (port.c, one per bound
 * /dev/vale file) and netdev ports (netdev.c).  Constant, one per kind.
 */
struct vale_port_ops {
	u32 kind;			/* enum vale_port_kind */
	bool admin;			/* only the administrator creates them */
	/*
	 * Stage 3 of forwarding for one destination and one batch, called
	 * under rcu_read_lock() with no spinlock held (fwd.c).  NULL: the
	 * port's own rx rings, which fwd.c fills itself (the fast path).
	 */
	void (*deliver)(const struct vale_fwd_src *src, struct vale_port *dst,
			struct vale_fwd_iter *it);
	/* Counters, without sleeping on a lock a user can hold. */
	void (*get_stats)(struct vale_port *port, struct vale_port_stats *st,
			  struct vale_port_xstats *x);
	/* The kind's own attributes of a port message (netlink), or NULL. */
	int (*fill)(struct sk_buff *msg, const struct vale_port *port);
	/*
	 * Remove the port at the administrator's request, RTNL held, not
	 * vale_mutex.  NULL: the port goes only when its file is closed.
	 */
	void (*detach)(struct vale_port *port);
};

extern const struct vale_port_ops vale_ring_port_ops;

/*
 * Counters of one ring, summed into struct vale_port_stats.
 * tx ring: packets/bytes accepted, drop_bad_slot/bad_frag/no_dest.
 * rx ring: packets/bytes delivered, drop_ring_full/too_long, and
 *   drop_bad_slot for rx slots whose buf_idx the owner corrupted.
 */
struct vale_kring_stats {
	u64 packets;
	u64 bytes;
	u64 drop_bad_slot;
	u64 drop_bad_frag;
	u64 drop_no_dest;
	u64 drop_ring_full;
	u64 drop_too_long;
};

/*
 * Kernel side of one ring.
 * tx: sync_lock (a mutex: the owner's syncs sleep-wait for each other)
 *     protects st and scratch, and serializes the writers of stats; lock
 *     is unused.  stats are read without sync_lock (a user may keep it
 *     busy): written with WRITE_ONCE inside syncp's update section,
 *     read with READ_ONCE in a fetch/retry loop (vale_kring_tx_add(),
 *     vale_port_get_stats()).
 * rx: lock (spinlock, taken with _bh: forwarders may later run in softirq)
 *     protects st, stats and the ring's tail field against the owner's
 *     rxsync and concurrent forwarders; sync_lock is unused.
 * ring points into the port's region (user-writable: read once).
 */
struct vale_kring {
	struct vale_ring *ring;
	struct vale_ring_state st;
	struct vale_kring_stats stats;
	struct u64_stats_sync syncp;	/* tx: stats, for lockless readers */
	struct mutex sync_lock;		/* tx: the owner's syncs */
	spinlock_t lock;		/* rx: owner's rxsync vs forwarders */
	struct vale_fwd_scratch *scratch;
	u32 id;
};

/*
 * The fast path of a port of a point-to-point pair: every frame it sends
 * goes to port @peer, decided by the rule whose counters are @ctr (NULL:
 * the p2p lookup, which has no rules).  steer.c publishes it for the
 * port's forwarders, who read it under rcu_read_lock() (fwd.c).
 */
struct vale_fast {
	struct rcu_head rcu;
	struct vale_rule_ctr __percpu *ctr;
	u16 peer;
};

/*
 * A port.  Everything but node and fast is constant between
 * vale_port_register() (vale_netdev_attach()) and release; node is
 * protected by vale_mutex (switch.c), fast is written under vale_mutex
 * with rcu_assign_pointer() (steer.c) and freed with the port.  deliver
 * is a copy of ops->deliver, so that forwarding tests it with one load
 * per destination.  A port is reachable by forwarders of other ports
 * through its switch's RCU port table only, and freed after a grace
 * period (vale_switch_detach()).
 */
struct vale_port {
	struct vale_switch *sw;
	u16 idx;
	const struct vale_port_ops *ops;
	void (*deliver)(const struct vale_fwd_src *src, struct vale_port *dst,
			struct vale_fwd_iter *it);
	char name[VALE_NAME_MAX];	/* the port part of the name */
	struct vale_mem mem;
	u32 num_tx;
	u32 num_rx;
	struct vale_kring *tx;
	struct vale_kring *rx;
	wait_queue_head_t wq;		/* pollers of this port */
	struct list_head node;		/* in sw->port_list */
	struct vale_netdev *nd;		/* netdev.c's, for a netdev port */
	struct vale_resv *resv;		/* admin-created port it opened */
	struct vale_fast __rcu *fast;	/* NULL: not a pair's fast path */
	struct vale_port_bypass bypass;	/* reported by its owner (bypass.h) */
};

/*
 * Per-file state.  lock serializes VALE_IOC_REGISTER on the file; port is
 * set once (smp_store_release) and read with smp_load_acquire.
 */
struct vale_file {
	struct mutex lock;		/* serializes VALE_IOC_REGISTER */
	struct vale_port *port;
};

/* Add one tx sync's counts to @kr's; the caller holds kr->sync_lock. */
static inline void vale_kring_tx_add(struct vale_kring *kr, u64 packets,
				     u64 bytes, u64 bad_slot, u64 bad_frag,
				     u64 no_dest)
{
	struct vale_kring_stats *c = &kr->stats;

	u64_stats_update_begin(&kr->syncp);
	WRITE_ONCE(c->packets, c->packets + packets);
	WRITE_ONCE(c->bytes, c->bytes + bytes);
	WRITE_ONCE(c->drop_bad_slot, c->drop_bad_slot + bad_slot);
	WRITE_ONCE(c->drop_bad_frag, c->drop_bad_frag + bad_frag);
	WRITE_ONCE(c->drop_no_dest, c->drop_no_dest + no_dest);
	u64_stats_update_end(&kr->syncp);
}

/*
 * The one constructor of every kind: an empty port of kind @ops (no
 * rings, no region) allocated with @gfp, or NULL.  vale_port_free() frees what it has.
 */
struct vale_port *vale_port_alloc(const struct vale_port_ops *ops, gfp_t gfp);
void vale_port_free(struct vale_port *port);

int vale_port_register(struct vale_file *vf, struct vale_register __user *u);
void vale_port_release(struct vale_port *port);
/*
 * Sync tx (rx) ring @ring, or every ring of the direction for
 * VALE_SYNC_ALL_RINGS.  -EINVAL for a ring index out of range (nothing
 * synced) or when a ring's head/cur were invalid.
 */
int vale_port_txsync(struct vale_port *port, u32 ring);
int vale_port_rxsync(struct vale_port *port, u32 ring);
/*
 * sync.c: sync one tx ring (forward [hwcur, head)) or one rx ring (reclaim
 * [hwcur, head)), and rewrite the ring's tail.  0, or -EINVAL when head
 * or cur are invalid (then nothing else changes).  *ready: the tx ring has
 * room beyond cur; the rx ring has packets beyond cur.  They take the
 * ring's lock (tx sync_lock, rx lock).
 */
int vale_kring_txsync(struct vale_port *port, struct vale_kring *kr,
		      bool *ready);
int vale_kring_rxsync(struct vale_kring *kr, bool *ready);
__poll_t vale_port_poll(struct vale_port *port, struct file *file,
			poll_table *wait);
void vale_port_get_stats(struct vale_port *port, struct vale_port_stats *st);

#endif /* _VALE_PORT_H */
