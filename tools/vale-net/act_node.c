// SPDX-License-Identifier: GPL-2.0
/*
 * Nodes and their interfaces.  A netns node is a named network namespace
 * (tools/common/netns.h) whose every interface is a veth: the end inside
 * carries the file's name, MAC and address, the end outside (vn_hostdev())
 * is attached to the VNet's switch as a netdev port.  A process node's
 * interfaces are owned ring ports on the switch, which its command opens.
 * Each action undoes its own half-done work before it fails.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "act.h"
#include "netns.h"
#include "rtnl.h"

int act_node_add(struct vn_ctx *c, const struct vn_vnet *v, const struct vn_node *n)
{
	char ns[VN_KNAME];
	struct vnl in;
	int fd, err;

	if (n->kind != VN_NETNS)
		return 0;
	vn_netns(ns, v->name, n->name);
	err = netns_add(ns);
	if (err)
		return vn_fail(c, NULL, err, "namespace %s", ns);
	fd = netns_open(ns);
	err = fd < 0 ? fd : rtnl_open_in(&in, fd);
	if (fd >= 0)
		close(fd);
	if (!err) {
		err = rtnl_link_up(&in, "lo");
		vnl_close(&in);
	}
	if (err) {
		netns_del(ns);
		return vn_fail(c, NULL, err, "namespace %s: loopback up", ns);
	}
	return 0;
}

int act_node_del(struct vn_ctx *c, const struct vn_vnet *v, const struct vn_node *n)
{
	char ns[VN_KNAME];
	int err;

	if (n->kind != VN_NETNS)
		return 0;
	vn_netns(ns, v->name, n->name);
	err = netns_del(ns);
	if (err && err != -ENOENT)
		return vn_fail(c, NULL, err, "delete namespace %s", ns);
	return 0;
}

bool act_node_exists(struct vn_ctx *c, const struct vn_vnet *v, const struct vn_node *n)
{
	char ns[VN_KNAME];

	(void)c;
	if (n->kind != VN_NETNS)
		return true;
	vn_netns(ns, v->name, n->name);
	return netns_exists(ns);
}

/* The inside end: address, up. */
static int inside_up(struct vn_ctx *c, const char *ns, const struct vn_iface *f)
{
	struct vnl in;
	int fd, err;

	fd = netns_open(ns);
	if (fd < 0)
		return vn_fail(c, NULL, fd, "namespace %s", ns);
	err = rtnl_open_in(&in, fd);
	close(fd);
	if (err)
		return vn_fail(c, NULL, err, "rtnetlink in %s", ns);
	err = f->addr[0] ? rtnl_addr_add(&in, f->name, f->addr) : 0;
	if (err)
		vn_fail(c, &in, err, "%s in %s: address %s", f->name, ns, f->addr);
	else if ((err = rtnl_link_up(&in, f->name)))
		vn_fail(c, &in, err, "%s in %s: up", f->name, ns);
	vnl_close(&in);
	return err;
}

int act_iface_add(struct vn_ctx *c, const struct vn_vnet *v, const struct vn_node *n,
		  const struct vn_iface *f)
{
	char ksw[VN_KNAME], dev[VN_KNAME], ns[VN_KNAME];
	int fd, err;

	vn_kswitch(ksw, v->host, v->name, f->sw);
	if (n->kind != VN_NETNS) {
		vn_port(dev, n->name, f->name);
		return act_port_add(c, ksw, dev, n->uid, n->gid);
	}
	vn_hostdev(dev, v->name, n->name, f->name);
	vn_netns(ns, v->name, n->name);
	rtnl_link_del(&c->rt, dev);	/* a stale one, left detached */
	fd = netns_open(ns);
	if (fd < 0)
		return vn_fail(c, NULL, fd, "namespace %s", ns);
	err = rtnl_veth_add(&c->rt, dev, f->name, fd, f->mac);
	close(fd);
	if (err)
		return vn_fail(c, &c->rt, err, "veth %s (%s in %s)", dev, f->name, ns);
	err = inside_up(c, ns, f);
	if (!err && (err = rtnl_link_up(&c->rt, dev)))
		vn_fail(c, &c->rt, err, "veth %s: up", dev);
	if (!err)
		err = act_attach(c, ksw, dev);
	if (err)
		rtnl_link_del(&c->rt, dev);
	return err;
}

int act_iface_del(struct vn_ctx *c, const struct vn_vnet *v, const struct vn_node *n,
		  const struct vn_iface *f)
{
	char ksw[VN_KNAME], dev[VN_KNAME];
	int err;

	vn_kswitch(ksw, v->host, v->name, f->sw);
	if (n->kind != VN_NETNS) {
		vn_port(dev, n->name, f->name);
		return act_port_del(c, ksw, dev);
	}
	vn_hostdev(dev, v->name, n->name, f->name);
	err = rtnl_link_del(&c->rt, dev);
	if (err && err != -ENODEV)
		return vn_fail(c, &c->rt, err, "delete veth %s", dev);
	return 0;
}

bool act_iface_exists(struct vn_ctx *c, const struct vn_vnet *v,
		      const struct vn_node *n, const struct vn_iface *f)
{
	char ksw[VN_KNAME], dev[VN_KNAME];

	vn_kswitch(ksw, v->host, v->name, f->sw);
	if (n->kind != VN_NETNS)
		vn_port(dev, n->name, f->name);
	else
		vn_hostdev(dev, v->name, n->name, f->name);
	return act_port_exists(c, ksw, dev);
}
