/* SPDX-License-Identifier: GPL-2.0 */
/* Tier-0 shim: <linux/sched.h>, the scheduler points only. */
#ifndef _SHIM_LINUX_SCHED_H
#define _SHIM_LINUX_SCHED_H

#include <linux/rcupdate.h>

/*
 * Tier-0 code runs to completion: there is nothing to yield to.  Like the
 * kernel's CONFIG_DEBUG_ATOMIC_SLEEP, a rescheduling point inside an RCU
 * read-side section is a bug: it traps.
 */
#define might_sleep() do {						\
	if (tier0_rcu_depth)						\
		__builtin_trap();					\
} while (0)
#define cond_resched()	might_sleep()

#endif
