// SPDX-License-Identifier: GPL-2.0
/*
 * vale: a switch's steering rules (publication, port names, counters)
 * and its point-to-point pairs (computed on every change, announced).
 * See steer.h for the locking.
 */
#include <linux/kernel.h>
#include <linux/bitmap.h>
#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "steer.h"
#include "switch.h"
#include "port.h"

void vale_steer_init(struct vale_steer *st)
{
	RCU_INIT_POINTER(st->set, NULL);
	st->pairs = NULL;
	st->npairs = 0;
}

static struct vale_ruleset *steer_set(struct vale_switch *sw)
{
	return rcu_dereference_protected(sw->steer.set,
					 lockdep_is_held(&vale_mutex));
}

void vale_steer_destroy(struct vale_steer *st)
{
	/* The switch has no port left: no forwarder can reach the set. */
	struct vale_ruleset *rs = rcu_dereference_protected(st->set, 1);
	u32 i;

	for (i = 0; rs && i < rs->n; i++)
		free_percpu(rs->rule[i].ctr);
	kfree(rs);
	kfree(st->pairs);
	vale_steer_init(st);
}

u16 vale_lookup_rules(void *priv, const u8 *frame, u32 len, u32 plen,
		      u16 src)
{
	struct vale_mac_table *mac = priv;
	struct vale_switch *sw = container_of(mac, struct vale_switch, mac);
	const struct vale_ruleset *rs = rcu_dereference(sw->steer.set);
	const struct vale_rule *r;
	int hit;
	u16 d;

	if (!rs)
		return VALE_DST_DROP;
	d = vale_rules_lookup(rs, mac, frame, len, src, &hit);
	if (hit >= 0) {
		r = &rs->rule[hit];
		this_cpu_inc(r->ctr->packets);
		this_cpu_add(r->ctr->bytes, plen);
	}
	return d;
}

void vale_steer_counters(const struct vale_rule *r, u64 *packets, u64 *bytes)
{
	const struct vale_rule_ctr *c;
	int cpu;

	*packets = 0;
	*bytes = 0;
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(r->ctr, cpu);
		*packets += READ_ONCE(c->packets);
		*bytes += READ_ONCE(c->bytes);
	}
}

const struct vale_ruleset *vale_steer_rules(struct vale_switch *sw)
{
	return steer_set(sw);
}

/* The index of @sw's live port called @name, or VALE_DST_DROP. */
static u16 steer_index(void *arg, const char *name)
{
	struct vale_switch *sw = arg;
	struct vale_port *p;

	list_for_each_entry(p, &sw->port_list, node)
		if (!strcmp(p->name, name))
			return p->idx;
	return VALE_DST_DROP;
}

/*
 * Publish @rs (resolved already); the old set is freed once no forwarder
 * can see it.  The rules' counters are not: a set that replaces another
 * shares them (deleting a rule frees its counters after a grace period).
 */
static void steer_publish(struct vale_switch *sw, struct vale_ruleset *rs)
{
	struct vale_ruleset *old = steer_set(sw);

	rcu_assign_pointer(sw->steer.set, rs);
	if (old)
		kfree_rcu(old, rcu);
}

/* The ports that are visible to forwarders now. */
static void steer_live(struct vale_switch *sw, unsigned long *live)
{
	u32 i;

	bitmap_zero(live, VALE_SW_MAX_PORTS);
	for (i = 0; i < sw->max_idx; i++)
		if (rcu_access_pointer(sw->ports[i]))
			__set_bit(i, live);
}

/* The pairs of @sw now, into @peer; their number. */
static u32 steer_pairs(struct vale_switch *sw, u16 *peer)
{
	DECLARE_BITMAP(live, VALE_SW_MAX_PORTS);
	u16 n = min_t(u32, sw->max_idx, VALE_SW_MAX_PORTS);
	struct vale_p2p_work *work;
	u32 pairs = 0, i;

	steer_live(sw, live);
	for (i = 0; i < VALE_SW_MAX_PORTS; i++)
		peer[i] = VALE_DST_DROP;
	switch (sw->lookup_mode) {
	case VALE_LOOKUP_RULES:
		work = kmalloc_array(max_t(u16, n, 1), sizeof(*work),
				     GFP_KERNEL);
		if (!work)
			return 0;	/* no pair is always a safe answer */
		pairs = vale_rules_p2p(steer_set(sw), live, n, work, peer);
		kfree(work);
		return pairs;
	case VALE_LOOKUP_P2P:
		for (i = 0; i + 1 < n; i += 2) {
			if (test_bit(i, live) && test_bit(i + 1, live)) {
				peer[i] = i + 1;
				peer[i + 1] = i;
				pairs++;
			}
		}
		return pairs;
	default:
		return vale_ports_p2p(live, n, peer);
	}
}

/* Whether pair @p of @sw may be bypassed, with its rules (vale_pair). */
static void steer_bypass(struct vale_switch *sw, struct vale_pair *p)
{
	const struct vale_ruleset *rs = steer_set(sw);
	int ka, kb;

	switch (sw->lookup_mode) {
	case VALE_LOOKUP_RULES:
		ka = vale_rules_fast(rs, p->a, p->b);
		kb = vale_rules_fast(rs, p->b, p->a);
		if (ka < 0 || kb < 0)
			return;
		p->bypass = true;
		p->has_rules = true;
		p->rule_a = rs->rule[ka].id;
		p->rule_b = rs->rule[kb].id;
		return;
	case VALE_LOOKUP_P2P:
		p->bypass = true;
		return;
	default:
		/* vale_ports_p2p() pairs the only two ports of the switch */
		p->bypass = true;
		return;
	}
}

/* The pairs of @peer as a list, with the ports' names as they are now. */
static struct vale_pair *steer_list(struct vale_switch *sw, const u16 *peer,
				    u32 n)
{
	struct vale_pair *list = kcalloc(n, sizeof(*list), GFP_KERNEL);
	struct vale_port *pa, *pb;
	u32 x, k = 0;

	if (!list)
		return NULL;
	for (x = 0; x < VALE_SW_MAX_PORTS && k < n; x++) {
		if (peer[x] == VALE_DST_DROP || peer[x] < x)
			continue;
		pa = rcu_dereference_protected(sw->ports[x],
					       lockdep_is_held(&vale_mutex));
		pb = rcu_dereference_protected(sw->ports[peer[x]],
					       lockdep_is_held(&vale_mutex));
		list[k].a = x;
		list[k].b = peer[x];
		strscpy(list[k].name_a, pa->name, sizeof(list[k].name_a));
		strscpy(list[k].name_b, pb->name, sizeof(list[k].name_b));
		steer_bypass(sw, &list[k]);
		k++;
	}
	return list;
}

static bool steer_same(const struct vale_pair *p, const struct vale_pair *q)
{
	return p->a == q->a && p->b == q->b &&
	       !strcmp(p->name_a, q->name_a) && !strcmp(p->name_b, q->name_b) &&
	       p->bypass == q->bypass && p->has_rules == q->has_rules &&
	       p->rule_a == q->rule_a && p->rule_b == q->rule_b;
}

/*
 * Announce the difference between two lists ordered by a: pairs gone,
 * with the names they had, then pairs new.
 */
static void steer_announce(struct vale_switch *sw,
			   const struct vale_pair *old, u32 nold,
			   const struct vale_pair *now, u32 nnow)
{
	u32 i, j;

	for (i = 0, j = 0; i < nold; i++) {
		while (j < nnow && now[j].a < old[i].a)
			j++;
		if (j == nnow || !steer_same(&old[i], &now[j]))
			vale_notify_pair(sw, &old[i], VALE_CMD_P2P_DOWN_NTF);
	}
	for (j = 0, i = 0; j < nnow; j++) {
		while (i < nold && old[i].a < now[j].a)
			i++;
		if (i == nold || !steer_same(&old[i], &now[j]))
			vale_notify_pair(sw, &now[j], VALE_CMD_P2P_UP_NTF);
	}
}

/*
 * Publish @p's fast path: to @peer counting on @ctr when @on, else none.
 * Without memory there is none, which is always correct.
 */
static void steer_fast_set(struct vale_port *p, bool on, u16 peer,
			   struct vale_rule_ctr __percpu *ctr)
{
	struct vale_fast *old, *fp = NULL;

	old = rcu_dereference_protected(p->fast, lockdep_is_held(&vale_mutex));
	if (on && old && old->peer == peer && old->ctr == ctr)
		return;
	if (!on && !old)
		return;
	if (on) {
		fp = kmalloc(sizeof(*fp), GFP_KERNEL);
		if (fp) {
			fp->peer = peer;
			fp->ctr = ctr;
		}
	}
	rcu_assign_pointer(p->fast, fp);
	if (old)
		kfree_rcu(old, rcu);
}

/*
 * The fast paths of @sw's ports from their pairs @peer (NULL: none): in
 * p2p mode every end of a pair has one; with rules, an end whose frames
 * one rule decides alone (vale_rules_fast()); the learning bridge keeps
 * its lookup, which learns and filters.
 */
static void steer_fast(struct vale_switch *sw, const u16 *peer)
{
	const struct vale_ruleset *rs = steer_set(sw);
	struct vale_port *p;
	u16 y;
	int k;

	list_for_each_entry(p, &sw->port_list, node) {
		y = peer ? peer[p->idx] : VALE_DST_DROP;
		k = -1;
		if (y != VALE_DST_DROP && sw->lookup_mode == VALE_LOOKUP_RULES)
			k = vale_rules_fast(rs, p->idx, y);
		if (k >= 0)
			steer_fast_set(p, true, y, rs->rule[k].ctr);
		else
			steer_fast_set(p, y != VALE_DST_DROP &&
				       sw->lookup_mode == VALE_LOOKUP_P2P,
				       y, NULL);
	}
}

/*
 * Recompute the pairs and their fast paths, and announce what changed.
 * A caller that frees rule counters does it a grace period after this.
 */
static void steer_repair(struct vale_switch *sw)
{
	u16 *peer = kmalloc_array(VALE_SW_MAX_PORTS, sizeof(*peer),
				  GFP_KERNEL);
	struct vale_pair *list = NULL;
	u32 n = 0;

	if (peer)
		n = steer_pairs(sw, peer);
	steer_fast(sw, peer);
	if (n) {
		list = steer_list(sw, peer, n);
		if (!list)
			n = 0;		/* no pair is always a safe answer */
	}
	kfree(peer);
	steer_announce(sw, sw->steer.pairs, sw->steer.npairs, list, n);
	kfree(sw->steer.pairs);
	sw->steer.pairs = list;
	sw->steer.npairs = n;
}

/* Re-resolve the port names of the published set; republish if moved. */
static void steer_resolve(struct vale_switch *sw)
{
	struct vale_ruleset *rs = steer_set(sw), *next;

	if (!rs)
		return;
	next = kmemdup(rs, struct_size(rs, rule, rs->n), GFP_KERNEL);
	if (!next)
		return;		/* the old indices stay: see steering.md */
	vale_ruleset_resolve(next, steer_index, sw);
	if (!memcmp(next, rs, struct_size(rs, rule, rs->n))) {
		kfree(next);
		return;
	}
	steer_publish(sw, next);
}

void vale_steer_update(struct vale_switch *sw)
{
	lockdep_assert_held(&vale_mutex);
	steer_resolve(sw);
	steer_repair(sw);
}

/* The extack message of an error of the rule-set functions (rules.h). */
static int steer_why(int err, struct netlink_ext_ack *extack)
{
	switch (err) {
	case -ENOENT:
		NL_SET_ERR_MSG(extack, "no rule with this id");
		break;
	case -EEXIST:
		NL_SET_ERR_MSG(extack, "a rule with this id exists");
		break;
	case -ENOSPC:
		NL_SET_ERR_MSG(extack, "the switch has as many rules as it takes");
		break;
	}
	return err;
}

int vale_steer_add(struct vale_switch *sw, const struct vale_rule *r,
		   bool replace, struct netlink_ext_ack *extack)
{
	struct vale_ruleset *rs = steer_set(sw), *next;
	struct vale_rule nr = *r;
	int i, err;

	lockdep_assert_held(&vale_mutex);
	nr.in_port = 0;
	nr.out_port = 0;
	err = vale_rule_check(&nr, 1);
	if (err) {
		NL_SET_ERR_MSG(extack, "inconsistent rule");
		return err;
	}
	if (replace) {
		/* The counters stay with the id (none: replace says -ENOENT). */
		i = vale_ruleset_index(rs, nr.id);
		nr.ctr = i >= 0 ? rs->rule[i].ctr : NULL;
		next = vale_ruleset_replace(rs, &nr, GFP_KERNEL);
	} else {
		nr.ctr = alloc_percpu(struct vale_rule_ctr);
		if (!nr.ctr)
			return -ENOMEM;
		next = vale_ruleset_add(rs, &nr, GFP_KERNEL);
		if (IS_ERR(next))
			free_percpu(nr.ctr);
	}
	if (IS_ERR(next))
		return steer_why(PTR_ERR(next), extack);
	vale_ruleset_resolve(next, steer_index, sw);
	steer_publish(sw, next);
	steer_repair(sw);
	return 0;
}

/*
 * Counters of deleted rules are freed after a grace period by RCU
 * callbacks (free_percpu() may run in atomic context), never by waiting
 * under vale_mutex; vale_steer_unregister() waits for the last ones.
 */
struct steer_ctr_gone {
	struct rcu_head rcu;
	struct vale_rule_ctr __percpu *ctr;
};

static void steer_ctr_free_rcu(struct rcu_head *head)
{
	struct steer_ctr_gone *g = container_of(head, struct steer_ctr_gone,
						 rcu);

	free_percpu(g->ctr);
	kfree(g);
}

/* A whole set no forwarder can reach after the grace period, counters too. */
static void steer_set_free_rcu(struct rcu_head *head)
{
	struct vale_ruleset *rs = container_of(head, struct vale_ruleset, rcu);
	u32 i;

	for (i = 0; i < rs->n; i++)
		free_percpu(rs->rule[i].ctr);
	kfree(rs);
}

int vale_steer_del(struct vale_switch *sw, u32 id,
		   struct netlink_ext_ack *extack)
{
	struct vale_ruleset *rs = steer_set(sw), *next;
	struct steer_ctr_gone *gone;
	int i;

	lockdep_assert_held(&vale_mutex);
	i = vale_ruleset_index(rs, id);
	if (i < 0)
		return steer_why(-ENOENT, extack);
	gone = kmalloc(sizeof(*gone), GFP_KERNEL);
	if (!gone)
		return -ENOMEM;
	next = vale_ruleset_del(rs, id, GFP_KERNEL);
	if (IS_ERR(next)) {
		kfree(gone);
		return PTR_ERR(next);
	}
	gone->ctr = rs->rule[i].ctr;
	if (!next->n) {
		kfree(next);
		next = NULL;
	}
	steer_publish(sw, next);
	/* the fast paths counting on @gone->ctr go before the grace period */
	steer_repair(sw);
	call_rcu(&gone->rcu, steer_ctr_free_rcu);
	return 0;
}

void vale_steer_flush(struct vale_switch *sw)
{
	struct vale_ruleset *rs = steer_set(sw);

	lockdep_assert_held(&vale_mutex);
	if (!rs)
		return;
	rcu_assign_pointer(sw->steer.set, NULL);
	steer_repair(sw);
	call_rcu(&rs->rcu, steer_set_free_rcu);
}

/* A listener on the core's events: ports came, went, or the mode changed. */
static int steer_event(struct notifier_block *nb, unsigned long cmd,
		       void *data)
{
	const struct vale_event *ev = data;

	switch (cmd) {
	case VALE_CMD_PORT_ADD_NTF:
	case VALE_CMD_PORT_DEL_NTF:
	case VALE_CMD_PORT_CHANGE_NTF:
	case VALE_CMD_SWITCH_CHANGE_NTF:
		vale_steer_update(ev->sw);
		break;
	default:
		break;
	}
	return NOTIFY_DONE;
}

/* After the netlink layer's listener: a pair follows its ports' events. */
static struct notifier_block steer_notifier = {
	.notifier_call = steer_event,
	.priority = -1,
};

int vale_steer_register(void)
{
	return vale_event_register(&steer_notifier);
}

void vale_steer_unregister(void)
{
	vale_event_unregister(&steer_notifier);
	/* the callbacks that free deleted rules' counters are this module's */
	rcu_barrier();
}
