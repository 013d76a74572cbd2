/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tier-0 shim: <linux/rcupdate.h>.  Tier-0 programs never free what a
 * reader may see while it runs, so the read side only counts its nesting
 * (tier0_rcu_depth, which the sched.h shim checks as the kernel's
 * might_sleep() does) and calls tier0_rcu_hook, when a test set it, as the
 * outermost section begins (1) and ends (0): flood_section_test measures
 * the work done in one section that way.  The pointer accessors are plain
 * (acquire/release) accesses.  Weak: one definition however many files
 * include this.
 */
#ifndef _SHIM_LINUX_RCUPDATE_H
#define _SHIM_LINUX_RCUPDATE_H

#include <linux/compiler.h>

__attribute__((weak)) int tier0_rcu_depth;
__attribute__((weak)) void (*tier0_rcu_hook)(int begin);

#define rcu_read_lock() do {						\
	if (tier0_rcu_depth++ == 0 && tier0_rcu_hook)			\
		tier0_rcu_hook(1);					\
} while (0)
#define rcu_read_unlock() do {						\
	if (--tier0_rcu_depth == 0 && tier0_rcu_hook)			\
		tier0_rcu_hook(0);					\
} while (0)
#define rcu_dereference(p)		__atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define rcu_access_pointer(p)		READ_ONCE(p)
#define rcu_assign_pointer(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v)		WRITE_ONCE(p, v)
#define synchronize_rcu()		do { } while (0)

struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

#endif
