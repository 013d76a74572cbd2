// SPDX-License-Identifier: GPL-2.0
// tier0-sources: guest-driver/vmpi_ring.c
/*
 * Tier 0: the VMPI ring rules in user space.
 *
 *  - the pure rules of guest-driver/vmpi_ring.h (and vmpi_need_event() of
 *    <linux/vmpi.h>), table-driven with garbage: indices, lengths,
 *    offsets, wrap-around at 2^32, geometry headers;
 *  - the one ring implementation (guest-driver/vmpi_ring.c, as it is: the
 *    guest driver's and libvale's) with two ends on one ring in memory:
 *    indices crossing 2^32, content, order and no overlap of messages in
 *    flight; a hostile peer's garbage in every shared field; adopting a
 *    ring with messages in flight; event-index doorbells.
 */
#include "vmpi_sim.h"

/* EXPECT_EQ(literal, unsigned) is intended throughout. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- vmpi_need_event ------------------------------------------------ */

static const struct { u32 event, new_idx, old; int want; const char *what; }
ev_rows[] = {
	{ 0, 1, 0, 1, "waits for 0, 0 -> 1" },
	{ 1, 1, 0, 0, "waits for 1, 0 -> 1 (not yet)" },
	{ 0, 2, 1, 0, "waits for 0, 1 -> 2 (already passed)" },
	{ 5, 10, 0, 1, "event inside a burst" },
	{ 10, 10, 0, 0, "event at the new index" },
	{ 9, 10, 0, 1, "event at new - 1" },
	{ 0xffffffff, 0, 0xfffffffe, 1, "wrap: waits for 2^32 - 1" },
	{ 0xffffffff, 1, 0xfffffffe, 1, "wrap: burst across 2^32" },
	{ 0, 1, 0xffffffff, 1, "wrap: waits for 0, -1 -> 1" },
	{ 1, 1, 0xffffffff, 0, "wrap: waits for 1, -1 -> 1" },
	{ 0xfffffffe, 1, 0xffffffff, 0, "wrap: event behind old" },
	{ 7, 7, 7, 0, "no move" },
	{ 0x80000000, 0x80000001, 0, 1, "half the index space" },
	{ 0x12345678, 0, 0, 0, "garbage event, no move" },
};

TEST(need_event_table)
{
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(ev_rows); i++)
		EXPECT_EQ(ev_rows[i].want, vmpi_need_event(ev_rows[i].event,
				ev_rows[i].new_idx, ev_rows[i].old))
			TH_LOG("row %u: %s", i, ev_rows[i].what);
}

/* The event fires exactly when event lies in [old, new): every triple of a window. */
TEST(need_event_exhaustive_window)
{
	static const u32 bases[] = { 0, 0x7ffffffc, 0xfffffffa };
	unsigned int b;
	u32 e, o, n;

	for (b = 0; b < ARRAY_LEN(bases); b++)
		for (e = 0; e < 12; e++)
			for (o = 0; o < 12; o++)
				for (n = o; n < 12; n++) {
					u32 B = bases[b];
					int want = e >= o && e < n;

					ASSERT_EQ(want, vmpi_need_event(B + e,
							B + n, B + o));
				}
}

/* ---- descriptors ------------------------------------------------------ */

#define DSZ	262144u
#define DMAX	65536u

static const struct { u32 off, len; int ok; const char *what; } desc_rows[] = {
	{ 0, 0, 1, "empty message at 0" },
	{ 0, DMAX, 1, "max_msg at 0" },
	{ 0, DMAX + 1, 0, "max_msg + 1" },
	{ DSZ - DMAX, DMAX, 1, "max_msg ending at the end" },
	{ DSZ - DMAX + 8, DMAX, 0, "max_msg past the end" },
	{ DSZ, 0, 1, "empty message at the very end" },
	{ DSZ, 1, 0, "one byte past the end" },
	{ DSZ + 1, 0, 0, "offset past the end" },
	{ DSZ - 8, 8, 1, "last 8 bytes" },
	{ DSZ - 8, 9, 0, "last 8 bytes + 1" },
	{ 0xffffffff, 1, 0, "offset 2^32 - 1" },
	{ 0xfffffff8, 16, 0, "off + len wraps to 8" },
	{ 16, 0xfffffff8, 0, "len wraps off + len" },
	{ 0, 0xffffffff, 0, "len 2^32 - 1" },
	{ 0x80000000, 0x80000000, 0, "off + len == 2^32" },
	{ 3, 5, 1, "unaligned offset (allowed)" },
};

TEST(desc_table)
{
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(desc_rows); i++)
		EXPECT_EQ(desc_rows[i].ok, vmpi_desc_ok(DMAX, DSZ,
				desc_rows[i].off, desc_rows[i].len))
			TH_LOG("row %u: %s", i, desc_rows[i].what);
}

/* ---- indices ------------------------------------------------------------ */

static const struct { u32 prod, last, cons, slots; int span, prod_ok; const char *what; }
idx_rows[] = {
	{ 0, 0, 0, 8, 1, 1, "empty" },
	{ 8, 0, 0, 8, 1, 1, "full" },
	{ 9, 0, 0, 8, 0, 0, "one past full" },
	{ 3, 5, 0, 8, 1, 0, "prod moved backwards" },
	{ 5, 5, 0, 8, 1, 1, "prod unchanged" },
	{ 0xffffffff, 0, 0, 8, 0, 0, "prod 2^32 - 1 behind cons" },
	{ 0x80000000, 0, 0, 8, 0, 0, "prod half the space ahead" },
	{ 4, 0xfffffffe, 0xfffffffc, 8, 1, 1, "prod wrapped past 2^32" },
	{ 5, 0xfffffffe, 0xfffffffc, 8, 0, 0, "wrapped one past full" },
	{ 0xfffffffd, 0xfffffffe, 0xfffffffc, 8, 1, 0, "wrapped backwards" },
	{ 0xfffffffb, 0xfffffffc, 0xfffffffc, 8, 0, 0, "one behind cons" },
	{ 4096, 0, 0, 4096, 1, 1, "largest ring full" },
	{ 4097, 0, 0, 4096, 0, 0, "largest ring over" },
};

TEST(index_table)
{
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(idx_rows); i++) {
		typeof(idx_rows[0]) *r = &idx_rows[i];

		EXPECT_EQ(r->span, vmpi_span_ok(r->prod, r->cons, r->slots))
			TH_LOG("span row %u: %s", i, r->what);
		EXPECT_EQ(r->prod_ok, vmpi_prod_ok(r->prod, r->last, r->cons,
						   r->slots))
			TH_LOG("prod row %u: %s", i, r->what);
	}
}

static const struct { u32 cons, last, prod; int ok; const char *what; } cons_rows[] = {
	{ 0, 0, 0, 1, "empty, unchanged" },
	{ 3, 0, 5, 1, "forward" },
	{ 5, 0, 5, 1, "caught up" },
	{ 6, 0, 5, 0, "past prod" },
	{ 0xffffffff, 0, 5, 0, "backwards" },
	{ 2, 0xfffffffe, 4, 1, "forward across 2^32" },
	{ 5, 0xfffffffe, 4, 0, "past prod across 2^32" },
	{ 0xfffffffd, 0xfffffffe, 4, 0, "backwards across 2^32" },
	{ 0x80000000, 0, 0x10, 0, "garbage" },
};

TEST(cons_table)
{
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(cons_rows); i++)
		EXPECT_EQ(cons_rows[i].ok, vmpi_cons_ok(cons_rows[i].cons,
				cons_rows[i].last, cons_rows[i].prod))
			TH_LOG("row %u: %s", i, cons_rows[i].what);
}

/* ---- free space ------------------------------------------------------------ */

static const struct { u32 dhead, used, len; int fits; u32 off; const char *what; }
room_rows[] = {
	{ 0, 0, 0, 1, 0, "empty, empty message" },
	{ 0, 0, 4096, 1, 0, "empty, whole area" },
	{ 0, 0, 4097, 0, 0, "larger than the area" },
	{ 0, 0, 0xffffffff, 0, 0, "len 2^32 - 1" },
	{ 1024, 1024, 3072, 1, 1024, "exactly the rest" },
	{ 1024, 1024, 3073, 0, 0, "rest + 1" },
	{ 3072, 1024, 2048, 1, 0, "skips to 0 (pad 1024)" },
	{ 3072, 1024, 2049, 0, 0, "pad + aligned len too much" },
	{ 3072, 2048, 1024, 1, 3072, "fits before the end" },
	{ 3072, 2048, 1025, 0, 0, "one byte too many before the end" },
	{ 4096 + 8, 8, 8, 1, 8, "free-running head past the size" },
	{ 0xfffffff8, 8, 8, 1, 4088, "head just before 2^32" },
	{ 0xfffffff8, 8, 9, 1, 0, "head just before 2^32, skips to 0 (8 + 16)" },
	{ 0, 4097, 0, 0, 0, "used beyond the area (garbage)" },
	{ 0, 0xffffffff, 8, 0, 0, "used 2^32 - 1 (garbage)" },
	{ 8, 4096, 0, 1, 8, "data full: an empty message still fits" },
	{ 8, 4096, 1, 0, 0, "data full: one byte does not" },
	{ 5, 8, 1, 1, 5, "unaligned head (adopted)" },
};

TEST(room_table)
{
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(room_rows); i++) {
		typeof(room_rows[0]) *r = &room_rows[i];
		u32 off = 0xdeadbeef;
		int fits = vmpi_room(r->dhead, r->used, 4096, r->len, &off);

		EXPECT_EQ(r->fits, fits) TH_LOG("row %u: %s", i, r->what);
		if (fits && r->fits)
			EXPECT_EQ(r->off, off) TH_LOG("row %u: %s", i, r->what);
		if (fits) {
			EXPECT_LE(off + r->len, 4096) TH_LOG("row %u", i);
		}
	}
}

/* Any answer of vmpi_room: inside the area, never over the bytes in use. */
TEST(room_exhaustive)
{
	u32 size = 4096, used, pos, len, off;

	for (used = 0; used <= size; used += 8)
		for (pos = 0; pos < size; pos += 8)
			for (len = 0; len <= size + 8; len += 61) {
				u32 dhead = 0xffffe000u + pos;

				if (!vmpi_room(dhead, used, size, len, &off))
					continue;
				ASSERT_LE(off + len, size);
				/* In flight: [pos - used, pos) modulo size. */
				if (off == pos) {
					ASSERT_LE(used + vmpi_msg_span(len), size);
				} else {
					ASSERT_EQ(0, off);
					ASSERT_LE(used + size - pos +
						  vmpi_msg_span(len), size);
				}
				ASSERT_EQ(dhead + (off == pos ? 0 : size - pos) +
					  vmpi_msg_span(len),
					  vmpi_dhead_next(dhead, off, len, size));
			}
}

/* ---- geometry --------------------------------------------------------------- */

/* A layout as vale-vmpi makes it (defaults: 4 channels, 256 slots, 256 KiB). */
static u64 geo_default(struct vmpi_shm_hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->magic = VMPI_MAGIC;
	h->version = VMPI_VERSION;
	h->hdr_size = sizeof(*h);
	h->nchannels = 4;
	h->slots = 256;
	h->data_size = 262144;
	h->max_msg = 65536;
	h->host_nvec = 2;
	h->chan_off = 128;
	h->desc_off = sizeof(struct vmpi_ring_ctl);
	h->data_off = h->desc_off + 256 * sizeof(struct vmpi_desc);
	h->ring_stride = h->data_off + h->data_size;
	h->chan_stride = 2 * h->ring_stride;
	h->shm_size = h->chan_off + (u64)h->nchannels * h->chan_stride;
	return h->shm_size;
}

static const struct { size_t field; u32 val; const char *what; } geo_rows[] = {
#define F(f)	offsetof(struct vmpi_shm_hdr, f)
	{ F(version), 0, "version 0" },
	{ F(version), 2, "version 2" },
	{ F(hdr_size), 64, "short header" },
	{ F(nchannels), 0, "no channel" },
	{ F(nchannels), 65, "too many channels" },
	{ F(nchannels), 0xffffffff, "channels 2^32 - 1" },
	{ F(slots), 0, "no slot" },
	{ F(slots), 1, "one slot" },
	{ F(slots), 255, "slots not a power of two" },
	{ F(slots), 8192, "too many slots" },
	{ F(slots), 0x80000000, "slots 2^31" },
	{ F(data_size), 0, "no data" },
	{ F(data_size), 2048, "data below the minimum" },
	{ F(data_size), 262143, "data not a power of two" },
	{ F(data_size), 32u << 20, "data above the maximum" },
	{ F(max_msg), 262145, "max_msg over data_size" },
	{ F(max_msg), 0xffffffff, "max_msg 2^32 - 1" },
	{ F(host_nvec), 0, "no vector" },
	{ F(host_nvec), 33, "too many vectors" },
	{ F(chan_off), 0, "channels over the header" },
	{ F(chan_off), 130, "channel offset unaligned" },
	{ F(chan_off), 0xffffffc0, "channels beyond 2^32" },
	{ F(desc_off), 0, "descriptors over the control lines" },
	{ F(desc_off), 64, "descriptors over the consumer line" },
	{ F(desc_off), 0xffffffc0, "descriptors far out" },
	{ F(data_off), 128, "data over the descriptors" },
	{ F(data_off), 0xffffffc0, "data far out (u32 wrap)" },
	{ F(ring_stride), 64, "rings overlap" },
	{ F(ring_stride), 0xffffffc0, "ring stride beyond the memory" },
	{ F(chan_stride), 64, "channels overlap" },
	{ F(chan_stride), 0x80000000, "channel stride 2^31" },
#undef F
};

TEST(geometry_table)
{
	struct vmpi_shm_hdr h;
	u64 len = geo_default(&h);
	unsigned int i;

	ASSERT_EQ(0, vmpi_geometry_check(&h, len));
	ASSERT_EQ(0, vmpi_geometry_check(&h, len * 2));
	EXPECT_EQ(-EINVAL, vmpi_geometry_check(&h, len - 1));
	h.shm_size = 0xffffffffffffffffull;
	EXPECT_EQ(-EINVAL, vmpi_geometry_check(&h, len));
	geo_default(&h);
	h.magic = 0x12345678;
	EXPECT_EQ(-ENODEV, vmpi_geometry_check(&h, len));
	for (i = 0; i < ARRAY_LEN(geo_rows); i++) {
		geo_default(&h);
		memcpy((u8 *)&h + geo_rows[i].field, &geo_rows[i].val, 4);
		EXPECT_EQ(-EINVAL, vmpi_geometry_check(&h, len))
			TH_LOG("row %u: %s", i, geo_rows[i].what);
	}
}

/* ---- two ends on one ring --------------------------------------------------------- */

struct pair {
	struct sim_shm s;
	struct sim_end p, c;
};

static void pair_init(struct __test_metadata *_metadata, struct pair *x,
		      u32 slots, u32 size, u32 max, u32 idx)
{
	ASSERT_EQ(0, sim_shm_init(&x->s, slots, size, max, idx));
	ASSERT_EQ(0, sim_end_init(&x->p, &x->s));
	ASSERT_EQ(0, sim_end_init(&x->c, &x->s));
	ASSERT_EQ(0, sim_adopt_producer(&x->p));
	ASSERT_EQ(0, sim_adopt_consumer(&x->c));
}

static void pair_free(struct pair *x)
{
	sim_end_free(&x->p);
	sim_end_free(&x->c);
	sim_shm_free(&x->s);
}

/* Messages in flight as the test sees them, to check they never overlap. */
struct inflight {
	u32 off[64], len[64], seq[64];
	unsigned int head, n;
};

static int overlaps(const struct inflight *f, u32 off, u32 len)
{
	unsigned int i;

	for (i = 0; i < f->n; i++) {
		unsigned int j = (f->head + i) % 64;
		u32 a = f->off[j], b = a + vmpi_msg_span(f->len[j]);

		if (len && f->len[j] && off < b && a < off + len)
			return 1;
	}
	return 0;
}

static u32 rnd_state = 12345;

static u32 rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

/*
 * Random sizes and interleaving from index idx on (across 2^32), one end
 * producing and one consuming: content, order, offsets
 * inside the area and no overlap with anything in flight.
 */
static void stream(struct __test_metadata *_metadata, u32 idx)
{
	struct pair x;
	struct inflight f = { .head = 0 };
	u32 sent = 0, got = 0, off, len, i, full = 0;
	const u32 total = 20000;

	pair_init(_metadata, &x, 32, 16384, 8192, idx);
	while (got < total) {
		unsigned int burst = rnd() % 40;

		while (burst-- && sent < total) {
			u32 want = rnd() % 4 ? rnd() % 1600 : rnd() % 8193;
			int err = sim_reserve(&x.p, want, &off);

			if (err == -EAGAIN) {
				/* Full means full: slots or bytes. */
				ASSERT_GT(f.n, 0) TH_LOG("EAGAIN on an empty ring");
				full++;
				break;
			}
			ASSERT_EQ(0, err);
			ASSERT_LE(off + want, x.s.data_size);
			ASSERT_FALSE(overlaps(&f, off, want))
				TH_LOG("message %u at %u+%u overlaps", sent, off, want);
			for (i = 0; i < want; i++)
				x.s.data[off + i] = sim_byte(sent, i);
			sim_commit(&x.p, off, want);
			f.off[(f.head + f.n) % 64] = off;
			f.len[(f.head + f.n) % 64] = want;
			f.seq[(f.head + f.n) % 64] = sent;
			f.n++;
			sent++;
		}
		burst = rnd() % 40;
		while (burst--) {
			int err = sim_peek(&x.c, &off, &len);

			if (err == -EAGAIN) {
				ASSERT_EQ(0, f.n);
				break;
			}
			ASSERT_EQ(0, err);
			ASSERT_EQ(f.off[f.head], off);
			ASSERT_EQ(f.len[f.head], len);
			for (i = 0; i < len; i++)
				ASSERT_EQ(sim_byte(got, i), x.s.data[off + i])
					TH_LOG("message %u byte %u", got, i);
			sim_release(&x.c);
			f.head = (f.head + 1) % 64;
			f.n--;
			got++;
		}
	}
	EXPECT_EQ(idx + total, x.s.ctl->prod);
	EXPECT_EQ(idx + total, x.s.ctl->cons);
	EXPECT_GT(full, 0);
	pair_free(&x);
}

TEST(stream_across_2_32)
{
	stream(_metadata, 0xffffffff - 10000);
	stream(_metadata, 0);
}

/* An empty ring takes any message up to max_msg wherever the head was. */
TEST(empty_ring_takes_max_msg)
{
	struct pair x;
	u32 off, len;
	pair_init(_metadata, &x, 4, 4096, 4096, 0xfffffffe);
	ASSERT_EQ(0, sim_reserve(&x.p, 100, &off));
	sim_commit(&x.p, off, 100);
	ASSERT_EQ(-EAGAIN, sim_reserve(&x.p, 4096, &off));
	ASSERT_EQ(0, sim_peek(&x.c, &off, &len));
	sim_release(&x.c);
	ASSERT_EQ(0, sim_reserve(&x.p, 4096, &off));
	ASSERT_EQ(0, off);
	sim_commit(&x.p, off, 4096);
	ASSERT_EQ(0, sim_peek(&x.c, &off, &len));
	ASSERT_EQ(4096, len);
	pair_free(&x);
}

/* ---- a hostile peer ---------------------------------------------------------------- */

/* Garbage the peer may write into prod (relative to the consumer's state). */
TEST(hostile_prod_and_descriptors)
{
	static const struct { u32 dprod; u32 off, len; int lastmove; const char *what; } rows[] = {
		{ 9, 0, 8, 0, "prod a ring + 1 ahead" },
		{ 0xffffffff, 0, 8, 0, "prod behind cons" },
		{ 0x80000000, 0, 8, 0, "prod half the space away" },
		{ 1, 4097, 0, 0, "offset past the area" },
		{ 1, 4000, 97, 0, "message past the end" },
		{ 1, 0, 4097, 0, "len over max_msg" },
		{ 1, 0xfffffff8, 16, 0, "off + len wraps" },
		{ 1, 8, 0xfffffff8, 0, "len wraps" },
		{ 2, 0, 8, 1, "prod moved backwards after being seen" },
	};
	unsigned int i;
	for (i = 0; i < ARRAY_LEN(rows); i++) {
		struct pair x;
		u32 off, len, base = 0xfffffffc;

		pair_init(_metadata, &x, 8, 4096, 4096, base);
		x.s.desc[base & 7].off = rows[i].off;
		x.s.desc[base & 7].len = rows[i].len;
		if (rows[i].lastmove) {
			/* The consumer saw prod = base + 4 ... */
			x.s.ctl->prod = base + 4;
			x.s.desc[base & 7].off = 0;
			x.s.desc[base & 7].len = 8;
			ASSERT_EQ(0, sim_peek(&x.c, &off, &len));
			/* ... then prod goes back. */
			x.s.ctl->prod = base + rows[i].dprod;
		} else {
			x.s.ctl->prod = base + rows[i].dprod;
		}
		EXPECT_EQ(SIM_FAULT, sim_peek(&x.c, &off, &len))
			TH_LOG("%s", rows[i].what);
		/* Sticky until the channel is bound again. */
		x.s.ctl->prod = base;
		EXPECT_EQ(-EIO, vmpi_ring_peek(&x.c.k, &off, &len));
		EXPECT_EQ(-EIO, vmpi_ring_reserve(&x.c.k, 8, &off));
		EXPECT_EQ(0, vmpi_ring_adopt_consumer(&x.c.k));
		pair_free(&x);
	}
}

TEST(hostile_cons)
{
	static const struct { u32 dcons; const char *what; } rows[] = {
		{ 4, "cons past prod" },
		{ 0xffffffff, "cons backwards" },
		{ 0x80000000, "cons far away" },
		{ 100, "cons far past prod" },
	};
	unsigned int i;
	for (i = 0; i < ARRAY_LEN(rows); i++) {
		struct pair x;
		u32 off, base = 0xfffffffe, k;

		pair_init(_metadata, &x, 8, 4096, 4096, base);
		for (k = 0; k < 3; k++) {
			ASSERT_EQ(0, sim_reserve(&x.p, 64, &off));
			sim_commit(&x.p, off, 64);
		}
		x.s.ctl->cons = base + rows[i].dcons;
		EXPECT_EQ(SIM_FAULT, sim_reserve(&x.p, 8, &off))
			TH_LOG("%s", rows[i].what);
		pair_free(&x);
	}
}

/* ---- adopting a ring with messages in flight ----------------------------------------- */

TEST(adopt_in_flight_by_a_new_producer)
{
	struct pair x;
	struct sim_end q;
	u32 off, len, k, seq = 0, got = 0, i;

	pair_init(_metadata, &x, 16, 8192, 4096, 0xfffffff8);
	/* Move the head around, leave 5 messages in flight. */
	for (k = 0; k < 9; k++) {
		ASSERT_EQ(0, sim_reserve(&x.p, 400 + k * 97, &off));
		for (i = 0; i < 400 + k * 97; i++)
			x.s.data[off + i] = sim_byte(seq, i);
		sim_commit(&x.p, off, 400 + k * 97);
		seq++;
	}
	for (k = 0; k < 4; k++) {
		ASSERT_EQ(0, sim_peek(&x.c, &off, &len));
		sim_release(&x.c);
		got++;
	}
	/* A new producer (a reloaded driver, a restarted host program) takes over. */
	ASSERT_EQ(0, sim_end_init(&q, &x.s));
	x.s.ctl->room_event = 12345;	/* a request of the old producer */
	ASSERT_EQ(0, sim_adopt_producer(&q));
	/* Nobody waits for room yet: the stale request is gone. */
	EXPECT_EQ(x.s.ctl->cons - 1, x.s.ctl->room_event);
	for (k = 0; k < 40; k++) {
		u32 want = 500 + (k * 331) % 3500;
		int err = sim_reserve(&q, want, &off);

		if (err == -EAGAIN) {
			ASSERT_EQ(0, sim_peek(&x.c, &off, &len));
			for (i = 0; i < len; i++)
				ASSERT_EQ(sim_byte(got, i), x.s.data[off + i]);
			sim_release(&x.c);
			got++;
			continue;
		}
		ASSERT_EQ(0, err);
		for (i = 0; i < want; i++)
			x.s.data[off + i] = sim_byte(seq, i);
		sim_commit(&q, off, want);
		seq++;
	}
	while (sim_peek(&x.c, &off, &len) == 0) {
		for (i = 0; i < len; i++)
			ASSERT_EQ(sim_byte(got, i), x.s.data[off + i])
				TH_LOG("message %u", got);
		sim_release(&x.c);
		got++;
	}
	EXPECT_EQ(seq, got);
	sim_end_free(&q);
	pair_free(&x);
}

TEST(adopt_garbage)
{
	static const struct { u32 dprod, off, len; const char *what; } rows[] = {
		{ 17, 0, 8, "prod a ring + 1 ahead" },
		{ 0xffffffff, 0, 8, "prod behind cons" },
		{ 2, 8193, 0, "descriptor past the area" },
		{ 2, 0, 4097, "descriptor over max_msg" },
		{ 16, 0, 4096, "16 x 4 KiB in 8 KiB of data" },
	};
	unsigned int i, k;
	for (i = 0; i < ARRAY_LEN(rows); i++) {
		struct pair x;
		struct sim_end q;

		pair_init(_metadata, &x, 16, 8192, 4096, 0xfffffffa);
		for (k = 0; k < 16; k++) {
			x.s.desc[k].off = rows[i].off;
			x.s.desc[k].len = rows[i].len;
		}
		x.s.ctl->prod = x.s.ctl->cons + rows[i].dprod;
		ASSERT_EQ(0, sim_end_init(&q, &x.s));
		EXPECT_EQ(SIM_FAULT, sim_adopt_producer(&q))
			TH_LOG("producer: %s", rows[i].what);
		if (rows[i].dprod > 16)
			EXPECT_EQ(SIM_FAULT, sim_adopt_consumer(&q))
				TH_LOG("consumer: %s", rows[i].what);
		sim_end_free(&q);
		pair_free(&x);
	}
}

/* ---- event index: a burst costs one doorbell ------------------------------------------- */

TEST(doorbells)
{
	struct pair x;
	u32 off, len, k, kicks = 0;

	pair_init(_metadata, &x, 8, 4096, 512, 0xfffffffd);
	sim_arm_data(&x.c);
	for (k = 0; k < 8; k++) {
		ASSERT_EQ(0, sim_reserve(&x.p, 16, &off));
		kicks += sim_commit(&x.p, off, 16);
	}
	EXPECT_EQ(1, kicks) TH_LOG("producer");
	/* Full: the producer asks for room; the first release rings. */
	ASSERT_EQ(-EAGAIN, sim_reserve(&x.p, 16, &off));
	sim_arm_room(&x.p);
	kicks = 0;
	for (k = 0; k < 8; k++) {
		ASSERT_EQ(0, sim_peek(&x.c, &off, &len));
		kicks += sim_release(&x.c);
	}
	EXPECT_EQ(1, kicks) TH_LOG("consumer");
	/* Caught up: the consumer waits at its cons; the next commit rings. */
	ASSERT_EQ(-EAGAIN, sim_peek(&x.c, &off, &len));
	sim_arm_data(&x.c);
	ASSERT_EQ(0, sim_reserve(&x.p, 16, &off));
	EXPECT_EQ(1, sim_commit(&x.p, off, 16));
	pair_free(&x);
}

/*
 * Regression (CI, vmpi guest suite on the debug kernel): a producer that
 * found the ring full armed its room event at the cons it had read, but
 * the consumer released that very message in between.  The release saw
 * no request, and every later release saw a request it had already
 * passed: nobody rang and the producer slept for ever.  Here the
 * consumer's release runs right after the producer's first load of cons.
 */
static struct pair *race_pair;

static void release_once(const void *p)
{
	u32 off, len;

	if (p != &race_pair->s.ctl->cons)
		return;
	tier0_after_load = NULL;
	if (sim_peek(&race_pair->c, &off, &len) == 0)
		sim_release(&race_pair->c);
}

TEST(room_event_armed_while_the_consumer_moves)
{
	struct pair x;
	u32 off, len, k;

	pair_init(_metadata, &x, 8, 4096, 2048, 0xfffffffe);
	/* Nobody waits for room. */
	x.s.ctl->room_event = x.s.ctl->cons - 1;
	for (k = 0; k < 4; k++) {
		ASSERT_EQ(0, sim_reserve(&x.p, 1024, &off));
		sim_commit(&x.p, off, 1024);
	}
	/* 2048 bytes fit only once two messages are released. */
	race_pair = &x;
	tier0_after_load = release_once;
	EXPECT_EQ(-EAGAIN, sim_reserve_or_arm(&x.p, 2048, &off));
	tier0_after_load = NULL;
	EXPECT_EQ(0xffffffff, x.s.ctl->cons) TH_LOG("the race did not happen");
	/* The next release frees enough: it must ring. */
	ASSERT_EQ(0, sim_peek(&x.c, &off, &len));
	EXPECT_EQ(1, sim_release(&x.c))
		TH_LOG("producer armed behind the consumer (event %u, cons %u)",
		       x.s.ctl->room_event, x.s.ctl->cons);
	EXPECT_EQ(0, sim_reserve_or_arm(&x.p, 2048, &off));
	pair_free(&x);
}

TEST_HARNESS_MAIN
