// SPDX-License-Identifier: GPL-2.0
/*
 * vale-bench: socket endpoints for the baselines vale is compared with.
 *
 * The vale side of every comparison is vale-pktgen; this program is the
 * other side, using the best socket interfaces Linux offers for the same
 * job, so that scripts/bench.sh can run both in one VM and report ratios:
 *
 *   packet  raw AF_PACKET on an interface: sendmmsg() with
 *           PACKET_QDISC_BYPASS to send, a TPACKET_V3 mmap'd ring to receive
 *   udp     UDP sockets with sendmmsg()/recvmmsg()
 *
 * Output: one line for people, or one JSON object with --json, with the
 * same field names as vale-pktgen.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH	1024
#define MAX_LEN		9000

struct opts {
	const char *role;
	const char *transport;
	const char *ifname;
	const char *dst;	/* udp: IP:PORT to send to */
	const char *bind;	/* udp: IP:PORT to receive on */
	unsigned int len;	/* frame length without FCS, like vale-pktgen */
	unsigned int batch;
	double duration;
	unsigned long long count;
	bool json;
	unsigned char smac[6], dmac[6];
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: vale-bench tx|rx -t packet|udp [options]\n"
"  -t, --transport T   packet (raw AF_PACKET) or udp\n"
"  -i, --interface IF  network interface (packet)\n"
"  -a, --dst IP:PORT   destination (udp tx)\n"
"  -B, --bind IP:PORT  local address (udp rx; udp tx optional)\n"
"  -l, --length N      frame length in bytes, 14-byte Ethernet header\n"
"                      included, FCS excluded (default 60)\n"
"  -b, --batch N       packets per system call (default 512, max %d)\n"
"  -d, --duration S    run for S seconds (default 5)\n"
"  -n, --count N       stop after N packets (default: no limit)\n"
"  -S, --src-mac MAC   source MAC (packet tx)\n"
"  -D, --dst-mac MAC   destination MAC (packet tx, default broadcast)\n"
"  -j, --json          print one JSON object\n"
"  -h, --help          this text\n", MAX_BATCH);
}

static int parse_mac(const char *s, unsigned char *mac)
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -1;
		mac[i] = b[i];
	}
	return 0;
}

static int parse_addr(const char *s, struct sockaddr_in *sin)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	size_t n;

	if (!colon || (n = colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(atoi(colon + 1));
	return inet_pton(AF_INET, host, &sin->sin_addr) == 1 ? 0 : -1;
}

static uint16_t ip_csum(const void *p, size_t n)
{
	const uint16_t *w = p;
	uint32_t sum = 0;

	while (n > 1) {
		sum += *w++;
		n -= 2;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* Ethernet + IPv4 + UDP, the same frame vale-pktgen sends. */
static void build_frame(const struct opts *o, unsigned char *f)
{
	struct ethhdr *eth = (struct ethhdr *)f;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	unsigned int l3 = o->len - sizeof(*eth);

	memset(f, 0, o->len);
	memcpy(eth->h_dest, o->dmac, 6);
	memcpy(eth->h_source, o->smac, 6);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(l3);
	ip->saddr = htonl(0x0a000001);
	ip->daddr = htonl(0x0a000002);
	ip->check = ip_csum(ip, sizeof(*ip));
	udp->source = htons(1234);
	udp->dest = htons(4321);
	udp->len = htons(l3 - sizeof(*ip));
}

/*
 * secs is the time from the first to the last call that moved packets; a
 * receiver's rate leaves out the packets of its first call (first_pkts),
 * which arrived before its clock started.
 */
struct result {
	unsigned long long pkts, bytes, calls, first_pkts, first_bytes;
	double secs;
};

static int packet_socket(const struct opts *o, int proto, int *ifindex)
{
	struct sockaddr_ll sll = { 0 };
	int fd;

	*ifindex = if_nametoindex(o->ifname);
	if (!*ifindex) {
		fprintf(stderr, "vale-bench: no interface %s\n", o->ifname);
		return -1;
	}
	fd = socket(AF_PACKET, SOCK_RAW, htons(proto));
	if (fd < 0) {
		perror("vale-bench: socket(AF_PACKET)");
		return -1;
	}
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(proto);
	sll.sll_ifindex = *ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("vale-bench: bind");
		close(fd);
		return -1;
	}
	return fd;
}

static bool done(const struct opts *o, const struct result *r, double t0)
{
	if (stop)
		return true;
	if (o->count && r->pkts >= o->count)
		return true;
	return now() - t0 >= o->duration;
}

/* Send: the same batch of frames with sendmmsg(), for both transports. */
static int run_tx(const struct opts *o, struct result *r)
{
	static unsigned char frame[MAX_LEN];
	static struct mmsghdr msgs[MAX_BATCH];
	static struct iovec iov[MAX_BATCH];
	struct sockaddr_in dst;
	int fd, one = 1, ifindex;
	unsigned int i, hdr = 0;
	double t0;

	if (!strcmp(o->transport, "packet")) {
		if (!o->ifname) {
			fprintf(stderr, "vale-bench: packet needs -i\n");
			return -1;
		}
		fd = packet_socket(o, 0, &ifindex);
		if (fd < 0)
			return -1;
		if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
			       sizeof(one)) < 0)
			perror("vale-bench: PACKET_QDISC_BYPASS (ignored)");
	} else {
		if (!o->dst || parse_addr(o->dst, &dst)) {
			fprintf(stderr, "vale-bench: udp needs -a IP:PORT\n");
			return -1;
		}
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst))) {
			perror("vale-bench: udp socket");
			return -1;
		}
		/* The payload of the same frame: Ethernet, IP, UDP stripped. */
		hdr = sizeof(struct ethhdr) + sizeof(struct iphdr) +
		      sizeof(struct udphdr);
	}
	build_frame(o, frame);
	for (i = 0; i < o->batch; i++) {
		iov[i].iov_base = frame + hdr;
		iov[i].iov_len = o->len - hdr;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now();
	while (!done(o, r, t0)) {
		unsigned int want = o->batch;
		int n;

		if (o->count && o->count - r->pkts < want)
			want = o->count - r->pkts;
		n = sendmmsg(fd, msgs, want, 0);
		if (n < 0) {
			if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN)
				continue;
			perror("vale-bench: sendmmsg");
			close(fd);
			return -1;
		}
		r->calls++;
		r->pkts += n;
		r->bytes += (unsigned long long)n * o->len;
	}
	r->secs = now() - t0;
	close(fd);
	return 0;
}

/* Receive raw frames through a TPACKET_V3 ring: no copy, no syscall per
 * packet, the fastest way AF_PACKET offers.
 */
static int rx_packet(const struct opts *o, struct result *r)
{
	struct tpacket_req3 req = {
		.tp_block_size = 1 << 20,
		.tp_block_nr = 16,
		.tp_frame_size = 2048,
		.tp_retire_blk_tov = 10,
	};
	int fd, ver = TPACKET_V3, ifindex;
	unsigned int blk = 0;
	double t0 = 0, tlast = 0, deadline;
	unsigned char *ring;
	size_t ring_size;

	if (!o->ifname) {
		fprintf(stderr, "vale-bench: packet needs -i\n");
		return -1;
	}
	fd = packet_socket(o, ETH_P_ALL, &ifindex);
	if (fd < 0)
		return -1;
	req.tp_frame_nr = req.tp_block_size / req.tp_frame_size * req.tp_block_nr;
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &ver, sizeof(ver)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req))) {
		perror("vale-bench: TPACKET_V3 ring");
		close(fd);
		return -1;
	}
	ring_size = (size_t)req.tp_block_size * req.tp_block_nr;
	ring = mmap(NULL, ring_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ring == MAP_FAILED) {
		perror("vale-bench: mmap");
		close(fd);
		return -1;
	}
	deadline = now() + o->duration;
	while (!stop && now() < deadline) {
		struct tpacket_block_desc *bd =
			(void *)(ring + (size_t)blk * req.tp_block_size);
		struct tpacket3_hdr *h;
		unsigned int i, n;

		if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
		      TP_STATUS_USER)) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			poll(&pfd, 1, 100);
			continue;
		}
		n = bd->hdr.bh1.num_pkts;
		if (!t0) {
			t0 = now();
			deadline = t0 + o->duration;
			r->first_pkts = n;
		}
		h = (void *)((unsigned char *)bd + bd->hdr.bh1.offset_to_first_pkt);
		for (i = 0; i < n; i++) {
			r->bytes += h->tp_len;
			h = (void *)((unsigned char *)h + h->tp_next_offset);
		}
		r->pkts += n;
		r->calls++;
		tlast = now();
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		blk = (blk + 1) % req.tp_block_nr;
		if (o->count && r->pkts >= o->count)
			break;
	}
	r->secs = tlast - t0;
	munmap(ring, ring_size);
	close(fd);
	return 0;
}

static int rx_udp(const struct opts *o, struct result *r)
{
	static unsigned char bufs[MAX_BATCH][2048];
	static struct mmsghdr msgs[MAX_BATCH];
	static struct iovec iov[MAX_BATCH];
	struct timeval tv = { .tv_usec = 100000 };
	struct sockaddr_in sin;
	int fd, rcvbuf = 8 << 20;
	double t0 = 0, tlast = 0, deadline;
	unsigned int i;
	/* Count the frame each datagram came in, as the packet rx does. */
	unsigned int hdr = sizeof(struct ethhdr) + sizeof(struct iphdr) +
			   sizeof(struct udphdr);

	if (!o->bind || parse_addr(o->bind, &sin)) {
		fprintf(stderr, "vale-bench: udp rx needs -B IP:PORT\n");
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("vale-bench: udp bind");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (i = 0; i < o->batch; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	deadline = now() + o->duration;
	while (!stop && now() < deadline) {
		int n = recvmmsg(fd, msgs, o->batch, MSG_WAITFORONE, NULL);

		if (n <= 0)
			continue;
		if (!t0) {
			t0 = now();
			deadline = t0 + o->duration;
			r->first_pkts = n;
		}
		r->calls++;
		r->pkts += n;
		tlast = now();
		for (i = 0; i < (unsigned int)n; i++)
			r->bytes += msgs[i].msg_len + hdr;
		if (o->count && r->pkts >= o->count)
			break;
	}
	r->secs = tlast - t0;
	close(fd);
	return 0;
}

static void report(const struct opts *o, const struct result *r)
{
	double pkts = r->pkts - r->first_pkts;
	double pps = r->secs > 0 ? pkts / r->secs : 0;
	/* Bit rate of the frames as sent, without FCS, preamble and gap. */
	double gbps = r->pkts ? pps * ((double)r->bytes / r->pkts) * 8 / 1e9 : 0;
	double avg = r->calls ? (double)r->pkts / r->calls : 0;

	if (o->json)
		printf("{\"tool\":\"vale-bench\",\"role\":\"%s\",\"transport\":\"%s\","
		       "\"length\":%u,\"batch\":%u,\"packets\":%llu,\"bytes\":%llu,"
		       "\"seconds\":%.6f,\"pps\":%.1f,\"gbps\":%.6f,"
		       "\"avg_batch\":%.2f}\n",
		       o->role, o->transport, o->len, o->batch, r->pkts, r->bytes,
		       r->secs, pps, gbps, avg);
	else
		printf("%s %s: %llu packets in %.3f s: %.3f Mpps %.3f Gbit/s, "
		       "%.1f packets per call\n", o->transport, o->role, r->pkts,
		       r->secs, pps / 1e6, gbps, avg);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "transport", required_argument, NULL, 't' },
		{ "interface", required_argument, NULL, 'i' },
		{ "dst", required_argument, NULL, 'a' },
		{ "bind", required_argument, NULL, 'B' },
		{ "length", required_argument, NULL, 'l' },
		{ "batch", required_argument, NULL, 'b' },
		{ "duration", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "src-mac", required_argument, NULL, 'S' },
		{ "dst-mac", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = {
		.transport = "packet", .len = 60, .batch = 512, .duration = 5,
		.smac = { 0x02, 0, 0, 0, 0, 1 },
		.dmac = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	struct result r = { 0 };
	int c, err;

	while ((c = getopt_long(argc, argv, "t:i:a:B:l:b:d:n:S:D:jh", lopts,
				NULL)) != -1) {
		switch (c) {
		case 't': o.transport = optarg; break;
		case 'i': o.ifname = optarg; break;
		case 'a': o.dst = optarg; break;
		case 'B': o.bind = optarg; break;
		case 'l': o.len = strtoul(optarg, NULL, 0); break;
		case 'b': o.batch = strtoul(optarg, NULL, 0); break;
		case 'd': o.duration = strtod(optarg, NULL); break;
		case 'n': o.count = strtoull(optarg, NULL, 0); break;
		case 'S':
			if (parse_mac(optarg, o.smac))
				goto bad;
			break;
		case 'D':
			if (parse_mac(optarg, o.dmac))
				goto bad;
			break;
		case 'j': o.json = true; break;
		case 'h': usage(stdout); return 0;
		default: goto bad;
		}
	}
	if (optind != argc - 1)
		goto bad;
	o.role = argv[optind];
	if ((strcmp(o.role, "tx") && strcmp(o.role, "rx")) ||
	    (strcmp(o.transport, "packet") && strcmp(o.transport, "udp")) ||
	    o.len < 42 || o.len > MAX_LEN || (!strcmp(o.transport, "udp") &&
	    o.len > 1514) || !o.batch || o.batch > MAX_BATCH || o.duration <= 0)
		goto bad;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!strcmp(o.role, "tx"))
		err = run_tx(&o, &r);
	else if (!strcmp(o.transport, "packet"))
		err = rx_packet(&o, &r);
	else
		err = rx_udp(&o, &r);
	if (err)
		return 1;
	report(&o, &r);
	return 0;
bad:
	usage(stderr);
	return 2;
}
