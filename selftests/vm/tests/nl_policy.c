// SPDX-License-Identifier: GPL-2.0
/*
 * nl_policy: the generic netlink family "vale" refuses bad input.
 *
 * Table-driven: every attribute of every operation is fed with a wrong
 * type (a u8 where a u32 goes, a u32 where a string goes), a wrong length,
 * a string without its NUL, a name too long, values out of range, bad
 * names; every operation without its required attributes, with an unknown
 * attribute and with an attribute it does not take.  Each request must fail
 * with the errno and extack message the docs and kmod/netlink.c promise,
 * the extack pointing at the offending attribute (NLMSGERR_ATTR_OFFS) or
 * naming the missing one (NLMSGERR_ATTR_MISS_TYPE); a dump of every switch
 * and port must be the same afterwards.  The steering-rule operations are
 * in the table too (u16s, a 6-byte address, port names), with the rule
 * attributes that exclude or need each other.  Mutations from an
 * unprivileged uid fail with EPERM.
 * Then vale-ctl --json (when /bin/vale-ctl exists) must print what a dump
 * returns.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/vale.h>

#include "kselftest_harness.h"

#include "nl_test.h"

/* The whole state as text: every switch and port message, bytes in hex. */
struct snap {
	char *s;
	size_t len, cap;
};

static int snap_cb(const struct nlmsghdr *nlh, void *data)
{
	struct snap *sn = data;
	const unsigned char *p = mnl_nlmsg_get_payload(nlh);
	size_t n = nlh->nlmsg_len - MNL_NLMSG_HDRLEN, i;

	if (sn->len + 2 * n + 2 > sn->cap) {
		sn->cap = 2 * (sn->len + 2 * n + 2);
		sn->s = realloc(sn->s, sn->cap);
	}
	for (i = 0; i < n; i++)
		sn->len += sprintf(sn->s + sn->len, "%02x", p[i]);
	sn->s[sn->len++] = '\n';
	sn->s[sn->len] = '\0';
	return MNL_CB_OK;
}

static char *snapshot(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct snap sn = { 0 };

	snap_cb(&(struct nlmsghdr){ .nlmsg_len = MNL_NLMSG_HDRLEN }, &sn);
	talk(msg(buf, fam, VALE_CMD_SWITCH_GET, NLM_F_DUMP), snap_cb, &sn);
	talk(msg(buf, fam, VALE_CMD_PORT_GET, NLM_F_DUMP), snap_cb, &sn);
	return sn.s;
}

/* ---- the table ---- */

enum kind { STR, U8, U16, U32, MAC };

struct attr {
	uint16_t type;
	enum kind kind;
	unsigned int maxlen;	/* STR: bytes without NUL */
};

struct op {
	uint8_t cmd;
	const char *name;
	uint16_t maxattr;
	const struct attr *attrs;	/* terminated by type 0 */
	uint16_t not_taken;	/* an attribute of the set it refuses */
};

static const struct attr sw_all[] = {
	{ VALE_A_SWITCH_NAME, STR, 63 },
	{ VALE_A_SWITCH_RESTRICTED, U8, 0 },
	{ VALE_A_SWITCH_LOOKUP, U32, 0 },
	{ VALE_A_SWITCH_BATCH, U32, 0 },
	{ 0 },
};

static const struct attr sw_name[] = {
	{ VALE_A_SWITCH_NAME, STR, 63 }, { 0 },
};

static const struct attr port_new[] = {
	{ VALE_A_PORT_SWITCH, STR, 63 },
	{ VALE_A_PORT_NAME, STR, 63 },
	{ VALE_A_PORT_UID, U32, 0 },
	{ VALE_A_PORT_GID, U32, 0 },
	{ 0 },
};

static const struct attr port_name[] = {
	{ VALE_A_PORT_SWITCH, STR, 63 },
	{ VALE_A_PORT_NAME, STR, 63 },
	{ 0 },
};

static const struct attr netdev[] = {
	{ VALE_A_PORT_SWITCH, STR, 63 },
	{ VALE_A_PORT_IFINDEX, U32, 0 },
	{ VALE_A_PORT_IFNAME, STR, IFNAMSIZ - 1 },
	{ 0 },
};

static const struct attr rule_all[] = {
	{ VALE_A_RULE_SWITCH, STR, 63 },
	{ VALE_A_RULE_ID, U32, 0 },
	{ VALE_A_RULE_PRIO, U16, 0 },
	{ VALE_A_RULE_IN_PORT, STR, 63 },
	{ VALE_A_RULE_DST, MAC, 0 },
	{ VALE_A_RULE_VID, U32, 0 },
	{ VALE_A_RULE_ETHERTYPE, U16, 0 },
	{ VALE_A_RULE_ACTION, U32, 0 },
	{ VALE_A_RULE_OUT_PORT, STR, 63 },
	{ 0 },
};

static const struct attr rule_id[] = {
	{ VALE_A_RULE_SWITCH, STR, 63 },
	{ VALE_A_RULE_ID, U32, 0 },
	{ 0 },
};

static const struct attr rule_sw[] = {
	{ VALE_A_RULE_SWITCH, STR, 63 }, { 0 },
};

static const struct op ops[] = {
	{ VALE_CMD_SWITCH_NEW, "switch-new", VALE_A_SWITCH_MAX, sw_all,
	  VALE_A_SWITCH_NPORTS },
	{ VALE_CMD_SWITCH_DEL, "switch-del", VALE_A_SWITCH_MAX, sw_name,
	  VALE_A_SWITCH_BATCH },
	{ VALE_CMD_SWITCH_GET, "switch-get", VALE_A_SWITCH_MAX, sw_name,
	  VALE_A_SWITCH_RESTRICTED },
	{ VALE_CMD_SWITCH_SET, "switch-set", VALE_A_SWITCH_MAX, sw_all,
	  VALE_A_SWITCH_PERSISTENT },
	{ VALE_CMD_PORT_NEW, "port-new", VALE_A_PORT_MAX, port_new,
	  VALE_A_PORT_INDEX },
	{ VALE_CMD_PORT_DEL, "port-del", VALE_A_PORT_MAX, port_name,
	  VALE_A_PORT_UID },
	{ VALE_CMD_PORT_GET, "port-get", VALE_A_PORT_MAX, port_name,
	  VALE_A_PORT_STATS },
	{ VALE_CMD_NETDEV_ATTACH, "netdev-attach", VALE_A_PORT_MAX, netdev,
	  VALE_A_PORT_NAME },
	{ VALE_CMD_NETDEV_DETACH, "netdev-detach", VALE_A_PORT_MAX, netdev,
	  VALE_A_PORT_KIND },
	{ VALE_CMD_RULE_NEW, "rule-new", VALE_A_RULE_MAX, rule_all,
	  VALE_A_RULE_PACKETS },
	{ VALE_CMD_RULE_SET, "rule-set", VALE_A_RULE_MAX, rule_all,
	  VALE_A_RULE_BYTES },
	{ VALE_CMD_RULE_DEL, "rule-del", VALE_A_RULE_MAX, rule_id,
	  VALE_A_RULE_PRIO },
	{ VALE_CMD_RULE_GET, "rule-get", VALE_A_RULE_MAX, rule_id,
	  VALE_A_RULE_ACTION },
	{ VALE_CMD_RULE_FLUSH, "rule-flush", VALE_A_RULE_MAX, rule_sw,
	  VALE_A_RULE_ID },
};

static bool is_rule_op(const struct op *op)
{
	return op->maxattr == VALE_A_RULE_MAX;
}

/* Does attribute @type of @op hold a port name (not a switch name)? */
static bool is_port_name(const struct op *op, uint16_t type)
{
	if (is_rule_op(op))
		return type == VALE_A_RULE_IN_PORT || type == VALE_A_RULE_OUT_PORT;
	return type == VALE_A_PORT_NAME;
}

/*
 * Put a valid value of every attribute of @op except @skip, so that the
 * attribute under test is the only thing wrong.  The switch "valet" and
 * its port "p" exist; "lo" is not attachable, so attach fails anyway, but
 * only after the policy; the values keep the other operations harmless
 * (an existing name for new, a missing one for del: switch-del names the
 * switch "valenone", port-del the port "valenone" of "valet"; a rule
 * outputs to a port "valet", action output).
 */
static void put_valid(struct nlmsghdr *nlh, const struct op *op, uint16_t skip)
{
	const struct attr *a;

	for (a = op->attrs; a->type; a++) {
		if (a->type == skip)
			continue;
		switch (a->kind) {
		case STR:
			mnl_attr_put_strz(nlh, a->type,
					  a->maxlen == IFNAMSIZ - 1 ? "lo" :
					  op->cmd == VALE_CMD_SWITCH_DEL ||
					  (op->cmd == VALE_CMD_PORT_DEL &&
					   a->type == VALE_A_PORT_NAME) ?
					  "valenone" : "valet");
			break;
		case U8:
			mnl_attr_put_u8(nlh, a->type, 0);
			break;
		case U16:
			mnl_attr_put_u16(nlh, a->type, 1);
			break;
		case U32:
			mnl_attr_put_u32(nlh, a->type, is_rule_op(op) &&
					 a->type == VALE_A_RULE_ACTION ?
					 VALE_RULE_ACT_OUTPUT : 1);
			break;
		case MAC:
			mnl_attr_put(nlh, a->type, 6, "\x02\0\0\0\0\x01");
			break;
		}
	}
}

FIXTURE(nl) {
	char *before;
};

FIXTURE_SETUP(nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	ASSERT_EQ(0, open_nl());
	nlh = msg(buf, fam, VALE_CMD_SWITCH_NEW, 0);
	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, "valet");
	mnl_attr_put_u32(nlh, VALE_A_SWITCH_BATCH, 100);
	ASSERT_EQ(0, talk(nlh, ok_cb, NULL)) TH_LOG("%s", errmsg);
	nlh = msg(buf, fam, VALE_CMD_PORT_NEW, 0);
	mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, "valet");
	mnl_attr_put_strz(nlh, VALE_A_PORT_NAME, "p");
	mnl_attr_put_u32(nlh, VALE_A_PORT_UID, 1001);
	ASSERT_EQ(0, talk(nlh, ok_cb, NULL)) TH_LOG("%s", errmsg);
	self->before = snapshot();
}

FIXTURE_TEARDOWN(nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = msg(buf, fam, VALE_CMD_SWITCH_DEL, 0);
	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, "valet");
	EXPECT_EQ(0, talk(nlh, ok_cb, NULL)) TH_LOG("%s", errmsg);
	free(self->before);
	mnl_socket_close(nl);
}

/*
 * What a refusal must say: the errno, the extack message, the attribute
 * the extack points at (its type: at most one of a type is in a request;
 * 0 for none) and the missing attribute it names (or -1).
 */
struct want {
	int err;
	const char *msg;
	uint16_t at;
	int miss;
};

/* Messages of the genetlink core (lib/nlattr.c), 6.1 and 6.12 alike. */
#define CORE_POLICY	"Attribute failed policy validation"
#define CORE_LEN	"invalid attribute length"
#define CORE_RANGE	"integer out of range"
#define CORE_UNKNOWN	"Unknown attribute type"
#define CORE_UNSUPP	"Unsupported attribute"
#define CORE_BINLEN	"binary attribute size out of range"
/* ... and of kmod/netlink.c and kmod/netdev.c */
#define BAD_SWITCH	"bad switch name: \"vale\" and at least one of [A-Za-z0-9_.-]"
#define BAD_PORT	"bad port name: one or more of [A-Za-z0-9_.-]"

/* Byte offset of the attribute of @type in request @nlh, or -1. */
static int attr_off(const struct nlmsghdr *nlh, uint16_t type)
{
	const struct nlattr *a;

	if (!type)
		return -1;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == type)
			return (int)((const char *)a - (const char *)nlh);
	return -1;
}

/* Send, expect exactly the refusal @w; count. */
#define REFUSED(nlh, what, w) do {					\
	const struct want __w = (w);					\
	int __off = attr_off(nlh, __w.at);				\
	int __e = talk(nlh, ok_cb, NULL);				\
									\
	EXPECT_EQ(__w.err, __e) TH_LOG("%s: %s, want %s", what,	\
				       __e ? strerror(-__e) : "accepted", \
				       strerror(-__w.err));		\
	EXPECT_STREQ(__w.msg, errmsg) TH_LOG("%s: extack", what);	\
	EXPECT_EQ(__off, erroff) TH_LOG("%s: attribute offset", what);	\
	EXPECT_EQ(__w.miss, errmiss) TH_LOG("%s: missing type", what);	\
	n++;								\
} while (0)

#define CORE(e, m, type)	((struct want){ (e), (m), (type), -1 })

/* @op without any attribute: the first required one is missing. */
static struct want want_missing(const struct op *op)
{
	if (op->cmd == VALE_CMD_NETDEV_DETACH)
		return (struct want){ -EINVAL, "missing ifindex or ifname", 0,
				      VALE_A_PORT_IFINDEX };
	if (is_rule_op(op))
		return (struct want){ -EINVAL, "missing switch name", 0,
				      VALE_A_RULE_SWITCH };
	return (struct want){ -EINVAL, "missing switch name", 0,
			      op->maxattr == VALE_A_SWITCH_MAX ?
			      VALE_A_SWITCH_NAME : VALE_A_PORT_SWITCH };
}

/*
 * A name that passes the policy but not the handler, in attribute @type
 * of @op (the other attributes as put_valid() puts them).  Operations that
 * create something check the syntax (EINVAL); those that look a switch
 * or port up do not find it (ENOENT); netdev-detach looks up the device
 * first, and "lo" is attached to nothing.
 */
static struct want want_bad_name(const struct op *op, uint16_t type)
{
	/* rule operations check the syntax of every name they get */
	if (is_rule_op(op))
		return CORE(-EINVAL, is_port_name(op, type) ? BAD_PORT :
			    BAD_SWITCH, type);
	switch (op->cmd) {
	case VALE_CMD_SWITCH_NEW:
	case VALE_CMD_NETDEV_ATTACH:
		return CORE(-EINVAL, BAD_SWITCH, type);
	case VALE_CMD_PORT_NEW:
		return CORE(-EINVAL, type == VALE_A_PORT_NAME ? BAD_PORT :
			    BAD_SWITCH, type);
	case VALE_CMD_PORT_DEL:
	case VALE_CMD_PORT_GET:
		return CORE(-ENOENT, type == VALE_A_PORT_NAME ? "no such port" :
			    "no such switch", type);
	case VALE_CMD_NETDEV_DETACH:
		return CORE(-ENOENT, "device is not attached to a switch", 0);
	default:	/* switch-del, -get, -set */
		return CORE(-ENOENT, "no such switch", type);
	}
}

TEST_F_TIMEOUT(nl, every_attribute_refuses_garbage, 120)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[160], big[80], *after;
	struct nlmsghdr *nlh;
	unsigned int i, n = 0;
	const struct attr *a;

	memset(big, 'a', sizeof(big));
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		const struct op *op = &ops[i];

		/* nothing at all: a required attribute is missing */
		snprintf(what, sizeof(what), "%s without attributes", op->name);
		REFUSED(msg(buf, fam, op->cmd, 0), what, want_missing(op));
		/* unknown attribute, attribute of another operation */
		nlh = msg(buf, fam, op->cmd, 0);
		put_valid(nlh, op, 0);
		mnl_attr_put_u32(nlh, op->maxattr + 1, 1);
		snprintf(what, sizeof(what), "%s with unknown attribute", op->name);
		REFUSED(nlh, what, CORE(-EINVAL, CORE_UNKNOWN, op->maxattr + 1));
		nlh = msg(buf, fam, op->cmd, 0);
		put_valid(nlh, op, 0);
		mnl_attr_put_u32(nlh, op->not_taken, 1);
		snprintf(what, sizeof(what), "%s with attribute %u it does not take",
			 op->name, op->not_taken);
		REFUSED(nlh, what, CORE(-EINVAL, CORE_UNSUPP, op->not_taken));

		for (a = op->attrs; a->type; a++) {
			static const uint8_t u8v = 1;
			static const uint64_t u64v = 1;
			static const uint32_t u32v = 0x41414141;

#define CASE(desc, put, w) do {					\
		nlh = msg(buf, fam, op->cmd, 0);			\
		put_valid(nlh, op, a->type);				\
		put;							\
		snprintf(what, sizeof(what), "%s attr %u: %s",		\
			 op->name, a->type, desc);			\
		REFUSED(nlh, what, w);					\
	} while (0)
#define POLICY(e, m)	CORE(e, m, a->type)
			switch (a->kind) {
			case STR:
				CASE("u32 instead of a string",
				     mnl_attr_put(nlh, a->type, 4, &u32v),
				     POLICY(-EINVAL, CORE_POLICY));
				CASE("no NUL", mnl_attr_put(nlh, a->type, 3, "abc"),
				     POLICY(-EINVAL, CORE_POLICY));
				CASE("empty", mnl_attr_put(nlh, a->type, 0, ""),
				     POLICY(-EINVAL, CORE_POLICY));
				big[a->maxlen + 1] = '\0';
				CASE("one byte too long", mnl_attr_put_strz(nlh, a->type, big),
				     POLICY(-EINVAL, CORE_POLICY));
				big[a->maxlen + 1] = 'a';
				if (a->maxlen == IFNAMSIZ - 1)
					break;
				CASE("bad characters",
				     mnl_attr_put_strz(nlh, a->type, "vale x/y"),
				     want_bad_name(op, a->type));
				if (is_port_name(op, a->type))
					break;
				CASE("not vale...", mnl_attr_put_strz(nlh, a->type, "eth0"),
				     want_bad_name(op, a->type));
				CASE("just vale", mnl_attr_put_strz(nlh, a->type, "vale"),
				     want_bad_name(op, a->type));
				CASE("with a colon",
				     mnl_attr_put_strz(nlh, a->type, "vale0:x"),
				     want_bad_name(op, a->type));
				break;
			case U8:
				CASE("u32 instead of u8", mnl_attr_put_u32(nlh, a->type, 1),
				     POLICY(-EINVAL, CORE_LEN));
				CASE("empty", mnl_attr_put(nlh, a->type, 0, ""),
				     POLICY(-EINVAL, CORE_LEN));
				CASE("out of range", mnl_attr_put_u8(nlh, a->type, 2),
				     POLICY(-ERANGE, CORE_RANGE));
				break;
			case U16:
				CASE("u8 instead of u16", mnl_attr_put(nlh, a->type, 1, &u8v),
				     POLICY(-EINVAL, CORE_LEN));
				CASE("u32 instead of u16",
				     mnl_attr_put_u32(nlh, a->type, 1),
				     POLICY(-EINVAL, CORE_LEN));
				CASE("empty", mnl_attr_put(nlh, a->type, 0, ""),
				     POLICY(-EINVAL, CORE_LEN));
				break;
			case MAC:
				CASE("5 bytes", mnl_attr_put(nlh, a->type, 5, &u64v),
				     POLICY(-ERANGE, CORE_BINLEN));
				CASE("7 bytes", mnl_attr_put(nlh, a->type, 7, &u64v),
				     POLICY(-ERANGE, CORE_BINLEN));
				CASE("empty", mnl_attr_put(nlh, a->type, 0, ""),
				     POLICY(-ERANGE, CORE_BINLEN));
				break;
			case U32:
				CASE("u8 instead of u32", mnl_attr_put(nlh, a->type, 1, &u8v),
				     POLICY(-EINVAL, CORE_LEN));
				CASE("u64 instead of u32", mnl_attr_put(nlh, a->type, 8, &u64v),
				     POLICY(-EINVAL, CORE_LEN));
				CASE("string instead of u32",
				     mnl_attr_put_strz(nlh, a->type, "12345678"),
				     POLICY(-EINVAL, CORE_LEN));
				if (a->type == VALE_A_SWITCH_BATCH && op->maxattr == VALE_A_SWITCH_MAX) {
					CASE("0", mnl_attr_put_u32(nlh, a->type, 0),
					     POLICY(-ERANGE, CORE_RANGE));
					CASE("1025", mnl_attr_put_u32(nlh, a->type, 1025),
					     POLICY(-ERANGE, CORE_RANGE));
				}
				if (a->type == VALE_A_SWITCH_LOOKUP && op->maxattr == VALE_A_SWITCH_MAX)
					CASE("unknown mode",
					     mnl_attr_put_u32(nlh, a->type, VALE_LOOKUP_RULES + 1),
					     POLICY(-ERANGE, CORE_RANGE));
				if (a->type == VALE_A_RULE_VID && is_rule_op(op))
					CASE("vid 4096", mnl_attr_put_u32(nlh, a->type, 4096),
					     POLICY(-ERANGE, CORE_RANGE));
				if (a->type == VALE_A_RULE_ACTION && is_rule_op(op))
					CASE("unknown action",
					     mnl_attr_put_u32(nlh, a->type,
							      VALE_RULE_ACT_MAX + 1),
					     POLICY(-ERANGE, CORE_RANGE));
				if (a->type == VALE_A_PORT_IFINDEX && op->maxattr == VALE_A_PORT_MAX)
					CASE("ifindex 0", mnl_attr_put_u32(nlh, a->type, 0),
					     POLICY(-ERANGE, CORE_RANGE));
				if ((a->type == VALE_A_PORT_UID || a->type == VALE_A_PORT_GID) &&
				    op->cmd == VALE_CMD_PORT_NEW)
					CASE("unmapped id",
					     mnl_attr_put_u32(nlh, a->type, 0xffffffff),
					     POLICY(-EINVAL, a->type == VALE_A_PORT_UID ?
						    "uid not mapped in your user namespace" :
						    "gid not mapped in your user namespace"));
				break;
			}
#undef POLICY
#undef CASE
		}
	}
	/* every attribute right, but "lo" is not Ethernet */
	for (i = 0; ops[i].cmd != VALE_CMD_NETDEV_ATTACH; i++)
		;
	nlh = msg(buf, fam, VALE_CMD_NETDEV_ATTACH, 0);
	put_valid(nlh, &ops[i], 0);
	REFUSED(nlh, "netdev-attach of lo",
		CORE(-EOPNOTSUPP, "not an Ethernet device", 0));
	/* well-formed requests the handlers refuse (control-plane.md) */
	nlh = msg(buf, fam, VALE_CMD_SWITCH_SET, 0);
	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, "valet");
	REFUSED(nlh, "switch-set without anything to set",
		CORE(-EINVAL, "nothing to set: give restricted, lookup or batch", 0));
	nlh = msg(buf, fam, VALE_CMD_SWITCH_NEW, 0);
	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, "valet");
	REFUSED(nlh, "switch-new of an existing switch",
		CORE(-EEXIST, "switch exists", VALE_A_SWITCH_NAME));
	nlh = msg(buf, fam, VALE_CMD_PORT_NEW, 0);
	mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, "valet");
	mnl_attr_put_strz(nlh, VALE_A_PORT_NAME, "p");
	REFUSED(nlh, "port-new of an existing port",
		CORE(-EEXIST, "port exists", VALE_A_PORT_NAME));
	nlh = msg(buf, fam, VALE_CMD_PORT_NEW, 0);
	mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, "valenone");
	mnl_attr_put_strz(nlh, VALE_A_PORT_NAME, "p");
	REFUSED(nlh, "port-new on a missing switch",
		CORE(-ENOENT, "no such switch", VALE_A_PORT_SWITCH));
	/* rule-new: attributes that exclude or need each other */
	for (i = 0; ops[i].cmd != VALE_CMD_RULE_NEW; i++)
		;
	nlh = msg(buf, fam, VALE_CMD_RULE_NEW, 0);
	put_valid(nlh, &ops[i], 0);
	mnl_attr_put(nlh, VALE_A_RULE_UNTAGGED, 0, NULL);
	REFUSED(nlh, "rule-new with a vid and untagged",
		CORE(-EINVAL, "a vid and untagged exclude each other",
		     VALE_A_RULE_UNTAGGED));
	nlh = msg(buf, fam, VALE_CMD_RULE_NEW, 0);
	put_valid(nlh, &ops[i], VALE_A_RULE_VID);
	mnl_attr_put(nlh, VALE_A_RULE_UNTAGGED, 1, "x");
	REFUSED(nlh, "rule-new with a flag that carries a byte",
		CORE(-ERANGE, CORE_POLICY, VALE_A_RULE_UNTAGGED));
	nlh = msg(buf, fam, VALE_CMD_RULE_NEW, 0);
	put_valid(nlh, &ops[i], VALE_A_RULE_OUT_PORT);
	REFUSED(nlh, "rule-new: action output without an output port",
		((struct want){ -EINVAL, "action output needs an output port",
				VALE_A_RULE_ACTION, VALE_A_RULE_OUT_PORT }));
	nlh = msg(buf, fam, VALE_CMD_RULE_NEW, 0);
	put_valid(nlh, &ops[i], VALE_A_RULE_ACTION);
	mnl_attr_put_u32(nlh, VALE_A_RULE_ACTION, VALE_RULE_ACT_FLOOD);
	REFUSED(nlh, "rule-new: an output port with action flood",
		CORE(-EINVAL, "an output port only goes with action output",
		     VALE_A_RULE_OUT_PORT));
	nlh = msg(buf, fam, VALE_CMD_RULE_NEW, 0);
	put_valid(nlh, &ops[i], VALE_A_RULE_ID);
	REFUSED(nlh, "rule-new without an id",
		((struct want){ -EINVAL, "missing rule id", 0, VALE_A_RULE_ID }));
	nlh = msg(buf, fam, VALE_CMD_RULE_NEW, 0);
	put_valid(nlh, &ops[i], VALE_A_RULE_ACTION);
	REFUSED(nlh, "rule-new without an action",
		((struct want){ -EINVAL, "missing action", 0,
				VALE_A_RULE_ACTION }));
	/* devices that do not exist, by index and by name */
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (ops[i].cmd != VALE_CMD_NETDEV_ATTACH &&
		    ops[i].cmd != VALE_CMD_NETDEV_DETACH)
			continue;
		nlh = msg(buf, fam, ops[i].cmd, 0);
		mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, "valet");
		mnl_attr_put_u32(nlh, VALE_A_PORT_IFINDEX, 0x7fffffff);
		snprintf(what, sizeof(what), "%s of no device (ifindex)",
			 ops[i].name);
		REFUSED(nlh, what, CORE(-ENODEV, "no such device",
					VALE_A_PORT_IFINDEX));
		nlh = msg(buf, fam, ops[i].cmd, 0);
		mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, "valet");
		mnl_attr_put_strz(nlh, VALE_A_PORT_IFNAME, "nodev0");
		snprintf(what, sizeof(what), "%s of no device (ifname)",
			 ops[i].name);
		REFUSED(nlh, what, CORE(-ENODEV, "no such device",
					VALE_A_PORT_IFNAME));
	}
	after = snapshot();
	EXPECT_STREQ(self->before, after);
	free(after);
	TH_LOG("%u bad requests refused", n);
}

TEST_F(nl, unprivileged_mutations_refused)
{
	pid_t pid = fork();
	int st;

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char buf[MNL_SOCKET_BUFFER_SIZE];
		struct nlmsghdr *nlh;
		unsigned int i, bad = 0;

		if (setgid(1001) || setuid(1001))
			_exit(99);
		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			int e;

			bool read = ops[i].cmd == VALE_CMD_SWITCH_GET ||
				    ops[i].cmd == VALE_CMD_PORT_GET ||
				    ops[i].cmd == VALE_CMD_RULE_GET;

			nlh = msg(buf, fam, ops[i].cmd, 0);
			put_valid(nlh, &ops[i], 0);
			e = talk(nlh, ok_cb, NULL);
			/* a read is allowed: rule 1 does not exist, that is all */
			if (read && ops[i].cmd == VALE_CMD_RULE_GET && e == -ENOENT)
				continue;
			if (read && ops[i].cmd != VALE_CMD_RULE_GET)
				continue;
			if (e != -EPERM) {
				fprintf(stderr, "# %s as uid 1001: %d\n",
					ops[i].name, e);
				bad++;
			}
		}
		/* reading is allowed */
		nlh = msg(buf, fam, VALE_CMD_SWITCH_GET, NLM_F_DUMP);
		if (talk(nlh, ok_cb, NULL))
			bad++;
		_exit(bad ? 1 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	char *after = snapshot();

	EXPECT_STREQ(self->before, after);
	free(after);
}

/* vale-ctl --json prints what the kernel reports. */
static int json_sw_cb(const struct nlmsghdr *nlh, void *data)
{
	char *out = data;
	const struct nlattr *a, *t[VALE_A_SWITCH_MAX + 1] = { 0 };

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) <= VALE_A_SWITCH_MAX)
			t[mnl_attr_get_type(a)] = a;
	sprintf(out, "[{\"name\":\"%s\",\"restricted\":%s,\"persistent\":%s,"
		"\"lookup\":\"%s\",\"batch\":%u,\"ports\":%u,"
		"\"nrules\":%u,\"npairs\":%u,\"pairs\":[]}]",
		mnl_attr_get_str(t[VALE_A_SWITCH_NAME]),
		mnl_attr_get_u8(t[VALE_A_SWITCH_RESTRICTED]) ? "true" : "false",
		mnl_attr_get_u8(t[VALE_A_SWITCH_PERSISTENT]) ? "true" : "false",
		mnl_attr_get_u32(t[VALE_A_SWITCH_LOOKUP]) ? "p2p" : "learning",
		mnl_attr_get_u32(t[VALE_A_SWITCH_BATCH]),
		mnl_attr_get_u32(t[VALE_A_SWITCH_NPORTS]),
		mnl_attr_get_u32(t[VALE_A_SWITCH_NRULES]),
		mnl_attr_get_u32(t[VALE_A_SWITCH_NPAIRS]));
	return MNL_CB_OK;
}

static int json_port_cb(const struct nlmsghdr *nlh, void *data)
{
	char *out = data;
	const struct nlattr *a, *t[VALE_A_PORT_MAX + 1] = { 0 };

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) <= VALE_A_PORT_MAX)
			t[mnl_attr_get_type(a)] = a;
	sprintf(out, "[{\"switch\":\"%s\",\"name\":\"%s\",\"kind\":\"%s\","
		"\"admin\":%s,\"open\":%s,\"uid\":%u}]",
		mnl_attr_get_str(t[VALE_A_PORT_SWITCH]),
		mnl_attr_get_str(t[VALE_A_PORT_NAME]),
		mnl_attr_get_u32(t[VALE_A_PORT_KIND]) == VALE_PORT_KIND_RING ?
		"ring" : "netdev",
		mnl_attr_get_u8(t[VALE_A_PORT_ADMIN]) ? "true" : "false",
		mnl_attr_get_u8(t[VALE_A_PORT_OPEN]) ? "true" : "false",
		mnl_attr_get_u32(t[VALE_A_PORT_UID]));
	return MNL_CB_OK;
}

static void run_ctl(const char *cmd, char *out, size_t len)
{
	FILE *f = popen(cmd, "r");
	size_t n = 0;

	out[0] = '\0';
	if (!f)
		return;
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	while (n && out[n - 1] == '\n')
		out[--n] = '\0';
	pclose(f);
}

TEST_F(nl, vale_ctl_json_matches_the_kernel)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], want[512], got[512];
	struct nlmsghdr *nlh;

	if (access("/bin/vale-ctl", X_OK))
		SKIP(return, "no /bin/vale-ctl");
	nlh = msg(buf, fam, VALE_CMD_SWITCH_SET, 0);
	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, "valet");
	mnl_attr_put_u32(nlh, VALE_A_SWITCH_LOOKUP, VALE_LOOKUP_P2P);
	mnl_attr_put_u8(nlh, VALE_A_SWITCH_RESTRICTED, 1);
	ASSERT_EQ(0, talk(nlh, ok_cb, NULL)) TH_LOG("%s", errmsg);

	nlh = msg(buf, fam, VALE_CMD_SWITCH_GET, 0);
	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, "valet");
	ASSERT_EQ(0, talk(nlh, json_sw_cb, want));
	run_ctl("/bin/vale-ctl -j switch show valet", got, sizeof(got));
	EXPECT_STREQ(want, got);

	nlh = msg(buf, fam, VALE_CMD_PORT_GET, 0);
	mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, "valet");
	mnl_attr_put_strz(nlh, VALE_A_PORT_NAME, "p");
	ASSERT_EQ(0, talk(nlh, json_port_cb, want));
	run_ctl("/bin/vale-ctl --json port show valet:p", got, sizeof(got));
	EXPECT_STREQ(want, got);
}

TEST_HARNESS_MAIN
