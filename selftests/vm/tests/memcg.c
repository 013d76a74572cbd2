// SPDX-License-Identifier: GPL-2.0
/*
 * memcg: a port's memory is charged to the memory cgroup of the process
 * that creates it.  The charge appears in memory.current while the port
 * exists and goes when it closes; a port that does not fit under
 * memory.max fails with ENOMEM, without the OOM killer, and leaves the
 * cgroup able to create a port that fits.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "memcg.h"
#include "raw_port.h"

#define MiB	(1024 * 1024L)

/* memory.current once it has settled to within slack of want (or not). */
static long settle(const char *dir, long want, long slack)
{
	long cur = -1;
	int i;

	for (i = 0; i < 50; i++) {
		cur = cg_get(dir, "memory.current", NULL);
		if (cur >= 0 && labs(cur - want) <= slack)
			break;
		usleep(100000);
	}
	return cur;
}

FIXTURE(cg) {
	char dir[128];
};

FIXTURE_SETUP(cg)
{
	const char *step;
	int r;

	/* This process (the harness forks one per test) joins it. */
	r = cg_enter("vale-memcg", self->dir, sizeof(self->dir), &step);
	if (r == CG_NO_MEMORY) {
		self->dir[0] = 0;
		SKIP(return, "no memory controller in this kernel");
	}
	ASSERT_EQ(0, r) TH_LOG("%s: %s", step, strerror(-r));
}

FIXTURE_TEARDOWN(cg)
{
	if (!self->dir[0])
		return;
	cg_leave(self->dir);
}

/* 2 rings x 4096 slots x 2048 bytes: 16 MiB of buffers. */
TEST_F(cg, region_charged_while_the_port_exists)
{
	long before, during, after;
	struct vp p;

	before = cg_get(self->dir, "memory.current", NULL);
	ASSERT_GE(before, 0);
	ASSERT_EQ(0, vp_open(&p, "vale0:big", 4096, 2048));
	ASSERT_GE(p.reg.region_size, 16 * MiB);
	/* Touch every page through the mapping: nothing new is charged. */
	memset(p.mem + p.reg.off.bufs, 0x5a, 16 * MiB);
	during = cg_get(self->dir, "memory.current", NULL);
	/* memory.current moves in per-CPU batches of 64 pages. */
	EXPECT_GE(during - before, (long)p.reg.region_size - 1 * MiB)
		TH_LOG("charged %ld bytes for a %llu-byte region", during - before,
		       (unsigned long long)p.reg.region_size);
	EXPECT_LE(during - before, (long)p.reg.region_size + 4 * MiB);
	vp_close(&p);
	after = settle(self->dir, before, 2 * MiB);
	EXPECT_LE(after - before, 2 * MiB)
		TH_LOG("%ld bytes still charged after close", after - before);
}

TEST_F(cg, over_the_limit_is_enomem_not_oom)
{
	struct vp big, small;
	int err;

	ASSERT_EQ(0, cg_put(self->dir, "memory.max", "8M"));
	err = vp_open(&big, "vale0:big", 4096, 2048);
	EXPECT_EQ(-ENOMEM, err);
	if (!err)
		vp_close(&big);
	EXPECT_EQ(0, cg_get(self->dir, "memory.events", "oom_kill"));
	EXPECT_LT(settle(self->dir, 0, 2 * MiB), 8 * MiB);
	/* Nothing was kept: a port that fits is created, used and closed. */
	ASSERT_EQ(0, vp_open(&small, "vale0:small", 256, 2048));
	memset(small.mem + small.reg.off.bufs, 0xa5, 512 * 2048);
	vp_close(&small);
	EXPECT_GE(cg_get(self->dir, "memory.events", "max"), 1);
}

TEST_HARNESS_MAIN
