// SPDX-License-Identifier: GPL-2.0
/*
 * vale: the switch registry (a list searched by name at registration, a
 * control-path operation) and port attach/detach.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/stringify.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/cred.h>
#include <linux/capability.h>
#include <linux/notifier.h>
#include <linux/rtnetlink.h>

#include "switch.h"
#include "port.h"

/*
 * vale_mutex: the registry and the control-plane state of every switch
 * (see the locking comment in switch.h).  Lock order:
 *
 *   RTNL -> vale_mutex		netlink operations on netdev ports, the
 *				netdevice notifier (netdev.c)
 *   vale_file.lock -> vale_mutex	VALE_IOC_REGISTER (port.c)
 *   vale_mutex -> rx vale_kring.lock	counters (vale_port_get_stats())
 *   tx vale_kring.sync_lock -> rx vale_kring.lock (of other ports)
 *				forwarding (fwd.c), also through
 *				dev_queue_xmit() into another switch
 *
 * vale_mutex and a tx ring's sync_lock never nest: nothing under
 * vale_mutex waits for a sync a user can keep busy (port get/dump read
 * the tx counters without it), and a sync never takes vale_mutex.
 * RTNL is never taken under vale_mutex.  Nothing sleeps for an RCU grace
 * period under vale_mutex (vale_switch_detach() drops it).
 */
DEFINE_MUTEX(vale_mutex);
LIST_HEAD(vale_switches);

/* Listeners of switch and port events (switch.h), under vale_mutex. */
static RAW_NOTIFIER_HEAD(vale_event_chain);

int vale_event_register(struct notifier_block *nb)
{
	int err;

	mutex_lock(&vale_mutex);
	err = raw_notifier_chain_register(&vale_event_chain, nb);
	mutex_unlock(&vale_mutex);
	return err;
}

void vale_event_unregister(struct notifier_block *nb)
{
	mutex_lock(&vale_mutex);
	raw_notifier_chain_unregister(&vale_event_chain, nb);
	mutex_unlock(&vale_mutex);
}

static void vale_event(struct vale_switch *sw, struct vale_port *port,
		       struct vale_resv *r, u8 cmd)
{
	struct vale_event ev = { .sw = sw, .port = port, .resv = r };

	lockdep_assert_held(&vale_mutex);
	raw_notifier_call_chain(&vale_event_chain, cmd, &ev);
}

void vale_notify_switch(struct vale_switch *sw, u8 cmd)
{
	vale_event(sw, NULL, NULL, cmd);
}

void vale_notify_port(struct vale_port *port, u8 cmd)
{
	vale_event(port->sw, port, NULL, cmd);
}

void vale_notify_resv(struct vale_switch *sw, struct vale_resv *r, u8 cmd)
{
	vale_event(sw, r->port, r, cmd);
}

void vale_notify_pair(struct vale_switch *sw, const struct vale_pair *p,
		      u8 cmd)
{
	struct vale_event ev = { .sw = sw, .pair = p };

	lockdep_assert_held(&vale_mutex);
	raw_notifier_call_chain(&vale_event_chain, cmd, &ev);
}

/*
 * Forwarding batch of switches created from now on.  A stopgap until the
 * netlink interface sets it per switch.  Written through sysfs (under the
 * kernel's param lock) and read at switch creation: WRITE_ONCE/READ_ONCE.
 */
static unsigned int vale_default_batch = VALE_DEF_BATCH;

static int vale_default_batch_set(const char *val,
				  const struct kernel_param *kp)
{
	unsigned int n;
	int err;

	err = kstrtouint(val, 0, &n);
	if (err)
		return err;
	if (n < 1 || n > VALE_MAX_BATCH)
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, n);
	return 0;
}

static const struct kernel_param_ops vale_default_batch_ops = {
	.set = vale_default_batch_set,
	.get = param_get_uint,
};

module_param_cb(default_batch, &vale_default_batch_ops, &vale_default_batch,
		0644);
MODULE_PARM_DESC(default_batch,
		 "forwarding batch (slots) of switches created from now on, 1.."
		 __stringify(VALE_MAX_BATCH) " (default "
		 __stringify(VALE_DEF_BATCH) ")");

static struct vale_switch *vale_switch_find(const char *name)
{
	struct vale_switch *sw;

	lockdep_assert_held(&vale_mutex);
	list_for_each_entry(sw, &vale_switches, node)
		if (!strcmp(sw->name, name))
			return sw;
	return NULL;
}

static struct vale_switch *vale_switch_create(const char *name)
{
	struct vale_switch *sw;

	lockdep_assert_held(&vale_mutex);
	sw = kvzalloc(sizeof(*sw), GFP_KERNEL_ACCOUNT);
	if (!sw)
		return NULL;
	strscpy(sw->name, name, sizeof(sw->name));
	INIT_LIST_HEAD(&sw->port_list);
	sw->batch = READ_ONCE(vale_default_batch);
	sw->lookup = vale_lookup_learn;
	sw->lookup_priv = &sw->mac;
	INIT_LIST_HEAD(&sw->resv_list);
	sw->lookup_mode = VALE_LOOKUP_LEARNING;
	vale_steer_init(&sw->steer);
	list_add_tail(&sw->node, &vale_switches);
	return sw;
}

struct vale_resv *vale_resv_find(struct vale_switch *sw, const char *name)
{
	struct vale_resv *r;

	list_for_each_entry(r, &sw->resv_list, node)
		if (!strcmp(r->name, name))
			return r;
	return NULL;
}

struct vale_port *vale_switch_port_find(struct vale_switch *sw,
					const char *name)
{
	struct vale_port *p;

	list_for_each_entry(p, &sw->port_list, node)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

/*
 * May the caller open admin-created port @r: no owner set, its uid is the
 * caller's effective uid, its gid one of the caller's groups, or the
 * caller has CAP_NET_ADMIN (switches are global: initial namespace).
 */
static bool vale_resv_may_open(const struct vale_resv *r)
{
	if (!uid_valid(r->uid) && !gid_valid(r->gid))
		return true;
	if (uid_valid(r->uid) && uid_eq(current_euid(), r->uid))
		return true;
	if (gid_valid(r->gid) && in_egroup_p(r->gid))
		return true;
	return capable(CAP_NET_ADMIN);
}

/* Publish @port on @sw as @pname.  Under vale_mutex. */
static int vale_switch_add_port(struct vale_switch *sw,
				struct vale_port *port, const char *pname)
{
	unsigned long idx;

	lockdep_assert_held(&vale_mutex);
	if (vale_switch_port_find(sw, pname))
		return -EBUSY;
	idx = find_first_zero_bit(sw->busy, VALE_SW_MAX_PORTS);
	if (idx >= VALE_SW_MAX_PORTS)
		return -ENOSPC;
	strscpy(port->name, pname, sizeof(port->name));
	port->sw = sw;
	port->idx = idx;
	__set_bit(idx, sw->busy);
	sw->nports++;
	WRITE_ONCE(sw->max_idx, max_t(u32, sw->max_idx, idx + 1));
	list_add_tail(&port->node, &sw->port_list);
	rcu_assign_pointer(sw->ports[idx], port);
	return 0;
}

struct vale_switch *vale_switch_lookup(const char *name)
{
	return vale_switch_find(name);
}

struct vale_switch *vale_switch_visible(const char *name)
{
	struct vale_switch *sw = vale_switch_find(name);

	return sw && !sw->dying ? sw : NULL;
}

struct vale_switch *vale_switch_new(const char *name)
{
	return vale_switch_create(name);
}

void vale_switch_put(struct vale_switch *sw)
{
	lockdep_assert_held(&vale_mutex);
	if (sw->nports || sw->persistent || !list_empty(&sw->resv_list))
		return;
	vale_notify_switch(sw, VALE_CMD_SWITCH_DEL_NTF);
	list_del(&sw->node);
	vale_steer_destroy(&sw->steer);
	kvfree(sw);
}

void vale_resv_add(struct vale_switch *sw, struct vale_resv *r)
{
	lockdep_assert_held(&vale_mutex);
	list_add_tail(&r->node, &sw->resv_list);
	vale_notify_resv(sw, r, VALE_CMD_PORT_ADD_NTF);
}

void vale_resv_del(struct vale_switch *sw, struct vale_resv *r)
{
	lockdep_assert_held(&vale_mutex);
	vale_notify_resv(sw, r, VALE_CMD_PORT_DEL_NTF);
	list_del(&r->node);
	kfree(r);
}

int vale_switch_delete(struct vale_switch *sw)
{
	char name[VALE_NAME_MAX];
	struct vale_resv *r, *tmp;
	struct vale_port *p;

	ASSERT_RTNL();
	lockdep_assert_held(&vale_mutex);
	list_for_each_entry(p, &sw->port_list, node)
		if (!p->ops->detach)
			return -EBUSY;
	/* no ring port is open, so no reservation is bound */
	list_for_each_entry_safe(r, tmp, &sw->resv_list, node)
		vale_resv_del(sw, r);
	/*
	 * Nobody joins or sees it while its other ports go, with vale_mutex
	 * dropped (a port-new then would keep it alive); the last port
	 * frees it.  A switch of the same name found below that is not
	 * dying is a new one, not ours.
	 */
	sw->persistent = false;
	sw->dying = true;
	strscpy(name, sw->name, sizeof(name));
	vale_switch_put(sw);
	for (;;) {
		p = NULL;
		sw = vale_switch_find(name);
		if (sw && sw->dying)
			p = list_first_entry_or_null(&sw->port_list,
						     struct vale_port, node);
		if (!p || !p->ops->detach)
			break;
		mutex_unlock(&vale_mutex);
		p->ops->detach(p);
		mutex_lock(&vale_mutex);
	}
	return 0;
}

void vale_switch_free_all(void)
{
	struct vale_switch *sw, *tsw;
	struct vale_resv *r, *tr;

	mutex_lock(&vale_mutex);
	list_for_each_entry_safe(sw, tsw, &vale_switches, node) {
		list_for_each_entry_safe(r, tr, &sw->resv_list, node) {
			list_del(&r->node);
			kfree(r);
		}
		sw->persistent = false;
		vale_switch_put(sw);
	}
	mutex_unlock(&vale_mutex);
}

void vale_switch_set_lookup(struct vale_switch *sw, u8 mode)
{
	lockdep_assert_held(&vale_mutex);
	/*
	 * lookup_priv is the MAC table in every mode (the rules lookup
	 * finds the switch from it): only lookup changes.
	 */
	sw->lookup_mode = mode;
	switch (mode) {
	case VALE_LOOKUP_P2P:
		WRITE_ONCE(sw->lookup, vale_lookup_p2p);
		break;
	case VALE_LOOKUP_RULES:
		WRITE_ONCE(sw->lookup, vale_lookup_rules);
		break;
	default:
		WRITE_ONCE(sw->lookup, vale_lookup_learn);
		break;
	}
}

int vale_switch_attach_admin(struct vale_port *port, struct vale_switch *sw,
			     const char *pname)
{
	int err;

	lockdep_assert_held(&vale_mutex);
	if (vale_resv_find(sw, pname))
		return -EBUSY;
	err = vale_switch_add_port(sw, port, pname);
	if (!err)
		vale_notify_port(port, VALE_CMD_PORT_ADD_NTF);
	return err;
}

int vale_switch_attach(struct vale_port *port, const char *swname,
		       const char *pname)
{
	struct vale_switch *sw;
	struct vale_resv *r;
	int err = 0;

	mutex_lock(&vale_mutex);
	sw = vale_switch_find(swname);
	if (!sw) {
		sw = vale_switch_create(swname);
		if (!sw) {
			err = -ENOMEM;
			goto out;
		}
		vale_notify_switch(sw, VALE_CMD_SWITCH_ADD_NTF);
	}
	/* restricted switches: admin-created ports only, owners only */
	r = vale_resv_find(sw, pname);
	if (sw->dying)
		err = -EPERM;	/* switch-del under way: nobody joins */
	else if (r && r->port)
		err = -EBUSY;
	else if (r && !vale_resv_may_open(r))
		err = -EPERM;
	else if (!r && sw->restricted)
		err = -EPERM;
	if (!err)
		err = vale_switch_add_port(sw, port, pname);
	if (err) {
		/* a switch we just created has no port: drop it again */
		vale_switch_put(sw);
		goto out;
	}
	if (r) {
		r->port = port;
		port->resv = r;
	}
	vale_notify_port(port, r ? VALE_CMD_PORT_CHANGE_NTF :
			    VALE_CMD_PORT_ADD_NTF);
out:
	mutex_unlock(&vale_mutex);
	return err;
}

void vale_switch_detach(struct vale_port *port)
{
	struct vale_switch *sw = port->sw;
	struct vale_resv *r = port->resv;
	unsigned long idx;

	mutex_lock(&vale_mutex);
	RCU_INIT_POINTER(sw->ports[port->idx], NULL);
	list_del(&port->node);
	if (r) {
		/* an admin-created port stays, closed */
		r->port = NULL;
		port->resv = NULL;
		vale_notify_resv(sw, r, VALE_CMD_PORT_CHANGE_NTF);
	} else {
		vale_notify_port(port, VALE_CMD_PORT_DEL_NTF);
	}
	mutex_unlock(&vale_mutex);

	/* Forwarders that saw the port are done with it after this. */
	synchronize_rcu();
	/* Nothing learns on idx any more; flush before idx can be reused. */
	vale_mac_table_flush_port(&sw->mac, port->idx);

	mutex_lock(&vale_mutex);
	__clear_bit(port->idx, sw->busy);
	idx = find_last_bit(sw->busy, VALE_SW_MAX_PORTS);
	WRITE_ONCE(sw->max_idx, idx >= VALE_SW_MAX_PORTS ? 0 : idx + 1);
	sw->nports--;
	vale_switch_put(sw);
	mutex_unlock(&vale_mutex);

	port->sw = NULL;
}
