/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale-vmpi: the daemon's shared types and the interfaces between its
 * files.  One file per concern:
 *
 *   main.c     options, geometry checks, the epoll loop, signals
 *   config.c   --vm NAME[=SOCKET]: the VM table
 *   shm.c      a VM's shared memory (layout, sealed memfd) and eventfds
 *   ivshmem.c  the ivshmem server protocol: QEMU's connection, setup
 *              messages, disconnect (dropping the instance)
 *   ctl.c      the control socket: host processes' status and channel
 *              open requests, replies with file descriptors
 *
 * Logging, --version, UNIX sockets and signals come from
 * ../common/daemon.h.  Everything runs in one thread: no locks.
 */
#ifndef VALE_VMPI_H
#define VALE_VMPI_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/un.h>

#include <linux/vmpi.h>
#include "libvale-vmpi.h"
#include "daemon.h"

#define MAX_VMS		64
#define MAX_CLIENTS	1024

/* What an epoll entry stands for (epoll_event.data.ptr). */
enum kind { K_VM_LISTEN, K_QEMU, K_CTL_LISTEN, K_CLIENT, K_SIGNAL };

struct tag {
	enum kind kind;
	void *ptr;
};

struct vm {
	char name[VALE_VMPI_NAME_MAX];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int lfd, qfd;
	struct tag ltag, qtag;
	int memfd;
	void *shm;
	size_t shm_len;
	struct vmpi_shm_hdr geo;
	int host_efd[VMPI_MAX_CHANNELS];
	int guest_efd[VMPI_MAX_VECTORS];
	unsigned int gen;
	struct client *owner[VMPI_MAX_CHANNELS];
};

/* A host process on the control socket; it owns at most one channel. */
struct client {
	int fd;
	struct tag tag;
	struct vm *vm;
	int channel;
};

/* The options (main.c). */
struct opts {
	const char *dir;
	const char *ctl_path;
	unsigned int channels, slots, data_size, max_msg, vectors;
};
extern struct opts opt;
extern int epfd;

void ep_add(int fd, struct tag *t);

/* ---- config.c ---------------------------------------------------------- */

extern struct vm *vms[MAX_VMS];
extern unsigned int nvms;

int add_vm(const char *arg);
struct vm *vm_find(const char *name);

/* ---- shm.c ------------------------------------------------------------- */

void shm_layout(struct vmpi_shm_hdr *h);
int vm_create_shm(struct vm *vm);

/* ---- ivshmem.c --------------------------------------------------------- */

void qemu_accept(struct vm *vm);
void qemu_event(struct vm *vm);
void vm_drop(struct vm *vm);

/* ---- ctl.c ------------------------------------------------------------- */

int ctl_listen(const char *path);
void ctl_accept(void);
void ctl_event(struct client *cl);
void ctl_drop_vm(struct vm *vm);
void ctl_close(void);

#endif /* VALE_VMPI_H */
