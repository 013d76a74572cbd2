/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Admission control: everything that is wrong with a topology file for
 * this host, all of it reported at once, before anything is changed.
 * What it knows of the machine comes in a struct vn_sys (sys.h reads the
 * real one; the tests make their own), so admission itself reads and
 * changes nothing.
 */
#ifndef VALE_NET_ADMIT_H
#define VALE_NET_ADMIT_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include "model.h"

struct vn_sys {
	cpu_set_t online;		/* CPUs of this machine */
	uint64_t mem_avail;		/* bytes (MemAvailable) */
	char addrs[32][VN_ADDR];	/* this machine's IPv4 addresses */
	int naddrs;
	/* is the underlay address reachable (NULL: do not probe) */
	bool (*reachable)(const char *addr);
};

/* "0-3,6": into @set; false (and @set undefined) when malformed. */
bool vn_cpuset_parse(const char *s, cpu_set_t *set);

/*
 * The host this apply is for: @arg when given (it must be in the file),
 * else the host whose underlay address is one of this machine's, else ""
 * for a file without hosts.  NULL (with an error in @e) when none fits.
 */
const char *vn_pick_host(const struct vn_topo *t, const char *arg,
			 const struct vn_sys *s, struct vn_errs *e);

/*
 * Check @t for @host (from vn_pick_host()): the file on its own (names,
 * references, duplicates, VNI, MAC and address clashes) and this host's
 * part against @s (CPU sets, memory, peers reachable) and against the
 * VNets already running here, @running (VNI clashes).  0 or the number
 * of problems added to @e.
 */
int vn_admit(const struct vn_topo *t, const char *host, const struct vn_sys *s,
	     const struct vn_topo *running, struct vn_errs *e);

#endif /* VALE_NET_ADMIT_H */
