// SPDX-License-Identifier: GPL-2.0
/*
 * vale-ctl: configure vale switches over the generic netlink family "vale"
 * (Documentation/control-plane.md, Documentation/man/vale-ctl.8).
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
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vale.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

enum { EX_OK, EX_REFUSED, EX_USAGE, EX_NETLINK };

static bool json;
static const char *prog = "vale-ctl";
static struct mnl_socket *nl;
static unsigned int seq;
static uint16_t family_id;
static uint32_t mcgrp_events;
static char errmsg[256];	/* extack text of the last error */
static int nitems;		/* objects printed (JSON separators) */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [-j|--json] COMMAND\n"
"  switch add NAME [restricted on|off] [lookup learning|p2p] [batch N]\n"
"  switch del NAME\n"
"  switch show [NAME]\n"
"  set NAME [restricted on|off] [lookup learning|p2p] [batch N]\n"
"  port add SWITCH:PORT [uid UID] [gid GID]\n"
"  port del SWITCH:PORT\n"
"  port show [SWITCH[:PORT]]\n"
"  attach SWITCH DEV\n"
"  detach DEV [SWITCH]\n"
"  monitor\n"
"Options: -j, --json  machine-readable output; -h, --help  this text\n",
		prog);
}

static int die_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	exit(EX_USAGE);
}

/* ---- netlink plumbing ---- */

static int err_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	size_t off;

	(void)data;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (e->error == 0)
		return MNL_CB_STOP;
	errmsg[0] = '\0';
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		/* the TLVs follow the request (or just its header) */
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		mnl_attr_for_each(a, nlh, off) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(errmsg, sizeof(errmsg), "%s",
					 mnl_attr_get_str(a));
		}
	}
	errno = -e->error;
	return MNL_CB_ERROR;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/* End of a dump: its payload is the dump's status (0 or -errno). */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	int err = 0;

	(void)data;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(err))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err < 0) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

/*
 * With a control array, libmnl calls only what it lists: NLMSG_DONE must
 * be here or a dump never ends.
 */
static mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = noop_cb,
	[NLMSG_ERROR] = err_cb,
	[NLMSG_DONE] = done_cb,
};

/* Send @nlh and run @cb on every answer; 0 or -errno (errmsg set). */
static int talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int ret;

	errmsg[0] = '\0';
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run2(buf, n, nlh->nlmsg_seq, portid, cb, data,
				  ctl_cb, NLMSG_MIN_TYPE);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

static struct nlmsghdr *put_genl(char *buf, uint16_t type, uint8_t cmd,
				 uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = type == GENL_ID_CTRL ? 1 : VALE_GENL_VERSION;
	return nlh;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a, *g, *x;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			family_id = mnl_attr_get_u16(a);
		if (mnl_attr_get_type(a) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		mnl_attr_for_each_nested(g, a) {
			const char *name = NULL;
			uint32_t id = 0;

			mnl_attr_for_each_nested(x, g) {
				if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_NAME)
					name = mnl_attr_get_str(x);
				if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_ID)
					id = mnl_attr_get_u32(x);
			}
			if (name && !strcmp(name, VALE_GENL_MCGRP_EVENTS))
				mcgrp_events = id;
		}
	}
	return MNL_CB_OK;
}

static void open_family(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int one = 1, err;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "%s: netlink: %s\n", prog, strerror(errno));
		exit(EX_NETLINK);
	}
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	nlh = put_genl(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, VALE_GENL_NAME);
	err = talk(nlh, family_cb, NULL);
	if (err || !family_id) {
		fprintf(stderr,
			"%s: no generic netlink family \"%s\" (is vale.ko loaded?): %s\n",
			prog, VALE_GENL_NAME, strerror(err ? -err : ENOENT));
		exit(EX_NETLINK);
	}
}

static int refused(const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s%s%s\n", prog, what, strerror(-err),
		errmsg[0] ? ": " : "", errmsg);
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

static void json_str(const char *key, const char *v, bool comma)
{
	const char *p;

	printf("\"%s\":\"", key);
	for (p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			putchar('\\');
		if ((unsigned char)*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	printf("\"%s", comma ? "," : "");
}

static const char *lookup_name(uint32_t m)
{
	return m == VALE_LOOKUP_P2P ? "p2p" : "learning";
}

static void print_switch(const struct attrs *t, const char *event)
{
	const char *name = t->a[VALE_A_SWITCH_NAME] ?
		mnl_attr_get_str(t->a[VALE_A_SWITCH_NAME]) : "?";
	unsigned int restricted = t->a[VALE_A_SWITCH_RESTRICTED] ?
		mnl_attr_get_u8(t->a[VALE_A_SWITCH_RESTRICTED]) : 0;
	unsigned int persistent = t->a[VALE_A_SWITCH_PERSISTENT] ?
		mnl_attr_get_u8(t->a[VALE_A_SWITCH_PERSISTENT]) : 0;
	uint32_t lookup = t->a[VALE_A_SWITCH_LOOKUP] ?
		mnl_attr_get_u32(t->a[VALE_A_SWITCH_LOOKUP]) : 0;
	uint32_t batch = t->a[VALE_A_SWITCH_BATCH] ?
		mnl_attr_get_u32(t->a[VALE_A_SWITCH_BATCH]) : 0;
	uint32_t nports = t->a[VALE_A_SWITCH_NPORTS] ?
		mnl_attr_get_u32(t->a[VALE_A_SWITCH_NPORTS]) : 0;

	if (json) {
		printf("%s{", nitems++ ? "," : "");
		if (event)
			json_str("event", event, true);
		json_str("name", name, true);
		printf("\"restricted\":%s,\"persistent\":%s,",
		       restricted ? "true" : "false",
		       persistent ? "true" : "false");
		json_str("lookup", lookup_name(lookup), true);
		printf("\"batch\":%u,\"ports\":%u}", batch, nports);
		if (event)
			printf("\n");
		return;
	}
	if (event)
		printf("%s ", event);
	else if (!nitems++)
		printf("%-20s %-10s %-10s %-9s %6s %6s\n", "SWITCH", "LOOKUP",
		       "RESTRICT", "PERSIST", "BATCH", "PORTS");
	printf("%-20s %-10s %-10s %-9s %6u %6u\n", name, lookup_name(lookup),
	       restricted ? "yes" : "no", persistent ? "yes" : "no", batch,
	       nports);
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
	const char *sw = t->a[VALE_A_PORT_SWITCH] ?
		mnl_attr_get_str(t->a[VALE_A_PORT_SWITCH]) : "?";
	const char *name = t->a[VALE_A_PORT_NAME] ?
		mnl_attr_get_str(t->a[VALE_A_PORT_NAME]) : "?";
	uint32_t kind = t->a[VALE_A_PORT_KIND] ?
		mnl_attr_get_u32(t->a[VALE_A_PORT_KIND]) : 0;
	const char *kname = kind == VALE_PORT_KIND_NETDEV ? "netdev" : "ring";
	bool admin = t->a[VALE_A_PORT_ADMIN] &&
		mnl_attr_get_u8(t->a[VALE_A_PORT_ADMIN]);
	bool open = t->a[VALE_A_PORT_OPEN] &&
		mnl_attr_get_u8(t->a[VALE_A_PORT_OPEN]);
	struct attrs st = { 0 };
	char idx[16] = "-", owner[40] = "-", ifi[16] = "-";
	unsigned int i;

	if (t->a[VALE_A_PORT_STATS])
		mnl_attr_parse_nested(t->a[VALE_A_PORT_STATS], parse_cb, &st);
	if (t->a[VALE_A_PORT_INDEX])
		snprintf(idx, sizeof(idx), "%u",
			 mnl_attr_get_u32(t->a[VALE_A_PORT_INDEX]));
	if (t->a[VALE_A_PORT_IFINDEX])
		snprintf(ifi, sizeof(ifi), "%u",
			 mnl_attr_get_u32(t->a[VALE_A_PORT_IFINDEX]));
	if (t->a[VALE_A_PORT_UID] || t->a[VALE_A_PORT_GID]) {
		char u[16] = "", g[16] = "";

		if (t->a[VALE_A_PORT_UID])
			snprintf(u, sizeof(u), "%u",
				 mnl_attr_get_u32(t->a[VALE_A_PORT_UID]));
		if (t->a[VALE_A_PORT_GID])
			snprintf(g, sizeof(g), "%u",
				 mnl_attr_get_u32(t->a[VALE_A_PORT_GID]));
		snprintf(owner, sizeof(owner), "%s:%s", u, g);
	}

	if (json) {
		printf("%s{", nitems++ ? "," : "");
		if (event)
			json_str("event", event, true);
		json_str("switch", sw, true);
		json_str("name", name, true);
		json_str("kind", kname, true);
		printf("\"admin\":%s,\"open\":%s", admin ? "true" : "false",
		       open ? "true" : "false");
		if (t->a[VALE_A_PORT_INDEX])
			printf(",\"index\":%s", idx);
		if (t->a[VALE_A_PORT_UID])
			printf(",\"uid\":%u",
			       mnl_attr_get_u32(t->a[VALE_A_PORT_UID]));
		if (t->a[VALE_A_PORT_GID])
			printf(",\"gid\":%u",
			       mnl_attr_get_u32(t->a[VALE_A_PORT_GID]));
		if (t->a[VALE_A_PORT_IFINDEX])
			printf(",\"ifindex\":%s", ifi);
		if (t->a[VALE_A_PORT_STATS]) {
			bool first = true;

			printf(",\"stats\":{");
			for (i = 0; i < sizeof(stat_names) / sizeof(*stat_names); i++) {
				if (!stat_names[i])
					continue;
				printf("%s\"%s\":%" PRIu64, first ? "" : ",",
				       stat_names[i], u64_of(st.a[i]));
				first = false;
			}
			printf("}");
		}
		printf("}");
		if (event)
			printf("\n");
		return;
	}
	if (event)
		printf("%s ", event);
	else if (!nitems++)
		printf("%-28s %-6s %5s %-5s %-4s %-11s %7s %12s %12s %8s\n",
		       "PORT", "KIND", "INDEX", "ADMIN", "OPEN", "OWNER", "IFINDEX",
		       "TX_PKTS", "RX_PKTS", "DROPS");
	{
		char full[160];
		uint64_t drops = 0;

		for (i = VALE_A_STATS_DROP_BAD_SLOT; i <= VALE_A_STATS_MAX; i++)
			drops += u64_of(st.a[i]);
		snprintf(full, sizeof(full), "%s:%s", sw, name);
		printf("%-28s %-6s %5s %-5s %-4s %-11s %7s %12" PRIu64 " %12" PRIu64
		       " %8" PRIu64 "\n", full, kname, idx, admin ? "yes" : "no",
		       open ? "yes" : "no", owner, ifi,
		       u64_of(st.a[VALE_A_STATS_TX_PACKETS]),
		       u64_of(st.a[VALE_A_STATS_RX_PACKETS]), drops);
	}
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

/* ---- argument helpers ---- */

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
static int put_switch_opts(struct nlmsghdr *nlh, int argc, char **argv)
{
	int i, n = 0;

	for (i = 0; i < argc; i += 2, n++) {
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
	return n;
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

/* Run a request; for dumps and gets print what comes back. */
static int run(struct nlmsghdr *nlh, const char *what, bool show)
{
	int err;

	if (show && json)
		printf("[");
	err = talk(nlh, show ? show_cb : noop_cb, NULL);
	if (show && json)
		printf("]\n");
	if (err)
		return refused(what, err);
	return EX_OK;
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
	if (nlh->nlmsg_type != family_id || g->cmd > VALE_CMD_MAX ||
	    !names[g->cmd])
		return MNL_CB_OK;
	ev = names[g->cmd];
	mnl_attr_parse(nlh, sizeof(*g), parse_cb, &t);
	if (g->cmd <= VALE_CMD_SWITCH_CHANGE_NTF)
		print_switch(&t, ev);
	else
		print_port(&t, ev);
	nitems = 0;
	fflush(stdout);
	return MNL_CB_OK;
}

static int monitor(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;

	if (!mcgrp_events) {
		fprintf(stderr, "%s: the family has no \"%s\" group\n", prog,
			VALE_GENL_MCGRP_EVENTS);
		return EX_NETLINK;
	}
	if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &mcgrp_events,
				  sizeof(mcgrp_events)) < 0) {
		fprintf(stderr, "%s: join events: %s\n", prog, strerror(errno));
		return EX_NETLINK;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == ENOBUFS) {
				fprintf(stderr, "%s: events lost\n", prog);
				continue;
			}
			fprintf(stderr, "%s: %s\n", prog, strerror(errno));
			return EX_NETLINK;
		}
		if (mnl_cb_run(buf, n, 0, 0, event_cb, NULL) < 0)
			return EX_NETLINK;
	}
}

/* ---- main ---- */

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	const char *obj, *verb;
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
	obj = argv[0];
	verb = argc > 1 ? argv[1] : "show";

	if (!strcmp(obj, "switch")) {
		if (!strcmp(verb, "add") || !strcmp(verb, "del")) {
			bool add = !strcmp(verb, "add");

			if (argc < 3)
				die_usage("switch %s needs a NAME", verb);
			if (!add && argc > 3)
				die_usage("unexpected '%s'", argv[3]);
			open_family();
			nlh = put_genl(buf, family_id, add ? VALE_CMD_SWITCH_NEW :
				       VALE_CMD_SWITCH_DEL, NLM_F_ACK);
			mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, argv[2]);
			if (add)
				put_switch_opts(nlh, argc - 3, argv + 3);
			return run(nlh, add ? "switch add" : "switch del", false);
		}
		if (!strcmp(verb, "show")) {
			if (argc > 3)
				die_usage("unexpected '%s'", argv[3]);
			open_family();
			nlh = put_genl(buf, family_id, VALE_CMD_SWITCH_GET,
				       NLM_F_ACK | (argc > 2 ? 0 : NLM_F_DUMP));
			if (argc > 2)
				mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, argv[2]);
			return run(nlh, "switch show", true);
		}
		die_usage("unknown switch command '%s'", verb);
	}
	if (!strcmp(obj, "set")) {
		if (argc < 3)
			die_usage("%s", "set needs a NAME and at least one option");
		open_family();
		nlh = put_genl(buf, family_id, VALE_CMD_SWITCH_SET, NLM_F_ACK);
		mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, argv[1]);
		put_switch_opts(nlh, argc - 2, argv + 2);
		return run(nlh, "set", false);
	}
	if (!strcmp(obj, "port")) {
		if (!strcmp(verb, "add") || !strcmp(verb, "del")) {
			bool add = !strcmp(verb, "add");
			int i;

			if (argc < 3)
				die_usage("port %s needs SWITCH:PORT", verb);
			open_family();
			nlh = put_genl(buf, family_id, add ? VALE_CMD_PORT_NEW :
				       VALE_CMD_PORT_DEL, NLM_F_ACK);
			put_port_name(nlh, argv[2], true);
			for (i = 3; add && i < argc; i += 2) {
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
			if (!add && argc > 3)
				die_usage("unexpected '%s'", argv[3]);
			return run(nlh, add ? "port add" : "port del", false);
		}
		if (!strcmp(verb, "show")) {
			bool one = argc > 2 && strchr(argv[2], ':');

			if (argc > 3)
				die_usage("unexpected '%s'", argv[3]);
			open_family();
			nlh = put_genl(buf, family_id, VALE_CMD_PORT_GET,
				       NLM_F_ACK | (one ? 0 : NLM_F_DUMP));
			if (argc > 2)
				put_port_name(nlh, argv[2], false);
			return run(nlh, "port show", true);
		}
		die_usage("unknown port command '%s'", verb);
	}
	if (!strcmp(obj, "attach")) {
		if (argc != 3)
			die_usage("%s", "attach needs SWITCH and DEV");
		open_family();
		nlh = put_genl(buf, family_id, VALE_CMD_NETDEV_ATTACH, NLM_F_ACK);
		mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, argv[1]);
		put_dev(nlh, argv[2]);
		return run(nlh, "attach", false);
	}
	if (!strcmp(obj, "detach")) {
		if (argc < 2 || argc > 3)
			die_usage("%s", "detach needs DEV [SWITCH]");
		open_family();
		nlh = put_genl(buf, family_id, VALE_CMD_NETDEV_DETACH, NLM_F_ACK);
		put_dev(nlh, argv[1]);
		if (argc > 2)
			mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, argv[2]);
		return run(nlh, "detach", false);
	}
	if (!strcmp(obj, "monitor")) {
		if (argc > 1)
			die_usage("unexpected '%s'", argv[1]);
		open_family();
		return monitor();
	}
	die_usage("unknown command '%s'", obj);
	return EX_USAGE;
}
