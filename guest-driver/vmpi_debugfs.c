// SPDX-License-Identifier: GPL-2.0
/*
 * vmpi: counters in debugfs, /sys/kernel/debug/vmpi/vmpiN/stats.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "vmpi.h"

static struct dentry *vmpi_dbg_root;

static int vmpi_stats_show(struct seq_file *s, void *unused)
{
	struct vmpi_dev *vdev = s->private;
	unsigned int i, nreq = vdev->nvec ? vdev->nvec : 1;

	seq_printf(s, "device %s peer_id %u channels %u slots %u data_size %u max_msg %u\n",
		   pci_name(vdev->pdev), vdev->peer_id, vdev->nchan,
		   vdev->geo.slots, vdev->geo.data_size, vdev->geo.max_msg);
	seq_printf(s, "interrupts %s vectors %u\n", vdev->nvec ? "msix" : "intx",
		   vdev->nvec);
	for (i = 0; vdev->vecs && i < nreq; i++)
		seq_printf(s, "vector %u irqs %llu\n", i, READ_ONCE(vdev->vecs[i].irqs));
	for (i = 0; i < vdev->nchan; i++) {
		struct vmpi_chan *ch = &vdev->chans[i];
		struct vmpi_stats *st = &ch->st;

		seq_printf(s, "chan %u bound %d tx_msgs %llu tx_bytes %llu rx_msgs %llu rx_bytes %llu tx_waits %llu rx_waits %llu tx_kicks %llu rx_kicks %llu faults %llu tx_fault %d rx_fault %d\n",
			   i, test_bit(0, &ch->bound),
			   READ_ONCE(st->tx_msgs), READ_ONCE(st->tx_bytes),
			   READ_ONCE(st->rx_msgs), READ_ONCE(st->rx_bytes),
			   READ_ONCE(st->tx_waits), READ_ONCE(st->rx_waits),
			   READ_ONCE(st->tx_kicks), READ_ONCE(st->rx_kicks),
			   READ_ONCE(st->faults), READ_ONCE(ch->tx.fault),
			   READ_ONCE(ch->rx.fault));
		seq_printf(s, "chan %u events %d shared: tx prod %u cons %u room_event %u data_event %u; rx prod %u cons %u room_event %u data_event %u\n",
			   i, atomic_read(&ch->events),
			   READ_ONCE(ch->tx.ctl->prod), READ_ONCE(ch->tx.ctl->cons),
			   READ_ONCE(ch->tx.ctl->room_event),
			   READ_ONCE(ch->tx.ctl->data_event),
			   READ_ONCE(ch->rx.ctl->prod), READ_ONCE(ch->rx.ctl->cons),
			   READ_ONCE(ch->rx.ctl->room_event),
			   READ_ONCE(ch->rx.ctl->data_event));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmpi_stats);

void vmpi_debugfs_init(void)
{
	vmpi_dbg_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
}

void vmpi_debugfs_exit(void)
{
	debugfs_remove_recursive(vmpi_dbg_root);
}

void vmpi_debugfs_add(struct vmpi_dev *vdev)
{
	vdev->dbg = debugfs_create_dir(vdev->name, vmpi_dbg_root);
	debugfs_create_file("stats", 0400, vdev->dbg, vdev, &vmpi_stats_fops);
}

void vmpi_debugfs_remove(struct vmpi_dev *vdev)
{
	debugfs_remove_recursive(vdev->dbg);
	vdev->dbg = NULL;
}
