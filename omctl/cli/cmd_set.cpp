#include <charconv>
#include <fmt/format.h>
#include <ostream>

#include "commands.hpp"
#include "text_output.hpp"
#include "uapi/linux/openmosix.h"

namespace om::cli {

namespace {

// ID as typed: 1..65535, or "auto" (nothing) to derive it from the map.
std::optional<NodeId> parse_node_id(const std::string &text, const std::string &command)
{
	if (text == "auto")
		return std::nullopt;
	unsigned long id = 0;
	const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
	if (ec != std::errc{} || end != text.data() + text.size() || id == 0 || id > OM_NODE_ID_MAX)
		throw UsageError(fmt::format("set node-id: '{}' is no node id: use 1..{} or auto",
					     text, OM_NODE_ID_MAX), command);
	return static_cast<NodeId>(id);
}

int set_node_id(const Invocation &inv, Context &ctx)
{
	Leaf leaf{"omctl set node-id ID|auto",
		  "Set this node's id to ID (1..65535), or with 'auto' let the kernel derive it\n"
		  "from the local addresses that appear in the map, which is the default."};
	leaf.arguments.add_options()("id", po::value<std::string>(), "ID or auto");
	leaf.positional.add("id", 1);
	const auto vm = parse_leaf(inv, leaf, ctx);
	if (!vm)
		return kSuccess;
	if (!vm->count("id"))
		throw UsageError("set node-id: missing ID: give a node id 1..65535 or auto", inv.path);
	const std::optional<NodeId> id = parse_node_id((*vm)["id"].as<std::string>(), inv.path);
	Kernel &kernel = ctx.kernel();
	kernel.set_self(id);
	ctx.out << fmt::format("this node's id: {}\n", describe_self(kernel.status()));
	return kSuccess;
}

constexpr Command kSetCommands[] = {
	{"node-id", "set this node's id, or let the kernel derive it", set_node_id},
};

} // namespace

int cmd_set(const Invocation &inv, Context &ctx)
{
	return dispatch({"Change a setting of this node.", kSetCommands}, inv, ctx);
}

} // namespace om::cli
