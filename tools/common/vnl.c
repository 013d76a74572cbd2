// SPDX-License-Identifier: GPL-2.0
/*
 * The libmnl plumbing of vnl.h.  Error ACKs are decoded here once: errno
 * from the ACK, the extack message (NLMSGERR_ATTR_MSG, a NUL-terminated
 * string, checked as such) into errmsg, the offset of the attribute it
 * blames (NLMSGERR_ATTR_OFFS) into erroff, the type of a missing one
 * (NLMSGERR_ATTR_MISS_TYPE) into errmiss; a dump ends on NLMSG_DONE, whose
 * payload carries the dump's own status.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vale.h>

#include "vnl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NLMSGERR_ATTR_MISS_TYPE
#define NLMSGERR_ATTR_MISS_TYPE 5
#endif

static int err_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct vnl *v = data;
	const struct nlattr *a;
	size_t off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (e->error == 0)
		return MNL_CB_STOP;
	v->errmsg[0] = '\0';
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		/* the TLVs follow the request (or just its header) */
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		mnl_attr_for_each(a, nlh, off) {
			switch (mnl_attr_get_type(a)) {
			case NLMSGERR_ATTR_MSG:
				if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
					snprintf(v->errmsg, sizeof(v->errmsg),
						 "%s", mnl_attr_get_str(a));
				break;
			case NLMSGERR_ATTR_OFFS:
				if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
					v->erroff = (int)mnl_attr_get_u32(a);
				break;
			case NLMSGERR_ATTR_MISS_TYPE:
				if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
					v->errmiss = (int)mnl_attr_get_u32(a);
				break;
			}
		}
	}
	errno = -e->error;
	return MNL_CB_ERROR;
}

int vnl_ok_cb(const struct nlmsghdr *nlh, void *data)
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

struct nlmsghdr *vnl_put_genl(struct vnl *v, char *buf, uint16_t type,
			      uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++v->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = type == GENL_ID_CTRL ? 1 : VALE_GENL_VERSION;
	return nlh;
}

struct nlmsghdr *vnl_msg(struct vnl *v, char *buf, uint8_t cmd,
			 uint16_t flags)
{
	return vnl_put_genl(v, buf, v->family, cmd, NLM_F_ACK | flags);
}

/*
 * The callbacks for control messages get the vnl, the data callback the
 * caller's data: libmnl passes one pointer to both, so the pair travels
 * together and each side picks its half.
 */
struct talk_ctx {
	struct vnl *v;
	mnl_cb_t cb;
	void *data;
};

static int data_cb(const struct nlmsghdr *nlh, void *p)
{
	struct talk_ctx *t = p;

	return t->cb ? t->cb(nlh, t->data) : MNL_CB_OK;
}

static int ctl_err_cb(const struct nlmsghdr *nlh, void *p)
{
	return err_cb(nlh, ((struct talk_ctx *)p)->v);
}

/* With a control array, libmnl calls only what it lists. */
static mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = vnl_ok_cb,
	[NLMSG_ERROR] = ctl_err_cb,
	[NLMSG_DONE] = done_cb,
};

int vnl_talk(struct vnl *v, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	static char buf[1 << 16];
	unsigned int portid = mnl_socket_get_portid(v->sock);
	struct talk_ctx t = { v, cb, data };
	ssize_t n;
	int ret;

	v->errmsg[0] = '\0';
	v->erroff = -1;
	v->errmiss = -1;
	if (mnl_socket_sendto(v->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(v->sock, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run2(buf, n, nlh->nlmsg_seq, portid, data_cb, &t,
				  ctl_cb, NLMSG_MIN_TYPE);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

/* What a CTRL_CMD_GETFAMILY answer is searched for. */
struct family_query {
	uint16_t family;
	const char *group;	/* a multicast group's name */
	uint32_t group_id;	/* its id, 0 when not found */
};

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a, *g, *x;
	struct family_query *q = data;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(a, MNL_TYPE_U16) == 0)
			q->family = mnl_attr_get_u16(a);
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
			if (name && !strcmp(name, q->group))
				q->group_id = id;
		}
	}
	return MNL_CB_OK;
}

/* CTRL_CMD_GETFAMILY of "vale", answers into @q. */
static int get_family(struct vnl *v, struct family_query *q)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = vnl_put_genl(v, buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, VALE_GENL_NAME);
	return vnl_talk(v, nlh, family_cb, q);
}

int vnl_mcast_group(struct vnl *v, const char *name, uint32_t *id)
{
	struct family_query q = { .group = name };
	int err = get_family(v, &q);

	if (err)
		return err;
	if (!q.group_id)
		return -ENOENT;
	*id = q.group_id;
	return 0;
}

int vnl_socket(struct vnl *v, int bus)
{
	int one = 1, err;

	memset(v, 0, sizeof(*v));
	v->sock = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!v->sock)
		return -errno;
	if (mnl_socket_bind(v->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		vnl_close(v);
		return err;
	}
	mnl_socket_setsockopt(v->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	return 0;
}

int vnl_open(struct vnl *v)
{
	struct family_query q = { .group = VALE_GENL_MCGRP_EVENTS };
	int err;

	err = vnl_socket(v, NETLINK_GENERIC);
	if (err)
		return err;
	err = get_family(v, &q);
	v->family = q.family;
	v->mcgrp_events = q.group_id;
	if (!err && !v->family)
		err = -ENOENT;
	return err;
}

void vnl_close(struct vnl *v)
{
	if (v->sock)
		mnl_socket_close(v->sock);
	v->sock = NULL;
}

int vnl_join_events(struct vnl *v)
{
	if (!v->mcgrp_events)
		return -ENOENT;
	if (mnl_socket_setsockopt(v->sock, NETLINK_ADD_MEMBERSHIP,
				  &v->mcgrp_events, sizeof(v->mcgrp_events)) < 0)
		return -errno;
	return 0;
}
