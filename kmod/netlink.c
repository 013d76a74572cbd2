// SPDX-License-Identifier: GPL-2.0
/*
 * vale: the generic netlink family "vale" (Documentation/netlink/vale.yaml
 * is the normative description, Documentation/control-plane.md the guide).
 *
 * Hand-written, with one policy per operation (struct genl_ops .policy and
 * .maxattr, which 6.1 and later have) and strict validation for every
 * operation (resv_start_op is the first command): unknown attributes,
 * attributes an operation does not take, wrong lengths and out-of-range
 * values are refused by the core with an extack message; what the core
 * cannot check (names, presence) is checked here, with a message too.
 *
 * Permissions: switches are global objects shared by every network
 * namespace, so mutations need CAP_NET_ADMIN in the initial user namespace
 * (GENL_ADMIN_PERM).  GENL_UNS_ADMIN_PERM would let the root of any user
 * namespace (an unprivileged container) reconfigure switches other
 * containers use.  Reads and the event group are open, like /dev/vale's
 * port names; the family is netnsok so that an administrator can attach a
 * device from inside its namespace (names and ifindexes are resolved in
 * the requester's namespace).
 *
 * Locking: RTNL (when netdevs are involved) before vale_mutex.
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
#include <linux/notifier.h>

#include "port.h"
#include "switch.h"
#include "param.h"
#include "netdev.h"
#include "netlink.h"

static struct genl_family vale_genl_family;
static unsigned int vale_nl_gen;	/* under vale_mutex: dump consistency */

enum vale_mcgrp_ids {
	VALE_MCGRP_EVENTS,
};

static const struct genl_multicast_group vale_mcgrps[] = {
	[VALE_MCGRP_EVENTS] = { .name = VALE_GENL_MCGRP_EVENTS },
};

/* ---- policies, one per operation ---- */

#define VALE_NLA_NAME	{ .type = NLA_NUL_STRING, .len = VALE_NAME_MAX - 1 }
#define VALE_NLA_IFNAME	{ .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 }

static const struct nla_policy vale_switch_new_policy[VALE_A_SWITCH_MAX + 1] = {
	[VALE_A_SWITCH_NAME] = VALE_NLA_NAME,
	[VALE_A_SWITCH_RESTRICTED] = NLA_POLICY_MAX(NLA_U8, 1),
	[VALE_A_SWITCH_LOOKUP] = NLA_POLICY_MAX(NLA_U32, VALE_LOOKUP_P2P),
	[VALE_A_SWITCH_BATCH] = NLA_POLICY_RANGE(NLA_U32, 1, VALE_MAX_BATCH),
};

/* switch-set takes the same attributes as switch-new */
#define vale_switch_set_policy vale_switch_new_policy

static const struct nla_policy vale_switch_name_policy[VALE_A_SWITCH_MAX + 1] = {
	[VALE_A_SWITCH_NAME] = VALE_NLA_NAME,
};

static const struct nla_policy vale_port_new_policy[VALE_A_PORT_MAX + 1] = {
	[VALE_A_PORT_SWITCH] = VALE_NLA_NAME,
	[VALE_A_PORT_NAME] = VALE_NLA_NAME,
	[VALE_A_PORT_UID] = { .type = NLA_U32 },
	[VALE_A_PORT_GID] = { .type = NLA_U32 },
};

static const struct nla_policy vale_port_name_policy[VALE_A_PORT_MAX + 1] = {
	[VALE_A_PORT_SWITCH] = VALE_NLA_NAME,
	[VALE_A_PORT_NAME] = VALE_NLA_NAME,
};

static const struct nla_policy vale_netdev_policy[VALE_A_PORT_MAX + 1] = {
	[VALE_A_PORT_SWITCH] = VALE_NLA_NAME,
	[VALE_A_PORT_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[VALE_A_PORT_IFNAME] = VALE_NLA_IFNAME,
};

/* ---- helpers ---- */

/* Refuse a request without attribute @type, saying so (a literal). */
#define vale_nl_require(info, type, msg) ({				\
	struct genl_info *__info = (info);				\
	int __err = 0;							\
									\
	if (!__info->attrs[type]) {					\
		NL_SET_ERR_MSG(__info->extack, msg);			\
		NL_SET_ERR_ATTR_MISS(__info->extack, NULL, type);	\
		__err = -EINVAL;					\
	}								\
	__err;								\
})

/* Refuse a port request without switch name or port name. */
static int vale_nl_require_port(struct genl_info *info)
{
	int err = vale_nl_require(info, VALE_A_PORT_SWITCH,
				  "missing switch name");

	return err ?: vale_nl_require(info, VALE_A_PORT_NAME,
				      "missing port name");
}

/* A switch name is "vale" plus letters, digits, '_', '.', '-'. */
static int vale_nl_check_names(const struct nlattr *swa,
			       const struct nlattr *pa,
			       struct netlink_ext_ack *extack)
{
	char full[VALE_NAME_MAX], sw[VALE_NAME_MAX], port[VALE_NAME_MAX];
	int n;

	n = snprintf(full, sizeof(full), "%s:%s", (const char *)nla_data(swa),
		     pa ? (const char *)nla_data(pa) : "p");
	if (n >= (int)sizeof(full)) {
		NL_SET_ERR_MSG_ATTR(extack, pa ?: swa,
				    "\"switch:port\" is longer than 63 bytes");
		return -ENAMETOOLONG;
	}
	if (vale_name_parse(full, sw, port) || strcmp(sw, nla_data(swa))) {
		/* tell which part is wrong */
		n = snprintf(full, sizeof(full), "%s:p",
			     (const char *)nla_data(swa));
		if (n >= (int)sizeof(full) || vale_name_parse(full, sw, port) ||
		    strcmp(sw, nla_data(swa)) || !pa)
			NL_SET_ERR_MSG_ATTR(extack, swa,
					    "bad switch name: \"vale\" and at least one of [A-Za-z0-9_.-]");
		else
			NL_SET_ERR_MSG_ATTR(extack, pa,
					    "bad port name: one or more of [A-Za-z0-9_.-]");
		return -EINVAL;
	}
	return 0;
}

/* Refuse a request without a valid switch name in attribute @type. */
static int vale_nl_require_switch(struct genl_info *info, int type)
{
	return vale_nl_require(info, type, "missing switch name") ?:
	       vale_nl_check_names(info->attrs[type], NULL, info->extack);
}

static struct vale_switch *vale_nl_switch(const struct nlattr *a,
					  struct netlink_ext_ack *extack)
{
	struct vale_switch *sw = vale_switch_lookup(nla_data(a));

	if (!sw)
		NL_SET_ERR_MSG_ATTR(extack, a, "no such switch");
	return sw;
}

static struct user_namespace *vale_nl_userns(const struct sk_buff *skb)
{
	const struct sock *sk = NETLINK_CB(skb).sk;

	return sk && sk->sk_socket ? sk_user_ns(sk) : &init_user_ns;
}

/* Answer a request with @msg, or free it and fail with @err. */
static int vale_nl_reply(struct sk_buff *msg, struct genl_info *info, int err)
{
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* ---- messages ---- */

static int vale_nl_fill_switch(struct sk_buff *msg, struct vale_switch *sw,
			       u32 portid, u32 seq, int flags, u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &vale_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(msg, VALE_A_SWITCH_NAME, sw->name) ||
	    nla_put_u8(msg, VALE_A_SWITCH_RESTRICTED, sw->restricted) ||
	    nla_put_u32(msg, VALE_A_SWITCH_LOOKUP, sw->lookup_mode) ||
	    nla_put_u32(msg, VALE_A_SWITCH_BATCH, READ_ONCE(sw->batch)) ||
	    nla_put_u8(msg, VALE_A_SWITCH_PERSISTENT, sw->persistent) ||
	    nla_put_u32(msg, VALE_A_SWITCH_NPORTS, sw->nports)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

static int vale_nl_put_stats(struct sk_buff *msg, struct vale_port *port)
{
	struct vale_port_xstats x;
	struct vale_port_stats st;
	struct nlattr *nest;

	port->ops->get_stats(port, &st, &x);
	nest = nla_nest_start(msg, VALE_A_PORT_STATS);
	if (!nest)
		return -EMSGSIZE;
#define PUT(a, v) nla_put_u64_64bit(msg, VALE_A_STATS_##a, v, VALE_A_STATS_PAD)
	if (PUT(TX_PACKETS, st.tx_packets) || PUT(TX_BYTES, st.tx_bytes) ||
	    PUT(RX_PACKETS, st.rx_packets) || PUT(RX_BYTES, st.rx_bytes) ||
	    PUT(DROP_BAD_SLOT, st.drop_bad_slot) ||
	    PUT(DROP_BAD_FRAG, st.drop_bad_frag) ||
	    PUT(DROP_RING_FULL, st.drop_ring_full) ||
	    PUT(DROP_NO_DEST, st.drop_no_dest) ||
	    PUT(DROP_TOO_LONG, st.drop_too_long) ||
	    PUT(DROP_LINK_DOWN, x.link_down) || PUT(DROP_XMIT, x.xmit) ||
	    PUT(DROP_RX_ERROR, x.rx_error) ||
	    PUT(DROP_RECURSION, x.recursion)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
#undef PUT
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * A port: a live one (@port, bound or attached, possibly admin-created
 * through port->resv) or an admin-created one nobody has open (@r).
 */
static int vale_nl_fill_port(struct sk_buff *msg, struct vale_switch *sw,
			     struct vale_port *port, struct vale_resv *r,
			     struct user_namespace *ns, bool stats,
			     u32 portid, u32 seq, int flags, u8 cmd)
{
	void *hdr;

	if (port)
		r = port->resv;
	hdr = genlmsg_put(msg, portid, seq, &vale_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(msg, VALE_A_PORT_SWITCH, sw->name) ||
	    nla_put_string(msg, VALE_A_PORT_NAME, port ? port->name : r->name) ||
	    nla_put_u32(msg, VALE_A_PORT_KIND, port ? port->ops->kind :
			VALE_PORT_KIND_RING) ||
	    nla_put_u8(msg, VALE_A_PORT_ADMIN, port ? port->ops->admin || r : 1) ||
	    nla_put_u8(msg, VALE_A_PORT_OPEN, !!port))
		goto err;
	if (port && nla_put_u32(msg, VALE_A_PORT_INDEX, port->idx))
		goto err;
	if (r && uid_valid(r->uid) &&
	    nla_put_u32(msg, VALE_A_PORT_UID, from_kuid_munged(ns, r->uid)))
		goto err;
	if (r && gid_valid(r->gid) &&
	    nla_put_u32(msg, VALE_A_PORT_GID, from_kgid_munged(ns, r->gid)))
		goto err;
	if (port && port->ops->fill && port->ops->fill(msg, port))
		goto err;
	if (port && stats && vale_nl_put_stats(msg, port))
		goto err;
	genlmsg_end(msg, hdr);
	return 0;
err:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

/* ---- events (a listener on the core's chain, switch.h) ---- */

static int vale_nl_event(struct notifier_block *nb, unsigned long cmd,
			 void *data)
{
	const struct vale_event *ev = data;
	struct sk_buff *msg;
	int err;

	lockdep_assert_held(&vale_mutex);
	vale_nl_gen++;		/* dumps see the change */
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NOTIFY_DONE;
	if (cmd == VALE_CMD_SWITCH_ADD_NTF || cmd == VALE_CMD_SWITCH_DEL_NTF ||
	    cmd == VALE_CMD_SWITCH_CHANGE_NTF)
		err = vale_nl_fill_switch(msg, ev->sw, 0, 0, 0, cmd);
	else
		err = vale_nl_fill_port(msg, ev->sw, ev->port, ev->resv,
					&init_user_ns, false, 0, 0, 0, cmd);
	if (err) {
		nlmsg_free(msg);
		return NOTIFY_DONE;
	}
	genlmsg_multicast_allns(&vale_genl_family, msg, 0, VALE_MCGRP_EVENTS);
	return NOTIFY_DONE;
}

static struct notifier_block vale_nl_notifier = {
	.notifier_call = vale_nl_event,
};

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

static int vale_nl_switch_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *na = info->attrs[VALE_A_SWITCH_NAME];
	struct vale_switch *sw;
	int err;

	err = vale_nl_require_switch(info, VALE_A_SWITCH_NAME);
	if (err)
		return err;
	mutex_lock(&vale_mutex);
	if (vale_switch_lookup(nla_data(na))) {
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

static int vale_nl_switch_set(struct sk_buff *skb, struct genl_info *info)
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

static int vale_nl_switch_del(struct sk_buff *skb, struct genl_info *info)
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

static int vale_nl_switch_get(struct sk_buff *skb, struct genl_info *info)
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

static struct nlattr **vale_nl_dump_attrs(struct netlink_callback *cb)
{
#ifdef VALE_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

static int vale_nl_switch_dump(struct sk_buff *skb, struct netlink_callback *cb)
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
		if (na && strcmp(sw->name, nla_data(na)))
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

/* ---- port operations ---- */

static int vale_nl_port_new(struct sk_buff *skb, struct genl_info *info)
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

static int vale_nl_port_del(struct sk_buff *skb, struct genl_info *info)
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

static int vale_nl_port_get(struct sk_buff *skb, struct genl_info *info)
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
static int vale_nl_port_dump(struct sk_buff *skb, struct netlink_callback *cb)
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
		if (swa && strcmp(sw->name, nla_data(swa))) {
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

static int vale_nl_attach(struct sk_buff *skb, struct genl_info *info)
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

static int vale_nl_detach(struct sk_buff *skb, struct genl_info *info)
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

/* ---- the family ---- */

static const struct genl_ops vale_genl_ops[] = {
	{
		.cmd = VALE_CMD_SWITCH_NEW,
		.doit = vale_nl_switch_new,
		.policy = vale_switch_new_policy,
		.maxattr = VALE_A_SWITCH_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VALE_CMD_SWITCH_DEL,
		.doit = vale_nl_switch_del,
		.policy = vale_switch_name_policy,
		.maxattr = VALE_A_SWITCH_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VALE_CMD_SWITCH_GET,
		.doit = vale_nl_switch_get,
		.dumpit = vale_nl_switch_dump,
		.policy = vale_switch_name_policy,
		.maxattr = VALE_A_SWITCH_MAX,
	},
	{
		.cmd = VALE_CMD_SWITCH_SET,
		.doit = vale_nl_switch_set,
		.policy = vale_switch_set_policy,
		.maxattr = VALE_A_SWITCH_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VALE_CMD_PORT_NEW,
		.doit = vale_nl_port_new,
		.policy = vale_port_new_policy,
		.maxattr = VALE_A_PORT_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VALE_CMD_PORT_DEL,
		.doit = vale_nl_port_del,
		.policy = vale_port_name_policy,
		.maxattr = VALE_A_PORT_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VALE_CMD_PORT_GET,
		.doit = vale_nl_port_get,
		.dumpit = vale_nl_port_dump,
		.policy = vale_port_name_policy,
		.maxattr = VALE_A_PORT_MAX,
	},
	{
		.cmd = VALE_CMD_NETDEV_ATTACH,
		.doit = vale_nl_attach,
		.policy = vale_netdev_policy,
		.maxattr = VALE_A_PORT_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VALE_CMD_NETDEV_DETACH,
		.doit = vale_nl_detach,
		.policy = vale_netdev_policy,
		.maxattr = VALE_A_PORT_MAX,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family vale_genl_family __ro_after_init = {
	.name		= VALE_GENL_NAME,
	.version	= VALE_GENL_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= vale_genl_ops,
	.n_ops		= ARRAY_SIZE(vale_genl_ops),
	.resv_start_op	= VALE_CMD_SWITCH_NEW,
	.mcgrps		= vale_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(vale_mcgrps),
};

int vale_nl_init(void)
{
	int err;

	err = genl_register_family(&vale_genl_family);
	if (err)
		return err;
	err = vale_event_register(&vale_nl_notifier);
	if (err)
		genl_unregister_family(&vale_genl_family);
	return err;
}

/* Stop events, unregister, then free what is left of the switches. */
void vale_nl_exit(void)
{
	vale_event_unregister(&vale_nl_notifier);
	genl_unregister_family(&vale_genl_family);
}
