// SPDX-License-Identifier: GPL-2.0
/*
 * vale-kfuzz: run generated programs against vale.ko (see kfuzz.h).
 *
 *   vale-kfuzz [--seed S] [--programs N | --duration SECS] [--batch B]
 *              [--print] [-v]
 *
 * Program i of a run has seed S + i, so "--seed X --programs 1" replays
 * program X alone and "--print" shows it without running anything.  The
 * output is TAP: one result per batch of B programs (default 10),
 * failing when a program broke an invariant, with the seed, the call and
 * the whole program in comments below it; the plan comes last.  Each
 * program's seed is also written to /dev/kmsg before it runs, so that a
 * kernel splat in the log names the program that caused it.
 * --duration runs batches until SECS have passed (the long runs of
 * scripts/fuzz.sh); the default is 40 programs from seed 1.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kfuzz.h"

static void usage(void)
{
	fputs("usage: vale-kfuzz [--seed S] [--programs N | --duration SECS]"
	      " [--batch B] [--print] [-v]\n", stderr);
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	uint64_t seed = 1, nprog = 40, batch = 10, done = 0, bad_total = 0;
	double duration = 0, t0;
	int print = 0, verbose = 0, i, nres = 0;
	static struct kf_prog prog;
	struct kf_result r;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--print")) {
			print = 1;
		} else if (!strcmp(a, "-v")) {
			verbose = 1;
			kf_slow_ms = 200;
		} else if (v && !strcmp(a, "--seed")) {
			seed = strtoull(v, NULL, 0);
			i++;
		} else if (v && !strcmp(a, "--programs")) {
			nprog = strtoull(v, NULL, 0);
			i++;
		} else if (v && !strcmp(a, "--batch")) {
			batch = strtoull(v, NULL, 0);
			i++;
		} else if (v && !strcmp(a, "--duration")) {
			duration = strtod(v, NULL);
			i++;
		} else {
			usage();
		}
	}
	if (!batch)
		usage();
	if (print) {
		for (done = 0; done < nprog; done++) {
			kf_generate(&prog, seed + done);
			kf_print(stdout, "", &prog);
		}
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (kf_exec_init()) {
		printf("1..0 # SKIP no vale generic netlink family (%m)\n");
		return 0;
	}
	t0 = now();
	while (duration ? now() - t0 < duration : done < nprog) {
		uint64_t first = seed + done, n = 0, bad = 0;
		char failure[512] = "";

		while (n < batch && (duration || done < nprog)) {
			kf_generate(&prog, seed + done);
			if (verbose)
				kf_print(stdout, "# ", &prog);
			kf_exec(&prog, &r);
			if (verbose)
				printf("# program %" PRIu64 ": %.2f s\n", prog.seed,
				       now() - t0);
			if (r.violations && !bad++) {
				snprintf(failure, sizeof(failure), "%s", r.first);
				printf("# FAIL %s", r.first);
				printf("# replay: vale-kfuzz --seed %" PRIu64
				       " --programs 1 (--print shows it)\n",
				       prog.seed);
				kf_print(stdout, "#   ", &prog);
			}
			n++;
			done++;
		}
		bad_total += bad;
		printf("%s %d - programs %" PRIu64 "..%" PRIu64
		       ": every errno documented, nothing left behind%s%s",
		       bad ? "not ok" : "ok", ++nres, first, first + n - 1,
		       bad ? ": " : "\n", bad ? failure : "");
	}
	printf("# %" PRIu64 " programs in %.1f s, %" PRIu64 " failed\n", done,
	       now() - t0, bad_total);
	printf("1..%d\n", nres);
	return bad_total ? 1 : 0;
}
