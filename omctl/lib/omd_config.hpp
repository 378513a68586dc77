#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "address.hpp"
#include "cluster_key.hpp"
#include "map.hpp"

namespace om {

// One thing wrong in omd's configuration, where the user has to fix it.
struct ConfigError {
	std::string file;	// empty: the command line
	std::size_t line = 0;	// 1-based; 0 on the command line
	std::string message;

	std::string to_string() const;	// "FILE:LINE: message", or the message alone
	bool operator==(const ConfigError &) const = default;
};

// /etc/openmosix/omd.conf.
const std::string &default_omd_config_path();

// What omd runs with: /etc/openmosix/omd.conf, 'key = value' lines with '#'
// comments, overridden by the command line, where the same keys are
// options (--port 4661). Every key is optional.
struct OmdConfig {
	std::string config_path = default_omd_config_path();	// --config or the default
	std::optional<std::string> map;		// map file; nothing: default_map_paths()
	Address listen = Address::parse("0.0.0.0").value();	// 0.0.0.0, :: mean any
	std::uint16_t port = 4660;
	std::string key = default_cluster_key_path();	// cluster key file
	std::optional<NodeId> node_id;		// nothing: let the kernel derive it
	std::chrono::milliseconds interval{1000};	// between load reports, 0.1..60 s
	// This node's speed, 1..OM_LOAD_MAX_SPEED (10000: a Pentium III at
	// 1 GHz); nothing: measured when omd starts.
	std::optional<std::uint32_t> speed;
	bool discover = false;			// find the other nodes, build the map
	// Discovery's address on the cluster network; nothing: omd chooses.
	std::optional<Address> discover_address;
	// The multicast group of discovery, in 239.0.0.0/8 or 224.0.0.0/24.
	Address discover_group = Address::parse("239.255.46.60").value();
	// Command line only.
	bool help = false;
	bool version = false;
	bool verbose = false;

	// Where to look for the map, in order: the map file, or openMosix's places.
	std::vector<std::string> map_paths() const;
	bool operator==(const OmdConfig &) const = default;
};

using OmdConfigResult = std::variant<OmdConfig, std::vector<ConfigError>>;

// omd's configuration from ARGS (argv without the program name) and TEXT,
// the content of the configuration file CONFIG_PATH. The command line
// wins over the file, but both must be valid. Pure: no file is read. The
// result is the configuration or every error found, never both; with
// --help or --version (and a command line that parses), the configuration
// with that flag set, whatever else is wrong.
OmdConfigResult parse_omd_config(std::span<const std::string> args, std::string_view text,
				 std::string_view config_path);

// The same, reading the file that --config names, else the default one,
// which may be missing (then only the command line counts).
OmdConfigResult load_omd_config(std::span<const std::string> args);

// The options omd takes, as --help shows them.
std::string omd_options_help();

} // namespace om
