/* SPDX-License-Identifier: GPL-2.0 */
/* Tier-0 shim: <linux/mutex.h>, see spinlock.h. */
#ifndef _SHIM_LINUX_MUTEX_H
#define _SHIM_LINUX_MUTEX_H

#include <linux/spinlock.h>

struct mutex {
	pthread_mutex_t m;
};

#define mutex_init(l)		tier0_mutex_init(&(l)->m)
#define mutex_destroy(l)	pthread_mutex_destroy(&(l)->m)
#define mutex_lock(l)		tier0_mutex_lock(&(l)->m)
#define mutex_unlock(l)		tier0_mutex_unlock(&(l)->m)

#endif
