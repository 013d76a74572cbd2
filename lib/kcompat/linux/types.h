/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libvale: the kernel's short type names on top of the uapi <linux/types.h>,
 * for the kernel sources libvale compiles unchanged.
 */
#ifndef _LIBVALE_KCOMPAT_LINUX_TYPES_H
#define _LIBVALE_KCOMPAT_LINUX_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#endif
