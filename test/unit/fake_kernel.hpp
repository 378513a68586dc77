#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
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
	void set_load(const LoadReport &load, std::chrono::milliseconds interval) override;
	void set_policy(const PolicyChange &change) override;
	// The map's nodes: this one from what set_load() and set_policy() left,
	// the others from PEERS; a node missing there was never reached.
	ClusterView get_nodes() override;

	// The addresses of "this machine", from which the id is derived.
	std::set<Address> local_addresses;
	// false: every change is refused with EPERM, as for a user without
	// CAP_NET_ADMIN.
	bool admin = true;
	std::uint32_t limit_nodes = OM_MAP_MAX_NODES;
	std::uint32_t limit_addresses = OM_MAP_MAX_ADDRS;
	std::string version = "0.1.0";
	// What omcore heard from the other nodes, by id; addresses come from
	// the map. A node that is down keeps no load, as in omcore.
	std::vector<NodeInfo> peers;
	// The pid set_load() records as the daemon's, and the time since it
	// last reported, which tests move on by hand.
	std::uint32_t caller_pid = 4242;
	std::chrono::milliseconds daemon_age{0};
	// The kernel's clock, for this node's "last seen".
	std::function<std::chrono::system_clock::time_point()> now = [] {
		return std::chrono::system_clock::now();
	};

	// What the tests check afterwards.
	int set_map_calls = 0;
	struct LinkAdd {
		NodeId peer = 0;
		int fd = -1;
		bool operator==(const LinkAdd &) const = default;
	};
	std::vector<LinkAdd> links_added;
	// The last load reported and its interval, how many reports came;
	// this node's policy.
	std::optional<LoadReport> load;
	int set_load_calls = 0;
	// Reports refused as by a family that is gone (ENOENT) once this many
	// came: omcore unloaded under omd.
	std::optional<int> gone_after_loads;
	std::chrono::milliseconds load_interval{0};
	std::optional<std::uint32_t> daemon_pid;
	std::uint32_t policy = 0;
	std::optional<std::uint32_t> speed;

private:
	void check_admin(std::string_view action) const;
	void check_map(const Map &map) const;
	void check_node(const Node &node) const;
	NodeInfo self_info(NodeId id) const;

	Map map_;
	std::uint64_t generation_ = 0;
	std::optional<NodeId> explicit_id_;
};

} // namespace om::test
