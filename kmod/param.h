/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale: validation of VALE_IOC_REGISTER arguments and the layout of a
 * port's memory region.  Pure logic: also built in user space (Tier 0).
 */
#ifndef _VALE_PARAM_H
#define _VALE_PARAM_H

#include <linux/types.h>
#include <linux/vale.h>

/* Geometry and layout of one port's region, derived from a request. */
struct vale_layout {
	u32 num_tx_rings;
	u32 num_rx_rings;
	u32 num_slots;
	u32 buf_size;
	u32 num_bufs;
	u32 first_extra_buf;
	u32 num_extra_bufs;
	u64 region_size;
	struct vale_mmap_offsets off;
};

/*
 * Split a "valeX:Y" name into its switch and port parts.  sw and port
 * receive NUL-terminated copies and must hold VALE_NAME_MAX bytes.
 * Returns 0 or -EINVAL.
 */
int vale_name_parse(const char name[VALE_NAME_MAX], char *sw, char *port);

/*
 * Check version, flags, reserved fields and geometry of a register request
 * and compute the region layout.  Output fields of @req are ignored.
 * Returns 0 or -EINVAL.
 */
int vale_layout_compute(const struct vale_register *req,
			struct vale_layout *lay);

#endif /* _VALE_PARAM_H */
