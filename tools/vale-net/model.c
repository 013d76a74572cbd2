// SPDX-License-Identifier: GPL-2.0
/*
 * The model of model.h: growing arrays, look-ups, the error list, the
 * derived names and the cut of one host's part out of a file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

void vn_err(struct vn_errs *e, int line, const char *fmt, ...)
{
	char msg[512], full[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0 && e->file)
		snprintf(full, sizeof(full), "%s:%d: %s", e->file, line, msg);
	else if (e->file)
		snprintf(full, sizeof(full), "%s: %s", e->file, msg);
	else
		snprintf(full, sizeof(full), "%s", msg);
	e->msg = realloc(e->msg, (e->n + 1) * sizeof(*e->msg));
	if (!e->msg)
		abort();
	e->msg[e->n++] = strdup(full);
}

void vn_errs_print(const struct vn_errs *e, const char *prog)
{
	int i;

	for (i = 0; i < e->n; i++)
		fprintf(stderr, "%s: %s\n", prog, e->msg[i]);
}

void vn_errs_free(struct vn_errs *e)
{
	int i;

	for (i = 0; i < e->n; i++)
		free(e->msg[i]);
	free(e->msg);
	e->msg = NULL;
	e->n = 0;
}

static void *grow(void *arr, int *n, size_t size)
{
	char *p = realloc(arr, (*n + 1) * size);

	if (!p)
		abort();
	memset(p + *n * size, 0, size);
	(*n)++;
	return p;
}

struct vn_vnet *vn_add_vnet(struct vn_topo *t)
{
	t->vnets = grow(t->vnets, &t->nvnets, sizeof(*t->vnets));
	return &t->vnets[t->nvnets - 1];
}

struct vn_host *vn_add_host(struct vn_topo *t)
{
	t->hosts = grow(t->hosts, &t->nhosts, sizeof(*t->hosts));
	return &t->hosts[t->nhosts - 1];
}

struct vn_switch *vn_add_switch(struct vn_vnet *v)
{
	v->sws = grow(v->sws, &v->nsws, sizeof(*v->sws));
	return &v->sws[v->nsws - 1];
}

struct vn_node *vn_add_node(struct vn_vnet *v)
{
	struct vn_node *n;

	v->nodes = grow(v->nodes, &v->nnodes, sizeof(*v->nodes));
	n = &v->nodes[v->nnodes - 1];
	n->uid = n->gid = -1;
	return n;
}

struct vn_iface *vn_add_iface(struct vn_node *n)
{
	n->ifs = grow(n->ifs, &n->nifs, sizeof(*n->ifs));
	return &n->ifs[n->nifs - 1];
}

static void node_free(struct vn_node *n)
{
	free(n->command);
	free(n->ifs);
}

void vn_vnet_free(struct vn_vnet *v)
{
	int i;

	for (i = 0; i < v->nnodes; i++)
		node_free(&v->nodes[i]);
	free(v->nodes);
	free(v->sws);
	memset(v, 0, sizeof(*v));
}

void vn_topo_free(struct vn_topo *t)
{
	int i;

	for (i = 0; i < t->nvnets; i++)
		vn_vnet_free(&t->vnets[i]);
	free(t->vnets);
	free(t->hosts);
	memset(t, 0, sizeof(*t));
}

static void node_copy(struct vn_node *d, const struct vn_node *s)
{
	*d = *s;
	d->command = s->command ? strdup(s->command) : NULL;
	d->ifs = NULL;
	d->nifs = 0;
	for (int i = 0; i < s->nifs; i++)
		*vn_add_iface(d) = s->ifs[i];
}

void vn_vnet_copy(struct vn_vnet *d, const struct vn_vnet *s)
{
	int i;

	*d = *s;
	d->sws = NULL;
	d->nsws = 0;
	d->nodes = NULL;
	d->nnodes = 0;
	for (i = 0; i < s->nsws; i++)
		*vn_add_switch(d) = s->sws[i];
	for (i = 0; i < s->nnodes; i++)
		node_copy(vn_add_node(d), &s->nodes[i]);
}

struct vn_vnet *vn_find_vnet(const struct vn_topo *t, const char *name)
{
	for (int i = 0; i < t->nvnets; i++)
		if (!strcmp(t->vnets[i].name, name))
			return &t->vnets[i];
	return NULL;
}

struct vn_switch *vn_find_switch(const struct vn_vnet *v, const char *name)
{
	for (int i = 0; i < v->nsws; i++)
		if (!strcmp(v->sws[i].name, name))
			return &v->sws[i];
	return NULL;
}

struct vn_node *vn_find_node(const struct vn_vnet *v, const char *name)
{
	for (int i = 0; i < v->nnodes; i++)
		if (!strcmp(v->nodes[i].name, name))
			return &v->nodes[i];
	return NULL;
}

struct vn_iface *vn_find_iface(const struct vn_node *n, const char *name)
{
	for (int i = 0; i < n->nifs; i++)
		if (!strcmp(n->ifs[i].name, name))
			return &n->ifs[i];
	return NULL;
}

struct vn_host *vn_find_host(const struct vn_topo *t, const char *name)
{
	for (int i = 0; i < t->nhosts; i++)
		if (!strcmp(t->hosts[i].name, name))
			return &t->hosts[i];
	return NULL;
}

bool vn_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > VN_NAME_MAX)
		return false;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
	      (s[0] >= '0' && s[0] <= '9')))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789_-") == n;
}

const char *vn_kind_name(enum vn_kind k)
{
	switch (k) {
	case VN_PROCESS:
		return "process";
	case VN_VM:
		return "vm";
	default:
		return "netns";
	}
}

void vn_kswitch(char *buf, const char *host, const char *vnet, const char *sw)
{
	if (host && *host)
		snprintf(buf, VN_KNAME, VN_KSWITCH_PREFIX "%s.%s.%s", host, vnet, sw);
	else
		snprintf(buf, VN_KNAME, VN_KSWITCH_PREFIX "%s.%s", vnet, sw);
}

void vn_netns(char *buf, const char *vnet, const char *node)
{
	snprintf(buf, VN_KNAME, VN_NETNS_PREFIX "%s.%s", vnet, node);
}

/* FNV-1a over "vnet/node/if": 8 hex digits after "vn" fit IFNAMSIZ. */
void vn_hostdev(char *buf, const char *vnet, const char *node, const char *ifn)
{
	char key[3 * (VN_NAME_MAX + 1) + 2];
	uint32_t h = 2166136261u;

	snprintf(key, sizeof(key), "%s/%s/%s", vnet, node, ifn);
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	snprintf(buf, VN_KNAME, "vn%08x", h);
}

void vn_vxdev(char *buf, uint32_t vni)
{
	snprintf(buf, VN_KNAME, "vnx%u", vni);
}

void vn_port(char *buf, const char *node, const char *ifn)
{
	snprintf(buf, VN_KNAME, "%s.%s", node, ifn);
}

static bool has_nodes_on(const struct vn_vnet *v, const char *host)
{
	for (int i = 0; i < v->nnodes; i++)
		if (!strcmp(v->nodes[i].host, host))
			return true;
	return false;
}

void vn_localize(struct vn_vnet *out, const struct vn_topo *t,
		 const struct vn_vnet *v, const char *host)
{
	const struct vn_host *me;
	int i;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", v->name);
	out->vni = v->vni;
	out->line = v->line;
	snprintf(out->tunnel_sw, sizeof(out->tunnel_sw), "%s",
		 v->tunnel_sw[0] ? v->tunnel_sw : v->nsws ? v->sws[0].name : "");
	if (host)
		snprintf(out->host, sizeof(out->host), "%s", host);
	for (i = 0; i < v->nnodes; i++)
		if (!host || !*host || !strcmp(v->nodes[i].host, host))
			node_copy(vn_add_node(out), &v->nodes[i]);
	/* a host without nodes of the VNet has none of its switches */
	for (i = 0; i < v->nsws && (out->nnodes || !host || !*host); i++)
		*vn_add_switch(out) = v->sws[i];
	me = host && *host ? vn_find_host(t, host) : NULL;
	if (!me || !out->nnodes)
		return;
	for (i = 0; i < t->nhosts; i++) {
		const struct vn_host *h = &t->hosts[i];

		if (h == me || !has_nodes_on(v, h->name) ||
		    out->tun.nremotes == (int)(sizeof(out->tun.remotes) /
						sizeof(out->tun.remotes[0])))
			continue;
		snprintf(out->tun.remotes[out->tun.nremotes++], VN_ADDR, "%s",
			 h->underlay);
	}
	if (out->tun.nremotes) {
		out->tun.on = true;
		snprintf(out->tun.sw, sizeof(out->tun.sw), "%s", out->tunnel_sw);
		snprintf(out->tun.local, sizeof(out->tun.local), "%s", me->underlay);
	}
}
