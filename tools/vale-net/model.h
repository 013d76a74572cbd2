/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale-net's model: a topology file (Documentation/vnets.md) and the state
 * of what runs are both a struct vn_topo.  A file describes every host's
 * part; vn_localize() cuts out one host's part, which is what apply makes
 * and what the state file under /run/vale-net/ records.
 *
 * Names are [A-Za-z0-9_-], first alphanumeric, at most VN_NAME_MAX
 * characters, so that every name derived from them (vn_kswitch() and the
 * others below) fits the kernel's limits.
 */
#ifndef VALE_NET_MODEL_H
#define VALE_NET_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#define VN_NAME_MAX	15
#define VN_STR		64
#define VN_ADDR		48	/* an address with its /prefix */

enum vn_kind { VN_NETNS, VN_PROCESS, VN_VM };

struct vn_iface {
	char name[VN_NAME_MAX + 1];
	char sw[VN_NAME_MAX + 1];	/* the switch of its VNet it joins */
	char mac[18];			/* "" : the kernel picks one */
	char addr[VN_ADDR];		/* "" : none; CIDR otherwise */
	int line;
};

struct vn_node {
	char name[VN_NAME_MAX + 1];
	enum vn_kind kind;
	char host[VN_NAME_MAX + 1];	/* "" : the only host */
	char *command;			/* NULL: none (netns only) */
	char cpuset[VN_STR];		/* "" : any CPU */
	uint64_t memory;		/* bytes, 0: not given */
	long uid, gid;			/* -1: not given */
	struct vn_iface *ifs;
	int nifs;
	int line;
	/* state: the command's process */
	int pid;
	unsigned long long starttime;	/* /proc/PID/stat field 22 */
};

struct vn_switch {
	char name[VN_NAME_MAX + 1];
	int line;
};

/* The vxlan device of a VNet on one host (state and localized models). */
struct vn_tunnel {
	bool on;
	char sw[VN_NAME_MAX + 1];
	char local[VN_ADDR];
	char remotes[8][VN_ADDR];
	int nremotes;
};

struct vn_vnet {
	char name[VN_NAME_MAX + 1];
	uint32_t vni;			/* 0: not given */
	char tunnel_sw[VN_NAME_MAX + 1]; /* "tunnel:", default first switch */
	struct vn_switch *sws;
	int nsws;
	struct vn_node *nodes;
	int nnodes;
	int line;
	/* localized / state */
	char host[VN_NAME_MAX + 1];
	struct vn_tunnel tun;
};

struct vn_host {
	char name[VN_NAME_MAX + 1];
	char underlay[VN_ADDR];
	int line;
};

struct vn_topo {
	struct vn_host *hosts;
	int nhosts;
	struct vn_vnet *vnets;
	int nvnets;
};

/* Problems, all collected before anything is done (one per line). */
struct vn_errs {
	char **msg;
	int n;
	const char *file;	/* prefix "FILE:LINE: " when a line is known */
};

void vn_err(struct vn_errs *e, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void vn_errs_print(const struct vn_errs *e, const char *prog);
void vn_errs_free(struct vn_errs *e);

/* Growing arrays: a new zeroed element at the end. */
struct vn_vnet *vn_add_vnet(struct vn_topo *t);
struct vn_host *vn_add_host(struct vn_topo *t);
struct vn_switch *vn_add_switch(struct vn_vnet *v);
struct vn_node *vn_add_node(struct vn_vnet *v);
struct vn_iface *vn_add_iface(struct vn_node *n);

void vn_topo_free(struct vn_topo *t);
void vn_vnet_free(struct vn_vnet *v);
void vn_vnet_copy(struct vn_vnet *dst, const struct vn_vnet *src);

struct vn_vnet *vn_find_vnet(const struct vn_topo *t, const char *name);
struct vn_switch *vn_find_switch(const struct vn_vnet *v, const char *name);
struct vn_node *vn_find_node(const struct vn_vnet *v, const char *name);
struct vn_iface *vn_find_iface(const struct vn_node *n, const char *name);
struct vn_host *vn_find_host(const struct vn_topo *t, const char *name);

bool vn_name_ok(const char *s);
const char *vn_kind_name(enum vn_kind k);

/*
 * The names of what vale-net makes (the ownership convention of
 * Documentation/vnets.md).  @host is the localized VNet's host ("" when
 * the file has none).
 */
void vn_kswitch(char *buf, const char *host, const char *vnet, const char *sw);
void vn_netns(char *buf, const char *vnet, const char *node);
void vn_hostdev(char *buf, const char *vnet, const char *node, const char *ifn);
void vn_vxdev(char *buf, uint32_t vni);
void vn_port(char *buf, const char *node, const char *ifn);

#define VN_KSWITCH_PREFIX	"valenet."
#define VN_NETNS_PREFIX		"vn."
#define VN_KNAME		64	/* buffer for any of the names above */

/*
 * @host's part of @v (nodes that live there, the tunnel to the other
 * hosts with nodes of @v): into @out, a fresh VNet.  @host NULL or "": a
 * file without hosts.
 */
void vn_localize(struct vn_vnet *out, const struct vn_topo *t,
		 const struct vn_vnet *v, const char *host);

#endif /* VALE_NET_MODEL_H */
