#pragma once

#include <catch2/catch_test_macros.hpp>
#include <cerrno>
#include <chrono>
#include <map>
#include <memory>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sstream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "fake_kernel.hpp"
#include "fake_resolver.hpp"
#include "temp_dir.hpp"

namespace om::test {

// The map of openMosix's seed, with an alias for node 4.
inline constexpr const char *kSeedAliasMap = "1       192.168.1.1     1\n"
					     "2       192.168.1.2     1\n"
					     "3       192.168.1.3     1\n"
					     "4       192.168.1.4     1\n"
					     "4       192.168.10.10   ALIAS\n";

inline std::shared_ptr<spdlog::logger> make_log(std::ostream &err)
{
	auto log = std::make_shared<spdlog::logger>(
		"omctl-test", std::make_shared<spdlog::sinks::ostream_sink_st>(err));
	log->set_pattern("omctl: %v");
	return log;
}

// omctl wired to a fake kernel, string streams, a temporary directory in
// place of /etc, host names from tables and a clock that stands still (the
// kernel's and omctl's the same) at 2024-05-01T12:00:00Z.
struct Omctl {
	std::ostringstream out, err;
	std::shared_ptr<spdlog::logger> log = make_log(err);
	FakeResolver resolver{{"node1", "192.168.1.1"}, {"node2", "192.168.1.2"}};
	std::map<Address, std::string> host_names;
	std::chrono::system_clock::time_point now{std::chrono::seconds(1714564800)};
	FakeKernel kernel;
	bool module_loaded = true;
	int kernel_opens = 0;
	TempDir etc;
	cli::Context ctx{out,
			 err,
			 *log,
			 resolver,
			 {etc.path("openmosix.map"), etc.path("mosix.map"), etc.path("hpc.map")},
			 [this]() -> Kernel & { return open_kernel(); },
			 [this](const Address &a) -> std::optional<std::string> {
				 const auto it = host_names.find(a);
				 return it == host_names.end() ? std::nullopt : std::optional(it->second);
			 },
			 [this] { return now; }};

	Omctl()
	{
		kernel.now = [this] { return now; };
	}

	Kernel &open_kernel()
	{
		++kernel_opens;
		if (!module_loaded)
			throw KernelError(ENOENT, "", "the kernel has no 'openmosix' generic netlink "
						      "family: the omcore module is not loaded (modprobe omcore)");
		return kernel;
	}

	int operator()(std::vector<std::string> args)
	{
		out.str("");
		err.str("");
		return cli::run(args, ctx);
	}

	// Loads TEXT as a map file, which must succeed.
	void load(const std::string &text)
	{
		REQUIRE((*this)({"map", "load", etc.write("test.map", text)}) == cli::kSuccess);
	}
};

} // namespace om::test
