#include "options.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <ostream>
#include <spdlog/spdlog.h>

#include "uapi/linux/openmosix.h"

namespace om::cli {

namespace {

// Long options must be spelled out: if "--js" meant "--json", adding any
// option starting with "--js" would break the scripts that abbreviate.
constexpr int kStyle =
	po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

// "map load" for "omctl map load": what messages call a command, since the
// log already starts them with "omctl: ".
std::string_view short_name(std::string_view path)
{
	const auto space = path.find(' ');
	return space == std::string_view::npos ? std::string_view{} : path.substr(space + 1);
}

std::string in_command(std::string_view path, std::string_view message)
{
	const std::string_view name = short_name(path);
	return name.empty() ? std::string(message) : fmt::format("{}: {}", name, message);
}

void print_group_help(std::ostream &out, const Group &group, const std::string &path,
		      const po::options_description *global)
{
	out << fmt::format("Usage: {} {}COMMAND [ARGS]\n\n{}\n\nCommands:\n", path,
			   global ? "[OPTIONS] " : "", group.description);
	std::size_t width = 0;
	for (const Command &c : group.commands)
		width = std::max(width, c.name.size());
	for (const Command &c : group.commands)
		out << fmt::format("  {:<{}}  {}\n", c.name, width, c.summary);
	if (global)
		out << '\n' << *global;
	out << fmt::format("\nRun '{} COMMAND --help' for what a command takes.\n", path);
}

std::string command_names(const Group &group)
{
	std::vector<std::string_view> names;
	for (const Command &c : group.commands)
		names.push_back(c.name);
	return fmt::format("{}", fmt::join(names, ", "));
}

} // namespace

int dispatch(const Group &group, const Invocation &inv, Context &ctx,
	     const po::options_description *global)
{
	if (inv.args.empty())
		throw UsageError(in_command(inv.path, fmt::format("missing command, one of: {}",
								  command_names(group))),
				 inv.path);
	const std::string &name = inv.args.front();
	if (name == "--help" || name == "-h" || name == "help") {
		print_group_help(ctx.out, group, inv.path, global);
		return kSuccess;
	}
	const auto it = std::find_if(group.commands.begin(), group.commands.end(),
				     [&](const Command &c) { return c.name == name; });
	if (it == group.commands.end())
		throw UsageError(in_command(inv.path, fmt::format("unknown {} '{}'",
								  name.starts_with('-') ? "option" : "command", name)),
				 inv.path);
	return it->run({fmt::format("{} {}", inv.path, name), {inv.args.begin() + 1, inv.args.end()}},
		       ctx);
}

std::optional<po::variables_map> parse_leaf(const Invocation &inv, Leaf &leaf, Context &ctx)
{
	leaf.options.add_options()
		("help,h", "print this help")
		("verbose,v", "say more about what is going on");
	po::options_description all;
	all.add(leaf.options).add(leaf.arguments);
	po::variables_map vm;
	try {
		po::store(po::command_line_parser(inv.args).options(all).positional(leaf.positional)
				  .style(kStyle).run(), vm);
		if (vm.count("help")) {
			ctx.out << fmt::format("Usage: {}\n\n{}\n\n", leaf.usage, leaf.description)
				<< leaf.options;
			return std::nullopt;
		}
		po::notify(vm);
	} catch (const po::error &e) {
		throw UsageError(in_command(inv.path, e.what()), inv.path);
	}
	if (vm.count("verbose"))
		ctx.log.set_level(spdlog::level::debug);
	return vm;
}

std::string required_argument(const po::variables_map &vm, const char *name,
			      const Invocation &inv, std::string_view missing)
{
	if (!vm.count(name))
		throw UsageError(in_command(inv.path, missing), inv.path);
	return vm[name].as<std::string>();
}

std::optional<std::uint32_t> parse_number(std::string_view text, std::uint32_t min,
					  std::uint32_t max)
{
	// from_chars takes no sign for an unsigned type, nor blanks.
	std::uint32_t value = 0;
	const char *end = text.data() + text.size();
	const auto [stop, ec] = std::from_chars(text.data(), end, value);
	if (ec != std::errc{} || stop != end || value < min || value > max)
		return std::nullopt;
	return value;
}

NodeId node_id_argument(const std::string &text, const Invocation &inv)
{
	const auto id = parse_number(text, 1, OM_NODE_ID_MAX);
	if (!id)
		throw UsageError(in_command(inv.path, fmt::format("'{}' is no node id: use 1..{}",
								  text, OM_NODE_ID_MAX)),
				 inv.path);
	return static_cast<NodeId>(*id);
}

po::variables_map parse_options(const std::vector<std::string> &args,
				const po::options_description &options, const std::string &command)
{
	po::variables_map vm;
	try {
		po::store(po::command_line_parser(args).options(options).style(kStyle).run(), vm);
		po::notify(vm);
	} catch (const po::error &e) {
		throw UsageError(in_command(command, e.what()), command);
	}
	return vm;
}

} // namespace om::cli
