/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tier-0 shim: <linux/wait.h>.  Nobody sleeps in Tier 0; a wait queue
 * counts the wake-ups it received and remembers the last key, so that
 * tests can check who was woken.
 */
#ifndef _SHIM_LINUX_WAIT_H
#define _SHIM_LINUX_WAIT_H

#include <linux/types.h>

typedef struct {
	unsigned long wakeups;
	unsigned int last_key;
} wait_queue_head_t;

#define init_waitqueue_head(wq)	\
	do { (wq)->wakeups = 0; (wq)->last_key = 0; } while (0)
#define wake_up_interruptible_poll(wq, key)	\
	do { (wq)->wakeups++; (wq)->last_key = (key); } while (0)

#endif
