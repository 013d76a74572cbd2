/* SPDX-License-Identifier: GPL-2.0 */
/* Tier-0 shim: <linux/sched.h>, the scheduler points only. */
#ifndef _SHIM_LINUX_SCHED_H
#define _SHIM_LINUX_SCHED_H

/* Tier-0 code runs to completion: there is nothing to yield to. */
#define cond_resched()	do { } while (0)
#define might_sleep()	do { } while (0)

#endif
