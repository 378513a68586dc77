#pragma once

#include <chrono>
#include <functional>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "genl_client.hpp"
#include "resolver.hpp"

namespace spdlog {
class logger;
}

namespace om::cli {

// Everything a command works with. main() wires the real things; the unit
// tests wire a fake kernel and string streams.
struct Context {
	std::ostream &out;	// results
	std::ostream &err;	// map file errors, FILE:LINE:COL: message
	spdlog::logger &log;	// everything else for the user: "omctl: ..."
	Resolver &resolver;
	std::vector<std::string> map_paths;	// what 'map load' searches without FILE
	// Connects on first use, so that --help, usage errors and map file errors
	// work without the omcore module.
	std::function<Kernel &()> kernel;
	// The host name of an address, nothing if it has none (getnameinfo(3)).
	std::function<std::optional<std::string>(const Address &)> host_name =
		[](const Address &) { return std::optional<std::string>(); };
	// The wall clock, to tell how long ago a node was seen.
	std::function<std::chrono::system_clock::time_point()> now = [] {
		return std::chrono::system_clock::now();
	};
};

// omctl's exit statuses.
enum ExitStatus : int {
	kSuccess = 0,
	kFailure = 1,	// the command ran and failed: kernel refusal, map errors, I/O
	kUsage = 2,	// the command line makes no sense
};

// Runs omctl with ARGS (argv without the program name); returns the exit status.
int run(std::span<const std::string> args, Context &ctx);

} // namespace om::cli
