#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "genl_client.hpp"
#include "uapi/linux/openmosix.h"

namespace om::test {

// The kernel in memory: omcore's rules and its extended-ack messages
// (modules/core/netlink.c, map.c, identity.c), with knobs to make it refuse
// the way the real one can.
class FakeKernel final : public Kernel {
public:
	Status status() override;
	std::uint64_t set_map(const Map &map) override;
	MapSnapshot get_map() override;
	void set_self(std::optional<NodeId> id) override;
	void link_add(NodeId peer, int fd) override;

	// The addresses of "this machine", from which the id is derived.
	std::set<Address> local_addresses;
	// false: every change is refused with EPERM, as for a user without
	// CAP_NET_ADMIN.
	bool admin = true;
	std::uint32_t limit_nodes = OM_MAP_MAX_NODES;
	std::uint32_t limit_addresses = OM_MAP_MAX_ADDRS;
	std::string version = "0.1.0";

	// What the tests check afterwards.
	int set_map_calls = 0;
	struct LinkAdd {
		NodeId peer = 0;
		int fd = -1;
		bool operator==(const LinkAdd &) const = default;
	};
	std::vector<LinkAdd> links_added;

private:
	void check_admin(std::string_view action) const;
	void check_map(const Map &map) const;
	void check_node(const Node &node) const;

	Map map_;
	std::uint64_t generation_ = 0;
	std::optional<NodeId> explicit_id_;
};

} // namespace om::test
