/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Named network namespaces, the way ip-netns(8) keeps them: a bind mount
 * of the namespace on /run/netns/NAME, so that `ip netns exec NAME` and
 * vale-net find the same ones.  Functions return 0 or -errno.
 */
#ifndef VALE_TOOLS_NETNS_H
#define VALE_TOOLS_NETNS_H

#include <stdbool.h>

int netns_add(const char *name);
int netns_del(const char *name);
bool netns_exists(const char *name);
/* An fd of the namespace (O_CLOEXEC), or -errno. */
int netns_open(const char *name);
/* Enter it for the rest of this process's life. */
int netns_enter(const char *name);

#endif /* VALE_TOOLS_NETNS_H */
