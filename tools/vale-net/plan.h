/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The difference between what a VNet should be on this host (the file,
 * localized) and what runs (the state, discovered): a list of actions in
 * the order apply runs them, each in its phase.  Removals come first
 * (phase "remove": commands, tunnels, interfaces, nodes, switches), then
 * the phases that make things: "nodes" (namespaces), "links" (switches,
 * interfaces), "tunnels" (vxlan), "start" (commands).  An object whose
 * settings changed is removed and made again; what did not change is not
 * touched.
 */
#ifndef VALE_NET_PLAN_H
#define VALE_NET_PLAN_H

#include "model.h"

enum vn_phase { PH_CHECK, PH_REMOVE, PH_NODES, PH_LINKS, PH_TUNNELS, PH_START, PH_N };

enum vn_op {
	/* removals, in order */
	OP_PROC_STOP, OP_TUN_DEL, OP_IF_DEL, OP_NODE_DEL, OP_SW_DEL,
	/* additions, in order */
	OP_NODE_ADD, OP_SW_ADD, OP_IF_ADD, OP_TUN_ADD, OP_PROC_START,
	OP_N
};

struct vn_action {
	enum vn_op op;
	char node[VN_NAME_MAX + 1];	/* node, or switch for OP_SW_* */
	char iface[VN_NAME_MAX + 1];
	const char *why;		/* "new", "removed", "changed", ... */
	int seq;			/* order of making, for a stable sort */
};

struct vn_plan {
	struct vn_action *a;
	int n;
};

/*
 * The plan from @have (NULL: nothing runs) to @want (NULL: remove it
 * all).  Removals refer to @have's objects, additions to @want's.
 */
void vn_plan_make(struct vn_plan *p, const struct vn_vnet *want,
		  const struct vn_vnet *have);
void vn_plan_free(struct vn_plan *p);

enum vn_phase vn_op_phase(enum vn_op op);
const char *vn_phase_name(enum vn_phase ph);
bool vn_op_adds(enum vn_op op);
const char *vn_op_what(enum vn_op op);	/* "switch", "node", ... */

#endif /* VALE_NET_PLAN_H */
