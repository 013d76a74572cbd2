// SPDX-License-Identifier: GPL-2.0
/*
 * Admission control (admit.h).  Every check names the field it is about
 * by its path in the file (vnets[1].nodes[0].interfaces[2].switch) and
 * its line, and none stops the others.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admit.h"
#include "mac.h"

bool vn_cpuset_parse(const char *s, cpu_set_t *set)
{
	unsigned long a, b;
	char *end;

	CPU_ZERO(set);
	if (!*s)
		return false;
	for (;;) {
		if (*s < '0' || *s > '9')
			return false;
		a = strtoul(s, &end, 10);
		b = a;
		if (*end == '-') {
			s = end + 1;
			if (*s < '0' || *s > '9')
				return false;
			b = strtoul(s, &end, 10);
		}
		if (b < a || b >= CPU_SETSIZE)
			return false;
		for (; a <= b; a++)
			CPU_SET(a, set);
		if (!*end)
			return true;
		if (*end != ',')
			return false;
		s = end + 1;
	}
}

/* Two hex digits per byte in a file: the form `ip link` prints. */
static bool mac_ok(const char *s, bool *multicast)
{
	uint8_t m[6];

	if (strlen(s) != 17 || mac_parse(s, m))
		return false;
	*multicast = m[0] & 1;
	return true;
}

/* "10.0.0.1/24" or "fd00::1/64": the address part into @ip (no prefix). */
static bool cidr_ok(const char *s, char *ip, size_t size)
{
	const char *slash = strchr(s, '/');
	unsigned char bin[16];
	unsigned long plen;
	char *end;
	int af;

	if (!slash || (size_t)(slash - s) >= size)
		return false;
	memcpy(ip, s, slash - s);
	ip[slash - s] = '\0';
	af = strchr(ip, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(af, ip, bin) != 1 || !slash[1])
		return false;
	plen = strtoul(slash + 1, &end, 10);
	return !*end && plen <= (af == AF_INET ? 32u : 128u);
}

static bool ipv4_ok(const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1;
}

const char *vn_pick_host(const struct vn_topo *t, const char *arg,
			 const struct vn_sys *s, struct vn_errs *e)
{
	const char *found = NULL;
	int i, j;

	if (arg) {
		if (vn_find_host(t, arg))
			return vn_find_host(t, arg)->name;
		vn_err(e, 0, "--host %s: no such host in hosts", arg);
		return NULL;
	}
	if (!t->nhosts)
		return "";
	for (i = 0; i < t->nhosts; i++)
		for (j = 0; j < s->naddrs; j++)
			if (!strcmp(t->hosts[i].underlay, s->addrs[j]) && !found)
				found = t->hosts[i].name;
	if (!found)
		vn_err(e, 0, "hosts: none has an underlay address of this machine (give --host NAME)");
	return found;
}

static void check_hosts(const struct vn_topo *t, struct vn_errs *e)
{
	int i, j;

	for (i = 0; i < t->nhosts; i++) {
		const struct vn_host *h = &t->hosts[i];

		if (!ipv4_ok(h->underlay))
			vn_err(e, h->line, "hosts[%d].underlay: '%s' is not an IPv4 address",
			       i, h->underlay);
		for (j = 0; j < i; j++) {
			if (!strcmp(h->name, t->hosts[j].name))
				vn_err(e, h->line, "hosts[%d].name: duplicate host '%s' (also hosts[%d])",
				       i, h->name, j);
			if (!strcmp(h->underlay, t->hosts[j].underlay))
				vn_err(e, h->line,
				       "hosts[%d].underlay: address clash: %s is also hosts[%d]'s",
				       i, h->underlay, j);
		}
	}
}

/* MAC and IP address clashes inside one VNet (other VNets may reuse them). */
static void check_addrs(const struct vn_vnet *v, int vi, struct vn_errs *e)
{
	char ip[VN_ADDR], ip2[VN_ADDR];
	int a, b, i, j;

	for (a = 0; a < v->nnodes; a++)
		for (i = 0; i < v->nodes[a].nifs; i++) {
			const struct vn_iface *f = &v->nodes[a].ifs[i];

			for (b = 0; b <= a; b++)
				for (j = 0; j < (b == a ? i : v->nodes[b].nifs); j++) {
					const struct vn_iface *g = &v->nodes[b].ifs[j];

					if (f->mac[0] && !strcasecmp(f->mac, g->mac))
						vn_err(e, f->line,
						       "vnets[%d].nodes[%d].interfaces[%d].mac: MAC clash: %s is also %s/%s's",
						       vi, a, i, f->mac, v->nodes[b].name, g->name);
					if (f->addr[0] && g->addr[0] &&
					    cidr_ok(f->addr, ip, sizeof(ip)) &&
					    cidr_ok(g->addr, ip2, sizeof(ip2)) && !strcmp(ip, ip2))
						vn_err(e, f->line,
						       "vnets[%d].nodes[%d].interfaces[%d].address: address clash: %s is also %s/%s's",
						       vi, a, i, ip, v->nodes[b].name, g->name);
				}
		}
}

static void check_iface(const struct vn_vnet *v, int vi, int ni, int ii,
			struct vn_errs *e)
{
	const struct vn_node *n = &v->nodes[ni];
	const struct vn_iface *f = &n->ifs[ii];
	char p[96], ip[VN_ADDR];
	bool mc;
	int j;

	snprintf(p, sizeof(p), "vnets[%d].nodes[%d].interfaces[%d]", vi, ni, ii);
	if (f->sw[0] && !vn_find_switch(v, f->sw))
		vn_err(e, f->line, "%s.switch: unknown switch '%s' (not in vnets[%d].switches)",
		       p, f->sw, vi);
	if (f->mac[0] && !mac_ok(f->mac, &mc))
		vn_err(e, f->line, "%s.mac: '%s' is not a MAC address (xx:xx:xx:xx:xx:xx)",
		       p, f->mac);
	else if (f->mac[0] && mc)
		vn_err(e, f->line, "%s.mac: %s is a multicast address", p, f->mac);
	if (f->addr[0] && !cidr_ok(f->addr, ip, sizeof(ip)))
		vn_err(e, f->line, "%s.address: '%s' is not ADDRESS/PREFIX", p, f->addr);
	if (f->addr[0] && n->kind != VN_NETNS)
		vn_err(e, f->line, "%s.address: only netns nodes have addresses", p);
	if (!strcmp(f->name, "lo"))
		vn_err(e, f->line, "%s.name: 'lo' is the namespace's loopback", p);
	for (j = 0; j < ii; j++)
		if (!strcmp(f->name, n->ifs[j].name))
			vn_err(e, f->line, "%s.name: duplicate interface '%s' (also interfaces[%d])",
			       p, f->name, j);
}

static void check_node(const struct vn_topo *t, const struct vn_vnet *v, int vi,
		       int ni, struct vn_errs *e)
{
	const struct vn_node *n = &v->nodes[ni];
	char p[64];
	cpu_set_t set;
	int j;

	snprintf(p, sizeof(p), "vnets[%d].nodes[%d]", vi, ni);
	for (j = 0; j < ni; j++)
		if (!strcmp(n->name, v->nodes[j].name))
			vn_err(e, n->line, "%s.name: duplicate node '%s' (also nodes[%d])",
			       p, n->name, j);
	if (t->nhosts && !n->host[0])
		vn_err(e, n->line, "%s.host: needed: the file has hosts", p);
	else if (n->host[0] && !vn_find_host(t, n->host))
		vn_err(e, n->line, "%s.host: unknown host '%s' (not in hosts)", p, n->host);
	if (n->cpuset[0] && !vn_cpuset_parse(n->cpuset, &set))
		vn_err(e, n->line, "%s.cpuset: '%s' is not a CPU list such as 0-3,6",
		       p, n->cpuset);
	if (n->kind == VN_PROCESS && !n->command)
		vn_err(e, n->line, "%s.command: a process node needs a command", p);
	if (n->kind == VN_VM)
		vn_err(e, n->line, "%s.kind: vm nodes (vale-vhost and QEMU) are not implemented yet",
		       p);
	for (j = 0; j < n->nifs; j++)
		check_iface(v, vi, ni, j, e);
}

static void check_vnet(const struct vn_topo *t, int vi, struct vn_errs *e)
{
	const struct vn_vnet *v = &t->vnets[vi];
	char hd[VN_KNAME], hd2[VN_KNAME];
	int i, j, a, b;

	for (j = 0; j < vi; j++) {
		if (!strcmp(v->name, t->vnets[j].name))
			vn_err(e, v->line, "vnets[%d].name: duplicate VNet '%s' (also vnets[%d])",
			       vi, v->name, j);
		if (v->vni && v->vni == t->vnets[j].vni)
			vn_err(e, v->line, "vnets[%d].vni: VNI clash: %u is also %s's",
			       vi, v->vni, t->vnets[j].name);
	}
	if (!v->nsws)
		vn_err(e, v->line, "vnets[%d].switches: a VNet needs at least one switch", vi);
	for (i = 0; i < v->nsws; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(v->sws[i].name, v->sws[j].name))
				vn_err(e, v->sws[i].line,
				       "vnets[%d].switches[%d].name: duplicate switch '%s' (also switches[%d])",
				       vi, i, v->sws[i].name, j);
	if (v->tunnel_sw[0] && !vn_find_switch(v, v->tunnel_sw))
		vn_err(e, v->line, "vnets[%d].tunnel: unknown switch '%s' (not in vnets[%d].switches)",
		       vi, v->tunnel_sw, vi);
	for (i = 0; i < v->nnodes; i++)
		check_node(t, v, vi, i, e);
	if (t->nhosts > 1 && !v->vni)
		vn_err(e, v->line, "vnets[%d].vni: needed: the file has several hosts", vi);
	check_addrs(v, vi, e);
	/* the host-side device names are hashes: they must not collide */
	for (a = 0; a < v->nnodes; a++)
		for (i = 0; i < v->nodes[a].nifs; i++)
			for (b = 0; b <= a; b++)
				for (j = 0; j < (b == a ? i : v->nodes[b].nifs); j++) {
					vn_hostdev(hd, v->name, v->nodes[a].name,
						   v->nodes[a].ifs[i].name);
					vn_hostdev(hd2, v->name, v->nodes[b].name,
						   v->nodes[b].ifs[j].name);
					if (!strcmp(hd, hd2) &&
					    strcmp(v->nodes[a].ifs[i].name, v->nodes[b].ifs[j].name))
						vn_err(e, v->nodes[a].ifs[i].line,
						       "vnets[%d].nodes[%d].interfaces[%d].name: device name %s collides; rename it",
						       vi, a, i, hd);
				}
}

/* This host's part against the machine and what already runs here. */
static void check_local(const struct vn_topo *t, const char *host,
			const struct vn_sys *s, const struct vn_topo *running,
			struct vn_errs *e)
{
	bool probed[64] = { false };
	uint64_t mem = 0;
	cpu_set_t set, both;
	int vi, ni, hi, k;

	for (vi = 0; vi < t->nvnets; vi++) {
		const struct vn_vnet *v = &t->vnets[vi];
		bool here = false;

		for (ni = 0; ni < v->nnodes; ni++) {
			const struct vn_node *n = &v->nodes[ni];

			if (*host && strcmp(n->host, host))
				continue;
			here = true;
			mem += n->memory;
			if (n->cpuset[0] && vn_cpuset_parse(n->cpuset, &set)) {
				CPU_AND(&both, &set, &s->online);
				if (!CPU_EQUAL(&both, &set))
					vn_err(e, n->line,
					       "vnets[%d].nodes[%d].cpuset: '%s' has CPUs this machine does not have online",
					       vi, ni, n->cpuset);
			}
		}
		for (k = 0; running && k < running->nvnets; k++) {
			const struct vn_vnet *r = &running->vnets[k];

			if (v->vni && r->vni == v->vni && strcmp(r->name, v->name))
				vn_err(e, v->line,
				       "vnets[%d].vni: VNI clash: %u is used by VNet '%s', running here",
				       vi, v->vni, r->name);
		}
		if (!here || !*host || !s->reachable)
			continue;
		for (hi = 0; hi < t->nhosts; hi++) {
			const struct vn_host *h = &t->hosts[hi];
			bool used = false;

			if (!strcmp(h->name, host) || hi >= 64 || probed[hi])
				continue;
			for (ni = 0; ni < v->nnodes; ni++)
				used |= !strcmp(v->nodes[ni].host, h->name);
			if (!used)
				continue;
			probed[hi] = true;
			if (!s->reachable(h->underlay))
				vn_err(e, h->line,
				       "hosts[%d]: host %s (%s) is not reachable over the underlay",
				       hi, h->name, h->underlay);
		}
	}
	if (mem > s->mem_avail)
		vn_err(e, 0, "memory: the nodes of host %s ask for %llu MiB, %llu MiB are available",
		       *host ? host : "(this one)", (unsigned long long)(mem >> 20),
		       (unsigned long long)(s->mem_avail >> 20));
}

int vn_admit(const struct vn_topo *t, const char *host, const struct vn_sys *s,
	     const struct vn_topo *running, struct vn_errs *e)
{
	int before = e->n, i;

	check_hosts(t, e);
	for (i = 0; i < t->nvnets; i++)
		check_vnet(t, i, e);
	if (host && *host && !vn_find_host(t, host))
		vn_err(e, 0, "host %s: not in hosts", host);
	else if (host)
		check_local(t, host, s, running, e);
	return e->n - before;
}
