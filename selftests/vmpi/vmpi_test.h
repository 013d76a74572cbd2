/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the VMPI test programs (guest and host side):
 * deterministic message streams, TAP output.
 *
 * A stream is (seed, size rule): message k has a size drawn from the
 * rule and bytes fill(k, i); a receiver regenerates both and so checks
 * content, length and order without any header in the message (which
 * keeps 0- and 1-byte messages possible).
 */
#ifndef VMPI_TEST_H
#define VMPI_TEST_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Size rules: >= 0 fixed; VT_SIZES cycles vt_sizes[]; VT_RAND(max). */
#define VT_SIZES	(-1)
#define VT_RAND(max)	(-2 - (int)(max))

static const unsigned int vt_sizes[] = { 0, 1, 4000, 4096, 65536, 7, 64, 1500 };

static inline uint32_t vt_rng(uint32_t x)
{
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

static inline unsigned int vt_size(int rule, uint32_t seed, uint32_t k)
{
	if (rule >= 0)
		return rule;
	if (rule == VT_SIZES)
		return vt_sizes[k % (sizeof(vt_sizes) / sizeof(vt_sizes[0]))];
	return vt_rng(vt_rng(seed * 2654435761u + k + 1)) % (unsigned int)(-rule - 2 + 1);
}

static inline uint8_t vt_byte(uint32_t seed, uint32_t k, uint32_t i)
{
	return (uint8_t)(seed * 29 + k * 131 + i * 7 + (i >> 8));
}

static inline void vt_fill(void *buf, uint32_t seed, uint32_t k, unsigned int len)
{
	uint8_t *p = buf;
	unsigned int i;

	for (i = 0; i < len; i++)
		p[i] = vt_byte(seed, k, i);
}

/* 0 when buf is message k of the stream, else -1 (with a diagnostic). */
static inline int vt_check(const void *buf, long len, int rule, uint32_t seed,
			   uint32_t k)
{
	const uint8_t *p = buf;
	unsigned int want = vt_size(rule, seed, k), i;

	if (len != (long)want) {
		printf("# message %u: length %ld, want %u\n", k, len, want);
		return -1;
	}
	for (i = 0; i < want; i++)
		if (p[i] != vt_byte(seed, k, i)) {
			printf("# message %u: byte %u is %u, want %u\n", k, i,
			       p[i], vt_byte(seed, k, i));
			return -1;
		}
	return 0;
}

static inline double vt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int vt_n, vt_failed;

static inline void vt_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	vt_n++;
	if (!cond)
		vt_failed++;
	printf("%sok %d - ", cond ? "" : "not ", vt_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

#endif /* VMPI_TEST_H */
