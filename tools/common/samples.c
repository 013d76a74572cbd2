// SPDX-License-Identifier: GPL-2.0
/*
 * The samples of samples.h: a growing array, sorted when a percentile is
 * asked for.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "samples.h"

int samples_add(struct samples *s, uint64_t v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		uint64_t *nv = realloc(s->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	s->sum += v;
	return 0;
}

void samples_free(struct samples *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t samples_pct(struct samples *s, double p)
{
	size_t k;

	if (!s->n)
		return 0;
	if (s->sorted != s->n) {
		qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
		s->sorted = s->n;
	}
	/* ceil, forgiving the rounding of p (99.9 * 2000 / 100 > 1998) */
	k = (size_t)ceil(p / 100.0 * s->n - 1e-6);
	if (k < 1)
		k = 1;
	if (k > s->n)
		k = s->n;
	return s->v[k - 1];
}

double samples_mean(const struct samples *s)
{
	return s->n ? (double)s->sum / s->n : 0.0;
}
