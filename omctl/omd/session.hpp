#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <memory>
#include <optional>
#include <stdexcept>

#include "genl_client.hpp"
#include "genl_events.hpp"
#include "map.hpp"
#include "omd_config.hpp"
#include "resolver.hpp"

namespace om::omd {

// The map file has errors (printed) or names no node.
class MapError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

// The kernel knows no id for this node.
class SelfUnknown : public std::runtime_error {
public:
	explicit SelfUnknown(const std::string &map_path);
};

// A map and the file it came from.
struct MapFile {
	Map map;
	std::string path;
};

// The map CONFIG names, or the first of openMosix's map files that exists.
// Prints every error of the file on stderr (FILE:LINE:COL: ...) and throws
// MapError; MapFileError if no file can be read.
MapFile load_map(const OmdConfig &config, Resolver &resolver);

// omd's hold on omcore: a client, the event subscription, the map it
// installed and this node's id. A new one after omcore was reloaded.
struct Session {
	std::unique_ptr<Kernel> kernel;
	std::unique_ptr<EventSource> events;
	std::shared_ptr<const Map> map;
	std::uint64_t generation = 0;	// of the map omd installed
	NodeId self = 0;
};

// Subscribes to the events first (so that no link-down is missed), then
// installs the map READ_MAP gives (called once the kernel answers, so a
// broken map file is not read again and again while omcore is away), sets
// the configured id and reads this node's id. Throws KernelError,
// SelfUnknown, or what READ_MAP throws.
// How omd reaches omcore: a client and an event subscription, made anew
// for every session. Throw KernelError when omcore is not there.
struct KernelConnector {
	std::function<std::unique_ptr<Kernel>()> kernel;
	std::function<std::unique_ptr<EventSource>()> events;
};

// Over generic netlink (GenlLibnl, GenlEvents): what omd runs with.
KernelConnector netlink_connector();

Session open_session(const KernelConnector &connector, const std::function<MapFile()> &read_map,
		     std::optional<NodeId> node_id);

// Whether ERROR says the family is gone (omcore unloaded or reloaded)
// rather than that the kernel refused one request.
bool kernel_gone(const KernelError &error) noexcept;

} // namespace om::omd
