/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale: frames a port's owner carried beside the switch (VALE_IOC_BYPASS_
 * REPORT), added to the port's and a rule's counters so that they stay
 * true while a point-to-point pair is joined directly (steering.md).
 */
#ifndef _VALE_BYPASS_H
#define _VALE_BYPASS_H

#include <linux/spinlock.h>
#include <linux/types.h>

struct vale_port;
struct vale_port_stats;
struct vale_bypass_report;

/*
 * What was reported for one port.  lock protects the four counters, taken
 * by the reporter (process context) and by vale_port_get_stats(); it is
 * never taken by the forwarders.
 */
struct vale_port_bypass {
	spinlock_t lock;		/* the four counters below */
	u64 tx_packets;
	u64 tx_bytes;
	u64 rx_packets;
	u64 rx_bytes;
};

void vale_bypass_init(struct vale_port_bypass *b);
/* Add @b's counters into @st (tx/rx and bypass_*_packets). */
void vale_bypass_stats(struct vale_port_bypass *b, struct vale_port_stats *st);
/* VALE_IOC_BYPASS_REPORT on @port: 0 or -errno, nothing added on error. */
int vale_bypass_report(struct vale_port *port,
		       const struct vale_bypass_report *rep);

#endif /* _VALE_BYPASS_H */
