// SPDX-License-Identifier: GPL-2.0
/*
 * vmpi: guest driver for the VMPI VM-to-host message channel.
 *
 * Binds QEMU ivshmem devices (1af4:1110) whose shared memory (BAR2)
 * starts with a valid VMPI header and leaves every other ivshmem device
 * alone.  Each bound device becomes /dev/vmpiN.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/idr.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "vmpi.h"

#ifndef VALE_VERSION
#define VALE_VERSION "unknown"
#endif

#define PCI_VENDOR_ID_IVSHMEM	0x1af4
#define PCI_DEVICE_ID_IVSHMEM	0x1110

static DEFINE_IDA(vmpi_ida);

static void vmpi_dev_release(struct kref *ref)
{
	struct vmpi_dev *vdev = container_of(ref, struct vmpi_dev, ref);
	unsigned int i;

	for (i = 0; vdev->chans && i < vdev->nchan; i++)
		kvfree(vdev->chans[i].tx.start);
	kfree(vdev->chans);
	kfree(vdev->vecs);
	if (vdev->shm)
		memunmap(vdev->shm);
	if (vdev->id >= 0)
		ida_free(&vmpi_ida, vdev->id);
	pci_dev_put(vdev->pdev);
	kfree(vdev);
}

void vmpi_dev_put(struct vmpi_dev *vdev)
{
	kref_put(&vdev->ref, vmpi_dev_release);
}

/* Copy the header out of BAR2 once and check it; only the copy is used. */
static int vmpi_read_header(struct pci_dev *pdev, struct vmpi_shm_hdr *geo)
{
	resource_size_t start = pci_resource_start(pdev, 2);
	resource_size_t len = pci_resource_len(pdev, 2);
	void *p;
	int ret;

	if (!(pci_resource_flags(pdev, 2) & IORESOURCE_MEM) ||
	    len < sizeof(*geo))
		return -ENODEV;
	p = memremap(start, sizeof(*geo), MEMREMAP_WB);
	if (!p)
		return -ENOMEM;
	memcpy(geo, p, sizeof(*geo));
	memunmap(p);
	ret = vmpi_geometry_check(geo, len);
	if (ret == -ENODEV)
		dev_info(&pdev->dev, "no VMPI magic in BAR2, leaving it alone\n");
	else if (ret)
		dev_warn(&pdev->dev, "bad VMPI header, not binding\n");
	return ret;
}

static int vmpi_setup_channels(struct vmpi_dev *vdev)
{
	const struct vmpi_shm_hdr *g = &vdev->geo;
	unsigned int i;

	vdev->nchan = g->nchannels;
	vdev->chans = kcalloc(vdev->nchan, sizeof(*vdev->chans), GFP_KERNEL);
	if (!vdev->chans)
		return -ENOMEM;
	for (i = 0; i < vdev->nchan; i++) {
		struct vmpi_chan *ch = &vdev->chans[i];
		void *base = vdev->shm + g->chan_off + (u64)i * g->chan_stride;

		ch->vdev = vdev;
		ch->idx = i;
		mutex_init(&ch->tx_lock);
		mutex_init(&ch->rx_lock);
		init_waitqueue_head(&ch->wq);
		vmpi_ring_init(&ch->tx, base + VMPI_RING_G2H * g->ring_stride, g);
		vmpi_ring_init(&ch->rx, base + VMPI_RING_H2G * g->ring_stride, g);
		ch->tx.start = kvcalloc(g->slots, sizeof(u32), GFP_KERNEL);
		if (!ch->tx.start)
			return -ENOMEM;
	}
	return 0;
}

static int vmpi_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vmpi_shm_hdr geo;
	struct vmpi_dev *vdev;
	int ret;

	ret = pci_enable_device(pdev);
	if (ret)
		return ret;
	ret = vmpi_read_header(pdev, &geo);
	if (ret)
		goto err_disable;
	ret = pci_request_regions(pdev, KBUILD_MODNAME);
	if (ret)
		goto err_disable;

	vdev = kzalloc(sizeof(*vdev), GFP_KERNEL);
	if (!vdev) {
		ret = -ENOMEM;
		goto err_regions;
	}
	kref_init(&vdev->ref);
	init_rwsem(&vdev->life);
	vdev->pdev = pci_dev_get(pdev);
	vdev->geo = geo;
	vdev->id = ida_alloc(&vmpi_ida, GFP_KERNEL);
	if (vdev->id < 0) {
		ret = vdev->id;
		goto err_put;
	}
	snprintf(vdev->name, sizeof(vdev->name), "vmpi%d", vdev->id);

	vdev->regs = pci_iomap(pdev, 0, 0x100);
	vdev->shm_len = geo.shm_size;
	vdev->shm = memremap(pci_resource_start(pdev, 2), geo.shm_size,
			     MEMREMAP_WB);
	if (!vdev->regs || !vdev->shm) {
		ret = -ENOMEM;
		goto err_unmap;
	}
	vdev->hdr = vdev->shm;
	ret = vmpi_setup_channels(vdev);
	if (ret)
		goto err_unmap;
	vdev->peer_id = ioread32(vdev->regs + IVSHMEM_IV_POSITION);
	/* MSI-X messages are bus-master writes. */
	pci_set_master(pdev);
	ret = vmpi_irq_setup(vdev);
	if (ret)
		goto err_unmap;

	WRITE_ONCE(vdev->hdr->guest_nvec, vdev->nvec ? vdev->nvec : 1);
	WRITE_ONCE(vdev->hdr->guest_gen, READ_ONCE(vdev->hdr->guest_gen) + 1);
	smp_wmb(); /* vectors before the state */
	WRITE_ONCE(vdev->hdr->guest_state, VMPI_GUEST_UP);

	vdev->misc.minor = MISC_DYNAMIC_MINOR;
	vdev->misc.name = vdev->name;
	vdev->misc.fops = &vmpi_fops;
	vdev->misc.parent = &pdev->dev;
	vdev->misc.mode = 0600;
	ret = misc_register(&vdev->misc);
	if (ret)
		goto err_irq;
	vmpi_debugfs_add(vdev);
	pci_set_drvdata(pdev, vdev);
	dev_info(&pdev->dev, "%s: %u channels, %u slots, %u KiB per ring, max message %u, %s %u, peer %u\n",
		 vdev->name, vdev->nchan, geo.slots, geo.data_size >> 10,
		 geo.max_msg, vdev->nvec ? "msix vectors" : "intx", vdev->nvec,
		 vdev->peer_id);
	return 0;

err_irq:
	WRITE_ONCE(vdev->hdr->guest_state, VMPI_GUEST_DOWN);
	vmpi_irq_teardown(vdev);
err_unmap:
	pci_clear_master(pdev);
	if (vdev->regs)
		pci_iounmap(pdev, vdev->regs);
err_put:
	vmpi_dev_put(vdev);
err_regions:
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
	return ret;
}

static void vmpi_remove(struct pci_dev *pdev)
{
	struct vmpi_dev *vdev = pci_get_drvdata(pdev);
	unsigned int i;

	vmpi_debugfs_remove(vdev);
	misc_deregister(&vdev->misc);
	/* No file operation runs past this point or starts after it. */
	down_write(&vdev->life);
	vdev->dead = true;
	up_write(&vdev->life);
	for (i = 0; i < vdev->nchan; i++)
		wake_up_interruptible_all(&vdev->chans[i].wq);
	WRITE_ONCE(vdev->hdr->guest_state, VMPI_GUEST_DOWN);
	vmpi_irq_teardown(vdev);
	pci_clear_master(pdev);
	pci_iounmap(pdev, vdev->regs);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
	/* Open files keep the shared memory mapped until they close. */
	vmpi_dev_put(vdev);
}

static const struct pci_device_id vmpi_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_IVSHMEM, PCI_DEVICE_ID_IVSHMEM) },
	{ }
};
MODULE_DEVICE_TABLE(pci, vmpi_ids);

static struct pci_driver vmpi_driver = {
	.name = KBUILD_MODNAME,
	.id_table = vmpi_ids,
	.probe = vmpi_probe,
	.remove = vmpi_remove,
};

static int __init vmpi_init(void)
{
	int ret;

	vmpi_debugfs_init();
	ret = pci_register_driver(&vmpi_driver);
	if (ret) {
		vmpi_debugfs_exit();
		return ret;
	}
	pr_info("version %s loaded\n", VALE_VERSION);
	return 0;
}

static void __exit vmpi_exit(void)
{
	pci_unregister_driver(&vmpi_driver);
	vmpi_debugfs_exit();
	pr_info("unloaded\n");
}

module_init(vmpi_init);
module_exit(vmpi_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VMPI guest driver: message channels over ivshmem");
MODULE_VERSION(VALE_VERSION);
