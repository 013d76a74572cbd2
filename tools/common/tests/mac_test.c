// SPDX-License-Identifier: GPL-2.0
/*
 * Tier 0: MAC addresses as text (tools/common/mac.c): six groups of one
 * or two hex digits, either case, are read; fewer or more groups, a
 * longer group, other separators, signs, blanks and anything after the
 * sixth are refused and leave the address as it was.
 */
#include <string.h>

#include "mac.h"
#include "kselftest_harness.h"

TEST(good)
{
	static const struct {
		const char *s;
		uint8_t want[6];
	} t[] = {
		{ "02:00:00:00:00:01", { 2, 0, 0, 0, 0, 1 } },
		{ "ff:FF:fE:0a:A0:99", { 0xff, 0xff, 0xfe, 0x0a, 0xa0, 0x99 } },
		{ "2:0:0:0:0:1", { 2, 0, 0, 0, 0, 1 } },
	};
	unsigned int i;
	uint8_t m[6];

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		EXPECT_EQ(0, mac_parse(t[i].s, m));
		EXPECT_EQ(0, memcmp(m, t[i].want, 6));
	}
}

TEST(bad)
{
	static const char *const t[] = {
		"", "02:00:00:00:00", "02:00:00:00:00:01:02", "02:00:00:00:00:01x",
		"02:00:00:00:00:01 ", "002:00:00:00:00:01", "02-00-00-00-00-01",
		"0x2:00:00:00:00:01", "g2:00:00:00:00:01", "02:00:00:00:00:",
		"-2:00:00:00:00:01", " 2:00:00:00:00:01", "02:00:00:00:00:+1",
	};
	static const uint8_t keep[6] = { 1, 2, 3, 4, 5, 6 };
	unsigned int i;
	uint8_t m[6];

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		memcpy(m, keep, 6);
		EXPECT_EQ(-EINVAL, mac_parse(t[i], m)) TH_LOG("'%s'", t[i]);
		EXPECT_EQ(0, memcmp(m, keep, 6));
	}
}

TEST_HARNESS_MAIN
