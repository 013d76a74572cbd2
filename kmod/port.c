// SPDX-License-Identifier: GPL-2.0
/*
 * vale: port registration, sync ioctls, poll and counters.  The syncs of
 * one ring are in sync.c.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/poll.h>
#include <linux/nospec.h>
#include <linux/moduleparam.h>
#include <linux/delay.h>
#include <linux/jiffies.h>

#include "port.h"
#include "param.h"
#include "switch.h"
#include "fwd.h"

struct vale_port *vale_port_alloc(const struct vale_port_ops *ops, gfp_t gfp)
{
	struct vale_port *port;

	port = kzalloc(sizeof(*port), gfp);
	if (!port)
		return NULL;
	port->ops = ops;
	port->deliver = ops->deliver;
	init_waitqueue_head(&port->wq);
	vale_bypass_init(&port->bypass);
	INIT_LIST_HEAD(&port->node);
	return port;
}

void vale_port_free(struct vale_port *port)
{
	u32 i;

	if (port->tx)
		for (i = 0; i < port->num_tx; i++)
			vale_fwd_scratch_free(port->tx[i].scratch);
	if (port->rx)
		for (i = 0; i < port->num_rx; i++)
			kvfree(port->rx[i].st.leases);
	kfree(port->tx);
	kfree(port->rx);
	vale_mem_destroy(&port->mem);
	/* detached a grace period ago, or never attached */
	kfree(rcu_access_pointer(port->fast));
	kfree(port);
}

static struct vale_port *vale_port_create(const struct vale_layout *lay,
					  const char *name)
{
	struct vale_port *port;
	u32 i;

	port = vale_port_alloc(&vale_ring_port_ops, GFP_KERNEL_ACCOUNT);
	if (!port)
		return NULL;
	port->num_tx = lay->num_tx_rings;
	port->num_rx = lay->num_rx_rings;
	port->tx = kcalloc(port->num_tx, sizeof(*port->tx), GFP_KERNEL_ACCOUNT);
	port->rx = kcalloc(port->num_rx, sizeof(*port->rx), GFP_KERNEL_ACCOUNT);
	if (!port->tx || !port->rx)
		goto err;
	if (vale_mem_create(&port->mem, lay, name))
		goto err;

	for (i = 0; i < port->num_tx; i++) {
		struct vale_kring *kr = &port->tx[i];

		kr->id = i;
		kr->ring = vale_mem_tx_ring(&port->mem, i);
		mutex_init(&kr->sync_lock);
		spin_lock_init(&kr->lock);
		u64_stats_init(&kr->syncp);
		vale_ring_init_tx(&kr->st, lay->num_slots);
		kr->scratch = vale_fwd_scratch_alloc();
		if (!kr->scratch)
			goto err;
	}
	for (i = 0; i < port->num_rx; i++) {
		struct vale_kring *kr = &port->rx[i];
		u32 *leases;

		kr->id = i;
		kr->ring = vale_mem_rx_ring(&port->mem, i);
		mutex_init(&kr->sync_lock);
		spin_lock_init(&kr->lock);
		leases = kvmalloc_array(lay->num_slots, sizeof(u32),
					GFP_KERNEL_ACCOUNT);
		if (!leases)
			goto err;
		vale_ring_init_rx(&kr->st, lay->num_slots, leases);
	}
	return port;

err:
	vale_port_free(port);
	return NULL;
}

int vale_port_register(struct vale_file *vf, struct vale_register __user *u)
{
	char swname[VALE_NAME_MAX], pname[VALE_NAME_MAX];
	struct vale_register req;
	struct vale_layout lay;
	struct vale_port *port;
	int err;

	if (copy_from_user(&req, u, sizeof(req)))
		return -EFAULT;
	err = vale_name_parse(req.name, swname, pname);
	if (err)
		return err;
	err = vale_layout_compute(&req, &lay);
	if (err)
		return err;

	mutex_lock(&vf->lock);
	if (vf->port) {
		err = -EBUSY;
		goto out_unlock;
	}
	port = vale_port_create(&lay, req.name);
	if (!port) {
		err = -ENOMEM;
		goto out_unlock;
	}
	err = vale_switch_attach(port, swname, pname);
	if (err)
		goto out_free;

	req.num_tx_rings = lay.num_tx_rings;
	req.num_rx_rings = lay.num_rx_rings;
	req.num_slots = lay.num_slots;
	req.buf_size = lay.buf_size;
	req.extra_bufs = lay.num_extra_bufs;
	req.num_bufs = lay.num_bufs;
	req.region_size = lay.region_size;
	req.off = lay.off;
	if (copy_to_user(u, &req, sizeof(req))) {
		err = -EFAULT;
		goto out_detach;
	}
	/* the port is complete before the file is seen bound to it */
	smp_store_release(&vf->port, port);
	mutex_unlock(&vf->lock);
	return 0;

out_detach:
	vale_switch_detach(port);
out_free:
	vale_port_free(port);
out_unlock:
	mutex_unlock(&vf->lock);
	return err;
}

/* Called when the last reference to the file goes (after munmap). */
void vale_port_release(struct vale_port *port)
{
	vale_switch_detach(port);
	vale_port_free(port);
}

#ifdef VALE_SELFTEST_KNOBS
/*
 * Selftest knob (built only where Kbuild defines VALE_SELFTEST_KNOBS: a
 * kernel with CONFIG_FAULT_INJECTION, our debug kernel).  While
 * selftest_txsync_hold is non-zero, a VALE_IOC_TXSYNC holds the tx ring's
 * sync_lock, sleeping, until it is set back to 0 (at most 60 s):
 * selftests/vm/tests/stats_nolock.c uses it to keep the lock busy.
 */
static unsigned int vale_selftest_txsync_hold;
module_param_named(selftest_txsync_hold, vale_selftest_txsync_hold, uint,
		   0600);
MODULE_PARM_DESC(selftest_txsync_hold,
		 "selftests only: tx syncs hold their ring's lock while set");

static void vale_selftest_hold(struct vale_kring *kr)
{
	unsigned long end = jiffies + 60 * HZ;

	if (!READ_ONCE(vale_selftest_txsync_hold))
		return;
	mutex_lock(&kr->sync_lock);
	while (READ_ONCE(vale_selftest_txsync_hold) && time_before(jiffies, end))
		msleep(20);
	mutex_unlock(&kr->sync_lock);
}
#else
static inline void vale_selftest_hold(struct vale_kring *kr) { }
#endif

int vale_port_txsync(struct vale_port *port, u32 ring)
{
	bool ready;
	int err = 0;
	u32 i;

	if (ring != VALE_SYNC_ALL_RINGS) {
		if (ring >= port->num_tx)
			return -EINVAL;
		ring = array_index_nospec(ring, port->num_tx);
		vale_selftest_hold(&port->tx[ring]);
		return vale_kring_txsync(port, &port->tx[ring], &ready);
	}
	for (i = 0; i < port->num_tx; i++)
		if (vale_kring_txsync(port, &port->tx[i], &ready))
			err = -EINVAL;
	return err;
}

int vale_port_rxsync(struct vale_port *port, u32 ring)
{
	bool ready;
	int err = 0;
	u32 i;

	if (ring != VALE_SYNC_ALL_RINGS) {
		if (ring >= port->num_rx)
			return -EINVAL;
		ring = array_index_nospec(ring, port->num_rx);
		return vale_kring_rxsync(&port->rx[ring], &ready);
	}
	for (i = 0; i < port->num_rx; i++)
		if (vale_kring_rxsync(&port->rx[i], &ready))
			err = -EINVAL;
	return err;
}

/*
 * Like netmap: poll() syncs the tx rings when asked for POLLOUT and the rx
 * rings when asked for POLLIN.  A forwarder wakes port->wq after it moved
 * an rx tail; the wait entry is added before the rings are checked.
 */
__poll_t vale_port_poll(struct vale_port *port, struct file *file,
			poll_table *wait)
{
	__poll_t want = poll_requested_events(wait);
	__poll_t mask = 0;
	bool ready;
	u32 i;

	poll_wait(file, &port->wq, wait);
	if (want & (EPOLLOUT | EPOLLWRNORM)) {
		for (i = 0; i < port->num_tx; i++) {
			if (vale_kring_txsync(port, &port->tx[i], &ready))
				mask |= EPOLLERR;
			else if (ready)
				mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	if (want & (EPOLLIN | EPOLLRDNORM)) {
		for (i = 0; i < port->num_rx; i++) {
			if (vale_kring_rxsync(&port->rx[i], &ready))
				mask |= EPOLLERR;
			else if (ready)
				mask |= EPOLLIN | EPOLLRDNORM;
		}
	}
	return mask;
}

void vale_port_get_stats(struct vale_port *port, struct vale_port_stats *st)
{
	u32 i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < port->num_tx; i++) {
		const struct vale_kring *kr = &port->tx[i];
		const struct vale_kring_stats *c = &kr->stats;
		u64 v[5];
		unsigned int start;

		/* not under sync_lock: a user may hold it (port.h) */
		do {
			start = u64_stats_fetch_begin(&kr->syncp);
			v[0] = READ_ONCE(c->packets);
			v[1] = READ_ONCE(c->bytes);
			v[2] = READ_ONCE(c->drop_bad_slot);
			v[3] = READ_ONCE(c->drop_bad_frag);
			v[4] = READ_ONCE(c->drop_no_dest);
		} while (u64_stats_fetch_retry(&kr->syncp, start));
		st->tx_packets += v[0];
		st->tx_bytes += v[1];
		st->drop_bad_slot += v[2];
		st->drop_bad_frag += v[3];
		st->drop_no_dest += v[4];
	}
	for (i = 0; i < port->num_rx; i++) {
		struct vale_kring *kr = &port->rx[i];

		spin_lock_bh(&kr->lock);
		st->rx_packets += kr->stats.packets;
		st->rx_bytes += kr->stats.bytes;
		st->drop_bad_slot += kr->stats.drop_bad_slot;
		st->drop_ring_full += kr->stats.drop_ring_full;
		st->drop_too_long += kr->stats.drop_too_long;
		spin_unlock_bh(&kr->lock);
	}
	vale_bypass_stats(&port->bypass, st);
}

static void vale_ring_port_stats(struct vale_port *port,
				 struct vale_port_stats *st,
				 struct vale_port_xstats *x)
{
	vale_port_get_stats(port, st);
	memset(x, 0, sizeof(*x));
}

/* Ring ports: forwarding fills their rx rings itself (fwd.c). */
const struct vale_port_ops vale_ring_port_ops = {
	.kind		= VALE_PORT_KIND_RING,
	.get_stats	= vale_ring_port_stats,
};
