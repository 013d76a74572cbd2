/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale: switches.  A switch is created when the first port names it and
 * freed when its last port goes; there is no limit on their number.
 */
#ifndef _VALE_SWITCH_H
#define _VALE_SWITCH_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/bitops.h>
#include <linux/uidgid.h>
#include <linux/vale.h>

#include "lookup.h"
#include "steer.h"

/*
 * Ports per switch.  VALE has 254; we allow more at the cost of an
 * 8 KiB port table per switch and 6 KiB of per-tx-ring scratch.  A port's
 * index is a u16 below VALE_DST_BCAST.
 */
#define VALE_SW_MAX_PORTS	1024

/* Packets (slots) per forwarding batch. */
#define VALE_DEF_BATCH		512
#define VALE_MAX_BATCH		1024

struct vale_port;

/*
 * Locking:
 *   vale_mutex (switch.c) protects the list of switches and, in every
 *   switch, node, port_list, nports, max_idx, busy and dying, and
 *   serializes updates of ports[].
 *   ports[] is read by forwarders under rcu_read_lock(); a slot is set only
 *   after the port is fully built and cleared before it is torn down, with
 *   a grace period in between (vale_switch_detach()).
 *   batch is read with READ_ONCE() at the start of every batch.
 *   lookup and lookup_priv are constant while the switch has ports.
 *   mac is updated locklessly by forwarders (see lookup.h).
 *   The switch itself lives as long as it has a port; a forwarder reaches
 *   it only through its own (live) port.
 */
struct vale_switch {
	struct list_head node;
	char name[VALE_NAME_MAX];
	struct list_head port_list;
	u32 nports;
	u32 max_idx;		/* highest busy index + 1 */
	unsigned long busy[BITS_TO_LONGS(VALE_SW_MAX_PORTS)];
	u32 batch;
	vale_lookup_fn lookup;
	void *lookup_priv;
	struct vale_port __rcu *ports[VALE_SW_MAX_PORTS];
	struct vale_mac_table mac;
	/* control plane, under vale_mutex */
	struct list_head resv_list;	/* admin-created ports, vale_resv */
	bool persistent;		/* created over netlink */
	bool restricted;		/* only admin-created ports may open */
	bool dying;			/* switch-del under way (below) */
	u8 lookup_mode;			/* enum vale_lookup_mode */
	struct vale_steer steer;	/* rules and pairs (steer.h) */
};

/*
 * Join (creating it if needed) switch @swname as port @pname.  On success
 * port->sw and port->idx are set and the port is visible to forwarders.
 * -EBUSY: a port of that name exists; -ENOSPC: the switch is full.
 */
int vale_switch_attach(struct vale_port *port, const char *swname,
		       const char *pname);

/*
 * Unpublish the port, wait for forwarders that may still use it, flush
 * its learned addresses and free the switch when it was the last port.
 * Sleeps.
 */
void vale_switch_detach(struct vale_port *port);

/*
 * An admin-created ring port: a name reserved on a switch, optionally owned
 * by a uid and/or a gid, opened through /dev/vale like any port.  Lives on
 * sw->resv_list until deleted over netlink; port is the open port or NULL.
 * Everything under vale_mutex.
 */
struct vale_resv {
	struct list_head node;
	char name[VALE_NAME_MAX];
	kuid_t uid;			/* INVALID_UID: no owner */
	kgid_t gid;			/* INVALID_GID: no group */
	struct vale_port *port;
};

/* The life cycle, for the control plane; all under vale_mutex. */
struct vale_switch *vale_switch_lookup(const char *name);
struct vale_switch *vale_switch_new(const char *name);
/* Free @sw if it has no port, no reservation and is not persistent. */
void vale_switch_put(struct vale_switch *sw);
/*
 * Delete @sw at the administrator's request, RTNL held too: -EBUSY (and
 * nothing changes) when a port of it is open through /dev/vale; else its
 * admin-created ports go, @sw becomes dying and its ports that can be
 * detached (ops->detach) go, the last one freeing @sw.  Drops and retakes
 * vale_mutex while ports go.  A dying switch stays on the list until its
 * last port has gone (a ring port still in vale_switch_detach() may
 * outlive the call) but is no more: the control plane does not see it
 * (vale_switch_visible()), nothing joins it, no name of it is reserved.
 */
int vale_switch_delete(struct vale_switch *sw);
/* The switch called @name unless it is dying (control plane), or NULL. */
struct vale_switch *vale_switch_visible(const char *name);
/* Module exit: free what the control plane kept (no port is left). */
void vale_switch_free_all(void);
/* Set the lookup mode (the switch may be forwarding). */
void vale_switch_set_lookup(struct vale_switch *sw, u8 mode);
/* The admin-created port (live port) of @sw named @name, or NULL. */
struct vale_resv *vale_resv_find(struct vale_switch *sw, const char *name);
struct vale_port *vale_switch_port_find(struct vale_switch *sw,
					const char *name);
/* Add admin-created port @r to @sw; delete @r (nobody has it open). */
void vale_resv_add(struct vale_switch *sw, struct vale_resv *r);
void vale_resv_del(struct vale_switch *sw, struct vale_resv *r);
/* Join @sw as @pname without the /dev/vale permission checks. */
int vale_switch_attach_admin(struct vale_port *port, struct vale_switch *sw,
			     const char *pname);

/*
 * Events.  Every change of a switch or port is announced, under
 * vale_mutex, on a raw notifier chain: the action is the event command
 * (VALE_CMD_*_NTF), the data a struct vale_event.  The netlink layer
 * listens (netlink.c); the core does not know who does.  Registration
 * takes vale_mutex; a listener runs under it and must not sleep on
 * anything that waits for vale_mutex.
 */
struct notifier_block;

struct vale_event {
	struct vale_switch *sw;
	struct vale_port *port;		/* the live port, or NULL */
	struct vale_resv *resv;		/* the admin-created port, or NULL */
	const struct vale_pair *pair;	/* VALE_CMD_P2P_*_NTF: the pair */
};

int vale_event_register(struct notifier_block *nb);
void vale_event_unregister(struct notifier_block *nb);
/* Announce a change of @sw, of live @port, of admin-created port @r. */
void vale_notify_switch(struct vale_switch *sw, u8 cmd);
void vale_notify_port(struct vale_port *port, u8 cmd);
void vale_notify_resv(struct vale_switch *sw, struct vale_resv *r, u8 cmd);
/* Announce that pair @p of @sw came up or went down (steer.c). */
void vale_notify_pair(struct vale_switch *sw, const struct vale_pair *p,
		      u8 cmd);

/* The registry, for the control plane (netlink.c, netdev.c). */
extern struct mutex vale_mutex;
extern struct list_head vale_switches;

#endif /* _VALE_SWITCH_H */
