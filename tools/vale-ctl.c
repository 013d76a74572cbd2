// SPDX-License-Identifier: GPL-2.0
/*
 * vale-ctl: configure vale switches over the generic netlink family "vale"
 * (Documentation/control-plane.md, Documentation/man/vale-ctl.8).
 *
 * Commands are tables of words, matched by prefix as ip(8) does ("vale-ctl
 * sw sh" is "switch show"); the first row a word is a prefix of wins, so
 * the rows are in the order of how often they are meant.  Options are
 * keyword/value pairs.  Output goes through tools/common/out.h: each value
 * is described once for the text table and the JSON object.
 *
 * Exit codes: 0 success; 1 the kernel refused (its errno and extack message
 * are printed); 2 bad usage; 3 the family is not there (vale.ko not
 * loaded) or netlink failed.
 */
#include <errno.h>
#include <getopt.h>
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

#include "out.h"
#include "vnl.h"

enum { EX_OK, EX_REFUSED, EX_USAGE, EX_NETLINK };

static const char *prog = "vale-ctl";
static struct vnl vnl;
static int nitems;		/* objects printed (text header) */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [-j|--json] OBJECT COMMAND [ARGS]\n"
"  switch add NAME [restricted on|off] [lookup learning|p2p] [batch N]\n"
"  switch del NAME\n"
"  switch show [NAME]\n"
"  switch set NAME [restricted on|off] [lookup learning|p2p] [batch N]\n"
"  port add SWITCH:PORT [uid UID] [gid GID]\n"
"  port del SWITCH:PORT\n"
"  port show [SWITCH[:PORT]]\n"
"  port attach dev DEV switch SWITCH\n"
"  port detach dev DEV [switch SWITCH]\n"
"  monitor\n"
"Words may be shortened to any prefix (vale-ctl sw sh).  Older spellings\n"
"still work: set NAME ..., attach SWITCH DEV, detach DEV [SWITCH].\n"
"Options: -j, --json  machine-readable output; -h, --help  this text\n",
		prog);
}

static void __attribute__((noreturn)) die_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	exit(EX_USAGE);
}

/* @arg is a non-empty prefix of @word. */
static bool matches(const char *arg, const char *word)
{
	size_t n = strlen(arg);

	return n && !strncmp(arg, word, n);
}

static void open_family(void)
{
	int err = vnl_open(&vnl);

	if (err == -ENOENT) {
		fprintf(stderr,
			"%s: no generic netlink family \"%s\" (is vale.ko loaded?): %s\n",
			prog, VALE_GENL_NAME, strerror(-err));
		exit(EX_NETLINK);
	}
	if (err) {
		fprintf(stderr, "%s: netlink: %s\n", prog, strerror(-err));
		exit(EX_NETLINK);
	}
}

static int refused(const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s%s%s\n", prog, what, strerror(-err),
		vnl.errmsg[0] ? ": " : "", vnl.errmsg);
	return EX_REFUSED;
}

/* ---- output ---- */

struct attrs {
	const struct nlattr *a[64];
};

static int parse_cb(const struct nlattr *a, void *data)
{
	struct attrs *t = data;
	unsigned int type = mnl_attr_get_type(a);

	if (type < 64)
		t->a[type] = a;
	return MNL_CB_OK;
}

static uint64_t u64_of(const struct nlattr *a)
{
	return a ? mnl_attr_get_u64(a) : 0;
}

static uint32_t u32_of(const struct nlattr *a)
{
	return a ? mnl_attr_get_u32(a) : 0;
}

static bool u8_of(const struct nlattr *a)
{
	return a && mnl_attr_get_u8(a);
}

static const char *str_of(const struct nlattr *a)
{
	return a ? mnl_attr_get_str(a) : "?";
}

static const char *lookup_name(uint32_t m)
{
	return m == VALE_LOOKUP_P2P ? "p2p" : "learning";
}

/* One record: an object in JSON (a line of its own for an event). */
static void record_begin(const char *event)
{
	out_open_object(NULL);
	if (event)
		out_string(OUT_ANY, "event", "%s ", event);
}

static void record_end(const char *event)
{
	out_close_object();
	if (!out_is_json() || event)
		out_newline();
}

static void print_switch(const struct attrs *t, const char *event)
{
	if (!event && !nitems++)
		out_text("%-20s %-10s %-9s %-10s %6s %6s\n", "SWITCH", "RESTRICT",
			 "PERSIST", "LOOKUP", "BATCH", "PORTS");
	record_begin(event);
	out_string(OUT_ANY, "name", "%-20s", str_of(t->a[VALE_A_SWITCH_NAME]));
	out_bool(OUT_ANY, "restricted", " %-10s", u8_of(t->a[VALE_A_SWITCH_RESTRICTED]));
	out_bool(OUT_ANY, "persistent", " %-9s", u8_of(t->a[VALE_A_SWITCH_PERSISTENT]));
	out_string(OUT_ANY, "lookup", " %-10s",
		   lookup_name(u32_of(t->a[VALE_A_SWITCH_LOOKUP])));
	out_uint(OUT_ANY, "batch", " %6" PRIu64, u32_of(t->a[VALE_A_SWITCH_BATCH]));
	out_uint(OUT_ANY, "ports", " %6" PRIu64, u32_of(t->a[VALE_A_SWITCH_NPORTS]));
	record_end(event);
}

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
};

static void print_port(const struct attrs *t, const char *event)
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
	for (i = VALE_A_STATS_DROP_BAD_SLOT; i <= VALE_A_STATS_MAX; i++)
		drops += u64_of(st.a[i]);
	out_uint(OUT_TEXT, NULL, " %12" PRIu64, u64_of(st.a[VALE_A_STATS_TX_PACKETS]));
	out_uint(OUT_TEXT, NULL, " %12" PRIu64, u64_of(st.a[VALE_A_STATS_RX_PACKETS]));
	out_uint(OUT_TEXT, NULL, " %8" PRIu64, drops);
	record_end(event);
}

static int show_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct attrs t = { 0 };

	(void)data;
	mnl_attr_parse(nlh, sizeof(*g), parse_cb, &t);
	if (g->cmd == VALE_CMD_SWITCH_GET)
		print_switch(&t, NULL);
	else
		print_port(&t, NULL);
	return MNL_CB_OK;
}

/* Run a request; for dumps and gets print what comes back. */
static int run(struct nlmsghdr *nlh, const char *what, bool show)
{
	int err;

	if (show)
		out_open_array(NULL);
	err = vnl_talk(&vnl, nlh, show ? show_cb : vnl_ok_cb, NULL);
	if (show) {
		out_close_array();
		if (out_is_json())
			out_newline();
	}
	if (err)
		return refused(what, err);
	return EX_OK;
}

/* ---- arguments ---- */

static uint32_t parse_u32(const char *s, const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *s == '\0' || *end || *s == '-' || v > UINT32_MAX)
		die_usage("bad %s", what);
	return v;
}

/* Switch options: restricted on|off, lookup learning|p2p, batch N. */
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
			if (strcmp(v, "learning") && strcmp(v, "p2p"))
				die_usage("lookup takes learning or p2p, not '%s'", v);
			mnl_attr_put_u32(nlh, VALE_A_SWITCH_LOOKUP,
					 !strcmp(v, "p2p") ? VALE_LOOKUP_P2P :
					 VALE_LOOKUP_LEARNING);
		} else if (!strcmp(k, "batch")) {
			mnl_attr_put_u32(nlh, VALE_A_SWITCH_BATCH,
					 parse_u32(v, "batch"));
		} else {
			die_usage("unknown switch option '%s'", k);
		}
	}
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

static void no_more(int argc, char **argv, int used)
{
	if (argc > used)
		die_usage("unexpected '%s'", argv[used]);
}

/* ---- commands: argv[0] is the command's own word ---- */

static char buf[8192];	/* MNL_SOCKET_BUFFER_SIZE at most */

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
static int switch_set(int argc, char **argv)
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
		if (matches(argv[i], "dev"))
			dev = argv[i + 1];
		else if (matches(argv[i], "switch"))
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
static int old_attach(int argc, char **argv)
{
	if (argc != 3)
		die_usage("%s", "attach needs SWITCH and DEV");
	return attach_detach(argv[2], argv[1], true, "attach");
}

static int old_detach(int argc, char **argv)
{
	if (argc < 2 || argc > 3)
		die_usage("%s", "detach needs DEV [SWITCH]");
	return attach_detach(argv[1], argc > 2 ? argv[2] : NULL, false, "detach");
}

/* ---- monitor ---- */

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	static const char *const names[] = {
		[VALE_CMD_SWITCH_ADD_NTF] = "switch-add",
		[VALE_CMD_SWITCH_DEL_NTF] = "switch-del",
		[VALE_CMD_SWITCH_CHANGE_NTF] = "switch-change",
		[VALE_CMD_PORT_ADD_NTF] = "port-add",
		[VALE_CMD_PORT_DEL_NTF] = "port-del",
		[VALE_CMD_PORT_CHANGE_NTF] = "port-change",
	};
	struct attrs t = { 0 };
	const char *ev;

	(void)data;
	if (nlh->nlmsg_type != vnl.family || g->cmd > VALE_CMD_MAX ||
	    g->cmd >= sizeof(names) / sizeof(names[0]) || !names[g->cmd])
		return MNL_CB_OK;
	ev = names[g->cmd];
	mnl_attr_parse(nlh, sizeof(*g), parse_cb, &t);
	if (g->cmd <= VALE_CMD_SWITCH_CHANGE_NTF)
		print_switch(&t, ev);
	else
		print_port(&t, ev);
	fflush(stdout);
	return MNL_CB_OK;
}

static int monitor(int argc, char **argv)
{
	char rbuf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;
	int err;

	no_more(argc, argv, 1);
	open_family();
	err = vnl_join_events(&vnl);
	if (err == -ENOENT) {
		fprintf(stderr, "%s: the family has no \"%s\" group\n", prog,
			VALE_GENL_MCGRP_EVENTS);
		return EX_NETLINK;
	}
	if (err) {
		fprintf(stderr, "%s: join events: %s\n", prog, strerror(-err));
		return EX_NETLINK;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		n = mnl_socket_recvfrom(vnl.sock, rbuf, sizeof(rbuf));
		if (n < 0) {
			if (errno == ENOBUFS) {
				fprintf(stderr, "%s: events lost\n", prog);
				continue;
			}
			fprintf(stderr, "%s: %s\n", prog, strerror(errno));
			return EX_NETLINK;
		}
		if (mnl_cb_run(rbuf, n, 0, 0, event_cb, NULL) < 0)
			return EX_NETLINK;
	}
}

/* ---- the command tables ---- */

struct cmd {
	const char *word;
	int (*run)(int argc, char **argv);	/* argv[0]: the word */
	const struct cmd *sub;			/* or a table of verbs */
	const char *dflt;			/* verb when none is given */
};

static const struct cmd switch_cmds[] = {
	{ .word = "show", .run = switch_show },
	{ .word = "list", .run = switch_show },
	{ .word = "add", .run = switch_add },
	{ .word = "del", .run = switch_del },
	{ .word = "delete", .run = switch_del },
	{ .word = "set", .run = switch_set },
	{ .word = NULL },
};

static const struct cmd port_cmds[] = {
	{ .word = "show", .run = port_show },
	{ .word = "list", .run = port_show },
	{ .word = "add", .run = port_add },
	{ .word = "del", .run = port_del },
	{ .word = "delete", .run = port_del },
	{ .word = "attach", .run = port_attach },
	{ .word = "detach", .run = port_detach },
	{ .word = NULL },
};

static const struct cmd top_cmds[] = {
	{ .word = "switch", .sub = switch_cmds, .dflt = "show" },
	{ .word = "port", .sub = port_cmds, .dflt = "show" },
	{ .word = "monitor", .run = monitor },
	{ .word = "set", .run = switch_set },
	{ .word = "attach", .run = old_attach },
	{ .word = "detach", .run = old_detach },
	{ .word = NULL },
};

static int dispatch(const struct cmd *table, const char *what, int argc,
		    char **argv)
{
	const struct cmd *c;

	for (c = table; c->word; c++) {
		if (!matches(argv[0], c->word))
			continue;
		if (c->run)
			return c->run(argc, argv);
		if (argc < 2) {
			char *dflt[] = { (char *)c->dflt, NULL };

			return dispatch(c->sub, c->word, 1, dflt);
		}
		return dispatch(c->sub, c->word, argc - 1, argv + 1);
	}
	if (what) {
		fprintf(stderr, "%s: unknown %s command '%s'\nTry '%s --help'.\n",
			prog, what, argv[0], prog);
		exit(EX_USAGE);
	}
	die_usage("unknown command '%s'", argv[0]);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false;
	int c;

	while ((c = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return EX_OK;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return EX_USAGE;
	}
	out_init(stdout, json);
	return dispatch(top_cmds, NULL, argc, argv);
}
