// SPDX-License-Identifier: GPL-2.0
/*
 * vale netlink: steering rules over the "vale" generic netlink family (rule-new,
 * rule-set, rule-del, rule-get, rule-flush) and the messages that show
 * point-to-point pairs (in switch messages, and the p2p-up and p2p-down
 * events).  Mutations need CAP_NET_ADMIN like every other one; reads are
 * open.  What a policy cannot say (which attributes go together) is
 * checked here, with an extack message naming the attribute.
 */
#include <linux/kernel.h>
#include <linux/etherdevice.h>
#include <linux/mutex.h>

#include "switch.h"
#include "steer.h"
#include "nl_priv.h"

const struct nla_policy vale_rule_new_policy[VALE_A_RULE_MAX + 1] = {
	[VALE_A_RULE_SWITCH] = VALE_NLA_NAME,
	[VALE_A_RULE_ID] = { .type = NLA_U32 },
	[VALE_A_RULE_PRIO] = { .type = NLA_U16 },
	[VALE_A_RULE_IN_PORT] = VALE_NLA_NAME,
	[VALE_A_RULE_DST] = NLA_POLICY_EXACT_LEN(ETH_ALEN),
	[VALE_A_RULE_VID] = NLA_POLICY_MAX(NLA_U32, 4095),
	[VALE_A_RULE_UNTAGGED] = { .type = NLA_FLAG },
	[VALE_A_RULE_ETHERTYPE] = { .type = NLA_U16 },
	[VALE_A_RULE_ACTION] = NLA_POLICY_MAX(NLA_U32, VALE_RULE_ACT_MAX),
	[VALE_A_RULE_OUT_PORT] = VALE_NLA_NAME,
};

const struct nla_policy vale_rule_id_policy[VALE_A_RULE_MAX + 1] = {
	[VALE_A_RULE_SWITCH] = VALE_NLA_NAME,
	[VALE_A_RULE_ID] = { .type = NLA_U32 },
};

const struct nla_policy vale_rule_switch_policy[VALE_A_RULE_MAX + 1] = {
	[VALE_A_RULE_SWITCH] = VALE_NLA_NAME,
};

/* ---- messages ---- */

static int vale_nl_put_pair(struct sk_buff *msg, const struct vale_pair *p)
{
	if (nla_put_string(msg, VALE_A_PAIR_PORT_A, p->name_a) ||
	    nla_put_string(msg, VALE_A_PAIR_PORT_B, p->name_b) ||
	    nla_put_u32(msg, VALE_A_PAIR_INDEX_A, p->a) ||
	    nla_put_u32(msg, VALE_A_PAIR_INDEX_B, p->b))
		return -EMSGSIZE;
	if (p->bypass && nla_put_flag(msg, VALE_A_PAIR_BYPASS))
		return -EMSGSIZE;
	if (p->has_rules &&
	    (nla_put_u32(msg, VALE_A_PAIR_RULE_A, p->rule_a) ||
	     nla_put_u32(msg, VALE_A_PAIR_RULE_B, p->rule_b)))
		return -EMSGSIZE;
	return 0;
}

/* The steering part of a switch message: counts, the first pairs. */
int vale_nl_put_steer(struct sk_buff *msg, struct vale_switch *sw)
{
	const struct vale_ruleset *rs = vale_steer_rules(sw);
	struct nlattr *nest;
	u32 i;

	if (nla_put_u32(msg, VALE_A_SWITCH_NRULES, rs ? rs->n : 0) ||
	    nla_put_u32(msg, VALE_A_SWITCH_NPAIRS, sw->steer.npairs))
		return -EMSGSIZE;
	for (i = 0; i < sw->steer.npairs && i < VALE_NL_MAX_PAIRS; i++) {
		nest = nla_nest_start(msg, VALE_A_SWITCH_PAIR);
		if (!nest || vale_nl_put_pair(msg, &sw->steer.pairs[i]))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	return 0;
}

int vale_nl_fill_pair(struct sk_buff *msg, struct vale_switch *sw,
		      const struct vale_pair *p, u8 cmd)
{
	void *hdr = genlmsg_put(msg, 0, 0, &vale_genl_family, 0, cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(msg, VALE_A_PAIR_SWITCH, sw->name) ||
	    vale_nl_put_pair(msg, p)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

static int vale_nl_fill_rule(struct sk_buff *msg, struct vale_switch *sw,
			     const struct vale_rule *r, u32 portid, u32 seq,
			     int flags)
{
	u64 packets, bytes;
	u8 mac[ETH_ALEN];
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &vale_genl_family, flags,
			  VALE_CMD_RULE_GET);
	if (!hdr)
		return -EMSGSIZE;
	vale_steer_counters(r, &packets, &bytes);
	vale_rule_dmac(r->dkey, mac);
	if (nla_put_string(msg, VALE_A_RULE_SWITCH, sw->name) ||
	    nla_put_u32(msg, VALE_A_RULE_ID, r->id) ||
	    nla_put_u16(msg, VALE_A_RULE_PRIO, r->prio) ||
	    nla_put_u32(msg, VALE_A_RULE_ACTION, r->action) ||
	    ((r->match & VALE_RULE_M_IN_PORT) &&
	     nla_put_string(msg, VALE_A_RULE_IN_PORT, r->in_name)) ||
	    ((r->match & VALE_RULE_M_DST) &&
	     nla_put(msg, VALE_A_RULE_DST, ETH_ALEN, mac)) ||
	    ((r->match & VALE_RULE_M_VID) && r->vid == VALE_RULE_VID_UNTAGGED &&
	     nla_put_flag(msg, VALE_A_RULE_UNTAGGED)) ||
	    ((r->match & VALE_RULE_M_VID) && r->vid != VALE_RULE_VID_UNTAGGED &&
	     nla_put_u32(msg, VALE_A_RULE_VID, r->vid)) ||
	    ((r->match & VALE_RULE_M_ETHERTYPE) &&
	     nla_put_u16(msg, VALE_A_RULE_ETHERTYPE, r->ethertype)) ||
	    (r->action == VALE_RULE_ACT_OUTPUT &&
	     nla_put_string(msg, VALE_A_RULE_OUT_PORT, r->out_name)) ||
	    nla_put_u64_64bit(msg, VALE_A_RULE_PACKETS, packets,
			      VALE_A_RULE_PAD) ||
	    nla_put_u64_64bit(msg, VALE_A_RULE_BYTES, bytes, VALE_A_RULE_PAD)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

/* ---- requests ---- */

/* A port name attribute: a valid port name of switch @swa, into @out. */
static int vale_nl_rule_port(struct nlattr *swa, struct nlattr *pa, char *out,
			     struct netlink_ext_ack *extack)
{
	int err = vale_nl_check_names(swa, pa, extack);

	if (!err)
		strscpy(out, nla_data(pa), VALE_NAME_MAX);
	return err;
}

/* The rule a rule-new or rule-set request describes, into @r. */
static int vale_nl_parse_rule(struct genl_info *info, struct vale_rule *r)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **a = info->attrs;
	u32 act;
	int err;

	memset(r, 0, sizeof(*r));
	err = vale_nl_require(info, VALE_A_RULE_ID, "missing rule id") ?:
	      vale_nl_require(info, VALE_A_RULE_ACTION, "missing action");
	if (err)
		return err;
	r->id = nla_get_u32(a[VALE_A_RULE_ID]);
	if (a[VALE_A_RULE_PRIO])
		r->prio = nla_get_u16(a[VALE_A_RULE_PRIO]);
	act = nla_get_u32(a[VALE_A_RULE_ACTION]);
	r->action = act;
	if (a[VALE_A_RULE_IN_PORT]) {
		err = vale_nl_rule_port(a[VALE_A_RULE_SWITCH],
					a[VALE_A_RULE_IN_PORT], r->in_name,
					extack);
		if (err)
			return err;
		r->match |= VALE_RULE_M_IN_PORT;
	}
	if (a[VALE_A_RULE_DST]) {
		r->dkey = vale_rule_dkey(nla_data(a[VALE_A_RULE_DST]));
		r->match |= VALE_RULE_M_DST;
	}
	if (a[VALE_A_RULE_VID] && a[VALE_A_RULE_UNTAGGED]) {
		NL_SET_ERR_MSG_ATTR(extack, a[VALE_A_RULE_UNTAGGED],
				    "a vid and untagged exclude each other");
		return -EINVAL;
	}
	if (a[VALE_A_RULE_VID]) {
		r->vid = nla_get_u32(a[VALE_A_RULE_VID]);
		r->match |= VALE_RULE_M_VID;
	} else if (a[VALE_A_RULE_UNTAGGED]) {
		r->vid = VALE_RULE_VID_UNTAGGED;
		r->match |= VALE_RULE_M_VID;
	}
	if (a[VALE_A_RULE_ETHERTYPE]) {
		r->ethertype = nla_get_u16(a[VALE_A_RULE_ETHERTYPE]);
		r->match |= VALE_RULE_M_ETHERTYPE;
	}
	if (act == VALE_RULE_ACT_OUTPUT && !a[VALE_A_RULE_OUT_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, a[VALE_A_RULE_ACTION],
				    "action output needs an output port");
		NL_SET_ERR_ATTR_MISS(extack, NULL, VALE_A_RULE_OUT_PORT);
		return -EINVAL;
	}
	if (act != VALE_RULE_ACT_OUTPUT && a[VALE_A_RULE_OUT_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, a[VALE_A_RULE_OUT_PORT],
				    "an output port only goes with action output");
		return -EINVAL;
	}
	if (a[VALE_A_RULE_OUT_PORT])
		return vale_nl_rule_port(a[VALE_A_RULE_SWITCH],
					 a[VALE_A_RULE_OUT_PORT], r->out_name,
					 extack);
	return 0;
}

static int vale_nl_rule_change(struct genl_info *info, bool replace)
{
	struct vale_switch *sw;
	struct vale_rule r;
	int err;

	err = vale_nl_require_switch(info, VALE_A_RULE_SWITCH) ?:
	      vale_nl_parse_rule(info, &r);
	if (err)
		return err;
	mutex_lock(&vale_mutex);
	sw = vale_nl_switch(info->attrs[VALE_A_RULE_SWITCH], info->extack);
	err = sw ? vale_steer_add(sw, &r, replace, info->extack) : -ENOENT;
	if (!err)
		vale_notify_switch(sw, VALE_CMD_SWITCH_CHANGE_NTF);
	mutex_unlock(&vale_mutex);
	return err;
}

int vale_nl_rule_new(struct sk_buff *skb, struct genl_info *info)
{
	return vale_nl_rule_change(info, false);
}

int vale_nl_rule_set(struct sk_buff *skb, struct genl_info *info)
{
	return vale_nl_rule_change(info, true);
}

int vale_nl_rule_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vale_switch *sw;
	int err;

	err = vale_nl_require_switch(info, VALE_A_RULE_SWITCH) ?:
	      vale_nl_require(info, VALE_A_RULE_ID, "missing rule id");
	if (err)
		return err;
	mutex_lock(&vale_mutex);
	sw = vale_nl_switch(info->attrs[VALE_A_RULE_SWITCH], info->extack);
	err = sw ? vale_steer_del(sw, nla_get_u32(info->attrs[VALE_A_RULE_ID]),
				  info->extack) : -ENOENT;
	if (!err)
		vale_notify_switch(sw, VALE_CMD_SWITCH_CHANGE_NTF);
	mutex_unlock(&vale_mutex);
	return err;
}

int vale_nl_rule_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct vale_switch *sw;
	int err;

	err = vale_nl_require_switch(info, VALE_A_RULE_SWITCH);
	if (err)
		return err;
	mutex_lock(&vale_mutex);
	sw = vale_nl_switch(info->attrs[VALE_A_RULE_SWITCH], info->extack);
	if (sw) {
		vale_steer_flush(sw);
		vale_notify_switch(sw, VALE_CMD_SWITCH_CHANGE_NTF);
	}
	mutex_unlock(&vale_mutex);
	return sw ? 0 : -ENOENT;
}

int vale_nl_rule_get(struct sk_buff *skb, struct genl_info *info)
{
	const struct vale_ruleset *rs;
	struct vale_switch *sw;
	struct sk_buff *msg;
	int err, i;

	err = vale_nl_require_switch(info, VALE_A_RULE_SWITCH) ?:
	      vale_nl_require(info, VALE_A_RULE_ID, "missing rule id");
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&vale_mutex);
	sw = vale_nl_switch(info->attrs[VALE_A_RULE_SWITCH], info->extack);
	if (!sw) {
		err = -ENOENT;
		goto out;
	}
	rs = vale_steer_rules(sw);
	i = vale_ruleset_index(rs, nla_get_u32(info->attrs[VALE_A_RULE_ID]));
	if (i < 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VALE_A_RULE_ID],
				    "no rule with this id");
		err = -ENOENT;
		goto out;
	}
	err = vale_nl_fill_rule(msg, sw, &rs->rule[i], info->snd_portid,
				info->snd_seq, 0);
out:
	mutex_unlock(&vale_mutex);
	return vale_nl_reply(msg, info, err);
}

/* Every rule of every switch (or of the one named), in table order. */
int vale_nl_rule_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr *na = vale_nl_dump_attrs(cb)[VALE_A_RULE_SWITCH];
	const struct vale_ruleset *rs;
	struct vale_switch *sw;
	long s = 0, i;
	int err = 0;

	mutex_lock(&vale_mutex);
	cb->seq = vale_nl_gen;
	list_for_each_entry(sw, &vale_switches, node) {
		if (s++ < cb->args[0])
			continue;
		if (sw->dying || (na && strcmp(sw->name, nla_data(na))))
			continue;
		rs = vale_steer_rules(sw);
		for (i = cb->args[1]; rs && i < rs->n; i++) {
			err = vale_nl_fill_rule(skb, sw, &rs->rule[i],
						NETLINK_CB(cb->skb).portid,
						cb->nlh->nlmsg_seq,
						NLM_F_MULTI);
			if (err)
				break;
			nl_dump_check_consistent(cb, nlmsg_hdr(skb));
		}
		if (err) {
			cb->args[1] = i;
			s--;
			break;
		}
		cb->args[1] = 0;
	}
	mutex_unlock(&vale_mutex);
	cb->args[0] = s;
	return err && !skb->len ? err : skb->len;
}
