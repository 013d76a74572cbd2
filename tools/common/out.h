/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One writer for text and JSON, iproute2's print_*(PRINT_ANY, ...) idea:
 * a tool describes each value once, with its JSON key and its text
 * format, and the mode chosen at start-up (out_init()) decides what is
 * printed.  OUT_TEXT and OUT_JSON values appear in one mode only (a
 * column that exists for people, a field that exists for programs).
 *
 * JSON is compact (no spaces), objects and arrays nest, and commas are the
 * writer's business.  Strings are escaped here, and only here.
 */
#ifndef VALE_TOOLS_OUT_H
#define VALE_TOOLS_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum out_kind {
	OUT_TEXT = 1,
	OUT_JSON = 2,
	OUT_ANY = OUT_TEXT | OUT_JSON,
};

void out_init(FILE *f, bool json);
bool out_is_json(void);

/* JSON containers; @key is NULL inside an array or at the top. */
void out_open_object(const char *key);
void out_close_object(void);
void out_open_array(const char *key);
void out_close_array(void);

/* One value: in text mode printed with @fmt, in JSON as "key":value. */
void out_string(enum out_kind k, const char *key, const char *fmt, const char *v);
void out_uint(enum out_kind k, const char *key, const char *fmt, uint64_t v);
void out_bool(enum out_kind k, const char *key, const char *fmt, bool v);

/* Text only, as printf; nothing in JSON mode. */
void out_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* End of a record: a newline in either mode (a JSON line per event). */
void out_newline(void);

/* A JSON string with its quotes, escaped, on @f: the one escaper. */
void out_json_string(FILE *f, const char *s);

#endif /* VALE_TOOLS_OUT_H */
