// SPDX-License-Identifier: GPL-2.0
/*
 * limits: the two limits of VALE_IOC_REGISTER (Documentation/uapi.md,
 * uapi/linux/vale.h), exactly where they are documented.
 *
 *  - ports: a switch has at most 1024 ports (VALE_SW_MAX_PORTS): the
 *    1025th registration fails with ENOSPC, and so does netdev-attach
 *    ("the switch is full"); other switches are not affected; a port that
 *    goes frees its index for the next one.
 *  - memory: a region above a quarter of the machine's RAM is refused
 *    with ENOMEM up front (without trying to allocate it: inside a memory
 *    cgroup, memory.events "max" does not move), one page less is tried
 *    (and fails with ENOMEM under a small memory.max, without the OOM
 *    killer); a region of exactly VALE_MAX_REGION_SIZE (1 GiB) passes the
 *    geometry checks and is ENOMEM, one page more is EINVAL.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/vale.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include "nl_test.h"
#include "memcg.h"

#define MAXP	1024	/* VALE_SW_MAX_PORTS, Documentation/uapi.md */
#define PG	4096ULL

/* Register @name on a new fd, no mmap; the fd or -errno. */
static int reg(const char *name, uint32_t ntx, uint32_t nrx, uint32_t slots,
	       uint32_t bsize, uint32_t extra, struct vale_register *out)
{
	struct vale_register r = {
		.version = VALE_API_VERSION,
		.num_tx_rings = ntx,
		.num_rx_rings = nrx,
		.num_slots = slots,
		.buf_size = bsize,
		.extra_bufs = extra,
	};
	int fd = open("/dev/vale", O_RDWR), err;

	if (fd < 0)
		return -errno;
	snprintf(r.name, sizeof(r.name), "%s", name);
	if (ioctl(fd, VALE_IOC_REGISTER, &r)) {
		err = -errno;
		close(fd);
		return err;
	}
	if (out)
		*out = r;
	return fd;
}

/* ---- the port limit ---- */

struct closer {
	int *fds;
	int n;
};

static void *close_some(void *arg)
{
	struct closer *c = arg;
	int i;

	for (i = 0; i < c->n; i++)
		if (c->fds[i] >= 0)
			close(c->fds[i]);
	return NULL;
}

/*
 * Each close waits for an RCU grace period: close from 32 threads so that
 * the waits overlap.
 */
static void close_all(int *fds, int n)
{
	struct closer c[32];
	pthread_t t[32];
	int i, per = (n + 31) / 32, made[32];

	for (i = 0; i < 32; i++) {
		c[i].fds = fds + i * per;
		c[i].n = n - i * per;
		if (c[i].n > per)
			c[i].n = per;
		if (c[i].n < 0)
			c[i].n = 0;
		made[i] = !pthread_create(&t[i], NULL, close_some, &c[i]);
		if (!made[i])
			close_some(&c[i]);
	}
	for (i = 0; i < 32; i++)
		if (made[i])
			pthread_join(t[i], NULL);
}

static int idx_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == VALE_A_PORT_INDEX ||
		    mnl_attr_get_type(a) == VALE_A_SWITCH_NPORTS)
			*(long *)data = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static long port_index(const char *sw, const char *port)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, VALE_CMD_PORT_GET, 0);
	long v = -1;
	int err;

	mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, sw);
	mnl_attr_put_strz(nlh, VALE_A_PORT_NAME, port);
	err = talk(nlh, idx_cb, &v);
	return err ?: v;
}

static long nports(const char *sw)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, VALE_CMD_SWITCH_GET, 0);
	long v = -1;
	int err;

	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, sw);
	err = talk(nlh, idx_cb, &v);
	return err ?: v;
}

/* KASAN makes 1024 registrations slow: longer limits than the default */
FIXTURE(lim) {
	int unused;
};

FIXTURE_SETUP(lim)
{
}

FIXTURE_TEARDOWN(lim)
{
}

TEST_F_TIMEOUT(lim, port_limit_is_enospc, 300)
{
	static int fds[MAXP];
	struct rlimit rl = { MAXP + 64, MAXP + 64 };
	char buf[MNL_SOCKET_BUFFER_SIZE], name[32];
	struct nlmsghdr *nlh;
	int i, fd;

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	ASSERT_EQ(0, open_nl());
	ASSERT_EQ(0, system("modprobe veth && /usr/bin/ip link add vlim0 type veth peer name vlim0p"));
	for (i = 0; i < MAXP; i++) {
		snprintf(name, sizeof(name), "valelim:p%d", i);
		fds[i] = reg(name, 1, 1, 8, 64, 0, NULL);
		ASSERT_LE(0, fds[i]) TH_LOG("port %d: %s", i, strerror(-fds[i]));
	}
	EXPECT_EQ(MAXP, nports("valelim"));

	/* the 1025th: ENOSPC, by registration and by attach */
	EXPECT_EQ(-ENOSPC, reg("valelim:one-more", 1, 1, 8, 64, 0, NULL));
	nlh = msg(buf, fam, VALE_CMD_NETDEV_ATTACH, 0);
	mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, "valelim");
	mnl_attr_put_strz(nlh, VALE_A_PORT_IFNAME, "vlim0");
	EXPECT_EQ(-ENOSPC, talk(nlh, ok_cb, NULL));
	EXPECT_STREQ("the switch is full", errmsg);
	EXPECT_EQ(MAXP, nports("valelim"));

	/* another switch is not affected */
	fd = reg("valelim2:x", 1, 1, 8, 64, 0, NULL);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);

	/* a port that goes frees its index, and only that one */
	close(fds[500]);
	fds[500] = reg("valelim:again", 1, 1, 8, 64, 0, NULL);
	ASSERT_LE(0, fds[500]);
	EXPECT_EQ(500, port_index("valelim", "again"));
	EXPECT_EQ(-ENOSPC, reg("valelim:one-more", 1, 1, 8, 64, 0, NULL));

	close_all(fds, MAXP);
	system("/usr/bin/ip link del vlim0");
	EXPECT_EQ(-ENOENT, nports("valelim"));
	mnl_socket_close(nl);
}

/* ---- the memory limit ---- */

/* A quarter of the RAM the kernel counts (totalram_pages). */
static unsigned long long quarter_ram(void)
{
	struct sysinfo si;

	if (sysinfo(&si))
		return 0;
	return (unsigned long long)si.totalram * si.mem_unit / 4;
}

/*
 * Geometry of a region of exactly @size bytes with 4 KiB buffers and
 * @r rings of 16384 slots each way: the ring part is learned from a
 * registration with 64-byte buffers (same rings, small region).
 */
struct geom {
	uint32_t rings, extra;
	int ok;
};

static struct geom geom_for(unsigned long long size, uint32_t r)
{
	struct vale_register out;
	struct geom g = { r, 0, 0 };
	unsigned long long nbufs, base = 2ULL * r * VALE_MAX_SLOTS;
	int fd;

	fd = reg("valemem:probe", r, r, VALE_MAX_SLOTS, 64, 0, &out);
	if (fd < 0)
		return g;
	close(fd);
	if (size < out.off.bufs || (size - out.off.bufs) % PG)
		return g;
	nbufs = (size - out.off.bufs) / PG;
	if (nbufs < base || nbufs - base > VALE_MAX_EXTRA_BUFS)
		return g;
	g.extra = nbufs - base;
	g.ok = 1;
	return g;
}

/* Rings per direction so that @size fits with 4 KiB buffers. */
static struct geom fit(unsigned long long size)
{
	struct geom g = { 0, 0, 0 };
	uint32_t r;

	for (r = 1; r <= VALE_MAX_RINGS && !g.ok; r++)
		/* the rings of r take about 32 r pages: try only if close */
		if (size / PG >= 2ULL * r * VALE_MAX_SLOTS &&
		    size / PG <= 2ULL * r * VALE_MAX_SLOTS + VALE_MAX_EXTRA_BUFS)
			g = geom_for(size, r);
	return g;
}

static int reg_geom(const struct geom *g, uint32_t more,
		    struct vale_register *out)
{
	return reg("valemem:big", g->rings, g->rings, VALE_MAX_SLOTS, PG,
		   g->extra + more, out);
}

TEST_F_TIMEOUT(lim, region_limits, 120)
{
	unsigned long long q = quarter_ram(), top;
	struct vale_register out;
	struct geom g;
	int fd;

	ASSERT_NE(0, q);
	/* the largest page-multiple region not above a quarter of RAM */
	top = q / PG * PG;
	g = fit(top);
	ASSERT_EQ(1, g.ok) TH_LOG("no geometry for %llu bytes", top);
	TH_LOG("quarter of RAM %llu bytes: %u ring(s), %u extra buffers",
	       q, g.rings, g.extra);
	/* one page above it: refused up front */
	fd = reg_geom(&g, 1, &out);
	EXPECT_EQ(-ENOMEM, fd);
	if (fd >= 0)
		close(fd);

	/* exactly 1 GiB is ENOMEM (above a quarter of RAM), a page more EINVAL */
	ASSERT_LT(q, VALE_MAX_REGION_SIZE);
	g = fit(VALE_MAX_REGION_SIZE);
	ASSERT_EQ(1, g.ok);
	fd = reg_geom(&g, 0, NULL);
	EXPECT_EQ(-ENOMEM, fd);
	if (fd >= 0)
		close(fd);
	fd = reg_geom(&g, 1, NULL);
	EXPECT_EQ(-EINVAL, fd);
	if (fd >= 0)
		close(fd);
}

/* ---- the same boundary, seen from a memory cgroup ---- */

TEST_F_TIMEOUT(lim, quarter_of_ram_is_refused_before_allocating, 120)
{
	unsigned long long top = quarter_ram() / PG * PG;
	long max0, max1, max2;
	const char *step;
	struct geom g;
	char dir[64];
	int fd, r;

	r = cg_enter("vale-limits", dir, sizeof(dir), &step);
	if (r == CG_NO_MEMORY)
		SKIP(return, "no memory controller");
	ASSERT_EQ(0, r) TH_LOG("%s: %s", step, strerror(-r));
	g = fit(top);
	ASSERT_EQ(1, g.ok);
	ASSERT_EQ(0, cg_put(dir, "memory.max", "16M"));

	max0 = cg_get(dir, "memory.events", "max");
	fd = reg_geom(&g, 1, NULL);
	EXPECT_EQ(-ENOMEM, fd);
	max1 = cg_get(dir, "memory.events", "max");
	/* above a quarter: no page was asked for */
	EXPECT_EQ(max0, max1);

	fd = reg_geom(&g, 0, NULL);
	EXPECT_EQ(-ENOMEM, fd);
	if (fd >= 0)
		close(fd);
	max2 = cg_get(dir, "memory.events", "max");
	/* a quarter: the allocation was tried, the cgroup refused it */
	EXPECT_LT(max1, max2);
	EXPECT_EQ(0, cg_get(dir, "memory.events", "oom_kill"));

	cg_leave(dir);
}

TEST_HARNESS_MAIN
