// SPDX-License-Identifier: GPL-2.0
// tier0-sources: guest-driver/vmpi_ring.c
/*
 * Fuzz target for the VMPI validators: the geometry check of a header
 * (what it accepts must keep every ring inside the mapping), and the one
 * ring implementation (guest-driver/vmpi_ring.c, also libvale's) at both
 * ends of a channel against a hostile peer that
 * writes fuzzer-chosen values into every shared field between our
 * operations.  Invariants: an accepted descriptor lies inside the data
 * area (the data area is a heap block of exactly its size: ASan sees any
 * stray access), a reserved message lies inside the area and overlaps no
 * message still in flight, and nothing crashes or hangs.
 *
 *   make build/user/tier0/fuzz_vmpi
 *   build/user/tier0/fuzz_vmpi -runs=200000
 */
#include <stdint.h>

#include "vmpi_sim.h"

#include "fuzz_input.h"

/* A 32-bit value near base most of the time, anything otherwise. */
static uint32_t near(struct in *in, uint32_t base)
{
	uint32_t sel = take(in, 1);

	if (sel < 200)
		return base + (int8_t)take(in, 1);
	return take(in, 4);
}

static void fuzz_geometry(struct in *in)
{
	struct vmpi_shm_hdr h;
	uint64_t len;
	unsigned int c, r, i;
	int k;

	/*
	 * A sane layout (as vale-vmpi makes one) from a few input bytes, then
	 * a few words overwritten with values near their own or anything.
	 */
	memset(&h, 0, sizeof(h));
	h.magic = VMPI_MAGIC;
	h.version = VMPI_VERSION;
	h.hdr_size = sizeof(h);
	h.nchannels = 1 + take(in, 1) % VMPI_MAX_CHANNELS;
	h.slots = 1u << (take(in, 1) % 13);
	h.data_size = 4096u << (take(in, 1) % 13);
	h.max_msg = take(in, 4) % (h.data_size + 1);
	h.host_nvec = 1 + take(in, 1) % VMPI_MAX_VECTORS;
	h.chan_off = 128;
	h.desc_off = sizeof(struct vmpi_ring_ctl);
	h.data_off = h.desc_off + ((h.slots * 8 + 63) & ~63u);
	h.ring_stride = h.data_off + h.data_size;
	h.chan_stride = 2 * h.ring_stride;
	h.shm_size = h.chan_off + (uint64_t)h.nchannels * h.chan_stride;
	for (i = take(in, 1) % 4; i; i--) {
		unsigned int w = take(in, 1) % (sizeof(h) / 4);
		uint32_t v;

		memcpy(&v, (uint8_t *)&h + 4 * w, 4);
		v = near(in, v);
		memcpy((uint8_t *)&h + 4 * w, &v, 4);
	}
	len = h.shm_size + (int16_t)take(in, 2);
	k = vmpi_geometry_check(&h, len);
	FUZZ_CHECK(k == 0 || k == -EINVAL || k == -ENODEV);
	if (k)
		return;
	FUZZ_CHECK(h.shm_size <= len);
	for (c = 0; c < h.nchannels; c++)
		for (r = 0; r < 2; r++) {
			uint64_t base = h.chan_off + (uint64_t)c * h.chan_stride +
					(uint64_t)r * h.ring_stride;

			FUZZ_CHECK(base >= sizeof(h));
			FUZZ_CHECK(h.desc_off >= sizeof(struct vmpi_ring_ctl));
			FUZZ_CHECK(h.desc_off + (uint64_t)h.slots * 8 <= h.data_off);
			FUZZ_CHECK(base + h.data_off + h.data_size <= h.shm_size);
			/* The next ring starts after this one's data. */
			FUZZ_CHECK(h.data_off + (uint64_t)h.data_size <= h.ring_stride);
		}
}

#define MAXSLOTS 16

/* Our producer's view of what is in flight, by index. */
struct model {
	uint32_t off[MAXSLOTS], len[MAXSLOTS];
	uint32_t cons, prod;
};

static uint32_t end_cons(const struct sim_end *e)
{
	return e->k.cons;
}

static void model_adopt(struct model *m, const struct sim_shm *s,
			const struct sim_end *e)
{
	uint32_t i, mask = s->slots - 1;

	m->cons = end_cons(e);
	m->prod = sim_prod_index(e);
	for (i = m->cons; i != m->prod; i++) {
		m->off[i & mask] = s->desc[i & mask].off;
		m->len[i & mask] = s->desc[i & mask].len;
	}
}

static void fuzz_rings(struct in *in)
{
	uint32_t slots = 2u << (take(in, 1) % 4);
	uint32_t size = 4096u << (take(in, 1) % 2);
	uint32_t max = 1 + take(in, 2) % size;
	uint32_t idx = take(in, 1) & 1 ? take(in, 4) : 0xffffffff - take(in, 1);
	struct sim_shm tx, rx;		/* we produce on tx, consume rx */
	struct sim_end p, c;
	struct model m;
	uint8_t scratch[8192];
	unsigned int steps = 0;
	bool pfault, cfault;

	if (sim_shm_init(&tx, slots, size, max, idx) ||
	    sim_shm_init(&rx, slots, size, max, idx + 7) ||
	    sim_end_init(&p, &tx) ||
	    sim_end_init(&c, &rx))
		abort();
	pfault = sim_adopt_producer(&p) != 0;
	cfault = sim_adopt_consumer(&c) != 0;
	FUZZ_CHECK(!pfault && !cfault);
	model_adopt(&m, &tx, &p);

	while (in->n && steps++ < 512) {
		uint32_t op = take(in, 1) % 9, off, len, i;
		int err;

		switch (op) {
		case 0:	/* we send */
			if (pfault)
				break;
			len = take(in, 1) & 1 ? take(in, 2) % (max + 1) : max;
			err = sim_reserve(&p, len, &off);
			if (err == SIM_FAULT) {
				pfault = true;
				break;
			}
			/* Messages the peer returned are no longer ours. */
			FUZZ_CHECK(end_cons(&p) - m.cons <= m.prod - m.cons);
			m.cons = end_cons(&p);
			if (err) {
				FUZZ_CHECK(err == -EAGAIN);
				/* An empty ring takes any message. */
				FUZZ_CHECK(m.cons != m.prod);
				break;
			}
			FUZZ_CHECK(off <= size && len <= size - off);
			for (i = m.cons; i != m.prod; i++) {
				uint32_t a = m.off[i & (slots - 1)];
				uint32_t b = a + m.len[i & (slots - 1)];

				FUZZ_CHECK(!len || a == b || off >= b || off + len <= a);
			}
			memset(tx.data + off, 0xa5, len);
			sim_commit(&p, off, len);
			m.off[m.prod & (slots - 1)] = off;
			m.len[m.prod & (slots - 1)] = len;
			m.prod++;
			FUZZ_CHECK(m.prod == sim_prod_index(&p));
			break;
		case 1:	/* the peer consumes: honestly or not */
			tx.ctl->cons = near(in, tx.ctl->cons + 1);
			break;
		case 2:	/* the peer's garbage anywhere in our producer ring */
			i = take(in, 1) % slots;
			tx.desc[i].off = near(in, 0);
			tx.desc[i].len = near(in, 64);
			tx.ctl->room_event = take(in, 4);
			tx.ctl->data_event = take(in, 4);
			break;
		case 3:	/* the peer produces: honestly or not */
			i = rx.ctl->prod & (slots - 1);
			rx.desc[i].off = near(in, take(in, 1) * 64);
			rx.desc[i].len = near(in, take(in, 1) * 16);
			rx.ctl->prod = near(in, rx.ctl->prod + 1);
			break;
		case 4:	/* we receive */
			if (cfault)
				break;
			err = sim_peek(&c, &off, &len);
			if (err == SIM_FAULT) {
				cfault = true;
				break;
			}
			if (err) {
				FUZZ_CHECK(err == -EAGAIN);
				break;
			}
			FUZZ_CHECK(len <= max && off <= size && len <= size - off);
			memcpy(scratch, rx.data + off, len);
			sim_release(&c);
			break;
		case 5:	/* our producer reattaches (module reload) */
			err = sim_adopt_producer(&p);
			FUZZ_CHECK(err == 0 || err == SIM_FAULT);
			pfault = err != 0;
			if (!err) {
				model_adopt(&m, &tx, &p);
				/* What it adopted it checked. */
				for (i = m.cons; i != m.prod; i++)
					FUZZ_CHECK(vmpi_desc_ok(max, size,
						m.off[i & (slots - 1)],
						m.len[i & (slots - 1)]));
			}
			break;
		case 6:	/* our consumer reattaches */
			err = sim_adopt_consumer(&c);
			FUZZ_CHECK(err == 0 || err == SIM_FAULT);
			cfault = err != 0;
			break;
		case 7:	/* a new end (fresh private state) takes over one end */
			if (take(in, 1) & 1) {
				sim_end_free(&p);
				if (sim_end_init(&p, &tx))
					abort();
				err = sim_adopt_producer(&p);
				pfault = err != 0;
				if (!err)
					model_adopt(&m, &tx, &p);
			} else {
				sim_end_free(&c);
				if (sim_end_init(&c, &rx))
					abort();
				cfault = sim_adopt_consumer(&c) != 0;
			}
			break;
		case 8:	/* doorbell requests */
			if (!pfault)
				sim_arm_room(&p);
			if (!cfault)
				sim_arm_data(&c);
			break;
		}
	}
	sim_end_free(&p);
	sim_end_free(&c);
	sim_shm_free(&tx);
	sim_shm_free(&rx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };

	if (take(&in, 1) & 1)
		fuzz_geometry(&in);
	else
		fuzz_rings(&in);
	return 0;
}
