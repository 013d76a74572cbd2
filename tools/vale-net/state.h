/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The state vale-net keeps of what it made: one file per VNet,
 * STATE_DIR/VNET.state (STATE_DIR is /run/vale-net, or
 * /run/vale-net/netns.NAME with --netns NAME), in the topology file's own
 * YAML with the keys of what runs (the VNet's host, its tunnel, each
 * command's pid and start time).  Written whole to a temporary file and
 * renamed, so a reader sees the old state or the new one.
 */
#ifndef VALE_NET_STATE_H
#define VALE_NET_STATE_H

#include "model.h"

int vn_state_write(const char *dir, const struct vn_vnet *v);
int vn_state_remove(const char *dir, const char *vnet);
/* Every VNet recorded in @dir, appended to @t; 0 or errors in @e. */
int vn_state_load(const char *dir, struct vn_topo *t, struct vn_errs *e);

#endif /* VALE_NET_STATE_H */
