// SPDX-License-Identifier: GPL-2.0
/*
 * p2p: the point-to-point lookup (switch-new/switch-set "lookup p2p"),
 * Documentation/architecture.md: ports are paired by index, 0 with 1,
 * 2 with 3, ...  Every frame a port sends, whatever its destination
 * address (broadcast, multicast, unicast to an address learned elsewhere,
 * unknown), reaches its partner and nobody else, in order, once; a port
 * without a partner drops what it sends, counted as drop_no_dest at the
 * sender; a live switch changes mode with switch-set.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/vale.h>

/* The harness compares the expected literal with the value as given. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include "nl_test.h"
#include "raw_port.h"

#define NP	5
#define NF	240	/* frames each port sends per round */

static const char * const pname[NP] = { "a", "b", "c", "d", "e" };

static int sw_req(uint8_t cmd, const char *name, int lookup)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, cmd, 0);

	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, name);
	if (lookup >= 0)
		mnl_attr_put_u32(nlh, VALE_A_SWITCH_LOOKUP, lookup);
	return talk(nlh, ok_cb, NULL);
}

struct getres {
	uint32_t index, lookup;
};

static int index_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;
	struct getres *r = data;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == VALE_A_PORT_INDEX)
			r->index = mnl_attr_get_u32(a);
	}
	return MNL_CB_OK;
}

static int lookup_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;
	struct getres *r = data;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == VALE_A_SWITCH_LOOKUP)
			r->lookup = mnl_attr_get_u32(a);
	}
	return MNL_CB_OK;
}

/* The index port-get reports for @sw:@port, or -errno. */
static long port_index(const char *sw, const char *port)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, VALE_CMD_PORT_GET, 0);
	struct getres r = { .index = 0xffffffff };
	int err;

	mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, sw);
	mnl_attr_put_strz(nlh, VALE_A_PORT_NAME, port);
	err = talk(nlh, index_cb, &r);
	return err ? err : (long)r.index;
}

static long switch_lookup(const char *sw)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, VALE_CMD_SWITCH_GET, 0);
	struct getres r = { .lookup = 0xffffffff };
	int err;

	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, sw);
	err = talk(nlh, lookup_cb, &r);
	return err ? err : (long)r.lookup;
}

/* Destination of frame @k of port @i: a mix of every kind of address. */
static uint64_t dst_of(int i, int k)
{
	switch (k % 4) {
	case 0:
		return MAC_BCAST;
	case 1:
		return MAC_MCAST;
	case 2:
		return MAC((i + 2) % NP + 1);	/* another port's address */
	default:
		return MAC(0x777);		/* nobody's */
	}
}

/* Send NF frames from port @i (source MAC(i + 1), tag i << 16 | k). */
static int send_round(struct vp *p, int i)
{
	uint8_t f[60];
	int k, err;

	for (k = 0; k < NF; k++) {
		mkframe(f, dst_of(i, k), MAC(i + 1), sizeof(f), i << 16 | k);
		err = vp_queue(p, f, sizeof(f));
		if (!err && (k % 32 == 31 || k == NF - 1))
			err = vp_txsync(p);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Drain port @p; count per sender into from[] and check that frames of
 * each sender come in order, each once (its tags 0..NF-1 in sequence).
 */
static int drain(struct vp *p, unsigned int from[NP], int *disorder)
{
	uint8_t f[2048];
	int next[NP] = { 0 }, n, total = 0;
	uint32_t tag;

	*disorder = 0;
	memset(from, 0, NP * sizeof(from[0]));
	while ((n = vp_recv(p, f, sizeof(f), NULL)) > 0) {
		int s = f[11] - 1;

		memcpy(&tag, f + 14, 4);
		total++;
		if (n != 60 || s < 0 || s >= NP || (int)(tag >> 16) != s) {
			(*disorder)++;
			continue;
		}
		if ((int)(tag & 0xffff) != next[s])
			(*disorder)++;
		next[s] = (tag & 0xffff) + 1;
		from[s]++;
	}
	return n < 0 ? -1 : total;
}

FIXTURE(p2p) {
	struct vp p[NP];
};

FIXTURE_SETUP(p2p)
{
	int i;

	ASSERT_EQ(0, open_nl());
	ASSERT_EQ(0, sw_req(VALE_CMD_SWITCH_NEW, "valep2p", VALE_LOOKUP_P2P));
	for (i = 0; i < NP; i++) {
		char name[32];

		snprintf(name, sizeof(name), "valep2p:%s", pname[i]);
		ASSERT_EQ(0, vp_open(&self->p[i], name, 0, 0));
		/* the pairing is by index: make sure which one each has */
		ASSERT_EQ(i, port_index("valep2p", pname[i]));
	}
}

FIXTURE_TEARDOWN(p2p)
{
	int i;

	for (i = 0; i < NP; i++)
		vp_close(&self->p[i]);
	sw_req(VALE_CMD_SWITCH_DEL, "valep2p", -1);
	mnl_socket_close(nl);
}

/* Everyone sends; check who got what, and every counter. */
static void round_p2p(struct __test_metadata *_metadata, struct vp *p)
{
	struct vale_port_stats st, b[NP];
	unsigned int from[NP];
	int i, j, dis, total;

	for (i = 0; i < NP; i++)
		b[i] = vp_stats(&p[i]);
	for (i = 0; i < NP; i++)
		ASSERT_EQ(0, send_round(&p[i], i));
	for (i = 0; i < NP; i++) {
		int peer = (i ^ 1) < NP ? i ^ 1 : -1;

		total = drain(&p[i], from, &dis);
		EXPECT_EQ(peer < 0 ? 0 : NF, total)
			TH_LOG("port %d (index %d) received %d frames", i, i, total);
		EXPECT_EQ(0, dis) TH_LOG("port %d: %d out of order or foreign", i, dis);
		for (j = 0; j < NP; j++) {
			unsigned int n = from[j];

			EXPECT_EQ(j == peer ? NF : 0, n)
				TH_LOG("port %d got %u frames from port %d", i,
				       n, j);
		}
		st = vp_stats(&p[i]);
		EXPECT_EQ(NF, st.tx_packets - b[i].tx_packets);
		EXPECT_EQ(NF * 60, st.tx_bytes - b[i].tx_bytes);
		EXPECT_EQ(peer < 0 ? 0 : NF, st.rx_packets - b[i].rx_packets);
		/* the partnerless port's frames have no destination */
		EXPECT_EQ(peer < 0 ? NF : 0, st.drop_no_dest - b[i].drop_no_dest);
		EXPECT_EQ(0, st.drop_ring_full);
		EXPECT_EQ(0, st.drop_bad_slot);
		EXPECT_EQ(0, st.drop_too_long);
		EXPECT_EQ(0, st.drop_bad_frag);
	}
}

TEST_F_TIMEOUT(p2p, pairs_by_index, 60)
{
	EXPECT_EQ(VALE_LOOKUP_P2P, switch_lookup("valep2p"));
	round_p2p(_metadata, self->p);
}

/*
 * Learning first (addresses learned, broadcasts flood), then p2p on the
 * live switch: learned addresses do not matter any more; then back.
 */
TEST_F_TIMEOUT(p2p, switch_set_on_a_live_switch, 60)
{
	struct vale_port_stats before[NP], st;
	unsigned int from[NP];
	int i, dis, total;
	uint8_t f[60];

	ASSERT_EQ(0, sw_req(VALE_CMD_SWITCH_SET, "valep2p", VALE_LOOKUP_LEARNING));
	EXPECT_EQ(VALE_LOOKUP_LEARNING, switch_lookup("valep2p"));
	/* a broadcast from each port: everybody learns, every other port hears it */
	for (i = 0; i < NP; i++) {
		mkframe(f, MAC_BCAST, MAC(i + 1), sizeof(f), i << 16);
		ASSERT_EQ(0, vp_send(&self->p[i], f, sizeof(f)));
	}
	for (i = 0; i < NP; i++) {
		total = drain(&self->p[i], from, &dis);
		EXPECT_EQ(NP - 1, total) TH_LOG("learning: port %d got %d", i, total);
	}
	/* learned unicast: from a (0) to c's address goes to c (2) only */
	mkframe(f, MAC(3), MAC(1), sizeof(f), 0);
	ASSERT_EQ(0, vp_send(&self->p[0], f, sizeof(f)));
	EXPECT_EQ(1, drain(&self->p[2], from, &dis));
	EXPECT_EQ(0, drain(&self->p[1], from, &dis));

	for (i = 0; i < NP; i++)
		before[i] = vp_stats(&self->p[i]);
	ASSERT_EQ(0, sw_req(VALE_CMD_SWITCH_SET, "valep2p", VALE_LOOKUP_P2P));
	EXPECT_EQ(VALE_LOOKUP_P2P, switch_lookup("valep2p"));
	/* the same frame now goes to a's partner b (1) */
	ASSERT_EQ(0, vp_send(&self->p[0], f, sizeof(f)));
	EXPECT_EQ(0, drain(&self->p[2], from, &dis));
	EXPECT_EQ(1, drain(&self->p[1], from, &dis));
	EXPECT_EQ(1, from[0]);
	for (i = 0; i < NP; i++) {
		st = vp_stats(&self->p[i]);
		EXPECT_EQ(before[i].rx_packets + (i == 1), st.rx_packets);
		EXPECT_EQ(before[i].drop_no_dest, st.drop_no_dest);
	}
	EXPECT_EQ(0, drain(&self->p[3], from, &dis));
	EXPECT_EQ(0, drain(&self->p[4], from, &dis));
}

/*
 * A port that goes leaves its partner without a destination (counted at
 * the sender); the next port opened takes the free index and pairs with it.
 */
TEST_F_TIMEOUT(p2p, partner_gone_and_replaced, 60)
{
	struct vale_port_stats st;
	unsigned int from[NP];
	int dis;
	uint8_t f[60];

	vp_close(&self->p[1]);
	mkframe(f, MAC(2), MAC(1), sizeof(f), 0);
	ASSERT_EQ(0, vp_send(&self->p[0], f, sizeof(f)));
	st = vp_stats(&self->p[0]);
	EXPECT_EQ(1, st.tx_packets);
	EXPECT_EQ(1, st.drop_no_dest);
	EXPECT_EQ(0, drain(&self->p[2], from, &dis));
	EXPECT_EQ(0, drain(&self->p[3], from, &dis));
	EXPECT_EQ(0, drain(&self->p[4], from, &dis));

	ASSERT_EQ(0, vp_open(&self->p[1], "valep2p:b2", 0, 0));
	ASSERT_EQ(1, port_index("valep2p", "b2"));
	round_p2p(_metadata, self->p);
	st = vp_stats(&self->p[0]);
	EXPECT_EQ(1 + NF, st.tx_packets);
	EXPECT_EQ(1, st.drop_no_dest);
}

TEST_HARNESS_MAIN
