// SPDX-License-Identifier: GPL-2.0
/*
 * vale: module entry and exit, in dependency order: netdev ports, the
 * netlink family, /dev/vale (dev.c); torn down in reverse.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include <linux/vale.h>

#include "dev.h"
#include "switch.h"
#include "netdev.h"
#include "netlink.h"
#include "steer.h"

#ifndef VALE_VERSION
#define VALE_VERSION "unknown"
#endif

static int __init vale_init(void)
{
	int err;

	err = vale_steer_register();
	if (err)
		return err;
	err = vale_netdev_init();
	if (err)
		goto err_steer;
	err = vale_nl_init();
	if (err) {
		pr_err("cannot register the netlink family: %d\n", err);
		goto err_netdev;
	}
	err = vale_dev_init();
	if (err) {
		pr_err("cannot register /dev/vale: %d\n", err);
		goto err_nl;
	}
	pr_info("version %s (api %d) loaded\n", VALE_VERSION, VALE_API_VERSION);
	return 0;

err_nl:
	vale_nl_exit();
err_netdev:
	vale_netdev_exit();
	vale_switch_free_all();
err_steer:
	vale_steer_unregister();
	return err;
}

static void __exit vale_exit(void)
{
	vale_dev_exit();
	vale_nl_exit();
	vale_netdev_exit();
	vale_switch_free_all();
	vale_steer_unregister();
	pr_info("unloaded\n");
}

module_init(vale_init);
module_exit(vale_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VALE-style software Ethernet switch with shared-memory rings");
MODULE_VERSION(VALE_VERSION);
