/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fe.h: the selftests' minimal vhost-user front-end (fe.c).
 *
 * Guest memory is MEM_SIZE bytes of a memfd at guest physical address 0:
 * virtqueue i's rings at 0x3000 * i (descriptors, avail +0x1000, used
 * +0x2000), QSZ entries each; receive buffers of pair 0 at RXBUF_GPA,
 * transmit buffers at TXBUF_GPA, BUF_SZ bytes per descriptor index;
 * pair 1's buffers PAIR_GPA higher.  Every frame starts with a
 * HDR_LEN-byte virtio-net header (MRG_RXBUF is negotiated).
 */
#ifndef SELFTESTS_VHOST_FE_H
#define SELFTESTS_VHOST_FE_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/virtio_ring.h>

#include "vhost_user.h"

#define MEM_SIZE	(4u << 20)
#define QSZ		256
#define BUF_SZ		2048
#define RXBUF_GPA	0x10000ull
#define TXBUF_GPA	0x100000ull
#define PAIR_GPA	0x200000ull	/* buffers of queue pair 1 are this far up */
#define MAX_FQ		4		/* two queue pairs */
#define HDR_LEN		12

struct fvq {
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	int kick, call;
	uint16_t avail_idx, used_seen;
};

struct fe {
	int sock, memfd;
	uint8_t *mem;
	int nq;			/* virtqueues fe_setup() sets up: 2 or 4 */
	struct fvq q[MAX_FQ];
};

/* The features fe_negotiate() sets. */
extern const uint64_t fe_features;

/* CLOCK_MONOTONIC in seconds. */
double now(void);

/* Messages: one request (fds as SCM_RIGHTS), and its reply's u64 or -1. */
int fe_send(struct fe *f, uint32_t req, uint32_t flags, const void *payload,
	    uint32_t size, const int *fds, int nfds);
int fe_msg(struct fe *f, uint32_t req, const void *payload, uint32_t size,
	   const int *fds, int nfds);
int64_t fe_reply(struct fe *f, uint32_t req);

/* Connection, guest memory, eventfds; fe_close() undoes all of it. */
int fe_init(struct fe *f, int sock);
int fe_connect_path(struct fe *f, const char *path);
void fe_close(struct fe *f);

/* Negotiation; the memory table; the whole setup of f->nq rings. */
int fe_negotiate(struct fe *f);
struct vhu_mem_table fe_table(struct fe *f);
int fe_setup(struct fe *f);

/* Ring helpers (queue qi: 0 rx, 1 tx, 2 and 3 the second pair). */
void fe_kick(struct fe *f, int qi);
void fe_add(struct fe *f, int qi, uint16_t d, uint64_t gpa, uint32_t len,
	    uint16_t flags, uint16_t next);
void fe_publish(struct fe *f, int qi, uint16_t head);
void fe_post_rx_q(struct fe *f, int qi, int n);
void fe_post_rx(struct fe *f, int n);
void fe_tx(struct fe *f, uint32_t len, uint8_t seed);
bool fe_rx_wait(struct fe *f, uint32_t len, uint8_t seed, double secs,
		bool giveback);
bool fe_rx_check(struct fe *f, uint32_t len, uint8_t seed);
uint16_t fe_tx_used(struct fe *f);

#endif
