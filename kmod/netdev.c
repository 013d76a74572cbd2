// SPDX-License-Identifier: GPL-2.0
/*
 * vale: netdev ports.  Any Ethernet net device can be attached to a switch
 * as a port, like a bridge port:
 *
 *  - frames the device receives are taken by an rx_handler (softirq) and
 *    forwarded through the same lookup/learning and delivery stages as a
 *    ring port's tx batch (fwd.c), with a per-CPU scratch area;
 *  - frames the switch sends to the device are copied into new skbs and
 *    leave through dev_queue_xmit().
 *
 * Re-entrancy.  dev_queue_xmit() may come back into the switch on the same
 * CPU: a device whose xmit delivers into another device's receive path
 * synchronously (today's veth queues to the backlog or to its NAPI ring,
 * but other drivers or a future veth need not), whose rx_handler is ours.
 * So skbs are only collected while forwarding (fwd.c puts them on a list)
 * and transmitted once the forwarder holds no spinlock and no longer uses
 * its scratch area; a per-CPU depth counter bounds the nesting
 * (VALE_ND_MAX_DEPTH) and the kernel's own xmit recursion limit applies
 * below that.  A loop through the switch (both ends of a veth pair on one
 * switch) floods like a bridge loop; it cannot deadlock.
 *
 * Lifetime.  Attach and detach run under RTNL.  A port is published in its
 * switch before the rx_handler is registered and unpublished after it is
 * unregistered (netdev_rx_handler_unregister() waits for running handlers);
 * vale_switch_detach() waits for forwarders that found the port, so the
 * port, its stats and the device reference outlive every user.  A netdevice
 * notifier detaches the port when the device is unregistered (deleted or
 * moved to another namespace) and reports up/down/MTU changes as events.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/percpu.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/u64_stats_sync.h>
#include <net/netlink.h>
#ifdef VALE_HAVE_NET_GSO_H
#include <net/gso.h>
#endif

#include "port.h"
#include "switch.h"
#include "fwd.h"
#include "netdev.h"

/* Nesting of netdev input on one CPU (see the comment at the top). */
#define VALE_ND_MAX_DEPTH	4

enum vale_nd_counter {
	VALE_ND_TX_PACKETS,		/* device -> switch */
	VALE_ND_TX_BYTES,
	VALE_ND_RX_PACKETS,		/* switch -> device */
	VALE_ND_RX_BYTES,
	VALE_ND_DROP_NO_DEST,
	VALE_ND_DROP_TOO_LONG,
	VALE_ND_DROP_LINK_DOWN,
	VALE_ND_DROP_XMIT,
	VALE_ND_DROP_RX_ERROR,
	VALE_ND_DROP_RECURSION,
	VALE_ND_NCOUNTERS
};

struct vale_nd_stats {
	u64_stats_t c[VALE_ND_NCOUNTERS];
	struct u64_stats_sync syncp;
};

struct vale_netdev {
	struct vale_port *port;
	struct net_device *dev;
	netdevice_tracker tracker;
	struct vale_nd_stats __percpu *stats;
};

/* Per CPU, used with bottom halves disabled. */
struct vale_nd_cpu {
	struct vale_fwd_scratch *s;
	bool busy;
	u8 depth;
};

static struct vale_nd_cpu __percpu *vale_nd_cpu;
static bool vale_nd_scratch_ready;	/* under RTNL */

/* What travels with a queued skb until it is transmitted. */
struct vale_nd_cb {
	struct vale_netdev *nd;
};

#define VALE_ND_CB(skb)	((struct vale_nd_cb *)(skb)->cb)

/* Bottom halves disabled by the caller. */
static void vale_nd_add(struct vale_netdev *nd, enum vale_nd_counter i, u64 n)
{
	struct vale_nd_stats *st = this_cpu_ptr(nd->stats);

	u64_stats_update_begin(&st->syncp);
	u64_stats_add(&st->c[i], n);
	u64_stats_update_end(&st->syncp);
}

static rx_handler_result_t vale_nd_rx(struct sk_buff **pskb);
static const struct vale_port_ops vale_nd_ops;

struct vale_port *vale_netdev_port(const struct net_device *dev)
{
	struct vale_netdev *nd;

	ASSERT_RTNL();
	if (rcu_access_pointer(dev->rx_handler) != vale_nd_rx)
		return NULL;
	nd = rtnl_dereference(dev->rx_handler_data);
	return nd ? nd->port : NULL;
}

static int vale_nd_fill(struct sk_buff *msg, const struct vale_port *port)
{
	return nla_put_u32(msg, VALE_A_PORT_IFINDEX, port->nd->dev->ifindex);
}

static void vale_nd_get_stats(struct vale_port *port,
			      struct vale_port_stats *st,
			      struct vale_port_xstats *x)
{
	struct vale_netdev *nd = port->nd;
	int cpu;

	memset(st, 0, sizeof(*st));
	memset(x, 0, sizeof(*x));
	for_each_possible_cpu(cpu) {
		const struct vale_nd_stats *s = per_cpu_ptr(nd->stats, cpu);
		u64 v[VALE_ND_NCOUNTERS];
		unsigned int start, i;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < VALE_ND_NCOUNTERS; i++)
				v[i] = u64_stats_read(&s->c[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		st->tx_packets += v[VALE_ND_TX_PACKETS];
		st->tx_bytes += v[VALE_ND_TX_BYTES];
		st->rx_packets += v[VALE_ND_RX_PACKETS];
		st->rx_bytes += v[VALE_ND_RX_BYTES];
		st->drop_no_dest += v[VALE_ND_DROP_NO_DEST];
		st->drop_too_long += v[VALE_ND_DROP_TOO_LONG];
		x->link_down += v[VALE_ND_DROP_LINK_DOWN];
		x->xmit += v[VALE_ND_DROP_XMIT];
		x->rx_error += v[VALE_ND_DROP_RX_ERROR];
		x->recursion += v[VALE_ND_DROP_RECURSION];
	}
}

/* ---- switch -> device ---- */

void vale_netdev_queue_init(struct sk_buff_head *q)
{
	__skb_queue_head_init(q);
}

/* One packet of @len bytes from fragments @f of @smem, as an skb on @q. */
static void vale_nd_send(struct vale_netdev *nd, struct sk_buff_head *q,
			 const struct vale_mem *smem, const struct vale_frag *f,
			 u32 len)
{
	struct net_device *dev = nd->dev;
	const struct ethhdr *eh;
	struct sk_buff *skb;
	u32 max, left;
	u8 *d;

	local_bh_disable();
	if (unlikely(!netif_running(dev) || !netif_carrier_ok(dev))) {
		vale_nd_add(nd, VALE_ND_DROP_LINK_DOWN, 1);
		goto out;
	}
	/* a tagged frame may be VLAN_HLEN longer: decided on the copy */
	max = READ_ONCE(dev->mtu) + ETH_HLEN;
	if (unlikely(len > max + VLAN_HLEN)) {
		vale_nd_add(nd, VALE_ND_DROP_TOO_LONG, 1);
		goto out;
	}
	/*
	 * The lookup let no frame shorter than ETH_HLEN through; a device
	 * with a longer minimal header (none is Ethernet today) gets none
	 * shorter than that either, as dev_validate_header() would say.
	 */
	if (unlikely(len < dev->min_header_len)) {
		vale_nd_add(nd, VALE_ND_DROP_XMIT, 1);
		goto out;
	}
	skb = alloc_skb(LL_RESERVED_SPACE(dev) + len, GFP_ATOMIC | __GFP_NOWARN);
	if (unlikely(!skb)) {
		vale_nd_add(nd, VALE_ND_DROP_XMIT, 1);
		goto out;
	}
	skb_reserve(skb, LL_RESERVED_SPACE(dev));
	d = skb_put(skb, len);
	for (left = len; left; f++) {
		u32 k = min(left, f->len);

		memcpy(d, vale_mem_buf(smem, f->buf_idx), k);
		d += k;
		left -= k;
	}
	skb->dev = dev;
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);
	eh = eth_hdr(skb);
	/*
	 * The tag allowance from the copy, which the sender can no longer
	 * change (the frame is at least ETH_HLEN long here).
	 */
	if (unlikely(len > max && !eth_type_vlan(eh->h_proto))) {
		kfree_skb(skb);
		vale_nd_add(nd, VALE_ND_DROP_TOO_LONG, 1);
		goto out;
	}
	skb->protocol = eth_proto_is_802_3(eh->h_proto) ? eh->h_proto :
			htons(ETH_P_802_2);
	VALE_ND_CB(skb)->nd = nd;
	__skb_queue_tail(q, skb);
out:
	local_bh_enable();
}

/*
 * ops->deliver: one skb per packet, queued on src->xmitq and transmitted
 * by the forwarder once it holds no lock (vale_netdev_xmit()).  Called
 * under rcu_read_lock(), with no spinlock held, in process context (a
 * ring port's txsync) or softirq (another netdev port's input).
 */
static void vale_nd_deliver(const struct vale_fwd_src *src,
			    struct vale_port *dst, struct vale_fwd_iter *it)
{
	const struct vale_frag *f;
	u32 len;

	while ((f = vale_fwd_iter_next(it, &len)))
		vale_nd_send(dst->nd, src->xmitq, src->mem, f, len);
}

/*
 * Transmit the collected skbs.  Inside the RCU section in which their
 * ports were found (so nd and the device are alive), no spinlock held.
 */
void vale_netdev_xmit(struct sk_buff_head *q)
{
	struct sk_buff *skb;

	if (skb_queue_empty(q))
		return;
	local_bh_disable();
	while ((skb = __skb_dequeue(q))) {
		struct vale_netdev *nd = VALE_ND_CB(skb)->nd;
		u32 len = skb->len;
		int rc;

		memset(skb->cb, 0, sizeof(skb->cb));
		rc = dev_queue_xmit(skb);
		if (net_xmit_eval(rc) == 0) {
			struct vale_nd_stats *st = this_cpu_ptr(nd->stats);

			u64_stats_update_begin(&st->syncp);
			u64_stats_inc(&st->c[VALE_ND_RX_PACKETS]);
			u64_stats_add(&st->c[VALE_ND_RX_BYTES], len);
			u64_stats_update_end(&st->syncp);
		} else {
			vale_nd_add(nd, VALE_ND_DROP_XMIT, 1);
		}
	}
	local_bh_enable();
}

/* ---- device -> switch ---- */

/* One linear frame, data at the MAC header.  BHs disabled. */
static void vale_nd_frame(struct vale_netdev *nd, struct sk_buff *skb)
{
	struct vale_nd_cpu *c = this_cpu_ptr(vale_nd_cpu);
	struct vale_port *port = nd->port;
	struct sk_buff_head q;
	struct vale_mem m = { };
	struct vale_fwd_src fs;
	struct vale_nd_stats *st;
	u32 len, nodest;

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		goto err;
	if (skb_linearize(skb))
		goto err;
	len = skb->len;
	if (len < ETH_HLEN || len > VALE_MAX_PKT_LEN)
		goto err;
	if (unlikely(c->busy || c->depth >= VALE_ND_MAX_DEPTH)) {
		vale_nd_add(nd, VALE_ND_DROP_RECURSION, 1);
		kfree_skb(skb);
		return;
	}
	c->busy = true;
	c->depth++;
	m.base = skb->data;
	m.lay.num_bufs = 1;
	m.lay.buf_size = len;
	__skb_queue_head_init(&q);
	fs.sw = port->sw;
	fs.port = port;
	fs.mem = &m;
	fs.s = c->s;
	fs.xmitq = &q;
	fs.ring_id = skb_get_rx_queue(skb);
	fs.idx = port->idx;
	nodest = vale_fwd_frame(&fs, len);
	c->busy = false;

	st = this_cpu_ptr(nd->stats);
	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(&st->c[VALE_ND_TX_PACKETS]);
	u64_stats_add(&st->c[VALE_ND_TX_BYTES], len);
	u64_stats_add(&st->c[VALE_ND_DROP_NO_DEST], nodest);
	u64_stats_update_end(&st->syncp);
	consume_skb(skb);

	/* no lock held, scratch released: may come back here */
	vale_netdev_xmit(&q);
	c->depth--;
	return;
err:
	vale_nd_add(nd, VALE_ND_DROP_RX_ERROR, 1);
	kfree_skb(skb);
}

static void vale_nd_input(struct vale_netdev *nd, struct sk_buff *skb)
{
	struct sk_buff *segs, *next;

	/* back to the Ethernet header, with the VLAN tag inside the frame */
	__skb_push(skb, skb->data - skb_mac_header(skb));
	if (skb_vlan_tag_present(skb)) {
		skb = __vlan_hwaccel_push_inside(skb);
		if (!skb)
			goto err;
	}
	if (!skb_is_gso(skb)) {
		vale_nd_frame(nd, skb);
		return;
	}
	/* switch ports see frames, not GSO super-packets */
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		kfree_skb(skb);
		goto err;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		vale_nd_frame(nd, skb);
	}
	return;
err:
	vale_nd_add(nd, VALE_ND_DROP_RX_ERROR, 1);
}

static rx_handler_result_t vale_nd_rx(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct vale_netdev *nd;

	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;
	nd = rcu_dereference(skb->dev->rx_handler_data);
	if (unlikely(!nd))
		return RX_HANDLER_PASS;
	local_bh_disable();
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (skb)
		vale_nd_input(nd, skb);
	else
		vale_nd_add(nd, VALE_ND_DROP_RX_ERROR, 1);
	local_bh_enable();
	return RX_HANDLER_CONSUMED;
}

/* ---- attach and detach ---- */

static int vale_nd_scratch_alloc(void)
{
	int cpu;

	ASSERT_RTNL();
	if (vale_nd_scratch_ready)
		return 0;
	for_each_possible_cpu(cpu) {
		struct vale_nd_cpu *c = per_cpu_ptr(vale_nd_cpu, cpu);

		if (!c->s)
			c->s = vale_fwd_scratch_alloc();
		if (!c->s)
			return -ENOMEM;
	}
	vale_nd_scratch_ready = true;
	return 0;
}

static void vale_nd_free(struct vale_port *port)
{
	if (port->nd) {
		free_percpu(port->nd->stats);
		kfree(port->nd);
	}
	vale_port_free(port);
}

int vale_netdev_attach(const char *swname, struct net_device *dev,
		       struct netlink_ext_ack *extack)
{
	struct vale_switch *sw;
	struct vale_netdev *nd;
	struct vale_port *port;
	int err;

	ASSERT_RTNL();
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN ||
	    (dev->flags & IFF_LOOPBACK)) {
		NL_SET_ERR_MSG(extack, "not an Ethernet device");
		return -EOPNOTSUPP;
	}
	if (vale_netdev_port(dev)) {
		NL_SET_ERR_MSG(extack, "device is already attached to a switch");
		return -EBUSY;
	}
	if (netdev_is_rx_handler_busy(dev)) {
		NL_SET_ERR_MSG(extack,
			       "device already has an rx_handler (bridge, bond, macvlan, team port?)");
		return -EBUSY;
	}
	err = vale_nd_scratch_alloc();
	if (err)
		return err;

	port = vale_port_alloc(&vale_nd_ops, GFP_KERNEL);
	nd = kzalloc(sizeof(*nd), GFP_KERNEL);
	if (!port || !nd) {
		if (port)
			vale_port_free(port);
		kfree(nd);
		return -ENOMEM;
	}
	port->nd = nd;
	nd->port = port;
	nd->dev = dev;
	nd->stats = netdev_alloc_pcpu_stats(struct vale_nd_stats);
	if (!nd->stats) {
		vale_nd_free(port);
		return -ENOMEM;
	}

	mutex_lock(&vale_mutex);
	sw = vale_switch_lookup(swname);
	if (sw && sw->dying) {
		/* its last ring port is still going (vale_switch_delete()) */
		mutex_unlock(&vale_mutex);
		vale_nd_free(port);
		NL_SET_ERR_MSG(extack, "a switch of this name is being deleted");
		return -EBUSY;
	}
	if (!sw) {
		sw = vale_switch_new(swname);
		if (!sw) {
			mutex_unlock(&vale_mutex);
			vale_nd_free(port);
			return -ENOMEM;
		}
		vale_notify_switch(sw, VALE_CMD_SWITCH_ADD_NTF);
	}
	err = vale_switch_attach_admin(port, sw, dev->name);
	if (err) {
		if (err == -EBUSY)
			NL_SET_ERR_MSG(extack, "the switch has a port of that name");
		else if (err == -ENOSPC)
			NL_SET_ERR_MSG(extack, "the switch is full");
		vale_switch_put(sw);
		mutex_unlock(&vale_mutex);
		vale_nd_free(port);
		return err;
	}
	mutex_unlock(&vale_mutex);

	netdev_hold(dev, &nd->tracker, GFP_KERNEL);
	err = netdev_rx_handler_register(dev, vale_nd_rx, nd);
	if (err)
		goto err_detach;
	/* frames for every address, as a bridge port */
	err = dev_set_promiscuity(dev, 1);
	if (err) {
		netdev_rx_handler_unregister(dev);
		goto err_detach;
	}
	return 0;

err_detach:
	NL_SET_ERR_MSG(extack, "cannot take the device's frames");
	vale_switch_detach(port);
	netdev_put(dev, &nd->tracker);
	vale_nd_free(port);
	return err;
}

void vale_netdev_detach(struct vale_port *port)
{
	struct vale_netdev *nd = port->nd;
	struct net_device *dev = nd->dev;

	ASSERT_RTNL();
	netdev_rx_handler_unregister(dev);	/* waits for running handlers */
	dev_set_promiscuity(dev, -1);
	vale_switch_detach(port);		/* waits for forwarders */
	netdev_put(dev, &nd->tracker);
	vale_nd_free(port);
}

static const struct vale_port_ops vale_nd_ops = {
	.kind		= VALE_PORT_KIND_NETDEV,
	.admin		= true,
	.deliver	= vale_nd_deliver,
	.get_stats	= vale_nd_get_stats,
	.fill		= vale_nd_fill,
	.detach		= vale_netdev_detach,
};

static int vale_nd_event(struct notifier_block *nb, unsigned long event,
			 void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct vale_port *port = vale_netdev_port(dev);

	if (!port)
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_UNREGISTER:
		vale_netdev_detach(port);
		break;
	case NETDEV_PRE_TYPE_CHANGE:
		return notifier_from_errno(-EBUSY);
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
	case NETDEV_CHANGEMTU:
	case NETDEV_CHANGENAME:
		mutex_lock(&vale_mutex);
		vale_notify_port(port, VALE_CMD_PORT_CHANGE_NTF);
		mutex_unlock(&vale_mutex);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block vale_nd_notifier = {
	.notifier_call = vale_nd_event,
};

int vale_netdev_init(void)
{
	int err;

	vale_nd_cpu = alloc_percpu(struct vale_nd_cpu);
	if (!vale_nd_cpu)
		return -ENOMEM;
	err = register_netdevice_notifier(&vale_nd_notifier);
	if (err)
		free_percpu(vale_nd_cpu);
	return err;
}

/* First port of a netdev on any switch, or NULL. */
static struct vale_port *vale_nd_any(void)
{
	struct vale_switch *sw;
	struct vale_port *p;

	lockdep_assert_held(&vale_mutex);
	list_for_each_entry(sw, &vale_switches, node)
		list_for_each_entry(p, &sw->port_list, node)
			if (p->ops == &vale_nd_ops)
				return p;
	return NULL;
}

void vale_netdev_exit(void)
{
	struct vale_port *port;
	int cpu;

	rtnl_lock();
	for (;;) {
		mutex_lock(&vale_mutex);
		port = vale_nd_any();
		mutex_unlock(&vale_mutex);
		if (!port)
			break;
		vale_netdev_detach(port);
	}
	rtnl_unlock();
	unregister_netdevice_notifier(&vale_nd_notifier);
	for_each_possible_cpu(cpu)
		vale_fwd_scratch_free(per_cpu_ptr(vale_nd_cpu, cpu)->s);
	free_percpu(vale_nd_cpu);
}
