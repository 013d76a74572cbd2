// SPDX-License-Identifier: GPL-2.0
/*
 * vale-pktgen: netmap pkt-gen's job for vale ports.
 *
 * Roles: tx (send as fast as allowed), rx (count what arrives), ping (send
 * one packet, wait for its echo, measure the round trip), pong (echo every
 * packet back to its sender).  Frames are Ethernet/IPv4/UDP; longer than a
 * buffer they are split over several slots with VALE_SLOT_MOREFRAG.
 *
 * Counting follows pkt-gen: "bytes" are the frame bytes put in (or found
 * in) the slots, from the Ethernet destination address to the end of the
 * payload, without CRC; the bit rate is 8 * bytes / time.  The "raw" bit
 * rate adds 24 bytes per packet (CRC, preamble, inter-frame gap) and pads
 * frames to 60 bytes, as on a wire.  The average batch is packets per
 * sync (ioctl or poll()).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "libvale.h"
#include "out.h"

#define PROG "vale-pktgen"
#define ETH_HLEN 14
#define IP_HLEN 20
#define UDP_HLEN 8
#define HDR_LEN (ETH_HLEN + IP_HLEN + UDP_HLEN)
#define PAY_MAGIC 0x56504b47u	/* "VPKG" */
#define MIN_LEN 60
#define MAX_LEN VALE_MAX_PKT_LEN

enum role { ROLE_TX, ROLE_RX, ROLE_PING, ROLE_PONG };
static const char *const role_names[] = { "tx", "rx", "ping", "pong" };

struct cfg {
	enum role role;
	const char *port;
	unsigned int len;
	unsigned int batch;
	double rate;
	uint64_t count;
	double duration;
	double timeout;
	bool timeout_set;
	unsigned int slots;
	unsigned int buf_size;
	uint8_t src[6];
	uint8_t dst[6];
	bool src_set;
	bool json;
};

/* Payload at HDR_LEN: what ping and pong look at. */
struct payload {
	uint32_t magic;
	uint32_t seq;
	uint64_t ts_ns;
} __attribute__((packed));

struct result {
	uint64_t packets;
	uint64_t bytes;
	uint64_t syncs;
	double seconds;
	/* ping */
	uint64_t *rtt;
	size_t nrtt, artt;
	uint64_t lost;
	uint64_t ignored;
	/* rx */
	uint64_t bad;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char usage_text[] =
"Usage: vale-pktgen ROLE -i PORT [OPTION]...\n"
"Generate, receive or echo Ethernet/IPv4/UDP packets on a vale port.\n"
"\n"
"Roles:\n"
"  tx      send packets as fast as allowed\n"
"  rx      count the packets that arrive\n"
"  ping    send one packet at a time, wait for its echo, measure the RTT\n"
"  pong    send every packet that arrives back to its sender\n"
"\n"
"Options:\n"
"  -i, --port PORT        vale port to open, valeX:Y (required)\n"
"  -l, --length N         frame length in bytes without CRC, 60..65535\n"
"                         (default 60); longer than a buffer uses several slots\n"
"  -b, --batch N          packets per sync (default 512; ping: 1)\n"
"  -R, --rate PPS         at most PPS packets per second (default: no limit)\n"
"  -n, --count N          stop after N packets (default: no limit)\n"
"  -d, --duration SEC     stop after SEC seconds (default: no limit)\n"
"  -T, --timeout SEC      rx, pong: stop when nothing arrived for SEC seconds\n"
"                         (default: never); ping: reply timeout (default 1)\n"
"  -S, --src-mac MAC      source MAC (default: 02:xx:.. derived from PORT)\n"
"  -D, --dst-mac MAC      destination MAC (default ff:ff:ff:ff:ff:ff)\n"
"  -s, --slots N          slots per ring of the port (default: kernel's)\n"
"  -B, --buf-size N       buffer size of the port (default: kernel's)\n"
"  -j, --json             print the result as one JSON object\n"
"  -h, --help             print this help and exit\n"
"\n"
"Bytes are frame bytes without CRC, as netmap pkt-gen counts them; the raw\n"
"rate adds 24 bytes per packet (CRC, preamble, gap). SIGINT stops and prints.\n";

static void usage(FILE *f, int code)
{
	fputs(usage_text, f);
	exit(code);
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void bad_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '" PROG " --help'.\n");
	exit(2);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000ull,
			       .tv_nsec = ns % 1000000000ull };

	nanosleep(&ts, NULL);
}

static uint64_t parse_u64(const char *s, const char *what, uint64_t min,
			  uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		bad_usage("bad %s '%s' (%" PRIu64 "..%" PRIu64 ")", what, s,
			  min, max);
	return v;
}

static double parse_double(const char *s, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0) || v > 1e12)
		bad_usage("bad %s '%s'", what, s);
	return v;
}

static void parse_mac(const char *s, uint8_t mac[6], const char *what)
{
	unsigned int b[6];
	char extra;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &extra) != 6)
		bad_usage("bad %s '%s' (want xx:xx:xx:xx:xx:xx)", what, s);
	for (i = 0; i < 6; i++) {
		if (b[i] > 255)
			bad_usage("bad %s '%s'", what, s);
		mac[i] = b[i];
	}
}

/* A locally administered unicast address from the port name (FNV-1a). */
static void default_mac(const char *name, uint8_t mac[6])
{
	uint64_t h = 0xcbf29ce484222325ull;
	int i;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 0x100000001b3ull;
	mac[0] = 0x02;
	for (i = 1; i < 6; i++)
		mac[i] = h >> (8 * i);
}

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
static void udp_csum(uint8_t *f, size_t len)
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

static void build_frame(uint8_t *f, size_t len, const uint8_t src[6],
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

/* Copy a frame into the slots at cur; the caller checked the room. */
static void put_frame(struct vale_port_ring *r, uint32_t *cur,
		      const uint8_t *f, size_t len)
{
	uint32_t i = *cur;

	while (len) {
		struct vale_slot *s = vale_ring_slot(r, i);
		size_t n = len < r->buf_size ? len : r->buf_size;

		memcpy(vale_ring_buf(r, s), f, n);
		s->len = n;
		len -= n;
		f += n;
		s->flags = len ? VALE_SLOT_MOREFRAG : 0;
		i = vale_ring_next(r, i);
	}
	*cur = i;
}

/* Throughput of the sender. */
static void run_tx(struct vale_port *p, const struct cfg *c, struct result *res,
		   const uint8_t *frame, unsigned int nfrags)
{
	struct vale_port_ring *r = vale_port_tx_ring(p, 0);
	uint64_t start, now, end = 0;
	unsigned int i;
	int err;

	/* One-slot frames never change: write them once. */
	if (nfrags == 1) {
		for (i = 0; i < r->num_slots; i++) {
			struct vale_slot *s = vale_ring_slot(r, i);
			void *b = vale_ring_buf_checked(r, s);

			if (!b)
				die("tx slot %u has buffer %u outside the pool",
				    i, s->buf_idx);
			memcpy(b, frame, c->len);
			s->len = c->len;
			s->flags = 0;
		}
	}

	start = now = now_ns();
	if (c->duration > 0)
		end = start + (uint64_t)(c->duration * 1e9);
	while (!stop) {
		uint64_t want = c->batch;
		uint32_t room, cur;

		if (end && now >= end)
			break;
		if (c->count) {
			if (res->packets >= c->count)
				break;
			if (c->count - res->packets < want)
				want = c->count - res->packets;
		}
		if (c->rate > 0) {
			double el = (now - start) / 1e9;
			double allowed = el * c->rate + 1 - res->packets;

			if (allowed < 1) {
				double wait = (res->packets + 1) / c->rate - el;

				sleep_ns(wait > 0.01 ? 10000000 : wait * 1e9);
				now = now_ns();
				continue;
			}
			if (allowed < want)
				want = allowed;
		}
		room = vale_ring_space(r) / nfrags;
		if (room == 0) {
			err = vale_port_poll(p, POLLOUT, 100);
			res->syncs++;
			if (err < 0 && err != -EINTR)
				die("poll on %s: %s", c->port, vale_strerror(err));
			now = now_ns();
			continue;
		}
		if (want > room)
			want = room;
		cur = vale_ring_cur(r);
		if (nfrags == 1) {
			for (i = 0; i < want; i++) {
				struct vale_slot *s = vale_ring_slot(r, cur);

				s->len = c->len;
				s->flags = 0;
				cur = vale_ring_next(r, cur);
			}
		} else {
			for (i = 0; i < want; i++)
				put_frame(r, &cur, frame, c->len);
		}
		vale_ring_advance(r, cur);
		err = vale_port_sync_tx_ring(p, 0);
		res->syncs++;
		if (err)
			die("tx sync on %s: %s", c->port, vale_strerror(err));
		res->packets += want;
		res->bytes += want * c->len;
		now = now_ns();
	}
	res->seconds = (now_ns() - start) / 1e9;
}

/*
 * Consume the complete packets at cur, count them; returns the number of
 * packets.  Stops before an unterminated MOREFRAG chain.
 */
static uint64_t rx_drain(struct vale_port_ring *r, struct result *res)
{
	uint32_t cur = vale_ring_cur(r), tail = vale_ring_tail(r);
	uint32_t done = cur, plen;
	uint64_t pkts = 0, bytes = 0;

	while (vale_ring_chain_end(r, done, tail, &done, &plen)) {
		pkts++;
		bytes += plen;
	}
	if (done != cur)
		vale_ring_advance(r, done);
	res->packets += pkts;
	res->bytes += bytes;
	return pkts;
}

static int poll_timeout(uint64_t now, uint64_t end, uint64_t idle_end)
{
	uint64_t t = now + 250000000ull;

	if (end && end < t)
		t = end;
	if (idle_end && idle_end < t)
		t = idle_end;
	return t > now ? (int)((t - now + 999999) / 1000000) : 0;
}

/*
 * The receiving roles' wait: -1 when the run is over (duration, idle
 * timeout or packet count reached), else what poll() reported (0: nothing
 * yet, wait again).  *now is refreshed after the wait.
 */
static int rx_wait(struct vale_port *p, const struct cfg *c,
		   const struct result *res, uint64_t *now, uint64_t end,
		   uint64_t idle_end)
{
	int ev;

	if ((end && *now >= end) || (idle_end && *now >= idle_end) ||
	    (c->count && res->packets >= c->count))
		return -1;
	ev = vale_port_poll(p, POLLIN, poll_timeout(*now, end, idle_end));
	*now = now_ns();
	if (ev < 0 && ev != -EINTR)
		die("poll on %s: %s", c->port, vale_strerror(ev));
	return ev < 0 ? 0 : ev;
}

static void run_rx(struct vale_port *p, const struct cfg *c, struct result *res)
{
	struct vale_port_ring *r = vale_port_rx_ring(p, 0);
	uint64_t start, now, end = 0, first = 0, last = 0, idle_ns = 0;
	uint64_t idle_end;

	start = now = now_ns();
	if (c->duration > 0)
		end = start + (uint64_t)(c->duration * 1e9);
	if (c->timeout > 0)
		idle_ns = c->timeout * 1e9;
	idle_end = idle_ns ? start + idle_ns : 0;
	while (!stop) {
		int ev;

		ev = rx_wait(p, c, res, &now, end, idle_end);
		if (ev < 0)
			break;
		if (!ev)
			continue;
		res->syncs++;	/* wake-ups, as pkt-gen's events */
		if (ev & (POLLERR | POLLNVAL))
			die("poll on %s: error condition (revents 0x%x)",
			    c->port, ev);
		if (rx_drain(r, res)) {
			if (!first)
				first = now;
			last = now;
			if (idle_ns)
				idle_end = now + idle_ns;
		}
	}
	/* Release what was consumed. */
	vale_port_sync_rx_ring(p, 0);
	if (res->packets > 1 && last > first)
		res->seconds = (last - first) / 1e9;
	else
		res->seconds = (now_ns() - start) / 1e9;
}

static void rtt_add(struct result *res, uint64_t ns)
{
	if (res->nrtt == res->artt) {
		size_t n = res->artt ? res->artt * 2 : 4096;
		uint64_t *a = realloc(res->rtt, n * sizeof(*a));

		if (!a)
			die("out of memory for RTT samples");
		res->rtt = a;
		res->artt = n;
	}
	res->rtt[res->nrtt++] = ns;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void run_ping(struct vale_port *p, const struct cfg *c,
		     struct result *res, uint8_t *frame, unsigned int nfrags)
{
	struct vale_port_ring *tx = vale_port_tx_ring(p, 0);
	struct vale_port_ring *rx = vale_port_rx_ring(p, 0);
	uint8_t *in = malloc(MAX_LEN);
	uint64_t start, now, end = 0, tmo;
	uint32_t seq;
	int err;

	if (!in)
		die("out of memory");
	tmo = (c->timeout_set ? c->timeout : 1.0) * 1e9;
	start = now = now_ns();
	if (c->duration > 0)
		end = start + (uint64_t)(c->duration * 1e9);
	for (seq = 0; !stop; seq++) {
		struct payload pl;
		uint64_t t0, deadline;
		uint32_t cur;
		bool got = false;

		if (end && now >= end)
			break;
		if (c->count && res->packets >= c->count)
			break;
		if (c->rate > 0) {
			uint64_t at = start + (uint64_t)(seq / c->rate * 1e9);

			if (at > now)
				sleep_ns(at - now);
			if (stop)
				break;
		}
		/* Make room if the kernel still holds slots. */
		while (vale_ring_space(tx) < nfrags) {
			err = vale_port_poll(p, POLLOUT, 100);
			if (err < 0 && err != -EINTR)
				die("poll on %s: %s", c->port, vale_strerror(err));
			if (stop)
				goto out;
		}
		t0 = now_ns();
		pl.magic = htonl(PAY_MAGIC);
		pl.seq = htonl(seq);
		pl.ts_ns = t0;
		memcpy(frame + HDR_LEN, &pl, sizeof(pl));
		udp_csum(frame, c->len);
		cur = vale_ring_cur(tx);
		put_frame(tx, &cur, frame, c->len);
		vale_ring_advance(tx, cur);
		err = vale_port_sync_tx_ring(p, 0);
		res->syncs++;
		if (err)
			die("tx sync on %s: %s", c->port, vale_strerror(err));
		res->packets++;
		res->bytes += c->len;

		deadline = t0 + tmo;
		while (!got && !stop) {
			ssize_t n;

			now = now_ns();
			if (now >= deadline)
				break;
			err = vale_port_poll(p, POLLIN,
					     (deadline - now + 999999) / 1000000);
			if (err < 0 && err != -EINTR)
				die("poll on %s: %s", c->port, vale_strerror(err));
			while ((n = vale_ring_recv(rx, in, MAX_LEN)) != -EAGAIN) {
				struct payload rp;

				now = now_ns();
				if (n < (ssize_t)(HDR_LEN + sizeof(rp))) {
					res->ignored++;
					continue;
				}
				memcpy(&rp, in + HDR_LEN, sizeof(rp));
				if (rp.magic != htonl(PAY_MAGIC) ||
				    rp.seq != htonl(seq) || got) {
					res->ignored++;
					continue;
				}
				rtt_add(res, now - t0);
				got = true;
			}
		}
		if (!got && !stop)
			res->lost++;
		now = now_ns();
	}
out:
	vale_port_sync_rx_ring(p, 0);
	res->seconds = (now_ns() - start) / 1e9;
	free(in);
}

static void run_pong(struct vale_port *p, const struct cfg *c,
		     struct result *res)
{
	struct vale_port_ring *tx = vale_port_tx_ring(p, 0);
	struct vale_port_ring *rx = vale_port_rx_ring(p, 0);
	uint8_t *in = malloc(MAX_LEN);
	uint64_t start, now, end = 0, idle_ns = 0, idle_end;

	if (!in)
		die("out of memory");
	start = now = now_ns();
	if (c->duration > 0)
		end = start + (uint64_t)(c->duration * 1e9);
	if (c->timeout > 0)
		idle_ns = c->timeout * 1e9;
	idle_end = idle_ns ? start + idle_ns : 0;
	while (!stop) {
		unsigned int sent = 0;
		ssize_t n;
		int ev;

		ev = rx_wait(p, c, res, &now, end, idle_end);
		if (ev < 0)
			break;
		if (!ev)
			continue;
		while ((n = vale_ring_recv(rx, in, MAX_LEN)) != -EAGAIN) {
			uint8_t tmp[4];
			int err;

			if (n < HDR_LEN) {
				res->ignored++;
				continue;
			}
			/* Back to the sender, from us. */
			memcpy(in, in + 6, 6);
			memcpy(in + 6, c->src, 6);
			if (in[12] == 0x08 && in[13] == 0x00) {
				memcpy(tmp, in + 26, 4);
				memmove(in + 26, in + 30, 4);
				memcpy(in + 30, tmp, 4);
				memcpy(tmp, in + 34, 2);
				memmove(in + 34, in + 36, 2);
				memcpy(in + 36, tmp, 2);
			}
			err = vale_ring_send(tx, in, n);
			if (err == -ENOBUFS) {
				vale_port_sync_tx_ring(p, 0);
				res->syncs++;
				err = vale_ring_send(tx, in, n);
			}
			if (err < 0) {
				res->lost++;
				continue;
			}
			res->packets++;
			res->bytes += n;
			sent++;
			if (c->count && res->packets >= c->count)
				break;
		}
		if (sent) {
			int err = vale_port_sync_tx_ring(p, 0);

			res->syncs++;
			if (err)
				die("tx sync on %s: %s", c->port, vale_strerror(err));
			if (idle_ns)
				idle_end = now + idle_ns;
		}
	}
	vale_port_sync_rx_ring(p, 0);
	res->seconds = (now_ns() - start) / 1e9;
	free(in);
}

static const char *scale(double v, char *buf, size_t n)
{
	const char *u = "";

	if (v >= 1e9) {
		v /= 1e9; u = "G";
	} else if (v >= 1e6) {
		v /= 1e6; u = "M";
	} else if (v >= 1e3) {
		v /= 1e3; u = "K";
	}
	snprintf(buf, n, "%.2f %s", v, u);
	return buf;
}

static void report(const struct cfg *c, struct result *res,
		   const struct vale_port_stats *st, bool have_st)
{
	double secs = res->seconds > 0 ? res->seconds : 1e-9;
	double pps = res->packets / secs;
	double gbps = 8.0 * res->bytes / secs / 1e9;
	uint64_t avg_len = res->packets ? res->bytes / res->packets : 0;
	double raw = 8.0 * (res->packets * ((avg_len < 60 ? 60 : avg_len) + 24)) /
		     secs / 1e9;
	double batch = res->syncs ? (double)res->packets / res->syncs : 0;
	double rmin = 0, ravg = 0, rmed = 0, r99 = 0, rmax = 0;
	char b1[32];

	if (res->nrtt) {
		size_t i, k;
		double sum = 0;

		qsort(res->rtt, res->nrtt, sizeof(*res->rtt), cmp_u64);
		for (i = 0; i < res->nrtt; i++)
			sum += res->rtt[i];
		k = (res->nrtt * 99 + 99) / 100;	/* ceil(0.99 n) */
		rmin = res->rtt[0] / 1e3;
		rmax = res->rtt[res->nrtt - 1] / 1e3;
		ravg = sum / res->nrtt / 1e3;
		rmed = res->rtt[res->nrtt / 2] / 1e3;
		r99 = res->rtt[k - 1] / 1e3;
	}

	if (c->json) {
		printf("{\"tool\":\"vale-pktgen\",\"role\":\"%s\",\"port\":",
		       role_names[c->role]);
		out_json_string(stdout, c->port);
		printf(",\"length\":%u,\"batch\":%u,\"rate_limit\":%.0f,"
		       "\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64
		       ",\"seconds\":%.6f,\"pps\":%.1f,\"gbps\":%.6f,"
		       "\"raw_gbps\":%.6f,\"syncs\":%" PRIu64
		       ",\"avg_batch\":%.2f,\"bytes_counted\":\"frame without CRC\"",
		       c->len, c->batch, c->rate, res->packets, res->bytes,
		       res->seconds, pps, gbps, raw, res->syncs, batch);
		if (c->role == ROLE_PING)
			printf(",\"rtt_us\":{\"replies\":%zu,\"lost\":%" PRIu64
			       ",\"min\":%.3f,\"avg\":%.3f,\"median\":%.3f,"
			       "\"p99\":%.3f,\"max\":%.3f}",
			       res->nrtt, res->lost, rmin, ravg, rmed, r99, rmax);
		if (c->role == ROLE_PONG)
			printf(",\"dropped\":%" PRIu64, res->lost);
		if (c->role == ROLE_PING || c->role == ROLE_PONG)
			printf(",\"ignored\":%" PRIu64, res->ignored);
		if (have_st)
			printf(",\"port_stats\":{\"tx_packets\":%llu,\"tx_bytes\":%llu,"
			       "\"rx_packets\":%llu,\"rx_bytes\":%llu,"
			       "\"drop_bad_slot\":%llu,\"drop_bad_frag\":%llu,"
			       "\"drop_ring_full\":%llu,\"drop_no_dest\":%llu,"
			       "\"drop_too_long\":%llu}",
			       (unsigned long long)st->tx_packets,
			       (unsigned long long)st->tx_bytes,
			       (unsigned long long)st->rx_packets,
			       (unsigned long long)st->rx_bytes,
			       (unsigned long long)st->drop_bad_slot,
			       (unsigned long long)st->drop_bad_frag,
			       (unsigned long long)st->drop_ring_full,
			       (unsigned long long)st->drop_no_dest,
			       (unsigned long long)st->drop_too_long);
		printf("}\n");
		return;
	}

	printf("%s %s: %" PRIu64 " packets, %" PRIu64 " bytes (%" PRIu64
	       " each) in %.3f s, %" PRIu64 " syncs\n",
	       role_names[c->role], c->port, res->packets, res->bytes, avg_len,
	       res->seconds, res->syncs);
	printf("Speed: %spps  Bandwidth: %.3f Gbit/s (raw %.3f Gbit/s)  "
	       "Average batch: %.2f pkts/sync\n",
	       scale(pps, b1, sizeof(b1)), gbps, raw, batch);
	if (c->role == ROLE_PING)
		printf("RTT (us): min %.1f  avg %.1f  median %.1f  p99 %.1f  "
		       "max %.1f  (%zu replies, %" PRIu64 " lost, %" PRIu64
		       " ignored)\n",
		       rmin, ravg, rmed, r99, rmax, res->nrtt, res->lost,
		       res->ignored);
	if (c->role == ROLE_PONG && (res->lost || res->ignored))
		printf("pong: %" PRIu64 " not echoed (tx ring full), %" PRIu64
		       " ignored (too short)\n", res->lost, res->ignored);
	if (have_st)
		printf("port: tx %llu rx %llu; drops: bad slot %llu, bad frag %llu, "
		       "ring full %llu, no dest %llu, too long %llu\n",
		       (unsigned long long)st->tx_packets,
		       (unsigned long long)st->rx_packets,
		       (unsigned long long)st->drop_bad_slot,
		       (unsigned long long)st->drop_bad_frag,
		       (unsigned long long)st->drop_ring_full,
		       (unsigned long long)st->drop_no_dest,
		       (unsigned long long)st->drop_too_long);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "port", required_argument, NULL, 'i' },
		{ "length", required_argument, NULL, 'l' },
		{ "batch", required_argument, NULL, 'b' },
		{ "rate", required_argument, NULL, 'R' },
		{ "count", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "src-mac", required_argument, NULL, 'S' },
		{ "dst-mac", required_argument, NULL, 'D' },
		{ "slots", required_argument, NULL, 's' },
		{ "buf-size", required_argument, NULL, 'B' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cfg c = {
		.len = MIN_LEN,
		.dst = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	struct result res = { 0 };
	struct vale_port_stats st;
	struct vale_port *p;
	struct sigaction sa;
	bool batch_set = false, have_st;
	unsigned int nfrags, cap, i;
	uint8_t *frame;
	int opt, err;

	while ((opt = getopt_long(argc, argv, "i:l:b:R:n:d:T:S:D:s:B:jh",
				  lopts, NULL)) != -1) {
		switch (opt) {
		case 'i': c.port = optarg; break;
		case 'l': c.len = parse_u64(optarg, "length", MIN_LEN, MAX_LEN); break;
		case 'b':
			c.batch = parse_u64(optarg, "batch", 1, VALE_MAX_SLOTS);
			batch_set = true;
			break;
		case 'R': c.rate = parse_double(optarg, "rate"); break;
		case 'n': c.count = parse_u64(optarg, "count", 0, UINT64_MAX); break;
		case 'd': c.duration = parse_double(optarg, "duration"); break;
		case 'T':
			c.timeout = parse_double(optarg, "timeout");
			c.timeout_set = true;
			break;
		case 'S': parse_mac(optarg, c.src, "source MAC"); c.src_set = true; break;
		case 'D': parse_mac(optarg, c.dst, "destination MAC"); break;
		case 's': c.slots = parse_u64(optarg, "slots", VALE_MIN_SLOTS, VALE_MAX_SLOTS); break;
		case 'B': c.buf_size = parse_u64(optarg, "buffer size", VALE_MIN_BUF_SIZE, VALE_MAX_BUF_SIZE); break;
		case 'j': c.json = true; break;
		case 'h': usage(stdout, 0); break;
		default: usage(stderr, 2);
		}
	}
	if (optind >= argc)
		bad_usage("missing ROLE (tx, rx, ping or pong)");
	for (i = 0; i < 4; i++)
		if (!strcmp(argv[optind], role_names[i]))
			break;
	if (i == 4)
		bad_usage("unknown role '%s' (tx, rx, ping or pong)", argv[optind]);
	c.role = i;
	if (optind + 1 < argc)
		bad_usage("unexpected argument '%s'", argv[optind + 1]);
	if (!c.port)
		bad_usage("missing -i PORT");
	if (!c.src_set)
		default_mac(c.port, c.src);
	if (c.src[0] & 1)
		bad_usage("source MAC must be unicast");
	if (!batch_set)
		c.batch = c.role == ROLE_PING ? 1 : 512;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	{
		VALE_PORT_OPTS(o, .num_slots = c.slots, .buf_size = c.buf_size);

		err = vale_port_open(c.port, &o, &p);
	}
	if (err)
		die("cannot open %s: %s", c.port, vale_strerror(err));

	nfrags = (c.len + vale_port_buf_size(p) - 1) / vale_port_buf_size(p);
	if (nfrags > VALE_MAX_FRAGS || nfrags >= vale_port_num_slots(p))
		die("%u-byte frames need %u slots of %u bytes: more than %s allows",
		    c.len, nfrags, vale_port_buf_size(p),
		    nfrags > VALE_MAX_FRAGS ? "a packet" : "the ring");
	cap = (vale_port_num_slots(p) - 1) / nfrags;
	if (c.batch > cap)
		c.batch = cap;

	frame = malloc(c.len);
	if (!frame)
		die("out of memory");
	build_frame(frame, c.len, c.src, c.dst);

	switch (c.role) {
	case ROLE_TX: run_tx(p, &c, &res, frame, nfrags); break;
	case ROLE_RX: run_rx(p, &c, &res); break;
	case ROLE_PING: run_ping(p, &c, &res, frame, nfrags); break;
	case ROLE_PONG: run_pong(p, &c, &res); break;
	}
	have_st = vale_port_get_stats(p, &st) == 0;
	report(&c, &res, &st, have_st);
	fflush(stdout);
	free(frame);
	free(res.rtt);
	vale_port_close(p);
	if (ferror(stdout))
		die("cannot write the result");
	return 0;
}
