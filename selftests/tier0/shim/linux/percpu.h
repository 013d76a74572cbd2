/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tier-0 shim: <linux/percpu.h>.  One CPU: a per-CPU variable is the
 * variable, and this_cpu_*() are plain operations on it.
 */
#ifndef _SHIM_LINUX_PERCPU_H
#define _SHIM_LINUX_PERCPU_H

#define this_cpu_add(pcp, val)	((pcp) += (val))
#define this_cpu_inc(pcp)	((pcp)++)

#endif
