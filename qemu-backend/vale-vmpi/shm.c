// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vmpi: a VM's shared memory and doorbells.  Per QEMU connection a
 * fresh memfd (sealed against resizing) holds the VMPI header and rings,
 * laid out from the options; eventfds:
 *   host_efd[c]   the guest rings channel c's host end (ivshmem peer 1 + c,
 *                 one vector);
 *   guest_efd[v]  the host rings guest vector v (ivshmem peer 0, the VM).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmpi.h"

static uint32_t align_up(uint32_t x, uint32_t a)
{
	return (x + a - 1) & ~(a - 1);
}

void shm_layout(struct vmpi_shm_hdr *h)
{
	uint64_t total;

	memset(h, 0, sizeof(*h));
	h->magic = VMPI_MAGIC;
	h->version = VMPI_VERSION;
	h->hdr_size = sizeof(*h);
	h->nchannels = opt.channels;
	h->slots = opt.slots;
	h->data_size = opt.data_size;
	h->max_msg = opt.max_msg;
	h->host_nvec = opt.vectors;
	h->chan_off = align_up(sizeof(*h), VMPI_CACHELINE);
	h->desc_off = sizeof(struct vmpi_ring_ctl);
	h->data_off = align_up(h->desc_off + opt.slots * sizeof(struct vmpi_desc),
			       VMPI_CACHELINE);
	h->ring_stride = align_up(h->data_off + opt.data_size, VMPI_CACHELINE);
	h->chan_stride = 2 * h->ring_stride;
	total = h->chan_off + (uint64_t)opt.channels * h->chan_stride;
	/* A PCI BAR is a power of two. */
	h->shm_size = 4096;
	while (h->shm_size < total)
		h->shm_size <<= 1;
}

/* On failure the caller drops the VM (vm_drop() closes what was made). */
int vm_create_shm(struct vm *vm)
{
	struct vmpi_shm_hdr *h;
	unsigned int c, r;
	char name[96];

	shm_layout(&vm->geo);
	snprintf(name, sizeof(name), "vmpi-%s", vm->name);
	vm->memfd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (vm->memfd < 0)
		return -1;
	vm->shm_len = vm->geo.shm_size;
	if (ftruncate(vm->memfd, vm->shm_len) < 0)
		return -1;
	/* Nobody may resize it under a mapping (SIGBUS). */
	if (fcntl(vm->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		return -1;
	vm->shm = mmap(NULL, vm->shm_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->memfd, 0);
	if (vm->shm == MAP_FAILED) {
		vm->shm = NULL;
		return -1;
	}
	h = vm->shm;
	memcpy(h, &vm->geo, sizeof(*h));
	for (c = 0; c < vm->geo.nchannels; c++) {
		for (r = 0; r < 2; r++) {
			struct vmpi_ring_ctl *ctl = (void *)((char *)vm->shm +
				vm->geo.chan_off + (size_t)c * vm->geo.chan_stride +
				(size_t)r * vm->geo.ring_stride);

			/* No producer waits for room yet. */
			ctl->room_event = (uint32_t)-1;
		}
	}
	for (c = 0; c < vm->geo.nchannels; c++) {
		vm->host_efd[c] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (vm->host_efd[c] < 0)
			return -1;
	}
	for (c = 0; c < opt.vectors; c++) {
		vm->guest_efd[c] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (vm->guest_efd[c] < 0)
			return -1;
	}
	return 0;
}
