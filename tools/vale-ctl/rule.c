// SPDX-License-Identifier: GPL-2.0
/*
 * vale-ctl: steering rules (rule add, set, del, show, flush) and how a
 * rule and a point-to-point pair are printed (Documentation/steering.md).
 *
 *   rule add SWITCH id N [prio P] [in PORT] [dst MAC] [vid V | untagged]
 *            [type ETHERTYPE] action output PORT | flood | drop | learn
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vale.h>

#include "ctl.h"
#include "mac.h"

static const char *const act_names[] = {
	[VALE_RULE_ACT_OUTPUT] = "output",
	[VALE_RULE_ACT_FLOOD] = "flood",
	[VALE_RULE_ACT_DROP] = "drop",
	[VALE_RULE_ACT_LEARN] = "learn",
};

static uint16_t parse_u16(const char *s, const char *what)
{
	uint32_t v = parse_u32(s, what);

	if (v > UINT16_MAX)
		die_usage("%s is at most 65535", what);
	return v;
}

static const char *act_name(uint32_t a)
{
	return a <= VALE_RULE_ACT_MAX ? act_names[a] : "?";
}

void print_rule(const struct attrs *t, const char *event)
{
	const struct nlattr *dst = t->a[VALE_A_RULE_DST];
	char mac[18] = "-", vid[8] = "-", type[8] = "-";
	const uint8_t *m;

	if (!event && !nitems++)
		out_text("%-20s %6s %5s %-16s %-17s %-8s %-6s %-7s %-16s %12s %14s\n",
			 "SWITCH", "ID", "PRIO", "IN", "DST", "VID", "TYPE",
			 "ACTION", "OUT", "PACKETS", "BYTES");
	record_begin(event);
	out_string(OUT_ANY, "switch", "%-20s", str_of(t->a[VALE_A_RULE_SWITCH]));
	out_uint(OUT_ANY, "id", " %6" PRIu64, u32_of(t->a[VALE_A_RULE_ID]));
	out_uint(OUT_ANY, "prio", " %5" PRIu64, u16_of(t->a[VALE_A_RULE_PRIO]));
	if (t->a[VALE_A_RULE_IN_PORT])
		out_string(OUT_ANY, "in", " %-16s", str_of(t->a[VALE_A_RULE_IN_PORT]));
	else
		out_string(OUT_TEXT, NULL, " %-16s", "-");
	if (dst && mnl_attr_get_payload_len(dst) == 6) {
		m = mnl_attr_get_payload(dst);
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 m[0], m[1], m[2], m[3], m[4], m[5]);
		out_string(OUT_ANY, "dst", " %-17s", mac);
	} else {
		out_string(OUT_TEXT, NULL, " %-17s", mac);
	}
	if (t->a[VALE_A_RULE_VID]) {
		snprintf(vid, sizeof(vid), "%u", u32_of(t->a[VALE_A_RULE_VID]));
		out_string(OUT_TEXT, NULL, " %-8s", vid);
		out_uint(OUT_JSON, "vid", NULL, u32_of(t->a[VALE_A_RULE_VID]));
	} else if (t->a[VALE_A_RULE_UNTAGGED]) {
		out_string(OUT_TEXT, NULL, " %-8s", "untagged");
		out_bool(OUT_JSON, "untagged", NULL, true);
	} else {
		out_string(OUT_TEXT, NULL, " %-8s", vid);
	}
	if (t->a[VALE_A_RULE_ETHERTYPE]) {
		snprintf(type, sizeof(type), "0x%04x",
			 u16_of(t->a[VALE_A_RULE_ETHERTYPE]));
		out_string(OUT_TEXT, NULL, " %-6s", type);
		out_uint(OUT_JSON, "ethertype", NULL,
			 u16_of(t->a[VALE_A_RULE_ETHERTYPE]));
	} else {
		out_string(OUT_TEXT, NULL, " %-6s", type);
	}
	out_string(OUT_ANY, "action", " %-7s",
		   act_name(u32_of(t->a[VALE_A_RULE_ACTION])));
	if (t->a[VALE_A_RULE_OUT_PORT])
		out_string(OUT_ANY, "out", " %-16s", str_of(t->a[VALE_A_RULE_OUT_PORT]));
	else
		out_string(OUT_TEXT, NULL, " %-16s", "-");
	out_uint(OUT_ANY, "packets", " %12" PRIu64, u64_of(t->a[VALE_A_RULE_PACKETS]));
	out_uint(OUT_ANY, "bytes", " %14" PRIu64, u64_of(t->a[VALE_A_RULE_BYTES]));
	record_end(event);
}

/* A pair's fields, "A <-> B [bypass [rules X/Y]]", for events and switches. */
void print_pair_fields(const struct attrs *t)
{
	bool bypass = t->a[VALE_A_PAIR_BYPASS] != NULL;

	out_string(OUT_ANY, "a", "%s", str_of(t->a[VALE_A_PAIR_PORT_A]));
	out_string(OUT_ANY, "b", " <-> %s", str_of(t->a[VALE_A_PAIR_PORT_B]));
	out_uint(OUT_JSON, "index_a", NULL, u32_of(t->a[VALE_A_PAIR_INDEX_A]));
	out_uint(OUT_JSON, "index_b", NULL, u32_of(t->a[VALE_A_PAIR_INDEX_B]));
	out_bool(OUT_JSON, "bypass", NULL, bypass);
	if (bypass)
		out_text(" bypass");
	if (t->a[VALE_A_PAIR_RULE_A] && t->a[VALE_A_PAIR_RULE_B]) {
		out_text(" rules %u/%u", u32_of(t->a[VALE_A_PAIR_RULE_A]),
			 u32_of(t->a[VALE_A_PAIR_RULE_B]));
		out_uint(OUT_JSON, "rule_a", NULL, u32_of(t->a[VALE_A_PAIR_RULE_A]));
		out_uint(OUT_JSON, "rule_b", NULL, u32_of(t->a[VALE_A_PAIR_RULE_B]));
	}
}

void print_pair(const struct attrs *t, const char *event)
{
	record_begin(event);
	if (t->a[VALE_A_PAIR_SWITCH])
		out_string(OUT_ANY, "switch", "%s ", str_of(t->a[VALE_A_PAIR_SWITCH]));
	print_pair_fields(t);
	record_end(event);
}

/* The keywords of a rule after SWITCH; @need: what must be there. */
static void put_rule(struct nlmsghdr *nlh, int argc, char **argv, bool full)
{
	bool have_id = false, have_act = false;
	uint8_t mac[6];
	int i;

	for (i = 0; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(k, "untagged") && full) {
			mnl_attr_put(nlh, VALE_A_RULE_UNTAGGED, 0, NULL);
			continue;
		}
		if (!v)
			die_usage("'%s' needs a value", k);
		i++;
		if (!strcmp(k, "id")) {
			mnl_attr_put_u32(nlh, VALE_A_RULE_ID, parse_u32(v, "id"));
			have_id = true;
		} else if (!full) {
			die_usage("unknown keyword '%s' (id)", k);
		} else if (!strcmp(k, "prio")) {
			mnl_attr_put_u16(nlh, VALE_A_RULE_PRIO, parse_u16(v, "prio"));
		} else if (!strcmp(k, "in")) {
			mnl_attr_put_strz(nlh, VALE_A_RULE_IN_PORT, v);
		} else if (!strcmp(k, "dst")) {
			if (mac_parse(v, mac))
				die_usage("bad MAC address '%s'", v);
			mnl_attr_put(nlh, VALE_A_RULE_DST, sizeof(mac), mac);
		} else if (!strcmp(k, "vid")) {
			mnl_attr_put_u32(nlh, VALE_A_RULE_VID, parse_u32(v, "vid"));
		} else if (!strcmp(k, "type")) {
			mnl_attr_put_u16(nlh, VALE_A_RULE_ETHERTYPE,
					 parse_u16(v, "type"));
		} else if (!strcmp(k, "action")) {
			uint32_t a;

			for (a = 0; a <= VALE_RULE_ACT_MAX; a++)
				if (!strcmp(v, act_names[a]))
					break;
			if (a > VALE_RULE_ACT_MAX)
				die_usage("action takes output PORT, flood, drop or learn, not '%s'", v);
			mnl_attr_put_u32(nlh, VALE_A_RULE_ACTION, a);
			if (a == VALE_RULE_ACT_OUTPUT) {
				if (i + 1 >= argc)
					die_usage("%s", "action output needs a PORT");
				mnl_attr_put_strz(nlh, VALE_A_RULE_OUT_PORT, argv[++i]);
			}
			have_act = true;
		} else {
			die_usage("unknown rule keyword '%s'", k);
		}
	}
	if (!have_id)
		die_usage("%s", "a rule needs id N");
	if (full && !have_act)
		die_usage("%s", "a rule needs an action");
}

static int rule_change(int argc, char **argv, uint8_t cmd, bool full,
		       const char *what)
{
	struct nlmsghdr *nlh;

	if (argc < 2)
		die_usage("rule %s needs a SWITCH", argv[0]);
	open_family();
	nlh = vnl_msg(&vnl, buf, cmd, 0);
	mnl_attr_put_strz(nlh, VALE_A_RULE_SWITCH, argv[1]);
	put_rule(nlh, argc - 2, argv + 2, full);
	return run(nlh, what, false);
}

static int rule_add(int argc, char **argv)
{
	return rule_change(argc, argv, VALE_CMD_RULE_NEW, true, "rule add");
}

static int rule_set(int argc, char **argv)
{
	return rule_change(argc, argv, VALE_CMD_RULE_SET, true, "rule set");
}

static int rule_del(int argc, char **argv)
{
	return rule_change(argc, argv, VALE_CMD_RULE_DEL, false, "rule del");
}

static int rule_flush(int argc, char **argv)
{
	struct nlmsghdr *nlh;

	if (argc < 2)
		die_usage("%s", "rule flush needs a SWITCH");
	no_more(argc, argv, 2);
	open_family();
	nlh = vnl_msg(&vnl, buf, VALE_CMD_RULE_FLUSH, 0);
	mnl_attr_put_strz(nlh, VALE_A_RULE_SWITCH, argv[1]);
	return run(nlh, "rule flush", false);
}

/* rule show [SWITCH [id N]] */
static int rule_show(int argc, char **argv)
{
	bool one = argc > 2;
	struct nlmsghdr *nlh;

	if (one && (argc != 4 || strcmp(argv[2], "id")))
		die_usage("%s", "rule show takes [SWITCH [id N]]");
	open_family();
	nlh = vnl_msg(&vnl, buf, VALE_CMD_RULE_GET, one ? 0 : NLM_F_DUMP);
	if (argc > 1)
		mnl_attr_put_strz(nlh, VALE_A_RULE_SWITCH, argv[1]);
	if (one)
		mnl_attr_put_u32(nlh, VALE_A_RULE_ID, parse_u32(argv[3], "id"));
	return run(nlh, "rule show", true);
}

const struct cmd rule_cmds[] = {
	{ .word = "show", .run = rule_show },
	{ .word = "list", .run = rule_show },
	{ .word = "add", .run = rule_add },
	{ .word = "set", .run = rule_set },
	{ .word = "replace", .run = rule_set },
	{ .word = "del", .run = rule_del },
	{ .word = "delete", .run = rule_del },
	{ .word = "flush", .run = rule_flush },
	{ .word = NULL },
};
