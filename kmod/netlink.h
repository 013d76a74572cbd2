/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale: the generic netlink family "vale" (netlink.c and nl_*.c).
 */
#ifndef _VALE_NETLINK_H
#define _VALE_NETLINK_H

/* Register the family and start listening for the core's events. */
int vale_nl_init(void);
/* Stop the events, then unregister the family. */
void vale_nl_exit(void);

#endif /* _VALE_NETLINK_H */
