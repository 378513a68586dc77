/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OM_NETLINK_H
#define _OM_NETLINK_H

int om_genl_init(void);
void om_genl_uninit(void);

#endif /* _OM_NETLINK_H */
