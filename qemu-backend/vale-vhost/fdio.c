// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vhost: reading kicks and writing interrupts on the front-end's
 * eventfds without ever blocking.
 *
 * Kick and call fds come from the front-end, which keeps its own copy of
 * the same open file: it can clear O_NONBLOCK again at any time (the flag
 * belongs to the open file, not to the descriptor), read its own kick fd,
 * or leave its call fd's counter one below the maximum so that the next
 * write of 1 sleeps.  A read or write that sleeps would stop the one loop
 * that serves every VM and the stats socket.  So neither the file flag nor
 * a single check is trusted:
 *
 *  1. Before every read or write, poll() with a zero timeout asks whether
 *     the operation can complete now (an eventfd is readable when its
 *     counter is non-zero, writable when adding 1 does not reach the
 *     maximum).  If not, the operation is skipped: a kick that is already
 *     consumed (one eventfd behind two queues, a kick fd replaced in the
 *     same epoll batch) needs no read; an interrupt that cannot be added is
 *     reported to the caller (-EAGAIN), which stops using that fd.
 *  2. Between the poll() and the read/write the front-end can still change
 *     the counter (it owns the other end).  The operation therefore runs
 *     under a watchdog: a SIGALRM every FD_TICK_MS (setitimer, SA_RESTART
 *     so that no other system call notices it) whose handler, when the
 *     same guarded operation has been running for FD_TICKS ticks,
 *     siglongjmp()s out of the sleeping system call.  The caller gets
 *     -ETIMEDOUT and stops using the fd.  Outside a guarded operation the
 *     handler does nothing.
 *
 * The cost on the data path is one poll() per kick and per interrupt and
 * a sigsetjmp() without signal mask (no system call); the daemon stalls at
 * most FD_TICKS * FD_TICK_MS once per fd a front-end turns against it.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/time.h>

#include "vhost.h"

#define FD_TICK_MS	100
#define FD_TICKS	3		/* 200..300 ms */

static sigjmp_buf *volatile fd_jb;
static volatile unsigned int fd_ticks, fd_start;

static void sigalrm_handler(int sig)
{
	(void)sig;
	fd_ticks++;
	if (fd_jb && fd_ticks - fd_start >= FD_TICKS)
		siglongjmp(*fd_jb, 1);
}

void fdio_install(void)
{
	struct sigaction sa = { .sa_handler = sigalrm_handler,
				.sa_flags = SA_RESTART | SA_NODEFER };
	struct itimerval it = { { 0, FD_TICK_MS * 1000 }, { 0, FD_TICK_MS * 1000 } };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

/* Whether @fd is ready for @events now. */
static bool fd_ready(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, 0) == 1 && (p.revents & events);
}

/* One 8-byte read or write of @fd under the watchdog. */
static int fd_guarded(int fd, uint64_t *v, bool wr)
{
	sigjmp_buf jb;
	ssize_t n;

	if (sigsetjmp(jb, 0)) {
		fd_jb = NULL;
		return -ETIMEDOUT;
	}
	fd_start = fd_ticks;
	fd_jb = &jb;
	n = wr ? write(fd, v, sizeof(*v)) : read(fd, v, sizeof(*v));
	fd_jb = NULL;
	if (n == sizeof(*v))
		return 0;
	return n < 0 ? -errno : -EIO;
}

/*
 * Consume a kick on @fd: 1 if there was one, 0 if not (nothing to read,
 * or another queue sharing the eventfd took it), -ETIMEDOUT if the read
 * slept (the front-end emptied the counter behind poll()'s back).
 */
int kick_consume(int fd)
{
	uint64_t v;
	int r;

	if (!fd_ready(fd, POLLIN))
		return 0;
	r = fd_guarded(fd, &v, false);
	if (r == -ETIMEDOUT)
		return r;
	return r == 0;
}

/* Add 1 to the call eventfd @fd: 0, -EAGAIN if it is full, -ETIMEDOUT. */
int call_signal(int fd)
{
	uint64_t v = 1;
	int r;

	if (!fd_ready(fd, POLLOUT))
		return -EAGAIN;
	r = fd_guarded(fd, &v, true);
	return r == -ETIMEDOUT || r == 0 ? r : -EAGAIN;
}
