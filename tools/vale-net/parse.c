// SPDX-License-Identifier: GPL-2.0
/*
 * The parser of parse.h.  The file is loaded as a libyaml document (a
 * tree of scalar, sequence and mapping nodes with their marks) and
 * walked: every mapping has its table of keys, every value its type.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "parse.h"

struct ctx {
	yaml_document_t *doc;
	struct vn_errs *e;
	bool state;
	int before;	/* errors before this parse */
};

static int line_of(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 0;
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static const char *type_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

static bool want(struct ctx *c, const yaml_node_t *n, yaml_node_type_t type,
		 const char *path)
{
	static const char *const names[] = {
		[YAML_SCALAR_NODE] = "a string",
		[YAML_SEQUENCE_NODE] = "a list",
		[YAML_MAPPING_NODE] = "a mapping",
	};

	if (n && n->type == type)
		return true;
	vn_err(c->e, line_of(n), "%s: expected %s, not %s", path, names[type],
	       n ? type_name(n) : "nothing");
	return false;
}

static bool get_str(struct ctx *c, const yaml_node_t *n, const char *path,
		    char *buf, size_t size)
{
	if (!want(c, n, YAML_SCALAR_NODE, path))
		return false;
	if (strlen(scalar(n)) >= size) {
		vn_err(c->e, line_of(n), "%s: longer than %zu characters", path,
		       size - 1);
		return false;
	}
	snprintf(buf, size, "%s", scalar(n));
	return true;
}

static void get_name(struct ctx *c, const yaml_node_t *n, const char *path,
		     char *buf)
{
	if (!want(c, n, YAML_SCALAR_NODE, path))
		return;
	if (!vn_name_ok(scalar(n))) {
		vn_err(c->e, line_of(n),
		       "%s: bad name '%s' (1 to %d of A-Z a-z 0-9 _ -, first a letter or digit)",
		       path, scalar(n), VN_NAME_MAX);
		return;
	}
	snprintf(buf, VN_NAME_MAX + 1, "%s", scalar(n));
}

static bool get_uint(struct ctx *c, const yaml_node_t *n, const char *path,
		     unsigned long long min, unsigned long long max,
		     unsigned long long *v)
{
	const char *s;
	char *end;

	if (!n || n->type != YAML_SCALAR_NODE) {
		vn_err(c->e, line_of(n), "%s: expected an integer, not %s", path,
		       n ? type_name(n) : "nothing");
		return false;
	}
	s = scalar(n);
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (!*s || *end || errno || *s == '-' || *s == '+' || *v < min || *v > max) {
		vn_err(c->e, line_of(n), "%s: expected an integer %llu..%llu, not '%s'",
		       path, min, max, s);
		return false;
	}
	return true;
}

bool vn_parse_size(const char *s, uint64_t *bytes)
{
	unsigned long long v, mult = 1;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		return false;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	if (*end) {
		switch (*end) {
		case 'K': case 'k':
			mult = 1ULL << 10;
			break;
		case 'M': case 'm':
			mult = 1ULL << 20;
			break;
		case 'G': case 'g':
			mult = 1ULL << 30;
			break;
		case 'T': case 't':
			mult = 1ULL << 40;
			break;
		default:
			return false;
		}
		if (end[1] && strcmp(end + 1, "i") && strcmp(end + 1, "iB") &&
		    strcmp(end + 1, "B"))
			return false;
	}
	if (v > UINT64_MAX / mult)
		return false;
	*bytes = v * mult;
	return true;
}

/* Iterate a mapping's pairs; unknown keys are reported here. */
typedef void (*pair_fn)(struct ctx *c, const char *key, yaml_node_t *v,
			const char *path, void *obj);

static void walk_map(struct ctx *c, yaml_node_t *m, const char *path,
		     const char *const *keys, pair_fn fn, void *obj)
{
	yaml_node_pair_t *p;
	char sub[256], known[256];

	if (!want(c, m, YAML_MAPPING_NODE, path))
		return;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		const char *const *kk;

		if (!k || k->type != YAML_SCALAR_NODE) {
			vn_err(c->e, line_of(k), "%s: a key must be a string", path);
			continue;
		}
		for (kk = keys; *kk && strcmp(*kk, scalar(k)); kk++)
			;
		if (!*kk) {
			known[0] = '\0';
			for (kk = keys; *kk; kk++)
				snprintf(known + strlen(known), sizeof(known) - strlen(known),
					 "%s%s", kk == keys ? "" : ", ", *kk);
			vn_err(c->e, line_of(k), "%s%s%s: unknown key (known: %s)",
			       path, *path ? "." : "", scalar(k), known);
			continue;
		}
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", scalar(k));
		fn(c, scalar(k), v, sub, obj);
	}
}

typedef void (*item_fn)(struct ctx *c, yaml_node_t *v, const char *path,
			void *obj);

static void walk_seq(struct ctx *c, yaml_node_t *s, const char *path,
		     item_fn fn, void *obj)
{
	yaml_node_item_t *i;
	char sub[256];
	int idx = 0;

	if (!want(c, s, YAML_SEQUENCE_NODE, path))
		return;
	for (i = s->data.sequence.items.start; i < s->data.sequence.items.top; i++) {
		snprintf(sub, sizeof(sub), "%s[%d]", path, idx++);
		fn(c, yaml_document_get_node(c->doc, *i), sub, obj);
	}
}

/* ---- interfaces ---- */

static void iface_pair(struct ctx *c, const char *k, yaml_node_t *v,
		       const char *path, void *obj)
{
	struct vn_iface *f = obj;

	if (!strcmp(k, "name"))
		get_name(c, v, path, f->name);
	else if (!strcmp(k, "switch"))
		get_name(c, v, path, f->sw);
	else if (!strcmp(k, "mac"))
		get_str(c, v, path, f->mac, sizeof(f->mac));
	else if (!strcmp(k, "address"))
		get_str(c, v, path, f->addr, sizeof(f->addr));
}

static void iface_item(struct ctx *c, yaml_node_t *v, const char *path, void *obj)
{
	static const char *const keys[] = { "name", "switch", "mac", "address", NULL };
	struct vn_iface *f = vn_add_iface(obj);
	int before = c->e->n;

	f->line = line_of(v);
	walk_map(c, v, path, keys, iface_pair, f);
	if (v && v->type == YAML_MAPPING_NODE && (!f->name[0] || !f->sw[0]) &&
	    c->e->n == before)
		vn_err(c->e, f->line, "%s: needs %s", path,
		       !f->name[0] ? "name" : "switch");
}

/* ---- nodes ---- */

static void node_pair(struct ctx *c, const char *k, yaml_node_t *v,
		      const char *path, void *obj)
{
	struct vn_node *n = obj;
	unsigned long long u;
	char s[VN_STR];

	if (!strcmp(k, "name")) {
		get_name(c, v, path, n->name);
	} else if (!strcmp(k, "kind")) {
		if (!get_str(c, v, path, s, sizeof(s)))
			return;
		if (!strcmp(s, "netns"))
			n->kind = VN_NETNS;
		else if (!strcmp(s, "process"))
			n->kind = VN_PROCESS;
		else if (!strcmp(s, "vm"))
			n->kind = VN_VM;
		else
			vn_err(c->e, line_of(v), "%s: '%s' is not netns, process or vm",
			       path, s);
	} else if (!strcmp(k, "host")) {
		get_name(c, v, path, n->host);
	} else if (!strcmp(k, "command")) {
		if (want(c, v, YAML_SCALAR_NODE, path)) {
			free(n->command);
			n->command = strdup(scalar(v));
		}
	} else if (!strcmp(k, "cpuset")) {
		get_str(c, v, path, n->cpuset, sizeof(n->cpuset));
	} else if (!strcmp(k, "memory")) {
		if (want(c, v, YAML_SCALAR_NODE, path) &&
		    (!vn_parse_size(scalar(v), &n->memory) || !n->memory))
			vn_err(c->e, line_of(v),
			       "%s: expected a size such as 512M or 2G, not '%s'",
			       path, scalar(v));
	} else if (!strcmp(k, "user")) {
		if (get_uint(c, v, path, 0, 65534, &u))
			n->uid = u;
	} else if (!strcmp(k, "group")) {
		if (get_uint(c, v, path, 0, 65534, &u))
			n->gid = u;
	} else if (!strcmp(k, "interfaces")) {
		walk_seq(c, v, path, iface_item, n);
	} else if (!strcmp(k, "pid")) {
		if (get_uint(c, v, path, 1, 1U << 30, &u))
			n->pid = u;
	} else if (!strcmp(k, "starttime")) {
		get_uint(c, v, path, 0, UINT64_MAX, &n->starttime);
	}
}

static void node_item(struct ctx *c, yaml_node_t *v, const char *path, void *obj)
{
	static const char *const keys[] = { "name", "kind", "host", "command",
		"cpuset", "memory", "user", "group", "interfaces", NULL };
	static const char *const skeys[] = { "name", "kind", "host", "command",
		"cpuset", "memory", "user", "group", "interfaces", "pid",
		"starttime", NULL };
	struct vn_node *n = vn_add_node(obj);
	int before = c->e->n;

	n->line = line_of(v);
	walk_map(c, v, path, c->state ? skeys : keys, node_pair, n);
	if (v && v->type == YAML_MAPPING_NODE && !n->name[0] && c->e->n == before)
		vn_err(c->e, n->line, "%s: needs name", path);
}

/* ---- switches ---- */

static void switch_pair(struct ctx *c, const char *k, yaml_node_t *v,
			const char *path, void *obj)
{
	(void)k;
	get_name(c, v, path, ((struct vn_switch *)obj)->name);
}

static void switch_item(struct ctx *c, yaml_node_t *v, const char *path, void *obj)
{
	static const char *const keys[] = { "name", NULL };
	struct vn_switch *s = vn_add_switch(obj);
	int before = c->e->n;

	s->line = line_of(v);
	if (v && v->type == YAML_SCALAR_NODE) {	/* "- lan" for short */
		get_name(c, v, path, s->name);
		return;
	}
	walk_map(c, v, path, keys, switch_pair, s);
	if (v && v->type == YAML_MAPPING_NODE && !s->name[0] && c->e->n == before)
		vn_err(c->e, s->line, "%s: needs name", path);
}

/* ---- tunnel-state (state files) ---- */

static void remote_item(struct ctx *c, yaml_node_t *v, const char *path, void *obj)
{
	struct vn_tunnel *t = obj;

	if (t->nremotes < (int)(sizeof(t->remotes) / sizeof(t->remotes[0])) &&
	    get_str(c, v, path, t->remotes[t->nremotes], VN_ADDR))
		t->nremotes++;
}

static void tunnel_pair(struct ctx *c, const char *k, yaml_node_t *v,
			const char *path, void *obj)
{
	struct vn_tunnel *t = obj;

	t->on = true;
	if (!strcmp(k, "switch"))
		get_name(c, v, path, t->sw);
	else if (!strcmp(k, "local"))
		get_str(c, v, path, t->local, sizeof(t->local));
	else if (!strcmp(k, "remotes"))
		walk_seq(c, v, path, remote_item, t);
}

/* ---- VNets ---- */

static void vnet_pair(struct ctx *c, const char *k, yaml_node_t *v,
		      const char *path, void *obj)
{
	static const char *const tkeys[] = { "switch", "local", "remotes", NULL };
	struct vn_vnet *n = obj;
	unsigned long long u;

	if (!strcmp(k, "name")) {
		get_name(c, v, path, n->name);
	} else if (!strcmp(k, "vni")) {
		if (get_uint(c, v, path, 1, (1U << 24) - 1, &u))
			n->vni = u;
	} else if (!strcmp(k, "tunnel")) {
		get_name(c, v, path, n->tunnel_sw);
	} else if (!strcmp(k, "switches")) {
		walk_seq(c, v, path, switch_item, n);
	} else if (!strcmp(k, "nodes")) {
		walk_seq(c, v, path, node_item, n);
	} else if (!strcmp(k, "host")) {
		get_name(c, v, path, n->host);
	} else if (!strcmp(k, "tunnel-state")) {
		walk_map(c, v, path, tkeys, tunnel_pair, &n->tun);
	}
}

static void vnet_item(struct ctx *c, yaml_node_t *v, const char *path, void *obj)
{
	static const char *const keys[] = { "name", "vni", "tunnel", "switches",
		"nodes", NULL };
	static const char *const skeys[] = { "name", "vni", "tunnel", "switches",
		"nodes", "host", "tunnel-state", NULL };
	struct vn_vnet *n = vn_add_vnet(obj);
	int before = c->e->n;

	n->line = line_of(v);
	walk_map(c, v, path, c->state ? skeys : keys, vnet_pair, n);
	if (v && v->type == YAML_MAPPING_NODE && !n->name[0] && c->e->n == before)
		vn_err(c->e, n->line, "%s: needs name", path);
}

/* ---- hosts ---- */

static void host_pair(struct ctx *c, const char *k, yaml_node_t *v,
		      const char *path, void *obj)
{
	struct vn_host *h = obj;

	if (!strcmp(k, "name"))
		get_name(c, v, path, h->name);
	else if (!strcmp(k, "underlay"))
		get_str(c, v, path, h->underlay, sizeof(h->underlay));
}

static void host_item(struct ctx *c, yaml_node_t *v, const char *path, void *obj)
{
	static const char *const keys[] = { "name", "underlay", NULL };
	struct vn_host *h = vn_add_host(obj);
	int before = c->e->n;

	h->line = line_of(v);
	walk_map(c, v, path, keys, host_pair, h);
	if (v && v->type == YAML_MAPPING_NODE && (!h->name[0] || !h->underlay[0]) &&
	    c->e->n == before)
		vn_err(c->e, h->line, "%s: needs %s", path,
		       !h->name[0] ? "name" : "underlay");
}

static void top_pair(struct ctx *c, const char *k, yaml_node_t *v,
		     const char *path, void *obj)
{
	if (!strcmp(k, "hosts"))
		walk_seq(c, v, path, host_item, obj);
	else if (!strcmp(k, "vnets"))
		walk_seq(c, v, path, vnet_item, obj);
}

static int parse(yaml_parser_t *p, struct vn_topo *t, struct vn_errs *e,
		 bool state)
{
	static const char *const keys[] = { "hosts", "vnets", NULL };
	struct ctx c = { .e = e, .state = state, .before = e->n };
	yaml_document_t doc;
	yaml_node_t *root;

	if (!yaml_parser_load(p, &doc)) {
		vn_err(e, (int)p->problem_mark.line + 1, "YAML: %s%s%s",
		       p->problem ? p->problem : "syntax error",
		       p->context ? " " : "", p->context ? p->context : "");
		return e->n - c.before;
	}
	c.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (!root)
		vn_err(e, 0, "empty file (expected a mapping with vnets)");
	else
		walk_map(&c, root, "", keys, top_pair, t);
	yaml_document_delete(&doc);
	return e->n - c.before;
}

int vn_parse_string(const char *text, struct vn_topo *t, struct vn_errs *e,
		    bool state)
{
	yaml_parser_t p;
	int n;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
	n = parse(&p, t, e, state);
	yaml_parser_delete(&p);
	return n;
}

int vn_parse_file(const char *path, struct vn_topo *t, struct vn_errs *e,
		  bool state)
{
	yaml_parser_t p;
	FILE *f = fopen(path, "r");
	int n;

	if (!f) {
		vn_err(e, 0, "cannot open: %s", strerror(errno));
		return 1;
	}
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	n = parse(&p, t, e, state);
	yaml_parser_delete(&p);
	fclose(f);
	return n;
}
