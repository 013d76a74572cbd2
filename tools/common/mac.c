// SPDX-License-Identifier: GPL-2.0
/*
 * The Ethernet addresses of mac.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mac.h"

int mac_parse(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char extra;
	int i;

	/* hex digits and colons only: no sign or blank that sscanf() takes */
	if (s[strspn(s, "0123456789abcdefABCDEF:")] ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &extra) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
	return 0;
}
