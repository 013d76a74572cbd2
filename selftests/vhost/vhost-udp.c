// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-udp: the UDP traffic of the vale-vhost guest tests (static, runs
 * inside the test VMs).
 *
 *   vhost-udp echo PORT SECONDS          echo datagrams back until a "QUIT"
 *                                        datagram or SECONDS; prints counts
 *   vhost-udp stream HOST PORT COUNT SIZE  send COUNT numbered datagrams of
 *                                        SIZE bytes to an echo server, at
 *                                        most 64 outstanding; succeeds if
 *                                        every one comes back intact,
 *                                        exactly once (a sequence bitmap:
 *                                        a duplicate or a corrupt or
 *                                        unknown datagram fails it, exit
 *                                        1); exit 3 if the only fault is
 *                                        datagrams that never came back
 *                                        (the caller checks them against
 *                                        the drops vale-vhost counted)
 *   vhost-udp flood HOST PORT SECONDS    send without waiting (errors ignored)
 *   vhost-udp quit HOST PORT             ask an echo server to stop
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A receive buffer for a full window of every stream (the guest's default
 * rmem_max is smaller): a datagram lost in the guest's own socket would
 * look like a frame vale-vhost lost.  Root in the test guests: FORCE.
 */
static void big_rcvbuf(int fd)
{
	int sz = 4 << 20;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
}

static int sock_to(const char *host, const char *port, struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd >= 0)
		big_rcvbuf(fd);

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(atoi(port));
	if (fd < 0 || inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
		fprintf(stderr, "vhost-udp: bad address %s\n", host);
		exit(2);
	}
	return fd;
}

static int echo(const char *port, double secs)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(atoi(port)) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	unsigned long n = 0;
	double end = now() + secs;
	char buf[65536];

	if (fd >= 0)
		big_rcvbuf(fd);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("vhost-udp: bind");
		return 2;
	}
	while (now() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t len;

		if (poll(&p, 1, 200) <= 0)
			continue;
		len = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (len < 0)
			continue;
		if (len == 4 && !memcmp(buf, "QUIT", 4)) {
			printf("echo: quit after %lu datagrams\n", n);
			return 0;
		}
		sendto(fd, buf, len, 0, (struct sockaddr *)&from, fl);
		n++;
	}
	printf("echo: timeout after %lu datagrams\n", n);
	return 1;
}

/*
 * Nothing may be lost on the way (the guests' rings wait, vale-vhost's
 * direct mode holds the sender back): every datagram must come back once.
 */
static int stream(const char *host, const char *port, unsigned long count,
		  unsigned long size)
{
	struct sockaddr_in sa;
	int fd = sock_to(host, port, &sa);
	unsigned long sent = 0, got = 0, dup = 0, bad = 0, i;
	double deadline = now() + 60, last_rx = now();
	char buf[65536], rbuf[65536];
	unsigned char *seen;

	if (size < 8 || size > sizeof(buf))
		size = 64;
	seen = calloc(count / 8 + 1, 1);
	if (!seen) {
		perror("vhost-udp: calloc");
		return 2;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("vhost-udp: connect");
		return 2;
	}
	while (now() < deadline && got < count) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t len;
		uint32_t seq;

		while (sent < count && sent - got < 64) {
			seq = sent;
			memset(buf, (int)(seq & 0xff), size);
			memcpy(buf, &seq, 4);
			if (send(fd, buf, size, 0) < 0) {
				if (errno == ENOBUFS || errno == EAGAIN)
					break;
				if (errno == ECONNREFUSED)
					continue;	/* an earlier ICMP error: send again */
			}
			sent++;
		}
		/* a full window with nothing back for 3 s: the rest is lost */
		if (now() - last_rx > 3)
			break;
		if (poll(&p, 1, 100) <= 0)
			continue;
		len = recv(fd, rbuf, sizeof(rbuf), 0);
		if (len < 0)
			continue;
		last_rx = now();
		memcpy(&seq, rbuf, 4);
		if ((unsigned long)len != size || seq >= sent ||
		    (unsigned char)rbuf[size - 1] != (seq & 0xff)) {
			bad++;
			continue;
		}
		if (seen[seq / 8] & (1u << (seq % 8))) {
			dup++;
			continue;
		}
		seen[seq / 8] |= 1u << (seq % 8);
		got++;
	}
	/* duplicates and strays that arrive just after the last one */
	while (got == count) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint32_t seq;
		ssize_t len;

		if (poll(&p, 1, 300) <= 0)
			break;
		len = recv(fd, rbuf, sizeof(rbuf), 0);
		if (len < 4)
			continue;
		memcpy(&seq, rbuf, 4);
		if ((unsigned long)len == size && seq < count &&
		    (unsigned char)rbuf[size - 1] == (seq & 0xff))
			dup++;
		else
			bad++;
	}
	printf("stream: sent %lu received %lu duplicates %lu bad %lu (size %lu)\n",
	       sent, got, dup, bad, size);
	if (got < count) {
		unsigned long shown = 0;

		printf("stream: missing");
		for (i = 0; i < sent && shown < 40; i++)
			if (!(seen[i / 8] & (1u << (i % 8)))) {
				printf(" %lu", i);
				shown++;
			}
		printf("%s\n", got + shown < sent ? " ..." : "");
	}
	free(seen);
	if (dup || bad)
		return 1;
	return sent == count && got == count ? 0 : 3;
}

static int flood(const char *host, const char *port, double secs)
{
	struct sockaddr_in sa;
	int fd = sock_to(host, port, &sa);
	double end = now() + secs;
	unsigned long n = 0;
	char buf[1000];

	memset(buf, 0x5a, sizeof(buf));
	while (now() < end)
		if (sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sa, sizeof(sa)) > 0)
			n++;
	printf("flood: sent %lu\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "echo"))
		return echo(argv[2], atof(argv[3]));
	if (argc == 6 && !strcmp(argv[1], "stream"))
		return stream(argv[2], argv[3], strtoul(argv[4], NULL, 0),
			      strtoul(argv[5], NULL, 0));
	if (argc == 5 && !strcmp(argv[1], "flood"))
		return flood(argv[2], argv[3], atof(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "quit")) {
		struct sockaddr_in sa;
		int fd = sock_to(argv[2], argv[3], &sa), i;

		for (i = 0; i < 3; i++)
			sendto(fd, "QUIT", 4, 0, (struct sockaddr *)&sa, sizeof(sa));
		return 0;
	}
	fprintf(stderr, "usage: vhost-udp echo PORT SECS | stream HOST PORT COUNT SIZE |"
		" flood HOST PORT SECS | quit HOST PORT\n");
	return 2;
}
