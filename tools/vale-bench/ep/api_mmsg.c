// SPDX-License-Identifier: GPL-2.0
/* The mmsg API: UDP sockets, sendmmsg() and recvmmsg() batches (sock.c). */
#include "sock.h"

static int mmsg_open(struct ep *e)
{
	return sock_open_udp(e);
}

const struct ep_api ep_api_mmsg = {
	.l2 = false,
	.open = mmsg_open,
	.send = sock_sendmmsg,
	.recv = sock_recvmmsg,
	.wait_tx = sock_wait_tx,
	.close = sock_close,
};
