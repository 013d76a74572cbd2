/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale: steering rules, the "rules" lookup, and point-to-point detection.
 * Pure logic: also built in user space (Tier 0).
 *
 * A rule set is an immutable array sorted by priority (highest first),
 * then by id (lowest first); the first rule that matches a frame decides
 * its fate, and a frame no rule matches is dropped.  A change builds a new
 * set (vale_ruleset_add(), vale_ruleset_del()) that the switch publishes
 * with RCU, so a forwarder sees either the old table or the new one,
 * never half of each.
 */
#ifndef _VALE_RULES_H
#define _VALE_RULES_H

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/if_ether.h>
#include <linux/rcupdate.h>
#include <linux/vale.h>

#include "lookup.h"

/* Which fields a rule matches on; a field not named matches anything. */
#define VALE_RULE_M_IN_PORT	BIT(0)
#define VALE_RULE_M_DST		BIT(1)
#define VALE_RULE_M_VID		BIT(2)
#define VALE_RULE_M_ETHERTYPE	BIT(3)
#define VALE_RULE_M_ALL		(BIT(4) - 1)

/* vid of a rule that matches frames without a VLAN tag only. */
#define VALE_RULE_VID_UNTAGGED	0xffff
/* vid a frame gets when its tag is cut short: it matches no vid rule. */
#define VALE_RULE_VID_BAD	0xfffe

#define VALE_RULES_MAX		1024

/* A rule's counters, per CPU (steer.c); Tier 0 leaves them NULL. */
struct vale_rule_ctr {
	u64 packets;
	u64 bytes;
};

struct vale_rule {
	/* What matching reads, first. */
	u64 dkey;		/* destination MAC, as vale_mac_keys() loads it */
	u32 id;			/* chosen by the administrator, unique */
	u16 prio;		/* higher first */
	u16 match;		/* VALE_RULE_M_* */
	u16 in_port;		/* index; VALE_DST_DROP: no such port now */
	u16 vid;		/* 0..4095 or VALE_RULE_VID_UNTAGGED */
	u16 ethertype;		/* host byte order; the one after a VLAN tag */
	u8 action;		/* enum vale_rule_act (uapi) */
	u16 out_port;		/* index; VALE_DST_DROP: no such port now */
	struct vale_rule_ctr __percpu *ctr;
	/*
	 * The ports as the administrator named them (the port part, "" when
	 * not used); vale_ruleset_resolve() turns them into indices whenever
	 * the switch's ports change, so a rule outlives its ports' comings
	 * and goings and never follows an index to another port.
	 */
	char in_name[VALE_NAME_MAX];
	char out_name[VALE_NAME_MAX];
};

struct vale_ruleset {
	struct rcu_head rcu;	/* freeing after the readers (steer.c) */
	u32 n;
	struct vale_rule rule[];
};

/* The fields of a frame that rules match on. */
struct vale_rule_key {
	u64 dkey;
	u64 skey;
	u16 vid;		/* or VALE_RULE_VID_UNTAGGED / _BAD */
	u16 ethertype;
};

/*
 * The key of a frame of at least ETH_HLEN bytes (shorter frames are
 * dropped before any lookup).  The frame is in user-writable memory:
 * each byte is read once.  A tag is 802.1Q (0x8100) or 802.1ad (0x88a8);
 * the outer one gives the vid and the ethertype is the one after it.
 */
static inline void vale_rule_key(const u8 *frame, u32 len,
				 struct vale_rule_key *k)
{
	u16 type;

	vale_mac_keys(frame, &k->dkey, &k->skey);
	type = (u16)frame[12] << 8 | frame[13];
	k->vid = VALE_RULE_VID_UNTAGGED;
	k->ethertype = type;
	if (type != ETH_P_8021Q && type != ETH_P_8021AD)
		return;
	if (len < ETH_HLEN + 4) {
		k->vid = VALE_RULE_VID_BAD;
		return;
	}
	k->vid = ((u16)frame[14] << 8 | frame[15]) & 0x0fff;
	k->ethertype = (u16)frame[16] << 8 | frame[17];
}

static inline bool vale_rule_matches(const struct vale_rule *r,
				     const struct vale_rule_key *k, u16 src)
{
	u16 m = r->match;

	if ((m & VALE_RULE_M_IN_PORT) && r->in_port != src)
		return false;
	if ((m & VALE_RULE_M_DST) && r->dkey != k->dkey)
		return false;
	if ((m & VALE_RULE_M_VID) && r->vid != k->vid)
		return false;
	if ((m & VALE_RULE_M_ETHERTYPE) && r->ethertype != k->ethertype)
		return false;
	return true;
}

/* Index of the first rule of @rs that matches, or -1. */
static inline int vale_rules_find(const struct vale_ruleset *rs,
				  const struct vale_rule_key *k, u16 src)
{
	u32 i;

	for (i = 0; i < rs->n; i++)
		if (vale_rule_matches(&rs->rule[i], k, src))
			return i;
	return -1;
}

/*
 * The rules lookup: destination of a frame from @src under @rs, the
 * learning bridge @t serving the "learn" action.  *@hit is the index of
 * the rule that decided (for its counters), or -1 when none matched.
 */
static inline u16 vale_rules_lookup(const struct vale_ruleset *rs,
				    struct vale_mac_table *t, const u8 *frame,
				    u32 len, u16 src, int *hit)
{
	struct vale_rule_key k;
	const struct vale_rule *r;
	int i;

	vale_rule_key(frame, len, &k);
	i = vale_rules_find(rs, &k, src);
	*hit = i;
	if (i < 0)
		return VALE_DST_DROP;
	r = &rs->rule[i];
	switch (r->action) {
	case VALE_RULE_ACT_OUTPUT:
		return r->out_port == src ? VALE_DST_DROP : r->out_port;
	case VALE_RULE_ACT_FLOOD:
		return VALE_DST_BCAST;
	case VALE_RULE_ACT_LEARN:
		return vale_learn_keys(t, k.dkey, k.skey, src);
	default:
		return VALE_DST_DROP;
	}
}

/* The key of destination MAC @mac (6 bytes), and back. */
static inline u64 vale_rule_dkey(const u8 *mac)
{
	u8 f[ETH_HLEN] = { 0 };
	u64 d, s;

	memcpy(f, mac, ETH_ALEN);
	vale_mac_keys(f, &d, &s);
	return d;
}

static inline void vale_rule_dmac(u64 dkey, u8 *mac)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	dkey <<= 16;
#endif
	memcpy(mac, &dkey, ETH_ALEN);
}

/*
 * 0, or -EINVAL if @r is not a rule a switch of @max_ports ports takes
 * (indices are checked where the match or the action uses them; rules
 * built from names check the names instead and resolve them).
 */
int vale_rule_check(const struct vale_rule *r, u16 max_ports);

/*
 * A new set: @old (may be NULL) with @r added (-EEXIST if its id is taken,
 * -ENOSPC beyond VALE_RULES_MAX) or with rule @id removed (-ENOENT), or
 * @r replacing the rule of the same id (-ENOENT if there is none).  @old
 * is not changed; the result is freed with kfree().  On error an
 * ERR_PTR().
 */
struct vale_ruleset *vale_ruleset_add(const struct vale_ruleset *old,
				      const struct vale_rule *r, gfp_t gfp);
struct vale_ruleset *vale_ruleset_del(const struct vale_ruleset *old,
				      u32 id, gfp_t gfp);
struct vale_ruleset *vale_ruleset_replace(const struct vale_ruleset *old,
					  const struct vale_rule *r, gfp_t gfp);

/*
 * Set every rule's in_port and out_port of @rs from its names through
 * @index (the port's index, or VALE_DST_DROP when the switch has no port
 * of that name).  Only for a set no forwarder sees yet.
 */
void vale_ruleset_resolve(struct vale_ruleset *rs,
			  u16 (*index)(void *arg, const char *name), void *arg);

/* Position of rule @id in @rs, or -1. */
int vale_ruleset_index(const struct vale_ruleset *rs, u32 id);

/*
 * Point-to-point detection.  Ports A and B are a pair when, by the rules,
 * every frame A sends can reach only B, every frame B sends can reach only
 * A, and no other port can reach either of them: then the two only ever
 * talk to each other and the switch may take itself out of their way.
 *
 * @live has a bit per port index below @nports set for the ports that
 * exist; @work is scratch for @nports entries.  On return @peer[x] is the
 * partner of x, or VALE_DST_DROP.  Returns the number of pairs.
 *
 * Cost: one pass over the rules; a rule that names its input port costs
 * O(1), one that does not costs O(@nports); then one pass over the ports.
 * Detection is conservative: a port whose frames may reach two or more
 * ports (a flood, a learn action, outputs to different ports) reaches
 * "anything" and prevents every pair but none that it does not touch is
 * ever reported wrongly.
 */
struct vale_p2p_work {
	u16 out;	/* VALE_DST_DROP: none yet; VALE_DST_BCAST: many */
	u16 by;		/* who may send here: as out */
	bool closed;	/* a rule matching all of this port's frames was seen */
};

u32 vale_rules_p2p(const struct vale_ruleset *rs, const unsigned long *live,
		   u16 nports, struct vale_p2p_work *work, u16 *peer);

/*
 * The rule that decides every frame @src sends when all of them go to
 * @peer: the first rule that applies to @src (by its input port) when it
 * matches on nothing else and outputs to @peer.  Its index, or -1 when
 * the frames of @src may be decided by different rules (then the fast
 * path of a pair, fwd.c, would lose the rules' counters).
 */
int vale_rules_fast(const struct vale_ruleset *rs, u16 src, u16 peer);

/* The same for a switch without rules (learning, p2p): two ports, a pair. */
u32 vale_ports_p2p(const unsigned long *live, u16 nports, u16 *peer);

#endif /* _VALE_RULES_H */
