// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vmpi: encoding and checking of control messages (channel 0).  Pure code
 * on private buffers: no shared memory, no allocation, no string library,
 * so the guest driver and user space compile it as it is.
 */
#include <linux/errno.h>
#include "vmpi_ctl.h"

#define VMPI_CTL_BAD_SIZE	0xffffffffU
#define VMPI_ERRNO_MAX		4095

static void ctl_copy(void *dst, const void *src, __u32 n)
{
	const unsigned char *s = src;
	unsigned char *d = dst;

	while (n--)
		*d++ = *s++;
}

static void ctl_zero(void *dst, __u32 n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = 0;
}

/* Bytes of the body of a message of @type, or VMPI_CTL_BAD_SIZE. */
static __u32 ctl_body_size(__u16 type)
{
	switch (type) {
	case VMPI_CTL_HELLO:
		return sizeof(struct vmpi_ctl_hello);
	case VMPI_CTL_REGISTER:
	case VMPI_CTL_UNREGISTER:
		return sizeof(struct vmpi_ctl_name);
	case VMPI_CTL_ALLOC:
		return sizeof(struct vmpi_ctl_alloc);
	case VMPI_CTL_ALLOC_RESP:
		return sizeof(struct vmpi_ctl_alloc_resp);
	case VMPI_CTL_DEALLOC:
		return sizeof(struct vmpi_ctl_dealloc);
	case VMPI_CTL_RESULT:
		return sizeof(struct vmpi_ctl_result);
	case VMPI_CTL_KEEPALIVE:
	case VMPI_CTL_KEEPALIVE_ACK:
		return 0;
	default:
		return VMPI_CTL_BAD_SIZE;
	}
}

static int ctl_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' ||
	       c == '/' || c == '-';
}

int vmpi_ctl_name_ok(const char *s, __u32 len)
{
	__u32 i;

	if (len < 1 || len > VMPI_CTL_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!ctl_char_ok(s[i]))
			return 0;
	return 1;
}

/* A wire name into a NUL-terminated @out: 0 or -EBADMSG / -EINVAL. */
static int ctl_name_get(const struct vmpi_ctl_name *n, char *out)
{
	__u32 i;

	if (n->reserved)
		return -EBADMSG;
	if (!vmpi_ctl_name_ok(n->name, n->len))
		return -EINVAL;
	for (i = n->len; i < VMPI_CTL_NAME_MAX; i++)
		if (n->name[i])
			return -EBADMSG;
	ctl_copy(out, n->name, n->len);
	out[n->len] = 0;
	return 0;
}

static int ctl_err_ok(__s32 err)
{
	return err <= 0 && err >= -VMPI_ERRNO_MAX;
}

static int ctl_data_channel_ok(__u32 c)
{
	return c > VMPI_CTL_CHANNEL && c < VMPI_MAX_CHANNELS;
}

/* The body of a message of @type at @b (ctl_body_size() bytes) into @m. */
static int ctl_body_get(__u16 type, const unsigned char *b, struct vmpi_ctl *m)
{
	struct vmpi_ctl_alloc_resp ar;
	struct vmpi_ctl_dealloc dl;
	struct vmpi_ctl_result rs;
	struct vmpi_ctl_hello hi;
	struct vmpi_ctl_alloc al;
	struct vmpi_ctl_name nm;
	int ret;

	switch (type) {
	case VMPI_CTL_HELLO:
		ctl_copy(&hi, b, sizeof(hi));
		if (hi.reserved)
			return -EBADMSG;
		if (!hi.min_version || hi.min_version > hi.max_version)
			return -EINVAL;
		m->min_version = hi.min_version;
		m->max_version = hi.max_version;
		return 0;
	case VMPI_CTL_REGISTER:
	case VMPI_CTL_UNREGISTER:
		ctl_copy(&nm, b, sizeof(nm));
		return ctl_name_get(&nm, m->name);
	case VMPI_CTL_ALLOC:
		ctl_copy(&al, b, sizeof(al));
		if (!al.flow || al.channel >= VMPI_MAX_CHANNELS)
			return -EINVAL;
		ret = ctl_name_get(&al.dst, m->name);
		if (!ret)
			ret = ctl_name_get(&al.src, m->src);
		m->flow = al.flow;
		m->channel = al.channel;
		return ret;
	case VMPI_CTL_ALLOC_RESP:
		ctl_copy(&ar, b, sizeof(ar));
		if (ar.reserved)
			return -EBADMSG;
		if (!ar.flow || !ctl_err_ok(ar.err))
			return -EINVAL;
		/* A channel exactly when the flow was made. */
		if (ar.err ? ar.channel != 0 : !ctl_data_channel_ok(ar.channel))
			return -EINVAL;
		m->err = ar.err;
		m->flow = ar.flow;
		m->channel = ar.channel;
		return 0;
	case VMPI_CTL_DEALLOC:
		ctl_copy(&dl, b, sizeof(dl));
		if (!dl.flow || !ctl_data_channel_ok(dl.channel))
			return -EINVAL;
		m->flow = dl.flow;
		m->channel = dl.channel;
		return 0;
	case VMPI_CTL_RESULT:
		ctl_copy(&rs, b, sizeof(rs));
		if (rs.reserved)
			return -EBADMSG;
		if (!ctl_err_ok(rs.err))
			return -EINVAL;
		m->err = rs.err;
		return 0;
	default:			/* the keep-alives have no body */
		return 0;
	}
}

int vmpi_ctl_decode(const void *buf, __u32 len, struct vmpi_ctl *m)
{
	const unsigned char *b = buf;
	struct vmpi_ctl_hdr h;
	__u32 body;

	ctl_zero(m, sizeof(*m));
	if (len < sizeof(h))
		return -EBADMSG;
	ctl_copy(&h, b, sizeof(h));
	if (h.version != VMPI_CTL_VERSION)
		return -EPROTONOSUPPORT;
	body = ctl_body_size(h.type);
	if (body == VMPI_CTL_BAD_SIZE || h.len != len ||
	    len != sizeof(h) + body || h.reserved)
		return -EBADMSG;
	m->type = h.type;
	m->seq = h.seq;
	return ctl_body_get(h.type, b + sizeof(h), m);
}

/* A NUL-terminated name of at most VMPI_CTL_NAME_MAX bytes to the wire. */
static int ctl_name_put(const char *s, struct vmpi_ctl_name *n)
{
	__u32 len = 0;

	while (len <= VMPI_CTL_NAME_MAX && s[len])
		len++;
	if (len > VMPI_CTL_NAME_MAX)
		return -EINVAL;
	ctl_zero(n, sizeof(*n));
	n->len = len;
	ctl_copy(n->name, s, len);
	return 0;
}

int vmpi_ctl_encode(const struct vmpi_ctl *m, void *buf, __u32 size)
{
	unsigned char msg[VMPI_CTL_MSG_MAX];
	unsigned char *b = msg + sizeof(struct vmpi_ctl_hdr);
	struct vmpi_ctl_alloc_resp ar = { m->err, m->flow, m->channel, 0 };
	struct vmpi_ctl_dealloc dl = { m->flow, m->channel };
	struct vmpi_ctl_hello hi = { m->min_version, m->max_version, 0 };
	struct vmpi_ctl_result rs = { m->err, 0 };
	struct vmpi_ctl_hdr h = { VMPI_CTL_VERSION, m->type, 0, m->seq, 0 };
	struct vmpi_ctl_alloc al;
	struct vmpi_ctl_name nm;
	struct vmpi_ctl check;
	__u32 body = ctl_body_size(m->type);

	if (body == VMPI_CTL_BAD_SIZE)
		return -EINVAL;
	switch (m->type) {
	case VMPI_CTL_HELLO:
		ctl_copy(b, &hi, sizeof(hi));
		break;
	case VMPI_CTL_REGISTER:
	case VMPI_CTL_UNREGISTER:
		if (ctl_name_put(m->name, &nm))
			return -EINVAL;
		ctl_copy(b, &nm, sizeof(nm));
		break;
	case VMPI_CTL_ALLOC:
		if (ctl_name_put(m->name, &al.dst) ||
		    ctl_name_put(m->src, &al.src))
			return -EINVAL;
		al.flow = m->flow;
		al.channel = m->channel;
		ctl_copy(b, &al, sizeof(al));
		break;
	case VMPI_CTL_ALLOC_RESP:
		ctl_copy(b, &ar, sizeof(ar));
		break;
	case VMPI_CTL_DEALLOC:
		ctl_copy(b, &dl, sizeof(dl));
		break;
	case VMPI_CTL_RESULT:
		ctl_copy(b, &rs, sizeof(rs));
		break;
	default:
		break;
	}
	h.len = sizeof(h) + body;
	ctl_copy(msg, &h, sizeof(h));
	/* One set of rules: what the decoder refuses is never sent. */
	if (vmpi_ctl_decode(msg, h.len, &check))
		return -EINVAL;
	if (size < h.len)
		return -EMSGSIZE;
	ctl_copy(buf, msg, h.len);
	return h.len;
}
