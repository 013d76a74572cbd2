/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale-pktgen: shared types and the interfaces between its files.  One
 * file per concern:
 *
 *   main.c    options, opening the port, the role, the result
 *   util.c    errors, clocks, number and MAC parsing
 *   frame.c   its Ethernet/IPv4/UDP frame and echoing it (headers and
 *             checksums: tools/common/frame.c)
 *   tx.c      the tx role
 *   rx.c      the receiving roles' wait, rx and pong
 *   ping.c    the ping role, RTT samples (tools/common/samples.c)
 *   fwd.c     the fwd role (two ports, both directions)
 *   report.c  the result as text or JSON
 *
 * Slots and packet chains go through libvale (vale_ring_send(),
 * vale_ring_recv(), vale_ring_chain_end()): no MOREFRAG walk of its own.
 */
#ifndef VALE_PKTGEN_H
#define VALE_PKTGEN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "libvale.h"
#include "samples.h"

#define PROG "vale-pktgen"
#define HDR_LEN FRAME_HDR_LEN
#define PAY_MAGIC 0x56504b47u	/* "VPKG" */
#define MIN_LEN 60
#define MAX_LEN VALE_MAX_PKT_LEN

enum role { ROLE_TX, ROLE_RX, ROLE_PING, ROLE_PONG, ROLE_FWD, ROLE_COUNT };
extern const char *const role_names[];

struct cfg {
	enum role role;
	const char *port;
	const char *out_port;	/* fwd: -o */
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

/* fwd: one direction (0: port -> out_port, 1: back). */
struct fwd_count {
	uint64_t packets;
	uint64_t bytes;
	uint64_t dropped;	/* bad slot, or too long for the other port */
};

struct result {
	uint64_t packets;
	uint64_t bytes;
	uint64_t syncs;
	double seconds;
	/* ping */
	struct samples rtt;	/* ns */
	uint64_t lost;
	uint64_t ignored;
	/* rx */
	uint64_t bad;
	/* fwd */
	struct fwd_count dir[2];
	/* every role: this process's CPU time (getrusage) */
	double cpu_user;
	double cpu_sys;
};

extern volatile sig_atomic_t stop;

/* ---- util.c ------------------------------------------------------------ */

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
uint64_t now_ns(void);
void sleep_ns(uint64_t ns);
uint64_t parse_u64(const char *s, const char *what, uint64_t min, uint64_t max);
double parse_double(const char *s, const char *what);
void parse_mac(const char *s, uint8_t mac[6], const char *what);
void default_mac(const char *name, uint8_t mac[6]);

/* ---- frame.c ----------------------------------------------------------- */

void build_frame(uint8_t *f, size_t len, const uint8_t src[6],
		 const uint8_t dst[6]);
void frame_turn_around(uint8_t *f, const uint8_t src[6]);

/* ---- tx.c, rx.c, ping.c ------------------------------------------------ */

void run_tx(struct vale_handle *p, const struct cfg *c, struct result *res,
	    const uint8_t *frame, unsigned int nfrags);
void run_rx(struct vale_handle *p, const struct cfg *c, struct result *res);
void run_pong(struct vale_handle *p, const struct cfg *c, struct result *res);
void run_ping(struct vale_handle *p, const struct cfg *c, struct result *res,
	      uint8_t *frame, unsigned int nfrags);

void run_fwd(struct vale_handle *a, struct vale_handle *b,
	     const struct cfg *c, struct result *res);

/* ---- report.c ---------------------------------------------------------- */

void report(const struct cfg *c, struct result *res,
	    const struct vale_port_stats *st, bool have_st,
	    const struct vale_port_stats *ost, bool have_ost);

#endif /* VALE_PKTGEN_H */
