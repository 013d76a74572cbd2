/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one libmnl plumbing for the "vale" generic netlink family, used by
 * vale-ctl and by the tests (selftests/lib/nl_test.h): a socket with
 * extended ACKs, the family id and its event group, requests, and
 * vnl_talk(), which sends a request and runs a callback on every answer
 * until the ACK or the end of a dump, leaving the kernel's extack in
 * errmsg, erroff and errmiss; the id of a multicast group by name.
 * Include after <libmnl/libmnl.h>.
 */
#ifndef VALE_TOOLS_VNL_H
#define VALE_TOOLS_VNL_H

#include <stdint.h>
#include <libmnl/libmnl.h>

struct vnl {
	struct mnl_socket *sock;
	uint16_t family;		/* id of "vale", 0 until vnl_open() */
	uint32_t mcgrp_events;		/* its event group, 0 if none */
	unsigned int seq;
	char errmsg[256];		/* extack text of the last error */
	int erroff;			/* NLMSGERR_ATTR_OFFS: bytes from the
					 * request's start, -1 when absent */
	int errmiss;			/* NLMSGERR_ATTR_MISS_TYPE, -1 when absent */
};

/*
 * Open a socket and find the family: 0, -ENOENT when the family is not
 * registered (vale.ko not loaded), or another -errno.
 */
int vnl_open(struct vnl *v);
/* A socket on netlink bus @bus (NETLINK_ROUTE, ...) with extended ACKs. */
int vnl_socket(struct vnl *v, int bus);
void vnl_close(struct vnl *v);

/* A request of @type (the family's id, or GENL_ID_CTRL) in @buf. */
struct nlmsghdr *vnl_put_genl(struct vnl *v, char *buf, uint16_t type,
			      uint8_t cmd, uint16_t flags);

/* A request to the vale family, always with NLM_F_ACK. */
struct nlmsghdr *vnl_msg(struct vnl *v, char *buf, uint8_t cmd,
			 uint16_t flags);

/*
 * Send @nlh, run @cb (NULL: none) on every answer: 0 or -errno, with
 * v->errmsg, erroff and errmiss from the error's extack.
 */
int vnl_talk(struct vnl *v, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/*
 * Ask the kernel now for the id of the vale family's multicast group
 * @name: 0 and *@id, -ENOENT when the family has no such group, or -errno.
 */
int vnl_mcast_group(struct vnl *v, const char *name, uint32_t *id);

/* Join the family's event group: 0, -ENOENT without one, or -errno. */
int vnl_join_events(struct vnl *v);

/* A callback that accepts every answer. */
int vnl_ok_cb(const struct nlmsghdr *nlh, void *data);

#endif /* VALE_TOOLS_VNL_H */
