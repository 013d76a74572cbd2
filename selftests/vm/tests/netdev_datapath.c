// SPDX-License-Identifier: GPL-2.0
/*
 * netdev_datapath: the data path of netdev ports, as architecture.md and
 * control-plane.md describe it, seen from a vale port on the same switch.
 *
 * A tap device (IFF_TAP | IFF_VNET_HDR) is attached to the switch: a write
 * on its fd is a frame the device receives, with a virtio_net_hdr that can
 * ask for GSO and a partial checksum; a read is a frame the switch sent to
 * the device.  So the test sees both directions byte for byte:
 *
 *  - device -> switch: plain frames arrive unchanged; GSO packets arrive as
 *    segments of gso_size with valid IP and TCP checksums (IPv4 and IPv6);
 *    CHECKSUM_PARTIAL frames arrive with their checksum filled in;
 *    VLAN-tagged frames (which the stack untags into skb metadata before
 *    the rx_handler) arrive with their 802.1Q/802.1ad header back in place;
 *    a frame for an address learned on the device itself is drop_no_dest;
 *    a GSO packet that cannot be segmented is drop_rx_error; of hostile
 *    virtio_net_hdr fields, what the tap takes is delivered or counted;
 *  - switch -> device: frames up to the MTU (+4 for a tagged frame) leave
 *    whole, also from a port whose buffers split them over slots; longer
 *    ones are drop_too_long, also after an MTU change; a device down or
 *    without carrier is drop_link_down; frames shorter than an Ethernet
 *    header are dropped at the sender (drop_no_dest), in every lookup
 *    mode; a frame the driver refuses (a veth whose peer has a smaller
 *    MTU) is drop_xmit;
 *  - TCP between two namespaces over veths (TSO on) through the switch: the
 *    GSO skbs of the sender enter as segments, nothing is lost.
 *
 * Every check compares every counter of every port involved against the
 * exact change the case must cause (other counters unchanged).  Nothing can
 * drive drop_recursion on the kernels tested (no device re-enters the
 * receive path synchronously from its xmit; tc mirred from egress to
 * ingress did until "act_mirred: use the backlog for nested calls to
 * mirred ingress", in 6.8 and in Debian's 6.1, and now makes a loop
 * through the switch): it is among the counters that must stay unchanged.
 * drop_bad_slot, drop_bad_frag and drop_ring_full of a netdev port (which
 * has no rings) likewise.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <linux/vale.h>

#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include "nl_test.h"
#include "raw_port.h"
#include "netdev_test.h"

#define SW	"vale7"
#define TAP	"vdp0"
#define VPORT	"p"

#define MAC_TAP		MAC(0x0a01)	/* source of frames from the tap */
#define MAC_TAP2	MAC(0x0a02)
#define MAC_VP		MAC(0x0b01)	/* source of frames from the vale port */

/* ---- devices ---- */

/*
 * Next frame the switch sent to the tap with our test ethertype (the
 * host stack may send its own): its length, 0 after ms without one.
 */
static int tap_read(int fd, uint8_t *out, size_t max, int ms)
{
	static uint8_t buf[VNET_HLEN + 65536];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int64_t end = rp_now_ms() + ms;
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n > VNET_HLEN) {
			const uint8_t *f = buf + VNET_HLEN;
			size_t len = n - VNET_HLEN;

			/* ours: source MAC_VP (runts: whatever there is) */
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

static size_t eth(uint8_t *f, uint64_t dst, uint64_t src, uint16_t type)
{
	put_mac(f, dst);
	put_mac(f + 6, src);
	f[12] = type >> 8;
	f[13] = type;
	return 14;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* Is the L4 checksum of the IPv4 packet at ip right? */
static int l4_csum_ok(const uint8_t *ip)
{
	size_t ihl = (ip[0] & 15) * 4, l4len = get16(ip + 2) - ihl;

	return csum_fold(csum_add(pseudo4(ip, ip[9], l4len), ip + ihl,
				  l4len)) == 0xffff;
}

static int ip_csum_ok(const uint8_t *ip)
{
	return csum_fold(csum_add(0, ip, (ip[0] & 15) * 4)) == 0xffff;
}

#define TCP_SEQ	0x10000000u

/*
 * Ethernet + IPv4 + TCP with payload pay; the TCP checksum field holds
 * only the pseudo header's sum (what CHECKSUM_PARTIAL expects).
 */
static size_t tcp4_partial(uint8_t *f, uint8_t proto, const uint8_t *pay,
			   size_t plen)
{
	uint8_t *ip = f + 14, *th = ip + 20;

	eth(f, MAC_VP, MAC_TAP, 0x0800);
	ip4(ip, proto, 20 + plen);
	memset(th, 0, 20);
	put16(th, 40000);
	put16(th + 2, 5001);
	put32(th + 4, TCP_SEQ);
	put32(th + 8, 1);
	th[12] = 5 << 4;
	th[13] = 0x18;			/* PSH, ACK */
	put16(th + 14, 0xffff);
	memcpy(th + 20, pay, plen);
	put16(th + 16, csum_fold(pseudo4(ip, 6, 20 + plen)));
	return 14 + 20 + 20 + plen;
}

/* Ethernet + IPv6 + TCP, checksum field seeded as above. */
static size_t tcp6_partial(uint8_t *f, const uint8_t *pay, size_t plen)
{
	uint8_t *ip = f + 14, *th = ip + 40;

	eth(f, MAC_VP, MAC_TAP, 0x86dd);
	memset(ip, 0, 40);
	ip[0] = 0x60;
	put16(ip + 4, 20 + plen);
	ip[6] = 6;
	ip[7] = 64;
	ip[8] = 0xfd;			/* fd00::1 -> fd00::2 */
	ip[23] = 1;
	ip[24] = 0xfd;
	ip[39] = 2;
	memset(th, 0, 20);
	put16(th, 40000);
	put16(th + 2, 5001);
	put32(th + 4, TCP_SEQ);
	put32(th + 8, 1);
	th[12] = 5 << 4;
	th[13] = 0x18;
	put16(th + 14, 0xffff);
	memcpy(th + 20, pay, plen);
	put16(th + 16, csum_fold(csum_add(6 + 20 + plen, ip + 8, 32)));
	return 14 + 40 + 20 + plen;
}

/* Is the TCP checksum of the IPv6 packet at ip right? */
static int l4_csum6_ok(const uint8_t *ip)
{
	size_t l4len = get16(ip + 4);
	uint32_t s = csum_add(ip[6] + (uint32_t)l4len, ip + 8, 32);

	return csum_fold(csum_add(s, ip + 40, l4len)) == 0xffff;
}

/* ---- fixture: a tap and a vale port on SW ---- */

FIXTURE(nd) {
	int tap;
	struct vp p;
};

FIXTURE_SETUP(nd)
{
	/* each test is a child of its own: look before running modprobe */
	if (access("/sys/module/tun", F_OK) || access("/sys/module/veth", F_OK))
		system("modprobe tun 2>/dev/null; modprobe veth 2>/dev/null");
	put_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	ASSERT_EQ(0, open_nl());
	self->tap = tap_open(TAP);
	ASSERT_LE(0, self->tap) TH_LOG("tap: %s", strerror(-self->tap));
	no_ipv6(TAP);
	ASSERT_EQ(0, if_updown(TAP, 1));
	ASSERT_EQ(0, nl_attach(SW, TAP)) TH_LOG("attach: %s", errmsg);
	ASSERT_EQ(0, vp_open(&self->p, SW ":" VPORT, 256, 2048));
}

FIXTURE_TEARDOWN(nd)
{
	vp_close(&self->p);
	if (self->tap >= 0)
		close(self->tap);	/* deletes the device: detached */
}

#define SNAP(t, v)				\
	do {					\
		t = counters(SW, TAP);		\
		v = counters(SW, VPORT);	\
	} while (0)

/* A frame from the vale port reaches the tap (unknown unicast floods). */
static int vp_marker(struct vp *p, int tap)
{
	uint8_t f[128], r[2048];
	int n;

	mkframe(f, MAC_TAP, MAC_VP, 60, 0x4d4d);
	if (vp_send(p, f, 60))
		return -1;
	n = tap_read(tap, r, sizeof(r), 2000);
	return n == 60 && !memcmp(r, f, 60) ? 0 : -1;
}

/* A frame from the tap reaches the vale port. */
static int tap_marker(int tap, struct vp *p)
{
	uint8_t f[128], r[65536];
	int n;

	mkframe(f, MAC_VP, MAC_TAP, 60, 0x5e5e);
	if (tap_write(tap, NULL, f, 60))
		return -1;
	n = vp_recv_wait(p, r, sizeof(r), 2000);
	if (n != 60 || memcmp(r, f, 60)) {
		fprintf(stderr, "# marker: got %d bytes\n", n);
		return -1;
	}
	return 0;
}

TEST_F(nd, plain_frame_in)
{
	uint8_t f[256], r[65536];
	struct cnt t0, v0, t1, v1;

	SNAP(t0, v0);
	mkframe(f, MAC_VP, MAC_TAP, 200, 1);
	ASSERT_EQ(0, tap_write(self->tap, NULL, f, 200));
	ASSERT_EQ(200, vp_recv_wait(&self->p, r, sizeof(r), 2000));
	EXPECT_EQ(0, memcmp(r, f, 200));
	SNAP(t1, v1);
	EXPECT_EQ(0, delta(TAP, &t0, &t1, W(TXP, 1, TXB, 200)));
	EXPECT_EQ(0, delta(VPORT, &v0, &v1, W(RXP, 1, RXB, 200)));
}

/* TCP GSO packet of 3 segments (+ a short last one): 4 frames. */
TEST_F(nd, gso_tcp4_segmented)
{
	enum { MSS = 1000, PLEN = 3 * MSS + 200 };
	static uint8_t f[65536], r[65536], pay[PLEN];
	struct virtio_net_hdr vh;
	struct cnt t0, v0, t1, v1;
	uint64_t bytes = 0;
	size_t len, off = 0;
	int i, n;

	pattern(pay, PLEN, 3);
	len = tcp4_partial(f, 6, pay, PLEN);
	memset(&vh, 0, sizeof(vh));
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	vh.hdr_len = 54;
	vh.gso_size = MSS;
	vh.csum_start = 34;
	vh.csum_offset = 16;
	SNAP(t0, v0);
	ASSERT_EQ(0, tap_write(self->tap, &vh, f, len));
	for (i = 0; i < 4; i++) {
		size_t seg = i < 3 ? MSS : 200;
		const uint8_t *ip = r + 14, *th = r + 34;

		n = vp_recv_wait(&self->p, r, sizeof(r), 2000);
		ASSERT_EQ(54 + seg, n) TH_LOG("segment %d", i);
		bytes += n;
		EXPECT_EQ(0, memcmp(r, f, 12)) TH_LOG("segment %d MACs", i);
		EXPECT_EQ(20 + 20 + seg, get16(ip + 2)) TH_LOG("segment %d", i);
		EXPECT_TRUE(ip_csum_ok(ip)) TH_LOG("segment %d IP csum", i);
		EXPECT_TRUE(l4_csum_ok(ip)) TH_LOG("segment %d TCP csum", i);
		EXPECT_EQ(TCP_SEQ + off, get32(th + 4)) TH_LOG("segment %d", i);
		EXPECT_EQ(0, memcmp(th + 20, pay + off, seg))
			TH_LOG("segment %d payload", i);
		off += seg;
	}
	EXPECT_EQ(0, vp_recv_wait(&self->p, r, sizeof(r), 200));
	SNAP(t1, v1);
	EXPECT_EQ(0, delta(TAP, &t0, &t1, W(TXP, 4, TXB, bytes)));
	EXPECT_EQ(0, delta(VPORT, &v0, &v1, W(RXP, 4, RXB, bytes)));
}

/* The same over IPv6: 3 segments. */
TEST_F(nd, gso_tcp6_segmented)
{
	enum { MSS = 1200, PLEN = 3 * MSS };
	static uint8_t f[65536], r[65536], pay[PLEN];
	struct virtio_net_hdr vh;
	struct cnt t0, v0, t1, v1;
	uint64_t bytes = 0;
	size_t len, off = 0;
	int i, n;

	pattern(pay, PLEN, 4);
	len = tcp6_partial(f, pay, PLEN);
	memset(&vh, 0, sizeof(vh));
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	vh.hdr_len = 74;
	vh.gso_size = MSS;
	vh.csum_start = 54;
	vh.csum_offset = 16;
	SNAP(t0, v0);
	ASSERT_EQ(0, tap_write(self->tap, &vh, f, len));
	for (i = 0; i < 3; i++) {
		const uint8_t *ip = r + 14, *th = r + 54;

		n = vp_recv_wait(&self->p, r, sizeof(r), 2000);
		ASSERT_EQ(74 + MSS, n) TH_LOG("segment %d", i);
		bytes += n;
		EXPECT_EQ(20 + MSS, get16(ip + 4)) TH_LOG("segment %d", i);
		EXPECT_TRUE(l4_csum6_ok(ip)) TH_LOG("segment %d TCP csum", i);
		EXPECT_EQ(TCP_SEQ + off, get32(th + 4)) TH_LOG("segment %d", i);
		EXPECT_EQ(0, memcmp(th + 20, pay + off, MSS))
			TH_LOG("segment %d payload", i);
		off += MSS;
	}
	EXPECT_EQ(0, vp_recv_wait(&self->p, r, sizeof(r), 200));
	SNAP(t1, v1);
	EXPECT_EQ(0, delta(TAP, &t0, &t1, W(TXP, 3, TXB, bytes)));
	EXPECT_EQ(0, delta(VPORT, &v0, &v1, W(RXP, 3, RXB, bytes)));
}

/*
 * Hostile virtio_net_hdr metadata (what a VM behind a tap controls): the
 * tap refuses some; each one it takes must either enter the switch as one
 * or more frames, all delivered to the vale port, or be dropped and
 * counted once (drop_rx_error).  No warning, nothing lost, nothing else
 * counted; the path still works afterwards.
 */
TEST_F(nd, hostile_vnet_hdr)
{
#define HV(w, fl, gt, hl, gs, cs, co, pl, ...)				\
	{ .what = w, .flags = fl, .gso_type = gt, .hdr_len = hl,	\
	  .gso_size = gs, .csum_start = cs, .csum_offset = co,		\
	  .plen = pl, __VA_ARGS__ }
	static const struct {
		const char *what;
		uint8_t flags, gso_type;
		uint16_t hdr_len, gso_size, csum_start, csum_offset;
		size_t plen;
		int ihl, doff, proto;
	} c[] = {
		HV("gso_size 1", 1, VIRTIO_NET_HDR_GSO_TCPV4, 54, 1, 34, 16, 64),
		HV("gso_size 0", 1, VIRTIO_NET_HDR_GSO_TCPV4, 54, 0, 34, 16, 3000),
		HV("gso_size over the payload", 1, VIRTIO_NET_HDR_GSO_TCPV4,
		  54, 5000, 34, 16, 3000),
		HV("64 KB GSO", 1, VIRTIO_NET_HDR_GSO_TCPV4, 54, 1448, 34, 16,
		  65000 - 54),
		HV("GSO without NEEDS_CSUM", 0, VIRTIO_NET_HDR_GSO_TCPV4, 54,
		  1000, 0, 0, 3000),
		HV("GSO with ECN", 1, VIRTIO_NET_HDR_GSO_TCPV4 |
		  VIRTIO_NET_HDR_GSO_ECN, 54, 1000, 34, 16, 3000),
		HV("UFO on a UDP frame", 1, VIRTIO_NET_HDR_GSO_UDP, 42, 1000,
		  34, 6, 3000, .proto = 17),
		HV("TCPv6 GSO on IPv4", 1, VIRTIO_NET_HDR_GSO_TCPV6, 74, 1000,
		  34, 16, 3000),
		HV("hdr_len below ETH_HLEN", 1, VIRTIO_NET_HDR_GSO_TCPV4, 10,
		  1000, 34, 16, 3000),
		HV("hdr_len the whole packet", 1, VIRTIO_NET_HDR_GSO_TCPV4,
		  3054, 1000, 34, 16, 3000),
		HV("hdr_len beyond the packet", 1, VIRTIO_NET_HDR_GSO_TCPV4,
		  9000, 1000, 34, 16, 3000),
		HV("TCP doff 15", 1, VIRTIO_NET_HDR_GSO_TCPV4, 54, 1000, 34, 16,
		  3000, .doff = 15),
		HV("TCP doff 2", 1, VIRTIO_NET_HDR_GSO_TCPV4, 54, 1000, 34, 16,
		  3000, .doff = 2),
		HV("IP ihl 15", 1, VIRTIO_NET_HDR_GSO_TCPV4, 54, 1000, 34, 16,
		  3000, .ihl = 15),
		HV("csum_start at the IP header", 1, 0, 0, 0, 14, 0, 300),
		HV("csum in the last two bytes", 1, 0, 0, 0, 352, 0, 300),
		HV("csum past the end", 1, 0, 0, 0, 353, 0, 300),
		HV("csum_start 0", 1, 0, 0, 0, 0, 0, 300),
		HV("csum_offset past the end", 1, 0, 0, 0, 34, 400, 300),
	};
	static uint8_t f[65536], r[65536], pay[65536];
	unsigned int i, taken = 0;
	uint8_t m[64];

	pattern(pay, sizeof(pay), 11);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct cnt t0, v0, t1, v1;
		struct virtio_net_hdr vh = {
			.flags = c[i].flags, .gso_type = c[i].gso_type,
			.hdr_len = c[i].hdr_len, .gso_size = c[i].gso_size,
			.csum_start = c[i].csum_start,
			.csum_offset = c[i].csum_offset,
		};
		uint64_t n = 0, bytes = 0, din, dbytes, derr;
		size_t len = tcp4_partial(f, c[i].proto ? c[i].proto : 6,
					  pay, c[i].plen);
		int rc, k;

		if (c[i].ihl)
			f[14] = 0x40 | c[i].ihl;
		if (c[i].doff)
			f[34 + 12] = c[i].doff << 4;
		SNAP(t0, v0);
		rc = tap_write(self->tap, &vh, f, len);
		/* then a marker: what comes before it is this case's */
		mkframe(m, MAC_VP, MAC_TAP, 60, 0x5e5e);
		ASSERT_EQ(0, tap_write(self->tap, NULL, m, 60));
		for (;;) {
			k = vp_recv_wait(&self->p, r, sizeof(r), 2000);
			ASSERT_LT(0, k) TH_LOG("%s: no marker", c[i].what);
			if (k == 60 && !memcmp(r, m, 60))
				break;
			n++;
			bytes += k;
		}
		SNAP(t1, v1);
		t1.c[TXP]--;		/* without the marker */
		t1.c[TXB] -= 60;
		v1.c[RXP]--;
		v1.c[RXB] -= 60;
		din = t1.c[TXP] - t0.c[TXP];
		dbytes = t1.c[TXB] - t0.c[TXB];
		derr = t1.c[RXERR] - t0.c[RXERR];
		fprintf(stderr, "# %s: write %s, %llu frames in, %llu dropped\n",
			c[i].what, rc ? strerror(-rc) : "taken",
			(unsigned long long)din, (unsigned long long)derr);
		if (rc) {
			EXPECT_EQ(0, delta(TAP, &t0, &t1, NULL)) TH_LOG("%s",
								c[i].what);
			EXPECT_EQ(0, n) TH_LOG("%s", c[i].what);
			continue;
		}
		taken++;
		EXPECT_TRUE((din >= 1 && derr == 0) || (din == 0 && derr == 1))
			TH_LOG("%s", c[i].what);
		EXPECT_EQ(0, delta(TAP, &t0, &t1,
				   W(TXP, din, TXB, dbytes, RXERR, derr)))
			TH_LOG("%s", c[i].what);
		EXPECT_EQ(din, n) TH_LOG("%s", c[i].what);
		EXPECT_EQ(0, delta(VPORT, &v0, &v1, W(RXP, n, RXB, bytes)))
			TH_LOG("%s", c[i].what);
	}
	EXPECT_LT(0, taken);
}

/* CHECKSUM_PARTIAL UDP (no GSO): the vale port gets a valid checksum. */
TEST_F(nd, csum_partial_resolved)
{
	enum { PLEN = 301 };	/* odd: the last byte is padded in the sum */
	uint8_t f[1024], r[65536], pay[PLEN];
	uint8_t *ip = f + 14, *uh = ip + 20;
	struct virtio_net_hdr vh;
	struct cnt t0, v0, t1, v1;
	size_t len = 14 + 20 + 8 + PLEN;

	pattern(pay, PLEN, 9);
	eth(f, MAC_VP, MAC_TAP, 0x0800);
	ip4(ip, 17, 8 + PLEN);
	put16(uh, 4000);
	put16(uh + 2, 4001);
	put16(uh + 4, 8 + PLEN);
	memcpy(uh + 8, pay, PLEN);
	put16(uh + 6, csum_fold(pseudo4(ip, 17, 8 + PLEN)));
	ASSERT_FALSE(l4_csum_ok(ip));	/* only the seed: not valid yet */
	memset(&vh, 0, sizeof(vh));
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.csum_start = 34;
	vh.csum_offset = 6;
	SNAP(t0, v0);
	ASSERT_EQ(0, tap_write(self->tap, &vh, f, len));
	ASSERT_EQ(len, vp_recv_wait(&self->p, r, sizeof(r), 2000));
	EXPECT_TRUE(l4_csum_ok(r + 14));
	EXPECT_EQ(0, memcmp(r, f, 40));	/* headers up to the checksum */
	EXPECT_EQ(0, memcmp(r + 42, f + 42, len - 42));
	SNAP(t1, v1);
	EXPECT_EQ(0, delta(TAP, &t0, &t1, W(TXP, 1, TXB, len)));
	EXPECT_EQ(0, delta(VPORT, &v0, &v1, W(RXP, 1, RXB, len)));
}

/*
 * Tagged frames: the stack moves the (outer) tag into skb metadata before
 * the rx_handler; the vale port must see the frame as it was sent.
 */
TEST_F(nd, vlan_tag_reinserted)
{
	static const uint16_t outer[] = { 0x8100, 0x88a8 };
	uint8_t f[256], r[65536];
	struct cnt t0, v0, t1, v1;
	unsigned int i;

	SNAP(t0, v0);
	for (i = 0; i < 2; i++) {
		size_t len = 150;

		eth(f, MAC_VP, MAC_TAP, outer[i]);
		put16(f + 14, 0xa000 | (100 + i));	/* PCP 5, VID */
		if (outer[i] == 0x88a8) {
			put16(f + 16, 0x8100);		/* QinQ */
			put16(f + 18, 0x2000 | 7);
			put16(f + 20, 0x88b5);
			pattern(f + 22, len - 22, i);
		} else {
			put16(f + 16, 0x88b5);
			pattern(f + 18, len - 18, i);
		}
		ASSERT_EQ(0, tap_write(self->tap, NULL, f, len));
		ASSERT_EQ(len, vp_recv_wait(&self->p, r, sizeof(r), 2000))
			TH_LOG("outer %04x", outer[i]);
		EXPECT_EQ(0, memcmp(r, f, len)) TH_LOG("outer %04x: %02x%02x",
							outer[i], r[12], r[13]);
	}
	SNAP(t1, v1);
	EXPECT_EQ(0, delta(TAP, &t0, &t1, W(TXP, 2, TXB, 300)));
	EXPECT_EQ(0, delta(VPORT, &v0, &v1, W(RXP, 2, RXB, 300)));
}

/* A frame for an address learned on the device itself goes nowhere. */
TEST_F(nd, no_dest_learned_on_device)
{
	uint8_t f[128], r[65536];
	struct cnt t0, v0, t1, v1;

	SNAP(t0, v0);
	mkframe(f, MAC_BCAST, MAC_TAP2, 60, 2);	/* learns MAC_TAP2 */
	ASSERT_EQ(0, tap_write(self->tap, NULL, f, 60));
	ASSERT_EQ(60, vp_recv_wait(&self->p, r, sizeof(r), 2000));
	mkframe(f, MAC_TAP2, MAC_TAP, 60, 3);	/* back to the device */
	ASSERT_EQ(0, tap_write(self->tap, NULL, f, 60));
	ASSERT_EQ(0, tap_marker(self->tap, &self->p));	/* and not before */
	SNAP(t1, v1);
	EXPECT_EQ(0, delta(TAP, &t0, &t1,
			   W(TXP, 3, TXB, 180, NODEST, 1)));
	EXPECT_EQ(0, delta(VPORT, &v0, &v1, W(RXP, 2, RXB, 120)));
}

/* A GSO packet the stack cannot segment (TCP GSO over UDP). */
TEST_F(nd, rx_error_bad_gso)
{
	static uint8_t f[8192], pay[3000];
	struct virtio_net_hdr vh;
	struct cnt t0, v0, t1, v1;
	size_t len;
	int rc;

	pattern(pay, sizeof(pay), 5);
	len = tcp4_partial(f, 17, pay, sizeof(pay));
	memset(&vh, 0, sizeof(vh));
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	vh.hdr_len = 54;
	vh.gso_size = 1000;
	vh.csum_start = 34;
	vh.csum_offset = 16;
	SNAP(t0, v0);
	rc = tap_write(self->tap, &vh, f, len);
	ASSERT_EQ(0, rc) TH_LOG("the tap refused it: %s", strerror(-rc));
	ASSERT_EQ(0, tap_marker(self->tap, &self->p));
	SNAP(t1, v1);
	EXPECT_EQ(0, delta(TAP, &t0, &t1, W(TXP, 1, TXB, 60, RXERR, 1)));
	EXPECT_EQ(0, delta(VPORT, &v0, &v1, W(RXP, 1, RXB, 60)));
}

/* Switch -> device: MTU + 14 (+ 4 when tagged) leaves, one byte more not. */
TEST_F(nd, too_long_for_mtu)
{
	static uint8_t f[4096], r[4096];
	static const struct {
		int mtu, len, vlan, pass;
	} c[] = {
		{ 1500, 1514, 0, 1 }, { 1500, 1515, 0, 0 },
		{ 1500, 1518, 1, 1 }, { 1500, 1519, 1, 0 },
		{ 1000, 1014, 0, 1 }, { 1000, 1015, 0, 0 },
		{ 1000, 1018, 1, 1 }, { 1000, 1019, 1, 0 },
		{ 1000, 1500, 0, 0 },
	};
	struct cnt t0, v0, t1, v1;
	uint64_t pass = 0, pbytes = 0, drop = 0, bytes = 0;
	unsigned int i;
	int n;

	SNAP(t0, v0);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (i == 0 || c[i].mtu != c[i - 1].mtu)
			ASSERT_EQ(0, if_mtu(TAP, c[i].mtu));
		mkframe(f, MAC_TAP, MAC_VP, c[i].len, i);
		if (c[i].vlan) {
			put16(f + 12, 0x8100);
			put16(f + 14, 42);
			put16(f + 16, 0x88b5);
		}
		ASSERT_EQ(0, vp_send(&self->p, f, c[i].len));
		bytes += c[i].len;
		if (c[i].pass) {
			pass++;
			pbytes += c[i].len;
			n = tap_read(self->tap, r, sizeof(r), 2000);
			EXPECT_EQ(c[i].len, n) TH_LOG("case %u", i);
			EXPECT_EQ(0, memcmp(r, f, c[i].len)) TH_LOG("case %u", i);
		} else {
			drop++;
		}
	}
	/* nothing else left: the next frame out is the marker */
	ASSERT_EQ(0, vp_marker(&self->p, self->tap));
	SNAP(t1, v1);
	EXPECT_EQ(0, delta(TAP, &t0, &t1,
			   W(RXP, pass + 1, RXB, pbytes + 60, TOOLONG, drop)));
	EXPECT_EQ(0, delta(VPORT, &v0, &v1, W(TXP, i + 1, TXB, bytes + 60)));
	if_mtu(TAP, 1500);
}

/* A frame over several slots of a small-buffer port leaves whole. */
TEST_F(nd, multi_slot_to_device)
{
	static const uint32_t lens[] = { 1514, 257, 256, 60 };
	uint8_t f[2048], r[2048];
	struct cnt t0, t1, q0, q1;
	uint64_t bytes = 0;
	struct vp q;
	unsigned int i;

	ASSERT_EQ(0, vp_open(&q, SW ":q", 64, 256));
	t0 = counters(SW, TAP);
	q0 = counters(SW, "q");
	for (i = 0; i < 4; i++) {
		mkframe(f, MAC_TAP, MAC_VP, lens[i], i);
		ASSERT_EQ(0, vp_send(&q, f, lens[i]));
		EXPECT_EQ(lens[i], tap_read(self->tap, r, sizeof(r), 2000))
			TH_LOG("%u bytes", lens[i]);
		EXPECT_EQ(0, memcmp(r, f, lens[i])) TH_LOG("%u bytes", lens[i]);
		bytes += lens[i];
	}
	t1 = counters(SW, TAP);
	q1 = counters(SW, "q");
	EXPECT_EQ(0, delta(TAP, &t0, &t1, W(RXP, 4, RXB, bytes)));
	EXPECT_EQ(0, delta("q", &q0, &q1, W(TXP, 4, TXB, bytes)));
	vp_close(&q);
}

/* Device without carrier, then down: drop_link_down. */
TEST_F(nd, link_down)
{
	uint8_t f[128];
	struct cnt t0, v0, t1, v1;
	int on = 0;

	SNAP(t0, v0);
	mkframe(f, MAC_TAP, MAC_VP, 60, 1);
	ASSERT_EQ(0, ioctl(self->tap, TUNSETCARRIER, &on));
	ASSERT_EQ(0, vp_send(&self->p, f, 60));
	ASSERT_EQ(0, vp_send(&self->p, f, 60));
	on = 1;
	ASSERT_EQ(0, ioctl(self->tap, TUNSETCARRIER, &on));
	/*
	 * Carrier back: the qdisc comes back with linkwatch, later (until
	 * then the noop qdisc discards what it is given, and dev_queue_xmit
	 * calls that a success).  Down and up activate it at once.
	 */
	ASSERT_EQ(0, if_updown(TAP, 0));
	ASSERT_EQ(0, vp_send(&self->p, f, 60));
	ASSERT_EQ(0, if_updown(TAP, 1));
	ASSERT_EQ(0, vp_marker(&self->p, self->tap));
	SNAP(t1, v1);
	EXPECT_EQ(0, delta(TAP, &t0, &t1, W(RXP, 1, RXB, 60, LDOWN, 3)));
	EXPECT_EQ(0, delta(VPORT, &v0, &v1, W(TXP, 4, TXB, 240)));
}

/*
 * Runts: a frame shorter than an Ethernet header is dropped at the sender
 * (uapi.md: drop_no_dest) and never becomes an skb, in both lookup modes.
 * The tap is port 0 and the vale port port 1: a pair in p2p mode.
 */
static void runts(struct __test_metadata *_metadata, struct vp *p, int tap)
{
	static const uint32_t lens[] = { 1, 13 };
	uint8_t f[64], r[2048];
	struct cnt t0, v0, t1, v1;
	unsigned int i;
	int n;

	SNAP(t0, v0);
	for (i = 0; i < 2; i++) {
		mkframe(f, MAC_TAP, MAC_VP, 60, i);
		ASSERT_EQ(0, vp_send(p, f, lens[i]));
	}
	mkframe(f, MAC_TAP, MAC_VP, 60, 0x4d4d);
	ASSERT_EQ(0, vp_send(p, f, 60));
	n = tap_read(tap, r, sizeof(r), 2000);
	EXPECT_EQ(60, n) TH_LOG("the device was sent a %d-byte frame", n);
	while (n > 0 && n != 60)
		n = tap_read(tap, r, sizeof(r), 500);
	SNAP(t1, v1);
	EXPECT_EQ(0, delta(TAP, &t0, &t1, W(RXP, 1, RXB, 60)));
	EXPECT_EQ(0, delta(VPORT, &v0, &v1,
			   W(TXP, 3, TXB, 1 + 13 + 60, NODEST, 2)));
}

TEST_F(nd, runt_to_device_learning)
{
	runts(_metadata, &self->p, self->tap);
}

TEST_F(nd, runt_to_device_p2p)
{
	struct cnt t = counters(SW, TAP), v = counters(SW, VPORT);

	ASSERT_EQ(0, t.index);
	ASSERT_EQ(1, v.index);
	ASSERT_EQ(0, nl_set_lookup(SW, VALE_LOOKUP_P2P)) TH_LOG("%s", errmsg);
	ASSERT_EQ(0, vp_marker(&self->p, self->tap));	/* pairs 0-1 */
	runts(_metadata, &self->p, self->tap);
}

/* ---- veths ---- */

#define VX	"vdx0"		/* attached; its peer VXP has MTU 1000 */
#define VXP	"vdx0p"

/* The driver refuses a frame (veth: over its peer's MTU): drop_xmit. */
/* creating devices is slow on the debug kernel */
TEST_F_TIMEOUT(nd, xmit_refused_by_driver, 120)
{
	uint8_t f[2048], r[2048];
	struct cnt t0, v0, x0, t1, v1, x1;

	ASSERT_EQ(0, sh(IP " link add " VX " type veth peer name " VXP));
	no_ipv6(VX);
	no_ipv6(VXP);
	ASSERT_EQ(0, if_mtu(VXP, 1000));
	ASSERT_EQ(0, if_updown(VXP, 1));
	ASSERT_EQ(0, if_updown(VX, 1));
	ASSERT_EQ(0, nl_attach(SW, VX)) TH_LOG("%s", errmsg);
	SNAP(t0, v0);
	x0 = counters(SW, VX);
	mkframe(f, MAC_BCAST, MAC_VP, 1200, 1);		/* floods */
	ASSERT_EQ(0, vp_send(&self->p, f, 1200));
	ASSERT_EQ(1200, tap_read(self->tap, r, sizeof(r), 2000));
	mkframe(f, MAC_BCAST, MAC_VP, 900, 2);		/* fits the peer */
	ASSERT_EQ(0, vp_send(&self->p, f, 900));
	ASSERT_EQ(900, tap_read(self->tap, r, sizeof(r), 2000));
	SNAP(t1, v1);
	x1 = counters(SW, VX);
	EXPECT_EQ(0, delta(VX, &x0, &x1, W(RXP, 1, RXB, 900, XMIT, 1)));
	EXPECT_EQ(0, delta(TAP, &t0, &t1, W(RXP, 2, RXB, 2100)));
	EXPECT_EQ(0, delta(VPORT, &v0, &v1, W(TXP, 2, TXB, 2100)));
	sh(IP " link del " VX);
}

/*
 * TCP from namespace a to namespace b, each behind a veth (TSO on) whose
 * other end is attached: the sender's GSO skbs enter the switch as frames
 * of at most MTU + 14 bytes and the stream arrives whole.
 */
#define NBYTES	(256 << 10)

static int in_ns(const char *ns)
{
	char p[128];
	int fd, rc;

	snprintf(p, sizeof(p), "/run/netns/%s", ns);
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return -1;
	rc = setns(fd, CLONE_NEWNET);
	close(fd);
	return rc;
}

static int tcp_server(void)
{
	static uint8_t buf[65536], want[65536];
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(5001) };
	int s, c, one = 1;
	size_t got = 0;
	ssize_t n;

	if (in_ns("vdnb"))
		return 2;
	s = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (void *)&a, sizeof(a)) || listen(s, 1))
		return 3;
	alarm(100);
	c = accept(s, NULL, NULL);
	if (c < 0)
		return 4;
	while ((n = read(c, buf, sizeof(buf))) > 0) {
		size_t i;

		for (i = 0; i < (size_t)n; i++)
			want[i] = (uint8_t)((got + i) * 7 + ((got + i) >> 12));
		if (memcmp(buf, want, n))
			return 5;
		got += n;
	}
	return got == NBYTES ? 0 : 6;
}

static int tcp_client(void)
{
	static uint8_t buf[NBYTES];
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(5001),
				 .sin_addr.s_addr = htonl(0x0a090202) };
	size_t i, off = 0;
	int s, tries;
	ssize_t n;

	if (in_ns("vdna"))
		return 2;
	for (i = 0; i < NBYTES; i++)
		buf[i] = (uint8_t)(i * 7 + (i >> 12));
	alarm(100);
	for (tries = 0; tries < 900; tries++) {	/* until the alarm */
		s = socket(AF_INET, SOCK_STREAM, 0);
		if (!connect(s, (void *)&a, sizeof(a)))
			break;
		close(s);
		s = -1;
		usleep(100000);
	}
	if (s < 0)
		return 3;
	while (off < NBYTES) {
		n = write(s, buf + off, NBYTES - off);
		if (n <= 0)
			return 4;
		off += n;
	}
	shutdown(s, SHUT_WR);
	while (read(s, buf, 1) > 0)
		;
	close(s);
	return 0;
}

static uint64_t sysfs_u64(const char *ns, const char *dev, const char *f)
{
	char cmd[256];
	unsigned long long v = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 IP " netns exec %s cat /sys/class/net/%s/statistics/%s",
		 ns, dev, f);
	p = popen(cmd, "r");
	if (!p)
		return 0;
	if (fscanf(p, "%llu", &v) != 1)
		v = 0;
	pclose(p);
	return v;
}

/* the debug kernel (KASAN, TCG) is slow */
TEST_F_TIMEOUT(nd, tcp_over_veth_tso, 180)
{
	struct cnt a, b;
	uint64_t skbs;
	pid_t srv, cli;
	int st;

	ASSERT_EQ(0, sh(IP " netns add vdna && " IP " netns add vdnb"));
	ASSERT_EQ(0, sh(IP " link add vda type veth peer name vdap netns vdna"));
	ASSERT_EQ(0, sh(IP " link add vdb type veth peer name vdbp netns vdnb"));
	no_ipv6("vda");
	no_ipv6("vdb");
	ASSERT_EQ(0, sh("for n in a b; do " IP " netns exec vdn$n sh -c "
			"'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6'; "
			"done"));
	ASSERT_EQ(0, sh(IP " -n vdna addr add 10.9.2.1/24 dev vdap && "
			IP " -n vdnb addr add 10.9.2.2/24 dev vdbp && "
			IP " -n vdna link set vdap up && "
			IP " -n vdnb link set vdbp up && "
			IP " link set vda up && " IP " link set vdb up"));
	ASSERT_EQ(0, nl_attach(SW, "vda")) TH_LOG("%s", errmsg);
	ASSERT_EQ(0, nl_attach(SW, "vdb")) TH_LOG("%s", errmsg);

	srv = fork();
	if (!srv)
		_exit(tcp_server());
	cli = fork();
	if (!cli)
		_exit(tcp_client());
	ASSERT_EQ(cli, waitpid(cli, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("client status %#x", st);
	ASSERT_EQ(srv, waitpid(srv, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("server status %#x (5: corrupt, 6: short)", st);

	a = counters(SW, "vda");
	b = counters(SW, "vdb");
	skbs = sysfs_u64("vdna", "vdap", "tx_packets");
	fprintf(stderr, "# vda: %llu frames in (%llu bytes) from %llu skbs\n",
	       (unsigned long long)a.c[TXP], (unsigned long long)a.c[TXB],
	       (unsigned long long)skbs);
	/* segmented: more frames entered the switch than skbs were sent */
	EXPECT_LT(skbs, a.c[TXP]);
	EXPECT_LE(a.c[TXB], a.c[TXP] * 1514);
	EXPECT_LT(NBYTES, a.c[TXB]);
	EXPECT_EQ(0, a.c[RXERR]);
	EXPECT_EQ(0, a.c[VALE_A_STATS_DROP_RECURSION]);
	EXPECT_EQ(0, b.c[TOOLONG]);
	EXPECT_EQ(0, b.c[XMIT]);
	EXPECT_EQ(0, b.c[LDOWN]);
	sh(IP " link del vda; " IP " link del vdb; "
	   IP " netns del vdna; " IP " netns del vdnb");
}

TEST_HARNESS_MAIN
