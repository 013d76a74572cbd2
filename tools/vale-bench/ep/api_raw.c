// SPDX-License-Identifier: GPL-2.0
/* The raw API: AF_PACKET raw frames, one per send() and recv() (sock.c). */
#include "sock.h"

static int raw_open(struct ep *e)
{
	return sock_open_packet(e, false);
}

const struct ep_api ep_api_raw = {
	.l2 = true,
	.open = raw_open,
	.send = sock_send1,
	.recv = sock_recv1,
	.wait_tx = sock_wait_tx,
	.close = sock_close,
};
