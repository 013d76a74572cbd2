/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ethernet/IPv4/UDP test frames for the traffic tools (vale-pktgen,
 * vale-bench-ep): big-endian field access, the Internet checksum
 * (RFC 1071), the three headers of a frame built in one call, the UDP
 * checksum, and turning addresses and ports around for an echo.  Frames
 * are byte arrays, headers at fixed offsets (no IP options, no VLAN tag).
 */
#ifndef VALE_TOOLS_FRAME_H
#define VALE_TOOLS_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_ETH_HLEN	14
#define FRAME_IP_HLEN	20
#define FRAME_UDP_HLEN	8
#define FRAME_IP_OFF	FRAME_ETH_HLEN
#define FRAME_UDP_OFF	(FRAME_IP_OFF + FRAME_IP_HLEN)
#define FRAME_HDR_LEN	(FRAME_UDP_OFF + FRAME_UDP_HLEN)	/* 42 */

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)p[0] << 8 | p[1];
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v);
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)get_be16(p) << 16 | get_be16(p + 2);
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, v >> 32);
	put_be32(p + 4, v);
}

static inline uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

/* @sum plus the 16-bit big-endian words of @len bytes (an odd one padded). */
uint32_t inet_sum(uint32_t sum, const void *data, size_t len);
/* The checksum field of a sum: folded to 16 bits, complemented. */
uint16_t inet_fold(uint32_t sum);

/* Who a frame is from and to; addresses and ports in host order. */
struct frame_udp4 {
	uint8_t src_mac[6], dst_mac[6];
	uint32_t src_ip, dst_ip;
	uint16_t src_port, dst_port;
};

/*
 * The headers of a frame of @len (>= FRAME_HDR_LEN) bytes: Ethernet
 * (IPv4), IPv4 (DF, TTL 64, UDP, its checksum), UDP with checksum 0
 * (none, which IPv4 allows: frame_udp4_csum() fills it in).
 */
void frame_udp4_build(uint8_t *f, size_t len, const struct frame_udp4 *a);
/* The UDP checksum of a frame of @len bytes with its headers in place. */
void frame_udp4_csum(uint8_t *f, size_t len);
/* The IPv4 header at @ip sums to its checksum. */
bool frame_ip4_csum_ok(const uint8_t *ip);
/* Swap the IPv4 addresses and UDP ports (the checksums stay right). */
void frame_udp4_swap(uint8_t *f);

#endif /* VALE_TOOLS_FRAME_H */
