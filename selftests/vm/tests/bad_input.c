// SPDX-License-Identifier: GPL-2.0
/*
 * bad_input: garbage at every boundary of /dev/vale, with raw ioctls and
 * mmap (no libvale).  Each row expects the documented clean error or a
 * counted drop, and after every row the switch still forwards a good
 * packet from port a to port b.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vale.h>

/*
 * The harness's EXPECT_EQ(expected, seen) compares its operands as given;
 * literals against unsigned counters are intended here.
 */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

/* raw ports: vp_*(), mkframe(), MAC_*, all_rings */
#include "raw_port.h"

/* a broadcasts one good frame; b must get exactly it, a nothing. */
static int forwards(struct vp *a, struct vp *b)
{
	uint8_t f[60], g[2048];
	uint32_t tag;

	mkframe(f, MAC_BCAST, MAC(0xa), sizeof(f), 0x600d);
	if (vp_send(a, f, sizeof(f)))
		return 0;
	if (vp_recv(b, g, sizeof(g), NULL) != sizeof(f))
		return 0;
	memcpy(&tag, g + 14, 4);
	return tag == 0x600d && memcmp(f, g, sizeof(f)) == 0 &&
	       vp_drain(b) == 0 && vp_drain(a) == 0;
}

static int open_pair(struct vp *a, struct vp *b)
{
	return vp_open(a, "valeb:a", 0, 0) ?: vp_open(b, "valeb:b", 0, 0);
}

static int reg_errno(int fd, struct vale_register *r)
{
	return ioctl(fd, VALE_IOC_REGISTER, r) ? errno : 0;
}

/* ---- VALE_IOC_REGISTER arguments ---- */

#define NAME_UNTERMINATED	NULL
#define NAME_63 "vale0123456789012345678901234567890123456789012345678901234:p"

FIXTURE(reg) {
	struct vp a, b;
};

FIXTURE_VARIANT(reg) {
	const char *name;
	int zero_version;
	uint32_t version, flags, reserved;
	uint32_t tx, rx, slots, buf_size, extra;
	int err;
};

FIXTURE_VARIANT_ADD(reg, empty_name) {
	.name = "",
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, no_colon) {
	.name = "vale0",
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, switch_prefix_only) {
	.name = "vale:p",
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, wrong_prefix) {
	.name = "bale0:p",
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, prefix_case) {
	.name = "VALE0:p",
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, prefix_not_at_start) {
	.name = "xvale0:p",
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, empty_port) {
	.name = "vale0:",
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, only_colon) {
	.name = ":",
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, two_colons) {
	.name = "vale0:a:b",
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, control_char) {
	.name = "vale0:p\x01",
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, space) {
	.name = "vale0:p q",
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, slash) {
	.name = "vale0:p/q",
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, high_bit) {
	.name = "vale0:p\xff",
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, newline_in_switch) {
	.name = "vale\n:p",
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, unterminated) {
	.name = NAME_UNTERMINATED,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, longest_name_ok) {
	.name = NAME_63,
	.err = 0,
};

FIXTURE_VARIANT_ADD(reg, version_0) {
	.name = "valer:x",
	.zero_version = 1,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, version_2) {
	.name = "valer:x",
	.version = 2,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, version_huge) {
	.name = "valer:x",
	.version = 0xffffffff,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, flags_1) {
	.name = "valer:x",
	.flags = 1,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, flags_high) {
	.name = "valer:x",
	.flags = 0x80000000,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, reserved) {
	.name = "valer:x",
	.reserved = 1,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, slots_too_few) {
	.name = "valer:x",
	.slots = VALE_MIN_SLOTS - 1,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, slots_too_many) {
	.name = "valer:x",
	.slots = VALE_MAX_SLOTS + 1,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, slots_huge) {
	.name = "valer:x",
	.slots = 0xffffffff,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, slots_min_ok) {
	.name = "valer:x",
	.slots = VALE_MIN_SLOTS,
	.err = 0,
};

FIXTURE_VARIANT_ADD(reg, buf_too_small) {
	.name = "valer:x",
	.buf_size = 32,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, buf_not_64_multiple) {
	.name = "valer:x",
	.buf_size = 100,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, buf_too_big) {
	.name = "valer:x",
	.buf_size = VALE_MAX_BUF_SIZE + 64,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, buf_huge) {
	.name = "valer:x",
	.buf_size = 0xffffffc0,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, buf_min_ok) {
	.name = "valer:x",
	.buf_size = VALE_MIN_BUF_SIZE,
	.err = 0,
};

FIXTURE_VARIANT_ADD(reg, tx_rings_too_many) {
	.name = "valer:x",
	.tx = VALE_MAX_RINGS + 1,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, rx_rings_too_many) {
	.name = "valer:x",
	.rx = VALE_MAX_RINGS + 1,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, rings_huge) {
	.name = "valer:x",
	.tx = 0xffffffff,
	.rx = 0xffffffff,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, rings_max_ok) {
	.name = "valer:x",
	.tx = VALE_MAX_RINGS,
	.rx = VALE_MAX_RINGS,
	.slots = 64,
	.buf_size = 64,
	.err = 0,
};

FIXTURE_VARIANT_ADD(reg, extra_too_many) {
	.name = "valer:x",
	.extra = VALE_MAX_EXTRA_BUFS + 1,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, extra_max_ok) {
	.name = "valer:x",
	.extra = VALE_MAX_EXTRA_BUFS,
	.slots = 8,
	.buf_size = 64,
	.err = 0,
};

FIXTURE_VARIANT_ADD(reg, region_too_big) {
	.name = "valer:x",
	.tx = 16,
	.rx = 16,
	.slots = VALE_MAX_SLOTS,
	.buf_size = VALE_MAX_BUF_SIZE,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(reg, region_just_over_cap) {
	.name = "valer:x",
	.tx = 2,
	.rx = 2,
	.slots = VALE_MAX_SLOTS,
	.buf_size = VALE_MAX_BUF_SIZE,
	.err = EINVAL,
};

FIXTURE_SETUP(reg)
{
	ASSERT_EQ(0, open_pair(&self->a, &self->b));
}

FIXTURE_TEARDOWN(reg)
{
	vp_close(&self->a);
	vp_close(&self->b);
}

TEST_F(reg, row)
{
	struct vale_register r;
	int fd, err;
	void *m;

	fd = open("/dev/vale", O_RDWR);
	ASSERT_GE(fd, 0);
	memset(&r, 0, sizeof(r));
	if (variant->name)
		strcpy(r.name, variant->name);
	else
		memset(r.name, 'a', sizeof(r.name));
	r.version = variant->zero_version ? 0 :
		    variant->version ?: VALE_API_VERSION;
	r.flags = variant->flags;
	r.__reserved[3] = variant->reserved;
	r.num_tx_rings = variant->tx;
	r.num_rx_rings = variant->rx;
	r.num_slots = variant->slots;
	r.buf_size = variant->buf_size;
	r.extra_bufs = variant->extra;
	err = reg_errno(fd, &r);
	EXPECT_EQ(variant->err, err);
	if (!err) {
		EXPECT_NE(0, r.region_size);
		EXPECT_LE(r.region_size, VALE_MAX_REGION_SIZE);
		EXPECT_EQ(0, r.region_size % 4096);
		EXPECT_EQ((uint64_t)(r.num_tx_rings + r.num_rx_rings) *
			  r.num_slots + variant->extra, r.num_bufs);
		m = mmap(NULL, r.region_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, 0);
		ASSERT_NE(MAP_FAILED, m);
		EXPECT_EQ(VALE_INFO_MAGIC, ((struct vale_info *)m)->magic);
		EXPECT_EQ(r.num_bufs - variant->extra,
			  ((struct vale_info *)m)->first_extra_buf);
		munmap(m, r.region_size);
	} else {
		/* still unbound, and can be bound properly now */
		EXPECT_EQ(-1, ioctl(fd, VALE_IOC_TXSYNC, &all_rings));
		EXPECT_EQ(ENXIO, errno);
		memset(&r, 0, sizeof(r));
		r.version = VALE_API_VERSION;
		strcpy(r.name, "valer:ok");
		EXPECT_EQ(0, reg_errno(fd, &r));
	}
	close(fd);
	EXPECT_TRUE(forwards(&self->a, &self->b));
}

/* ---- files, mmap, ioctls ---- */

FIXTURE(port) {
	struct vp a, b;
};

FIXTURE_SETUP(port)
{
	ASSERT_EQ(0, open_pair(&self->a, &self->b));
}

FIXTURE_TEARDOWN(port)
{
	vp_close(&self->a);
	vp_close(&self->b);
}

TEST_F(port, register_twice_on_one_fd)
{
	struct vale_register r = self->a.reg;

	strcpy(r.name, "valeb:other");
	EXPECT_EQ(EBUSY, reg_errno(self->a.fd, &r));
	r = self->a.reg;
	EXPECT_EQ(EBUSY, reg_errno(self->a.fd, &r));
	EXPECT_TRUE(forwards(&self->a, &self->b));
}

TEST_F(port, port_name_in_use)
{
	struct vale_register r;
	int fd = open("/dev/vale", O_RDWR);

	ASSERT_GE(fd, 0);
	memset(&r, 0, sizeof(r));
	r.version = VALE_API_VERSION;
	strcpy(r.name, "valeb:b");
	EXPECT_EQ(EBUSY, reg_errno(fd, &r));
	/* same port name on another switch is another port */
	strcpy(r.name, "valec:b");
	EXPECT_EQ(0, reg_errno(fd, &r));
	close(fd);
	EXPECT_TRUE(forwards(&self->a, &self->b));
}

TEST_F(port, register_bad_pointer)
{
	int fd = open("/dev/vale", O_RDWR);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(-1, ioctl(fd, VALE_IOC_REGISTER, (void *)16));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->a.fd, VALE_IOC_GET_STATS, (void *)16));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->a.fd, VALE_IOC_TXSYNC, (void *)16));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->a.fd, VALE_IOC_RXSYNC, (void *)16));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->a.fd, VALE_IOC_TXSYNC, NULL));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
	EXPECT_TRUE(forwards(&self->a, &self->b));
}

/*
 * The answer of VALE_IOC_REGISTER cannot be copied back (the argument is
 * on a read-only page): the port was already attached, so the error path
 * must detach it again.  Afterwards the name is free, on an existing
 * switch (join) as on a switch the register created.
 */
TEST_F(port, register_efault_on_answer_frees_name)
{
	static const char *const names[] = { "valeb:ro", "valeq:ro" };
	struct vale_register *ro, r;
	unsigned int i;
	int fd;

	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		fd = open("/dev/vale", O_RDWR);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, mprotect(ro, 4096, PROT_READ | PROT_WRITE));
		memset(ro, 0, sizeof(*ro));
		ro->version = VALE_API_VERSION;
		strcpy(ro->name, names[i]);
		ASSERT_EQ(0, mprotect(ro, 4096, PROT_READ));
		EXPECT_EQ(EFAULT, reg_errno(fd, ro)) TH_LOG("%s", names[i]);
		/* the file is still unbound */
		EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED,
					   fd, 0));
		EXPECT_EQ(ENXIO, errno);
		/* nothing holds the name: the same fd registers it */
		memset(&r, 0, sizeof(r));
		r.version = VALE_API_VERSION;
		strcpy(r.name, names[i]);
		EXPECT_EQ(0, reg_errno(fd, &r)) TH_LOG("%s", names[i]);
		close(fd);
	}
	munmap(ro, 4096);
	EXPECT_TRUE(forwards(&self->a, &self->b));
}

/*
 * A mapping holds the file, hence the port: after close() the port and its
 * name stay until munmap() (so an unchecked munmap() that failed leaves
 * the name taken); a failed mmap() holds nothing.
 */
TEST_F(port, mapping_keeps_port_after_close)
{
	struct vale_register r, r0;
	size_t size;
	void *m;
	int fd;

	memset(&r0, 0, sizeof(r0));
	r0.version = VALE_API_VERSION;
	strcpy(r0.name, "valeb:m");

	fd = open("/dev/vale", O_RDWR);
	ASSERT_GE(fd, 0);
	r = r0;
	ASSERT_EQ(0, reg_errno(fd, &r));
	size = r.region_size;
	/* a failed mmap() takes no reference */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, size + 4096, PROT_READ | PROT_WRITE,
				   MAP_SHARED, fd, 0));
	close(fd);
	fd = open("/dev/vale", O_RDWR);
	ASSERT_GE(fd, 0);
	r = r0;
	EXPECT_EQ(0, reg_errno(fd, &r));

	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, m);
	close(fd);
	fd = open("/dev/vale", O_RDWR);
	ASSERT_GE(fd, 0);
	r = r0;
	EXPECT_EQ(EBUSY, reg_errno(fd, &r));
	/* the mapping is the last reference: munmap() releases the port */
	EXPECT_EQ(0, munmap(m, size));
	r = r0;
	EXPECT_EQ(0, reg_errno(fd, &r));
	close(fd);
	EXPECT_TRUE(forwards(&self->a, &self->b));
}

TEST_F(port, unbound_fd)
{
	struct vale_port_stats st;
	struct pollfd pfd;
	int fd = open("/dev/vale", O_RDWR);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(-1, ioctl(fd, VALE_IOC_TXSYNC, &all_rings));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, ioctl(fd, VALE_IOC_RXSYNC, &all_rings));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, ioctl(fd, VALE_IOC_GET_STATS, &st));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0));
	EXPECT_EQ(ENXIO, errno);
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN | POLLOUT };
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLERR, pfd.revents);
	EXPECT_EQ(-1, ioctl(fd, _IO(VALE_IOC_MAGIC, 99)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->a.fd, _IO(VALE_IOC_MAGIC, 99)));
	EXPECT_EQ(ENOTTY, errno);
	close(fd);
	EXPECT_TRUE(forwards(&self->a, &self->b));
}

TEST_F(port, mmap_wrong_size_or_offset)
{
	uint64_t size = self->a.reg.region_size;
	struct {
		uint64_t len;
		off_t off;
		int flags;
	} rows[] = {
		{ 4096, 0, MAP_SHARED },
		{ size - 4096, 0, MAP_SHARED },
		{ size + 4096, 0, MAP_SHARED },
		{ size, 4096, MAP_SHARED },
		{ size - 4096, 4096, MAP_SHARED },
		{ size, (off_t)1 << 40, MAP_SHARED },
		{ size, 0, MAP_PRIVATE },
	};
	unsigned int i;
	void *m;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		m = mmap(NULL, rows[i].len, PROT_READ | PROT_WRITE,
			 rows[i].flags, self->a.fd, rows[i].off);
		EXPECT_EQ(MAP_FAILED, m) TH_LOG("row %u", i);
		EXPECT_EQ(EINVAL, errno) TH_LOG("row %u", i);
		if (m != MAP_FAILED)
			munmap(m, rows[i].len);
	}
	/* a second full mapping sees the same memory */
	m = mmap(NULL, size, PROT_READ, MAP_SHARED, self->a.fd, 0);
	ASSERT_NE(MAP_FAILED, m);
	EXPECT_EQ(0, memcmp(m, self->a.mem, 4096));
	munmap(m, size);
	EXPECT_TRUE(forwards(&self->a, &self->b));
}

/* tx: (head, cur) pairs relative to the kernel's hwcur == H */
TEST_F(port, txsync_bad_indices)
{
	struct vale_ring *r = vp_tx(&self->a);
	uint32_t n = r->num_slots, H, tail, i;
	uint8_t f[60];
	struct {
		int64_t head, cur;	/* < 0: -value is an absolute index */
	} rows[] = {
		{ -(int64_t)n, 0 },		/* head beyond the ring */
		{ -0xffffffffLL, 0 },
		{ 0, -(int64_t)n },		/* cur beyond the ring */
		{ 0, -0x80000000LL },
		{ 5, 2 },			/* cur behind head */
		{ 1, 0 },
		{ 3, -1 },			/* cur at tail + 1 (== H) */
	};

	/* move the ring off zero first */
	mkframe(f, MAC_BCAST, MAC(0xa), sizeof(f), 1);
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, vp_send(&self->a, f, sizeof(f)));
	vp_drain(&self->b);
	H = r->head;
	tail = r->tail;
	ASSERT_EQ((H + n - 1) % n, tail);

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct pollfd pfd;
		uint32_t head, cur;

		head = rows[i].head < 0 ? -rows[i].head :
		       (H + rows[i].head) % n;
		cur = rows[i].cur == -1 ? H :
		      rows[i].cur < 0 ? -rows[i].cur : (H + rows[i].cur) % n;
		r->head = head;
		r->cur = cur;
		EXPECT_EQ(-1, ioctl(self->a.fd, VALE_IOC_TXSYNC, &all_rings))
			TH_LOG("row %u head %u cur %u", i, head, cur);
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(tail, r->tail) TH_LOG("row %u", i);
		/* nothing was forwarded */
		EXPECT_EQ(0, vp_drain(&self->b));
		EXPECT_EQ(10, vp_stats(&self->a).tx_packets);
		/* poll reports the error too */
		pfd = (struct pollfd){ .fd = self->a.fd, .events = POLLOUT };
		EXPECT_EQ(1, poll(&pfd, 1, 0));
		EXPECT_TRUE(pfd.revents & POLLERR);
		set_head(r, H);
	}
	EXPECT_EQ(0, ioctl(self->a.fd, VALE_IOC_TXSYNC, &all_rings));
	EXPECT_TRUE(forwards(&self->a, &self->b));
}

/* rx: b holds packets [1, 3) after consuming one: hwcur 1, tail 3 */
TEST_F(port, rxsync_bad_indices)
{
	struct vale_ring *r = vp_rx(&self->b);
	uint32_t n = r->num_slots, i;
	uint8_t f[60];
	struct {
		uint32_t head, cur;
	} rows[] = {
		{ 4, 4 },		/* head beyond tail */
		{ 0, 0 },		/* head moved backwards */
		{ n - 1, n - 1 },	/* backwards, wrapping */
		{ 1, 0 },		/* cur behind head */
		{ 1, 4 },		/* cur beyond tail */
		{ n, 1 },		/* head outside the ring */
		{ 1, n },		/* cur outside the ring */
		{ 0xffffffff, 0xffffffff },
	};

	mkframe(f, MAC_BCAST, MAC(0xa), sizeof(f), 1);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, vp_send(&self->a, f, sizeof(f)));
	ASSERT_EQ(3, r->tail);
	set_head(r, 1);
	ASSERT_EQ(0, ioctl(self->b.fd, VALE_IOC_RXSYNC, &all_rings));

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		r->head = rows[i].head;
		r->cur = rows[i].cur;
		r->tail = 12345;	/* clobbered: the kernel restores it */
		EXPECT_EQ(-1, ioctl(self->b.fd, VALE_IOC_RXSYNC, &all_rings))
			TH_LOG("row %u", i);
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(3, r->tail) TH_LOG("row %u", i);
		set_head(r, 1);
		EXPECT_EQ(0, ioctl(self->b.fd, VALE_IOC_RXSYNC, &all_rings));
	}
	/* the good state still works: cur at tail, head behind */
	r->cur = 3;
	EXPECT_EQ(0, ioctl(self->b.fd, VALE_IOC_RXSYNC, &all_rings));
	set_head(r, 3);
	EXPECT_EQ(0, ioctl(self->b.fd, VALE_IOC_RXSYNC, &all_rings));
	EXPECT_TRUE(forwards(&self->a, &self->b));
}

/* ---- the ring index argument of VALE_IOC_TXSYNC / VALE_IOC_RXSYNC ---- */

/*
 * Port c on a's switch has `rings` tx and rx rings.  tx rows: one broadcast
 * frame is queued on every tx ring of c, then one sync with `idx`; b must
 * receive one frame per synced ring.  rx rows: every rx ring's tail is
 * clobbered, then one sync with `idx`; the kernel rewrites the tail of the
 * synced rings only.  `synced` is the bit mask of rings the sync must
 * touch; an index out of range touches none.
 */
FIXTURE(ringidx) {
	struct vp a, b, c;
};

FIXTURE_VARIANT(ringidx) {
	int rx;			/* VALE_IOC_RXSYNC, else VALE_IOC_TXSYNC */
	uint32_t rings;
	uint32_t idx;
	int err;
	uint32_t synced;
};

#define RINGIDX_ROWS(dir, isrx)						\
FIXTURE_VARIANT_ADD(ringidx, dir##_ring0_of_1) {			\
	.rx = isrx, .rings = 1, .idx = 0, .err = 0, .synced = 0x1,	\
};									\
FIXTURE_VARIANT_ADD(ringidx, dir##_all_of_1) {				\
	.rx = isrx, .rings = 1, .idx = VALE_SYNC_ALL_RINGS, .err = 0,	\
	.synced = 0x1,							\
};									\
FIXTURE_VARIANT_ADD(ringidx, dir##_ring1_of_1) {			\
	.rx = isrx, .rings = 1, .idx = 1, .err = EINVAL,		\
};									\
FIXTURE_VARIANT_ADD(ringidx, dir##_ring_max_rings) {			\
	.rx = isrx, .rings = 1, .idx = VALE_MAX_RINGS, .err = EINVAL,	\
};									\
FIXTURE_VARIANT_ADD(ringidx, dir##_ring_high_bit) {			\
	.rx = isrx, .rings = 1, .idx = 0x80000000, .err = EINVAL,	\
};									\
FIXTURE_VARIANT_ADD(ringidx, dir##_ring_all_minus_1) {			\
	.rx = isrx, .rings = 1, .idx = 0xfffffffe, .err = EINVAL,	\
};									\
FIXTURE_VARIANT_ADD(ringidx, dir##_ring3_of_4) {			\
	.rx = isrx, .rings = 4, .idx = 3, .err = 0, .synced = 0x8,	\
};									\
FIXTURE_VARIANT_ADD(ringidx, dir##_ring0_of_4) {			\
	.rx = isrx, .rings = 4, .idx = 0, .err = 0, .synced = 0x1,	\
};									\
FIXTURE_VARIANT_ADD(ringidx, dir##_all_of_4) {				\
	.rx = isrx, .rings = 4, .idx = VALE_SYNC_ALL_RINGS, .err = 0,	\
	.synced = 0xf,							\
};									\
FIXTURE_VARIANT_ADD(ringidx, dir##_ring4_of_4) {			\
	.rx = isrx, .rings = 4, .idx = 4, .err = EINVAL,		\
}

RINGIDX_ROWS(tx, 0);
RINGIDX_ROWS(rx, 1);

static struct vale_ring *vp_ring(struct vp *p, int rx, uint32_t i)
{
	return (struct vale_ring *)(p->mem + (rx ? p->reg.off.rx_ring :
					      p->reg.off.tx_ring) +
				    i * p->reg.off.ring_stride);
}

FIXTURE_SETUP(ringidx)
{
	struct vp *c = &self->c;

	ASSERT_EQ(0, open_pair(&self->a, &self->b));
	memset(c, 0, sizeof(*c));
	c->fd = open("/dev/vale", O_RDWR);
	ASSERT_GE(c->fd, 0);
	c->reg.version = VALE_API_VERSION;
	strcpy(c->reg.name, "valeb:c");
	c->reg.num_tx_rings = variant->rings;
	c->reg.num_rx_rings = variant->rings;
	ASSERT_EQ(0, reg_errno(c->fd, &c->reg));
	ASSERT_EQ(sizeof(struct vale_slot), c->reg.off.slot_size);
	c->mem = mmap(NULL, c->reg.region_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED, c->fd, 0);
	ASSERT_NE(MAP_FAILED, c->mem);
}

FIXTURE_TEARDOWN(ringidx)
{
	vp_close(&self->c);
	vp_close(&self->a);
	vp_close(&self->b);
}

TEST_F(ringidx, row)
{
	struct vp *c = &self->c;
	uint32_t i, n = variant->rings, idx = variant->idx;
	unsigned long cmd = variant->rx ? VALE_IOC_RXSYNC : VALE_IOC_TXSYNC;
	uint8_t f[60];
	int ret;

	for (i = 0; i < n; i++) {
		struct vale_ring *r = vp_ring(c, variant->rx, i);

		if (variant->rx) {
			r->tail = 12345;
		} else {
			struct vale_slot *s = &r->slot[r->head];

			mkframe(vp_buf(c, s->buf_idx), MAC_BCAST, MAC(0xc),
				sizeof(f), i);
			s->len = sizeof(f);
			s->flags = 0;
			set_head(r, nxt(r, r->head));
		}
	}
	ret = ioctl(c->fd, cmd, &idx);
	EXPECT_EQ(variant->err ? -1 : 0, ret);
	if (variant->err)
		EXPECT_EQ(variant->err, errno);
	if (variant->rx) {
		for (i = 0; i < n; i++)
			EXPECT_EQ(variant->synced & (1u << i) ? 0 : 12345,
				  vp_ring(c, 1, i)->tail) TH_LOG("ring %u", i);
	} else {
		EXPECT_EQ(__builtin_popcount(variant->synced),
			  vp_drain(&self->b));
		EXPECT_EQ(__builtin_popcount(variant->synced),
			  vp_stats(c).tx_packets);
	}
	/* every ring still works: sync them all, drain, forward */
	EXPECT_EQ(0, ioctl(c->fd, VALE_IOC_TXSYNC, &all_rings));
	EXPECT_EQ(0, ioctl(c->fd, VALE_IOC_RXSYNC, &all_rings));
	for (i = 0; i < n; i++) {
		struct vale_ring *t = vp_ring(c, 0, i);

		EXPECT_EQ((t->head + t->num_slots - 1) % t->num_slots,
			  t->tail) TH_LOG("tx ring %u", i);
		EXPECT_EQ(0, vp_ring(c, 1, i)->tail) TH_LOG("rx ring %u", i);
	}
	EXPECT_EQ(variant->rx ? 0 : n - __builtin_popcount(variant->synced),
		  vp_drain(&self->b));
	vp_drain(&self->a);
	EXPECT_TRUE(forwards(&self->a, &self->b));
}

/* The receiver corrupts the buf_idx of an rx slot the kernel owns. */
TEST_F(port, rx_slot_bad_buf_idx)
{
	struct vale_ring *r = vp_rx(&self->b);
	uint32_t t = r->tail, saved = r->slot[t].buf_idx;
	uint8_t f[60];

	r->slot[t].buf_idx = self->b.reg.num_bufs;
	mkframe(f, MAC_BCAST, MAC(0xa), sizeof(f), 1);
	ASSERT_EQ(0, vp_send(&self->a, f, sizeof(f)));
	ASSERT_EQ(0, ioctl(self->b.fd, VALE_IOC_RXSYNC, &all_rings));
	EXPECT_EQ(t + 1, r->tail);
	EXPECT_EQ(0, r->slot[t].len);
	EXPECT_EQ(1, vp_stats(&self->b).drop_bad_slot);
	r->slot[t].buf_idx = saved;
	set_head(r, t + 1);
	EXPECT_TRUE(forwards(&self->a, &self->b));
}

/* ---- tx slots ---- */

#define BI_NUM_BUFS	0xfffffff0	/* replaced by num_bufs */
#define BI_KEEP		0xfffffff1	/* keep the slot's buffer */
#define LEN_OVER	0xfff0		/* replaced by buf_size + 1 */

enum counter { C_BAD_SLOT, C_BAD_FRAG, C_NONE };

FIXTURE(slot) {
	struct vp a, b;
};

FIXTURE_VARIANT(slot) {
	uint32_t buf_idx;
	uint16_t len;
	uint16_t flags;
	int nslots;		/* slots in the chain (default 1) */
	uint16_t last_flags;	/* flags of the last slot of a chain */
	uint16_t mid_len;	/* len of the middle slot (0: 60) */
	enum counter counter;
};

FIXTURE_VARIANT_ADD(slot, buf_idx_num_bufs) {
	.len = 60,
	.nslots = 1,
	.buf_idx = BI_NUM_BUFS,
	.counter = C_BAD_SLOT,
};

FIXTURE_VARIANT_ADD(slot, buf_idx_max) {
	.len = 60,
	.nslots = 1,
	.buf_idx = 0xffffffff,
	.counter = C_BAD_SLOT,
};

FIXTURE_VARIANT_ADD(slot, buf_idx_far) {
	.len = 60,
	.nslots = 1,
	.buf_idx = 0x40000000,
	.counter = C_BAD_SLOT,
};

FIXTURE_VARIANT_ADD(slot, len_zero) {
	.buf_idx = BI_KEEP,
	.nslots = 1,
	.len = 0,
	.counter = C_BAD_SLOT,
};

FIXTURE_VARIANT_ADD(slot, len_over_buf) {
	.buf_idx = BI_KEEP,
	.nslots = 1,
	.len = LEN_OVER,
	.counter = C_BAD_SLOT,
};

FIXTURE_VARIANT_ADD(slot, len_max) {
	.buf_idx = BI_KEEP,
	.nslots = 1,
	.len = 0xffff,
	.counter = C_BAD_SLOT,
};

FIXTURE_VARIANT_ADD(slot, flags_unknown_bit) {
	.buf_idx = BI_KEEP,
	.len = 60,
	.nslots = 1,
	.flags = 0x0004,
	.counter = C_BAD_SLOT,
};

FIXTURE_VARIANT_ADD(slot, flags_high) {
	.buf_idx = BI_KEEP,
	.len = 60,
	.nslots = 1,
	.flags = 0x8000,
	.counter = C_BAD_SLOT,
};

FIXTURE_VARIANT_ADD(slot, flags_all) {
	.buf_idx = BI_KEEP,
	.len = 60,
	.nslots = 1,
	.flags = 0xffff,
	.counter = C_BAD_SLOT,
};

FIXTURE_VARIANT_ADD(slot, buf_changed_is_fine) {
	.buf_idx = BI_KEEP,
	.len = 60,
	.nslots = 1,
	.flags = VALE_SLOT_BUF_CHANGED,
	.counter = C_NONE,
};

FIXTURE_VARIANT_ADD(slot, chain_unterminated) {
	.buf_idx = BI_KEEP,
	.len = 60,
	.flags = VALE_SLOT_MOREFRAG,
	.nslots = 3,
	.last_flags = VALE_SLOT_MOREFRAG,
	.counter = C_BAD_FRAG,
};

FIXTURE_VARIANT_ADD(slot, chain_max_frags_ok) {
	.buf_idx = BI_KEEP,
	.len = 60,
	.flags = VALE_SLOT_MOREFRAG,
	.nslots = VALE_MAX_FRAGS,
	.counter = C_NONE,
};

FIXTURE_VARIANT_ADD(slot, chain_too_many_frags) {
	.buf_idx = BI_KEEP,
	.len = 60,
	.flags = VALE_SLOT_MOREFRAG,
	.nslots = VALE_MAX_FRAGS + 1,
	.counter = C_BAD_FRAG,
};

FIXTURE_VARIANT_ADD(slot, chain_too_many_bytes) {
	.buf_idx = BI_KEEP,
	.flags = VALE_SLOT_MOREFRAG,
	.len = 2048,
	.nslots = VALE_MAX_PKT_LEN / 2048 + 1,
	.counter = C_BAD_FRAG,
};

FIXTURE_VARIANT_ADD(slot, chain_bad_middle_len) {
	.buf_idx = BI_KEEP,
	.len = 60,
	.flags = VALE_SLOT_MOREFRAG,
	.nslots = 3,
	.mid_len = LEN_OVER,
	.counter = C_BAD_SLOT,
};

FIXTURE_VARIANT_ADD(slot, chain_bad_middle_idx) {
	.len = 60,
	.flags = VALE_SLOT_MOREFRAG,
	.nslots = 3,
	.buf_idx = BI_NUM_BUFS,
	.counter = C_BAD_SLOT,
};

FIXTURE_SETUP(slot)
{
	ASSERT_EQ(0, open_pair(&self->a, &self->b));
}

FIXTURE_TEARDOWN(slot)
{
	vp_close(&self->a);
	vp_close(&self->b);
}

TEST_F(slot, row)
{
	struct vale_ring *r = vp_tx(&self->a);
	uint32_t h = r->head, bs = self->a.reg.buf_size;
	struct vale_port_stats st;
	uint8_t f[60], g[70000];
	int i, n = variant->nslots;

	/* the row's packet: a chain of n slots, the garbage in it */
	for (i = 0; i < n; i++) {
		struct vale_slot *s = &r->slot[h];
		uint32_t len = variant->len;

		if (n > 1 && i == n / 2 && variant->mid_len)
			len = variant->mid_len;
		mkframe(vp_buf(&self->a, s->buf_idx), MAC_BCAST, MAC(0xa),
			60, 0xbad);
		if (variant->buf_idx == BI_NUM_BUFS && (n == 1 || i == n / 2))
			s->buf_idx = self->a.reg.num_bufs;
		else if (variant->buf_idx != BI_KEEP)
			s->buf_idx = variant->buf_idx;
		s->len = len == LEN_OVER ? bs + 1 : len;
		s->flags = i < n - 1 ? variant->flags :
			   n > 1 ? variant->last_flags : variant->flags;
		h = nxt(r, h);
	}
	set_head(r, h);
	/* an unterminated chain must end the sync: no good packet after it */
	if (variant->last_flags & VALE_SLOT_MOREFRAG) {
		ASSERT_EQ(0, vp_txsync(&self->a));
	} else {
		mkframe(f, MAC_BCAST, MAC(0xa), sizeof(f), 0x600d);
		ASSERT_EQ(0, vp_queue(&self->a, f, sizeof(f)));
		ASSERT_EQ(0, vp_txsync(&self->a));
	}

	st = vp_stats(&self->a);
	EXPECT_EQ(variant->counter == C_BAD_SLOT, st.drop_bad_slot);
	EXPECT_EQ(variant->counter == C_BAD_FRAG, st.drop_bad_frag);
	if (variant->counter == C_NONE) {
		/* the row's packet is valid and delivered first */
		EXPECT_EQ(60 * n, vp_recv(&self->b, g, sizeof(g), NULL));
		EXPECT_EQ(2, st.tx_packets);
	} else {
		EXPECT_EQ(variant->last_flags ? 0 : 1, st.tx_packets);
	}
	if (!(variant->last_flags & VALE_SLOT_MOREFRAG)) {
		uint32_t tag;

		EXPECT_EQ(sizeof(f), vp_recv(&self->b, g, sizeof(g), NULL));
		memcpy(&tag, g + 14, 4);
		EXPECT_EQ(0x600d, tag);
	}
	EXPECT_EQ(0, vp_drain(&self->b));
	/* every slot came back to the user */
	EXPECT_EQ((r->head + r->num_slots - 1) % r->num_slots, r->tail);
	EXPECT_TRUE(forwards(&self->a, &self->b));
}

TEST_HARNESS_MAIN
