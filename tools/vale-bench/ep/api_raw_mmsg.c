// SPDX-License-Identifier: GPL-2.0
/*
 * The raw-mmsg API: AF_PACKET raw frames in sendmmsg()/recvmmsg()
 * batches, the qdisc bypassed on send (sock.c).
 */
#include "sock.h"

static int raw_mmsg_open(struct ep *e)
{
	return sock_open_packet(e, true);
}

const struct ep_api ep_api_raw_mmsg = {
	.l2 = true,
	.open = raw_mmsg_open,
	.send = sock_sendmmsg,
	.recv = sock_recvmmsg,
	.wait_tx = sock_wait_tx,
	.close = sock_close,
};
