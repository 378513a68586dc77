#include <ostream>

#include "commands.hpp"
#include "json_output.hpp"
#include "text_output.hpp"

namespace om::cli {

int cmd_nodes(const Invocation &inv, Context &ctx)
{
	Leaf leaf{"omctl nodes [--json]",
		  "Show every node of the map as the kernel sees it: its address, whether it\n"
		  "is up (this node always is; another while its link is), and the load it\n"
		  "last reported: the decayed run-queue length, CPUs, speed (10000 is a\n"
		  "Pentium III at 1 GHz), free and total memory, CPU utilisation; whether it\n"
		  "is quiet, and when a frame last came from it. '-' marks what a node that is\n"
		  "down, or has not reported yet, leaves unknown."};
	leaf.options.add_options()(
		"json", "print {\"nodes\": [{\"id\": N, \"address\": \"...\", \"state\": \"up\"|"
			"\"down\", \"self\": BOOL, \"load\": X, \"cpus\": N, \"speed\": N, "
			"\"mem_total\": BYTES, \"mem_free\": BYTES, \"util\": 0..1, \"quiet\": BOOL, "
			"\"last_seen\": \"ISO 8601 UTC\", \"load_age_ms\": N}, ...], "
			"\"generation\": N}, null for what is unknown");
	const auto vm = parse_leaf(inv, leaf, ctx);
	if (!vm)
		return kSuccess;
	const ClusterView view = ctx.kernel().get_nodes();
	if (vm->count("json"))
		ctx.out << nodes_to_json(view).dump() << '\n';
	else
		print_nodes(ctx.out, view, ctx.now());
	return kSuccess;
}

} // namespace om::cli
