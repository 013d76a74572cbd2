/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The actions that make and remove what a VNet is made of, one kind per
 * file: switches and ports (act_switch.c, the vale family through
 * tools/common/vnl.h), namespaces with their veths (act_node.c), vxlan
 * tunnels (act_tunnel.c, tools/common/rtnl.h), node processes
 * (act_proc.c).  Each returns 0 or -errno with a sentence in c->err, and
 * each has an "exists" twin for state discovery (discover.h).
 */
#ifndef VALE_NET_ACT_H
#define VALE_NET_ACT_H

#include <stdbool.h>
#include <libmnl/libmnl.h>

#include "model.h"
#include "vnl.h"

struct vn_ctx {
	struct vnl genl;	/* the vale family */
	bool have_genl;
	struct vnl rt;		/* rtnetlink in our namespace */
	char err[768];
	const char *state_dir;	/* where the node logs go */
};

int vn_ctx_open(struct vn_ctx *c, struct vn_errs *e);
void vn_ctx_close(struct vn_ctx *c);
/* c->err = "WHAT: strerror(-err)[: extack]", returns err. */
int vn_fail(struct vn_ctx *c, const struct vnl *v, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* act_switch.c: a restricted switch of the VNet; owned ports; attach. */
int act_switch_add(struct vn_ctx *c, const struct vn_vnet *v, const char *sw);
int act_switch_del(struct vn_ctx *c, const struct vn_vnet *v, const char *sw);
bool act_switch_exists(struct vn_ctx *c, const struct vn_vnet *v, const char *sw);
int act_port_add(struct vn_ctx *c, const char *ksw, const char *port, long uid,
		 long gid);
int act_port_del(struct vn_ctx *c, const char *ksw, const char *port);
bool act_port_exists(struct vn_ctx *c, const char *ksw, const char *port);
int act_attach(struct vn_ctx *c, const char *ksw, const char *dev);

/* act_node.c: a node's namespace; an interface (veth or owned port). */
int act_node_add(struct vn_ctx *c, const struct vn_vnet *v, const struct vn_node *n);
int act_node_del(struct vn_ctx *c, const struct vn_vnet *v, const struct vn_node *n);
bool act_node_exists(struct vn_ctx *c, const struct vn_vnet *v, const struct vn_node *n);
int act_iface_add(struct vn_ctx *c, const struct vn_vnet *v, const struct vn_node *n,
		  const struct vn_iface *f);
int act_iface_del(struct vn_ctx *c, const struct vn_vnet *v, const struct vn_node *n,
		  const struct vn_iface *f);
bool act_iface_exists(struct vn_ctx *c, const struct vn_vnet *v,
		      const struct vn_node *n, const struct vn_iface *f);

/* act_tunnel.c: the VNet's vxlan device on its tunnel switch. */
int act_tunnel_add(struct vn_ctx *c, const struct vn_vnet *v);
int act_tunnel_del(struct vn_ctx *c, const struct vn_vnet *v);
bool act_tunnel_exists(struct vn_ctx *c, const struct vn_vnet *v);

/* act_proc.c: the node's command (n->pid, n->starttime set on start). */
int act_proc_start(struct vn_ctx *c, const struct vn_vnet *v, struct vn_node *n);
int act_proc_stop(struct vn_ctx *c, const struct vn_node *n);
bool act_proc_alive(const struct vn_node *n);

#endif /* VALE_NET_ACT_H */
