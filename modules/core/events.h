/* SPDX-License-Identifier: GPL-2.0 */
/* Telling the modules built on omcore what changed (omcore.h's notifier). */
#ifndef _OM_EVENTS_H
#define _OM_EVENTS_H

#include <linux/types.h>

void om_notify_link_down(u16 node, u64 epoch);
void om_notify_policy(u32 policy, u32 old_policy);

#endif /* _OM_EVENTS_H */
