#include <algorithm>
#include <fmt/format.h>
#include <ostream>
#include <spdlog/spdlog.h>

#include "commands.hpp"

namespace om::cli {

int cmd_isup(const Invocation &inv, Context &ctx)
{
	Leaf leaf{"omctl isup ID",
		  "Say whether node ID is up: this node always is, another one while its link\n"
		  "is. Exit status 0 if it is up, 1 if it is down or not in the map (or the\n"
		  "kernel cannot be asked), 2 if ID is no node id."};
	leaf.argument("id", "node id");
	const auto vm = parse_leaf(inv, leaf, ctx);
	if (!vm)
		return kSuccess;
	const NodeId id = node_id_argument(
		required_argument(*vm, "id", inv, "missing ID: give a node id 1..65535"), inv);
	const ClusterView view = ctx.kernel().get_nodes();
	const auto node = std::find_if(view.nodes.begin(), view.nodes.end(),
				       [&](const NodeInfo &n) { return n.id == id; });
	if (node == view.nodes.end()) {
		ctx.log.error("node {} is not in the map (generation {})", id, view.generation);
		return kFailure;
	}
	ctx.out << fmt::format("node {} is {}\n", id, node->up ? "up" : "down");
	return node->up ? kSuccess : kFailure;
}

} // namespace om::cli
