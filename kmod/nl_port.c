// SPDX-License-Identifier: GPL-2.0
/*
 * vale netlink: port operations (admin-created ports: new, del, get and
 * dump) and netdev attach and detach.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/cred.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "port.h"
#include "switch.h"
#include "netdev.h"
#include "nl_priv.h"

/* ---- port operations ---- */

int vale_nl_port_new(struct sk_buff *skb, struct genl_info *info)
{
	struct user_namespace *ns = vale_nl_userns(skb);
	struct nlattr **a = info->attrs;
	struct vale_switch *sw;
	struct vale_resv *r;
	int err;

	err = vale_nl_require_port(info) ?:
	      vale_nl_check_names(a[VALE_A_PORT_SWITCH], a[VALE_A_PORT_NAME],
				  info->extack);
	if (err)
		return err;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	strscpy(r->name, nla_data(a[VALE_A_PORT_NAME]), sizeof(r->name));
	r->uid = INVALID_UID;
	r->gid = INVALID_GID;
	if (a[VALE_A_PORT_UID]) {
		r->uid = make_kuid(ns, nla_get_u32(a[VALE_A_PORT_UID]));
		if (!uid_valid(r->uid)) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[VALE_A_PORT_UID],
					    "uid not mapped in your user namespace");
			err = -EINVAL;
			goto err_free;
		}
	}
	if (a[VALE_A_PORT_GID]) {
		r->gid = make_kgid(ns, nla_get_u32(a[VALE_A_PORT_GID]));
		if (!gid_valid(r->gid)) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[VALE_A_PORT_GID],
					    "gid not mapped in your user namespace");
			err = -EINVAL;
			goto err_free;
		}
	}
	mutex_lock(&vale_mutex);
	sw = vale_nl_switch(a[VALE_A_PORT_SWITCH], info->extack);
	if (!sw) {
		err = -ENOENT;
		goto err_unlock;
	}
	if (vale_resv_find(sw, r->name) || vale_switch_port_find(sw, r->name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[VALE_A_PORT_NAME],
				    "port exists");
		err = -EEXIST;
		goto err_unlock;
	}
	vale_resv_add(sw, r);
	mutex_unlock(&vale_mutex);
	return 0;

err_unlock:
	mutex_unlock(&vale_mutex);
err_free:
	kfree(r);
	return err;
}

int vale_nl_port_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct vale_switch *sw;
	struct vale_resv *r;
	struct vale_port *p;
	int err;

	err = vale_nl_require_port(info);
	if (err)
		return err;
	rtnl_lock();
	mutex_lock(&vale_mutex);
	sw = vale_nl_switch(a[VALE_A_PORT_SWITCH], info->extack);
	if (!sw) {
		err = -ENOENT;
		goto out;
	}
	r = vale_resv_find(sw, nla_data(a[VALE_A_PORT_NAME]));
	p = vale_switch_port_find(sw, nla_data(a[VALE_A_PORT_NAME]));
	if (r && !r->port) {
		vale_resv_del(sw, r);
		vale_switch_put(sw);
	} else if (p && p->ops->detach) {
		mutex_unlock(&vale_mutex);
		p->ops->detach(p);
		rtnl_unlock();
		return 0;
	} else if (p) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[VALE_A_PORT_NAME],
				    "port is open through /dev/vale: it goes when closed");
		err = -EBUSY;
	} else {
		NL_SET_ERR_MSG_ATTR(info->extack, a[VALE_A_PORT_NAME],
				    "no such port");
		err = -ENOENT;
	}
out:
	mutex_unlock(&vale_mutex);
	rtnl_unlock();
	return err;
}

int vale_nl_port_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct vale_switch *sw;
	struct vale_resv *r = NULL;
	struct vale_port *p = NULL;
	struct sk_buff *msg;
	int err;

	err = vale_nl_require_port(info);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&vale_mutex);
	sw = vale_nl_switch(a[VALE_A_PORT_SWITCH], info->extack);
	if (!sw) {
		err = -ENOENT;
		goto out;
	}
	p = vale_switch_port_find(sw, nla_data(a[VALE_A_PORT_NAME]));
	if (!p)
		r = vale_resv_find(sw, nla_data(a[VALE_A_PORT_NAME]));
	if (!p && !r) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[VALE_A_PORT_NAME],
				    "no such port");
		err = -ENOENT;
		goto out;
	}
	err = vale_nl_fill_port(msg, sw, p, r, vale_nl_userns(skb), true,
				info->snd_portid, info->snd_seq, 0,
				VALE_CMD_PORT_GET);
out:
	mutex_unlock(&vale_mutex);
	return vale_nl_reply(msg, info, err);
}

/* One port of a port dump; a full @skb fails. */
static int vale_nl_dump_port(struct sk_buff *skb, struct netlink_callback *cb,
			     struct vale_switch *sw, struct vale_port *p,
			     struct vale_resv *r, struct user_namespace *ns)
{
	int err;

	err = vale_nl_fill_port(skb, sw, p, r, ns, true,
				NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				NLM_F_MULTI, VALE_CMD_PORT_GET);
	if (!err)
		nl_dump_check_consistent(cb, nlmsg_hdr(skb));
	return err;
}

/* args[0]: switches done, args[1]: ports of the current switch done */
int vale_nl_port_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr *swa = vale_nl_dump_attrs(cb)[VALE_A_PORT_SWITCH];
	struct user_namespace *ns = vale_nl_userns(cb->skb);
	struct vale_switch *sw;
	struct vale_resv *r;
	struct vale_port *p;
	long s = 0, i;
	int err = 0;

	mutex_lock(&vale_mutex);
	cb->seq = vale_nl_gen;
	list_for_each_entry(sw, &vale_switches, node) {
		if (s++ < cb->args[0])
			continue;
		if (sw->dying || (swa && strcmp(sw->name, nla_data(swa)))) {
			cb->args[1] = 0;
			continue;
		}
		i = 0;
		list_for_each_entry(p, &sw->port_list, node) {
			if (i++ < cb->args[1])
				continue;
			err = vale_nl_dump_port(skb, cb, sw, p, NULL, ns);
			if (err)
				goto full;
			cb->args[1] = i;
		}
		list_for_each_entry(r, &sw->resv_list, node) {
			if (r->port)
				continue;
			if (i++ < cb->args[1])
				continue;
			err = vale_nl_dump_port(skb, cb, sw, NULL, r, ns);
			if (err)
				goto full;
			cb->args[1] = i;
		}
		cb->args[0] = s;
		cb->args[1] = 0;
	}
full:
	mutex_unlock(&vale_mutex);
	return err && !skb->len ? err : skb->len;
}

/* ---- netdev attach and detach ---- */

static struct net_device *vale_nl_dev(struct genl_info *info)
{
	struct nlattr *ia = info->attrs[VALE_A_PORT_IFINDEX];
	struct nlattr *na = info->attrs[VALE_A_PORT_IFNAME];
	struct net *net = genl_info_net(info);
	struct net_device *dev = NULL;

	if (!ia && !na) {
		NL_SET_ERR_MSG(info->extack, "missing ifindex or ifname");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, VALE_A_PORT_IFINDEX);
		return ERR_PTR(-EINVAL);
	}
	if (ia)
		dev = __dev_get_by_index(net, nla_get_u32(ia));
	else
		dev = __dev_get_by_name(net, nla_data(na));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, ia ?: na, "no such device");
		return ERR_PTR(-ENODEV);
	}
	if (ia && na && strcmp(dev->name, nla_data(na))) {
		NL_SET_ERR_MSG_ATTR(info->extack, na,
				    "ifname and ifindex name different devices");
		return ERR_PTR(-EINVAL);
	}
	return dev;
}

int vale_nl_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *swa = info->attrs[VALE_A_PORT_SWITCH];
	struct net_device *dev;
	int err;

	err = vale_nl_require_switch(info, VALE_A_PORT_SWITCH);
	if (err)
		return err;
	rtnl_lock();
	dev = vale_nl_dev(info);
	if (IS_ERR(dev))
		err = PTR_ERR(dev);
	else
		err = vale_netdev_attach(nla_data(swa), dev, info->extack);
	rtnl_unlock();
	return err;
}

int vale_nl_detach(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *swa = info->attrs[VALE_A_PORT_SWITCH];
	struct net_device *dev;
	struct vale_port *port;
	int err = 0;

	rtnl_lock();
	dev = vale_nl_dev(info);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto out;
	}
	port = vale_netdev_port(dev);
	if (!port) {
		NL_SET_ERR_MSG(info->extack, "device is not attached to a switch");
		err = -ENOENT;
		goto out;
	}
	/* port->sw is stable: only RTNL holders detach netdev ports */
	if (swa && strcmp(port->sw->name, nla_data(swa))) {
		NL_SET_ERR_MSG_ATTR(info->extack, swa,
				    "device is attached to another switch");
		err = -ENOENT;
		goto out;
	}
	vale_netdev_detach(port);
out:
	rtnl_unlock();
	return err;
}
