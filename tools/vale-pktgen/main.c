// SPDX-License-Identifier: GPL-2.0
/*
 * vale-pktgen: netmap pkt-gen's job for vale ports.
 *
 * Roles: tx (send as fast as allowed), rx (count what arrives), ping (send
 * one packet, wait for its echo, measure the round trip), pong (echo every
 * packet back to its sender), fwd (forward between two ports, both ways).
 * Frames are Ethernet/IPv4/UDP; longer than a buffer they are split over
 * several slots with VALE_SLOT_MOREFRAG.
 *
 * Counting follows pkt-gen: "bytes" are the frame bytes put in (or found
 * in) the slots, from the Ethernet destination address to the end of the
 * payload, without CRC; the bit rate is 8 * bytes / time.  The "raw" bit
 * rate adds 24 bytes per packet (CRC, preamble, inter-frame gap) and pads
 * frames to 60 bytes, as on a wire.  The average batch is packets per
 * sync (ioctl or poll()).  pktgen.h lists which file holds which part.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "pktgen.h"

const char *const role_names[] = { "tx", "rx", "ping", "pong", "fwd" };
volatile sig_atomic_t stop;

static const char usage_text[] =
"Usage: vale-pktgen ROLE -i PORT [OPTION]...\n"
"       vale-pktgen fwd -i PORT -o PORT [OPTION]...\n"
"Generate, receive, echo or forward Ethernet/IPv4/UDP packets on vale ports.\n"
"\n"
"Roles:\n"
"  tx      send packets as fast as allowed\n"
"  rx      count the packets that arrive\n"
"  ping    send one packet at a time, wait for its echo, measure the RTT\n"
"  pong    send every packet that arrives back to its sender\n"
"  fwd     forward what arrives on -i out of -o and what arrives on -o out of\n"
"          -i (one copy a packet, blocking in poll)\n"
"\n"
"Options:\n"
"  -i, --port PORT        vale port to open, valeX:Y (required)\n"
"  -o, --out-port PORT    fwd: the second port (required for fwd only)\n"
"  -l, --length N         frame length in bytes without CRC, 60..65535\n"
"                         (default 60); longer than a buffer uses several slots\n"
"  -b, --batch N          packets per sync (default 512; ping: 1)\n"
"  -R, --rate PPS         at most PPS packets per second (default: no limit)\n"
"  -n, --count N          stop after N packets (default: no limit; fwd: both\n"
"                         directions together)\n"
"  -d, --duration SEC     stop after SEC seconds (default: no limit)\n"
"  -T, --timeout SEC      rx, pong, fwd: stop when nothing arrived for SEC s\n"
"                         (default: never); ping: reply timeout (default 1)\n"
"  -S, --src-mac MAC      source MAC (default: 02:xx:.. derived from PORT)\n"
"  -D, --dst-mac MAC      destination MAC (default ff:ff:ff:ff:ff:ff)\n"
"  -s, --slots N          slots per ring of the port (default: kernel's)\n"
"  -B, --buf-size N       buffer size of the port (default: kernel's)\n"
"  -j, --json             print the result as one JSON object\n"
"  -h, --help             print this help and exit\n"
"\n"
"Bytes are frame bytes without CRC, as netmap pkt-gen counts them; the raw\n"
"rate adds 24 bytes per packet (CRC, preamble, gap). SIGINT stops and prints.\n"
"fwd takes neither -l, -R, -S nor -D: it sends the frames it receives.\n";

static void usage(FILE *f, int code)
{
	fputs(usage_text, f);
	exit(code);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Open port @name with the geometry of -s and -B, or die. */
static struct vale_handle *open_port(const struct cfg *c, const char *name)
{
	VALE_PORT_OPTS(o, .num_slots = c->slots, .buf_size = c->buf_size);
	struct vale_handle *h;
	int err = vale_port_open(name, &o, &h);

	if (err)
		die("cannot open %s: %s", name, vale_strerror(err));
	return h;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "port", required_argument, NULL, 'i' },
		{ "out-port", required_argument, NULL, 'o' },
		{ "length", required_argument, NULL, 'l' },
		{ "batch", required_argument, NULL, 'b' },
		{ "rate", required_argument, NULL, 'R' },
		{ "count", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "src-mac", required_argument, NULL, 'S' },
		{ "dst-mac", required_argument, NULL, 'D' },
		{ "slots", required_argument, NULL, 's' },
		{ "buf-size", required_argument, NULL, 'B' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cfg c = {
		.len = MIN_LEN,
		.dst = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	struct result res = { 0 };
	struct vale_port_stats st, ost;
	struct vale_handle *p, *q = NULL;
	struct rusage ru;
	struct sigaction sa;
	bool batch_set = false, have_st, have_ost = false;
	bool frame_opt = false;
	unsigned int nfrags, cap, i;
	uint8_t *frame;
	int opt;

	while ((opt = getopt_long(argc, argv, "i:o:l:b:R:n:d:T:S:D:s:B:jh",
				  lopts, NULL)) != -1) {
		switch (opt) {
		case 'i': c.port = optarg; break;
		case 'o': c.out_port = optarg; break;
		case 'l':
			c.len = parse_u64(optarg, "length", MIN_LEN, MAX_LEN);
			frame_opt = true;
			break;
		case 'b':
			c.batch = parse_u64(optarg, "batch", 1, VALE_MAX_SLOTS);
			batch_set = true;
			break;
		case 'R':
			c.rate = parse_double(optarg, "rate");
			frame_opt = true;
			break;
		case 'n': c.count = parse_u64(optarg, "count", 0, UINT64_MAX); break;
		case 'd': c.duration = parse_double(optarg, "duration"); break;
		case 'T':
			c.timeout = parse_double(optarg, "timeout");
			c.timeout_set = true;
			break;
		case 'S':
			parse_mac(optarg, c.src, "source MAC");
			c.src_set = true;
			frame_opt = true;
			break;
		case 'D':
			parse_mac(optarg, c.dst, "destination MAC");
			frame_opt = true;
			break;
		case 's': c.slots = parse_u64(optarg, "slots", VALE_MIN_SLOTS, VALE_MAX_SLOTS); break;
		case 'B': c.buf_size = parse_u64(optarg, "buffer size", VALE_MIN_BUF_SIZE, VALE_MAX_BUF_SIZE); break;
		case 'j': c.json = true; break;
		case 'h': usage(stdout, 0); break;
		default: usage(stderr, 2);
		}
	}
	if (optind >= argc)
		bad_usage("missing ROLE (tx, rx, ping, pong or fwd)");
	for (i = 0; i < ROLE_COUNT; i++)
		if (!strcmp(argv[optind], role_names[i]))
			break;
	if (i == ROLE_COUNT)
		bad_usage("unknown role '%s' (tx, rx, ping, pong or fwd)",
			  argv[optind]);
	c.role = i;
	if (optind + 1 < argc)
		bad_usage("unexpected argument '%s'", argv[optind + 1]);
	if (!c.port)
		bad_usage("missing -i PORT");
	if (c.role == ROLE_FWD) {
		if (!c.out_port)
			bad_usage("fwd needs -o PORT");
		if (!strcmp(c.port, c.out_port))
			bad_usage("fwd needs two different ports");
		if (frame_opt)
			bad_usage("fwd takes neither -l, -R, -S nor -D");
	} else if (c.out_port) {
		bad_usage("-o is for fwd only");
	}
	if (!c.src_set)
		default_mac(c.port, c.src);
	if (c.src[0] & 1)
		bad_usage("source MAC must be unicast");
	if (!batch_set)
		c.batch = c.role == ROLE_PING ? 1 : 512;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	p = open_port(&c, c.port);
	if (c.role == ROLE_FWD) {
		q = open_port(&c, c.out_port);
		cap = vale_port_num_slots(q) - 1;
		if (c.batch > cap)
			c.batch = cap;
	}

	nfrags = (c.len + vale_port_buf_size(p) - 1) / vale_port_buf_size(p);
	if (nfrags > VALE_MAX_FRAGS || nfrags >= vale_port_num_slots(p))
		die("%u-byte frames need %u slots of %u bytes: more than %s allows",
		    c.len, nfrags, vale_port_buf_size(p),
		    nfrags > VALE_MAX_FRAGS ? "a packet" : "the ring");
	cap = (vale_port_num_slots(p) - 1) / nfrags;
	if (c.batch > cap)
		c.batch = cap;

	frame = malloc(c.len);
	if (!frame)
		die("out of memory");
	build_frame(frame, c.len, c.src, c.dst);

	switch (c.role) {
	case ROLE_TX: run_tx(p, &c, &res, frame, nfrags); break;
	case ROLE_RX: run_rx(p, &c, &res); break;
	case ROLE_PING: run_ping(p, &c, &res, frame, nfrags); break;
	case ROLE_PONG: run_pong(p, &c, &res); break;
	case ROLE_FWD: run_fwd(p, q, &c, &res); break;
	default: break;
	}
	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		res.cpu_user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
		res.cpu_sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	}
	have_st = vale_port_read_stats(p, &st) == 0;
	if (q)
		have_ost = vale_port_read_stats(q, &ost) == 0;
	report(&c, &res, &st, have_st, &ost, have_ost);
	fflush(stdout);
	free(frame);
	samples_free(&res.rtt);
	vale_port_close(q);
	vale_port_close(p);
	if (ferror(stdout))
		die("cannot write the result");
	return 0;
}
