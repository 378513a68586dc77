// SPDX-License-Identifier: GPL-2.0
#include "events.h"

#include <linux/module.h>
#include <linux/notifier.h>
#include <openmosix/omcore.h>

/* Blocking: the events come from process context, and handlers may sleep. */
static BLOCKING_NOTIFIER_HEAD(om_notifier);

int om_register_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&om_notifier, nb);
}
EXPORT_SYMBOL_GPL(om_register_notifier);

int om_unregister_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_unregister(&om_notifier, nb);
}
EXPORT_SYMBOL_GPL(om_unregister_notifier);

void om_notify_link_down(u16 node, u64 epoch)
{
	struct om_event_info info = { .node = node, .epoch = epoch };

	blocking_notifier_call_chain(&om_notifier, OM_EV_LINK_DOWN, &info);
}

void om_notify_policy(u32 policy, u32 old_policy)
{
	struct om_event_info info = { .policy = policy,
				      .old_policy = old_policy };

	blocking_notifier_call_chain(&om_notifier, OM_EV_POLICY, &info);
}
