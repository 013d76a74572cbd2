// SPDX-License-Identifier: GPL-2.0
// tier0-sources: kmod/fwd.c kmod/sync.c kmod/ring.c kmod/lookup.c kmod/param.c
/*
 * Tier-0 benchmark (not a test): forward packets of 60 bytes through the
 * user-space build of kmod/fwd.c, for instruction counts under callgrind
 * (scripts/bench-instr.sh collects inside vale_fwd_txsync() only, so the
 * setup here and the receivers' work are not counted).
 *
 *   bench_fwd unicast|broadcast|pair BATCH [PACKETS [RECEIVERS]]
 *
 * unicast: port 0 sends to the learned address of port 1 (RECEIVERS ports
 * besides the sender exist, default 4; only port 1 receives).
 * broadcast: port 0 sends broadcast frames to RECEIVERS ports.
 * pair: as unicast, but port 0 is an end of a point-to-point pair with
 * port 1 (its fast path, port.h, counting on a rule's counters).
 * BATCH is the switch's forwarding batch (1..1024); every tx sync hands
 * 512 packets to the switch, and the receivers release their slots
 * between syncs, so nothing is dropped.  Exits non-zero when a packet was
 * lost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd_util.h"
#include "rules.h"

#define PER_SYNC	512
#define SLOTS		1024
#define PKT_LEN		60

int main(int argc, char **argv)
{
	struct vale_switch *sw;
	struct vale_port *tx, *p[64];
	struct vale_ring *ring;
	u32 batch, nrecv = 4, i, j, left, n;
	unsigned long packets = 51200;
	struct vale_rule_ctr ctr = { 0 };
	struct vale_fast fast = { .peer = 1, .ctr = &ctr };
	int bcast;
	u8 f[PKT_LEN];

	if (argc < 3 || (strcmp(argv[1], "unicast") &&
			 strcmp(argv[1], "broadcast") && strcmp(argv[1], "pair"))) {
		fprintf(stderr,
			"usage: %s unicast|broadcast|pair BATCH [PACKETS [RECEIVERS]]\n",
			argv[0]);
		return 2;
	}
	bcast = !strcmp(argv[1], "broadcast");
	batch = strtoul(argv[2], NULL, 0);
	if (argc > 3)
		packets = strtoul(argv[3], NULL, 0);
	if (argc > 4)
		nrecv = strtoul(argv[4], NULL, 0);
	if (batch < 1 || batch > VALE_MAX_BATCH || nrecv < 1 || nrecv > 63 ||
	    !packets) {
		fprintf(stderr, "bad batch, packet or receiver count\n");
		return 2;
	}

	sw = t0_switch_new(batch);
	tx = t0_port_new(sw, 0, 1, 1, SLOTS, 0);
	for (i = 1; i <= nrecv; i++)
		p[i] = t0_port_new(sw, i, 1, 1, SLOTS, 0);
	/* learn port 1's address without going through the forwarder */
	t0_frame(f, T0_MAC_BCAST, T0_MAC(1), PKT_LEN, 0);
	vale_lookup_learn(&sw->mac, f, PKT_LEN, PKT_LEN, 1);
	if (!strcmp(argv[1], "pair"))
		rcu_assign_pointer(tx->fast, &fast);

	/* every tx buffer holds the frame once and for all */
	t0_frame(f, bcast ? T0_MAC_BCAST : T0_MAC(1), T0_MAC(0), PKT_LEN, 1);
	ring = tx->tx[0].ring;
	for (j = 0; j < SLOTS; j++) {
		memcpy(vale_mem_buf(&tx->mem, ring->slot[j].buf_idx), f,
		       PKT_LEN);
		ring->slot[j].len = PKT_LEN;
		ring->slot[j].flags = 0;
	}

	for (left = packets; left; left -= n) {
		n = left < PER_SYNC ? left : PER_SYNC;
		ring->head = ring->cur = (ring->head + n) % SLOTS;
		if (t0_txsync(tx, 0))
			abort();
		for (i = 1; i <= nrecv; i++)
			t0_rx_flush(p[i]);
	}

	for (i = 1; i <= nrecv; i++) {
		u64 want = bcast || i == 1 ? packets : 0;

		if (p[i]->rx[0].stats.packets != want ||
		    p[i]->rx[0].stats.drop_ring_full) {
			fprintf(stderr, "port %u received %llu, want %llu\n",
				i, (unsigned long long)p[i]->rx[0].stats.packets,
				(unsigned long long)want);
			return 1;
		}
	}
	if (tx->fast && ctr.packets != packets) {
		fprintf(stderr, "the pair's rule counted %llu, want %lu\n",
			(unsigned long long)ctr.packets, packets);
		return 1;
	}
	RCU_INIT_POINTER(tx->fast, NULL);
	printf("case=%s batch=%u packets=%lu receivers=%u\n", argv[1], batch,
	       packets, nrecv);
	for (i = 1; i <= nrecv; i++)
		t0_port_free(p[i]);
	t0_port_free(tx);
	free(sw);
	return 0;
}
