#include "cli.hpp"

#include <algorithm>
#include <ostream>
#include <spdlog/spdlog.h>

#include "commands.hpp"

#ifndef OMCTL_VERSION
#error "the build defines OMCTL_VERSION"
#endif

namespace om::cli {

namespace {

constexpr Command kCommands[] = {
	{"map", "load, show or clear the node map", cmd_map},
	{"status", "show this node's id and the state of the map", cmd_status},
	{"nodes", "show every node's state and load", cmd_nodes},
	{"whois", "tell a node id from an address or host name and back", cmd_whois},
	{"isup", "say whether a node is up (exit status 0) or not (1)", cmd_isup},
	{"set", "change a setting of this node", cmd_set},
	{"keygen", "write a new cluster key file", cmd_keygen},
	{"select", "run a command with another node as its /mfs/selected", cmd_select},
};

const Group kOmctl{
	"Control the openMosix-NG kernel modules of this node.",
	kCommands,
};

// Global options come before the command ("omctl -v map load"), so that
// "omctl map --help" reaches "map" rather than stopping here.
int run_omctl(std::span<const std::string> args, Context &ctx)
{
	const auto command = std::find_if(args.begin(), args.end(), [](const std::string &a) {
		return !a.starts_with('-');
	});
	po::options_description options("Options");
	options.add_options()
		("help,h", "print this help")
		("version", "print omctl's version")
		("verbose,v", "say more about what is going on");
	const po::variables_map vm = parse_options({args.begin(), command}, options, "omctl");
	if (vm.count("verbose"))
		ctx.log.set_level(spdlog::level::debug);
	if (vm.count("version")) {
		ctx.out << "omctl " OMCTL_VERSION "\n";
		return kSuccess;
	}
	const Invocation inv{"omctl", {command, args.end()}};
	if (vm.count("help"))
		return dispatch(kOmctl, {"omctl", {"--help"}}, ctx, &options);
	return dispatch(kOmctl, inv, ctx, &options);
}

} // namespace

int run(std::span<const std::string> args, Context &ctx)
{
	try {
		return run_omctl(args, ctx);
	} catch (const UsageError &e) {
		ctx.log.error("{}", e.what());
		ctx.log.error("try '{} --help'", e.command());
		return kUsage;
	} catch (const std::exception &e) {
		ctx.log.error("{}", e.what());
		return kFailure;
	}
}

} // namespace om::cli
