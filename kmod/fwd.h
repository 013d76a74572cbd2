/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vale: forwarding, in the sender's tx sync context.
 */
#ifndef _VALE_FWD_H
#define _VALE_FWD_H

#include <linux/types.h>

struct vale_port;
struct vale_kring;
struct vale_fwd_scratch;

struct vale_fwd_scratch *vale_fwd_scratch_alloc(void);
void vale_fwd_scratch_free(struct vale_fwd_scratch *s);

/*
 * Forward tx slots [kr->st.hwcur, head) of @port, head already validated.
 * Caller holds kr->sync_lock.  Never blocks on a destination.
 */
void vale_fwd_txsync(struct vale_port *port, struct vale_kring *kr, u32 head);

#endif /* _VALE_FWD_H */
