/* SPDX-License-Identifier: GPL-2.0 */
/* Which node of the map this machine is. */
#ifndef _OM_IDENTITY_H
#define _OM_IDENTITY_H

#include <linux/types.h>
#include <uapi/linux/openmosix.h>

struct om_map;

u16 om_identity(const struct om_map *map, enum om_self_source *source);
void om_identity_set(u16 id);
void om_self_invalidate(void);
int om_identity_init(void);
void om_identity_uninit(void);

#endif /* _OM_IDENTITY_H */
