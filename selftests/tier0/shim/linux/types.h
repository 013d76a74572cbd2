/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tier-0 shim: the kernel's <linux/types.h> for user space.  Like the
 * kernel's tools/include, these headers provide just what kmod/ring.c,
 * kmod/lookup.c, kmod/param.c and kmod/fwd.c (with the headers it pulls
 * in: port.h, switch.h, mem.h) use, nothing more.
 */
#ifndef _SHIM_LINUX_TYPES_H
#define _SHIM_LINUX_TYPES_H

#include_next <linux/types.h>	/* __u32 and friends for uapi headers */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

/* Sparse annotations (the kernel's come with <linux/compiler_types.h>). */
#define __user
#define __rcu
#define __force
#define __percpu

typedef unsigned int gfp_t;

#endif
