/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OM_NETLINK_H
#define _OM_NETLINK_H

#include <linux/types.h>

int om_genl_init(void);
void om_genl_uninit(void);
void om_genl_link_down(u16 node, int reason);

#endif /* _OM_NETLINK_H */
