/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tier-0 shim: <linux/u64_stats_sync.h>, as on a 64-bit kernel (the
 * counters themselves are read and written with READ_ONCE/WRITE_ONCE).
 */
#ifndef _SHIM_LINUX_U64_STATS_SYNC_H
#define _SHIM_LINUX_U64_STATS_SYNC_H

struct u64_stats_sync {
	int unused;
};

static inline void u64_stats_init(struct u64_stats_sync *s) { (void)s; }
static inline void u64_stats_update_begin(struct u64_stats_sync *s) { (void)s; }
static inline void u64_stats_update_end(struct u64_stats_sync *s) { (void)s; }

static inline unsigned int u64_stats_fetch_begin(const struct u64_stats_sync *s)
{
	(void)s;
	return 0;
}

static inline int u64_stats_fetch_retry(const struct u64_stats_sync *s,
					unsigned int start)
{
	(void)s;
	(void)start;
	return 0;
}

#endif
