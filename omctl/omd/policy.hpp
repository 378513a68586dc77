#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "address.hpp"
#include "map.hpp"

namespace om::omd {

// Who connects to whom: the node with the lower id connects, the higher one
// accepts. Two nodes that both start never race to make two connections,
// and a node that comes back knows whether to wait or to dial.
constexpr bool initiates(NodeId self, NodeId peer) noexcept
{
	return self < peer;
}

constexpr bool accepts_from(NodeId self, NodeId peer) noexcept
{
	return peer < self;
}

// The nodes of MAP that SELF connects to, by id.
std::vector<NodeId> peers_to_connect(const Map &map, NodeId self);

// The node of MAP that has address ADDR (IPv4-mapped IPv6 counts as IPv4).
std::optional<NodeId> node_at(const Map &map, const Address &addr);

// The delay before the next attempt to reach a peer: 1 s after the first
// failure, doubling up to 30 s, back to 1 s once a link is made.
class Backoff {
public:
	using Duration = std::chrono::milliseconds;

	static constexpr Duration kFirst{1000};
	static constexpr Duration kMax{30000};

	// The delay to wait now; the one after it is twice as long.
	Duration next() noexcept;
	void reset() noexcept { delay_ = kFirst; }

private:
	Duration delay_ = kFirst;
};

} // namespace om::omd
