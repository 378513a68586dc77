#include <fmt/format.h>
#include <ostream>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "json_output.hpp"
#include "map_file.hpp"
#include "map_parser.hpp"
#include "text_output.hpp"

namespace om::cli {

namespace {

std::string nodes(std::size_t n)
{
	return fmt::format("{} node{}", n, n == 1 ? "" : "s");
}

// FILE if given, else the first map file that exists.
std::string map_path(const po::variables_map &vm, const Context &ctx)
{
	return vm.count("file") ? vm["file"].as<std::string>() : find_map_file(ctx.map_paths);
}

// The map in PATH, or nothing if it has errors, which are printed.
std::optional<Map> read_map(const std::string &path, Context &ctx)
{
	ParseResult parsed = parse_map(read_map_file(path), path, ctx.resolver);
	if (auto *map = std::get_if<Map>(&parsed))
		return std::move(*map);
	for (const ParseError &e : std::get<std::vector<ParseError>>(parsed))
		ctx.err << e.to_string() << '\n';
	ctx.log.error("{} has errors; the kernel's map was left as it was", path);
	return std::nullopt;
}

int map_load(const Invocation &inv, Context &ctx)
{
	Leaf leaf{"omctl map load [FILE]",
		  "Replace the kernel's node map with the one in FILE, by default the first\n"
		  "of /etc/openmosix.map, /etc/mosix.map and /etc/hpc.map that exists.\n"
		  "If FILE has errors, they are all printed and the kernel's map stays as it is.\n"
		  "\n"
		  "Each line of a map file is 'ID HOST COUNT': COUNT nodes from ID on, at the\n"
		  "address HOST counted up in its last byte (IPv4) or 16 bits (IPv6). HOST may\n"
		  "be a host name when COUNT is 1. COUNT ALIAS (or 0) gives node ID one more\n"
		  "address. '#' starts a comment."};
	leaf.argument("file", "map file");
	const auto vm = parse_leaf(inv, leaf, ctx);
	if (!vm)
		return kSuccess;
	const std::string path = map_path(*vm, ctx);
	const std::optional<Map> map = read_map(path, ctx);
	if (!map)
		return kFailure;
	if (map->empty()) {
		ctx.log.error("{} defines no node; to empty the kernel's map, run 'omctl map clear'",
			      path);
		return kFailure;
	}
	const std::uint64_t generation = ctx.kernel().set_map(*map);
	ctx.out << fmt::format("loaded {} from {} (generation {})\n", nodes(map->nodes().size()),
			       path, generation);
	return kSuccess;
}

int map_show(const Invocation &inv, Context &ctx)
{
	Leaf leaf{"omctl map show [--json]",
		  "Print the node map the kernel holds: each node's id and addresses, its\n"
		  "own address first, then its aliases."};
	leaf.options.add_options()(
		"json", "print {\"generation\": N, \"self\": ID|null, \"nodes\": "
			"[{\"id\": N, \"addresses\": [...]}, ...]}");
	const auto vm = parse_leaf(inv, leaf, ctx);
	if (!vm)
		return kSuccess;
	Kernel &kernel = ctx.kernel();
	const Status status = kernel.status();
	const MapSnapshot snapshot = kernel.get_map();
	if (vm->count("json"))
		ctx.out << map_to_json(snapshot, status.node_id).dump() << '\n';
	else
		print_map(ctx.out, snapshot, status);
	return kSuccess;
}

int map_clear(const Invocation &inv, Context &ctx)
{
	Leaf leaf{"omctl map clear", "Empty the kernel's node map."};
	if (!parse_leaf(inv, leaf, ctx))
		return kSuccess;
	const std::uint64_t generation = ctx.kernel().set_map(Map{});
	ctx.out << fmt::format("cleared the map (generation {})\n", generation);
	return kSuccess;
}

constexpr Command kMapCommands[] = {
	{"load", "replace the kernel's map with a map file", map_load},
	{"show", "print the kernel's map", map_show},
	{"clear", "empty the kernel's map", map_clear},
};

} // namespace

int cmd_map(const Invocation &inv, Context &ctx)
{
	return dispatch({"Work with the node map: which node id lives at which addresses.",
			 kMapCommands},
			inv, ctx);
}

} // namespace om::cli
