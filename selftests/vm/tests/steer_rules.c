// SPDX-License-Identifier: GPL-2.0
/*
 * steer_rules: the "rules" lookup and its netlink operations
 * (Documentation/steering.md).
 *
 *  - rules steer frames as written: every field (input port, destination,
 *    VLAN id, untagged, ethertype), priorities, every action; each port
 *    receives exactly the frames the table sends it, in order, once; every
 *    rule's packet and byte counters and the senders' drop_no_dest are
 *    exact;
 *  - bad input: a table of broken requests, each refused with its errno
 *    and extack message, the rule table unchanged afterwards; the size
 *    limit (1024 rules, then -ENOSPC); rule-set keeps a rule's counters;
 *  - point-to-point pairs: found from the rules and shown by switch-get,
 *    gone as soon as a third port may reach one end, back when it may not;
 *    a learning switch with exactly two ports is a pair;
 *  - the fast path of a pair: frames and counters as the lookup gives
 *    them, a rule to a third port effective on the next frame;
 *  - a pair's bypass attributes and the bypass report ioctl (counters
 *    moved exactly, a table of bad reports that move nothing);
 *  - rules replaced under traffic: every frame a sender's sync took is
 *    accounted for, delivered or counted dropped, and nothing splats.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/vale.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include "nl_test.h"
#include "raw_port.h"

#define SW	"valers"
#define NP	4

static const char * const pname[NP] = { "a", "b", "c", "d" };

static int sw_req(uint8_t cmd, const char *name, int lookup)
{
	return nl_switch_req(cmd, name, -1, lookup, -1);
}

/* A rule as the tests write it; 0 / NULL / -1 fields are not sent. */
struct rule {
	uint32_t id, prio;
	const char *in;
	uint64_t dst;
	int vid;		/* -1: none, -2: untagged */
	int type;		/* -1: none */
	int act;
	const char *out;
};

static void put_rule(struct nlmsghdr *nlh, const struct rule *r)
{
	uint8_t mac[6];
	int i;

	mnl_attr_put_strz(nlh, VALE_A_RULE_SWITCH, SW);
	mnl_attr_put_u32(nlh, VALE_A_RULE_ID, r->id);
	if (r->prio > 0xffff)
		mnl_attr_put_u32(nlh, VALE_A_RULE_PRIO, r->prio);	/* wrong size */
	else if (r->prio)
		mnl_attr_put_u16(nlh, VALE_A_RULE_PRIO, r->prio);
	if (r->in)
		mnl_attr_put_strz(nlh, VALE_A_RULE_IN_PORT, r->in);
	if (r->dst) {
		for (i = 0; i < 6; i++)
			mac[i] = r->dst >> (40 - 8 * i);
		mnl_attr_put(nlh, VALE_A_RULE_DST, 6, mac);
	}
	if (r->vid >= 0)
		mnl_attr_put_u32(nlh, VALE_A_RULE_VID, r->vid);
	else if (r->vid == -2)
		mnl_attr_put(nlh, VALE_A_RULE_UNTAGGED, 0, NULL);
	if (r->type > 0xffff)
		mnl_attr_put_u32(nlh, VALE_A_RULE_ETHERTYPE, r->type);	/* wrong size */
	else if (r->type >= 0)
		mnl_attr_put_u16(nlh, VALE_A_RULE_ETHERTYPE, r->type);
	mnl_attr_put_u32(nlh, VALE_A_RULE_ACTION, r->act);
	if (r->out)
		mnl_attr_put_strz(nlh, VALE_A_RULE_OUT_PORT, r->out);
}

static int rule_req(uint8_t cmd, const struct rule *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, cmd, 0);

	put_rule(nlh, r);
	return talk(nlh, ok_cb, NULL);
}

static int rule_del(uint32_t id)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, VALE_CMD_RULE_DEL, 0);

	mnl_attr_put_strz(nlh, VALE_A_RULE_SWITCH, SW);
	mnl_attr_put_u32(nlh, VALE_A_RULE_ID, id);
	return talk(nlh, ok_cb, NULL);
}

static int rule_flush(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, VALE_CMD_RULE_FLUSH, 0);

	mnl_attr_put_strz(nlh, VALE_A_RULE_SWITCH, SW);
	return talk(nlh, ok_cb, NULL);
}

/* What a rule dump says: ids in table order and counters by id. */
struct dump {
	int n;
	uint32_t id[1100];
	uint64_t packets[64], bytes[64];	/* ids below 64 */
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;
	struct dump *d = data;
	uint32_t id = 0;
	uint64_t p = 0, b = 0;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case VALE_A_RULE_ID:
			id = mnl_attr_get_u32(a);
			break;
		case VALE_A_RULE_PACKETS:
			p = mnl_attr_get_u64(a);
			break;
		case VALE_A_RULE_BYTES:
			b = mnl_attr_get_u64(a);
			break;
		}
	}
	if (d->n < 1100)
		d->id[d->n++] = id;
	if (id < 64) {
		d->packets[id] = p;
		d->bytes[id] = b;
	}
	return MNL_CB_OK;
}

static int rule_dump(struct dump *d)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, VALE_CMD_RULE_GET, NLM_F_DUMP);

	memset(d, 0, sizeof(*d));
	mnl_attr_put_strz(nlh, VALE_A_RULE_SWITCH, SW);
	return talk(nlh, dump_cb, d);
}

/*
 * switch-get: the pairs, as "a-b c-d" by port name, and with their bypass
 * attributes as "a-b bypass 1/2, c-d" (rule ids only when given).
 */
struct swinfo {
	uint32_t nrules, npairs;
	char pairs[256];
	char detail[256];
};

struct pairinfo {
	const char *a, *b;
	bool bypass, rules;
	uint32_t rule_a, rule_b;
};

static int pair_cb(const struct nlattr *a, void *data)
{
	struct pairinfo *p = data;

	switch (mnl_attr_get_type(a)) {
	case VALE_A_PAIR_PORT_A:
		p->a = mnl_attr_get_str(a);
		break;
	case VALE_A_PAIR_PORT_B:
		p->b = mnl_attr_get_str(a);
		break;
	case VALE_A_PAIR_BYPASS:
		p->bypass = true;
		break;
	case VALE_A_PAIR_RULE_A:
		p->rules = true;
		p->rule_a = mnl_attr_get_u32(a);
		break;
	case VALE_A_PAIR_RULE_B:
		p->rule_b = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

/* One pair as swinfo's detail writes it, appended to @s (@n bytes). */
static void pair_detail(char *s, size_t n, const struct pairinfo *p)
{
	size_t off = strlen(s);

	off += snprintf(s + off, n - off, "%s%s-%s", off ? ", " : "", p->a, p->b);
	if (p->bypass && off < n)
		off += snprintf(s + off, n - off, " bypass");
	if (p->rules && off < n)
		snprintf(s + off, n - off, " %u/%u", p->rule_a, p->rule_b);
}

static int sw_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;
	struct swinfo *s = data;
	struct pairinfo p;
	size_t off;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case VALE_A_SWITCH_NRULES:
			s->nrules = mnl_attr_get_u32(a);
			break;
		case VALE_A_SWITCH_NPAIRS:
			s->npairs = mnl_attr_get_u32(a);
			break;
		case VALE_A_SWITCH_PAIR:
			memset(&p, 0, sizeof(p));
			p.a = p.b = "?";
			mnl_attr_parse_nested(a, pair_cb, &p);
			off = strlen(s->pairs);
			snprintf(s->pairs + off, sizeof(s->pairs) - off, "%s%s-%s",
				 off ? " " : "", p.a, p.b);
			pair_detail(s->detail, sizeof(s->detail), &p);
			break;
		}
	}
	return MNL_CB_OK;
}

static int sw_info(const char *name, struct swinfo *s)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, VALE_CMD_SWITCH_GET, 0);

	memset(s, 0, sizeof(*s));
	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, name);
	return talk(nlh, sw_cb, s);
}

/* A frame from port @i: tagged @vid (< 0: untagged), ethertype @type. */
static uint32_t frame(uint8_t *f, uint64_t dst, int i, int vid, uint16_t type,
		      uint32_t seq)
{
	uint32_t len = vid >= 0 ? 64 : 60, off = 12, k;

	for (k = 0; k < 6; k++) {
		f[k] = dst >> (40 - 8 * k);
		f[6 + k] = MAC(i + 1) >> (40 - 8 * k);
	}
	if (vid >= 0) {
		f[12] = 0x81;
		f[13] = 0x00;
		f[14] = vid >> 8;
		f[15] = vid & 0xff;
		off = 16;
	}
	f[off] = type >> 8;
	f[off + 1] = type & 0xff;
	memcpy(f + off + 2, &seq, 4);
	for (k = off + 6; k < len; k++)
		f[k] = (uint8_t)k;
	return len;
}

FIXTURE(steer) {
	struct vp p[NP];
};

FIXTURE_SETUP(steer)
{
	int i;

	ASSERT_EQ(0, open_nl());
	/* a test killed by its timeout never ran its teardown */
	sw_req(VALE_CMD_SWITCH_DEL, SW, -1);
	ASSERT_EQ(0, sw_req(VALE_CMD_SWITCH_NEW, SW, VALE_LOOKUP_RULES));
	for (i = 0; i < NP; i++) {
		char name[32];

		snprintf(name, sizeof(name), SW ":%s", pname[i]);
		ASSERT_EQ(0, vp_open(&self->p[i], name, 0, 0));
	}
}

FIXTURE_TEARDOWN(steer)
{
	int i;

	for (i = 0; i < NP; i++)
		vp_close(&self->p[i]);
	sw_req(VALE_CMD_SWITCH_DEL, SW, -1);
	mnl_socket_close(nl);
}

/* Frames of one kind: from port src, n of them, to be found at dst mask. */
static const struct {
	int src;
	uint64_t dst;
	int vid;
	uint16_t type;
	int n;
	unsigned int to;	/* bit per receiving port */
	uint32_t rule;		/* the rule that decides it */
} kinds[] = {
	{ 0, MAC(3), -1, 0x0800, 10, 1u << 2, 2 },	/* in a + dst: c */
	{ 0, MAC(9), -1, 0x0800, 11, 1u << 1, 1 },	/* in a: b */
	{ 0, MAC(3), -1, 0x88b5, 5, 0, 3 },		/* ethertype: drop */
	{ 1, MAC(1), 7, 0x0800, 6, 1u << 3, 4 },	/* vid 7: d */
	{ 1, MAC(1), 7, 0x88b5, 3, 0, 3 },		/* type after the tag */
	{ 1, MAC(1), -1, 0x0800, 4, 0xd, 5 },		/* untagged: flood */
	{ 2, MAC(1), 9, 0x0800, 3, 0xb, 6 },		/* vid 9: learn, floods */
	{ 3, MAC(4), -1, 0x0800, 2, 1u << 3, 7 },	/* to itself: dropped */
};

static const struct rule table[] = {
	{ .id = 1, .prio = 10, .in = "a", .vid = -1, .type = -1,
	  .act = VALE_RULE_ACT_OUTPUT, .out = "b" },
	{ .id = 2, .prio = 20, .in = "a", .dst = MAC(3), .vid = -1, .type = -1,
	  .act = VALE_RULE_ACT_OUTPUT, .out = "c" },
	{ .id = 3, .prio = 30, .vid = -1, .type = 0x88b5,
	  .act = VALE_RULE_ACT_DROP },
	{ .id = 4, .prio = 5, .vid = 7, .type = -1,
	  .act = VALE_RULE_ACT_OUTPUT, .out = "d" },
	{ .id = 5, .prio = 4, .vid = -2, .type = -1,
	  .act = VALE_RULE_ACT_FLOOD },
	{ .id = 6, .prio = 3, .in = "c", .vid = 9, .type = -1,
	  .act = VALE_RULE_ACT_LEARN },
	{ .id = 7, .prio = 50, .in = "d", .vid = -1, .type = -1,
	  .act = VALE_RULE_ACT_OUTPUT, .out = "d" },
};

TEST_F(steer, rules_steer_as_written)
{
	uint64_t want_p[8] = { 0 }, want_b[8] = { 0 };
	unsigned int got[NP][8] = { { 0 } }, want[NP][8] = { { 0 } };
	struct vale_port_stats b[NP], a[NP];
	uint32_t seqs[8] = { 0 };
	struct dump d;
	uint8_t f[2048];
	size_t k;
	int i, j, n, bad = 0;

	for (k = 0; k < ARRAY_SIZE(table); k++)
		ASSERT_EQ(0, rule_req(VALE_CMD_RULE_NEW, &table[k]))
			TH_LOG("rule %u: %s", table[k].id, errmsg);
	for (i = 0; i < NP; i++)
		b[i] = vp_stats(&self->p[i]);
	/* Interleave the kinds so that order is checked across rules. */
	for (j = 0; j < 11; j++) {
		for (k = 0; k < ARRAY_SIZE(kinds); k++) {
			if (j >= kinds[k].n)
				continue;
			n = frame(f, kinds[k].dst, kinds[k].src, kinds[k].vid,
				  kinds[k].type, k << 16 | j);
			ASSERT_EQ(0, vp_send(&self->p[kinds[k].src], f, n));
			want_p[kinds[k].rule]++;
			want_b[kinds[k].rule] += n;
			for (i = 0; i < NP; i++)
				if (kinds[k].to & (1u << i) && i != kinds[k].src)
					want[i][k]++;
		}
	}
	/* Each port: exactly the expected frames of each kind, in order. */
	for (i = 0; i < NP; i++) {
		memset(seqs, 0, sizeof(seqs));
		while ((n = vp_recv(&self->p[i], f, sizeof(f), NULL)) > 0) {
			uint32_t tag;
			int off = f[12] == 0x81 ? 18 : 14;

			memcpy(&tag, f + off, 4);
			k = tag >> 16;
			if (k >= ARRAY_SIZE(kinds) || (tag & 0xffff) != seqs[k]) {
				bad++;
				continue;
			}
			seqs[k]++;
			got[i][k]++;
		}
		ASSERT_EQ(0, n);
		for (k = 0; k < ARRAY_SIZE(kinds); k++)
			EXPECT_EQ(want[i][k], got[i][k])
				TH_LOG("port %s, kind %zu", pname[i], k);
	}
	EXPECT_EQ(0, bad);
	/* Counters: every rule, and the senders' drops. */
	ASSERT_EQ(0, rule_dump(&d));
	ASSERT_EQ(ARRAY_SIZE(table), d.n);
	/* Table order: priority, highest first. */
	EXPECT_EQ(7, d.id[0]);
	EXPECT_EQ(3, d.id[1]);
	EXPECT_EQ(2, d.id[2]);
	EXPECT_EQ(1, d.id[3]);
	for (k = 1; k <= ARRAY_SIZE(table); k++) {
		EXPECT_EQ(want_p[k], d.packets[k]) TH_LOG("rule %zu packets", k);
		EXPECT_EQ(want_b[k], d.bytes[k]) TH_LOG("rule %zu bytes", k);
	}
	for (i = 0; i < NP; i++)
		a[i] = vp_stats(&self->p[i]);
	/* a: 5 dropped by rule 3; b: 3 by rule 3; d: 2 sent to itself */
	EXPECT_EQ(5, a[0].drop_no_dest - b[0].drop_no_dest);
	EXPECT_EQ(3, a[1].drop_no_dest - b[1].drop_no_dest);
	EXPECT_EQ(0, a[2].drop_no_dest - b[2].drop_no_dest);
	EXPECT_EQ(2, a[3].drop_no_dest - b[3].drop_no_dest);
}

/* A request with one thing wrong: what comes back. */
static const struct {
	const char *what;
	struct rule r;
	uint8_t cmd;
	int dst_len;		/* > 0: send a destination of this length */
	int err;
	const char *msg;	/* part of the extack message */
} bad[] = {
	{ "duplicate id", { .id = 1, .vid = -1, .type = -1,
	  .act = VALE_RULE_ACT_DROP }, VALE_CMD_RULE_NEW, 0, -EEXIST,
	  "exists" },
	{ "replace of a missing id", { .id = 99, .vid = -1, .type = -1,
	  .act = VALE_RULE_ACT_DROP }, VALE_CMD_RULE_SET, 0, -ENOENT,
	  "no rule" },
	{ "action past the last", { .id = 9, .vid = -1, .type = -1,
	  .act = VALE_RULE_ACT_MAX + 1 }, VALE_CMD_RULE_NEW, 0, -ERANGE,
	  "" },
	{ "prio as a u32", { .id = 9, .prio = 65536, .vid = -1, .type = -1,
	  .act = VALE_RULE_ACT_DROP }, VALE_CMD_RULE_NEW, 0, -EINVAL,
	  "invalid attribute length" },
	{ "vid 4096", { .id = 9, .vid = 4096, .type = -1,
	  .act = VALE_RULE_ACT_DROP }, VALE_CMD_RULE_NEW, 0, -ERANGE, "" },
	{ "ethertype as a u32", { .id = 9, .vid = -1, .type = 65536,
	  .act = VALE_RULE_ACT_DROP }, VALE_CMD_RULE_NEW, 0, -EINVAL,
	  "invalid attribute length" },
	{ "output without a port", { .id = 9, .vid = -1, .type = -1,
	  .act = VALE_RULE_ACT_OUTPUT }, VALE_CMD_RULE_NEW, 0, -EINVAL,
	  "needs an output port" },
	{ "a port for a flood", { .id = 9, .vid = -1, .type = -1,
	  .act = VALE_RULE_ACT_FLOOD, .out = "b" }, VALE_CMD_RULE_NEW, 0,
	  -EINVAL, "only goes with action output" },
	{ "bad input port name", { .id = 9, .in = "a b", .vid = -1,
	  .type = -1, .act = VALE_RULE_ACT_DROP }, VALE_CMD_RULE_NEW, 0,
	  -EINVAL, "bad port name" },
	{ "bad output port name", { .id = 9, .vid = -1, .type = -1,
	  .act = VALE_RULE_ACT_OUTPUT, .out = "" }, VALE_CMD_RULE_NEW, 0,
	  -EINVAL, "bad port name" },
	{ "a destination of 5 bytes", { .id = 9, .vid = -1, .type = -1,
	  .act = VALE_RULE_ACT_DROP }, VALE_CMD_RULE_NEW, 5, -ERANGE,
	  "size out of range" },
	{ "a destination of 7 bytes", { .id = 9, .vid = -1, .type = -1,
	  .act = VALE_RULE_ACT_DROP }, VALE_CMD_RULE_NEW, 7, -ERANGE,
	  "size out of range" },
	{ "vid and untagged", { .id = 9, .vid = 3, .type = -1,
	  .act = VALE_RULE_ACT_DROP }, VALE_CMD_RULE_NEW, -2, -EINVAL,
	  "exclude each other" },
};

TEST_F(steer, bad_requests_change_nothing)
{
	const struct rule one = { .id = 1, .prio = 1, .in = "a", .vid = -1,
				  .type = -1, .act = VALE_RULE_ACT_OUTPUT,
				  .out = "b" };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct dump d;
	uint8_t mac[8] = { 2, 0, 0, 0, 0, 1, 0, 0 };
	size_t k;
	int err;

	ASSERT_EQ(0, rule_req(VALE_CMD_RULE_NEW, &one));
	for (k = 0; k < ARRAY_SIZE(bad); k++) {
		nlh = msg(buf, fam, bad[k].cmd, 0);
		put_rule(nlh, &bad[k].r);
		if (bad[k].dst_len > 0)
			mnl_attr_put(nlh, VALE_A_RULE_DST, bad[k].dst_len, mac);
		if (bad[k].dst_len == -2)
			mnl_attr_put(nlh, VALE_A_RULE_UNTAGGED, 0, NULL);
		err = talk(nlh, ok_cb, NULL);
		EXPECT_EQ(bad[k].err, err) TH_LOG("%s: %s", bad[k].what, errmsg);
		EXPECT_NE(NULL, strstr(errmsg, bad[k].msg))
			TH_LOG("%s: \"%s\"", bad[k].what, errmsg);
	}
	/* missing id and action, unknown switch, unknown attribute */
	nlh = msg(buf, fam, VALE_CMD_RULE_NEW, 0);
	mnl_attr_put_strz(nlh, VALE_A_RULE_SWITCH, SW);
	mnl_attr_put_u32(nlh, VALE_A_RULE_ACTION, VALE_RULE_ACT_DROP);
	EXPECT_EQ(-EINVAL, talk(nlh, ok_cb, NULL));
	EXPECT_STREQ("missing rule id", errmsg);
	EXPECT_EQ(VALE_A_RULE_ID, errmiss);
	nlh = msg(buf, fam, VALE_CMD_RULE_NEW, 0);
	mnl_attr_put_strz(nlh, VALE_A_RULE_SWITCH, SW);
	mnl_attr_put_u32(nlh, VALE_A_RULE_ID, 5);
	EXPECT_EQ(-EINVAL, talk(nlh, ok_cb, NULL));
	EXPECT_STREQ("missing action", errmsg);
	nlh = msg(buf, fam, VALE_CMD_RULE_NEW, 0);
	mnl_attr_put_strz(nlh, VALE_A_RULE_SWITCH, "valenone");
	mnl_attr_put_u32(nlh, VALE_A_RULE_ID, 5);
	mnl_attr_put_u32(nlh, VALE_A_RULE_ACTION, VALE_RULE_ACT_DROP);
	EXPECT_EQ(-ENOENT, talk(nlh, ok_cb, NULL));
	EXPECT_STREQ("no such switch", errmsg);
	nlh = msg(buf, fam, VALE_CMD_RULE_NEW, 0);
	put_rule(nlh, &bad[0].r);
	mnl_attr_put_u32(nlh, VALE_A_RULE_MAX + 1, 1);
	EXPECT_EQ(-EINVAL, talk(nlh, ok_cb, NULL));
	EXPECT_EQ(-ENOENT, rule_del(42));
	/* The table is as it was: rule 1 only. */
	ASSERT_EQ(0, rule_dump(&d));
	ASSERT_EQ(1, d.n);
	EXPECT_EQ(1, d.id[0]);
}

/* 1024 copy-on-write additions: slow under KASAN. */
TEST_F_TIMEOUT(steer, size_limit_and_replace, 180)
{
	struct rule r = { .vid = -1, .type = -1, .act = VALE_RULE_ACT_DROP };
	struct swinfo s;
	struct dump d;
	uint8_t f[64];
	int i, n;

	for (i = 0; i < 1024; i++) {
		r.id = 1000 + i;
		r.prio = i % 7;
		ASSERT_EQ(0, rule_req(VALE_CMD_RULE_NEW, &r)) TH_LOG("%d", i);
	}
	r.id = 5000;
	EXPECT_EQ(-ENOSPC, rule_req(VALE_CMD_RULE_NEW, &r));
	ASSERT_EQ(0, sw_info(SW, &s));
	EXPECT_EQ(1024, s.nrules);
	ASSERT_EQ(0, rule_dump(&d));
	EXPECT_EQ(1024, d.n);
	ASSERT_EQ(0, rule_flush());
	ASSERT_EQ(0, rule_dump(&d));
	EXPECT_EQ(0, d.n);

	/* rule-set replaces the match and the action, keeps the counters */
	r = (struct rule){ .id = 3, .in = "a", .vid = -1, .type = -1,
			   .act = VALE_RULE_ACT_OUTPUT, .out = "b" };
	ASSERT_EQ(0, rule_req(VALE_CMD_RULE_NEW, &r));
	n = frame(f, MAC(2), 0, -1, 0x0800, 0);
	ASSERT_EQ(0, vp_send(&self->p[0], f, n));
	ASSERT_EQ(1, vp_drain(&self->p[1]));
	r.out = "c";
	ASSERT_EQ(0, rule_req(VALE_CMD_RULE_SET, &r));
	ASSERT_EQ(0, vp_send(&self->p[0], f, n));
	EXPECT_EQ(0, vp_drain(&self->p[1]));
	EXPECT_EQ(1, vp_drain(&self->p[2]));
	ASSERT_EQ(0, rule_dump(&d));
	EXPECT_EQ(2, d.packets[3]);
	EXPECT_EQ(2 * n, d.bytes[3]);
}

TEST_F(steer, pairs_follow_rules_and_ports)
{
	struct rule ab = { .id = 1, .in = "a", .vid = -1, .type = -1,
			   .act = VALE_RULE_ACT_OUTPUT, .out = "b" };
	struct rule ba = { .id = 2, .in = "b", .vid = -1, .type = -1,
			   .act = VALE_RULE_ACT_OUTPUT, .out = "a" };
	struct rule ca = { .id = 3, .in = "c", .vid = -1, .type = -1,
			   .act = VALE_RULE_ACT_OUTPUT, .out = "a" };
	struct rule dfl = { .id = 4, .in = "d", .vid = -1, .type = -1,
			    .act = VALE_RULE_ACT_FLOOD };
	struct swinfo s;
	struct vp x, y;

	ASSERT_EQ(0, rule_req(VALE_CMD_RULE_NEW, &ab));
	ASSERT_EQ(0, sw_info(SW, &s));
	EXPECT_EQ(0, s.npairs);			/* b is not sending to a */
	ASSERT_EQ(0, rule_req(VALE_CMD_RULE_NEW, &ba));
	ASSERT_EQ(0, sw_info(SW, &s));
	EXPECT_EQ(1, s.npairs);
	EXPECT_STREQ("a-b", s.pairs);
	ASSERT_EQ(0, rule_req(VALE_CMD_RULE_NEW, &ca));	/* a third port */
	ASSERT_EQ(0, sw_info(SW, &s));
	EXPECT_EQ(0, s.npairs);
	ASSERT_EQ(0, rule_del(3));
	ASSERT_EQ(0, sw_info(SW, &s));
	EXPECT_STREQ("a-b", s.pairs);
	ASSERT_EQ(0, rule_req(VALE_CMD_RULE_NEW, &dfl));	/* d floods */
	ASSERT_EQ(0, sw_info(SW, &s));
	EXPECT_EQ(0, s.npairs);
	/* d leaves: its flood rule reaches nobody any more */
	vp_close(&self->p[3]);
	ASSERT_EQ(0, sw_info(SW, &s));
	EXPECT_STREQ("a-b", s.pairs);
	/* b leaves and comes back: the rules name it, the pair returns */
	vp_close(&self->p[1]);
	ASSERT_EQ(0, sw_info(SW, &s));
	EXPECT_EQ(0, s.npairs);
	ASSERT_EQ(0, vp_open(&self->p[1], SW ":b", 0, 0));
	ASSERT_EQ(0, sw_info(SW, &s));
	EXPECT_STREQ("a-b", s.pairs);
	ASSERT_EQ(0, vp_open(&self->p[3], SW ":d", 0, 0));
	ASSERT_EQ(0, sw_info(SW, &s));
	EXPECT_EQ(0, s.npairs);

	/* A learning switch: two ports are a pair, three are not. */
	ASSERT_EQ(0, vp_open(&x, "valelp:x", 0, 0));
	ASSERT_EQ(0, sw_info("valelp", &s));
	EXPECT_EQ(0, s.npairs);
	ASSERT_EQ(0, vp_open(&y, "valelp:y", 0, 0));
	ASSERT_EQ(0, sw_info("valelp", &s));
	EXPECT_STREQ("x-y", s.pairs);
	vp_close(&x);
	ASSERT_EQ(0, sw_info("valelp", &s));
	EXPECT_EQ(0, s.npairs);
	vp_close(&y);
}

/*
 * Frames of @n kinds from port @src (kind k: ethertype types[k], and a
 * runt every 10th frame when @runts), then what each port got of each
 * kind, in order; returns the bytes of the frames that were not runts
 * (every 10th frame, of each kind in turn when @n is 2).
 */
static uint64_t pair_send(struct __test_metadata *_metadata, FIXTURE_DATA(steer) *self,
			  int src, const uint16_t *types, int n, int count,
			  bool runts, unsigned int got[NP][4])
{
	uint32_t seqs[4] = { 0 };
	uint64_t bytes = 0;
	uint8_t f[2048];
	int i, j, len, k;

	for (j = 0; j < count; j++) {
		k = j % n;
		len = frame(f, MAC(9), src, -1, types[k], k << 16 | j / n);
		if (runts && (j % 20 == 9 || j % 20 == 18))
			len = 13;
		else
			bytes += len;
		ASSERT_EQ(0, vp_send(&self->p[src], f, len));
	}
	for (i = 0; i < NP; i++) {
		memset(seqs, 0, sizeof(seqs));
		while ((len = vp_recv(&self->p[i], f, sizeof(f), NULL)) > 0) {
			uint32_t tag;

			memcpy(&tag, f + 14, 4);
			k = tag >> 16;
			/* in order, once: the next of its kind, runts skipped */
			if (k >= n || (tag & 0xffff) < seqs[k]) {
				got[i][3]++;
				continue;
			}
			seqs[k] = (tag & 0xffff) + 1;
			got[i][k]++;
		}
		ASSERT_EQ(0, len);
	}
	return bytes;
}

/*
 * The fast path of a pair (fwd.c skips the lookup for a port whose
 * frames one rule decides): the frames and the rules' counters are what
 * the lookup gives, and a rule to a third port takes effect on the very
 * next frame; deleting it brings the pair (and the fast path) back.
 */
TEST_F(steer, pair_fast_path_counts_and_reverts)
{
	struct rule ab = { .id = 1, .in = "a", .vid = -1, .type = -1,
			   .act = VALE_RULE_ACT_OUTPUT, .out = "b" };
	struct rule ba = { .id = 2, .in = "b", .vid = -1, .type = -1,
			   .act = VALE_RULE_ACT_OUTPUT, .out = "a" };
	struct rule ac = { .id = 5, .prio = 9, .in = "a", .vid = -1,
			   .type = 0x88b5, .act = VALE_RULE_ACT_OUTPUT,
			   .out = "c" };
	static const uint16_t types[] = { 0x0800, 0x88b5 };
	unsigned int got[NP][4];
	struct vale_port_stats s0, s1;
	uint64_t b1 = 0, b2 = 0, b5 = 0, p1 = 0, bytes;
	struct swinfo s;
	struct dump d;
	int round;

	ASSERT_EQ(0, rule_req(VALE_CMD_RULE_NEW, &ab));
	ASSERT_EQ(0, rule_req(VALE_CMD_RULE_NEW, &ba));
	for (round = 0; round < 3; round++) {
		/* 0, 2: the pair a-b; 1: a's 0x88b5 frames go to c */
		if (round == 1)
			ASSERT_EQ(0, rule_req(VALE_CMD_RULE_NEW, &ac));
		if (round == 2)
			ASSERT_EQ(0, rule_del(5));
		ASSERT_EQ(0, sw_info(SW, &s));
		EXPECT_STREQ(round == 1 ? "" : "a-b", s.pairs)
			TH_LOG("round %d", round);
		memset(got, 0, sizeof(got));
		s0 = vp_stats(&self->p[0]);
		bytes = pair_send(_metadata, self, 0, types, 2, 200, true, got);
		s1 = vp_stats(&self->p[0]);
		/* 200 frames, 20 runts: 90 of each type arrive */
		EXPECT_EQ(20, s1.drop_no_dest - s0.drop_no_dest);
		EXPECT_EQ(90, got[1][0]) TH_LOG("round %d", round);
		EXPECT_EQ(round == 1 ? 0 : 90, got[1][1]) TH_LOG("round %d", round);
		EXPECT_EQ(round == 1 ? 90 : 0, got[2][1]) TH_LOG("round %d", round);
		EXPECT_EQ(0, got[2][0] + got[0][0] + got[0][1] + got[3][0] +
			  got[3][1]);
		EXPECT_EQ(0, got[0][3] + got[1][3] + got[2][3] + got[3][3])
			TH_LOG("round %d: out of order or twice", round);
		/* frame() makes frames of one length: split the bytes */
		if (round == 1) {
			b1 += bytes / 2;
			b5 += bytes / 2;
			p1 += 90;
		} else {
			b1 += bytes;
			p1 += 180;
		}
		memset(got, 0, sizeof(got));
		b2 += pair_send(_metadata, self, 1, types, 1, 50, false, got);
		EXPECT_EQ(50, got[0][0]);
		ASSERT_EQ(0, rule_dump(&d));
		EXPECT_EQ(p1, d.packets[1]) TH_LOG("round %d", round);
		EXPECT_EQ(b1, d.bytes[1]) TH_LOG("round %d: rule 1 bytes", round);
		EXPECT_EQ(50 * (round + 1), d.packets[2]);
		EXPECT_EQ(b2, d.bytes[2]);
		if (round == 1) {
			EXPECT_EQ(90, d.packets[5]);
			EXPECT_EQ(b5, d.bytes[5]);
		}
	}
}

/* Rules replaced while a port sends: nothing unaccounted, no splat. */
struct churn {
	struct vp *p;
	volatile int stop;
	uint64_t sent;
};

static void *sender(void *arg)
{
	struct churn *c = arg;
	uint8_t f[64];
	uint32_t seq = 0;
	int n;

	while (!c->stop) {
		n = frame(f, MAC(2), 0, -1, 0x0800, seq++);
		if (vp_queue(c->p, f, n))
			break;
		if (!(seq % 16) && vp_txsync(c->p))
			break;
		c->sent++;
	}
	vp_txsync(c->p);
	return NULL;
}

TEST_F(steer, rules_churned_under_traffic)
{
	struct rule r = { .id = 1, .in = "a", .vid = -1, .type = -1,
			  .act = VALE_RULE_ACT_OUTPUT, .out = "b" };
	struct vale_port_stats s0[NP], s1[NP];
	struct churn c = { .p = &self->p[0] };
	uint64_t got = 0, offered = 0, rx = 0;
	pthread_t t;
	int i, k;

	for (k = 0; k < NP; k++)
		s0[k] = vp_stats(&self->p[k]);
	ASSERT_EQ(0, pthread_create(&t, NULL, sender, &c));
	for (i = 0; i < 200; i++) {
		/* to b, to c, dropped: one destination at most per frame */
		r.act = i % 3 == 2 ? VALE_RULE_ACT_DROP : VALE_RULE_ACT_OUTPUT;
		r.out = i % 3 == 2 ? NULL : (i % 3 ? "c" : "b");
		ASSERT_EQ(0, rule_req(i ? VALE_CMD_RULE_SET : VALE_CMD_RULE_NEW,
				      &r));
		if (i % 50 == 49) {
			ASSERT_EQ(0, rule_flush());
			ASSERT_EQ(0, rule_req(VALE_CMD_RULE_NEW, &r));
		}
		for (k = 1; k < NP; k++)
			got += vp_drain(&self->p[k]);
	}
	c.stop = 1;
	pthread_join(t, NULL);
	for (k = 0; k < NP; k++) {
		if (k)
			got += vp_drain(&self->p[k]);
		s1[k] = vp_stats(&self->p[k]);
	}
	for (k = 1; k < NP; k++) {
		rx += s1[k].rx_packets - s0[k].rx_packets;
		offered += s1[k].rx_packets - s0[k].rx_packets +
			   s1[k].drop_ring_full - s0[k].drop_ring_full;
	}
	TH_LOG("sent %llu, received %llu", (unsigned long long)c.sent,
	       (unsigned long long)got);
	/* Every frame the switch took from a: delivered, full, or dropped. */
	EXPECT_GT(s1[0].tx_packets - s0[0].tx_packets, 0);
	EXPECT_EQ(s1[0].tx_packets - s0[0].tx_packets,
		  offered + s1[0].drop_no_dest - s0[0].drop_no_dest);
	EXPECT_EQ(rx, got);
	EXPECT_EQ(0, s1[3].rx_packets - s0[3].rx_packets);
}

/* The next p2p event on @sock within a second, into @p; its command or -1. */
static int next_pair_event(struct mnl_socket *sock, char *buf, size_t size,
			   struct pairinfo *p)
{
	const struct nlmsghdr *nlh;
	struct timeval tv = { .tv_sec = 1 };
	const struct genlmsghdr *g;
	ssize_t n;

	setsockopt(mnl_socket_get_fd(sock), SOL_SOCKET, SO_RCVTIMEO, &tv,
		   sizeof(tv));
	for (;;) {
		n = mnl_socket_recvfrom(sock, buf, size);
		if (n <= 0)
			return -1;
		nlh = (const struct nlmsghdr *)buf;
		if (!mnl_nlmsg_ok(nlh, n) || nlh->nlmsg_type != fam)
			continue;
		g = mnl_nlmsg_get_payload(nlh);
		if (g->cmd != VALE_CMD_P2P_UP_NTF && g->cmd != VALE_CMD_P2P_DOWN_NTF)
			continue;
		memset(p, 0, sizeof(*p));
		mnl_attr_parse(nlh, sizeof(*g), pair_cb, p);
		return g->cmd;
	}
}

/*
 * A pair says whether its owners may carry it beside the switch, and by
 * which rules: one rule per end, yes, with their ids; a second rule that
 * decides some of a's frames (still to b) keeps the pair but not the
 * bypass, announced as p2p-down then p2p-up without it; a learning switch
 * of two ports, yes, without rules.
 */
TEST_F(steer, pair_bypass_attributes)
{
	struct rule ab = { .id = 1, .in = "a", .vid = -1, .type = -1,
			   .act = VALE_RULE_ACT_OUTPUT, .out = "b" };
	struct rule ba = { .id = 2, .in = "b", .vid = -1, .type = -1,
			   .act = VALE_RULE_ACT_OUTPUT, .out = "a" };
	struct rule ab2 = { .id = 5, .prio = 9, .in = "a", .vid = -1,
			    .type = 0x88b5, .act = VALE_RULE_ACT_OUTPUT,
			    .out = "b" };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *ev;
	struct pairinfo p;
	struct swinfo s;
	uint32_t grp;
	struct vp x, y;

	vp_close(&self->p[2]);
	vp_close(&self->p[3]);
	ASSERT_EQ(0, rule_req(VALE_CMD_RULE_NEW, &ab));
	ASSERT_EQ(0, rule_req(VALE_CMD_RULE_NEW, &ba));
	ASSERT_EQ(0, sw_info(SW, &s));
	EXPECT_STREQ("a-b bypass 1/2", s.detail);

	ASSERT_EQ(0, nl_mcast_group(VALE_GENL_MCGRP_EVENTS, &grp));
	ev = mnl_socket_open(NETLINK_GENERIC);
	ASSERT_NE(NULL, ev);
	ASSERT_EQ(0, mnl_socket_bind(ev, 0, MNL_SOCKET_AUTOPID));
	ASSERT_EQ(0, mnl_socket_setsockopt(ev, NETLINK_ADD_MEMBERSHIP, &grp,
					   sizeof(grp)));
	ASSERT_EQ(0, rule_req(VALE_CMD_RULE_NEW, &ab2));
	ASSERT_EQ(0, sw_info(SW, &s));
	EXPECT_STREQ("a-b", s.detail);		/* two rules decide a's frames */
	EXPECT_EQ(VALE_CMD_P2P_DOWN_NTF, next_pair_event(ev, buf, sizeof(buf), &p));
	EXPECT_TRUE(p.bypass);
	EXPECT_EQ(VALE_CMD_P2P_UP_NTF, next_pair_event(ev, buf, sizeof(buf), &p));
	EXPECT_FALSE(p.bypass);
	EXPECT_FALSE(p.rules);
	ASSERT_EQ(0, rule_del(5));
	ASSERT_EQ(0, sw_info(SW, &s));
	EXPECT_STREQ("a-b bypass 1/2", s.detail);
	EXPECT_EQ(VALE_CMD_P2P_DOWN_NTF, next_pair_event(ev, buf, sizeof(buf), &p));
	EXPECT_EQ(VALE_CMD_P2P_UP_NTF, next_pair_event(ev, buf, sizeof(buf), &p));
	EXPECT_TRUE(p.bypass);
	EXPECT_TRUE(p.rules);
	EXPECT_EQ(1, p.rule_a);
	EXPECT_EQ(2, p.rule_b);
	mnl_socket_close(ev);

	ASSERT_EQ(0, vp_open(&x, "valelb:x", 0, 0));
	ASSERT_EQ(0, vp_open(&y, "valelb:y", 0, 0));
	ASSERT_EQ(0, sw_info("valelb", &s));
	EXPECT_STREQ("x-y bypass", s.detail);
	vp_close(&x);
	vp_close(&y);
}

/* Counters a report may move: a's and b's port counters, the rules'. */
struct counts {
	struct vale_port_stats st[2];
	struct dump d;
};

static void counts(struct __test_metadata *_metadata, FIXTURE_DATA(steer) *self,
		   struct counts *c)
{
	c->st[0] = vp_stats(&self->p[0]);
	c->st[1] = vp_stats(&self->p[1]);
	ASSERT_EQ(0, rule_dump(&c->d));
}

static int report(struct vp *p, const struct vale_bypass_report *r)
{
	return ioctl(p->fd, VALE_IOC_BYPASS_REPORT, r) ? -errno : 0;
}

/*
 * VALE_IOC_BYPASS_REPORT: good reports move exactly the port's counters
 * (and the rule's, with VALE_BYPASS_F_RULE); each bad one is refused with
 * its errno and moves nothing.
 */
TEST_F(steer, bypass_report)
{
	struct rule ab = { .id = 1, .in = "a", .vid = -1, .type = -1,
			   .act = VALE_RULE_ACT_OUTPUT, .out = "b" };
	struct rule ba = { .id = 2, .in = "b", .vid = -1, .type = -1,
			   .act = VALE_RULE_ACT_OUTPUT, .out = "a" };
	struct rule any = { .id = 3, .prio = 1, .vid = -1, .type = 0x88b5,
			    .act = VALE_RULE_ACT_DROP };
	const struct {
		const char *what;
		int port;
		struct vale_bypass_report r;
		int err;
	} bad[] = {
		{ "unknown flag", 0, { .tx_packets = 1, .flags = 2 }, -EINVAL },
		{ "flags 3", 0, { .rule_id = 1, .flags = 3 }, -EINVAL },
		{ "rule id without the flag", 0, { .tx_packets = 1, .rule_id = 1 },
		  -EINVAL },
		{ "reserved[0]", 0, { .tx_packets = 1, .__reserved = { 1, 0 } },
		  -EINVAL },
		{ "reserved[1]", 1, { .rx_packets = 1, .__reserved = { 0, 1 } },
		  -EINVAL },
		{ "unknown rule", 0, { .tx_packets = 1, .rule_id = 99,
				       .flags = VALE_BYPASS_F_RULE }, -ENOENT },
		{ "rule 0 unknown", 0, { .tx_packets = 1,
					 .flags = VALE_BYPASS_F_RULE }, -ENOENT },
		{ "b's rule from a", 0, { .tx_packets = 1, .rule_id = 2,
					  .flags = VALE_BYPASS_F_RULE }, -EINVAL },
	};
	struct vale_bypass_report good = {
		.tx_packets = 10, .tx_bytes = 600, .rx_packets = 7,
		.rx_bytes = 420, .rule_id = 1, .flags = VALE_BYPASS_F_RULE,
	};
	struct vale_bypass_report plain = {
		.tx_packets = 7, .tx_bytes = 420, .rx_packets = 10,
		.rx_bytes = 600,
	};
	struct vale_bypass_report dropany = {
		.tx_packets = 4, .tx_bytes = 240, .rule_id = 3,
		.flags = VALE_BYPASS_F_RULE,
	};
	struct counts c0, c1;
	unsigned int i;
	int fd;

	ASSERT_EQ(0, rule_req(VALE_CMD_RULE_NEW, &ab));
	ASSERT_EQ(0, rule_req(VALE_CMD_RULE_NEW, &ba));
	ASSERT_EQ(0, rule_req(VALE_CMD_RULE_NEW, &any));
	counts(_metadata, self, &c0);
	EXPECT_EQ(0, c0.st[0].bypass_tx_packets);

	ASSERT_EQ(0, report(&self->p[0], &good));
	ASSERT_EQ(0, report(&self->p[1], &plain));
	ASSERT_EQ(0, report(&self->p[1], &dropany));	/* a rule of any port */
	counts(_metadata, self, &c1);
	EXPECT_EQ(10, c1.st[0].tx_packets - c0.st[0].tx_packets);
	EXPECT_EQ(600, c1.st[0].tx_bytes - c0.st[0].tx_bytes);
	EXPECT_EQ(7, c1.st[0].rx_packets - c0.st[0].rx_packets);
	EXPECT_EQ(420, c1.st[0].rx_bytes - c0.st[0].rx_bytes);
	EXPECT_EQ(10, c1.st[0].bypass_tx_packets);
	EXPECT_EQ(7, c1.st[0].bypass_rx_packets);
	EXPECT_EQ(11, c1.st[1].tx_packets - c0.st[1].tx_packets);
	EXPECT_EQ(660, c1.st[1].tx_bytes - c0.st[1].tx_bytes);
	EXPECT_EQ(10, c1.st[1].rx_packets - c0.st[1].rx_packets);
	EXPECT_EQ(11, c1.st[1].bypass_tx_packets);
	EXPECT_EQ(10, c1.st[1].bypass_rx_packets);
	EXPECT_EQ(10, c1.d.packets[1] - c0.d.packets[1]);
	EXPECT_EQ(600, c1.d.bytes[1] - c0.d.bytes[1]);
	EXPECT_EQ(0, c1.d.packets[2] - c0.d.packets[2]);	/* plain: no rule */
	EXPECT_EQ(4, c1.d.packets[3] - c0.d.packets[3]);
	EXPECT_EQ(240, c1.d.bytes[3] - c0.d.bytes[3]);
	/* the drop counters are not touched */
	EXPECT_EQ(c0.st[0].drop_no_dest, c1.st[0].drop_no_dest);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(bad[i].err, report(&self->p[bad[i].port], &bad[i].r))
			TH_LOG("%s", bad[i].what);
	}
	fd = open("/dev/vale", O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, VALE_IOC_BYPASS_REPORT, &good));
	EXPECT_EQ(ENXIO, errno);
	close(fd);
	EXPECT_EQ(-EFAULT, report(&self->p[0], (void *)8));
	counts(_metadata, self, &c0);
	EXPECT_EQ(0, memcmp(&c0.st, &c1.st, sizeof(c0.st)));
	for (i = 1; i <= 3; i++) {
		EXPECT_EQ(c1.d.packets[i], c0.d.packets[i]);
		EXPECT_EQ(c1.d.bytes[i], c0.d.bytes[i]);
	}
}

TEST_HARNESS_MAIN
