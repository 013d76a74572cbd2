// SPDX-License-Identifier: GPL-2.0
/*
 * The VNet's tunnel on this host: the kernel's vxlan device vnx<VNI>,
 * from this host's underlay address, with one default destination per
 * other host that has nodes of the VNet (replicated unknown, broadcast
 * and multicast; learned unicast), attached to the tunnel switch as a
 * netdev port.  Frames of the VNet leave only through it, and it hands
 * the switch only frames that arrived with its VNI.
 */
#include <errno.h>
#include <stdio.h>

#include "act.h"
#include "rtnl.h"

#define VN_VXLAN_PORT	4789

int act_tunnel_add(struct vn_ctx *c, const struct vn_vnet *v)
{
	char dev[VN_KNAME], ksw[VN_KNAME];
	int err, i;

	vn_vxdev(dev, v->vni);
	vn_kswitch(ksw, v->host, v->name, v->tun.sw);
	rtnl_link_del(&c->rt, dev);	/* a stale one, left detached */
	err = rtnl_vxlan_add(&c->rt, dev, v->vni, v->tun.local, VN_VXLAN_PORT);
	if (err)
		return vn_fail(c, &c->rt, err, "vxlan %s (VNI %u from %s)", dev,
			       v->vni, v->tun.local);
	for (i = 0; i < v->tun.nremotes && !err; i++)
		if ((err = rtnl_vxlan_remote(&c->rt, dev, v->tun.remotes[i])))
			vn_fail(c, &c->rt, err, "vxlan %s: remote %s", dev,
				v->tun.remotes[i]);
	if (!err && (err = rtnl_link_up(&c->rt, dev)))
		vn_fail(c, &c->rt, err, "vxlan %s: up", dev);
	if (!err)
		err = act_attach(c, ksw, dev);
	if (err)
		rtnl_link_del(&c->rt, dev);
	return err;
}

int act_tunnel_del(struct vn_ctx *c, const struct vn_vnet *v)
{
	char dev[VN_KNAME];
	int err;

	vn_vxdev(dev, v->vni);
	err = rtnl_link_del(&c->rt, dev);
	if (err && err != -ENODEV)
		return vn_fail(c, &c->rt, err, "delete vxlan %s", dev);
	return 0;
}

bool act_tunnel_exists(struct vn_ctx *c, const struct vn_vnet *v)
{
	char dev[VN_KNAME], ksw[VN_KNAME];

	vn_vxdev(dev, v->vni);
	vn_kswitch(ksw, v->host, v->name, v->tun.sw);
	return act_port_exists(c, ksw, dev);
}
