// SPDX-License-Identifier: GPL-2.0
// tier0-sources: guest-driver/vmpi_ctl.c
/*
 * libFuzzer target: the VMPI control codec on whatever a hostile peer may
 * write into channel 0.  Half of the inputs are taken as a message as
 * they are; the other half describe a valid message (type, fields, names
 * from the name alphabet) that is encoded and then damaged at a few
 * fuzzer-chosen places, so that the decoder sees messages one or two
 * bytes away from valid ones, where its checks matter.
 *
 * The message is decoded from a buffer of exactly its size (ASan sees a
 * read past it).  One accepted must re-encode to the very same bytes (one
 * canonical form: nothing the decoder lets through goes unchecked), and
 * its names must follow the name rules.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../guest-driver/vmpi_ctl.h"
#include "fuzz_input.h"

static const char alphabet[] = "abcXYZ019._:/-";

static void name_from(struct in *in, char *name)
{
	uint32_t len = take(in, 1) % (VMPI_CTL_NAME_MAX + 1), i;

	for (i = 0; i < len; i++)
		name[i] = alphabet[take(in, 1) % (sizeof(alphabet) - 1)];
	name[len] = 0;
}

/* A valid message described by @in, damaged by the rest of @in. */
static size_t structured(struct in *in, unsigned char *buf, size_t size)
{
	struct vmpi_ctl m = { 0 };
	uint32_t k;
	int n;

	m.type = take(in, 1) % (VMPI_CTL_NTYPES + 1);
	m.seq = take(in, 4);
	m.err = -(int32_t)(take(in, 2) % 4097);
	m.flow = take(in, 4);
	m.channel = take(in, 1) % (VMPI_MAX_CHANNELS + 1);
	m.min_version = take(in, 1) % 4;
	m.max_version = take(in, 1) % 4;
	name_from(in, m.name);
	name_from(in, m.src);
	n = vmpi_ctl_encode(&m, buf, size);
	if (n <= 0)
		return 0;
	for (k = take(in, 1) % 4; k; k--)
		buf[take(in, 1) % n] ^= take(in, 1);
	/* A length change now and then: cut or extend by a few bytes. */
	if (take(in, 1) == 0x5a)
		n = (n + (int8_t)take(in, 1)) & 0xff;
	return (size_t)n <= size ? (size_t)n : size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char tmp[2 * VMPI_CTL_MSG_MAX], out[VMPI_CTL_MSG_MAX];
	struct in in = { data, size };
	struct vmpi_ctl m;
	unsigned char *buf;
	size_t len;
	int n;

	if (size > sizeof(tmp) + 1 || !size)
		return 0;
	if (take(&in, 1) & 1) {
		len = in.n;
		memcpy(tmp, in.p, len);
	} else {
		memset(tmp, 0, sizeof(tmp));
		len = structured(&in, tmp, sizeof(tmp));
	}
	buf = malloc(len ? len : 1);
	if (!buf)
		return 0;
	memcpy(buf, tmp, len);
	if (vmpi_ctl_decode(buf, len, &m) == 0) {
		n = vmpi_ctl_encode(&m, out, sizeof(out));
		FUZZ_CHECK(n == (int)len && !memcmp(out, buf, len));
		if (m.type == VMPI_CTL_REGISTER || m.type == VMPI_CTL_ALLOC ||
		    m.type == VMPI_CTL_UNREGISTER)
			FUZZ_CHECK(vmpi_ctl_name_ok(m.name, strlen(m.name)));
		if (m.type == VMPI_CTL_ALLOC)
			FUZZ_CHECK(vmpi_ctl_name_ok(m.src, strlen(m.src)));
	}
	free(buf);
	return 0;
}
