#include "map.hpp"

#include <algorithm>

namespace om {

Map::Map(std::vector<Node> nodes) : nodes_(std::move(nodes))
{
	std::stable_sort(nodes_.begin(), nodes_.end(),
			 [](const Node &a, const Node &b) { return a.id < b.id; });
}

const Node *Map::find(NodeId id) const noexcept
{
	const auto it = std::lower_bound(nodes_.begin(), nodes_.end(), id,
					 [](const Node &n, NodeId v) { return n.id < v; });
	return it != nodes_.end() && it->id == id ? &*it : nullptr;
}

std::size_t Map::address_count() const noexcept
{
	std::size_t n = 0;
	for (const auto &node : nodes_)
		n += node.addresses.size();
	return n;
}

} // namespace om
