// SPDX-License-Identifier: GPL-2.0
/*
 * vmpi: interrupts from the host and doorbells to it.
 *
 * With MSI-X, host vector v means "something changed on channels
 * v, v + nvec, ...".  Without MSI-X (ivshmem-doorbell,msi=off) the device
 * raises INTx and sets bit 0 of its Interrupt Status register, which a
 * read clears; then every channel is looked at.
 */
#include <linux/interrupt.h>
#include "vmpi.h"

#ifndef PCI_IRQ_INTX
#define PCI_IRQ_INTX PCI_IRQ_LEGACY
#endif

static void vmpi_chan_wake(struct vmpi_chan *ch)
{
	atomic_inc(&ch->events);
	wake_up_interruptible_all(&ch->wq);
}

static irqreturn_t vmpi_msix_irq(int irq, void *data)
{
	struct vmpi_vec *v = data;
	struct vmpi_dev *vdev = v->vdev;
	unsigned int c;

	v->irqs++;
	for (c = v->idx; c < vdev->nchan; c += vdev->nvec)
		vmpi_chan_wake(&vdev->chans[c]);
	return IRQ_HANDLED;
}

static irqreturn_t vmpi_intx_irq(int irq, void *data)
{
	struct vmpi_vec *v = data;
	struct vmpi_dev *vdev = v->vdev;
	unsigned int c;

	if (!ioread32(vdev->regs + IVSHMEM_INTR_STATUS))
		return IRQ_NONE;
	v->irqs++;
	for (c = 0; c < vdev->nchan; c++)
		vmpi_chan_wake(&vdev->chans[c]);
	return IRQ_HANDLED;
}

int vmpi_irq_setup(struct vmpi_dev *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int want = min(vdev->geo.host_nvec, vdev->nchan);
	unsigned int i, nreq;
	int n, ret;

	n = pci_alloc_irq_vectors(pdev, 1, want, PCI_IRQ_MSIX | PCI_IRQ_INTX);
	if (n < 0)
		return n;
	vdev->nvec = pdev->msix_enabled ? n : 0;
	nreq = vdev->nvec ? vdev->nvec : 1;
	vdev->vecs = kcalloc(nreq, sizeof(*vdev->vecs), GFP_KERNEL);
	if (!vdev->vecs) {
		ret = -ENOMEM;
		goto err_free_vectors;
	}
	for (i = 0; i < nreq; i++) {
		vdev->vecs[i].vdev = vdev;
		vdev->vecs[i].idx = i;
		if (vdev->nvec)
			ret = request_irq(pci_irq_vector(pdev, i), vmpi_msix_irq,
					  0, vdev->name, &vdev->vecs[i]);
		else
			ret = request_irq(pci_irq_vector(pdev, i), vmpi_intx_irq,
					  IRQF_SHARED, vdev->name, &vdev->vecs[i]);
		if (ret)
			goto err_free_irqs;
	}
	if (!vdev->nvec)
		iowrite32(1, vdev->regs + IVSHMEM_INTR_MASK);
	return 0;

err_free_irqs:
	while (i--)
		free_irq(pci_irq_vector(pdev, i), &vdev->vecs[i]);
	kfree(vdev->vecs);
	vdev->vecs = NULL;
err_free_vectors:
	pci_free_irq_vectors(pdev);
	return ret;
}

void vmpi_irq_teardown(struct vmpi_dev *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int i, nreq = vdev->nvec ? vdev->nvec : 1;

	if (!vdev->vecs)
		return;
	if (!vdev->nvec)
		iowrite32(0, vdev->regs + IVSHMEM_INTR_MASK);
	for (i = 0; i < nreq; i++)
		free_irq(pci_irq_vector(pdev, i), &vdev->vecs[i]);
	pci_free_irq_vectors(pdev);
}

/* Ring the host end of a channel: peer 1 + c, vector 0. */
void vmpi_kick(struct vmpi_chan *ch)
{
	iowrite32((u32)VMPI_HOST_PEER_ID(ch->idx) << 16,
		  ch->vdev->regs + IVSHMEM_DOORBELL);
}
