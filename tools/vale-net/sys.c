// SPDX-License-Identifier: GPL-2.0
/*
 * The machine as admission control sees it (sys.h).  Reading only: the
 * probe sends one ICMP echo request on a raw socket and waits for the
 * reply, nothing else.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sys.h"

#define VN_PROBE_TRIES	3

void vn_sys_read(struct vn_sys *s)
{
	struct ifaddrs *ifa, *i;
	char line[256];
	FILE *f;

	memset(s, 0, sizeof(*s));
	f = fopen("/sys/devices/system/cpu/online", "r");
	if (!f || !fgets(line, sizeof(line), f) ||
	    !vn_cpuset_parse(strtok(line, "\n"), &s->online))
		sched_getaffinity(0, sizeof(s->online), &s->online);
	if (f)
		fclose(f);
	f = fopen("/proc/meminfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long kb;

		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			s->mem_avail = kb << 10;
	}
	if (f)
		fclose(f);
	if (getifaddrs(&ifa) == 0) {
		for (i = ifa; i; i = i->ifa_next) {
			if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
			    s->naddrs == (int)(sizeof(s->addrs) / sizeof(s->addrs[0])))
				continue;
			inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr,
				  s->addrs[s->naddrs++], VN_ADDR);
		}
		freeifaddrs(ifa);
	}
	s->reachable = vn_sys_reachable;
}

static uint16_t csum(const void *p, size_t n)
{
	const uint16_t *w = p;
	uint32_t sum = 0;

	for (; n > 1; n -= 2)
		sum += *w++;
	if (n)
		sum += *(const uint8_t *)w;
	sum = (sum >> 16) + (sum & 0xffff);
	sum += sum >> 16;
	return ~sum;
}

/* One echo request, a reply within a second. */
static bool echo_once(const char *addr, int seq)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct icmphdr req = { .type = ICMP_ECHO };
	uint16_t id = getpid() & 0xffff;
	struct timespec t0, t;
	bool ok = false;
	char buf[1500];
	int fd, ms;

	if (inet_pton(AF_INET, addr, &to.sin_addr) != 1)
		return false;
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0)
		return false;
	req.un.echo.id = htons(id);
	req.un.echo.sequence = htons(seq);
	req.checksum = csum(&req, sizeof(req));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		goto out;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		const struct icmphdr *r;
		ssize_t n;
		size_t hl;

		clock_gettime(CLOCK_MONOTONIC, &t);
		ms = 1000 - (int)((t.tv_sec - t0.tv_sec) * 1000 +
				  (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (ms <= 0 || poll(&p, 1, ms) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 20)
			continue;
		hl = (buf[0] & 0xf) * 4;
		if ((size_t)n < hl + sizeof(*r))
			continue;
		r = (const struct icmphdr *)(buf + hl);
		if (r->type == ICMP_ECHOREPLY && ntohs(r->un.echo.id) == id &&
		    !memcmp(buf + 12, &to.sin_addr, 4)) {
			ok = true;
			break;
		}
	}
out:
	close(fd);
	return ok;
}

bool vn_sys_reachable(const char *addr)
{
	/* three tries: the first may wait for ARP on a loaded machine */
	for (int i = 1; i <= VN_PROBE_TRIES; i++)
		if (echo_once(addr, i))
			return true;
	return false;
}
