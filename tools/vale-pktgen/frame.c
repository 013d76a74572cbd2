// SPDX-License-Identifier: GPL-2.0
/*
 * vale-pktgen: the Ethernet/IPv4/UDP frame (10.0.0.1:1234 to
 * 10.1.0.1:4321, valid IPv4 and UDP checksums, struct payload after the
 * headers), and turning a received frame around for pong.  Headers and
 * checksums are tools/common/frame.c's.
 */
#include <string.h>
#include <arpa/inet.h>

#include "pktgen.h"

void build_frame(uint8_t *f, size_t len, const uint8_t src[6],
		 const uint8_t dst[6])
{
	struct frame_udp4 a = {
		.src_ip = 0x0a000001, .dst_ip = 0x0a010001,	/* 10.0.0.1, 10.1.0.1 */
		.src_port = 1234, .dst_port = 4321,
	};
	struct payload pl = { .magic = htonl(PAY_MAGIC) };
	size_t i;

	memcpy(a.src_mac, src, 6);
	memcpy(a.dst_mac, dst, 6);
	frame_udp4_build(f, len, &a);
	memcpy(f + HDR_LEN, &pl, sizeof(pl));
	for (i = HDR_LEN + sizeof(pl); i < len; i++)
		f[i] = i;
	frame_udp4_csum(f, len);
}

/*
 * A received frame of at least HDR_LEN bytes back to its sender, from
 * @src: Ethernet addresses, and for IPv4 the addresses and (UDP) ports.
 */
void frame_turn_around(uint8_t *f, const uint8_t src[6])
{
	memcpy(f, f + 6, 6);
	memcpy(f + 6, src, 6);
	if (get_be16(f + 12) == 0x0800)
		frame_udp4_swap(f);
}
