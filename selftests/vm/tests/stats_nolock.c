// SPDX-License-Identifier: GPL-2.0
/*
 * stats_nolock: port-get and port-dump over netlink (open to every user)
 * read a port's counters without its tx rings' sync_lock, so a user
 * keeping a tx sync busy stalls neither them nor, through the switch
 * mutex they hold, any other control operation (issue 13, defect 5(a)).
 *
 * The debug kernel's vale.ko has a selftest knob (kmod/port.c,
 * selftest_txsync_hold): while it is set, a tx sync holds its ring's
 * sync_lock, sleeping, until it is cleared.  A thread enters such a sync;
 * once it sleeps (state D), port-get, port-dump and switch-get run, each
 * in a child with its own socket, and each must complete while the lock
 * is still held (the knob is cleared only afterwards, so "completed" can
 * only mean "without the lock").  On a kernel that takes the lock they
 * block until it is released: after a bound of 10 s (milliseconds are
 * enough otherwise) the test fails, releases the lock and reaps them.
 * Skipped where vale.ko has no knob (the stock kernels).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
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

#define KNOB	"/sys/module/vale/parameters/selftest_txsync_hold"
#define BOUND_MS	10000

static int knob_set(int v)
{
	int fd = open(KNOB, O_WRONLY);
	int ok;

	if (fd < 0)
		return -errno;
	ok = write(fd, v ? "1" : "0", 1) == 1;
	close(fd);
	return ok ? 0 : -EIO;
}

struct holder {
	struct vp *p;
	pid_t tid;
	int ret;
	int done;
};

static void *hold_thread(void *arg)
{
	struct holder *h = arg;
	__u32 ring = 0;

	__atomic_store_n(&h->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	h->ret = ioctl(h->p->fd, VALE_IOC_TXSYNC, &ring) ? -errno : 0;
	__atomic_store_n(&h->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Scheduler state letter of thread @tid ('D': the knob's msleep). */
static char thread_state(pid_t tid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

enum op { PORT_GET, PORT_DUMP, SWITCH_GET, NOPS };
static const char *const op_name[NOPS] = {
	"port-get", "port-dump", "switch-get",
};

/* In a child: one read request on a fresh socket; exit 0 if answered. */
static void run_op(enum op op)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	if (open_nl())
		_exit(2);
	switch (op) {
	case PORT_GET:
		nlh = msg(buf, fam, VALE_CMD_PORT_GET, 0);
		mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, "valehold");
		mnl_attr_put_strz(nlh, VALE_A_PORT_NAME, "a");
		break;
	case PORT_DUMP:
		nlh = msg(buf, fam, VALE_CMD_PORT_GET, NLM_F_DUMP);
		break;
	default:
		nlh = msg(buf, fam, VALE_CMD_SWITCH_GET, 0);
		mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, "valehold");
		break;
	}
	_exit(talk(nlh, NULL, NULL) ? 3 : 0);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

TEST(reads_do_not_wait_for_tx_sync)
{
	int status[NOPS], exited[NOPS] = { 0 }, i, left = NOPS;
	struct holder h = { 0 };
	pid_t pid[NOPS];
	pthread_t th;
	int64_t end;
	struct vp p;

	if (access(KNOB, W_OK))
		SKIP(return, "vale.ko has no selftest knobs (debug kernel only)");
	ASSERT_EQ(0, vp_open(&p, "valehold:a", 64, 2048));
	h.p = &p;
	ASSERT_EQ(0, knob_set(1));
	ASSERT_EQ(0, pthread_create(&th, NULL, hold_thread, &h));

	/* the holder sleeps with the lock held */
	end = now_ms() + BOUND_MS;
	while (!__atomic_load_n(&h.tid, __ATOMIC_ACQUIRE) ||
	       thread_state(h.tid) != 'D') {
		if (now_ms() > end)
			break;
		usleep(10000);
	}
	EXPECT_EQ('D', thread_state(h.tid));

	for (i = 0; i < NOPS; i++) {
		pid[i] = fork();
		if (pid[i] == 0)
			run_op(i);
		ASSERT_LT(0, pid[i]);
	}
	end = now_ms() + BOUND_MS;
	while (left && now_ms() < end) {
		for (i = 0; i < NOPS; i++) {
			if (exited[i] || waitpid(pid[i], &status[i], WNOHANG) <= 0)
				continue;
			exited[i] = 1;
			left--;
		}
		usleep(10000);
	}
	/* still held: whatever completed did so without the lock */
	EXPECT_EQ(0, __atomic_load_n(&h.done, __ATOMIC_ACQUIRE));
	for (i = 0; i < NOPS; i++) {
		if (!exited[i])
			TH_LOG("%s did not complete while the tx sync_lock was held",
			       op_name[i]);
		EXPECT_EQ(1, exited[i]);
		if (exited[i])
			EXPECT_EQ(0, status[i]);
	}

	ASSERT_EQ(0, knob_set(0));
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(0, h.ret);
	for (i = 0; i < NOPS; i++)
		if (!exited[i])
			EXPECT_EQ(pid[i], waitpid(pid[i], &status[i], 0));
	vp_close(&p);
}

TEST_HARNESS_MAIN
