/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink for the VM tests of the "vale" family: the names the
 * tests use (nl, fam, errmsg, erroff, errmiss, msg(), talk(), open_nl(),
 * ok_cb()) over the one libmnl plumbing, tools/common/vnl.c, that vale-ctl
 * uses too.  One socket with extended ACKs, the family id, requests with
 * NLM_F_ACK, and talk(), which sends a request and runs a callback on
 * every answer until the ACK or the end of a dump, leaving the kernel's
 * extack text in errmsg, the offset of the attribute it names in erroff
 * and the type of a missing attribute it reports in errmiss (-1 when
 * absent).  nl_mcast_group() asks for a multicast group's id;
 * nl_switch_req() sends a switch request with the usual attributes,
 * nl_port_req() a port request, nl_attach() and nl_detach() the netdev
 * requests.
 *
 * Include after <libmnl/libmnl.h>, <linux/genetlink.h> and
 * <linux/vale.h>; each test is one translation unit, linked with vnl.o
 * (selftests/build.mk).
 */
#ifndef _VALE_SELFTEST_NL_TEST_H
#define _VALE_SELFTEST_NL_TEST_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vnl.h"

static struct vnl nlt;		/* the connection behind the names below */
static struct mnl_socket *nl;	/* nlt's socket (a test may close it) */
static uint16_t fam;		/* the family's id */
static unsigned int seq;	/* the last request's sequence number */
static char errmsg[256];
static int erroff = -1;	/* NLMSGERR_ATTR_OFFS: bytes from the request's start */
static int errmiss = -1;	/* NLMSGERR_ATTR_MISS_TYPE */

static inline int ok_cb(const struct nlmsghdr *nlh, void *data)
{
	return vnl_ok_cb(nlh, data);
}

/* A request of @type (fam or GENL_ID_CTRL), always with NLM_F_ACK. */
static inline struct nlmsghdr *msg(char *buf, uint16_t type, uint8_t cmd,
				   uint16_t flags)
{
	struct nlmsghdr *nlh;

	nlt.seq = seq;
	nlh = vnl_put_genl(&nlt, buf, type, cmd, NLM_F_ACK | flags);
	seq = nlt.seq;
	return nlh;
}

/* Send, read the answer (0 or -errno; a socket error counts too). */
static inline int talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	int ret;

	nlt.sock = nl;
	ret = vnl_talk(&nlt, nlh, cb, data);
	snprintf(errmsg, sizeof(errmsg), "%s", nlt.errmsg);
	erroff = nlt.erroff;
	errmiss = nlt.errmiss;
	return ret;
}

/* 0, -ENOENT without the family (vale.ko not loaded), or -errno. */
static inline int open_nl(void)
{
	int ret = vnl_open(&nlt);

	nl = nlt.sock;
	fam = nlt.family;
	return ret;
}

/* The id of the family's multicast group @name, asked for now. */
static inline int nl_mcast_group(const char *name, uint32_t *id)
{
	int ret;

	nlt.sock = nl;
	ret = vnl_mcast_group(&nlt, name, id);
	snprintf(errmsg, sizeof(errmsg), "%s", nlt.errmsg);
	return ret;
}

/*
 * Switch request @cmd on switch @name with the attributes that are >= 0:
 * restricted (u8), lookup and batch (u32).  0 or -errno.
 */
static inline int nl_switch_req(uint8_t cmd, const char *name, int restricted,
				int lookup, int batch)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, cmd, 0);

	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, name);
	if (restricted >= 0)
		mnl_attr_put_u8(nlh, VALE_A_SWITCH_RESTRICTED, restricted);
	if (lookup >= 0)
		mnl_attr_put_u32(nlh, VALE_A_SWITCH_LOOKUP, lookup);
	if (batch >= 0)
		mnl_attr_put_u32(nlh, VALE_A_SWITCH_BATCH, batch);
	return talk(nlh, ok_cb, NULL);
}

/* Port request @cmd on port @port of switch @sw.  0 or -errno. */
static inline int nl_port_req(uint8_t cmd, const char *sw, const char *port)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, cmd, 0);

	mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, sw);
	mnl_attr_put_strz(nlh, VALE_A_PORT_NAME, port);
	return talk(nlh, ok_cb, NULL);
}

/* netdev-attach of device @ifname to switch @sw.  0 or -errno. */
static inline int nl_attach(const char *sw, const char *ifname)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, VALE_CMD_NETDEV_ATTACH, 0);

	mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, sw);
	mnl_attr_put_strz(nlh, VALE_A_PORT_IFNAME, ifname);
	return talk(nlh, ok_cb, NULL);
}

/* netdev-detach of device @ifname.  0 or -errno. */
static inline int nl_detach(const char *ifname)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, VALE_CMD_NETDEV_DETACH, 0);

	mnl_attr_put_strz(nlh, VALE_A_PORT_IFNAME, ifname);
	return talk(nlh, ok_cb, NULL);
}

#endif /* _VALE_SELFTEST_NL_TEST_H */
