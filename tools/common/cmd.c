// SPDX-License-Identifier: GPL-2.0
/*
 * The command tables of cmd.h: prefix matching, dispatch through tables
 * of verbs, operand counts, and the tools' usage errors.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

bool cmd_matches(const char *arg, const char *word)
{
	size_t n = strlen(arg);

	return n && !strncmp(arg, word, n);
}

const struct cmd *cmd_find(const struct cmd *table, const char *arg)
{
	const struct cmd *c;

	for (c = table; c->word; c++)
		if (cmd_matches(arg, c->word))
			return c;
	return NULL;
}

void cmd_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	exit(CMD_EX_USAGE);
}

int cmd_getopt(const struct cmd_tool *t, int argc, char **argv,
	       const char *shortopts, const struct option *longopts)
{
	int c = getopt_long(argc, argv, shortopts, longopts, NULL);

	if (c == 'h') {
		t->usage(stdout);
		exit(0);
	}
	if (c == '?' || c == ':') {
		t->usage(stderr);
		exit(CMD_EX_USAGE);
	}
	return c;
}

/* How many words @args names. */
static int nwords(const char *args)
{
	int n = 0;

	for (; *args; args++)
		if (*args != ' ' && (args[1] == ' ' || !args[1]))
			n++;
	return n;
}

/* argv[0] in @table; @path: the word that led there ("" at the top). */
static int dispatch(const struct cmd_tool *t, const struct cmd *table,
		    const char *path, int argc, char **argv)
{
	const struct cmd *c = cmd_find(table, argv[0]);
	char *dflt[2];

	if (!c)
		cmd_usage_error(t->prog, "unknown %s%scommand '%s'", path,
				*path ? " " : "", argv[0]);
	if (c->run) {
		if (c->args && argc - 1 != nwords(c->args))
			cmd_usage_error(t->prog, "usage: %s %s%s%s%s%s", t->prog,
					path, *path ? " " : "", c->word,
					*c->args ? " " : "", c->args);
		return c->run(argc, argv);
	}
	if (argc > 1)
		return dispatch(t, c->sub, c->word, argc - 1, argv + 1);
	if (!c->dflt)
		cmd_usage_error(t->prog, "%s needs a command", c->word);
	dflt[0] = (char *)c->dflt;
	dflt[1] = NULL;
	return dispatch(t, c->sub, c->word, 1, dflt);
}

int cmd_dispatch(const struct cmd_tool *t, int argc, char **argv)
{
	if (argc < 1) {
		t->usage(stderr);
		return CMD_EX_USAGE;
	}
	return dispatch(t, t->cmds, "", argc, argv);
}
