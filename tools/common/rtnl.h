/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtnetlink on libmnl for the programs that build networks (vale-net)
 * or shake them (vale-kfuzz): veth pairs with one end in another
 * namespace, vxlan devices and their default destinations, links up and
 * down, MTUs, addresses, deletion.  The socket is a
 * struct vnl (vnl.h) on NETLINK_ROUTE, so requests go through the one
 * vnl_talk() and errors carry the kernel's extack text in errmsg.  A
 * socket works in the network namespace it was opened in (rtnl_open_in()).
 * Functions return 0 or -errno.  Include after <libmnl/libmnl.h>.
 */
#ifndef VALE_TOOLS_RTNL_H
#define VALE_TOOLS_RTNL_H

#include <stdint.h>
#include "vnl.h"

/* A NETLINK_ROUTE socket in this namespace, or in @netns_fd's (>= 0). */
int rtnl_open(struct vnl *r);
int rtnl_open_in(struct vnl *r, int netns_fd);

/* Index of @name, 0 when there is none. */
unsigned int rtnl_ifindex(struct vnl *r, const char *name);

/* veth @name here, its peer @peer in @peer_netns (-1: here) with @mac. */
int rtnl_veth_add(struct vnl *r, const char *name, const char *peer,
		  int peer_netns, const char *mac);
/* vxlan @name, VNI @vni, from IPv4 @local, UDP port @port (4789). */
int rtnl_vxlan_add(struct vnl *r, const char *name, uint32_t vni,
		   const char *local, uint16_t port);
/* Append a default destination (all-zero MAC) to vxlan @name. */
int rtnl_vxlan_remote(struct vnl *r, const char *name, const char *remote);
int rtnl_link_up(struct vnl *r, const char *name);
int rtnl_link_down(struct vnl *r, const char *name);
/* The MTU of @name (not 0), its flags untouched. */
int rtnl_link_mtu(struct vnl *r, const char *name, uint32_t mtu);
int rtnl_link_del(struct vnl *r, const char *name);
/* "10.0.0.1/24" or "fd00::1/64" on @name. */
int rtnl_addr_add(struct vnl *r, const char *name, const char *cidr);

#endif /* VALE_TOOLS_RTNL_H */
