// SPDX-License-Identifier: GPL-2.0
// tier0-sources: kmod/ring.c
/*
 * Fuzz target for the ring validators of kmod/ring.c: index validation
 * (vale_ring_check) and the gather stage's slot and MOREFRAG chain
 * validation (vale_gather), with invariants checked on every output.
 *
 * Build and run (selftests/build.mk does the same):
 *   make build/user/tier0/fuzz_slot, i.e. clang -O1 -g
 *     -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
 *     -Iselftests/tier0/shim -Iuapi -Ikmod with kmod/ring.c
 *   build/user/tier0/fuzz_slot -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/errno.h>

#include "ring.h"

#include "fuzz_input.h"

/* Index validation against a straightforward model. */
static void fuzz_check(struct in *in)
{
	struct vale_ring_state st;
	uint32_t n = 1 + take(in, 1) % 64;
	uint32_t head = take(in, 1), cur = take(in, 1), d_head, d_cur, span;
	int err;

	memset(&st, 0, sizeof(st));
	st.num_slots = n;
	st.hwcur = take(in, 1) % n;
	st.hwtail = take(in, 1) % n;
	err = vale_ring_check(&st, head, cur);
	FUZZ_CHECK(err == 0 || err == -EINVAL);
	if (head >= n || cur >= n) {
		FUZZ_CHECK(err);
		return;
	}
	span = (st.hwtail + n - st.hwcur) % n;
	d_head = (head + n - st.hwcur) % n;
	d_cur = (cur + n - st.hwcur) % n;
	FUZZ_CHECK(!err == (d_head <= span && d_cur >= d_head && d_cur <= span));
}

static void fuzz_gather(struct in *in)
{
	uint32_t n = 8 + take(in, 1) % 120;
	uint32_t num_bufs = take(in, 1);
	uint32_t buf_size = 64 * (1 + take(in, 1) % 256);
	uint32_t max_frags = 1 + take(in, 1) % 128;
	uint32_t hwcur = take(in, 1) % n;
	uint32_t head = take(in, 1) % n, cur, consumed = 0, i, j;
	struct vale_slot *slots = malloc(n * sizeof(*slots));
	struct vale_frag *frags = malloc((max_frags + VALE_MAX_FRAGS - 1) *
					 sizeof(*frags));
	struct vale_pkt *pkts = malloc(max_frags * sizeof(*pkts));
	struct vale_ring_state st;
	struct vale_gather g;

	FUZZ_CHECK(slots && frags && pkts);
	for (i = 0; i < n; i++) {
		slots[i].buf_idx = take(in, 1) ? take(in, 1) : take(in, 4);
		slots[i].len = take(in, 2);
		slots[i].flags = take(in, 1) & 0x80 ? take(in, 2) :
				 take(in, 1) & VALE_SLOT_MOREFRAG;
	}
	vale_ring_init_tx(&st, n);
	st.hwcur = hwcur;
	st.hwtail = vale_ring_prev(hwcur, n);
	FUZZ_CHECK(vale_ring_check(&st, head, head) == 0);

	memset(&g, 0, sizeof(g));
	g.slots = slots;
	g.num_slots = n;
	g.num_bufs = num_bufs;
	g.buf_size = buf_size;
	g.max_frags = max_frags;
	g.frags = frags;
	g.pkts = pkts;
	for (cur = hwcur; cur != head;) {
		uint32_t next = vale_gather(&g, cur, head), nf = 0;
		uint64_t bytes = 0;

		FUZZ_CHECK(next < n);
		FUZZ_CHECK(next != cur);	/* always makes progress */
		consumed += vale_ring_dist(cur, next, n);
		FUZZ_CHECK(consumed <= vale_ring_dist(hwcur, head, n));
		FUZZ_CHECK(g.npkts <= max_frags);
		FUZZ_CHECK(g.nfrags < max_frags + VALE_MAX_FRAGS);
		for (i = 0; i < g.npkts; i++) {
			const struct vale_pkt *p = &pkts[i];
			uint32_t len = 0;

			FUZZ_CHECK(p->frag == nf);
			FUZZ_CHECK(p->nfrags >= 1 && p->nfrags <= VALE_MAX_FRAGS);
			for (j = 0; j < p->nfrags; j++) {
				const struct vale_frag *f = &frags[p->frag + j];

				FUZZ_CHECK(f->buf_idx < num_bufs);
				FUZZ_CHECK(f->len >= 1 && f->len <= buf_size);
				len += f->len;
			}
			FUZZ_CHECK(len == p->len && len <= VALE_MAX_PKT_LEN);
			nf += p->nfrags;
			bytes += len;
		}
		FUZZ_CHECK(nf == g.nfrags && bytes == g.bytes);
		/* packets + drops never exceed the slots consumed */
		FUZZ_CHECK(g.nfrags + g.bad_slot + g.bad_frag <=
			   vale_ring_dist(cur, next, n));
		cur = next;
	}
	FUZZ_CHECK(consumed == vale_ring_dist(hwcur, head, n));
	free(slots);
	free(frags);
	free(pkts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };

	fuzz_check(&in);
	fuzz_gather(&in);
	return 0;
}
