// omctl: wires the real kernel, resolver and terminal to the commands.
#include <iostream>
#include <memory>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "cli.hpp"
#include "genl_libnl.hpp"
#include "host_name.hpp"
#include "map_file.hpp"
#include "system_resolver.hpp"

int main(int argc, char **argv)
{
	const auto log = spdlog::stderr_logger_st("omctl");
	log->set_pattern("omctl: %v");
	spdlog::set_default_logger(log);	// omlib logs through the default logger

	om::SystemResolver resolver;
	std::unique_ptr<om::Kernel> kernel;
	om::cli::Context ctx{std::cout, std::cerr, *log, resolver, om::default_map_paths(),
			     [&]() -> om::Kernel & {
				     if (!kernel)
					     kernel = std::make_unique<om::GenlLibnl>();
				     return *kernel;
			     },
			     om::cli::lookup_host_name};
	const std::vector<std::string> args(argv + 1, argv + argc);
	const int status = om::cli::run(args, ctx);
	if (!std::cout.flush()) {
		log->error("cannot write the output");
		return om::cli::kFailure;
	}
	return status;
}
