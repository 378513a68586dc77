#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "map.hpp"

namespace om {

// How the kernel came to know this node's id (enum om_self_source).
enum class SelfSource { None, FromAddress, Explicit, Ambiguous };

// "none", "address", "explicit", "ambiguous": the names omctl prints.
std::string_view to_string(SelfSource source) noexcept;

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

	bool operator==(const Status &) const = default;
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
};

} // namespace om
