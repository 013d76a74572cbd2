/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netdev ports for the VM tests (netdev_datapath.c, netdev_garbage.c):
 * the lookup mode over netlink (netdev-attach is nl_test.h's), every counter of a port
 * (counters()) and the check that a case changed exactly the counters it
 * must (delta() with W(...)), devices (sh(), ifreq ioctls, a tap with
 * IFF_VNET_HDR and its writes) and the bytes of test frames (put_mac(),
 * put16(), pattern(), ip4(), pseudo4()).
 *
 * Include after nl_test.h and raw_port.h (msg(), talk(), csum_add(),
 * rp_now_ms()).
 */
#ifndef _VALE_SELFTESTS_NETDEV_TEST_H
#define _VALE_SELFTESTS_NETDEV_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include <linux/vale.h>

/* iproute2 (busybox sh would run its own ip applet) */
#define IP		"/usr/bin/ip"
#define VNET_HLEN	((int)sizeof(struct virtio_net_hdr))

/* ---- netlink: lookup mode, counters ---- */

static inline int nl_set_lookup(const char *sw, uint32_t mode)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, VALE_CMD_SWITCH_SET, 0);

	mnl_attr_put_strz(nlh, VALE_A_SWITCH_NAME, sw);
	mnl_attr_put_u32(nlh, VALE_A_SWITCH_LOOKUP, mode);
	return talk(nlh, NULL, NULL);
}

struct cnt {
	uint64_t c[VALE_A_STATS_MAX + 1];
	uint32_t index;
	int got;
};

static const char *const cnt_name[VALE_A_STATS_MAX + 1] = {
	[VALE_A_STATS_TX_PACKETS] = "tx-packets",
	[VALE_A_STATS_TX_BYTES] = "tx-bytes",
	[VALE_A_STATS_RX_PACKETS] = "rx-packets",
	[VALE_A_STATS_RX_BYTES] = "rx-bytes",
	[VALE_A_STATS_DROP_BAD_SLOT] = "drop-bad-slot",
	[VALE_A_STATS_DROP_BAD_FRAG] = "drop-bad-frag",
	[VALE_A_STATS_DROP_RING_FULL] = "drop-ring-full",
	[VALE_A_STATS_DROP_NO_DEST] = "drop-no-dest",
	[VALE_A_STATS_DROP_TOO_LONG] = "drop-too-long",
	[VALE_A_STATS_DROP_LINK_DOWN] = "drop-link-down",
	[VALE_A_STATS_DROP_XMIT] = "drop-xmit",
	[VALE_A_STATS_DROP_RX_ERROR] = "drop-rx-error",
	[VALE_A_STATS_DROP_RECURSION] = "drop-recursion",
};

static inline int port_cb(const struct nlmsghdr *nlh, void *data)
{
	struct cnt *s = data;
	const struct nlattr *a, *b;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == VALE_A_PORT_INDEX)
			s->index = mnl_attr_get_u32(a);
		if (mnl_attr_get_type(a) != VALE_A_PORT_STATS)
			continue;
		s->got++;
		mnl_attr_for_each_nested(b, a) {
			unsigned int t = mnl_attr_get_type(b);

			if (t >= VALE_A_STATS_TX_PACKETS &&
			    t <= VALE_A_STATS_MAX)
				s->c[t] = mnl_attr_get_u64(b);
		}
	}
	return MNL_CB_OK;
}

/* Every counter of port @port of switch @sw (got 0 when port-get failed). */
static inline struct cnt counters(const char *sw, const char *port)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, fam, VALE_CMD_PORT_GET, 0);
	struct cnt s;

	memset(&s, 0, sizeof(s));
	mnl_attr_put_strz(nlh, VALE_A_PORT_SWITCH, sw);
	mnl_attr_put_strz(nlh, VALE_A_PORT_NAME, port);
	if (talk(nlh, port_cb, &s))
		s.got = 0;
	return s;
}

/*
 * The change of every counter between b and a must be what want says
 * (pairs of attribute and amount, ended by 0, an attribute named twice
 * counts the sum; unnamed ones unchanged).  Returns the number of
 * counters that differ, printing each.
 */
static inline int delta(const char *who, const struct cnt *b,
			const struct cnt *a, const uint64_t *want)
{
	uint64_t w[VALE_A_STATS_MAX + 1] = { 0 };
	int t, bad = 0;

	if (!b->got || !a->got) {
		fprintf(stderr, "# %s: no counters from port-get\n", who);
		return 1;
	}
	for (; want && want[0]; want += 2)
		w[want[0]] += want[1];
	for (t = VALE_A_STATS_TX_PACKETS; t <= VALE_A_STATS_MAX; t++) {
		uint64_t d = a->c[t] - b->c[t];

		if (d != w[t]) {
			fprintf(stderr, "# %s: %s changed by %llu, want %llu\n",
				who, cnt_name[t], (unsigned long long)d,
				(unsigned long long)w[t]);
			bad++;
		}
	}
	return bad;
}

#define W(...)	((const uint64_t[]){ __VA_ARGS__, 0 })
#define TXP	VALE_A_STATS_TX_PACKETS
#define TXB	VALE_A_STATS_TX_BYTES
#define RXP	VALE_A_STATS_RX_PACKETS
#define RXB	VALE_A_STATS_RX_BYTES
#define BADSLOT	VALE_A_STATS_DROP_BAD_SLOT
#define BADFRAG	VALE_A_STATS_DROP_BAD_FRAG
#define NODEST	VALE_A_STATS_DROP_NO_DEST
#define TOOLONG	VALE_A_STATS_DROP_TOO_LONG
#define LDOWN	VALE_A_STATS_DROP_LINK_DOWN
#define XMIT	VALE_A_STATS_DROP_XMIT
#define RXERR	VALE_A_STATS_DROP_RX_ERROR

/* ---- devices ---- */

/* Run a shell command; its status (printed when not 0). */
static inline int sh(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc)
		fprintf(stderr, "# '%s' failed (%d)\n", cmd, rc);
	return rc;
}

static inline int put_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (int)strlen(s) ? 0 : -EIO;
}

static inline int no_ipv6(const char *dev)
{
	char p[128];

	snprintf(p, sizeof(p), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", dev);
	return put_file(p, "1");
}

static inline int if_ioctl(const char *dev, unsigned long req,
			   struct ifreq *ifr)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0), rc;

	if (s < 0)
		return -errno;
	strncpy(ifr->ifr_name, dev, IFNAMSIZ - 1);
	rc = ioctl(s, req, ifr) ? -errno : 0;
	close(s);
	return rc;
}

static inline int if_updown(const char *dev, int up)
{
	struct ifreq ifr;
	int rc;

	memset(&ifr, 0, sizeof(ifr));
	rc = if_ioctl(dev, SIOCGIFFLAGS, &ifr);
	if (rc)
		return rc;
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	return if_ioctl(dev, SIOCSIFFLAGS, &ifr);
}

static inline int if_up(const char *dev)
{
	return if_updown(dev, 1);
}

static inline int if_mtu(const char *dev, int mtu)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_mtu = mtu;
	return if_ioctl(dev, SIOCSIFMTU, &ifr);
}

/* A tap device @name (IFF_VNET_HDR, non-blocking): its fd or -errno. */
static inline int tap_open(const char *name)
{
	struct ifreq ifr;
	int fd;

	if (access("/dev/net/tun", F_OK)) {
		mkdir("/dev/net", 0755);
		mknod("/dev/net/tun", S_IFCHR | 0666, makedev(10, 200));
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* A frame the tap device receives: virtio_net_hdr (zeros if NULL), frame. */
static inline int tap_write(int fd, const struct virtio_net_hdr *vh,
			    const uint8_t *f, size_t len)
{
	static uint8_t buf[VNET_HLEN + 65536];
	struct virtio_net_hdr z;
	ssize_t n;

	if (!vh) {
		memset(&z, 0, sizeof(z));
		vh = &z;
	}
	memcpy(buf, vh, VNET_HLEN);
	memcpy(buf + VNET_HLEN, f, len);
	n = write(fd, buf, VNET_HLEN + len);
	if (n < 0)
		return -errno;
	return n == (ssize_t)(VNET_HLEN + len) ? 0 : -EIO;
}

/* ---- frames ---- */

#define IP_SRC	0x0a090001	/* 10.9.0.1 */
#define IP_DST	0x0a090002

static inline void put_mac(uint8_t *p, uint64_t mac)
{
	int i;

	for (i = 0; i < 6; i++)
		p[i] = mac >> (40 - 8 * i);
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Bytes that differ with the offset and the seed. */
static inline void pattern(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 13 + seed + (i >> 8));
}

/* IPv4 header at ip for an L4 payload of l4len bytes, checksummed. */
static inline void ip4(uint8_t *ip, uint8_t proto, size_t l4len)
{
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, 20 + l4len);
	put16(ip + 4, 0x1234);
	put16(ip + 6, 0x4000);		/* DF */
	ip[8] = 64;
	ip[9] = proto;
	put32(ip + 12, IP_SRC);
	put32(ip + 16, IP_DST);
	put16(ip + 10, ~csum_fold(csum_add(0, ip, 20)));
}

/* Sum of the IPv4 pseudo header (addresses from ip). */
static inline uint32_t pseudo4(const uint8_t *ip, uint8_t proto, size_t l4len)
{
	uint32_t s = csum_add(0, ip + 12, 8);

	return s + proto + (uint32_t)l4len;
}

#endif /* _VALE_SELFTESTS_NETDEV_TEST_H */
