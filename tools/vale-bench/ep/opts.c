// SPDX-License-Identifier: GPL-2.0
/*
 * vale-bench-ep command line: every value is checked before anything
 * starts, and a bad one is reported with the option that carried it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ep.h"
#include "mac.h"

const char *const ep_role_names[] = { "send", "recv", "client", "server" };
const char *const ep_api_names[] = { "vale", "udp", "mmsg", "raw",
				     "raw-mmsg", "ring", "xdp" };
static const char *const inject_names[] = { "none", "reorder", "dup",
					    "foreign", "bad" };

void ep_usage(FILE *f)
{
	fprintf(f,
"usage: " EP_PROG " send|recv|client|server --api API [options]\n"
"  --api API          vale udp mmsg raw raw-mmsg ring xdp\n"
"  --vale SW[:PORT]   vale: the switch (port name made up when absent)\n"
"  --dev DEV          network device (raw, raw-mmsg, ring, xdp; udp, mmsg\n"
"                     optional: SO_BINDTODEVICE)\n"
"  --queue Q          xdp: the device queue (default 0)\n"
"  --src IP:PORT      sender's address (default 10.0.0.1:1234)\n"
"  --dst IP:PORT      receiver's address (default 10.0.0.2:4321)\n"
"  --src-mac MAC      (default 02:00:00:00:00:01)\n"
"  --dst-mac MAC      (default 02:00:00:00:00:02)\n"
"  -p, --size N       frame bytes with the Ethernet header, no FCS (60..%u)\n"
"  -r, --rate PPS     packets per second, busy-clock paced (0: unpaced)\n"
"  -b, --burst N      frames per burst (1..%u, default 1)\n"
"  -d, --duration S   seconds (send/client default 5 without -n)\n"
"  -n, --count N      stop after N frames\n"
"  --poll             busy-poll instead of blocking waits\n"
"  -c, --touch        write (tx) / read and verify (rx) every payload byte\n"
"  -i, --interval S   interim statistics every S seconds\n"
"  --flow ID[,ID...]  flow written by send/client; flows recv/server accept\n"
"  --timeout S        recv/client: stop after S seconds without traffic\n"
"  --inject KIND      send, for tests: reorder dup foreign bad\n"
"  --cpu N            pin to CPU N\n"
"  --ready FILE       create FILE once the API is open (for scripts)\n"
"  --json             JSON lines; the last is the final result\n"
"  -h, --help         this text\n", EP_MAX_SIZE, EP_MAX_BURST);
}

struct perr {
	char *buf;
	size_t len;
};

static int fail(struct perr *pe, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct perr *pe, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pe->buf, pe->len, fmt, ap);
	va_end(ap);
	return EP_EXIT_USAGE;
}

static int parse_u64(struct perr *pe, const char *opt, const char *s,
		     uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		return fail(pe, "%s: bad value '%s' (want %llu..%llu)", opt, s,
			    (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

static int parse_uint(struct perr *pe, const char *opt, const char *s,
		      unsigned int min, unsigned int max, unsigned int *out)
{
	uint64_t v;
	int err = parse_u64(pe, opt, s, min, max, &v);

	if (!err)
		*out = v;
	return err;
}

static int parse_secs(struct perr *pe, const char *opt, const char *s,
		      double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0) || v > 1e6)
		return fail(pe, "%s: bad seconds '%s' (want 0..1e6)", opt, s);
	*out = v;
	return 0;
}

static int parse_mac(struct perr *pe, const char *opt, const char *s,
		     uint8_t mac[6])
{
	if (mac_parse(s, mac))
		return fail(pe, "%s: bad MAC '%s' (want xx:xx:xx:xx:xx:xx)",
			    opt, s);
	return 0;
}

static int parse_addr(struct perr *pe, const char *opt, const char *s,
		      struct ep_addr *a)
{
	const char *colon = strrchr(s, ':');
	struct in_addr in;
	char host[INET_ADDRSTRLEN];
	unsigned int port;

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return fail(pe, "%s: bad address '%s' (want IP:PORT)", opt, s);
	memcpy(host, s, colon - s);
	host[colon - s] = '\0';
	if (inet_pton(AF_INET, host, &in) != 1)
		return fail(pe, "%s: bad IPv4 address '%s'", opt, host);
	if (parse_uint(pe, opt, colon + 1, 1, 65535, &port))
		return EP_EXIT_USAGE;
	a->ip = ntohl(in.s_addr);
	a->port = port;
	return 0;
}

static int parse_flows(struct perr *pe, const char *s, struct ep_opts *o)
{
	char buf[1024], *tok, *save;
	uint64_t v;

	if (strlen(s) >= sizeof(buf))
		return fail(pe, "--flow: list too long");
	strcpy(buf, s);
	o->nflows = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		unsigned int i;

		if (o->nflows == EP_MAX_FLOWS)
			return fail(pe, "--flow: more than %u flows",
				    EP_MAX_FLOWS);
		if (parse_u64(pe, "--flow", tok, 0, UINT32_MAX, &v))
			return EP_EXIT_USAGE;
		for (i = 0; i < o->nflows; i++)
			if (o->flows[i] == v)
				return fail(pe, "--flow: %s given twice", tok);
		o->flows[o->nflows++] = v;
	}
	if (!o->nflows)
		return fail(pe, "--flow: empty list");
	return 0;
}

static int lookup(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

enum {
	OPT_API = 256, OPT_VALE, OPT_DEV, OPT_QUEUE, OPT_SRC, OPT_DST,
	OPT_SMAC, OPT_DMAC, OPT_POLL, OPT_FLOW, OPT_TIMEOUT, OPT_INJECT,
	OPT_CPU, OPT_JSON, OPT_READY,
};

static const struct option lopts[] = {
	{ "api", required_argument, NULL, OPT_API },
	{ "vale", required_argument, NULL, OPT_VALE },
	{ "dev", required_argument, NULL, OPT_DEV },
	{ "queue", required_argument, NULL, OPT_QUEUE },
	{ "src", required_argument, NULL, OPT_SRC },
	{ "dst", required_argument, NULL, OPT_DST },
	{ "src-mac", required_argument, NULL, OPT_SMAC },
	{ "dst-mac", required_argument, NULL, OPT_DMAC },
	{ "size", required_argument, NULL, 'p' },
	{ "rate", required_argument, NULL, 'r' },
	{ "burst", required_argument, NULL, 'b' },
	{ "duration", required_argument, NULL, 'd' },
	{ "count", required_argument, NULL, 'n' },
	{ "poll", no_argument, NULL, OPT_POLL },
	{ "touch", no_argument, NULL, 'c' },
	{ "interval", required_argument, NULL, 'i' },
	{ "flow", required_argument, NULL, OPT_FLOW },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "inject", required_argument, NULL, OPT_INJECT },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "ready", required_argument, NULL, OPT_READY },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static void defaults(struct ep_opts *o)
{
	static const uint8_t smac[6] = { 0x02, 0, 0, 0, 0, 1 };
	static const uint8_t dmac[6] = { 0x02, 0, 0, 0, 0, 2 };

	memset(o, 0, sizeof(*o));
	o->api = EP_API_COUNT;
	memcpy(o->smac, smac, 6);
	memcpy(o->dmac, dmac, 6);
	o->src = (struct ep_addr){ 0x0a000001, 1234 };
	o->dst = (struct ep_addr){ 0x0a000002, 4321 };
	o->size = EP_MIN_SIZE;
	o->burst = 1;
	o->cpu = -1;
	o->nflows = 1;
}

/* The option as the user wrote it, for messages. */
static const char *opt_name(int c, char *buf, size_t n)
{
	const struct option *lo;

	for (lo = lopts; lo->name; lo++)
		if (lo->val == c) {
			snprintf(buf, n, "--%s", lo->name);
			return buf;
		}
	return "?";
}

static int one_opt(struct perr *pe, int c, const char *arg, struct ep_opts *o)
{
	char nb[32];
	const char *name = opt_name(c, nb, sizeof(nb));
	unsigned int cpu;
	int i;

	switch (c) {
	case OPT_API:
		i = lookup(ep_api_names, EP_API_COUNT, arg);
		if (i < 0)
			return fail(pe, "--api: unknown API '%s'", arg);
		o->api = i;
		return 0;
	case OPT_VALE: o->vale = arg; return 0;
	case OPT_DEV: o->dev = arg; return 0;
	case OPT_QUEUE: return parse_uint(pe, name, arg, 0, 1023, &o->queue);
	case OPT_SRC: return parse_addr(pe, name, arg, &o->src);
	case OPT_DST: return parse_addr(pe, name, arg, &o->dst);
	case OPT_SMAC: return parse_mac(pe, name, arg, o->smac);
	case OPT_DMAC: return parse_mac(pe, name, arg, o->dmac);
	case 'p': return parse_uint(pe, name, arg, EP_MIN_SIZE, EP_MAX_SIZE,
				    &o->size);
	case 'r': return parse_u64(pe, name, arg, 0, 1000000000, &o->rate);
	case 'b': return parse_uint(pe, name, arg, 1, EP_MAX_BURST, &o->burst);
	case 'd': return parse_secs(pe, name, arg, &o->duration);
	case 'n': return parse_u64(pe, name, arg, 0, UINT64_MAX / 2, &o->count);
	case OPT_POLL: o->poll = true; return 0;
	case 'c': o->touch = true; return 0;
	case 'i': return parse_secs(pe, name, arg, &o->interval);
	case OPT_FLOW: return parse_flows(pe, arg, o);
	case OPT_TIMEOUT: return parse_secs(pe, name, arg, &o->timeout);
	case OPT_INJECT:
		i = lookup(inject_names, 5, arg);
		if (i <= 0)
			return fail(pe, "--inject: unknown kind '%s'", arg);
		o->inject = i;
		return 0;
	case OPT_CPU:
		if (parse_uint(pe, name, arg, 0, CPU_SETSIZE - 1, &cpu))
			return EP_EXIT_USAGE;
		o->cpu = cpu;
		return 0;
	case OPT_JSON: o->json = true; return 0;
	case OPT_READY:
		if (!*arg)
			return fail(pe, "--ready: empty file name");
		o->ready = arg;
		return 0;
	}
	return fail(pe, "internal: option %d", c);
}

/* What the role and API together need. */
static int check(struct perr *pe, struct ep_opts *o)
{
	bool sock = o->api == EP_API_UDP || o->api == EP_API_MMSG;

	if (o->api == EP_API_COUNT)
		return fail(pe, "--api: missing (%s)", "vale udp mmsg raw raw-mmsg ring xdp");
	if (o->api == EP_API_VALE && !o->vale)
		return fail(pe, "--vale: the vale API needs the switch");
	if (o->api != EP_API_VALE && !sock && !o->dev)
		return fail(pe, "--dev: the %s API needs a device",
			    ep_api_names[o->api]);
	if (o->inject && o->role != EP_SEND)
		return fail(pe, "--inject: only for send");
	if (o->nflows > 1 && (o->role == EP_SEND || o->role == EP_CLIENT))
		return fail(pe, "--flow: send and client write one flow");
	if (sock && o->size - EP_HDR_LEN > 65507)
		return fail(pe, "--size: too large for UDP");
	if ((o->role == EP_SEND || o->role == EP_CLIENT) && !o->count &&
	    !o->duration)
		o->duration = 5;
	return 0;
}

int ep_parse(int argc, char **argv, struct ep_opts *o, char *err,
	     size_t errlen)
{
	struct perr pe = { err, errlen };
	int c, r;

	defaults(o);
	optind = 0;		/* GNU: restart, so tests can call it again */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:r:b:d:n:ci:h", lopts,
				NULL)) != -1) {
		if (c == 'h') {
			ep_usage(stdout);
			return 1;
		}
		if (c == '?')
			return fail(&pe, "%s: unknown option", argv[optind - 1]);
		if (c == ':')
			return fail(&pe, "%s: needs a value", argv[optind - 1]);
		r = one_opt(&pe, c, optarg, o);
		if (r)
			return r;
	}
	if (optind >= argc)
		return fail(&pe, "ROLE: missing (send recv client server)");
	r = lookup(ep_role_names, 4, argv[optind]);
	if (r < 0)
		return fail(&pe, "ROLE: unknown role '%s'", argv[optind]);
	o->role = r;
	if (optind + 1 < argc)
		return fail(&pe, "%s: unexpected argument", argv[optind + 1]);
	return check(&pe, o);
}
