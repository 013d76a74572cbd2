// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vhost: per-VM errors.  vm_error() logs (../common/log.c, the line
 * prefixed with the VM's name), keeps the message as the VM's last_error
 * for the stats and counts it.
 */
#include <stdarg.h>
#include <stdio.h>

#include "vhost.h"

void vm_error(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vm->last_error, sizeof(vm->last_error), fmt, ap);
	va_end(ap);
	vm->st.errors++;
	vm_log(vm, LOG_ERR, "%s", vm->last_error);
}
