/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the libFuzzer targets share: a trap that libFuzzer reports as a
 * crash, and a reader that takes big-endian values from the fuzzer's
 * input, zero once the input is used up.
 */
#ifndef _VALE_FUZZ_INPUT_H
#define _VALE_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

struct in {
	const uint8_t *p;
	size_t n;
};

static uint32_t take(struct in *in, unsigned int bytes)
{
	uint32_t v = 0;

	while (bytes--) {
		v <<= 8;
		if (in->n) {
			v |= *in->p++;
			in->n--;
		}
	}
	return v;
}

#endif /* _VALE_FUZZ_INPUT_H */
