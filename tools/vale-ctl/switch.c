// SPDX-License-Identifier: GPL-2.0
/*
 * vale-ctl: switch add, del, show, set, and how a switch is printed.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vale.h>

#include "ctl.h"

static const char *const lookup_names[] = {
	[VALE_LOOKUP_LEARNING] = "learning",
	[VALE_LOOKUP_P2P] = "p2p",
	[VALE_LOOKUP_RULES] = "rules",
};

static const char *lookup_name(uint32_t m)
{
	return m < sizeof(lookup_names) / sizeof(*lookup_names) ?
	       lookup_names[m] : "?";
}

/* The pairs listed in a switch message (VALE_A_SWITCH_PAIR, repeated). */
static void print_pairs(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;
	struct attrs p;

	out_open_array("pairs");
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != VALE_A_SWITCH_PAIR)
			continue;
		memset(&p, 0, sizeof(p));
		mnl_attr_parse_nested(a, parse_cb, &p);
		out_text("\n  pair ");
		out_open_object(NULL);
		print_pair_fields(&p);
		out_close_object();
	}
	out_close_array();
}

void print_switch(const struct attrs *t, const char *event)
{
	if (!event && !nitems++)
		out_text("%-20s %-10s %-9s %-10s %6s %6s %6s %6s\n", "SWITCH",
			 "RESTRICT", "PERSIST", "LOOKUP", "BATCH", "PORTS",
			 "RULES", "PAIRS");
	record_begin(event);
	out_string(OUT_ANY, "name", "%-20s", str_of(t->a[VALE_A_SWITCH_NAME]));
	out_bool(OUT_ANY, "restricted", " %-10s", u8_of(t->a[VALE_A_SWITCH_RESTRICTED]));
	out_bool(OUT_ANY, "persistent", " %-9s", u8_of(t->a[VALE_A_SWITCH_PERSISTENT]));
	out_string(OUT_ANY, "lookup", " %-10s",
		   lookup_name(u32_of(t->a[VALE_A_SWITCH_LOOKUP])));
	out_uint(OUT_ANY, "batch", " %6" PRIu64, u32_of(t->a[VALE_A_SWITCH_BATCH]));
	out_uint(OUT_ANY, "ports", " %6" PRIu64, u32_of(t->a[VALE_A_SWITCH_NPORTS]));
	out_uint(OUT_ANY, "nrules", " %6" PRIu64, u32_of(t->a[VALE_A_SWITCH_NRULES]));
	out_uint(OUT_ANY, "npairs", " %6" PRIu64, u32_of(t->a[VALE_A_SWITCH_NPAIRS]));
	if (t->nlh)
		print_pairs(t->nlh);
	record_end(event);
}

/* Switch options: restricted on|off, lookup learning|p2p|rules, batch N. */
static void put_switch_opts(struct nlmsghdr *nlh, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			die_usage("option '%s' needs a value", k);
		if (!strcmp(k, "restricted")) {
			if (strcmp(v, "on") && strcmp(v, "off"))
				die_usage("restricted takes on or off, not '%s'", v);
			mnl_attr_put_u8(nlh, VALE_A_SWITCH_RESTRICTED,
					!strcmp(v, "on"));
		} else if (!strcmp(k, "lookup")) {
			uint32_t m;

			for (m = 0; m <= VALE_LOOKUP_RULES; m++)
				if (!strcmp(v, lookup_names[m]))
					break;
			if (m > VALE_LOOKUP_RULES)
				die_usage("lookup takes learning, p2p or rules, not '%s'", v);
			mnl_attr_put_u32(nlh, VALE_A_SWITCH_LOOKUP, m);
		} else if (!strcmp(k, "batch")) {
			mnl_attr_put_u32(nlh, VALE_A_SWITCH_BATCH,
					 parse_u32(v, "batch"));
		} else {
			die_usage("unknown switch option '%s'", k);
		}
	}
}

static int switch_add_del(int argc, char **argv, bool add)
{
	struct nlmsghdr *nlh;

	if (argc < 2)
		die_usage("switch %s needs a NAME", add ? "add" : "del");
	if (!add)
		no_more(argc, argv, 2);
	open_family();
	nlh = vnl_msg(&vnl, buf, add ? VALE_CMD_SWITCH_NEW : VALE_CMD_SWITCH_DEL, 0);
	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, argv[1]);
	if (add)
		put_switch_opts(nlh, argc - 2, argv + 2);
	return run(nlh, add ? "switch add" : "switch del", false);
}

static int switch_add(int argc, char **argv)
{
	return switch_add_del(argc, argv, true);
}

static int switch_del(int argc, char **argv)
{
	return switch_add_del(argc, argv, false);
}

static int switch_show(int argc, char **argv)
{
	struct nlmsghdr *nlh;

	no_more(argc, argv, 2);
	open_family();
	nlh = vnl_msg(&vnl, buf, VALE_CMD_SWITCH_GET, argc > 1 ? 0 : NLM_F_DUMP);
	if (argc > 1)
		mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, argv[1]);
	return run(nlh, "switch show", true);
}

/* switch set NAME OPTS (and the older "set NAME OPTS") */
int switch_set(int argc, char **argv)
{
	struct nlmsghdr *nlh;

	if (argc < 3)
		die_usage("%s", "set needs a NAME and at least one option");
	open_family();
	nlh = vnl_msg(&vnl, buf, VALE_CMD_SWITCH_SET, 0);
	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, argv[1]);
	put_switch_opts(nlh, argc - 2, argv + 2);
	return run(nlh, "set", false);
}

const struct cmd switch_cmds[] = {
	{ .word = "show", .run = switch_show },
	{ .word = "list", .run = switch_show },
	{ .word = "add", .run = switch_add },
	{ .word = "del", .run = switch_del },
	{ .word = "delete", .run = switch_del },
	{ .word = "set", .run = switch_set },
	{ .word = NULL },
};
