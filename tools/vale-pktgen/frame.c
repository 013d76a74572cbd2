// SPDX-License-Identifier: GPL-2.0
/*
 * vale-pktgen: the Ethernet/IPv4/UDP frame (10.0.0.1:1234 to
 * 10.1.0.1:4321, valid IPv4 and UDP checksums, struct payload after the
 * headers), and turning a received frame around for pong.
 */
#include <string.h>
#include <arpa/inet.h>

#include "pktgen.h"

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/* Fill the UDP checksum of a complete frame. */
void udp_csum(uint8_t *f, size_t len)
{
	uint8_t *ip = f + ETH_HLEN, *udp = ip + IP_HLEN;
	uint32_t sum = 0;
	uint16_t c;

	put16(udp + 6, 0);
	sum = csum_add(sum, ip + 12, 8);		/* addresses */
	sum += 17;					/* protocol */
	sum += len - ETH_HLEN - IP_HLEN;		/* UDP length */
	sum = csum_add(sum, udp, len - ETH_HLEN - IP_HLEN);
	c = csum_fold(sum);
	put16(udp + 6, c ? c : 0xffff);
}

void build_frame(uint8_t *f, size_t len, const uint8_t src[6],
			const uint8_t dst[6])
{
	uint8_t *ip = f + ETH_HLEN, *udp = ip + IP_HLEN;
	struct payload pl = { .magic = htonl(PAY_MAGIC) };
	size_t i;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, 0x0800);

	memset(ip, 0, IP_HLEN);
	ip[0] = 0x45;
	put16(ip + 2, len - ETH_HLEN);
	put16(ip + 6, 0x4000);		/* DF */
	ip[8] = 64;
	ip[9] = 17;
	ip[12] = 10; ip[13] = 0; ip[14] = 0; ip[15] = 1;
	ip[16] = 10; ip[17] = 1; ip[18] = 0; ip[19] = 1;
	put16(ip + 10, csum_fold(csum_add(0, ip, IP_HLEN)));

	put16(udp, 1234);
	put16(udp + 2, 4321);
	put16(udp + 4, len - ETH_HLEN - IP_HLEN);
	memcpy(udp + UDP_HLEN, &pl, sizeof(pl));
	for (i = HDR_LEN + sizeof(pl); i < len; i++)
		f[i] = i;
	udp_csum(f, len);
}

/*
 * A received frame of at least HDR_LEN bytes back to its sender, from
 * @src: Ethernet addresses, and for IPv4 the addresses and (UDP) ports.
 */
void frame_turn_around(uint8_t *f, const uint8_t src[6])
{
	uint8_t tmp[4];

	memcpy(f, f + 6, 6);
	memcpy(f + 6, src, 6);
	if (f[12] == 0x08 && f[13] == 0x00) {
		memcpy(tmp, f + 26, 4);
		memmove(f + 26, f + 30, 4);
		memcpy(f + 30, tmp, 4);
		memcpy(tmp, f + 34, 2);
		memmove(f + 34, f + 36, 2);
		memcpy(f + 36, tmp, 2);
	}
}
