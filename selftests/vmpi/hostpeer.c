// SPDX-License-Identifier: GPL-2.0
/*
 * hostpeer: the host end of the VMPI Tier-2 tests, on the libvale VMPI API.
 *
 *   hostpeer [--ctl PATH] [--vm NAME] [--sessions N]
 *
 * Opens every channel of the VM.  Channel 0 takes text commands from the
 * guest test (guest_tests.c) and answers each; the other channels echo
 * what they receive unless told otherwise:
 *   ping                         -> ok
 *   echo C | slow C USEC          echo (slow: sleep before each receive)
 *   gen C COUNT SEED RULE         send a stream (blocking writes)
 *   sink C COUNT SEED RULE USEC   receive and check a stream, slowly
 *   result C                      wait for the sink: "ok N" or "fail ..."
 *   hostile C MS                  write garbage into C's rings for MS ms,
 *                                 then reset them (a hostile host)
 *   hostile-hdr MS                garbage in the header for MS ms
 *   break C prod|desc|cons        break one rule of C's rings and ring the
 *                                 guest: h2g prod a ring ahead of cons, an
 *                                 h2g descriptor longer than max_msg, or
 *                                 g2h cons past the guest's prod; C stays
 *                                 idle until
 *   fix C                         sane empty rings again, C reopened
 *   quit
 * When the VM goes away (QEMU exits) every handle returns -ECONNRESET:
 * the session ends, and the next one starts when QEMU is back.  Exits
 * after --sessions sessions (default: never) with status 0, or 1 when a
 * sink saw a bad stream.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include <linux/vmpi.h>
#include "libvale-vmpi.h"
#include "vmpi_test.h"

enum mode { M_ECHO, M_GEN, M_SINK, M_HOSTILE, M_HELD };

struct chan {
	unsigned int idx;
	struct vale_vmpi *h;
	pthread_t thr;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	enum mode mode;
	unsigned int usec, count, seed, ms;
	int rule;
	bool busy;		/* a gen/sink/hostile job is running */
	bool started;		/* the channel thread took the job */
	bool fix;		/* M_HELD: restore the rings and end */
	char result[128];
	unsigned long echoed;
};

static const char *ctl_path = VALE_VMPI_CTL_DEFAULT, *vm = "t";
static unsigned int nchan;
static struct chan chans[VMPI_MAX_CHANNELS];
static volatile bool reset, quit;
static unsigned long echoed;
static int bad;
static uint8_t buf0[1 << 20];

static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "hostpeer: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

static bool gone(ssize_t r)
{
	if (r == -ECONNRESET || r == -EPROTO) {
		reset = true;
		return true;
	}
	return false;
}

/* Channel c's rings (geometry from our own view: the daemon laid it out). */
static void chan_rings(struct chan *c, struct vmpi_ring_ctl **g2h,
		       struct vmpi_ring_ctl **h2g)
{
	uint8_t *shm = vale_vmpi_shm(c->h, NULL);
	const struct vmpi_shm_hdr *h = (void *)shm;
	uint8_t *base = shm + h->chan_off + (size_t)c->idx * h->chan_stride;

	*g2h = (void *)(base + VMPI_RING_G2H * h->ring_stride);
	*h2g = (void *)(base + VMPI_RING_H2G * h->ring_stride);
}

static void chan_restore(struct chan *c);

/* One rule broken on an idle channel (see "break" above); 0 or -EINVAL. */
static int chan_break(struct chan *c, const char *kind)
{
	const struct vmpi_shm_hdr *h = vale_vmpi_shm(c->h, NULL);
	struct vale_vmpi_info info;
	struct vmpi_ring_ctl *g2h, *h2g;
	struct vmpi_desc *d;
	uint32_t i;

	vale_vmpi_info(c->h, &info);
	chan_rings(c, &g2h, &h2g);
	if (!strcmp(kind, "prod")) {
		i = __atomic_load_n(&h2g->cons, __ATOMIC_ACQUIRE);
		__atomic_store_n(&h2g->prod, i + info.slots + 1, __ATOMIC_RELEASE);
	} else if (!strcmp(kind, "desc")) {
		i = h2g->prod;
		d = (void *)((uint8_t *)h2g + h->desc_off);
		d[i & (info.slots - 1)] = (struct vmpi_desc){ .off = 0, .len = info.max_msg + 1 };
		__atomic_store_n(&h2g->prod, i + 1, __ATOMIC_RELEASE);
	} else if (!strcmp(kind, "cons")) {
		i = __atomic_load_n(&g2h->prod, __ATOMIC_ACQUIRE);
		__atomic_store_n(&g2h->cons, i + 1, __ATOMIC_RELEASE);
	} else {
		return -EINVAL;
	}
	vale_vmpi_kick(c->h);
	return 0;
}

/* A hostile host: garbage indices, lengths and offsets, then a clean reset. */
static void hostile(struct chan *c)
{
	size_t len;
	uint8_t *shm = vale_vmpi_shm(c->h, &len);
	struct vale_vmpi_info info;
	const struct vmpi_shm_hdr *h = (void *)shm;
	uint8_t *base;
	struct vmpi_ring_ctl *g2h, *h2g;
	struct vmpi_desc *d;
	uint32_t x = 12345 + c->idx;
	double end = vt_now() + c->ms / 1000.0;
	unsigned int i;

	vale_vmpi_info(c->h, &info);
	/* Geometry from our own view: the daemon laid it out. */
	base = shm + h->chan_off + (size_t)c->idx * h->chan_stride;
	g2h = (void *)(base + VMPI_RING_G2H * h->ring_stride);
	h2g = (void *)(base + VMPI_RING_H2G * h->ring_stride);
	d = (void *)((uint8_t *)h2g + h->desc_off);
	while (vt_now() < end) {
		for (i = 0; i < 64; i++) {
			x = vt_rng(x);
			switch (x % 8) {
			case 0: h2g->prod = vt_rng(x); break;
			case 1: h2g->prod = h2g->cons + (x >> 8) % (2 * info.slots); break;
			case 2: d[(x >> 4) % info.slots].off = vt_rng(x + 1); break;
			case 3: d[(x >> 4) % info.slots].len = vt_rng(x + 2); break;
			case 4: d[(x >> 4) % info.slots].len = info.data_size - (x & 0xff); break;
			case 5: g2h->cons = vt_rng(x + 3); break;
			case 6: g2h->room_event = vt_rng(x); h2g->data_event = x; break;
			case 7: d[(x >> 4) % info.slots].off = info.data_size - (x & 0x3f); break;
			}
		}
		vale_vmpi_kick(c->h);
		usleep(200);
	}
	chan_restore(c);
}

/* Give the channel back clean: both rings empty at 0, reopened. */
static void chan_restore(struct chan *c)
{
	struct vmpi_ring_ctl *g2h, *h2g;
	unsigned int i;

	chan_rings(c, &g2h, &h2g);
	memset(g2h, 0, sizeof(*g2h));
	memset(h2g, 0, sizeof(*h2g));
	g2h->room_event = h2g->room_event = (uint32_t)-1;
	vale_vmpi_close(c->h);
	c->h = NULL;
	/* The daemon sees the old connection close asynchronously. */
	for (i = 0; i < 100; i++) {
		if (vale_vmpi_open(ctl_path, vm, c->idx, &c->h) != -EBUSY)
			break;
		usleep(10000);
	}
	if (!c->h) {
		note("channel %u: reopen after hostile failed", c->idx);
		reset = true;
	}
}

static void *chan_main(void *arg)
{
	struct chan *c = arg;
	static __thread uint8_t buf[1 << 17];
	ssize_t r;
	unsigned int k;
	bool fix;
	int m;

	while (!reset && !quit) {
		pthread_mutex_lock(&c->lock);
		enum mode mode = c->mode;
		if (c->busy && !c->started) {
			c->started = true;
			pthread_cond_broadcast(&c->cond);
		}
		pthread_mutex_unlock(&c->lock);

		switch (mode) {
		case M_ECHO:
			m = vale_vmpi_poll(c->h, POLLIN, 50);
			if (m < 0 || (m & (POLLHUP | POLLERR))) {
				reset = true;
				break;
			}
			if (!(m & POLLIN))
				break;
			if (c->usec)
				usleep(c->usec);
			r = vale_vmpi_recv(c->h, buf, sizeof(buf), VALE_VMPI_NONBLOCK);
			if (r == -EAGAIN || gone(r))
				break;
			if (r < 0) {
				note("channel %u: recv %zd", c->idx, r);
				break;
			}
			r = vale_vmpi_send(c->h, buf, r, 0);
			if (gone(r))
				break;
			if (++c->echoed == 1)
				note("channel %u: traffic", c->idx);
			break;
		case M_GEN:
			for (k = 0; k < c->count && !reset; k++) {
				unsigned int len = vt_size(c->rule, c->seed, k);

				vt_fill(buf, c->seed, k, len);
				r = vale_vmpi_send(c->h, buf, len, 0);
				if (gone(r) || r != (ssize_t)len) {
					note("channel %u: gen %u: %zd", c->idx, k, r);
					break;
				}
			}
			goto job_done;
		case M_SINK:
			snprintf(c->result, sizeof(c->result), "ok %u", c->count);
			for (k = 0; k < c->count && !reset; k++) {
				if (c->usec)
					usleep(c->usec);
				r = vale_vmpi_recv(c->h, buf, sizeof(buf), 0);
				if (gone(r) || r < 0) {
					snprintf(c->result, sizeof(c->result),
						 "fail recv %u: %zd", k, r);
					break;
				}
				if (vt_check(buf, r, c->rule, c->seed, k)) {
					snprintf(c->result, sizeof(c->result),
						 "fail message %u", k);
					bad = 1;
					break;
				}
			}
			goto job_done;
		case M_HOSTILE:
			hostile(c);
			goto job_done;
		case M_HELD:
			pthread_mutex_lock(&c->lock);
			fix = c->fix;
			c->fix = false;
			pthread_mutex_unlock(&c->lock);
			if (fix) {
				chan_restore(c);
				goto job_done;
			}
			usleep(5000);
			break;
		}
		continue;
job_done:
		pthread_mutex_lock(&c->lock);
		c->mode = M_ECHO;
		c->usec = 0;
		c->busy = false;
		pthread_cond_broadcast(&c->cond);
		pthread_mutex_unlock(&c->lock);
	}
	return NULL;
}

static void start_job(struct chan *c, enum mode m)
{
	pthread_mutex_lock(&c->lock);
	c->mode = m;
	c->busy = true;
	c->started = false;
	/* Reply only once the echo loop is out of the way. */
	while (!c->started && !reset)
		pthread_cond_wait(&c->cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
}

static void *hdr_restore(void *arg)
{
	uintptr_t ms = (uintptr_t)arg;
	size_t len;
	struct vmpi_shm_hdr *h = vale_vmpi_shm(chans[0].h, &len), save = *h;
	uint32_t x = 777;
	unsigned int i;
	uint32_t *w = (uint32_t *)h;

	/* Every host-written word of the header, a few times over. */
	for (i = 0; i < 4 * 16; i++) {
		x = vt_rng(x);
		if (i % 16 != 0)	/* keep the magic: the guest must check more */
			w[i % 16] = x;
	}
	usleep(ms * 1000);
	memcpy(h, &save, offsetof(struct vmpi_shm_hdr, guest_state));
	return NULL;
}

static void command(char *cmd, char *reply, size_t rlen)
{
	unsigned int ci, a, b, d, e;
	char kind[16];
	int rule;
	struct chan *c;

	snprintf(reply, rlen, "ok");
	if (!strcmp(cmd, "ping"))
		return;
	if (!strcmp(cmd, "quit")) {
		quit = true;
		return;
	}
	if (sscanf(cmd, "hostile-hdr %u", &a) == 1) {
		pthread_t t;

		pthread_create(&t, NULL, hdr_restore, (void *)(uintptr_t)a);
		pthread_detach(t);
		usleep(1000);
		return;
	}
	if (sscanf(cmd, "%*s %u", &ci) != 1 || ci == 0 || ci >= nchan) {
		snprintf(reply, rlen, "err bad command");
		return;
	}
	c = &chans[ci];
	if (!strncmp(cmd, "fix", 3)) {
		pthread_mutex_lock(&c->lock);
		if (c->busy && c->mode == M_HELD) {
			c->fix = true;
			while (c->busy && !reset)
				pthread_cond_wait(&c->cond, &c->lock);
		} else {
			snprintf(reply, rlen, "err channel %u not broken", ci);
		}
		pthread_mutex_unlock(&c->lock);
		return;
	}
	if (!strncmp(cmd, "result", 6)) {
		pthread_mutex_lock(&c->lock);
		while (c->busy && !reset)
			pthread_cond_wait(&c->cond, &c->lock);
		snprintf(reply, rlen, "%s", c->result);
		pthread_mutex_unlock(&c->lock);
		return;
	}
	pthread_mutex_lock(&c->lock);
	while (c->busy && !reset)
		pthread_cond_wait(&c->cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
	if (!strncmp(cmd, "echo", 4)) {
		c->usec = 0;
	} else if (sscanf(cmd, "slow %*u %u", &a) == 1) {
		c->usec = a;
	} else if (sscanf(cmd, "gen %*u %u %u %d", &a, &b, &rule) == 3) {
		c->count = a, c->seed = b, c->rule = rule;
		start_job(c, M_GEN);
	} else if (sscanf(cmd, "sink %*u %u %u %d %u", &a, &b, &rule, &d) == 4) {
		c->count = a, c->seed = b, c->rule = rule, c->usec = d;
		start_job(c, M_SINK);
	} else if (sscanf(cmd, "break %*u %15s", kind) == 1) {
		start_job(c, M_HELD);
		if (chan_break(c, kind))
			snprintf(reply, rlen, "err bad break");
	} else if (sscanf(cmd, "hostile %*u %u", &e) == 1) {
		c->ms = e;
		start_job(c, M_HOSTILE);
		pthread_mutex_lock(&c->lock);
		while (c->busy && !reset)
			pthread_cond_wait(&c->cond, &c->lock);
		pthread_mutex_unlock(&c->lock);
	} else {
		snprintf(reply, rlen, "err bad command");
	}
}

static int session(void)
{
	struct vale_vmpi_info info;
	unsigned int i;
	char reply[160];
	int err;

	for (;;) {
		err = vale_vmpi_open(ctl_path, vm, 0, &chans[0].h);
		if (!err)
			break;
		/*
		 * Not there yet, or gone: no VM, no daemon, a daemon killed
		 * while it answered this very request (reset, broken pipe:
		 * run.sh phase 2b kills it while we retry), the channel held.
		 */
		if (err != -ENOTCONN && err != -ECONNREFUSED && err != -ENOENT &&
		    err != -EBUSY && err != -ECONNRESET && err != -EPIPE) {
			note("open: %s", strerror(-err));
			return -1;
		}
		usleep(50000);
	}
	vale_vmpi_info(chans[0].h, &info);
	nchan = info.nchannels;
	for (i = 1; i < nchan; i++) {
		struct chan *c = &chans[i];

		memset(c, 0, sizeof(*c));
		c->idx = i;
		pthread_mutex_init(&c->lock, NULL);
		pthread_cond_init(&c->cond, NULL);
		err = vale_vmpi_open(ctl_path, vm, i, &c->h);
		if (err) {
			note("open %u: %s", i, strerror(-err));
			reset = true;
			nchan = i;
			break;
		}
	}
	note("session: %u channels, max message %u", nchan, info.max_msg);
	for (i = 1; i < nchan && !reset; i++)
		pthread_create(&chans[i].thr, NULL, chan_main, &chans[i]);
	while (!reset && !quit) {
		int m = vale_vmpi_poll(chans[0].h, POLLIN, 100);
		ssize_t r;

		if (m < 0 || (m & (POLLHUP | POLLERR))) {
			reset = true;
			break;
		}
		if (!(m & POLLIN))
			continue;
		r = vale_vmpi_recv(chans[0].h, buf0, sizeof(buf0) - 1, VALE_VMPI_NONBLOCK);
		if (r == -EAGAIN)
			continue;
		if (r < 0) {
			reset = true;
			break;
		}
		buf0[r] = 0;
		note("command: %s", (char *)buf0);
		command((char *)buf0, reply, sizeof(reply));
		if (vale_vmpi_send(chans[0].h, reply, strlen(reply), 0) < 0)
			reset = true;
	}
	reset = true;
	echoed = 0;
	for (i = 1; i < nchan; i++) {
		if (chans[i].thr)
			pthread_join(chans[i].thr, NULL);
		echoed += chans[i].echoed;
		chans[i].thr = 0;
		vale_vmpi_close(chans[i].h);
		chans[i].h = NULL;
	}
	vale_vmpi_close(chans[0].h);
	chans[0].h = NULL;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "ctl", required_argument, NULL, 'c' },
		{ "vm", required_argument, NULL, 'm' },
		{ "sessions", required_argument, NULL, 's' },
		{ }
	};
	int sessions = -1, n = 0, o;

	while ((o = getopt_long(argc, argv, "c:m:s:", lopts, NULL)) != -1) {
		switch (o) {
		case 'c': ctl_path = optarg; break;
		case 'm': vm = optarg; break;
		case 's': sessions = atoi(optarg); break;
		default: return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!quit && (sessions < 0 || n < sessions)) {
		reset = false;
		if (session())
			return 1;
		n++;
		note("session %d ended (%s), echoed %lu", n,
		     quit ? "quit" : "VM went away", echoed);
	}
	return bad;
}
