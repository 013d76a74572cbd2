// SPDX-License-Identifier: GPL-2.0
/*
 * admin_perm: the mutations of the "vale" family carry GENL_ADMIN_PERM,
 * CAP_NET_ADMIN in the *initial* user namespace
 * (Documentation/control-plane.md, "Permissions").  A child that is root
 * of a new user namespace (uid and gid 0 mapped to 0, every capability in
 * that namespace, none in the initial one), with or without a network
 * namespace of its own, sends each mutation as a request that would
 * succeed from the initial namespace: every one is refused with EPERM and
 * nothing changes (no event, the same dump).  Reads (switch-get and
 * port-get, do and dump) and the event group stay open to it; uids and
 * gids are reported as the child's namespace sees them.  Skipped on a
 * kernel without user namespaces (the debug kernel: no CONFIG_USER_NS).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vale.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include "memcg.h"
#include "nl_test.h"

/* ---- requests ---- */

static struct nlmsghdr *sw_msg(char *buf, uint8_t cmd, const char *name)
{
	struct nlmsghdr *nlh = msg(buf, fam, cmd, 0);

	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, name);
	return nlh;
}

static struct nlmsghdr *port_msg(char *buf, uint8_t cmd, const char *sw,
				 const char *name, uint16_t flags)
{
	struct nlmsghdr *nlh = msg(buf, fam, cmd, flags);

	if (sw)
		mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, sw);
	if (name)
		mnl_attr_put_strz(nlh, VALE_A_PORT_NAME, name);
	return nlh;
}

/* The mutations, each a request the initial namespace's root may make. */
enum op { SW_NEW, SW_DEL, SW_SET, PORT_NEW, PORT_DEL, ATTACH, DETACH, NOPS };

static int do_op(enum op op, const char *ifname)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = NULL;

	switch (op) {
	case SW_NEW:
		nlh = sw_msg(buf, VALE_CMD_SWITCH_NEW, "valepermnew");
		break;
	case SW_DEL:
		nlh = sw_msg(buf, VALE_CMD_SWITCH_DEL, "valeperm");
		break;
	case SW_SET:
		nlh = sw_msg(buf, VALE_CMD_SWITCH_SET, "valeperm");
		mnl_attr_put_u32(nlh, VALE_A_SWITCH_BATCH, 8);
		mnl_attr_put_u8(nlh, VALE_A_SWITCH_RESTRICTED, 0);
		break;
	case PORT_NEW:
		nlh = port_msg(buf, VALE_CMD_PORT_NEW, "valeperm", "new", 0);
		break;
	case PORT_DEL:
		nlh = port_msg(buf, VALE_CMD_PORT_DEL, "valeperm", "own", 0);
		break;
	case ATTACH:
		nlh = port_msg(buf, VALE_CMD_NETDEV_ATTACH, "valeperm", NULL, 0);
		mnl_attr_put_strz(nlh, VALE_A_PORT_IFNAME, ifname);
		break;
	case DETACH:
		nlh = port_msg(buf, VALE_CMD_NETDEV_DETACH, NULL, NULL, 0);
		mnl_attr_put_strz(nlh, VALE_A_PORT_IFNAME, ifname);
		break;
	default:
		return -EINVAL;
	}
	return talk(nlh, ok_cb, NULL);
}

/* ---- state ---- */

/* Every switch and port message of a dump, appended as bytes. */
struct snap {
	char s[16384];
	size_t len;
	int nmsg;
};

static int snap_cb(const struct nlmsghdr *nlh, void *data)
{
	struct snap *sn = data;
	size_t n = nlh->nlmsg_len - MNL_NLMSG_HDRLEN;

	if (sn->len + n <= sizeof(sn->s)) {
		memcpy(sn->s + sn->len, mnl_nlmsg_get_payload(nlh), n);
		sn->len += n;
	}
	sn->nmsg++;
	return MNL_CB_OK;
}

static int snapshot(struct snap *sn)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	memset(sn, 0, sizeof(*sn));
	return talk(msg(buf, fam, VALE_CMD_SWITCH_GET, NLM_F_DUMP), snap_cb, sn) ?:
	       talk(msg(buf, fam, VALE_CMD_PORT_GET, NLM_F_DUMP), snap_cb, sn);
}

/* What a read returned, for the parent to check. */
struct seen {
	int err, nmsg;
	char sw[64], port[64];
	uint32_t batch, nports, uid, gid;
	int have_uid, have_gid, have_stats;
};

static int seen_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct seen *s = data;

	s->nmsg++;
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		uint16_t t = mnl_attr_get_type(a);

		if (g->cmd == VALE_CMD_SWITCH_GET ||
		    (g->cmd >= VALE_CMD_SWITCH_ADD_NTF &&
		     g->cmd <= VALE_CMD_SWITCH_CHANGE_NTF)) {
			if (t == VALE_A_SWITCH_NAME)
				snprintf(s->sw, sizeof(s->sw), "%s", mnl_attr_get_str(a));
			else if (t == VALE_A_SWITCH_BATCH)
				s->batch = mnl_attr_get_u32(a);
			else if (t == VALE_A_SWITCH_NPORTS)
				s->nports = mnl_attr_get_u32(a);
			continue;
		}
		if (t == VALE_A_PORT_SWITCH)
			snprintf(s->sw, sizeof(s->sw), "%s", mnl_attr_get_str(a));
		else if (t == VALE_A_PORT_NAME)
			snprintf(s->port, sizeof(s->port), "%s", mnl_attr_get_str(a));
		else if (t == VALE_A_PORT_UID) {
			s->uid = mnl_attr_get_u32(a);
			s->have_uid = 1;
		} else if (t == VALE_A_PORT_GID) {
			s->gid = mnl_attr_get_u32(a);
			s->have_gid = 1;
		} else if (t == VALE_A_PORT_STATS) {
			s->have_stats = 1;
		}
	}
	return MNL_CB_OK;
}

/* ---- the unprivileged child ---- */

/*
 * Become root of a new user namespace (and of a new network namespace
 * when @newnet), as "unshare -U -r [-n]" does: no capability in the
 * initial user namespace is left.
 */
static int enter_userns(int newnet)
{
	if (unshare(CLONE_NEWUSER | (newnet ? CLONE_NEWNET : 0)))
		return -errno;
	return put_file("/proc/self/uid_map", "0 0 1") ?:
	       put_file("/proc/self/setgroups", "deny") ?:
	       put_file("/proc/self/gid_map", "0 0 1");
}

/* Run @fn in a forked child inside a new user namespace; its result. */
struct res {
	int err;
	struct seen seen;
};

static pid_t start_userns(int newnet, void (*fn)(struct res *, void *),
			  void *arg, int *rfd)
{
	int pfd[2];
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct res c = { 0 };

		close(pfd[0]);
		c.err = enter_userns(newnet);
		if (!c.err)
			c.err = open_nl();
		if (!c.err)
			fn(&c, arg);
		else
			c.err = 1000 - c.err;	/* setup failed: not an errno */
		if (write(pfd[1], &c, sizeof(c)) != sizeof(c))
			_exit(2);
		_exit(0);
	}
	close(pfd[1]);
	*rfd = pfd[0];
	return pid;
}

static struct res finish_userns(pid_t pid, int rfd)
{
	struct res r = { .err = -ECHILD };
	int st;

	if (pid < 0 || read(rfd, &r, sizeof(r)) != sizeof(r))
		r.err = -ECHILD;
	close(rfd);
	if (pid > 0)
		waitpid(pid, &st, 0);
	return r;
}

static struct res in_userns(int newnet, void (*fn)(struct res *, void *),
			    void *arg)
{
	int rfd = -1;
	pid_t pid = start_userns(newnet, fn, arg, &rfd);

	return finish_userns(pid, rfd);
}

struct opreq {
	enum op op;
	const char *ifname;
	int mkdev;	/* the child creates ifname in its own netns */
};

static void child_op(struct res *r, void *arg)
{
	const struct opreq *q = arg;
	char cmd[128];

	if (q->mkdev) {
		snprintf(cmd, sizeof(cmd),
			 "/usr/bin/ip link add %s type veth peer name %sp",
			 q->ifname, q->ifname);
		if (system(cmd)) {
			r->err = 999;
			return;
		}
	}
	r->err = do_op(q->op, q->ifname);
}

static void child_get(struct res *r, void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int which = *(int *)arg;
	struct nlmsghdr *nlh;

	switch (which) {
	case 0:
		nlh = sw_msg(buf, VALE_CMD_SWITCH_GET, "valeperm");
		break;
	case 1:
		nlh = msg(buf, fam, VALE_CMD_SWITCH_GET, NLM_F_DUMP);
		mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, "valeperm");
		break;
	case 2:
		nlh = port_msg(buf, VALE_CMD_PORT_GET, "valeperm", "own", 0);
		break;
	case 3:
		nlh = port_msg(buf, VALE_CMD_PORT_GET, "valeperm", "root", 0);
		break;
	default:
		nlh = port_msg(buf, VALE_CMD_PORT_GET, "valeperm", NULL,
			       NLM_F_DUMP);
		break;
	}
	r->err = talk(nlh, seen_cb, &r->seen);
}

/* Join the events group, tell the parent, report the first event. */
static int ready[2];

static void child_listen(struct res *r, void *arg)
{
	struct mnl_socket *s = mnl_socket_open(NETLINK_GENERIC);
	uint32_t grp = *(uint32_t *)arg;
	static char buf[1 << 16];
	struct pollfd pfd;
	int n;

	if (!s || mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) ||
	    mnl_socket_setsockopt(s, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp))) {
		r->err = -errno;
		n = write(ready[1], "x", 1);
		return;
	}
	n = write(ready[1], "r", 1);
	pfd.fd = mnl_socket_get_fd(s);
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 5000) != 1) {
		r->err = -ETIMEDOUT;
		return;
	}
	n = mnl_socket_recvfrom(s, buf, sizeof(buf));
	if (n < 0) {
		r->err = -errno;
		return;
	}
	r->err = mnl_cb_run(buf, n, 0, 0, seen_cb, &r->seen) < 0 ? -errno : 0;
}

/* ---- fixture: a switch with ports, made by the initial root ---- */

static uint32_t grp_id;

/* the debug kernel is built without CONFIG_USER_NS: setup and test skip */
#define NEED_USERNS() do {						\
	if (access("/proc/self/ns/user", F_OK))				\
		SKIP(return, "no user namespaces in this kernel (CONFIG_USER_NS)"); \
} while (0)

FIXTURE(perm) {
	struct snap before;
};

FIXTURE_VARIANT(perm) {
	int newnet;
};

/* root of a new user namespace, in the initial network namespace */
FIXTURE_VARIANT_ADD(perm, userns) { .newnet = 0 };
/* ... and with a network namespace of its own (unshare -U -r -n) */
FIXTURE_VARIANT_ADD(perm, userns_netns) { .newnet = 1 };

FIXTURE_SETUP(perm)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	NEED_USERNS();
	if (access("/sys/module/veth", F_OK))
		ASSERT_EQ(0, system("modprobe veth"));
	ASSERT_EQ(0, open_nl());
	nlh = sw_msg(buf, VALE_CMD_SWITCH_NEW, "valeperm");
	mnl_attr_put_u8(nlh, VALE_A_SWITCH_RESTRICTED, 1);
	ASSERT_EQ(0, talk(nlh, ok_cb, NULL));
	nlh = port_msg(buf, VALE_CMD_PORT_NEW, "valeperm", "own", 0);
	mnl_attr_put_u32(nlh, VALE_A_PORT_UID, 1001);
	mnl_attr_put_u32(nlh, VALE_A_PORT_GID, 1002);
	ASSERT_EQ(0, talk(nlh, ok_cb, NULL));
	nlh = port_msg(buf, VALE_CMD_PORT_NEW, "valeperm", "root", 0);
	mnl_attr_put_u32(nlh, VALE_A_PORT_UID, 0);
	ASSERT_EQ(0, talk(nlh, ok_cb, NULL));
	/* devices of the initial namespace: one attached, one not */
	ASSERT_EQ(0, system("/usr/bin/ip link add vpermd type veth peer name vpermdp"));
	ASSERT_EQ(0, system("/usr/bin/ip link add vpermu type veth peer name vpermup"));
	nlh = port_msg(buf, VALE_CMD_NETDEV_ATTACH, "valeperm", NULL, 0);
	mnl_attr_put_strz(nlh, VALE_A_PORT_IFNAME, "vpermd");
	ASSERT_EQ(0, talk(nlh, ok_cb, NULL));
	ASSERT_EQ(0, snapshot(&self->before));
}

FIXTURE_TEARDOWN(perm)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	if (!nl)
		return;

	system("/usr/bin/ip link del vpermd 2>/dev/null");
	system("/usr/bin/ip link del vpermu 2>/dev/null");
	talk(sw_msg(buf, VALE_CMD_SWITCH_DEL, "valeperm"), ok_cb, NULL);
	talk(sw_msg(buf, VALE_CMD_SWITCH_DEL, "valepermnew"), ok_cb, NULL);
	mnl_socket_close(nl);
}

/*
 * Every mutation, as a request the initial root may make (it does, last,
 * in an order that keeps each one valid): EPERM from the child, and
 * nothing changes.
 */
TEST_F_TIMEOUT(perm, mutations_refused, 120)
{
	static const struct {
		enum op op;
		const char *name, *ifname;
	} ops[] = {
		{ SW_SET, "switch-set", NULL },
		{ PORT_NEW, "port-new", NULL },
		{ PORT_DEL, "port-del", NULL },
		{ ATTACH, "netdev-attach", "vpermu" },
		{ DETACH, "netdev-detach", "vpermd" },
		{ SW_NEW, "switch-new", NULL },
		{ SW_DEL, "switch-del", NULL },
	};
	struct snap after;
	struct res r;
	unsigned int i;

	NEED_USERNS();

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		/* in its own netns the child attaches a device it made there */
		struct opreq q = { ops[i].op, ops[i].ifname, 0 };

		if (ops[i].op == ATTACH && variant->newnet)
			q = (struct opreq){ ATTACH, "vperm0", 1 };
		ASSERT_EQ(0, snapshot(&self->before));
		r = in_userns(variant->newnet, child_op, &q);
		EXPECT_EQ(-EPERM, r.err)
			TH_LOG("%s from a user namespace%s: %d (%s)",
			       ops[i].name, variant->newnet ? " and netns" : "",
			       r.err, r.err < 0 ? strerror(-r.err) :
			       r.err ? "child setup failed" : "done");
		ASSERT_EQ(0, snapshot(&after));
		EXPECT_EQ(self->before.nmsg, after.nmsg);
		EXPECT_EQ(self->before.len, after.len);
		EXPECT_EQ(0, memcmp(self->before.s, after.s, after.len))
			TH_LOG("%s changed the state", ops[i].name);
	}
	/* the requests themselves are fine: the initial root may make them */
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		int err = do_op(ops[i].op, ops[i].ifname);

		EXPECT_EQ(0, err) TH_LOG("%s by root: %d %s", ops[i].name,
					 err, errmsg);
	}
}

/* Reads and the event group are open. */
TEST_F_TIMEOUT(perm, reads_and_events, 120)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct res r;
	int i, rfd;
	pid_t pid;
	char c;

	NEED_USERNS();

	/* switch-get do and dump */
	i = 0;
	r = in_userns(variant->newnet, child_get, &i);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(1, r.seen.nmsg);
	EXPECT_STREQ("valeperm", r.seen.sw);
	EXPECT_EQ(512, r.seen.batch);
	EXPECT_EQ(1, r.seen.nports);
	i = 1;
	r = in_userns(variant->newnet, child_get, &i);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(1, r.seen.nmsg);
	EXPECT_STREQ("valeperm", r.seen.sw);

	/* port-get: uid 1001 and gid 1002 are not mapped in the child */
	i = 2;
	r = in_userns(variant->newnet, child_get, &i);
	EXPECT_EQ(0, r.err);
	EXPECT_STREQ("own", r.seen.port);
	EXPECT_EQ(1, r.seen.have_uid);
	EXPECT_EQ(1, r.seen.have_gid);
	EXPECT_EQ(65534, r.seen.uid);	/* the overflow ids */
	EXPECT_EQ(65534, r.seen.gid);
	i = 3;
	r = in_userns(variant->newnet, child_get, &i);
	EXPECT_EQ(0, r.err);
	EXPECT_STREQ("root", r.seen.port);
	EXPECT_EQ(1, r.seen.have_uid);
	EXPECT_EQ(0, r.seen.uid);	/* 0 is mapped to 0 */
	EXPECT_EQ(0, r.seen.have_gid);
	i = 4;
	r = in_userns(variant->newnet, child_get, &i);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(3, r.seen.nmsg);	/* vpermd, own, root */
	EXPECT_EQ(1, r.seen.have_stats);

	/* the event group: a change the initial root makes reaches the child */
	ASSERT_EQ(0, nl_mcast_group(VALE_GENL_MCGRP_EVENTS, &grp_id));
	ASSERT_NE(0, grp_id);
	ASSERT_EQ(0, pipe(ready));
	pid = start_userns(variant->newnet, child_listen, &grp_id, &rfd);
	ASSERT_GT(pid, 0);
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);
	EXPECT_EQ('r', c);
	nlh = sw_msg(buf, VALE_CMD_SWITCH_SET, "valeperm");
	mnl_attr_put_u32(nlh, VALE_A_SWITCH_BATCH, 16);
	EXPECT_EQ(0, talk(nlh, ok_cb, NULL));
	r = finish_userns(pid, rfd);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(1, r.seen.nmsg);
	EXPECT_STREQ("valeperm", r.seen.sw);
	EXPECT_EQ(16, r.seen.batch);
}

TEST_HARNESS_MAIN
