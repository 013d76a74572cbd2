// SPDX-License-Identifier: GPL-2.0
/*
 * vale: validation of register requests and region layout.
 *
 * Region layout (every offset is published through VALE_IOC_REGISTER and
 * the info header, user space never assumes it):
 *
 *   0                 struct vale_info
 *   tx_ring           num_tx_rings rings, ring_stride bytes apart
 *   rx_ring           num_rx_rings rings, ring_stride bytes apart
 *   bufs (page)       num_bufs buffers of buf_size bytes
 *   region_size       end, a multiple of PAGE_SIZE
 *
 * A ring is struct vale_ring followed by num_slots slots, rounded up to a
 * cache line.  Slot j of tx ring i initially owns buffer i * num_slots + j,
 * rx rings follow the tx rings, and the extra buffers come last.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/mm.h>

#include "param.h"

#define VALE_ALIGN_LINE	64

static bool vale_name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

int vale_name_parse(const char name[VALE_NAME_MAX], char *sw, char *port)
{
	size_t plen = sizeof(VALE_SWITCH_PREFIX) - 1;
	size_t len, colon = 0, i;

	len = strnlen(name, VALE_NAME_MAX);
	if (len == VALE_NAME_MAX)
		return -EINVAL;		/* not terminated inside the array */
	if (len <= plen || memcmp(name, VALE_SWITCH_PREFIX, plen))
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (name[i] == ':') {
			if (colon)
				return -EINVAL;	/* a second colon */
			colon = i;
			continue;
		}
		if (!vale_name_char_ok(name[i]))
			return -EINVAL;
	}
	/* "vale" plus at least one character, then a non-empty port part */
	if (colon <= plen || colon + 1 >= len)
		return -EINVAL;
	memcpy(sw, name, colon);
	sw[colon] = '\0';
	memcpy(port, name + colon + 1, len - colon - 1);
	port[len - colon - 1] = '\0';
	return 0;
}

static int vale_geom(u32 val, u32 def, u32 min, u32 max, u32 *out)
{
	if (!val)
		val = def;
	if (val < min || val > max)
		return -EINVAL;
	*out = val;
	return 0;
}

int vale_layout_compute(const struct vale_register *req,
			struct vale_layout *lay)
{
	u64 ring_bytes, stride, rings, pos, bufs_bytes, size;
	u32 i, nbufs;

	if (req->version != VALE_API_VERSION || req->flags)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(req->__reserved); i++)
		if (req->__reserved[i])
			return -EINVAL;

	memset(lay, 0, sizeof(*lay));
	if (vale_geom(req->num_tx_rings, 1, 1, VALE_MAX_RINGS,
		      &lay->num_tx_rings) ||
	    vale_geom(req->num_rx_rings, 1, 1, VALE_MAX_RINGS,
		      &lay->num_rx_rings) ||
	    vale_geom(req->num_slots, VALE_DEF_SLOTS, VALE_MIN_SLOTS,
		      VALE_MAX_SLOTS, &lay->num_slots) ||
	    vale_geom(req->buf_size, VALE_DEF_BUF_SIZE, VALE_MIN_BUF_SIZE,
		      VALE_MAX_BUF_SIZE, &lay->buf_size))
		return -EINVAL;
	if (lay->buf_size % 64 || req->extra_bufs > VALE_MAX_EXTRA_BUFS)
		return -EINVAL;

	/* The values are bounded above, but check anyway: cheap and local. */
	if (check_mul_overflow((u64)lay->num_slots,
			       (u64)sizeof(struct vale_slot), &ring_bytes) ||
	    check_add_overflow(ring_bytes, (u64)sizeof(struct vale_ring),
			       &ring_bytes))
		return -EINVAL;
	stride = round_up(ring_bytes, VALE_ALIGN_LINE);
	if (check_mul_overflow((u64)(lay->num_tx_rings + lay->num_rx_rings),
			       (u64)lay->num_slots, &rings) ||
	    check_add_overflow(rings, (u64)req->extra_bufs, &rings) ||
	    rings > U32_MAX)
		return -EINVAL;
	nbufs = (u32)rings;

	lay->num_bufs = nbufs;
	lay->first_extra_buf = nbufs - req->extra_bufs;
	lay->num_extra_bufs = req->extra_bufs;

	lay->off.info = 0;
	lay->off.tx_ring = round_up(sizeof(struct vale_info), VALE_ALIGN_LINE);
	lay->off.ring_stride = stride;
	if (check_mul_overflow(stride, (u64)lay->num_tx_rings, &pos) ||
	    check_add_overflow(pos, lay->off.tx_ring, &pos))
		return -EINVAL;
	lay->off.rx_ring = pos;
	if (check_mul_overflow(stride, (u64)lay->num_rx_rings, &size) ||
	    check_add_overflow(pos, size, &pos))
		return -EINVAL;
	lay->off.bufs = round_up(pos, PAGE_SIZE);
	if (check_mul_overflow((u64)nbufs, (u64)lay->buf_size, &bufs_bytes) ||
	    check_add_overflow(lay->off.bufs, bufs_bytes, &size))
		return -EINVAL;
	size = round_up(size, PAGE_SIZE);
	if (size > VALE_MAX_REGION_SIZE)
		return -EINVAL;
	lay->region_size = size;

	lay->off.ring.head = offsetof(struct vale_ring, head);
	lay->off.ring.cur = offsetof(struct vale_ring, cur);
	lay->off.ring.tail = offsetof(struct vale_ring, tail);
	lay->off.ring.slots = offsetof(struct vale_ring, slot);
	lay->off.slot_size = sizeof(struct vale_slot);
	return 0;
}
