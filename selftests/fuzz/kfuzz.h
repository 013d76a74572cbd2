/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale-kfuzz: a structure-aware sequence fuzzer for vale.ko.
 *
 * A program is a list of typed calls generated from a 64-bit seed
 * (gen.c): /dev/vale file operations on a small table of fd slots,
 * writes into the mapped rings, fork/kill of a child holding the fds,
 * generic netlink requests of the "vale" family and veth devices to
 * attach.  Generation depends on the seed alone, never on what the
 * kernel answered, so that --print shows exactly what a seed runs.
 * exec.c runs a program, each call on the thread it names, and checks
 * every errno against the set the ABI documents for that call.
 */
#ifndef VALE_KFUZZ_H
#define VALE_KFUZZ_H

#include <stdint.h>
#include <stdio.h>

#define KF_FDS		6	/* fd slots of a program */
#define KF_THREADS	3	/* thread 0 is the main thread */
#define KF_SWITCHES	4	/* switch names, the last one malformed */
#define KF_PORTS	5	/* port names, the last one malformed */
#define KF_DEVS		3	/* veth pairs kfz0/kfz0p .. */
#define KF_MAX_CALLS	64

/* An fd operand: a slot, or one of these. */
#define KF_FD_DEAD	(-1)	/* a closed descriptor number */
#define KF_FD_FOREIGN	(-2)	/* /dev/null: not a vale file */

enum kf_op {
	/* /dev/vale */
	KF_OPEN,
	KF_REGISTER,
	KF_MMAP,
	KF_MUNMAP,
	KF_TXFILL,	/* write slots and frames into a tx ring, move head */
	KF_RXCONSUME,	/* read an rx ring, give its slots back */
	KF_TXSYNC,
	KF_RXSYNC,
	KF_STATS,
	KF_POLL,
	KF_CLOSE,
	KF_FORK,	/* a child inherits every fd and mapping, is killed */
	KF_BARRIER,	/* wait for every thread's queued calls */
	/* generic netlink, family "vale" (main thread) */
	KF_SW_NEW,
	KF_SW_DEL,
	KF_SW_SET,
	KF_SW_GET,
	KF_SW_DUMP,
	KF_PORT_NEW,
	KF_PORT_DEL,
	KF_PORT_GET,
	KF_PORT_DUMP,
	KF_ATTACH,
	KF_DETACH,
	/* rtnetlink on veth pairs kfz<dev>/kfz<dev>p (main thread) */
	KF_LINK_ADD,
	KF_LINK_DEL,
	KF_LINK_SET,
	KF_NOPS
};

struct kf_call {
	uint8_t op;
	uint8_t thread;
	int8_t fd;		/* slot, KF_FD_DEAD or KF_FD_FOREIGN */
	uint8_t sw, port, dev;	/* name pool indices */
	uint32_t a[6];		/* operands, see gen.c */
};

struct kf_prog {
	uint64_t seed;
	int ncalls;
	struct kf_call call[KF_MAX_CALLS];
};

/* gen.c */
void kf_generate(struct kf_prog *p, uint64_t seed);
void kf_print_call(FILE *f, const char *pfx, int i, const struct kf_call *c);
void kf_print(FILE *f, const char *pfx, const struct kf_prog *p);
const char *kf_switch_name(unsigned int i);
const char *kf_port_name(unsigned int i);

/* Operands of KF_REGISTER a[4]: which field is made invalid. */
enum kf_reg_bad {
	KF_REG_OK, KF_REG_VERSION, KF_REG_FLAGS, KF_REG_RESERVED,
	KF_REG_NOCOLON, KF_REG_BADCHAR, KF_REG_LONG, KF_REG_NOPREFIX,
	KF_REG_RINGS, KF_REG_SLOTS, KF_REG_BUFSZ, KF_REG_EXTRA, KF_REG_NBAD
};

/* Operand a[0] of KF_MMAP. */
enum kf_map_kind {
	KF_MAP_OK, KF_MAP_SHORT, KF_MAP_LONG, KF_MAP_OFFSET, KF_MAP_PRIVATE,
	KF_MAP_RDONLY, KF_MAP_NKINDS
};

/* Operand a[2] of KF_TXFILL: what the slots hold. */
enum kf_fill_kind {
	KF_FILL_OK, KF_FILL_CHAIN, KF_FILL_OPEN_CHAIN, KF_FILL_LEN0,
	KF_FILL_LONG, KF_FILL_BUFIDX, KF_FILL_FLAGS, KF_FILL_MANYFRAGS,
	KF_FILL_RUNT, KF_FILL_HEAD_OOR, KF_FILL_HEAD_PAST, KF_FILL_CUR_BAD,
	KF_FILL_SWAP, KF_FILL_NKINDS
};

/* exec.c */
struct kf_result {
	int violations;		/* errnos outside the documented sets */
	char first[512];	/* the first one, printable */
};

extern int kf_slow_ms;
int kf_exec_init(void);
void kf_exec(const struct kf_prog *p, struct kf_result *r);

#endif /* VALE_KFUZZ_H */
