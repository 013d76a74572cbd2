// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vhost: configuration.  A VM NIC comes from a --vm SPEC on the
 * command line or a "vm SPEC" line of a --config file; both go through
 * parse_vm(), so they accept exactly the same things.  Direct pairs are
 * checked once everything is read: each pair has exactly two members.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "vhost.h"

const char *stats_path;
uint64_t max_vm_mem = 1ull << 40;		/* 1 TiB per VM */
uint64_t max_total_mem = 32ull << 40;		/* a quarter of x86-64's user space */

/* "N", "NK", "NM", "NG", "NT" (powers of 1024); 0 or -1. */
int parse_size(const char *s, uint64_t *v)
{
	static const char units[] = "KMGT";
	unsigned long long n;
	const char *u;
	char *end;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	if (*end) {
		u = strchr(units, *end);
		if (!u || !*u || end[1])
			return -1;
		for (; u >= units; u--) {
			if (n > UINT64_MAX / 1024)
				return -1;
			n *= 1024;
		}
	}
	*v = n;
	return 0;
}

static struct vm *find_vm(const char *name)
{
	struct vm *vm;

	for (vm = vms; vm; vm = vm->next)
		if (!strcmp(vm->name, name))
			return vm;
	return NULL;
}

/* "NAME,path=SOCK,port=valeX:Y|direct=PAIR[,client][,queues=N]" */
int parse_vm(const char *spec)
{
	char *s = strdup(spec), *tok, *save = NULL;
	struct vm *vm = calloc(1, sizeof(*vm)), **tail;
	bool have_bind = false;
	unsigned int i;
	int ret = -1;

	if (!s || !vm)
		goto out;
	vm->max_qp = 1;
	vm->listen_fd = vm->conn_fd = -1;
	for (i = 0; i < MAX_VQ; i++)
		vm->vq[i].kick_fd = vm->vq[i].call_fd = vm->vq[i].err_fd = -1;
	tok = strtok_r(s, ",", &save);
	if (!tok || strchr(tok, '=') || strlen(tok) >= sizeof(vm->name) ||
	    !strcmp(tok, "")) {
		err("--vm %s: must start with a name", spec);
		goto out;
	}
	strcpy(vm->name, tok);
	while ((tok = strtok_r(NULL, ",", &save))) {
		char *v = strchr(tok, '=');

		if (v)
			*v++ = 0;
		if (!strcmp(tok, "client") && !v) {
			vm->client = true;
		} else if (!strcmp(tok, "server") && !v) {
			vm->client = false;
		} else if (!strcmp(tok, "path") && v && strlen(v) < sizeof(vm->path) && *v) {
			strcpy(vm->path, v);
		} else if ((!strcmp(tok, "port") || !strcmp(tok, "direct")) && v &&
			   *v && strlen(v) < sizeof(vm->target) && !have_bind) {
			strcpy(vm->target, v);
			vm->ops = tok[0] == 'p' ? &vale_binding : &direct_binding;
			have_bind = true;
		} else if (!strcmp(tok, "queues") && v) {
			char *end;
			unsigned long q = strtoul(v, &end, 10);

			if (*end || q < 1 || q > MAX_QP) {
				err("--vm %s: queues must be 1..%u", spec, MAX_QP);
				goto out;
			}
			vm->max_qp = q;
		} else {
			err("--vm %s: bad item '%s%s%s'", spec, tok, v ? "=" : "", v ? v : "");
			goto out;
		}
	}
	if (!*vm->path || !have_bind) {
		err("--vm %s: needs path= and port= or direct=", spec);
		goto out;
	}
	if (find_vm(vm->name)) {
		err("--vm %s: name %s used twice", spec, vm->name);
		goto out;
	}
	for (tail = &vms; *tail; tail = &(*tail)->next)
		if (!strcmp((*tail)->path, vm->path)) {
			err("--vm %s: socket %s used twice", spec, vm->path);
			goto out;
		}
	*tail = vm;
	vm = NULL;
	ret = 0;
out:
	free(vm);
	free(s);
	return ret;
}

int parse_config(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	unsigned int n = 0;
	int ret = 0;

	if (!f) {
		err("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *key, *val;

		n++;
		p[strcspn(p, "#\r\n")] = 0;
		key = strtok(p, " \t");
		if (!key)
			continue;
		val = strtok(NULL, " \t");
		if (!val || strtok(NULL, " \t")) {
			err("%s:%u: expected 'KEY VALUE'", path, n);
			ret = -1;
		} else if (!strcmp(key, "vm")) {
			if (parse_vm(val) < 0)
				ret = -1;
		} else if (!strcmp(key, "stats-socket")) {
			stats_path = strdup(val);
		} else if (!strcmp(key, "log-level")) {
			if (set_log_level(val) < 0)
				ret = -1;
		} else if (!strcmp(key, "max-guest-mem") || !strcmp(key, "max-total-mem")) {
			if (parse_size(val, key[4] == 'g' ? &max_vm_mem : &max_total_mem) < 0) {
				err("%s:%u: %s %s: not a size (N[K|M|G|T])", path, n, key, val);
				ret = -1;
			}
		} else {
			err("%s:%u: unknown key %s", path, n, key);
			ret = -1;
		}
	}
	fclose(f);
	return ret;
}

int check_pairs(void)
{
	struct vm *a, *b;

	for (a = vms; a; a = a->next) {
		unsigned int n = 0;

		if (a->ops != &direct_binding)
			continue;
		for (b = vms; b; b = b->next)
			if (b != a && b->ops == &direct_binding &&
			    !strcmp(a->target, b->target)) {
				a->peer = b;
				n++;
			}
		if (n != 1) {
			err("direct pair %s has %u members (needs exactly 2)", a->target, n + 1);
			return -1;
		}
	}
	return 0;
}
