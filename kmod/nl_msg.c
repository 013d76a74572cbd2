// SPDX-License-Identifier: GPL-2.0
/*
 * vale netlink: checks every request needs (names, presence) and the
 * switch and port messages that answers, dumps and events share.
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
#include "param.h"
#include "nl_priv.h"

int vale_nl_require_port(struct genl_info *info)
{
	int err = vale_nl_require(info, VALE_A_PORT_SWITCH,
				  "missing switch name");

	return err ?: vale_nl_require(info, VALE_A_PORT_NAME,
				      "missing port name");
}

/* A switch name is "vale" plus letters, digits, '_', '.', '-'. */
int vale_nl_check_names(const struct nlattr *swa, const struct nlattr *pa,
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
int vale_nl_require_switch(struct genl_info *info, int type)
{
	return vale_nl_require(info, type, "missing switch name") ?:
	       vale_nl_check_names(info->attrs[type], NULL, info->extack);
}

struct vale_switch *vale_nl_switch(const struct nlattr *a,
				   struct netlink_ext_ack *extack)
{
	struct vale_switch *sw = vale_switch_visible(nla_data(a));

	if (!sw)
		NL_SET_ERR_MSG_ATTR(extack, a, "no such switch");
	return sw;
}

struct user_namespace *vale_nl_userns(const struct sk_buff *skb)
{
	const struct sock *sk = NETLINK_CB(skb).sk;

	return sk && sk->sk_socket ? sk_user_ns(sk) : &init_user_ns;
}

/* Answer a request with @msg, or free it and fail with @err. */
int vale_nl_reply(struct sk_buff *msg, struct genl_info *info, int err)
{
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

struct nlattr **vale_nl_dump_attrs(struct netlink_callback *cb)
{
#ifdef VALE_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* ---- messages ---- */

int vale_nl_fill_switch(struct sk_buff *msg, struct vale_switch *sw,
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
	    nla_put_u32(msg, VALE_A_SWITCH_NPORTS, sw->nports) ||
	    vale_nl_put_steer(msg, sw)) {
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
	    PUT(DROP_RECURSION, x.recursion) ||
	    PUT(BYPASS_TX_PACKETS, st.bypass_tx_packets) ||
	    PUT(BYPASS_RX_PACKETS, st.bypass_rx_packets)) {
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
int vale_nl_fill_port(struct sk_buff *msg, struct vale_switch *sw,
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
