// SPDX-License-Identifier: GPL-2.0
/*
 * vale-ctl: the netlink and argument helpers every command uses.
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

const char *prog = "vale-ctl";
struct vnl vnl;
int nitems;
char buf[8192];

void open_family(void)
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

int refused(const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s%s%s\n", prog, what, strerror(-err),
		vnl.errmsg[0] ? ": " : "", vnl.errmsg);
	return EX_REFUSED;
}

int parse_cb(const struct nlattr *a, void *data)
{
	struct attrs *t = data;
	unsigned int type = mnl_attr_get_type(a);

	if (type < 64)
		t->a[type] = a;
	return MNL_CB_OK;
}

uint64_t u64_of(const struct nlattr *a)
{
	return a ? mnl_attr_get_u64(a) : 0;
}

uint16_t u16_of(const struct nlattr *a)
{
	return a ? mnl_attr_get_u16(a) : 0;
}

uint32_t u32_of(const struct nlattr *a)
{
	return a ? mnl_attr_get_u32(a) : 0;
}

bool u8_of(const struct nlattr *a)
{
	return a && mnl_attr_get_u8(a);
}

const char *str_of(const struct nlattr *a)
{
	return a ? mnl_attr_get_str(a) : "?";
}

/* One record: an object in JSON (a line of its own for an event). */
void record_begin(const char *event)
{
	out_open_object(NULL);
	if (event)
		out_string(OUT_ANY, "event", "%s ", event);
}

void record_end(const char *event)
{
	out_close_object();
	if (!out_is_json() || event)
		out_newline();
}

static int show_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct attrs t = { 0 };

	(void)data;
	t.nlh = nlh;
	mnl_attr_parse(nlh, sizeof(*g), parse_cb, &t);
	if (g->cmd == VALE_CMD_SWITCH_GET)
		print_switch(&t, NULL);
	else if (g->cmd == VALE_CMD_RULE_GET)
		print_rule(&t, NULL);
	else
		print_port(&t, NULL);
	return MNL_CB_OK;
}

/* Run a request; for dumps and gets print what comes back. */
int run(struct nlmsghdr *nlh, const char *what, bool show)
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

uint32_t parse_u32(const char *s, const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *s == '\0' || *end || *s == '-' || v > UINT32_MAX)
		die_usage("bad %s", what);
	return v;
}

void no_more(int argc, char **argv, int used)
{
	if (argc > used)
		die_usage("unexpected '%s'", argv[used]);
}
