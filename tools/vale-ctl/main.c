// SPDX-License-Identifier: GPL-2.0
/*
 * vale-ctl: configure vale switches over the generic netlink family "vale"
 * (Documentation/control-plane.md, Documentation/man/vale-ctl.8).  This
 * file: usage, the top-level command table, dispatch and options; ctl.h
 * says which file holds the rest.
 */
#include <getopt.h>
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

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [-j|--json] OBJECT COMMAND [ARGS]\n"
"  switch add NAME [restricted on|off] [lookup learning|p2p|rules] [batch N]\n"
"  switch del NAME\n"
"  switch show [NAME]\n"
"  switch set NAME [restricted on|off] [lookup learning|p2p|rules] [batch N]\n"
"  port add SWITCH:PORT [uid UID] [gid GID]\n"
"  port del SWITCH:PORT\n"
"  port show [SWITCH[:PORT]]\n"
"  port attach dev DEV switch SWITCH\n"
"  port detach dev DEV [switch SWITCH]\n"
"  rule add|set SWITCH id N [prio P] [in PORT] [dst MAC] [vid V|untagged]\n"
"        [type ETHERTYPE] action output PORT|flood|drop|learn\n"
"  rule del SWITCH id N\n"
"  rule show [SWITCH [id N]]\n"
"  rule flush SWITCH\n"
"  monitor\n"
"Words may be shortened to any prefix (vale-ctl sw sh).  Older spellings\n"
"still work: set NAME ..., attach SWITCH DEV, detach DEV [SWITCH].\n"
"Options: -j, --json  machine-readable output; -h, --help  this text\n",
		prog);
}

static const struct cmd top_cmds[] = {
	{ .word = "switch", .sub = switch_cmds, .dflt = "show" },
	{ .word = "port", .sub = port_cmds, .dflt = "show" },
	{ .word = "rule", .sub = rule_cmds, .dflt = "show" },
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
