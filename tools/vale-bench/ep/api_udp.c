// SPDX-License-Identifier: GPL-2.0
/* The udp API: UDP sockets, one datagram per send() and recv() (sock.c). */
#include "sock.h"

static int udp_open(struct ep *e)
{
	return sock_open_udp(e);
}

const struct ep_api ep_api_udp = {
	.l2 = false,
	.open = udp_open,
	.send = sock_send1,
	.recv = sock_recv1,
	.wait_tx = sock_wait_tx,
	.close = sock_close,
};
