// SPDX-License-Identifier: GPL-2.0
/*
 * vale-vhost: counters as one JSON object, for the stats socket (every
 * connection gets it, then EOF) and SIGUSR1 (stdout).  The ring indexes of
 * each queue are read from guest memory under the SIGBUS guard: a guest
 * that shrank its memory is disconnected, not the daemon killed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "out.h"
#include "vhost.h"

/* The ring indexes of @vq as the guest sees them, false if unreadable. */
static bool ring_peek(struct vq *vq, uint16_t r[6])
{
	volatile bool okay = false;

	if (!vq->addr_set || !vq->avail || !vq->used)
		return false;
	GUARDED({
		r[0] = vq->avail->idx;
		r[1] = vq->used->idx;
		r[2] = vq->avail->flags;
		r[3] = vq->used->flags;
		r[4] = *used_event_p(vq);
		r[5] = *avail_event_p(vq);
		okay = true;
	});
	return okay;
}

void stats_json(FILE *f)
{
	struct vm *vm;
	bool first = true, qfirst;
	unsigned int q;
	uint16_t r[6];

	fprintf(f, "{\"vms\":[");
	for (vm = vms; vm; vm = vm->next) {
		const struct stats *s = &vm->st;

		fprintf(f, "%s{\"name\":", first ? "" : ",");
		first = false;
		out_json_string(f, vm->name);
		fprintf(f, ",\"socket\":");
		out_json_string(f, vm->path);
		fprintf(f, ",\"role\":\"%s\",\"mode\":\"%s\",\"target\":",
			vm->client ? "client" : "server",
			vm->ops->mode);
		out_json_string(f, vm->peer ? vm->peer->name : vm->target);
		fprintf(f, ",\"connected\":%s,\"features\":\"%#llx\","
			"\"tx_packets\":%llu,\"tx_bytes\":%llu,\"tx_drops\":%llu,"
			"\"tx_errors\":%llu,\"rx_packets\":%llu,\"rx_bytes\":%llu,"
			"\"rx_drops\":%llu,\"kicks\":%llu,\"interrupts\":%llu,"
			"\"connects\":%llu,\"disconnects\":%llu,\"errors\":%llu,"
			"\"last_error\":",
			vm->conn_fd >= 0 ? "true" : "false",
			(unsigned long long)vm->features,
			(unsigned long long)s->tx_packets, (unsigned long long)s->tx_bytes,
			(unsigned long long)s->tx_drops, (unsigned long long)s->tx_errors,
			(unsigned long long)s->rx_packets, (unsigned long long)s->rx_bytes,
			(unsigned long long)s->rx_drops, (unsigned long long)s->kicks,
			(unsigned long long)s->interrupts, (unsigned long long)s->connects,
			(unsigned long long)s->disconnects, (unsigned long long)s->errors);
		out_json_string(f, vm->last_error);
		fprintf(f, ",\"queue_packets\":[");
		for (q = 0; q < 2 * vm->max_qp; q++)
			fprintf(f, "%s%llu", q ? "," : "",
				(unsigned long long)vm->q_packets[q]);
		fprintf(f, "],\"queues\":[");
		for (q = 0, qfirst = true; q < 2 * vm->max_qp; q++) {
			struct vq *vq = &vm->vq[q];

			if (!vq_ready(vq) && !vq->broken)
				continue;
			fprintf(f, "%s{\"index\":%u,\"size\":%u,\"enabled\":%s,"
				"\"broken\":%s,\"blocked\":%s,\"last_avail\":%u,"
				"\"last_used\":%u",
				qfirst ? "" : ",", q, vq->num, vq->enabled ? "true" : "false",
				vq->broken ? "true" : "false", vq->blocked ? "true" : "false",
				vq->last_avail, vq->last_used);
			if (ring_peek(vq, r))
				fprintf(f, ",\"avail_idx\":%u,\"used_idx\":%u,"
					"\"avail_flags\":%u,\"used_flags\":%u,"
					"\"used_event\":%u,\"avail_event\":%u",
					r[0], r[1], r[2], r[3], r[4], r[5]);
			fputc('}', f);
			qfirst = false;
		}
		fprintf(f, "]}");
	}
	fprintf(f, "]}\n");
	fflush(f);
}

void stats_client(int listen_fd)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (fd < 0)
		return;
	f = open_memstream(&buf, &len);
	if (f) {
		stats_json(f);
		fclose(f);
		if (send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			info("stats socket: %s", strerror(errno));
		free(buf);
	}
	close(fd);
}
