// SPDX-License-Identifier: GPL-2.0
/*
 * vale-bench-ep: parse, pin, open the API, run the role.  Exit statuses
 * as vale-bench-ep(8): 0 ok, 1 runtime error, 2 usage, 3 API unavailable
 * here, 4 nothing arrived before --timeout.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ep.h"

static const struct ep_api *const apis[EP_API_COUNT] = {
	[EP_API_VALE] = &ep_api_vale,
	[EP_API_UDP] = &ep_api_udp,
	[EP_API_MMSG] = &ep_api_mmsg,
	[EP_API_RAW] = &ep_api_raw,
	[EP_API_RAW_MMSG] = &ep_api_raw_mmsg,
	[EP_API_RING] = &ep_api_ring,
	[EP_API_XDP] = &ep_api_xdp,
};

static void on_signal(int sig)
{
	(void)sig;
	ep_stop = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct ep_opts o;
	struct ep e = { .o = &o };
	char err[256];
	int st;

	st = ep_parse(argc, argv, &o, err, sizeof(err));
	if (st == 1)
		return EP_EXIT_OK;
	if (st) {
		fprintf(stderr, EP_PROG ": %s\nTry '" EP_PROG " --help'.\n",
			err);
		return EP_EXIT_USAGE;
	}
	if (o.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(o.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			perror(EP_PROG ": --cpu");
			return EP_EXIT_RUNTIME;
		}
	}
	/* No SA_RESTART: a signal ends blocking waits. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	e.api = apis[o.api];
	st = e.api->open(&e);
	if (st) {
		fprintf(stderr, EP_PROG ": %s: %s\n", ep_api_names[o.api], e.msg);
		return st;
	}
	if (o.ready) {
		int fd = open(o.ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0) {
			perror(EP_PROG ": --ready");
			e.api->close(&e);
			return EP_EXIT_RUNTIME;
		}
		close(fd);
	}
	st = ep_run(&e);
	e.api->close(&e);
	return st;
}
