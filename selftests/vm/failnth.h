/* SPDX-License-Identifier: GPL-2.0 */
/*
 * failnth.h: fault-injection sweeps for VM tests (static programs using
 * kselftest_harness.h), on a kernel with CONFIG_FAULT_INJECTION,
 * CONFIG_FAILSLAB and CONFIG_FAIL_PAGE_ALLOC (the debug kernel, see
 * Documentation/testing-debug.md).
 *
 * Writing N to /proc/self/task/<tid>/fail-nth makes the N-th fault point
 * this thread reaches afterwards (a slab or page allocation) fail, once.  A
 * sweep runs an operation with N = 1, 2, 3, ... until the operation
 * succeeds with its N-th fault point never reached, i.e. until every
 * allocation on its path has been failed once.  Every attempt whose
 * injected failure made the operation fail must return a clean negative
 * errno: a crash kills the test (or, with panic_on_oops, the VM), and a
 * leak or a lock left held on the error path is reported by kmemleak and
 * lockdep at the end of the VM run.
 *
 *	static int op(void *ctx)	// 0, or -errno; undoes its own work
 *	{
 *		int fd = open("/dev/vale", O_RDWR);
 *		...
 *		close(fd);
 *		return err;
 *	}
 *
 *	struct failnth_sweep s;
 *	if (!failnth_available())
 *		SKIP(return, "no fail-nth: kernel without CONFIG_FAULT_INJECTION");
 *	ASSERT_EQ(0, failnth_setup());
 *	failnth_run(&s, op, ctx, 1000);
 *	failnth_restore();
 *	EXPECT_EQ(0, s.bad);
 *	EXPECT_TRUE(s.complete);
 *
 * failnth_setup() makes the injection see GFP_KERNEL allocations (both
 * injectors ignore sleeping allocations by default), order-0 pages, and
 * turns off their per-failure stack dumps (a "Call Trace" fails the VM
 * run); it also writes "vale-failnth: begin/end" markers to /dev/kmsg
 * around the sweep, so that vm-run can tell expected allocation-failure
 * reports (warn_alloc) inside a sweep from real ones.  Settings live in
 * debugfs (mounted by the VM's /init); failnth_restore() puts them back.
 *
 * The operation must be self-contained: it runs entirely in the calling
 * thread (fail-nth is per thread), makes no allocation-heavy library
 * calls of its own between the system calls under test (each one is a
 * fault point too), and releases whatever it got before returning.
 * Releasing can fail too: munmap() allocates (maple tree nodes on 6.1)
 * and returns -ENOMEM with the mapping still in place when that
 * allocation is failed, so check it and retry (the fault is injected
 * once); a mapping left behind keeps the file, hence the port, alive
 * after close().
 */
#ifndef VALE_FAILNTH_H
#define VALE_FAILNTH_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#define FAILNTH_DEBUGFS "/sys/kernel/debug"

struct failnth_sweep {
	int attempts;		/* operations run, the final one included */
	int injected;		/* attempts whose N-th fault point was reached */
	int failed;		/* attempts that returned an error */
	int tolerated;		/* injected, yet the operation succeeded */
	int bad;		/* failures that were not a clean -errno, or an
				 * error without any injected fault */
	int last_err;		/* the last error returned (negative) */
	bool complete;		/* succeeded with no fault point left */
	unsigned int errs[8];	/* distinct errnos seen, 0-terminated */
};

/* The debugfs knobs failnth_setup() changes, with the values it writes. */
static const struct {
	const char *file;
	const char *value;
} failnth_knobs[] = {
	{ "failslab/ignore-gfp-wait", "N" },
	{ "failslab/verbose", "0" },
	{ "fail_page_alloc/ignore-gfp-wait", "N" },
	{ "fail_page_alloc/ignore-gfp-highmem", "N" },
	{ "fail_page_alloc/min-order", "0" },
	{ "fail_page_alloc/verbose", "0" },
};

#define FAILNTH_NKNOBS (sizeof(failnth_knobs) / sizeof(failnth_knobs[0]))

static char failnth_saved[FAILNTH_NKNOBS][32];

/* True when this kernel has /proc/<pid>/fail-nth (CONFIG_FAULT_INJECTION). */
static inline bool failnth_available(void)
{
	return access("/proc/self/fail-nth", F_OK) == 0;
}

static inline int failnth_write_file(const char *path, const char *s)
{
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		err = -errno;
	else if ((size_t)n != strlen(s))
		err = -EIO;
	close(fd);
	return err;
}

static inline int failnth_read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static inline void failnth_kmsg(const char *msg)
{
	failnth_write_file("/dev/kmsg", msg);
}

/*
 * Save and change the injectors' settings (see above).  Returns 0, or a
 * negative errno when debugfs or a knob is missing.
 */
static inline int failnth_setup(void)
{
	char path[128];
	unsigned int i;
	int err;

	for (i = 0; i < FAILNTH_NKNOBS; i++) {
		snprintf(path, sizeof(path), "%s/%s", FAILNTH_DEBUGFS,
			 failnth_knobs[i].file);
		err = failnth_read_file(path, failnth_saved[i],
					sizeof(failnth_saved[i]));
		if (err) {
			fprintf(stderr, "# failnth: cannot read %s: %s\n",
				path, strerror(-err));
			return err;
		}
		err = failnth_write_file(path, failnth_knobs[i].value);
		if (err) {
			fprintf(stderr, "# failnth: cannot write %s: %s\n",
				path, strerror(-err));
			return err;
		}
	}
	return 0;
}

static inline void failnth_restore(void)
{
	char path[128];
	unsigned int i;

	for (i = 0; i < FAILNTH_NKNOBS; i++) {
		if (!failnth_saved[i][0])
			continue;
		snprintf(path, sizeof(path), "%s/%s", FAILNTH_DEBUGFS,
			 failnth_knobs[i].file);
		failnth_write_file(path, failnth_saved[i]);
	}
}

/* Open this thread's fail-nth file (fail-nth is per task). */
static inline int failnth_open(void)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth",
		 (long)syscall(SYS_gettid));
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Arm: the n-th fault point from now on fails (0 disarms). */
static inline int failnth_arm(int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (pwrite(fd, buf, len, 0) != len)
		return -errno;
	return 0;
}

/* Fault points still to go before the injection (0: it happened). */
static inline int failnth_remaining(int fd)
{
	char buf[16];
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return atoi(buf);
}

static inline void failnth_note_err(struct failnth_sweep *s, int err)
{
	unsigned int i;

	for (i = 0; i < sizeof(s->errs) / sizeof(s->errs[0]) - 1; i++) {
		if (s->errs[i] == (unsigned int)-err)
			return;
		if (!s->errs[i]) {
			s->errs[i] = -err;
			return;
		}
	}
}

/*
 * Run op(ctx) with fail-nth = 1, 2, ... up to max_attempts.  Fills *s
 * (see struct failnth_sweep) and prints one diagnostic line per bad
 * attempt and a summary line, as TAP comments.  Returns 0 when the sweep
 * completed with no bad attempt, -1 otherwise.
 */
static inline int failnth_run(struct failnth_sweep *s, int (*op)(void *ctx),
			      void *ctx, int max_attempts)
{
	int fd, n, ret, left;

	memset(s, 0, sizeof(*s));
	fd = failnth_open();
	if (fd < 0) {
		fprintf(stderr, "# failnth: cannot open fail-nth: %s\n",
			strerror(-fd));
		s->bad++;
		return -1;
	}
	failnth_kmsg("vale-failnth: begin");
	for (n = 1; n <= max_attempts; n++) {
		if (failnth_arm(fd, n)) {
			s->bad++;
			break;
		}
		ret = op(ctx);
		left = failnth_remaining(fd);
		failnth_arm(fd, 0);
		s->attempts++;
		if (left == 0)
			s->injected++;
		if (ret == 0) {
			if (left != 0) {
				s->complete = true;
				break;
			}
			s->tolerated++;
			continue;
		}
		s->failed++;
		s->last_err = ret;
		if (ret < 0 && ret >= -4095)
			failnth_note_err(s, ret);
		if (ret >= 0 || ret < -4095) {
			fprintf(stderr, "# failnth: attempt %d returned %d, not a -errno\n",
				n, ret);
			s->bad++;
		} else if (left != 0) {
			fprintf(stderr, "# failnth: attempt %d failed (%s) with no fault injected\n",
				n, strerror(-ret));
			s->bad++;
			break;
		}
	}
	failnth_kmsg("vale-failnth: end");
	close(fd);
	fprintf(stderr, "# failnth: %d attempts, %d injected, %d failed, %d tolerated, %d bad, %s; first errno %s\n",
		s->attempts, s->injected, s->failed, s->tolerated, s->bad,
		s->complete ? "complete" : "INCOMPLETE",
		s->errs[0] ? strerror(s->errs[0]) : "none");
	return s->complete && !s->bad ? 0 : -1;
}

#endif /* VALE_FAILNTH_H */
