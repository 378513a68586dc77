/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What omcore offers the other openMosix-NG modules (kernel only). The
 * peer-link RPC is declared in modules/core/rpc.h; this is the node map
 * and this node's place in it.
 */
#ifndef _OPENMOSIX_OMCORE_H
#define _OPENMOSIX_OMCORE_H

#include <linux/types.h>

/*
 * This node's id, 0 while it is unknown (no map, no local address in it,
 * or two nodes that both look local). Cached: recomputed only after the
 * map, the explicit id or a local address changed. Any context, including
 * RCU path walk; never sleeps.
 */
u16 om_self_id(void);

/* Whether @id is a node of the current map. Any context; never sleeps. */
bool om_node_in_map(u16 id);

/*
 * The smallest node id of the current map that is >= @from, in *@id;
 * false when there is none. Walks in id order however the map changes in
 * between (a directory listing keeps its place across map changes).
 */
bool om_map_next_node(u32 from, u16 *id);

#endif /* _OPENMOSIX_OMCORE_H */
