// SPDX-License-Identifier: GPL-2.0
/*
 * The rtnetlink requests of rtnl.h.  Devices are named in requests
 * (IFLA_IFNAME with ifi_index 0), which the kernel resolves itself.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "mac.h"
#include "rtnl.h"

int rtnl_open(struct vnl *r)
{
	return vnl_socket(r, NETLINK_ROUTE);
}

int rtnl_open_in(struct vnl *r, int netns_fd)
{
	int self, err;

	if (netns_fd < 0)
		return rtnl_open(r);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	if (setns(netns_fd, CLONE_NEWNET) < 0) {
		err = -errno;
		close(self);
		return err;
	}
	err = rtnl_open(r);
	if (setns(self, CLONE_NEWNET) < 0) {
		/* we cannot go home: nothing after this is safe */
		perror("setns back");
		abort();
	}
	close(self);
	return err;
}

/* A request with an ACK, its family header zeroed at @hdr (@hdrlen bytes). */
static struct nlmsghdr *msg(struct vnl *r, char *buf, uint16_t type,
			    uint16_t flags, void **hdr, size_t hdrlen)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++r->seq;
	*hdr = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	return nlh;
}

static struct nlmsghdr *link_msg(struct vnl *r, char *buf, uint16_t type,
				 uint16_t flags, struct ifinfomsg **ifm)
{
	struct nlmsghdr *nlh = msg(r, buf, type, flags, (void **)ifm, sizeof(**ifm));

	(*ifm)->ifi_family = AF_UNSPEC;
	return nlh;
}

static int index_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type == RTM_NEWLINK)
		*(unsigned int *)data = ifm->ifi_index;
	return MNL_CB_OK;
}

unsigned int rtnl_ifindex(struct vnl *r, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh;
	unsigned int idx = 0;

	nlh = link_msg(r, buf, RTM_GETLINK, 0, &ifm);	/* answer, then ACK */
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (vnl_talk(r, nlh, index_cb, &idx) < 0)
		return 0;
	return idx;
}

static int put_mac(struct nlmsghdr *nlh, uint16_t type, const char *mac)
{
	uint8_t m[6];

	if (mac_parse(mac, m))
		return -EINVAL;
	mnl_attr_put(nlh, type, sizeof(m), m);
	return 0;
}

int rtnl_veth_add(struct vnl *r, const char *name, const char *peer,
		  int peer_netns, const char *mac)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlattr *info, *data, *pe;
	struct ifinfomsg *ifm, *pifm;
	struct nlmsghdr *nlh;

	nlh = link_msg(r, buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifm);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	pe = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifm));
	memset(pifm, 0, sizeof(*pifm));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_netns >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, peer_netns);
	if (mac && *mac && put_mac(nlh, IFLA_ADDRESS, mac) < 0)
		return -EINVAL;
	mnl_attr_nest_end(nlh, pe);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return vnl_talk(r, nlh, vnl_ok_cb, NULL);
}

int rtnl_vxlan_add(struct vnl *r, const char *name, uint32_t vni,
		   const char *local, uint16_t port)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlattr *info, *data;
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh;
	struct in_addr a;

	if (inet_pton(AF_INET, local, &a) != 1)
		return -EINVAL;
	nlh = link_msg(r, buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifm);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vxlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, vni);
	mnl_attr_put(nlh, IFLA_VXLAN_LOCAL, sizeof(a), &a);
	mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(port));
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return vnl_talk(r, nlh, vnl_ok_cb, NULL);
}

int rtnl_vxlan_remote(struct vnl *r, const char *name, const char *remote)
{
	static const uint8_t zero[6];
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;
	struct in_addr a;
	unsigned int idx;

	if (inet_pton(AF_INET, remote, &a) != 1)
		return -EINVAL;
	idx = rtnl_ifindex(r, name);
	if (!idx)
		return -ENODEV;
	nlh = msg(r, buf, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_APPEND, (void **)&ndm,
		  sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = idx;
	ndm->ndm_state = NUD_PERMANENT | NUD_NOARP;
	ndm->ndm_flags = NTF_SELF;
	mnl_attr_put(nlh, NDA_LLADDR, sizeof(zero), zero);
	mnl_attr_put(nlh, NDA_DST, sizeof(a), &a);
	return vnl_talk(r, nlh, vnl_ok_cb, NULL);
}

/* RTM_NEWLINK on @name: the @change bits of its flags to @flags, an MTU. */
static int link_set(struct vnl *r, const char *name, unsigned int change,
		    unsigned int flags, uint32_t mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh;

	nlh = link_msg(r, buf, RTM_NEWLINK, 0, &ifm);
	ifm->ifi_flags = flags;
	ifm->ifi_change = change;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return vnl_talk(r, nlh, vnl_ok_cb, NULL);
}

int rtnl_link_up(struct vnl *r, const char *name)
{
	return link_set(r, name, IFF_UP, IFF_UP, 0);
}

int rtnl_link_down(struct vnl *r, const char *name)
{
	return link_set(r, name, IFF_UP, 0, 0);
}

int rtnl_link_mtu(struct vnl *r, const char *name, uint32_t mtu)
{
	if (!mtu)
		return -EINVAL;
	return link_set(r, name, 0, 0, mtu);
}

int rtnl_link_del(struct vnl *r, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh;

	nlh = link_msg(r, buf, RTM_DELLINK, 0, &ifm);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return vnl_talk(r, nlh, vnl_ok_cb, NULL);
}

int rtnl_addr_add(struct vnl *r, const char *name, const char *cidr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], ip[64];
	const char *slash = strchr(cidr, '/');
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	unsigned char bin[16];
	unsigned int idx;
	int af;

	if (!slash || (size_t)(slash - cidr) >= sizeof(ip))
		return -EINVAL;
	memcpy(ip, cidr, slash - cidr);
	ip[slash - cidr] = '\0';
	af = strchr(ip, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(af, ip, bin) != 1)
		return -EINVAL;
	idx = rtnl_ifindex(r, name);
	if (!idx)
		return -ENODEV;
	nlh = msg(r, buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, (void **)&ifa,
		  sizeof(*ifa));
	ifa->ifa_family = af;
	ifa->ifa_prefixlen = atoi(slash + 1);
	ifa->ifa_index = idx;
	mnl_attr_put(nlh, IFA_LOCAL, af == AF_INET ? 4 : 16, bin);
	mnl_attr_put(nlh, IFA_ADDRESS, af == AF_INET ? 4 : 16, bin);
	return vnl_talk(r, nlh, vnl_ok_cb, NULL);
}
