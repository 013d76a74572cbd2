// SPDX-License-Identifier: GPL-2.0
/*
 * vale: steering rule sets (built copy-on-write, published by the caller
 * with RCU) and point-to-point detection on them.
 */
#include <linux/kernel.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "rules.h"

int vale_rule_check(const struct vale_rule *r, u16 max_ports)
{
	if (r->match & ~VALE_RULE_M_ALL)
		return -EINVAL;
	if ((r->match & VALE_RULE_M_IN_PORT) && r->in_port >= max_ports)
		return -EINVAL;
	if ((r->match & VALE_RULE_M_DST) && (r->dkey & ~VALE_MAC_MASK))
		return -EINVAL;
	if ((r->match & VALE_RULE_M_VID) && r->vid > 0x0fff &&
	    r->vid != VALE_RULE_VID_UNTAGGED)
		return -EINVAL;
	if (r->action > VALE_RULE_ACT_MAX)
		return -EINVAL;
	if (r->action == VALE_RULE_ACT_OUTPUT && r->out_port >= max_ports)
		return -EINVAL;
	return 0;
}

int vale_ruleset_index(const struct vale_ruleset *rs, u32 id)
{
	u32 i;

	for (i = 0; rs && i < rs->n; i++)
		if (rs->rule[i].id == id)
			return i;
	return -1;
}

static struct vale_ruleset *ruleset_alloc(u32 n, gfp_t gfp)
{
	struct vale_ruleset *rs;

	rs = kmalloc(struct_size(rs, rule, n), gfp);
	if (!rs)
		return ERR_PTR(-ENOMEM);
	rs->n = n;
	return rs;
}

/* Does @a go before @b: priority, highest first, then id, lowest first. */
static bool rule_before(const struct vale_rule *a, const struct vale_rule *b)
{
	return a->prio > b->prio || (a->prio == b->prio && a->id < b->id);
}

/* @old without the rule at @skip (-1: none), plus @r (NULL: none). */
static struct vale_ruleset *ruleset_copy(const struct vale_ruleset *old,
					 int skip, const struct vale_rule *r,
					 gfp_t gfp)
{
	u32 n_old = old ? old->n : 0, i, j = 0;
	struct vale_ruleset *rs;
	bool placed = !r;

	rs = ruleset_alloc(n_old - (skip >= 0) + !!r, gfp);
	if (IS_ERR(rs))
		return rs;
	for (i = 0; i < n_old; i++) {
		if ((int)i == skip)
			continue;
		if (!placed && rule_before(r, &old->rule[i])) {
			rs->rule[j++] = *r;
			placed = true;
		}
		rs->rule[j++] = old->rule[i];
	}
	if (!placed)
		rs->rule[j++] = *r;
	return rs;
}

struct vale_ruleset *vale_ruleset_add(const struct vale_ruleset *old,
				      const struct vale_rule *r, gfp_t gfp)
{
	if (vale_ruleset_index(old, r->id) >= 0)
		return ERR_PTR(-EEXIST);
	if (old && old->n >= VALE_RULES_MAX)
		return ERR_PTR(-ENOSPC);
	return ruleset_copy(old, -1, r, gfp);
}

struct vale_ruleset *vale_ruleset_del(const struct vale_ruleset *old,
				      u32 id, gfp_t gfp)
{
	int i = vale_ruleset_index(old, id);

	if (i < 0)
		return ERR_PTR(-ENOENT);
	return ruleset_copy(old, i, NULL, gfp);
}

struct vale_ruleset *vale_ruleset_replace(const struct vale_ruleset *old,
					  const struct vale_rule *r, gfp_t gfp)
{
	int i = vale_ruleset_index(old, r->id);

	if (i < 0)
		return ERR_PTR(-ENOENT);
	return ruleset_copy(old, i, r, gfp);
}

void vale_ruleset_resolve(struct vale_ruleset *rs,
			  u16 (*index)(void *arg, const char *name), void *arg)
{
	struct vale_rule *r;
	u32 i;

	for (i = 0; rs && i < rs->n; i++) {
		r = &rs->rule[i];
		if (r->match & VALE_RULE_M_IN_PORT)
			r->in_port = index(arg, r->in_name);
		if (r->action == VALE_RULE_ACT_OUTPUT)
			r->out_port = index(arg, r->out_name);
	}
}

/* Record that frames from @src may reach @dst (a port or VALE_DST_BCAST). */
static void p2p_reach(struct vale_p2p_work *w, u16 src, u16 dst)
{
	if (dst == VALE_DST_BCAST || (w[src].out != VALE_DST_DROP &&
				      w[src].out != dst)) {
		w[src].out = VALE_DST_BCAST;
	} else {
		w[src].out = dst;
	}
	if (dst == VALE_DST_BCAST)
		return;
	if (w[dst].by == VALE_DST_DROP)
		w[dst].by = src;
	else if (w[dst].by != src)
		w[dst].by = VALE_DST_BCAST;
}

/* Rule @r applied to frames from port @src, which is live and not closed. */
static void p2p_rule(struct vale_p2p_work *w, const unsigned long *live,
		     u16 nports, const struct vale_rule *r, u16 src)
{
	switch (r->action) {
	case VALE_RULE_ACT_OUTPUT:
		/* To itself or to no port: dropped, reaches nobody. */
		if (r->out_port != src && r->out_port < nports &&
		    test_bit(r->out_port, live))
			p2p_reach(w, src, r->out_port);
		break;
	case VALE_RULE_ACT_FLOOD:
	case VALE_RULE_ACT_LEARN:
		p2p_reach(w, src, VALE_DST_BCAST);
		break;
	default:
		break;
	}
	/* A rule on nothing but the input port takes all that is left. */
	if (!(r->match & ~VALE_RULE_M_IN_PORT))
		w[src].closed = true;
}

u32 vale_rules_p2p(const struct vale_ruleset *rs, const unsigned long *live,
		   u16 nports, struct vale_p2p_work *work, u16 *peer)
{
	bool flood = false;
	u32 i, pairs = 0;
	u16 x, y;

	for (x = 0; x < nports; x++) {
		work[x].out = VALE_DST_DROP;
		work[x].by = VALE_DST_DROP;
		work[x].closed = false;
		peer[x] = VALE_DST_DROP;
	}
	for (i = 0; rs && i < rs->n; i++) {
		const struct vale_rule *r = &rs->rule[i];

		if (r->match & VALE_RULE_M_IN_PORT) {
			x = r->in_port;
			if (x < nports && test_bit(x, live) && !work[x].closed)
				p2p_rule(work, live, nports, r, x);
			continue;
		}
		for (x = 0; x < nports; x++)
			if (test_bit(x, live) && !work[x].closed)
				p2p_rule(work, live, nports, r, x);
	}
	/* A port that may reach many reaches both ends of every pair. */
	for (x = 0; x < nports; x++)
		if (test_bit(x, live) && work[x].out == VALE_DST_BCAST)
			flood = true;
	if (flood)
		return 0;
	for (x = 0; x < nports; x++) {
		if (!test_bit(x, live))
			continue;
		y = work[x].out;
		if (y >= nports || y <= x)
			continue;
		if (work[y].out == x && work[x].by == y && work[y].by == x) {
			peer[x] = y;
			peer[y] = x;
			pairs++;
		}
	}
	return pairs;
}

int vale_rules_fast(const struct vale_ruleset *rs, u16 src, u16 peer)
{
	const struct vale_rule *r;
	u32 i;

	for (i = 0; rs && i < rs->n; i++) {
		r = &rs->rule[i];
		if ((r->match & VALE_RULE_M_IN_PORT) && r->in_port != src)
			continue;
		if (r->match & ~VALE_RULE_M_IN_PORT)
			return -1;	/* it may take some frames, not others */
		if (r->action != VALE_RULE_ACT_OUTPUT || r->out_port != peer ||
		    peer == src)
			return -1;
		return i;
	}
	return -1;
}

u32 vale_ports_p2p(const unsigned long *live, u16 nports, u16 *peer)
{
	u16 x, a = VALE_DST_DROP, b = VALE_DST_DROP;
	u32 n = 0;

	for (x = 0; x < nports; x++) {
		peer[x] = VALE_DST_DROP;
		if (!test_bit(x, live))
			continue;
		if (n == 0)
			a = x;
		else if (n == 1)
			b = x;
		n++;
	}
	if (n != 2)
		return 0;
	peer[a] = b;
	peer[b] = a;
	return 1;
}
