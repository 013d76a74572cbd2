// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vmpi: the VM table, from --vm NAME[=SOCKET] options.  A name is
 * 1..VALE_VMPI_NAME_MAX-1 bytes without '/', unique; the socket defaults
 * to DIR/NAME-vmpi.sock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmpi.h"

struct vm *vms[MAX_VMS];
unsigned int nvms;

struct vm *vm_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < nvms; i++)
		if (!strcmp(vms[i]->name, name))
			return vms[i];
	return NULL;
}

int add_vm(const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
	struct vm *vm;
	unsigned int i;

	if (!nlen || nlen >= VALE_VMPI_NAME_MAX || nvms == MAX_VMS ||
	    memchr(arg, '/', nlen))
		return -1;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -1;
	memcpy(vm->name, arg, nlen);
	if (eq)
		snprintf(vm->path, sizeof(vm->path), "%s", eq + 1);
	else
		snprintf(vm->path, sizeof(vm->path), "%s/%s-vmpi.sock", opt.dir,
			 vm->name);
	if (vm_find(vm->name)) {
		free(vm);
		return -1;
	}
	vm->lfd = vm->qfd = vm->memfd = -1;
	for (i = 0; i < VMPI_MAX_CHANNELS; i++)
		vm->host_efd[i] = -1;
	for (i = 0; i < VMPI_MAX_VECTORS; i++)
		vm->guest_efd[i] = -1;
	vm->ltag = (struct tag){ K_VM_LISTEN, vm };
	vm->qtag = (struct tag){ K_QEMU, vm };
	vms[nvms++] = vm;
	return 0;
}
