/* SPDX-License-Identifier: GPL-2.0 */
/* Tier-0 shim: <linux/poll.h>, types and event bits only. */
#ifndef _SHIM_LINUX_POLL_H
#define _SHIM_LINUX_POLL_H

#include <linux/types.h>	/* __poll_t (uapi) */
#include <linux/eventpoll.h>	/* EPOLLIN and friends (uapi) */
#include <linux/wait.h>

struct file;
typedef struct poll_table_struct poll_table;

#endif
