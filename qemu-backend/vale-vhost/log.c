// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vhost: logging.  Lines go to stderr (line-buffered), prefixed with
 * the VM's name when there is one; vm_error() also keeps the message as
 * the VM's last_error for the stats and counts it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vhost.h"

int log_level = LOG_INFO;
static const char *const level_names[] = { "error", "warn", "info", "debug" };

void logmsg(int level, const char *who, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	fprintf(stderr, "vale-vhost: %s%s%s%s: ", who ? "[" : "", who ? who : "",
		who ? "] " : "", level_names[level]);
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

void vm_error(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vm->last_error, sizeof(vm->last_error), fmt, ap);
	va_end(ap);
	vm->st.errors++;
	vm_log(vm, LOG_ERR, "%s", vm->last_error);
}
