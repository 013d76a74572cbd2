/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale: a switch's steering rules and its point-to-point pairs.
 *
 * The rules (rules.h) are kept as one immutable set, published with RCU
 * for the forwarders of the "rules" lookup; a change builds a new set,
 * resolves its port names to the switch's current indices, publishes it
 * and frees the old one after a grace period.  Every change of rules or
 * ports recomputes the pairs of ports that only talk to each other and
 * announces the pairs that appear (VALE_CMD_P2P_UP_NTF) and disappear
 * (VALE_CMD_P2P_DOWN_NTF) on the event chain.
 *
 * Locking: everything here runs under vale_mutex, except the lookup,
 * which runs in the forwarders under rcu_read_lock().  set is written
 * under vale_mutex with rcu_assign_pointer(); pairs and npairs are
 * read and written only under vale_mutex.  A rule's counters are per CPU,
 * added to by the lookup and summed by readers without a lock (64-bit
 * counters: exact on 64-bit kernels, where a load is never torn); those
 * of deleted rules are freed by RCU callbacks, nothing waits for a grace
 * period under vale_mutex.
 */
#ifndef _VALE_STEER_H
#define _VALE_STEER_H

#include <linux/types.h>

#include "rules.h"

struct vale_switch;
struct netlink_ext_ack;

/*
 * Two ports that only talk to each other, a < b, as they were named.
 * bypass: their owners may carry their frames beside the switch and
 * report them (VALE_IOC_BYPASS_REPORT): a pair of the p2p lookup, of a
 * learning switch with two ports, or of rules where one rule decides all
 * the frames of each end, rule_a's of a, rule_b's of b (has_rules).
 */
struct vale_pair {
	u16 a;
	u16 b;
	bool bypass;
	bool has_rules;
	u32 rule_a;
	u32 rule_b;
	char name_a[VALE_NAME_MAX];
	char name_b[VALE_NAME_MAX];
};

struct vale_steer {
	struct vale_ruleset __rcu *set;	/* NULL: no rules */
	struct vale_pair *pairs;	/* npairs of them by a, or NULL */
	u32 npairs;
};

void vale_steer_init(struct vale_steer *st);
/* Free the rules of a switch that forwarders no longer reach. */
void vale_steer_destroy(struct vale_steer *st);

/* The "rules" lookup (vale_lookup_fn); priv is the switch's MAC table. */
u16 vale_lookup_rules(void *priv, const u8 *frame, u32 len, u32 plen,
		      u16 src);

/*
 * Add @r (replace: the rule of the same id), delete rule @id, delete all.
 * @r's names are the ports' names, its indices are ignored.  0 or a
 * negative errno with a message in @extack; the set is unchanged on error.
 */
int vale_steer_add(struct vale_switch *sw, const struct vale_rule *r,
		   bool replace, struct netlink_ext_ack *extack);
int vale_steer_del(struct vale_switch *sw, u32 id,
		   struct netlink_ext_ack *extack);
void vale_steer_flush(struct vale_switch *sw);

/* Number of rules; the rules themselves, for dumps (under vale_mutex). */
const struct vale_ruleset *vale_steer_rules(struct vale_switch *sw);
void vale_steer_counters(const struct vale_rule *r, u64 *packets, u64 *bytes);

/*
 * The switch's ports or lookup mode changed: re-resolve the rules' port
 * names and recompute the pairs.  Called by the core under vale_mutex.
 */
void vale_steer_update(struct vale_switch *sw);

/* The listener that keeps rules and pairs up to date (module init). */
int vale_steer_register(void);
void vale_steer_unregister(void);

#endif /* _VALE_STEER_H */
