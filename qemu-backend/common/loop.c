// SPDX-License-Identifier: GPL-2.0
/*
 * Daemon event loop plumbing: the signals that stop the daemon arrive on a
 * signalfd, read in the epoll loop like any other event.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include "daemon.h"

int signals_fd(const int *extra)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	while (extra && *extra)
		sigaddset(&mask, *extra++);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -1;
	return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

int signals_next(int sfd)
{
	struct signalfd_siginfo si;

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	return si.ssi_signo;
}

void ep_add_ptr(int epfd, int fd, uint32_t events, void *ptr)
{
	struct epoll_event e = { .events = events, .data.ptr = ptr };

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e) < 0)
		err("epoll_ctl add fd %d: %s", fd, strerror(errno));
}
