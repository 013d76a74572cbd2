// SPDX-License-Identifier: GPL-2.0
/*
 * vale-ctl: configure vale switches over the generic netlink family "vale"
 * (Documentation/control-plane.md, Documentation/man/vale-ctl.8).  This
 * file: usage, the top-level command table and options (dispatch is
 * tools/common/cmd.c); ctl.h says which file holds the rest.
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

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_tool tool = { prog, usage, top_cmds };
	bool json = false;

	while (cmd_getopt(&tool, argc, argv, "+jh", opts) == 'j')
		json = true;
	out_init(stdout, json);
	return cmd_dispatch(&tool, argc - optind, argv + optind);
}
