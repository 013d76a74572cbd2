// SPDX-License-Identifier: GPL-2.0
/*
 * Tier 0: the command tables of tools/common/cmd.c.  Prefixes match, the
 * empty word never does, and the first row wins; a table of verbs runs
 * its default verb when none follows; a command gets its own word as
 * argv[0]; operand counts are checked for rows that give them; unknown
 * words, wrong operand counts and bad options are usage errors (status
 * 2, the message and "Try 'PROG --help'." on stderr) and run nothing;
 * -h prints the usage on stdout and exits 0.  The cases that exit run in
 * a child whose stdout and stderr are read back.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "cmd.h"
#include "kselftest_harness.h"

static char ran[128];		/* what the last command saw */

static int record(int argc, char **argv)
{
	int i, n = 0;

	ran[0] = '\0';
	for (i = 0; i < argc; i++)
		n += snprintf(ran + n, sizeof(ran) - n, "%s%s", i ? " " : "",
			      argv[i]);
	return 40 + argc;
}

static const struct cmd verbs[] = {
	{ .word = "show", .run = record },
	{ .word = "set", .run = record },
	{ .word = "del", .run = record },
	{ .word = "delete", .run = record },
	{ .word = NULL },
};

static const struct cmd top[] = {
	{ .word = "switch", .sub = verbs, .dflt = "show" },
	{ .word = "set", .run = record },
	{ .word = "check", .run = record, .args = "FILE" },
	{ .word = "show", .run = record, .args = "" },
	{ .word = "pair", .run = record, .args = "A B" },
	{ .word = "bare", .sub = verbs },
	{ .word = NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: t WORDS\n");
}

static const struct cmd_tool tool = { "t", usage, top };

static int run_line(char *words)
{
	char *argv[8];
	int argc = 0;

	for (char *w = strtok(words, " "); w && argc < 7; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	ran[0] = '\0';
	return cmd_dispatch(&tool, argc, argv);
}

/* run_line() of @line, or getopt of "-x" options when @opts, in a child. */
static int child(const char *line, bool opts, char *out, size_t len)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int fd[2], st, c;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(fd))
		return -1;
	pid = fork();
	if (pid == 0) {
		char words[128], *argv[8] = { "t" };
		int argc = 1;

		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[0]);
		snprintf(words, sizeof(words), "%s", line);
		if (!opts)
			exit(run_line(words));
		for (char *w = strtok(words, " "); w && argc < 7;
		     w = strtok(NULL, " "))
			argv[argc++] = w;
		argv[argc] = NULL;
		optind = 0;
		opterr = 1;
		while ((c = cmd_getopt(&tool, argc, argv, "+jh", lo)) != -1)
			printf("opt %c\n", c);
		printf("operands from %d\n", optind);
		exit(0);
	}
	close(fd[1]);
	while (got < (ssize_t)len - 1 &&
	       (n = read(fd[0], out + got, len - 1 - got)) > 0)
		got += n;
	out[got] = '\0';
	close(fd[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(matches)
{
	EXPECT_TRUE(cmd_matches("s", "switch"));
	EXPECT_TRUE(cmd_matches("switch", "switch"));
	EXPECT_FALSE(cmd_matches("switches", "switch"));
	EXPECT_FALSE(cmd_matches("", "switch"));
	EXPECT_FALSE(cmd_matches("x", "switch"));
}

TEST(first_row_wins)
{
	EXPECT_STREQ("switch", cmd_find(top, "s")->word);
	EXPECT_STREQ("switch", cmd_find(top, "sw")->word);
	EXPECT_STREQ("set", cmd_find(top, "se")->word);
	EXPECT_STREQ("show", cmd_find(top, "sh")->word);
	EXPECT_STREQ("del", cmd_find(verbs, "d")->word);
	EXPECT_STREQ("delete", cmd_find(verbs, "dele")->word);
	EXPECT_EQ(NULL, cmd_find(top, "x"));
	EXPECT_EQ(NULL, cmd_find(top, ""));
}

TEST(dispatch_words)
{
	char line[64];

	snprintf(line, sizeof(line), "sw se a b");
	EXPECT_EQ(43, run_line(line));
	EXPECT_STREQ("se a b", ran);	/* the verb as the user wrote it */
	snprintf(line, sizeof(line), "s");
	EXPECT_EQ(41, run_line(line));	/* the default verb */
	EXPECT_STREQ("show", ran);
	snprintf(line, sizeof(line), "se x");
	EXPECT_EQ(42, run_line(line));
	EXPECT_STREQ("se x", ran);
	snprintf(line, sizeof(line), "ch f.yaml");
	EXPECT_EQ(42, run_line(line));
	snprintf(line, sizeof(line), "sh");
	EXPECT_EQ(41, run_line(line));
	snprintf(line, sizeof(line), "p a b");
	EXPECT_EQ(43, run_line(line));
}

TEST(usage_errors)
{
	static const struct {
		const char *line, *msg;
	} t[] = {
		{ "frob", "t: unknown command 'frob'\nTry 't --help'.\n" },
		{ "switch frob", "t: unknown switch command 'frob'\nTry 't --help'.\n" },
		{ "check", "t: usage: t check FILE\nTry 't --help'.\n" },
		{ "check a b", "t: usage: t check FILE\nTry 't --help'.\n" },
		{ "show x", "t: usage: t show\nTry 't --help'.\n" },
		{ "pair a", "t: usage: t pair A B\nTry 't --help'.\n" },
		{ "bare", "t: bare needs a command\nTry 't --help'.\n" },
		{ "", "Usage: t WORDS\n" },
	};
	char out[256];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		EXPECT_EQ(CMD_EX_USAGE, child(t[i].line, false, out, sizeof(out)));
		EXPECT_STREQ(t[i].msg, out);
	}
}

TEST(options)
{
	char out[256];

	EXPECT_EQ(0, child("-j -j sw", true, out, sizeof(out)));
	EXPECT_STREQ("opt j\nopt j\noperands from 3\n", out);
	/* "+": options end at the first word */
	EXPECT_EQ(0, child("sw -j", true, out, sizeof(out)));
	EXPECT_STREQ("operands from 1\n", out);
	EXPECT_EQ(0, child("-j --help sw", true, out, sizeof(out)));
	EXPECT_STREQ("opt j\nUsage: t WORDS\n", out);
	EXPECT_EQ(CMD_EX_USAGE, child("-x sw", true, out, sizeof(out)));
	EXPECT_STREQ("t: invalid option -- 'x'\nUsage: t WORDS\n", out);
	EXPECT_EQ(CMD_EX_USAGE, child("--bogus", true, out, sizeof(out)));
	EXPECT_STREQ("t: unrecognized option '--bogus'\nUsage: t WORDS\n", out);
}

TEST_HARNESS_MAIN
