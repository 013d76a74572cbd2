// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-user wire format, written from the protocol description in QEMU's
 * docs/interop/vhost-user.rst (no header ships it).  Shared by vale-vhost
 * and the hostile test frontend (selftests/vhost/hostile.c).
 *
 * Every message is a 12-byte header (request, flags, payload size, all
 * little-endian u32 -- this file assumes a little-endian host) followed by
 * `size` payload bytes; file descriptors travel as SCM_RIGHTS ancillary
 * data of the same message.
 */
#ifndef VALE_VHOST_USER_H
#define VALE_VHOST_USER_H

#include <stdint.h>

/* Front-end to back-end requests. */
enum vhu_request {
	VHU_GET_FEATURES = 1,
	VHU_SET_FEATURES = 2,
	VHU_SET_OWNER = 3,
	VHU_RESET_OWNER = 4,
	VHU_SET_MEM_TABLE = 5,
	VHU_SET_LOG_BASE = 6,
	VHU_SET_LOG_FD = 7,
	VHU_SET_VRING_NUM = 8,
	VHU_SET_VRING_ADDR = 9,
	VHU_SET_VRING_BASE = 10,
	VHU_GET_VRING_BASE = 11,
	VHU_SET_VRING_KICK = 12,
	VHU_SET_VRING_CALL = 13,
	VHU_SET_VRING_ERR = 14,
	VHU_GET_PROTOCOL_FEATURES = 15,
	VHU_SET_PROTOCOL_FEATURES = 16,
	VHU_GET_QUEUE_NUM = 17,
	VHU_SET_VRING_ENABLE = 18,
	VHU_SEND_RARP = 19,
	VHU_NET_SET_MTU = 20,
	VHU_SET_BACKEND_REQ_FD = 21,
	VHU_IOTLB_MSG = 22,
	VHU_SET_VRING_ENDIAN = 23,
	VHU_GET_CONFIG = 24,
	VHU_SET_CONFIG = 25,
	VHU_RESET_DEVICE = 34,
	VHU_GET_MAX_MEM_SLOTS = 36,
	VHU_ADD_MEM_REG = 37,
	VHU_REM_MEM_REG = 38,
	VHU_REQ_MAX = 64,
};

/* Header flags. */
#define VHU_VERSION		0x1
#define VHU_VERSION_MASK	0x3
#define VHU_FLAG_REPLY		(1u << 2)
#define VHU_FLAG_NEED_REPLY	(1u << 3)

/* Virtio feature bit that announces the protocol-feature negotiation. */
#define VHU_F_PROTOCOL_FEATURES	30

/* Protocol feature bits. */
#define VHU_PROTO_F_MQ			0
#define VHU_PROTO_F_LOG_SHMFD		1
#define VHU_PROTO_F_RARP		2
#define VHU_PROTO_F_REPLY_ACK		3
#define VHU_PROTO_F_MTU			4
#define VHU_PROTO_F_BACKEND_REQ		5
#define VHU_PROTO_F_CONFIG		9
#define VHU_PROTO_F_CONFIGURE_MEM_SLOTS	15

/* SET_VRING_KICK/CALL/ERR payload: low byte is the ring, bit 8 "no fd". */
#define VHU_VRING_IDX_MASK	0xffull
#define VHU_VRING_NOFD		(1ull << 8)

#define VHU_MAX_MEM_REGIONS	8
#define VHU_MAX_FDS		8

struct vhu_hdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
} __attribute__((packed));

struct vhu_vring_state {
	uint32_t index;
	uint32_t num;
};

struct vhu_vring_addr {
	uint32_t index;
	uint32_t flags;		/* bit 0: log the used ring (not offered) */
	uint64_t desc_uaddr;	/* front-end virtual addresses */
	uint64_t used_uaddr;
	uint64_t avail_uaddr;
	uint64_t log_gaddr;
};

struct vhu_mem_region {
	uint64_t guest_phys_addr;
	uint64_t memory_size;
	uint64_t userspace_addr;
	uint64_t mmap_offset;
};

struct vhu_mem_table {
	uint32_t nregions;
	uint32_t padding;
	struct vhu_mem_region regions[VHU_MAX_MEM_REGIONS];
};

struct vhu_config {
	uint32_t offset;
	uint32_t size;
	uint32_t flags;
	uint8_t payload[256];
};

union vhu_payload {
	uint64_t u64;
	struct vhu_vring_state state;
	struct vhu_vring_addr addr;
	struct vhu_mem_table mem;
	struct vhu_config config;
	uint8_t raw[512];
};

/* In memory (not on the wire: there the payload follows the header). */
struct vhu_msg {
	struct vhu_hdr hdr;
	union vhu_payload p;
};

#endif /* VALE_VHOST_USER_H */
