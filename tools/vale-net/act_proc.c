// SPDX-License-Identifier: GPL-2.0
/*
 * A node's command: started detached (its own session and process group,
 * reparented away from vale-net), inside the node's namespace for a netns
 * node, on the node's CPU set, as its user and group; stdout and stderr
 * go to STATE_DIR/VNET.NODE.log.  A process node's command finds its
 * ports in VALE_PORT_<IFNAME>=SWITCH:PORT.  A command without shell
 * characters is executed directly (so a missing program is an error at
 * once); others run with /bin/sh -c.  The command must still be alive
 * VN_START_GRACE_MS after it started, or the start failed.  The pid and
 * its start time (/proc/PID/stat) identify it later, so a recycled pid
 * is never killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "act.h"
#include "admit.h"
#include "netns.h"

#define VN_START_GRACE_MS	150

/* Field 22 of /proc/PID/stat, and whether the process is a zombie. */
static bool proc_stat(int pid, unsigned long long *start, bool *zombie)
{
	char path[64], line[1024], *p;
	int i;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	p = fgets(line, sizeof(line), f);
	fclose(f);
	if (!p || !(p = strrchr(line, ')')))
		return false;
	*zombie = p[2] == 'Z' || p[2] == 'X';
	for (i = 0; i < 20 && p; i++)	/* state is field 3, we want 22 */
		p = strchr(p + 1, ' ');
	if (!p)
		return false;
	*start = strtoull(p + 1, NULL, 10);
	return true;
}

bool act_proc_alive(const struct vn_node *n)
{
	unsigned long long st;
	bool z;

	return n->pid > 0 && proc_stat(n->pid, &st, &z) && !z &&
	       st == n->starttime;
}

static void sleep_ms(int ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

static bool plain(const char *s)
{
	return !strpbrk(s, "\"'`$|&;<>(){}*?[]~\\#=\n");
}

/* In the grandchild: become the node, then exec; returns only on error. */
static int become(struct vn_ctx *c, const struct vn_vnet *v, const struct vn_node *n)
{
	char ns[VN_KNAME], log[512], ksw[VN_KNAME], port[VN_KNAME], env[200];
	char *argv[64], *cmd;
	cpu_set_t set;
	int fd, i;

	setsid();
	if (n->kind == VN_NETNS) {
		vn_netns(ns, v->name, n->name);
		if (netns_enter(ns) < 0)
			return errno ? errno : ENOENT;
	}
	for (i = 0; i < n->nifs; i++) {
		vn_kswitch(ksw, v->host, v->name, n->ifs[i].sw);
		vn_port(port, n->name, n->ifs[i].name);
		snprintf(env, sizeof(env), "VALE_PORT_%s", n->ifs[i].name);
		for (char *p = env; *p; p++)
			if (*p == '-')
				*p = '_';
		snprintf(log, sizeof(log), "%s:%s", ksw, port);
		if (n->kind == VN_PROCESS)
			setenv(env, log, 1);
	}
	setenv("VALE_NET_VNET", v->name, 1);
	setenv("VALE_NET_NODE", n->name, 1);
	if (n->cpuset[0] && vn_cpuset_parse(n->cpuset, &set) &&
	    sched_setaffinity(0, sizeof(set), &set) < 0)
		return errno;
	snprintf(log, sizeof(log), "%s/%s.%s.log", c->state_dir, v->name, n->name);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, 0);
		close(fd);
	}
	if (n->gid >= 0 && (setgroups(0, NULL) < 0 || setgid(n->gid) < 0))
		return errno;
	if (n->uid >= 0 && setuid(n->uid) < 0)
		return errno;
	cmd = strdup(n->command);
	if (!cmd)
		return ENOMEM;
	if (plain(cmd)) {
		i = 0;
		for (char *t = strtok(cmd, " \t"); t && i < 63; t = strtok(NULL, " \t"))
			argv[i++] = t;
		argv[i] = NULL;
		if (!i)
			return EINVAL;
		execvp(argv[0], argv);
		return errno;
	}
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	return errno;
}

int act_proc_start(struct vn_ctx *c, const struct vn_vnet *v, struct vn_node *n)
{
	int pidp[2], errp[2], st, e = 0, pid = 0;
	unsigned long long start;
	pid_t mid;
	bool z;

	if (pipe2(pidp, O_CLOEXEC) < 0)
		return vn_fail(c, NULL, -errno, "node %s: pipe", n->name);
	if (pipe2(errp, O_CLOEXEC) < 0) {
		close(pidp[0]);
		close(pidp[1]);
		return vn_fail(c, NULL, -errno, "node %s: pipe", n->name);
	}
	fflush(NULL);
	mid = fork();
	if (mid == 0) {
		pid_t g = fork();

		if (g == 0) {
			e = become(c, v, n);
			if (write(errp[1], &e, sizeof(e)) < 0)
				_exit(126);
			_exit(127);
		}
		pid = g;
		if (write(pidp[1], &pid, sizeof(pid)) < 0)
			_exit(1);
		_exit(g < 0);
	}
	close(pidp[1]);
	close(errp[1]);
	if (mid > 0)
		waitpid(mid, &st, 0);
	if (mid < 0 || read(pidp[0], &pid, sizeof(pid)) != sizeof(pid) || pid <= 0)
		e = mid < 0 ? errno : ECHILD;
	else if (read(errp[0], &e, sizeof(e)) != sizeof(e))
		e = 0;	/* exec succeeded: the pipe closed on it */
	close(pidp[0]);
	close(errp[0]);
	if (e)
		return vn_fail(c, NULL, -e, "node %s: command '%s' cannot start",
			       n->name, n->command);
	if (!proc_stat(pid, &start, &z))
		return vn_fail(c, NULL, -ESRCH, "node %s: command '%s' exited at once",
			       n->name, n->command);
	n->pid = pid;
	n->starttime = start;
	sleep_ms(VN_START_GRACE_MS);
	if (!act_proc_alive(n)) {
		n->pid = 0;
		return vn_fail(c, NULL, -ESRCH,
			       "node %s: command '%s' exited within %d ms (see %s/%s.%s.log)",
			       n->name, n->command, VN_START_GRACE_MS, c->state_dir,
			       v->name, n->name);
	}
	return 0;
}

int act_proc_stop(struct vn_ctx *c, const struct vn_node *n)
{
	int i;

	(void)c;
	if (!act_proc_alive(n))
		return 0;
	kill(-n->pid, SIGTERM);
	kill(n->pid, SIGTERM);
	for (i = 0; i < 100 && act_proc_alive(n); i++)
		sleep_ms(10);
	if (act_proc_alive(n)) {
		kill(-n->pid, SIGKILL);
		kill(n->pid, SIGKILL);
		for (i = 0; i < 100 && act_proc_alive(n); i++)
			sleep_ms(10);
	}
	return 0;
}
