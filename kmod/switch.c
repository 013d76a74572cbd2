// SPDX-License-Identifier: GPL-2.0
/*
 * vale: the switch registry (a list searched by name at registration, a
 * control-path operation) and port attach/detach.
 */
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "switch.h"
#include "port.h"

/* See the locking comment in switch.h. */
static DEFINE_MUTEX(vale_mutex);
static LIST_HEAD(vale_switches);

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
	sw = kvzalloc(sizeof(*sw), GFP_KERNEL);
	if (!sw)
		return NULL;
	strscpy(sw->name, name, sizeof(sw->name));
	INIT_LIST_HEAD(&sw->port_list);
	sw->batch = VALE_DEF_BATCH;
	sw->lookup = vale_lookup_learn;
	sw->lookup_priv = &sw->mac;
	list_add_tail(&sw->node, &vale_switches);
	return sw;
}

int vale_switch_attach(struct vale_port *port, const char *swname,
		       const char *pname)
{
	struct vale_switch *sw;
	struct vale_port *p;
	unsigned long idx;
	int err = 0;

	mutex_lock(&vale_mutex);
	sw = vale_switch_find(swname);
	if (!sw) {
		sw = vale_switch_create(swname);
		if (!sw) {
			err = -ENOMEM;
			goto out;
		}
	}
	list_for_each_entry(p, &sw->port_list, node) {
		if (!strcmp(p->name, pname)) {
			err = -EBUSY;
			goto out_put;
		}
	}
	idx = find_first_zero_bit(sw->busy, VALE_SW_MAX_PORTS);
	if (idx >= VALE_SW_MAX_PORTS) {
		err = -ENOSPC;
		goto out_put;
	}
	strscpy(port->name, pname, sizeof(port->name));
	port->sw = sw;
	port->idx = idx;
	__set_bit(idx, sw->busy);
	sw->nports++;
	WRITE_ONCE(sw->max_idx, max_t(u32, sw->max_idx, idx + 1));
	list_add_tail(&port->node, &sw->port_list);
	rcu_assign_pointer(sw->ports[idx], port);
	goto out;

out_put:
	/* A switch we just created has no port: drop it again. */
	if (!sw->nports) {
		list_del(&sw->node);
		kvfree(sw);
	}
out:
	mutex_unlock(&vale_mutex);
	return err;
}

void vale_switch_detach(struct vale_port *port)
{
	struct vale_switch *sw = port->sw;
	unsigned long idx;
	bool last;

	mutex_lock(&vale_mutex);
	RCU_INIT_POINTER(sw->ports[port->idx], NULL);
	list_del(&port->node);
	mutex_unlock(&vale_mutex);

	/* Forwarders that saw the port are done with it after this. */
	synchronize_rcu();
	/* Nothing learns on idx any more; flush before idx can be reused. */
	vale_mac_table_flush_port(&sw->mac, port->idx);

	mutex_lock(&vale_mutex);
	__clear_bit(port->idx, sw->busy);
	idx = find_last_bit(sw->busy, VALE_SW_MAX_PORTS);
	WRITE_ONCE(sw->max_idx, idx >= VALE_SW_MAX_PORTS ? 0 : idx + 1);
	last = --sw->nports == 0;
	if (last)
		list_del(&sw->node);
	mutex_unlock(&vale_mutex);

	port->sw = NULL;
	if (last)
		kvfree(sw);
}
