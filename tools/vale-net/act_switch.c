// SPDX-License-Identifier: GPL-2.0
/*
 * Switches and ports over the vale family (Documentation/control-plane.md):
 * every VNet switch is created persistent and restricted, so that only
 * the ports vale-net makes (owned ring ports, attached devices) exist on
 * it.  Also the context every action shares.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/vale.h>

#include "act.h"
#include "rtnl.h"

int vn_ctx_open(struct vn_ctx *c, struct vn_errs *e)
{
	int err;

	err = vnl_open(&c->genl);
	if (err) {
		vn_err(e, 0, "the vale netlink family: %s%s", strerror(-err),
		       err == -ENOENT ? " (is vale.ko loaded?)" : "");
		return err;
	}
	c->have_genl = true;
	err = rtnl_open(&c->rt);
	if (err) {
		vn_err(e, 0, "rtnetlink: %s", strerror(-err));
		vnl_close(&c->genl);
		c->have_genl = false;
	}
	return err;
}

void vn_ctx_close(struct vn_ctx *c)
{
	if (c->have_genl)
		vnl_close(&c->genl);
	vnl_close(&c->rt);
	c->have_genl = false;
}

int vn_fail(struct vn_ctx *c, const struct vnl *v, int err, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(c->err, sizeof(c->err), "%s: %s%s%s", what, strerror(-err),
		 v && v->errmsg[0] ? ": " : "", v ? v->errmsg : "");
	return err;
}

static char buf[8192];	/* MNL_SOCKET_BUFFER_SIZE at most */

static int talk(struct vn_ctx *c, struct nlmsghdr *nlh)
{
	return vnl_talk(&c->genl, nlh, vnl_ok_cb, NULL);
}

int act_switch_add(struct vn_ctx *c, const struct vn_vnet *v, const char *sw)
{
	char k[VN_KNAME];
	struct nlmsghdr *nlh;
	int err;

	vn_kswitch(k, v->host, v->name, sw);
	nlh = vnl_msg(&c->genl, buf, VALE_CMD_SWITCH_NEW, 0);
	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, k);
	mnl_attr_put_u8(nlh, VALE_A_SWITCH_RESTRICTED, 1);
	err = talk(c, nlh);
	return err ? vn_fail(c, &c->genl, err, "switch %s", k) : 0;
}

int act_switch_del(struct vn_ctx *c, const struct vn_vnet *v, const char *sw)
{
	char k[VN_KNAME];
	struct nlmsghdr *nlh;
	int err;

	vn_kswitch(k, v->host, v->name, sw);
	nlh = vnl_msg(&c->genl, buf, VALE_CMD_SWITCH_DEL, 0);
	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, k);
	err = talk(c, nlh);
	if (err == -ENOENT)
		return 0;
	return err ? vn_fail(c, &c->genl, err, "delete switch %s", k) : 0;
}

bool act_switch_exists(struct vn_ctx *c, const struct vn_vnet *v, const char *sw)
{
	char k[VN_KNAME];
	struct nlmsghdr *nlh;

	vn_kswitch(k, v->host, v->name, sw);
	nlh = vnl_msg(&c->genl, buf, VALE_CMD_SWITCH_GET, 0);
	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, k);
	return talk(c, nlh) == 0;
}

int act_port_add(struct vn_ctx *c, const char *ksw, const char *port, long uid,
		 long gid)
{
	struct nlmsghdr *nlh;
	int err;

	nlh = vnl_msg(&c->genl, buf, VALE_CMD_PORT_NEW, 0);
	mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, ksw);
	mnl_attr_put_strz(nlh, VALE_A_PORT_NAME, port);
	mnl_attr_put_u32(nlh, VALE_A_PORT_UID, uid < 0 ? 0 : uid);
	if (gid >= 0)
		mnl_attr_put_u32(nlh, VALE_A_PORT_GID, gid);
	err = talk(c, nlh);
	return err ? vn_fail(c, &c->genl, err, "port %s:%s", ksw, port) : 0;
}

int act_port_del(struct vn_ctx *c, const char *ksw, const char *port)
{
	struct nlmsghdr *nlh;
	int err;

	nlh = vnl_msg(&c->genl, buf, VALE_CMD_PORT_DEL, 0);
	mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, ksw);
	mnl_attr_put_strz(nlh, VALE_A_PORT_NAME, port);
	err = talk(c, nlh);
	if (err == -ENOENT)
		return 0;
	return err ? vn_fail(c, &c->genl, err, "delete port %s:%s", ksw, port) : 0;
}

bool act_port_exists(struct vn_ctx *c, const char *ksw, const char *port)
{
	struct nlmsghdr *nlh;

	nlh = vnl_msg(&c->genl, buf, VALE_CMD_PORT_GET, 0);
	mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, ksw);
	mnl_attr_put_strz(nlh, VALE_A_PORT_NAME, port);
	return talk(c, nlh) == 0;
}

int act_attach(struct vn_ctx *c, const char *ksw, const char *dev)
{
	struct nlmsghdr *nlh;
	int err;

	nlh = vnl_msg(&c->genl, buf, VALE_CMD_NETDEV_ATTACH, 0);
	mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, ksw);
	mnl_attr_put_strz(nlh, VALE_A_PORT_IFNAME, dev);
	err = talk(c, nlh);
	return err ? vn_fail(c, &c->genl, err, "attach %s to %s", dev, ksw) : 0;
}
