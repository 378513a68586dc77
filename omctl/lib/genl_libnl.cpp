#include "genl_libnl.hpp"

#include <algorithm>
#include <cerrno>
#include <fmt/format.h>
#include <iterator>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <spdlog/spdlog.h>

#include "genl_codec.hpp"
#include "nl_exchange.hpp"

namespace om {

namespace {

// A dump restarted this often is being outrun by map changes.
constexpr int kDumpAttempts = 3;

void ignore_replies(nlmsghdr *)
{
}

} // namespace

GenlLibnl::GenlLibnl(const std::string &family) : sock_(open_genl_socket())
{
	family_ = genl_ctrl_resolve(sock_.get(), family.c_str());
	if (family_ == -NLE_OBJ_NOTFOUND)
		throw KernelError(ENOENT, "",
				  fmt::format("the kernel has no '{}' generic netlink family: the "
					      "omcore module is not loaded (modprobe omcore)", family));
	if (family_ < 0)
		throw KernelError(EIO, "", fmt::format("cannot look up the '{}' generic netlink "
						       "family: {}", family, nl_geterror(family_)));
	spdlog::debug("generic netlink family '{}' has id {}", family, family_);
}

NlMsgPtr GenlLibnl::request(std::uint8_t cmd, int flags, std::size_t payload) const
{
	NlMsgPtr msg(nlmsg_alloc_size(nlmsg_total_size(static_cast<int>(GENL_HDRLEN + payload))));
	if (!msg)
		throw std::bad_alloc();
	if (!genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family_, 0, flags, cmd,
			 OM_GENL_VERSION))
		throw std::logic_error("no room for the generic netlink header");
	return msg;
}

Status GenlLibnl::status()
{
	const NlMsgPtr msg = request(OM_CMD_GET_STATUS, 0);
	std::optional<Status> status;
	exchange(sock_.get(), msg.get(), "reading the status",
		 [&](nlmsghdr *nlh) { status = parse_status(nlh); });
	if (!status)
		throw KernelError(EPROTO, "", "reading the status failed: the kernel acked "
					      "the request without a reply");
	return *status;
}

std::uint64_t GenlLibnl::set_map(const Map &map)
{
	const std::size_t size = map_payload_size(map);
	const NlMsgPtr msg = request(OM_CMD_SET_MAP, 0, size);
	const Landmarks landmarks = put_map(msg.get(), map);
	spdlog::debug("sending a map of {} nodes in {} bytes", map.nodes().size(), size);
	std::optional<std::uint64_t> generation;
	exchange(sock_.get(), msg.get(), "replacing the map",
		 [&](nlmsghdr *nlh) { generation = parse_set_map_reply(nlh); }, &landmarks);
	if (!generation)
		throw KernelError(EPROTO, "", "replacing the map: the kernel acked the request "
					      "without a reply");
	return *generation;
}

// Reads the dump CMD of WHAT ("the map"), PARSE turning each message into
// a part with a generation and nodes. All parts must carry the same
// generation; a dump the kernel flags as interrupted is read again.
// Returns the generation, if any message came, and the nodes in order.
template <class Parse> auto GenlLibnl::dump(std::uint8_t cmd, std::string_view what, Parse parse)
{
	using Item = typename decltype(parse(nullptr).nodes)::value_type;
	struct Result {
		std::optional<std::uint64_t> generation;
		std::vector<Item> nodes;
	};
	const std::string action = fmt::format("reading {}", what);
	for (int attempt = 0; attempt < kDumpAttempts; ++attempt) {
		const NlMsgPtr msg = request(cmd, NLM_F_DUMP);
		Result result;
		const bool interrupted = exchange(sock_.get(), msg.get(), action, [&](nlmsghdr *nlh) {
			auto part = parse(nlh);
			if (result.generation && *result.generation != part.generation)
				throw KernelError(EPROTO, "", fmt::format(
					"{} failed: one dump carried generations {} and {}", action,
					*result.generation, part.generation));
			result.generation = part.generation;
			std::move(part.nodes.begin(), part.nodes.end(), std::back_inserter(result.nodes));
		});
		if (!interrupted)
			return result;
		spdlog::debug("the dump of {} was interrupted; reading it again", what);
	}
	throw KernelError(EAGAIN, "", fmt::format("{} failed: it kept changing while it was read; "
						  "try again", action));
}

MapSnapshot GenlLibnl::get_map()
{
	auto [generation, nodes] = dump(OM_CMD_GET_MAP, "the map", parse_map_part);
	if (!generation)
		throw KernelError(EPROTO, "", "reading the map failed: the dump had no message");
	Map map(std::move(nodes));
	for (std::size_t i = 1; i < map.nodes().size(); ++i)
		if (map.nodes()[i - 1].id == map.nodes()[i].id)
			throw KernelError(EPROTO, "", fmt::format("reading the map failed: node {} "
					  "came twice", map.nodes()[i].id));
	return MapSnapshot{*generation, std::move(map)};
}

ClusterView GenlLibnl::get_nodes()
{
	auto [generation, nodes] = dump(OM_CMD_GET_NODES, "the cluster view", parse_nodes_part);
	std::sort(nodes.begin(), nodes.end(),
		  [](const NodeInfo &a, const NodeInfo &b) { return a.id < b.id; });
	for (std::size_t i = 1; i < nodes.size(); ++i)
		if (nodes[i - 1].id == nodes[i].id)
			throw KernelError(EPROTO, "", fmt::format("reading the cluster view failed: "
					  "node {} came twice", nodes[i].id));
	// A view of an empty map may come without a message, and so without
	// a generation: the status has it.
	return {generation ? *generation : status().map_generation, std::move(nodes)};
}

void GenlLibnl::set_self(std::optional<NodeId> id)
{
	const NlMsgPtr msg = request(OM_CMD_SET_SELF, 0, sizeof(std::uint32_t) + NLA_HDRLEN);
	// 0 tells the kernel to derive the id from the local addresses again.
	if (nla_put_u32(msg.get(), OM_A_NODE_ID, id.value_or(0)) < 0)
		throw std::logic_error("no room for OM_A_NODE_ID");
	exchange(sock_.get(), msg.get(), "setting the node id", ignore_replies);
}

void GenlLibnl::link_add(NodeId peer, int fd)
{
	const NlMsgPtr msg = request(OM_CMD_LINK_ADD, 0, 2 * (sizeof(std::uint32_t) + NLA_HDRLEN));
	if (nla_put_u32(msg.get(), OM_A_NODE_ID, peer) < 0 ||
	    nla_put_u32(msg.get(), OM_A_LINK_FD, static_cast<std::uint32_t>(fd)) < 0)
		throw std::logic_error("no room for OM_A_NODE_ID and OM_A_LINK_FD");
	exchange(sock_.get(), msg.get(), fmt::format("handing the link to node {} to the kernel", peer),
		 ignore_replies);
}

void GenlLibnl::set_load(const LoadReport &load, std::chrono::milliseconds interval)
{
	const NlMsgPtr msg = request(OM_CMD_SET_LOAD, 0, load_payload_size());
	const Landmarks landmarks = put_load(msg.get(), load, interval);
	exchange(sock_.get(), msg.get(), "reporting the load", ignore_replies, &landmarks);
}

void GenlLibnl::set_policy(const PolicyChange &change)
{
	const NlMsgPtr msg = request(OM_CMD_SET_POLICY, 0, policy_payload_size());
	const Landmarks landmarks = put_policy(msg.get(), change);
	exchange(sock_.get(), msg.get(), "changing this node's policy", ignore_replies, &landmarks);
}

} // namespace om
