#include <ostream>

#include "commands.hpp"
#include "json_output.hpp"
#include "text_output.hpp"

namespace om::cli {

namespace {

// The other nodes of the map: all of them but this one, if it is there.
// A derived id always is; one set by hand may not be.
std::uint32_t peer_count(Kernel &kernel, const Status &status)
{
	bool self_in_map = status.self_source == SelfSource::FromAddress;
	if (status.self_source == SelfSource::Explicit && status.node_id)
		self_in_map = kernel.get_map().map.find(*status.node_id) != nullptr;
	return status.map_nodes - (self_in_map && status.map_nodes ? 1 : 0);
}

} // namespace

int cmd_status(const Invocation &inv, Context &ctx)
{
	Leaf leaf{"omctl status [--json]",
		  "Show this node's id and how it was found, the omcore module's version,\n"
		  "the size and generation of the map, the kernel's limits, how many links\n"
		  "to the other nodes of the map are up, whether omd reports the load (it is\n"
		  "silent after 3 intervals without a report), this node's policy and\n"
		  "speed, and whether it serves its files to /mfs of the other nodes and\n"
		  "squashes their root."};
	leaf.options.add_options()(
		"json", "print {\"node_id\": N|null, \"self_source\": \"address\"|\"explicit\"|"
			"\"none\"|\"ambiguous\", \"version\": \"...\", \"map_generation\": N, "
			"\"map_nodes\": N, \"map_addresses\": N, \"limits\": {\"nodes\": N, "
			"\"addresses\": N}, \"peers\": N, \"peers_up\": N, \"daemon\": "
			"{\"pid\": N, \"age_ms\": N, \"interval_ms\": N, \"silent\": BOOL}|null, "
			"\"quiet\": BOOL, \"speed\": N|null, \"mfs_served\": BOOL, "
			"\"root_squash\": BOOL}");
	const auto vm = parse_leaf(inv, leaf, ctx);
	if (!vm)
		return kSuccess;
	Kernel &kernel = ctx.kernel();
	const Status status = kernel.status();
	const std::uint32_t peers = peer_count(kernel, status);
	if (vm->count("json"))
		ctx.out << status_to_json(status, peers).dump() << '\n';
	else
		print_status(ctx.out, status, peers);
	return kSuccess;
}

} // namespace om::cli
