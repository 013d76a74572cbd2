/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the qemu-backend daemons (vale-vhost, vale-vmpi) share: logging
 * with levels, --version, UNIX sockets (listening, file descriptors over
 * SCM_RIGHTS), the signals that end the loop as a signalfd, and the epoll
 * registration of one fd.  One implementation for both, in
 * qemu-backend/common/ (log.c, sock.c, loop.c).
 */
#ifndef VALE_DAEMON_H
#define VALE_DAEMON_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/un.h>

#ifndef VALE_VERSION
#define VALE_VERSION "0.0"
#endif

/* ---- log.c ------------------------------------------------------------- */

enum { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };
extern int log_level;

/*
 * Name the program ("PROG: " starts every line) and say whether the level
 * ("info: ") follows.  stderr becomes line-buffered.
 */
void log_init(const char *prog, bool show_level);

/* A line on stderr if @level is enabled: "PROG: [WHO] LEVEL: text". */
void logmsg(int level, const char *who, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "error", "warn", "info" or "debug"; -1 (and a message) otherwise. */
int set_log_level(const char *s);

#define err(...)	logmsg(LOG_ERR, NULL, __VA_ARGS__)
#define info(...)	logmsg(LOG_INFO, NULL, __VA_ARGS__)
#define debug(...)	logmsg(LOG_DEBUG, NULL, __VA_ARGS__)

/* "PROG VERSION" on stdout, for --version. */
void print_version(void);

/* ---- sock.c ------------------------------------------------------------ */

/*
 * A non-blocking, close-on-exec AF_UNIX socket of @type with *@sa set to
 * @path.  -1 and errno ENAMETOOLONG when @path does not fit.
 */
int unix_socket(const char *path, int type, struct sockaddr_un *sa);

/*
 * unix_socket(), bound to @path and listening.  A stale socket at @path is
 * removed first (only a socket: anything else makes bind fail).  Returns
 * the fd, or -1 with errno set (nothing left open).
 */
int unix_listen(const char *path, int type, int backlog);

/*
 * One sendmsg() of @len bytes at @buf with @nfds descriptors (0 for none,
 * at most SEND_FDS_MAX) as SCM_RIGHTS; MSG_NOSIGNAL is added to @flags and
 * EINTR retried.  Returns what sendmsg() returns.
 */
#define SEND_FDS_MAX	32
ssize_t send_fds(int fd, const void *buf, size_t len, const int *fds,
		 unsigned int nfds, int flags);

/* ---- loop.c ------------------------------------------------------------ */

/*
 * Block SIGINT, SIGTERM and the @extra signals (0-terminated, may be NULL)
 * and return a non-blocking signalfd for them; SIGPIPE is ignored.
 */
int signals_fd(const int *extra);

/* Read one pending signal from @sfd: its number, or 0 when none is left. */
int signals_next(int sfd);

/* epoll_ctl(ADD) of @fd with @events and @ptr as data; errors are logged. */
void ep_add_ptr(int epfd, int fd, uint32_t events, void *ptr);

#endif /* VALE_DAEMON_H */
