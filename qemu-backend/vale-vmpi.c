// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vmpi: the host side of VMPI.  An ivshmem server (the protocol of
 * QEMU's docs/specs/ivshmem-spec.txt) for ivshmem-doorbell devices, one
 * UNIX socket per VM, plus a control socket through which host processes
 * (libvale's VMPI API) obtain a VM's shared memory and eventfds.
 *
 * Per QEMU connection the daemon creates a fresh memfd (sealed against
 * resizing), lays out the VMPI header and rings, and eventfds:
 *   host_efd[c]   the guest rings channel c's host end (ivshmem peer 1 + c,
 *                 one vector);
 *   guest_efd[v]  the host rings guest vector v (ivshmem peer 0, the VM).
 * It then tells QEMU: version 0, "you are peer 0", the memfd, peers 1..n
 * with their eventfds, and peer 0's own vectors.  When QEMU goes away all
 * of that is dropped and every host process using the VM has its control
 * connection closed (it sees -ECONNRESET); the next QEMU gets new memory.
 *
 * The daemon never reads what the guest writes except one word for
 * status reports, and it is not on the data path.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/vmpi.h>
#include "libvale-vmpi.h"

#ifndef VALE_VERSION
#define VALE_VERSION "0.1"
#endif

#define MAX_VMS		64
#define MAX_CLIENTS	1024

enum kind { K_VM_LISTEN, K_QEMU, K_CTL_LISTEN, K_CLIENT };

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

struct client {
	int fd;
	struct tag tag;
	struct vm *vm;
	int channel;
};

static struct {
	const char *dir;
	const char *ctl_path;
	unsigned int channels, slots, data_size, max_msg, vectors;
	int verbose;
} opt = {
	.dir = "/run/vale", .channels = 4, .slots = 256,
	.data_size = 256 << 10, .max_msg = 64 << 10, .vectors = 2,
};

static struct vm *vms[MAX_VMS];
static unsigned int nvms;
static struct client *clients[MAX_CLIENTS];
static int epfd = -1, ctl_lfd = -1;
static struct tag ctl_tag = { K_CTL_LISTEN, NULL };
static char ctl_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static volatile sig_atomic_t stop;

static void logmsg(int verbose, const char *fmt, ...)
{
	va_list ap;

	if (verbose && !opt.verbose)
		return;
	va_start(ap, fmt);
	fputs("vale-vmpi: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int listen_unix(const char *path, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 16) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void ep_add(int fd, struct tag *t)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = t };

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		logmsg(0, "epoll_ctl: %s", strerror(errno));
}

/* ---- shared memory -------------------------------------------------- */

static uint32_t align_up(uint32_t x, uint32_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static void layout(struct vmpi_shm_hdr *h)
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

static void vm_drop(struct vm *vm);

static int vm_create_shm(struct vm *vm)
{
	struct vmpi_shm_hdr *h;
	unsigned int c, r;
	char name[96];

	layout(&vm->geo);
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

/* ---- ivshmem server protocol ----------------------------------------- */

static int send_msg(int fd, int64_t val, int passfd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &val, .iov_len = sizeof(val) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	/* The protocol is little-endian; so is every host we run on. */
	if (passfd >= 0) {
		struct cmsghdr *c;

		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &passfd, sizeof(int));
	}
	do
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == sizeof(val) ? 0 : -1;
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

static void client_free(struct client *cl);

/* QEMU went away (or setup failed): drop everything of this instance. */
static void vm_drop(struct vm *vm)
{
	unsigned int c, i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i] && clients[i]->vm == vm)
			client_free(clients[i]);
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

static void qemu_accept(struct vm *vm)
{
	int fd = accept4(vm->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (vm->qfd >= 0) {
		logmsg(0, "%s: a second QEMU connected; refused", vm->name);
		close(fd);
		return;
	}
	vm->qfd = fd;
	if (vm_create_shm(vm) || qemu_setup(vm)) {
		logmsg(0, "%s: setup failed: %s", vm->name, strerror(errno));
		vm_drop(vm);
		return;
	}
	vm->gen++;
	ep_add(vm->qfd, &vm->qtag);
	logmsg(0, "%s: QEMU connected (%u channels, %zu KiB shared memory)",
	       vm->name, vm->geo.nchannels, vm->shm_len >> 10);
}

static void qemu_event(struct vm *vm)
{
	char buf[64];
	ssize_t n = read(vm->qfd, buf, sizeof(buf));

	/* QEMU never talks; anything but "nothing yet" ends the instance. */
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	logmsg(0, "%s: QEMU disconnected", vm->name);
	vm_drop(vm);
}

/* ---- control socket ---------------------------------------------------- */

static void client_free(struct client *cl)
{
	unsigned int i;

	if (cl->vm && cl->channel >= 0 && cl->vm->owner[cl->channel] == cl)
		cl->vm->owner[cl->channel] = NULL;
	close(cl->fd);
	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i] == cl)
			clients[i] = NULL;
	free(cl);
}

static void ctl_accept(void)
{
	int fd = accept4(ctl_lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct client *cl;
	unsigned int i;

	if (fd < 0)
		return;
	for (i = 0; i < MAX_CLIENTS && clients[i]; i++)
		;
	cl = i < MAX_CLIENTS ? calloc(1, sizeof(*cl)) : NULL;
	if (!cl) {
		close(fd);
		return;
	}
	cl->fd = fd;
	cl->channel = -1;
	cl->tag.kind = K_CLIENT;
	cl->tag.ptr = cl;
	clients[i] = cl;
	ep_add(fd, &cl->tag);
}

static void ctl_reply(struct client *cl, struct vale_vmpi_ctl_resp *resp,
		      const int *fds, int nfds)
{
	char cbuf[CMSG_SPACE(sizeof(int) * (VMPI_MAX_VECTORS + 2))];
	struct iovec iov = { .iov_base = resp, .iov_len = sizeof(*resp) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds) {
		struct cmsghdr *c;

		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	if (sendmsg(cl->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) != sizeof(*resp))
		logmsg(1, "control reply: %s", strerror(errno));
}

static struct vm *vm_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < nvms; i++)
		if (!strcmp(vms[i]->name, name))
			return vms[i];
	return NULL;
}

static void ctl_event(struct client *cl)
{
	struct vale_vmpi_ctl_req req;
	struct vale_vmpi_ctl_resp resp;
	int fds[VMPI_MAX_VECTORS + 2], nfds = 0;
	struct vm *vm;
	unsigned int v;
	ssize_t n;

	n = recv(cl->fd, &req, sizeof(req), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (cl->vm && cl->channel >= 0)
			logmsg(1, "%s: channel %d closed", cl->vm->name, cl->channel);
		client_free(cl);
		return;
	}
	memset(&resp, 0, sizeof(resp));
	if (n != sizeof(req) || req.version != VALE_VMPI_CTL_VERSION ||
	    memchr(req.vm, 0, sizeof(req.vm)) == NULL) {
		resp.status = -EPROTO;
		goto reply;
	}
	vm = vm_find(req.vm);
	if (!vm) {
		resp.status = -ENOENT;
		goto reply;
	}
	resp.connected = vm->qfd >= 0;
	resp.gen = vm->gen;
	if (vm->shm)
		resp.guest_state = __atomic_load_n(
			&((struct vmpi_shm_hdr *)vm->shm)->guest_state,
			__ATOMIC_RELAXED);
	switch (req.op) {
	case VALE_VMPI_CTL_STATUS:
		break;
	case VALE_VMPI_CTL_OPEN:
		if (cl->channel >= 0) {
			resp.status = -EALREADY;
		} else if (vm->qfd < 0) {
			resp.status = -ENOTCONN;
		} else if (req.channel >= vm->geo.nchannels) {
			resp.status = -EINVAL;
		} else if (vm->owner[req.channel]) {
			resp.status = -EBUSY;
		} else {
			vm->owner[req.channel] = cl;
			cl->vm = vm;
			cl->channel = req.channel;
			memcpy(resp.hdr, &vm->geo, sizeof(vm->geo));
			resp.nvec = opt.vectors;
			fds[nfds++] = vm->memfd;
			fds[nfds++] = vm->host_efd[req.channel];
			for (v = 0; v < opt.vectors; v++)
				fds[nfds++] = vm->guest_efd[v];
			logmsg(1, "%s: channel %u opened", vm->name, req.channel);
		}
		break;
	default:
		resp.status = -EOPNOTSUPP;
	}
reply:
	ctl_reply(cl, &resp, fds, nfds);
}

/* ---- main ------------------------------------------------------------- */

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: vale-vmpi [OPTION]... --vm NAME[=SOCKET]...\n"
"Serve VMPI channels to QEMU ivshmem-doorbell devices and to host processes.\n"
"\n"
"  -m, --vm NAME[=SOCKET]  serve VM NAME; QEMU connects to SOCKET\n"
"                          (default DIR/NAME-vmpi.sock); repeatable\n"
"  -d, --dir DIR           directory of the sockets (default /run/vale)\n"
"  -c, --ctl PATH          control socket for host processes\n"
"                          (default DIR/vmpi.ctl)\n"
"  -n, --channels N        channels per VM (default 4, at most %d)\n"
"  -s, --slots N           messages per ring, a power of two (default 256)\n"
"  -D, --data-size BYTES   data bytes per ring, a power of two (default 256K)\n"
"  -M, --max-msg BYTES     largest message (default 64K)\n"
"  -V, --vectors N         guest interrupt vectors to connect (default 2;\n"
"                          QEMU's ivshmem-doorbell vectors=N should match)\n"
"  -v, --verbose           log every channel open and close\n"
"  -h, --help              this text\n"
"      --version           print the version\n"
"\n"
"QEMU: -chardev socket,id=v0,path=DIR/NAME-vmpi.sock\n"
"      -device ivshmem-doorbell,chardev=v0,vectors=2\n",
		VMPI_MAX_CHANNELS);
}

static int parse_size(const char *s, unsigned int *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (end == s)
		return -1;
	if (*end == 'k' || *end == 'K')
		v <<= 10, end++;
	else if (*end == 'm' || *end == 'M')
		v <<= 20, end++;
	if (*end || v > UINT32_MAX)
		return -1;
	*out = v;
	return 0;
}

static int add_vm(const char *arg)
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

static bool pow2(unsigned int x)
{
	return x && !(x & (x - 1));
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "vm", required_argument, NULL, 'm' },
		{ "dir", required_argument, NULL, 'd' },
		{ "ctl", required_argument, NULL, 'c' },
		{ "channels", required_argument, NULL, 'n' },
		{ "slots", required_argument, NULL, 's' },
		{ "data-size", required_argument, NULL, 'D' },
		{ "max-msg", required_argument, NULL, 'M' },
		{ "vectors", required_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 1 },
		{ }
	};
	const char *vm_args[MAX_VMS];
	unsigned int nvm_args = 0, i;
	struct sigaction sa = { .sa_handler = on_signal };
	int c;

	while ((c = getopt_long(argc, argv, "m:d:c:n:s:D:M:V:vh", lopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (nvm_args == MAX_VMS)
				goto bad;
			vm_args[nvm_args++] = optarg;
			break;
		case 'd': opt.dir = optarg; break;
		case 'c': opt.ctl_path = optarg; break;
		case 'n': if (parse_size(optarg, &opt.channels)) goto bad; break;
		case 's': if (parse_size(optarg, &opt.slots)) goto bad; break;
		case 'D': if (parse_size(optarg, &opt.data_size)) goto bad; break;
		case 'M': if (parse_size(optarg, &opt.max_msg)) goto bad; break;
		case 'V': if (parse_size(optarg, &opt.vectors)) goto bad; break;
		case 'v': opt.verbose = 1; break;
		case 'h': usage(stdout); return 0;
		case 1: printf("vale-vmpi %s\n", VALE_VERSION); return 0;
		default: goto bad;
		}
	}
	if (optind != argc || !nvm_args) {
		fprintf(stderr, "vale-vmpi: name at least one VM with --vm\n");
		goto bad;
	}
	if (!opt.channels || opt.channels > VMPI_MAX_CHANNELS ||
	    !pow2(opt.slots) || opt.slots < VMPI_MIN_SLOTS ||
	    opt.slots > VMPI_MAX_SLOTS || !pow2(opt.data_size) ||
	    opt.data_size < VMPI_MIN_DATA || opt.data_size > VMPI_MAX_DATA ||
	    opt.max_msg > opt.data_size || !opt.vectors ||
	    opt.vectors > VMPI_MAX_VECTORS) {
		fprintf(stderr, "vale-vmpi: geometry out of range (see --help)\n");
		goto bad;
	}
	for (i = 0; i < nvm_args; i++)
		if (add_vm(vm_args[i])) {
			fprintf(stderr, "vale-vmpi: bad or duplicate VM '%s'\n", vm_args[i]);
			goto bad;
		}
	snprintf(ctl_path, sizeof(ctl_path), "%s",
		 opt.ctl_path ? opt.ctl_path : "");
	if (!opt.ctl_path)
		snprintf(ctl_path, sizeof(ctl_path), "%s/vmpi.ctl", opt.dir);

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	mkdir(opt.dir, 0755);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	ctl_lfd = listen_unix(ctl_path, SOCK_SEQPACKET);
	if (epfd < 0 || ctl_lfd < 0) {
		fprintf(stderr, "vale-vmpi: %s: %s\n", ctl_path, strerror(errno));
		return 1;
	}
	ep_add(ctl_lfd, &ctl_tag);
	for (i = 0; i < nvms; i++) {
		vms[i]->lfd = listen_unix(vms[i]->path, SOCK_STREAM);
		if (vms[i]->lfd < 0) {
			fprintf(stderr, "vale-vmpi: %s: %s\n", vms[i]->path,
				strerror(errno));
			return 1;
		}
		ep_add(vms[i]->lfd, &vms[i]->ltag);
		logmsg(0, "%s: listening on %s", vms[i]->name, vms[i]->path);
	}
	logmsg(0, "control socket %s", ctl_path);

	while (!stop) {
		struct epoll_event ev[16];
		int n = epoll_wait(epfd, ev, 16, -1), k;

		if (n < 0 && errno != EINTR) {
			logmsg(0, "epoll_wait: %s", strerror(errno));
			break;
		}
		for (k = 0; k < n; k++) {
			struct tag *t = ev[k].data.ptr;
			enum kind kind = t->kind;

			switch (kind) {
			case K_VM_LISTEN: qemu_accept(t->ptr); break;
			case K_QEMU: qemu_event(t->ptr); break;
			case K_CTL_LISTEN: ctl_accept(); break;
			case K_CLIENT: ctl_event(t->ptr); break;
			}
			/*
			 * A drop may have freed what later events point to, and
			 * a client's tag goes with the client: only the copy of
			 * its kind is left to look at.
			 */
			if (kind == K_QEMU || kind == K_CLIENT)
				break;
		}
	}
	for (i = 0; i < nvms; i++) {
		vm_drop(vms[i]);
		close(vms[i]->lfd);
		unlink(vms[i]->path);
		free(vms[i]);
	}
	close(ctl_lfd);
	unlink(ctl_path);
	logmsg(0, "stopped");
	return 0;
bad:
	usage(stderr);
	return 2;
}
