#include "policy.hpp"

#include <algorithm>

namespace om::omd {

std::vector<NodeId> peers_to_connect(const Map &map, NodeId self)
{
	std::vector<NodeId> peers;
	for (const Node &node : map.nodes())
		if (initiates(self, node.id))
			peers.push_back(node.id);
	return peers;
}

std::optional<NodeId> node_at(const Map &map, const Address &addr)
{
	const Address a = addr.unmapped().value_or(addr);
	for (const Node &node : map.nodes())
		if (std::find(node.addresses.begin(), node.addresses.end(), a) != node.addresses.end())
			return node.id;
	return std::nullopt;
}

Backoff::Duration Backoff::next() noexcept
{
	const Duration now = delay_;
	delay_ = std::min(delay_ * 2, kMax);
	return now;
}

} // namespace om::omd
