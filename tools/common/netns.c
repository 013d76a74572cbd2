// SPDX-License-Identifier: GPL-2.0
/*
 * Named network namespaces (netns.h).  A child process unshares its
 * network namespace and the parent bind-mounts the child's
 * /proc/PID/ns/net on /run/netns/NAME; the child then exits, and the
 * mount keeps the namespace alive.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "netns.h"

#define NETNS_RUN_DIR "/run/netns"

static void path_of(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, NETNS_RUN_DIR "/%s", name);
}

int netns_add(const char *name)
{
	int fd, up[2], down[2], st, err = 0;
	char path[256], src[64], c = 0;
	pid_t pid;

	path_of(path, sizeof(path), name);
	mkdir(NETNS_RUN_DIR, 0755);
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	close(fd);
	if (pipe2(up, O_CLOEXEC) < 0) {
		err = -errno;
		goto fail;
	}
	if (pipe2(down, O_CLOEXEC) < 0) {
		err = -errno;
		close(up[0]);
		close(up[1]);
		goto fail;
	}
	pid = fork();
	if (pid == 0) {
		/* report unshare's result, then wait until the parent mounted */
		close(up[0]);
		close(down[1]);
		c = unshare(CLONE_NEWNET) < 0 ? (char)errno : 0;
		if (write(up[1], &c, 1) != 1)
			_exit(1);
		if (read(down[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	if (pid < 0) {
		err = -errno;
	} else if (read(up[0], &c, 1) != 1) {
		err = -ECHILD;
	} else if (c) {
		err = -c;
	} else {
		snprintf(src, sizeof(src), "/proc/%d/ns/net", (int)pid);
		if (mount(src, path, "none", MS_BIND, NULL) < 0)
			err = -errno;
	}
	close(up[0]);
	close(down[1]);	/* the child's read returns: it exits */
	if (pid > 0)
		waitpid(pid, &st, 0);
	if (!err)
		return 0;
fail:
	unlink(path);
	return err;
}

int netns_del(const char *name)
{
	char path[256];

	path_of(path, sizeof(path), name);
	umount2(path, MNT_DETACH);
	if (unlink(path) < 0)
		return -errno;
	return 0;
}

bool netns_exists(const char *name)
{
	int fd = netns_open(name);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int netns_open(const char *name)
{
	struct stat a, b;
	char path[256];
	int fd;

	path_of(path, sizeof(path), name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* a file left without its mount is not a namespace */
	if (fstat(fd, &a) < 0 || stat("/proc/self/ns/net", &b) < 0 ||
	    a.st_dev != b.st_dev) {
		close(fd);
		return -ENOENT;
	}
	return fd;
}

int netns_enter(const char *name)
{
	int fd = netns_open(name), err = 0;

	if (fd < 0)
		return fd;
	if (setns(fd, CLONE_NEWNET) < 0)
		err = -errno;
	close(fd);
	return err;
}
