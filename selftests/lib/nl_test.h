/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink plumbing for the VM tests of the "vale" family (libmnl):
 * one socket with extended ACKs, the family id, requests with NLM_F_ACK,
 * and talk(), which sends a request and runs a callback on every answer
 * until the ACK or the end of a dump, leaving the kernel's extack text in
 * errmsg, the offset of the attribute it names in erroff and the type of
 * a missing attribute it reports in errmiss (-1 when absent).  Include
 * after <libmnl/libmnl.h>, <linux/genetlink.h> and <linux/vale.h>; each
 * test is one translation unit.
 */
#ifndef _VALE_SELFTEST_NL_TEST_H
#define _VALE_SELFTEST_NL_TEST_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NLMSGERR_ATTR_MISS_TYPE
#define NLMSGERR_ATTR_MISS_TYPE 5
#endif

static struct mnl_socket *nl;
static uint16_t fam;
static unsigned int seq;
static char errmsg[256];
static int erroff = -1;	/* NLMSGERR_ATTR_OFFS: bytes from the request's start */
static int errmiss = -1;	/* NLMSGERR_ATTR_MISS_TYPE */

static inline int err_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	size_t off = sizeof(*e);

	(void)data;
	if (e->error == 0)
		return MNL_CB_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_for_each(a, nlh, off)
			switch (mnl_attr_get_type(a)) {
			case NLMSGERR_ATTR_MSG:
				snprintf(errmsg, sizeof(errmsg), "%s",
					 mnl_attr_get_str(a));
				break;
			case NLMSGERR_ATTR_OFFS:
				erroff = (int)mnl_attr_get_u32(a);
				break;
			case NLMSGERR_ATTR_MISS_TYPE:
				errmiss = (int)mnl_attr_get_u32(a);
				break;
			}
	errno = -e->error;
	return MNL_CB_ERROR;
}

static inline int ok_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/* End of a dump: its payload is the dump's status (0 or -errno). */
static inline int done_cb(const struct nlmsghdr *nlh, void *data)
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

/* libmnl calls only what a control array lists: DONE ends a dump. */
static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = err_cb,
	[NLMSG_DONE] = done_cb,
};

static inline struct nlmsghdr *msg(char *buf, uint16_t type, uint8_t cmd,
					   uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = 1;
	return nlh;
}

/* Send, read the answer (0 or -errno; a socket error counts too). */
static inline int talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	static char buf[1 << 16];
	int n, ret;

	errmsg[0] = '\0';
	erroff = -1;
	errmiss = -1;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run2(buf, n, nlh->nlmsg_seq,
				  mnl_socket_get_portid(nl), cb, data, ctl,
				  NLMSG_MIN_TYPE);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

static inline int fam_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			fam = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static inline int open_nl(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int one = 1;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID))
		return -errno;
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	nlh = msg(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, VALE_GENL_NAME);
	return talk(nlh, fam_cb, NULL);
}

#endif /* _VALE_SELFTEST_NL_TEST_H */
