// SPDX-License-Identifier: GPL-2.0
/*
 * vale-ctl monitor: print the family's events as they come.
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
		[VALE_CMD_P2P_UP_NTF] = "p2p-up",
		[VALE_CMD_P2P_DOWN_NTF] = "p2p-down",
	};
	struct attrs t = { 0 };
	const char *ev;

	(void)data;
	if (nlh->nlmsg_type != vnl.family || g->cmd > VALE_CMD_MAX ||
	    g->cmd >= sizeof(names) / sizeof(names[0]) || !names[g->cmd])
		return MNL_CB_OK;
	ev = names[g->cmd];
	t.nlh = nlh;
	mnl_attr_parse(nlh, sizeof(*g), parse_cb, &t);
	if (g->cmd <= VALE_CMD_SWITCH_CHANGE_NTF)
		print_switch(&t, ev);
	else if (g->cmd >= VALE_CMD_P2P_UP_NTF)
		print_pair(&t, ev);
	else
		print_port(&t, ev);
	fflush(stdout);
	return MNL_CB_OK;
}

int monitor(int argc, char **argv)
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

