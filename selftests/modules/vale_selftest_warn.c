// SPDX-License-Identifier: GPL-2.0
/*
 * A module that warns when loaded.  The harness self-test loads it to prove
 * that a kernel warning fails a run; it is never part of the real suite.
 */
#include <linux/module.h>
#include <linux/bug.h>

static int __init vale_selftest_warn_init(void)
{
	WARN(1, "vale harness self-test: deliberate warning\n");
	return 0;
}

static void __exit vale_selftest_warn_exit(void)
{
}

module_init(vale_selftest_warn_init);
module_exit(vale_selftest_warn_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vale harness self-test: warns on load");
