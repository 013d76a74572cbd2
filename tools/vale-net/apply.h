/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Apply: run the plans of one or more VNets phase by phase (remove,
 * nodes, links, tunnels, start: plan.h), timing each phase.  Every object
 * an apply makes goes into a journal; when an action fails, everything
 * in the journal is undone in reverse order (the rollback) and the apply
 * fails.  Objects an apply removed (for a removal or a change) are not
 * brought back by a rollback; the state says they are gone, and the next
 * apply makes them.  Afterwards each VNet's state file records what runs
 * (removed when nothing does).
 */
#ifndef VALE_NET_APPLY_H
#define VALE_NET_APPLY_H

#include "act.h"
#include "plan.h"

struct vn_job {
	const struct vn_vnet *want;	/* localized file part; NULL: destroy */
	struct vn_vnet have;		/* discovered */
	struct vn_vnet live;		/* what runs, kept up to date */
	struct vn_plan plan;
};

struct vn_result {
	double ms[PH_N];	/* per phase; PH_CHECK filled by the caller */
	int done;		/* actions carried out */
	bool rolled_back;
	int undone;		/* actions undone by the rollback */
	char error[800];	/* the failure that caused it */
};

/* 0, or -errno of the failed action (after the rollback). */
int vn_apply(struct vn_ctx *c, struct vn_job *jobs, int njobs,
	     struct vn_result *r);

double vn_now_ms(void);

#endif /* VALE_NET_APPLY_H */
