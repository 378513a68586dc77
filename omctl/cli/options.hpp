#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"

namespace om::cli {

namespace po = boost::program_options;

// A command line that makes no sense (exit status 2). COMMAND is the command
// whose --help the user should read, e.g. "omctl map load".
class UsageError : public std::runtime_error {
public:
	UsageError(const std::string &message, std::string command)
		: std::runtime_error(message), command_(std::move(command)) {}
	const std::string &command() const noexcept { return command_; }

private:
	std::string command_;
};

// A command as typed so far: PATH is "omctl map", ARGS what follows it.
struct Invocation {
	std::string path;
	std::vector<std::string> args;
};

using CommandFn = int (*)(const Invocation &, Context &);

struct Command {
	std::string_view name;
	std::string_view summary;
	CommandFn run;
};

// A command that holds other commands, like "map".
struct Group {
	std::string_view description;
	std::span<const Command> commands;
};

// Runs the command of GROUP that the first of INV's args names, or prints
// the group's help. GLOBAL, if given, are options the group's help shows.
int dispatch(const Group &group, const Invocation &inv, Context &ctx,
	     const po::options_description *global = nullptr);

// A command that does the work, like "map load": its help and options.
// ARGUMENTS describes the positional arguments, which POSITIONAL orders.
struct Leaf {
	Leaf(std::string usage_line, std::string text)
		: usage(std::move(usage_line)), description(std::move(text)) {}

	std::string usage;		// after "Usage: ", e.g. "omctl map load [FILE]"
	std::string description;
	po::options_description options{"Options"};
	po::options_description arguments;
	po::positional_options_description positional;

	// Adds the positional argument NAME, once, described for --help.
	void argument(const char *name, const char *text)
	{
		arguments.add_options()(name, po::value<std::string>(), text);
		positional.add(name, 1);
	}
};

// Parses INV's args as LEAF says. Nothing if --help was asked for (and
// printed); throws UsageError for anything it cannot make sense of.
std::optional<po::variables_map> parse_leaf(const Invocation &inv, Leaf &leaf, Context &ctx);

// The argument NAME as given; if it is missing, a UsageError for INV's
// command that says MISSING.
std::string required_argument(const po::variables_map &vm, const char *name,
			      const Invocation &inv, std::string_view missing);

// TEXT as a decimal number MIN..MAX, digits only; nothing if it is not one.
std::optional<std::uint32_t> parse_number(std::string_view text, std::uint32_t min,
					  std::uint32_t max);

// TEXT as a node id, 1..OM_NODE_ID_MAX; else a UsageError for INV's command.
NodeId node_id_argument(const std::string &text, const Invocation &inv);

// Parses options only, for the prefix of a command line before its command.
po::variables_map parse_options(const std::vector<std::string> &args,
				const po::options_description &options, const std::string &command);

} // namespace om::cli
