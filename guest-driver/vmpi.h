/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmpi: guest driver for the VMPI VM-to-host message channel.
 * Internal definitions shared by the driver's files.
 */
#ifndef _VMPI_H
#define _VMPI_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/wait.h>
#include <linux/vmpi.h>
#include "vmpi_ring.h"

/* ivshmem BAR0 registers (docs/specs/ivshmem-spec.txt in QEMU). */
#define IVSHMEM_INTR_MASK	0x00
#define IVSHMEM_INTR_STATUS	0x04
#define IVSHMEM_IV_POSITION	0x08
#define IVSHMEM_DOORBELL	0x0c

struct vmpi_dev;

/* Counters of one channel (debugfs); written under the ring's mutex. */
struct vmpi_stats {
	u64 tx_msgs;
	u64 tx_bytes;
	u64 rx_msgs;
	u64 rx_bytes;
	u64 tx_waits;
	u64 rx_waits;
	u64 tx_kicks;
	u64 rx_kicks;
	u64 faults;
};

struct vmpi_chan {
	struct vmpi_dev *vdev;
	unsigned int idx;
	unsigned long bound;		/* bit 0: a file is bound */
	struct mutex tx_lock;		/* guest -> host ring */
	struct mutex rx_lock;		/* host -> guest ring */
	struct vmpi_ring tx;		/* VMPI_RING_G2H, guest produces */
	struct vmpi_ring rx;		/* VMPI_RING_H2G, guest consumes */
	wait_queue_head_t wq;
	atomic_t events;		/* bumped by every interrupt */
	struct vmpi_stats st;
};

struct vmpi_vec {
	struct vmpi_dev *vdev;
	unsigned int idx;
	u64 irqs;
};

struct vmpi_dev {
	struct kref ref;
	struct pci_dev *pdev;
	int id;				/* N of /dev/vmpiN */
	char name[16];
	void __iomem *regs;		/* BAR0 */
	void *shm;			/* BAR2, write-back mapping */
	u64 shm_len;
	struct vmpi_shm_hdr *hdr;
	struct vmpi_shm_hdr geo;	/* validated copy of the header */
	u32 peer_id;
	unsigned int nvec;		/* MSI-X vectors; 0 means INTx */
	struct vmpi_vec *vecs;
	unsigned int nchan;
	struct vmpi_chan *chans;
	struct rw_semaphore life;	/* read: an operation; write: remove */
	bool dead;			/* device removed */
	struct miscdevice misc;
	struct dentry *dbg;
};

/* vmpi_main.c */
void vmpi_dev_put(struct vmpi_dev *vdev);

/* vmpi_irq.c */
int vmpi_irq_setup(struct vmpi_dev *vdev);
void vmpi_irq_teardown(struct vmpi_dev *vdev);
void vmpi_kick(struct vmpi_chan *ch);

/* vmpi_cdev.c */
extern const struct file_operations vmpi_fops;

/* vmpi_debugfs.c */
void vmpi_debugfs_init(void);
void vmpi_debugfs_exit(void);
void vmpi_debugfs_add(struct vmpi_dev *vdev);
void vmpi_debugfs_remove(struct vmpi_dev *vdev);

#endif /* _VMPI_H */
