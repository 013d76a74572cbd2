// SPDX-License-Identifier: GPL-2.0
/*
 * vale-ctl: port add, del, show, attach, detach (and the older attach and
 * detach spellings), and how a port is printed.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vale.h>

#include "ctl.h"

static const char *const stat_names[] = {
	[VALE_A_STATS_TX_PACKETS] = "tx_packets",
	[VALE_A_STATS_TX_BYTES] = "tx_bytes",
	[VALE_A_STATS_RX_PACKETS] = "rx_packets",
	[VALE_A_STATS_RX_BYTES] = "rx_bytes",
	[VALE_A_STATS_DROP_BAD_SLOT] = "drop_bad_slot",
	[VALE_A_STATS_DROP_BAD_FRAG] = "drop_bad_frag",
	[VALE_A_STATS_DROP_RING_FULL] = "drop_ring_full",
	[VALE_A_STATS_DROP_NO_DEST] = "drop_no_dest",
	[VALE_A_STATS_DROP_TOO_LONG] = "drop_too_long",
	[VALE_A_STATS_DROP_LINK_DOWN] = "drop_link_down",
	[VALE_A_STATS_DROP_XMIT] = "drop_xmit",
	[VALE_A_STATS_DROP_RX_ERROR] = "drop_rx_error",
	[VALE_A_STATS_DROP_RECURSION] = "drop_recursion",
	[VALE_A_STATS_BYPASS_TX_PACKETS] = "bypass_tx_packets",
	[VALE_A_STATS_BYPASS_RX_PACKETS] = "bypass_rx_packets",
};

void print_port(const struct attrs *t, const char *event)
{
	const struct nlattr *uid = t->a[VALE_A_PORT_UID], *gid = t->a[VALE_A_PORT_GID];
	const char *sw = str_of(t->a[VALE_A_PORT_SWITCH]);
	const char *name = str_of(t->a[VALE_A_PORT_NAME]);
	struct attrs st = { 0 };
	char full[160], num[16], owner[40];
	uint64_t drops = 0;
	unsigned int i;

	if (t->a[VALE_A_PORT_STATS])
		mnl_attr_parse_nested(t->a[VALE_A_PORT_STATS], parse_cb, &st);
	if (!event && !nitems++)
		out_text("%-28s %-6s %5s %-5s %-4s %-11s %7s %12s %12s %8s\n",
			 "PORT", "KIND", "INDEX", "ADMIN", "OPEN", "OWNER", "IFINDEX",
			 "TX_PKTS", "RX_PKTS", "DROPS");
	record_begin(event);
	snprintf(full, sizeof(full), "%s:%s", sw, name);
	out_string(OUT_TEXT, NULL, "%-28s", full);
	out_string(OUT_JSON, "switch", NULL, sw);
	out_string(OUT_JSON, "name", NULL, name);
	out_string(OUT_ANY, "kind", " %-6s",
		   u32_of(t->a[VALE_A_PORT_KIND]) == VALE_PORT_KIND_NETDEV ?
		   "netdev" : "ring");
	/* the table has INDEX here, JSON after "open" */
	if (t->a[VALE_A_PORT_INDEX]) {
		snprintf(num, sizeof(num), "%u", u32_of(t->a[VALE_A_PORT_INDEX]));
		out_string(OUT_TEXT, NULL, " %5s", num);
	} else {
		out_string(OUT_TEXT, NULL, " %5s", "-");
	}
	out_bool(OUT_ANY, "admin", " %-5s", u8_of(t->a[VALE_A_PORT_ADMIN]));
	out_bool(OUT_ANY, "open", " %-4s", u8_of(t->a[VALE_A_PORT_OPEN]));
	if (t->a[VALE_A_PORT_INDEX])
		out_uint(OUT_JSON, "index", NULL, u32_of(t->a[VALE_A_PORT_INDEX]));
	snprintf(owner, sizeof(owner), "-");
	if (uid || gid) {
		char u[16] = "", g[16] = "";

		if (uid)
			snprintf(u, sizeof(u), "%u", u32_of(uid));
		if (gid)
			snprintf(g, sizeof(g), "%u", u32_of(gid));
		snprintf(owner, sizeof(owner), "%s:%s", u, g);
	}
	out_string(OUT_TEXT, NULL, " %-11s", owner);
	if (uid)
		out_uint(OUT_JSON, "uid", NULL, u32_of(uid));
	if (gid)
		out_uint(OUT_JSON, "gid", NULL, u32_of(gid));
	if (t->a[VALE_A_PORT_IFINDEX]) {
		snprintf(num, sizeof(num), "%u", u32_of(t->a[VALE_A_PORT_IFINDEX]));
		out_string(OUT_TEXT, NULL, " %7s", num);
		out_uint(OUT_JSON, "ifindex", NULL, u32_of(t->a[VALE_A_PORT_IFINDEX]));
	} else {
		out_string(OUT_TEXT, NULL, " %7s", "-");
	}
	if (t->a[VALE_A_PORT_STATS]) {
		out_open_object("stats");
		for (i = 0; i < sizeof(stat_names) / sizeof(*stat_names); i++)
			if (stat_names[i])
				out_uint(OUT_JSON, stat_names[i], NULL, u64_of(st.a[i]));
		out_close_object();
	}
	for (i = VALE_A_STATS_DROP_BAD_SLOT; i <= VALE_A_STATS_DROP_RECURSION; i++)
		drops += u64_of(st.a[i]);
	out_uint(OUT_TEXT, NULL, " %12" PRIu64, u64_of(st.a[VALE_A_STATS_TX_PACKETS]));
	out_uint(OUT_TEXT, NULL, " %12" PRIu64, u64_of(st.a[VALE_A_STATS_RX_PACKETS]));
	out_uint(OUT_TEXT, NULL, " %8" PRIu64, drops);
	record_end(event);
}

/* "SWITCH:PORT" (port required when @need_port) into attributes. */
static void put_port_name(struct nlmsghdr *nlh, const char *arg,
			  bool need_port)
{
	const char *colon = strchr(arg, ':');
	char sw[VALE_NAME_MAX];

	if (!colon) {
		if (need_port)
			die_usage("'%s' is not SWITCH:PORT", arg);
		mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, arg);
		return;
	}
	if ((size_t)(colon - arg) >= sizeof(sw))
		die_usage("switch name too long in '%s'", arg);
	memcpy(sw, arg, colon - arg);
	sw[colon - arg] = '\0';
	mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, sw);
	mnl_attr_put_strz(nlh, VALE_A_PORT_NAME, colon + 1);
}

static void put_dev(struct nlmsghdr *nlh, const char *dev)
{
	if (strlen(dev) >= IFNAMSIZ)
		die_usage("device name '%s' too long", dev);
	mnl_attr_put_strz(nlh, VALE_A_PORT_IFNAME, dev);
}

static int port_add_del(int argc, char **argv, bool add)
{
	struct nlmsghdr *nlh;
	int i;

	if (argc < 2)
		die_usage("port %s needs SWITCH:PORT", add ? "add" : "del");
	open_family();
	nlh = vnl_msg(&vnl, buf, add ? VALE_CMD_PORT_NEW : VALE_CMD_PORT_DEL, 0);
	put_port_name(nlh, argv[1], true);
	for (i = 2; add && i < argc; i += 2) {
		if (i + 1 >= argc)
			die_usage("option '%s' needs a value", argv[i]);
		if (!strcmp(argv[i], "uid"))
			mnl_attr_put_u32(nlh, VALE_A_PORT_UID,
					 parse_u32(argv[i + 1], "uid"));
		else if (!strcmp(argv[i], "gid"))
			mnl_attr_put_u32(nlh, VALE_A_PORT_GID,
					 parse_u32(argv[i + 1], "gid"));
		else
			die_usage("unknown port option '%s'", argv[i]);
	}
	if (!add)
		no_more(argc, argv, 2);
	return run(nlh, add ? "port add" : "port del", false);
}

static int port_add(int argc, char **argv)
{
	return port_add_del(argc, argv, true);
}

static int port_del(int argc, char **argv)
{
	return port_add_del(argc, argv, false);
}

static int port_show(int argc, char **argv)
{
	bool one = argc > 1 && strchr(argv[1], ':');
	struct nlmsghdr *nlh;

	no_more(argc, argv, 2);
	open_family();
	nlh = vnl_msg(&vnl, buf, VALE_CMD_PORT_GET, one ? 0 : NLM_F_DUMP);
	if (argc > 1)
		put_port_name(nlh, argv[1], false);
	return run(nlh, "port show", true);
}

static int attach_detach(const char *dev, const char *sw, bool attach,
			 const char *what)
{
	struct nlmsghdr *nlh;

	open_family();
	nlh = vnl_msg(&vnl, buf, attach ? VALE_CMD_NETDEV_ATTACH :
		      VALE_CMD_NETDEV_DETACH, 0);
	if (sw)
		mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, sw);
	put_dev(nlh, dev);
	return run(nlh, what, false);
}

/* port attach|detach dev DEV [switch SWITCH] */
static int port_attach_detach(int argc, char **argv, bool attach)
{
	const char *dev = NULL, *sw = NULL;
	int i;

	for (i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			die_usage("'%s' needs a value", argv[i]);
		if (cmd_matches(argv[i], "dev"))
			dev = argv[i + 1];
		else if (cmd_matches(argv[i], "switch"))
			sw = argv[i + 1];
		else
			die_usage("unknown keyword '%s' (dev, switch)", argv[i]);
	}
	if (!dev || (attach && !sw))
		die_usage("%s", attach ? "port attach needs dev DEV and switch SWITCH" :
			  "port detach needs dev DEV");
	return attach_detach(dev, sw, attach,
			     attach ? "port attach" : "port detach");
}

static int port_attach(int argc, char **argv)
{
	return port_attach_detach(argc, argv, true);
}

static int port_detach(int argc, char **argv)
{
	return port_attach_detach(argc, argv, false);
}

/* The older spellings: attach SWITCH DEV, detach DEV [SWITCH]. */
int old_attach(int argc, char **argv)
{
	if (argc != 3)
		die_usage("%s", "attach needs SWITCH and DEV");
	return attach_detach(argv[2], argv[1], true, "attach");
}

int old_detach(int argc, char **argv)
{
	if (argc < 2 || argc > 3)
		die_usage("%s", "detach needs DEV [SWITCH]");
	return attach_detach(argv[1], argc > 2 ? argv[2] : NULL, false, "detach");
}

const struct cmd port_cmds[] = {
	{ .word = "show", .run = port_show },
	{ .word = "list", .run = port_show },
	{ .word = "add", .run = port_add },
	{ .word = "del", .run = port_del },
	{ .word = "delete", .run = port_del },
	{ .word = "attach", .run = port_attach },
	{ .word = "detach", .run = port_detach },
	{ .word = NULL },
};
