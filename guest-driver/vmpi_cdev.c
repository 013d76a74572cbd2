// SPDX-License-Identifier: GPL-2.0
/*
 * vmpi: the /dev/vmpiN character device.
 *
 * A file binds to one channel (VMPI_IOC_BIND); then write() sends one
 * message, read() returns one whole message, poll() reports data and
 * room.  Waiting happens with no lock held: a waiter snapshots the
 * channel's interrupt count, tries, arms the host's notification and
 * sleeps until the count moves.
 */
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "vmpi.h"

struct vmpi_file {
	struct vmpi_dev *vdev;
	struct vmpi_chan *ch;		/* NULL until bound */
	struct mutex bind_lock;
};

static int vmpi_open(struct inode *inode, struct file *file)
{
	struct miscdevice *misc = file->private_data;
	struct vmpi_dev *vdev = container_of(misc, struct vmpi_dev, misc);
	struct vmpi_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	mutex_init(&f->bind_lock);
	kref_get(&vdev->ref);
	f->vdev = vdev;
	file->private_data = f;
	return nonseekable_open(inode, file);
}

static int vmpi_release(struct inode *inode, struct file *file)
{
	struct vmpi_file *f = file->private_data;

	if (f->ch)
		clear_bit(0, &f->ch->bound);
	vmpi_dev_put(f->vdev);
	kfree(f);
	return 0;
}

static int vmpi_bind(struct vmpi_file *f, u32 idx)
{
	struct vmpi_dev *vdev = f->vdev;
	struct vmpi_chan *ch;
	int ret = 0;

	if (idx >= vdev->nchan)
		return -EINVAL;
	mutex_lock(&f->bind_lock);
	if (f->ch) {
		ret = -EBUSY;
		goto out;
	}
	ch = &vdev->chans[idx];
	if (test_and_set_bit(0, &ch->bound)) {
		ret = -EBUSY;
		goto out;
	}
	down_read(&vdev->life);
	if (vdev->dead) {
		ret = -ENODEV;
	} else {
		mutex_lock(&ch->tx_lock);
		ret = vmpi_ring_adopt_producer(&ch->tx);
		mutex_unlock(&ch->tx_lock);
		mutex_lock(&ch->rx_lock);
		if (!ret)
			ret = vmpi_ring_adopt_consumer(&ch->rx);
		mutex_unlock(&ch->rx_lock);
	}
	up_read(&vdev->life);
	if (ret) {
		ch->st.faults++;
		clear_bit(0, &ch->bound);
		goto out;
	}
	f->ch = ch;
out:
	mutex_unlock(&f->bind_lock);
	return ret;
}

static long vmpi_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct vmpi_file *f = file->private_data;
	struct vmpi_dev *vdev = f->vdev;
	void __user *uarg = (void __user *)arg;
	struct vmpi_info info;
	u32 idx;

	switch (cmd) {
	case VMPI_IOC_BIND:
		if (get_user(idx, (u32 __user *)uarg))
			return -EFAULT;
		return vmpi_bind(f, idx);
	case VMPI_IOC_INFO:
		memset(&info, 0, sizeof(info));
		info.nchannels = vdev->nchan;
		info.max_msg = vdev->geo.max_msg;
		info.slots = vdev->geo.slots;
		info.data_size = vdev->geo.data_size;
		info.channel = f->ch ? f->ch->idx : VMPI_UNBOUND;
		info.nvec = vdev->nvec;
		info.peer_id = vdev->peer_id;
		return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
	default:
		return -ENOTTY;
	}
}

/* One attempt to receive; -EAGAIN leaves the host asked to kick us. */
static ssize_t vmpi_try_read(struct vmpi_chan *ch, char __user *buf,
			     size_t count)
{
	struct vmpi_dev *vdev = ch->vdev;
	struct vmpi_ring *r = &ch->rx;
	bool kick = false;
	u32 off, len;
	ssize_t ret;

	down_read(&vdev->life);
	if (vdev->dead) {
		ret = -ENODEV;
		goto out_life;
	}
	if (mutex_lock_interruptible(&ch->rx_lock)) {
		ret = -ERESTARTSYS;
		goto out_life;
	}
	ret = vmpi_ring_peek(r, &off, &len);
	if (ret == -EAGAIN) {
		vmpi_ring_arm_data(r);
		ret = vmpi_ring_peek(r, &off, &len);
	}
	if (ret) {
		if (ret == -EIO)
			ch->st.faults++;
		goto out;
	}
	if (len > count) {
		ret = -EMSGSIZE;
		goto out;
	}
	if (copy_to_user(buf, r->data + off, len)) {
		ret = -EFAULT;
		goto out;
	}
	kick = vmpi_ring_release(r);
	ch->st.rx_msgs++;
	ch->st.rx_bytes += len;
	if (kick) {
		ch->st.rx_kicks++;
		vmpi_kick(ch);
	}
	ret = len;
out:
	mutex_unlock(&ch->rx_lock);
out_life:
	up_read(&vdev->life);
	return ret;
}

static ssize_t vmpi_try_write(struct vmpi_chan *ch, const char __user *buf,
			      size_t count)
{
	struct vmpi_dev *vdev = ch->vdev;
	struct vmpi_ring *r = &ch->tx;
	u32 off, len = count;
	ssize_t ret;

	down_read(&vdev->life);
	if (vdev->dead) {
		ret = -ENODEV;
		goto out_life;
	}
	if (mutex_lock_interruptible(&ch->tx_lock)) {
		ret = -ERESTARTSYS;
		goto out_life;
	}
	ret = vmpi_ring_reserve_or_arm(r, len, &off);
	if (ret) {
		if (ret == -EIO)
			ch->st.faults++;
		goto out;
	}
	if (copy_from_user(r->data + off, buf, len)) {
		ret = -EFAULT;
		goto out;
	}
	ch->st.tx_msgs++;
	ch->st.tx_bytes += len;
	if (vmpi_ring_commit(r, off, len)) {
		ch->st.tx_kicks++;
		vmpi_kick(ch);
	}
	ret = len;
out:
	mutex_unlock(&ch->tx_lock);
out_life:
	up_read(&vdev->life);
	return ret;
}

static struct vmpi_chan *vmpi_file_chan(struct file *file)
{
	struct vmpi_file *f = file->private_data;

	return f->ch;
}

static int vmpi_wait(struct vmpi_chan *ch, int seen)
{
	return wait_event_interruptible(ch->wq,
					atomic_read(&ch->events) != seen ||
					READ_ONCE(ch->vdev->dead));
}

static ssize_t vmpi_read(struct file *file, char __user *buf, size_t count,
			 loff_t *ppos)
{
	struct vmpi_chan *ch = vmpi_file_chan(file);
	ssize_t ret;
	int seen;

	if (!ch)
		return -ENOTCONN;
	for (;;) {
		seen = atomic_read(&ch->events);
		ret = vmpi_try_read(ch, buf, count);
		if (ret != -EAGAIN || (file->f_flags & O_NONBLOCK))
			return ret;
		ch->st.rx_waits++;
		ret = vmpi_wait(ch, seen);
		if (ret)
			return ret;
	}
}

static ssize_t vmpi_write(struct file *file, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	struct vmpi_chan *ch = vmpi_file_chan(file);
	ssize_t ret;
	int seen;

	if (!ch)
		return -ENOTCONN;
	if (count > ch->tx.max_msg)
		return -EMSGSIZE;
	for (;;) {
		seen = atomic_read(&ch->events);
		ret = vmpi_try_write(ch, buf, count);
		if (ret != -EAGAIN || (file->f_flags & O_NONBLOCK))
			return ret;
		ch->st.tx_waits++;
		ret = vmpi_wait(ch, seen);
		if (ret)
			return ret;
	}
}

static __poll_t vmpi_poll(struct file *file, poll_table *wait)
{
	struct vmpi_chan *ch = vmpi_file_chan(file);
	struct vmpi_dev *vdev;
	__poll_t mask = 0;
	u32 off, len;
	int ret;

	if (!ch)
		return EPOLLERR;
	vdev = ch->vdev;
	poll_wait(file, &ch->wq, wait);
	down_read(&vdev->life);
	if (vdev->dead) {
		mask = EPOLLHUP | EPOLLERR;
		goto out;
	}
	mutex_lock(&ch->rx_lock);
	ret = vmpi_ring_peek(&ch->rx, &off, &len);
	if (ret == -EAGAIN) {
		vmpi_ring_arm_data(&ch->rx);
		ret = vmpi_ring_peek(&ch->rx, &off, &len);
	}
	if (!ret)
		mask |= EPOLLIN | EPOLLRDNORM;
	else if (ret == -EIO)
		mask |= EPOLLERR;
	mutex_unlock(&ch->rx_lock);

	/* Writable when a message of max_msg bytes would fit. */
	mutex_lock(&ch->tx_lock);
	ret = vmpi_ring_reserve_or_arm(&ch->tx, ch->tx.max_msg, &off);
	if (!ret)
		mask |= EPOLLOUT | EPOLLWRNORM;
	else if (ret == -EIO)
		mask |= EPOLLERR;
	mutex_unlock(&ch->tx_lock);
out:
	up_read(&vdev->life);
	return mask;
}

const struct file_operations vmpi_fops = {
	.owner = THIS_MODULE,
	.open = vmpi_open,
	.release = vmpi_release,
	.read = vmpi_read,
	.write = vmpi_write,
	.poll = vmpi_poll,
	.unlocked_ioctl = vmpi_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};
