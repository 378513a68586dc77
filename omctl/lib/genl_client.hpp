#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "map.hpp"

namespace om {

// How the kernel came to know this node's id (enum om_self_source).
enum class SelfSource { None, FromAddress, Explicit, Ambiguous };

// "none", "address", "explicit", "ambiguous": the names omctl prints.
std::string_view to_string(SelfSource source) noexcept;

// This node's policy flags (enum om_policy).
enum class Policy : std::uint32_t {
	Quiet = 1u << 0,	// sends no load information
	NoMfs = 1u << 1,	// serves no files to /mfs of the other nodes
	NoRootSquash = 1u << 2,	// serves the other nodes' root as root
};

// Whether FLAGS (enum om_policy) has FLAG.
constexpr bool has_flag(std::uint32_t flags, Policy flag) noexcept
{
	return (flags & static_cast<std::uint32_t>(flag)) != 0;
}

// A node's load as omd measures it and the peers exchange it (OM_A_LOAD,
// struct om_wire_load).
struct LoadReport {
	std::uint32_t load = 0;		// run-queue load x 1000, decayed
	std::uint32_t cpus = 0;		// 1..OM_LOAD_MAX_CPUS
	std::uint32_t speed = 0;	// 10000 = openMosix's PIII at 1 GHz
	std::uint32_t util = 0;		// CPU utilisation, per mille
	std::uint64_t mem_total = 0;	// bytes
	std::uint64_t mem_free = 0;	// bytes, <= mem_total
	std::uint64_t uptime = 0;	// seconds

	bool operator==(const LoadReport &) const = default;
};

// OM_CMD_GET_STATUS.
struct Status {
	std::optional<NodeId> node_id;	// absent while unknown
	SelfSource self_source = SelfSource::None;
	std::string version;		// of the omcore module
	std::uint64_t map_generation = 0;
	std::uint32_t map_nodes = 0;
	std::uint32_t map_addresses = 0;
	std::uint32_t limit_nodes = 0;
	std::uint32_t limit_addresses = 0;
	std::uint32_t peers_up = 0;		// peer links up
	std::uint32_t policy = 0;		// enum om_policy flags
	std::optional<std::uint32_t> speed;	// set by omctl; nothing: measured
	// The daemon: the process that last reported the load, how long ago,
	// and the interval it announced; nothing if none did since omcore loaded.
	std::optional<std::uint32_t> daemon_pid;
	std::chrono::milliseconds daemon_age{0};
	std::chrono::milliseconds load_interval{0};

	bool operator==(const Status &) const = default;
};

// One node of OM_CMD_GET_NODES: the kernel's cluster view.
struct NodeInfo {
	NodeId id = 0;
	std::optional<Address> address;		// the node's first address
	bool up = false;
	bool self = false;
	// When a frame last came from it (now for this node); nothing: never.
	std::optional<std::chrono::system_clock::time_point> last_seen;
	std::uint32_t flags = 0;		// enum om_policy, as it reported
	std::optional<LoadReport> load;		// while up, once it reported
	std::chrono::milliseconds load_age{0};

	bool operator==(const NodeInfo &) const = default;
};

// OM_CMD_GET_NODES: the view, and the generation of the map it walked.
struct ClusterView {
	std::uint64_t generation = 0;
	std::vector<NodeInfo> nodes;		// by id

	bool operator==(const ClusterView &) const = default;
};

// OM_CMD_SET_POLICY: what to change; what is empty stays as it is.
struct PolicyChange {
	std::uint32_t set = 0;		// flags to set...
	std::uint32_t mask = 0;		// ...among these (set & ~mask == 0)
	// A speed to report instead of the measured one; 0: the measured one.
	std::optional<std::uint32_t> speed;

	bool operator==(const PolicyChange &) const = default;
};

// OM_CMD_GET_MAP: the map and the generation it had when it was read.
struct MapSnapshot {
	std::uint64_t generation = 0;
	Map map;

	bool operator==(const MapSnapshot &) const = default;
};

// The kernel refused or could not be reached. what() is the sentence for
// the user; error() and extack() keep what the kernel said.
class KernelError : public std::runtime_error {
public:
	KernelError(int error, std::string extack, const std::string &sentence);

	// The usual sentence for ACTION ("loading the map") refused with ERROR:
	// the kernel's own message when it sent one, else strerror(ERROR);
	// WHERE, if given, says which part of the request was at fault.
	static KernelError refused(std::string_view action, int error, std::string extack,
				   std::string_view where = {});

	int error() const noexcept { return error_; }
	const std::string &extack() const noexcept { return extack_; }

private:
	int error_;
	std::string extack_;
};

// The kernel side of the openmosix generic netlink family, one method per
// command. Everything that fails throws KernelError.
class Kernel {
public:
	virtual ~Kernel() = default;

	virtual Status status() = 0;
	// Replaces the whole map; an empty one clears it. Returns the
	// generation of the map it installed.
	virtual std::uint64_t set_map(const Map &map) = 0;
	virtual MapSnapshot get_map() = 0;
	// An explicit id, or nothing to derive it from the local addresses.
	virtual void set_self(std::optional<NodeId> id) = 0;
	// Hands FD, an authenticated connected TCP socket, to the kernel as the
	// link to PEER (OM_CMD_LINK_ADD). The kernel keeps its own reference:
	// the caller still owns FD and closes it.
	virtual void link_add(NodeId peer, int fd) = 0;
	// OM_CMD_SET_LOAD: this node's load, reported every INTERVAL.
	virtual void set_load(const LoadReport &load, std::chrono::milliseconds interval) = 0;
	virtual void set_policy(const PolicyChange &change) = 0;
	virtual ClusterView get_nodes() = 0;
};

} // namespace om
