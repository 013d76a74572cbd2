/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libvale VMPI host API: the host end of a VM's VMPI channels.
 *
 * vale-vmpi (the ivshmem server QEMU connects to) owns each VM's shared
 * memory and eventfds.  vale_vmpi_open() asks it, over its control
 * socket, for channel N of a VM; the daemon passes the memfd and the
 * eventfds (SCM_RIGHTS) and from then on messages move in shared memory
 * directly, without the daemon.
 *
 *   struct vale_vmpi *ch;
 *   int err = vale_vmpi_open(VALE_VMPI_CTL_DEFAULT, "vm1", 0, &ch);
 *   vale_vmpi_send(ch, buf, len, 0);            // blocks while full
 *   n = vale_vmpi_recv(ch, buf, sizeof(buf), VALE_VMPI_NONBLOCK);
 *   vale_vmpi_close(ch);
 *
 * Errors are negative errno values:
 *   -EAGAIN      non-blocking and the ring is full / empty
 *   -EMSGSIZE    send: over max_msg; recv: buffer shorter than the
 *                message (nothing is consumed; the size is in
 *                vale_vmpi_next_len())
 *   -ECONNRESET  the VM went away (QEMU exited or restarted): close the
 *                handle and open the channel again
 *   -EPROTO      the guest broke the ring's rules (bad index, length or
 *                offset); the handle stays unusable
 *   -ENOTCONN    (open) the VM is not running; -EBUSY the channel is open
 *                elsewhere; -ENOENT no such VM; -EINVAL bad channel
 *
 * A handle is meant for one thread at a time.  Different channels, even
 * of one VM, are independent.
 */
#ifndef LIBVALE_VMPI_H
#define LIBVALE_VMPI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VALE_VMPI_CTL_DEFAULT	"/run/vale/vmpi.ctl"

/* Flags of vale_vmpi_send() and vale_vmpi_recv(). */
#define VALE_VMPI_NONBLOCK	0x1

struct vale_vmpi;

struct vale_vmpi_info {
	unsigned int nchannels;
	unsigned int channel;
	unsigned int slots;
	unsigned int data_size;
	unsigned int max_msg;
	unsigned int nvec;		/* guest vectors connected */
	size_t shm_size;
	int guest_up;			/* guest driver bound right now */
};

int vale_vmpi_open(const char *ctl_path, const char *vm, unsigned int channel,
		   struct vale_vmpi **out);
void vale_vmpi_close(struct vale_vmpi *ch);

ssize_t vale_vmpi_send(struct vale_vmpi *ch, const void *buf, size_t len,
		       int flags);
ssize_t vale_vmpi_recv(struct vale_vmpi *ch, void *buf, size_t cap, int flags);
/* Length of the next message, -EAGAIN when none, or another error. */
ssize_t vale_vmpi_next_len(struct vale_vmpi *ch);

/*
 * Event loop integration.  vale_vmpi_fd() is a file descriptor that
 * becomes readable when the guest rang or the VM went away.
 * vale_vmpi_arm(ch, POLLIN|POLLOUT) consumes that notification, returns
 * what is ready now (POLLIN: a message waits; POLLOUT: a max_msg message
 * fits; POLLERR: -EPROTO; POLLHUP: -ECONNRESET) and, for what is not,
 * asks the guest to ring; sleep on the fd only when it returns 0.
 * vale_vmpi_poll() does both, with a timeout in milliseconds (-1: none);
 * it returns the ready mask, 0 on timeout, or -errno.
 */
int vale_vmpi_fd(const struct vale_vmpi *ch);
int vale_vmpi_arm(struct vale_vmpi *ch, short events);
int vale_vmpi_poll(struct vale_vmpi *ch, short events, int timeout_ms);

int vale_vmpi_info(const struct vale_vmpi *ch, struct vale_vmpi_info *info);

/*
 * Daemon status of a VM, without opening a channel: 1 when QEMU is
 * connected, 0 when not, -errno on error.  *gen counts QEMU connections
 * so far, *guest_up whether the guest driver is bound.
 */
int vale_vmpi_status(const char *ctl_path, const char *vm, unsigned int *gen,
		     int *guest_up);

/* Test hooks (hostile-host tests): the raw mapping and a guest kick. */
void *vale_vmpi_shm(struct vale_vmpi *ch, size_t *len);
void vale_vmpi_kick(struct vale_vmpi *ch);

/*
 * Control protocol between vale-vmpi and this library (SOCK_SEQPACKET on
 * the control socket; one channel per connection, which stays open for
 * as long as the channel is in use: the daemon closes it when the VM goes
 * away).  Native-endian, host-local.
 */
#define VALE_VMPI_CTL_VERSION	1
#define VALE_VMPI_CTL_OPEN	1	/* fds: memfd, host eventfd, guest's */
#define VALE_VMPI_CTL_STATUS	2
#define VALE_VMPI_NAME_MAX	64

struct vale_vmpi_ctl_req {
	uint32_t version;
	uint32_t op;
	uint32_t channel;
	uint32_t flags;
	char vm[VALE_VMPI_NAME_MAX];	/* NUL-terminated */
};

struct vale_vmpi_ctl_resp {
	int32_t status;			/* 0 or -errno */
	uint32_t nvec;			/* guest eventfds that follow */
	uint32_t connected;		/* QEMU attached */
	uint32_t gen;			/* QEMU connections so far */
	uint32_t guest_state;		/* as the guest wrote it */
	uint32_t reserved;
	/* OPEN: the geometry as the daemon laid it out (trusted copy). */
	unsigned char hdr[128];		/* struct vmpi_shm_hdr */
};

#ifdef __cplusplus
}
#endif

#endif /* LIBVALE_VMPI_H */
