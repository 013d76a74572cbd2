// SPDX-License-Identifier: GPL-2.0
/* State discovery (discover.h), with the actions' "exists" probes. */
#include <stdlib.h>
#include <string.h>

#include "discover.h"

int vn_discover(struct vn_ctx *c, const struct vn_vnet *rec, struct vn_vnet *have)
{
	int gone = 0, i, j, k;

	vn_vnet_copy(have, rec);
	for (i = 0, k = 0; i < have->nsws; i++) {
		if (act_switch_exists(c, have, have->sws[i].name))
			have->sws[k++] = have->sws[i];
		else
			gone++;
	}
	have->nsws = k;
	for (i = 0, k = 0; i < have->nnodes; i++) {
		struct vn_node *n = &have->nodes[i];
		int m = 0;

		if (!act_node_exists(c, have, n)) {
			gone += 1 + n->nifs + (n->pid > 0);
			free(n->command);
			free(n->ifs);
			continue;
		}
		if (n->pid > 0 && !act_proc_alive(n)) {
			n->pid = 0;
			gone++;
		}
		for (j = 0; j < n->nifs; j++) {
			if (act_iface_exists(c, have, n, &n->ifs[j]))
				n->ifs[m++] = n->ifs[j];
			else
				gone++;
		}
		n->nifs = m;
		have->nodes[k++] = *n;
	}
	have->nnodes = k;
	if (have->tun.on && !act_tunnel_exists(c, have)) {
		have->tun.on = false;
		gone++;
	}
	return gone;
}
