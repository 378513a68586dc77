#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <ostream>
#include <spdlog/spdlog.h>
#include <stdexcept>
#include <sys/ioctl.h>
#include <unistd.h>

#include "commands.hpp"
#include "file_text.hpp"
#include "json_output.hpp"
#include "mountinfo.hpp"
#include "uapi/linux/omfs.h"
#include "uapi/linux/openmosix.h"

namespace om::cli {

namespace {

constexpr const char *kMountinfo = "/proc/self/mountinfo";
constexpr std::size_t kMaxMountinfo = 16 << 20;
constexpr const char *kSynopsis = "omctl select ID -- COMMAND [ARGS...]";

// ID as typed: a node id, or home, 0 or none for no selection (0).
std::uint32_t parse_selection(const std::string &text, const std::string &command)
{
	if (text == "home" || text == "none" || text == "0")
		return 0;
	const auto id = parse_number(text, 1, OM_NODE_ID_MAX);
	if (!id)
		throw UsageError(fmt::format("select: '{}' is no node id: use 1..{}, or home (also "
					     "0 or none) to select none", text, OM_NODE_ID_MAX),
				 command);
	return *id;
}

// The mount point of the mfs file system the ioctls go to.
std::string mfs_mount(Context &ctx)
{
	const std::optional<std::string> mount = find_mfs_mount(ctx.select.mountinfo());
	if (!mount)
		throw std::runtime_error(fmt::format("no {} file system is mounted (mount -t mfs "
						     "mfs_mnt /mfs)", OMFS_FS_NAME));
	ctx.log.debug("the mfs file system is mounted on {}", *mount);
	return *mount;
}

// The sentence for ERROR of ACTION on MOUNT when it has no better one.
std::runtime_error ioctl_error(std::string_view action, const std::string &mount, int error)
{
	if (error == ENOTTY)
		return std::runtime_error(fmt::format("{} is not an mfs mount", mount));
	return std::runtime_error(
		fmt::format("{} through {} failed: {}", action, mount, std::strerror(error)));
}

int print_selected(const po::variables_map &vm, Context &ctx)
{
	const std::string mount = mfs_mount(ctx);
	std::uint32_t id = 0;
	if (const int error = ctx.select.ioctl(mount, OMFS_IOC_GET_SELECTED, id))
		throw ioctl_error("reading the selected node", mount, error);
	const std::optional<NodeId> selected =
		id ? std::optional(static_cast<NodeId>(id)) : std::nullopt;
	if (vm.count("json"))
		ctx.out << selected_to_json(selected).dump() << '\n';
	else
		ctx.out << (selected ? fmt::format("{}\n", *selected)
				     : std::string("none (selected is home)\n"));
	return kSuccess;
}

int select_and_run(std::uint32_t id, const std::vector<std::string> &command, Context &ctx)
{
	const std::string mount = mfs_mount(ctx);
	if (const int error = ctx.select.ioctl(mount, OMFS_IOC_SET_SELECTED, id)) {
		if (error == ENOENT)
			throw std::runtime_error(fmt::format("node {} is not in the map", id));
		throw ioctl_error("setting the selected node", mount, error);
	}
	ctx.log.debug("selected node: {}; running '{}'", id ? std::to_string(id) : "none",
		      command.front());
	ctx.out.flush();	// exec discards what is buffered
	const int error = ctx.select.exec(command);
	ctx.log.error("cannot run '{}': {}", command.front(), std::strerror(error));
	return error == ENOENT ? kNotFound : kCannotRun;
}

} // namespace

int cmd_select(const Invocation &inv, Context &ctx)
{
	Leaf leaf{"omctl select [ID -- COMMAND [ARGS...]]",
		  "Run COMMAND with node ID selected: for COMMAND and every process it starts\n"
		  "(they inherit the selection, and exec keeps it), /mfs/selected names node\n"
		  "ID, so /mfs/selected/PATH is PATH on that node. ID is a node id of the map,\n"
		  "1..65535, or home (also 0 or none) to select none: /mfs/selected then names\n"
		  "the home node. Without arguments, print the selection omctl inherited from\n"
		  "the process that ran it: a node id, or 'none (selected is home)'. The mfs\n"
		  "file system is the first one /proc/self/mountinfo lists (the selection\n"
		  "belongs to the process, not to a mount). Exit status 127 if COMMAND is not\n"
		  "found, 126 if it cannot be run; COMMAND's own otherwise."};
	leaf.options.add_options()("json", "print {\"selected\": N|null}; only without ID");
	leaf.argument("id", "node id, or home");
	// Words before "--" that are not ID: a COMMAND without its "--".
	leaf.arguments.add_options()("stray", po::value<std::vector<std::string>>());
	leaf.positional.add("stray", -1);
	// COMMAND and its arguments follow "--" and are passed on untouched.
	const auto dashes = std::find(inv.args.begin(), inv.args.end(), "--");
	const std::vector<std::string> command(dashes == inv.args.end() ? dashes : dashes + 1,
					       inv.args.end());
	const auto vm = parse_leaf({inv.path, {inv.args.begin(), dashes}}, leaf, ctx);
	if (!vm)
		return kSuccess;
	const auto usage = [&](std::string_view message) {
		return UsageError(fmt::format("select: {}", message), inv.path);
	};
	if (vm->count("stray"))
		throw usage(fmt::format("COMMAND goes after '--': {}", kSynopsis));
	if (!vm->count("id")) {
		if (dashes != inv.args.end())
			throw usage(fmt::format("missing ID before '--': {}", kSynopsis));
		return print_selected(*vm, ctx);
	}
	const std::uint32_t id = parse_selection((*vm)["id"].as<std::string>(), inv.path);
	if (vm->count("json"))
		throw usage("--json prints the selection: it takes no ID");
	if (dashes == inv.args.end())
		throw usage(fmt::format("missing '-- COMMAND' after ID: {}", kSynopsis));
	if (command.empty())
		throw usage(fmt::format("missing COMMAND after '--': {}", kSynopsis));
	return select_and_run(id, command, ctx);
}

SelectCalls system_select_calls()
{
	SelectCalls calls;
	calls.mountinfo = [] {
		FileText file = read_file_text(kMountinfo, kMaxMountinfo);
		if (file.error)
			throw std::runtime_error(
				fmt::format("cannot read {}: {}", kMountinfo, std::strerror(file.error)));
		if (file.too_large)
			throw std::runtime_error(fmt::format("{} is larger than {} MiB", kMountinfo,
							     kMaxMountinfo >> 20));
		return std::move(file.text);
	};
	calls.ioctl = [](const std::string &mount, unsigned long request, std::uint32_t &value) {
		const int fd = ::open(mount.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			throw std::runtime_error(
				fmt::format("cannot open {}: {}", mount, std::strerror(errno)));
		const int error = ::ioctl(fd, request, &value) == 0 ? 0 : errno;
		::close(fd);
		return error;
	};
	calls.exec = [](const std::vector<std::string> &args) {
		std::vector<char *> argv;
		for (const std::string &arg : args)
			argv.push_back(const_cast<char *>(arg.c_str()));
		argv.push_back(nullptr);
		::execvp(argv.front(), argv.data());
		return errno;
	};
	return calls;
}

} // namespace om::cli
