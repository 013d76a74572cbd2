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
 * Files: this one has the family, the policies (nl_rule.c keeps those of
 * the rule operations), the operation table and the event listener;
 * nl_msg.c the request checks and the messages;
 * nl_switch.c, nl_port.c and nl_rule.c the operations (nl_priv.h between
 * them).
 *
 * Locking: RTNL (when netdevs are involved) before vale_mutex (the order
 * is written at vale_mutex, switch.c).
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

#include "switch.h"
#include "netlink.h"
#include "nl_priv.h"

unsigned int vale_nl_gen;	/* under vale_mutex: dump consistency */

enum vale_mcgrp_ids {
	VALE_MCGRP_EVENTS,
};

static const struct genl_multicast_group vale_mcgrps[] = {
	[VALE_MCGRP_EVENTS] = { .name = VALE_GENL_MCGRP_EVENTS },
};

/* ---- policies, one per operation ---- */

#define VALE_NLA_IFNAME	{ .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 }

static const struct nla_policy vale_switch_new_policy[VALE_A_SWITCH_MAX + 1] = {
	[VALE_A_SWITCH_NAME] = VALE_NLA_NAME,
	[VALE_A_SWITCH_RESTRICTED] = NLA_POLICY_MAX(NLA_U8, 1),
	[VALE_A_SWITCH_LOOKUP] = NLA_POLICY_MAX(NLA_U32, VALE_LOOKUP_RULES),
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
	else if (cmd == VALE_CMD_P2P_UP_NTF || cmd == VALE_CMD_P2P_DOWN_NTF)
		err = vale_nl_fill_pair(msg, ev->sw, ev->pair, cmd);
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
	{
		.cmd = VALE_CMD_RULE_NEW,
		.doit = vale_nl_rule_new,
		.policy = vale_rule_new_policy,
		.maxattr = VALE_A_RULE_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VALE_CMD_RULE_DEL,
		.doit = vale_nl_rule_del,
		.policy = vale_rule_id_policy,
		.maxattr = VALE_A_RULE_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VALE_CMD_RULE_SET,
		.doit = vale_nl_rule_set,
		.policy = vale_rule_new_policy,
		.maxattr = VALE_A_RULE_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VALE_CMD_RULE_GET,
		.doit = vale_nl_rule_get,
		.dumpit = vale_nl_rule_dump,
		.policy = vale_rule_id_policy,
		.maxattr = VALE_A_RULE_MAX,
	},
	{
		.cmd = VALE_CMD_RULE_FLUSH,
		.doit = vale_nl_rule_flush,
		.policy = vale_rule_switch_policy,
		.maxattr = VALE_A_RULE_MAX,
		.flags = GENL_ADMIN_PERM,
	},
};

struct genl_family vale_genl_family __ro_after_init = {
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
