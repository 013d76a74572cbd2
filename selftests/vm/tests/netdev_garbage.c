// SPDX-License-Identifier: GPL-2.0
/*
 * netdev_garbage: garbage at both boundaries of a netdev port, with the
 * exact outcome of every row (Documentation/uapi.md, "Netdev ports", and
 * Documentation/security.md).
 *
 *  - ring port -> device, in every lookup mode (learning, p2p, rules): a
 *    table of frame lengths (0 .. the longest chain), VLAN variants
 *    (untagged, 802.1Q, 802.1ad, QinQ, 0x9100, a tag cut short, an 802.3
 *    length field) and slot layouts (one slot, MOREFRAG chains, a first
 *    slot that cuts the Ethernet header or the tag).  Each row is either
 *    read back from the tap byte for byte or dropped and counted in the
 *    one counter uapi.md names for it; every other counter of both ports
 *    stays unchanged; a rule counts the whole length of what it decided;
 *  - a device whose header is longer (a VLAN device: hard_header_len 18 or
 *    a tag inserted by its lower device) gets the same frames, tag added;
 *    non-Ethernet devices (ipip, gre) are refused at attach;
 *  - device -> ring port: a tap (IFF_VNET_HDR) written with a table of
 *    hostile virtio_net_hdr values: the kernel's tap refuses some (EINVAL,
 *    nothing counted), the kernel drops some before the rx_handler
 *    (nothing counted), the rest reach the switch and are delivered as
 *    frames (GSO segmented, checksums completed) or counted in
 *    drop_rx_error;
 *  - VLAN acceleration: frames sent on VLAN devices over a veth peer
 *    arrive with their tag in skb metadata; the ring port sees the tag in
 *    the frame.
 *
 * Splats: vm-run fails the test on a kernel warning, KASAN or lockdep
 * report in the guest's log.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <linux/vale.h>

#pragma GCC diagnostic ignored "-Wsign-compare"
/* the tables leave trailing fields out */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include "kselftest_harness.h"

#include "nl_test.h"
#include "raw_port.h"
#include "netdev_test.h"

#define SW	"vale8"
#define TAP	"vgt0"
#define VPORT	"p"

#define MAC_TAP		MAC(0x0a01)
#define MAC_VP		MAC(0x0b01)	/* source of frames of the ring port */
#define MAC_BLK		MAC(0x0c01)	/* rules mode: "dst MAC_BLK drop" */
#define MAC_DECOY	MAC(0x0a01)
#define BUFSZ		2048

/* ---- netlink ---- */

/* rule @id: prio, one match (vid >= 0, dst, in), action, out */
static int nl_rule(uint32_t id, uint16_t prio, int vid, const uint64_t *dst,
		   const char *in, uint32_t act, const char *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, VALE_CMD_RULE_NEW, 0);
	uint8_t mac[6];
	int i;

	mnl_attr_put_strz(nlh, VALE_A_RULE_SWITCH, SW);
	mnl_attr_put_u32(nlh, VALE_A_RULE_ID, id);
	mnl_attr_put_u16(nlh, VALE_A_RULE_PRIO, prio);
	if (vid >= 0)
		mnl_attr_put_u32(nlh, VALE_A_RULE_VID, vid);
	if (dst) {
		for (i = 0; i < 6; i++)
			mac[i] = *dst >> (40 - 8 * i);
		mnl_attr_put(nlh, VALE_A_RULE_DST, 6, mac);
	}
	if (in)
		mnl_attr_put_strz(nlh, VALE_A_RULE_IN_PORT, in);
	mnl_attr_put_u32(nlh, VALE_A_RULE_ACTION, act);
	if (out)
		mnl_attr_put_strz(nlh, VALE_A_RULE_OUT_PORT, out);
	return talk(nlh, NULL, NULL);
}

/* ---- devices ---- */

/*
 * Next frame the tap was sent from MAC_VP (or shorter than a source
 * address): its length, 0 after ms without one.
 */
static int tap_read(int fd, uint8_t *out, size_t max, int ms)
{
	static uint8_t buf[VNET_HLEN + 65600];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int64_t end = rp_now_ms() + ms;
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n >= VNET_HLEN) {
			const uint8_t *f = buf + VNET_HLEN;
			size_t len = n - VNET_HLEN;

			if (len < 12 || (f[6] == 0x02 && f[10] == 0x0b)) {
				memcpy(out, f, len < max ? len : max);
				return (int)len;
			}
			continue;
		}
		ms = (int)(end - rp_now_ms());
		if (ms <= 0)
			return 0;
		poll(&pfd, 1, ms);
	}
}

/* ---- frames ---- */

enum var { V_NONE, V_Q, V_AD, V_QINQ, V_9100, V_LEN, V_Q10, V_BLK };

/* A frame of every variant, 65536 bytes long: rows take a prefix. */
static void mkvar(uint8_t *f, enum var v, unsigned int seed)
{
	uint8_t *p = f + 12;

	pattern(f, 65536, seed);
	put_mac(f, v == V_BLK ? MAC_BLK : MAC_TAP);
	put_mac(f + 6, MAC_VP);
	switch (v) {
	case V_Q:
		put16(p, 0x8100);
		put16(p + 2, 0xa000 | 100);
		p += 4;
		break;
	case V_Q10:
		put16(p, 0x8100);
		put16(p + 2, 10);
		p += 4;
		break;
	case V_AD:
		put16(p, 0x88a8);
		put16(p + 2, 100);
		p += 4;
		break;
	case V_QINQ:
		put16(p, 0x88a8);
		put16(p + 2, 100);
		put16(p + 4, 0x8100);
		put16(p + 6, 7);
		p += 8;
		break;
	case V_9100:
		put16(p, 0x9100);
		put16(p + 2, 100);
		p += 4;
		break;
	default:
		break;
	}
	put16(p, v == V_LEN ? 46 : 0x88b5);
}

/* ---- ring port -> device ---- */

enum out { DELIV = 1, TOOL, NOD, BSLOT, BFRAG };

struct row {
	const char *what;
	uint32_t len;
	enum var var;
	uint32_t chain;		/* slot size of the chain (0: BUFSZ) */
	uint32_t first;		/* length of the first slot, if not 0 */
	int open;		/* the last slot keeps MOREFRAG */
	int mtu;		/* of the tap (0: 1500) */
	enum out out[3];	/* learning, p2p, rules */
};

#define ALL(o)	{ o, o, o }
#define MTU	1500

static const struct row rows[] = {
	{ "empty slot", 0, V_NONE, 0, 0, 0, 0, ALL(BSLOT) },
	{ "1 byte", 1, V_NONE, 0, 0, 0, 0, ALL(NOD) },
	{ "13 bytes", 13, V_NONE, 0, 0, 0, 0, ALL(NOD) },
	{ "ETH_HLEN", 14, V_NONE, 0, 0, 0, 0, ALL(DELIV) },
	{ "15 bytes", 15, V_NONE, 0, 0, 0, 0, ALL(DELIV) },
	{ "802.1Q tag cut short (15)", 15, V_Q, 0, 0, 0, 0, ALL(DELIV) },
	{ "802.1Q tag cut short (17)", 17, V_Q, 0, 0, 0, 0, ALL(DELIV) },
	{ "802.1Q, tag only (18)", 18, V_Q, 0, 0, 0, 0, ALL(DELIV) },
	{ "QinQ, inner tag cut short (20)", 20, V_QINQ, 0, 0, 0, 0,
	  ALL(DELIV) },
	{ "18 bytes", 18, V_NONE, 0, 0, 0, 0, ALL(DELIV) },
	{ "60 bytes", 60, V_NONE, 0, 0, 0, 0, ALL(DELIV) },
	{ "64 bytes", 64, V_NONE, 0, 0, 0, 0, ALL(DELIV) },
	{ "802.3 length field, 60", 60, V_LEN, 0, 0, 0, 0, ALL(DELIV) },
	{ "802.3 length field, MTU+14", MTU + 14, V_LEN, 0, 0, 0, 0,
	  ALL(DELIV) },
	{ "MTU+14", MTU + 14, V_NONE, 0, 0, 0, 0, ALL(DELIV) },
	{ "MTU+15", MTU + 15, V_NONE, 0, 0, 0, 0, ALL(TOOL) },
	{ "MTU+18 untagged", MTU + 18, V_NONE, 0, 0, 0, 0, ALL(TOOL) },
	{ "802.1Q MTU+18", MTU + 18, V_Q, 0, 0, 0, 0, ALL(DELIV) },
	{ "802.1Q MTU+19", MTU + 19, V_Q, 0, 0, 0, 0, ALL(TOOL) },
	{ "802.1ad MTU+18", MTU + 18, V_AD, 0, 0, 0, 0, ALL(DELIV) },
	{ "802.1ad MTU+19", MTU + 19, V_AD, 0, 0, 0, 0, ALL(TOOL) },
	{ "QinQ MTU+18", MTU + 18, V_QINQ, 0, 0, 0, 0, ALL(DELIV) },
	{ "QinQ MTU+19 (one tag allowed)", MTU + 19, V_QINQ, 0, 0, 0, 0,
	  ALL(TOOL) },
	{ "QinQ MTU+22", MTU + 22, V_QINQ, 0, 0, 0, 0, ALL(TOOL) },
	{ "0x9100 is no tag: MTU+18", MTU + 18, V_9100, 0, 0, 0, 0,
	  ALL(TOOL) },
	{ "a whole slot (2048)", BUFSZ, V_NONE, 0, 0, 0, 0, ALL(TOOL) },
	{ "a whole slot, MTU 2034", BUFSZ, V_NONE, 0, 0, 0, 2034,
	  ALL(DELIV) },
	{ "chain 1000+514", MTU + 14, V_NONE, 1000, 0, 0, 0, ALL(DELIV) },
	{ "802.1Q chain 1000+518", MTU + 18, V_Q, 1000, 0, 0, 0,
	  ALL(DELIV) },
	{ "chain 2048+2048", 2 * BUFSZ, V_NONE, 0, 0, 0, 0, ALL(TOOL) },
	{ "chain of 64 slots", 64 * 20, V_NONE, 20, 0, 0, 0, ALL(DELIV) },
	{ "chain of 65 slots", 65 * 20, V_NONE, 20, 0, 0, 0, ALL(BFRAG) },
	{ "chain not terminated", 100, V_NONE, 50, 0, 1, 0, ALL(BFRAG) },
	{ "65535 bytes in 32 slots, MTU 65521", 65535, V_NONE, 0, 0, 0,
	  65521, ALL(DELIV) },
	{ "65536 bytes in 32 slots", 65536, V_NONE, 0, 0, 0, 65521,
	  ALL(BFRAG) },
	{ "first slot 13 bytes of 60", 60, V_NONE, 0, 13, 0, 0, ALL(NOD) },
	/* the stale bytes after the first slot say MAC_DECOY */
	{ "first slot 4 bytes of a blocked dst", 60, V_BLK, 0, 4, 0, 0,
	  ALL(NOD) },
	{ "first slot 14 bytes of 60", 60, V_NONE, 0, 14, 0, 0, ALL(NOD) },
	{ "first slot 17 bytes of 60", 60, V_NONE, 0, 17, 0, 0, ALL(NOD) },
	{ "first slot 18 bytes of 60", 60, V_NONE, 0, 18, 0, 0, ALL(DELIV) },
	{ "first slot cuts a vid 10 tag (16 of 60)", 60, V_Q10, 0, 16, 0, 0,
	  ALL(NOD) },
	{ "first slot holds a vid 10 tag (18 of 60)", 60, V_Q10, 0, 18, 0, 0,
	  { DELIV, DELIV, NOD } },
	{ "vid 10, one slot", 60, V_Q10, 0, 0, 0, 0, { DELIV, DELIV, NOD } },
	{ "blocked dst, one slot", 60, V_BLK, 0, 0, 0, 0,
	  { DELIV, DELIV, NOD } },
};

/*
 * Queue row @r's frame @f: slots of r->chain bytes (r->first for the
 * first one), MOREFRAG on all but the last (and on it with r->open).  The
 * first slot's buffer first gets a decoy header, so that a lookup that
 * reads past the first slot's length sees other addresses.
 */
static int queue_row(struct vp *p, const struct row *r, const uint8_t *f)
{
	struct vale_ring *tx = vp_tx(p);
	uint32_t h = tx->head, tail = __atomic_load_n(&tx->tail,
						      __ATOMIC_ACQUIRE);
	uint32_t off = 0, chain = r->chain ? r->chain : BUFSZ, k = 0;

	do {
		struct vale_slot *s = &tx->slot[h];
		uint32_t c = k == 0 && r->first ? r->first : chain;
		uint8_t *b = vp_buf(p, s->buf_idx);

		if (h == tail)
			return -ENOSPC;
		if (c > r->len - off)
			c = r->len - off;
		if (k == 0) {
			memset(b, 0, 64);
			put_mac(b, MAC_DECOY);
			put_mac(b + 6, MAC_VP);
			put16(b + 12, 0x88b5);
		}
		memcpy(b, f + off, c);
		s->len = c;
		off += c;
		s->flags = off < r->len || r->open ? VALE_SLOT_MOREFRAG : 0;
		h = nxt(tx, h);
		k++;
	} while (off < r->len);
	set_head(tx, h);
	return vp_txsync(p);
}

FIXTURE(ring2dev) {
	int tap;
	struct vp p;
};

FIXTURE_VARIANT(ring2dev) {
	uint32_t mode;
	int col;
};

FIXTURE_VARIANT_ADD(ring2dev, learning) {
	.mode = VALE_LOOKUP_LEARNING, .col = 0,
};

FIXTURE_VARIANT_ADD(ring2dev, p2p) {
	.mode = VALE_LOOKUP_P2P, .col = 1,
};

FIXTURE_VARIANT_ADD(ring2dev, rules) {
	.mode = VALE_LOOKUP_RULES, .col = 2,
};

static void setup_tap_and_port(struct __test_metadata *_metadata, int *tap,
			       struct vp *p)
{
	if (access("/sys/module/tun", F_OK) || access("/sys/module/veth", F_OK))
		system("modprobe tun 2>/dev/null; modprobe veth 2>/dev/null");
	put_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	ASSERT_EQ(0, open_nl());
	*tap = tap_open(TAP);
	ASSERT_LE(0, *tap) TH_LOG("tap: %s", strerror(-*tap));
	no_ipv6(TAP);
	ASSERT_EQ(0, if_up(TAP));
	ASSERT_EQ(0, nl_attach(SW, TAP)) TH_LOG("attach: %s", errmsg);
	ASSERT_EQ(0, vp_open(p, SW ":" VPORT, 256, BUFSZ));
}

FIXTURE_SETUP(ring2dev)
{
	static const uint64_t blk = MAC_BLK;

	setup_tap_and_port(_metadata, &self->tap, &self->p);
	ASSERT_EQ(0, nl_set_lookup(SW, variant->mode)) TH_LOG("%s", errmsg);
	if (variant->mode != VALE_LOOKUP_RULES)
		return;
	ASSERT_EQ(0, nl_rule(1, 10, 10, NULL, NULL, VALE_RULE_ACT_DROP, NULL))
		TH_LOG("%s", errmsg);
	ASSERT_EQ(0, nl_rule(2, 10, -1, &blk, NULL, VALE_RULE_ACT_DROP, NULL))
		TH_LOG("%s", errmsg);
	ASSERT_EQ(0, nl_rule(3, 0, -1, NULL, VPORT, VALE_RULE_ACT_OUTPUT, TAP))
		TH_LOG("%s", errmsg);
}

FIXTURE_TEARDOWN(ring2dev)
{
	vp_close(&self->p);
	if (self->tap >= 0)
		close(self->tap);
}

/*
 * 60 bytes from the ring port reach the tap: what came before is done.
 * Frames before the marker are errors (and read, so that the next row
 * starts clean).
 */
static int marker(struct vp *p, int tap)
{
	static uint8_t f[128], r[65600];
	int n, extra = 0;

	mkframe(f, MAC_TAP, MAC_VP, 60, 0x4d4d);
	if (vp_send(p, f, 60))
		return -1;
	for (;;) {
		n = tap_read(tap, r, sizeof(r), 3000);
		if (n <= 0) {
			fprintf(stderr, "# no marker\n");
			return -1;
		}
		if (n == 60 && !memcmp(r, f, 60))
			break;
		fprintf(stderr, "# the tap got %d bytes more\n", n);
		extra++;
	}
	return extra ? -1 : 0;
}

static const char *const out_name[] = {
	"?", "delivered", "drop-too-long", "drop-no-dest", "drop-bad-slot",
	"drop-bad-frag",
};

/* the debug kernel (KASAN, TCG) is slow */
TEST_F_TIMEOUT(ring2dev, table, 600)
{
	static uint8_t f[65536], r[65600];
	unsigned int i;
	int mtu = MTU, bad = 0;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *w = &rows[i];
		enum out o = w->out[variant->col];
		int want_mtu = w->mtu ? w->mtu : MTU;
		struct cnt t0, v0, t1, v1;
		int n, e = 0;

		if (want_mtu != mtu) {
			ASSERT_EQ(0, if_mtu(TAP, want_mtu));
			mtu = want_mtu;
		}
		mkvar(f, w->var, i);
		t0 = counters(SW, TAP);
		v0 = counters(SW, VPORT);
		ASSERT_EQ(0, queue_row(&self->p, w, f)) TH_LOG("%s", w->what);
		if (o == DELIV) {
			n = tap_read(self->tap, r, sizeof(r), 3000);
			if (n != (int)w->len || memcmp(r, f, w->len)) {
				fprintf(stderr, "# %s: tap got %d bytes%s\n",
					w->what, n, n == (int)w->len ?
					", not the same" : "");
				e++;
			}
		}
		if (marker(&self->p, self->tap))
			e++;
		t1 = counters(SW, TAP);
		v1 = counters(SW, VPORT);
		switch (o) {
		case DELIV:
			e += delta(TAP, &t0, &t1, W(RXP, 2, RXB, w->len + 60));
			e += delta(VPORT, &v0, &v1,
				   W(TXP, 2, TXB, w->len + 60));
			break;
		case TOOL:
			e += delta(TAP, &t0, &t1,
				   W(RXP, 1, RXB, 60, TOOLONG, 1));
			e += delta(VPORT, &v0, &v1,
				   W(TXP, 2, TXB, w->len + 60));
			break;
		case NOD:
			e += delta(TAP, &t0, &t1, W(RXP, 1, RXB, 60));
			e += delta(VPORT, &v0, &v1,
				   W(TXP, 2, TXB, w->len + 60, NODEST, 1));
			break;
		case BSLOT:
		case BFRAG:
			e += delta(TAP, &t0, &t1, W(RXP, 1, RXB, 60));
			e += delta(VPORT, &v0, &v1,
				   W(TXP, 1, TXB, 60,
				     o == BSLOT ? BADSLOT : BADFRAG, 1));
			break;
		}
		fprintf(stderr, "# %-44s %-14s %s\n", w->what, out_name[o],
			e ? "FAIL" : "ok");
		bad += !!e;
	}
	if (mtu != MTU)
		if_mtu(TAP, MTU);
	EXPECT_EQ(0, bad);
}

/* A rule's counters, from rule-get. */
static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	uint64_t *pb = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == VALE_A_RULE_PACKETS)
			pb[0] = mnl_attr_get_u64(a);
		if (mnl_attr_get_type(a) == VALE_A_RULE_BYTES)
			pb[1] = mnl_attr_get_u64(a);
	}
	return MNL_CB_OK;
}

static int rule_get(uint32_t id, uint64_t *pb)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, VALE_CMD_RULE_GET, 0);

	pb[0] = pb[1] = ~0ULL;
	mnl_attr_put_strz(nlh, VALE_A_RULE_SWITCH, SW);
	mnl_attr_put_u32(nlh, VALE_A_RULE_ID, id);
	return talk(nlh, rule_cb, pb);
}

/*
 * A rule counts every packet it decided with its whole length, also over
 * several slots (steering.md): one slot, a chain of two, a chain of 64,
 * and a chain too long for the device (decided by the rule all the same).
 */
TEST_F(ring2dev, rule_counters)
{
	static const uint32_t lens[] = { 60, MTU + 14, 2 * BUFSZ, 64 * 20 };
	static uint8_t f[65536], r[65600];
	uint64_t pb[2], bytes = 0;
	unsigned int i;

	if (variant->mode != VALE_LOOKUP_RULES)
		SKIP(return, "rules only");
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct row w = { "", lens[i], V_NONE, i == 3 ? 20 : 0 };

		mkvar(f, V_NONE, i);
		ASSERT_EQ(0, queue_row(&self->p, &w, f));
		if (lens[i] <= MTU + 14)
			EXPECT_EQ(lens[i], tap_read(self->tap, r, sizeof(r),
						    3000));
		bytes += lens[i];
	}
	ASSERT_EQ(0, rule_get(3, pb)) TH_LOG("%s", errmsg);
	EXPECT_EQ(i, pb[0]);
	EXPECT_EQ(bytes, pb[1]);
}

/*
 * A device with a longer header: a VLAN device (id 9) over a second tap.
 * Frames of the ring port leave through it with the tag added (seen on
 * the lower tap); its MTU is the lower device's, and the length rules are
 * those of any device.
 */
#define LOWER	"vgt1"
#define VLDEV	"vgt1.9"
#define SW2	"vale9"

TEST(longer_header_device)
{
	static const struct {
		uint32_t len;
		enum var var;
		int pass;
	} c[] = {
		{ 14, V_NONE, 1 }, { 15, V_NONE, 1 }, { 17, V_Q, 1 },
		{ 60, V_NONE, 1 }, { MTU + 14, V_NONE, 1 },
		{ MTU + 15, V_NONE, 0 }, { MTU + 18, V_Q, 1 },
		{ MTU + 19, V_Q, 0 },
	};
	static uint8_t f[65536], r[65600], want[65600];
	struct cnt d0, v0, d1, v1;
	uint64_t pass = 0, pbytes = 0, drop = 0, bytes = 0;
	unsigned int i;
	struct vp p;
	int tap, n;

	if (access("/sys/module/tun", F_OK))
		system("modprobe tun 2>/dev/null");
	if (system("modprobe 8021q 2>/dev/null") &&
	    access("/sys/module/8021q", F_OK))
		SKIP(return, "no 8021q module");
	put_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	ASSERT_EQ(0, open_nl());
	tap = tap_open(LOWER);
	ASSERT_LE(0, tap);
	no_ipv6(LOWER);
	ASSERT_EQ(0, if_up(LOWER));
	ASSERT_EQ(0, sh(IP " link add link " LOWER " name " VLDEV
			" type vlan id 9"));
	no_ipv6(VLDEV);
	ASSERT_EQ(0, if_up(VLDEV));
	ASSERT_EQ(0, nl_attach(SW2, VLDEV)) TH_LOG("%s", errmsg);
	ASSERT_EQ(0, vp_open(&p, SW2 ":" VPORT, 256, BUFSZ));
	d0 = counters(SW2, VLDEV);
	v0 = counters(SW2, VPORT);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		mkvar(f, c[i].var, i);
		ASSERT_EQ(0, vp_send(&p, f, c[i].len));
		bytes += c[i].len;
		if (!c[i].pass) {
			drop++;
			continue;
		}
		pass++;
		pbytes += c[i].len;
		memcpy(want, f, 12);
		put16(want + 12, 0x8100);
		put16(want + 14, 9);
		memcpy(want + 16, f + 12, c[i].len - 12);
		n = tap_read(tap, r, sizeof(r), 3000);
		EXPECT_EQ(c[i].len + 4, n) TH_LOG("case %u", i);
		EXPECT_EQ(0, memcmp(r, want, c[i].len + 4)) TH_LOG("case %u", i);
	}
	/* nothing else reaches the lower device */
	mkframe(f, MAC_TAP, MAC_VP, 60, 0x4d4d);
	ASSERT_EQ(0, vp_send(&p, f, 60));
	n = tap_read(tap, r, sizeof(r), 3000);
	EXPECT_EQ(64, n);
	d1 = counters(SW2, VLDEV);
	v1 = counters(SW2, VPORT);
	EXPECT_EQ(0, delta(VLDEV, &d0, &d1, W(RXP, pass + 1, RXB, pbytes + 60,
					      TOOLONG, drop)));
	EXPECT_EQ(0, delta(VPORT, &v0, &v1, W(TXP, i + 1, TXB, bytes + 60)));
	vp_close(&p);
	sh(IP " link del " VLDEV);
	close(tap);
}

/* Devices that are not Ethernet are refused, nothing is created. */
TEST(non_ethernet_refused)
{
	static const struct {
		const char *mod, *dev, *cmd;
	} c[] = {
		{ "ipip", "vgipip", "type ipip local 10.7.0.1 remote 10.7.0.2" },
		{ "ip_gre", "vggre", "type gre local 10.7.0.1 remote 10.7.0.2" },
	};
	unsigned int i, tried = 0;
	char cmd[256];

	ASSERT_EQ(0, open_nl());
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct cnt s;
		int rc;

		snprintf(cmd, sizeof(cmd), "modprobe %s 2>/dev/null", c[i].mod);
		if (system(cmd)) {
			fprintf(stderr, "# no %s module\n", c[i].mod);
			continue;
		}
		ASSERT_EQ(0, sh(IP " link add %s %s", c[i].dev, c[i].cmd));
		ASSERT_EQ(0, if_up(c[i].dev));
		rc = nl_attach("vale10", c[i].dev);
		EXPECT_EQ(-EOPNOTSUPP, rc) TH_LOG("%s", c[i].dev);
		EXPECT_STREQ("not an Ethernet device", errmsg);
		s = counters("vale10", c[i].dev);
		EXPECT_EQ(0, s.got) TH_LOG("%s: a port was made", c[i].dev);
		sh(IP " link del %s", c[i].dev);
		tried++;
	}
	if (!tried)
		SKIP(return, "no ipip or ip_gre module");
}

/* ---- device -> ring port: hostile virtio_net_hdr ---- */

#define TCP_SEQ	0x10000000u

static uint16_t eth_l2(uint8_t *f, int tags)
{
	int i;

	put_mac(f, MAC_VP);
	put_mac(f + 6, MAC_TAP);
	for (i = 0; i < tags; i++) {
		put16(f + 12 + 4 * i, i == 0 && tags == 2 ? 0x88a8 : 0x8100);
		put16(f + 14 + 4 * i, 0x2000 | (20 + i));
	}
	return 14 + 4 * tags;
}

/*
 * Ethernet (@tags tags) + IPv4 + TCP or UDP (@udp) with @plen payload
 * bytes; the L4 checksum holds the pseudo header's sum only (what
 * CHECKSUM_PARTIAL expects), or the full sum with @full.
 */
static size_t l4frame(uint8_t *f, int tags, int udp, size_t plen, int full,
		      unsigned int seed)
{
	size_t l2 = eth_l2(f, tags), thl = udp ? 8 : 20;
	uint8_t *ip = f + l2, *th = ip + 20;
	size_t l4 = thl + plen;
	uint16_t ck;

	put16(f + l2 - 2, 0x0800);
	ip4(ip, udp ? 17 : 6, l4);
	memset(th, 0, thl);
	put16(th, 40000);
	put16(th + 2, 5001);
	if (udp) {
		put16(th + 4, l4);
	} else {
		put32(th + 4, TCP_SEQ);
		put32(th + 8, 1);
		th[12] = 5 << 4;
		th[13] = 0x18;
		put16(th + 14, 0xffff);
	}
	pattern(th + thl, plen, seed);
	ck = csum_fold(pseudo4(ip, udp ? 17 : 6, l4));
	put16(th + (udp ? 6 : 16), ck);
	if (full) {
		ck = ~csum_fold(csum_add(0, th, l4));
		put16(th + (udp ? 6 : 16), ck ? ck : 0xffff);
	}
	return l2 + 20 + l4;
}

/* The frame as skb_checksum_help() completes it. */
static void complete_csum(uint8_t *f, size_t len, uint32_t start,
			  uint32_t off)
{
	uint16_t v = ~csum_fold(csum_add(0, f + start, len - start));

	put16(f + start + off, v ? v : 0xffff);
}

static int l4_ok(const uint8_t *ip)
{
	size_t ihl = (ip[0] & 15) * 4, l4len = get16(ip + 2) - ihl;

	return csum_fold(csum_add(pseudo4(ip, ip[9], l4len), ip + ihl,
				  l4len)) == 0xffff;
}

static int ip_ok(const uint8_t *ip)
{
	return csum_fold(csum_add(0, ip, (ip[0] & 15) * 4)) == 0xffff;
}

/* outcomes of a hostile write */
enum hout {
	H_EINVAL = 1,	/* the tap refuses the write */
	H_GONE,		/* the kernel drops it before vale: nothing counted */
	H_ONE,		/* one frame, exact (checksum completed if partial) */
	H_SEGS,		/* .n TCP segments (or UDP fragments), checksums ok */
	H_RXERR,	/* dropped by vale, drop_rx_error */
};

struct hrow {
	const char *what;
	uint8_t flags, gso_type;
	uint16_t hdr_len, gso_size, csum_start, csum_offset;
	int udp, tags, full;	/* frame: UDP, VLAN tags, full checksum */
	size_t plen;		/* payload; 0: a len-byte raw frame */
	size_t len;		/* raw frames only */
	enum hout out;
	unsigned int n;		/* H_SEGS: frames */
};

#define NC	VIRTIO_NET_HDR_F_NEEDS_CSUM
#define DV	VIRTIO_NET_HDR_F_DATA_VALID
#define T4	VIRTIO_NET_HDR_GSO_TCPV4
#define T6	VIRTIO_NET_HDR_GSO_TCPV6
#define UFO	VIRTIO_NET_HDR_GSO_UDP
#define ECN	VIRTIO_NET_HDR_GSO_ECN
#define UL4	5		/* VIRTIO_NET_HDR_GSO_UDP_L4 */

static const struct hrow hrows[] = {
	{ "plain TCP, no metadata", 0, 0, 0, 0, 0, 0, 0, 0, 1, 3000, 0, H_ONE },
	{ "NEEDS_CSUM TCP", NC, 0, 0, 0, 34, 16, 0, 0, 0, 3000, 0, H_ONE },
	{ "NEEDS_CSUM UDP, odd length", NC, 0, 0, 0, 34, 6, 1, 0, 0, 301, 0,
	  H_ONE },
	{ "DATA_VALID, checksum wrong", DV, 0, 0, 0, 0, 0, 0, 0, 0, 300, 0,
	  H_ONE },
	{ "DATA_VALID and NEEDS_CSUM", DV | NC, 0, 0, 0, 34, 16, 0, 0, 0, 300,
	  0, H_ONE },
	{ "TCPV4 1000", NC, T4, 54, 1000, 34, 16, 0, 0, 0, 3000, 0, H_SEGS, 3 },
	{ "TCPV4 | ECN", NC, T4 | ECN, 54, 1000, 34, 16, 0, 0, 0, 3000, 0,
	  H_SEGS, 3 },
	{ "TCPV4 without NEEDS_CSUM", 0, T4, 54, 1000, 0, 0, 0, 0, 0, 3000, 0,
	  H_SEGS, 3 },
	/* segments of at least 8 bytes, whatever gso_size says */
	{ "TCPV4 gso_size 1", NC, T4, 54, 1, 34, 16, 0, 0, 0, 40, 0, H_SEGS,
	  5 },
	{ "TCPV4 gso_size 0", NC, T4, 54, 0, 34, 16, 0, 0, 0, 3000, 0,
	  H_EINVAL },
	{ "TCPV4 gso_size 65535", NC, T4, 54, 65535, 34, 16, 0, 0, 0, 3000, 0,
	  H_EINVAL },
	{ "TCPV4 gso_size = payload", NC, T4, 54, 3000, 34, 16, 0, 0, 0, 3000,
	  0, H_ONE },
	{ "TCPV4 hdr_len 0", NC, T4, 0, 1000, 34, 16, 0, 0, 0, 3000, 0, H_SEGS,
	  3 },
	{ "TCPV4 hdr_len below ETH_HLEN", NC, T4, 10, 1000, 34, 16, 0, 0, 0,
	  3000, 0, H_SEGS, 3 },
	{ "TCPV4 hdr_len the whole frame", NC, T4, 3054, 1000, 34, 16, 0, 0,
	  0, 3000, 0, H_SEGS, 3 },
	{ "TCPV4 hdr_len beyond the frame", NC, T4, 3055, 1000, 34, 16, 0, 0,
	  0, 3000, 0, H_EINVAL },
	/* csum_offset 6 is not TCP's */
	{ "TCPV4 on a UDP frame", NC, T4, 42, 1000, 34, 6, 1, 0, 0, 3000, 0,
	  H_EINVAL },
	{ "TCPV4 on a UDP frame, no NEEDS_CSUM", 0, T4, 42, 1000, 0, 0, 1, 0,
	  0, 3000, 0, H_RXERR },
	{ "TCPV6 on an IPv4 frame", NC, T6, 54, 1000, 34, 16, 0, 0, 0, 3000, 0,
	  H_RXERR },
	{ "UFO", NC, UFO, 42, 1000, 34, 6, 1, 0, 0, 3000, 0, H_SEGS, 4 },
	{ "UDP_L4", NC, UL4, 42, 1000, 34, 6, 1, 0, 0, 3000, 0, H_EINVAL },
	{ "unknown gso_type 2", NC, 2, 54, 1000, 34, 16, 0, 0, 0, 3000, 0,
	  H_EINVAL },
	{ "unknown gso_type 0x7f", NC, 0x7f, 54, 1000, 34, 16, 0, 0, 0, 3000,
	  0, H_EINVAL },
	{ "ECN alone", NC, ECN, 54, 1000, 34, 16, 0, 0, 0, 3000, 0, H_EINVAL },
	{ "csum_start at the IP header", NC, 0, 0, 0, 14, 0, 0, 0, 0, 300, 0,
	  H_ONE },
	{ "csum_start 0 (the MAC header)", NC, 0, 0, 0, 0, 0, 0, 0, 0, 300, 0,
	  H_EINVAL },
	{ "csum in the last two bytes", NC, 0, 0, 0, 352, 0, 0, 0, 0, 300, 0,
	  H_ONE },
	{ "csum one byte past the end", NC, 0, 0, 0, 353, 0, 0, 0, 0, 300, 0,
	  H_EINVAL },
	{ "csum_start beyond the frame", NC, 0, 0, 0, 1000, 0, 0, 0, 0, 300,
	  0, H_EINVAL },
	{ "csum_offset beyond the frame", NC, 0, 0, 0, 34, 400, 0, 0, 0, 300,
	  0, H_EINVAL },
	{ "csum_start + csum_offset wrap 16 bits", NC, 0, 0, 0, 65534, 4, 0,
	  0, 0, 300, 0, H_EINVAL },
	{ "802.1Q + TCPV4", NC, T4, 58, 1000, 38, 16, 0, 1, 0, 3000, 0,
	  H_SEGS, 3 },
	{ "QinQ + TCPV4", NC, T4, 62, 1000, 42, 16, 0, 2, 0, 3000, 0, H_SEGS,
	  3 },
	{ "802.1Q + NEEDS_CSUM", NC, 0, 0, 0, 38, 16, 0, 1, 0, 300, 0, H_ONE },
	{ "13-byte frame", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 13, H_EINVAL },
	{ "ETH_HLEN frame", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 14, H_ONE },
	{ "802.1Q tag cut short (16)", 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 16,
	  H_GONE },
	{ "802.1Q tag cut short (17)", 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 17,
	  H_GONE },
	{ "802.1Q, tag only (18)", 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 18, H_GONE },
	{ "802.1Q, tag and ethertype (20)", 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 20,
	  H_ONE },
	{ "QinQ, inner tag cut short (20)", 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 20,
	  H_ONE },
	{ "802.3 length field", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 60, H_ONE },
};

/* Only 6.1's behaviour of the tap is written down (UDP_L4: 6.2). */
static int kernel_61(void)
{
	struct utsname u;

	return !uname(&u) && !strncmp(u.release, "6.1.", 4);
}

/*
 * Check the n frames of a segmented row in r[] (lens[]): TCP segments and
 * UDP datagrams (UDP_L4, taken from 6.2 on) with their own headers and
 * checksums, or the IP fragments of UFO.
 */
static int check_segs(const struct hrow *h, const uint8_t *f, size_t flen,
		      uint8_t (*r)[2048], const int *lens, unsigned int n)
{
	size_t l2 = 14 + 4 * h->tags, thl = h->udp ? 8 : 20, off = 0;
	const uint8_t *pay = f + l2 + 20 + thl;
	unsigned int i;
	int e = 0;

	for (i = 0; i < n; i++) {
		const uint8_t *ip = r[i] + l2;
		size_t seg;

		if (memcmp(r[i], f, l2)) {
			fprintf(stderr, "# %s: segment %u: L2 header\n",
				h->what, i);
			e++;
		}
		if (!ip_ok(ip)) {
			fprintf(stderr, "# %s: segment %u: IP csum\n", h->what,
				i);
			e++;
		}
		if (h->gso_type == UFO) {
			/* IP fragments: the payload goes on in order */
			size_t fo = (get16(ip + 6) & 0x1fff) * 8;
			size_t dl = get16(ip + 2) - 20;

			if (fo != off || lens[i] != (int)(l2 + 20 + dl)) {
				fprintf(stderr, "# %s: fragment %u: off %zu\n",
					h->what, i, fo);
				e++;
			}
			if (memcmp(ip + 20, f + l2 + 20 + off, dl)) {
				fprintf(stderr, "# %s: fragment %u: payload\n",
					h->what, i);
				e++;
			}
			off += dl;
			continue;
		}
		seg = lens[i] - l2 - 20 - thl;
		if (!l4_ok(ip)) {
			fprintf(stderr, "# %s: segment %u: TCP csum\n", h->what,
				i);
			e++;
		}
		if (memcmp(ip + 20 + thl, pay + off, seg)) {
			fprintf(stderr, "# %s: segment %u: payload\n", h->what,
				i);
			e++;
		}
		off += seg;
	}
	if (off != (h->gso_type == UFO ? flen - l2 - 20 : h->plen)) {
		fprintf(stderr, "# %s: %zu payload bytes arrived\n", h->what,
			off);
		e++;
	}
	return e;
}

FIXTURE(dev2ring) {
	int tap;
	struct vp p;
};

FIXTURE_SETUP(dev2ring)
{
	setup_tap_and_port(_metadata, &self->tap, &self->p);
}

FIXTURE_TEARDOWN(dev2ring)
{
	vp_close(&self->p);
	if (self->tap >= 0)
		close(self->tap);
}

static const char *const hout_name[] = {
	"?", "EINVAL", "gone", "one frame", "segments", "drop-rx-error",
};

TEST_F_TIMEOUT(dev2ring, hostile_vnet_hdr, 600)
{
	static uint8_t f[65536], want[65536], r[64][2048], big[65536];
	int strict = kernel_61(), lens[64];
	unsigned int i, bad = 0;

	for (i = 0; i < sizeof(hrows) / sizeof(hrows[0]); i++) {
		const struct hrow *h = &hrows[i];
		struct virtio_net_hdr vh = {
			.flags = h->flags, .gso_type = h->gso_type,
			.hdr_len = h->hdr_len, .gso_size = h->gso_size,
			.csum_start = h->csum_start,
			.csum_offset = h->csum_offset,
		};
		struct cnt t0, v0, t1, v1;
		enum hout got;
		unsigned int n = 0;
		uint64_t bytes = 0;
		uint8_t m[64];
		size_t len;
		int rc, k, e = 0;

		if (h->plen) {
			len = l4frame(f, h->tags, h->udp, h->plen, h->full, i);
		} else {
			pattern(f, h->len, i);
			eth_l2(f, h->tags);
			put16(f + 12 + 4 * h->tags, h->len == 60 ? 46 : 0x88b5);
			len = h->len;
		}
		if ((h->flags & DV) && !(h->flags & NC))
			f[len - 1] ^= 0x55;	/* the checksum is wrong */
		memcpy(want, f, len);
		if (h->flags & NC && !h->gso_type && h->csum_start < len)
			complete_csum(want, len, h->csum_start, h->csum_offset);
		/* not segmented, or UFO: the datagram's checksum completed */
		if (h->flags & NC && h->gso_type &&
		    (h->out == H_ONE || h->udp))
			complete_csum(want, len, h->csum_start, h->csum_offset);
		t0 = counters(SW, TAP);
		v0 = counters(SW, VPORT);
		rc = tap_write(self->tap, &vh, f, len);
		mkframe(m, MAC_VP, MAC_TAP, 60, 0x5e5e);
		ASSERT_EQ(0, tap_write(self->tap, NULL, m, 60));
		for (;;) {
			k = vp_recv_wait(&self->p, big, sizeof(big), 3000);
			ASSERT_LT(0, k) TH_LOG("%s: no marker", h->what);
			if (k == 60 && !memcmp(big, m, 60))
				break;
			if (n < 64) {
				memcpy(r[n], big, k < 2048 ? k : 2048);
				lens[n] = k;
			}
			if (n == 0 && k == (int)len && h->out == H_ONE &&
			    memcmp(big, want, len)) {
				fprintf(stderr, "# %s: frame differs\n",
					h->what);
				e++;
			}
			n++;
			bytes += k;
		}
		t1 = counters(SW, TAP);
		v1 = counters(SW, VPORT);
		t1.c[TXP]--;
		t1.c[TXB] -= 60;
		v1.c[RXP]--;
		v1.c[RXB] -= 60;
		if (rc == -EINVAL)
			got = H_EINVAL;
		else if (rc)
			got = 0;
		else if (t1.c[RXERR] != t0.c[RXERR])
			got = H_RXERR;
		else if (t1.c[TXP] == t0.c[TXP])
			got = H_GONE;
		else if (n == 1 && lens[0] == (int)len)
			got = H_ONE;
		else
			got = H_SEGS;
		fprintf(stderr, "# %-40s %-13s %u frames\n", h->what,
			hout_name[got], n);
		if (strict && (got != h->out || (got == H_SEGS && n != h->n))) {
			fprintf(stderr, "# %s: want %s (%u)\n", h->what,
				hout_name[h->out], h->n);
			e++;
		}
		/* whatever the kernel: consistent counters, nothing lost */
		switch (got) {
		case H_EINVAL:
		case H_GONE:
			e += n != 0;
			e += delta(TAP, &t0, &t1, NULL);
			e += delta(VPORT, &v0, &v1, NULL);
			break;
		case H_RXERR:
			e += n != 0;
			e += delta(TAP, &t0, &t1, W(RXERR, 1));
			e += delta(VPORT, &v0, &v1, NULL);
			break;
		case H_ONE:
		case H_SEGS:
			e += delta(TAP, &t0, &t1, W(TXP, n, TXB, bytes));
			e += delta(VPORT, &v0, &v1, W(RXP, n, RXB, bytes));
			if (got == H_SEGS && h->plen && n <= 64)
				e += check_segs(h, want, len, r, lens, n);
			break;
		default:
			fprintf(stderr, "# %s: write: %s\n", h->what,
				strerror(-rc));
			e++;
		}
		if (e)
			fprintf(stderr, "# %s: FAIL\n", h->what);
		bad += !!e;
	}
	EXPECT_EQ(0, bad);
}

/*
 * VLAN acceleration: a frame sent on a VLAN device over the veth peer
 * leaves the peer with its tag in skb metadata (veth offloads the tag) and
 * reaches vale's rx_handler that way: the ring port gets the tag back in
 * the frame, outer tag first (802.1ad over 802.1Q, QinQ).
 */
#define VA	"vgva"
#define VAP	"vgvap"

static int pkt_send(const char *dev, const uint8_t *f, size_t len)
{
	struct sockaddr_ll a = { .sll_family = AF_PACKET };
	int s = socket(AF_PACKET, SOCK_RAW, 0), rc;

	if (s < 0)
		return -errno;
	a.sll_ifindex = if_nametoindex(dev);
	a.sll_halen = 6;
	memcpy(a.sll_addr, f, 6);
	rc = sendto(s, f, len, 0, (struct sockaddr *)&a, sizeof(a)) ==
	     (ssize_t)len ? 0 : -errno;
	close(s);
	return rc;
}

TEST_F_TIMEOUT(dev2ring, vlan_accel_from_veth, 120)
{
	static const struct {
		const char *dev;
		uint16_t outer, ovid, inner, ivid;
	} c[] = {
		{ VAP ".5", 0x8100, 5, 0, 0 },
		{ VAP ".6", 0x88a8, 6, 0, 0 },
		{ VAP ".6.7", 0x88a8, 6, 0x8100, 7 },
	};
	uint8_t f[256], want[256], r[65536];
	struct cnt a0, a1;
	unsigned int i;
	uint64_t bytes = 0;

	if (system("modprobe 8021q 2>/dev/null") &&
	    access("/sys/module/8021q", F_OK))
		SKIP(return, "no 8021q module");
	ASSERT_EQ(0, sh(IP " link add " VA " type veth peer name " VAP));
	no_ipv6(VA);
	no_ipv6(VAP);
	ASSERT_EQ(0, sh(IP " link add link " VAP " name " VAP ".5 type vlan "
			"id 5 && " IP " link add link " VAP " name " VAP
			".6 type vlan proto 802.1ad id 6 && " IP " link add "
			"link " VAP ".6 name " VAP ".6.7 type vlan id 7"));
	ASSERT_EQ(0, sh("for d in " VAP ".5 " VAP ".6 " VAP ".6.7; do echo 1 "
			">/proc/sys/net/ipv6/conf/$d/disable_ipv6; done"));
	ASSERT_EQ(0, sh(IP " link set " VA " up && " IP " link set " VAP
			" up && " IP " link set " VAP ".5 up && " IP
			" link set " VAP ".6 up && " IP " link set " VAP
			".6.7 up"));
	ASSERT_EQ(0, nl_attach(SW, VA)) TH_LOG("%s", errmsg);
	a0 = counters(SW, VA);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		size_t len = 100, wl = 0;
		int n;

		pattern(f, len, i);
		put_mac(f, MAC_VP);
		put_mac(f + 6, MAC(0x0d01 + i));
		put16(f + 12, 0x88b5);
		ASSERT_EQ(0, pkt_send(c[i].dev, f, len)) TH_LOG("%s", c[i].dev);
		memcpy(want, f, 12);
		wl = 12;
		put16(want + wl, c[i].outer);
		put16(want + wl + 2, c[i].ovid);
		wl += 4;
		if (c[i].inner) {
			put16(want + wl, c[i].inner);
			put16(want + wl + 2, c[i].ivid);
			wl += 4;
		}
		memcpy(want + wl, f + 12, len - 12);
		wl += len - 12;
		/* the padding the stack may add is part of the frame */
		n = vp_recv_wait(&self->p, r, sizeof(r), 3000);
		EXPECT_EQ(wl, n) TH_LOG("%s", c[i].dev);
		EXPECT_EQ(0, memcmp(r, want, wl)) TH_LOG("%s: %02x%02x %02x%02x",
							  c[i].dev, r[12], r[13],
							  r[16], r[17]);
		bytes += wl;
	}
	a1 = counters(SW, VA);
	EXPECT_EQ(0, delta(VA, &a0, &a1, W(TXP, 3, TXB, bytes)));
	sh(IP " link del " VA);
}

TEST_HARNESS_MAIN
