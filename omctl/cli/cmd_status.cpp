#include <ostream>

#include "commands.hpp"
#include "json_output.hpp"
#include "text_output.hpp"

namespace om::cli {

int cmd_status(const Invocation &inv, Context &ctx)
{
	Leaf leaf{"omctl status [--json]",
		  "Show this node's id and how it was found, the omcore module's version,\n"
		  "the size and generation of the map, and the kernel's limits."};
	leaf.options.add_options()(
		"json", "print {\"node_id\": N|null, \"self_source\": \"address\"|\"explicit\"|"
			"\"none\"|\"ambiguous\", \"version\": \"...\", \"map_generation\": N, "
			"\"map_nodes\": N, \"map_addresses\": N, \"limits\": {\"nodes\": N, "
			"\"addresses\": N}}");
	const auto vm = parse_leaf(inv, leaf, ctx);
	if (!vm)
		return kSuccess;
	const Status status = ctx.kernel().status();
	if (vm->count("json"))
		ctx.out << status_to_json(status).dump() << '\n';
	else
		print_status(ctx.out, status);
	return kSuccess;
}

} // namespace om::cli
