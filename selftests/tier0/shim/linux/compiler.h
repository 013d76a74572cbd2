/* SPDX-License-Identifier: GPL-2.0 */
/* Tier-0 shim: the parts of <linux/compiler.h> the pure files use. */
#ifndef _SHIM_LINUX_COMPILER_H
#define _SHIM_LINUX_COMPILER_H

/*
 * One read into a local, as the kernel's (which also reads 8-byte structs
 * such as a slot).  Tier-0 code runs single-threaded, so a copy suffices;
 * the comma drops qualifiers so that a const struct can be copied.
 */
#define READ_ONCE(x) ({						\
	__typeof__((void)0, (x)) __v;					\
	__builtin_memcpy(&__v, (const void *)&(x), sizeof(__v));	\
	__v;								\
})
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

#ifndef noinline
#define noinline	__attribute__((__noinline__))
#endif

#endif
