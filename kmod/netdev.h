/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale: netdev ports (netdev.c).
 */
#ifndef _VALE_NETDEV_H
#define _VALE_NETDEV_H

struct vale_port;
struct net_device;
struct netlink_ext_ack;

int vale_netdev_init(void);
/* Detach every netdev port, then stop watching devices. */
void vale_netdev_exit(void);
/* Attach @dev to switch @swname (created if needed).  RTNL held. */
int vale_netdev_attach(const char *swname, struct net_device *dev,
		       struct netlink_ext_ack *extack);
/* The port @dev is attached as, or NULL.  RTNL held. */
struct vale_port *vale_netdev_port(const struct net_device *dev);
/* Detach netdev port @port (its ops->detach).  RTNL held. */
void vale_netdev_detach(struct vale_port *port);

#endif /* _VALE_NETDEV_H */
