// SPDX-License-Identifier: GPL-2.0
/*
 * vale: the /dev/vale misc device and its file operations.
 *
 * An open file is unbound until VALE_IOC_REGISTER binds it to a new port;
 * the port lives until the file's last reference goes (close and munmap,
 * or process exit).  The file holds the module (fops owner), so the module
 * cannot be unloaded while a port exists.
 */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/poll.h>
#include <linux/mm.h>

#include <linux/vale.h>

#include "port.h"
#include "dev.h"

static struct vale_port *vale_file_port(struct file *file)
{
	struct vale_file *vf = file->private_data;

	/* pairs with smp_store_release() in vale_port_register() */
	return smp_load_acquire(&vf->port);
}

static int vale_open(struct inode *inode, struct file *file)
{
	struct vale_file *vf;

	vf = kzalloc(sizeof(*vf), GFP_KERNEL_ACCOUNT);
	if (!vf)
		return -ENOMEM;
	mutex_init(&vf->lock);
	file->private_data = vf;
	return nonseekable_open(inode, file);
}

static int vale_release(struct inode *inode, struct file *file)
{
	struct vale_file *vf = file->private_data;

	if (vf->port)
		vale_port_release(vf->port);
	mutex_destroy(&vf->lock);
	kfree(vf);
	return 0;
}

static long vale_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	u32 __user *uring = (u32 __user *)arg;
	struct vale_bypass_report rep;
	struct vale_port_stats stats;
	struct vale_port *port;
	u32 ring;

	if (cmd == VALE_IOC_REGISTER)
		return vale_port_register(file->private_data,
					  (void __user *)arg);

	port = vale_file_port(file);
	switch (cmd) {
	case VALE_IOC_TXSYNC:
		if (!port)
			return -ENXIO;
		if (get_user(ring, uring))
			return -EFAULT;
		return vale_port_txsync(port, ring);
	case VALE_IOC_RXSYNC:
		if (!port)
			return -ENXIO;
		if (get_user(ring, uring))
			return -EFAULT;
		return vale_port_rxsync(port, ring);
	case VALE_IOC_GET_STATS:
		if (!port)
			return -ENXIO;
		vale_port_get_stats(port, &stats);
		if (copy_to_user((void __user *)arg, &stats, sizeof(stats)))
			return -EFAULT;
		return 0;
	case VALE_IOC_BYPASS_REPORT:
		if (!port)
			return -ENXIO;
		if (copy_from_user(&rep, (void __user *)arg, sizeof(rep)))
			return -EFAULT;
		return vale_bypass_report(port, &rep);
	default:
		return -ENOTTY;
	}
}

static int vale_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct vale_port *port = vale_file_port(file);

	if (!port)
		return -ENXIO;
	return vale_mem_mmap(&port->mem, vma);
}

static __poll_t vale_poll(struct file *file, poll_table *wait)
{
	struct vale_port *port = vale_file_port(file);

	if (!port)
		return EPOLLERR;
	return vale_port_poll(port, file, wait);
}

static const struct file_operations vale_fops = {
	.owner		= THIS_MODULE,
	.open		= vale_open,
	.release	= vale_release,
	.unlocked_ioctl	= vale_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= vale_mmap,
	.poll		= vale_poll,
	.llseek		= noop_llseek,
};

static struct miscdevice vale_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "vale",
	.fops	= &vale_fops,
	.mode	= 0660,
};

int vale_dev_init(void)
{
	return misc_register(&vale_miscdev);
}

void vale_dev_exit(void)
{
	misc_deregister(&vale_miscdev);
}
