#include "fake_kernel.hpp"

#include <algorithm>
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
		 .limit_addresses = limit_addresses,
		 .policy = policy,
		 .speed = speed,
		 .daemon_pid = daemon_pid};
	if (daemon_pid) {
		s.daemon_age = daemon_age;
		s.load_interval = load_interval;
	}
	for (const NodeInfo &peer : peers)
		if (peer.up && map_.find(peer.id))
			++s.peers_up;
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

// omcore's policy for OM_A_LOAD and OM_A_LOAD_INTERVAL_MS, in the order
// the attributes come, then om_nl_set_load()'s own check.
void FakeKernel::set_load(const LoadReport &report, std::chrono::milliseconds interval)
{
	const std::string_view action = "reporting the load";
	if (gone_after_loads && set_load_calls >= *gone_after_loads)
		throw KernelError(ENOENT, {}, "the generic netlink family 'openmosix' is gone");
	check_admin(action);
	const auto range = [&](bool ok, std::string where) {
		if (!ok)
			throw KernelError::refused(action, ERANGE, "integer out of range", where);
	};
	range(report.cpus >= 1 && report.cpus <= OM_LOAD_MAX_CPUS,
	      fmt::format("cpus {}", report.cpus));
	range(report.speed >= 1 && report.speed <= OM_LOAD_MAX_SPEED,
	      fmt::format("speed {}", report.speed));
	range(report.util <= 1000, fmt::format("util {}", report.util));
	range(interval.count() >= OM_LOAD_MIN_INTERVAL_MS && interval.count() <= OM_LOAD_MAX_INTERVAL_MS,
	      fmt::format("interval {} ms", interval.count()));
	if (report.mem_free > report.mem_total)
		throw KernelError::refused(action, EINVAL, "free memory exceeds the total",
					   fmt::format("mem_free {}", report.mem_free));
	load = report;
	++set_load_calls;
	load_interval = interval;
	daemon_pid = caller_pid;
	daemon_age = std::chrono::milliseconds{0};
}

// The policy's NLA_POLICY_MASK and range, then om_nl_set_policy()'s checks.
void FakeKernel::set_policy(const PolicyChange &change)
{
	const std::string_view action = "changing this node's policy";
	check_admin(action);
	const bool flags = change.set || change.mask;
	constexpr std::uint32_t unknown = ~std::uint32_t{__OM_POLICY_ALL};
	if (flags && change.set & unknown)
		throw KernelError::refused(action, EINVAL, "reserved bit set",
					   fmt::format("policy {:#x}", change.set));
	if (flags && change.mask & unknown)
		throw KernelError::refused(action, EINVAL, "reserved bit set",
					   fmt::format("policy mask {:#x}", change.mask));
	if (change.speed && *change.speed > OM_LOAD_MAX_SPEED)
		throw KernelError::refused(action, ERANGE, "integer out of range",
					   fmt::format("speed {}", *change.speed));
	if (!flags && !change.speed)
		throw KernelError::refused(action, EINVAL, "nothing to change: give OM_A_POLICY and "
							   "OM_A_POLICY_MASK, or OM_A_SPEED");
	if (change.set & ~change.mask)
		throw KernelError::refused(action, EINVAL, "OM_A_POLICY sets a flag that "
							   "OM_A_POLICY_MASK leaves out",
					   fmt::format("policy {:#x}", change.set));
	policy = (policy & ~change.mask) | change.set;
	if (change.speed)
		speed = *change.speed ? change.speed : std::nullopt;
}

ClusterView FakeKernel::get_nodes()
{
	const std::optional<NodeId> self = status().node_id;
	ClusterView view{generation_, {}};
	for (const Node &node : map_.nodes()) {
		NodeInfo info;
		info.id = node.id;
		if (node.id == self) {
			info = self_info(node.id);
		} else if (const auto it = std::find_if(peers.begin(), peers.end(),
							[&](const NodeInfo &p) { return p.id == node.id; });
			   it != peers.end()) {
			info = *it;
			info.self = false;
			if (!info.up) {
				info.load.reset();
				info.load_age = {};
			}
		}
		info.address = node.addresses.front();
		view.nodes.push_back(std::move(info));
	}
	return view;
}

// This node as omcore sees itself: up, seen now, its own policy, and the
// last load omd reported with the speed set by hand in its place.
NodeInfo FakeKernel::self_info(NodeId id) const
{
	NodeInfo info;
	info.id = id;
	info.up = true;
	info.self = true;
	info.last_seen = now();
	info.flags = policy;
	info.load = load;
	if (load) {
		if (speed)
			info.load->speed = *speed;
		info.load_age = daemon_age;
	}
	return info;
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
