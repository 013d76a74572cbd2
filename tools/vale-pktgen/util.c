// SPDX-License-Identifier: GPL-2.0
/*
 * vale-pktgen: errors (exit 1; bad usage exits 2), the monotonic clock,
 * and the parsing of numbers and MAC addresses.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mac.h"
#include "pktgen.h"

/* "PROG: message" and @tail on stderr, then exit with @code. */
static void __attribute__((noreturn)) vexit(int code, const char *tail,
					    const char *fmt, va_list ap)
{
	fprintf(stderr, PROG ": ");
	vfprintf(stderr, fmt, ap);
	fputs(tail, stderr);
	exit(code);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vexit(1, "\n", fmt, ap);
}

void bad_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vexit(2, "\nTry '" PROG " --help'.\n", fmt, ap);
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000ull,
			       .tv_nsec = ns % 1000000000ull };

	nanosleep(&ts, NULL);
}

uint64_t parse_u64(const char *s, const char *what, uint64_t min,
			  uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		bad_usage("bad %s '%s' (%" PRIu64 "..%" PRIu64 ")", what, s,
			  min, max);
	return v;
}

double parse_double(const char *s, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0) || v > 1e12)
		bad_usage("bad %s '%s'", what, s);
	return v;
}

void parse_mac(const char *s, uint8_t mac[6], const char *what)
{
	if (mac_parse(s, mac))
		bad_usage("bad %s '%s' (want xx:xx:xx:xx:xx:xx)", what, s);
}

/* A locally administered unicast address from the port name (FNV-1a). */
void default_mac(const char *name, uint8_t mac[6])
{
	uint64_t h = 0xcbf29ce484222325ull;
	int i;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 0x100000001b3ull;
	mac[0] = 0x02;
	for (i = 1; i < 6; i++)
		mac[i] = h >> (8 * i);
}
