/* SPDX-License-Identifier: GPL-2.0 */
/*
 * State discovery: which of the objects a state file records still exist
 * (the switch, the namespace, the attached veth or owned port, the vxlan
 * device on its switch, the command with its pid and start time).  What
 * is gone is left out, so that the plan makes it again.
 */
#ifndef VALE_NET_DISCOVER_H
#define VALE_NET_DISCOVER_H

#include "act.h"

/* @have: @rec without what is gone; returns how many objects are gone. */
int vn_discover(struct vn_ctx *c, const struct vn_vnet *rec, struct vn_vnet *have);

#endif /* VALE_NET_DISCOVER_H */
