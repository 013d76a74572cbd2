/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What admission control knows of this machine (struct vn_sys in
 * admit.h), read from /sys, /proc and getifaddrs(); and the underlay
 * probe: an ICMP echo answered within a second, tried three times.
 */
#ifndef VALE_NET_SYS_H
#define VALE_NET_SYS_H

#include "admit.h"

void vn_sys_read(struct vn_sys *s);
bool vn_sys_reachable(const char *addr);

#endif /* VALE_NET_SYS_H */
