// SPDX-License-Identifier: GPL-2.0
/*
 * The diff of plan.h.  Every object is compared with its namesake by the
 * settings that shape it; the actions are then sorted by operation (a
 * stable sort keeps the file's order inside each).
 */
#include <stdlib.h>
#include <string.h>

#include "plan.h"

static const char *const phase_names[PH_N] = {
	[PH_CHECK] = "check", [PH_REMOVE] = "remove", [PH_NODES] = "nodes",
	[PH_LINKS] = "links", [PH_TUNNELS] = "tunnels", [PH_START] = "start",
};

const char *vn_phase_name(enum vn_phase ph)
{
	return phase_names[ph];
}

bool vn_op_adds(enum vn_op op)
{
	return op >= OP_NODE_ADD;
}

enum vn_phase vn_op_phase(enum vn_op op)
{
	switch (op) {
	case OP_NODE_ADD:
		return PH_NODES;
	case OP_SW_ADD:
	case OP_IF_ADD:
		return PH_LINKS;
	case OP_TUN_ADD:
		return PH_TUNNELS;
	case OP_PROC_START:
		return PH_START;
	default:
		return PH_REMOVE;
	}
}

const char *vn_op_what(enum vn_op op)
{
	static const char *const w[OP_N] = {
		[OP_PROC_STOP] = "command", [OP_TUN_DEL] = "tunnel",
		[OP_IF_DEL] = "interface", [OP_NODE_DEL] = "node",
		[OP_SW_DEL] = "switch", [OP_NODE_ADD] = "node",
		[OP_SW_ADD] = "switch", [OP_IF_ADD] = "interface",
		[OP_TUN_ADD] = "tunnel", [OP_PROC_START] = "command",
	};
	return w[op];
}

static void add(struct vn_plan *p, enum vn_op op, const char *node,
		const char *iface, const char *why)
{
	struct vn_action *a;

	p->a = realloc(p->a, (p->n + 1) * sizeof(*p->a));
	if (!p->a)
		abort();
	a = &p->a[p->n++];
	memset(a, 0, sizeof(*a));
	a->op = op;
	strcpy(a->node, node ? node : "");
	strcpy(a->iface, iface ? iface : "");
	a->why = why;
	a->seq = p->n;
}

static bool str_eq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static bool iface_same(const struct vn_iface *a, const struct vn_iface *b)
{
	return !strcmp(a->sw, b->sw) && !strcasecmp(a->mac, b->mac) &&
	       !strcmp(a->addr, b->addr);
}

/* The settings of the node itself (not its interfaces). */
static bool node_same(const struct vn_node *a, const struct vn_node *b)
{
	return a->kind == b->kind && str_eq(a->command, b->command) &&
	       !strcmp(a->cpuset, b->cpuset) && a->memory == b->memory &&
	       a->uid == b->uid && a->gid == b->gid;
}

/* A process holds its ports open: any change of them restarts it. */
static bool ports_same(const struct vn_node *a, const struct vn_node *b)
{
	int i;

	if (a->kind == VN_NETNS)
		return true;
	if (a->nifs != b->nifs)
		return false;
	for (i = 0; i < a->nifs; i++)
		if (strcmp(a->ifs[i].name, b->ifs[i].name) ||
		    !iface_same(&a->ifs[i], &b->ifs[i]))
			return false;
	return true;
}

static void node_out(struct vn_plan *p, const struct vn_node *n, const char *why)
{
	if (n->pid > 0)
		add(p, OP_PROC_STOP, n->name, NULL, why);
	for (int i = 0; i < n->nifs; i++)
		add(p, OP_IF_DEL, n->name, n->ifs[i].name, why);
	add(p, OP_NODE_DEL, n->name, NULL, why);
}

static void node_in(struct vn_plan *p, const struct vn_node *n, const char *why)
{
	add(p, OP_NODE_ADD, n->name, NULL, why);
	for (int i = 0; i < n->nifs; i++)
		add(p, OP_IF_ADD, n->name, n->ifs[i].name, why);
	if (n->command)
		add(p, OP_PROC_START, n->name, NULL, why);
}

static bool tunnel_same(const struct vn_vnet *a, const struct vn_vnet *b)
{
	int i;

	if (a->tun.on != b->tun.on)
		return false;
	if (!a->tun.on)
		return true;
	if (a->vni != b->vni || strcmp(a->tun.sw, b->tun.sw) ||
	    strcmp(a->tun.local, b->tun.local) || a->tun.nremotes != b->tun.nremotes)
		return false;
	for (i = 0; i < a->tun.nremotes; i++)
		if (strcmp(a->tun.remotes[i], b->tun.remotes[i]))
			return false;
	return true;
}

static int by_op(const void *x, const void *y)
{
	const struct vn_action *a = x, *b = y;

	if (a->op != b->op)
		return (int)a->op - (int)b->op;
	return a->seq - b->seq;
}

void vn_plan_make(struct vn_plan *p, const struct vn_vnet *want,
		  const struct vn_vnet *have)
{
	static const struct vn_vnet none;
	const struct vn_vnet *w = want ? want : &none, *h = have ? have : &none;
	int i, j;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < h->nsws; i++)
		if (!vn_find_switch(w, h->sws[i].name))
			add(p, OP_SW_DEL, h->sws[i].name, NULL, "removed");
	for (i = 0; i < w->nsws; i++)
		if (!vn_find_switch(h, w->sws[i].name))
			add(p, OP_SW_ADD, w->sws[i].name, NULL, "new");
	for (i = 0; i < h->nnodes; i++)
		if (!vn_find_node(w, h->nodes[i].name))
			node_out(p, &h->nodes[i], "removed");
	for (i = 0; i < w->nnodes; i++) {
		const struct vn_node *n = &w->nodes[i], *o = vn_find_node(h, n->name);

		if (!o) {
			node_in(p, n, "new");
			continue;
		}
		if (!node_same(n, o) || !ports_same(n, o)) {
			node_out(p, o, "changed");
			node_in(p, n, "changed");
			continue;
		}
		for (j = 0; j < o->nifs; j++) {
			const struct vn_iface *f = vn_find_iface(n, o->ifs[j].name);

			if (!f || !iface_same(f, &o->ifs[j]))
				add(p, OP_IF_DEL, o->name, o->ifs[j].name,
				    f ? "changed" : "removed");
		}
		for (j = 0; j < n->nifs; j++) {
			const struct vn_iface *f = vn_find_iface(o, n->ifs[j].name);

			if (!f || !iface_same(f, &n->ifs[j]))
				add(p, OP_IF_ADD, n->name, n->ifs[j].name,
				    f ? "changed" : "new");
		}
		if (n->command && o->pid <= 0)
			add(p, OP_PROC_START, n->name, NULL, "not running");
	}
	if (!tunnel_same(w, h)) {
		if (h->tun.on)
			add(p, OP_TUN_DEL, NULL, NULL, w->tun.on ? "changed" : "removed");
		if (w->tun.on)
			add(p, OP_TUN_ADD, NULL, NULL, h->tun.on ? "changed" : "new");
	}
	if (p->n > 1)
		qsort(p->a, p->n, sizeof(*p->a), by_op);
}

void vn_plan_free(struct vn_plan *p)
{
	free(p->a);
	p->a = NULL;
	p->n = 0;
}
