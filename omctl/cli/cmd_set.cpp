#include <fmt/format.h>
#include <ostream>

#include "commands.hpp"
#include "text_output.hpp"
#include "uapi/linux/openmosix.h"

namespace om::cli {

namespace {

constexpr auto kQuiet = static_cast<std::uint32_t>(Policy::Quiet);

// ID as typed: 1..65535, or "auto" (nothing) to derive it from the map.
std::optional<NodeId> parse_node_id(const std::string &text, const std::string &command)
{
	if (text == "auto")
		return std::nullopt;
	const auto id = parse_number(text, 1, OM_NODE_ID_MAX);
	if (!id)
		throw UsageError(fmt::format("set node-id: '{}' is no node id: use 1..{} or auto",
					     text, OM_NODE_ID_MAX), command);
	return static_cast<NodeId>(*id);
}

int set_node_id(const Invocation &inv, Context &ctx)
{
	Leaf leaf{"omctl set node-id ID|auto",
		  "Set this node's id to ID (1..65535), or with 'auto' let the kernel derive it\n"
		  "from the local addresses that appear in the map, which is the default."};
	leaf.argument("id", "ID or auto");
	const auto vm = parse_leaf(inv, leaf, ctx);
	if (!vm)
		return kSuccess;
	const std::optional<NodeId> id = parse_node_id(
		required_argument(*vm, "id", inv, "missing ID: give a node id 1..65535 or auto"),
		inv.path);
	Kernel &kernel = ctx.kernel();
	kernel.set_self(id);
	ctx.out << fmt::format("this node's id: {}\n", describe_self(kernel.status()));
	return kSuccess;
}

int set_quiet(const Invocation &inv, Context &ctx)
{
	Leaf leaf{"omctl set quiet",
		  "Stop sending this node's load information to the other nodes (openMosix's\n"
		  "'mosctl quiet'). The peers get a last report flagged quiet, then nothing\n"
		  "until 'omctl set noquiet'. The links stay up."};
	if (!parse_leaf(inv, leaf, ctx))
		return kSuccess;
	ctx.kernel().set_policy({.set = kQuiet, .mask = kQuiet, .speed = std::nullopt});
	ctx.out << "this node is quiet: it sends no load information until 'omctl set noquiet'\n";
	return kSuccess;
}

int set_noquiet(const Invocation &inv, Context &ctx)
{
	Leaf leaf{"omctl set noquiet",
		  "Send this node's load information to the other nodes again, every interval\n"
		  "of omd (openMosix's 'mosctl noquiet'). This is the default."};
	if (!parse_leaf(inv, leaf, ctx))
		return kSuccess;
	ctx.kernel().set_policy({.set = 0, .mask = kQuiet, .speed = std::nullopt});
	ctx.out << "this node sends its load information to the other nodes\n";
	return kSuccess;
}

int set_speed(const Invocation &inv, Context &ctx)
{
	const std::string usage = fmt::format("use 1..{} (10000 is a Pentium III at 1 GHz) or "
					      "measured", OM_LOAD_MAX_SPEED);
	Leaf leaf{"omctl set speed N|measured",
		  "Report N as this node's speed instead of what omd measures (openMosix's\n"
		  "'mosctl setspeed'); 'measured' goes back to omd's measurement. Speeds are\n"
		  "relative: 10000 is openMosix's Pentium III at 1 GHz. N is 1..100000000."};
	leaf.argument("speed", "N or measured");
	const auto vm = parse_leaf(inv, leaf, ctx);
	if (!vm)
		return kSuccess;
	const std::string text = required_argument(*vm, "speed", inv, "missing N: " + usage);
	// 0 tells the kernel to use omd's measurement again.
	const auto speed = text == "measured" ? std::optional<std::uint32_t>(0)
					      : parse_number(text, 1, OM_LOAD_MAX_SPEED);
	if (!speed)
		throw UsageError(fmt::format("set speed: '{}' is no speed: {}", text, usage), inv.path);
	ctx.kernel().set_policy({.set = 0, .mask = 0, .speed = *speed});
	ctx.out << (*speed ? fmt::format("this node's speed: {}, until 'omctl set speed measured'\n",
					  *speed)
			   : std::string("this node's speed: as omd measures it\n"));
	return kSuccess;
}

constexpr Command kSetCommands[] = {
	{"node-id", "set this node's id, or let the kernel derive it", set_node_id},
	{"quiet", "stop sending this node's load to the other nodes", set_quiet},
	{"noquiet", "send this node's load to the other nodes again", set_noquiet},
	{"speed", "report a speed of this node's own, or the measured one", set_speed},
};

} // namespace

int cmd_set(const Invocation &inv, Context &ctx)
{
	return dispatch({"Change a setting of this node.", kSetCommands}, inv, ctx);
}

} // namespace om::cli
