// omd: wires the configuration, the cluster key, the signals and the
// system's resolver to the daemon.
#include <iostream>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "daemon.hpp"
#include "signals.hpp"
#include "system_resolver.hpp"

namespace {

constexpr int kFailure = 1;

// The configuration, or nothing when omd has nothing more to do (errors
// printed, or --help/--version answered); STATUS is the exit status then.
std::optional<om::OmdConfig> configure(int argc, char **argv, int &status)
{
	const std::vector<std::string> args(argv + 1, argv + argc);
	om::OmdConfigResult result = om::load_omd_config(args);
	if (auto *errors = std::get_if<std::vector<om::ConfigError>>(&result)) {
		for (const om::ConfigError &e : *errors)
			spdlog::error("{}", e.to_string());
		status = kFailure;
		return std::nullopt;
	}
	auto &config = std::get<om::OmdConfig>(result);
	status = 0;
	if (config.help) {
		std::cout << "Usage: omd [OPTION]...\nThe openMosix-NG daemon: peer links between "
			     "the nodes of the map.\n\n" << om::omd_options_help();
		return std::nullopt;
	}
	if (config.version) {
		std::cout << "omd " << OMD_VERSION << '\n';
		return std::nullopt;
	}
	if (config.discover && config.map)
		spdlog::warn("the map file {} is not read: with discovery, omd builds the map",
			     *config.map);
	return std::move(config);
}

} // namespace

int main(int argc, char **argv)
{
	const auto log = spdlog::stderr_logger_st("omd");
	log->set_pattern("omd: %l: %v");
	spdlog::set_default_logger(log);	// omlib logs through the default logger

	int status = 0;
	const std::optional<om::OmdConfig> config = configure(argc, argv, status);
	if (!config)
		return status;
	if (config->verbose)
		spdlog::set_level(spdlog::level::debug);
	try {
		const om::omd::UniqueFd signals = om::omd::watch_stop_signals();
		om::SystemResolver resolver;
		om::omd::Daemon daemon(*config, om::ClusterKey::load(config->key), resolver,
				       signals.get());
		return daemon.run();
	} catch (const std::exception &e) {
		spdlog::error("{}", e.what());
		return kFailure;
	}
}
