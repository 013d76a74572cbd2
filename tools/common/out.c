// SPDX-License-Identifier: GPL-2.0
/*
 * The text/JSON writer of out.h.  A stack of open containers remembers
 * whether each has had a member yet, which is all a comma needs.
 */
#include <inttypes.h>
#include <stdarg.h>

#include "out.h"

#define OUT_DEPTH	16

static FILE *out;
static bool json;
static int depth;
static bool members[OUT_DEPTH];		/* per open container */

void out_init(FILE *f, bool j)
{
	out = f;
	json = j;
	depth = 0;
}

bool out_is_json(void)
{
	return json;
}

void out_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* A comma if needed, then the key of the next member. */
static void member(const char *key)
{
	if (depth > 0) {
		if (members[depth - 1])
			fputc(',', out);
		members[depth - 1] = true;
	}
	if (key) {
		out_json_string(out, key);
		fputc(':', out);
	}
}

static void open_container(const char *key, int c)
{
	if (!json)
		return;
	member(key);
	fputc(c, out);
	if (depth < OUT_DEPTH)
		members[depth] = false;
	depth++;
}

static void close_container(int c)
{
	if (!json)
		return;
	fputc(c, out);
	if (depth > 0)
		depth--;
}

void out_open_object(const char *key)
{
	open_container(key, '{');
}

void out_close_object(void)
{
	close_container('}');
}

void out_open_array(const char *key)
{
	open_container(key, '[');
}

void out_close_array(void)
{
	close_container(']');
}

void out_string(enum out_kind k, const char *key, const char *fmt, const char *v)
{
	if (json && (k & OUT_JSON)) {
		member(key);
		out_json_string(out, v);
	} else if (!json && (k & OUT_TEXT)) {
		fprintf(out, fmt, v);
	}
}

void out_uint(enum out_kind k, const char *key, const char *fmt, uint64_t v)
{
	if (json && (k & OUT_JSON)) {
		member(key);
		fprintf(out, "%" PRIu64, v);
	} else if (!json && (k & OUT_TEXT)) {
		fprintf(out, fmt, v);
	}
}

void out_bool(enum out_kind k, const char *key, const char *fmt, bool v)
{
	if (json && (k & OUT_JSON)) {
		member(key);
		fputs(v ? "true" : "false", out);
	} else if (!json && (k & OUT_TEXT)) {
		fprintf(out, fmt, v ? "yes" : "no");
	}
}

void out_text(const char *fmt, ...)
{
	va_list ap;

	if (json)
		return;
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
}

void out_newline(void)
{
	fputc('\n', out);
}
