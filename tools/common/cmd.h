/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line of the vale tools with verbs (vale-ctl, vale-net):
 * options through cmd_getopt(), which answers -h/--help and a bad option
 * itself, then a table of words matched by prefix as ip(8) does
 * ("vale-ctl sw sh" is "switch show").  The first row a word is a prefix
 * of wins, so a table lists its rows in the order of how often they are
 * meant.  A row runs a command or leads to a table of verbs, with a
 * default verb for when none follows.
 *
 * Usage errors print "PROG: WHAT" and "Try 'PROG --help'." on stderr and
 * exit with CMD_EX_USAGE, the usage status of every vale tool.
 */
#ifndef VALE_TOOLS_CMD_H
#define VALE_TOOLS_CMD_H

#include <stdbool.h>
#include <stdio.h>
#include <getopt.h>

#define CMD_EX_USAGE	2

struct cmd {
	const char *word;
	int (*run)(int argc, char **argv);	/* argv[0]: the word */
	const struct cmd *sub;			/* or a table of verbs */
	const char *dflt;			/* verb when none is given */
	/*
	 * With run: the operands it takes, exactly ("FILE"; "" for none),
	 * checked before it runs; NULL: run checks its own.
	 */
	const char *args;
};

struct cmd_tool {
	const char *prog;
	void (*usage)(FILE *f);		/* the --help text */
	const struct cmd *cmds;		/* the first word's table */
};

/* @arg is a non-empty prefix of @word. */
bool cmd_matches(const char *arg, const char *word);

/* The first row of @table (ending with a NULL word) @arg is a prefix of. */
const struct cmd *cmd_find(const struct cmd *table, const char *arg);

void __attribute__((noreturn, format(printf, 2, 3)))
cmd_usage_error(const char *prog, const char *fmt, ...);

/*
 * getopt_long() for @t (@shortopts with 'h', @longopts with "help" as
 * 'h'): prints the usage and exits on -h (to stdout, status 0) and on a
 * bad option (to stderr, CMD_EX_USAGE); returns the other options and -1.
 */
int cmd_getopt(const struct cmd_tool *t, int argc, char **argv,
	       const char *shortopts, const struct option *longopts);

/*
 * Run the command argv[0..] (the words after the options) names:
 * its status.  No word prints the usage (CMD_EX_USAGE); an unknown word
 * or the wrong operands are usage errors.
 */
int cmd_dispatch(const struct cmd_tool *t, int argc, char **argv);

#endif /* VALE_TOOLS_CMD_H */
