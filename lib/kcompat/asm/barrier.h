/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libvale: the kernel's SMP barriers on the compiler's atomics, for the
 * kernel sources libvale compiles unchanged.  smp_mb() is a full fence
 * (the store-load ordering the event-index handshakes need).
 */
#ifndef _LIBVALE_KCOMPAT_ASM_BARRIER_H
#define _LIBVALE_KCOMPAT_ASM_BARRIER_H

#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)

#endif
