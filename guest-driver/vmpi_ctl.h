/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * vmpi: the control protocol's codec (vmpi_ctl.c), one implementation
 * compiled into the guest driver and, unchanged, into the host's user
 * space, like vmpi_ring.c.  The wire format is in <linux/vmpi.h>.
 *
 * A message is decoded into struct vmpi_ctl, whose names are
 * NUL-terminated copies; nothing in it points into the message, so the
 * caller may parse straight from shared memory's private copy and throw
 * the buffer away.  The encoder checks what it is given by the same rules
 * the decoder applies, so neither side can emit what the other refuses.
 */
#ifndef _VMPI_CTL_H
#define _VMPI_CTL_H

#include <linux/types.h>
#include <linux/vmpi.h>

struct vmpi_ctl {
	__u16 type;		/* enum vmpi_ctl_type */
	__u32 seq;
	__s32 err;		/* ALLOC_RESP, RESULT */
	__u32 flow;		/* ALLOC, ALLOC_RESP, DEALLOC */
	__u32 channel;		/* ALLOC, ALLOC_RESP, DEALLOC */
	__u16 min_version;	/* HELLO */
	__u16 max_version;
	char name[VMPI_CTL_NAME_MAX + 1];	/* REGISTER, UNREGISTER, ALLOC dst */
	char src[VMPI_CTL_NAME_MAX + 1];	/* ALLOC src */
};

/* Largest control message (ALLOC). */
#define VMPI_CTL_MSG_MAX \
	(sizeof(struct vmpi_ctl_hdr) + sizeof(struct vmpi_ctl_alloc))

/*
 * Decode the @len bytes at @buf into @m.  0, or why the message is refused:
 *   -EPROTONOSUPPORT  another protocol version;
 *   -EBADMSG          too short, len not the message's, unknown type,
 *                     the wrong size for its type, reserved bytes set;
 *   -EINVAL           a field out of range (a name, an errno, a channel,
 *                     a zero flow, an empty version range).
 * @buf must be private memory: it is read more than once.
 */
int vmpi_ctl_decode(const void *buf, __u32 len, struct vmpi_ctl *m);

/*
 * Encode @m into @buf of @size bytes: the message's length, or -EINVAL if
 * @m breaks a rule (as vmpi_ctl_decode() would say of the result), or
 * -EMSGSIZE when @size is too small.
 */
int vmpi_ctl_encode(const struct vmpi_ctl *m, void *buf, __u32 size);

/* 1 when the @len bytes at @s are a valid name. */
int vmpi_ctl_name_ok(const char *s, __u32 len);

#endif /* _VMPI_CTL_H */
