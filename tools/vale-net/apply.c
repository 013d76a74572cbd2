// SPDX-License-Identifier: GPL-2.0
/* Apply with its rollback journal (apply.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply.h"
#include "state.h"

double vn_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

struct entry {
	int job, act;
};

static void node_remove(struct vn_vnet *v, const char *name)
{
	for (int i = 0; i < v->nnodes; i++) {
		if (strcmp(v->nodes[i].name, name))
			continue;
		free(v->nodes[i].command);
		free(v->nodes[i].ifs);
		memmove(&v->nodes[i], &v->nodes[i + 1],
			(v->nnodes - i - 1) * sizeof(*v->nodes));
		v->nnodes--;
		return;
	}
}

static void iface_remove(struct vn_node *n, const char *name)
{
	for (int i = 0; i < n->nifs; i++) {
		if (strcmp(n->ifs[i].name, name))
			continue;
		memmove(&n->ifs[i], &n->ifs[i + 1], (n->nifs - i - 1) * sizeof(*n->ifs));
		n->nifs--;
		return;
	}
}

static void switch_remove(struct vn_vnet *v, const char *name)
{
	for (int i = 0; i < v->nsws; i++) {
		if (strcmp(v->sws[i].name, name))
			continue;
		memmove(&v->sws[i], &v->sws[i + 1], (v->nsws - i - 1) * sizeof(*v->sws));
		v->nsws--;
		return;
	}
}

/* Carry out @a on @j, keeping j->live true. */
static int run(struct vn_ctx *c, struct vn_job *j, const struct vn_action *a)
{
	struct vn_vnet *l = &j->live;
	const struct vn_vnet *w = j->want;
	struct vn_node *ln = vn_find_node(l, a->node), *nn;
	const struct vn_node *wn = w ? vn_find_node(w, a->node) : NULL;
	struct vn_iface *lf = ln ? vn_find_iface(ln, a->iface) : NULL;
	int err = 0;

	switch (a->op) {
	case OP_PROC_STOP:
		err = act_proc_stop(c, ln);
		ln->pid = 0;
		break;
	case OP_TUN_DEL:
		err = act_tunnel_del(c, l);
		if (!err)
			l->tun.on = false;
		break;
	case OP_IF_DEL:
		err = act_iface_del(c, l, ln, lf);
		if (!err)
			iface_remove(ln, a->iface);
		break;
	case OP_NODE_DEL:
		err = act_node_del(c, l, ln);
		if (!err)
			node_remove(l, a->node);
		break;
	case OP_SW_DEL:
		err = act_switch_del(c, l, a->node);
		if (!err)
			switch_remove(l, a->node);
		break;
	case OP_NODE_ADD:
		err = act_node_add(c, l, wn);
		if (!err) {
			nn = vn_add_node(l);
			*nn = *wn;
			nn->command = wn->command ? strdup(wn->command) : NULL;
			nn->ifs = NULL;
			nn->nifs = 0;
			nn->pid = 0;
		}
		break;
	case OP_SW_ADD:
		err = act_switch_add(c, l, a->node);
		if (!err)
			*vn_add_switch(l) = *vn_find_switch(w, a->node);
		break;
	case OP_IF_ADD:
		err = act_iface_add(c, l, ln, vn_find_iface(wn, a->iface));
		if (!err)
			*vn_add_iface(ln) = *vn_find_iface(wn, a->iface);
		break;
	case OP_TUN_ADD:
		l->vni = w->vni;
		l->tun = w->tun;
		err = act_tunnel_add(c, l);
		if (err)
			l->tun.on = false;
		break;
	case OP_PROC_START:
		err = act_proc_start(c, l, ln);
		break;
	default:
		break;
	}
	return err;
}

/* Undo an addition of the journal. */
static void undo(struct vn_ctx *c, struct vn_job *j, const struct vn_action *a)
{
	struct vn_vnet *l = &j->live;
	struct vn_node *ln = vn_find_node(l, a->node);
	struct vn_iface *lf = ln ? vn_find_iface(ln, a->iface) : NULL;

	switch (a->op) {
	case OP_PROC_START:
		if (ln) {
			act_proc_stop(c, ln);
			ln->pid = 0;
		}
		break;
	case OP_TUN_ADD:
		if (!act_tunnel_del(c, l))
			l->tun.on = false;
		break;
	case OP_IF_ADD:
		if (lf && !act_iface_del(c, l, ln, lf))
			iface_remove(ln, a->iface);
		break;
	case OP_NODE_ADD:
		if (ln && !act_node_del(c, l, ln))
			node_remove(l, a->node);
		break;
	case OP_SW_ADD:
		if (!act_switch_del(c, l, a->node))
			switch_remove(l, a->node);
		break;
	default:
		break;
	}
}

int vn_apply(struct vn_ctx *c, struct vn_job *jobs, int njobs, struct vn_result *r)
{
	struct entry *journal = NULL;
	int nj = 0, err = 0, ph, i, k;
	double t0;

	for (i = 0; i < njobs; i++) {
		struct vn_job *j = &jobs[i];

		vn_vnet_copy(&j->live, &j->have);
		if (j->want && !j->live.name[0]) {
			snprintf(j->live.name, sizeof(j->live.name), "%s", j->want->name);
			snprintf(j->live.host, sizeof(j->live.host), "%s", j->want->host);
			j->live.vni = j->want->vni;
		}
	}
	for (ph = PH_REMOVE; ph < PH_N && !err; ph++) {
		t0 = vn_now_ms();
		for (i = 0; i < njobs && !err; i++) {
			for (k = 0; k < jobs[i].plan.n && !err; k++) {
				const struct vn_action *a = &jobs[i].plan.a[k];

				if ((int)vn_op_phase(a->op) != ph)
					continue;
				c->err[0] = '\0';
				err = run(c, &jobs[i], a);
				if (err) {
					snprintf(r->error, sizeof(r->error), "VNet %s: %s",
						 jobs[i].live.name, c->err);
					break;
				}
				r->done++;
				if (!vn_op_adds(a->op))
					continue;
				journal = realloc(journal, (nj + 1) * sizeof(*journal));
				if (!journal)
					abort();
				journal[nj++] = (struct entry){ i, k };
			}
		}
		r->ms[ph] += vn_now_ms() - t0;
	}
	if (err) {
		r->rolled_back = true;
		for (k = nj - 1; k >= 0; k--, r->undone++)
			undo(c, &jobs[journal[k].job], &jobs[journal[k].job].plan.a[journal[k].act]);
	}
	free(journal);
	for (i = 0; i < njobs; i++) {
		struct vn_vnet *l = &jobs[i].live;

		if (!err && jobs[i].want) {
			l->vni = jobs[i].want->vni;
			snprintf(l->tunnel_sw, sizeof(l->tunnel_sw), "%s",
				 jobs[i].want->tunnel_sw);
		}
		if (!l->nsws && !l->nnodes && !l->tun.on)
			vn_state_remove(c->state_dir, l->name);
		else
			vn_state_write(c->state_dir, l);
	}
	return err;
}
