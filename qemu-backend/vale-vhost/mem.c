// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vhost: guest memory.  The memory table the front-end sends
 * (SET_MEM_TABLE) is validated whole and checked against the limits
 * (max-guest-mem per VM, max-total-mem for all VMs together), each region
 * is mapped from its file exactly as far as it reaches, and only then the
 * new table replaces the old one; every guest address the daemon uses is
 * translated through it with overflow checks (gpa_*: guest physical, from
 * descriptors; uva_range: the front-end's virtual addresses, from
 * SET_VRING_ADDR).  The SIGBUS guard below keeps a front-end that shrinks
 * its memory file from killing the daemon.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "vhost.h"

void mem_unmap(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nregions; i++)
		munmap(vm->reg[i].map, vm->reg[i].map_len);
	vm->nregions = 0;
	vm->mem_bytes = 0;
}

/* Host pointer for guest physical @gpa; *@len gets the bytes contiguous. */
uint8_t *gpa_to_host(const struct vm *vm, uint64_t gpa, uint64_t *len)
{
	unsigned int i;

	for (i = 0; i < vm->nregions; i++) {
		const struct region *r = &vm->reg[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size) {
			*len = r->size - (gpa - r->gpa);
			return r->host + (gpa - r->gpa);
		}
	}
	return NULL;
}

/* Host pointer for @size contiguous bytes at guest physical @gpa. */
void *gpa_range(const struct vm *vm, uint64_t gpa, uint64_t size)
{
	uint64_t n;
	uint8_t *p = gpa_to_host(vm, gpa, &n);

	return p && n >= size ? p : NULL;
}

/* Host pointer for @size bytes at front-end virtual address @uva. */
void *uva_range(const struct vm *vm, uint64_t uva, uint64_t size)
{
	unsigned int i;

	for (i = 0; i < vm->nregions; i++) {
		const struct region *r = &vm->reg[i];

		if (uva >= r->uva && uva - r->uva < r->size &&
		    r->size - (uva - r->uva) >= size)
			return r->host + (uva - r->uva);
	}
	return NULL;
}

/*
 * SIGBUS from guest memory.
 *
 * Guest RAM is a file the front-end owns (a memfd, a hugetlbfs file).  The
 * memory table is checked against the file's size when it arrives, but the
 * front-end can shrink the file afterwards (ftruncate), and a hugetlbfs
 * file can run out of huge pages: the next access to a page that is gone
 * raises SIGBUS, which by default kills the daemon and every VM with it.
 * Checking the file size before each access would cost a system call per
 * packet and still race with the truncation, so instead:
 *
 *  - every code path that touches guest memory (one kick, one batch loop
 *    turn, one control message, a stats read) runs under GUARDED(), which
 *    records a sigsetjmp() point;
 *  - the SIGBUS handler (SA_NODEFER, so that SIGBUS is not left blocked
 *    after a siglongjmp that does not restore the mask) notes the faulting
 *    address and siglongjmp()s back there;
 *  - guest_fault() finds the VM whose mapping holds that address (in
 *    direct mode the fault may be in the peer's memory, not in the memory
 *    of the VM whose kick is being served), logs an error for it and closes
 *    its connection; its mappings go away with it.  The daemon and every
 *    other VM carry on; a batch cut short leaves the other VM's queue in a
 *    consistent state (used entries are staged and published in steps
 *    that a jump cannot tear: the counters that publish them are updated
 *    only after the copy).
 *
 * A SIGBUS outside a guarded section, or at an address that is not guest
 * memory, is a bug in the daemon: the handler restores the default action
 * and the fault repeats and dumps core.  GUARDED() is in vhost.h.
 */
sigjmp_buf *volatile guard_jb;
static void *volatile fault_addr;

static void sigbus_handler(int sig, siginfo_t *si, void *uc)
{
	sigjmp_buf *jb = guard_jb;

	(void)uc;
	fault_addr = si->si_addr;
	if (jb)
		siglongjmp(*jb, 1);
	signal(sig, SIG_DFL);
}

static struct vm *vm_of_addr(const void *addr)
{
	const uint8_t *a = addr;
	struct vm *vm;
	unsigned int i;

	for (vm = vms; vm; vm = vm->next)
		for (i = 0; i < vm->nregions; i++)
			if (a >= (uint8_t *)vm->reg[i].map &&
			    a < (uint8_t *)vm->reg[i].map + vm->reg[i].map_len)
				return vm;
	return NULL;
}

void guest_fault(void)
{
	void *addr = fault_addr;
	struct vm *vm = vm_of_addr(addr);

	if (!vm) {
		err("SIGBUS at %p, outside guest memory", addr);
		abort();
	}
	vm_error(vm, "guest memory at %p is gone (SIGBUS): the front-end shrank its memory file?",
		 addr);
	vm_disconnect(vm, "guest memory fault");
	/*
	 * The batch cut short may have been another VM's (direct peer), with
	 * its ring half drained and its notifications off: look at every
	 * transmit queue again on the next loop turn.
	 */
	for (vm = vms; vm; vm = vm->next) {
		unsigned int q;

		for (q = 1; q < MAX_VQ && vm->conn_fd >= 0; q += 2)
			if (vq_ready(&vm->vq[q]))
				vq_set_busy(&vm->vq[q], true);
	}
}

/* Bytes of guest memory mapped for every VM but @except. */
static uint64_t mem_others(const struct vm *except)
{
	const struct vm *vm;
	uint64_t sum = 0;

	for (vm = vms; vm; vm = vm->next)
		if (vm != except)
			sum += vm->mem_bytes;
	return sum;
}

/* The checks of one region that need no other region; 0 or -1. */
static int region_check(struct vm *vm, unsigned int i, const struct vhu_mem_region *m)
{
	if (!m->memory_size || m->guest_phys_addr + m->memory_size < m->guest_phys_addr ||
	    m->userspace_addr + m->memory_size < m->userspace_addr ||
	    m->mmap_offset + m->memory_size < m->mmap_offset ||
	    m->mmap_offset + m->memory_size > (uint64_t)INT64_MAX / 2) {
		vm_error(vm, "SET_MEM_TABLE: region %u (gpa %#llx size %#llx offset %#llx) invalid",
			 i, (unsigned long long)m->guest_phys_addr,
			 (unsigned long long)m->memory_size,
			 (unsigned long long)m->mmap_offset);
		return -1;
	}
	return 0;
}

/*
 * Map what region @m describes of its file, and nothing else: the pages
 * from mmap_offset (rounded down to the file's block size, the huge page
 * size on hugetlbfs) to mmap_offset + memory_size (rounded up).
 */
static int region_map(struct vm *vm, unsigned int i, const struct vhu_mem_region *m,
		      int fd, struct region *r)
{
	uint64_t end_off = m->mmap_offset + m->memory_size, start;
	struct stat st;
	size_t align;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size < end_off) {
		vm_error(vm, "SET_MEM_TABLE: region %u: fd is not a file of at least %llu bytes",
			 i, (unsigned long long)end_off);
		return -1;
	}
	align = st.st_blksize > 4096 ? st.st_blksize : 4096;
	start = m->mmap_offset / align * align;
	r->map_len = (end_off - start + align - 1) / align * align;
	r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_NORESERVE, fd, (off_t)start);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		vm_error(vm, "SET_MEM_TABLE: region %u: mmap %zu bytes: %s", i,
			 r->map_len, strerror(errno));
		return -1;
	}
	r->gpa = m->guest_phys_addr;
	r->size = m->memory_size;
	r->uva = m->userspace_addr;
	r->host = (uint8_t *)r->map + (m->mmap_offset - start);
	return 0;
}

int set_mem_table(struct vm *vm, const struct vhu_mem_table *t, uint32_t size)
{
	struct region reg[VHU_MAX_MEM_REGIONS];
	unsigned int n = t->nregions, i, j;
	uint64_t total = 0, others;

	if (n == 0 || n > VHU_MAX_MEM_REGIONS) {
		vm_error(vm, "SET_MEM_TABLE: %u regions (1..%u allowed)", n,
			 VHU_MAX_MEM_REGIONS);
		return -1;
	}
	if (size < 8 + n * sizeof(struct vhu_mem_region)) {
		vm_error(vm, "SET_MEM_TABLE: %u bytes for %u regions", size, n);
		return -1;
	}
	if (vm->nfds != n) {
		vm_error(vm, "SET_MEM_TABLE: %u regions but %u fds", n, vm->nfds);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const struct vhu_mem_region *m = &t->regions[i];

		if (region_check(vm, i, m) < 0)
			return -1;
		for (j = 0; j < i; j++) {
			const struct vhu_mem_region *o = &t->regions[j];

			if (m->guest_phys_addr < o->guest_phys_addr + o->memory_size &&
			    o->guest_phys_addr < m->guest_phys_addr + m->memory_size) {
				vm_error(vm, "SET_MEM_TABLE: regions %u and %u overlap", j, i);
				return -1;
			}
			if (m->userspace_addr < o->userspace_addr + o->memory_size &&
			    o->userspace_addr < m->userspace_addr + m->memory_size) {
				vm_error(vm, "SET_MEM_TABLE: regions %u and %u overlap in the front-end's address space",
					 j, i);
				return -1;
			}
		}
		total += m->memory_size;	/* no wrap: each is below 2^62 */
	}
	/* the limits, before anything is mapped */
	if (total > max_vm_mem) {
		vm_error(vm, "SET_MEM_TABLE: %llu bytes of guest memory, over the limit of %llu per VM (max-guest-mem)",
			 (unsigned long long)total, (unsigned long long)max_vm_mem);
		return -1;
	}
	others = mem_others(vm);
	if (total > max_total_mem || others > max_total_mem - total) {
		vm_error(vm, "SET_MEM_TABLE: %llu bytes of guest memory, other VMs have %llu, over the limit of %llu for all VMs (max-total-mem)",
			 (unsigned long long)total, (unsigned long long)others,
			 (unsigned long long)max_total_mem);
		return -1;
	}
	memset(reg, 0, sizeof(reg));
	for (i = 0; i < n; i++)
		if (region_map(vm, i, &t->regions[i], vm->fds[i], &reg[i]) < 0)
			goto fail;
	mem_unmap(vm);
	memcpy(vm->reg, reg, sizeof(reg));
	vm->nregions = n;
	vm->mem_bytes = total;
	for (i = 0; i < MAX_VQ; i++) {
		struct vq *vq = &vm->vq[i];

		/* pointers into the old mappings must not survive them */
		if (!vq->addr_set)
			vq_forget_rings(vq);
		else if (vq_translate(vm, vq) < 0)
			vq_fail(vm, vq, i, "rings outside the new memory table");
	}
	for (i = 0; i < n; i++)
		vm_log(vm, LOG_DEBUG, "region %u: gpa %#llx size %#llx uva %#llx", i,
		       (unsigned long long)reg[i].gpa, (unsigned long long)reg[i].size,
		       (unsigned long long)reg[i].uva);
	return 0;
fail:
	for (i = 0; i < n; i++)
		if (reg[i].map)
			munmap(reg[i].map, reg[i].map_len);
	return -1;
}

void guard_install(void)
{
	struct sigaction sa = { .sa_sigaction = sigbus_handler,
				.sa_flags = SA_SIGINFO | SA_NODEFER };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}
