// SPDX-License-Identifier: GPL-2.0
/*
 * hostile: a vhost-user front-end that misbehaves on purpose.
 *
 *   hostile VALE_VHOST_BINARY WORKDIR
 *
 * Starts vale-vhost with four VM NICs: "evil" (the victim connection, paired
 * directly with "evil2") and a well-behaved direct pair "g1" <-> "g2" driven
 * by this program as a tiny virtio driver.  Then, table-driven, each case
 * opens a fresh connection on evil, sends one malformed message or puts one
 * malformed descriptor in a ring, and checks that
 *   - vale-vhost logged an error for [evil] (its stderr goes to
 *     WORKDIR/vhost.log),
 *   - the daemon is still alive, and
 *   - a frame sent by g1 still arrives intact at g2.
 * Then what a front-end hands over (a blocking call eventfd one below its
 * maximum, one blocking eventfd as the kick fd of two queues, a kick fd
 * replaced in the same epoll batch as a kick on the old one: the stats
 * socket and g1 -> g2 must be served within a bounded wait meanwhile), a
 * front-end streaming cheap requests, a frame of 1-byte segments, the
 * guest memory limits (sparse 60 TiB regions, a region far into its
 * file), and the message-order table oseqs[] (one row per sequence, its
 * expected error or none, connection closed or kept, the stats socket
 * answering after it).  A second and a third daemon check --config,
 * client mode and the memory limits' key and option.
 * Prints TAP; exits non-zero if any check failed.
 *
 *   hostile --seqfuzz VALE_VHOST WORKDIR [--seed N] [--count M] [--duration S]
 *
 * Instead: generated programs of vhost-user messages, fds and guest ring
 * contents against a private vale-vhost (see sf_program()); program P is
 * printed with its seed N + P, and --seed N+P --count 1 replays it alone.
 * VHOST_FUZZ_DURATION=S in the environment is the same as --duration S.
 *
 *   hostile --pump SOCKET COUNT [QUEUE_PAIRS [RX_BUFFERS [HOLD_FILE]]]
 *
 * Instead: behave, as a front-end on an already running vale-vhost's
 * SOCKET: set up QUEUE_PAIRS queue pairs (default 1, at most 2), offer
 * RX_BUFFERS receive buffers on each (default 255, the most), send
 * COUNT broadcast frames of 60 bytes (in bursts of 32, 0.5 ms apart, one
 * kick per burst and pair; frame
 * i on the tx queue of pair i % QUEUE_PAIRS, numbered: magic "VHPM",
 * sequence i and the pair after the Ethernet header), then count the
 * frames that arrive on each rx queue, giving each buffer back as soon as
 * it is used, until none came for 2 seconds.  Prints
 * "sent N received M" and, with two pairs, " (pair 0: A, pair 1: B)",
 * then " numbered K duplicates D misrouted X": of the frames received,
 * K carried a pump's numbering, D of those were a sequence number seen
 * before, X arrived on another pair than the one they were sent on.
 * With HOLD_FILE the connection stays open after that line until the
 * file exists (at most 60 s), so that the vale port's counters can still
 * be read.  Used by vale-port.sh.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

#include "fe.h"

static const char *dir;
static pid_t daemon_pid;
static int tap_n, tap_fail;
static long log_off;

static void tap(bool okay, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", okay ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!okay)
		tap_fail++;
}

/* A front-end on WORKDIR/NAME.sock. */
static int fe_connect(struct fe *f, const char *name)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s.sock", dir, name);
	return fe_connect_path(f, path);
}

/* ---- the daemon and its log ---- */

static bool daemon_alive(void)
{
	return waitpid(daemon_pid, NULL, WNOHANG) == 0;
}

static char logpath[4200];

/* SIGTERM to @pid: exits 0 within 10 s; @log holds no sanitizer report. */
static bool daemon_stops_clean(pid_t pid, const char *log)
{
	char line[1024];
	double end = now() + 10;
	bool clean = true;
	int st = -1;
	FILE *fl;

	kill(pid, SIGTERM);
	while (now() < end && waitpid(pid, &st, WNOHANG) == 0) {
		st = -1;
		usleep(20000);
	}
	if (st == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		printf("# daemon %d did not exit after SIGTERM\n", pid);
		clean = false;
	} else if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("# daemon exit status %#x\n", st);
		clean = false;
	}
	fl = fopen(log, "r");
	while (fl && fgets(line, sizeof(line), fl))
		if (strstr(line, "Sanitizer") || strstr(line, "runtime error:") ||
		    strstr(line, "SUMMARY:")) {
			printf("# %s: %s", log, line);
			clean = false;
		}
	if (fl)
		fclose(fl);
	return clean;
}

/* Wait for a new log line containing @needle (after the last match). */
static bool log_wait(const char *needle, double secs)
{
	char line[1024];
	const char *path = logpath;
	double end = now() + secs;

	do {
		FILE *fl = fopen(path, "r");

		if (fl) {
			fseek(fl, log_off, SEEK_SET);
			while (fgets(line, sizeof(line), fl)) {
				if (strstr(line, needle)) {
					log_off = ftell(fl);
					fclose(fl);
					return true;
				}
			}
			fclose(fl);
		}
		usleep(20000);
	} while (now() < end);
	return false;
}

/*
 * Wait for the next "[@vm] error: " line (after the last match) and check
 * that it is @expect's; the line goes to @got.
 */
static bool log_wait_error(const char *vm, const char *expect, double secs,
			   char *got, size_t gotlen)
{
	char line[1024], needle[128];
	const char *path = logpath;
	double end = now() + secs;

	snprintf(needle, sizeof(needle), "[%s] error: ", vm);
	got[0] = 0;
	do {
		FILE *fl = fopen(path, "r");

		if (fl) {
			fseek(fl, log_off, SEEK_SET);
			while (fgets(line, sizeof(line), fl)) {
				char *e = strstr(line, needle);

				if (e) {
					log_off = ftell(fl);
					fclose(fl);
					line[strcspn(line, "\n")] = 0;
					snprintf(got, gotlen, "%s", e);
					return strstr(e + strlen(needle), expect) != NULL;
				}
			}
			fclose(fl);
		}
		usleep(20000);
	} while (now() < end);
	return false;
}

/* ---- the stats socket ---- */

/*
 * One connection to the stats socket @path: the whole answer (which must
 * be one JSON object, "{...}\n", followed by the daemon closing the
 * connection) into @buf.  false if it is not that.
 */
static bool stats_read(const char *path, char *buf, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = 0;
	double end = now() + 3;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool eof = false;

	buf[0] = 0;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	while (n < len - 1 && now() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 200) <= 0)
			continue;
		r = read(fd, buf + n, len - 1 - n);
		if (r <= 0) {
			eof = r == 0;
			break;
		}
		n += r;
	}
	close(fd);
	buf[n] = 0;
	return eof && n > 2 && buf[0] == '{' && !strcmp(buf + n - 2, "}\n") &&
	       !strchr(buf, '\n')[1];
}

/* The object of VM @name in a stats answer @js, copied into @obj. */
static bool stats_vm(const char *js, const char *name, char *obj, size_t len)
{
	char key[128];
	const char *b, *e;

	snprintf(key, sizeof(key), "{\"name\":\"%s\",", name);
	b = strstr(js, key);
	if (!b)
		return false;
	e = strstr(b + 1, "{\"name\":\"");
	if (!e)
		e = b + strlen(b);
	snprintf(obj, len, "%.*s", (int)(e - b), b);
	return true;
}

/* A number (or true = 1, false = 0) of a VM object; -1 if absent. */
static long long jnum(const char *obj, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), "\"%s\":", key);
	p = strstr(obj, k);
	if (!p)
		return -1;
	p += strlen(k);
	if (!strncmp(p, "true", 4))
		return 1;
	if (!strncmp(p, "false", 5))
		return 0;
	return strtoll(p, NULL, 10);
}

/* A counter of VM @name from the stats socket @path; -1 on failure. */
static long long stat_of(const char *path, const char *name, const char *key)
{
	static char js[65536];
	char obj[8192];

	if (!stats_read(path, js, sizeof(js)) || !stats_vm(js, name, obj, sizeof(obj)))
		return -1;
	return jnum(obj, key);
}

/* Whether queue @qi of VM @name is listed as stopped by an error. */
static bool queue_broken(const char *path, const char *name, int qi)
{
	static char js[65536];
	char obj[8192], key[32];
	const char *q;

	if (!stats_read(path, js, sizeof(js)) || !stats_vm(js, name, obj, sizeof(obj)))
		return false;
	snprintf(key, sizeof(key), "{\"index\":%d,", qi);
	q = strstr(obj, key);
	return q && jnum(q, "broken") == 1;
}

/* Whether the daemon closed @sock (EOF) within @secs. */
static bool peer_closed(int sock, double secs)
{
	double end = now() + secs;
	char c;

	do {
		struct pollfd p = { .fd = sock, .events = POLLIN | POLLRDHUP };

		if (poll(&p, 1, 50) > 0) {
			ssize_t r = recv(sock, &c, 1, MSG_PEEK | MSG_DONTWAIT);

			if (r == 0 || (r < 0 && errno != EAGAIN))
				return true;
			/* a reply: read it, look further */
			if (r > 0 && recv(sock, &c, 1, MSG_DONTWAIT) < 0)
				return true;
		}
	} while (now() < end);
	return false;
}

static void log_skip(void)
{
	FILE *fl = fopen(logpath, "r");

	if (fl) {
		fseek(fl, 0, SEEK_END);
		log_off = ftell(fl);
		fclose(fl);
	}
}

/* ---- the cases ---- */

static struct fe g1, g2, ev;

/*
 * Each case gets a fresh connection on "evil" (connected, nothing sent).
 * @expect is the error vale-vhost(8) logs for it ("[evil] error: " and
 * this text); @kind what the man page promises next: a protocol error or
 * a guest memory fault closes the connection, a bad descriptor stops that
 * queue (@queue) and keeps the connection.
 */
enum hkind { K_CLOSE, K_STOP, K_GONE };

struct hcase {
	const char *name;
	void (*run)(struct fe *f);
	const char *expect;
	enum hkind kind;
	int queue;
};

static void c_unknown(struct fe *f) { fe_msg(f, 99, NULL, 0, NULL, 0); }

static void c_bad_version(struct fe *f) { fe_send(f, VHU_GET_FEATURES, 0x2, NULL, 0, NULL, 0); }

static void c_size_small(struct fe *f)
{
	uint32_t v = 1;

	fe_msg(f, VHU_SET_FEATURES, &v, 4, NULL, 0);
}

static void c_size_huge(struct fe *f)
{
	/* header only: claims 4096 payload bytes */
	fe_send(f, VHU_SET_FEATURES, VHU_VERSION, NULL, 4096, NULL, 0);
}

static void c_vring_addr_size(struct fe *f)
{
	struct vhu_vring_addr a = { 0 };

	fe_msg(f, VHU_SET_VRING_ADDR, &a, sizeof(a) - 8, NULL, 0);
}

static void c_kick_no_fd(struct fe *f)
{
	uint64_t u = 1;

	fe_msg(f, VHU_SET_VRING_KICK, &u, 8, NULL, 0);
}

static void c_two_fds(struct fe *f)
{
	uint64_t u = 0;
	int fds[2] = { f->q[0].kick, f->q[1].kick };

	fe_msg(f, VHU_SET_VRING_CALL, &u, 8, fds, 2);
}

static void c_fd_on_get(struct fe *f)
{
	fe_msg(f, VHU_GET_FEATURES, NULL, 0, &f->q[0].kick, 1);
}

static void c_kick_pipe(struct fe *f)
{
	int p[2];
	uint64_t u = 1;

	if (pipe(p) == 0) {
		fe_msg(f, VHU_SET_VRING_KICK, &u, 8, &p[0], 1);
		close(p[0]);
		close(p[1]);
	}
}

static void c_call_pipe(struct fe *f)
{
	int p[2];
	uint64_t u = 0;

	if (pipe(p) == 0) {
		fe_msg(f, VHU_SET_VRING_CALL, &u, 8, &p[1], 1);
		close(p[0]);
		close(p[1]);
	}
}

static void c_kick_file(struct fe *f)
{
	char path[4200];
	uint64_t u = 1;
	int fd;

	snprintf(path, sizeof(path), "%s/regular-file", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		fe_msg(f, VHU_SET_VRING_KICK, &u, 8, &fd, 1);
		close(fd);
	}
}

static void c_mem_fds(struct fe *f)
{
	struct vhu_mem_table t = fe_table(f);
	int fds[2] = { f->memfd, f->memfd };

	fe_negotiate(f);
	fe_msg(f, VHU_SET_MEM_TABLE, &t, 8 + sizeof(t.regions[0]), fds, 2);
}

static void mem_variant(struct fe *f, int variant)
{
	struct vhu_mem_table t = fe_table(f);
	int fds[2] = { f->memfd, f->memfd }, nfds = 1;
	uint32_t size = 8 + sizeof(t.regions[0]);

	fe_negotiate(f);
	switch (variant) {
	case 0:		/* no regions */
		t.nregions = 0;
		nfds = 0;
		size = 8 + sizeof(t.regions[0]);
		break;
	case 1:		/* bigger than the file */
		t.regions[0].memory_size = 1ull << 30;
		break;
	case 2:		/* gpa + size wraps */
		t.regions[0].guest_phys_addr = ~0ull - 4095;
		break;
	case 3:		/* mmap offset + size wraps */
		t.regions[0].mmap_offset = ~0ull - 100;
		break;
	case 4:		/* zero size */
		t.regions[0].memory_size = 0;
		break;
	case 5:		/* two overlapping regions */
		t.nregions = 2;
		t.regions[1] = t.regions[0];
		t.regions[1].userspace_addr += MEM_SIZE;
		nfds = 2;
		size = 8 + 2 * sizeof(t.regions[0]);
		break;
	case 6:		/* more regions than allowed */
		t.nregions = 9;
		break;
	case 7:		/* a region that is not memory */
		fds[0] = f->q[0].kick;
		break;
	}
	fe_msg(f, VHU_SET_MEM_TABLE, &t, size, fds, nfds);
}

static void c_mem_none(struct fe *f) { mem_variant(f, 0); }
static void c_mem_big(struct fe *f) { mem_variant(f, 1); }
static void c_mem_gpa_wrap(struct fe *f) { mem_variant(f, 2); }
static void c_mem_off_wrap(struct fe *f) { mem_variant(f, 3); }
static void c_mem_zero(struct fe *f) { mem_variant(f, 4); }
static void c_mem_overlap(struct fe *f) { mem_variant(f, 5); }
static void c_mem_nine(struct fe *f) { mem_variant(f, 6); }
static void c_mem_eventfd(struct fe *f) { mem_variant(f, 7); }

static void c_queue_range(struct fe *f)
{
	struct vhu_vring_state s = { .index = 40, .num = 256 };

	fe_msg(f, VHU_SET_VRING_NUM, &s, sizeof(s), NULL, 0);
}

static void c_queue_size(struct fe *f)
{
	struct vhu_vring_state s = { .index = 0, .num = 100 };

	fe_msg(f, VHU_SET_VRING_NUM, &s, sizeof(s), NULL, 0);
}

static void c_ring_outside(struct fe *f)
{
	struct vhu_mem_table t = fe_table(f);
	struct vhu_vring_state s = { .index = 1, .num = QSZ };
	struct vhu_vring_addr a = { .index = 1, .desc_uaddr = 0x10 };

	fe_negotiate(f);
	fe_msg(f, VHU_SET_MEM_TABLE, &t, 8 + sizeof(t.regions[0]), &f->memfd, 1);
	fe_msg(f, VHU_SET_VRING_NUM, &s, sizeof(s), NULL, 0);
	a.avail_uaddr = (uintptr_t)f->mem + MEM_SIZE - 2;	/* runs off the end */
	a.used_uaddr = (uintptr_t)f->q[1].used;
	a.desc_uaddr = (uintptr_t)f->q[1].desc;
	fe_msg(f, VHU_SET_VRING_ADDR, &a, sizeof(a), NULL, 0);
}

/* Descriptor cases: a working setup, then one bad tx chain. */
static void tx_bad(struct fe *f, int variant)
{
	struct fvq *q = &f->q[1];
	uint64_t ind = TXBUF_GPA + 0x8000;
	struct vring_desc *it = (void *)(f->mem + ind);

	if (fe_setup(f) < 0)
		return;
	fe_post_rx(f, 16);
	switch (variant) {
	case 0:		/* outside guest memory */
		fe_add(f, 1, 0, 1ull << 40, 64, 0, 0);
		fe_publish(f, 1, 0);
		break;
	case 1:		/* straddles the end of guest memory */
		fe_add(f, 1, 0, MEM_SIZE - 32, 64, 0, 0);
		fe_publish(f, 1, 0);
		break;
	case 2:		/* address + length overflows */
		fe_add(f, 1, 0, ~0ull - 15, 64, 0, 0);
		fe_publish(f, 1, 0);
		break;
	case 3:		/* loop: 0 -> 1 -> 0 */
		fe_add(f, 1, 0, TXBUF_GPA, 64, VRING_DESC_F_NEXT, 1);
		fe_add(f, 1, 1, TXBUF_GPA, 64, VRING_DESC_F_NEXT, 0);
		fe_publish(f, 1, 0);
		break;
	case 4:		/* next out of range */
		fe_add(f, 1, 0, TXBUF_GPA, 64, VRING_DESC_F_NEXT, 999);
		fe_publish(f, 1, 0);
		break;
	case 5:		/* head out of range */
		fe_publish(f, 1, 4000);
		break;
	case 6:		/* over-long: indirect table whose chain is a loop */
		it[0] = (struct vring_desc){ TXBUF_GPA, 64, VRING_DESC_F_NEXT, 1 };
		it[1] = (struct vring_desc){ TXBUF_GPA, 64, VRING_DESC_F_NEXT, 0 };
		fe_add(f, 1, 0, ind, 2 * sizeof(*it), VRING_DESC_F_INDIRECT, 0);
		fe_publish(f, 1, 0);
		break;
	case 7:		/* nested indirect */
		it[0] = (struct vring_desc){ ind, 16, VRING_DESC_F_INDIRECT, 0 };
		fe_add(f, 1, 0, ind, sizeof(*it), VRING_DESC_F_INDIRECT, 0);
		fe_publish(f, 1, 0);
		break;
	case 8:		/* indirect table length not a multiple of 16 */
		fe_add(f, 1, 0, ind, 17, VRING_DESC_F_INDIRECT, 0);
		fe_publish(f, 1, 0);
		break;
	case 9:		/* writable descriptor in a transmit chain */
		fe_add(f, 1, 0, TXBUF_GPA, 64, VRING_DESC_F_WRITE, 0);
		fe_publish(f, 1, 0);
		break;
	case 10:	/* avail index far ahead */
		q->avail_idx += 1000;
		__atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);
		break;
	case 11:	/* indirect table outside guest memory */
		fe_add(f, 1, 0, 1ull << 42, 32, VRING_DESC_F_INDIRECT, 0);
		fe_publish(f, 1, 0);
		break;
	}
	fe_kick(f, 1);
}

static void c_desc_outside(struct fe *f) { tx_bad(f, 0); }
static void c_desc_straddle(struct fe *f) { tx_bad(f, 1); }
static void c_desc_overflow(struct fe *f) { tx_bad(f, 2); }
static void c_desc_loop(struct fe *f) { tx_bad(f, 3); }
static void c_desc_next(struct fe *f) { tx_bad(f, 4); }
static void c_desc_head(struct fe *f) { tx_bad(f, 5); }
static void c_desc_ind_loop(struct fe *f) { tx_bad(f, 6); }
static void c_desc_ind_nest(struct fe *f) { tx_bad(f, 7); }
static void c_desc_ind_len(struct fe *f) { tx_bad(f, 8); }
static void c_desc_write(struct fe *f) { tx_bad(f, 9); }
static void c_avail_jump(struct fe *f) { tx_bad(f, 10); }
static void c_desc_ind_out(struct fe *f) { tx_bad(f, 11); }

/* rx side: a read-only buffer offered for receiving, g1 sends to evil2..
 * here evil is the receiver of evil2's traffic; simpler: evil's own rx ring
 * gets a bad buffer and evil2 (well-behaved) sends to it. */
static void c_rx_readonly(struct fe *f)
{
	struct fe e2;

	if (fe_setup(f) < 0)
		return;
	fe_add(f, 0, 0, RXBUF_GPA, BUF_SZ, 0, 0);	/* not writable */
	fe_publish(f, 0, 0);
	fe_kick(f, 0);
	if (fe_connect(&e2, "evil2") == 0 && fe_setup(&e2) == 0) {
		fe_tx(&e2, 60, 7);
		usleep(200000);
	}
	fe_close(&e2);
}

/*
 * The front-end shrinks its memory file after SET_MEM_TABLE: the pages the
 * daemon mapped are gone and touching them raises SIGBUS in the daemon.
 * First the rings themselves (a tx kick reads the avail ring), then only
 * the rx buffers, which the daemon writes while serving evil2's kick: the
 * fault is in evil's memory although the kick was evil2's.
 */
static void c_mem_shrunk_rings(struct fe *f)
{
	uint16_t d;

	if (fe_setup(f) < 0)
		return;
	fe_post_rx(f, 16);
	usleep(50000);
	d = f->q[1].avail_idx % QSZ;
	memset(f->mem + TXBUF_GPA, 0, HDR_LEN + 60);
	fe_add(f, 1, d, TXBUF_GPA, HDR_LEN + 60, 0, 0);
	fe_publish(f, 1, d);
	if (ftruncate(f->memfd, 4096) < 0)	/* only the first page stays */
		return;
	fe_kick(f, 1);
}

static void c_mem_shrunk_rxbuf(struct fe *f)
{
	struct fe e2;

	if (fe_setup(f) < 0)
		return;
	fe_post_rx(f, 16);
	usleep(50000);
	if (ftruncate(f->memfd, RXBUF_GPA) < 0)	/* rings stay, buffers go */
		return;
	if (fe_connect(&e2, "evil2") == 0 && fe_setup(&e2) == 0) {
		fe_tx(&e2, 60, 9);
		usleep(200000);
	}
	fe_close(&e2);
}

static void c_mid_message(struct fe *f)
{
	/* half a header, then the socket closes (a front-end that dies) */
	struct vhu_hdr h = { .request = VHU_SET_FEATURES, .flags = VHU_VERSION, .size = 8 };

	send(f->sock, &h, 6, MSG_NOSIGNAL);
}

static const struct hcase cases[] = {
	{ "unknown request 99", c_unknown,
	  "unsupported request 99 (unknown)", K_CLOSE, 0 },
	{ "header with wrong version", c_bad_version,
	  "message header flags 0x2 invalid", K_CLOSE, 0 },
	{ "SET_FEATURES with 4-byte payload", c_size_small,
	  "request 2 (SET_FEATURES): bad payload size 4", K_CLOSE, 0 },
	{ "payload size 4096 in the header", c_size_huge,
	  "request 2 (SET_FEATURES): payload size 4096 too large", K_CLOSE, 0 },
	{ "SET_VRING_ADDR 8 bytes short", c_vring_addr_size,
	  "request 9 (SET_VRING_ADDR): bad payload size 32", K_CLOSE, 0 },
	{ "SET_VRING_KICK without fd or no-fd flag", c_kick_no_fd,
	  "request 12 (SET_VRING_KICK): 0 file descriptors, expected 1", K_CLOSE, 0 },
	{ "SET_VRING_CALL with two fds", c_two_fds,
	  "request 13 (SET_VRING_CALL): 2 file descriptors, expected 1", K_CLOSE, 0 },
	{ "GET_FEATURES carrying an fd", c_fd_on_get,
	  "request 1 (GET_FEATURES): 1 file descriptors, expected 0", K_CLOSE, 0 },
	{ "SET_VRING_KICK with a pipe, not an eventfd", c_kick_pipe,
	  "SET_VRING_KICK: the file descriptor is not an eventfd", K_CLOSE, 0 },
	{ "SET_VRING_CALL with a pipe, not an eventfd", c_call_pipe,
	  "SET_VRING_CALL: the file descriptor is not an eventfd", K_CLOSE, 0 },
	{ "SET_VRING_KICK with a regular file, not an eventfd", c_kick_file,
	  "SET_VRING_KICK: the file descriptor is not an eventfd", K_CLOSE, 0 },
	{ "SET_MEM_TABLE: 1 region, 2 fds", c_mem_fds,
	  "request 5 (SET_MEM_TABLE): 2 file descriptors, expected 1", K_CLOSE, 0 },
	{ "SET_MEM_TABLE: no regions", c_mem_none,
	  "SET_MEM_TABLE: 0 regions (1..8 allowed)", K_CLOSE, 0 },
	{ "SET_MEM_TABLE: region larger than its file", c_mem_big,
	  "SET_MEM_TABLE: region 0: fd is not a file of at least 1073741824 bytes", K_CLOSE, 0 },
	{ "SET_MEM_TABLE: guest address wraps", c_mem_gpa_wrap,
	  "SET_MEM_TABLE: region 0 (gpa 0xfffffffffffff000 size 0x400000 offset 0) invalid", K_CLOSE, 0 },
	{ "SET_MEM_TABLE: mmap offset wraps", c_mem_off_wrap,
	  "SET_MEM_TABLE: region 0 (gpa 0 size 0x400000 offset 0xffffffffffffff9b) invalid", K_CLOSE, 0 },
	{ "SET_MEM_TABLE: zero-sized region", c_mem_zero,
	  "SET_MEM_TABLE: region 0 (gpa 0 size 0 offset 0) invalid", K_CLOSE, 0 },
	{ "SET_MEM_TABLE: overlapping regions", c_mem_overlap,
	  "SET_MEM_TABLE: regions 0 and 1 overlap", K_CLOSE, 0 },
	{ "SET_MEM_TABLE: 9 regions", c_mem_nine,
	  "request 5 (SET_MEM_TABLE): 1 file descriptors, expected 9", K_CLOSE, 0 },
	{ "SET_MEM_TABLE: region fd is an eventfd", c_mem_eventfd,
	  "SET_MEM_TABLE: region 0: fd is not a file of at least 4194304 bytes", K_CLOSE, 0 },
	{ "SET_VRING_NUM: queue 40", c_queue_range,
	  "SET_VRING_NUM: queue 40 out of range (2 queues)", K_CLOSE, 0 },
	{ "SET_VRING_NUM: size 100", c_queue_size,
	  "SET_VRING_NUM: queue 0 size 100 invalid", K_CLOSE, 0 },
	{ "SET_VRING_ADDR: avail ring runs off guest memory", c_ring_outside,
	  "SET_VRING_ADDR: queue 1: rings outside guest memory", K_CLOSE, 0 },
	{ "tx descriptor outside guest memory", c_desc_outside,
	  "queue 1: descriptor 0: 0x10000000000+64 outside guest memory: queue stopped", K_STOP, 1 },
	{ "tx descriptor straddles the end of guest memory", c_desc_straddle,
	  "queue 1: descriptor 0: 0x400000+32 outside guest memory: queue stopped", K_STOP, 1 },
	{ "tx descriptor address + length overflows", c_desc_overflow,
	  "queue 1: descriptor 0: address 0xfffffffffffffff0 + length 64 overflows: queue stopped", K_STOP, 1 },
	{ "tx descriptor chain loop", c_desc_loop,
	  "queue 1: descriptor chain from 0 loops or is longer than 256: queue stopped", K_STOP, 1 },
	{ "tx descriptor next out of range", c_desc_next,
	  "queue 1: next descriptor 999 out of range 256: queue stopped", K_STOP, 1 },
	{ "avail ring head out of range", c_desc_head,
	  "queue 1: descriptor head 4000 out of range: queue stopped", K_STOP, 1 },
	{ "over-long chain (loop in an indirect table)", c_desc_ind_loop,
	  "queue 1: descriptor chain from 0 loops or is longer than 2: queue stopped", K_STOP, 1 },
	{ "nested indirect descriptor", c_desc_ind_nest,
	  "queue 1: bad indirect descriptor 0 (flags 0x4): queue stopped", K_STOP, 1 },
	{ "indirect table length 17", c_desc_ind_len,
	  "queue 1: indirect table length 17 invalid: queue stopped", K_STOP, 1 },
	{ "indirect table outside guest memory", c_desc_ind_out,
	  "queue 1: indirect table 0x40000000000+32 outside guest memory: queue stopped", K_STOP, 1 },
	{ "writable descriptor on a tx queue", c_desc_write,
	  "queue 1: descriptor 0 is writable on a transmit queue: queue stopped", K_STOP, 1 },
	{ "avail index 1000 ahead", c_avail_jump,
	  "queue 1: avail index 1000 is 1000 entries ahead of 0 (queue size 256): queue stopped", K_STOP, 1 },
	{ "read-only buffer on an rx queue", c_rx_readonly,
	  "queue 0: descriptor 0 is read-only on a receive queue: queue stopped", K_STOP, 0 },
	{ "memory file shrunk after SET_MEM_TABLE, then a tx kick", c_mem_shrunk_rings,
	  "is gone (SIGBUS): the front-end shrank its memory file?", K_CLOSE, 0 },
	{ "memory file shrunk under the rx buffers, peer sends", c_mem_shrunk_rxbuf,
	  "is gone (SIGBUS): the front-end shrank its memory file?", K_CLOSE, 0 },
	{ "front-end dies in the middle of a message", c_mid_message,
	  "front-end closed the socket in the middle of a message", K_GONE, 0 },
};

static unsigned long good_sent, good_bytes;
static char stats_path[4200];

static bool good_pair_works(uint8_t seed)
{
	good_sent++;
	good_bytes += 100 + seed;
	fe_tx(&g1, 100 + seed, seed);
	return fe_rx_check(&g2, 100 + seed, seed);
}

/* The books of the good pair: every frame g1 sent counted once, at g2. */
static bool good_books(void)
{
	static char js[65536];
	char a[8192], b[8192];

	if (!stats_read(stats_path, js, sizeof(js)) || !stats_vm(js, "g1", a, sizeof(a)) ||
	    !stats_vm(js, "g2", b, sizeof(b)))
		return false;
	printf("# g1 tx_packets %lld tx_bytes %lld tx_drops %lld, g2 rx_packets %lld rx_bytes %lld rx_drops %lld; sent %lu frames, %lu bytes\n",
	       jnum(a, "tx_packets"), jnum(a, "tx_bytes"), jnum(a, "tx_drops"),
	       jnum(b, "rx_packets"), jnum(b, "rx_bytes"), jnum(b, "rx_drops"),
	       good_sent, good_bytes);
	return jnum(a, "tx_packets") == (long long)good_sent &&
	       jnum(a, "tx_bytes") == (long long)good_bytes &&
	       jnum(b, "rx_packets") == (long long)good_sent &&
	       jnum(b, "rx_bytes") == (long long)good_bytes &&
	       jnum(a, "tx_drops") == 0 && jnum(b, "rx_drops") == 0 &&
	       jnum(a, "errors") == 0 && jnum(b, "errors") == 0;
}

/* ---- the stats socket: what vale-vhost(8), COUNTERS, promises ---- */

static void t_stats(void)
{
	static char js[65536];
	char o[8192];
	bool okay, order;
	const char *e, *e2, *g1p, *g2p, *w1p;

	okay = stats_read(stats_path, js, sizeof(js));
	tap(okay, "stats socket: one JSON object per connection, then the daemon closes it");
	e = strstr(js, "{\"name\":\"evil\",");
	e2 = strstr(js, "{\"name\":\"evil2\",");
	g1p = strstr(js, "{\"name\":\"g1\",");
	g2p = strstr(js, "{\"name\":\"g2\",");
	w1p = strstr(js, "{\"name\":\"w1\",");
	order = !strncmp(js, "{\"vms\":[{\"name\":\"evil\",", 23) && e && e2 && g1p &&
		g2p && w1p && e < e2 && e2 < g1p && g1p < g2p && g2p < w1p;
	tap(order, "stats socket: {\"vms\":[...]} in command-line order");
	okay = stats_vm(js, "g1", o, sizeof(o)) &&
	       strstr(o, "\"role\":\"server\",\"mode\":\"direct\",\"target\":\"g2\",") &&
	       jnum(o, "connected") == 1 && jnum(o, "connects") == 1 &&
	       jnum(o, "disconnects") == 0 && strstr(o, "\"last_error\":\"\"") &&
	       strstr(o, "\"queue_packets\":[0,1]") &&
	       strstr(o, "\"features\":\"0x") && !strstr(o, "\"features\":\"0\"");
	if (!okay)
		printf("# g1: %.600s\n", o);
	tap(okay, "stats socket: g1 is a connected direct server NIC, peer g2, "
	    "queue_packets [rx0 0, tx0 1] after one frame");
	tap(good_books(), "stats socket: g1 tx and g2 rx count the frame and its bytes, no drops");
	okay = stats_vm(js, "evil2", o, sizeof(o)) && jnum(o, "connected") == 0 &&
	       strstr(o, "\"features\":\"0\"") && jnum(o, "connects") == 0 &&
	       strstr(o, "\"queues\":[]");
	tap(okay, "stats socket: an unconnected NIC shows connected false, features \"0\", no queues");
}

/* ---- direct mode: a full peer holds the sender back, then drops ---- */

static struct fe w1, w2;

static void t_direct_block(void)
{
	uint16_t u;
	bool okay;

	okay = fe_connect(&w1, "w1") == 0 && fe_setup(&w1) == 0 &&
	       fe_connect(&w2, "w2") == 0 && fe_setup(&w2) == 0;
	tap(okay, "direct pair w1, w2 set up, w2 without receive buffers");
	if (!okay) {
		for (int i = 0; i < 5; i++)
			tap(false, "direct: (not run)");
		fe_close(&w1);
		fe_close(&w2);
		return;
	}
	fe_post_rx(&w1, 8);	/* w2 offers none yet */

	/* held back: the sender's ring is not consumed while the peer is full */
	u = fe_tx_used(&w1);
	fe_tx(&w1, 80, 0x31);
	usleep(40000);
	okay = fe_tx_used(&w1) == u;
	fe_post_rx(&w2, 1);
	okay = fe_rx_wait(&w2, 80, 0x31, 3, false) && okay;
	tap(okay, "direct: a frame for a peer without buffers waits (tx ring not consumed) "
	    "and arrives when the peer posts one 40 ms later");
	okay = stat_of(stats_path, "w1", "tx_packets") == 1 &&
	       stat_of(stats_path, "w1", "tx_drops") == 0 &&
	       stat_of(stats_path, "w2", "rx_packets") == 1 &&
	       stat_of(stats_path, "w2", "rx_drops") == 0;
	tap(okay, "direct: the held frame counted as delivered, not dropped");

	/* w2's only buffer is used up: the next frame waits 200 ms, then goes */
	u = fe_tx_used(&w1);
	fe_tx(&w1, 90, 0x41);
	usleep(700000);
	okay = fe_tx_used(&w1) == (uint16_t)(u + 1) &&
	       stat_of(stats_path, "w1", "tx_drops") == 1 &&
	       stat_of(stats_path, "w2", "rx_drops") == 1 &&
	       stat_of(stats_path, "w1", "tx_packets") == 1;
	tap(okay, "direct: a peer full for 200 ms: the frame is dropped, counted as w1 tx_drops "
	    "and w2 rx_drops, w1's buffer returned");
	fe_post_rx(&w2, 4);
	okay = !fe_rx_wait(&w2, 90, 0x41, 0.3, true);
	fe_tx(&w1, 100, 0x51);
	okay = fe_rx_wait(&w2, 100, 0x51, 3, true) && okay &&
	       stat_of(stats_path, "w1", "tx_packets") == 2 &&
	       stat_of(stats_path, "w2", "rx_packets") == 2;
	tap(okay, "direct: the dropped frame never arrives later; the next one does");

	/* a peer that is not connected: dropped and counted at once */
	log_skip();
	fe_close(&w2);
	okay = log_wait("[w2] info: disconnected", 3);
	u = fe_tx_used(&w1);
	fe_tx(&w1, 70, 0x61);
	usleep(100000);
	okay = okay && fe_tx_used(&w1) == (uint16_t)(u + 1) &&
	       stat_of(stats_path, "w1", "tx_drops") == 2 &&
	       stat_of(stats_path, "w1", "tx_packets") == 2;
	tap(okay, "direct: a frame for a peer that is not connected is dropped and counted "
	    "within 100 ms");
	fe_close(&w1);
}

/* ---- issue 13: what a front-end hands over, message order, limits ---- */

/* A request with a u64 or vring-state payload, acked (REPLY_ACK): 0 ok. */
static int fe_acked(struct fe *f, uint32_t req, const void *pl, uint32_t size,
		    const int *fds, int nfds)
{
	if (fe_send(f, req, VHU_VERSION | VHU_FLAG_NEED_REPLY, pl, size, fds, nfds) < 0)
		return -1;
	return fe_reply(f, req) == 0 ? 0 : -1;
}

static int fe_state(struct fe *f, uint32_t req, unsigned int qi, unsigned int num)
{
	struct vhu_vring_state s = { .index = qi, .num = num };

	return fe_acked(f, req, &s, sizeof(s), NULL, 0);
}

/* GET_VRING_BASE of @qi: the base the daemon replies, or -1. */
static int64_t fe_get_base(struct fe *f, unsigned int qi)
{
	struct vhu_vring_state s = { .index = qi };

	int64_t r;

	if (fe_msg(f, VHU_GET_VRING_BASE, &s, sizeof(s), NULL, 0) < 0)
		return -1;
	/* the reply is a vring state: fe_reply() gives its 8 bytes as a u64 */
	r = fe_reply(f, VHU_GET_VRING_BASE);
	return r < 0 || (r & 0xffffffff) != qi ? -1 : r >> 32;
}

static int fe_vring_fd(struct fe *f, uint32_t req, unsigned int qi, int fd)
{
	uint64_t u = qi;

	return fe_acked(f, req, &u, 8, &fd, 1);
}

static int fe_vring_addr(struct fe *f, unsigned int qi)
{
	struct vhu_vring_addr a = {
		.index = qi,
		.desc_uaddr = (uintptr_t)f->q[qi].desc,
		.avail_uaddr = (uintptr_t)f->q[qi].avail,
		.used_uaddr = (uintptr_t)f->q[qi].used,
	};

	return fe_acked(f, VHU_SET_VRING_ADDR, &a, sizeof(a), NULL, 0);
}

/* A memory table of one region: a new memfd of @size at the same uva. */
static int fe_new_table(struct fe *f, uint64_t size, uint64_t uva)
{
	struct vhu_mem_table t = fe_table(f);
	int fd = memfd_create("hostile-new", MFD_CLOEXEC), r;

	if (fd < 0 || ftruncate(fd, size) < 0)
		return -1;
	t.regions[0].memory_size = size;
	t.regions[0].userspace_addr = uva;
	r = fe_acked(f, VHU_SET_MEM_TABLE, &t, 8 + sizeof(t.regions[0]), &fd, 1);
	close(fd);
	return r;
}

/* Break tx queue 1: avail index 1000 ahead, then a kick. */
static void fe_break_tx(struct fe *f)
{
	f->q[1].avail_idx += 1000;
	__atomic_store_n(&f->q[1].avail->idx, f->q[1].avail_idx, __ATOMIC_RELEASE);
	fe_kick(f, 1);
}

/* A frame from g1 arrives at g2 within @secs; a late one is absorbed. */
static bool good_within(uint8_t seed, double secs)
{
	bool okay;

	good_sent++;
	good_bytes += 100 + seed;
	fe_tx(&g1, 100 + seed, seed);
	okay = fe_rx_wait(&g2, 100 + seed, seed, secs, true);
	if (!okay)
		printf("# g1 -> g2: frame %#x not there within %.1f s\n", seed, secs);
	return okay;
}

static bool good_late(uint8_t seed)
{
	return fe_rx_wait(&g2, 100 + seed, seed, 5, true);
}

/* The daemon serves others within @secs: the stats socket and g1 -> g2. */
static bool others_served(uint8_t seed, double secs)
{
	static char js[65536];
	double t0 = now();
	bool st = stats_read(stats_path, js, sizeof(js)) && now() - t0 < secs;

	if (!st)
		printf("# stats socket: no answer within %.1f s\n", secs);
	return good_within(seed, secs) && st;
}

/*
 * Defect 1 (issue 13): a fd the front-end passes can block the daemon.
 * Each test leaves a trap for the daemon; while it is armed, the stats
 * socket and the good pair must be served within a bounded wait.  The
 * trap is then disarmed (for a daemon that fell into it) and the
 * connection closed.
 */
static void t_fd_call_full(void)
{
	uint64_t v = 0xfffffffffffffffeull;	/* one below the maximum */
	int e = eventfd(0, EFD_CLOEXEC);	/* blocking */
	bool okay, served, logged;
	char got[1024];

	log_skip();
	okay = e >= 0 && write(e, &v, 8) == 8 && fe_connect(&ev, "evil") == 0 &&
	       fe_setup(&ev) == 0 && fe_vring_fd(&ev, VHU_SET_VRING_CALL, 1, e) == 0;
	fe_tx(&ev, 60, 0x11);	/* used entry published: the daemon interrupts */
	usleep(100000);
	served = others_served(0xa1, 2);
	logged = log_wait_error("evil", "queue 1: call fd cannot take one more", 2, got,
				sizeof(got));
	if (!logged)
		printf("# got \"%s\"\n", got);
	if (e >= 0 && read(e, &v, 8) < 0)	/* disarm */
		v = 0;
	if (!served)
		good_late(0xa1);
	tap(okay && served, "call fd: a blocking eventfd one below its maximum: the daemon "
	    "never blocks on it, stats socket and g1 -> g2 served within 2 s");
	tap(logged && !peer_closed(ev.sock, 0.2),
	    "call fd at its maximum: error logged, that queue's interrupts stop, connection kept");
	fe_close(&ev);
	log_wait("[evil] info: disconnected", 3);
	if (e >= 0)
		close(e);
}

static void t_fd_kick_shared(void)
{
	long long errs0 = stat_of(stats_path, "evil", "errors");
	int k = eventfd(0, EFD_CLOEXEC);	/* blocking, for two queues */
	bool okay, served;

	log_skip();
	okay = k >= 0 && fe_connect(&ev, "evil") == 0 && fe_setup(&ev) == 0 &&
	       fe_vring_fd(&ev, VHU_SET_VRING_KICK, 0, k) == 0 &&
	       fe_vring_fd(&ev, VHU_SET_VRING_KICK, 1, k) == 0;
	eventfd_write(k, 1);	/* both readable in one epoll batch */
	usleep(100000);
	served = others_served(0xa2, 2);
	eventfd_write(k, 1);	/* disarm */
	if (!served)
		good_late(0xa2);
	tap(okay && served && !peer_closed(ev.sock, 0.1) &&
	    stat_of(stats_path, "evil", "errors") == errs0,
	    "kick fd: one blocking eventfd as the kick fd of two queues: no block, no error, "
	    "stats socket and g1 -> g2 served within 2 s");
	fe_close(&ev);
	log_wait("[evil] info: disconnected", 3);
	if (k >= 0)
		close(k);
}

/*
 * Whether @pid sleeps in epoll_wait(): its state is S and /proc/PID/syscall
 * names epoll_wait, epoll_pwait or epoll_pwait2 (x86-64 numbers), i.e. it
 * has finished the last turn of its loop and waits for the next batch.
 */
static bool sleeps_in_epoll(pid_t pid)
{
	char path[64], buf[256], *p;
	long nr;
	FILE *f;
	bool sleeping;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	sleeping = p && p[1] == ' ' && p[2] == 'S';
	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fscanf(f, "%ld", &nr) != 1)
		nr = -1;	/* "running" */
	fclose(f);
	return sleeping && (nr == 232 || nr == 281 || nr == 441);
}

/*
 * The daemon reads a new SET_VRING_KICK for a queue and, in the same epoll
 * batch, an event for the queue's old kick fd, which now leads to the new
 * fd (blocking, never written).  To make that batch certain, the daemon
 * must have returned to epoll_wait() (a reply alone does not prove it: the
 * reader goes on with the next requests of its turn) before it is stopped;
 * then, stopped, it gets the message and a kick on the old fd, in this
 * order, and on SIGCONT both are in the ready list of one epoll_wait().
 * Returns whether that order was set up (the daemon seen in epoll_wait).
 * Against vale-vhost before fdio.c (a plain read of the kick fd) the
 * daemon then sleeps in read() for good; under strace the old form of
 * this test (SIGSTOP right after fe_setup()) happened to catch it too.
 */
static bool kick_replaced_batch(int k)
{
	struct vhu_vring_state on = { .index = 1, .num = 1 };
	uint64_t u = 1;
	double t0 = now();
	bool idle = false;
	int st;

	/* a request with a reply: everything before it was read */
	if (fe_acked(&ev, VHU_SET_VRING_ENABLE, &on, sizeof(on), NULL, 0) < 0)
		return false;
	while (now() - t0 < 2 && !(idle = sleeps_in_epoll(daemon_pid)))
		usleep(1000);
	if (!idle) {
		printf("# the daemon was not seen sleeping in epoll_wait within 2 s\n");
		return false;
	}
	/*
	 * From here on nothing of evil's arrives before the stop, so the
	 * daemon cannot be inside evil's reader when it stops (a timer
	 * turn at most, after which it sleeps in epoll_wait again).
	 */
	kill(daemon_pid, SIGSTOP);
	waitpid(daemon_pid, &st, WUNTRACED);
	if (fe_msg(&ev, VHU_SET_VRING_KICK, &u, 8, &k, 1) < 0) {
		kill(daemon_pid, SIGCONT);
		return false;
	}
	fe_kick(&ev, 1);
	usleep(20000);
	kill(daemon_pid, SIGCONT);
	return true;
}

static void t_fd_kick_replaced(void)
{
	long long errs0 = stat_of(stats_path, "evil", "errors");
	int k = eventfd(0, EFD_CLOEXEC);	/* blocking, never written */
	bool okay, served;

	log_skip();
	okay = k >= 0 && fe_connect(&ev, "evil") == 0 && fe_setup(&ev) == 0 &&
	       kick_replaced_batch(k);
	usleep(100000);
	served = others_served(0xa3, 2);
	eventfd_write(k, 1);	/* disarm */
	if (!served)
		good_late(0xa3);
	tap(okay && served && !peer_closed(ev.sock, 0.1) &&
	    stat_of(stats_path, "evil", "errors") == errs0,
	    "kick fd replaced in the same epoll batch as a kick on the old one (daemon seen "
	    "in epoll_wait, then stopped while both arrive): no block, no error, stats "
	    "socket and g1 -> g2 served within 2 s");
	fe_close(&ev);
	log_wait("[evil] info: disconnected", 3);
	if (k >= 0)
		close(k);
}

/*
 * Defect 5 (c): a front-end streaming cheap requests (SET_VRING_ENABLE,
 * no reply) from a child process for 3 s; the good pair must keep its
 * latency meanwhile.
 */
static void t_flood(void)
{
	bool okay = true;
	double worst = 0;
	pid_t child;
	int i, st;

	log_skip();
	if (fe_connect(&ev, "evil") < 0) {
		tap(false, "flood: connect");
		return;
	}
	child = fork();
	if (child == 0) {
		static uint8_t buf[20 * 3072];
		struct vhu_hdr h = { .request = VHU_SET_VRING_ENABLE, .flags = VHU_VERSION,
				     .size = sizeof(struct vhu_vring_state) };
		struct vhu_vring_state s = { .index = 0, .num = 1 };
		double end = now() + 3;
		size_t o;

		for (o = 0; o + 20 <= sizeof(buf); o += 20) {
			memcpy(buf + o, &h, sizeof(h));
			memcpy(buf + o + sizeof(h), &s, sizeof(s));
		}
		while (now() < end)
			if (send(ev.sock, buf, sizeof(buf), MSG_NOSIGNAL) < 0)
				break;
		_exit(0);
	}
	usleep(300000);
	for (i = 0; i < 5 && okay; i++) {
		double t0 = now();

		okay = good_within((uint8_t)(0xb0 + i), 1);
		if (now() - t0 > worst)
			worst = now() - t0;
		usleep(100000);
	}
	waitpid(child, &st, 0);
	if (!okay)
		good_late((uint8_t)(0xb0 + i - 1));
	tap(okay && !peer_closed(ev.sock, 0.1), "flood: a front-end streaming cheap requests "
	    "for 3 s: 5 frames g1 -> g2 each within 1 s meanwhile (worst %.3f s)", worst);
	fe_close(&ev);
	log_wait("[evil] info: disconnected", 5);
}

/*
 * Defect 5 (c): one frame as a chain of many 1-byte buffers, into an rx
 * chain of 1-byte buffers: every byte where it belongs.
 */
#define TINY	200

static void t_tiny_segments(void)
{
	struct fe e2;
	struct fvq *rq;
	uint8_t *tx, want[HDR_LEN + TINY];
	bool okay;
	int i;

	memset(&e2, 0, sizeof(e2));
	e2.sock = e2.memfd = -1;
	log_skip();
	okay = fe_connect(&ev, "evil") == 0 && fe_setup(&ev) == 0 &&
	       fe_connect(&e2, "evil2") == 0 && fe_setup(&e2) == 0;
	if (!okay) {
		tap(false, "1-byte segments: set-up");
		fe_close(&ev);
		fe_close(&e2);
		return;
	}
	rq = &e2.q[0];
	/* evil2's rx chain: HDR_LEN + TINY descriptors of one byte each */
	for (i = 0; i < HDR_LEN + TINY; i++)
		fe_add(&e2, 0, i, RXBUF_GPA + 2 * i, 1, VRING_DESC_F_WRITE |
		       (i + 1 < HDR_LEN + TINY ? VRING_DESC_F_NEXT : 0), i + 1);
	memset(e2.mem + RXBUF_GPA, 0xee, 2 * (HDR_LEN + TINY));
	fe_publish(&e2, 0, 0);
	fe_kick(&e2, 0);
	/* evil's tx chain: the header, then TINY descriptors of one byte */
	tx = ev.mem + TXBUF_GPA;
	memset(tx, 0, HDR_LEN);
	fe_add(&ev, 1, 0, TXBUF_GPA, HDR_LEN, VRING_DESC_F_NEXT, 1);
	memset(want, 0, sizeof(want));
	want[10] = 1;		/* num_buffers */
	for (i = 0; i < TINY; i++) {
		uint64_t gpa = TXBUF_GPA + 64 + 3 * i;

		ev.mem[gpa] = want[HDR_LEN + i] = (uint8_t)(i * 7 + 3);
		fe_add(&ev, 1, 1 + i, gpa, 1, i + 1 < TINY ? VRING_DESC_F_NEXT : 0, 2 + i);
	}
	fe_publish(&ev, 1, 0);
	fe_kick(&ev, 1);
	okay = false;
	for (i = 0; i < 300 && !okay; i++) {
		okay = __atomic_load_n(&rq->used->idx, __ATOMIC_ACQUIRE) == 1;
		usleep(10000);
	}
	if (okay) {
		okay = rq->used->ring[0].id == 0 && rq->used->ring[0].len == HDR_LEN + TINY;
		for (i = 0; i < HDR_LEN + TINY && okay; i++)
			if (e2.mem[RXBUF_GPA + 2 * i] != want[i] ||
			    e2.mem[RXBUF_GPA + 2 * i + 1] != 0xee) {
				printf("# byte %d: %#x, want %#x\n", i,
				       e2.mem[RXBUF_GPA + 2 * i], want[i]);
				okay = false;
			}
	}
	tap(okay, "1-byte segments: a frame of %d one-byte tx buffers into %d one-byte rx "
	    "buffers arrives byte for byte, nothing written beside them", TINY,
	    HDR_LEN + TINY);
	fe_close(&ev);
	fe_close(&e2);
	log_wait("[evil] info: disconnected", 3);
}

/* Defect 4: the daemon's virtual size, from /proc (bytes), or -1. */
static long long vm_size(pid_t pid)
{
	char path[64], line[256];
	long long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmSize: %lld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}


/* The daemon's open files now. */
static int fd_count(pid_t pid)
{
	char path[64];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/*
 * A connected VM's socket is not a door to more: 20 more front-ends on
 * g1's socket are each refused (logged, closed), the daemon holds no file
 * more afterwards, and g1 -> g2 goes on working.
 */
static void t_second_conn(void)
{
	struct fe x[20];
	int i, closed = 0, fds0, fds1, logged = 0;
	bool okay = true;

	log_skip();
	fds0 = fd_count(daemon_pid);
	for (i = 0; i < 20; i++)
		okay = fe_connect(&x[i], "g1") == 0 && okay;
	for (i = 0; i < 20; i++)
		closed += x[i].sock >= 0 && peer_closed(x[i].sock, 3);
	for (i = 0; i < 20; i++) {
		logged += log_wait("second connection on", 1);
		fe_close(&x[i]);
	}
	fds1 = fd_count(daemon_pid);
	if (closed != 20 || logged != 20 || fds1 != fds0)
		printf("# %d of 20 closed, %d logged, daemon fds %d -> %d\n",
		       closed, logged, fds0, fds1);
	tap(okay && closed == 20 && logged == 20 && fds1 == fds0 &&
	    daemon_alive() && good_pair_works(0xd1),
	    "20 more connections to a connected VM's socket: each refused, closed and "
	    "logged, no file kept; g1 -> g2 works");
}

/* A sparse memfd of @size bytes, or -1. */
static int sparse_memfd(uint64_t size)
{
	int fd = memfd_create("hostile-sparse", MFD_CLOEXEC);

	if (fd >= 0 && ftruncate(fd, (off_t)size) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void t_mem_limits(void)
{
	uint64_t big = 60ull << 40, off = 1ull << 40;
	struct vhu_mem_table t = { .nregions = 2 };
	int fds[2] = { sparse_memfd(big), sparse_memfd(big) }, fd;
	long long before, after;
	char got[1024];
	bool okay, logged;
	struct fe e2;

	/* two regions of 60 TiB each: over the default 1 TiB per VM */
	log_skip();
	t.regions[0] = (struct vhu_mem_region){ 0, big, 0x100000000000ull, 0 };
	t.regions[1] = (struct vhu_mem_region){ big, big, 0x500000000000ull, 0 };
	okay = fds[0] >= 0 && fds[1] >= 0 && fe_connect(&ev, "evil") == 0 &&
	       fe_negotiate(&ev) == 0;
	if (okay)
		fe_send(&ev, VHU_SET_MEM_TABLE, VHU_VERSION | VHU_FLAG_NEED_REPLY, &t,
			8 + 2 * sizeof(t.regions[0]), fds, 2);
	logged = log_wait_error("evil", "SET_MEM_TABLE: 131941395333120 bytes of guest memory, "
				"over the limit of 1099511627776 per VM (max-guest-mem)", 3,
				got, sizeof(got));
	if (!logged)
		printf("# got \"%s\"\n", got);
	tap(okay && logged, "memory limit: two sparse 60 TiB regions refused, the error names "
	    "the per-VM limit");
	/* while evil is still there: another VM sets up and works */
	memset(&e2, 0, sizeof(e2));
	okay = fe_connect(&e2, "evil2") == 0 && fe_setup(&e2) == 0;
	fe_close(&e2);
	tap(okay && peer_closed(ev.sock, 3) && daemon_alive() && good_pair_works(0xc1),
	    "memory limit: connection closed; another VM sets up meanwhile; g1 -> g2 works");
	fe_close(&ev);
	log_wait("[evil2] info: disconnected", 3);
	close(fds[0]);
	close(fds[1]);

	/* a region 4 MiB long at offset 1 TiB: only those 4 MiB are mapped */
	log_skip();
	fd = sparse_memfd(off + MEM_SIZE);
	before = vm_size(daemon_pid);
	t.nregions = 1;
	t.regions[0] = (struct vhu_mem_region){ 0, MEM_SIZE, 0x100000000000ull, off };
	okay = fd >= 0 && fe_connect(&ev, "evil") == 0 && fe_negotiate(&ev) == 0 &&
	       fe_acked(&ev, VHU_SET_MEM_TABLE, &t, 8 + sizeof(t.regions[0]), &fd, 1) == 0;
	after = vm_size(daemon_pid);
	printf("# daemon VmSize %lld -> %lld\n", before, after);
	tap(okay && before > 0 && after - before < (64ll << 20),
	    "memory: a 4 MiB region at file offset 1 TiB is accepted and maps less than 64 MiB");
	fe_close(&ev);
	log_wait("[evil] info: disconnected", 3);
	if (fd >= 0)
		close(fd);
}

/*
 * Message order (issue 13's boundaries): one row per sequence, each with
 * its expected outcome.  run() does the sequence and its own checks;
 * @expect is the error the daemon logs for evil (NULL: none at all);
 * @closes whether the daemon then closes the connection.  After every
 * row: the stats socket answers with one JSON object (queues broken or
 * not), the daemon lives, g1 -> g2 works.
 */
struct oseq {
	const char *name;
	bool (*run)(struct fe *f);
	const char *expect;
	bool closes;
};

static bool o_num_running(struct fe *f)
{
	return fe_setup(f) == 0 &&
	       fe_msg(f, VHU_SET_VRING_NUM, &(struct vhu_vring_state){ 1, QSZ }, 8, NULL, 0) == 0;
}

/* NUM after ADDR on a stopped queue: the rings are unknown until ADDR. */
static bool o_num_after_addr(struct fe *f)
{
	bool okay = fe_setup(f) == 0 && fe_get_base(f, 1) == 0 &&
		    fe_state(f, VHU_SET_VRING_NUM, 1, QSZ) == 0;
	int i;

	fe_tx(f, 60, 0x21);	/* the queue is stopped: not taken */
	usleep(200000);
	okay = okay && fe_tx_used(f) == 0;
	okay = okay && fe_vring_addr(f, 1) == 0 &&
	       fe_vring_fd(f, VHU_SET_VRING_KICK, 1, f->q[1].kick) == 0;
	for (i = 0; i < 100 && okay && fe_tx_used(f) != 1; i++)
		usleep(10000);
	return okay && fe_tx_used(f) == 1;
}

static bool o_mem_stopped(struct fe *f)
{
	return fe_setup(f) == 0 && fe_get_base(f, 0) == 0 && fe_get_base(f, 1) == 0 &&
	       fe_new_table(f, 2 * MEM_SIZE, (uintptr_t)f->mem) == 0;
}

static bool o_mem_broken(struct fe *f)
{
	bool okay = fe_setup(f) == 0;

	fe_break_tx(f);
	usleep(100000);
	return okay && fe_new_table(f, 2 * MEM_SIZE, (uintptr_t)f->mem) == 0 &&
	       queue_broken(stats_path, "evil", 1);
}

static bool o_mem_rings_gone(struct fe *f)
{
	return fe_setup(f) == 0 &&
	       fe_new_table(f, MEM_SIZE, (uintptr_t)f->mem + 4 * MEM_SIZE) == 0 &&
	       queue_broken(stats_path, "evil", 0);
}

static bool o_reply_flag(struct fe *f)
{
	return fe_send(f, VHU_GET_FEATURES, VHU_VERSION | VHU_FLAG_REPLY, &(uint64_t){ 0 }, 8,
		       NULL, 0) == 0;
}

static bool o_base_never_started(struct fe *f)
{
	return fe_negotiate(f) == 0 && fe_get_base(f, 1) == 0 && fe_get_base(f, 0) == 0;
}

static bool o_base_twice(struct fe *f)
{
	bool okay = fe_setup(f) == 0;

	fe_tx(f, 60, 0x22);
	usleep(100000);
	return okay && fe_get_base(f, 1) == 1 && fe_get_base(f, 1) == 1;
}

static bool o_base_running(struct fe *f)
{
	return fe_setup(f) == 0 &&
	       fe_msg(f, VHU_SET_VRING_BASE, &(struct vhu_vring_state){ 1, 0 }, 8, NULL, 0) == 0;
}

static bool o_addr_no_mem(struct fe *f)
{
	struct vhu_vring_addr a = { .index = 1, .desc_uaddr = 0x1000 };

	return fe_negotiate(f) == 0 && fe_state(f, VHU_SET_VRING_NUM, 1, QSZ) == 0 &&
	       fe_msg(f, VHU_SET_VRING_ADDR, &a, sizeof(a), NULL, 0) == 0;
}

static bool o_kick_before_addr(struct fe *f)
{
	struct vhu_mem_table t = fe_table(f);

	if (fe_negotiate(f) < 0 ||
	    fe_acked(f, VHU_SET_MEM_TABLE, &t, 8 + sizeof(t.regions[0]), &f->memfd, 1) < 0 ||
	    fe_state(f, VHU_SET_VRING_NUM, 1, QSZ) < 0 ||
	    fe_vring_fd(f, VHU_SET_VRING_KICK, 1, f->q[1].kick) < 0)
		return false;
	fe_kick(f, 1);		/* started, no rings: nothing to do */
	usleep(50000);
	fe_send(f, VHU_SET_VRING_ADDR, VHU_VERSION, &(struct vhu_vring_addr){
		.index = 1, .desc_uaddr = (uintptr_t)f->q[1].desc,
		.avail_uaddr = (uintptr_t)f->q[1].avail,
		.used_uaddr = (uintptr_t)f->q[1].used }, sizeof(struct vhu_vring_addr),
		NULL, 0);
	return true;
}

static bool o_reset_owner(struct fe *f)
{
	bool okay = fe_setup(f) == 0 && fe_acked(f, VHU_RESET_OWNER, NULL, 0, NULL, 0) == 0;

	fe_tx(f, 60, 0x23);	/* on a kick fd the daemon closed */
	usleep(200000);
	return okay && fe_tx_used(f) == 0 && stat_of(stats_path, "evil", "connected") == 1;
}

static bool o_enable_two(struct fe *f)
{
	return fe_msg(f, VHU_SET_VRING_ENABLE, &(struct vhu_vring_state){ 0, 2 }, 8,
		      NULL, 0) == 0;
}

/*
 * Defect 2 (issue 13): a broken queue, stopped, resized, then a new memory
 * table: the daemon must not keep pointers into the old mapping, which
 * the stats socket (and SIGUSR1) would read.
 */
static bool o_dangling(struct fe *f)
{
	static char js[65536];
	bool okay = fe_setup(f) == 0;

	fe_break_tx(f);
	usleep(100000);
	okay = okay && fe_get_base(f, 1) >= 0 && fe_state(f, VHU_SET_VRING_NUM, 1, QSZ) == 0 &&
	       fe_new_table(f, 2 * MEM_SIZE, (uintptr_t)f->mem) == 0;
	okay = okay && stats_read(stats_path, js, sizeof(js));
	kill(daemon_pid, SIGUSR1);
	usleep(200000);
	return okay && daemon_alive() && stats_read(stats_path, js, sizeof(js));
}

static const struct oseq oseqs[] = {
	{ "SET_VRING_NUM after ADDR on a running queue", o_num_running,
	  "SET_VRING_NUM: queue 1 is running", true },
	{ "SET_VRING_NUM after ADDR on a stopped queue: no frame taken until ADDR again",
	  o_num_after_addr, NULL, false },
	{ "SET_MEM_TABLE replaced with both queues stopped", o_mem_stopped, NULL, false },
	{ "SET_MEM_TABLE replaced with a broken queue: stays broken", o_mem_broken,
	  "queue 1: avail index", false },
	{ "SET_MEM_TABLE replaced by one without the rings: queues stopped",
	  o_mem_rings_gone, "queue 0: rings outside the new memory table", false },
	{ "a reply to a request never made", o_reply_flag,
	  "message header flags 0x5 invalid", true },
	{ "GET_VRING_BASE on queues never started: base 0", o_base_never_started, NULL,
	  false },
	{ "GET_VRING_BASE twice: the same base (1) both times", o_base_twice, NULL, false },
	{ "SET_VRING_BASE on a running queue", o_base_running,
	  "SET_VRING_BASE: queue 1 base 0 refused (queue running)", true },
	{ "SET_VRING_ADDR before any memory table", o_addr_no_mem,
	  "SET_VRING_ADDR: queue 1: no memory table", true },
	{ "SET_VRING_KICK before ADDR, kicked, then ADDR", o_kick_before_addr,
	  "SET_VRING_ADDR: queue 1 is running", true },
	{ "RESET_OWNER, then a kick on the old kick fd", o_reset_owner, NULL, false },
	{ "SET_VRING_ENABLE 2", o_enable_two, "SET_VRING_ENABLE: queue 0: value 2", true },
	{ "broken queue, GET_VRING_BASE, SET_VRING_NUM, new SET_MEM_TABLE, stats and SIGUSR1",
	  o_dangling, "queue 1: avail index", false },
};

#define NOSEQS	(sizeof(oseqs) / sizeof(oseqs[0]))

static void t_order(void)
{
	static char js[65536];
	unsigned int i;

	for (i = 0; i < NOSEQS; i++) {
		const struct oseq *o = &oseqs[i];
		long long errs0 = stat_of(stats_path, "evil", "errors");
		bool ran, logged, closed;
		char got[1024];

		log_skip();
		if (fe_connect(&ev, "evil") < 0) {
			tap(false, "order: %s: connect", o->name);
			tap(false, "order: %s: (not run)", o->name);
			continue;
		}
		ran = o->run(&ev);
		if (o->expect) {
			logged = log_wait_error("evil", o->expect, 3, got, sizeof(got));
			if (!logged)
				printf("# want \"%s\", got \"%s\"\n", o->expect, got);
		} else {
			logged = !log_wait_error("evil", "", 0.2, got, sizeof(got));
			if (!logged)
				printf("# no error expected, got \"%s\"\n", got);
		}
		closed = peer_closed(ev.sock, o->closes ? 3 : 0.2);
		tap(ran && logged && closed == o->closes, "order: %s: %s, %s", o->name,
		    o->expect ? o->expect : "no error",
		    o->closes ? "connection closed" : "connection kept");
		ran = stats_read(stats_path, js, sizeof(js));
		fe_close(&ev);
		log_wait("[evil] info: disconnected", 3);
		tap(ran && daemon_alive() && good_pair_works((uint8_t)(0xd0 + i)) &&
		    stat_of(stats_path, "evil", "errors") >= errs0,
		    "order: %s: stats socket answers, daemon alive, g1 -> g2 works", o->name);
	}
}

/* ---- fuzz: random messages and random descriptors on "evil" ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void fuzz_msgs(struct fe *f)
{
	static const uint32_t sizes[] = { 0, 4, 8, 12, 16, 24, 40, 8 + 32, 8 + 64, 8 + 288 };
	uint8_t pl[512];
	int i, n = 1 + rnd() % 6;

	if (rnd() % 2)
		fe_negotiate(f);
	if (rnd() % 3 == 0) {
		struct vhu_mem_table t = fe_table(f);

		fe_msg(f, VHU_SET_MEM_TABLE, &t, 8 + sizeof(t.regions[0]), &f->memfd, 1);
	}
	for (i = 0; i < n; i++) {
		uint32_t req = rnd() % 42, flags = VHU_VERSION, size;
		int fds[2], nfds = 0;
		unsigned int j;

		if (rnd() % 4 == 0)
			flags |= VHU_FLAG_NEED_REPLY;
		if (rnd() % 10 == 0)
			flags = rnd();
		size = rnd() % 3 ? sizes[rnd() % (sizeof(sizes) / sizeof(sizes[0]))] :
		       rnd() % sizeof(pl);
		for (j = 0; j < sizeof(pl); j++)
			pl[j] = rnd();
		if (rnd() % 2) {	/* small queue index / region count */
			pl[0] = rnd() % 4;
			pl[1] = pl[2] = pl[3] = 0;
		}
		if (rnd() % 3 == 0) {
			int pick[3] = { f->memfd, f->q[0].kick, f->q[1].call };

			nfds = 1 + rnd() % 2;
			fds[0] = pick[rnd() % 3];
			fds[1] = pick[rnd() % 3];
		}
		fe_send(f, req, flags, pl, size, fds, nfds);
	}
	usleep(5000);
}

static void fuzz_descs(struct fe *f)
{
	int i, n = 1 + rnd() % 12;

	if (fe_setup(f) < 0)
		return;
	fe_post_rx(f, rnd() % 17);
	for (i = 0; i < n; i++) {
		int qi = rnd() % 4 ? 1 : 0;
		uint16_t d = rnd() % QSZ;
		uint64_t addr;
		uint32_t len;

		switch (rnd() % 4) {
		case 0: addr = rnd() % MEM_SIZE; break;
		case 1: addr = MEM_SIZE - rnd() % 4096; break;
		case 2: addr = ((uint64_t)rnd() << 32) | rnd(); break;
		default: addr = TXBUF_GPA + (rnd() % 64) * 16; break;
		}
		len = rnd() % 4 ? rnd() % 5000 : rnd();
		fe_add(f, qi, d, addr, len, rnd() % 8, rnd() % 4 ? rnd() % QSZ : rnd() % 65536);
		if (rnd() % 3 == 0) {	/* random bytes where indirect tables point */
			uint32_t k, *w = (uint32_t *)(f->mem + TXBUF_GPA);

			for (k = 0; k < 256; k++)
				w[k] = rnd();
		}
		fe_publish(f, qi, rnd() % 8 ? d : rnd() % 65536);
		if (rnd() % 8 == 0)
			f->q[qi].avail->flags = rnd();
		fe_kick(f, qi);
	}
	usleep(10000);
}

static void t_fuzz(const char *what, void (*fn)(struct fe *f), int conns, uint8_t seed)
{
	bool okay = true;
	int i;

	for (i = 0; i < conns && okay; i++) {
		log_skip();
		if (fe_connect(&ev, "evil") < 0) {
			okay = false;
			break;
		}
		fn(&ev);
		fe_close(&ev);
		log_wait("[evil] info: disconnected", 2);
		okay = daemon_alive();
	}
	tap(okay && good_pair_works(seed), "fuzz: %d connections of random %s: daemon alive, "
	    "g1 -> g2 still works", conns, what);
}

/* ---- --config and client mode, in a second daemon ---- */

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(path);
	int fd;

	if (n >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, n + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int accept_within(int lfd, double secs)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };

	if (poll(&p, 1, (int)(secs * 1000)) <= 0)
		return -1;
	return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

static pid_t start_daemon(const char *bin, const char *log, char *const args[])
{
	pid_t pid = fork();

	if (pid == 0) {
		char out[4300];
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644), fo;
		char *argv[16] = { (char *)bin };
		int i;

		/* the counters it prints on SIGUSR1 and at exit: LOG.out */
		snprintf(out, sizeof(out), "%s.out", log);
		fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || fo < 0)
			_exit(127);
		dup2(fd, 2);
		dup2(fo, 1);
		for (i = 0; args[i] && i < 14; i++)
			argv[i + 1] = args[i];
		execv(bin, argv);
		_exit(127);
	}
	return pid;
}

/*
 * A daemon started with --config @conf must refuse to start: exit status
 * non-zero within 10 s, @line in its log (WORKDIR/@logname).
 */
static bool config_refused(const char *bin, const char *conf, const char *logname,
			   const char *line)
{
	char log[4200];
	double t0 = now();
	int st = -1;
	pid_t pid;
	bool okay;

	snprintf(log, sizeof(log), "%s/%s", dir, logname);
	snprintf(logpath, sizeof(logpath), "%s", log);
	pid = start_daemon(bin, log, (char *[]){ "--config", (char *)conf, NULL });
	while (now() < t0 + 10 && waitpid(pid, &st, WNOHANG) == 0) {
		st = -1;
		usleep(20000);
	}
	if (st == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	log_off = 0;
	okay = st != -1 && WIFEXITED(st) && WEXITSTATUS(st) != 0 && log_wait(line, 1);
	snprintf(logpath, sizeof(logpath), "%s/vhost.log", dir);
	return okay;
}

static void t_config_client(const char *bin)
{
	char conf[4200], log2[4200], st2[4200], clsock[4200], line[4400];
	static char js[65536];
	char o1[8192], o2[8192];
	struct fe cf, c2;
	pid_t pid;
	double t0, dt;
	int lfd, s;
	bool okay;
	FILE *f;

	memset(&cf, 0, sizeof(cf));
	memset(&c2, 0, sizeof(c2));
	cf.sock = cf.memfd = c2.sock = c2.memfd = -1;
	snprintf(conf, sizeof(conf), "%s/vhost2.conf", dir);
	snprintf(log2, sizeof(log2), "%s/vhost2.log", dir);
	snprintf(st2, sizeof(st2), "%s/stats2.sock", dir);
	snprintf(clsock, sizeof(clsock), "%s/cl.sock", dir);
	unlink(clsock);
	f = fopen(conf, "w");
	if (f) {
		fprintf(f, "# vale-vhost --config test\n\n"
			"vm cl,path=%s,direct=pc,client   # the front-end listens\n"
			"   vm\tc2,path=%s/c2.sock,direct=pc\n"
			"stats-socket %s\n"
			"log-level debug\n", clsock, dir, st2);
		fclose(f);
	}
	t0 = now();
	pid = start_daemon(bin, log2, (char *[]){ "--config", conf, NULL });
	snprintf(logpath, sizeof(logpath), "%s", log2);
	log_off = 0;
	okay = false;
	while (now() < t0 + 5 && !okay) {
		okay = stats_read(st2, js, sizeof(js));
		if (!okay)
			usleep(50000);
	}
	okay = okay && !strncmp(js, "{\"vms\":[{\"name\":\"cl\",", 21) &&
	       stats_vm(js, "cl", o1, sizeof(o1)) && stats_vm(js, "c2", o2, sizeof(o2)) &&
	       strstr(o1, "\"role\":\"client\",\"mode\":\"direct\",\"target\":\"c2\"") &&
	       strstr(o2, "\"role\":\"server\",\"mode\":\"direct\",\"target\":\"cl\"");
	tap(okay, "--config: vm lines (comments, blank lines, tabs) and stats-socket taken "
	    "from the file, in file order; cl is a client");
	tap(log_wait("[cl] debug: connect ", 3),
	    "--config: log-level debug from the file (vale-vhost logs its connect attempts)");

	/* the front-end appears 1.2 s after the daemon: reconnect every second */
	while (now() < t0 + 1.2)
		usleep(10000);
	lfd = listen_on(clsock);
	t0 = now();
	s = lfd >= 0 ? accept_within(lfd, 2.5) : -1;
	dt = now() - t0;
	tap(s >= 0, "client: vale-vhost connects to a front-end that starts listening 1.2 s "
	    "after it (%.2f s later)", dt);
	okay = s >= 0 && fe_init(&cf, s) == 0 && fe_setup(&cf) == 0 &&
	       fe_connect_path(&c2, (snprintf(line, sizeof(line), "%s/c2.sock", dir), line)) == 0 &&
	       fe_setup(&c2) == 0;
	if (okay) {
		fe_post_rx(&c2, 16);
		fe_post_rx(&cf, 16);
		fe_tx(&cf, 64, 0x71);
		okay = fe_rx_check(&c2, 64, 0x71);
		fe_tx(&c2, 65, 0x72);
		okay = fe_rx_check(&cf, 65, 0x72) && okay;
	}
	tap(okay, "client: frames flow both ways over the connection vale-vhost made");

	/* the front-end goes away (QEMU restarts): the daemon connects again */
	fe_close(&cf);
	t0 = now();
	s = lfd >= 0 ? accept_within(lfd, 2.5) : -1;
	dt = now() - t0;
	tap(s >= 0, "client: reconnects after the front-end closed (%.2f s later)", dt);
	okay = s >= 0 && fe_init(&cf, s) == 0 && fe_setup(&cf) == 0 && c2.mem;
	if (okay) {
		fe_post_rx(&cf, 16);
		fe_tx(&cf, 66, 0x73);
		okay = fe_rx_check(&c2, 66, 0x73);
	}
	okay = okay && stat_of(st2, "cl", "connects") == 2 &&
	       stat_of(st2, "cl", "disconnects") == 1 &&
	       stat_of(st2, "cl", "connected") == 1 && stat_of(st2, "cl", "errors") == 0;
	tap(okay, "client: traffic after the reconnect; cl counts 2 connects, 1 disconnect");
	fe_close(&cf);
	fe_close(&c2);
	if (lfd >= 0)
		close(lfd);
	tap(daemon_stops_clean(pid, log2), "--config daemon: exits 0 on SIGTERM, no sanitizer report");

	/* a bad line: the daemon refuses to start and names file and line */
	f = fopen(conf, "w");
	if (f) {
		fprintf(f, "vm c3,path=%s/c3.sock,direct=pz\nbogus-key 1\n", dir);
		fclose(f);
	}
	snprintf(line, sizeof(line), "%s:2: unknown key bogus-key", conf);
	tap(config_refused(bin, conf, "vhost3.log", line),
	    "--config: an unknown key: exit status non-zero, error names FILE:2");
}

/* Put one 60-byte broadcast on tx queue @qi if it has room; false if not. */
static bool pump_one(struct fe *f, int qi, uint32_t seq)
{
	struct fvq *q = &f->q[qi];
	uint16_t d = q->avail_idx % QSZ;
	uint64_t gpa = TXBUF_GPA + (qi / 2) * PAIR_GPA + (uint64_t)d * BUF_SZ;
	uint8_t *p = f->mem + gpa;

	/* room: at most QSZ - 32 in flight */
	if ((uint16_t)(q->avail_idx - __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE)) >=
	    QSZ - 32)
		return false;
	memset(p, 0, HDR_LEN + 60);
	memset(p + HDR_LEN, 0xff, 6);			/* broadcast */
	memcpy(p + HDR_LEN + 6, "\x02\x00\x00\x00\x00\x01", 6);
	p[HDR_LEN + 12] = 0x88;				/* local experimental */
	p[HDR_LEN + 13] = 0xb5;
	memcpy(p + HDR_LEN + 14, "VHPM", 4);
	memcpy(p + HDR_LEN + 18, &seq, 4);
	p[HDR_LEN + 22] = (uint8_t)(qi / 2);
	fe_add(f, qi, d, gpa, HDR_LEN + 60, 0, 0);
	fe_publish(f, qi, d);
	return true;
}

#define PUMP_SEQS	(1u << 22)

static int pump(const char *sock, unsigned long count, unsigned int pairs,
		unsigned int rxbufs, const char *hold)
{
	unsigned long sent = 0, got[2] = { 0, 0 }, numbered = 0, dups = 0, misrouted = 0;
	uint8_t *seen = calloc(PUMP_SEQS / 8, 1);
	unsigned int p;
	struct fe f;
	double end, limit;

	if (pairs < 1 || pairs > MAX_FQ / 2) {
		fprintf(stderr, "hostile: QUEUE_PAIRS must be 1 or 2\n");
		return 2;
	}
	if (!seen || count > PUMP_SEQS) {
		fprintf(stderr, "hostile: COUNT must be at most %u\n", PUMP_SEQS);
		return 2;
	}
	if (rxbufs < 1 || rxbufs > QSZ - 1) {
		fprintf(stderr, "hostile: RX_BUFFERS must be 1..%u\n", QSZ - 1);
		return 2;
	}
	if (fe_connect_path(&f, sock) < 0) {
		fprintf(stderr, "hostile: cannot connect to %s\n", sock);
		return 2;
	}
	f.nq = 2 * pairs;
	if (fe_setup(&f) < 0) {
		fprintf(stderr, "hostile: vhost-user setup failed\n");
		return 2;
	}
	for (p = 0; p < pairs; p++)
		fe_post_rx_q(&f, 2 * p, rxbufs);
	while (sent < count) {
		unsigned int burst = 0, kick = 0;

		while (burst < 32 && sent < count) {
			p = sent % pairs;
			if (!pump_one(&f, 2 * p + 1, (uint32_t)sent))
				break;
			kick |= 1u << p;
			burst++;
			sent++;
		}
		for (p = 0; p < pairs; p++)
			if (kick & (1u << p))
				fe_kick(&f, 2 * p + 1);
		/* a pace a receiver like this one, polling every 1 ms, keeps up with */
		usleep(burst ? 500 : 100);
	}
	/* receive until nothing came for 2 s (at most 30 s) */
	end = now() + 2;
	limit = now() + 30;
	while (now() < end && now() < limit) {
		for (p = 0; p < pairs; p++) {
			struct fvq *q = &f.q[2 * p];
			bool any = false;

			while (__atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE) != q->used_seen) {
				struct vring_used_elem e = q->used->ring[q->used_seen % QSZ];
				const uint8_t *fr = f.mem + RXBUF_GPA + p * PAIR_GPA +
						    (uint64_t)(e.id % QSZ) * BUF_SZ + HDR_LEN;
				uint32_t seq;

				q->used_seen++;
				got[p]++;
				if (e.len >= HDR_LEN + 23 && !memcmp(fr + 14, "VHPM", 4)) {
					memcpy(&seq, fr + 18, 4);
					numbered++;
					if (fr[22] != p)
						misrouted++;
					if (seq >= PUMP_SEQS || (seen[seq / 8] & (1u << (seq % 8))))
						dups++;
					else
						seen[seq / 8] |= 1u << (seq % 8);
				}
				fe_publish(&f, 2 * p, e.id);
				any = true;
			}
			if (any) {
				fe_kick(&f, 2 * p);
				end = now() + 2;
			}
		}
		usleep(1000);
	}
	printf("sent %lu received %lu", sent, got[0] + got[1]);
	if (pairs > 1)
		printf(" (pair 0: %lu, pair 1: %lu)", got[0], got[1]);
	printf(" numbered %lu duplicates %lu misrouted %lu\n", numbered, dups, misrouted);
	fflush(stdout);
	if (hold) {
		limit = now() + 60;
		while (access(hold, F_OK) != 0 && now() < limit)
			usleep(20000);
	}
	fe_close(&f);
	free(seen);
	return 0;
}

/* ---- guest memory limits: config-file key, option, total over VMs ---- */

/* Negotiate on @f and send a table of @n regions of @size each (sparse). */
static int fe_sparse_table(struct fe *f, unsigned int n, uint64_t size)
{
	struct vhu_mem_table t = { .nregions = n };
	int fds[VHU_MAX_MEM_REGIONS], r = -1;
	unsigned int i;

	for (i = 0; i < n; i++) {
		fds[i] = sparse_memfd(size);
		t.regions[i] = (struct vhu_mem_region){ i * size, size,
			0x100000000000ull + i * size, 0 };
	}
	if (fe_negotiate(f) == 0)
		r = fe_acked(f, VHU_SET_MEM_TABLE, &t, 8 + n * sizeof(t.regions[0]), fds, n);
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return r;
}

static void t_limits(const char *bin)
{
	char conf[4200], log4[4200], st4[4200], got[1024], line[4400];
	struct fe x1, x2, x3, x4;
	bool okay, logged;
	pid_t pid;
	FILE *f;

	snprintf(conf, sizeof(conf), "%s/vhost4.conf", dir);
	snprintf(log4, sizeof(log4), "%s/vhost4.log", dir);
	snprintf(st4, sizeof(st4), "%s/stats4.sock", dir);
	f = fopen(conf, "w");
	if (f) {
		fprintf(f, "max-guest-mem 16M\n"
			"vm x1,path=%s/x1.sock,direct=pa\nvm x2,path=%s/x2.sock,direct=pa\n"
			"vm x3,path=%s/x3.sock,direct=pb\nvm x4,path=%s/x4.sock,direct=pb\n"
			"stats-socket %s\n", dir, dir, dir, dir, st4);
		fclose(f);
	}
	pid = start_daemon(bin, log4, (char *[]){ "--config", conf, "--max-total-mem", "20M",
						  NULL });
	snprintf(logpath, sizeof(logpath), "%s", log4);
	log_off = 0;
	okay = fe_connect(&x1, "x1") == 0 && fe_setup(&x1) == 0 &&
	       fe_connect(&x2, "x2") == 0 && fe_sparse_table(&x2, 1, 16 << 20) == 0;
	tap(okay, "limits: 4 MiB (x1) and 16 MiB (x2) accepted: max-guest-mem 16M from the "
	    "config file, --max-total-mem 20M");
	okay = fe_connect(&x3, "x3") == 0 && fe_sparse_table(&x3, 1, MEM_SIZE) < 0;
	logged = log_wait_error("x3", "SET_MEM_TABLE: 4194304 bytes of guest memory, other VMs "
				"have 20971520, over the limit of 20971520 for all VMs "
				"(max-total-mem)", 3, got, sizeof(got));
	if (!logged)
		printf("# got \"%s\"\n", got);
	tap(okay && logged && peer_closed(x3.sock, 3),
	    "limits: x3's 4 MiB over the total: refused (ack 1), error names max-total-mem, "
	    "connection closed");
	fe_close(&x3);
	okay = fe_connect(&x4, "x4") == 0 && fe_sparse_table(&x4, 2, 9 << 20) < 0;
	logged = log_wait_error("x4", "SET_MEM_TABLE: 18874368 bytes of guest memory, over the "
				"limit of 16777216 per VM (max-guest-mem)", 3, got, sizeof(got));
	if (!logged)
		printf("# got \"%s\"\n", got);
	tap(okay && logged, "limits: x4's two 9 MiB regions over the per-VM limit: refused, "
	    "error names max-guest-mem");
	fe_close(&x4);
	fe_close(&x2);
	okay = log_wait("[x2] info: disconnected", 3) && fe_connect(&x3, "x3") == 0 &&
	       fe_setup(&x3) == 0;
	tap(okay, "limits: once x2 is gone, x3 sets up");
	fe_close(&x3);
	fe_close(&x1);
	tap(daemon_stops_clean(pid, log4), "limits daemon: exits 0 on SIGTERM, no sanitizer report");

	f = fopen(conf, "w");
	if (f) {
		fprintf(f, "max-guest-mem lots\nvm x1,path=%s/x1.sock,direct=pa\n"
			"vm x2,path=%s/x2.sock,direct=pa\n", dir, dir);
		fclose(f);
	}
	snprintf(line, sizeof(line), "%s:1: max-guest-mem lots: not a size", conf);
	tap(config_refused(bin, conf, "vhost5.log", line),
	    "limits: max-guest-mem that is not a size: exit status non-zero, FILE:1 named");
}

/* ---- --seqfuzz: generated sequences of messages and ring contents ---- */

/*
 * Each program is a sequence of well-typed steps on one connection (VM
 * "s1", direct peer "s2"): vhost-user requests with values drawn from the
 * sets that matter (valid, boundary, wrong), fds of every kind a
 * front-end can pass (its own eventfds, a blocking eventfd one below its
 * maximum, one eventfd for several queues), memory tables (the same, a
 * new memfd, rings left outside, over the limit, a file shrunk after the
 * table), and guest actions (good frames, random descriptors, avail
 * jumps, rx buffers, kicks, the peer sending).  The steps are printed as
 * they run; program P of a run with --seed S uses the seed S + P and is
 * printed with it, so `--seed S+P --count 1` replays that program alone.
 * After each program the daemon must be alive, the stats socket must
 * answer, and the good pair g1 -> g2 must still work.
 */
static char prog_line[8192];
static size_t prog_len;

static void step(const char *fmt, ...)
{
	va_list ap;

	if (prog_len >= sizeof(prog_line) - 64)
		return;
	va_start(ap, fmt);
	prog_len += vsnprintf(prog_line + prog_len, sizeof(prog_line) - prog_len, fmt, ap);
	va_end(ap);
	prog_line[prog_len++] = ' ';
	prog_line[prog_len] = 0;
}

/* Replies the daemon sent: read and ignore, never wait. */
static void fe_drain(struct fe *f)
{
	char buf[4096];

	while (f->sock >= 0 && recv(f->sock, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

static uint32_t pick(const uint32_t *v, size_t n)
{
	return v[rnd() % n];
}

static int sf_fd(struct fe *f, int qi, bool call, int *blk)
{
	switch (rnd() % 5) {
	case 0:			/* blocking, one below the maximum */
		if (*blk < 0) {
			uint64_t v = 0xfffffffffffffffeull;

			*blk = eventfd(0, EFD_CLOEXEC);
			if (*blk >= 0 && write(*blk, &v, 8) != 8)
				return f->q[qi & 3].kick;
		}
		step("%s(%d,blocking-full)", call ? "CALL" : "KICK", qi);
		return *blk;
	case 1:			/* the other kind of this queue's fd */
		step("%s(%d,swapped)", call ? "CALL" : "KICK", qi);
		return call ? f->q[qi & 3].kick : f->q[qi & 3].call;
	case 2:			/* queue 0's, shared */
		step("%s(%d,shared)", call ? "CALL" : "KICK", qi);
		return call ? f->q[0].call : f->q[0].kick;
	default:
		step("%s(%d)", call ? "CALL" : "KICK", qi);
		return call ? f->q[qi & 3].call : f->q[qi & 3].kick;
	}
}

/* One step; true when the program must end (the guest memory is gone). */
static bool sf_step(struct fe *f, struct fe *peer, int *blk)
{
	static const uint32_t nums[] = { 1, 2, 64, QSZ, QSZ, QSZ, 100, 65536 };
	uint32_t flags = VHU_VERSION | (rnd() % 2 ? VHU_FLAG_NEED_REPLY : 0);
	unsigned int r = rnd() % 16, qi = r < 9 ? 1 : r < 14 ? 0 : r < 15 ? rnd() % 4 : rnd() % 40;
	struct vhu_vring_state s = { .index = qi };
	struct vhu_mem_table t = fe_table(f);
	uint64_t u = qi;
	int fd;

	switch (rnd() % 20) {
	case 0:
		step("NEGOTIATE");
		fe_negotiate(f);
		break;
	case 1:
		step("SETUP");
		fe_setup(f);
		break;
	case 2:
		step("MEM");
		fe_send(f, VHU_SET_MEM_TABLE, flags, &t, 8 + sizeof(t.regions[0]), &f->memfd, 1);
		break;
	case 3: {
		static const uint64_t sizes[] = { MEM_SIZE, 2 * MEM_SIZE, 4096, 2ull << 40 };
		uint64_t sz = sizes[rnd() % 4];
		uint64_t uva = (uintptr_t)f->mem + (rnd() % 4 ? 0 : 4 * MEM_SIZE);

		fd = memfd_create("seqfuzz", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, (off_t)sz) < 0)
			break;
		t.regions[0].memory_size = sz;
		t.regions[0].userspace_addr = uva;
		step("MEM-NEW(%#llx,%s)", (unsigned long long)sz,
		     uva == (uintptr_t)f->mem ? "same-uva" : "rings-outside");
		fe_send(f, VHU_SET_MEM_TABLE, flags, &t, 8 + sizeof(t.regions[0]), &fd, 1);
		close(fd);
		break;
	}
	case 4:
		s.num = pick(nums, sizeof(nums) / sizeof(nums[0]));
		step("NUM(%u,%u)", qi, s.num);
		fe_send(f, VHU_SET_VRING_NUM, flags, &s, sizeof(s), NULL, 0);
		break;
	case 5: {
		struct fvq *q = &f->q[qi & 3];
		struct vhu_vring_addr a = { .index = qi, .desc_uaddr = (uintptr_t)q->desc,
					    .avail_uaddr = (uintptr_t)q->avail,
					    .used_uaddr = (uintptr_t)q->used };
		unsigned int how = rnd() % 4;

		if (how == 1)
			a.avail_uaddr = (uintptr_t)f->mem + MEM_SIZE - 2;
		if (how == 2)
			a.desc_uaddr += 8;
		step("ADDR(%u,%s)", qi, how == 1 ? "outside" : how == 2 ? "misaligned" : "ok");
		fe_send(f, VHU_SET_VRING_ADDR, flags, &a, sizeof(a), NULL, 0);
		break;
	}
	case 6:
		s.num = rnd() % 3 ? 0 : rnd();
		step("BASE(%u,%u)", qi, s.num);
		fe_send(f, VHU_SET_VRING_BASE, flags, &s, sizeof(s), NULL, 0);
		break;
	case 7:
		step("GET-BASE(%u)", qi);
		fe_send(f, VHU_GET_VRING_BASE, VHU_VERSION, &s, sizeof(s), NULL, 0);
		break;
	case 8:
		fd = sf_fd(f, qi, false, blk);
		fe_send(f, VHU_SET_VRING_KICK, flags, &u, 8, &fd, 1);
		break;
	case 9:
		if (rnd() % 4 == 0) {
			step("CALL(%u,nofd)", qi);
			u |= VHU_VRING_NOFD;
			fe_send(f, VHU_SET_VRING_CALL, flags, &u, 8, NULL, 0);
			break;
		}
		fd = sf_fd(f, qi, true, blk);
		fe_send(f, VHU_SET_VRING_CALL, flags, &u, 8, &fd, 1);
		break;
	case 10:
		s.num = rnd() % 8 ? rnd() % 2 : 2;
		step("ENABLE(%u,%u)", qi, s.num);
		fe_send(f, VHU_SET_VRING_ENABLE, flags, &s, sizeof(s), NULL, 0);
		break;
	case 11:
		step("RESET-OWNER");
		fe_send(f, VHU_RESET_OWNER, flags, NULL, 0, NULL, 0);
		break;
	case 12:
	case 13:
		/* like a driver that wants an interrupt for the next used entry */
		step("TX");
		*(volatile uint16_t *)&f->q[1].avail->ring[QSZ] = fe_tx_used(f);
		*(volatile uint16_t *)&f->q[0].avail->ring[QSZ] = f->q[0].used->idx;
		fe_tx(f, 60 + rnd() % 1400, (uint8_t)rnd());
		break;
	case 14: {
		uint16_t d = rnd() % QSZ;
		int q = rnd() % 2;

		step("DESC(%d,%u)", q, d);
		fe_add(f, q, d, rnd() % 2 ? rnd() % MEM_SIZE : ((uint64_t)rnd() << 32) | rnd(),
		       rnd() % 4 ? rnd() % 3000 : rnd(), rnd() % 8, rnd() % QSZ);
		fe_publish(f, q, rnd() % 8 ? d : rnd());
		fe_kick(f, q);
		break;
	}
	case 15:
		step("AVAIL-JUMP(%u)", qi & 3);
		f->q[qi & 3].avail_idx += 300 + rnd() % 1000;
		__atomic_store_n(&f->q[qi & 3].avail->idx, f->q[qi & 3].avail_idx,
				 __ATOMIC_RELEASE);
		fe_kick(f, qi & 3);
		break;
	case 16:
		step("RX-BUFS");
		fe_post_rx(f, 1 + rnd() % 32);
		break;
	case 17:
		if (peer->sock < 0) {
			step("PEER-UP");
			if (fe_connect(peer, "s2") == 0)
				fe_setup(peer);
		} else {
			step("PEER-TX");
			fe_tx(peer, 60 + rnd() % 1400, (uint8_t)rnd());
		}
		break;
	case 18:
		if (rnd() % 8 == 0) {
			/* the last step: this side must not touch its memory now */
			step("SHRINK");
			if (ftruncate(f->memfd, 4096 * (1 + rnd() % 300)) == 0)
				fe_kick(f, 1);
			usleep(2000);
			fe_drain(f);
			return true;
		} else {
			step("STATS");
			stats_read(stats_path, (char[65536]){ 0 }, 65536);
		}
		break;
	case 19:
		step("SIGUSR1");
		kill(daemon_pid, SIGUSR1);
		break;
	}
	usleep(rnd() % 4 ? 0 : 2000);
	fe_drain(f);
	return false;
}

static bool sf_program(uint64_t seed, unsigned int p)
{
	static char js[65536];
	struct fe s1, s2;
	int blk = -1, i, n;
	bool okay;

	rng = seed * 0x9e3779b97f4a7c15ull | 1;
	prog_len = 0;
	prog_line[0] = 0;
	memset(&s2, 0, sizeof(s2));
	s2.sock = s2.memfd = -1;
	if (fe_connect(&s1, "s1") < 0)
		return false;
	n = 4 + rnd() % 28;
	if (rnd() % 4) {	/* most programs start from a working queue pair */
		step("SETUP");
		fe_setup(&s1);
	}
	for (i = 0; i < n; i++)
		if (sf_step(&s1, &s2, &blk))
			break;
	printf("# program %u seed %llu: %s\n", p, (unsigned long long)seed, prog_line);
	fflush(stdout);
	usleep(20000);
	okay = daemon_alive() && stats_read(stats_path, js, sizeof(js));
	fe_close(&s1);
	fe_close(&s2);
	okay = okay && log_wait("[s1] info: disconnected", 3) && daemon_alive() &&
	       good_pair_works((uint8_t)p);
	if (blk >= 0)
		close(blk);
	return okay;
}

static int seqfuzz(int argc, char **argv)
{
	char log[4096], arg[4][4200];
	unsigned long long seed = 1;
	unsigned long count = 20, p;
	double duration = 0, t0;
	const char *env = getenv("VHOST_FUZZ_DURATION");
	bool okay;
	int i;

	if (argc < 4) {
		fprintf(stderr, "usage: hostile --seqfuzz VALE_VHOST WORKDIR [--seed N] "
			"[--count M] [--duration SECS]\n");
		return 2;
	}
	for (i = 4; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--count"))
			count = strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--duration"))
			duration = strtod(argv[i + 1], NULL);
		else
			break;
	}
	if (i != argc) {
		fprintf(stderr, "hostile --seqfuzz: bad argument %s\n", argv[i]);
		return 2;
	}
	if (env && *env)
		duration = strtod(env, NULL);
	dir = argv[3];
	signal(SIGPIPE, SIG_IGN);
	snprintf(log, sizeof(log), "%s/vhost.log", dir);
	snprintf(logpath, sizeof(logpath), "%s", log);
	snprintf(arg[0], sizeof(arg[0]), "s1,path=%s/s1.sock,direct=ps,queues=2", dir);
	snprintf(arg[1], sizeof(arg[1]), "s2,path=%s/s2.sock,direct=ps", dir);
	snprintf(arg[2], sizeof(arg[2]), "g1,path=%s/g1.sock,direct=pg", dir);
	snprintf(arg[3], sizeof(arg[3]), "g2,path=%s/g2.sock,direct=pg", dir);
	snprintf(stats_path, sizeof(stats_path), "%s/stats.sock", dir);
	daemon_pid = start_daemon(argv[2], log, (char *[]){
		"--vm", arg[0], "--vm", arg[1], "--vm", arg[2], "--vm", arg[3],
		"--stats-socket", stats_path, NULL });
	okay = fe_connect(&g1, "g1") == 0 && fe_setup(&g1) == 0 &&
	       fe_connect(&g2, "g2") == 0 && fe_setup(&g2) == 0;
	if (okay) {
		fe_post_rx(&g2, 128);
		fe_post_rx(&g1, 128);
	}
	tap(okay && good_pair_works(1), "seqfuzz: good pair g1 -> g2 set up and working");
	printf("# seqfuzz: seed %llu, %s %g%s\n", seed, duration > 0 ? "for" : "count",
	       duration > 0 ? duration : (double)count, duration > 0 ? " s" : "");
	t0 = now();
	for (p = 0; duration > 0 ? now() - t0 < duration : p < count; p++) {
		okay = sf_program(seed + p, (unsigned int)p);
		tap(okay, "seqfuzz: program %lu (--seed %llu --count 1 replays it): daemon alive, "
		    "stats socket answers, g1 -> g2 works", p, seed + p);
		if (!okay)	/* what follows would only repeat it */
			break;
	}
	fe_close(&g1);
	fe_close(&g2);
	tap(daemon_stops_clean(daemon_pid, log), "seqfuzz: daemon exits 0 on SIGTERM, "
	    "no sanitizer report");
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}

int main(int argc, char **argv)
{
	char log[4096], arg[6][4200];
	unsigned int i, ncases = sizeof(cases) / sizeof(cases[0]);
	const char *seed_env = getenv("HOSTILE_SEED");
	bool okay;

	if (argc >= 2 && !strcmp(argv[1], "--seqfuzz"))
		return seqfuzz(argc, argv);
	if (argc >= 4 && argc <= 7 && !strcmp(argv[1], "--pump"))
		return pump(argv[2], strtoul(argv[3], NULL, 0),
			    argc >= 5 ? strtoul(argv[4], NULL, 0) : 1,
			    argc >= 6 ? strtoul(argv[5], NULL, 0) : QSZ - 1,
			    argc >= 7 ? argv[6] : NULL);
	if (argc != 3) {
		fprintf(stderr,
			"usage: hostile VALE_VHOST WORKDIR | --pump SOCKET COUNT [QUEUE_PAIRS [RX_BUFFERS [HOLD_FILE]]]\n");
		return 2;
	}
	dir = argv[2];
	signal(SIGPIPE, SIG_IGN);
	snprintf(log, sizeof(log), "%s/vhost.log", dir);
	snprintf(logpath, sizeof(logpath), "%s", log);
	snprintf(arg[0], sizeof(arg[0]), "evil,path=%s/evil.sock,direct=px", dir);
	snprintf(arg[1], sizeof(arg[1]), "evil2,path=%s/evil2.sock,direct=px", dir);
	snprintf(arg[2], sizeof(arg[2]), "g1,path=%s/g1.sock,direct=pg", dir);
	snprintf(arg[3], sizeof(arg[3]), "g2,path=%s/g2.sock,direct=pg", dir);
	snprintf(arg[4], sizeof(arg[4]), "w1,path=%s/w1.sock,direct=pw", dir);
	snprintf(arg[5], sizeof(arg[5]), "w2,path=%s/w2.sock,direct=pw", dir);
	snprintf(stats_path, sizeof(stats_path), "%s/stats.sock", dir);
	daemon_pid = start_daemon(argv[1], log, (char *[]){
		"--vm", arg[0], "--vm", arg[1], "--vm", arg[2], "--vm", arg[3],
		"--vm", arg[4], "--vm", arg[5], "--stats-socket", stats_path, NULL });
	if (seed_env)
		rng = strtoull(seed_env, NULL, 0) | 1;
	/*
	 * 2 (good pair) + 5 (stats socket) + 3 per case + 2 (books, survived)
	 * + 6 (direct hold and drop) + 4 (fds) + 1 (flood) + 1 (1-byte
	 * segments) + 3 (memory limits) + 2 per order row + 2 (fuzz) + 1 (exit)
	 * + 8 (config, client) + 6 (limits) + 1 (second connections)
	 */
	printf("1..%u\n", 2 + 5 + 3 * ncases + 2 + 6 + 4 + 1 + 1 + 3 + 2 * (unsigned int)NOSEQS + 1 +
	       2 + 1 + 8 + 6);
	okay = fe_connect(&g1, "g1") == 0 && fe_setup(&g1) == 0 &&
	       fe_connect(&g2, "g2") == 0 && fe_setup(&g2) == 0;
	tap(okay, "well-behaved pair g1, g2 set up");
	if (okay) {
		fe_post_rx(&g2, 128);
		fe_post_rx(&g1, 128);
	}
	tap(okay && good_pair_works(1), "g1 -> g2 frame arrives intact");
	t_stats();

	for (i = 0; i < ncases; i++) {
		const struct hcase *c = &cases[i];
		char got[1024];
		long long errs0 = stat_of(stats_path, "evil", "errors"), errs;
		bool logged, kind = false;

		log_skip();
		if (fe_connect(&ev, "evil") < 0) {
			tap(false, "%s: connect", c->name);
			tap(false, "%s: connection closed / queue stopped", c->name);
			tap(false, "%s: daemon alive, g1 -> g2 still works", c->name);
			fe_close(&ev);
			continue;
		}
		c->run(&ev);
		if (c->kind == K_GONE)
			fe_close(&ev);
		logged = log_wait_error("evil", c->expect, 3, got, sizeof(got));
		if (!logged)
			printf("# want \"%s\", got \"%s\"\n", c->expect, got);
		tap(logged, "%s: logs \"%s\"", c->name, c->expect);
		switch (c->kind) {
		case K_CLOSE:
			kind = peer_closed(ev.sock, 3);
			break;
		case K_STOP:
			kind = !peer_closed(ev.sock, 0.2) &&
			       queue_broken(stats_path, "evil", c->queue);
			break;
		case K_GONE:
			kind = true;
			break;
		}
		if (c->kind != K_GONE)
			fe_close(&ev);
		/* the connection must be gone before the next case */
		kind = log_wait("[evil] info: disconnected", 3) && kind;
		errs = stat_of(stats_path, "evil", "errors");
		if (errs != errs0 + 1) {
			printf("# evil errors %lld -> %lld\n", errs0, errs);
			kind = false;
		}
		tap(kind, "%s: %s, one error counted", c->name,
		    c->kind == K_CLOSE ? "the daemon closes the connection" :
		    c->kind == K_STOP ? "that queue stopped, the connection kept" :
		    "the connection is dropped");
		tap(daemon_alive() && good_pair_works((uint8_t)(i + 2)),
		    "%s: daemon alive, g1 -> g2 still works", c->name);
	}
	tap(good_books(), "after %u hostile connections: g1 -> g2 counters exact, no drops",
	    ncases);
	tap(daemon_alive(), "daemon survived %u hostile connections", ncases);
	t_direct_block();
	t_fd_call_full();
	t_fd_kick_shared();
	t_fd_kick_replaced();
	t_flood();
	t_tiny_segments();
	t_mem_limits();
	t_order();
	t_second_conn();
	printf("# fuzz seed %#llx (HOSTILE_SEED to repeat)\n", (unsigned long long)rng);
	t_fuzz("messages", fuzz_msgs, 60, 0x90);
	t_fuzz("descriptors", fuzz_descs, 40, 0x91);
	fe_close(&g1);
	fe_close(&g2);
	tap(daemon_stops_clean(daemon_pid, log), "daemon exits 0 on SIGTERM, no sanitizer report");
	t_config_client(argv[1]);
	t_limits(argv[1]);
	return tap_fail ? 1 : 0;
}
