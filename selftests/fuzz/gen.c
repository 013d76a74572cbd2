// SPDX-License-Identifier: GPL-2.0
/*
 * vale-kfuzz program generation and printing.
 *
 * The generator keeps a model of what the program has made so far (which
 * fd slots are open, registered and mapped, which switches, ports and
 * devices exist) and picks calls that mostly refer to live objects, with
 * near-valid operands now and then and sometimes a dead or foreign one.
 * The model is a prediction: a call may fail at run time (a port already
 * in use, a switch deleted by an earlier call) and the program goes on.
 */
#include <inttypes.h>
#include <string.h>

#include "kfuzz.h"

static uint64_t rng;

/* splitmix64: the whole program follows from the seed. */
static uint64_t rnd64(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)(rnd64() % n) : 0;
}

static int chance(unsigned int percent)
{
	return rnd(100) < percent;
}

static const char *const switches[KF_SWITCHES] = {
	"valekf0", "valekf1", "valekf2", "valekf!",
};
static const char *const ports[KF_PORTS] = { "p0", "p1", "p2", "p3", "p/4" };

const char *kf_switch_name(unsigned int i)
{
	return switches[i % KF_SWITCHES];
}

const char *kf_port_name(unsigned int i)
{
	return ports[i % KF_PORTS];
}

struct model {
	uint8_t open[KF_FDS], reg[KF_FDS], mapped[KF_FDS];
	uint8_t dev[KF_DEVS];
};

/* A slot satisfying want (0 any, 1 open, 2 registered, 3 mapped). */
static int pick_fd(const struct model *m, int want)
{
	int cand[KF_FDS], n = 0, i;

	if (chance(4))
		return KF_FD_DEAD;
	if (chance(3))
		return KF_FD_FOREIGN;
	for (i = 0; i < KF_FDS; i++)
		if ((want == 0) || (want == 1 && m->open[i]) ||
		    (want == 2 && m->reg[i]) || (want == 3 && m->mapped[i]))
			cand[n++] = i;
	if (!n || chance(5))
		return (int)rnd(KF_FDS);
	return cand[rnd(n)];
}

static int free_slot(const struct model *m)
{
	int i, start = (int)rnd(KF_FDS);

	for (i = 0; i < KF_FDS; i++)
		if (!m->open[(start + i) % KF_FDS])
			return (start + i) % KF_FDS;
	return -1;
}

static uint8_t pick_switch(void)
{
	return (uint8_t)(chance(5) ? KF_SWITCHES - 1 : rnd(KF_SWITCHES - 1));
}

static uint8_t pick_port(void)
{
	return (uint8_t)(chance(5) ? KF_PORTS - 1 : rnd(KF_PORTS - 1));
}

/* A geometry value: mostly small (the debug kernel is slow), some edges. */
static uint32_t pick_slots(void)
{
	static const uint32_t v[] = { 8, 16, 32, 64, 100, 128, 0 };

	return v[rnd(sizeof(v) / sizeof(v[0]))];
}

static uint32_t pick_bufsz(void)
{
	static const uint32_t v[] = { 64, 128, 256, 1024, 2048, 0 };

	return v[rnd(sizeof(v) / sizeof(v[0]))];
}

static void gen_register(struct kf_call *c, const struct model *m)
{
	c->fd = (int8_t)pick_fd(m, 1);
	c->sw = pick_switch();
	c->port = pick_port();
	c->a[0] = (1 + rnd(3)) | (1 + rnd(3)) << 8;
	c->a[1] = pick_slots();
	c->a[2] = pick_bufsz();
	c->a[3] = chance(30) ? rnd(64) : 0;
	c->a[4] = chance(20) ? 1 + rnd(KF_REG_NBAD - 1) : KF_REG_OK;
}

/* Weighted choice of the next operation given the model. */
static int pick_op(const struct model *m)
{
	static const struct { uint8_t op, w; } tab[] = {
		{ KF_OPEN, 8 }, { KF_REGISTER, 10 }, { KF_MMAP, 8 },
		{ KF_MUNMAP, 2 }, { KF_TXFILL, 16 }, { KF_RXCONSUME, 6 },
		{ KF_TXSYNC, 12 }, { KF_RXSYNC, 6 }, { KF_STATS, 3 },
		{ KF_POLL, 5 }, { KF_CLOSE, 4 }, { KF_FORK, 2 },
		{ KF_BARRIER, 2 },
		{ KF_SW_NEW, 3 }, { KF_SW_DEL, 2 }, { KF_SW_SET, 3 },
		{ KF_SW_GET, 1 }, { KF_SW_DUMP, 1 }, { KF_PORT_NEW, 3 },
		{ KF_PORT_DEL, 2 }, { KF_PORT_GET, 2 }, { KF_PORT_DUMP, 2 },
		{ KF_ATTACH, 3 }, { KF_DETACH, 2 }, { KF_LINK_ADD, 2 },
		{ KF_LINK_DEL, 1 }, { KF_LINK_SET, 1 },
	};
	unsigned int i, total = 0, r;
	int nopen = 0, j;

	for (j = 0; j < KF_FDS; j++)
		nopen += m->open[j];
	/* Early on, mostly build things up. */
	if (nopen < 2 && chance(50))
		return chance(50) ? KF_OPEN : KF_REGISTER;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		total += tab[i].w;
	r = rnd(total);
	for (i = 0; r >= tab[i].w; i++)
		r -= tab[i].w;
	return tab[i].op;
}

/* What a call needs of its fd: 0 nothing, 1 open, 2 registered, 3 mapped. */
static int need(int op)
{
	switch (op) {
	case KF_TXFILL: case KF_RXCONSUME: case KF_MUNMAP:
		return 3;
	case KF_MMAP: case KF_TXSYNC: case KF_RXSYNC: case KF_STATS:
		return 2;
	case KF_REGISTER: case KF_CLOSE:
		return 1;
	}
	return 0;
}

static int have(const struct model *m)
{
	int i, best = 0, l;

	for (i = 0; i < KF_FDS; i++) {
		l = m->mapped[i] ? 3 : m->reg[i] ? 2 : m->open[i];
		best = l > best ? l : best;
	}
	return best;
}

/*
 * The next operation; mostly, one that can work: when nothing in the
 * model can serve it yet, build the missing step instead (open before
 * register before mmap, a device before attaching it).
 */
static int next_op(const struct model *m)
{
	static const uint8_t step[] = { KF_OPEN, KF_REGISTER, KF_MMAP };
	int op = pick_op(m), h = have(m), i, dev = 0;

	if (need(op) > h && chance(85))
		return step[h];
	for (i = 0; i < KF_DEVS; i++)
		dev |= m->dev[i];
	if ((op == KF_ATTACH || op == KF_LINK_SET) && !dev && chance(70))
		return KF_LINK_ADD;
	return op;
}

static void gen_call(struct kf_call *c, struct model *m)
{
	int s;

	memset(c, 0, sizeof(*c));
	c->op = (uint8_t)next_op(m);
	c->fd = KF_FD_DEAD;
	if (c->op <= KF_CLOSE && c->op != KF_OPEN)
		c->thread = (uint8_t)(chance(60) ? 0 : 1 + rnd(KF_THREADS - 1));
	switch (c->op) {
	case KF_OPEN:
		s = free_slot(m);
		if (s < 0) {	/* table full: close one instead */
			c->op = KF_CLOSE;
			c->fd = (int8_t)rnd(KF_FDS);
			goto closed;
		}
		c->fd = (int8_t)s;
		m->open[s] = 1;
		break;
	case KF_REGISTER:
		gen_register(c, m);
		if (c->fd >= 0 && c->a[4] == KF_REG_OK && m->open[c->fd])
			m->reg[c->fd] = 1;
		break;
	case KF_MMAP:
		c->fd = (int8_t)pick_fd(m, 2);
		c->a[0] = chance(80) ? KF_MAP_OK : 1 + rnd(KF_MAP_NKINDS - 1);
		if (c->fd >= 0 && m->reg[c->fd] && c->a[0] == KF_MAP_OK)
			m->mapped[c->fd] = 1;
		break;
	case KF_MUNMAP:
		c->fd = (int8_t)pick_fd(m, 3);
		if (c->fd >= 0)
			m->mapped[c->fd] = 0;
		break;
	case KF_TXFILL:
		c->fd = (int8_t)pick_fd(m, 3);
		c->a[0] = rnd(4);			/* ring */
		c->a[1] = 1 + rnd(chance(10) ? 100 : 16);	/* slots */
		c->a[2] = chance(55) ? KF_FILL_OK :
			  chance(40) ? KF_FILL_CHAIN : rnd(KF_FILL_NKINDS);
		c->a[3] = rnd(8);	/* destination: 0-5 a port, else bcast */
		c->a[4] = (uint32_t)rnd64();	/* lengths */
		c->a[5] = chance(60);		/* sync right after */
		break;
	case KF_RXCONSUME:
		c->fd = (int8_t)pick_fd(m, 3);
		c->a[0] = rnd(4);
		c->a[1] = chance(85) ? 0 : 1 + rnd(3);	/* 1-3: misbehave */
		break;
	case KF_TXSYNC:
	case KF_RXSYNC:
		c->fd = (int8_t)pick_fd(m, 2);
		c->a[0] = chance(50) ? 0xffffffffU : chance(90) ? rnd(4) :
			  (uint32_t)rnd64();
		c->a[1] = chance(3);	/* NULL argument */
		break;
	case KF_STATS:
		c->fd = (int8_t)pick_fd(m, 2);
		c->a[1] = chance(5);
		break;
	case KF_POLL:
		c->a[0] = 1 + rnd((1 << KF_FDS) - 1);	/* slots polled */
		c->a[1] = rnd(8);	/* POLLIN|POLLOUT|POLLPRI bits */
		c->a[2] = rnd(4);	/* timeout, ms */
		break;
	case KF_CLOSE:
		c->fd = (int8_t)pick_fd(m, 1);
closed:
		if (c->fd >= 0)
			m->open[c->fd] = m->reg[c->fd] = 0;
		break;
	case KF_FORK:
		c->a[0] = rnd(3);	/* child: sync loop, poll, close all */
		c->a[1] = rnd(3000);	/* us before SIGKILL */
		break;
	case KF_SW_NEW:
	case KF_SW_SET:
		c->sw = pick_switch();
		c->a[0] = rnd(4);	/* restricted: absent, 0, 1, 2 */
		c->a[1] = rnd(5);	/* lookup: absent, 0, 1, 2, big */
		c->a[2] = rnd(7);	/* batch: absent, 1, 64, 1024, 0, 1025, big */
		break;
	case KF_SW_DEL:
	case KF_SW_GET:
		c->sw = pick_switch();
		break;
	case KF_SW_DUMP:
		break;
	case KF_PORT_NEW:
		c->sw = pick_switch();
		c->port = pick_port();
		c->a[0] = rnd(4);	/* uid: absent, 0, 65534, unmapped */
		c->a[1] = rnd(4);	/* gid the same */
		break;
	case KF_PORT_DEL:
	case KF_PORT_GET:
		c->sw = pick_switch();
		c->port = pick_port();
		break;
	case KF_PORT_DUMP:
		c->sw = pick_switch();
		c->a[0] = chance(30);	/* without the switch filter */
		break;
	case KF_ATTACH:
	case KF_DETACH:
		c->sw = pick_switch();
		c->dev = (uint8_t)rnd(KF_DEVS);
		c->a[0] = rnd(4);	/* by ifname, ifindex, peer, stale index */
		c->a[1] = c->op == KF_DETACH && chance(50);	/* no switch */
		break;
	case KF_LINK_ADD:
	case KF_LINK_DEL:
		c->dev = (uint8_t)rnd(KF_DEVS);
		m->dev[c->dev] = c->op == KF_LINK_ADD;
		break;
	case KF_LINK_SET:
		c->dev = (uint8_t)rnd(KF_DEVS);
		c->a[0] = rnd(4);	/* down, up, mtu 1280, mtu 9000 */
		break;
	}
}

void kf_generate(struct kf_prog *p, uint64_t seed)
{
	struct model m;
	int i;

	memset(&m, 0, sizeof(m));
	memset(p, 0, sizeof(*p));
	rng = seed;
	p->seed = seed;
	p->ncalls = 8 + (int)rnd(KF_MAX_CALLS - 24);
	for (i = 0; i < p->ncalls; i++)
		gen_call(&p->call[i], &m);
}

static const char *const opname[KF_NOPS] = {
	[KF_OPEN] = "open", [KF_REGISTER] = "register", [KF_MMAP] = "mmap",
	[KF_MUNMAP] = "munmap", [KF_TXFILL] = "tx-fill",
	[KF_RXCONSUME] = "rx-consume", [KF_TXSYNC] = "txsync",
	[KF_RXSYNC] = "rxsync", [KF_STATS] = "get-stats", [KF_POLL] = "poll",
	[KF_CLOSE] = "close", [KF_FORK] = "fork-kill",
	[KF_BARRIER] = "barrier", [KF_SW_NEW] = "switch-new",
	[KF_SW_DEL] = "switch-del", [KF_SW_SET] = "switch-set",
	[KF_SW_GET] = "switch-get", [KF_SW_DUMP] = "switch-dump",
	[KF_PORT_NEW] = "port-new", [KF_PORT_DEL] = "port-del",
	[KF_PORT_GET] = "port-get", [KF_PORT_DUMP] = "port-dump",
	[KF_ATTACH] = "netdev-attach", [KF_DETACH] = "netdev-detach",
	[KF_LINK_ADD] = "link-add", [KF_LINK_DEL] = "link-del",
	[KF_LINK_SET] = "link-set",
};

static const char *fdname(int fd, char *buf, size_t len)
{
	if (fd == KF_FD_DEAD)
		return "fd=dead";
	if (fd == KF_FD_FOREIGN)
		return "fd=/dev/null";
	snprintf(buf, len, "fd%d", fd);
	return buf;
}

void kf_print_call(FILE *f, const char *pfx, int i, const struct kf_call *c)
{
	static const char *const regbad[KF_REG_NBAD] = {
		"", " BAD-version", " BAD-flags", " BAD-reserved",
		" BAD-name-no-colon", " BAD-name-char", " BAD-name-long",
		" BAD-name-prefix", " BAD-rings", " BAD-slots", " BAD-bufsize",
		" BAD-extra",
	};
	static const char *const mapk[KF_MAP_NKINDS] = {
		"", " BAD-short", " BAD-long", " BAD-offset", " BAD-private",
		" BAD-readonly",
	};
	static const char *const fillk[KF_FILL_NKINDS] = {
		"frames", "chains", "BAD-unterminated-chain", "BAD-len0",
		"BAD-len-over-buf", "BAD-buf-idx", "BAD-flags",
		"BAD-over-max-frags", "runts", "BAD-head-out-of-range",
		"BAD-head-past-tail", "BAD-cur", "swap-extra-bufs",
	};
	char fb[16];
	const char *fd = fdname(c->fd, fb, sizeof(fb));

	fprintf(f, "%s%3d t%u %s", pfx, i, c->thread, opname[c->op]);
	switch (c->op) {
	case KF_OPEN:
	case KF_MUNMAP:
	case KF_CLOSE:
		fprintf(f, " %s", fd);
		break;
	case KF_REGISTER:
		fprintf(f, " %s %s:%s tx=%u rx=%u slots=%u buf=%u extra=%u%s",
			fd, kf_switch_name(c->sw), kf_port_name(c->port),
			c->a[0] & 0xff, c->a[0] >> 8, c->a[1], c->a[2], c->a[3],
			regbad[c->a[4] % KF_REG_NBAD]);
		break;
	case KF_MMAP:
		fprintf(f, " %s%s", fd, mapk[c->a[0] % KF_MAP_NKINDS]);
		break;
	case KF_TXFILL:
		fprintf(f, " %s ring=%u n=%u %s dst=%u lens=%08x%s", fd,
			c->a[0], c->a[1], fillk[c->a[2] % KF_FILL_NKINDS],
			c->a[3], c->a[4], c->a[5] ? " +txsync" : "");
		break;
	case KF_RXCONSUME:
		fprintf(f, " %s ring=%u%s", fd, c->a[0],
			c->a[1] == 1 ? " BAD-head-past-tail" :
			c->a[1] == 2 ? " BAD-corrupt-kernel-slot" :
			c->a[1] == 3 ? " BAD-head-backwards" : "");
		break;
	case KF_TXSYNC:
	case KF_RXSYNC:
		fprintf(f, " %s ring=%#x%s", fd, c->a[0],
			c->a[1] ? " BAD-NULL-arg" : "");
		break;
	case KF_STATS:
		fprintf(f, " %s%s", fd, c->a[1] ? " BAD-NULL-arg" : "");
		break;
	case KF_POLL:
		fprintf(f, " slots=%#x events=%#x timeout=%ums", c->a[0],
			c->a[1], c->a[2]);
		break;
	case KF_FORK:
		fprintf(f, " child=%s kill-after=%uus",
			c->a[0] == 0 ? "sync-loop" : c->a[0] == 1 ? "poll" :
			"close-all", c->a[1]);
		break;
	case KF_SW_NEW:
	case KF_SW_SET:
		fprintf(f, " %s restricted=%d lookup=%d batch=%d",
			kf_switch_name(c->sw), (int)c->a[0] - 1,
			(int)c->a[1] - 1, (int)c->a[2]);
		break;
	case KF_SW_DEL:
	case KF_SW_GET:
		fprintf(f, " %s", kf_switch_name(c->sw));
		break;
	case KF_PORT_NEW:
		fprintf(f, " %s:%s uid=%u gid=%u", kf_switch_name(c->sw),
			kf_port_name(c->port), c->a[0], c->a[1]);
		break;
	case KF_PORT_DEL:
	case KF_PORT_GET:
		fprintf(f, " %s:%s", kf_switch_name(c->sw),
			kf_port_name(c->port));
		break;
	case KF_PORT_DUMP:
		fprintf(f, " %s", c->a[0] ? "(all)" : kf_switch_name(c->sw));
		break;
	case KF_ATTACH:
	case KF_DETACH:
		fprintf(f, " kfz%u by=%s %s", c->dev,
			c->a[0] == 0 ? "ifname" : c->a[0] == 1 ? "ifindex" :
			c->a[0] == 2 ? "peer-ifname" : "stale-ifindex",
			c->a[1] ? "(no switch)" : kf_switch_name(c->sw));
		break;
	case KF_LINK_ADD:
	case KF_LINK_DEL:
		fprintf(f, " kfz%u", c->dev);
		break;
	case KF_LINK_SET:
		fprintf(f, " kfz%u %s", c->dev,
			c->a[0] == 0 ? "down" : c->a[0] == 1 ? "up" :
			c->a[0] == 2 ? "mtu 1280" : "mtu 9000");
		break;
	}
	fputc('\n', f);
}

void kf_print(FILE *f, const char *pfx, const struct kf_prog *p)
{
	int i;

	fprintf(f, "%sprogram seed %" PRIu64 " (%d calls)\n", pfx, p->seed,
		p->ncalls);
	for (i = 0; i < p->ncalls; i++)
		kf_print_call(f, pfx, i, &p->call[i]);
}
