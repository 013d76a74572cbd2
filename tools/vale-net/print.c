// SPDX-License-Identifier: GPL-2.0
/* vale-net's output (print.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "out.h"
#include "print.h"

/* What an action is about, in words and with the names made for it. */
static void describe(const struct vn_job *j, const struct vn_action *a,
		     char *buf, size_t size)
{
	const struct vn_vnet *v = vn_op_adds(a->op) ? j->want : &j->have;
	const struct vn_node *n = vn_find_node(v, a->node);
	const struct vn_iface *f = n ? vn_find_iface(n, a->iface) : NULL;
	char k[VN_KNAME], d[VN_KNAME];
	int i;

	switch (a->op) {
	case OP_SW_ADD:
	case OP_SW_DEL:
		vn_kswitch(k, v->host, v->name, a->node);
		snprintf(buf, size, "switch %s (%s, restricted)", a->node, k);
		break;
	case OP_NODE_ADD:
	case OP_NODE_DEL:
		vn_netns(k, v->name, a->node);
		if (n && n->kind == VN_NETNS)
			snprintf(buf, size, "node %s (namespace %s)", a->node, k);
		else
			snprintf(buf, size, "node %s (%s)", a->node,
				 n ? vn_kind_name(n->kind) : "?");
		break;
	case OP_IF_ADD:
	case OP_IF_DEL:
		if (n && n->kind == VN_NETNS)
			vn_hostdev(d, v->name, a->node, a->iface);
		else
			vn_port(d, a->node, a->iface);
		snprintf(buf, size, "interface %s/%s on %s (%s %s)", a->node, a->iface,
			 f ? f->sw : "?", n && n->kind == VN_NETNS ? "veth" : "owned port",
			 d);
		break;
	case OP_TUN_ADD:
	case OP_TUN_DEL:
		vn_vxdev(d, v->vni);
		i = snprintf(buf, size, "tunnel %s (VNI %u on %s, %s ->", d, v->vni,
			     v->tun.sw, v->tun.local);
		for (int r = 0; r < v->tun.nremotes && i > 0 && (size_t)i < size; r++)
			i += snprintf(buf + i, size - i, " %s", v->tun.remotes[r]);
		if (i > 0 && (size_t)i < size)
			snprintf(buf + i, size - i, ")");
		break;
	case OP_PROC_START:
	case OP_PROC_STOP:
		v = &j->have;
		n = vn_find_node(a->op == OP_PROC_START ? j->want : &j->have, a->node);
		snprintf(buf, size, "command of %s: %s", a->node,
			 n && n->command ? n->command : "?");
		break;
	default:
		snprintf(buf, size, "?");
	}
}

void vn_print_plan(const struct vn_job *j)
{
	const char *name = j->want ? j->want->name : j->have.name;
	const char *host = j->want ? j->want->host : j->have.host;
	char what[400];
	int i;

	out_open_object(NULL);
	out_string(OUT_ANY, "name", "vnet %s", name);
	if (*host)
		out_string(OUT_ANY, "host", " (host %s)", host);
	out_uint(OUT_JSON, "changes_count", NULL, j->plan.n);
	if (j->plan.n)
		out_text(": %d change%s\n", j->plan.n, j->plan.n == 1 ? "" : "s");
	else
		out_text(": no change\n");
	out_open_array("changes");
	for (i = 0; i < j->plan.n; i++) {
		const struct vn_action *a = &j->plan.a[i];

		describe(j, a, what, sizeof(what));
		out_open_object(NULL);
		out_string(OUT_ANY, "op", "  %s ", vn_op_adds(a->op) ? "+" : "-");
		out_string(OUT_JSON, "what", NULL, vn_op_what(a->op));
		out_string(OUT_JSON, "phase", NULL, vn_phase_name(vn_op_phase(a->op)));
		out_string(OUT_ANY, "description", "%s", what);
		out_string(OUT_ANY, "why", " [%s]\n", a->why);
		out_close_object();
	}
	out_close_array();
	out_close_object();
}

void vn_print_result(const struct vn_result *r, int changes, const char *verb)
{
	bool dry = !verb;
	double total = 0;
	int ph;

	out_text("phases:");
	out_open_array("phases");
	for (ph = 0; ph < PH_N; ph++) {
		total += r->ms[ph];
		out_open_object(NULL);
		out_string(OUT_ANY, "name", " %s", vn_phase_name(ph));
		out_uint(OUT_JSON, "us", NULL, (uint64_t)(r->ms[ph] * 1000));
		out_text(" %.1f ms%s", r->ms[ph], ph + 1 < PH_N ? "," : "");
		out_close_object();
	}
	out_close_array();
	out_uint(OUT_JSON, "total_us", NULL, (uint64_t)(total * 1000));
	out_text("; total %.1f ms\n", total);
	out_uint(OUT_JSON, "done", NULL, r->done);
	out_bool(OUT_JSON, "changed", NULL, !dry && r->done > 0);
	out_bool(OUT_JSON, "rolled_back", NULL, r->rolled_back);
	if (r->rolled_back) {
		out_string(OUT_JSON, "error", NULL, r->error);
		out_uint(OUT_JSON, "undone", NULL, r->undone);
		out_text("failed: %s\nrolled back: %d action%s undone\n", r->error,
			 r->undone, r->undone == 1 ? "" : "s");
	} else if (dry) {
		out_text("%s\n", changes ? "(diff only: nothing changed)" :
			 "no change: what runs is what the file says");
	} else if (!changes) {
		out_text("no change: what runs is what the file says\n");
	} else {
		out_text("%s: %d change%s\n", verb, r->done, r->done == 1 ? "" : "s");
	}
}

void vn_print_show(const struct vn_vnet *rec, const struct vn_vnet *have)
{
	char k[VN_KNAME], d[VN_KNAME];
	int i, j;

	out_open_object(NULL);
	out_string(OUT_ANY, "name", "vnet %s", rec->name);
	out_uint(OUT_ANY, "vni", " vni %" PRIu64, rec->vni);
	if (rec->host[0])
		out_string(OUT_ANY, "host", " host %s", rec->host);
	out_text("\n");
	out_open_array("switches");
	for (i = 0; i < rec->nsws; i++) {
		vn_kswitch(k, rec->host, rec->name, rec->sws[i].name);
		out_open_object(NULL);
		out_string(OUT_ANY, "name", "  switch %-15s", rec->sws[i].name);
		out_string(OUT_ANY, "kernel_name", " %-30s", k);
		out_bool(OUT_ANY, "present", " present %s\n",
			 vn_find_switch(have, rec->sws[i].name) != NULL);
		out_close_object();
	}
	out_close_array();
	out_open_array("nodes");
	for (i = 0; i < rec->nnodes; i++) {
		const struct vn_node *n = &rec->nodes[i], *h = vn_find_node(have, n->name);

		out_open_object(NULL);
		out_string(OUT_ANY, "name", "  node %-17s", n->name);
		out_string(OUT_ANY, "kind", " %-8s", vn_kind_name(n->kind));
		out_bool(OUT_ANY, "present", " present %s", h != NULL);
		if (n->command) {
			out_string(OUT_JSON, "command", NULL, n->command);
			out_uint(OUT_ANY, "pid", " pid %" PRIu64, h ? h->pid : 0);
			out_bool(OUT_ANY, "running", " running %s", h && h->pid > 0);
		}
		out_text("\n");
		out_open_array("interfaces");
		for (j = 0; j < n->nifs; j++) {
			const struct vn_iface *f = &n->ifs[j];

			if (n->kind == VN_NETNS)
				vn_hostdev(d, rec->name, n->name, f->name);
			else
				vn_port(d, n->name, f->name);
			out_open_object(NULL);
			out_string(OUT_ANY, "name", "    interface %-8s", f->name);
			out_string(OUT_ANY, "switch", " switch %-12s", f->sw);
			out_string(OUT_ANY, "port", " port %-12s", d);
			if (f->addr[0])
				out_string(OUT_ANY, "address", " %s", f->addr);
			out_bool(OUT_ANY, "present", " present %s\n",
				 h && vn_find_iface(h, f->name));
			out_close_object();
		}
		out_close_array();
		out_close_object();
	}
	out_close_array();
	if (rec->tun.on) {
		vn_vxdev(d, rec->vni);
		out_open_object("tunnel");
		out_string(OUT_ANY, "device", "  tunnel %s", d);
		out_string(OUT_ANY, "switch", " switch %s", rec->tun.sw);
		out_string(OUT_ANY, "local", " local %s", rec->tun.local);
		out_open_array("remotes");
		for (i = 0; i < rec->tun.nremotes; i++)
			out_string(OUT_ANY, NULL, " remote %s", rec->tun.remotes[i]);
		out_close_array();
		out_bool(OUT_ANY, "present", " present %s\n", have->tun.on);
		out_close_object();
	}
	out_close_object();
}
