// SPDX-License-Identifier: GPL-2.0
/*
 * vale-net: virtual networks declared in a topology file, made of vale
 * switches, namespaces, processes and vxlan tunnels
 * (Documentation/vnets.md, Documentation/man/vale-net.8).
 *
 *   vale-net [options] check FILE      parse and admission control only
 *   vale-net [options] diff FILE       what apply would change
 *   vale-net [options] apply FILE      make it so
 *   vale-net [options] show            what runs
 *   vale-net [options] destroy VNET    remove a VNet
 *
 * The commands are a table of tools/common/cmd.h (prefixes as in ip(8)).
 * Exit codes: 0 success; 1 an action failed (rolled back) or no such
 * VNet; 2 bad usage, a bad file or refused by admission control (nothing
 * changed); 3 the vale family or rtnetlink is not there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apply.h"
#include "admit.h"
#include "cmd.h"
#include "discover.h"
#include "netns.h"
#include "out.h"
#include "parse.h"
#include "print.h"
#include "state.h"
#include "sys.h"

enum { EX_OK, EX_FAILED, EX_USAGE = CMD_EX_USAGE, EX_NETLINK };

static const char *prog = "vale-net";

static struct {
	const char *host;
	const char *netns;
	char state_dir[256];
	bool json, no_probe;
} opt;

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [OPTIONS] COMMAND [ARGS]\n"
"  check FILE      parse FILE and run admission control; change nothing\n"
"  diff FILE       print what apply would change\n"
"  apply FILE      make what runs on this host what FILE says\n"
"  show            the VNets vale-net made here, and what of them exists\n"
"  destroy VNET    remove VNET (all of it, on this host)\n"
"Commands may be shortened to a prefix (%s ap FILE); where one fits\n"
"several, the first in this list wins.\n"
"Options:\n"
"  -H, --host NAME   the host of FILE this is (default: the one whose\n"
"                    underlay address is configured here)\n"
"  -n, --netns NAME  act inside network namespace NAME (a \"host\" in tests)\n"
"  -s, --state DIR   state directory (default /run/vale-net, or\n"
"                    /run/vale-net/netns.NAME with --netns)\n"
"      --no-probe    do not probe the other hosts' underlay addresses\n"
"  -j, --json        JSON output\n"
"  -h, --help        this text\n", prog, prog);
}

static int fail_errs(struct vn_errs *e, const char *what)
{
	vn_errs_print(e, prog);
	fprintf(stderr, "%s: %d problem%s; %s\n", prog, e->n, e->n == 1 ? "" : "s",
		what);
	vn_errs_free(e);
	return EX_USAGE;
}

static void mkdirs(const char *dir)
{
	char p[256];

	snprintf(p, sizeof(p), "%s", dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

/* Parse, admit, discover and plan: the check phase. */
static int prepare(const char *file, bool need_system, struct vn_topo *t,
		   struct vn_topo *running, struct vn_ctx *c, struct vn_job **jobs,
		   const char **host)
{
	struct vn_errs e = { .file = file };
	struct vn_sys sys;
	int i, err;

	if (vn_parse_file(file, t, &e, false))
		return fail_errs(&e, "nothing was changed");
	vn_sys_read(&sys);
	if (opt.no_probe)
		sys.reachable = NULL;
	e.file = NULL;
	*host = vn_pick_host(t, opt.host, &sys, &e);
	vn_state_load(opt.state_dir, running, &e);
	if (e.n)
		return fail_errs(&e, "nothing was changed");
	e.file = file;
	if (vn_admit(t, *host, &sys, running, &e))
		return fail_errs(&e, "refused by admission control; nothing was changed");
	if (!need_system)
		return EX_OK;
	e.file = NULL;
	err = vn_ctx_open(c, &e);
	if (err)
		return vn_errs_print(&e, prog), vn_errs_free(&e), EX_NETLINK;
	c->state_dir = opt.state_dir;
	*jobs = calloc(t->nvnets ? t->nvnets : 1, sizeof(**jobs));
	for (i = 0; i < t->nvnets; i++) {
		struct vn_job *j = &(*jobs)[i];
		struct vn_vnet *want = calloc(1, sizeof(*want));
		const struct vn_vnet *rec = vn_find_vnet(running, t->vnets[i].name);

		vn_localize(want, t, &t->vnets[i], *host);
		j->want = want;
		if (rec)
			vn_discover(c, rec, &j->have);
		vn_plan_make(&j->plan, want, rec ? &j->have : NULL);
	}
	return EX_OK;
}

static int apply_or_diff(const char *file, bool dry)
{
	struct vn_topo t = { 0 }, running = { 0 };
	struct vn_result r = { 0 };
	struct vn_job *jobs = NULL;
	struct vn_ctx c = { 0 };
	double t0 = vn_now_ms();
	int st, i, changes = 0, err = 0;
	const char *host = "";

	st = prepare(file, true, &t, &running, &c, &jobs, &host);
	if (st)
		return st;
	r.ms[PH_CHECK] = vn_now_ms() - t0;
	out_open_object(NULL);
	out_string(OUT_JSON, "command", NULL, dry ? "diff" : "apply");
	out_string(OUT_JSON, "host", NULL, host);
	out_open_array("vnets");
	for (i = 0; i < t.nvnets; i++) {
		vn_print_plan(&jobs[i]);
		changes += jobs[i].plan.n;
	}
	out_close_array();
	if (!dry && changes)
		err = vn_apply(&c, jobs, t.nvnets, &r);
	vn_print_result(&r, changes, dry ? NULL : "applied");
	out_close_object();
	if (out_is_json())
		out_newline();
	for (i = 0; i < t.nvnets; i++) {
		vn_plan_free(&jobs[i].plan);
		vn_vnet_free(&jobs[i].have);
		vn_vnet_free(&jobs[i].live);
		vn_vnet_free((struct vn_vnet *)jobs[i].want);
		free((void *)jobs[i].want);
	}
	free(jobs);
	vn_ctx_close(&c);
	vn_topo_free(&t);
	vn_topo_free(&running);
	if (err)
		fprintf(stderr, "%s: %s (rolled back)\n", prog, r.error);
	return err ? EX_FAILED : EX_OK;
}

static int run_check(int argc, char **argv)
{
	const char *file = argv[1];
	struct vn_topo t = { 0 }, running = { 0 };
	const char *host = "";
	int st, i, n = 0;

	(void)argc;
	st = prepare(file, false, &t, &running, NULL, NULL, &host);
	if (!st) {
		for (i = 0; i < t.nvnets; i++)
			n += t.vnets[i].nnodes;
		out_open_object(NULL);
		out_string(OUT_ANY, "file", "%s: ok", file);
		out_uint(OUT_ANY, "vnets", ", %llu VNets", (unsigned long long)t.nvnets);
		out_uint(OUT_ANY, "nodes", ", %llu nodes", (unsigned long long)n);
		out_string(OUT_ANY, "host", ", host '%s'\n", host);
		out_close_object();
		if (out_is_json())
			out_newline();
	}
	vn_topo_free(&t);
	vn_topo_free(&running);
	return st;
}

static int open_ctx(struct vn_ctx *c)
{
	struct vn_errs e = { 0 };

	if (vn_ctx_open(c, &e)) {
		vn_errs_print(&e, prog);
		vn_errs_free(&e);
		return EX_NETLINK;
	}
	c->state_dir = opt.state_dir;
	return EX_OK;
}

static int run_show(int argc, char **argv)
{
	struct vn_topo running = { 0 };
	struct vn_errs e = { 0 };
	struct vn_ctx c = { 0 };
	int i;

	(void)argc;
	(void)argv;
	vn_state_load(opt.state_dir, &running, &e);
	if (e.n) {
		vn_errs_print(&e, prog);
		vn_errs_free(&e);
	}
	if (open_ctx(&c))
		return EX_NETLINK;
	out_open_object(NULL);
	out_open_array("vnets");
	for (i = 0; i < running.nvnets; i++) {
		struct vn_vnet have;

		vn_discover(&c, &running.vnets[i], &have);
		vn_print_show(&running.vnets[i], &have);
		vn_vnet_free(&have);
	}
	out_close_array();
	out_close_object();
	if (out_is_json())
		out_newline();
	else if (!running.nvnets)
		printf("no VNets (state in %s)\n", opt.state_dir);
	vn_ctx_close(&c);
	vn_topo_free(&running);
	return EX_OK;
}

static int run_destroy(int argc, char **argv)
{
	const char *name = argv[1];
	struct vn_topo running = { 0 };
	struct vn_result r = { 0 };
	struct vn_errs e = { 0 };
	struct vn_ctx c = { 0 };
	struct vn_job j = { 0 };
	const struct vn_vnet *rec;
	double t0 = vn_now_ms();
	int err;

	(void)argc;
	mkdirs(opt.state_dir);
	vn_state_load(opt.state_dir, &running, &e);
	rec = vn_find_vnet(&running, name);
	if (!rec) {
		fprintf(stderr, "%s: destroy: no VNet '%s' here (state in %s)\n", prog,
			name, opt.state_dir);
		vn_errs_free(&e);
		vn_topo_free(&running);
		return EX_FAILED;
	}
	if (open_ctx(&c))
		return EX_NETLINK;
	vn_discover(&c, rec, &j.have);
	vn_plan_make(&j.plan, NULL, &j.have);
	r.ms[PH_CHECK] = vn_now_ms() - t0;
	out_open_object(NULL);
	out_string(OUT_JSON, "command", NULL, "destroy");
	out_open_array("vnets");
	vn_print_plan(&j);
	out_close_array();
	err = vn_apply(&c, &j, 1, &r);
	if (!err)
		vn_state_remove(opt.state_dir, name);
	vn_print_result(&r, j.plan.n, "destroyed");
	out_close_object();
	if (out_is_json())
		out_newline();
	vn_plan_free(&j.plan);
	vn_vnet_free(&j.have);
	vn_vnet_free(&j.live);
	vn_ctx_close(&c);
	vn_errs_free(&e);
	vn_topo_free(&running);
	if (err)
		fprintf(stderr, "%s: %s\n", prog, r.error);
	return err ? EX_FAILED : EX_OK;
}

static int run_diff(int argc, char **argv)
{
	(void)argc;
	mkdirs(opt.state_dir);
	return apply_or_diff(argv[1], true);
}

static int run_apply(int argc, char **argv)
{
	(void)argc;
	mkdirs(opt.state_dir);
	return apply_or_diff(argv[1], false);
}

static const struct cmd cmds[] = {
	{ .word = "check", .run = run_check, .args = "FILE" },
	{ .word = "diff", .run = run_diff, .args = "FILE" },
	{ .word = "apply", .run = run_apply, .args = "FILE" },
	{ .word = "show", .run = run_show, .args = "" },
	{ .word = "destroy", .run = run_destroy, .args = "VNET" },
	{ .word = NULL },
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "netns", required_argument, NULL, 'n' },
		{ "state", required_argument, NULL, 's' },
		{ "no-probe", no_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_tool tool = { prog, usage, cmds };
	int c, err;

	while ((c = cmd_getopt(&tool, argc, argv, "+H:n:s:jh", opts)) != -1) {
		switch (c) {
		case 'H':
			opt.host = optarg;
			break;
		case 'n':
			opt.netns = optarg;
			break;
		case 's':
			snprintf(opt.state_dir, sizeof(opt.state_dir), "%s", optarg);
			break;
		case 'P':
			opt.no_probe = true;
			break;
		case 'j':
			opt.json = true;
			break;
		}
	}
	if (!opt.state_dir[0]) {
		if (opt.netns)
			snprintf(opt.state_dir, sizeof(opt.state_dir),
				 "/run/vale-net/netns.%s", opt.netns);
		else
			snprintf(opt.state_dir, sizeof(opt.state_dir), "/run/vale-net");
	}
	err = opt.netns ? netns_enter(opt.netns) : 0;
	if (err) {
		fprintf(stderr, "%s: --netns %s: %s\n", prog, opt.netns, strerror(-err));
		return EX_USAGE;
	}
	out_init(stdout, opt.json);
	return cmd_dispatch(&tool, argc - optind, argv + optind);
}
