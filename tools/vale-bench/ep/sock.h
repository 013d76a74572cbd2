/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the socket APIs share (sock.c): opening UDP and AF_PACKET sockets
 * as the role needs them, waiting, and the single and batched send and
 * receive loops.  @off is where a socket's data starts in our frame: 0
 * for AF_PACKET, EP_HDR_LEN for UDP (the kernel writes the headers).
 */
#ifndef VALE_BENCH_EP_SOCK_H
#define VALE_BENCH_EP_SOCK_H

#include <netinet/in.h>
#include <sys/socket.h>

#include "ep.h"

struct sock_ep {
	int fd;
	unsigned int off;
	bool udp;
	/* UDP: where echoes go (the last sender seen), server role */
	struct sockaddr_in peer;
	bool reply;
	uint8_t *bufs;		/* EP_RX_BATCH receive buffers */
	struct mmsghdr msgs[EP_RX_BATCH > EP_MAX_BURST ? EP_RX_BATCH :
			    2 * EP_MAX_BURST];
	struct iovec iov[EP_RX_BATCH > EP_MAX_BURST ? EP_RX_BATCH :
			 2 * EP_MAX_BURST];
	struct sockaddr_in names[EP_RX_BATCH];
	void *ring;		/* api_ring.c's state */
};

int sock_open_udp(struct ep *e);
/* A send role gets a socket that receives nothing (protocol 0). */
int sock_open_packet(struct ep *e, bool qdisc_bypass);
void sock_close(struct ep *e);

int sock_wait(struct ep *e, short events, int ms);
int sock_wait_tx(struct ep *e, int ms);
int sock_send1(struct ep *e, struct ep_pkt *p, unsigned int n);
int sock_recv1(struct ep *e, struct ep_pkt *p, unsigned int n, int ms);
int sock_sendmmsg(struct ep *e, struct ep_pkt *p, unsigned int n);
int sock_recvmmsg(struct ep *e, struct ep_pkt *p, unsigned int n, int ms);

#endif /* VALE_BENCH_EP_SOCK_H */
