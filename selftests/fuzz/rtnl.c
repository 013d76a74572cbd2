// SPDX-License-Identifier: GPL-2.0
/*
 * vale-kfuzz's veth pairs over rtnetlink (no ip(8): a fork and exec per
 * call costs a second on the debug kernel under TCG).  Device i is kfz<i>
 * with its peer kfz<i>p; both are brought up when created.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "kfuzz.h"

static struct mnl_socket *rt;
static unsigned int rtseq;

static struct nlmsghdr *rt_msg(char *buf, uint16_t type, uint16_t flags,
			       struct ifinfomsg **ifm)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++rtseq;
	*ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(**ifm));
	(*ifm)->ifi_family = AF_UNSPEC;
	return nlh;
}

/* 0 or -errno (the ACK's). */
static int rt_talk(struct nlmsghdr *nlh)
{
	char buf[8192];
	int n, ret;

	if (!rt) {
		rt = mnl_socket_open(NETLINK_ROUTE);
		if (!rt || mnl_socket_bind(rt, 0, MNL_SOCKET_AUTOPID)) {
			rt = NULL;
			return -errno;
		}
	}
	if (mnl_socket_sendto(rt, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(rt, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(buf, n, nlh->nlmsg_seq,
				 mnl_socket_get_portid(rt), NULL, NULL);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

static void name(char *buf, unsigned int i, int peer)
{
	buf[0] = 'k';
	buf[1] = 'f';
	buf[2] = 'z';
	buf[3] = (char)('0' + i % 10);
	buf[4] = peer ? 'p' : '\0';
	buf[5] = '\0';
}

static int set_link(const char *dev, int up, uint32_t mtu)
{
	char buf[1024];
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = rt_msg(buf, RTM_NEWLINK, 0, &ifm);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, dev);
	if (mtu) {
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	} else {
		ifm->ifi_change = IFF_UP;
		ifm->ifi_flags = up ? IFF_UP : 0;
	}
	return rt_talk(nlh);
}

int kf_link_add(unsigned int i)
{
	char buf[1024], dev[8], peer[8];
	struct ifinfomsg *ifm, *pifm;
	struct nlmsghdr *nlh;
	struct nlattr *li, *data, *pa;
	int ret;

	name(dev, i, 0);
	name(peer, i, 1);
	nlh = rt_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifm);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, dev);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	pa = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifm));
	pifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_nest_end(nlh, pa);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	ret = rt_talk(nlh);
	if (ret)
		return ret;
	set_link(dev, 1, 0);
	return set_link(peer, 1, 0);
}

int kf_link_del(unsigned int i)
{
	char buf[1024], dev[8];
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = rt_msg(buf, RTM_DELLINK, 0, &ifm);

	name(dev, i, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, dev);
	return rt_talk(nlh);
}

/* what: 0 down, 1 up, 2 mtu 1280, 3 mtu 9000 */
int kf_link_set(unsigned int i, unsigned int what)
{
	char dev[8];

	name(dev, i, 0);
	return set_link(dev, what == 1, what == 2 ? 1280 : what == 3 ? 9000 : 0);
}
