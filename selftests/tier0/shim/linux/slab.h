/* SPDX-License-Identifier: GPL-2.0 */
/* Tier-0 shim: <linux/slab.h> allocations on malloc. */
#ifndef _SHIM_LINUX_SLAB_H
#define _SHIM_LINUX_SLAB_H

#include <stdlib.h>
#include <linux/types.h>

#define GFP_KERNEL	0u
#define GFP_KERNEL_ACCOUNT	0u

static inline void *kvmalloc(size_t size, gfp_t gfp)
{
	return malloc(size);
}

static inline void *kvzalloc(size_t size, gfp_t gfp)
{
	return calloc(1, size);
}

static inline void *kvmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return malloc(bytes);
}

static inline void kvfree(const void *p)
{
	free((void *)p);
}

#define kmalloc(size, gfp)	kvmalloc(size, gfp)
#define kzalloc(size, gfp)	kvzalloc(size, gfp)
#define kcalloc(n, size, gfp)	calloc(n, size)
#define kfree(p)		kvfree(p)

#endif
