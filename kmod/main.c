// SPDX-License-Identifier: GPL-2.0
/*
 * vale: module entry and the /dev/vale misc device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>

#include <linux/vale.h>

#ifndef VALE_VERSION
#define VALE_VERSION "unknown"
#endif

static int vale_open(struct inode *inode, struct file *file)
{
	return 0;
}

static int vale_release(struct inode *inode, struct file *file)
{
	return 0;
}

static const struct file_operations vale_fops = {
	.owner		= THIS_MODULE,
	.open		= vale_open,
	.release	= vale_release,
	.llseek		= noop_llseek,
};

static struct miscdevice vale_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "vale",
	.fops	= &vale_fops,
	.mode	= 0660,
};

static int __init vale_init(void)
{
	int err;

	err = misc_register(&vale_miscdev);
	if (err) {
		pr_err("cannot register /dev/vale: %d\n", err);
		return err;
	}
	pr_info("version %s (api %d) loaded\n", VALE_VERSION, VALE_API_VERSION);
	return 0;
}

static void __exit vale_exit(void)
{
	misc_deregister(&vale_miscdev);
	pr_info("unloaded\n");
}

module_init(vale_init);
module_exit(vale_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VALE-style software Ethernet switch with shared-memory rings");
MODULE_VERSION(VALE_VERSION);
