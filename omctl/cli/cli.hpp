#pragma once

#include <chrono>
#include <cstdint>
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

// What 'omctl select' does to its own process; the unit tests replace it.
struct SelectCalls {
	// The content of /proc/self/mountinfo; throws if it cannot be read.
	std::function<std::string()> mountinfo;
	// Opens the directory MOUNT (throws if it cannot), calls
	// ioctl(REQUEST, &VALUE) on it and closes it: 0, or the ioctl's errno.
	std::function<int(const std::string &mount, unsigned long request, std::uint32_t &value)>
		ioctl;
	// execvp(3)s ARGS in place of omctl; returns only if that fails, with
	// its errno.
	std::function<int(const std::vector<std::string> &args)> exec;
};

// The real ones.
SelectCalls system_select_calls();

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
	// The real ones unless a test sets its own.
	SelectCalls select = system_select_calls();
};

// omctl's exit statuses.
enum ExitStatus : int {
	kSuccess = 0,
	kFailure = 1,	// the command ran and failed: kernel refusal, map errors, I/O
	kUsage = 2,	// the command line makes no sense
	// 'omctl select ... -- COMMAND' could not run COMMAND; as env(1) says it.
	kCannotRun = 126,	// it exists but exec failed
	kNotFound = 127,	// there is no such command
};

// Runs omctl with ARGS (argv without the program name); returns the exit status.
int run(std::span<const std::string> args, Context &ctx);

} // namespace om::cli
