// SPDX-License-Identifier: GPL-2.0
// tier0-sources: kmod/param.c
/*
 * Tier 0: kmod/param.c in user space: port name parsing and the region
 * layout computed from a register request.
 */
#include <string.h>

#include "param.h"

/* EXPECT_EQ(literal, unsigned) is intended throughout. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

static const struct {
	const char *name;
	const char *sw, *port;	/* NULL: -EINVAL */
} names[] = {
	{ "vale0:p", "vale0", "p" },
	{ "valeA.b-c_d:x.y-z_1", "valeA.b-c_d", "x.y-z_1" },
	{ "vale:p", NULL, NULL },
	{ "vale0:", NULL, NULL },
	{ "vale0", NULL, NULL },
	{ "", NULL, NULL },
	{ ":", NULL, NULL },
	{ "bale0:p", NULL, NULL },
	{ "Vale0:p", NULL, NULL },
	{ "vale0:a:b", NULL, NULL },
	{ "vale0::", NULL, NULL },
	{ "vale0:p q", NULL, NULL },
	{ "vale0:p\t", NULL, NULL },
	{ "vale0:\x7f", NULL, NULL },
	{ "vale\x80:p", NULL, NULL },
	{ "vale0/x:p", NULL, NULL },
};

TEST(name_rows)
{
	char sw[VALE_NAME_MAX], port[VALE_NAME_MAX], in[VALE_NAME_MAX];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		int err;

		memset(in, 0, sizeof(in));
		strcpy(in, names[i].name);
		err = vale_name_parse(in, sw, port);
		EXPECT_EQ(names[i].sw ? 0 : -EINVAL, err)
			TH_LOG("row %u: \"%s\"", i, names[i].name);
		if (!err && names[i].sw) {
			EXPECT_STREQ(names[i].sw, sw);
			EXPECT_STREQ(names[i].port, port);
		}
	}
}

TEST(name_length)
{
	char sw[VALE_NAME_MAX], port[VALE_NAME_MAX], in[VALE_NAME_MAX];

	/* 63 characters and the NUL: the longest name */
	memset(in, 'x', sizeof(in));
	memcpy(in, "vale0:", 6);
	in[VALE_NAME_MAX - 1] = '\0';
	EXPECT_EQ(0, vale_name_parse(in, sw, port));
	EXPECT_EQ(VALE_NAME_MAX - 7, strlen(port));
	/* no NUL in the array: never a truncated match */
	in[VALE_NAME_MAX - 1] = 'x';
	EXPECT_EQ(-EINVAL, vale_name_parse(in, sw, port));
	/* bytes after the NUL do not matter */
	memset(in, 0xff, sizeof(in));
	strcpy(in, "vale1:q");
	EXPECT_EQ(0, vale_name_parse(in, sw, port));
	EXPECT_STREQ("q", port);
}

static struct vale_register req(u32 tx, u32 rx, u32 slots, u32 bs, u32 extra)
{
	struct vale_register r;

	memset(&r, 0, sizeof(r));
	r.version = VALE_API_VERSION;
	r.num_tx_rings = tx;
	r.num_rx_rings = rx;
	r.num_slots = slots;
	r.buf_size = bs;
	r.extra_bufs = extra;
	return r;
}

TEST(layout_defaults)
{
	struct vale_register r = req(0, 0, 0, 0, 0);
	struct vale_layout l;
	u64 stride;

	ASSERT_EQ(0, vale_layout_compute(&r, &l));
	EXPECT_EQ(1, l.num_tx_rings);
	EXPECT_EQ(1, l.num_rx_rings);
	EXPECT_EQ(VALE_DEF_SLOTS, l.num_slots);
	EXPECT_EQ(VALE_DEF_BUF_SIZE, l.buf_size);
	EXPECT_EQ(2 * VALE_DEF_SLOTS, l.num_bufs);
	EXPECT_EQ(l.num_bufs, l.first_extra_buf);
	stride = sizeof(struct vale_ring) + VALE_DEF_SLOTS * 8;
	EXPECT_EQ(stride, l.off.ring_stride);
	EXPECT_EQ(0, l.off.info);
	EXPECT_GE(l.off.tx_ring, sizeof(struct vale_info));
	EXPECT_EQ(l.off.tx_ring + stride, l.off.rx_ring);
	EXPECT_GE(l.off.bufs, l.off.rx_ring + stride);
	EXPECT_EQ(0, l.off.bufs % 4096);
	EXPECT_EQ(l.off.bufs + 2048ULL * 2048, l.region_size);
	EXPECT_EQ(192, l.off.ring.slots);
	EXPECT_EQ(64, l.off.ring.tail);
}

TEST(layout_limits)
{
	struct vale_register r;
	struct vale_layout l;

	r = req(16, 16, 16384, 64, 65536);
	ASSERT_EQ(0, vale_layout_compute(&r, &l));
	EXPECT_EQ(32 * 16384 + 65536, l.num_bufs);
	EXPECT_EQ(32 * 16384, l.first_extra_buf);
	EXPECT_EQ(0, l.off.ring_stride % 64);
	EXPECT_LE(l.region_size, VALE_MAX_REGION_SIZE);

	/* just below and above the region cap */
	r = req(1, 1, 16384, 16384, 0);
	EXPECT_EQ(0, vale_layout_compute(&r, &l));
	r = req(2, 2, 16384, 16384, 0);
	EXPECT_EQ(-EINVAL, vale_layout_compute(&r, &l));
	r = req(16, 16, 16384, 16384, 65536);
	EXPECT_EQ(-EINVAL, vale_layout_compute(&r, &l));
}

TEST(layout_rejects)
{
	struct vale_register r;
	struct vale_layout l;

	r = req(17, 1, 0, 0, 0);
	EXPECT_EQ(-EINVAL, vale_layout_compute(&r, &l));
	r = req(1, 17, 0, 0, 0);
	EXPECT_EQ(-EINVAL, vale_layout_compute(&r, &l));
	r = req(0, 0, 7, 0, 0);
	EXPECT_EQ(-EINVAL, vale_layout_compute(&r, &l));
	r = req(0, 0, 16385, 0, 0);
	EXPECT_EQ(-EINVAL, vale_layout_compute(&r, &l));
	r = req(0, 0, 0, 96, 0);
	EXPECT_EQ(-EINVAL, vale_layout_compute(&r, &l));
	r = req(0, 0, 0, 16448, 0);
	EXPECT_EQ(-EINVAL, vale_layout_compute(&r, &l));
	r = req(0, 0, 0, 0, 65537);
	EXPECT_EQ(-EINVAL, vale_layout_compute(&r, &l));
	r = req(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff);
	EXPECT_EQ(-EINVAL, vale_layout_compute(&r, &l));
	r = req(0, 0, 0, 0, 0);
	r.version = 2;
	EXPECT_EQ(-EINVAL, vale_layout_compute(&r, &l));
	r = req(0, 0, 0, 0, 0);
	r.flags = 1;
	EXPECT_EQ(-EINVAL, vale_layout_compute(&r, &l));
	r = req(0, 0, 0, 0, 0);
	r.__reserved[2] = 1;
	EXPECT_EQ(-EINVAL, vale_layout_compute(&r, &l));
	/* output fields are ignored on input */
	r = req(0, 0, 0, 0, 0);
	r.num_bufs = 5;
	r.region_size = 7;
	EXPECT_EQ(0, vale_layout_compute(&r, &l));
}

TEST_HARNESS_MAIN
