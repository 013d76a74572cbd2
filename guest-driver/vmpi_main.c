// SPDX-License-Identifier: GPL-2.0
/*
 * vmpi: guest driver for the VMPI VM-to-host message channel.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/pci.h>

#ifndef VALE_VERSION
#define VALE_VERSION "unknown"
#endif

static int __init vmpi_init(void)
{
	pr_info("version %s loaded\n", VALE_VERSION);
	return 0;
}

static void __exit vmpi_exit(void)
{
	pr_info("unloaded\n");
}

module_init(vmpi_init);
module_exit(vmpi_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VMPI guest driver: message channels over ivshmem");
MODULE_VERSION(VALE_VERSION);
