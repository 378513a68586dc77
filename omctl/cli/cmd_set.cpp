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

// A command that turns one flag of this node's policy on or off and leaves
// the others as they are: OM_A_POLICY_MASK names that flag alone.
struct FlagSetting {
	const char *usage;
	const char *description;
	Policy flag;
	bool on;
	const char *done;	// what this node does now
};

template <const FlagSetting &S> int set_flag(const Invocation &inv, Context &ctx)
{
	Leaf leaf{S.usage, S.description};
	if (!parse_leaf(inv, leaf, ctx))
		return kSuccess;
	const auto bit = static_cast<std::uint32_t>(S.flag);
	ctx.kernel().set_policy({.set = S.on ? bit : 0, .mask = bit, .speed = std::nullopt});
	ctx.out << S.done << '\n';
	return kSuccess;
}

constexpr FlagSetting kQuiet{
	"omctl set quiet",
	"Stop sending this node's load information to the other nodes (openMosix's\n"
	"'mosctl quiet'). The peers get a last report flagged quiet, then nothing\n"
	"until 'omctl set noquiet'. The links stay up.",
	Policy::Quiet, true,
	"this node is quiet: it sends no load information until 'omctl set noquiet'"};

constexpr FlagSetting kNoQuiet{
	"omctl set noquiet",
	"Send this node's load information to the other nodes again, every interval\n"
	"of omd (openMosix's 'mosctl noquiet'). This is the default.",
	Policy::Quiet, false, "this node sends its load information to the other nodes"};

constexpr FlagSetting kNoMfs{
	"omctl set nomfs",
	"Stop serving this node's files to /mfs of the other nodes (openMosix's\n"
	"'mosctl nomfs'). Every session another node has with this one ends: its\n"
	"open files of this node fail, and all it asks for gets 'Connection\n"
	"refused' until 'omctl set mfs'. Processes of this node still reach its\n"
	"files through /mfs.",
	Policy::NoMfs, true, "this node serves no files to the other nodes until 'omctl set mfs'"};

constexpr FlagSetting kMfs{
	"omctl set mfs",
	"Serve this node's files to /mfs of the other nodes again (openMosix's\n"
	"'mosctl mfs'). This is the default.",
	Policy::NoMfs, false, "this node serves its files to the other nodes"};

constexpr FlagSetting kNoRootSquash{
	"omctl set norootsquash",
	"Serve the other nodes' root as root, with the file system capabilities it\n"
	"has there, instead of as nobody (NFS's no_root_squash): for nodes that\n"
	"trust each other's root. It applies to identities registered afterwards;\n"
	"this node drops the registrations it holds, so the others register again.",
	Policy::NoRootSquash, true,
	"this node serves the other nodes' root as root until 'omctl set rootsquash'"};

constexpr FlagSetting kRootSquash{
	"omctl set rootsquash",
	"Serve the other nodes' root as nobody again, without capabilities (NFS's\n"
	"root_squash); as with 'omctl set norootsquash', the other nodes register\n"
	"their identities again. This is the default.",
	Policy::NoRootSquash, false, "this node serves the other nodes' root as nobody"};

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
	{"quiet", "stop sending this node's load to the other nodes", set_flag<kQuiet>},
	{"noquiet", "send this node's load to the other nodes again", set_flag<kNoQuiet>},
	{"nomfs", "stop serving this node's files to the other nodes", set_flag<kNoMfs>},
	{"mfs", "serve this node's files to the other nodes again", set_flag<kMfs>},
	{"norootsquash", "serve the other nodes' root as root", set_flag<kNoRootSquash>},
	{"rootsquash", "serve the other nodes' root as nobody again", set_flag<kRootSquash>},
	{"speed", "report a speed of this node's own, or the measured one", set_speed},
};

} // namespace

int cmd_set(const Invocation &inv, Context &ctx)
{
	return dispatch({"Change a setting of this node.", kSetCommands}, inv, ctx);
}

} // namespace om::cli
