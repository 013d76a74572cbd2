/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale-net's output, text for people and JSON for programs, through the
 * one writer of tools/common/out.h: plans (apply, diff, destroy), the
 * phase times and the result, and `show`.
 */
#ifndef VALE_NET_PRINT_H
#define VALE_NET_PRINT_H

#include "apply.h"

/* One VNet's plan: a "changes" array in JSON, lines of + and - in text. */
void vn_print_plan(const struct vn_job *j);
/*
 * Phases and the outcome of an apply (inside the caller's object); @verb
 * says what was done ("applied", "destroyed"), NULL for a diff.
 */
void vn_print_result(const struct vn_result *r, int changes, const char *verb);
/* A recorded VNet and which of its objects still exist. */
void vn_print_show(const struct vn_vnet *rec, const struct vn_vnet *have);

#endif /* VALE_NET_PRINT_H */
