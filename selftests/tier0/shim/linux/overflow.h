/* SPDX-License-Identifier: GPL-2.0 */
/* Tier-0 shim: <linux/overflow.h> on the compiler builtins, as the kernel. */
#ifndef _SHIM_LINUX_OVERFLOW_H
#define _SHIM_LINUX_OVERFLOW_H

#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)
/* Without the kernel's saturation: Tier-0 callers keep @n small. */
#define struct_size(p, member, n) \
	(sizeof(*(p)) + sizeof((p)->member[0]) * (size_t)(n))

#endif
