// SPDX-License-Identifier: GPL-2.0
// tier0-sources: guest-driver/vmpi_ctl.c
/*
 * Tier 0: the VMPI control protocol's codec (guest-driver/vmpi_ctl.c, the
 * one the guest driver and the host compile).  Every message type made
 * and read back; then a table of malformed messages, each starting from
 * a good one and breaking one rule, with the error the decoder must give;
 * then what the encoder refuses to send.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "../../guest-driver/vmpi_ctl.h"

/* EXPECT_EQ(literal, unsigned) is intended throughout. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define HDR	sizeof(struct vmpi_ctl_hdr)

static struct vmpi_ctl good(__u16 type)
{
	struct vmpi_ctl m = { .type = type, .seq = 77 };

	switch (type) {
	case VMPI_CTL_HELLO:
		m.min_version = 1;
		m.max_version = 3;
		break;
	case VMPI_CTL_REGISTER:
	case VMPI_CTL_UNREGISTER:
		strcpy(m.name, "echo.service");
		break;
	case VMPI_CTL_ALLOC:
		strcpy(m.name, "vm1/echo");
		strcpy(m.src, "host:client-7");
		m.flow = 5;
		m.channel = 0;
		break;
	case VMPI_CTL_ALLOC_RESP:
		m.flow = 5;
		m.channel = 3;
		break;
	case VMPI_CTL_DEALLOC:
		m.flow = 5;
		m.channel = 3;
		break;
	case VMPI_CTL_RESULT:
		m.err = -EEXIST;
		break;
	}
	return m;
}

TEST(every_type_round_trips)
{
	unsigned char buf[VMPI_CTL_MSG_MAX], again[VMPI_CTL_MSG_MAX];
	struct vmpi_ctl m, d;
	__u16 t;
	int n;

	for (t = VMPI_CTL_HELLO; t < VMPI_CTL_NTYPES; t++) {
		m = good(t);
		n = vmpi_ctl_encode(&m, buf, sizeof(buf));
		ASSERT_GT(n, 0) TH_LOG("type %u: %d", t, n);
		ASSERT_EQ(0, vmpi_ctl_decode(buf, n, &d)) TH_LOG("type %u", t);
		EXPECT_EQ(t, d.type);
		EXPECT_EQ(77, d.seq);
		EXPECT_EQ(m.err, d.err);
		EXPECT_EQ(m.flow, d.flow);
		EXPECT_EQ(m.channel, d.channel);
		EXPECT_EQ(m.min_version, d.min_version);
		EXPECT_EQ(m.max_version, d.max_version);
		EXPECT_STREQ(m.name, d.name);
		EXPECT_STREQ(m.src, d.src);
		/* Canonical: what was read encodes to the same bytes. */
		EXPECT_EQ(n, vmpi_ctl_encode(&d, again, sizeof(again)));
		EXPECT_EQ(0, memcmp(buf, again, n));
	}
}

TEST(sizes_are_fixed)
{
	static const struct {
		__u16 type;
		__u32 len;
	} c[] = {
		{ VMPI_CTL_HELLO, HDR + 8 },
		{ VMPI_CTL_REGISTER, HDR + 68 },
		{ VMPI_CTL_UNREGISTER, HDR + 68 },
		{ VMPI_CTL_ALLOC, HDR + 144 },
		{ VMPI_CTL_ALLOC_RESP, HDR + 16 },
		{ VMPI_CTL_DEALLOC, HDR + 8 },
		{ VMPI_CTL_RESULT, HDR + 8 },
		{ VMPI_CTL_KEEPALIVE, HDR },
		{ VMPI_CTL_KEEPALIVE_ACK, HDR },
	};
	unsigned char buf[VMPI_CTL_MSG_MAX];
	struct vmpi_ctl m;
	size_t i;

	EXPECT_EQ(16, HDR);
	EXPECT_EQ(HDR + 144, VMPI_CTL_MSG_MAX);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		m = good(c[i].type);
		EXPECT_EQ(c[i].len, vmpi_ctl_encode(&m, buf, sizeof(buf)))
			TH_LOG("type %u", c[i].type);
		/* One byte short of room: nothing written, -EMSGSIZE. */
		EXPECT_EQ(-EMSGSIZE, vmpi_ctl_encode(&m, buf, c[i].len - 1));
	}
}

/* Offsets into a message, for the table below. */
#define H(f)		offsetof(struct vmpi_ctl_hdr, f)
#define B(s, f)		(HDR + offsetof(struct s, f))
#define ALLOC_DST(f)	(HDR + offsetof(struct vmpi_ctl_alloc, dst) + \
			 offsetof(struct vmpi_ctl_name, f))
#define ALLOC_SRC(f)	(HDR + offsetof(struct vmpi_ctl_alloc, src) + \
			 offsetof(struct vmpi_ctl_name, f))

enum how { SET8, SET16, SET32, CUT, GROW };

static const struct {
	const char *what;
	__u16 type;		/* the good message it starts from */
	enum how how;
	__u32 off;		/* SET*: where; CUT/GROW: by how many bytes */
	__u32 val;
	int want;
} bad[] = {
	{ "empty", VMPI_CTL_KEEPALIVE, CUT, HDR, 0, -EBADMSG },
	{ "half a header", VMPI_CTL_KEEPALIVE, CUT, 8, 0, -EBADMSG },
	{ "version 0", VMPI_CTL_RESULT, SET16, H(version), 0,
	  -EPROTONOSUPPORT },
	{ "version 2", VMPI_CTL_RESULT, SET16, H(version), 2,
	  -EPROTONOSUPPORT },
	{ "type 0", VMPI_CTL_KEEPALIVE, SET16, H(type), 0, -EBADMSG },
	{ "type past the last", VMPI_CTL_KEEPALIVE, SET16, H(type),
	  VMPI_CTL_NTYPES, -EBADMSG },
	{ "type 0xffff", VMPI_CTL_KEEPALIVE, SET16, H(type), 0xffff,
	  -EBADMSG },
	{ "len says less than sent", VMPI_CTL_RESULT, SET32, H(len), HDR,
	  -EBADMSG },
	{ "len says more than sent", VMPI_CTL_RESULT, SET32, H(len), HDR + 9,
	  -EBADMSG },
	{ "len huge", VMPI_CTL_RESULT, SET32, H(len), 0xffffffff, -EBADMSG },
	{ "body cut short (len agrees)", VMPI_CTL_RESULT, CUT, 4, 0,
	  -EBADMSG },
	{ "trailing bytes (len agrees)", VMPI_CTL_KEEPALIVE, GROW, 8, 0,
	  -EBADMSG },
	{ "a keep-alive with the body of a result", VMPI_CTL_RESULT, SET16,
	  H(type), VMPI_CTL_KEEPALIVE, -EBADMSG },
	{ "header reserved", VMPI_CTL_KEEPALIVE, SET32, H(reserved), 1,
	  -EBADMSG },
	{ "hello reserved", VMPI_CTL_HELLO, SET32,
	  B(vmpi_ctl_hello, reserved), 1, -EBADMSG },
	{ "hello min 0", VMPI_CTL_HELLO, SET16,
	  B(vmpi_ctl_hello, min_version), 0, -EINVAL },
	{ "hello min > max", VMPI_CTL_HELLO, SET16,
	  B(vmpi_ctl_hello, min_version), 4, -EINVAL },
	{ "name length 0", VMPI_CTL_REGISTER, SET16,
	  B(vmpi_ctl_name, len), 0, -EINVAL },
	{ "name length 65", VMPI_CTL_REGISTER, SET16,
	  B(vmpi_ctl_name, len), 65, -EINVAL },
	{ "name length past its bytes into the zeros", VMPI_CTL_REGISTER,
	  SET16, B(vmpi_ctl_name, len), 13, -EINVAL },
	{ "name reserved", VMPI_CTL_UNREGISTER, SET16,
	  B(vmpi_ctl_name, reserved), 1, -EBADMSG },
	{ "name with a space", VMPI_CTL_REGISTER, SET8,
	  B(vmpi_ctl_name, name) + 4, ' ', -EINVAL },
	{ "name with a NUL inside", VMPI_CTL_REGISTER, SET8,
	  B(vmpi_ctl_name, name) + 4, 0, -EINVAL },
	{ "name with a byte >= 0x80", VMPI_CTL_REGISTER, SET8,
	  B(vmpi_ctl_name, name), 0xc3, -EINVAL },
	{ "garbage after the name", VMPI_CTL_REGISTER, SET8,
	  B(vmpi_ctl_name, name) + 40, 'x', -EBADMSG },
	{ "last byte after the name", VMPI_CTL_REGISTER, SET8,
	  B(vmpi_ctl_name, name) + 63, 1, -EBADMSG },
	{ "alloc flow 0", VMPI_CTL_ALLOC, SET32, B(vmpi_ctl_alloc, flow), 0,
	  -EINVAL },
	{ "alloc channel out of range", VMPI_CTL_ALLOC, SET32,
	  B(vmpi_ctl_alloc, channel), VMPI_MAX_CHANNELS, -EINVAL },
	{ "alloc dst empty", VMPI_CTL_ALLOC, SET16, ALLOC_DST(len), 0,
	  -EINVAL },
	{ "alloc src too long", VMPI_CTL_ALLOC, SET16, ALLOC_SRC(len), 200,
	  -EINVAL },
	{ "alloc src reserved", VMPI_CTL_ALLOC, SET16, ALLOC_SRC(reserved), 9,
	  -EBADMSG },
	{ "alloc src bad byte", VMPI_CTL_ALLOC, SET8, ALLOC_SRC(name) + 1,
	  '\n', -EINVAL },
	{ "alloc-resp flow 0", VMPI_CTL_ALLOC_RESP, SET32,
	  B(vmpi_ctl_alloc_resp, flow), 0, -EINVAL },
	{ "alloc-resp success on channel 0", VMPI_CTL_ALLOC_RESP, SET32,
	  B(vmpi_ctl_alloc_resp, channel), 0, -EINVAL },
	{ "alloc-resp channel too big", VMPI_CTL_ALLOC_RESP, SET32,
	  B(vmpi_ctl_alloc_resp, channel), 1000, -EINVAL },
	{ "alloc-resp error with a channel", VMPI_CTL_ALLOC_RESP, SET32,
	  B(vmpi_ctl_alloc_resp, err), (__u32)-ENOENT, -EINVAL },
	{ "alloc-resp positive err", VMPI_CTL_ALLOC_RESP, SET32,
	  B(vmpi_ctl_alloc_resp, err), 1, -EINVAL },
	{ "alloc-resp reserved", VMPI_CTL_ALLOC_RESP, SET32,
	  B(vmpi_ctl_alloc_resp, reserved), 1, -EBADMSG },
	{ "dealloc flow 0", VMPI_CTL_DEALLOC, SET32,
	  B(vmpi_ctl_dealloc, flow), 0, -EINVAL },
	{ "dealloc of the control channel", VMPI_CTL_DEALLOC, SET32,
	  B(vmpi_ctl_dealloc, channel), 0, -EINVAL },
	{ "dealloc channel 64", VMPI_CTL_DEALLOC, SET32,
	  B(vmpi_ctl_dealloc, channel), 64, -EINVAL },
	{ "result errno below -4095", VMPI_CTL_RESULT, SET32,
	  B(vmpi_ctl_result, err), (__u32)-4096, -EINVAL },
	{ "result INT_MIN", VMPI_CTL_RESULT, SET32, B(vmpi_ctl_result, err),
	  0x80000000, -EINVAL },
	{ "result reserved", VMPI_CTL_RESULT, SET32,
	  B(vmpi_ctl_result, reserved), 1, -EBADMSG },
};

TEST(malformed_messages)
{
	unsigned char buf[VMPI_CTL_MSG_MAX + 16];
	struct vmpi_ctl m, d;
	__u16 v16;
	size_t i;
	__u32 v32;
	int n;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(buf, 0, sizeof(buf));
		m = good(bad[i].type);
		n = vmpi_ctl_encode(&m, buf, sizeof(buf));
		ASSERT_GT(n, 0);
		ASSERT_EQ(0, vmpi_ctl_decode(buf, n, &d)) TH_LOG("%s", bad[i].what);
		switch (bad[i].how) {
		case SET8:
			buf[bad[i].off] = bad[i].val;
			break;
		case SET16:
			v16 = bad[i].val;
			memcpy(buf + bad[i].off, &v16, 2);
			break;
		case SET32:
			v32 = bad[i].val;
			memcpy(buf + bad[i].off, &v32, 4);
			break;
		case CUT:
			n -= bad[i].off;
			v32 = n;
			if (n >= (int)HDR)
				memcpy(buf + H(len), &v32, 4);
			break;
		case GROW:
			n += bad[i].off;
			v32 = n;
			memcpy(buf + H(len), &v32, 4);
			break;
		}
		EXPECT_EQ(bad[i].want, vmpi_ctl_decode(buf, n, &d))
			TH_LOG("%s", bad[i].what);
	}
}

TEST(encoder_refuses_what_decoder_would)
{
	unsigned char buf[VMPI_CTL_MSG_MAX];
	struct vmpi_ctl m;

	m = good(VMPI_CTL_REGISTER);
	m.name[0] = 0;
	EXPECT_EQ(-EINVAL, vmpi_ctl_encode(&m, buf, sizeof(buf)));
	m = good(VMPI_CTL_REGISTER);
	memset(m.name, 'a', VMPI_CTL_NAME_MAX + 1);	/* no terminator */
	EXPECT_EQ(-EINVAL, vmpi_ctl_encode(&m, buf, sizeof(buf)));
	m.name[VMPI_CTL_NAME_MAX] = 0;			/* 64: the limit */
	EXPECT_EQ(HDR + 68, vmpi_ctl_encode(&m, buf, sizeof(buf)));
	m = good(VMPI_CTL_ALLOC);
	strcpy(m.src, "a b");
	EXPECT_EQ(-EINVAL, vmpi_ctl_encode(&m, buf, sizeof(buf)));
	m = good(VMPI_CTL_ALLOC_RESP);
	m.err = -ENOSPC;				/* and channel 3 */
	EXPECT_EQ(-EINVAL, vmpi_ctl_encode(&m, buf, sizeof(buf)));
	m.channel = 0;
	EXPECT_EQ(HDR + 16, vmpi_ctl_encode(&m, buf, sizeof(buf)));
	m = good(VMPI_CTL_KEEPALIVE);
	m.type = VMPI_CTL_NTYPES;
	EXPECT_EQ(-EINVAL, vmpi_ctl_encode(&m, buf, sizeof(buf)));
	m.type = 0;
	EXPECT_EQ(-EINVAL, vmpi_ctl_encode(&m, buf, sizeof(buf)));
}

TEST(name_rules)
{
	EXPECT_EQ(1, vmpi_ctl_name_ok("a", 1));
	EXPECT_EQ(1, vmpi_ctl_name_ok("A-z_0.9:/", 9));
	EXPECT_EQ(0, vmpi_ctl_name_ok("", 0));
	EXPECT_EQ(0, vmpi_ctl_name_ok("a\tb", 3));
	EXPECT_EQ(0, vmpi_ctl_name_ok("a", VMPI_CTL_NAME_MAX + 1));
}

TEST_HARNESS_MAIN
