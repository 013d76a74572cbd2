// SPDX-License-Identifier: GPL-2.0
/*
 * Frames: Ethernet / IPv4 / UDP, then the payload
 *   u32 magic 'VBEP', u32 flow, u64 seq, [u64 tx time, when the payload
 *   has room], pattern bytes (ep_pattern() of the payload offset)
 * all in network byte order.  The UDP checksum is 0 (none, legal in
 * IPv4) so that stamping a sequence number costs two stores; the IP
 * checksum does not depend on the payload.  The headers, their checksums
 * and the echo's swap are tools/common/frame.c's.
 *
 * The receive core classifies every frame once: not ours (another
 * protocol or port: "other", not counted as received), bad header or
 * pattern, foreign (magic or flow), duplicated, reordered, good.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ep.h"

/* Where the pattern starts in a payload of @paylen bytes. */
static unsigned int pattern_start(unsigned int paylen)
{
	return paylen >= EP_PAY_TS ? EP_PAY_TS : EP_PAY_HDR;
}

static void fill_pattern(uint8_t *pay, unsigned int paylen)
{
	unsigned int i;

	for (i = pattern_start(paylen); i < paylen; i++)
		pay[i] = ep_pattern(i);
}

void ep_frame_build(const struct ep_opts *o, uint8_t *f, uint32_t flow)
{
	struct frame_udp4 a = {
		.src_ip = o->src.ip, .dst_ip = o->dst.ip,
		.src_port = o->src.port, .dst_port = o->dst.port,
	};
	uint8_t *pay = f + EP_HDR_LEN;
	unsigned int paylen = o->size - EP_HDR_LEN;

	memcpy(a.src_mac, o->smac, 6);
	memcpy(a.dst_mac, o->dmac, 6);
	frame_udp4_build(f, o->size, &a);
	memset(pay, 0, paylen);
	put_be32(pay, EP_MAGIC);
	put_be32(pay + 4, flow);
	fill_pattern(pay, paylen);
}

void ep_frame_stamp(uint8_t *f, unsigned int size, uint64_t seq,
		    uint64_t tx_ns, bool touch)
{
	uint8_t *pay = f + EP_HDR_LEN;
	unsigned int paylen = size - EP_HDR_LEN;

	put_be64(pay + 8, seq);
	if (paylen >= EP_PAY_TS)
		put_be64(pay + 16, tx_ns);
	if (touch)
		fill_pattern(pay, paylen);
}

void ep_frame_swap(uint8_t *f)
{
	uint8_t t[6];

	memcpy(t, f, 6);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, t, 6);
	frame_udp4_swap(f);
}

uint64_t ep_frame_seq(const uint8_t *payload)
{
	return get_be64(payload + 8);
}

uint64_t ep_frame_ts(const uint8_t *payload, unsigned int paylen)
{
	return paylen >= EP_PAY_TS ? get_be64(payload + 16) : 0;
}

int ep_rx_init(struct ep_rx *rx, const uint32_t *flows, unsigned int n,
	       uint16_t port, bool l2, bool touch)
{
	unsigned int i;

	memset(rx, 0, sizeof(*rx));
	rx->port = port;
	rx->l2 = l2;
	rx->touch = touch;
	for (i = 0; i < n; i++) {
		rx->flows[i].id = flows[i];
		rx->flows[i].bits = calloc(EP_SEQ_WINDOW / 64, sizeof(uint64_t));
		if (!rx->flows[i].bits) {
			rx->nflows = i;
			ep_rx_free(rx);
			return -ENOMEM;
		}
	}
	rx->nflows = n;
	return 0;
}

void ep_rx_free(struct ep_rx *rx)
{
	unsigned int i;

	for (i = 0; i < rx->nflows; i++)
		free(rx->flows[i].bits);
	rx->nflows = 0;
}

static bool bit_test_set(uint64_t *bits, uint64_t seq)
{
	uint64_t w = (seq % EP_SEQ_WINDOW) / 64, m = 1ull << (seq % 64);
	bool was = bits[w] & m;

	bits[w] |= m;
	return was;
}

static void bit_clear(uint64_t *bits, uint64_t seq)
{
	bits[(seq % EP_SEQ_WINDOW) / 64] &= ~(1ull << (seq % 64));
}

/* Sequence verdict of a well-formed frame of flow @fl. */
static enum ep_verdict seq_verdict(struct ep_flow *fl, uint64_t seq)
{
	uint64_t s;

	if (!fl->seen || seq > fl->max) {
		if (!fl->seen || seq - fl->max >= EP_SEQ_WINDOW)
			memset(fl->bits, 0, EP_SEQ_WINDOW / 8);
		else
			for (s = fl->max + 1; s < seq; s++)
				bit_clear(fl->bits, s);
		bit_test_set(fl->bits, seq);
		fl->seen = true;
		fl->max = seq;
		fl->unique++;
		return EP_GOOD;
	}
	/* Below the window: too old to tell a duplicate; call it late. */
	if (fl->max - seq >= EP_SEQ_WINDOW) {
		fl->unique++;
		return EP_REORDERED;
	}
	if (bit_test_set(fl->bits, seq))
		return EP_DUPLICATED;
	fl->unique++;
	return EP_REORDERED;
}

/*
 * Header checks of a full frame: EP_OTHER for traffic that is not ours,
 * EP_BAD for ours (IPv4, UDP to our port) with a wrong header, else
 * EP_GOOD with the payload.
 */
static enum ep_verdict check_l2(const struct ep_rx *rx, const uint8_t *f,
				uint32_t len, const uint8_t **pay,
				uint32_t *paylen)
{
	const uint8_t *ip = f + FRAME_IP_OFF, *udp = f + FRAME_UDP_OFF;
	unsigned int tot;

	if (len < FRAME_ETH_HLEN)
		return EP_BAD;
	if (get_be16(f + 12) != 0x0800)
		return EP_OTHER;
	if (len < FRAME_UDP_OFF)
		return EP_BAD;
	if (ip[9] != 17)
		return EP_OTHER;
	if (ip[0] != 0x45 || len < EP_HDR_LEN)
		return EP_BAD;
	if (get_be16(udp + 2) != rx->port)
		return EP_OTHER;
	tot = get_be16(ip + 2);
	if (!frame_ip4_csum_ok(ip) || tot < 28 || tot > len - FRAME_ETH_HLEN ||
	    get_be16(udp + 4) != tot - 20)
		return EP_BAD;
	*pay = f + EP_HDR_LEN;
	*paylen = tot - 28;
	return EP_GOOD;
}

static bool pattern_ok(const uint8_t *pay, uint32_t paylen)
{
	unsigned int i;
	uint8_t diff = 0;

	for (i = pattern_start(paylen); i < paylen; i++)
		diff |= pay[i] ^ ep_pattern(i);
	return !diff;
}

enum ep_verdict ep_rx_frame(struct ep_rx *rx, const uint8_t *f, uint32_t len)
{
	const uint8_t *pay = f;
	uint32_t paylen = len, flow;
	enum ep_verdict v = EP_GOOD;
	struct ep_flow *fl = NULL;
	unsigned int i;
	uint64_t seq;

	if (rx->l2)
		v = check_l2(rx, f, len, &pay, &paylen);
	if (v == EP_GOOD && paylen < EP_PAY_HDR)
		v = EP_BAD;
	if (v == EP_GOOD && get_be32(pay) != EP_MAGIC)
		v = EP_FOREIGN;
	if (v == EP_GOOD) {
		flow = get_be32(pay + 4);
		for (i = 0; i < rx->nflows && !fl; i++)
			if (rx->flows[i].id == flow)
				fl = &rx->flows[i];
		if (!fl)
			v = EP_FOREIGN;
	}
	if (v == EP_GOOD && rx->touch && !pattern_ok(pay, paylen))
		v = EP_BAD;
	if (v == EP_GOOD) {
		seq = get_be64(pay + 8);
		v = seq_verdict(fl, seq);
		if (v != EP_DUPLICATED) {
			rx->last_flow = flow;
			rx->last_seq = seq;
		}
	}
	switch (v) {
	case EP_OTHER: rx->other++; return v;
	case EP_BAD: rx->bad++; return v;
	case EP_FOREIGN: rx->foreign++; return v;
	case EP_DUPLICATED: rx->duplicated++; break;
	case EP_REORDERED: rx->reordered++; break;
	case EP_GOOD: break;
	}
	rx->received++;
	rx->bytes += rx->l2 ? len : len + EP_HDR_LEN;
	return v;
}

uint64_t ep_rx_lost(const struct ep_rx *rx)
{
	uint64_t lost = 0;
	unsigned int i;

	for (i = 0; i < rx->nflows; i++)
		if (rx->flows[i].seen)
			lost += rx->flows[i].max + 1 - rx->flows[i].unique;
	return lost;
}
