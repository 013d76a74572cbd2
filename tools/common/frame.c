// SPDX-License-Identifier: GPL-2.0
/*
 * The frames of frame.h: checksums and headers.
 */
#include <string.h>

#include "frame.h"

uint32_t inet_sum(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += get_be16(p);
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t inet_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

void frame_udp4_build(uint8_t *f, size_t len, const struct frame_udp4 *a)
{
	uint8_t *ip = f + FRAME_IP_OFF, *udp = f + FRAME_UDP_OFF;

	memcpy(f, a->dst_mac, 6);
	memcpy(f + 6, a->src_mac, 6);
	put_be16(f + 12, 0x0800);
	memset(ip, 0, FRAME_IP_HLEN);
	ip[0] = 0x45;
	put_be16(ip + 2, len - FRAME_ETH_HLEN);
	put_be16(ip + 6, 0x4000);		/* DF */
	ip[8] = 64;
	ip[9] = 17;
	put_be32(ip + 12, a->src_ip);
	put_be32(ip + 16, a->dst_ip);
	put_be16(ip + 10, inet_fold(inet_sum(0, ip, FRAME_IP_HLEN)));
	put_be16(udp, a->src_port);
	put_be16(udp + 2, a->dst_port);
	put_be16(udp + 4, len - FRAME_UDP_OFF);
	put_be16(udp + 6, 0);
}

void frame_udp4_csum(uint8_t *f, size_t len)
{
	uint8_t *udp = f + FRAME_UDP_OFF;
	uint32_t sum;
	uint16_t c;

	put_be16(udp + 6, 0);
	sum = inet_sum(0, f + FRAME_IP_OFF + 12, 8);	/* addresses */
	sum += 17;					/* protocol */
	sum += len - FRAME_UDP_OFF;			/* UDP length */
	sum = inet_sum(sum, udp, len - FRAME_UDP_OFF);
	c = inet_fold(sum);
	put_be16(udp + 6, c ? c : 0xffff);
}

bool frame_ip4_csum_ok(const uint8_t *ip)
{
	return inet_fold(inet_sum(0, ip, FRAME_IP_HLEN)) == 0;
}

static void swap(uint8_t *a, uint8_t *b, size_t n)
{
	uint8_t t[4];

	memcpy(t, a, n);
	memcpy(a, b, n);
	memcpy(b, t, n);
}

void frame_udp4_swap(uint8_t *f)
{
	swap(f + FRAME_IP_OFF + 12, f + FRAME_IP_OFF + 16, 4);
	swap(f + FRAME_UDP_OFF, f + FRAME_UDP_OFF + 2, 2);
}
