// SPDX-License-Identifier: GPL-2.0
/*
 * Daemon logging: one line per message on stderr (line-buffered),
 * "PROG: [WHO] LEVEL: text", filtered by log_level; --version.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "daemon.h"

int log_level = LOG_INFO;
static const char *log_prog = "vale";
static bool log_show_level = true;
static const char *const level_names[] = { "error", "warn", "info", "debug" };

void log_init(const char *prog, bool show_level)
{
	log_prog = prog;
	log_show_level = show_level;
	setvbuf(stderr, NULL, _IOLBF, 0);
}

void logmsg(int level, const char *who, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	fprintf(stderr, "%s: %s%s%s", log_prog, who ? "[" : "", who ? who : "",
		who ? "] " : "");
	if (log_show_level)
		fprintf(stderr, "%s: ", level_names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int set_log_level(const char *s)
{
	unsigned int i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (!strcmp(s, level_names[i])) {
			log_level = i;
			return 0;
		}
	err("unknown log level %s (error, warn, info, debug)", s);
	return -1;
}

void print_version(void)
{
	printf("%s %s\n", log_prog, VALE_VERSION);
}
