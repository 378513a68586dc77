#include "genl_codec.hpp"

#include <array>
#include <cerrno>
#include <fmt/format.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <span>

#include "uapi/linux/openmosix.h"

namespace om {

namespace {

[[noreturn]] void protocol_error(const std::string &what)
{
	throw KernelError(EPROTO, "",
			  fmt::format("unexpected reply from the kernel: {} (are omctl and the "
				      "omcore module from the same release?)", what));
}

// libnl checks a minimum length unless maxlen is set too; the contract's
// integers and addresses have exact sizes, so anything else is refused.
constexpr nla_policy exact(std::uint16_t type, std::uint16_t len)
{
	return {.type = type, .minlen = len, .maxlen = len};
}

constexpr nla_policy of_type(std::uint16_t type)
{
	return {.type = type, .minlen = 0, .maxlen = 0};
}

// The top level, OM_A_*: status replies and dump messages.
const nla_policy *top_policy()
{
	static const auto policy = [] {
		std::array<nla_policy, OM_A_MAX + 1> p{};
		p[OM_A_VERSION] = of_type(NLA_STRING);
		p[OM_A_NODE_ID] = exact(NLA_U32, 4);
		p[OM_A_SELF_SOURCE] = exact(NLA_U32, 4);
		p[OM_A_MAP_GENERATION] = exact(NLA_U64, 8);
		for (const int a : {OM_A_MAP_NODES, OM_A_MAP_ADDRS, OM_A_LIMIT_NODES, OM_A_LIMIT_ADDRS})
			p[a] = exact(NLA_U32, 4);
		p[OM_A_NODE] = of_type(NLA_NESTED);
		return p;
	}();
	return policy.data();
}

const nla_policy *node_policy()
{
	static const auto policy = [] {
		std::array<nla_policy, OM_NODE_A_MAX + 1> p{};
		p[OM_NODE_A_ID] = exact(NLA_U32, 4);
		p[OM_NODE_A_ADDRS] = of_type(NLA_NESTED);
		return p;
	}();
	return policy.data();
}

const nla_policy *addr_policy()
{
	static const auto policy = [] {
		std::array<nla_policy, OM_ADDR_A_MAX + 1> p{};
		p[OM_ADDR_A_INET] = exact(NLA_UNSPEC, 4);
		p[OM_ADDR_A_INET6] = exact(NLA_UNSPEC, 16);
		return p;
	}();
	return policy.data();
}

constexpr std::size_t attr_size(std::size_t payload)
{
	return NLA_ALIGN(NLA_HDRLEN + payload);
}


// The size was computed up front, so this fails only for a node that no
// attribute can hold (thousands of addresses), which the kernel would refuse.
void check_put(int rc)
{
	if (rc < 0)
		throw KernelError(EMSGSIZE, "", fmt::format("building the request failed: {}",
							    nl_geterror(rc)));
}

nlattr *nest_start(nl_msg *msg, int type)
{
	nlattr *nest = nla_nest_start(msg, type);
	if (!nest)
		check_put(-NLE_NOMEM);
	return nest;
}

// nla_nest_end() would drop an empty nest; a node without addresses should
// reach the kernel as it is, to be refused in the kernel's own words.
void nest_end(nl_msg *msg, nlattr *nest)
{
	check_put(nla_nest_end_keep_empty(msg, nest));
}

std::uint32_t offset_of(nl_msg *msg, const nlattr *attr)
{
	const auto *start = reinterpret_cast<const std::uint8_t *>(nlmsg_hdr(msg));
	return static_cast<std::uint32_t>(reinterpret_cast<const std::uint8_t *>(attr) - start);
}

void put_node(nl_msg *msg, const Node &node, Landmarks &marks)
{
	nlattr *nest = nest_start(msg, OM_A_NODE);
	marks.add(offset_of(msg, nest), fmt::format("node {}", node.id));
	check_put(nla_put_u32(msg, OM_NODE_A_ID, node.id));
	nlattr *addrs = nest_start(msg, OM_NODE_A_ADDRS);
	// Entries may have any type; counting from 1, as the kernel's dumps do,
	// keeps clear of 0 (NLA_UNSPEC), which strict validation can refuse.
	int index = 0;
	for (const Address &a : node.addresses) {
		nlattr *entry = nest_start(msg, ++index);
		marks.add(offset_of(msg, entry),
			  fmt::format("node {} address {}", node.id, a.to_string()));
		const auto bytes = a.bytes();
		check_put(nla_put(msg, a.is_v4() ? OM_ADDR_A_INET : OM_ADDR_A_INET6,
				  static_cast<int>(bytes.size()), bytes.data()));
		nest_end(msg, entry);
	}
	nest_end(msg, addrs);
	nest_end(msg, nest);
}

Address parse_address(nlattr *nest, NodeId id)
{
	std::array<nlattr *, OM_ADDR_A_MAX + 1> tb{};
	if (nla_parse_nested(tb.data(), OM_ADDR_A_MAX, nest, addr_policy()) < 0)
		protocol_error(fmt::format("node {} has an address of the wrong size", id));
	nlattr *a = tb[OM_ADDR_A_INET] ? tb[OM_ADDR_A_INET] : tb[OM_ADDR_A_INET6];
	if (!a || (tb[OM_ADDR_A_INET] && tb[OM_ADDR_A_INET6]))
		protocol_error(fmt::format("an address of node {} does not hold exactly one "
					   "of OM_ADDR_A_INET and OM_ADDR_A_INET6", id));
	const auto *bytes = static_cast<const std::uint8_t *>(nla_data(a));
	return Address::from_bytes(std::span(bytes, static_cast<std::size_t>(nla_len(a)))).value();
}

SelfSource to_self_source(std::uint32_t wire)
{
	switch (wire) {
	case OM_SELF_NONE:
		return SelfSource::None;
	case OM_SELF_ADDRESS:
		return SelfSource::FromAddress;
	case OM_SELF_EXPLICIT:
		return SelfSource::Explicit;
	case OM_SELF_AMBIGUOUS:
		return SelfSource::Ambiguous;
	}
	protocol_error(fmt::format("self source {} is unknown", wire));
}

std::uint32_t get_u32(nlattr *const *tb, int type, const char *name)
{
	if (!tb[type])
		protocol_error(fmt::format("the status lacks {}", name));
	return nla_get_u32(tb[type]);
}

} // namespace

std::size_t map_payload_size(const Map &map)
{
	std::size_t size = attr_size(sizeof(std::uint32_t));
	for (const Node &node : map.nodes()) {
		size += NLA_HDRLEN + attr_size(sizeof(std::uint32_t)) + NLA_HDRLEN;
		for (const Address &a : node.addresses)
			size += NLA_HDRLEN + attr_size(a.bytes().size());
	}
	return size;
}

Landmarks put_map(nl_msg *msg, const Map &map)
{
	// The kernel counts the OM_A_NODE attributes against this, so that a
	// message cut short cannot pass for a smaller map.
	check_put(nla_put_u32(msg, OM_A_MAP_NODES, static_cast<std::uint32_t>(map.nodes().size())));
	Landmarks marks;
	for (const Node &node : map.nodes())
		put_node(msg, node, marks);
	return marks;
}

Node parse_node(nlattr *nest)
{
	std::array<nlattr *, OM_NODE_A_MAX + 1> tb{};
	if (nla_parse_nested(tb.data(), OM_NODE_A_MAX, nest, node_policy()) < 0 ||
	    !tb[OM_NODE_A_ID] || !tb[OM_NODE_A_ADDRS])
		protocol_error("a node lacks OM_NODE_A_ID or OM_NODE_A_ADDRS");
	const std::uint32_t id = nla_get_u32(tb[OM_NODE_A_ID]);
	if (id == 0 || id > OM_NODE_ID_MAX)
		protocol_error(fmt::format("node id {} is out of range", id));
	Node node{static_cast<NodeId>(id), {}};
	nlattr *a;
	int rem;
	nla_for_each_nested(a, tb[OM_NODE_A_ADDRS], rem) {
		if (node.addresses.size() == OM_NODE_MAX_ADDRS)
			protocol_error(fmt::format("node {} has more than {} addresses", id,
						   OM_NODE_MAX_ADDRS));
		node.addresses.push_back(parse_address(a, node.id));
	}
	if (rem != 0 || node.addresses.empty())
		protocol_error(fmt::format("the addresses of node {} are malformed or missing", id));
	return node;
}

Status parse_status(nlmsghdr *msg)
{
	std::array<nlattr *, OM_A_MAX + 1> tb{};
	if (genlmsg_parse(msg, 0, tb.data(), OM_A_MAX, top_policy()) < 0)
		protocol_error("the status is malformed");
	if (!tb[OM_A_VERSION] || !tb[OM_A_SELF_SOURCE] || !tb[OM_A_MAP_GENERATION])
		protocol_error("the status lacks OM_A_VERSION, OM_A_SELF_SOURCE or "
			       "OM_A_MAP_GENERATION");
	Status s;
	s.version = nla_get_string(tb[OM_A_VERSION]);
	s.self_source = to_self_source(nla_get_u32(tb[OM_A_SELF_SOURCE]));
	s.map_generation = nla_get_u64(tb[OM_A_MAP_GENERATION]);
	s.map_nodes = get_u32(tb.data(), OM_A_MAP_NODES, "OM_A_MAP_NODES");
	s.map_addresses = get_u32(tb.data(), OM_A_MAP_ADDRS, "OM_A_MAP_ADDRS");
	s.limit_nodes = get_u32(tb.data(), OM_A_LIMIT_NODES, "OM_A_LIMIT_NODES");
	s.limit_addresses = get_u32(tb.data(), OM_A_LIMIT_ADDRS, "OM_A_LIMIT_ADDRS");
	if (tb[OM_A_NODE_ID]) {
		const std::uint32_t id = nla_get_u32(tb[OM_A_NODE_ID]);
		if (id == 0 || id > OM_NODE_ID_MAX)
			protocol_error(fmt::format("this node's id {} is out of range", id));
		s.node_id = static_cast<NodeId>(id);
	}
	return s;
}

std::uint64_t parse_set_map_reply(nlmsghdr *msg)
{
	std::array<nlattr *, OM_A_MAX + 1> tb{};
	if (genlmsg_parse(msg, 0, tb.data(), OM_A_MAX, top_policy()) < 0 ||
	    !tb[OM_A_MAP_GENERATION])
		protocol_error("the reply to a new map is malformed or lacks OM_A_MAP_GENERATION");
	return nla_get_u64(tb[OM_A_MAP_GENERATION]);
}

MapPart parse_map_part(nlmsghdr *msg)
{
	std::array<nlattr *, OM_A_MAX + 1> tb{};
	if (genlmsg_parse(msg, 0, tb.data(), OM_A_MAX, top_policy()) < 0 ||
	    !tb[OM_A_MAP_GENERATION])
		protocol_error("a message of the map is malformed or lacks OM_A_MAP_GENERATION");
	MapPart part{nla_get_u64(tb[OM_A_MAP_GENERATION]), {}};
	// One node per message today; but nla_parse keeps only the last of
	// repeated attributes, so walk them all rather than trust that.
	auto *gnlh = static_cast<genlmsghdr *>(nlmsg_data(msg));
	nlattr *a;
	int rem;
	nla_for_each_attr(a, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), rem)
		if (nla_type(a) == OM_A_NODE)
			part.nodes.push_back(parse_node(a));
	return part;
}

} // namespace om
