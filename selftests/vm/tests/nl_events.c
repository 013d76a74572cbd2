// SPDX-License-Identifier: GPL-2.0
/*
 * nl_events: the "events" multicast group of the generic netlink family
 * "vale" (Documentation/netlink/vale.yaml, Documentation/control-plane.md).
 *
 * Two listeners join the group: one in the test's network namespace and
 * one in a namespace of its own ("events go to listeners in every
 * namespace").  Every operation that raises an event is done once and
 * both listeners must receive exactly the events the docs promise, in
 * order, nothing else: switch-add/del/change-ntf with the attributes of
 * switch-get (name, restricted, lookup, batch, persistent, nports) and
 * port-add/del/change-ntf with those of port-get without stats.  Requests
 * that fail raise no event.
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
#include <net/if.h>
#include <sys/wait.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vale.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include "nl_test.h"
#include "raw_port.h"

/* ---- the group ---- */

static uint32_t grp_id;

/* A socket in the caller's network namespace that joined the group. */
static struct mnl_socket *listener(void)
{
	struct mnl_socket *s = mnl_socket_open(NETLINK_GENERIC);

	if (!s)
		return NULL;
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) ||
	    mnl_socket_setsockopt(s, NETLINK_ADD_MEMBERSHIP, &grp_id,
				  sizeof(grp_id))) {
		mnl_socket_close(s);
		return NULL;
	}
	return s;
}

/* The same, in a new network namespace (the caller stays in its own). */
static struct mnl_socket *listener_other_netns(void)
{
	struct mnl_socket *s = NULL;
	int self = open("/proc/self/ns/net", O_RDONLY);

	if (self < 0)
		return NULL;
	if (!unshare(CLONE_NEWNET))
		s = listener();
	if (setns(self, CLONE_NEWNET)) {
		if (s)
			mnl_socket_close(s);
		s = NULL;
	}
	close(self);
	return s;
}

/* ---- events ---- */

#define MAXA	16

struct ev {
	uint8_t cmd, version;
	uint32_t pid, seq;
	uint32_t have;			/* bit per attribute type */
	uint16_t len[MAXA];
	uint8_t val[MAXA][64];
};

static int ev_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct ev *e = data;

	memset(e, 0, sizeof(*e));
	e->cmd = g->cmd;
	e->version = g->version;
	e->pid = nlh->nlmsg_pid;
	e->seq = nlh->nlmsg_seq;
	if (nlh->nlmsg_type != fam)
		e->cmd = 0xff;
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		uint16_t t = mnl_attr_get_type(a), n;

		if (t >= MAXA) {
			e->have |= 1u << 31;
			continue;
		}
		n = mnl_attr_get_payload_len(a);
		e->have |= 1u << t;
		e->len[t] = n;
		memcpy(e->val[t], mnl_attr_get_payload(a), n < 64 ? n : 64);
	}
	return MNL_CB_OK;
}

/*
 * Read events from @s: wait up to 3 s for @want of them, then 30 ms more
 * for any extra one (every event tested here is sent before the request
 * that causes it returns).  Returns how many arrived (at most @max are kept), or
 * -errno (ENOBUFS: events were lost).
 */
static int collect(struct mnl_socket *s, struct ev *evs, int max, int want)
{
	static char buf[1 << 16];
	struct pollfd pfd = { .fd = mnl_socket_get_fd(s), .events = POLLIN };
	int got = 0, n;

	for (;;) {
		n = poll(&pfd, 1, got < want ? 3000 : 30);
		if (n < 0)
			return -errno;
		if (n == 0)
			return got;
		n = mnl_socket_recvfrom(s, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		if (got < max &&
		    mnl_cb_run(buf, n, 0, 0, ev_cb, &evs[got]) < 0)
			return -errno;
		/* Pairs come and go with ports: steer_rules tests those. */
		if (got < max && (evs[got].cmd == VALE_CMD_P2P_UP_NTF ||
				  evs[got].cmd == VALE_CMD_P2P_DOWN_NTF))
			continue;
		got++;
	}
}

static uint32_t ev_u32(const struct ev *e, int t)
{
	uint32_t v;

	memcpy(&v, e->val[t], 4);
	return e->len[t] == 4 ? v : 0xdeadbeef;
}

static int ev_u8(const struct ev *e, int t)
{
	return e->len[t] == 1 ? e->val[t][0] : -1;
}

static const char *ev_str(const struct ev *e, int t)
{
	if (!e->len[t] || e->len[t] > 64 || e->val[t][e->len[t] - 1])
		return "(not a string)";
	return (const char *)e->val[t];
}

#define A(x)	(1u << (x))
#define SWITCH_ATTRS (A(VALE_A_SWITCH_NAME) | A(VALE_A_SWITCH_RESTRICTED) | \
		      A(VALE_A_SWITCH_LOOKUP) | A(VALE_A_SWITCH_BATCH) | \
		      A(VALE_A_SWITCH_PERSISTENT) | A(VALE_A_SWITCH_NPORTS) | \
		      A(VALE_A_SWITCH_NRULES) | A(VALE_A_SWITCH_NPAIRS))

struct sw_want {
	uint8_t cmd;
	const char *name;
	int restricted, lookup, batch, persistent, nports;
};

static void check_switch_ev(struct __test_metadata *_metadata,
			    const struct ev *e, const struct sw_want *w)
{
	EXPECT_EQ(w->cmd, e->cmd);
	EXPECT_EQ(VALE_GENL_VERSION, e->version);
	EXPECT_EQ(0, e->pid);
	EXPECT_EQ(0, e->seq);
	/* the pairs (VALE_A_SWITCH_PAIR) are there when there are some */
	EXPECT_EQ(SWITCH_ATTRS, e->have & ~A(VALE_A_SWITCH_PAIR))
		TH_LOG("switch event %u: attributes 0x%x", e->cmd, e->have);
	EXPECT_STREQ(w->name, ev_str(e, VALE_A_SWITCH_NAME));
	/* -1: the value is not checked (a switch that switch-del removes) */
	if (w->restricted >= 0)
		EXPECT_EQ(w->restricted, ev_u8(e, VALE_A_SWITCH_RESTRICTED));
	EXPECT_EQ(w->lookup, ev_u32(e, VALE_A_SWITCH_LOOKUP));
	EXPECT_EQ(w->batch, ev_u32(e, VALE_A_SWITCH_BATCH));
	if (w->persistent >= 0)
		EXPECT_EQ(w->persistent, ev_u8(e, VALE_A_SWITCH_PERSISTENT));
	EXPECT_EQ(w->nports, ev_u32(e, VALE_A_SWITCH_NPORTS));
}

/* -1: the attribute must be absent */
struct port_want {
	uint8_t cmd;
	const char *sw, *name;
	int kind, admin, open;
	long index, uid, gid, ifindex;
};

static void check_port_ev(struct __test_metadata *_metadata,
			  const struct ev *e, const struct port_want *w)
{
	uint32_t want = A(VALE_A_PORT_SWITCH) | A(VALE_A_PORT_NAME) |
			A(VALE_A_PORT_KIND) | A(VALE_A_PORT_ADMIN) |
			A(VALE_A_PORT_OPEN);

	if (w->index >= 0)
		want |= A(VALE_A_PORT_INDEX);
	if (w->uid >= 0)
		want |= A(VALE_A_PORT_UID);
	if (w->gid >= 0)
		want |= A(VALE_A_PORT_GID);
	if (w->ifindex >= 0)
		want |= A(VALE_A_PORT_IFINDEX);
	EXPECT_EQ(w->cmd, e->cmd);
	EXPECT_EQ(VALE_GENL_VERSION, e->version);
	EXPECT_EQ(0, e->pid);
	EXPECT_EQ(0, e->seq);
	/* port-get's attributes without stats (nor ifname: never sent) */
	EXPECT_EQ(want, e->have)
		TH_LOG("port event %u of %s: attributes 0x%x, want 0x%x",
		       e->cmd, w->name, e->have, want);
	EXPECT_STREQ(w->sw, ev_str(e, VALE_A_PORT_SWITCH));
	EXPECT_STREQ(w->name, ev_str(e, VALE_A_PORT_NAME));
	EXPECT_EQ(w->kind, ev_u32(e, VALE_A_PORT_KIND));
	EXPECT_EQ(w->admin, ev_u8(e, VALE_A_PORT_ADMIN));
	EXPECT_EQ(w->open, ev_u8(e, VALE_A_PORT_OPEN));
	if (w->index >= 0)
		EXPECT_EQ(w->index, ev_u32(e, VALE_A_PORT_INDEX));
	if (w->uid >= 0)
		EXPECT_EQ(w->uid, ev_u32(e, VALE_A_PORT_UID));
	if (w->gid >= 0)
		EXPECT_EQ(w->gid, ev_u32(e, VALE_A_PORT_GID));
	if (w->ifindex >= 0)
		EXPECT_EQ(w->ifindex, ev_u32(e, VALE_A_PORT_IFINDEX));
}

/*
 * What one step must produce: @n events, each either a switch event
 * (sw[i].cmd set) or a port event (port[i]).
 */
struct step {
	int n;
	struct sw_want sw[3];
	struct port_want port[3];
};

/* Both listeners must have received exactly the events of @st. */
static void expect_events(struct __test_metadata *_metadata,
			  struct mnl_socket *ls[2], const struct step *st,
			  const char *what)
{
	struct ev evs[8];
	int l, i, got;

	for (l = 0; l < 2; l++) {
		got = collect(ls[l], evs, 8, st->n);
		EXPECT_EQ(st->n, got)
			TH_LOG("%s: listener %s got %d events, want %d", what,
			       l ? "in another netns" : "in this netns", got,
			       st->n);
		for (i = 0; i < got && i < st->n && i < 8; i++) {
			if (st->sw[i].cmd)
				check_switch_ev(_metadata, &evs[i], &st->sw[i]);
			else
				check_port_ev(_metadata, &evs[i], &st->port[i]);
		}
		for (i = st->n; i < got && i < 8; i++)
			TH_LOG("%s: extra event %u", what, evs[i].cmd);
	}
}

/* ---- requests ---- */


static int port_req(uint8_t cmd, const char *sw, const char *name, long uid,
		    long gid)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, cmd, 0);

	mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, sw);
	mnl_attr_put_strz(nlh, VALE_A_PORT_NAME, name);
	if (uid >= 0)
		mnl_attr_put_u32(nlh, VALE_A_PORT_UID, uid);
	if (gid >= 0)
		mnl_attr_put_u32(nlh, VALE_A_PORT_GID, gid);
	return talk(nlh, ok_cb, NULL);
}

static int nd_req(uint8_t cmd, const char *sw, const char *ifname)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, cmd, 0);

	if (sw)
		mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, sw);
	mnl_attr_put_strz(nlh, VALE_A_PORT_IFNAME, ifname);
	return talk(nlh, ok_cb, NULL);
}

/* iproute2 with @args (split at spaces), without a shell: 0 or not */
static int ip(const char *args)
{
	char copy[256], *argv[16], *save = NULL, *w;
	int argc = 0, st;
	pid_t pid;

	snprintf(copy, sizeof(copy), "%s", args);
	argv[argc++] = "ip";
	for (w = strtok_r(copy, " ", &save); w && argc < 15;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	pid = fork();
	if (pid == 0) {
		execv("/usr/bin/ip", argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---- the tests ---- */

FIXTURE(ev) {
	struct mnl_socket *ls[2];
};

FIXTURE_SETUP(ev)
{
	ASSERT_EQ(0, open_nl()) TH_LOG("no family %s", VALE_GENL_NAME);
	/* the id of the "events" group, through the request socket */
	ASSERT_EQ(0, nl_mcast_group(VALE_GENL_MCGRP_EVENTS, &grp_id))
		TH_LOG("no group %s", VALE_GENL_MCGRP_EVENTS);
	ASSERT_NE(0, grp_id);
	self->ls[0] = listener();
	ASSERT_NE(NULL, self->ls[0]);
	self->ls[1] = listener_other_netns();
	ASSERT_NE(NULL, self->ls[1]);
}

FIXTURE_TEARDOWN(ev)
{
	if (self->ls[0])
		mnl_socket_close(self->ls[0]);
	if (self->ls[1])
		mnl_socket_close(self->ls[1]);
	if (nl)
		mnl_socket_close(nl);
}

/* switch-new, switch-set, switch-del; failed requests raise nothing */
TEST_F_TIMEOUT(ev, switch_events, 120)
{
	const struct step none = { .n = 0 };
	struct step st = { .n = 1 };

	st.sw[0] = (struct sw_want){ VALE_CMD_SWITCH_ADD_NTF, "valeev1",
				     1, VALE_LOOKUP_P2P, 64, 1, 0 };
	ASSERT_EQ(0, nl_switch_req(VALE_CMD_SWITCH_NEW, "valeev1", 1,
			    VALE_LOOKUP_P2P, 64));
	expect_events(_metadata, self->ls, &st, "switch-new");

	EXPECT_EQ(-EEXIST, nl_switch_req(VALE_CMD_SWITCH_NEW, "valeev1", -1, -1, -1));
	expect_events(_metadata, self->ls, &none, "switch-new of an existing switch");

	st.sw[0] = (struct sw_want){ VALE_CMD_SWITCH_CHANGE_NTF, "valeev1",
				     0, VALE_LOOKUP_LEARNING, 8, 1, 0 };
	ASSERT_EQ(0, nl_switch_req(VALE_CMD_SWITCH_SET, "valeev1", 0,
			    VALE_LOOKUP_LEARNING, 8));
	expect_events(_metadata, self->ls, &st, "switch-set");

	st.sw[0].batch = 1024;
	ASSERT_EQ(0, nl_switch_req(VALE_CMD_SWITCH_SET, "valeev1", -1, -1, 1024));
	expect_events(_metadata, self->ls, &st, "switch-set batch");

	EXPECT_EQ(-EINVAL, nl_switch_req(VALE_CMD_SWITCH_SET, "valeev1", -1, -1, -1));
	EXPECT_EQ(-ENOENT, nl_switch_req(VALE_CMD_SWITCH_SET, "valeevx", -1, -1, 2));
	EXPECT_EQ(-ENOENT, nl_switch_req(VALE_CMD_SWITCH_DEL, "valeevx", -1, -1, -1));
	expect_events(_metadata, self->ls, &none, "failed switch-set/del");

	st.sw[0].cmd = VALE_CMD_SWITCH_DEL_NTF;
	ASSERT_EQ(0, nl_switch_req(VALE_CMD_SWITCH_DEL, "valeev1", -1, -1, -1));
	/*
	 * switch-del marks the dying switch restricted and not persistent
	 * before the event is sent: what those two say is not checked.
	 */
	st.sw[0].persistent = -1;
	st.sw[0].restricted = -1;
	expect_events(_metadata, self->ls, &st, "switch-del");
}

/* an admin-created port: port-new, opened, closed, port-del */
TEST_F_TIMEOUT(ev, admin_port_events, 120)
{
	const struct step none = { .n = 0 };
	struct step st = { .n = 1 };
	struct vp p;

	ASSERT_EQ(0, nl_switch_req(VALE_CMD_SWITCH_NEW, "valeev2", -1, -1, -1));
	st.sw[0] = (struct sw_want){ VALE_CMD_SWITCH_ADD_NTF, "valeev2",
				     0, VALE_LOOKUP_LEARNING, 512, 1, 0 };
	expect_events(_metadata, self->ls, &st, "switch-new");
	memset(&st.sw[0], 0, sizeof(st.sw[0]));

	ASSERT_EQ(0, port_req(VALE_CMD_PORT_NEW, "valeev2", "own", 1001, 1002));
	st.port[0] = (struct port_want){ VALE_CMD_PORT_ADD_NTF, "valeev2",
					 "own", VALE_PORT_KIND_RING, 1, 0,
					 -1, 1001, 1002, -1 };
	expect_events(_metadata, self->ls, &st, "port-new");

	EXPECT_EQ(-EEXIST, port_req(VALE_CMD_PORT_NEW, "valeev2", "own", -1, -1));
	EXPECT_EQ(-ENOENT, port_req(VALE_CMD_PORT_NEW, "valeevx", "own", -1, -1));
	EXPECT_EQ(-ENOENT, port_req(VALE_CMD_PORT_DEL, "valeev2", "nope", -1, -1));
	expect_events(_metadata, self->ls, &none, "failed port-new/del");

	/* opened by root (CAP_NET_ADMIN): a change, now live with an index */
	ASSERT_EQ(0, vp_open(&p, "valeev2:own", 0, 0));
	st.port[0] = (struct port_want){ VALE_CMD_PORT_CHANGE_NTF, "valeev2",
					 "own", VALE_PORT_KIND_RING, 1, 1,
					 0, 1001, 1002, -1 };
	expect_events(_metadata, self->ls, &st, "admin port opened");

	EXPECT_EQ(-EBUSY, port_req(VALE_CMD_PORT_DEL, "valeev2", "own", -1, -1));
	expect_events(_metadata, self->ls, &none, "port-del of an open port");

	vp_close(&p);
	st.port[0].open = 0;
	st.port[0].index = -1;
	expect_events(_metadata, self->ls, &st, "admin port closed");

	ASSERT_EQ(0, port_req(VALE_CMD_PORT_DEL, "valeev2", "own", -1, -1));
	st.port[0].cmd = VALE_CMD_PORT_DEL_NTF;
	expect_events(_metadata, self->ls, &st, "port-del");

	/* an unowned admin port, deleted with its switch */
	ASSERT_EQ(0, port_req(VALE_CMD_PORT_NEW, "valeev2", "any", -1, -1));
	st.port[0] = (struct port_want){ VALE_CMD_PORT_ADD_NTF, "valeev2",
					 "any", VALE_PORT_KIND_RING, 1, 0,
					 -1, -1, -1, -1 };
	expect_events(_metadata, self->ls, &st, "port-new without owner");
	ASSERT_EQ(0, nl_switch_req(VALE_CMD_SWITCH_DEL, "valeev2", -1, -1, -1));
	st.n = 2;
	st.port[0].cmd = VALE_CMD_PORT_DEL_NTF;
	st.sw[1] = (struct sw_want){ VALE_CMD_SWITCH_DEL_NTF, "valeev2",
				     -1, VALE_LOOKUP_LEARNING, 512, -1, 0 };
	expect_events(_metadata, self->ls, &st, "switch-del with an admin port");
}

/* ports opened through /dev/vale on a dynamic switch */
TEST_F_TIMEOUT(ev, dynamic_port_events, 120)
{
	const struct step none = { .n = 0 };
	struct step st = { .n = 2 };
	struct vp x, y, bad;

	ASSERT_EQ(0, vp_open(&x, "valeev3:x", 0, 0));
	st.sw[0] = (struct sw_want){ VALE_CMD_SWITCH_ADD_NTF, "valeev3",
				     0, VALE_LOOKUP_LEARNING, 512, 0, 0 };
	st.port[1] = (struct port_want){ VALE_CMD_PORT_ADD_NTF, "valeev3",
					 "x", VALE_PORT_KIND_RING, 0, 1,
					 0, -1, -1, -1 };
	expect_events(_metadata, self->ls, &st, "first port of a new switch");

	memset(&st, 0, sizeof(st));
	st.n = 1;
	ASSERT_EQ(0, vp_open(&y, "valeev3:y", 0, 0));
	st.port[0] = (struct port_want){ VALE_CMD_PORT_ADD_NTF, "valeev3",
					 "y", VALE_PORT_KIND_RING, 0, 1,
					 1, -1, -1, -1 };
	expect_events(_metadata, self->ls, &st, "second port");

	EXPECT_EQ(-EBUSY, vp_open(&bad, "valeev3:y", 0, 0));
	EXPECT_EQ(-EINVAL, vp_open(&bad, "valeev3:z", 3, 0));
	expect_events(_metadata, self->ls, &none, "refused registrations");

	vp_close(&x);
	st.port[0] = (struct port_want){ VALE_CMD_PORT_DEL_NTF, "valeev3",
					 "x", VALE_PORT_KIND_RING, 0, 1,
					 0, -1, -1, -1 };
	expect_events(_metadata, self->ls, &st, "a port closed");

	vp_close(&y);
	st.n = 2;
	st.port[0] = (struct port_want){ VALE_CMD_PORT_DEL_NTF, "valeev3",
					 "y", VALE_PORT_KIND_RING, 0, 1,
					 1, -1, -1, -1 };
	st.sw[1] = (struct sw_want){ VALE_CMD_SWITCH_DEL_NTF, "valeev3",
				     0, VALE_LOOKUP_LEARNING, 512, 0, 0 };
	expect_events(_metadata, self->ls, &st, "the last port closed");
}

/* a net device: attach, up, MTU, down, rename, detach, delete, netns move */
TEST_F_TIMEOUT(ev, netdev_events, 120)
{
	const struct step none = { .n = 0 };
	struct step st = { .n = 2 };
	long ifi;

	if (access("/sys/module/veth", F_OK))
		ASSERT_EQ(0, system("modprobe veth"));
	/* the peer stays down: no carrier, so no asynchronous carrier events */
	ASSERT_EQ(0, ip("link add vev0 type veth peer name vev0p"));
	ifi = if_nametoindex("vev0");
	ASSERT_NE(0, ifi);

	ASSERT_EQ(0, nd_req(VALE_CMD_NETDEV_ATTACH, "valeev4", "vev0"));
	st.sw[0] = (struct sw_want){ VALE_CMD_SWITCH_ADD_NTF, "valeev4",
				     0, VALE_LOOKUP_LEARNING, 512, 0, 0 };
	st.port[1] = (struct port_want){ VALE_CMD_PORT_ADD_NTF, "valeev4",
					 "vev0", VALE_PORT_KIND_NETDEV, 1, 1,
					 0, -1, -1, ifi };
	expect_events(_metadata, self->ls, &st, "attach to a new switch");

	EXPECT_EQ(-EBUSY, nd_req(VALE_CMD_NETDEV_ATTACH, "valeev4", "vev0"));
	EXPECT_EQ(-EOPNOTSUPP, nd_req(VALE_CMD_NETDEV_ATTACH, "valeev4", "lo"));
	EXPECT_EQ(-ENODEV, nd_req(VALE_CMD_NETDEV_ATTACH, "valeev4", "nodev0"));
	EXPECT_EQ(-ENOENT, nd_req(VALE_CMD_NETDEV_DETACH, NULL, "vev0p"));
	EXPECT_EQ(-ENOENT, nd_req(VALE_CMD_NETDEV_DETACH, "valeevx", "vev0"));
	expect_events(_metadata, self->ls, &none, "refused attach/detach");

	memset(&st, 0, sizeof(st));
	st.n = 1;
	st.port[0] = (struct port_want){ VALE_CMD_PORT_CHANGE_NTF, "valeev4",
					 "vev0", VALE_PORT_KIND_NETDEV, 1, 1,
					 0, -1, -1, ifi };
	ASSERT_EQ(0, ip("link set vev0 up"));
	expect_events(_metadata, self->ls, &st, "device up");
	ASSERT_EQ(0, ip("link set vev0 mtu 1400"));
	expect_events(_metadata, self->ls, &st, "MTU change");
	ASSERT_EQ(0, ip("link set vev0 down"));
	expect_events(_metadata, self->ls, &st, "device down");
	/* the port keeps the name it was attached with */
	ASSERT_EQ(0, ip("link set vev0 name vev0r"));
	expect_events(_metadata, self->ls, &st, "device renamed");
	ASSERT_EQ(0, ip("link set vev0r name vev0"));
	expect_events(_metadata, self->ls, &st, "device renamed back");

	ASSERT_EQ(0, nd_req(VALE_CMD_NETDEV_DETACH, "valeev4", "vev0"));
	st.n = 2;
	st.port[0].cmd = VALE_CMD_PORT_DEL_NTF;
	st.sw[1] = (struct sw_want){ VALE_CMD_SWITCH_DEL_NTF, "valeev4",
				     0, VALE_LOOKUP_LEARNING, 512, 0, 0 };
	expect_events(_metadata, self->ls, &st, "detach of the last port");

	/* deleted while attached, on a persistent switch */
	ASSERT_EQ(0, nl_switch_req(VALE_CMD_SWITCH_NEW, "valeev5", -1, -1, -1));
	ASSERT_EQ(0, nd_req(VALE_CMD_NETDEV_ATTACH, "valeev5", "vev0"));
	memset(&st, 0, sizeof(st));
	st.n = 2;
	st.sw[0] = (struct sw_want){ VALE_CMD_SWITCH_ADD_NTF, "valeev5",
				     0, VALE_LOOKUP_LEARNING, 512, 1, 0 };
	st.port[1] = (struct port_want){ VALE_CMD_PORT_ADD_NTF, "valeev5",
					 "vev0", VALE_PORT_KIND_NETDEV, 1, 1,
					 0, -1, -1, ifi };
	expect_events(_metadata, self->ls, &st, "switch-new, attach");
	ASSERT_EQ(0, ip("link del vev0"));
	st.port[0] = st.port[1];
	st.port[0].cmd = VALE_CMD_PORT_DEL_NTF;
	memset(st.sw, 0, sizeof(st.sw));
	st.n = 1;
	expect_events(_metadata, self->ls, &st, "attached device deleted");

	/* moved to another namespace while attached */
	ASSERT_EQ(0, ip("link add vev1 type veth peer name vev1p"));
	ifi = if_nametoindex("vev1");
	ASSERT_NE(0, ifi);
	ASSERT_EQ(0, nd_req(VALE_CMD_NETDEV_ATTACH, "valeev5", "vev1"));
	st.port[0] = (struct port_want){ VALE_CMD_PORT_ADD_NTF, "valeev5",
					 "vev1", VALE_PORT_KIND_NETDEV, 1, 1,
					 0, -1, -1, ifi };
	expect_events(_metadata, self->ls, &st, "attach");
	ASSERT_EQ(0, ip("netns add valeevns"));
	ASSERT_EQ(0, ip("link set vev1 netns valeevns"));
	st.port[0].cmd = VALE_CMD_PORT_DEL_NTF;
	expect_events(_metadata, self->ls, &st, "attached device moved away");
	ip("netns del valeevns");
	ASSERT_EQ(0, nl_switch_req(VALE_CMD_SWITCH_DEL, "valeev5", -1, -1, -1));
	st.sw[0] = (struct sw_want){ VALE_CMD_SWITCH_DEL_NTF, "valeev5",
				     -1, VALE_LOOKUP_LEARNING, 512, -1, 0 };
	expect_events(_metadata, self->ls, &st, "switch-del");
}

/* 50 switches created and deleted in a row: 100 events, in order */
TEST_F_TIMEOUT(ev, burst_in_order, 120)
{
	static struct ev evs[100];
	char name[16];
	int i, l, got;

	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "valeb%d", i);
		ASSERT_EQ(0, nl_switch_req(VALE_CMD_SWITCH_NEW, name, -1, -1, -1));
		ASSERT_EQ(0, nl_switch_req(VALE_CMD_SWITCH_DEL, name, -1, -1, -1));
	}
	for (l = 0; l < 2; l++) {
		got = collect(self->ls[l], evs, 100, 100);
		EXPECT_EQ(100, got) TH_LOG("listener %d", l);
		for (i = 0; i < got && i < 100; i++) {
			snprintf(name, sizeof(name), "valeb%d", i / 2);
			EXPECT_EQ(i % 2 ? VALE_CMD_SWITCH_DEL_NTF :
				  VALE_CMD_SWITCH_ADD_NTF, evs[i].cmd);
			EXPECT_STREQ(name, ev_str(&evs[i], VALE_A_SWITCH_NAME));
		}
	}
}

TEST_HARNESS_MAIN
