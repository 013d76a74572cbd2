/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Files and memory cgroups for the VM tests (limits.c, memcg.c,
 * admin_perm.c): write a string to a file, read a number from a cgroup
 * file, and put the calling process into a new memory cgroup of its own
 * (cgroup2 mounted if it is not, the memory controller enabled below the
 * root) and back out of it.
 */
#ifndef _VALE_SELFTESTS_MEMCG_H
#define _VALE_SELFTESTS_MEMCG_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define CGROOT	"/sys/fs/cgroup"

/* Write @val to @path (one write): 0 or -errno. */
static inline int put_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Write @val to @file of cgroup directory @dir. */
static inline int cg_put(const char *dir, const char *file, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return put_file(path, val);
}

/* A number from a cgroup file; with @key, from its "key N" line; or -1. */
static inline long cg_get(const char *dir, const char *file, const char *key)
{
	char path[256], k[64];
	long v = -1, n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!key) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
	} else {
		while (fscanf(f, "%63s %ld", k, &n) == 2)
			if (!strcmp(k, key))
				v = n;
	}
	fclose(f);
	return v;
}

/* What cg_enter() reports besides 0 and -errno. */
#define CG_NO_MEMORY	1	/* the kernel has no memory controller */

/*
 * Move this process into a new memory cgroup CGROOT/PREFIX-PID (its path
 * in @dir): 0, CG_NO_MEMORY, or -errno with *@step naming what failed.
 */
static inline int cg_enter(const char *prefix, char *dir, size_t size,
			   const char **step)
{
	char ctl[256] = "";
	FILE *f;
	int err;

	*step = "mount cgroup2";
	if (access(CGROOT "/cgroup.controllers", F_OK) &&
	    mount("none", CGROOT, "cgroup2", 0, NULL))
		return -errno;
	*step = "read cgroup.controllers";
	f = fopen(CGROOT "/cgroup.controllers", "r");
	if (!f)
		return -errno;
	if (!fgets(ctl, sizeof(ctl), f))
		ctl[0] = 0;
	fclose(f);
	if (!strstr(ctl, "memory"))
		return CG_NO_MEMORY;
	*step = "enable +memory";
	err = cg_put(CGROOT, "cgroup.subtree_control", "+memory");
	if (err)
		return err;
	*step = "mkdir";
	snprintf(dir, size, CGROOT "/%s-%d", prefix, getpid());
	if (mkdir(dir, 0755))
		return -errno;
	*step = "join";
	return cg_put(dir, "cgroup.procs", "0");
}

/* Back to the root cgroup; remove @dir. */
static inline void cg_leave(const char *dir)
{
	cg_put(CGROOT, "cgroup.procs", "0");
	rmdir(dir);
}

#endif /* _VALE_SELFTESTS_MEMCG_H */
