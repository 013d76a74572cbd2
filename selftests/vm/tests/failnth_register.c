// SPDX-License-Identifier: GPL-2.0
/*
 * failnth_register: every allocation on the path of opening /dev/vale and
 * registering a port is failed once (fail-nth sweep, see ../failnth.h);
 * each such attempt must fail cleanly with a negative errno, and the
 * kernel must neither crash, warn, leak (kmemleak runs at the end of the
 * VM run) nor leave a lock held.  Needs a kernel with fault injection
 * (the debug kernel); SKIPs on Debian's production kernels.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/vale.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "../failnth.h"

#define MAX_ATTEMPTS 2000

struct reg_ctx {
	const char *name;
	unsigned int num_slots;
	int map;		/* also mmap the region */
	int munmap_failed;	/* munmap() calls an injected fault failed */
};

/*
 * munmap() is a fault point too: on 6.1 it allocates maple tree nodes and
 * fails with -ENOMEM, leaving the mapping in place, when one of those
 * allocations is failed.  The mapping holds a reference to the file, so
 * the port would outlive close() and keep its name, and every later
 * attempt would get -EBUSY.  fail-nth injects once, so a retry succeeds.
 * Returns 0, or the -errno of the first failure.
 */
static int unmap_region(struct reg_ctx *c, void *mem, size_t len)
{
	int err, i;

	if (!munmap(mem, len))
		return 0;
	err = -errno;
	c->munmap_failed++;
	for (i = 0; i < 3 && munmap(mem, len); i++)
		;
	return err;
}

/* Open, register, optionally map; undo everything; 0 or -errno. */
static int open_register(void *arg)
{
	struct reg_ctx *c = arg;
	struct vale_register req;
	void *mem;
	int fd, err = 0;

	fd = open("/dev/vale", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&req, 0, sizeof(req));
	req.version = VALE_API_VERSION;
	strncpy(req.name, c->name, sizeof(req.name) - 1);
	req.num_slots = c->num_slots;
	if (ioctl(fd, VALE_IOC_REGISTER, &req) < 0) {
		err = -errno;
	} else if (c->map) {
		mem = mmap(NULL, req.region_size, PROT_READ | PROT_WRITE,
			   MAP_SHARED, fd, 0);
		if (mem == MAP_FAILED)
			err = -errno;
		else
			err = unmap_region(c, mem, req.region_size);
	}
	close(fd);
	return err;
}

/*
 * kselftest_harness.h of 6.1 runs a TEST_F body even after its
 * FIXTURE_SETUP skipped, so the checks live here and every test calls
 * skip_unless_ready() first.
 */
#define skip_unless_ready() do {					\
	if (!failnth_available())					\
		SKIP(return, "no /proc/self/fail-nth (kernel without CONFIG_FAULT_INJECTION)"); \
	if (access("/dev/vale", F_OK))					\
		SKIP(return, "no /dev/vale (vale.ko not loaded)");	\
} while (0)

static void run_sweep(struct __test_metadata *_metadata, struct reg_ctx *c)
{
	struct failnth_sweep s;

	ASSERT_EQ(0, failnth_setup());
	/* Without injection the operation must work at all. */
	ASSERT_EQ(0, open_register(c)) TH_LOG("%s does not register", c->name);
	failnth_run(&s, open_register, c, MAX_ATTEMPTS);
	EXPECT_EQ(0, s.bad);
	if (c->map)
		TH_LOG("munmap() failed by an injected fault %d times",
		       c->munmap_failed);
	EXPECT_TRUE(s.complete) TH_LOG("no success within %d attempts", MAX_ATTEMPTS);
	EXPECT_LT(1, s.injected) TH_LOG("no fault point was reached");
	failnth_restore();
	/* Afterwards the same operation works again. */
	EXPECT_EQ(0, open_register(c));
}

/* A new switch and a new port on it: every allocation of both. */
TEST(register_new_switch)
{
	struct reg_ctx c = { .name = "vale0:fn", .num_slots = 64 };

	skip_unless_ready();
	run_sweep(_metadata, &c);
}

/* Joining an existing switch, and mapping the region. */
TEST(register_join_and_map)
{
	struct reg_ctx keep = { .name = "vale1:keep", .num_slots = 64 };
	struct reg_ctx c = { .name = "vale1:fn", .num_slots = 64, .map = 1 };
	struct vale_register req;
	int fd;

	skip_unless_ready();
	/* Hold one port so that the switch stays while the sweep runs. */
	fd = open("/dev/vale", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	memset(&req, 0, sizeof(req));
	req.version = VALE_API_VERSION;
	strcpy(req.name, keep.name);
	req.num_slots = keep.num_slots;
	ASSERT_EQ(0, ioctl(fd, VALE_IOC_REGISTER, &req));
	run_sweep(_metadata, &c);
	close(fd);
}

struct map_ctx {
	struct reg_ctx reg;	/* for unmap_region()'s count */
	int fd;			/* a registered port */
	size_t size;
};

/* Map the registered port and unmap it again; 0 or -errno. */
static int map_unmap(void *arg)
{
	struct map_ctx *m = arg;
	void *mem;

	mem = mmap(NULL, m->size, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (mem == MAP_FAILED)
		return -errno;
	return unmap_region(&m->reg, mem, m->size);
}

/*
 * Only mmap() and munmap() of a registered port (in the sweeps above their
 * fault points come last and are not always reached); afterwards no
 * mapping may be left: close() frees the name.
 */
TEST(map_registered_port)
{
	struct map_ctx m = { .reg = { .name = "vale2:map", .num_slots = 64 } };
	struct failnth_sweep s;
	struct vale_register req;

	skip_unless_ready();
	m.fd = open("/dev/vale", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, m.fd);
	memset(&req, 0, sizeof(req));
	req.version = VALE_API_VERSION;
	strcpy(req.name, m.reg.name);
	req.num_slots = m.reg.num_slots;
	ASSERT_EQ(0, ioctl(m.fd, VALE_IOC_REGISTER, &req));
	m.size = req.region_size;
	ASSERT_EQ(0, failnth_setup());
	failnth_run(&s, map_unmap, &m, MAX_ATTEMPTS);
	failnth_restore();
	EXPECT_EQ(0, s.bad);
	EXPECT_TRUE(s.complete) TH_LOG("no success within %d attempts", MAX_ATTEMPTS);
	EXPECT_LT(1, s.injected) TH_LOG("no fault point was reached");
	TH_LOG("munmap() failed by an injected fault %d times",
	       m.reg.munmap_failed);
	close(m.fd);
	/* the port went with the file: its name is free */
	m.reg.map = 1;
	EXPECT_EQ(0, open_register(&m.reg));
}

TEST_HARNESS_MAIN
