// SPDX-License-Identifier: GPL-2.0
/*
 * vale: reports of frames carried beside the switch (bypass.h).
 *
 * A report is validated whole (flags, reserved fields, the rule) before
 * anything is added, so a rejected report changes no counter.  The rule
 * is looked up in the switch's published rule set under rcu_read_lock();
 * its per-CPU counters are added to as the forwarders add to them, and a
 * rule deleted meanwhile has its counters freed only after the grace
 * period this read side holds off.
 */
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/vale.h>

#include "bypass.h"
#include "port.h"
#include "rules.h"
#include "switch.h"

void vale_bypass_init(struct vale_port_bypass *b)
{
	spin_lock_init(&b->lock);
}

void vale_bypass_stats(struct vale_port_bypass *b, struct vale_port_stats *st)
{
	spin_lock_bh(&b->lock);
	st->tx_packets += b->tx_packets;
	st->tx_bytes += b->tx_bytes;
	st->rx_packets += b->rx_packets;
	st->rx_bytes += b->rx_bytes;
	st->bypass_tx_packets += b->tx_packets;
	st->bypass_rx_packets += b->rx_packets;
	spin_unlock_bh(&b->lock);
}

/* The rule @id of @port's switch, or an ERR_PTR; under rcu_read_lock(). */
static struct vale_rule *bypass_rule(struct vale_port *port, u32 id)
{
	struct vale_ruleset *rs = rcu_dereference(port->sw->steer.set);
	u32 i;

	if (!rs)
		return ERR_PTR(-ENOENT);
	for (i = 0; i < rs->n; i++) {
		struct vale_rule *r = &rs->rule[i];

		if (r->id != id)
			continue;
		/* the port's own frames only: not another port's rule */
		if ((r->match & VALE_RULE_M_IN_PORT) && r->in_port != port->idx)
			return ERR_PTR(-EINVAL);
		return r;
	}
	return ERR_PTR(-ENOENT);
}

int vale_bypass_report(struct vale_port *port,
		       const struct vale_bypass_report *rep)
{
	struct vale_port_bypass *b = &port->bypass;
	struct vale_rule *r = NULL;

	if (rep->flags & ~VALE_BYPASS_F_RULE)
		return -EINVAL;
	if (!(rep->flags & VALE_BYPASS_F_RULE) && rep->rule_id)
		return -EINVAL;
	if (rep->__reserved[0] || rep->__reserved[1])
		return -EINVAL;

	rcu_read_lock();
	if (rep->flags & VALE_BYPASS_F_RULE) {
		r = bypass_rule(port, rep->rule_id);
		if (IS_ERR(r)) {
			rcu_read_unlock();
			return PTR_ERR(r);
		}
	}
	spin_lock_bh(&b->lock);
	b->tx_packets += rep->tx_packets;
	b->tx_bytes += rep->tx_bytes;
	b->rx_packets += rep->rx_packets;
	b->rx_bytes += rep->rx_bytes;
	spin_unlock_bh(&b->lock);
	if (r) {
		/* as the forwarders count (fwd.c), on this CPU's copy */
		this_cpu_add(r->ctr->packets, rep->tx_packets);
		this_cpu_add(r->ctr->bytes, rep->tx_bytes);
	}
	rcu_read_unlock();
	return 0;
}
