/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The topology file parser (libyaml's document API): YAML into a
 * vn_topo, every problem of shape (unknown key, wrong type, bad value)
 * reported with the line and the path of the field, e.g.
 *   net.yaml:12: vnets[0].nodes[1].cpuset: expected a string
 * Checks between fields (duplicates, references, clashes) are admission
 * control's (admit.h).  The parser reads the file and nothing else.
 *
 * @state: the file is a state file (state.h), which also has the keys of
 * what runs (host, pid, starttime, tunnel-state).
 */
#ifndef VALE_NET_PARSE_H
#define VALE_NET_PARSE_H

#include <stdbool.h>
#include "model.h"

/* 0, or the number of errors added to @e. */
int vn_parse_file(const char *path, struct vn_topo *t, struct vn_errs *e,
		  bool state);
int vn_parse_string(const char *text, struct vn_topo *t, struct vn_errs *e,
		    bool state);

/* "512M", "2G", "65536": bytes; false when not a size. */
bool vn_parse_size(const char *s, uint64_t *bytes);

#endif /* VALE_NET_PARSE_H */
