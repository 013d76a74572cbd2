// SPDX-License-Identifier: GPL-2.0
/*
 * failnth_netlink: every allocation on the path of each mutating request of
 * the generic netlink family "vale" is failed once (fail-nth sweep, see
 * ../failnth.h): switch-new, switch-set, port-new, port-del, switch-del,
 * netdev-attach and netdev-detach (of a veth).  The request runs in the
 * sending thread (genl_rcv is called from sendmsg), so fail-nth reaches the
 * kernel's parsing, the handler and the ACK.
 *
 * Each attempt must fail with a clean negative errno or succeed, and the
 * state (a dump of every switch and port, plus the veth's IFF_PROMISC)
 * must then be exactly the state before the request or exactly the state
 * a successful request leaves, nothing in between.  The one legitimate
 * "failed, yet done" case is a lost ACK: netlink_ack() cannot allocate the
 * answer, sets ENOBUFS on the socket, and recv() returns -ENOBUFS after the
 * request took effect.  Failed notifications (events) are dropped and the
 * request succeeds.  A done request is undone (without injection) before
 * the next attempt; the sweep's final success must leave the expected
 * state.  kmemleak and lockdep at the end of the VM run catch leaks and
 * locks left held.  SKIPs where /proc/self/fail-nth does not exist
 * (Debian's kernels).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/vale.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "../failnth.h"

#include "nl_test.h"

#define MAX_ATTEMPTS 1000
#define SW "valefn"		/* persistent switch */
#define DSW "valefnd"		/* dynamic switch, made by attach */
#define VETH "vfn0"
#define VETH_PEER "vfn1"

/* ---- the state: every switch and port message in hex, veth flags ---- */

struct snap {
	char *s;
	size_t len, cap;
};

static void snap_add(struct snap *sn, const char *txt)
{
	size_t n = strlen(txt);

	if (sn->len + n + 1 > sn->cap) {
		sn->cap = 2 * (sn->len + n + 1);
		sn->s = realloc(sn->s, sn->cap);
	}
	memcpy(sn->s + sn->len, txt, n + 1);
	sn->len += n;
}

static int snap_cb(const struct nlmsghdr *nlh, void *data)
{
	const unsigned char *p = mnl_nlmsg_get_payload(nlh);
	size_t n = nlh->nlmsg_len - MNL_NLMSG_HDRLEN, i;
	char hex[3];

	for (i = 0; i < n; i++) {
		snprintf(hex, sizeof(hex), "%02x", p[i]);
		snap_add(data, hex);
	}
	snap_add(data, "\n");
	return MNL_CB_OK;
}

static char *snapshot(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], line[64];
	struct snap sn = { 0 };
	unsigned int flags;
	FILE *f;

	snap_add(&sn, "");
	if (talk(msg(buf, fam, VALE_CMD_SWITCH_GET, NLM_F_DUMP), snap_cb, &sn))
		snap_add(&sn, "switch dump failed\n");
	if (talk(msg(buf, fam, VALE_CMD_PORT_GET, NLM_F_DUMP), snap_cb, &sn))
		snap_add(&sn, "port dump failed\n");
	f = fopen("/sys/class/net/" VETH "/flags", "r");
	if (f) {
		if (fscanf(f, "%x", &flags) == 1) {
			snprintf(line, sizeof(line), VETH " promisc %u\n",
				 !!(flags & IFF_PROMISC));
			snap_add(&sn, line);
		}
		fclose(f);
	}
	return sn.s;
}

/* ---- requests ---- */

static int switch_new(const char *name)
{
	return nl_switch_req(VALE_CMD_SWITCH_NEW, name, 1, VALE_LOOKUP_P2P, 100);
}

static int switch_del(const char *name)
{
	return nl_switch_req(VALE_CMD_SWITCH_DEL, name, -1, -1, -1);
}

static int switch_set(const char *name, int restricted, int lookup, int batch)
{
	return nl_switch_req(VALE_CMD_SWITCH_SET, name, restricted, lookup,
			     batch);
}

static int port_new(const char *sw, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, VALE_CMD_PORT_NEW, 0);

	mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, sw);
	mnl_attr_put_strz(nlh, VALE_A_PORT_NAME, name);
	mnl_attr_put_u32(nlh, VALE_A_PORT_UID, 1001);
	mnl_attr_put_u32(nlh, VALE_A_PORT_GID, 1001);
	return talk(nlh, ok_cb, NULL);
}

/* ---- the sweep ---- */

struct nl_sweep {
	const char *what;
	int (*op)(void);	/* the request under test */
	int (*undo)(void);	/* back from the state after to the one before */
	char *before, *after;	/* snapshots */
	int fnfd;		/* this thread's fail-nth */
	int done_lost_ack;	/* done, yet -ENOBUFS (ACK not allocated) */
	int half;		/* attempts that left another state */
	int undo_failed;
};

/*
 * Disarm fail-nth while the state is checked and undone, and arm it again
 * with what was left, so that failnth_run() sees whether the injection
 * happened during the request.  Reading and writing fail-nth allocates
 * nothing.
 */
static int inj_pause(struct nl_sweep *w)
{
	int left = failnth_remaining(w->fnfd);

	failnth_arm(w->fnfd, 0);
	return left;
}

static void inj_resume(struct nl_sweep *w, int left)
{
	if (left > 0)
		failnth_arm(w->fnfd, left);
}

/* One attempt: 0 or -errno, 1 when the state is wrong afterwards. */
static int nl_attempt(void *arg)
{
	struct nl_sweep *w = arg;
	int err, left, bad = 0;
	bool done;
	char *st;

	err = w->op();
	left = inj_pause(w);
	st = snapshot();
	done = !strcmp(st, w->after);
	if (!done && strcmp(st, w->before)) {
		fprintf(stderr, "# %s: returned %d (%s), state is neither before nor after:\n# before:\n%s# after:\n%s# now:\n%s",
			w->what, err, errmsg, w->before, w->after, st);
		w->half++;
		bad = 1;
	} else if (err == 0 && !done) {
		fprintf(stderr, "# %s: succeeded, state unchanged\n", w->what);
		bad = 1;
	} else if (err && done) {
		if (err == -ENOBUFS) {
			w->done_lost_ack++;
		} else {
			fprintf(stderr, "# %s: failed (%s: %s), yet done\n",
				w->what, strerror(-err), errmsg);
			bad = 1;
		}
	}
	if (done || bad) {
		/* back to the state before; a half state is undone as well
		 * as can be */
		if (w->undo() && done) {
			fprintf(stderr, "# %s: undo failed: %s\n", w->what, errmsg);
			w->undo_failed++;
			bad = 1;
		}
	}
	free(st);
	inj_resume(w, left);
	return bad ? 1 : err;
}

static void run_nl_sweep(struct __test_metadata *_metadata,
			 struct nl_sweep *w)
{
	struct failnth_sweep s;
	char errs[128] = "";
	int i, n = 0;
	char *st;

	/* Without injection: before, request, after, undo, before again. */
	w->before = snapshot();
	ASSERT_EQ(0, w->op()) TH_LOG("%s: %s", w->what, errmsg);
	w->after = snapshot();
	ASSERT_STRNE(w->before, w->after);
	ASSERT_EQ(0, w->undo()) TH_LOG("%s: undo: %s", w->what, errmsg);
	st = snapshot();
	ASSERT_STREQ(w->before, st);
	free(st);

	w->fnfd = failnth_open();
	ASSERT_LE(0, w->fnfd);
	ASSERT_EQ(0, failnth_setup());
	failnth_run(&s, nl_attempt, w, MAX_ATTEMPTS);
	failnth_restore();
	close(w->fnfd);
	EXPECT_EQ(0, s.bad);
	EXPECT_EQ(0, w->half);
	EXPECT_EQ(0, w->undo_failed);
	EXPECT_TRUE(s.complete) TH_LOG("no success within %d attempts", MAX_ATTEMPTS);
	EXPECT_LT(1, s.injected) TH_LOG("no fault point was reached");
	for (i = 0; s.errs[i]; i++)
		n += snprintf(errs + n, sizeof(errs) - n, " %s",
			      strerrorname_np(s.errs[i]) ?: "?");
	TH_LOG("%s: %d attempts, %d failed (errnos:%s), %d tolerated, %d done with the ACK lost",
	       w->what, s.attempts, s.failed, errs, s.tolerated,
	       w->done_lost_ack);
	/* The final success was undone: once more, for good. */
	EXPECT_EQ(0, w->op()) TH_LOG("%s after the sweep: %s", w->what, errmsg);
	st = snapshot();
	EXPECT_STREQ(w->after, st);
	free(st);
	free(w->before);
	free(w->after);
}

static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The requests, each with its undo. */
static int op_switch_new(void) { return switch_new(SW); }
static int op_switch_del(void) { return switch_del(SW); }
static int op_switch_set(void) { return switch_set(SW, 0, VALE_LOOKUP_LEARNING, 7); }
static int op_switch_reset(void) { return switch_set(SW, 1, VALE_LOOKUP_P2P, 100); }
static int op_port_new(void) { return port_new(SW, "p"); }
static int op_port_del(void) { return nl_port_req(VALE_CMD_PORT_DEL, SW, "p"); }
static int op_attach(void) { return nl_attach(DSW, VETH); }
static int op_detach(void) { return nl_detach(VETH); }

/* switch-del of a switch with an admin port and an attached device */
static int op_switch_del_full(void)
{
	return switch_del(SW);
}

static int op_switch_remake(void)
{
	return switch_new(SW) ?: port_new(SW, "p") ?: nl_attach(SW, VETH);
}

FIXTURE(fn) {
	int ready;
};

FIXTURE_SETUP(fn)
{
	self->ready = 0;
	if (!failnth_available())
		return;
	ASSERT_EQ(0, open_nl()) TH_LOG("no generic netlink family vale (vale.ko not loaded?)");
	/* leftovers of an earlier test of this program */
	nl_detach(VETH);
	switch_del(SW);
	switch_del(DSW);
	sh("/usr/bin/ip link del " VETH " 2>/dev/null");
	if (access("/sys/module/veth", F_OK))
		sh("modprobe veth 2>/dev/null");
	/* stays down: no traffic changes the counters in the dumps */
	ASSERT_EQ(0, sh("/usr/bin/ip link add " VETH " type veth peer name " VETH_PEER));
	self->ready = 1;
}

FIXTURE_TEARDOWN(fn)
{
	if (!self->ready)
		return;
	nl_detach(VETH);
	switch_del(SW);
	switch_del(DSW);
	sh("/usr/bin/ip link del " VETH " 2>/dev/null");
	mnl_socket_close(nl);
}

/*
 * kselftest_harness.h of 6.1 runs a TEST_F body even after its
 * FIXTURE_SETUP skipped, so the check lives here too.
 */
#define skip_unless_ready() do {					\
	if (!failnth_available())					\
		SKIP(return, "no /proc/self/fail-nth (kernel without CONFIG_FAULT_INJECTION)"); \
	ASSERT_TRUE(self->ready);					\
} while (0)

TEST_F_TIMEOUT(fn, switch_new, 300)
{
	struct nl_sweep w = { .what = "switch-new", .op = op_switch_new,
			      .undo = op_switch_del };

	skip_unless_ready();
	run_nl_sweep(_metadata, &w);
}

TEST_F_TIMEOUT(fn, switch_set, 300)
{
	struct nl_sweep w = { .what = "switch-set", .op = op_switch_set,
			      .undo = op_switch_reset };

	skip_unless_ready();
	ASSERT_EQ(0, switch_new(SW)) TH_LOG("%s", errmsg);
	run_nl_sweep(_metadata, &w);
}

TEST_F_TIMEOUT(fn, port_new, 300)
{
	struct nl_sweep w = { .what = "port-new", .op = op_port_new,
			      .undo = op_port_del };

	skip_unless_ready();
	ASSERT_EQ(0, switch_new(SW)) TH_LOG("%s", errmsg);
	run_nl_sweep(_metadata, &w);
}

TEST_F_TIMEOUT(fn, port_del, 300)
{
	struct nl_sweep w = { .what = "port-del", .op = op_port_del,
			      .undo = op_port_new };

	skip_unless_ready();
	ASSERT_EQ(0, switch_new(SW)) TH_LOG("%s", errmsg);
	ASSERT_EQ(0, port_new(SW, "p")) TH_LOG("%s", errmsg);
	run_nl_sweep(_metadata, &w);
}

TEST_F_TIMEOUT(fn, switch_del, 300)
{
	struct nl_sweep w = { .what = "switch-del", .op = op_switch_del_full,
			      .undo = op_switch_remake };

	skip_unless_ready();
	ASSERT_EQ(0, op_switch_remake()) TH_LOG("%s", errmsg);
	run_nl_sweep(_metadata, &w);
}

/* attach creates the dynamic switch DSW; a failure must leave no switch,
 * no port, the device not promiscuous and without rx_handler (the undo
 * and the final attach would get -EBUSY otherwise) */
TEST_F_TIMEOUT(fn, netdev_attach, 300)
{
	struct nl_sweep w = { .what = "netdev-attach", .op = op_attach,
			      .undo = op_detach };

	skip_unless_ready();
	run_nl_sweep(_metadata, &w);
}

TEST_F_TIMEOUT(fn, netdev_detach, 300)
{
	struct nl_sweep w = { .what = "netdev-detach", .op = op_detach,
			      .undo = op_attach };

	skip_unless_ready();
	ASSERT_EQ(0, nl_attach(DSW, VETH)) TH_LOG("%s", errmsg);
	run_nl_sweep(_metadata, &w);
}

TEST_HARNESS_MAIN
