// SPDX-License-Identifier: GPL-2.0
/*
 * vmpi-perf: goodput and round-trip latency of a VMPI channel, per
 * message size.  The same static binary runs in the guest (over
 * /dev/vmpiN) and on the host (over the libvale VMPI API).
 *
 *   guest$ vmpi-perf --dev /dev/vmpi0 --channel 1 rx
 *   host$  vmpi-perf --vm vm1 --channel 1 --sizes 0..4000..250 tx
 *
 *   host$  vmpi-perf --vm vm1 --channel 2 pong
 *   guest$ vmpi-perf --dev /dev/vmpi0 --channel 2 --sizes 64,1500,65536 ping
 *
 * Roles: tx sends --count messages of each size; rx receives and prints,
 * per size, messages, messages/s and goodput (payload bits/s, timed from
 * the first to the last message of that size); ping sends one message
 * at a time and waits for its echo (--count round trips per size,
 * percentiles in microseconds); pong echoes.  rx starts a new report
 * when the size changes, or with --gap after a pause.  rx and pong wait as long
 * as it takes for the first message, then stop after --idle seconds
 * without traffic (or when the VM goes away).  --secs bounds tx and ping
 * by time per size instead of by count.  --json prints one JSON object
 * per size.
 *
 * The same roles over UDP, as the baseline of bench/vm-vmpi.sh (a guest
 * sending through virtio-net to a host socket):
 *   host$  vmpi-perf --udp-listen 10.77.0.1:5001 rx
 *   guest$ vmpi-perf --udp 10.77.0.1:5001 --sizes 0..4000..250 tx
 * UDP messages are datagrams of at most 65507 bytes (larger sizes are cut
 * to that; beyond the MTU IP fragments them); a ping whose echo does not
 * come back within a second counts as lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmpi.h>
#include "libvale-vmpi.h"

#define MAXSZ (16u << 20)
#define UDP_MAX 65507u

static struct {
	const char *dev, *vm, *ctl, *udp, *udp_listen;
	unsigned int channel, count, idle, wait_open;
	double secs, gap;
	unsigned int sizes[256], nsizes;
	bool json;
} opt = { .ctl = VALE_VMPI_CTL_DEFAULT, .count = 10000, .idle = 3 };

static int gfd = -1, ufd = -1;
static struct vale_vmpi *hch;
static unsigned char *buf;
static struct sockaddr_in upeer;
static bool upeer_known;
static unsigned long udp_errors;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long ep_send(const void *b, size_t len)
{
	long r;

	if (ufd >= 0) {
		if (!upeer_known)
			return -ENOTCONN;
		r = sendto(ufd, b, len, 0, (struct sockaddr *)&upeer,
			   sizeof(upeer));
		/* A datagram lost on the way is the baseline's business. */
		if (r < 0 && (errno == ECONNREFUSED || errno == ENOBUFS ||
			      errno == EAGAIN)) {
			udp_errors++;
			return len;
		}
		return r < 0 ? -errno : r;
	}
	if (hch)
		return vale_vmpi_send(hch, b, len, 0);
	while ((r = write(gfd, b, len)) < 0 && errno == EAGAIN) {
		struct pollfd p = { .fd = gfd, .events = POLLOUT };

		poll(&p, 1, -1);
	}
	return r < 0 ? -errno : r;
}

/* One message, or -ETIMEDOUT after ms. */
static long ep_recv(void *b, size_t cap, int ms)
{
	long r;

	if (ufd >= 0) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		struct pollfd p = { .fd = ufd, .events = POLLIN };

		for (;;) {
			r = recvfrom(ufd, b, cap, MSG_DONTWAIT,
				     (struct sockaddr *)&from, &fl);
			if (r >= 0) {
				if (opt.udp_listen) {
					upeer = from;
					upeer_known = true;
				}
				return r;
			}
			if (errno == ECONNREFUSED)
				continue;
			if (errno != EAGAIN)
				return -errno;
			r = poll(&p, 1, ms);
			if (r == 0)
				return -ETIMEDOUT;
			if (r < 0 && errno != EINTR)
				return -errno;
		}
	}
	if (hch) {
		r = vale_vmpi_recv(hch, b, cap, VALE_VMPI_NONBLOCK);
		if (r != -EAGAIN)
			return r;
		r = vale_vmpi_poll(hch, POLLIN, ms);
		if (r == 0)
			return -ETIMEDOUT;
		if (r < 0)
			return r;
		return vale_vmpi_recv(hch, b, cap, VALE_VMPI_NONBLOCK);
	}
	r = read(gfd, b, cap);
	if (r >= 0 || errno != EAGAIN)
		return r < 0 ? -errno : r;
	{
		struct pollfd p = { .fd = gfd, .events = POLLIN };

		if (poll(&p, 1, ms) <= 0)
			return -ETIMEDOUT;
	}
	r = read(gfd, b, cap);
	return r < 0 ? -errno : r;
}

static void report(const char *role, unsigned int size, unsigned long n,
		   double secs)
{
	double mps = secs > 0 ? n / secs : 0;
	double mbps = mps * size * 8 / 1e6;

	if (opt.json)
		printf("{\"role\":\"%s\",\"size\":%u,\"msgs\":%lu,\"secs\":%.6f,"
		       "\"msgs_per_sec\":%.0f,\"goodput_mbps\":%.3f}\n",
		       role, size, n, secs, mps, mbps);
	else
		printf("%-4s size %7u  msgs %9lu  %9.0f msg/s  %10.2f Mbit/s\n",
		       role, size, n, mps, mbps);
	fflush(stdout);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int do_tx(void)
{
	unsigned int s, k;
	long r;

	for (s = 0; s < opt.nsizes; s++) {
		double t0 = now(), t = t0;

		for (k = 0; opt.secs ? t - t0 < opt.secs : k < opt.count; k++) {
			r = ep_send(buf, opt.sizes[s]);
			if (r < 0) {
				fprintf(stderr, "vmpi-perf: send: %s\n", strerror(-r));
				return 1;
			}
			if (opt.secs && !(k & 15))
				t = now();
		}
		report("tx", opt.sizes[s], k, now() - t0);
	}
	return 0;
}

static int do_rx(void)
{
	long r, cur = -1;
	unsigned long n = 0;
	double first = 0, last = 0, t;

	for (;;) {
		r = ep_recv(buf, MAXSZ, cur < 0 ? -1 : (int)opt.idle * 1000);
		if (r == -ETIMEDOUT || (r == -ECONNRESET && cur >= 0))
			break;
		if (r < 0) {
			fprintf(stderr, "vmpi-perf: recv: %s\n", strerror(-r));
			return 1;
		}
		t = now();
		/* A new size, or (--gap) a pause: a new measurement. */
		if (r != cur || (opt.gap && t - last > opt.gap)) {
			if (n)
				report("rx", cur, n - 1, last - first);
			cur = r;
			n = 0;
			first = t;
		}
		n++;
		last = t;
	}
	if (n)
		report("rx", cur, n - 1, last - first);
	return 0;
}

static int do_ping(void)
{
	double *rtt = calloc(opt.count, sizeof(double));
	unsigned int s, k, n, lost;
	long r;

	if (!rtt)
		return 1;
	for (s = 0; s < opt.nsizes; s++) {
		unsigned int size = opt.sizes[s];
		double start = now();

		for (k = n = lost = 0; k < opt.count; k++) {
			double t0 = now();

			if (opt.secs && t0 - start >= opt.secs)
				break;
			r = ep_send(buf, size);
			if (r >= 0)
				r = ep_recv(buf, MAXSZ, ufd >= 0 ? 1000 : 5000);
			if (r == -ETIMEDOUT && ufd >= 0) {
				lost++;
				continue;
			}
			if (r < 0) {
				fprintf(stderr, "vmpi-perf: ping: %s\n", strerror(-r));
				return 1;
			}
			rtt[n++] = (now() - t0) * 1e6;
		}
		if (!n) {
			fprintf(stderr, "vmpi-perf: ping: no echo at size %u\n", size);
			return 1;
		}
		qsort(rtt, n, sizeof(double), cmp_double);
		if (opt.json)
			printf("{\"role\":\"ping\",\"size\":%u,\"count\":%u,\"lost\":%u,"
			       "\"rtt_us_p50\":%.1f,\"rtt_us_p90\":%.1f,\"rtt_us_p99\":%.1f,"
			       "\"rtt_us_min\":%.1f}\n",
			       size, n, lost, rtt[n / 2], rtt[n * 9 / 10],
			       rtt[n * 99 / 100], rtt[0]);
		else
			printf("ping size %7u  rtt us: min %.1f  p50 %.1f  p90 %.1f  p99 %.1f  (%u, %u lost)\n",
			       size, rtt[0], rtt[n / 2], rtt[n * 9 / 10],
			       rtt[n * 99 / 100], n, lost);
		fflush(stdout);
	}
	free(rtt);
	return 0;
}

static int do_pong(void)
{
	bool started = false;
	long r;

	for (;;) {
		r = ep_recv(buf, MAXSZ, started ? (int)opt.idle * 1000 : -1);
		if (r == -ETIMEDOUT || (r == -ECONNRESET && started))
			return 0;
		started = true;
		if (r >= 0)
			r = ep_send(buf, r);
		if (r < 0) {
			fprintf(stderr, "vmpi-perf: pong: %s\n", strerror(-r));
			return 1;
		}
	}
}

/* A UDP socket sending to (connect) or receiving on (bind) ADDR:PORT. */
static int udp_open(const char *spec, bool listen)
{
	char host[64];
	const char *colon = strrchr(spec, ':');
	int big = 4 << 20;
	unsigned int i;

	if (!colon || colon - spec >= (long)sizeof(host)) {
		fprintf(stderr, "vmpi-perf: bad address %s\n", spec);
		return -1;
	}
	memcpy(host, spec, colon - spec);
	host[colon - spec] = 0;
	upeer.sin_family = AF_INET;
	upeer.sin_port = htons(atoi(colon + 1));
	if (inet_pton(AF_INET, host, &upeer.sin_addr) != 1) {
		fprintf(stderr, "vmpi-perf: bad address %s\n", spec);
		return -1;
	}
	ufd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ufd < 0) {
		perror("socket");
		return -1;
	}
	setsockopt(ufd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (listen ? bind(ufd, (struct sockaddr *)&upeer, sizeof(upeer)) :
		     connect(ufd, (struct sockaddr *)&upeer, sizeof(upeer))) {
		perror(spec);
		return -1;
	}
	upeer_known = !listen;
	for (i = 0; i < opt.nsizes; i++)
		if (opt.sizes[i] > UDP_MAX)
			opt.sizes[i] = UDP_MAX;
	return 0;
}

/* "a..b..step" or "a,b,c" */
static int parse_sizes(const char *s)
{
	unsigned int a, b, st;

	opt.nsizes = 0;
	if (sscanf(s, "%u..%u..%u", &a, &b, &st) == 3 && st) {
		for (; a <= b && opt.nsizes < 256; a += st)
			opt.sizes[opt.nsizes++] = a;
		return opt.nsizes ? 0 : -1;
	}
	while (*s && opt.nsizes < 256) {
		char *end;

		opt.sizes[opt.nsizes++] = strtoul(s, &end, 0);
		if (end == s)
			return -1;
		s = *end == ',' ? end + 1 : end;
	}
	return opt.nsizes ? 0 : -1;
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: vmpi-perf [OPTION]... tx|rx|ping|pong\n"
"Goodput and round-trip latency of a VMPI channel.\n"
"  -d, --dev PATH       guest side: the /dev/vmpiN device\n"
"  -m, --vm NAME        host side: the VM (through vale-vmpi)\n"
"  -C, --ctl PATH       vale-vmpi control socket (default %s)\n"
"  -u, --udp ADDR:PORT  UDP instead of VMPI: send to ADDR:PORT (tx, ping)\n"
"  -U, --udp-listen ADDR:PORT  UDP: receive on ADDR:PORT (rx, pong)\n"
"  -w, --wait-open SECS host side: retry while the VM is not running\n"
"  -c, --channel N      channel (default 0)\n"
"  -s, --sizes LIST     a..b..step or a,b,c (default 64)\n"
"  -n, --count N        messages (tx) or round trips (ping) per size\n"
"  -t, --secs S         tx/ping: this long per size instead (fractions ok)\n"
"  -g, --gap SECS       rx: a pause this long also starts a new report\n"
"  -i, --idle SECS      rx/pong stop after this long without traffic,\n"
"                       once it began (3)\n"
"  -j, --json           one JSON object per size\n"
"  -h, --help\n", VALE_VMPI_CTL_DEFAULT);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "vm", required_argument, NULL, 'm' },
		{ "ctl", required_argument, NULL, 'C' },
		{ "channel", required_argument, NULL, 'c' },
		{ "sizes", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "idle", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "udp", required_argument, NULL, 'u' },
		{ "udp-listen", required_argument, NULL, 'U' },
		{ "wait-open", required_argument, NULL, 'w' },
		{ "secs", required_argument, NULL, 't' },
		{ "gap", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	const char *role;
	int o, err;

	opt.sizes[0] = 64;
	opt.nsizes = 1;
	while ((o = getopt_long(argc, argv, "d:m:C:c:s:n:i:jhu:U:w:t:g:", lopts, NULL)) != -1) {
		switch (o) {
		case 'd': opt.dev = optarg; break;
		case 'm': opt.vm = optarg; break;
		case 'C': opt.ctl = optarg; break;
		case 'c': opt.channel = atoi(optarg); break;
		case 's':
			if (parse_sizes(optarg)) {
				usage(stderr);
				return 2;
			}
			break;
		case 'n': opt.count = atoi(optarg); break;
		case 'i': opt.idle = atoi(optarg); break;
		case 'j': opt.json = true; break;
		case 'u': opt.udp = optarg; break;
		case 'U': opt.udp_listen = optarg; break;
		case 'w': opt.wait_open = atoi(optarg); break;
		case 't': opt.secs = atof(optarg); break;
		case 'g': opt.gap = atof(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1 || !!opt.dev + !!opt.vm + !!opt.udp +
	    !!opt.udp_listen != 1 || !opt.count) {
		usage(stderr);
		return 2;
	}
	role = argv[optind];
	buf = calloc(1, MAXSZ);
	if (!buf)
		return 1;
	memset(buf, 0x5a, MAXSZ);
	if (opt.udp || opt.udp_listen) {
		if (udp_open(opt.udp ? opt.udp : opt.udp_listen, !!opt.udp_listen))
			return 1;
	} else if (opt.dev) {
		__u32 c = opt.channel;

		gfd = open(opt.dev, O_RDWR | O_NONBLOCK);
		if (gfd < 0 || ioctl(gfd, VMPI_IOC_BIND, &c) < 0) {
			perror(opt.dev);
			return 1;
		}
		/* tx: blocking writes; the others poll. */
		if (!strcmp(role, "tx"))
			fcntl(gfd, F_SETFL, 0);
	} else {
		double until = now() + opt.wait_open;

		while ((err = vale_vmpi_open(opt.ctl, opt.vm, opt.channel, &hch)) &&
		       (err == -ENOTCONN || err == -ENOENT || err == -ECONNREFUSED) &&
		       now() < until)
			usleep(100000);
		if (err) {
			fprintf(stderr, "vmpi-perf: %s channel %u: %s\n", opt.vm,
				opt.channel, strerror(-err));
			return 1;
		}
	}
	if (!strcmp(role, "tx"))
		return do_tx();
	if (!strcmp(role, "rx"))
		return do_rx();
	if (!strcmp(role, "ping"))
		return do_ping();
	if (!strcmp(role, "pong"))
		return do_pong();
	usage(stderr);
	return 2;
}
