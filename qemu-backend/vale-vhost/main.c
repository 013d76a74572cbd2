// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vhost: vhost-user net backend attaching QEMU VM NICs to vale ports,
 * or two VM NICs back to back ("direct" mode).
 *
 * One process, one thread, one epoll loop.  Each VM NIC is a "vm" with one
 * UNIX socket (listening, or connecting to a QEMU started with server=on),
 * its own memory table and virtqueues, and one binding: a vale port
 * (valeX:Y, through libvale) or a direct peer.
 *
 * Everything the front-end sends and everything in guest memory is
 * untrusted: message sizes and fd counts are checked per request, memory
 * regions are validated and mapped once, every descriptor address and
 * length is translated through the region table with overflow checks, and
 * chains are bounded by the queue size.  A protocol error closes that
 * connection; a bad descriptor stops that queue until the front-end resets
 * it.  Other VMs never notice.
 *
 * Data path (per kick): drain the tx ring in batches, copy every packet
 * into its destination (peer guest rx ring or vale port tx ring), then
 * publish used indexes once per batch and interrupt the guest only if the
 * event index asks for it.  vhost.h lists which file holds which part.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>

#include "vhost.h"

struct vm *vms;
int epfd = -1;
int nr_busy;
static int stats_fd = -1;
static bool quit;

uint64_t offered_features =
	(1ull << VIRTIO_F_VERSION_1) |
	(1ull << VIRTIO_NET_F_MRG_RXBUF) |
	(1ull << VIRTIO_RING_F_EVENT_IDX) |
	(1ull << VIRTIO_RING_F_INDIRECT_DESC) |
	(1ull << VIRTIO_F_ANY_LAYOUT) |
	(1ull << VIRTIO_NET_F_MQ) |
	(1ull << VHU_F_PROTOCOL_FEATURES);

const uint64_t offered_proto =
	(1ull << VHU_PROTO_F_MQ) |
	(1ull << VHU_PROTO_F_REPLY_ACK) |
	(1ull << VHU_PROTO_F_MTU);

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ep_add(int fd, struct ev *ev, uint32_t events)
{
	ep_add_ptr(epfd, fd, events, ev);
}

void ep_del(int fd)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
}

void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: vale-vhost [OPTIONS] --vm SPEC [--vm SPEC]...\n"
"vhost-user net backend: attaches QEMU VM NICs (-netdev vhost-user) to vale\n"
"switch ports, or connects two VM NICs back to back (direct mode).\n"
"\n"
"  -n, --vm SPEC           one VM NIC: NAME,path=SOCKET,BINDING[,client][,queues=N]\n"
"                          BINDING is port=valeX:Y (a vale switch port) or\n"
"                          direct=PAIR (the two VMs naming the same PAIR are\n"
"                          connected back to back).  vale-vhost listens on\n"
"                          SOCKET unless 'client' is given: then it connects to\n"
"                          a QEMU started with server=on and reconnects.\n"
"                          queues: queue pairs offered (1..%u, default 1)\n"
"  -c, --config FILE       read 'vm SPEC', 'stats-socket PATH',\n"
"                          'log-level LEVEL', 'max-guest-mem SIZE' and\n"
"                          'max-total-mem SIZE' lines ('#' starts a comment)\n"
"  -S, --stats-socket PATH UNIX socket: every connection gets the counters as\n"
"                          JSON (SIGUSR1 prints them on stdout too)\n"
"  -l, --log-level LEVEL   error, warn, info (default) or debug\n"
"      --max-guest-mem SIZE\n"
"                          guest memory one VM may map (default 1T;\n"
"                          suffixes K, M, G, T); a larger memory table is\n"
"                          refused\n"
"      --max-total-mem SIZE\n"
"                          guest memory all VMs together may map\n"
"                          (default 32T)\n"
"  -v, --verbose           log-level debug\n"
"  -q, --quiet             log-level error\n"
"  -h, --help              this text\n"
"  -V, --version           version\n"
"\n"
"Example:\n"
"  vale-vhost --vm vm1,path=/run/vale/vm1.sock,port=vale0:vm1 \\\n"
"             --vm a,path=/run/vale/a.sock,direct=p0 --vm b,path=/run/vale/b.sock,direct=p0\n"
"See vale-vhost(8) and Documentation/vm-attach.md.\n", MAX_QP);
}

static void handle_event(struct ev *ev, uint32_t events)
{
	struct vm *vm = ev->vm;

	switch (ev->type) {
	case EV_LISTEN:
		vm_accept(vm);
		break;
	case EV_CONN:
		if (vm->conn_fd >= 0 && events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			conn_readable(vm);
		break;
	case EV_KICK: {
		struct vq *vq = &vm->vq[ev->idx];
		int r;

		if (vq->kick_fd < 0)
			break;
		r = kick_consume(vq->kick_fd);
		if (r == -ETIMEDOUT) {
			ep_del(vq->kick_fd);
			close_fd(&vq->kick_fd);
			vq_fail(vm, vq, ev->idx, "kick fd blocked a read");
			break;
		}
		/* r == 0: another queue on the same eventfd took it; look anyway */
		vm->st.kicks += r;
		if (log_level >= LOG_DEBUG && vq_ready(vq))
			vm_log(vm, LOG_DEBUG, "kick queue %u: avail %u/%u used %u/%u event %u flags %#x",
			       ev->idx, vq->avail->idx, vq->last_avail, vq->used->idx,
			       vq->last_used, *used_event_p(vq), vq->avail->flags);
		if (ev->idx & 1)
			tx_process(vm, ev->idx);
		else
			rx_kicked(vm, ev->idx);
		break;
	}
	case EV_PORT:
		if (vm)
			port_rx(vm);
		break;
	case EV_SIGNAL:
	case EV_TIMER:
	case EV_STATS:
		break;
	}
}

/* The guarded entry points of the main loop (see GUARDED). */
static void guarded_event(struct ev *ev, uint32_t events)
{
	GUARDED(handle_event(ev, events));
}

static void guarded_tx(struct vm *vm, unsigned int qi)
{
	GUARDED(tx_process(vm, qi));
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vm", required_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ "stats-socket", required_argument, NULL, 'S' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "max-guest-mem", required_argument, NULL, 'G' },
		{ "max-total-mem", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	struct ev ev_sig = { EV_SIGNAL, NULL, 0 }, ev_timer = { EV_TIMER, NULL, 0 };
	struct ev ev_stats = { EV_STATS, NULL, 0 };
	struct itimerspec its = { { 0, 100 * 1000000 }, { 0, 100 * 1000000 } };
	static const int more_signals[] = { SIGUSR1, SIGHUP, 0 };
	int c, sfd, tfd;
	struct vm *vm;

	log_init("vale-vhost", true);
	/* for debugging guests: VALE_VHOST_NO_EVENT_IDX=1 VALE_VHOST_NO_MRG=1 */
	if (getenv("VALE_VHOST_NO_EVENT_IDX"))
		offered_features &= ~(1ull << VIRTIO_RING_F_EVENT_IDX);
	if (getenv("VALE_VHOST_NO_MRG"))
		offered_features &= ~(1ull << VIRTIO_NET_F_MRG_RXBUF);
	while ((c = getopt_long(argc, argv, "n:c:S:l:vqhV", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_vm(optarg) < 0)
				return 2;
			break;
		case 'c':
			if (parse_config(optarg) < 0)
				return 2;
			break;
		case 'S':
			stats_path = optarg;
			break;
		case 'l':
			if (set_log_level(optarg) < 0)
				return 2;
			break;
		case 'G':
		case 'T':
			if (parse_size(optarg, c == 'G' ? &max_vm_mem : &max_total_mem) < 0) {
				err("--%s %s: not a size (N[K|M|G|T])",
				    c == 'G' ? "max-guest-mem" : "max-total-mem", optarg);
				return 2;
			}
			break;
		case 'v':
			log_level = LOG_DEBUG;
			break;
		case 'q':
			log_level = LOG_ERR;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			print_version();
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		err("unexpected argument %s", argv[optind]);
		return 2;
	}
	if (!vms) {
		usage(stderr);
		return 2;
	}
	if (check_pairs() < 0)
		return 2;

	guard_install();
	fdio_install();
	epfd = epoll_create1(EPOLL_CLOEXEC);
	sfd = signals_fd(more_signals);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (epfd < 0 || sfd < 0 || tfd < 0) {
		err("epoll/signalfd/timerfd: %s", strerror(errno));
		return 1;
	}
	ep_add(sfd, &ev_sig, EPOLLIN);
	timerfd_settime(tfd, 0, &its, NULL);
	ep_add(tfd, &ev_timer, EPOLLIN);

	if (stats_path) {
		stats_fd = unix_listen(stats_path, SOCK_STREAM, 4);
		if (stats_fd < 0) {
			err("stats socket %s: %s", stats_path, strerror(errno));
			return 1;
		}
		ep_add(stats_fd, &ev_stats, EPOLLIN);
	}
	for (vm = vms; vm; vm = vm->next) {
		if (!vm->client) {
			int r = vm_listen(vm);

			if (r < 0) {
				err("%s: cannot listen on %s: %s", vm->name, vm->path, strerror(-r));
				return 1;
			}
		}
		info("%s: %s %s, %s %s, %u queue pair%s", vm->name,
		     vm->client ? "connecting to" : "listening on", vm->path,
		     vm->ops->what, vm->target,
		     vm->max_qp, vm->max_qp > 1 ? "s" : "");
	}

	while (!quit) {
		struct epoll_event evs[64];
		int n, i, timeout = nr_busy ? 0 : -1;
		uint64_t now;

		n = epoll_wait(epfd, evs, 64, timeout);
		if (n < 0 && errno != EINTR) {
			err("epoll_wait: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++) {
			struct ev *ev = evs[i].data.ptr;

			if (ev->type == EV_SIGNAL) {
				int sig;

				while ((sig = signals_next(sfd))) {
					if (sig == SIGUSR1)
						stats_json(stdout);
					else if (sig != SIGHUP)
						quit = true;
				}
			} else if (ev->type == EV_TIMER) {
				uint64_t x;

				if (read(tfd, &x, sizeof(x)) < 0)
					continue;
				now = now_ms();
				for (vm = vms; vm; vm = vm->next) {
					unsigned int q;

					if (vm->client && vm->conn_fd < 0 && now >= vm->next_connect)
						vm_try_connect(vm);
					for (q = 1; q < MAX_VQ; q += 2)
						if (vm->vq[q].blocked)
							vq_set_busy(&vm->vq[q], true);
				}
			} else if (ev->type == EV_STATS) {
				stats_client(stats_fd);
			} else {
				guarded_event(ev, evs[i].events);
			}
		}
		if (nr_busy) {
			for (vm = vms; vm; vm = vm->next) {
				unsigned int q;

				for (q = 0; q < MAX_VQ; q++)
					if (vm->vq[q].busy) {
						if (q & 1)
							guarded_tx(vm, q);
						else
							vq_set_busy(&vm->vq[q], false);
					}
			}
		}
	}
	info("exiting");
	for (vm = vms; vm; vm = vm->next) {
		vm_disconnect(vm, "daemon exiting");
		if (vm->listen_fd >= 0) {
			close(vm->listen_fd);
			unlink(vm->path);
		}
	}
	if (stats_fd >= 0) {
		close(stats_fd);
		unlink(stats_path);
	}
	stats_json(stdout);
	return 0;
}
