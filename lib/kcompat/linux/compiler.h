/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libvale: the kernel's shared-memory accessors for the kernel sources
 * libvale compiles unchanged (guest-driver/vmpi_ring.c), on the compiler's
 * atomics.  A relaxed atomic load or store of the whole object is what
 * READ_ONCE()/WRITE_ONCE() promise: one access, not torn, not repeated.
 */
#ifndef _LIBVALE_KCOMPAT_LINUX_COMPILER_H
#define _LIBVALE_KCOMPAT_LINUX_COMPILER_H

#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

#endif
