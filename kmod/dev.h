/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale: the /dev/vale misc device (dev.c).
 */
#ifndef _VALE_DEV_H
#define _VALE_DEV_H

int vale_dev_init(void);
void vale_dev_exit(void);

#endif /* _VALE_DEV_H */
