// SPDX-License-Identifier: GPL-2.0
/*
 * guest_tests: the guest side of the VMPI Tier-2 tests (static, TAP).
 * Runs inside the test VM against selftests/vmpi/hostpeer on the host;
 * channel 0 carries commands to it (see hostpeer.c).
 *
 * The kernel command line may carry vmpi_tests=NAME[,NAME...] to run a
 * subset (init passes unknown parameters to it in the environment):
 * smoke, alone, sizes, multi, block, nonblock, poll, reload, hostile,
 * broken, header, unbind, failnth, traffic (runs echo traffic until the
 * VM is killed).  The plan (1..N) comes first: each group declares how
 * many results it prints, so that a suite cut short fails.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vmpi.h>
#include "vmpi_test.h"
#include "../vm/failnth.h"

#define DEV "/dev/vmpi0"
#define MAXMSG 65536

static int ctl = -1;
static struct vmpi_info info;

static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

/* The first number a shell command prints, or -1. */
static long sh_num(const char *cmd)
{
	FILE *f = popen(cmd, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		pclose(f);
	}
	return v;
}

/* The PCI address of /dev/vmpi0's device ("" when there is none). */
static void vmpi0_bdf(char *bdf, size_t len)
{
	char p[300];
	ssize_t n = readlink("/sys/class/misc/vmpi0/device", p, sizeof(p) - 1);
	const char *b;

	bdf[0] = 0;
	if (n <= 0)
		return;
	p[n] = 0;
	b = strrchr(p, '/');
	b = b ? b + 1 : p;
	if (strlen(b) < len)
		memcpy(bdf, b, strlen(b) + 1);
}

/* A counter of channel c from debugfs ("faults", "rx_fault", ...). */
static long chan_stat(unsigned int c, const char *name)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd),
		 "sed -n 's/^chan %u bound.* %s \\([0-9]*\\).*/\\1/p' /sys/kernel/debug/vmpi/vmpi0/stats",
		 c, name);
	return sh_num(cmd);
}

static bool wait_dev(bool present, double secs)
{
	double end = vt_now() + secs;

	while (vt_now() < end) {
		if (exists(DEV) == present)
			return true;
		usleep(20000);
	}
	return exists(DEV) == present;
}

static int open_chan(unsigned int c, int flags)
{
	int fd = open(DEV, O_RDWR | flags);
	__u32 idx = c;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, VMPI_IOC_BIND, &idx) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

/* Read one message, waiting at most ms. */
static ssize_t read_to(int fd, void *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return -ETIMEDOUT;
	n = read(fd, buf, len);
	return n < 0 ? -errno : n;
}

/* A command to the host peer; its reply in r. */
static int cmd(char *r, size_t rlen, const char *fmt, ...)
{
	char c[160];
	va_list ap;
	ssize_t n;

	va_start(ap, fmt);
	vsnprintf(c, sizeof(c), fmt, ap);
	va_end(ap);
	if (write(ctl, c, strlen(c)) < 0)
		return -errno;
	for (int i = 0; i < 12; i++) {
		n = read_to(ctl, r, rlen - 1, 5000);
		if (n != -ETIMEDOUT)
			break;
		printf("# no reply to '%s' after %ds\n", c, 5 * (i + 1));
		sh("grep '^chan 0\\|irqs' /sys/kernel/debug/vmpi/vmpi0/stats | sed 's/^/# /'");
	}
	if (n < 0) {
		snprintf(r, rlen, "error %zd", n);
		return n;
	}
	r[n] = 0;
	return strncmp(r, "ok", 2) ? -EPROTO : 0;
}

static bool ctl_open(void)
{
	if (ctl >= 0)
		close(ctl);
	ctl = open_chan(0, 0);
	if (ctl < 0)
		return false;
	return ioctl(ctl, VMPI_IOC_INFO, &info) == 0;
}

static bool reload(void)
{
	if (ctl >= 0)
		close(ctl);
	ctl = -1;
	if (sh("rmmod vmpi") || !wait_dev(false, 5))
		return false;
	if (sh("insmod /vale/vmpi.ko") || !wait_dev(true, 5))
		return false;
	return ctl_open();
}

/* ---- tests ----------------------------------------------------------- */

static void t_smoke(void)
{
	char r[64];
	__u32 bad = 999;
	char b[8];

	vt_ok(info.nchannels >= 4 && info.max_msg == MAXMSG && info.channel == 0,
	      "info: %u channels, max message %u, slots %u, data %u",
	      info.nchannels, info.max_msg, info.slots, info.data_size);
	printf("# interrupts: %s, %u vectors, peer id %u\n",
	       info.nvec ? "MSI-X" : "INTx", info.nvec, info.peer_id);
	vt_ok(cmd(r, sizeof(r), "ping") == 0,
	      "host answers on channel 0 (host->guest interrupt via %s)",
	      info.nvec ? "MSI-X" : "INTx");
	vt_ok(open_chan(0, 0) == -EBUSY, "second bind of a channel is -EBUSY");
	{
		int fd = open(DEV, O_RDWR);

		vt_ok(fd >= 0 && ioctl(fd, VMPI_IOC_BIND, &bad) < 0 && errno == EINVAL,
		      "bind to channel 999 is -EINVAL");
		vt_ok(read(fd, b, sizeof(b)) < 0 && errno == ENOTCONN,
		      "read on an unbound file is -ENOTCONN");
		close(fd);
	}
}

static void t_alone(void)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	int ivshmem = 0, bound = 0;
	char p[300], v[32];

	while (d && (e = readdir(d))) {
		FILE *f;

		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/device", e->d_name);
		f = fopen(p, "r");
		if (!f)
			continue;
		if (fgets(v, sizeof(v), f) && !strncmp(v, "0x1110", 6)) {
			ivshmem++;
			snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/driver", e->d_name);
			bound += exists(p);
		}
		fclose(f);
	}
	if (d)
		closedir(d);
	vt_ok(ivshmem == 2 && bound == 1 && !exists("/dev/vmpi1"),
	      "ivshmem device without VMPI magic left alone (%d devices, %d bound)",
	      ivshmem, bound);
}

static void t_sizes(void)
{
	static uint8_t out[MAXMSG + 8], in[MAXMSG + 8];
	unsigned int sizes[] = { 0, 1, 4000, 4096, 65536 }, i;
	int fd = open_chan(1, 0), good = 1;
	ssize_t n;

	for (i = 0; fd >= 0 && i < 5; i++) {
		vt_fill(out, 1, i, sizes[i]);
		n = write(fd, out, sizes[i]);
		if (n != (ssize_t)sizes[i]) {
			good = 0;
			break;
		}
		n = read_to(fd, in, sizeof(in), 10000);
		if (vt_check(in, n, sizes[i], 1, i))
			good = 0;
	}
	vt_ok(fd >= 0 && good, "echo of sizes 0, 1, 4000, 4096, 65536 intact");
	vt_ok(write(fd, out, MAXMSG + 1) < 0 && errno == EMSGSIZE,
	      "write over max_msg is -EMSGSIZE");
	vt_fill(out, 2, 0, 4000);
	n = write(fd, out, 4000);
	n = read_to(fd, in, 100, 10000);
	vt_ok(n == -EMSGSIZE, "read into a short buffer is -EMSGSIZE (%zd)", n);
	n = read_to(fd, in, sizeof(in), 10000);
	vt_ok(vt_check(in, n, 4000, 2, 0) == 0, "... and the message is still there");
	close(fd);
}

struct stream {
	int fd, rule;
	unsigned int seed, count, usec;
	int result;
	double waited;
};

static void *writer(void *arg)
{
	struct stream *s = arg;
	static __thread uint8_t b[MAXMSG];
	unsigned int k;

	for (k = 0; k < s->count; k++) {
		unsigned int len = vt_size(s->rule, s->seed, k);
		double t0 = vt_now();

		vt_fill(b, s->seed, k, len);
		if (write(s->fd, b, len) != (ssize_t)len) {
			printf("# write %u: %s\n", k, strerror(errno));
			s->result = -1;
			return NULL;
		}
		s->waited += vt_now() - t0;
	}
	return NULL;
}

static void *reader(void *arg)
{
	struct stream *s = arg;
	static __thread uint8_t b[MAXMSG];
	unsigned int k;

	for (k = 0; k < s->count; k++) {
		ssize_t n;

		if (s->usec)
			usleep(s->usec);
		n = read_to(s->fd, b, sizeof(b), 30000);
		if (vt_check(b, n, s->rule, s->seed, k)) {
			s->result = -1;
			return NULL;
		}
	}
	return NULL;
}

static void t_multi(void)
{
	struct stream w[3], rd[3];
	pthread_t tw[3], tr[3];
	int i, good = 1, fd[3];

	for (i = 0; i < 3; i++) {
		fd[i] = open_chan(1 + i, 0);
		w[i] = (struct stream){ .fd = fd[i], .rule = VT_RAND(MAXMSG),
					.seed = 100 + i, .count = 300 };
		rd[i] = w[i];
		pthread_create(&tw[i], NULL, writer, &w[i]);
		pthread_create(&tr[i], NULL, reader, &rd[i]);
	}
	for (i = 0; i < 3; i++) {
		pthread_join(tw[i], NULL);
		pthread_join(tr[i], NULL);
		good &= fd[i] >= 0 && !w[i].result && !rd[i].result;
		close(fd[i]);
	}
	vt_ok(good, "3 channels at once, both directions, 300 random-size messages each: content and order");
}

static void t_block(void)
{
	struct stream s = { .rule = 4000, .seed = 7, .count = 200 };
	char r[64];
	double t0;

	/* Guest writes to a slow host reader: the writer must block. */
	s.fd = open_chan(1, 0);
	cmd(r, sizeof(r), "sink 1 200 7 4000 2000");
	t0 = vt_now();
	writer(&s);
	cmd(r, sizeof(r), "result 1");
	vt_ok(!s.result && !strcmp(r, "ok 200") && s.waited > 0.1,
	      "slow host reader: guest writer blocked %.2fs of %.2fs, host got 200/200 in order (%s)",
	      s.waited, vt_now() - t0, r);
	close(s.fd);

	/* Host writes to a slow guest reader: the host blocks, nothing lost. */
	s = (struct stream){ .rule = VT_RAND(20000), .seed = 8, .count = 400, .usec = 1000 };
	s.fd = open_chan(2, 0);
	cmd(r, sizeof(r), "gen 2 400 8 %d", VT_RAND(20000));
	reader(&s);
	vt_ok(!s.result, "slow guest reader: 400 host messages, none lost or reordered");
	close(s.fd);
}

static void t_nonblock(void)
{
	static uint8_t b[16384];
	struct pollfd p;
	unsigned int k = 0, eagain_after_pollout = 0;
	int fd = open_chan(3, O_NONBLOCK), n, err = 0;
	bool pollout;
	double t0;
	char r[64];

	cmd(r, sizeof(r), "sink 3 40 9 16384 100000");
	for (;;) {
		vt_fill(b, 9, k, sizeof(b));
		if (write(fd, b, sizeof(b)) != sizeof(b)) {
			err = errno;
			break;
		}
		k++;
	}
	vt_ok(err == EAGAIN && k > 0, "non-blocking writer gets -EAGAIN when full (after %u)", k);
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	n = poll(&p, 1, 0);
	vt_ok(n == 0, "poll: not writable while full");
	t0 = vt_now();
	n = poll(&p, 1, 10000);
	vt_ok(n == 1 && (p.revents & POLLOUT), "poll wakes on room (%.2fs)", vt_now() - t0);
	/*
	 * POLLOUT promises room for a max_msg message: the write after it
	 * must not fail with -EAGAIN (vmpi.md).  Other writes may.
	 */
	pollout = n == 1 && (p.revents & POLLOUT);
	while (k < 40) {
		bool after_pollout = pollout;

		pollout = false;
		vt_fill(b, 9, k, sizeof(b));
		if (write(fd, b, sizeof(b)) == sizeof(b)) {
			k++;
			continue;
		}
		if (errno != EAGAIN)
			break;
		if (after_pollout)
			eagain_after_pollout++;
		p.events = POLLOUT;
		if (poll(&p, 1, 10000) == 1 && (p.revents & POLLOUT))
			pollout = true;
		else
			break;
	}
	vt_ok(k == 40 && eagain_after_pollout == 0,
	      "no write after POLLOUT fails with -EAGAIN (%u of 40 written, %u such writes)",
	      k, eagain_after_pollout);
	cmd(r, sizeof(r), "result 3");
	vt_ok(!strcmp(r, "ok 40"), "nothing lost across -EAGAIN (%s)", r);
	close(fd);
}

static void t_poll(void)
{
	static uint8_t b[256];
	struct pollfd p;
	int fd = open_chan(2, 0), n;
	double t0;
	char r[64];

	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	vt_ok(poll(&p, 1, 100) == 0, "poll: nothing to read");
	vt_ok(poll(&(struct pollfd){ .fd = fd, .events = POLLOUT }, 1, 0) == 1,
	      "poll: writable when empty");
	cmd(r, sizeof(r), "gen 2 1 11 200");
	t0 = vt_now();
	n = poll(&p, 1, 10000);
	vt_ok(n == 1 && (p.revents & POLLIN), "poll wakes on data (%.3fs)", vt_now() - t0);
	n = read(fd, b, sizeof(b));
	vt_ok(vt_check(b, n, 200, 11, 0) == 0, "... and the message is right");
	close(fd);
}

static void t_reload(void)
{
	struct stream in = { .rule = VT_RAND(MAXMSG), .seed = 21, .count = 50 };
	struct stream out = { .rule = VT_RAND(MAXMSG), .seed = 22, .count = 100 };
	char r[64];
	int good;

	/* The host streams 200 messages in, the guest streams 200 out. */
	cmd(r, sizeof(r), "gen 2 200 21 %d", VT_RAND(MAXMSG));
	cmd(r, sizeof(r), "sink 1 200 22 %d 1000", VT_RAND(MAXMSG));
	in.fd = open_chan(2, 0);
	out.fd = open_chan(1, 0);
	reader(&in);
	writer(&out);
	good = !in.result && !out.result;
	close(in.fd);
	close(out.fd);
	/* Unload and load the driver with both streams in flight. */
	vt_ok(reload(), "vmpi.ko unloaded and loaded again under traffic");
	/* The rest of both streams carries on where it stopped. */
	in.fd = open_chan(2, 0);
	out.fd = open_chan(1, 0);
	in.count = 200;
	out.count = 200;
	{
		static uint8_t b[MAXMSG];
		unsigned int k;

		for (k = 50; k < 200 && !in.result; k++) {
			ssize_t n = read_to(in.fd, b, sizeof(b), 30000);

			if (vt_check(b, n, in.rule, in.seed, k))
				in.result = -1;
		}
		for (k = 100; k < 200 && !out.result; k++) {
			unsigned int len = vt_size(out.rule, out.seed, k);

			vt_fill(b, out.seed, k, len);
			if (write(out.fd, b, len) != (ssize_t)len)
				out.result = -1;
		}
	}
	cmd(r, sizeof(r), "result 1");
	vt_ok(good && !in.result && !out.result && !strcmp(r, "ok 200"),
	      "both streams complete and in order across the reload (%s)", r);
	close(in.fd);
	close(out.fd);
}

static volatile int hammering;

static void *hammer(void *arg)
{
	static uint8_t b[MAXMSG];
	int fd = *(int *)arg;
	unsigned long ops = 0, errs = 0;

	while (hammering) {
		struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

		poll(&p, 1, 1);
		if (read(fd, b, sizeof(b)) < 0)
			errs++;
		if (write(fd, b, 1 + ops % 5000) < 0)
			errs++;
		ops++;
	}
	printf("# hammer: %lu rounds, %lu errors\n", ops, errs);
	return NULL;
}

static void t_hostile(void)
{
	pthread_t t;
	char r[64];
	int fd = open_chan(3, O_NONBLOCK), rc;
	static uint8_t b[128];
	ssize_t n;

	hammering = 1;
	pthread_create(&t, NULL, hammer, &fd);
	rc = cmd(r, sizeof(r), "hostile 3 1500");
	hammering = 0;
	pthread_join(t, NULL);
	close(fd);
	vt_ok(rc == 0, "guest survives a host writing garbage indices, lengths, offsets");
	sh("cat /sys/kernel/debug/vmpi/vmpi0/stats | grep '^chan 3' | sed 's/^/# /'");
	fd = open_chan(3, 0);
	vt_fill(b, 5, 0, 100);
	n = write(fd, b, 100);
	n = read_to(fd, b, sizeof(b), 10000);
	vt_ok(vt_check(b, n, 100, 5, 0) == 0, "channel works again after rebinding");
	close(fd);
}

static void on_usr1(int sig)
{
	(void)sig;
}

/*
 * A reader blocked on fd (blocked_reader() below): its result, or
 * -ETIMEDOUT when it was still blocked after ms and had to be
 * interrupted.
 */
static void *blocked_reader(void *arg);

static int join_reader(pthread_t t, int *res, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	if (pthread_timedjoin_np(t, NULL, &ts) == 0)
		return *res;
	pthread_kill(t, SIGUSR1);
	pthread_join(t, NULL);
	return -ETIMEDOUT;
}

/* One echo on a freshly bound channel c. */
static bool echo_ok(int fd, unsigned int seed)
{
	static uint8_t b[256];
	ssize_t n;

	vt_fill(b, seed, 0, 200);
	if (write(fd, b, 200) != 200)
		return false;
	n = read_to(fd, b, sizeof(b), 10000);
	return vt_check(b, n, 200, seed, 0) == 0;
}

/*
 * A host that breaks one rule of a ring (hostpeer's "break C KIND"): the
 * guest's next operation on that ring fails with -EIO and poll reports
 * POLLERR; the error stays when the host puts sane rings back ("fix C")
 * until the channel is bound again (vmpi.md, Trust and Guest API).
 */
static void t_broken(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct pollfd p;
	int fd = open_chan(1, 0), res = fd, rc, n, n2, e2, good = 1;
	long f0 = chan_stat(1, "faults"), f1, rxf;
	char r[64], b[64];
	pthread_t t;

	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: interrupts read */

	/* prod a ring ahead of cons, under a blocked reader */
	pthread_create(&t, NULL, blocked_reader, &res);
	usleep(200000);
	rc = cmd(r, sizeof(r), "break 1 prod");
	res = join_reader(t, &res, 10000);
	vt_ok(fd >= 0 && rc == 0 && res == -EIO,
	      "host moves prod a ring ahead of cons: a blocked reader wakes with -EIO (%d)", res);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	n = poll(&p, 1, 0);
	vt_ok(n == 1 && (p.revents & POLLERR) && !(p.revents & POLLIN),
	      "... poll reports POLLERR, not POLLIN (revents %#x)", p.revents);
	/* from here on a ring that is not faulted says -EAGAIN, never blocks */
	fcntl(fd, F_SETFL, O_NONBLOCK);
	rc = cmd(r, sizeof(r), "fix 1");
	n = read(fd, b, sizeof(b));
	e2 = errno;
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	n2 = poll(&p, 1, 0);
	f1 = chan_stat(1, "faults");
	rxf = chan_stat(1, "rx_fault");
	vt_ok(rc == 0 && n < 0 && e2 == EIO && n2 == 1 && (p.revents & POLLERR) &&
	      rxf == 1 && f1 > f0,
	      "... and stays broken once the host put sane rings back: read -EIO, POLLERR, debugfs rx_fault %ld, faults %ld -> %ld",
	      rxf, f0, f1);
	close(fd);
	fd = open_chan(1, 0);
	good &= fd >= 0 && echo_ok(fd, 41);
	fcntl(fd, F_SETFL, O_NONBLOCK);

	/* a descriptor longer than max_msg */
	rc = cmd(r, sizeof(r), "break 1 desc");
	n = read(fd, b, sizeof(b));
	e2 = errno;
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	n2 = poll(&p, 1, 0);
	vt_ok(rc == 0 && n < 0 && e2 == EIO && n2 == 1 && (p.revents & POLLERR),
	      "host publishes a descriptor longer than max_msg: read -EIO, poll POLLERR (revents %#x)",
	      p.revents);
	rc = cmd(r, sizeof(r), "fix 1");
	close(fd);
	fd = open_chan(1, 0);
	good &= rc == 0 && fd >= 0 && echo_ok(fd, 42);
	fcntl(fd, F_SETFL, O_NONBLOCK);

	/* the guest's own ring: cons past what the guest published */
	rc = cmd(r, sizeof(r), "break 1 cons");
	n = write(fd, b, sizeof(b));
	e2 = errno;
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	n2 = poll(&p, 1, 0);
	vt_ok(rc == 0 && n < 0 && e2 == EIO && n2 == 1 && (p.revents & POLLERR) &&
	      !(p.revents & POLLOUT),
	      "host moves cons past the guest's prod: write -EIO, poll POLLERR, not POLLOUT (revents %#x)",
	      p.revents);
	rc = cmd(r, sizeof(r), "fix 1");
	close(fd);
	fd = open_chan(1, 0);
	good &= rc == 0 && fd >= 0 && echo_ok(fd, 43);
	vt_ok(good, "the channel works again after each rebinding");
	close(fd);
}

/*
 * The host keeps garbage in the header for HDR_MS: a probe in that time
 * must refuse the device.  Refused means: vmpi.ko loaded, the probe ran
 * (PCI probing is synchronous with the driver's registration) and said
 * so in the kernel log, and the device has no driver and no /dev/vmpi0 -
 * not merely "no /dev/vmpi0 yet".
 */
#define HDR_MS 6000

static void t_header(void)
{
	char r[64], bdf[64], p[300], grep[200];
	long before, after;
	int rc, load, unload;
	bool bound, dev;
	double t0, left;

	vmpi0_bdf(bdf, sizeof(bdf));
	snprintf(grep, sizeof(grep),
		 "dmesg | grep -c 'vmpi %s: bad VMPI header, not binding'", bdf);
	before = sh_num(grep);
	rc = cmd(r, sizeof(r), "hostile-hdr %d", HDR_MS);
	t0 = vt_now();
	close(ctl);
	ctl = -1;
	unload = sh("rmmod vmpi");
	load = sh("insmod /vale/vmpi.ko");
	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/driver", bdf);
	bound = exists(p);
	dev = exists(DEV);
	after = sh_num(grep);
	vt_ok(rc == 0 && bdf[0] && !unload && !load && !bound && !dev &&
	      after == before + 1,
	      "probe refuses a garbage header: vmpi.ko loaded, %s left without a driver, no %s, \"bad VMPI header\" logged (%ld -> %ld) after %.1fs",
	      bdf, DEV, before, after, vt_now() - t0);
	left = t0 + HDR_MS / 1000.0 + 0.5 - vt_now();
	if (left > 0)
		usleep(left * 1e6);
	vt_ok(reload() && cmd(r, sizeof(r), "ping") == 0,
	      "binds again once the header is sane");
}

static void *blocked_reader(void *arg)
{
	int fd = *(int *)arg;
	char b[64];
	ssize_t n = read(fd, b, sizeof(b));

	*(int *)arg = n < 0 ? -errno : (int)n;
	return NULL;
}

struct poller {
	int fd, n;
	short events, revents;
};

static void *blocked_poll(void *arg)
{
	struct poller *w = arg;
	struct pollfd p = { .fd = w->fd, .events = w->events };

	w->n = poll(&p, 1, 30000);
	w->revents = p.revents;
	return NULL;
}

static void t_unbind(void)
{
	char bdf[64] = "", p[300], r[64], b[16] = "";
	int fd = open_chan(2, 0), res = fd, fd3 = open_chan(3, 0), n, nw, nr, ew, er;
	struct poller w = { .fd = fd3, .events = POLLIN };
	struct pollfd q = { .fd = fd3, .events = POLLIN | POLLOUT };
	pthread_t t, tp;

	vmpi0_bdf(bdf, sizeof(bdf));
	pthread_create(&t, NULL, blocked_reader, &res);
	pthread_create(&tp, NULL, blocked_poll, &w);
	usleep(200000);
	snprintf(p, sizeof(p), "echo %s > /sys/bus/pci/drivers/vmpi/unbind", bdf);
	sh(p);
	pthread_join(t, NULL);
	pthread_join(tp, NULL);
	vt_ok(res == -ENODEV, "unbinding the device wakes a blocked reader with -ENODEV (%d)", res);
	vt_ok(fd3 >= 0 && w.n == 1 && (w.revents & POLLHUP),
	      "... and a blocked poll with POLLHUP (poll %d, revents %#x)", w.n, w.revents);
	n = poll(&q, 1, 0);
	nw = write(fd3, b, sizeof(b));
	ew = errno;
	nr = read(fd3, b, sizeof(b));
	er = errno;
	vt_ok(n == 1 && (q.revents & POLLHUP) && nw < 0 && ew == ENODEV &&
	      nr < 0 && er == ENODEV,
	      "after removal: poll is POLLHUP at once (revents %#x), write and read -ENODEV (%s, %s)",
	      q.revents, nw < 0 ? strerror(ew) : "wrote", nr < 0 ? strerror(er) : "read");
	close(fd);
	close(fd3);
	close(ctl);
	ctl = -1;
	snprintf(p, sizeof(p), "echo %s > /sys/bus/pci/drivers/vmpi/bind", bdf);
	sh(p);
	vt_ok(wait_dev(true, 5) && ctl_open() && cmd(r, sizeof(r), "ping") == 0,
	      "device bound again and working");
}

/*
 * Fault-injection sweep over loading vmpi.ko with the device present:
 * probe runs in the context of the task calling finit_module(2), so
 * fail-nth (../vm/failnth.h) reaches every allocation of the module
 * loader, of pci_register_driver() and of vmpi_probe().  A failed load
 * must return a clean -errno and leave neither the module nor /dev/vmpi*;
 * a load that survived its injected fault (e.g. probe failed, which does
 * not fail the module's init) is checked and unloaded.  Only on kernels
 * with /proc/self/fail-nth (the debug kernel).
 */
struct probe_ctx {
	int kofd;
	int fnfd;		/* fail-nth, to pause it during the checks */
	int loaded_nodev;	/* tolerated: loaded, probe failed */
	int loaded_dev;		/* tolerated: loaded with /dev/vmpi0 */
	int left_behind;	/* a failed load left something */
	int irq_proc_bug;	/* loads that hit the 6.1 genirq proc bug */
	int sysfs_dup;		/* /sys/pci:vmpi was left (6.1 bug) */
	int unload_failed;
};

static bool vmpi_dev_any(void)
{
	DIR *d = opendir("/dev");
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "vmpi", 4))
			found = true;
	closedir(d);
	return found;
}

static int unload_vmpi(void)
{
	int i;

	/* delete_module can be failed too; fail-nth injects once */
	for (i = 0; i < 5; i++)
		if (!syscall(SYS_delete_module, "vmpi", O_NONBLOCK))
			return 0;
	return -errno;
}

static int probe_check(struct probe_ctx *c, int ret);

static int probe_attempt(void *arg)
{
	struct probe_ctx *c = arg;
	int ret = 0, left, bad = 0;

	if (syscall(SYS_finit_module, c->kofd, "", 0))
		ret = -errno;
	/* no injection into the checks: pause, and re-arm what is left */
	left = failnth_remaining(c->fnfd);
	failnth_arm(c->fnfd, 0);
	bad = probe_check(c, ret);
	if (left > 0)
		failnth_arm(c->fnfd, left);
	return bad ? 1 : ret;
}

/*
 * A kernel bug of 6.1 (kernel/irq/proc.c): register_irq_proc() ignores a
 * failed proc_create_data(), so an injected fault there leaves
 * /proc/irq/N without, say, smp_affinity while request_irq() succeeds, and
 * unregister_irq_proc() later WARNs ("name 'smp_affinity'", from
 * remove_proc_entry()) when the MSI-X vectors are freed.  Not ours: when a
 * vmpi interrupt's directory lacks an entry that a complete one (@ref) has,
 * the unload runs with panic_on_warn off between "vale-failnth: expect
 * remove_proc_entry begin/end" marks, which vm-run skips WARNs between.
 */
static const char *const irq_files[] = {
	"smp_affinity", "affinity_hint", "smp_affinity_list", "node",
	"effective_affinity", "effective_affinity_list", "spurious",
};

static bool irq_proc_incomplete(void)
{
	char line[512], p[64], q[64];
	int irq, ref = -1, vm[16], nvm = 0, i;
	unsigned int k;
	bool bad = false;
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %d:", &irq) != 1)
			continue;
		if (strstr(line, "vmpi")) {
			if (nvm < 16)
				vm[nvm++] = irq;
			continue;
		}
		snprintf(p, sizeof(p), "/proc/irq/%d/spurious", irq);
		if (ref < 0 && exists(p))
			ref = irq;
	}
	fclose(f);
	for (i = 0; i < nvm && ref >= 0; i++)
		for (k = 0; k < sizeof(irq_files) / sizeof(irq_files[0]); k++) {
			snprintf(p, sizeof(p), "/proc/irq/%d/%s", ref, irq_files[k]);
			snprintf(q, sizeof(q), "/proc/irq/%d/%s", vm[i], irq_files[k]);
			if (exists(p) && !exists(q)) {
				printf("# %s missing (6.1 genirq bug, see above)\n", q);
				bad = true;
			}
		}
	return bad;
}

static int probe_unload(struct probe_ctx *c)
{
	char pow[8] = "";
	int ret;

	if (!irq_proc_incomplete())
		return unload_vmpi();
	c->irq_proc_bug++;
	failnth_read_file("/proc/sys/kernel/panic_on_warn", pow, sizeof(pow));
	failnth_write_file("/proc/sys/kernel/panic_on_warn", "0");
	failnth_kmsg("vale-failnth: expect remove_proc_entry begin");
	ret = unload_vmpi();
	failnth_kmsg("vale-failnth: expect remove_proc_entry end");
	if (pow[0])
		failnth_write_file("/proc/sys/kernel/panic_on_warn", pow);
	return ret;
}

static int probe_check(struct probe_ctx *c, int ret)
{
	/*
	 * Another 6.1 bug: module_add_driver() ignores a failed
	 * kobject_create_and_add("drivers") under /sys/module/vmpi and creates
	 * the "pci:vmpi" link at the sysfs root instead, where nothing removes
	 * it; from then on every load of vmpi.ko dumps the stack for the
	 * duplicate name.  Marked for vm-run, which skips those dumps.
	 */
	if (!c->sysfs_dup && exists("/sys/pci:vmpi")) {
		printf("# /sys/pci:vmpi left at the sysfs root (6.1 drivers/base/module.c)\n");
		failnth_kmsg("vale-failnth: expect sysfs-dup begin");
		c->sysfs_dup = 1;
	}
	/* the device node appears synchronously with misc_register() */
	if (ret) {
		if (exists("/sys/module/vmpi") || vmpi_dev_any()) {
			printf("# failed load (%s) left %s\n", strerror(-ret),
			       exists("/sys/module/vmpi") ? "the module" : "a /dev/vmpi node");
			c->left_behind++;
			unload_vmpi();
			return 1;
		}
		return 0;
	}
	if (exists(DEV))
		c->loaded_dev++;
	else
		c->loaded_nodev++;
	if (probe_unload(c) || vmpi_dev_any()) {
		c->unload_failed++;
		return 1;
	}
	return 0;
}

static void t_failnth(void)
{
	struct probe_ctx c = { 0 };
	struct failnth_sweep s;
	char r[64];
	bool ok;

	if (!failnth_available()) {
		printf("ok %d - probe fault-injection sweep # SKIP no /proc/self/fail-nth\n",
		       ++vt_n);
		return;
	}
	close(ctl);
	ctl = -1;
	ok = !sh("rmmod vmpi") && wait_dev(false, 5);
	vt_ok(ok, "vmpi.ko unloaded before the sweep");
	c.kofd = ok ? open("/vale/vmpi.ko", O_RDONLY | O_CLOEXEC) : -1;
	c.fnfd = ok ? failnth_open() : -1;
	if (!ok || c.kofd < 0 || c.fnfd < 0 || failnth_setup()) {
		/* the rest of the group's results, failed */
		vt_ok(0, "probe fault-injection sweep (no sweep: unload, open or setup failed)");
		vt_ok(0, "no failed load left the module or a device node (no sweep)");
		vt_ok(0, "vmpi.ko loads and binds after the sweep (no sweep)");
		return;
	}
	failnth_run(&s, probe_attempt, &c, 3000);
	failnth_restore();
	vt_ok(s.complete && !s.bad,
	      "insmod vmpi.ko with every allocation failed once: clean errnos (%d attempts, %d failed, %d bad, first errno %s)",
	      s.attempts, s.failed, s.bad, s.errs[0] ? strerror(s.errs[0]) : "none");
	if (c.irq_proc_bug)
		printf("# %d loads left an incomplete /proc/irq/N (kernel/irq/proc.c of 6.1); their unload WARNs, tolerated\n",
		       c.irq_proc_bug);
	vt_ok(!c.left_behind && !c.unload_failed,
	      "no failed load left the module or a device node (%d, %d); %d loads survived with the device, %d without",
	      c.left_behind, c.unload_failed, c.loaded_dev, c.loaded_nodev);
	/* the final successful attempt was unloaded: load for good */
	vt_ok(!syscall(SYS_finit_module, c.kofd, "", 0) && wait_dev(true, 5) &&
	      ctl_open() && cmd(r, sizeof(r), "ping") == 0,
	      "vmpi.ko loads and binds after the sweep");
	if (c.sysfs_dup)
		failnth_kmsg("vale-failnth: expect sysfs-dup end");
	close(c.kofd);
	close(c.fnfd);
}

static void t_traffic(void)
{
	struct stream w = { .rule = VT_RAND(MAXMSG), .seed = 31, .count = 1000000 };
	struct stream rd;
	pthread_t a, b;

	/* Until the host kills the VM. */
	w.fd = open_chan(1, 0);
	rd = w;
	printf("# traffic running\n");
	fflush(stdout);
	pthread_create(&a, NULL, writer, &w);
	pthread_create(&b, NULL, reader, &rd);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
}

/* Each group and the number of results it prints (-1: failnth's). */
static const struct {
	const char *name;
	void (*fn)(void);
	int results;
} tests[] = {
	{ "smoke", t_smoke, 5 }, { "alone", t_alone, 1 }, { "sizes", t_sizes, 4 },
	{ "multi", t_multi, 1 }, { "block", t_block, 2 },
	{ "nonblock", t_nonblock, 5 }, { "poll", t_poll, 4 },
	{ "reload", t_reload, 2 }, { "hostile", t_hostile, 2 },
	{ "broken", t_broken, 6 }, { "header", t_header, 2 },
	{ "unbind", t_unbind, 4 }, { "failnth", t_failnth, -1 },
	{ "traffic", NULL, 0 },
};

static bool selected(const char *sel, const char *name)
{
	size_t n = strlen(name);

	for (; sel; sel = strchr(sel, ',') ? strchr(sel, ',') + 1 : NULL)
		if (!strncmp(sel, name, n) && (sel[n] == ',' || !sel[n]))
			return true;
	return false;
}

int main(void)
{
	const char *sel = getenv("vmpi_tests");
	double start = vt_now();
	char r[64];
	unsigned int i;
	bool traffic;
	int plan, rc;

	traffic = sel && !strcmp(sel, "traffic");
	/*
	 * Traffic runs until the host kills the VM, before vm-run's init
	 * could copy what we printed to its side channel (the second serial
	 * port): there, print to that port directly, so that our results
	 * still reach vm-run.
	 */
	if (traffic) {
		int side = open("/dev/ttyS1", O_WRONLY | O_NOCTTY | O_CLOEXEC);

		if (side >= 0 && dup2(side, STDOUT_FILENO) >= 0)
			close(side);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* the device, the groups, the final ping */
	plan = 1;
	for (i = 0; !traffic && i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (!tests[i].fn || (sel && !selected(sel, tests[i].name)))
			continue;
		if (tests[i].results >= 0)
			plan += tests[i].results;
		else
			plan += failnth_available() ? 4 : 1;
	}
	if (!traffic)
		plan++;
	printf("1..%d\n", plan);
	if (!exists("/sys/module/vmpi"))
		sh("insmod /vale/vmpi.ko");
	vt_ok(wait_dev(true, 5) && ctl_open(), "%s appears and channel 0 binds", DEV);
	if (vt_failed)
		return 1;
	if (traffic) {
		t_traffic();
		/* only a kill of the VM may end it */
		vt_ok(0, "traffic ran until the VM was killed");
		return 1;
	}
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (!tests[i].fn)
			continue;
		if (sel && !selected(sel, tests[i].name))
			continue;
		printf("# %s (at %.1fs)\n", tests[i].name, vt_now() - start);
		tests[i].fn();
	}
	sh("cat /sys/kernel/debug/vmpi/vmpi0/stats | sed 's/^/# /'");
	rc = ctl >= 0 ? cmd(r, sizeof(r), "ping") : -ENOTCONN;
	vt_ok(rc == 0, "host still answers on channel 0 at the end (%d %s)",
	      rc, rc == -ENOTCONN ? "channel 0 not bound" : r);
	sh("cat /sys/kernel/debug/vmpi/vmpi0/stats | sed 's/^/# /'");
	printf("# done at %.1fs\n", vt_now() - start);
	return vt_failed || vt_n != plan ? 1 : 0;
}
