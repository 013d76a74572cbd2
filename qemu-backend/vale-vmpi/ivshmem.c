// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vmpi: the ivshmem server protocol (QEMU's
 * docs/specs/ivshmem-spec.txt) on a VM's socket.  When QEMU connects the
 * daemon makes the VM's memory and eventfds (shm.c) and tells QEMU:
 * version 0, "you are peer 0", the memfd, peers 1..n with their eventfds,
 * and peer 0's own vectors.  When QEMU goes away all of that is dropped
 * and every host process using the VM has its control connection closed
 * (it sees -ECONNRESET); the next QEMU gets new memory.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vmpi.h"

/* One little-endian 64-bit word (so is every host we run on), one fd. */
static int send_msg(int fd, int64_t val, int passfd)
{
	return send_fds(fd, &val, sizeof(val), &passfd, passfd >= 0, 0) ==
		sizeof(val) ? 0 : -1;
}

static int qemu_setup(struct vm *vm)
{
	unsigned int c, v;

	if (send_msg(vm->qfd, 0, -1) ||				/* version */
	    send_msg(vm->qfd, VMPI_GUEST_PEER_ID, -1) ||	/* its id */
	    send_msg(vm->qfd, -1, vm->memfd))			/* memory */
		return -1;
	for (c = 0; c < vm->geo.nchannels; c++)
		if (send_msg(vm->qfd, VMPI_HOST_PEER_ID(c), vm->host_efd[c]))
			return -1;
	for (v = 0; v < opt.vectors; v++)
		if (send_msg(vm->qfd, VMPI_GUEST_PEER_ID, vm->guest_efd[v]))
			return -1;
	return 0;
}

/* QEMU went away (or setup failed): drop everything of this instance. */
void vm_drop(struct vm *vm)
{
	unsigned int c;

	ctl_drop_vm(vm);
	if (vm->qfd >= 0)
		close(vm->qfd);
	vm->qfd = -1;
	if (vm->shm)
		munmap(vm->shm, vm->shm_len);
	vm->shm = NULL;
	if (vm->memfd >= 0)
		close(vm->memfd);
	vm->memfd = -1;
	for (c = 0; c < VMPI_MAX_CHANNELS; c++) {
		if (vm->host_efd[c] >= 0)
			close(vm->host_efd[c]);
		vm->host_efd[c] = -1;
		vm->owner[c] = NULL;
	}
	for (c = 0; c < VMPI_MAX_VECTORS; c++) {
		if (vm->guest_efd[c] >= 0)
			close(vm->guest_efd[c]);
		vm->guest_efd[c] = -1;
	}
}

void qemu_accept(struct vm *vm)
{
	int fd = accept4(vm->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (vm->qfd >= 0) {
		info("%s: a second QEMU connected; refused", vm->name);
		close(fd);
		return;
	}
	vm->qfd = fd;
	if (vm_create_shm(vm) || qemu_setup(vm)) {
		info("%s: setup failed: %s", vm->name, strerror(errno));
		vm_drop(vm);
		return;
	}
	vm->gen++;
	ep_add(vm->qfd, &vm->qtag);
	info("%s: QEMU connected (%u channels, %zu KiB shared memory)",
	     vm->name, vm->geo.nchannels, vm->shm_len >> 10);
}

void qemu_event(struct vm *vm)
{
	char buf[64];
	ssize_t n = read(vm->qfd, buf, sizeof(buf));

	/* QEMU never talks; anything but "nothing yet" ends the instance. */
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	info("%s: QEMU disconnected", vm->name);
	vm_drop(vm);
}
