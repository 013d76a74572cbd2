/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tier-0 shim: <linux/spinlock.h> on error-checking pthread mutexes, so
 * that a recursive lock or an unlock of a lock not held aborts the test
 * instead of passing silently.  There are no bottom halves: _bh is plain.
 */
#ifndef _SHIM_LINUX_SPINLOCK_H
#define _SHIM_LINUX_SPINLOCK_H

#include <pthread.h>
#include <stdlib.h>

typedef struct {
	pthread_mutex_t m;
} spinlock_t;

static inline void tier0_mutex_init(pthread_mutex_t *m)
{
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	if (pthread_mutex_init(m, &a))
		abort();
	pthread_mutexattr_destroy(&a);
}

static inline void tier0_mutex_lock(pthread_mutex_t *m)
{
	if (pthread_mutex_lock(m))
		abort();
}

static inline void tier0_mutex_unlock(pthread_mutex_t *m)
{
	if (pthread_mutex_unlock(m))
		abort();
}

#define spin_lock_init(l)	tier0_mutex_init(&(l)->m)
#define spin_lock(l)		tier0_mutex_lock(&(l)->m)
#define spin_unlock(l)		tier0_mutex_unlock(&(l)->m)
#define spin_lock_bh(l)		tier0_mutex_lock(&(l)->m)
#define spin_unlock_bh(l)	tier0_mutex_unlock(&(l)->m)
#define lockdep_assert_held(l)	do { } while (0)

#endif
