// SPDX-License-Identifier: GPL-2.0
/*
 * The clock and the pacer.  Pacing is a busy clock: the caller spins on
 * ep_now() until ep_pacer_due(); nothing here sleeps, so that a rate is
 * kept at the granularity of the clock rather than of the scheduler.
 * Burst k is due at start + k * burst / rate seconds: a late burst does
 * not shift the ones after it, so the mean rate holds.
 */
#include <time.h>

#include "ep.h"

uint64_t ep_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void ep_pacer_init(struct ep_pacer *p, uint64_t rate, unsigned int burst,
		   uint64_t now)
{
	p->start = now;
	p->bursts = 0;
	p->ns_per_burst = rate ? 1e9 * burst / (double)rate : 0;
}

uint64_t ep_pacer_due(const struct ep_pacer *p)
{
	return p->start + (uint64_t)(p->bursts * p->ns_per_burst);
}
