// SPDX-License-Identifier: GPL-2.0
// tier0-sources: kmod/rules.c kmod/lookup.c
/*
 * Tier 0: kmod/rules.c in user space: rule matching on every field, with
 * priorities and overlaps; rule sets built copy-on-write (order, duplicate
 * ids, missing ids, the size limit); rule checks; point-to-point
 * detection on rule sets (pairs found, and pairs refused: a third port
 * reachable by flood or learn, a rule to a third port, asymmetric rules,
 * shadowed rules, dead ports) and on rule-less switches; the rule that
 * alone decides an end's frames, for the fast path of a pair.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/slab.h>

#include "rules.h"

/* EXPECT_EQ(literal, unsigned) is intended throughout. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define MAC(n)	(0x020000000000ULL | (n))
#define BCAST	0xffffffffffffULL
#define DROP	VALE_DST_DROP
#define FLOOD	VALE_DST_BCAST
#define NONE	0xffffffffu	/* no rule matched */

/* The key vale_mac_keys() loads for the address @mac (first byte high). */
static u64 key_of(u64 mac)
{
	u8 f[ETH_HLEN] = { 0 };
	u64 d, s;
	int i;

	for (i = 0; i < 6; i++)
		f[i] = mac >> (40 - 8 * i);
	vale_mac_keys(f, &d, &s);
	return d;
}

/* A frame to @dst from @src: untagged with @type, or tagged @vid (< 0: none). */
static u32 frame(u8 *f, u64 dst, u64 src, int vid, u16 type, u32 len)
{
	int i, off = 12;

	memset(f, 0, 64);
	for (i = 0; i < 6; i++) {
		f[i] = dst >> (40 - 8 * i);
		f[6 + i] = src >> (40 - 8 * i);
	}
	if (vid >= 0) {
		f[12] = 0x81;
		f[13] = 0x00;
		f[14] = (vid >> 8) & 0x0f;
		f[15] = vid & 0xff;
		off = 16;
	}
	f[off] = type >> 8;
	f[off + 1] = type & 0xff;
	return len;
}

#define R(_id, _prio, _match, _in, _dst, _vid, _type, _act, _out) \
	{ .id = _id, .prio = _prio, .match = _match, .in_port = _in, \
	  .dkey = _dst, .vid = _vid, .ethertype = _type, \
	  .action = VALE_RULE_ACT_##_act, .out_port = _out }

#define M_IN	VALE_RULE_M_IN_PORT
#define M_DST	VALE_RULE_M_DST
#define M_VID	VALE_RULE_M_VID
#define M_TYPE	VALE_RULE_M_ETHERTYPE
#define UNTAG	VALE_RULE_VID_UNTAGGED

/* The set of rules @r, whose dkey holds the MAC as a number (R()). */
static struct vale_ruleset *build(const struct vale_rule *r, int n)
{
	struct vale_ruleset *rs = NULL, *next;
	struct vale_rule k;
	int i;

	for (i = 0; i < n; i++) {
		k = r[i];
		k.dkey = key_of(k.dkey);
		next = vale_ruleset_add(rs, &k, GFP_KERNEL);
		if (IS_ERR(next)) {
			free(rs);
			return NULL;
		}
		free(rs);
		rs = next;
	}
	return rs;
}

/* One rule set used by the matching table. */
static const struct vale_rule match_rules[] = {
	R(1, 10, M_IN, 0, 0, 0, 0, OUTPUT, 1),
	R(2, 20, M_IN | M_DST, 0, MAC(9), 0, 0, OUTPUT, 2),
	R(3, 20, M_VID, 0, 0, 7, 0, OUTPUT, 3),
	R(4, 30, M_TYPE, 0, 0, 0, 0x88b5, DROP, 0),
	R(5, 5, M_VID, 0, 0, UNTAG, 0, FLOOD, 0),
	R(6, 1, 0, 0, 0, 0, 0, LEARN, 0),
	R(7, 20, M_IN, 4, 0, 0, 0, OUTPUT, 4),		/* to itself */
	R(8, 25, M_VID | M_TYPE, 0, 0, 9, 0x0800, OUTPUT, 5),
};

static const struct {
	const char *what;
	u16 src;
	u64 dst;
	int vid;
	u16 type;
	u32 len;
	u16 want;
	u32 rule;		/* id of the deciding rule, NONE */
} match_cases[] = {
	{ "in_port only", 0, MAC(1), -1, 0x0800, 60, 1, 1 },
	{ "in_port + dst wins on priority", 0, MAC(9), -1, 0x0800, 60, 2, 2 },
	{ "dst without its in_port", 1, MAC(9), -1, 0x0800, 60, FLOOD, 5 },
	{ "vid 7 tagged", 1, MAC(1), 7, 0x0800, 64, 3, 3 },
	{ "vid 7 from port 0: same priority, lower id first", 0, MAC(9), 7,
	  0x0800, 64, 2, 2 },
	{ "vid 7 from port 0 to another MAC", 0, MAC(1), 7, 0x0800, 64, 3, 3 },
	{ "ethertype beats everything", 0, MAC(9), -1, 0x88b5, 60, DROP, 4 },
	{ "ethertype after the tag", 2, MAC(1), 7, 0x88b5, 64, DROP, 4 },
	{ "vid + ethertype", 2, MAC(1), 9, 0x0800, 64, 5, 8 },
	{ "vid 9, other ethertype: learn floods", 2, MAC(1), 9, 0x86dd, 64,
	  FLOOD, 6 },
	{ "untagged only rule", 3, MAC(1), -1, 0x0800, 60, FLOOD, 5 },
	{ "truncated tag matches no vid rule", 3, MAC(1), 7, 0x0800, 15,
	  FLOOD, 6 },
	{ "output to the source is dropped", 4, MAC(1), -1, 0x0800, 60, DROP,
	  7 },
};

TEST(matching)
{
	struct vale_mac_table *t = calloc(1, sizeof(*t));
	struct vale_ruleset *rs = build(match_rules, ARRAY_SIZE(match_rules));
	u8 f[64];
	size_t i;
	int hit;

	ASSERT_NE(NULL, t);
	ASSERT_NE(NULL, rs);
	for (i = 0; i < ARRAY_SIZE(match_cases); i++) {
		u32 len = frame(f, match_cases[i].dst, MAC(0x77),
				match_cases[i].vid, match_cases[i].type,
				match_cases[i].len);
		u16 d = vale_rules_lookup(rs, t, f, len, match_cases[i].src,
					  &hit);
		u32 id = hit < 0 ? NONE : rs->rule[hit].id;

		EXPECT_EQ(match_cases[i].want, d)
			TH_LOG("%s: destination %u", match_cases[i].what, d);
		EXPECT_EQ(match_cases[i].rule, id)
			TH_LOG("%s: rule %u", match_cases[i].what, id);
	}
	free(rs);
	free(t);
}

TEST(no_rule_drops)
{
	struct vale_mac_table t = { 0 };
	const struct vale_rule r = R(1, 1, M_IN, 3, 0, 0, 0, OUTPUT, 1);
	struct vale_ruleset *rs = build(&r, 1);
	struct vale_ruleset empty = { .n = 0 };
	u8 f[64];
	int hit;

	ASSERT_NE(NULL, rs);
	frame(f, MAC(1), MAC(2), -1, 0x0800, 60);
	EXPECT_EQ(DROP, vale_rules_lookup(rs, &t, f, 60, 0, &hit));
	EXPECT_EQ(-1, hit);
	EXPECT_EQ(DROP, vale_rules_lookup(&empty, &t, f, 60, 0, &hit));
	EXPECT_EQ(-1, hit);
	free(rs);
}

TEST(learn_action_learns)
{
	struct vale_mac_table *t = calloc(1, sizeof(*t));
	const struct vale_rule r = R(1, 1, 0, 0, 0, 0, 0, LEARN, 0);
	struct vale_ruleset *rs = build(&r, 1);
	u8 f[64];
	int hit;

	ASSERT_NE(NULL, rs);
	frame(f, MAC(2), MAC(1), -1, 0x0800, 60);
	EXPECT_EQ(FLOOD, vale_rules_lookup(rs, t, f, 60, 3, &hit));
	frame(f, MAC(1), MAC(2), -1, 0x0800, 60);
	EXPECT_EQ(3, vale_rules_lookup(rs, t, f, 60, 5, &hit));
	EXPECT_EQ(0, hit);
	free(rs);
	free(t);
}

TEST(sets_are_sorted_and_copied)
{
	const struct vale_rule r[] = {
		R(5, 1, 0, 0, 0, 0, 0, DROP, 0),
		R(3, 9, 0, 0, 0, 0, 0, DROP, 0),
		R(4, 9, 0, 0, 0, 0, 0, DROP, 0),
		R(1, 9, 0, 0, 0, 0, 0, DROP, 0),
		R(2, 100, 0, 0, 0, 0, 0, DROP, 0),
	};
	const u32 order[] = { 2, 1, 3, 4, 5 };
	struct vale_rule dup = R(4, 50, 0, 0, 0, 0, 0, FLOOD, 0);
	struct vale_ruleset *rs = build(r, ARRAY_SIZE(r)), *next;
	size_t i;

	ASSERT_NE(NULL, rs);
	ASSERT_EQ(5, rs->n);
	for (i = 0; i < ARRAY_SIZE(order); i++)
		EXPECT_EQ(order[i], rs->rule[i].id);

	next = vale_ruleset_add(rs, &dup, GFP_KERNEL);
	EXPECT_EQ(-EEXIST, PTR_ERR(next));
	next = vale_ruleset_del(rs, 42, GFP_KERNEL);
	EXPECT_EQ(-ENOENT, PTR_ERR(next));
	dup.id = 42;
	next = vale_ruleset_replace(rs, &dup, GFP_KERNEL);
	EXPECT_EQ(-ENOENT, PTR_ERR(next));

	/* Replace moves rule 4 to its new priority; the old set is intact. */
	dup.id = 4;
	next = vale_ruleset_replace(rs, &dup, GFP_KERNEL);
	ASSERT_FALSE(IS_ERR(next));
	ASSERT_EQ(5, next->n);
	EXPECT_EQ(2, next->rule[0].id);
	EXPECT_EQ(4, next->rule[1].id);
	EXPECT_EQ(VALE_RULE_ACT_FLOOD, next->rule[1].action);
	EXPECT_EQ(4, rs->rule[3].id);
	EXPECT_EQ(VALE_RULE_ACT_DROP, rs->rule[3].action);
	free(next);

	next = vale_ruleset_del(rs, 3, GFP_KERNEL);
	ASSERT_FALSE(IS_ERR(next));
	ASSERT_EQ(4, next->n);
	EXPECT_EQ(-1, vale_ruleset_index(next, 3));
	EXPECT_EQ(2, vale_ruleset_index(next, 4));
	EXPECT_EQ(2, vale_ruleset_index(rs, 3));
	free(next);
	free(rs);
}

TEST(set_size_limit)
{
	struct vale_ruleset *rs = NULL, *next;
	struct vale_rule r = R(0, 0, 0, 0, 0, 0, 0, DROP, 0);
	u32 i;

	for (i = 0; i < VALE_RULES_MAX; i++) {
		r.id = i;
		next = vale_ruleset_add(rs, &r, GFP_KERNEL);
		ASSERT_FALSE(IS_ERR(next));
		free(rs);
		rs = next;
	}
	r.id = VALE_RULES_MAX;
	EXPECT_EQ(-ENOSPC, PTR_ERR(vale_ruleset_add(rs, &r, GFP_KERNEL)));
	free(rs);
}

static const struct {
	const char *what;
	struct vale_rule r;
	int want;
} check_cases[] = {
	{ "a good output", R(1, 0, M_IN, 3, 0, 0, 0, OUTPUT, 7), 0 },
	{ "unknown match bit",
	  { .match = BIT(4), .action = VALE_RULE_ACT_DROP }, -EINVAL },
	{ "in_port beyond the switch", R(1, 0, M_IN, 8, 0, 0, 0, DROP, 0),
	  -EINVAL },
	{ "in_port ignored unless matched", R(1, 0, 0, 999, 0, 0, 0, DROP, 0),
	  0 },
	{ "vid 4095", R(1, 0, M_VID, 0, 0, 4095, 0, DROP, 0), 0 },
	{ "vid 4096", R(1, 0, M_VID, 0, 0, 4096, 0, DROP, 0), -EINVAL },
	{ "vid untagged", R(1, 0, M_VID, 0, 0, UNTAG, 0, DROP, 0), 0 },
	{ "vid of a cut tag", R(1, 0, M_VID, 0, 0, VALE_RULE_VID_BAD, 0, DROP,
				0), -EINVAL },
	{ "a dst key over 48 bits",
	  { .match = M_DST, .dkey = 1ULL << 48, .action = VALE_RULE_ACT_DROP },
	  -EINVAL },
	{ "unknown action", { .action = VALE_RULE_ACT_MAX + 1 }, -EINVAL },
	{ "output beyond the switch", R(1, 0, 0, 0, 0, 0, 0, OUTPUT, 8),
	  -EINVAL },
	{ "flood ignores out_port", R(1, 0, 0, 0, 0, 0, 0, FLOOD, 999), 0 },
};

TEST(rule_check)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(check_cases); i++)
		EXPECT_EQ(check_cases[i].want,
			  vale_rule_check(&check_cases[i].r, 8))
			TH_LOG("%s", check_cases[i].what);
}

#define NP	8
#define MAXR	8

/* Pairs as a string "a-b c-d", lowest first, for readable failures. */
static void pairs_str(const u16 *peer, char *s, size_t size)
{
	size_t off = 0;
	u16 x;

	s[0] = 0;
	for (x = 0; x < NP; x++)
		if (peer[x] != DROP && peer[x] > x)
			off += snprintf(s + off, size - off, "%s%u-%u",
					off ? " " : "", x, peer[x]);
}

static const struct {
	const char *what;
	unsigned long live;
	struct vale_rule r[MAXR];
	int n;
	const char *pairs;
	const char *fast;	/* "port:rule id" of vale_rules_fast() per end */
} p2p_cases[] = {
	{ "one pair by in_port rules", 0x3,
	  { R(1, 1, M_IN, 0, 0, 0, 0, OUTPUT, 1),
	    R(2, 1, M_IN, 1, 0, 0, 0, OUTPUT, 0) }, 2, "0-1", "0:1 1:2" },
	{ "a chain of two pairs", 0xf,
	  { R(1, 1, M_IN, 0, 0, 0, 0, OUTPUT, 1),
	    R(2, 1, M_IN, 1, 0, 0, 0, OUTPUT, 0),
	    R(3, 1, M_IN, 2, 0, 0, 0, OUTPUT, 3),
	    R(4, 1, M_IN, 3, 0, 0, 0, OUTPUT, 2) }, 4, "0-1 2-3", "0:1 1:2 2:3 3:4" },
	{ "asymmetric: 1 sends to 2", 0x7,
	  { R(1, 1, M_IN, 0, 0, 0, 0, OUTPUT, 1),
	    R(2, 1, M_IN, 1, 0, 0, 0, OUTPUT, 2) }, 2, "", "" },
	{ "a third port sends to one end", 0x7,
	  { R(1, 1, M_IN, 0, 0, 0, 0, OUTPUT, 1),
	    R(2, 1, M_IN, 1, 0, 0, 0, OUTPUT, 0),
	    R(3, 1, M_IN, 2, 0, 0, 0, OUTPUT, 1) }, 3, "", "" },
	{ "a rule to a third port for some frames", 0x7,
	  { R(1, 2, M_IN | M_TYPE, 0, 0, 0, 0x0806, OUTPUT, 2),
	    R(2, 1, M_IN, 0, 0, 0, 0, OUTPUT, 1),
	    R(3, 1, M_IN, 1, 0, 0, 0, OUTPUT, 0) }, 3, "", "" },
	{ "a rule to a third port shadowed by a catch-all", 0x7,
	  { R(1, 2, M_IN, 0, 0, 0, 0, OUTPUT, 1),
	    R(2, 1, M_IN | M_TYPE, 0, 0, 0, 0x0806, OUTPUT, 2),
	    R(3, 1, M_IN, 1, 0, 0, 0, OUTPUT, 0) }, 3, "0-1", "0:1 1:3" },
	{ "a third port floods", 0x7,
	  { R(1, 1, M_IN, 0, 0, 0, 0, OUTPUT, 1),
	    R(2, 1, M_IN, 1, 0, 0, 0, OUTPUT, 0),
	    R(3, 1, M_IN, 2, 0, 0, 0, FLOOD, 0) }, 3, "", "" },
	{ "a third port learns", 0x7,
	  { R(1, 1, M_IN, 0, 0, 0, 0, OUTPUT, 1),
	    R(2, 1, M_IN, 1, 0, 0, 0, OUTPUT, 0),
	    R(3, 1, M_IN, 2, 0, 0, 0, LEARN, 0) }, 3, "", "" },
	{ "the third port only drops", 0x7,
	  { R(1, 1, M_IN, 0, 0, 0, 0, OUTPUT, 1),
	    R(2, 1, M_IN, 1, 0, 0, 0, OUTPUT, 0),
	    R(3, 1, M_IN, 2, 0, 0, 0, DROP, 0) }, 3, "0-1", "0:1 1:2" },
	{ "a flood for some frames of an end", 0x3,
	  { R(1, 2, M_IN | M_DST, 0, BCAST, 0, 0, FLOOD, 0),
	    R(2, 1, M_IN, 0, 0, 0, 0, OUTPUT, 1),
	    R(3, 1, M_IN, 1, 0, 0, 0, OUTPUT, 0) }, 3, "", "" },
	{ "a wildcard rule after the pair's catch-alls", 0x7,
	  { R(1, 2, M_IN, 0, 0, 0, 0, OUTPUT, 1),
	    R(2, 2, M_IN, 1, 0, 0, 0, OUTPUT, 0),
	    R(3, 1, 0, 0, 0, 0, 0, OUTPUT, 0) }, 3, "", "" },
	{ "a wildcard drop after them", 0x7,
	  { R(1, 2, M_IN, 0, 0, 0, 0, OUTPUT, 1),
	    R(2, 2, M_IN, 1, 0, 0, 0, OUTPUT, 0),
	    R(3, 1, 0, 0, 0, 0, 0, DROP, 0) }, 3, "0-1", "0:1 1:2" },
	{ "a dead third port's rules do not count", 0x3,
	  { R(1, 1, M_IN, 0, 0, 0, 0, OUTPUT, 1),
	    R(2, 1, M_IN, 1, 0, 0, 0, OUTPUT, 0),
	    R(3, 1, M_IN, 2, 0, 0, 0, FLOOD, 0) }, 3, "0-1", "0:1 1:2" },
	{ "output to a dead port is a drop", 0x3,
	  { R(1, 2, M_IN | M_TYPE, 0, 0, 0, 0x0806, OUTPUT, 5),
	    R(2, 1, M_IN, 0, 0, 0, 0, OUTPUT, 1),
	    R(3, 1, M_IN, 1, 0, 0, 0, OUTPUT, 0) }, 3, "0-1", "1:3" },
	{ "one end silent", 0x3,
	  { R(1, 1, M_IN, 0, 0, 0, 0, OUTPUT, 1) }, 1, "", "" },
	{ "different frames to the same peer", 0x3,
	  { R(1, 2, M_IN | M_VID, 0, 0, 5, 0, OUTPUT, 1),
	    R(2, 1, M_IN, 0, 0, 0, 0, OUTPUT, 1),
	    R(3, 1, M_IN | M_DST, 1, MAC(3), 0, 0, OUTPUT, 0) }, 3, "0-1", "" },
	{ "no rules", 0x3, { }, 0, "", "" },
};

/*
 * "x:id" for every end x of a pair whose frames rule id decides alone
 * (vale_rules_fast()); and no end has a fast rule towards another port.
 */
static void fast_str(const struct vale_ruleset *rs, const u16 *peer, char *s,
		     size_t size)
{
	int off = 0, k;
	u16 x, y;

	s[0] = 0;
	for (x = 0; x < NP; x++) {
		if (peer[x] == DROP)
			continue;
		for (y = 0; y < NP; y++)
			if (y != peer[x] && vale_rules_fast(rs, x, y) >= 0)
				off += snprintf(s + off, size - off,
						"%s%u:to-%u?", off ? " " : "",
						x, y);
		k = vale_rules_fast(rs, x, peer[x]);
		if (k >= 0)
			off += snprintf(s + off, size - off, "%s%u:%u",
					off ? " " : "", x, rs->rule[k].id);
	}
}

TEST(p2p_on_rules)
{
	struct vale_p2p_work work[NP];
	u16 peer[NP];
	char got[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(p2p_cases); i++) {
		struct vale_ruleset *rs = build(p2p_cases[i].r, p2p_cases[i].n);
		unsigned long live = p2p_cases[i].live;
		u32 n, want_n = 0;
		const char *c;

		if (p2p_cases[i].n)
			ASSERT_NE(NULL, rs);
		n = vale_rules_p2p(rs, &live, NP, work, peer);
		pairs_str(peer, got, sizeof(got));
		EXPECT_STREQ(p2p_cases[i].pairs, got)
			TH_LOG("%s", p2p_cases[i].what);
		for (c = p2p_cases[i].pairs; *c; c++)
			want_n += *c == '-';
		EXPECT_EQ(want_n, n) TH_LOG("%s", p2p_cases[i].what);
		fast_str(rs, peer, got, sizeof(got));
		EXPECT_STREQ(p2p_cases[i].fast, got)
			TH_LOG("%s: fast", p2p_cases[i].what);
		free(rs);
	}
}

TEST(p2p_without_rules)
{
	static const struct {
		unsigned long live;
		const char *pairs;
	} c[] = {
		{ 0x0, "" }, { 0x1, "" }, { 0x3, "0-1" }, { 0x22, "1-5" },
		{ 0x7, "" }, { 0x80, "" },
	};
	u16 peer[NP];
	char got[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		unsigned long live = c[i].live;
		u32 n = vale_ports_p2p(&live, NP, peer);

		pairs_str(peer, got, sizeof(got));
		EXPECT_STREQ(c[i].pairs, got) TH_LOG("live %#lx", c[i].live);
		EXPECT_EQ(c[i].pairs[0] ? 1 : 0, n);
	}
}

/* Port names of a switch for vale_ruleset_resolve(): "p<index>". */
static u16 index_of(void *arg, const char *name)
{
	const char *const *names = arg;
	u16 i;

	for (i = 0; names[i]; i++)
		if (!strcmp(names[i], name))
			return i;
	return DROP;
}

TEST(names_resolve_to_indices)
{
	static const char *const before[] = { "a", "b", "c", NULL };
	static const char *const after[] = { "c", "x", "a", NULL };
	struct vale_rule r[] = {
		R(1, 1, M_IN, 0, 0, 0, 0, OUTPUT, 0),
		R(2, 1, M_IN, 0, 0, 0, 0, OUTPUT, 0),
		R(3, 1, 0, 0, 0, 0, 0, FLOOD, 0),
	};
	struct vale_p2p_work work[NP];
	struct vale_ruleset *rs;
	unsigned long live = 0x7;
	u16 peer[NP];

	strcpy(r[0].in_name, "a");
	strcpy(r[0].out_name, "c");
	strcpy(r[1].in_name, "c");
	strcpy(r[1].out_name, "a");
	strcpy(r[2].in_name, "b");	/* not matched on: left alone */
	r[2].in_port = 5;
	rs = build(r, ARRAY_SIZE(r));
	ASSERT_NE(NULL, rs);
	vale_ruleset_resolve(rs, index_of, (void *)before);
	EXPECT_EQ(0, rs->rule[0].in_port);
	EXPECT_EQ(2, rs->rule[0].out_port);
	EXPECT_EQ(2, rs->rule[1].in_port);
	EXPECT_EQ(0, rs->rule[1].out_port);
	EXPECT_EQ(5, rs->rule[2].in_port);
	/* "b" floods: no pair while it is there. */
	EXPECT_EQ(0, vale_rules_p2p(rs, &live, NP, work, peer));

	/* The ports came back in another order, "b" is gone. */
	vale_ruleset_resolve(rs, index_of, (void *)after);
	EXPECT_EQ(2, rs->rule[0].in_port);
	EXPECT_EQ(0, rs->rule[0].out_port);
	EXPECT_EQ(0, rs->rule[1].in_port);
	EXPECT_EQ(2, rs->rule[1].out_port);
	/* The flood rule matches every port: x floods, still no pair. */
	EXPECT_EQ(0, vale_rules_p2p(rs, &live, NP, work, peer));
	free(rs);

	/* Without the flood rule: a and c pair; a name not there never matches. */
	rs = build(r, 2);
	ASSERT_NE(NULL, rs);
	vale_ruleset_resolve(rs, index_of, (void *)after);
	EXPECT_EQ(1, vale_rules_p2p(rs, &live, NP, work, peer));
	EXPECT_EQ(2, peer[0]);
	strcpy(rs->rule[1].in_name, "gone");
	vale_ruleset_resolve(rs, index_of, (void *)after);
	EXPECT_EQ(DROP, rs->rule[1].in_port);
	EXPECT_EQ(0, vale_rules_p2p(rs, &live, NP, work, peer));
	free(rs);
}

TEST_HARNESS_MAIN
