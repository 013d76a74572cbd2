// SPDX-License-Identifier: GPL-2.0
/*
 * Tier 0: vale-bench-ep's command line (opts.c).  Every bad value is
 * refused with status 2 and a message that starts with the option that
 * carried it; good command lines set what they say, with the documented
 * defaults for the rest.
 */
#include <string.h>

#include "ep.h"
#include "kselftest_harness.h"

#define MAXARG 40

/* Parse a space-separated command line (no quoting needed here). */
static int parse(const char *line, struct ep_opts *o, char *err, size_t n)
{
	static char buf[512];
	char *argv[MAXARG + 1], *save, *t;
	int argc = 0;

	snprintf(buf, sizeof(buf), "vale-bench-ep %s", line);
	for (t = strtok_r(buf, " ", &save); t && argc < MAXARG;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = strcmp(t, "''") ? t : "";
	argv[argc] = NULL;
	err[0] = '\0';
	return ep_parse(argc, argv, o, err, n);
}

struct bad {
	const char *line;
	const char *opt;	/* the message starts with this */
};

static const struct bad bads[] = {
	{ "send", "--api" },
	{ "send --api nope", "--api" },
	{ "send --api vale", "--vale" },
	{ "send --api raw", "--dev" },
	{ "recv --api ring", "--dev" },
	{ "send --api xdp", "--dev" },
	{ "--api udp", "ROLE" },
	{ "sendx --api udp", "ROLE" },
	{ "send recv --api udp", "recv" },
	{ "send --api udp -p 59", "--size" },
	{ "send --api udp -p 9015", "--size" },
	{ "send --api udp -p 1k", "--size" },
	{ "send --api udp --size -60", "--size" },
	{ "send --api udp -b 0", "--burst" },
	{ "send --api udp -b 1025", "--burst" },
	{ "send --api udp -r -1", "--rate" },
	{ "send --api udp -r fast", "--rate" },
	{ "send --api udp -r 1000000001", "--rate" },
	{ "send --api udp -d -1", "--duration" },
	{ "send --api udp -d 1s", "--duration" },
	{ "send --api udp -d nan", "--duration" },
	{ "send --api udp -n x", "--count" },
	{ "send --api udp -i x", "--interval" },
	{ "recv --api udp --timeout -2", "--timeout" },
	{ "send --api udp --src 10.0.0:5", "--src" },
	{ "send --api udp --src 10.0.0.1", "--src" },
	{ "send --api udp --src 10.0.0.1:0", "--src" },
	{ "send --api udp --dst 10.0.0.1:65536", "--dst" },
	{ "send --api udp --src-mac 02:00:00:00:00", "--src-mac" },
	{ "send --api udp --dst-mac 02:00:00:00:00:1zz", "--dst-mac" },
	{ "send --api udp --dst-mac 002:00:00:00:00:01", "--dst-mac" },
	{ "recv --api udp --flow 1,1", "--flow" },
	{ "recv --api udp --flow ''", "--flow" },
	{ "recv --api udp --flow 4294967296", "--flow" },
	{ "send --api udp --flow 1,2", "--flow" },
	{ "send --api xdp --dev x --queue 1024", "--queue" },
	{ "send --api udp --cpu 100000", "--cpu" },
	{ "send --api udp --cpu -1", "--cpu" },
	{ "send --api udp --inject sometimes", "--inject" },
	{ "recv --api udp --inject dup", "--inject" },
	{ "send --api udp --bogus", "--bogus" },
	{ "send --api udp -p", "-p" },
	{ "send --api udp --rate", "--rate" },
	{ "recv --api udp --ready ''", "--ready" },
};

TEST(bad_values)
{
	struct ep_opts o;
	char err[256];
	unsigned int i;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		int st = parse(bads[i].line, &o, err, sizeof(err));
		size_t n = strlen(bads[i].opt);
		bool named = !strncmp(err, bads[i].opt, n) && err[n] == ':';

		if (st != EP_EXIT_USAGE || !named)
			TH_LOG("'%s': status %d, message '%s' (want %s)",
			       bads[i].line, st, err, bads[i].opt);
		EXPECT_EQ(EP_EXIT_USAGE, st);
		EXPECT_TRUE(named);
	}
}

TEST(defaults)
{
	struct ep_opts o;
	char err[256];

	ASSERT_EQ(0, parse("send --api udp", &o, err, sizeof(err)));
	EXPECT_EQ(EP_SEND, o.role);
	EXPECT_EQ(EP_API_UDP, o.api);
	EXPECT_EQ(60, o.size);
	EXPECT_EQ(1, o.burst);
	EXPECT_EQ(0, o.rate);
	EXPECT_EQ(5, o.duration);	/* send: 5 s without -n */
	EXPECT_EQ(0x0a000001, o.src.ip);
	EXPECT_EQ(1234, o.src.port);
	EXPECT_EQ(0x0a000002, o.dst.ip);
	EXPECT_EQ(4321, o.dst.port);
	EXPECT_EQ(1, o.nflows);
	EXPECT_EQ(0, o.flows[0]);
	EXPECT_EQ(-1, o.cpu);
	EXPECT_FALSE(o.json);
	ASSERT_EQ(0, parse("recv --api udp", &o, err, sizeof(err)));
	EXPECT_EQ(0, o.duration);	/* recv: until stopped */
	ASSERT_EQ(0, parse("send --api udp -n 10", &o, err, sizeof(err)));
	EXPECT_EQ(0, o.duration);
	EXPECT_EQ(1, parse("--help", &o, err, sizeof(err)));
}

TEST(good_values)
{
	struct ep_opts o;
	char err[256];

	ASSERT_EQ(0, parse("--api raw-mmsg client --dev eth0 -p 1514 -r 1000 "
			   "-b 32 -d 2.5 -n 99 --poll -c -i 1 --flow 7 "
			   "--timeout 0.25 --cpu 1 --json", &o, err,
			   sizeof(err)));
	EXPECT_EQ(EP_CLIENT, o.role);
	EXPECT_EQ(EP_API_RAW_MMSG, o.api);
	EXPECT_STREQ("eth0", o.dev);
	EXPECT_EQ(1514, o.size);
	EXPECT_EQ(1000, o.rate);
	EXPECT_EQ(32, o.burst);
	EXPECT_EQ(2.5, o.duration);
	EXPECT_EQ(99, o.count);
	EXPECT_TRUE(o.poll);
	EXPECT_TRUE(o.touch);
	EXPECT_EQ(1, o.interval);
	EXPECT_EQ(7, o.flows[0]);
	EXPECT_EQ(0.25, o.timeout);
	EXPECT_EQ(1, o.cpu);
	EXPECT_TRUE(o.json);
	ASSERT_EQ(0, parse("server --api vale --vale vale0:s --flow 3,1,2 "
			   "--src 192.168.1.2:99 --dst-mac 0a:0B:0c:0d:0e:0f",
			   &o, err, sizeof(err)));
	EXPECT_EQ(3, o.nflows);
	EXPECT_EQ(2, o.flows[2]);
	EXPECT_EQ(0xc0a80102, o.src.ip);
	EXPECT_EQ(99, o.src.port);
	EXPECT_EQ(0x0b, o.dmac[1]);
	EXPECT_STREQ("vale0:s", o.vale);
	ASSERT_EQ(0, parse("send --api vale --vale v --inject reorder", &o,
			   err, sizeof(err)));
	EXPECT_EQ(EP_INJ_REORDER, o.inject);
}

TEST_HARNESS_MAIN
