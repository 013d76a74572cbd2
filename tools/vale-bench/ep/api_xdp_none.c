// SPDX-License-Identifier: GPL-2.0
/*
 * The xdp API in a build without AF_XDP (the static binary: Debian ships
 * no static libzstd, which libelf and so libxdp need).  Opening it says
 * so and exits 3, the framework reports the transport as skipped.
 */
#include "ep.h"

static int xdp_none_open(struct ep *e)
{
	snprintf(e->msg, sizeof(e->msg),
		 "this build has no AF_XDP (use the dynamic " EP_PROG
		 ", built with Debian's libxdp-dev)");
	return EP_EXIT_UNAVAIL;
}

const struct ep_api ep_api_xdp = {
	.l2 = true,
	.open = xdp_none_open,
};
