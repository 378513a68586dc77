#include "fake_kernel.hpp"

#include <cerrno>
#include <fmt/format.h>

namespace om::test {

namespace {

constexpr std::string_view kSetMap = "replacing the map";

// Refuses as omcore does: its extended-ack message, and where it points at
// an attribute, what GenlLibnl's landmarks would call it.
[[noreturn]] void refuse(int error, std::string_view extack, std::string_view where = {})
{
	throw KernelError::refused(kSetMap, error, std::string(extack), where);
}

} // namespace

Status FakeKernel::status()
{
	Status s{.node_id = explicit_id_,
		 .self_source = SelfSource::Explicit,
		 .version = version,
		 .map_generation = generation_,
		 .map_nodes = static_cast<std::uint32_t>(map_.nodes().size()),
		 .map_addresses = static_cast<std::uint32_t>(map_.address_count()),
		 .limit_nodes = limit_nodes,
		 .limit_addresses = limit_addresses};
	if (explicit_id_)
		return s;
	std::set<NodeId> local;
	for (const Node &node : map_.nodes())
		for (const Address &a : node.addresses)
			if (local_addresses.count(a))
				local.insert(node.id);
	s.self_source = local.empty() ? SelfSource::None
		      : local.size() == 1 ? SelfSource::FromAddress
					  : SelfSource::Ambiguous;
	if (local.size() == 1)
		s.node_id = *local.begin();
	return s;
}

std::uint64_t FakeKernel::set_map(const Map &map)
{
	++set_map_calls;
	check_admin(kSetMap);
	check_map(map);
	map_ = map;
	return ++generation_;
}

MapSnapshot FakeKernel::get_map()
{
	return {generation_, map_};
}

void FakeKernel::set_self(std::optional<NodeId> id)
{
	check_admin("setting the node id");
	explicit_id_ = id;
}

// omcore's own checks of the peer: in the map and not this node.
void FakeKernel::link_add(NodeId peer, int fd)
{
	const std::string_view action = "handing a link to the kernel";
	check_admin(action);
	if (!map_.find(peer) || peer == status().node_id)
		throw KernelError::refused(action, EINVAL, "the peer is not another node of the map");
	links_added.push_back({peer, fd});
}

void FakeKernel::check_admin(std::string_view action) const
{
	if (!admin)
		throw KernelError::refused(action, EPERM, "");
}

// The checks of omcore's om_count_map(), om_parse_node() and om_map_check(),
// in their order and with their messages.
void FakeKernel::check_map(const Map &map) const
{
	if (map.nodes().size() > limit_nodes)
		refuse(E2BIG, "the map has more nodes than OM_MAP_MAX_NODES");
	std::size_t addresses = 0;
	for (const Node &node : map.nodes()) {
		check_node(node);
		addresses += node.addresses.size();
		if (addresses > limit_addresses)
			refuse(E2BIG, "the map has more addresses than OM_MAP_MAX_ADDRS",
			       fmt::format("node {}", node.id));
	}
	std::set<NodeId> ids;
	std::set<Address> seen;
	for (const Node &node : map.nodes())
		for (const Address &a : node.addresses)
			if (a.unusable_reason())
				refuse(EINVAL, "not an address a peer can be reached at (0.0.0.0/8, "
					       "multicast, broadcast, loopback, link-local, :: or "
					       "IPv4-mapped)");
	for (const Node &node : map.nodes())
		if (!ids.insert(node.id).second)
			refuse(EINVAL, "a node id appears twice in the map");
	for (const Node &node : map.nodes())
		for (const Address &a : node.addresses)
			if (!seen.insert(a).second)
				refuse(EINVAL, "an address appears twice in the map");
}

void FakeKernel::check_node(const Node &node) const
{
	const std::string where = fmt::format("node {}", node.id);
	if (node.id == 0)
		refuse(ERANGE, "integer out of range", where);
	if (node.addresses.size() > OM_NODE_MAX_ADDRS)
		refuse(E2BIG, "too many addresses for one node (limit OM_NODE_MAX_ADDRS)",
		       fmt::format("{} address {}", where,
				   node.addresses[OM_NODE_MAX_ADDRS].to_string()));
	if (node.addresses.empty())
		refuse(EINVAL, "a node needs at least one address", where);
}

} // namespace om::test
