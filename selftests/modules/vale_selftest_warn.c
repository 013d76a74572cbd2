// SPDX-License-Identifier: GPL-2.0
/*
 * A module the harness self-test loads to prove that the harness catches
 * what the kernel reports; it is never part of the real suite.  By default
 * it warns when loaded.  Parameters:
 *   warn=0   do not warn
 *   leak=1   allocate a buffer on load and forget it (kmemleak must see it)
 *   pin=1    take a reference on itself, so that it can never be unloaded
 */
#include <linux/module.h>
#include <linux/bug.h>
#include <linux/slab.h>

static bool warn = true;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "WARN() when loaded (default on)");

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "leak one allocation when loaded");

static bool pin;
module_param(pin, bool, 0444);
MODULE_PARM_DESC(pin, "hold a reference on the module: it will not unload");

static int __init vale_selftest_warn_init(void)
{
	/* The only pointer to the buffer is a local that goes out of scope. */
	if (leak && !kmalloc(200, GFP_KERNEL))
		return -ENOMEM;
	if (pin)
		__module_get(THIS_MODULE);
	WARN(warn, "vale harness self-test: deliberate warning\n");
	return 0;
}

static void __exit vale_selftest_warn_exit(void)
{
}

module_init(vale_selftest_warn_init);
module_exit(vale_selftest_warn_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vale harness self-test: warns, leaks or pins itself on request");
