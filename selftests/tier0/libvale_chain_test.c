// SPDX-License-Identifier: GPL-2.0
// tier0-sources: lib/libvale.c
/*
 * Tier 0: libvale's chain API on a ring in ordinary memory (no kernel):
 * vale_ring_sendv() from pieces cut every way (one byte each, the skip
 * inside and across pieces, packets over several slots), its refusals,
 * vale_ring_chain_peek() / _consume() on complete, incomplete and bad
 * chains, vale_ring_chain_end(), and vale_ring_send()/recv() on top of
 * them.  Buffers are heap blocks of exactly the pool's size, so that ASan
 * catches an access a check let through.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "../../lib/libvale.h"

#include "kselftest_harness.h"

#define SLOTS	16
#define BUFSZ	64
#define NBUFS	SLOTS

struct fake {
	uint32_t head, cur, tail;
	struct vale_slot *slots;
	struct vale_port_ring r;
};

static void fake_init(struct fake *f)
{
	uint32_t i;

	memset(f, 0, sizeof(*f));
	f->slots = calloc(SLOTS, sizeof(*f->slots));
	f->r.head = &f->head;
	f->r.cur = &f->cur;
	f->r.tail = &f->tail;
	f->r.slots = f->slots;
	f->r.bufs = calloc(NBUFS, BUFSZ);
	f->r.num_slots = SLOTS;
	f->r.buf_size = BUFSZ;
	f->r.num_bufs = NBUFS;
	f->r.slot_size = sizeof(struct vale_slot);
	for (i = 0; i < SLOTS; i++)
		f->slots[i].buf_idx = i;
}

static void fake_free(struct fake *f)
{
	free(f->slots);
	free(f->r.bufs);
}

/* As a tx ring: every slot free from cur (tail one behind head). */
static void as_tx(struct fake *f, uint32_t at)
{
	f->head = f->cur = at;
	f->tail = (at + SLOTS - 1) % SLOTS;
}

static void pattern(unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

/* The bytes of the packet at @from, @nslots slots, against @want. */
static int ring_bytes_are(struct fake *f, uint32_t from, unsigned int nslots,
			  const unsigned char *want, size_t len)
{
	size_t off = 0;
	unsigned int k;

	for (k = 0; k < nslots; k++) {
		struct vale_slot *s = &f->slots[(from + k) % SLOTS];
		int last = k + 1 == nslots;

		if (!!(s->flags & VALE_SLOT_MOREFRAG) == last)
			return -1;
		if (memcmp(f->r.bufs + (size_t)s->buf_idx * BUFSZ, want + off, s->len))
			return -2;
		off += s->len;
	}
	return off == len ? 0 : -3;
}

/* sendv from pieces of @piece bytes, skipping @skip: bytes as sent. */
static void sendv_case(struct __test_metadata *_metadata, size_t len,
		       size_t piece, size_t skip, uint32_t at)
{
	unsigned char src[1200], *p = src;
	struct iovec iov[1200];
	size_t total = skip + len, left = total;
	unsigned int n = 0, nslots = (len + BUFSZ - 1) / BUFSZ;
	struct fake f;

	ASSERT_LE(total, sizeof(src));
	pattern(src, total, (unsigned int)(len + piece + skip));
	while (left) {
		size_t c = left < piece ? left : piece;

		iov[n].iov_base = p;
		iov[n].iov_len = c;
		n++;
		p += c;
		left -= c;
	}
	fake_init(&f);
	as_tx(&f, at);
	EXPECT_EQ((int)nslots, vale_ring_sendv(&f.r, iov, n, skip, len))
		TH_LOG("len %zu piece %zu skip %zu", len, piece, skip);
	EXPECT_EQ(0, ring_bytes_are(&f, at, nslots, src + skip, len));
	EXPECT_EQ((at + nslots) % SLOTS, f.head);
	EXPECT_EQ(f.head, f.cur);
	fake_free(&f);
}

TEST(sendv_pieces)
{
	static const struct { size_t len, piece, skip; } rows[] = {
		{ 60, 60, 0 }, { 60, 1, 0 }, { 60, 1, 12 }, { 60, 7, 12 },
		{ 64, 64, 0 }, { 65, 64, 0 }, { 65, 1, 0 }, { 128, 3, 5 },
		{ 300, 17, 12 }, { 300, 300, 299 }, { 1, 1, 0 }, { 1, 1, 11 },
		{ 14, 2, 12 }, { 129, 64, 64 }, { 640, 100, 10 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		sendv_case(_metadata, rows[i].len, rows[i].piece, rows[i].skip, 0);
		/* across the end of the ring */
		sendv_case(_metadata, rows[i].len, rows[i].piece, rows[i].skip,
			   SLOTS - 2);
	}
}

TEST(sendv_refusals)
{
	unsigned char b[2 * BUFSZ] = { 0 };
	struct iovec iov[2] = { { b, 10 }, { b + 10, 20 } };
	struct fake f;

	fake_init(&f);
	as_tx(&f, 3);
	EXPECT_EQ(-EMSGSIZE, vale_ring_sendv(&f.r, iov, 2, 0, 0));
	EXPECT_EQ(-EMSGSIZE, vale_ring_sendv(&f.r, iov, 2, 0, VALE_MAX_PKT_LEN + 1));
	EXPECT_EQ(-EINVAL, vale_ring_sendv(&f.r, iov, 2, 0, 31));
	EXPECT_EQ(-EINVAL, vale_ring_sendv(&f.r, iov, 2, 25, 6));
	EXPECT_EQ(-EINVAL, vale_ring_sendv(&f.r, iov, 2, 31, 1));
	/* a slot naming a buffer outside the pool */
	as_tx(&f, 5);
	f.slots[5].buf_idx = NBUFS;
	EXPECT_EQ(-EBADMSG, vale_ring_sendv(&f.r, iov, 2, 0, 30));
	EXPECT_EQ(5, f.head);		/* nothing published */
	fake_free(&f);
}

TEST(sendv_ring_full)
{
	unsigned char b[3 * BUFSZ] = { 0 };
	struct iovec iov = { b, sizeof(b) };
	struct fake f;

	fake_init(&f);
	as_tx(&f, 0);
	f.tail = 2;			/* two free slots, the packet needs three */
	EXPECT_EQ(-ENOBUFS, vale_ring_sendv(&f.r, &iov, 1, 0, sizeof(b)));
	EXPECT_EQ(0, f.head);
	EXPECT_EQ(2, vale_ring_sendv(&f.r, &iov, 1, 0, 2 * BUFSZ));
	fake_free(&f);
}

/* As an rx ring holding packets of the given slot counts from @at. */
static uint32_t rx_fill(struct fake *f, uint32_t at, const unsigned int *nslots,
			unsigned int npkts, uint16_t len)
{
	uint32_t i = at;
	unsigned int p, k;

	f->head = f->cur = at;
	for (p = 0; p < npkts; p++)
		for (k = 0; k < nslots[p]; k++) {
			struct vale_slot *s = &f->slots[i];

			s->len = len;
			s->flags = k + 1 < nslots[p] ? VALE_SLOT_MOREFRAG : 0;
			memset(f->r.bufs + (size_t)s->buf_idx * BUFSZ, p + 1, len);
			i = (i + 1) % SLOTS;
		}
	f->tail = i;
	return i;
}

TEST(peek_consume)
{
	static const unsigned int pk[] = { 1, 3, 2 };
	struct vale_chain c;
	struct fake f;

	fake_init(&f);
	rx_fill(&f, SLOTS - 2, pk, 3, 40);
	ASSERT_EQ(1, vale_ring_chain_peek(&f.r, &c));
	EXPECT_EQ(1, c.nfrags);
	EXPECT_EQ(40, c.len);
	EXPECT_EQ(SLOTS - 1, c.end);
	vale_ring_chain_consume(&f.r, &c);
	EXPECT_EQ(SLOTS - 1, f.head);
	EXPECT_EQ(SLOTS - 1, f.cur);
	ASSERT_EQ(1, vale_ring_chain_peek(&f.r, &c));
	EXPECT_EQ(3, c.nfrags);
	EXPECT_EQ(120, c.len);
	EXPECT_EQ(2, c.end);		/* wrapped */
	EXPECT_EQ(2, ((unsigned char *)c.frag[2].iov_base)[39]);
	EXPECT_EQ(f.r.bufs + (size_t)f.slots[0].buf_idx * BUFSZ, c.frag[1].iov_base);
	vale_ring_chain_consume(&f.r, &c);
	ASSERT_EQ(1, vale_ring_chain_peek(&f.r, &c));
	EXPECT_EQ(2, c.nfrags);
	vale_ring_chain_consume(&f.r, &c);
	EXPECT_EQ(0, vale_ring_chain_peek(&f.r, &c));	/* empty */
	fake_free(&f);
}

TEST(peek_incomplete_and_bad)
{
	static const unsigned int pk[] = { 3 };
	struct vale_chain c;
	uint32_t len;
	struct fake f;
	unsigned int i;

	fake_init(&f);
	/* the last slot still says MOREFRAG: not a packet yet */
	rx_fill(&f, 4, pk, 1, 10);
	f.slots[6].flags = VALE_SLOT_MOREFRAG;
	EXPECT_EQ(0, vale_ring_chain_peek(&f.r, &c));
	EXPECT_FALSE(vale_ring_chain_end(&f.r, 4, f.tail, &c.end, &len));
	EXPECT_EQ(4, f.head);

	/* a buffer outside the pool: -EBADMSG, end set, consume skips it */
	rx_fill(&f, 4, pk, 1, 10);
	f.slots[5].buf_idx = 0xffffffff;
	EXPECT_EQ(-EBADMSG, vale_ring_chain_peek(&f.r, &c));
	EXPECT_EQ(7, c.end);
	vale_ring_chain_consume(&f.r, &c);
	EXPECT_EQ(7, f.head);
	f.slots[5].buf_idx = 5;

	/* a length over the buffer size */
	rx_fill(&f, 4, pk, 1, 10);
	f.slots[4].len = BUFSZ + 1;
	EXPECT_EQ(-EBADMSG, vale_ring_chain_peek(&f.r, &c));

	/* a chain longer than VALE_MAX_FRAGS on a large ring */
	fake_free(&f);
	{
		struct vale_slot *slots = calloc(VALE_MAX_FRAGS + 2, sizeof(*slots));
		uint32_t h = 0, cu = 0, t = VALE_MAX_FRAGS + 1;
		struct vale_port_ring r = {
			.head = &h, .cur = &cu, .tail = &t, .slots = slots,
			.bufs = calloc(1, BUFSZ), .num_slots = VALE_MAX_FRAGS + 2,
			.buf_size = BUFSZ, .num_bufs = 1,
			.slot_size = sizeof(struct vale_slot),
		};

		for (i = 0; i <= VALE_MAX_FRAGS; i++) {
			slots[i].len = 1;
			slots[i].flags = i < VALE_MAX_FRAGS ? VALE_SLOT_MOREFRAG : 0;
		}
		EXPECT_EQ(-EBADMSG, vale_ring_chain_peek(&r, &c));
		EXPECT_EQ(VALE_MAX_FRAGS + 1, c.end);
		EXPECT_TRUE(vale_ring_chain_end(&r, 0, t, &c.end, &len));
		EXPECT_EQ(VALE_MAX_FRAGS + 1, len);
		free(slots);
		free(r.bufs);
	}
}

TEST(chain_end_counts)
{
	static const unsigned int pk[] = { 2, 1, 4 };
	uint32_t i, len, n = 0, bytes = 0;
	struct fake f;

	fake_init(&f);
	rx_fill(&f, 9, pk, 3, 33);
	i = f.cur;
	while (vale_ring_chain_end(&f.r, i, f.tail, &i, &len)) {
		n++;
		bytes += len;
	}
	EXPECT_EQ(3, n);
	EXPECT_EQ(7 * 33, bytes);
	EXPECT_EQ(f.tail, i);
	fake_free(&f);
}

TEST(send_recv_round_trip)
{
	unsigned char a[150], b[200];
	struct fake f;
	ssize_t n;

	fake_init(&f);
	as_tx(&f, 14);
	pattern(a, sizeof(a), 3);
	EXPECT_EQ(3, vale_ring_send(&f.r, a, sizeof(a)));
	/* the same slots read back as an rx ring */
	f.tail = f.head;
	f.head = f.cur = 14;
	n = vale_ring_recv(&f.r, b, sizeof(b));
	EXPECT_EQ((ssize_t)sizeof(a), n);
	EXPECT_EQ(0, memcmp(a, b, sizeof(a)));
	EXPECT_EQ(-EAGAIN, vale_ring_recv(&f.r, b, sizeof(b)));
	/* too small a buffer: the first bytes, -EMSGSIZE, consumed */
	as_tx(&f, 0);
	EXPECT_EQ(3, vale_ring_send(&f.r, a, sizeof(a)));
	f.tail = f.head;
	f.head = f.cur = 0;
	memset(b, 0, sizeof(b));
	EXPECT_EQ(-EMSGSIZE, vale_ring_recv(&f.r, b, 100));
	EXPECT_EQ(0, memcmp(a, b, 100));
	EXPECT_EQ(0, b[100]);
	EXPECT_EQ(3, f.head);
	fake_free(&f);
}

TEST_HARNESS_MAIN
