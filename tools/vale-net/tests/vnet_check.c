// SPDX-License-Identifier: GPL-2.0
/*
 * vnet_check (Tier 0): vale-net's parser, admission control and planner,
 * which never touch the system (this program links nothing else: no
 * netlink, no namespaces, no processes).
 *  - bad: a table of bad files, each refused with exactly one error that
 *    names its field (path and line);
 *  - all_at_once: several problems, all reported;
 *  - plan_*: the plan between two files, as the list of actions.
 * The machine admission sees is made up here: CPUs 0-1, 1 GiB available,
 * underlay 192.168.77.9 unreachable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include "admit.h"
#include "parse.h"
#include "plan.h"

static bool fake_reachable(const char *addr)
{
	return strcmp(addr, "192.168.77.9") != 0;
}

static void fake_sys(struct vn_sys *s)
{
	memset(s, 0, sizeof(*s));
	CPU_SET(0, &s->online);
	CPU_SET(1, &s->online);
	s->mem_avail = 1ULL << 30;
	s->reachable = fake_reachable;
}

/* Parse and admit @yaml for host A (when it has hosts), with @running. */
static int check(const char *yaml, const char *running, struct vn_errs *e)
{
	struct vn_topo t = { 0 }, r = { 0 };
	struct vn_sys s;
	const char *host;

	fake_sys(&s);
	e->file = "t.yaml";
	if (running)
		vn_parse_string(running, &r, e, true);
	if (!vn_parse_string(yaml, &t, e, false)) {
		host = vn_pick_host(&t, t.nhosts ? "A" : NULL, &s, e);
		if (host)
			vn_admit(&t, host, &s, &r, e);
	}
	vn_topo_free(&t);
	vn_topo_free(&r);
	return e->n;
}

#define HOSTS "hosts:\n  - {name: A, underlay: 192.168.77.1}\n" \
	"  - {name: B, underlay: 192.168.77.2}\n"
#define VNET "vnets:\n  - name: red\n    vni: 100\n    switches: [lan]\n"
#define NODE(n, ip) "      - name: " n "\n        interfaces:\n" \
	"          - {name: eth0, switch: lan, address: " ip "}\n"

FIXTURE(bad) {};
FIXTURE_SETUP(bad) {}
FIXTURE_TEARDOWN(bad) {}
FIXTURE_VARIANT(bad) {
	const char *yaml;
	const char *want;	/* the one error, in full */
	const char *running;	/* a state file of what runs here */
};

FIXTURE_VARIANT_ADD(bad, yaml_syntax) {
	.yaml = "vnets: [\n",
	.want = "t.yaml:2: YAML: did not find expected node content while parsing a flow node",
};
FIXTURE_VARIANT_ADD(bad, unknown_top_key) {
	.yaml = VNET "vnetz: 1\n",
	.want = "t.yaml:5: vnetz: unknown key (known: hosts, vnets)",
};
FIXTURE_VARIANT_ADD(bad, unknown_node_key) {
	.yaml = VNET "    nodes:\n      - {name: a, colour: red}\n",
	.want = "t.yaml:6: vnets[0].nodes[0].colour: unknown key (known: name, kind, host, command, cpuset, memory, user, group, interfaces)",
};
FIXTURE_VARIANT_ADD(bad, state_key_in_file) {
	.yaml = VNET "    nodes:\n      - {name: a, pid: 12}\n",
	.want = "t.yaml:6: vnets[0].nodes[0].pid: unknown key (known: name, kind, host, command, cpuset, memory, user, group, interfaces)",
};
FIXTURE_VARIANT_ADD(bad, wrong_type_vni) {
	.yaml = "vnets:\n  - name: red\n    vni: [1]\n    switches: [lan]\n",
	.want = "t.yaml:3: vnets[0].vni: expected an integer, not a list",
};
FIXTURE_VARIANT_ADD(bad, wrong_type_interfaces) {
	.yaml = VNET "    nodes:\n      - {name: a, interfaces: eth0}\n",
	.want = "t.yaml:6: vnets[0].nodes[0].interfaces: expected a list, not a scalar",
};
FIXTURE_VARIANT_ADD(bad, wrong_type_command) {
	.yaml = VNET "    nodes:\n      - {name: a, command: {x: 1}}\n",
	.want = "t.yaml:6: vnets[0].nodes[0].command: expected a string, not a mapping",
};
FIXTURE_VARIANT_ADD(bad, vni_range) {
	.yaml = "vnets:\n  - name: red\n    vni: 16777216\n    switches: [lan]\n",
	.want = "t.yaml:3: vnets[0].vni: expected an integer 1..16777215, not '16777216'",
};
FIXTURE_VARIANT_ADD(bad, bad_name) {
	.yaml = "vnets:\n  - name: \"r d\"\n    switches: [lan]\n",
	.want = "t.yaml:2: vnets[0].name: bad name 'r d' (1 to 15 of A-Z a-z 0-9 _ -, first a letter or digit)",
};
FIXTURE_VARIANT_ADD(bad, long_name) {
	.yaml = "vnets:\n  - name: red\n    switches: [abcdefghijklmnop]\n",
	.want = "t.yaml:3: vnets[0].switches[0]: bad name 'abcdefghijklmnop' (1 to 15 of A-Z a-z 0-9 _ -, first a letter or digit)",
};
FIXTURE_VARIANT_ADD(bad, missing_name) {
	.yaml = VNET "    nodes:\n      - {kind: netns}\n",
	.want = "t.yaml:6: vnets[0].nodes[0]: needs name",
};
FIXTURE_VARIANT_ADD(bad, bad_kind) {
	.yaml = VNET "    nodes:\n      - {name: a, kind: toaster}\n",
	.want = "t.yaml:6: vnets[0].nodes[0].kind: 'toaster' is not netns, process or vm",
};
FIXTURE_VARIANT_ADD(bad, duplicate_vnet) {
	.yaml = VNET "  - name: red\n    switches: [lan]\n",
	.want = "t.yaml:5: vnets[1].name: duplicate VNet 'red' (also vnets[0])",
};
FIXTURE_VARIANT_ADD(bad, duplicate_switch) {
	.yaml = "vnets:\n  - name: red\n    switches: [lan, lan]\n",
	.want = "t.yaml:3: vnets[0].switches[1].name: duplicate switch 'lan' (also switches[0])",
};
FIXTURE_VARIANT_ADD(bad, duplicate_node) {
	.yaml = VNET "    nodes:\n      - {name: a}\n      - {name: a}\n",
	.want = "t.yaml:7: vnets[0].nodes[1].name: duplicate node 'a' (also nodes[0])",
};
FIXTURE_VARIANT_ADD(bad, duplicate_interface) {
	.yaml = VNET "    nodes:\n      - name: a\n        interfaces:\n"
		"          - {name: eth0, switch: lan}\n          - {name: eth0, switch: lan}\n",
	.want = "t.yaml:9: vnets[0].nodes[0].interfaces[1].name: duplicate interface 'eth0' (also interfaces[0])",
};
FIXTURE_VARIANT_ADD(bad, duplicate_host) {
	.yaml = "hosts:\n  - {name: A, underlay: 192.168.77.1}\n"
		"  - {name: A, underlay: 192.168.77.2}\n" VNET,
	.want = "t.yaml:3: hosts[1].name: duplicate host 'A' (also hosts[0])",
};
FIXTURE_VARIANT_ADD(bad, vni_clash) {
	.yaml = VNET "  - name: blue\n    vni: 100\n    switches: [lan]\n",
	.want = "t.yaml:5: vnets[1].vni: VNI clash: 100 is also red's",
};
FIXTURE_VARIANT_ADD(bad, vni_clash_running) {
	.yaml = VNET,
	.running = "vnets:\n  - {name: old, vni: 100, switches: [x]}\n",
	.want = "t.yaml:2: vnets[0].vni: VNI clash: 100 is used by VNet 'old', running here",
};
FIXTURE_VARIANT_ADD(bad, address_clash) {
	.yaml = VNET "    nodes:\n" NODE("a", "10.0.0.1/24") NODE("b", "10.0.0.1/16"),
	.want = "t.yaml:11: vnets[0].nodes[1].interfaces[0].address: address clash: 10.0.0.1 is also a/eth0's",
};
FIXTURE_VARIANT_ADD(bad, mac_clash) {
	.yaml = VNET "    nodes:\n      - name: a\n        interfaces:\n"
		"          - {name: e0, switch: lan, mac: \"02:00:00:00:00:01\"}\n"
		"          - {name: e1, switch: lan, mac: \"02:00:00:00:00:01\"}\n",
	.want = "t.yaml:9: vnets[0].nodes[0].interfaces[1].mac: MAC clash: 02:00:00:00:00:01 is also a/e0's",
};
FIXTURE_VARIANT_ADD(bad, underlay_clash) {
	.yaml = "hosts:\n  - {name: A, underlay: 192.168.77.1}\n"
		"  - {name: B, underlay: 192.168.77.1}\n" VNET,
	.want = "t.yaml:3: hosts[1].underlay: address clash: 192.168.77.1 is also hosts[0]'s",
};
FIXTURE_VARIANT_ADD(bad, bad_underlay) {
	.yaml = "hosts:\n  - {name: A, underlay: nowhere}\n" VNET,
	.want = "t.yaml:2: hosts[0].underlay: 'nowhere' is not an IPv4 address",
};
FIXTURE_VARIANT_ADD(bad, unknown_switch) {
	.yaml = VNET "    nodes:\n      - name: a\n        interfaces:\n"
		"          - {name: eth0, switch: wan}\n",
	.want = "t.yaml:8: vnets[0].nodes[0].interfaces[0].switch: unknown switch 'wan' (not in vnets[0].switches)",
};
FIXTURE_VARIANT_ADD(bad, unknown_tunnel_switch) {
	.yaml = "vnets:\n  - name: red\n    tunnel: wan\n    switches: [lan]\n",
	.want = "t.yaml:2: vnets[0].tunnel: unknown switch 'wan' (not in vnets[0].switches)",
};
FIXTURE_VARIANT_ADD(bad, unknown_host) {
	.yaml = HOSTS VNET "    nodes:\n      - {name: a, host: C}\n",
	.want = "t.yaml:9: vnets[0].nodes[0].host: unknown host 'C' (not in hosts)",
};
FIXTURE_VARIANT_ADD(bad, host_missing) {
	.yaml = HOSTS VNET "    nodes:\n      - {name: a}\n",
	.want = "t.yaml:9: vnets[0].nodes[0].host: needed: the file has hosts",
};
FIXTURE_VARIANT_ADD(bad, vni_missing) {
	.yaml = HOSTS "vnets:\n  - name: red\n    switches: [lan]\n",
	.want = "t.yaml:5: vnets[0].vni: needed: the file has several hosts",
};
FIXTURE_VARIANT_ADD(bad, no_switch) {
	.yaml = "vnets:\n  - name: red\n",
	.want = "t.yaml:2: vnets[0].switches: a VNet needs at least one switch",
};
FIXTURE_VARIANT_ADD(bad, cpuset_syntax) {
	.yaml = VNET "    nodes:\n      - {name: a, cpuset: 1-x}\n",
	.want = "t.yaml:6: vnets[0].nodes[0].cpuset: '1-x' is not a CPU list such as 0-3,6",
};
FIXTURE_VARIANT_ADD(bad, cpuset_absent) {
	.yaml = VNET "    nodes:\n      - {name: a, cpuset: \"1-3\"}\n",
	.want = "t.yaml:6: vnets[0].nodes[0].cpuset: '1-3' has CPUs this machine does not have online",
};
FIXTURE_VARIANT_ADD(bad, memory_syntax) {
	.yaml = VNET "    nodes:\n      - {name: a, memory: lots}\n",
	.want = "t.yaml:6: vnets[0].nodes[0].memory: expected a size such as 512M or 2G, not 'lots'",
};
FIXTURE_VARIANT_ADD(bad, memory_too_much) {
	.yaml = VNET "    nodes:\n      - {name: a, memory: 600M}\n      - {name: b, memory: 600M}\n",
	.want = "t.yaml: memory: the nodes of host (this one) ask for 1200 MiB, 1024 MiB are available",
};
FIXTURE_VARIANT_ADD(bad, memory_other_host_ignored_but_unreachable) {
	.yaml = "hosts:\n  - {name: A, underlay: 192.168.77.1}\n"
		"  - {name: B, underlay: 192.168.77.9}\n" VNET
		"    nodes:\n      - {name: a, host: A}\n      - {name: b, host: B, memory: 9G}\n",
	.want = "t.yaml:3: hosts[1]: host B (192.168.77.9) is not reachable over the underlay",
};
FIXTURE_VARIANT_ADD(bad, mac_syntax) {
	.yaml = VNET "    nodes:\n      - name: a\n        interfaces:\n"
		"          - {name: eth0, switch: lan, mac: \"02:00:00:00:00\"}\n",
	.want = "t.yaml:8: vnets[0].nodes[0].interfaces[0].mac: '02:00:00:00:00' is not a MAC address (xx:xx:xx:xx:xx:xx)",
};
FIXTURE_VARIANT_ADD(bad, mac_multicast) {
	.yaml = VNET "    nodes:\n      - name: a\n        interfaces:\n"
		"          - {name: eth0, switch: lan, mac: \"01:00:5e:00:00:01\"}\n",
	.want = "t.yaml:8: vnets[0].nodes[0].interfaces[0].mac: 01:00:5e:00:00:01 is a multicast address",
};
FIXTURE_VARIANT_ADD(bad, address_syntax) {
	.yaml = VNET "    nodes:\n" NODE("a", "10.0.0.300/24"),
	.want = "t.yaml:8: vnets[0].nodes[0].interfaces[0].address: '10.0.0.300/24' is not ADDRESS/PREFIX",
};
FIXTURE_VARIANT_ADD(bad, process_without_command) {
	.yaml = VNET "    nodes:\n      - {name: a, kind: process}\n",
	.want = "t.yaml:6: vnets[0].nodes[0].command: a process node needs a command",
};
FIXTURE_VARIANT_ADD(bad, vm_not_yet) {
	.yaml = VNET "    nodes:\n      - {name: a, kind: vm, memory: 256M}\n",
	.want = "t.yaml:6: vnets[0].nodes[0].kind: vm nodes (vale-vhost and QEMU) are not implemented yet",
};
FIXTURE_VARIANT_ADD(bad, user_range) {
	.yaml = VNET "    nodes:\n      - {name: a, user: -1}\n",
	.want = "t.yaml:6: vnets[0].nodes[0].user: expected an integer 0..65534, not '-1'",
};
FIXTURE_VARIANT_ADD(bad, unknown_host_arg) {
	.yaml = "hosts:\n  - {name: X, underlay: 192.168.77.1}\n" VNET,
	.want = "t.yaml: --host A: no such host in hosts",
};

TEST_F(bad, refused_with_its_error)
{
	struct vn_errs e = { 0 };
	int n = check(variant->yaml, variant->running, &e);

	for (int i = 0; i < e.n; i++)
		TH_LOG("error: %s", e.msg[i]);
	ASSERT_EQ(1, n);
	EXPECT_STREQ(variant->want, e.msg[0]);
	vn_errs_free(&e);
}

TEST(good_file_admitted)
{
	struct vn_errs e = { 0 };

	EXPECT_EQ(0, check(HOSTS VNET "    nodes:\n"
			   "      - {name: a, host: A, cpuset: \"0-1\", memory: 64M,"
			   " command: sleep 9, interfaces: [{name: eth0, switch: lan,"
			   " address: 10.0.0.1/24, mac: \"02:00:00:00:00:01\"}]}\n"
			   "      - {name: b, host: B, interfaces: [{name: eth0,"
			   " switch: lan, address: 10.0.0.2/24}]}\n"
			   "  - name: blue\n    vni: 200\n    switches: [lan]\n"
			   "    nodes:\n      - {name: a, host: A, interfaces: [{name: eth0,"
			   " switch: lan, address: 10.0.0.1/24, mac: \"02:00:00:00:00:01\"}]}\n",
			   NULL, &e));
	for (int i = 0; i < e.n; i++)
		TH_LOG("error: %s", e.msg[i]);
	vn_errs_free(&e);
}

TEST(all_at_once)
{
	struct vn_errs e = { 0 };

	/* a dangling switch, a bad cpuset, a duplicate node, an address clash */
	EXPECT_EQ(4, check(VNET "    nodes:\n"
			   "      - {name: a, cpuset: \"7\", interfaces: [{name: e, switch: lan, address: 10.0.0.1/8}]}\n"
			   "      - {name: a, interfaces: [{name: e, switch: wan, address: 10.0.0.1/8}]}\n",
			   NULL, &e));
	for (int i = 0; i < e.n; i++)
		TH_LOG("error: %s", e.msg[i]);
	vn_errs_free(&e);
}

/* ---- plans ---- */

static const char *const op_tag[OP_N] = {
	[OP_PROC_STOP] = "stop", [OP_TUN_DEL] = "-tunnel", [OP_IF_DEL] = "-if",
	[OP_NODE_DEL] = "-node", [OP_SW_DEL] = "-switch", [OP_NODE_ADD] = "+node",
	[OP_SW_ADD] = "+switch", [OP_IF_ADD] = "+if", [OP_TUN_ADD] = "+tunnel",
	[OP_PROC_START] = "start",
};

/*
 * The plan from @from (NULL: nothing) to @to (NULL: destroy) for host
 * @host, as "op node[/if] ..."; commands of @from count as running.
 */
static void plan_str(const char *from, const char *to, const char *host,
		     char *out, size_t size)
{
	struct vn_topo a = { 0 }, b = { 0 };
	struct vn_vnet va = { 0 }, vb = { 0 };
	struct vn_errs e = { 0 };
	struct vn_plan p;
	int i;

	if (from) {
		vn_parse_string(from, &a, &e, false);
		vn_localize(&va, &a, &a.vnets[0], host);
		for (i = 0; i < va.nnodes; i++)
			va.nodes[i].pid = va.nodes[i].command ? 100 + i : 0;
	}
	if (to) {
		vn_parse_string(to, &b, &e, false);
		vn_localize(&vb, &b, &b.vnets[0], host);
	}
	vn_plan_make(&p, to ? &vb : NULL, from ? &va : NULL);
	out[0] = '\0';
	for (i = 0; i < p.n; i++)
		snprintf(out + strlen(out), size - strlen(out), "%s%s%s%s%s%s",
			 i ? " " : "", op_tag[p.a[i].op], p.a[i].node[0] ? " " : "",
			 p.a[i].node, p.a[i].iface[0] ? "/" : "", p.a[i].iface);
	vn_plan_free(&p);
	vn_vnet_free(&va);
	vn_vnet_free(&vb);
	vn_topo_free(&a);
	vn_topo_free(&b);
	vn_errs_free(&e);
}

#define BASE VNET "    nodes:\n" \
	"      - {name: a, host: A, command: sleep 9, interfaces: [{name: eth0, switch: lan, address: 10.0.0.1/24}]}\n" \
	"      - {name: b, host: A, interfaces: [{name: eth0, switch: lan, address: 10.0.0.2/24}]}\n"
#define NODE_C "      - {name: c, host: A, interfaces: [{name: eth0, switch: lan, address: 10.0.0.3/24}]}\n"
#define NODE_D "      - {name: d, host: B, interfaces: [{name: eth0, switch: lan, address: 10.0.0.4/24}]}\n"

static char got[1024];

TEST(plan_create)
{
	plan_str(NULL, HOSTS BASE, "A", got, sizeof(got));
	EXPECT_STREQ("+node a +node b +switch lan +if a/eth0 +if b/eth0 start a", got);
}

TEST(plan_same_is_empty)
{
	plan_str(HOSTS BASE, HOSTS BASE, "A", got, sizeof(got));
	EXPECT_STREQ("", got);
}

TEST(plan_add_node_touches_only_it)
{
	plan_str(HOSTS BASE, HOSTS BASE NODE_C, "A", got, sizeof(got));
	EXPECT_STREQ("+node c +if c/eth0", got);
}

TEST(plan_remove_node)
{
	plan_str(HOSTS BASE NODE_C, HOSTS BASE, "A", got, sizeof(got));
	EXPECT_STREQ("-if c/eth0 -node c", got);
}

TEST(plan_node_on_other_host_adds_tunnel)
{
	plan_str(HOSTS BASE, HOSTS BASE NODE_D, "A", got, sizeof(got));
	EXPECT_STREQ("+tunnel", got);
	plan_str(HOSTS BASE, HOSTS BASE NODE_D, "B", got, sizeof(got));
	EXPECT_STREQ("+node d +switch lan +if d/eth0 +tunnel", got);
}

TEST(plan_changed_address_replaces_the_interface)
{
	char to[2048];

	snprintf(to, sizeof(to), "%s", HOSTS BASE);
	*strstr(to, "10.0.0.2/24") = '\0';
	strcat(to, "10.0.0.22/24}]}\n");
	plan_str(HOSTS BASE, to, "A", got, sizeof(got));
	EXPECT_STREQ("-if b/eth0 +if b/eth0", got);
}

TEST(plan_changed_command_restarts_the_node)
{
	char to[2048], *p;

	snprintf(to, sizeof(to), "%s", HOSTS BASE);
	p = strstr(to, "sleep 9");
	p[6] = '8';
	plan_str(HOSTS BASE, to, "A", got, sizeof(got));
	EXPECT_STREQ("stop a -if a/eth0 -node a +node a +if a/eth0 start a", got);
}

TEST(plan_destroy)
{
	plan_str(HOSTS BASE NODE_D, NULL, "A", got, sizeof(got));
	EXPECT_STREQ("stop a -tunnel -if a/eth0 -if b/eth0 -node a -node b -switch lan", got);
}

TEST_HARNESS_MAIN
