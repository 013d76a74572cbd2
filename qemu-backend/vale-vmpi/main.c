// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vmpi: the host side of VMPI.  An ivshmem server (ivshmem.c) for
 * ivshmem-doorbell devices, one UNIX socket per VM, plus a control socket
 * (ctl.c) through which host processes (libvale's VMPI API) obtain a VM's
 * shared memory and eventfds (shm.c).
 *
 * The daemon never reads what the guest writes except one word for
 * status reports, and it is not on the data path.  vmpi.h lists which
 * file holds which part.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmpi.h"

struct opts opt = {
	.dir = "/run/vale", .channels = 4, .slots = 256,
	.data_size = 256 << 10, .max_msg = 64 << 10, .vectors = 2,
};
int epfd = -1;

void ep_add(int fd, struct tag *t)
{
	ep_add_ptr(epfd, fd, EPOLLIN, t);
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

static bool pow2(unsigned int x)
{
	return x && !(x & (x - 1));
}

static bool geometry_ok(void)
{
	return opt.channels && opt.channels <= VMPI_MAX_CHANNELS &&
	       pow2(opt.slots) && opt.slots >= VMPI_MIN_SLOTS &&
	       opt.slots <= VMPI_MAX_SLOTS && pow2(opt.data_size) &&
	       opt.data_size >= VMPI_MIN_DATA && opt.data_size <= VMPI_MAX_DATA &&
	       opt.max_msg <= opt.data_size && opt.vectors &&
	       opt.vectors <= VMPI_MAX_VECTORS;
}

/* Until SIGINT or SIGTERM. */
static void loop(int sfd)
{
	struct tag sig_tag = { K_SIGNAL, NULL };
	bool stop = false;

	ep_add(sfd, &sig_tag);
	while (!stop) {
		struct epoll_event ev[16];
		int n = epoll_wait(epfd, ev, 16, -1), k;

		if (n < 0 && errno != EINTR) {
			info("epoll_wait: %s", strerror(errno));
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
			case K_SIGNAL:
				while (signals_next(sfd))
					stop = true;
				break;
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
	char ctl_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const char *vm_args[MAX_VMS];
	unsigned int nvm_args = 0, i;
	int c, sfd;

	log_init("vale-vmpi", false);
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
		case 'v': log_level = LOG_DEBUG; break;
		case 'h': usage(stdout); return 0;
		case 1: print_version(); return 0;
		default: goto bad;
		}
	}
	if (optind != argc || !nvm_args) {
		fprintf(stderr, "vale-vmpi: name at least one VM with --vm\n");
		goto bad;
	}
	if (!geometry_ok()) {
		fprintf(stderr, "vale-vmpi: geometry out of range (see --help)\n");
		goto bad;
	}
	for (i = 0; i < nvm_args; i++)
		if (add_vm(vm_args[i])) {
			fprintf(stderr, "vale-vmpi: bad or duplicate VM '%s'\n", vm_args[i]);
			goto bad;
		}
	if (opt.ctl_path)
		snprintf(ctl_path, sizeof(ctl_path), "%s", opt.ctl_path);
	else
		snprintf(ctl_path, sizeof(ctl_path), "%s/vmpi.ctl", opt.dir);

	sfd = signals_fd(NULL);
	mkdir(opt.dir, 0755);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || epfd < 0 || ctl_listen(ctl_path) < 0) {
		fprintf(stderr, "vale-vmpi: %s: %s\n", ctl_path, strerror(errno));
		return 1;
	}
	for (i = 0; i < nvms; i++) {
		vms[i]->lfd = unix_listen(vms[i]->path, SOCK_STREAM, 16);
		if (vms[i]->lfd < 0) {
			fprintf(stderr, "vale-vmpi: %s: %s\n", vms[i]->path,
				strerror(errno));
			return 1;
		}
		ep_add(vms[i]->lfd, &vms[i]->ltag);
		info("%s: listening on %s", vms[i]->name, vms[i]->path);
	}
	info("control socket %s", ctl_path);

	loop(sfd);

	for (i = 0; i < nvms; i++) {
		vm_drop(vms[i]);
		close(vms[i]->lfd);
		unlink(vms[i]->path);
		free(vms[i]);
	}
	ctl_close();
	unlink(ctl_path);
	info("stopped");
	return 0;
bad:
	usage(stderr);
	return 2;
}
