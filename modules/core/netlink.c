// SPDX-License-Identifier: GPL-2.0
/*
 * The "openmosix" generic netlink family; include/uapi/linux/openmosix.h
 * draws the attribute tree of every command.
 */
#include "netlink.h"
#include "identity.h"
#include "link.h"
#include "map.h"
#include "rpc.h"
#include "view.h"

#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/openmosix.h>

static const struct nla_policy om_addr_policy[OM_ADDR_A_MAX + 1] = {
	[OM_ADDR_A_INET]	= NLA_POLICY_EXACT_LEN(sizeof(struct in_addr)),
	[OM_ADDR_A_INET6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

/*
 * NLA_POLICY_RANGE() holds s16 bounds; node ids need the full range. Not
 * const: 6.1's nla_policy points at a mutable netlink_range_validation.
 */
static struct netlink_range_validation om_node_id_range __ro_after_init = {
	.min = 1,
	.max = OM_NODE_ID_MAX,
};

static struct netlink_range_validation om_self_id_range __ro_after_init = {
	.min = 0,		/* derive the id from the local addresses */
	.max = OM_NODE_ID_MAX,
};

static struct netlink_range_validation om_ping_size_range __ro_after_init = {
	.max = OM_PING_MAX_SIZE,
};

static struct netlink_range_validation om_ping_bulk_range __ro_after_init = {
	.max = OM_PING_MAX_BULK,
};

static struct netlink_range_validation om_load_cpus_range __ro_after_init = {
	.min = 1,
	.max = OM_LOAD_MAX_CPUS,
};

static struct netlink_range_validation om_load_speed_range __ro_after_init = {
	.min = 1,
	.max = OM_LOAD_MAX_SPEED,
};

static struct netlink_range_validation om_policy_speed_range __ro_after_init = {
	.min = 0,		/* back to omd's measurement */
	.max = OM_LOAD_MAX_SPEED,
};

static struct netlink_range_validation om_load_interval_range __ro_after_init = {
	.min = OM_LOAD_MIN_INTERVAL_MS,
	.max = OM_LOAD_MAX_INTERVAL_MS,
};

static const struct nla_policy om_node_policy[OM_NODE_A_MAX + 1] = {
	[OM_NODE_A_ID]		= NLA_POLICY_FULL_RANGE(NLA_U32, &om_node_id_range),
	[OM_NODE_A_ADDRS]	= NLA_POLICY_NESTED_ARRAY(om_addr_policy),
};

static const struct nla_policy om_set_map_policy[OM_A_MAX + 1] = {
	[OM_A_MAP_NODES]	= { .type = NLA_U32 },
	[OM_A_NODE]		= NLA_POLICY_NESTED(om_node_policy),
};

static const struct nla_policy om_set_self_policy[OM_A_MAX + 1] = {
	[OM_A_NODE_ID]		= NLA_POLICY_FULL_RANGE(NLA_U32, &om_self_id_range),
};

/* A peer's node id: never 0, never this node's "derive" value. */
static const struct nla_policy om_peer_policy[OM_A_MAX + 1] = {
	[OM_A_NODE_ID]		= NLA_POLICY_FULL_RANGE(NLA_U32, &om_node_id_range),
};

static const struct nla_policy om_link_add_policy[OM_A_MAX + 1] = {
	[OM_A_NODE_ID]		= NLA_POLICY_FULL_RANGE(NLA_U32, &om_node_id_range),
	[OM_A_LINK_FD]		= { .type = NLA_U32 },
};

static const struct nla_policy om_ping_policy[OM_A_MAX + 1] = {
	[OM_A_NODE_ID]		= NLA_POLICY_FULL_RANGE(NLA_U32, &om_node_id_range),
	[OM_A_PING_SIZE]	= NLA_POLICY_FULL_RANGE(NLA_U32, &om_ping_size_range),
	[OM_A_PING_BULK]	= NLA_POLICY_FULL_RANGE(NLA_U64, &om_ping_bulk_range),
};

static const struct nla_policy om_load_policy[OM_LOAD_A_MAX + 1] = {
	[OM_LOAD_A_LOAD]	= { .type = NLA_U32 },
	[OM_LOAD_A_CPUS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &om_load_cpus_range),
	[OM_LOAD_A_SPEED]	= NLA_POLICY_FULL_RANGE(NLA_U32, &om_load_speed_range),
	[OM_LOAD_A_UTIL]	= NLA_POLICY_MAX(NLA_U32, 1000),
	[OM_LOAD_A_MEM_TOTAL]	= { .type = NLA_U64 },
	[OM_LOAD_A_MEM_FREE]	= { .type = NLA_U64 },
	[OM_LOAD_A_UPTIME]	= { .type = NLA_U64 },
};

static const struct nla_policy om_set_load_policy[OM_A_MAX + 1] = {
	[OM_A_LOAD]		= NLA_POLICY_NESTED(om_load_policy),
	[OM_A_LOAD_INTERVAL_MS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &om_load_interval_range),
};

static const struct nla_policy om_set_policy_policy[OM_A_MAX + 1] = {
	[OM_A_POLICY]		= NLA_POLICY_MASK(NLA_U32, __OM_POLICY_ALL),
	[OM_A_POLICY_MASK]	= NLA_POLICY_MASK(NLA_U32, __OM_POLICY_ALL),
	[OM_A_SPEED]		= NLA_POLICY_FULL_RANGE(NLA_U32, &om_policy_speed_range),
};

static struct genl_family om_genl_family;

enum om_mcgrp { OM_MCGRP_EVENTS_IDX };

static const struct genl_multicast_group om_mcgrps[] = {
	[OM_MCGRP_EVENTS_IDX] = { .name = OM_MCGRP_EVENTS },
};

static int om_put_addr(struct sk_buff *skb, const struct om_addr *a, int idx)
{
	struct nlattr *nest = nla_nest_start(skb, idx);
	int err;

	if (!nest)
		return -EMSGSIZE;
	if (a->family == AF_INET)
		err = nla_put_in_addr(skb, OM_ADDR_A_INET, a->v4);
	else
		err = nla_put_in6_addr(skb, OM_ADDR_A_INET6, &a->v6);
	if (err) {
		nla_nest_cancel(skb, nest);
		return err;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int om_put_node(struct sk_buff *skb, const struct om_map *map,
		       const struct om_node *node)
{
	struct nlattr *nest, *addrs;
	u16 i;

	nest = nla_nest_start(skb, OM_A_NODE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, OM_NODE_A_ID, node->id))
		goto err_cancel;
	addrs = nla_nest_start(skb, OM_NODE_A_ADDRS);
	if (!addrs)
		goto err_cancel;
	for (i = 0; i < node->naddrs; i++)
		if (om_put_addr(skb, om_node_addr(map, node, i), i + 1))
			goto err_cancel;
	nla_nest_end(skb, addrs);
	nla_nest_end(skb, nest);
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int om_put_status(struct sk_buff *skb, const struct om_map *map)
{
	enum om_self_source source;
	u16 id = om_identity(map, &source);
	struct om_view_status vs;

	om_view_status(&vs);
	if (nla_put_string(skb, OM_A_VERSION, OM_VERSION) ||
	    (id && nla_put_u32(skb, OM_A_NODE_ID, id)) ||
	    nla_put_u32(skb, OM_A_SELF_SOURCE, source) ||
	    nla_put_u64_64bit(skb, OM_A_MAP_GENERATION, map->generation,
			      OM_A_PAD) ||
	    nla_put_u32(skb, OM_A_MAP_NODES, map->nnodes) ||
	    nla_put_u32(skb, OM_A_MAP_ADDRS, map->naddrs) ||
	    nla_put_u32(skb, OM_A_LIMIT_NODES, OM_MAP_MAX_NODES) ||
	    nla_put_u32(skb, OM_A_LIMIT_ADDRS, OM_MAP_MAX_ADDRS) ||
	    nla_put_u32(skb, OM_A_PEERS_UP, om_links_up()) ||
	    nla_put_u32(skb, OM_A_POLICY, vs.policy) ||
	    (vs.speed && nla_put_u32(skb, OM_A_SPEED, vs.speed)))
		return -EMSGSIZE;
	if (vs.has_daemon &&
	    (nla_put_u32(skb, OM_A_DAEMON_PID, vs.daemon_pid) ||
	     nla_put_u32(skb, OM_A_DAEMON_AGE_MS, vs.daemon_age_ms) ||
	     nla_put_u32(skb, OM_A_LOAD_INTERVAL_MS, vs.interval_ms)))
		return -EMSGSIZE;
	return 0;
}

static int om_reply_u64(struct genl_info *info, u8 cmd, int attr, u64 value)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &om_genl_family, 0, cmd);
	if (!hdr || nla_put_u64_64bit(msg, attr, value, OM_A_PAD)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int om_nl_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct om_map *map;
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &om_genl_family, 0,
				OM_CMD_GET_STATUS);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free_msg;
	}
	map = om_map_get();
	err = om_put_status(msg, map);
	om_map_put(map);
	if (err)
		goto err_free_msg;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
	return err;
}

static int om_parse_addr(const struct nlattr *entry, struct om_addr *addr,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[OM_ADDR_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, OM_ADDR_A_MAX, entry, om_addr_policy, extack);
	if (err)
		return err;
	if (!tb[OM_ADDR_A_INET] == !tb[OM_ADDR_A_INET6]) {
		NL_SET_ERR_MSG_ATTR(extack, entry, "an address needs exactly one of OM_ADDR_A_INET and OM_ADDR_A_INET6");
		return -EINVAL;
	}
	if (tb[OM_ADDR_A_INET]) {
		addr->family = AF_INET;
		addr->v4 = nla_get_in_addr(tb[OM_ADDR_A_INET]);
	} else {
		addr->family = AF_INET6;
		addr->v6 = nla_get_in6_addr(tb[OM_ADDR_A_INET6]);
	}
	if (!om_addr_usable(addr)) {
		NL_SET_ERR_MSG_ATTR(extack, entry, "not an address a peer can be reached at (0.0.0.0/8, multicast, broadcast, loopback, link-local, :: or IPv4-mapped)");
		return -EINVAL;
	}
	return 0;
}

/* Fills @node and its addresses, at most @room of them, from one OM_A_NODE. */
static int om_parse_node(const struct nlattr *attr, struct om_node *node,
			 struct om_addr *addrs, u32 room,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[OM_NODE_A_MAX + 1];
	const struct nlattr *entry;
	int err, rem, n = 0;

	err = nla_parse_nested(tb, OM_NODE_A_MAX, attr, om_node_policy, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, attr, tb, OM_NODE_A_ID) ||
	    NL_REQ_ATTR_CHECK(extack, attr, tb, OM_NODE_A_ADDRS)) {
		NL_SET_ERR_MSG(extack, "a node needs OM_NODE_A_ID and OM_NODE_A_ADDRS");
		return -EINVAL;
	}
	nla_for_each_nested(entry, tb[OM_NODE_A_ADDRS], rem) {
		if (n == OM_NODE_MAX_ADDRS) {
			NL_SET_ERR_MSG_ATTR(extack, entry, "too many addresses for one node (limit OM_NODE_MAX_ADDRS)");
			return -E2BIG;
		}
		if (WARN_ON_ONCE(n == room))	/* om_count_map() counted less */
			return -EINVAL;
		err = om_parse_addr(entry, &addrs[n++], extack);
		if (err)
			return err;
	}
	if (rem) {
		NL_SET_ERR_MSG_ATTR(extack, tb[OM_NODE_A_ADDRS], "bytes left over after the last address");
		return -EINVAL;
	}
	if (!n) {
		NL_SET_ERR_MSG_ATTR(extack, tb[OM_NODE_A_ADDRS], "a node needs at least one address");
		return -EINVAL;
	}
	node->id = nla_get_u32(tb[OM_NODE_A_ID]);
	node->naddrs = n;
	return 0;
}

/*
 * The number of addresses of a node that passed strict validation. Netlink
 * lets a repeated attribute override the earlier one; in a node that would
 * make the count and the parse disagree, so a node says each thing once.
 */
static int om_count_node_addrs(const struct nlattr *node,
			       struct netlink_ext_ack *extack)
{
	const struct nlattr *attr, *entry, *seen[OM_NODE_A_MAX + 1] = {};
	int rem, arem, n = 0;

	nla_for_each_nested(attr, node, rem) {
		if (nla_type(attr) > OM_NODE_A_MAX)
			continue;	/* refused by the policy already */
		if (seen[nla_type(attr)]) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "a node attribute appears twice");
			return -EINVAL;
		}
		seen[nla_type(attr)] = attr;
	}
	if (seen[OM_NODE_A_ADDRS])
		nla_for_each_nested(entry, seen[OM_NODE_A_ADDRS], arem)
			n++;
	return n;
}

/* Sizes the map before it is parsed, enforcing the limits. */
static int om_count_map(struct genl_info *info, u32 *nnodes, u32 *naddrs)
{
	struct nlattr *count = info->attrs[OM_A_MAP_NODES];
	const struct nlattr *node;
	int rem, n;

	if (nla_get_u32(count) > OM_MAP_MAX_NODES) {
		NL_SET_ERR_MSG_ATTR(info->extack, count, "the map has more nodes than OM_MAP_MAX_NODES");
		return -E2BIG;
	}
	*nnodes = *naddrs = 0;
	nlmsg_for_each_attr(node, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(node) != OM_A_NODE)
			continue;
		(*nnodes)++;
		n = om_count_node_addrs(node, info->extack);
		if (n < 0)
			return n;
		*naddrs += n;
		if (*naddrs > OM_MAP_MAX_ADDRS) {
			NL_SET_ERR_MSG_ATTR(info->extack, node, "the map has more addresses than OM_MAP_MAX_ADDRS");
			return -E2BIG;
		}
	}
	if (*nnodes != nla_get_u32(count)) {
		NL_SET_ERR_MSG_ATTR(info->extack, count, "OM_A_MAP_NODES differs from the number of OM_A_NODE attributes");
		return -EINVAL;
	}
	return 0;
}

static struct om_map *om_parse_map(struct genl_info *info)
{
	const struct nlattr *attr;
	struct om_node *node;
	struct om_map *map;
	u32 nnodes, naddrs, first = 0;
	int rem, err;

	err = om_count_map(info, &nnodes, &naddrs);
	if (err)
		return ERR_PTR(err);
	map = om_map_alloc(nnodes, naddrs);
	if (!map)
		return ERR_PTR(-ENOMEM);
	node = map->nodes;
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(attr) != OM_A_NODE)
			continue;
		err = om_parse_node(attr, node, &map->addrs[first],
				    naddrs - first, info->extack);
		if (err)
			goto err_put_map;
		node->first = first;
		first += node->naddrs;
		node++;
	}
	err = om_map_sort_and_check(map, info->extack);
	if (err)
		goto err_put_map;
	return map;

err_put_map:
	om_map_put(map);
	return ERR_PTR(err);
}

/* What SET_MAP replies and OM_CMD_MAP_CHANGED announces about a map. */
static int om_fill_map_changed(struct sk_buff *msg, const struct om_map *map,
			       struct genl_info *info, u8 cmd)
{
	void *hdr;

	if (info)
		hdr = genlmsg_put_reply(msg, info, &om_genl_family, 0, cmd);
	else
		hdr = genlmsg_put(msg, 0, 0, &om_genl_family, 0, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, OM_A_MAP_GENERATION, map->generation,
			      OM_A_PAD) ||
	    nla_put_u32(msg, OM_A_MAP_NODES, map->nnodes)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

struct om_set_map_ctx {
	struct genl_info *info;
	struct sk_buff *reply;
	int err;
};

/* Runs under the map lock: the reply and the event carry this map's facts. */
static void om_map_published(const struct om_map *map, void *arg)
{
	struct om_set_map_ctx *ctx = arg;
	struct sk_buff *event;

	ctx->err = om_fill_map_changed(ctx->reply, map, ctx->info,
				       OM_CMD_SET_MAP);
	om_view_prune(map);
	if (!genl_has_listeners(&om_genl_family, &init_net, OM_MCGRP_EVENTS_IDX))
		return;
	event = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!event)
		return;
	if (om_fill_map_changed(event, map, NULL, OM_CMD_MAP_CHANGED)) {
		nlmsg_free(event);
		return;
	}
	genlmsg_multicast(&om_genl_family, event, 0, OM_MCGRP_EVENTS_IDX,
			  GFP_KERNEL);
}

static int om_nl_set_map(struct sk_buff *skb, struct genl_info *info)
{
	struct om_set_map_ctx ctx = { .info = info };
	struct om_map *map;

	if (!info->attrs[OM_A_MAP_NODES]) {
		NL_SET_ERR_MSG(info->extack, "OM_A_MAP_NODES is missing (0 clears the map)");
		return -EINVAL;
	}
	map = om_parse_map(info);
	if (IS_ERR(map))
		return PTR_ERR(map);
	/* Allocated first: once the map is replaced, the call must succeed. */
	ctx.reply = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!ctx.reply) {
		om_map_put(map);
		return -ENOMEM;
	}
	om_map_replace(map, om_map_published, &ctx);
	if (ctx.err) {
		nlmsg_free(ctx.reply);
		return ctx.err;
	}
	return genlmsg_reply(ctx.reply, info);
}

static int om_nl_set_self(struct sk_buff *skb, struct genl_info *info)
{
	if (!info->attrs[OM_A_NODE_ID]) {
		NL_SET_ERR_MSG(info->extack, "OM_A_NODE_ID is missing (0 derives the id from local addresses)");
		return -EINVAL;
	}
	om_identity_set(nla_get_u32(info->attrs[OM_A_NODE_ID]));
	return 0;
}

/*
 * GET_MAP and GET_NODES walk the map that was current at their start,
 * however it changes meanwhile.
 */
struct om_map_dump {
	struct om_map *map;
	u32 next;		/* index of the next node to send */
	u16 self;		/* GET_NODES: this node's id in that map, or 0 */
	bool header_sent;	/* GET_MAP of an empty map: the one message */
};
static_assert(sizeof(struct om_map_dump) <=
	      sizeof_field(struct netlink_callback, ctx));

static struct om_map_dump *om_map_dump(struct netlink_callback *cb)
{
	return (struct om_map_dump *)cb->ctx;
}

static int om_nl_map_dump_start(struct netlink_callback *cb)
{
	*om_map_dump(cb) = (struct om_map_dump){ .map = om_map_get() };
	return 0;
}

static int om_nl_map_dump_done(struct netlink_callback *cb)
{
	om_map_put(om_map_dump(cb)->map);
	return 0;
}

static int om_put_map_msg(struct sk_buff *skb, struct netlink_callback *cb,
			  const struct om_map *map, const struct om_node *node)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &om_genl_family, NLM_F_MULTI, OM_CMD_GET_MAP);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, OM_A_MAP_GENERATION, map->generation,
			      OM_A_PAD) ||
	    (node && om_put_node(skb, map, node))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int om_nl_get_map_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct om_map_dump *dump = om_map_dump(cb);
	const struct om_map *map = dump->map;

	if (!map->nnodes) {
		if (!dump->header_sent && !om_put_map_msg(skb, cb, map, NULL))
			dump->header_sent = true;
		return skb->len;
	}
	for (; dump->next < map->nnodes; dump->next++)
		if (om_put_map_msg(skb, cb, map, &map->nodes[dump->next]))
			break;
	return skb->len;
}

static int om_nl_link_add(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, OM_A_NODE_ID) ||
	    GENL_REQ_ATTR_CHECK(info, OM_A_LINK_FD)) {
		NL_SET_ERR_MSG(info->extack, "a link needs OM_A_NODE_ID and OM_A_LINK_FD");
		return -EINVAL;
	}
	return om_link_add(nla_get_u32(info->attrs[OM_A_NODE_ID]),
			   nla_get_u32(info->attrs[OM_A_LINK_FD]), info->extack);
}

static int om_nl_link_del(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	if (GENL_REQ_ATTR_CHECK(info, OM_A_NODE_ID)) {
		NL_SET_ERR_MSG(info->extack, "OM_A_NODE_ID is missing");
		return -EINVAL;
	}
	err = om_link_del(nla_get_u32(info->attrs[OM_A_NODE_ID]));
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[OM_A_NODE_ID], "no link to that node");
	return err;
}

static int om_put_link(struct sk_buff *skb, const struct om_link_info *li)
{
	struct nlattr *nest = nla_nest_start(skb, OM_A_LINK);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, OM_LINK_A_NODE_ID, li->node) ||
	    nla_put_u64_64bit(skb, OM_LINK_A_SINCE, ktime_to_ns(li->since),
			      OM_LINK_A_PAD) ||
	    nla_put_u32(skb, OM_LINK_A_LAST_RX_MS, li->last_rx_ms) ||
	    nla_put_u64_64bit(skb, OM_LINK_A_RX_FRAMES, li->rx_frames, OM_LINK_A_PAD) ||
	    nla_put_u64_64bit(skb, OM_LINK_A_TX_FRAMES, li->tx_frames, OM_LINK_A_PAD) ||
	    nla_put_u64_64bit(skb, OM_LINK_A_RX_BYTES, li->rx_bytes, OM_LINK_A_PAD) ||
	    nla_put_u64_64bit(skb, OM_LINK_A_TX_BYTES, li->tx_bytes, OM_LINK_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Links come and go during a dump: it resumes at the next node id. */
static int om_nl_get_links_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	u32 *next = (u32 *)cb->ctx;
	struct om_link_info li;
	void *hdr;

	while (*next <= U16_MAX && !om_link_next_info(*next, &li)) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &om_genl_family,
				  NLM_F_MULTI, OM_CMD_GET_LINKS);
		if (!hdr)
			break;
		if (om_put_link(skb, &li)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		*next = li.node + 1;
	}
	return skb->len;
}

/*
 * @bytes of one-way PING frames, which the peer drops: what a bulk
 * transfer over the link costs, once the ping behind them has come back.
 */
static int om_ping_bulk(u16 node, u64 bytes, u8 *buf)
{
	/* The command holds genl's cb_lock: a slow peer must not keep it. */
	unsigned long deadline = jiffies +
				 msecs_to_jiffies(OM_PING_BULK_DEADLINE_MS);
	size_t chunk;
	int err;

	while (bytes) {
		if (fatal_signal_pending(current))
			return -EINTR;
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		chunk = min_t(u64, bytes, OM_PING_MAX_SIZE);
		err = om_rpc_send(node, OM_WT_PING, buf, chunk);
		if (err)
			return err;
		bytes -= chunk;
		cond_resched();
	}
	return 0;
}

static int om_nl_ping(struct sk_buff *skb, struct genl_info *info)
{
	u32 size = 0;
	u64 bulk = 0;
	size_t got;
	u16 node;
	u8 *buf;
	ktime_t t0;
	u64 rtt;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, OM_A_NODE_ID)) {
		NL_SET_ERR_MSG(info->extack, "OM_A_NODE_ID is missing");
		return -EINVAL;
	}
	node = nla_get_u32(info->attrs[OM_A_NODE_ID]);
	if (info->attrs[OM_A_PING_SIZE])
		size = nla_get_u32(info->attrs[OM_A_PING_SIZE]);
	if (info->attrs[OM_A_PING_BULK])
		bulk = nla_get_u64(info->attrs[OM_A_PING_BULK]);
	/* Room for the request and its echo, and for the bulk frames. */
	buf = kvzalloc(2 * (size_t)max_t(u32, size, bulk ? OM_PING_MAX_SIZE : 0) + 1,
		       GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memset(buf, 0x5a, size);
	got = size;
	t0 = ktime_get();
	err = om_ping_bulk(node, bulk, buf);
	if (!err)
		err = om_rpc_call(node, OM_WT_PING, buf, size, buf + size, &got,
				  5000);
	rtt = ktime_to_ns(ktime_sub(ktime_get(), t0));
	if (!err && (got != size || memcmp(buf, buf + size, size)))
		err = -EPROTO;
	kvfree(buf);
	if (err == -ENOTCONN)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[OM_A_NODE_ID], "no link to that node");
	else if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[OM_A_NODE_ID], "the ping over the link failed");
	if (err)
		return err;
	return om_reply_u64(info, OM_CMD_PING, OM_A_PING_RTT, rtt);
}

static int om_nl_set_load(struct sk_buff *skb, struct genl_info *info)
{
	static const int required[] = {
		OM_LOAD_A_LOAD, OM_LOAD_A_CPUS, OM_LOAD_A_SPEED, OM_LOAD_A_UTIL,
		OM_LOAD_A_MEM_TOTAL, OM_LOAD_A_MEM_FREE, OM_LOAD_A_UPTIME,
	};
	struct nlattr *tb[OM_LOAD_A_MAX + 1];
	struct om_wire_load load = {};
	int i, err;

	if (GENL_REQ_ATTR_CHECK(info, OM_A_LOAD) ||
	    GENL_REQ_ATTR_CHECK(info, OM_A_LOAD_INTERVAL_MS)) {
		NL_SET_ERR_MSG(info->extack, "a load report needs OM_A_LOAD and OM_A_LOAD_INTERVAL_MS");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, OM_LOAD_A_MAX, info->attrs[OM_A_LOAD],
			       om_load_policy, info->extack);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(required); i++) {
		if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[OM_A_LOAD], tb,
				      required[i])) {
			NL_SET_ERR_MSG(info->extack, "OM_A_LOAD needs every OM_LOAD_A_* attribute");
			return -EINVAL;
		}
	}
	load.load = nla_get_u32(tb[OM_LOAD_A_LOAD]);
	load.cpus = nla_get_u32(tb[OM_LOAD_A_CPUS]);
	load.speed = nla_get_u32(tb[OM_LOAD_A_SPEED]);
	load.util = nla_get_u32(tb[OM_LOAD_A_UTIL]);
	load.mem_total = nla_get_u64(tb[OM_LOAD_A_MEM_TOTAL]);
	load.mem_free = nla_get_u64(tb[OM_LOAD_A_MEM_FREE]);
	load.uptime = nla_get_u64(tb[OM_LOAD_A_UPTIME]);
	if (load.mem_free > load.mem_total) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[OM_LOAD_A_MEM_FREE], "free memory exceeds the total");
		return -EINVAL;
	}
	om_view_report(&load, nla_get_u32(info->attrs[OM_A_LOAD_INTERVAL_MS]));
	return 0;
}

static int om_nl_set_policy(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *policy = info->attrs[OM_A_POLICY];
	struct nlattr *mask = info->attrs[OM_A_POLICY_MASK];
	struct nlattr *speed = info->attrs[OM_A_SPEED];
	u32 speed_val, set = 0, which = 0;

	if (!policy != !mask) {
		NL_SET_ERR_MSG_ATTR(info->extack, policy ?: mask, "OM_A_POLICY and OM_A_POLICY_MASK go together");
		return -EINVAL;
	}
	if (!policy && !speed) {
		NL_SET_ERR_MSG(info->extack, "nothing to change: give OM_A_POLICY and OM_A_POLICY_MASK, or OM_A_SPEED");
		return -EINVAL;
	}
	if (policy) {
		set = nla_get_u32(policy);
		which = nla_get_u32(mask);
		if (set & ~which) {
			NL_SET_ERR_MSG_ATTR(info->extack, policy, "OM_A_POLICY sets a flag that OM_A_POLICY_MASK leaves out");
			return -EINVAL;
		}
	}
	if (speed)
		speed_val = nla_get_u32(speed);
	om_view_set_policy(set, which, speed ? &speed_val : NULL);
	return 0;
}

static int om_put_load(struct sk_buff *skb, const struct om_wire_load *load)
{
	struct nlattr *nest = nla_nest_start(skb, OM_INFO_A_LOAD);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, OM_LOAD_A_LOAD, load->load) ||
	    nla_put_u32(skb, OM_LOAD_A_CPUS, load->cpus) ||
	    nla_put_u32(skb, OM_LOAD_A_SPEED, load->speed) ||
	    nla_put_u32(skb, OM_LOAD_A_UTIL, load->util) ||
	    nla_put_u64_64bit(skb, OM_LOAD_A_MEM_TOTAL, load->mem_total, OM_LOAD_A_PAD) ||
	    nla_put_u64_64bit(skb, OM_LOAD_A_MEM_FREE, load->mem_free, OM_LOAD_A_PAD) ||
	    nla_put_u64_64bit(skb, OM_LOAD_A_UPTIME, load->uptime, OM_LOAD_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int om_put_node_info(struct sk_buff *skb, const struct om_map *map,
			    const struct om_node *node, bool self)
{
	struct om_view_node view;
	struct nlattr *nest;

	om_view_get(node->id, self, &view);
	nest = nla_nest_start(skb, OM_A_NODE_INFO);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, OM_INFO_A_ID, node->id) ||
	    om_put_addr(skb, om_node_addr(map, node, 0), OM_INFO_A_ADDR) ||
	    nla_put_u32(skb, OM_INFO_A_STATE, view.up ? OM_NODE_UP : OM_NODE_DOWN) ||
	    (self && nla_put_flag(skb, OM_INFO_A_SELF)) ||
	    (view.last_seen && nla_put_u64_64bit(skb, OM_INFO_A_LAST_SEEN,
						 ktime_to_ns(view.last_seen),
						 OM_INFO_A_PAD)) ||
	    nla_put_u32(skb, OM_INFO_A_FLAGS, view.flags))
		goto err_cancel;
	if (view.has_load &&
	    (om_put_load(skb, &view.load) ||
	     nla_put_u32(skb, OM_INFO_A_LOAD_AGE_MS, view.load_age_ms)))
		goto err_cancel;
	nla_nest_end(skb, nest);
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int om_nl_get_nodes_start(struct netlink_callback *cb)
{
	struct om_map_dump *dump = om_map_dump(cb);
	enum om_self_source source;

	om_nl_map_dump_start(cb);
	dump->self = om_identity(dump->map, &source);
	return 0;
}

static int om_nl_get_nodes_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct om_map_dump *dump = om_map_dump(cb);
	const struct om_map *map = dump->map;
	const struct om_node *node;
	void *hdr;

	for (; dump->next < map->nnodes; dump->next++) {
		node = &map->nodes[dump->next];
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &om_genl_family,
				  NLM_F_MULTI, OM_CMD_GET_NODES);
		if (!hdr)
			break;
		if (nla_put_u64_64bit(skb, OM_A_MAP_GENERATION, map->generation,
				      OM_A_PAD) ||
		    om_put_node_info(skb, map, node, node->id == dump->self)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	return skb->len;
}

static const struct genl_ops om_genl_ops[] = {
	{
		.cmd = OM_CMD_GET_STATUS,
		.doit = om_nl_get_status,
	},
	{
		.cmd = OM_CMD_SET_MAP,
		.doit = om_nl_set_map,
		.policy = om_set_map_policy,
		.maxattr = OM_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = OM_CMD_GET_MAP,
		.start = om_nl_map_dump_start,
		.dumpit = om_nl_get_map_dump,
		.done = om_nl_map_dump_done,
	},
	{
		.cmd = OM_CMD_SET_SELF,
		.doit = om_nl_set_self,
		.policy = om_set_self_policy,
		.maxattr = OM_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = OM_CMD_LINK_ADD,
		.doit = om_nl_link_add,
		.policy = om_link_add_policy,
		.maxattr = OM_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = OM_CMD_LINK_DEL,
		.doit = om_nl_link_del,
		.policy = om_peer_policy,
		.maxattr = OM_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = OM_CMD_GET_LINKS,
		.dumpit = om_nl_get_links_dump,
	},
	{
		.cmd = OM_CMD_PING,
		.doit = om_nl_ping,
		.policy = om_ping_policy,
		.maxattr = OM_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = OM_CMD_SET_LOAD,
		.doit = om_nl_set_load,
		.policy = om_set_load_policy,
		.maxattr = OM_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = OM_CMD_SET_POLICY,
		.doit = om_nl_set_policy,
		.policy = om_set_policy_policy,
		.maxattr = OM_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = OM_CMD_GET_NODES,
		.start = om_nl_get_nodes_start,
		.dumpit = om_nl_get_nodes_dump,
		.done = om_nl_map_dump_done,
	},
};

static struct genl_family om_genl_family __ro_after_init = {
	.name = OM_GENL_NAME,
	.version = OM_GENL_VERSION,
	.module = THIS_MODULE,
	.ops = om_genl_ops,
	.n_ops = ARRAY_SIZE(om_genl_ops),
	.parallel_ops = true,	/* the map has its own locking */
	.mcgrps = om_mcgrps,
	.n_mcgrps = ARRAY_SIZE(om_mcgrps),
};

/* Events stop before the family goes: links close after it is gone. */
static DEFINE_MUTEX(om_genl_events_lock);
static bool om_genl_registered;

void om_genl_link_down(u16 node, int reason)
{
	struct sk_buff *msg;
	void *hdr;

	mutex_lock(&om_genl_events_lock);
	if (!om_genl_registered ||
	    !genl_has_listeners(&om_genl_family, &init_net, OM_MCGRP_EVENTS_IDX))
		goto out;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_put(msg, 0, 0, &om_genl_family, 0, OM_CMD_LINK_DOWN);
	if (!hdr || nla_put_u32(msg, OM_A_NODE_ID, node) ||
	    nla_put_u32(msg, OM_A_LINK_REASON, -reason)) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&om_genl_family, msg, 0, OM_MCGRP_EVENTS_IDX,
			  GFP_KERNEL);
out:
	mutex_unlock(&om_genl_events_lock);
}

int __init om_genl_init(void)
{
	int err = genl_register_family(&om_genl_family);

	if (!err)
		om_genl_registered = true;
	return err;
}

void om_genl_uninit(void)
{
	mutex_lock(&om_genl_events_lock);
	om_genl_registered = false;
	mutex_unlock(&om_genl_events_lock);
	genl_unregister_family(&om_genl_family);
}
