// SPDX-License-Identifier: GPL-2.0
/*
 * State files (state.h): written here, read back with the topology
 * parser in its state mode.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "out.h"
#include "parse.h"
#include "state.h"

static void kv(FILE *f, const char *indent, const char *k, const char *v)
{
	fprintf(f, "%s%s: ", indent, k);
	out_json_string(f, v);
	fputc('\n', f);
}

static void write_node(FILE *f, const struct vn_node *n)
{
	int i;

	kv(f, "      - ", "name", n->name);
	kv(f, "        ", "kind", vn_kind_name(n->kind));
	if (n->host[0])
		kv(f, "        ", "host", n->host);
	if (n->command)
		kv(f, "        ", "command", n->command);
	if (n->cpuset[0])
		kv(f, "        ", "cpuset", n->cpuset);
	if (n->memory)
		fprintf(f, "        memory: \"%llu\"\n", (unsigned long long)n->memory);
	if (n->uid >= 0)
		fprintf(f, "        user: %ld\n", n->uid);
	if (n->gid >= 0)
		fprintf(f, "        group: %ld\n", n->gid);
	if (n->pid > 0)
		fprintf(f, "        pid: %d\n        starttime: %llu\n", n->pid,
			n->starttime);
	if (!n->nifs)
		return;
	fprintf(f, "        interfaces:\n");
	for (i = 0; i < n->nifs; i++) {
		kv(f, "          - ", "name", n->ifs[i].name);
		kv(f, "            ", "switch", n->ifs[i].sw);
		if (n->ifs[i].mac[0])
			kv(f, "            ", "mac", n->ifs[i].mac);
		if (n->ifs[i].addr[0])
			kv(f, "            ", "address", n->ifs[i].addr);
	}
}

int vn_state_write(const char *dir, const struct vn_vnet *v)
{
	char path[512], tmp[520];
	int i, err = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.state", dir, v->name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "# vale-net: what it made for VNet %s on this host; do not edit\n"
		"vnets:\n", v->name);
	kv(f, "  - ", "name", v->name);
	if (v->vni)
		fprintf(f, "    vni: %u\n", v->vni);
	if (v->host[0])
		kv(f, "    ", "host", v->host);
	if (v->tunnel_sw[0])
		kv(f, "    ", "tunnel", v->tunnel_sw);
	fprintf(f, "    switches:%s\n", v->nsws ? "" : " []");
	for (i = 0; i < v->nsws; i++)
		kv(f, "      - ", "name", v->sws[i].name);
	fprintf(f, "    nodes:%s\n", v->nnodes ? "" : " []");
	for (i = 0; i < v->nnodes; i++)
		write_node(f, &v->nodes[i]);
	if (v->tun.on) {
		fprintf(f, "    tunnel-state:\n");
		kv(f, "      ", "switch", v->tun.sw);
		kv(f, "      ", "local", v->tun.local);
		fprintf(f, "      remotes:\n");
		for (i = 0; i < v->tun.nremotes; i++) {
			fputs("        - ", f);
			out_json_string(f, v->tun.remotes[i]);
			fputc('\n', f);
		}
	}
	if (fflush(f) || ferror(f))
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int vn_state_remove(const char *dir, const char *vnet)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.state", dir, vnet);
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int vn_state_load(const char *dir, struct vn_topo *t, struct vn_errs *e)
{
	struct dirent *d;
	char path[512];
	int before = e->n;
	DIR *dd;

	dd = opendir(dir);
	if (!dd)
		return errno == ENOENT ? 0 : -errno;
	while ((d = readdir(dd))) {
		size_t n = strlen(d->d_name);
		const char *saved = e->file;

		if (n < 7 || strcmp(d->d_name + n - 6, ".state"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		e->file = path;
		vn_parse_file(path, t, e, true);
		e->file = saved;
	}
	closedir(dd);
	return e->n - before;
}
