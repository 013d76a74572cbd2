// SPDX-License-Identifier: GPL-2.0
/*
 * Frames: Ethernet / IPv4 / UDP, then the payload
 *   u32 magic 'VBEP', u32 flow, u64 seq, [u64 tx time, when the payload
 *   has room], pattern bytes (ep_pattern() of the payload offset)
 * all in network byte order.  The UDP checksum is 0 (none, legal in
 * IPv4) so that stamping a sequence number costs two stores; the IP
 * checksum does not depend on the payload.
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

#define ETH_HLEN_	14
#define IP_OFF		14
#define UDP_OFF		34

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)p[0] << 8 | p[1];
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, v);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* The ones' complement sum of the IPv4 header, folded. */
static uint16_t ip_sum(const uint8_t *ip)
{
	uint32_t sum = 0;
	int i;

	for (i = 0; i < 20; i += 2)
		sum += get16(ip + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

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
	uint8_t *ip = f + IP_OFF, *udp = f + UDP_OFF, *pay = f + EP_HDR_LEN;
	unsigned int paylen = o->size - EP_HDR_LEN;

	memcpy(f, o->dmac, 6);
	memcpy(f + 6, o->smac, 6);
	put16(f + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, o->size - ETH_HLEN_);
	put16(ip + 6, 0x4000);		/* DF */
	ip[8] = 64;
	ip[9] = 17;
	put32(ip + 12, o->src.ip);
	put32(ip + 16, o->dst.ip);
	put16(ip + 10, ~ip_sum(ip));
	put16(udp, o->src.port);
	put16(udp + 2, o->dst.port);
	put16(udp + 4, o->size - UDP_OFF);
	put16(udp + 6, 0);
	memset(pay, 0, paylen);
	put32(pay, EP_MAGIC);
	put32(pay + 4, flow);
	fill_pattern(pay, paylen);
}

void ep_frame_stamp(uint8_t *f, unsigned int size, uint64_t seq,
		    uint64_t tx_ns, bool touch)
{
	uint8_t *pay = f + EP_HDR_LEN;
	unsigned int paylen = size - EP_HDR_LEN;

	put64(pay + 8, seq);
	if (paylen >= EP_PAY_TS)
		put64(pay + 16, tx_ns);
	if (touch)
		fill_pattern(pay, paylen);
}

void ep_frame_swap(uint8_t *f)
{
	uint8_t t[6];

	memcpy(t, f, 6);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, t, 6);
	memcpy(t, f + IP_OFF + 12, 4);
	memcpy(f + IP_OFF + 12, f + IP_OFF + 16, 4);
	memcpy(f + IP_OFF + 16, t, 4);
	memcpy(t, f + UDP_OFF, 2);
	memcpy(f + UDP_OFF, f + UDP_OFF + 2, 2);
	memcpy(f + UDP_OFF + 2, t, 2);
}

uint64_t ep_frame_seq(const uint8_t *payload)
{
	return get64(payload + 8);
}

uint64_t ep_frame_ts(const uint8_t *payload, unsigned int paylen)
{
	return paylen >= EP_PAY_TS ? get64(payload + 16) : 0;
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
	const uint8_t *ip = f + IP_OFF, *udp = f + UDP_OFF;
	unsigned int tot;

	if (len < ETH_HLEN_)
		return EP_BAD;
	if (get16(f + 12) != 0x0800)
		return EP_OTHER;
	if (len < UDP_OFF)
		return EP_BAD;
	if (ip[9] != 17)
		return EP_OTHER;
	if (ip[0] != 0x45 || len < EP_HDR_LEN)
		return EP_BAD;
	if (get16(udp + 2) != rx->port)
		return EP_OTHER;
	tot = get16(ip + 2);
	if (ip_sum(ip) != 0xffff || tot < 28 || tot > len - ETH_HLEN_ ||
	    get16(udp + 4) != tot - 20)
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
	if (v == EP_GOOD && get32(pay) != EP_MAGIC)
		v = EP_FOREIGN;
	if (v == EP_GOOD) {
		flow = get32(pay + 4);
		for (i = 0; i < rx->nflows && !fl; i++)
			if (rx->flows[i].id == flow)
				fl = &rx->flows[i];
		if (!fl)
			v = EP_FOREIGN;
	}
	if (v == EP_GOOD && rx->touch && !pattern_ok(pay, paylen))
		v = EP_BAD;
	if (v == EP_GOOD) {
		seq = get64(pay + 8);
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
