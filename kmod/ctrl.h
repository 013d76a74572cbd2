/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale: the control plane shared by switch.c, port.c, fwd.c and the
 * netlink (netlink.c) and netdev-port (netdev.c) code.
 */
#ifndef _VALE_CTRL_H
#define _VALE_CTRL_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/uidgid.h>
#include <linux/vale.h>

struct vale_switch;
struct vale_port;
struct vale_fwd_scratch;
struct sk_buff;
struct sk_buff_head;
struct net_device;
struct netlink_ext_ack;

/*
 * An admin-created ring port: a name reserved on a switch, optionally owned
 * by a uid and/or a gid, opened through /dev/vale like any port.  Lives on
 * sw->resv_list until deleted over netlink; port is the open port or NULL.
 * Everything under vale_mutex.
 */
struct vale_resv {
	struct list_head node;
	char name[VALE_NAME_MAX];
	kuid_t uid;			/* INVALID_UID: no owner */
	kgid_t gid;			/* INVALID_GID: no group */
	struct vale_port *port;
};

/* switch.c, under vale_mutex */
struct vale_switch *vale_switch_lookup(const char *name);
struct vale_switch *vale_switch_new(const char *name);
/* The admin-created port (live port) of @sw named @name, or NULL. */
struct vale_resv *vale_resv_find(struct vale_switch *sw, const char *name);
struct vale_port *vale_switch_port_find(struct vale_switch *sw,
					const char *name);
/* Free @sw if it has no port, no reservation and is not persistent. */
void vale_switch_put(struct vale_switch *sw);
/* Set the lookup mode (the switch may be forwarding). */
void vale_switch_set_lookup(struct vale_switch *sw, u8 mode);
/* Join @sw as @pname without the /dev/vale permission checks. */
int vale_switch_attach_admin(struct vale_port *port, struct vale_switch *sw,
			     const char *pname);

/* netlink.c */
int vale_nl_init(void);
void vale_nl_exit(void);
void vale_nl_free_switches(void);

/* netdev.c */
int vale_netdev_init(void);
void vale_netdev_exit(void);
/* Called with RTNL held. */
int vale_netdev_attach(const char *swname, struct net_device *dev,
		       struct netlink_ext_ack *extack);
/* The port @dev is attached as, or NULL. */
struct vale_port *vale_netdev_port(const struct net_device *dev);
void vale_netdev_detach(struct vale_port *port);

#endif /* _VALE_CTRL_H */
