#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "address.hpp"

namespace om {

using NodeId = std::uint16_t;

// One node of the cluster: its own address first, then its aliases (other
// interfaces of the same machine) in the order the map file lists them.
struct Node {
	NodeId id = 0;
	std::vector<Address> addresses;

	bool operator==(const Node &) const = default;
};

// The node map: which node id lives at which addresses. A plain value kept
// sorted by id; whether it is acceptable is for the parser (with file
// positions) and the kernel (with its own limits) to say.
class Map {
public:
	Map() = default;
	explicit Map(std::vector<Node> nodes);

	const std::vector<Node> &nodes() const noexcept { return nodes_; }
	bool empty() const noexcept { return nodes_.empty(); }
	const Node *find(NodeId id) const noexcept;
	std::size_t address_count() const noexcept;

	bool operator==(const Map &) const = default;

private:
	std::vector<Node> nodes_;
};

} // namespace om
