/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale-ctl: what its files share.  main.c holds the command tables and
 * the option parsing, common.c the netlink and argument helpers, and one
 * file per object its commands and its printing: switch.c, port.c,
 * rule.c (steering rules and pairs), monitor.c (events).
 *
 * Commands are tables of words (tools/common/cmd.h), matched by prefix as
 * ip(8) does ("vale-ctl sw sh" is "switch show"); the first row a word is
 * a prefix of wins, so the rows are in the order of how often they are
 * meant.  Options are keyword/value pairs.  Output goes through tools/common/out.h: each value
 * is described once for the text table and the JSON object.
 */
#ifndef VALE_CTL_H
#define VALE_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "cmd.h"
#include "out.h"
#include "vnl.h"

/*
 * Exit codes: 0 success; 1 the kernel refused (its errno and extack
 * message are printed); 2 bad usage; 3 the family is not there (vale.ko
 * not loaded) or netlink failed.
 */
enum { EX_OK, EX_REFUSED, EX_USAGE = CMD_EX_USAGE, EX_NETLINK };

extern const char *prog;
extern struct vnl vnl;
extern int nitems;		/* objects printed (text header) */
extern char buf[8192];		/* a request; MNL_SOCKET_BUFFER_SIZE at most */

/* A message's attributes by type, and the message (for repeated ones). */
struct attrs {
	const struct nlattr *a[64];
	const struct nlmsghdr *nlh;
};

/* A usage error: the message, "Try 'vale-ctl --help'.", exit 2. */
#define die_usage(...) cmd_usage_error(prog, __VA_ARGS__)
void open_family(void);
int refused(const char *what, int err);
int parse_cb(const struct nlattr *a, void *data);
uint64_t u64_of(const struct nlattr *a);
uint16_t u16_of(const struct nlattr *a);
uint32_t u32_of(const struct nlattr *a);
bool u8_of(const struct nlattr *a);
const char *str_of(const struct nlattr *a);
void record_begin(const char *event);
void record_end(const char *event);
int run(struct nlmsghdr *nlh, const char *what, bool show);
uint32_t parse_u32(const char *s, const char *what);
void no_more(int argc, char **argv, int used);

/* Printing, one object of a reply or an event (@event: its name, or NULL). */
void print_switch(const struct attrs *t, const char *event);
void print_port(const struct attrs *t, const char *event);
void print_rule(const struct attrs *t, const char *event);
void print_pair_fields(const struct attrs *t);
void print_pair(const struct attrs *t, const char *event);

extern const struct cmd switch_cmds[];
extern const struct cmd port_cmds[];
extern const struct cmd rule_cmds[];

/* Commands that no table of an object holds. */
int switch_set(int argc, char **argv);
int old_attach(int argc, char **argv);
int old_detach(int argc, char **argv);
int monitor(int argc, char **argv);

#endif /* VALE_CTL_H */
