/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vale: a VALE-style software Ethernet switch with mmap'd shared rings.
 *
 * User-space ABI of /dev/vale.
 *
 * A process opens /dev/vale, binds the file to a port with
 * VALE_IOC_REGISTER ("valeX:Y" creates switch valeX and port Y on it when
 * they do not exist yet) and maps the port's private memory region with
 * mmap(fd, 0, region_size).  The region holds an info header, the rings and
 * the buffer pool.  VALE_IOC_REGISTER returns the region size and the offset
 * of every part of it; user space never assumes a layout.
 *
 * Ring semantics (netmap's):
 *
 *   Indices run from 0 to num_slots - 1 and wrap.  Slots [head, tail)
 *   belong to user space, every other slot to the kernel.  One slot is
 *   always left unused so that head == tail means "user owns nothing".
 *
 *   tx: the user fills slots starting at head, then moves head (and cur)
 *       forward.  A sync (VALE_IOC_TXSYNC or poll()) hands [old head, head)
 *       to the switch, which forwards them before returning, and moves tail
 *       forward over the slots it has finished with.
 *   rx: the kernel fills slots starting at tail and moves tail forward when
 *       they are complete (it does so as soon as packets are delivered; a
 *       sync also refreshes it).  The user consumes slots from head and moves
 *       head forward to give them back; the next sync reclaims them.
 *   cur is the poll() wake-up point: POLLIN is reported while an rx ring has
 *   packets beyond cur (cur != tail), POLLOUT while a tx ring has room beyond
 *   cur.  User space keeps head <= cur <= tail (modulo the ring).
 *
 * Memory ordering.  head, cur and tail are the only synchronisation between
 * the two sides: every one is stored with a release and loaded with an
 * acquire (the kernel's smp_store_release()/smp_load_acquire(), C11's
 * memory_order_release/acquire; libvale's accessors do it).  A plain store
 * or load is not enough on weakly ordered CPUs (arm64, POWER, RISC-V).
 * The pairs, by what each orders:
 *
 *   (A) tx, user -> kernel.  The user writes slots and buffers, then
 *       stores head (release).  The tx sync loads head (acquire), then
 *       reads the slots and buffers before it: it sees what was written.
 *   (B) tx, kernel -> user.  The sync reads slots and buffers, forwards
 *       them, then stores tail (release).  The user loads tail (acquire)
 *       before it refills those slots: the kernel's reads are done first.
 *   (C) rx, kernel -> user.  A forwarder writes slots and buffers, then
 *       stores tail (release; also the rx sync).  The user loads tail
 *       (acquire), then reads the slots and buffers before it.
 *   (D) rx, user -> kernel.  The user reads slots and buffers, then
 *       stores head (release).  The rx sync loads head (acquire) before it
 *       hands those slots back to the forwarders (under the ring's lock),
 *       so no forwarder overwrites a slot the user is still reading.
 *   (E) cur.  It carries no data; the user stores cur before head (both
 *       release) and the kernel loads head before cur (both acquire), so
 *       the cur it sees is never older than the head it goes with.
 *
 * The kernel keeps its own copy of every index and reads head, cur and every
 * slot exactly once per sync.  Indices out of range or moved backwards make
 * the sync fail with -EINVAL (nothing is forwarded or reclaimed, tail is
 * rewritten from the kernel's copy; poll() reports POLLERR); a slot whose
 * buf_idx is outside the port's pool, whose len is zero or larger than the
 * buffer, or whose flags hold unknown bits is dropped and counted
 * (drop_bad_slot).  A slot with unknown flags also ends its packet.  A
 * MOREFRAG chain that is not terminated before head, has more than
 * VALE_MAX_FRAGS slots or more than VALE_MAX_PKT_LEN bytes is dropped
 * (drop_bad_frag).  Forwarding goes on with the next packet.
 *
 * Packets sent on tx ring i arrive on rx ring i % num_rx_rings of each
 * destination, split over as many slots as the receiver's buf_size needs
 * (MOREFRAG on all but the last).  The learning bridge needs the Ethernet
 * header (14 bytes) in the first slot.  An rx slot whose buf_idx the
 * receiver corrupted while the kernel owned it is delivered with len 0.
 *
 * mmap() takes the whole region only: MAP_SHARED, offset 0, length
 * region_size, else -EINVAL.  On a file not yet bound by VALE_IOC_REGISTER,
 * mmap() and every vale ioctl but VALE_IOC_REGISTER fail with -ENXIO and
 * poll() reports POLLERR.  A command that is not vale's is -ENOTTY, bound
 * or not.
 */
#ifndef _UAPI_LINUX_VALE_H
#define _UAPI_LINUX_VALE_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define VALE_API_VERSION	1

/* Port names are "<switch>:<port>", NUL terminated, printable ASCII. */
#define VALE_NAME_MAX		64	/* including the terminating NUL */
#define VALE_SWITCH_PREFIX	"vale"

/* Limits and defaults of VALE_IOC_REGISTER. */
#define VALE_MAX_RINGS		16	/* per direction */
#define VALE_MIN_SLOTS		8
#define VALE_MAX_SLOTS		16384	/* power of two not required */
#define VALE_DEF_SLOTS		1024
#define VALE_MIN_BUF_SIZE	64	/* multiple of 64 */
#define VALE_MAX_BUF_SIZE	16384
#define VALE_DEF_BUF_SIZE	2048
#define VALE_MAX_EXTRA_BUFS	65536
#define VALE_MAX_REGION_SIZE	0x40000000ULL	/* 1 GiB */

/* Largest packet the switch accepts, split over MOREFRAG slots. */
#define VALE_MAX_PKT_LEN	65535
#define VALE_MAX_FRAGS		64

/*
 * One slot of a ring.  buf_idx names a buffer of the port's own pool (user
 * space may swap buffers between its slots and its extra buffers); len is
 * the number of valid bytes in it.  The struct may grow at its end: slot j
 * of a ring is at ring.slots + j * slot_size (struct vale_mmap_offsets),
 * and slot_size >= sizeof(struct vale_slot).
 */
struct vale_slot {
	__u32 buf_idx;
	__u16 len;
	__u16 flags;
};

/* The packet continues in the next slot. */
#define VALE_SLOT_MOREFRAG	0x0001
/* Kernel to user: buf_idx was changed by the kernel (reserved). */
#define VALE_SLOT_BUF_CHANGED	0x0002
#define VALE_SLOT_FLAGS_MASK	(VALE_SLOT_MOREFRAG | VALE_SLOT_BUF_CHANGED)

/*
 * A ring in the shared region.  Fields written by user space and fields
 * written by the kernel sit on separate cache lines.  Use the offsets in
 * struct vale_ring_offsets rather than this struct when writing a library
 * that must survive layout changes; the struct documents version 1.
 */
struct vale_ring {
	/* written by user space */
	__u32 head;
	__u32 cur;
	__u32 __pad0[14];
	/* written by the kernel */
	__u32 tail;
	__u32 __pad1[15];
	/* constant after registration */
	__u32 num_slots;
	__u32 buf_size;
	__u32 ring_id;
	__u32 flags;		/* VALE_RING_TX or VALE_RING_RX */
	__u32 __pad2[12];
	struct vale_slot slot[];
};

#define VALE_RING_TX		0x1
#define VALE_RING_RX		0x2

/* Offsets of the fields of a ring, relative to the ring's own offset. */
struct vale_ring_offsets {
	__u64 head;
	__u64 cur;
	__u64 tail;
	__u64 slots;
};

/*
 * Where everything is inside the region.  Ring i of a direction starts at
 * tx_ring (or rx_ring) + i * ring_stride; slot j of a ring starts at
 * ring.slots + j * slot_size from the ring.  Buffer n starts at
 * bufs + n * buf_size, for n < num_bufs.
 */
struct vale_mmap_offsets {
	__u64 info;		/* struct vale_info */
	__u64 tx_ring;
	__u64 rx_ring;
	__u64 ring_stride;
	__u64 bufs;
	struct vale_ring_offsets ring;
	__u64 slot_size;	/* bytes per slot, >= sizeof(struct vale_slot) */
};

/*
 * Header at offset info of the region: a read-only copy of what
 * VALE_IOC_REGISTER returned, so that a mapping describes itself.
 */
#define VALE_INFO_MAGIC		0x56414c45	/* "VALE" */

struct vale_info {
	__u32 magic;
	__u32 version;
	char name[VALE_NAME_MAX];
	__u32 num_tx_rings;
	__u32 num_rx_rings;
	__u32 num_slots;
	__u32 buf_size;
	__u32 num_bufs;
	/* buffers not referenced by any slot after registration */
	__u32 first_extra_buf;
	__u32 num_extra_bufs;
	__u32 __pad;
	__u64 region_size;
	struct vale_mmap_offsets off;
};

/*
 * VALE_IOC_REGISTER: bind an unbound /dev/vale file to a port.
 *
 * in:  version (VALE_API_VERSION), name, and the geometry; a zero geometry
 *      field selects the default.  flags and every reserved field must be 0.
 * out: the geometry actually used, num_bufs, region_size and offsets.
 *
 * The out fields are ignored on input.
 *
 * Errors: -EINVAL for a bad name, version, flag or size; -EBUSY when the
 * file is already bound or the port is in use; -EEXIST never (an existing
 * switch is joined); -ENOSPC when the switch has no free port (1024 ports
 * per switch); -ENOMEM when the region cannot be allocated (regions above
 * a quarter of the machine's RAM are refused); -EPERM when the switch is
 * restricted and the caller may not open that port, or is being deleted
 * (netlink switch-del).
 */
struct vale_register {
	__u32 version;
	__u32 flags;
	char name[VALE_NAME_MAX];
	__u32 num_tx_rings;
	__u32 num_rx_rings;
	__u32 num_slots;
	__u32 buf_size;
	__u32 extra_bufs;
	__u32 num_bufs;		/* out */
	__u64 region_size;	/* out */
	struct vale_mmap_offsets off;	/* out */
	__u64 __reserved[4];
};

/*
 * Counters of one port, VALE_IOC_GET_STATS.  A drop is counted once, at
 * the port that caused it: bad slots, bad chains and packets without a
 * destination at the sender; a full rx ring or a packet too long for it at
 * the receiver (like a NIC's rx overrun).  drop_bad_slot also counts, at
 * the receiver, rx slots delivered with len 0 because of a bad buf_idx.
 * drop_no_dest: the lookup found no destination, the frame is shorter than
 * an Ethernet header, or it is addressed to the sender itself.
 * drop_too_long: the packet needs more rx slots than
 * min(VALE_MAX_FRAGS, num_slots - 1) of the receiver.
 */
struct vale_port_stats {
	__u64 tx_packets;	/* accepted from this port's tx rings */
	__u64 tx_bytes;
	__u64 rx_packets;	/* delivered into this port's rx rings */
	__u64 rx_bytes;
	__u64 drop_bad_slot;	/* buf_idx, len or flags invalid */
	__u64 drop_bad_frag;	/* MOREFRAG chain too long or unterminated */
	__u64 drop_ring_full;	/* destination rx ring had no room */
	__u64 drop_no_dest;	/* no destination, see above */
	__u64 drop_too_long;	/* larger than the receiver's ring allows */
	__u64 bypass_tx_packets;	/* of tx_packets: reported, see below */
	__u64 bypass_rx_packets;	/* of rx_packets: reported */
	__u64 __reserved[5];
};

/*
 * VALE_IOC_BYPASS_REPORT: the owner of a port that carried frames beside
 * the switch (vale-vhost joining the two ports of a point-to-point pair
 * directly, Documentation/steering.md) reports them, so that the port's
 * counters and its pair rule's stay true.  tx_* are frames this port sent
 * to its peer, rx_* frames it received from it; they are added to
 * tx_packets/tx_bytes and rx_packets/rx_bytes, the packet counts also to
 * bypass_tx_packets and bypass_rx_packets.  With VALE_BYPASS_F_RULE,
 * tx_packets and tx_bytes are also added to the counters of rule
 * @rule_id of the port's switch, which must exist (-ENOENT) and must not
 * match on another input port (-EINVAL).  Other flags, a rule_id without
 * the flag and nonzero __reserved are -EINVAL; -ENXIO on an unbound file,
 * -EFAULT for a bad pointer.  On error nothing is added.
 */
#define VALE_BYPASS_F_RULE	0x0001U

struct vale_bypass_report {
	__u64 tx_packets;
	__u64 tx_bytes;
	__u64 rx_packets;
	__u64 rx_bytes;
	__u32 rule_id;
	__u32 flags;		/* VALE_BYPASS_F_* */
	__u64 __reserved[2];
};

/*
 * VALE_IOC_TXSYNC, VALE_IOC_RXSYNC: sync one ring or every ring of a
 * direction.  The argument points to a __u32 holding a ring index below
 * num_tx_rings (num_rx_rings), or VALE_SYNC_ALL_RINGS:
 *
 *	__u32 ring = 0;
 *	ioctl(fd, VALE_IOC_TXSYNC, &ring);
 *
 * Errors: -EFAULT for a bad pointer; -EINVAL for an index out of range
 * (nothing is synced) or for a ring whose head or cur are invalid (with
 * VALE_SYNC_ALL_RINGS the other rings are still synced); -ENXIO on an
 * unbound file.  (A pointer rather than a value in the argument keeps
 * the command's direction and size truthful and 32-bit callers simple.)
 */
#define VALE_SYNC_ALL_RINGS	0xffffffffU

#define VALE_IOC_MAGIC		'V'
#define VALE_IOC_REGISTER	_IOWR(VALE_IOC_MAGIC, 1, struct vale_register)
#define VALE_IOC_TXSYNC		_IOW(VALE_IOC_MAGIC, 2, __u32)
#define VALE_IOC_RXSYNC		_IOW(VALE_IOC_MAGIC, 3, __u32)
#define VALE_IOC_GET_STATS	_IOR(VALE_IOC_MAGIC, 4, struct vale_port_stats)
#define VALE_IOC_BYPASS_REPORT	_IOW(VALE_IOC_MAGIC, 5, struct vale_bypass_report)

/*
 * Generic netlink family "vale": the control plane.  The normative
 * description is Documentation/netlink/vale.yaml; Documentation/
 * control-plane.md explains every operation.
 *
 * Switches are global (not per network namespace); netdev names and
 * ifindexes are looked up in the requester's namespace.  Mutations need
 * CAP_NET_ADMIN in the initial user namespace.  Errors carry an extack
 * message.
 */
#define VALE_GENL_NAME		"vale"
#define VALE_GENL_VERSION	1
#define VALE_GENL_MCGRP_EVENTS	"events"	/* switch and port events */
#define VALE_NL_MAX_PAIRS	16	/* VALE_A_SWITCH_PAIRs in a message */

enum vale_lookup_mode {
	VALE_LOOKUP_LEARNING,	/* learning bridge (default) */
	VALE_LOOKUP_P2P,	/* ports paired by index: 0-1, 2-3, ... */
	VALE_LOOKUP_RULES,	/* the switch's steering rules; no match: drop */
};

/*
 * Steering rules (lookup mode "rules"): the first rule, by priority
 * (highest first) then id (lowest first), whose fields all match a frame
 * decides its fate; a field a rule does not give matches anything.
 */
enum vale_rule_act {
	VALE_RULE_ACT_OUTPUT,	/* to VALE_A_RULE_OUT_PORT */
	VALE_RULE_ACT_FLOOD,	/* to every port but the source */
	VALE_RULE_ACT_DROP,
	VALE_RULE_ACT_LEARN,	/* to the learning bridge */

	__VALE_RULE_ACT_MAX,
	VALE_RULE_ACT_MAX = (__VALE_RULE_ACT_MAX - 1)
};

enum vale_port_kind {
	VALE_PORT_KIND_RING = 1,	/* shared-memory rings on /dev/vale */
	VALE_PORT_KIND_NETDEV,		/* an attached kernel net device */
};

enum vale_cmd {
	VALE_CMD_UNSPEC,
	VALE_CMD_SWITCH_NEW,
	VALE_CMD_SWITCH_DEL,
	VALE_CMD_SWITCH_GET,
	VALE_CMD_SWITCH_SET,
	VALE_CMD_PORT_NEW,
	VALE_CMD_PORT_DEL,
	VALE_CMD_PORT_GET,
	VALE_CMD_NETDEV_ATTACH,
	VALE_CMD_NETDEV_DETACH,
	/* notifications on VALE_GENL_MCGRP_EVENTS */
	VALE_CMD_SWITCH_ADD_NTF,
	VALE_CMD_SWITCH_DEL_NTF,
	VALE_CMD_SWITCH_CHANGE_NTF,
	VALE_CMD_PORT_ADD_NTF,
	VALE_CMD_PORT_DEL_NTF,
	VALE_CMD_PORT_CHANGE_NTF,
	/* steering rules, attribute set "rule" */
	VALE_CMD_RULE_NEW,
	VALE_CMD_RULE_DEL,
	VALE_CMD_RULE_SET,		/* replace rule VALE_A_RULE_ID */
	VALE_CMD_RULE_GET,
	VALE_CMD_RULE_FLUSH,
	/* notifications, attribute set "pair" */
	VALE_CMD_P2P_UP_NTF,
	VALE_CMD_P2P_DOWN_NTF,

	__VALE_CMD_MAX,
	VALE_CMD_MAX = (__VALE_CMD_MAX - 1)
};

/* Attribute set "switch". */
enum vale_attr_switch {
	VALE_A_SWITCH_UNSPEC,
	VALE_A_SWITCH_NAME,		/* string, "vale..." */
	VALE_A_SWITCH_RESTRICTED,	/* u8 0/1 */
	VALE_A_SWITCH_LOOKUP,		/* u32, enum vale_lookup_mode */
	VALE_A_SWITCH_BATCH,		/* u32, 1..1024 */
	VALE_A_SWITCH_PERSISTENT,	/* u8, out: created over netlink */
	VALE_A_SWITCH_NPORTS,		/* u32, out: live ports */
	VALE_A_SWITCH_NRULES,		/* u32, out: steering rules */
	VALE_A_SWITCH_NPAIRS,		/* u32, out: point-to-point pairs */
	VALE_A_SWITCH_PAIR,		/* nest, set "pair", out, multi */

	__VALE_A_SWITCH_MAX,
	VALE_A_SWITCH_MAX = (__VALE_A_SWITCH_MAX - 1)
};

/* Attribute set "port". */
enum vale_attr_port {
	VALE_A_PORT_UNSPEC,
	VALE_A_PORT_SWITCH,		/* string, switch name */
	VALE_A_PORT_NAME,		/* string, port part of "switch:port" */
	VALE_A_PORT_INDEX,		/* u32, out: index in the switch */
	VALE_A_PORT_KIND,		/* u32, out: enum vale_port_kind */
	VALE_A_PORT_ADMIN,		/* u8, out: created over netlink */
	VALE_A_PORT_OPEN,		/* u8, out: live (bound or attached) */
	VALE_A_PORT_UID,		/* u32, owner uid */
	VALE_A_PORT_GID,		/* u32, owner gid */
	VALE_A_PORT_IFINDEX,		/* u32, netdev */
	VALE_A_PORT_IFNAME,		/* string, netdev */
	VALE_A_PORT_STATS,		/* nest, attribute set "stats", out */

	__VALE_A_PORT_MAX,
	VALE_A_PORT_MAX = (__VALE_A_PORT_MAX - 1)
};

/*
 * Attribute set "stats": the counters of struct vale_port_stats, seen
 * from the switch (tx: entered the switch from the port; rx: delivered
 * by the switch to the port), plus the netdev ports' own drop causes.
 */
enum vale_attr_stats {
	VALE_A_STATS_UNSPEC,
	VALE_A_STATS_PAD,
	VALE_A_STATS_TX_PACKETS,	/* u64 */
	VALE_A_STATS_TX_BYTES,
	VALE_A_STATS_RX_PACKETS,
	VALE_A_STATS_RX_BYTES,
	VALE_A_STATS_DROP_BAD_SLOT,
	VALE_A_STATS_DROP_BAD_FRAG,
	VALE_A_STATS_DROP_RING_FULL,
	VALE_A_STATS_DROP_NO_DEST,
	VALE_A_STATS_DROP_TOO_LONG,
	VALE_A_STATS_DROP_LINK_DOWN,	/* netdev down or without carrier */
	VALE_A_STATS_DROP_XMIT,		/* skb allocation or xmit failed */
	VALE_A_STATS_DROP_RX_ERROR,	/* frame from the netdev unusable */
	VALE_A_STATS_DROP_RECURSION,	/* nesting limit of netdev ports */
	VALE_A_STATS_BYPASS_TX_PACKETS,	/* of tx-packets: reported, beside */
	VALE_A_STATS_BYPASS_RX_PACKETS,	/* the switch (bypass_*_packets) */

	__VALE_A_STATS_MAX,
	VALE_A_STATS_MAX = (__VALE_A_STATS_MAX - 1)
};

/* Attribute set "rule". */
enum vale_attr_rule {
	VALE_A_RULE_UNSPEC,
	VALE_A_RULE_PAD,
	VALE_A_RULE_SWITCH,		/* string, switch name */
	VALE_A_RULE_ID,			/* u32, chosen by the administrator */
	VALE_A_RULE_PRIO,		/* u16, higher first (default 0) */
	VALE_A_RULE_IN_PORT,		/* string, match: input port's name */
	VALE_A_RULE_DST,		/* binary, 6 bytes, match: destination */
	VALE_A_RULE_VID,		/* u32, 0..4095, match: outer VLAN id */
	VALE_A_RULE_UNTAGGED,		/* flag, match: frames without a tag */
	VALE_A_RULE_ETHERTYPE,		/* u16, match: the one after a tag */
	VALE_A_RULE_ACTION,		/* u32, enum vale_rule_act */
	VALE_A_RULE_OUT_PORT,		/* string, port of "output" */
	VALE_A_RULE_PACKETS,		/* u64, out: frames it decided */
	VALE_A_RULE_BYTES,		/* u64, out */

	__VALE_A_RULE_MAX,
	VALE_A_RULE_MAX = (__VALE_A_RULE_MAX - 1)
};

/*
 * Attribute set "pair": two ports that only talk to each other (by the
 * rules, or as the only two ports of a learning switch, or as a pair of
 * a p2p switch).
 */
enum vale_attr_pair {
	VALE_A_PAIR_UNSPEC,
	VALE_A_PAIR_SWITCH,		/* string */
	VALE_A_PAIR_PORT_A,		/* string, the lower index */
	VALE_A_PAIR_PORT_B,		/* string */
	VALE_A_PAIR_INDEX_A,		/* u32 */
	VALE_A_PAIR_INDEX_B,		/* u32 */
	VALE_A_PAIR_BYPASS,		/* flag: the pair may be carried beside
					 * the switch (steering.md)
					 */
	VALE_A_PAIR_RULE_A,		/* u32: the rule deciding A's frames */
	VALE_A_PAIR_RULE_B,		/* u32: B's; absent: no rule */

	__VALE_A_PAIR_MAX,
	VALE_A_PAIR_MAX = (__VALE_A_PAIR_MAX - 1)
};

#endif /* _UAPI_LINUX_VALE_H */
