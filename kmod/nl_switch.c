// SPDX-License-Identifier: GPL-2.0
/*
 * vale netlink: switch operations (new, set, del, get and dump).
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
#include "nl_priv.h"

/* ---- switch operations ---- */

static int vale_nl_switch_apply(struct vale_switch *sw, struct genl_info *info)
{
	struct nlattr **a = info->attrs;

	if (a[VALE_A_SWITCH_RESTRICTED])
		sw->restricted = nla_get_u8(a[VALE_A_SWITCH_RESTRICTED]);
	if (a[VALE_A_SWITCH_LOOKUP])
		vale_switch_set_lookup(sw, nla_get_u32(a[VALE_A_SWITCH_LOOKUP]));
	if (a[VALE_A_SWITCH_BATCH])
		WRITE_ONCE(sw->batch, nla_get_u32(a[VALE_A_SWITCH_BATCH]));
	return 0;
}

int vale_nl_switch_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *na = info->attrs[VALE_A_SWITCH_NAME];
	struct vale_switch *sw;
	int err;

	err = vale_nl_require_switch(info, VALE_A_SWITCH_NAME);
	if (err)
		return err;
	mutex_lock(&vale_mutex);
	sw = vale_switch_lookup(nla_data(na));
	if (sw && sw->dying) {
		NL_SET_ERR_MSG_ATTR(info->extack, na,
				    "a switch of this name is being deleted");
		err = -EBUSY;
		goto out;
	}
	if (sw) {
		NL_SET_ERR_MSG_ATTR(info->extack, na, "switch exists");
		err = -EEXIST;
		goto out;
	}
	sw = vale_switch_new(nla_data(na));
	if (!sw) {
		err = -ENOMEM;
		goto out;
	}
	sw->persistent = true;
	vale_nl_switch_apply(sw, info);
	vale_notify_switch(sw, VALE_CMD_SWITCH_ADD_NTF);
out:
	mutex_unlock(&vale_mutex);
	return err;
}

int vale_nl_switch_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct vale_switch *sw;
	int err;

	err = vale_nl_require(info, VALE_A_SWITCH_NAME, "missing switch name");
	if (err)
		return err;
	if (!a[VALE_A_SWITCH_RESTRICTED] && !a[VALE_A_SWITCH_LOOKUP] &&
	    !a[VALE_A_SWITCH_BATCH]) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: give restricted, lookup or batch");
		return -EINVAL;
	}
	mutex_lock(&vale_mutex);
	sw = vale_nl_switch(a[VALE_A_SWITCH_NAME], info->extack);
	if (!sw) {
		err = -ENOENT;
		goto out;
	}
	vale_nl_switch_apply(sw, info);
	vale_notify_switch(sw, VALE_CMD_SWITCH_CHANGE_NTF);
out:
	mutex_unlock(&vale_mutex);
	return err;
}

int vale_nl_switch_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *na = info->attrs[VALE_A_SWITCH_NAME];
	struct vale_switch *sw;
	int err;

	err = vale_nl_require(info, VALE_A_SWITCH_NAME, "missing switch name");
	if (err)
		return err;
	rtnl_lock();
	mutex_lock(&vale_mutex);
	sw = vale_nl_switch(na, info->extack);
	if (!sw) {
		err = -ENOENT;
		goto out;
	}
	err = vale_switch_delete(sw);
	if (err == -EBUSY)
		NL_SET_ERR_MSG_ATTR(info->extack, na,
				    "switch has ports open through /dev/vale");
out:
	mutex_unlock(&vale_mutex);
	rtnl_unlock();
	return err;
}

int vale_nl_switch_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vale_switch *sw;
	struct sk_buff *msg;
	int err;

	err = vale_nl_require(info, VALE_A_SWITCH_NAME, "missing switch name");
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&vale_mutex);
	sw = vale_nl_switch(info->attrs[VALE_A_SWITCH_NAME], info->extack);
	if (sw)
		err = vale_nl_fill_switch(msg, sw, info->snd_portid,
					  info->snd_seq, 0, VALE_CMD_SWITCH_GET);
	else
		err = -ENOENT;
	mutex_unlock(&vale_mutex);
	return vale_nl_reply(msg, info, err);
}

int vale_nl_switch_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr *na = vale_nl_dump_attrs(cb)[VALE_A_SWITCH_NAME];
	struct vale_switch *sw;
	long i = 0;
	int err = 0;

	mutex_lock(&vale_mutex);
	cb->seq = vale_nl_gen;
	list_for_each_entry(sw, &vale_switches, node) {
		if (i++ < cb->args[0])
			continue;
		if (sw->dying || (na && strcmp(sw->name, nla_data(na))))
			continue;
		err = vale_nl_fill_switch(skb, sw, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI,
					  VALE_CMD_SWITCH_GET);
		if (err) {
			i--;
			break;
		}
		nl_dump_check_consistent(cb, nlmsg_hdr(skb));
	}
	mutex_unlock(&vale_mutex);
	cb->args[0] = i;
	return err && !skb->len ? err : skb->len;
}
