/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ethernet addresses on the command lines and in the files of the tools
 * (vale-ctl rules, vale-net interfaces, vale-pktgen, vale-bench-ep).
 */
#ifndef VALE_TOOLS_MAC_H
#define VALE_TOOLS_MAC_H

#include <stdint.h>

/*
 * "xx:xx:xx:xx:xx:xx" (one or two hex digits each, nothing after) into
 * @mac: 0, or -EINVAL with @mac untouched.
 */
int mac_parse(const char *s, uint8_t mac[6]);

#endif /* VALE_TOOLS_MAC_H */
