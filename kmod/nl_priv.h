/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale netlink: what netlink.c (the family, policies, events),
 * nl_msg.c (request checks, messages), nl_switch.c, nl_port.c and
 * nl_rule.c (the operations) share.  Not for the core: it hears of nothing here.
 */
#ifndef _VALE_NL_PRIV_H
#define _VALE_NL_PRIV_H

#include <net/genetlink.h>

struct vale_switch;
struct vale_port;
struct vale_resv;
struct vale_pair;
struct user_namespace;

/* A "switch" or "port" name attribute, as every policy takes it. */
#define VALE_NLA_NAME	{ .type = NLA_NUL_STRING, .len = VALE_NAME_MAX - 1 }

extern struct genl_family vale_genl_family;
/* Changes counted for dump consistency (cb->seq), under vale_mutex. */
extern unsigned int vale_nl_gen;

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

/* Refuse a port request without switch name or port name. */
int vale_nl_require_port(struct genl_info *info);
/* Refuse a bad switch name (@pa NULL) or "switch:port" name. */
int vale_nl_check_names(const struct nlattr *swa, const struct nlattr *pa,
			struct netlink_ext_ack *extack);
/* Refuse a request without a valid switch name in attribute @type. */
int vale_nl_require_switch(struct genl_info *info, int type);
/* The switch named by @a, or NULL with a message.  Under vale_mutex. */
struct vale_switch *vale_nl_switch(const struct nlattr *a,
				   struct netlink_ext_ack *extack);
/* The user namespace of the requester's socket. */
struct user_namespace *vale_nl_userns(const struct sk_buff *skb);
/* Answer a request with @msg, or free it and fail with @err. */
int vale_nl_reply(struct sk_buff *msg, struct genl_info *info, int err);
/* The parsed attributes of a dump request. */
struct nlattr **vale_nl_dump_attrs(struct netlink_callback *cb);

/* Messages; -EMSGSIZE when @msg is full.  Under vale_mutex. */
int vale_nl_fill_switch(struct sk_buff *msg, struct vale_switch *sw,
			u32 portid, u32 seq, int flags, u8 cmd);
/*
 * A port: a live one (@port, bound or attached, possibly admin-created
 * through port->resv) or an admin-created one nobody has open (@r).
 */
int vale_nl_fill_port(struct sk_buff *msg, struct vale_switch *sw,
		      struct vale_port *port, struct vale_resv *r,
		      struct user_namespace *ns, bool stats,
		      u32 portid, u32 seq, int flags, u8 cmd);

/* Operations (the table in netlink.c). */
int vale_nl_switch_new(struct sk_buff *skb, struct genl_info *info);
int vale_nl_switch_set(struct sk_buff *skb, struct genl_info *info);
int vale_nl_switch_del(struct sk_buff *skb, struct genl_info *info);
int vale_nl_switch_get(struct sk_buff *skb, struct genl_info *info);
int vale_nl_switch_dump(struct sk_buff *skb, struct netlink_callback *cb);
int vale_nl_port_new(struct sk_buff *skb, struct genl_info *info);
int vale_nl_port_del(struct sk_buff *skb, struct genl_info *info);
int vale_nl_port_get(struct sk_buff *skb, struct genl_info *info);
int vale_nl_port_dump(struct sk_buff *skb, struct netlink_callback *cb);
int vale_nl_attach(struct sk_buff *skb, struct genl_info *info);
int vale_nl_detach(struct sk_buff *skb, struct genl_info *info);

/* Steering rules and pairs (nl_rule.c). */
int vale_nl_put_steer(struct sk_buff *msg, struct vale_switch *sw);
int vale_nl_fill_pair(struct sk_buff *msg, struct vale_switch *sw,
		      const struct vale_pair *p, u8 cmd);
int vale_nl_rule_new(struct sk_buff *skb, struct genl_info *info);
int vale_nl_rule_set(struct sk_buff *skb, struct genl_info *info);
int vale_nl_rule_del(struct sk_buff *skb, struct genl_info *info);
int vale_nl_rule_get(struct sk_buff *skb, struct genl_info *info);
int vale_nl_rule_dump(struct sk_buff *skb, struct netlink_callback *cb);
int vale_nl_rule_flush(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy vale_rule_new_policy[];
extern const struct nla_policy vale_rule_id_policy[];
extern const struct nla_policy vale_rule_switch_policy[];

#endif /* _VALE_NL_PRIV_H */
