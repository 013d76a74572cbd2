// SPDX-License-Identifier: GPL-2.0
/*
 * vnet-frames: the VM isolation test's frame source and sniffer, on
 * AF_PACKET.
 *   vnet-frames send IFACE TAG N   N rounds of forged frames, each round:
 *       broadcast, broadcast in VLAN 10, unicast to 02:00:00:00:00:02 in
 *       VLAN 10, and unicast with the source MAC of that node; every
 *       payload carries "VNETTAG:TAG;"
 *   vnet-frames sniff IFACE SECS   count, for SECS seconds, the frames
 *       IFACE receives (not those it sends) by their tag: prints
 *       "TAG COUNT" lines in the order the tags were first seen
 * Exit 0, or 1 on a socket error.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int sock_on(const char *ifname, struct sockaddr_ll *sll)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	if (fd < 0) {
		perror("socket");
		exit(1);
	}
	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_protocol = htons(ETH_P_ALL);
	sll->sll_ifindex = if_nametoindex(ifname);
	sll->sll_halen = 6;
	if (!sll->sll_ifindex || bind(fd, (struct sockaddr *)sll, sizeof(*sll)) < 0) {
		perror(ifname);
		exit(1);
	}
	return fd;
}

static size_t frame(unsigned char *f, const unsigned char *dst,
		    const unsigned char *src, int vlan, const char *tag)
{
	size_t n = 0;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	n = 12;
	if (vlan) {
		f[n++] = 0x81;
		f[n++] = 0x00;
		f[n++] = vlan >> 8;
		f[n++] = vlan & 0xff;
	}
	f[n++] = 0x88;	/* local experimental ethertype */
	f[n++] = 0xb5;
	n += snprintf((char *)f + n, 100, "VNETTAG:%s;", tag);
	while (n < 64)
		f[n++] = 0;
	return n;
}

static int do_send(const char *ifname, const char *tag, int rounds)
{
	static const unsigned char bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const unsigned char victim[6] = { 2, 0, 0, 0, 0, 2 };
	static const unsigned char mine[6] = { 2, 0, 0, 0, 0, 0x11 };
	struct sockaddr_ll sll;
	unsigned char f[128];
	int fd = sock_on(ifname, &sll), i, sent = 0;
	size_t n;

	for (i = 0; i < rounds; i++) {
		n = frame(f, bcast, mine, 0, tag);
		sent += send(fd, f, n, 0) == (ssize_t)n;
		n = frame(f, bcast, mine, 10, tag);
		sent += send(fd, f, n, 0) == (ssize_t)n;
		n = frame(f, victim, mine, 10, tag);
		sent += send(fd, f, n, 0) == (ssize_t)n;
		n = frame(f, bcast, victim, 0, tag);
		sent += send(fd, f, n, 0) == (ssize_t)n;
		usleep(2000);
	}
	printf("sent %d\n", sent);
	return sent == 4 * rounds ? 0 : 1;
}

struct count {
	char tag[32];
	int n;
};

static int do_sniff(const char *ifname, int secs)
{
	struct count c[16];
	struct sockaddr_ll sll;
	unsigned char f[2048];
	int fd = sock_on(ifname, &sll), nc = 0, i;
	time_t end = time(NULL) + secs;

	while (time(NULL) < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char *m, *e;
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			continue;
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);

		n = recvfrom(fd, f, sizeof(f) - 1, 0, (struct sockaddr *)&from, &fl);
		if (n <= 0 || from.sll_pkttype == PACKET_OUTGOING)
			continue;	/* our own frames do not count */
		f[n] = 0;
		m = memmem(f, n, "VNETTAG:", 8);
		if (!m || !(e = memchr(m, ';', (char *)f + n - m)) || e - m - 8 >= 32)
			continue;
		*e = 0;
		for (i = 0; i < nc && strcmp(c[i].tag, m + 8); i++)
			;
		if (i == nc && nc < 16)
			snprintf(c[nc++].tag, sizeof(c[0].tag), "%s", m + 8);
		if (i < nc)
			c[i].n++;
	}
	for (i = 0; i < nc; i++)
		printf("%s %d\n", c[i].tag, c[i].n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "send"))
		return do_send(argv[2], argv[3], atoi(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "sniff"))
		return do_sniff(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: vnet-frames send IFACE TAG N | sniff IFACE SECS\n");
	return 2;
}
