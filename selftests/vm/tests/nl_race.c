// SPDX-License-Identifier: GPL-2.0
/*
 * nl_race: netlink operations racing /dev/vale register, release, close
 * and process kill (issue 13).
 *
 * A table of rows, each one racer A from the data side and one racer B
 * from netlink (two rows add a second netlink racer C), run at the same
 * time in separate processes, A for the row's number of iterations or
 * until a time budget is spent and it did at least 3 (0.9 s; 1.5 s and 2
 * on the debug kernel, which is about ten times slower), B as long as A
 * runs:
 *
 * racer A (this process, its threads and children), on switch S:
 *   sync     register ports S:a and S:r, mmap, S:r sends one frame (so
 *            that its address is learned), S:a sends bursts to it with
 *            tx syncs while S:r drains; close.  The frames are counted:
 *            S:a's tx-packets == frames sent, and every one of them is
 *            either received by S:r or counted as a drop (S:r's
 *            drop-ring-full and drop-too-long, S:a's drop-no-dest);
 *   release  register both, send, close() the fds with the mappings left
 *            (the ports live on), write to the rings, munmap: the port's
 *            release runs in munmap;
 *   close    a child registers both; one of its threads loops in tx/rx
 *            syncs while another thread closes the fd under it;
 *   kill     a child holding both ports and their mappings, in a send and
 *            sync loop, is SIGKILLed after a few milliseconds;
 *   poll     a child blocked in poll() on S:r, woken by this process's
 *            S:a, is SIGKILLed while it sleeps;
 * racer B (a child with its own netlink socket):
 *   swdel    switch-new S, netdev-attach of a veth to S, switch-del S,
 *            a pause of half a round (with A);
 *            a switch-del that succeeded leaves no S behind (at most one
 *            a register of A made afresh, unrestricted), and in a row
 *            without A nothing at all;
 *   port     port-new S:r (the name racer A registers: its register binds
 *            the admin-created port) and S:x, netdev-attach of the veth,
 *            port-del of all three (a netdev port's port-del detaches it);
 *   attach   netdev-attach of the veth to S, then netdev-detach or
 *            port-del, in turn;
 *   set      switch-set S: lookup learning, p2p, rules in turn, a batch;
 *   rule     switch-set S lookup rules (learning one time in four),
 *            rule-new (S:a's frames output to S:r), port-get S:r,
 *            rule-flush;
 *   get      port-get S:a, port dump of S, switch-get S, switch dump;
 * racer C (a second netlink child, in two rows):
 *   resv     port-new S:y and rule-new on S, port-del S:y now and then:
 *            against swdel, which drops vale_mutex while the veth goes,
 *            nothing may be added to the switch being deleted.
 *
 * Every call returns success or one of the errnos the row allows for
 * that race (A: for its registers; B: for its operations); anything else
 * fails the row.  Afterwards B's leftovers are removed (success or
 * ENOENT), and the namespace must be exactly as before the row: S does
 * not exist and has no port, the switch dump has as many switches as
 * before, the veth is not promiscuous and can be attached and detached
 * again (no stale rx_handler).  The harness unloads the module after the
 * test (refcounts) and scans dmesg (KASAN, lockdep, kmemleak on the
 * debug kernel).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/vale.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include "nl_test.h"
#include "raw_port.h"

#define VETH		"nlrace0"
#define VETH_PEER	"nlrace0p"
#define MAC_A		MAC(0x61)
#define MAC_R		MAC(0x72)
#define BURST		64
#define BURSTS		4
#define R_SLOTS		256
#define MIN_A		3	/* racer A iterations a row needs (2 on debug) */
#define MIN_B		10	/* racer B operations a row needs at least */

/* An errno set: E(ENOENT) | E(EBUSY); every errno used here is < 64. */
#define E(e)		(1ULL << (e))

enum akind { A_SYNC, A_RELEASE, A_CLOSE, A_KILL, A_POLL, A_NONE };
enum bkind { B_NONE, B_SWDEL, B_PORT, B_ATTACH, B_SET, B_RULE, B_GET,
	     B_RESV };

static const char *const aname[] = {
	"sync", "release", "close", "kill", "poll", "none",
};
static const char *const bname[] = {
	"none", "swdel", "port", "attach", "set", "rule", "get", "resv",
};

/* Shared between racer A (this process) and racer B (a child). */
struct nlracer {
	volatile int ready;
	unsigned long ops, refused;
	int bad;			/* an errno the row does not allow */
	char what[256];
};

struct shared {
	volatile int stop;
	struct nlracer r[2];		/* B and C */
};

static char sw[24];		/* valenlr<pid> */

static int64_t now_ms(void)
{
	return rp_now_ms();
}

static int debug_kernel(void)
{
	/* the selftest knob exists on the debug kernel's vale.ko only */
	return !access("/sys/module/vale/parameters/selftest_txsync_hold", F_OK) ||
	       !access("/sys/kernel/debug/kmemleak", F_OK);
}

/* ---- netlink requests ---- */

static int sw_req(uint8_t cmd, const char *name)
{
	return nl_switch_req(cmd, name, -1, -1, -1);
}

static int rule_new_req(const char *s)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, VALE_CMD_RULE_NEW, 0);

	mnl_attr_put_strz(nlh, VALE_A_RULE_SWITCH, s);
	mnl_attr_put_u32(nlh, VALE_A_RULE_ID, 1);
	mnl_attr_put_strz(nlh, VALE_A_RULE_IN_PORT, "a");
	mnl_attr_put_u32(nlh, VALE_A_RULE_ACTION, VALE_RULE_ACT_OUTPUT);
	mnl_attr_put_strz(nlh, VALE_A_RULE_OUT_PORT, "r");
	return talk(nlh, ok_cb, NULL);
}

static int rule_flush_req(const char *s)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, VALE_CMD_RULE_FLUSH, 0);

	mnl_attr_put_strz(nlh, VALE_A_RULE_SWITCH, s);
	return talk(nlh, ok_cb, NULL);
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(*(int *)data)++;
	return MNL_CB_OK;
}

/* Dump of switches (@port 0) or of the ports of @s (or all): messages. */
static int dump_req(int port, const char *s, int *n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	*n = 0;
	nlh = msg(buf, fam, port ? VALE_CMD_PORT_GET : VALE_CMD_SWITCH_GET,
		  NLM_F_DUMP);
	if (s)
		mnl_attr_put_strz(nlh, port ? VALE_A_PORT_SWITCH :
				  VALE_A_SWITCH_NAME, s);
	return talk(nlh, count_cb, n);
}

/* ---- racers B and C ---- */

static int get_restricted_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == VALE_A_SWITCH_RESTRICTED)
			*(int *)data = mnl_attr_get_u8(a);
	return MNL_CB_OK;
}

/* switch-get S: -ENOENT, or its restricted flag. */
static int sw_restricted(const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, VALE_CMD_SWITCH_GET, 0);
	int r = -1, ret;

	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, name);
	ret = talk(nlh, get_restricted_cb, &r);
	return ret ? ret : r;
}

/* Count @ret of operation @what; an errno outside @ok stops the racer. */
static void b_check(struct nlracer *nr, uint64_t ok, const char *what, int ret)
{
	nr->ops++;
	if (!ret)
		return;
	if (-ret < 64 && (ok & E(-ret))) {
		nr->refused++;
		return;
	}
	if (nr->bad)
		return;
	nr->bad = -ret;
	snprintf(nr->what, sizeof(nr->what), "%s: %s (%.160s)", what,
		 strerror(-ret), errmsg);
}

/*
 * One round of racer @b.  @alone: no racer A in the row, so nothing but
 * this racer creates S and a switch-del that succeeded leaves no S.
 */
static void b_step(struct nlracer *nr, enum bkind b, uint64_t ok,
		   unsigned int i, int alone)
{
	int64_t t0;
	int n, ret;

	switch (b) {
	case B_NONE:
		break;
	case B_SWDEL:
		t0 = now_ms();
		b_check(nr, ok, "switch-new", sw_req(VALE_CMD_SWITCH_NEW, sw));
		b_check(nr, ok, "netdev-attach", nl_attach(sw, VETH));
		ret = sw_req(VALE_CMD_SWITCH_DEL, sw);
		b_check(nr, ok, "switch-del", ret);
		/*
		 * Deleted is deleted: what is left of S is at most a switch
		 * a register made afresh (unrestricted), and without racer A
		 * nothing at all.
		 */
		n = ret ? -ENOENT : sw_restricted(sw);
		if (n != -ENOENT && (alone || n == 1) && !nr->bad) {
			nr->bad = EEXIST;
			snprintf(nr->what, sizeof(nr->what),
				 "switch-del succeeded, then switch-get %s: %s",
				 sw, n < 0 ? strerror(-n) :
				 n ? "still there, restricted" : "still there");
		}
		/*
		 * S is gone or dying for much of a round: a pause of half a
		 * round lets A's registers find it absent too.
		 */
		if (!alone)
			usleep(1000 + (now_ms() - t0) * 500);
		break;
	case B_PORT:
		b_check(nr, ok, "port-new r", nl_port_req(VALE_CMD_PORT_NEW, sw, "r"));
		b_check(nr, ok, "port-new x", nl_port_req(VALE_CMD_PORT_NEW, sw, "x"));
		b_check(nr, ok, "netdev-attach", nl_attach(sw, VETH));
		b_check(nr, ok, "port-del r", nl_port_req(VALE_CMD_PORT_DEL, sw, "r"));
		b_check(nr, ok, "port-del x", nl_port_req(VALE_CMD_PORT_DEL, sw, "x"));
		b_check(nr, ok, "port-del veth", nl_port_req(VALE_CMD_PORT_DEL, sw, VETH));
		break;
	case B_ATTACH:
		b_check(nr, ok, "netdev-attach", nl_attach(sw, VETH));
		if (i & 1)
			b_check(nr, ok, "netdev-detach", nl_detach(VETH));
		else
			b_check(nr, ok, "port-del veth",
				nl_port_req(VALE_CMD_PORT_DEL, sw, VETH));
		break;
	case B_SET:
		b_check(nr, ok, "switch-set",
			nl_switch_req(VALE_CMD_SWITCH_SET, sw, -1, i % 3,
				      1 + (i * 389) % 1024));
		break;
	case B_RULE:
		/* the rule is there half of the time */
		switch (i % 4) {
		case 0:
			b_check(nr, ok, "switch-set rules",
				nl_switch_req(VALE_CMD_SWITCH_SET, sw, -1,
					      i % 16 ? VALE_LOOKUP_RULES :
					      VALE_LOOKUP_LEARNING, -1));
			break;
		case 1:
			b_check(nr, ok, "rule-new", rule_new_req(sw));
			break;
		case 2:
			b_check(nr, ok, "port-get", nl_port_req(VALE_CMD_PORT_GET, sw, "r"));
			break;
		default:
			b_check(nr, ok, "rule-flush", rule_flush_req(sw));
			break;
		}
		break;
	case B_GET:
		b_check(nr, ok, "port-get", nl_port_req(VALE_CMD_PORT_GET, sw, "a"));
		b_check(nr, ok, "port dump", dump_req(1, sw, &n));
		b_check(nr, ok, "switch-get", sw_req(VALE_CMD_SWITCH_GET, sw));
		b_check(nr, ok, "switch dump", dump_req(0, NULL, &n));
		break;
	case B_RESV:
		/* admin-created ports and a rule on whatever S there is */
		b_check(nr, ok, "port-new y", nl_port_req(VALE_CMD_PORT_NEW, sw, "y"));
		b_check(nr, ok, "rule-new", rule_new_req(sw));
		if (i % 8 == 7)
			b_check(nr, ok, "port-del y",
				nl_port_req(VALE_CMD_PORT_DEL, sw, "y"));
		break;
	}
}

static pid_t start_nl(struct shared *sh, struct nlracer *nr, enum bkind b,
		      uint64_t ok, int alone)
{
	unsigned int i = 0;
	pid_t pid = fork();

	if (pid)
		return pid;
	if (open_nl())
		_exit(1);
	nr->ready = 1;
	while (!sh->stop && !nr->bad)
		b_step(nr, b, ok, i++, alone);
	_exit(0);
}

/* ---- racer A ---- */

struct arun {
	uint64_t ok;		/* errnos allowed to a register */
	unsigned long iters, refused, sent, received, dropped;
	int bad;		/* an unexpected result, described in what */
	char what[256];
};

static void a_fail(struct arun *ar, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void a_fail(struct arun *ar, int err, const char *fmt, ...)
{
	va_list ap;

	if (ar->bad)
		return;
	ar->bad = err ? err : -1;
	va_start(ap, fmt);
	vsnprintf(ar->what, sizeof(ar->what), fmt, ap);
	va_end(ap);
}

/*
 * Register S:@pname: 0, 1 when refused with an allowed errno, -1 after
 * an unexpected errno (recorded).
 */
static int a_open(struct arun *ar, struct vp *p, const char *pname,
		  uint32_t slots)
{
	char name[48];
	int err;

	snprintf(name, sizeof(name), "%s:%s", sw, pname);
	err = vp_open(p, name, slots, 2048);
	if (!err)
		return 0;
	if (-err < 64 && (ar->ok & E(-err))) {
		ar->refused++;
		usleep(500);	/* give B time to get out of its window */
		return 1;
	}
	a_fail(ar, -err, "register %s: %s", name, strerror(-err));
	return -1;
}

/* Both ports; 0, or nonzero with nothing left open. */
static int a_open2(struct arun *ar, struct vp *a, struct vp *r)
{
	int ret = a_open(ar, a, "a", 256);

	if (ret)
		return ret;
	ret = a_open(ar, r, "r", R_SLOTS);
	if (ret)
		vp_close(a);
	return ret;
}

/* Frames of S:a found in S:r's ring. */
static unsigned long drain_ours(struct vp *r)
{
	uint8_t f[2048];
	unsigned long n = 0;
	int len;

	while ((len = vp_recv(r, f, sizeof(f), NULL)) > 0) {
		uint64_t src = 0;
		int i;

		for (i = 0; i < 6; i++)
			src = src << 8 | f[6 + i];
		if (src == MAC_A)
			n++;
	}
	return n;
}

/* S:r announces itself, then S:a sends bursts to it; counted. */
static void a_traffic(struct arun *ar, struct vp *a, struct vp *r,
		      unsigned int it, int count)
{
	uint8_t f[128];
	unsigned long sent = 0, got = 0;
	int k, j, err;

	mkframe(f, MAC_BCAST, MAC_R, 60, 0);
	err = vp_send(r, f, 60);
	if (err)
		a_fail(ar, -err, "iteration %u: S:r tx sync: %s", it, strerror(-err));
	vp_drain(a);
	for (k = 0; k < BURSTS && !ar->bad; k++) {
		for (j = 0; j < BURST; j++) {
			mkframe(f, MAC_R, MAC_A, 60 + j, it << 16 | sent);
			if (vp_queue(a, f, 60 + j))
				break;
			sent++;
		}
		err = vp_txsync(a);
		if (err)
			a_fail(ar, -err, "iteration %u: S:a tx sync: %s", it,
			       strerror(-err));
		got += drain_ours(r);
		vp_drain(a);
		usleep(300);	/* let B's operations fall between bursts */
	}
	got += drain_ours(r);
	if (!count)
		return;
	{
		struct vale_port_stats sa = vp_stats(a), sr = vp_stats(r);
		unsigned long drops = sr.drop_ring_full + sr.drop_too_long +
				      sa.drop_no_dest;

		ar->sent += sent;
		ar->received += got;
		ar->dropped += drops;
		if (sa.tx_packets != sent || got + drops != sent ||
		    sa.drop_bad_slot || sa.drop_bad_frag)
			a_fail(ar, 0,
			       "iteration %u: sent %lu, S:a tx-packets %llu, S:r got %lu, drops %lu (ring-full %llu too-long %llu no-dest %llu), bad-slot %llu bad-frag %llu",
			       it, sent, (unsigned long long)sa.tx_packets, got,
			       drops, (unsigned long long)sr.drop_ring_full,
			       (unsigned long long)sr.drop_too_long,
			       (unsigned long long)sa.drop_no_dest,
			       (unsigned long long)sa.drop_bad_slot,
			       (unsigned long long)sa.drop_bad_frag);
	}
}

static void a_sync(struct arun *ar, unsigned int it)
{
	struct vp a, r;

	if (a_open2(ar, &a, &r))
		return;
	a_traffic(ar, &a, &r, it, 1);
	vp_close(&a);
	vp_close(&r);
}

static void a_release(struct arun *ar, unsigned int it)
{
	struct vp a, r;

	if (a_open2(ar, &a, &r))
		return;
	a_traffic(ar, &a, &r, it, 0);
	close(a.fd);
	close(r.fd);
	a.fd = -1;
	r.fd = -1;
	/* the ports live on in their mappings, rings still writable */
	memset(vp_buf(&a, vp_tx(&a)->slot[0].buf_idx), 0x5a, 64);
	__atomic_store_n(&vp_tx(&a)->head, nxt(vp_tx(&a), vp_tx(&a)->head),
			 __ATOMIC_RELEASE);
	usleep(1000 + it % 4 * 1000);
	vp_close(&a);	/* munmap: the release of S:a */
	vp_close(&r);
}

/* A child's exit status: 0, or 100 + an allowed errno of its register. */
static void a_child_status(struct arun *ar, pid_t pid, int killed,
			   unsigned int it)
{
	int st;

	if (waitpid(pid, &st, 0) != pid) {
		a_fail(ar, errno, "iteration %u: waitpid: %s", it, strerror(errno));
		return;
	}
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && killed)
		return;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return;
	if (WIFEXITED(st) && WEXITSTATUS(st) > 100 &&
	    (ar->ok & E(WEXITSTATUS(st) - 100))) {
		ar->refused++;
		return;
	}
	a_fail(ar, 0, "iteration %u: child status 0x%x (exit 100 + errno: a register failed)",
	       it, st);
}

/* In a child: register S:@pname or exit with 100 + its errno. */
static void child_open(struct vp *p, const char *pname, uint32_t slots)
{
	char name[48];
	int err;

	snprintf(name, sizeof(name), "%s:%s", sw, pname);
	err = vp_open(p, name, slots, 2048);
	if (err)
		_exit(-err < 100 ? 100 + -err : 99);
}

/* Wait for the child's byte on @fd (sent once its ports are open). */
static int wait_ready(int fd)
{
	char c;

	return read(fd, &c, 1) == 1 ? 0 : -1;
}

static void *sync_loop(void *arg)
{
	int fd = (int)(intptr_t)arg;

	/* until the fd is closed under us */
	while (ioctl(fd, VALE_IOC_TXSYNC, &all_rings) == 0)
		ioctl(fd, VALE_IOC_RXSYNC, &all_rings);
	return NULL;
}

static void close_child(int ready, unsigned int it)
{
	struct vp a, r;
	pthread_t th;
	uint8_t f[64];
	int k;

	child_open(&a, "a", 256);
	child_open(&r, "r", R_SLOTS);
	if (write(ready, "r", 1) != 1)
		_exit(98);
	if (pthread_create(&th, NULL, sync_loop, (void *)(intptr_t)a.fd))
		_exit(97);
	for (k = 0; k < 200 + (int)(it % 8) * 100; k++) {
		mkframe(f, MAC_R, MAC_A, 60, k);
		vp_queue(&a, f, 60);	/* racing the syncs on purpose */
		vp_drain(&r);
	}
	close(a.fd);		/* while the other thread syncs */
	pthread_join(th, NULL);
	memset(a.mem + a.reg.region_size - 64, 0x5a, 64);
	a.fd = -1;
	vp_close(&a);
	vp_close(&r);
	_exit(0);
}

static void kill_child(int ready)
{
	struct vp a, r;
	uint8_t f[128];
	uint32_t n = 0;
	int j;

	child_open(&a, "a", 256);
	child_open(&r, "r", R_SLOTS);
	mkframe(f, MAC_BCAST, MAC_R, 60, 0);
	vp_send(&r, f, 60);
	if (write(ready, "r", 1) != 1)
		_exit(98);
	for (;;) {
		for (j = 0; j < BURST; j++) {
			mkframe(f, MAC_R, MAC_A, 60 + j, n++);
			if (vp_queue(&a, f, 60 + j))
				break;
		}
		vp_txsync(&a);
		vp_drain(&r);
		vp_drain(&a);
	}
}

static void poll_child(int ready)
{
	struct vp r;
	struct pollfd pfd;

	child_open(&r, "r", R_SLOTS);
	pfd.fd = r.fd;
	pfd.events = POLLIN;
	if (write(ready, "r", 1) != 1)
		_exit(98);
	for (;;) {
		poll(&pfd, 1, -1);	/* killed here, most of the time */
		vp_drain(&r);
	}
}

static pid_t a_spawn(struct arun *ar, enum akind k, unsigned int it,
		     int *ready)
{
	int pfd[2];
	pid_t pid;

	if (pipe(pfd)) {
		a_fail(ar, errno, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		if (k == A_CLOSE)
			close_child(pfd[1], it);
		else if (k == A_KILL)
			kill_child(pfd[1]);
		else
			poll_child(pfd[1]);
		_exit(96);
	}
	close(pfd[1]);
	if (pid < 0) {
		a_fail(ar, errno, "fork: %s", strerror(errno));
		close(pfd[0]);
		return -1;
	}
	*ready = !wait_ready(pfd[0]);
	close(pfd[0]);
	return pid;
}

static void a_children(struct arun *ar, enum akind k, unsigned int it)
{
	struct vp a;
	uint8_t f[64];
	int ready, opened = 0, j;
	pid_t pid;

	if (k == A_POLL) {
		int ret = a_open(ar, &a, "a", 256);

		if (ret)
			return;
		opened = 1;
	}
	pid = a_spawn(ar, k, it, &ready);
	if (pid < 0)
		goto out;
	if (ready) {
		if (k == A_POLL) {
			for (j = 0; j < 1 + (int)(it % 3); j++) {
				mkframe(f, MAC_BCAST, MAC_A, 60, j);
				vp_send(&a, f, 60);	/* wakes the sleeper */
				usleep(500);
			}
		}
		usleep(1000 + (it % 7) * 1500);
		if (k != A_CLOSE)
			kill(pid, SIGKILL);
	}
	a_child_status(ar, pid, k != A_CLOSE, it);
out:
	if (opened)
		vp_close(&a);
}

static void a_step(struct arun *ar, enum akind k, unsigned int it)
{
	switch (k) {
	case A_SYNC:
		a_sync(ar, it);
		break;
	case A_RELEASE:
		a_release(ar, it);
		break;
	default:
		a_children(ar, k, it);
		break;
	}
}

/* ---- the table ---- */

FIXTURE(race) {
	struct shared *sh;
	pid_t nl[2];		/* racers B and C */
	int nswitches;		/* switches before the row */
};

FIXTURE_VARIANT(race) {
	enum akind a;
	enum bkind b, c;	/* c: a second netlink racer, or B_NONE */
	uint64_t a_err;		/* errnos A's registers may get */
	uint64_t b_err;		/* errnos B's (and C's) operations may get */
	unsigned int iters;	/* A iterations at most (and a time budget) */
};

/*
 * Why each errno is allowed:
 *   A, with B swdel: EPERM, a register on a switch being deleted ("nobody
 *     may join": switch-del makes it restricted while its ports go).
 *   B swdel: EEXIST (switch-new of a switch A's register made), EBUSY
 *     (switch-del while a port is open through /dev/vale; netdev-attach
 *     of the veth still attached after such a switch-del), ENOENT
 *     (switch-del after A's last port took the dynamic switch away).
 *   B port: ENOENT (no switch S at that moment, or no such port),
 *     EEXIST (port-new of a name A has open), EBUSY (port-del of r
 *     while A has it open).
 *   B attach: nothing (the veth is B's alone).
 *   B set, rule: ENOENT (no switch S at that moment).
 *   B get: ENOENT, and EINTR: a dump that raced a change ends with
 *     NLM_F_DUMP_INTR (netlink's own "start the dump again").
 *   C resv: ENOENT (no S), EEXIST (port y or rule 1 exists already).
 */
#define ROW(n, A, B, AE, BE, IT)				\
	FIXTURE_VARIANT_ADD(race, n) {				\
		.a = A, .b = B, .c = B_NONE, .a_err = AE, .b_err = BE,	\
		.iters = IT,					\
	}
#define ROW3(n, A, B, C, AE, BE, IT)				\
	FIXTURE_VARIANT_ADD(race, n) {				\
		.a = A, .b = B, .c = C, .a_err = AE, .b_err = BE,	\
		.iters = IT,					\
	}

#define SWDEL_E		(E(EEXIST) | E(EBUSY) | E(ENOENT))
#define PORT_E		(E(ENOENT) | E(EEXIST) | E(EBUSY))
#define GET_E		(E(ENOENT) | E(EINTR))

ROW(sync_swdel,		A_SYNC,    B_SWDEL,  E(EPERM), SWDEL_E,  16);
ROW(sync_port,		A_SYNC,    B_PORT,   0,        PORT_E,   16);
ROW(sync_attach,	A_SYNC,    B_ATTACH, 0,        0,        16);
ROW(sync_set,		A_SYNC,    B_SET,    0,        E(ENOENT), 16);
ROW(sync_rule,		A_SYNC,    B_RULE,   0,        E(ENOENT), 16);
ROW(sync_get,		A_SYNC,    B_GET,    0,        GET_E,    16);
ROW(release_swdel,	A_RELEASE, B_SWDEL,  E(EPERM), SWDEL_E,  16);
ROW(release_port,	A_RELEASE, B_PORT,   0,        PORT_E,   16);
ROW(release_attach,	A_RELEASE, B_ATTACH, 0,        0,        16);
ROW(release_set,	A_RELEASE, B_SET,    0,        E(ENOENT), 16);
ROW(release_rule,	A_RELEASE, B_RULE,   0,        E(ENOENT), 16);
ROW(release_get,	A_RELEASE, B_GET,    0,        GET_E,    16);
ROW(close_swdel,	A_CLOSE,   B_SWDEL,  E(EPERM), SWDEL_E,  10);
ROW(close_port,		A_CLOSE,   B_PORT,   0,        PORT_E,   10);
ROW(close_attach,	A_CLOSE,   B_ATTACH, 0,        0,        10);
ROW(close_set,		A_CLOSE,   B_SET,    0,        E(ENOENT), 10);
ROW(close_rule,		A_CLOSE,   B_RULE,   0,        E(ENOENT), 10);
ROW(close_get,		A_CLOSE,   B_GET,    0,        GET_E,    10);
ROW(kill_swdel,		A_KILL,    B_SWDEL,  E(EPERM), SWDEL_E,  10);
ROW(kill_port,		A_KILL,    B_PORT,   0,        PORT_E,   10);
ROW(kill_attach,	A_KILL,    B_ATTACH, 0,        0,        10);
ROW(kill_set,		A_KILL,    B_SET,    0,        E(ENOENT), 10);
ROW(kill_rule,		A_KILL,    B_RULE,   0,        E(ENOENT), 10);
ROW(kill_get,		A_KILL,    B_GET,    0,        GET_E,    10);
ROW(poll_swdel,		A_POLL,    B_SWDEL,  E(EPERM), SWDEL_E,  10);
ROW(poll_port,		A_POLL,    B_PORT,   0,        PORT_E,   10);
ROW(poll_attach,	A_POLL,    B_ATTACH, 0,        0,        10);
ROW(poll_set,		A_POLL,    B_SET,    0,        E(ENOENT), 10);
ROW(poll_rule,		A_POLL,    B_RULE,   0,        E(ENOENT), 10);
ROW(poll_get,		A_POLL,    B_GET,    0,        GET_E,    10);
/*
 * Two netlink racers: switch-del (its netdev ports go with vale_mutex
 * dropped) against port-new and rule-new on the same switch.  A switch
 * whose deletion succeeded must be gone, not kept alive by a port added
 * while its ports went.  Then the same with racer A registering too.
 */
ROW3(swdel_resv,	A_NONE,    B_SWDEL,  B_RESV, 0,   SWDEL_E, 0);
ROW3(sync_swdel_resv,	A_SYNC,    B_SWDEL,  B_RESV, E(EPERM), SWDEL_E, 16);

static int veth_flags(void)
{
	char buf[32] = "";
	FILE *f = fopen("/sys/class/net/" VETH "/flags", "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return (int)strtol(buf, NULL, 0);
}

FIXTURE_SETUP(race)
{
	int n;

	self->nl[0] = self->nl[1] = -1;
	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->sh);
	ASSERT_EQ(0, open_nl());
	snprintf(sw, sizeof(sw), "valenlr%d", getpid());
	if (access("/sys/class/net/" VETH, F_OK)) {
		if (access("/sys/module/veth", F_OK))
			if (system("modprobe veth")) {
				/* ip link add says what is missing */
			}
		/* both ends stay down: the veth sends nothing of its own */
		ASSERT_EQ(0, system("/usr/bin/ip link add " VETH
				    " type veth peer name " VETH_PEER));
	}
	ASSERT_EQ(0, dump_req(0, NULL, &n));
	self->nswitches = n;
}

FIXTURE_TEARDOWN(race)
{
	int i;

	self->sh->stop = 1;
	for (i = 0; i < 2; i++) {
		if (self->nl[i] <= 0)
			continue;
		kill(self->nl[i], SIGKILL);
		waitpid(self->nl[i], NULL, 0);
	}
}

/* Remove what B and C left (each: done, or ENOENT); 0 or the errno. */
static int cleanup_b(enum bkind b, char *what, size_t len)
{
	int ret;

#define CLEAN(op, desc) do {						\
		ret = (op);						\
		if (ret && ret != -ENOENT) {				\
			snprintf(what, len, "%s: %s (%.160s)", desc,	\
				 strerror(-ret), errmsg);		\
			return ret;					\
		}							\
	} while (0)

	if (b == B_SWDEL || b == B_PORT || b == B_ATTACH)
		CLEAN(nl_detach(VETH), "netdev-detach");
	if (b == B_PORT) {
		CLEAN(nl_port_req(VALE_CMD_PORT_DEL, sw, "r"), "port-del r");
		CLEAN(nl_port_req(VALE_CMD_PORT_DEL, sw, "x"), "port-del x");
	}
	if (b == B_RESV)
		CLEAN(nl_port_req(VALE_CMD_PORT_DEL, sw, "y"), "port-del y");
	if (b == B_SWDEL)
		CLEAN(sw_req(VALE_CMD_SWITCH_DEL, sw), "switch-del");
#undef CLEAN
	return 0;
}

static int racers_ops(struct shared *sh, const FIXTURE_VARIANT(race) *v)
{
	return sh->r[0].ops >= MIN_B &&
	       (v->c == B_NONE || sh->r[1].ops >= MIN_B);
}

TEST_F_TIMEOUT(race, row, 120)
{
	int dbg = debug_kernel();
	unsigned int iters = variant->iters;
	int64_t t0, budget = dbg ? 1500 : 900, ms;
	unsigned long min_a = dbg ? MIN_A - 1 : MIN_A;
	struct arun ar = { .ok = variant->a_err };
	enum bkind kind[2] = { variant->b, variant->c };
	int alone = variant->a == A_NONE;
	char what[256] = "";
	char chk[32];
	unsigned int it;
	int n, st[2] = { 0, 0 }, ret, i;

	for (i = 0; i < 2; i++) {
		if (kind[i] == B_NONE)
			continue;
		self->nl[i] = start_nl(self->sh, &self->sh->r[i], kind[i],
				       variant->b_err, alone);
		ASSERT_LT(0, self->nl[i]);
		while (!self->sh->r[i].ready &&
		       waitpid(self->nl[i], &st[i], WNOHANG) == 0)
			usleep(1000);
		ASSERT_TRUE(self->sh->r[i].ready);
	}

	t0 = now_ms();
	/* iterations a refused register ended do not count */
	for (it = 0; !alone && ar.iters < iters && !ar.bad &&
	     !self->sh->r[0].bad && !self->sh->r[1].bad; it++) {
		unsigned long refused = ar.refused;

		a_step(&ar, variant->a, it);
		if (ar.refused == refused)
			ar.iters++;
		ms = now_ms() - t0;
		if ((ms > budget && ar.iters >= min_a) || ms > 10 * budget)
			break;
	}
	/* the netlink racers go on until A is done, for a while without A */
	while (!self->sh->r[0].bad && !self->sh->r[1].bad &&
	       (!racers_ops(self->sh, variant) ||
		(alone && now_ms() - t0 < budget)) &&
	       now_ms() - t0 < 20000)
		usleep(1000);
	self->sh->stop = 1;
	for (i = 0; i < 2; i++) {
		if (self->nl[i] <= 0)
			continue;
		ASSERT_EQ(self->nl[i], waitpid(self->nl[i], &st[i], 0));
		self->nl[i] = -1;
	}
	ms = now_ms() - t0;
	TH_LOG("%s x %s%s%s: A %lu iterations (%lu refused), B %lu operations (%lu refused)%s, %lld ms%s",
	       aname[variant->a], bname[variant->b],
	       variant->c ? " x " : "", variant->c ? bname[variant->c] : "",
	       ar.iters, ar.refused, self->sh->r[0].ops,
	       self->sh->r[0].refused, variant->c ? ", C too" : "",
	       (long long)ms, dbg ? " (debug kernel)" : "");
	if (variant->c)
		TH_LOG("C %lu operations (%lu refused)", self->sh->r[1].ops,
		       self->sh->r[1].refused);
	if (variant->a == A_SYNC)
		TH_LOG("frames: %lu sent, %lu received, %lu counted as drops",
		       ar.sent, ar.received, ar.dropped);
	EXPECT_EQ(0, ar.bad) TH_LOG("racer A: %s", ar.what);
	EXPECT_EQ(0, self->sh->r[0].bad) TH_LOG("racer B: %s", self->sh->r[0].what);
	EXPECT_EQ(0, self->sh->r[1].bad) TH_LOG("racer C: %s", self->sh->r[1].what);
	EXPECT_TRUE(WIFEXITED(st[0]) && !WEXITSTATUS(st[0]))
		TH_LOG("racer B status 0x%x", st[0]);
	EXPECT_TRUE(WIFEXITED(st[1]) && !WEXITSTATUS(st[1]))
		TH_LOG("racer C status 0x%x", st[1]);
	if (!alone)
		EXPECT_LE(min_a, ar.iters);
	EXPECT_TRUE(racers_ops(self->sh, variant));

	/* back to the initial state */
	for (i = 0; i < 2; i++) {
		ret = cleanup_b(kind[i], what, sizeof(what));
		EXPECT_EQ(0, ret) TH_LOG("cleanup: %s", what);
	}
	EXPECT_EQ(-ENOENT, sw_req(VALE_CMD_SWITCH_GET, sw))
		TH_LOG("switch %s is left", sw);
	ASSERT_EQ(0, dump_req(1, sw, &n));
	EXPECT_EQ(0, n) TH_LOG("%d ports of %s are left", n, sw);
	ASSERT_EQ(0, dump_req(0, NULL, &n));
	EXPECT_EQ(self->nswitches, n);
	/* the veth: not promiscuous, no rx_handler left (attach works) */
	EXPECT_EQ(0, veth_flags() & IFF_PROMISC)
		TH_LOG("flags 0x%x", veth_flags());
	snprintf(chk, sizeof(chk), "valenlrchk%d", getpid());
	EXPECT_EQ(0, nl_attach(chk, VETH)) TH_LOG("attach: %s", errmsg);
	EXPECT_EQ(0, nl_detach(VETH)) TH_LOG("detach: %s", errmsg);
	EXPECT_EQ(-ENOENT, sw_req(VALE_CMD_SWITCH_GET, chk));
	EXPECT_EQ(0, veth_flags() & IFF_PROMISC);
}

/* Last: the veth goes (the harness then unloads the module). */
TEST(remove_veth)
{
	if (!access("/sys/class/net/" VETH, F_OK))
		EXPECT_EQ(0, system("/usr/bin/ip link del " VETH));
}

TEST_HARNESS_MAIN
