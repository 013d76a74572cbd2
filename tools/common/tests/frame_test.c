// SPDX-License-Identifier: GPL-2.0
/*
 * Tier 0: the test frames of tools/common/frame.c against known values:
 * the Internet checksum of RFC 1071's example (even and odd lengths), an
 * IPv4 header with a published checksum built byte for byte, the UDP
 * checksum verified over the pseudo-header for even and odd lengths, the
 * big-endian accessors, and the echo's swap (twice is the frame again,
 * the checksums stay right).
 */
#include <string.h>

#include "frame.h"
#include "kselftest_harness.h"

TEST(rfc1071_example)
{
	/* RFC 1071 section 3: the sum of these words is ddf2 (folded). */
	static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
				     0xf6, 0xf7, 0xab };

	EXPECT_EQ(0x2ddf0, inet_sum(0, b, 8));
	EXPECT_EQ((uint16_t)~0xddf2, inet_fold(inet_sum(0, b, 8)));
	/* an odd byte counts as the high half of a word */
	EXPECT_EQ(0x2ddf0 + 0xab00, inet_sum(0, b, 9));
	EXPECT_EQ(0xffff, inet_fold(0));
}

TEST(ipv4_header)
{
	/* 192.168.0.1 -> 192.168.0.199, total length 0x73, DF, TTL 64, UDP */
	static const uint8_t want[20] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
	};
	struct frame_udp4 a = {
		.src_mac = { 2, 0, 0, 0, 0, 1 }, .dst_mac = { 2, 0, 0, 0, 0, 2 },
		.src_ip = 0xc0a80001, .dst_ip = 0xc0a800c7,
		.src_port = 1234, .dst_port = 4321,
	};
	uint8_t f[FRAME_ETH_HLEN + 0x73];

	memset(f, 0xee, sizeof(f));
	frame_udp4_build(f, sizeof(f), &a);
	EXPECT_EQ(0, memcmp(f, a.dst_mac, 6));
	EXPECT_EQ(0, memcmp(f + 6, a.src_mac, 6));
	EXPECT_EQ(0x0800, get_be16(f + 12));
	EXPECT_EQ(0, memcmp(f + FRAME_IP_OFF, want, sizeof(want)));
	EXPECT_TRUE(frame_ip4_csum_ok(f + FRAME_IP_OFF));
	EXPECT_EQ(1234, get_be16(f + FRAME_UDP_OFF));
	EXPECT_EQ(4321, get_be16(f + FRAME_UDP_OFF + 2));
	EXPECT_EQ(0x73 - 20, get_be16(f + FRAME_UDP_OFF + 4));
	EXPECT_EQ(0, get_be16(f + FRAME_UDP_OFF + 6));	/* no checksum */
	f[FRAME_IP_OFF + 8]--;				/* TTL */
	EXPECT_FALSE(frame_ip4_csum_ok(f + FRAME_IP_OFF));
}

/* The pseudo-header sum of a frame with its UDP checksum in place. */
static uint16_t udp_verify(const uint8_t *f, size_t len)
{
	uint32_t sum = inet_sum(0, f + FRAME_IP_OFF + 12, 8);

	sum += 17 + (len - FRAME_UDP_OFF);
	return inet_fold(inet_sum(sum, f + FRAME_UDP_OFF, len - FRAME_UDP_OFF));
}

TEST(udp_checksum)
{
	struct frame_udp4 a = {
		.src_ip = 0x0a000001, .dst_ip = 0x0a010001,
		.src_port = 1234, .dst_port = 4321,
	};
	uint8_t f[1514];
	size_t len, i;

	for (len = 60; len <= sizeof(f); len += 97) {	/* odd and even */
		frame_udp4_build(f, len, &a);
		for (i = FRAME_HDR_LEN; i < len; i++)
			f[i] = i * 13;
		frame_udp4_csum(f, len);
		EXPECT_NE(0, get_be16(f + FRAME_UDP_OFF + 6));
		EXPECT_EQ(0, udp_verify(f, len));
		f[len - 1] ^= 1;
		EXPECT_NE(0, udp_verify(f, len));
	}
}

TEST(byte_order)
{
	uint8_t b[8];

	put_be16(b, 0x1234);
	EXPECT_EQ(0x12, b[0]);
	EXPECT_EQ(0x34, b[1]);
	put_be32(b, 0x89abcdef);
	EXPECT_EQ(0x89, b[0]);
	EXPECT_EQ(0xef, b[3]);
	EXPECT_EQ(0x89abcdef, get_be32(b));
	put_be64(b, 0x0102030405060708ull);
	EXPECT_EQ(0x01, b[0]);
	EXPECT_EQ(0x08, b[7]);
	EXPECT_EQ(0x0102030405060708ull, get_be64(b));
	EXPECT_EQ(0x0102, get_be16(b));
}

TEST(swap)
{
	struct frame_udp4 a = {
		.src_ip = 0x0a000001, .dst_ip = 0x0a010001,
		.src_port = 1234, .dst_port = 4321,
	};
	uint8_t f[100], g[100];

	frame_udp4_build(f, sizeof(f), &a);
	frame_udp4_csum(f, sizeof(f));
	memcpy(g, f, sizeof(f));
	frame_udp4_swap(g);
	EXPECT_EQ(0x0a010001, get_be32(g + FRAME_IP_OFF + 12));
	EXPECT_EQ(0x0a000001, get_be32(g + FRAME_IP_OFF + 16));
	EXPECT_EQ(4321, get_be16(g + FRAME_UDP_OFF));
	EXPECT_EQ(1234, get_be16(g + FRAME_UDP_OFF + 2));
	EXPECT_TRUE(frame_ip4_csum_ok(g + FRAME_IP_OFF));
	EXPECT_EQ(0, udp_verify(g, sizeof(g)));
	frame_udp4_swap(g);
	EXPECT_EQ(0, memcmp(f, g, sizeof(f)));
}

TEST_HARNESS_MAIN
