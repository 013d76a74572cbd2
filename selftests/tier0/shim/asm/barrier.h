/* SPDX-License-Identifier: GPL-2.0 */
/* Tier-0 shim: <asm/barrier.h> on the compiler's C11 atomics. */
#ifndef _SHIM_ASM_BARRIER_H
#define _SHIM_ASM_BARRIER_H

/*
 * A test may set tier0_after_load to play the peer's next step right after
 * an acquire load returned, to pin down an interleaving (vmpi_ring_test's
 * room events), and either hook to record which accessor touched which
 * address (ring_order_test: a plain load or store records nothing).
 * Weak: one definition however many files include this.
 */
__attribute__((weak)) void (*tier0_after_load)(const void *p);
__attribute__((weak)) void (*tier0_after_store)(const void *p);

#define smp_store_release(p, v) do {					\
	__atomic_store_n(p, v, __ATOMIC_RELEASE);			\
	if (tier0_after_store)						\
		tier0_after_store((const void *)(p));			\
} while (0)

#define smp_load_acquire(p) ({						\
	__typeof__(*(p)) __v = __atomic_load_n(p, __ATOMIC_ACQUIRE);	\
	if (tier0_after_load)						\
		tier0_after_load((const void *)(p));			\
	__v;								\
})
#define smp_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)

#endif
