#include "text_output.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <ostream>

namespace om::cli {

namespace {

std::string plural(std::size_t n, std::string_view one, std::string_view many)
{
	return fmt::format("{} {}", n, n == 1 ? one : many);
}

} // namespace

std::string describe_self(const Status &status)
{
	const std::string id = status.node_id ? std::to_string(*status.node_id) : "unknown";
	switch (status.self_source) {
	case SelfSource::FromAddress:
		return id + " (from a local address in the map)";
	case SelfSource::Explicit:
		return id + " (set with 'omctl set node-id')";
	case SelfSource::Ambiguous:
		return id + " (local addresses of several nodes are in the map: choose one "
			    "with 'omctl set node-id ID')";
	case SelfSource::None:
		break;
	}
	return id + " (no local address is in the map)";
}

void print_map(std::ostream &out, const MapSnapshot &snapshot, const Status &status)
{
	out << fmt::format("map generation {}, this node: {}\n", snapshot.generation,
			   describe_self(status));
	if (snapshot.map.empty()) {
		out << "the map is empty\n";
		return;
	}
	out << fmt::format("{:<6}{}\n", "ID", "ADDRESSES");
	for (const Node &node : snapshot.map.nodes()) {
		std::vector<std::string> addresses;
		for (const Address &a : node.addresses)
			addresses.push_back(a.to_string());
		out << fmt::format("{:<6}{}\n", node.id, fmt::join(addresses, " "));
	}
}

void print_status(std::ostream &out, const Status &status)
{
	out << fmt::format("node id:         {}\n", describe_self(status))
	    << fmt::format("module version:  {}\n", status.version)
	    << fmt::format("map:             {}, {}, generation {}\n",
			   plural(status.map_nodes, "node", "nodes"),
			   plural(status.map_addresses, "address", "addresses"), status.map_generation)
	    << fmt::format("limits:          {} nodes, {} addresses\n", status.limit_nodes,
			   status.limit_addresses);
}

} // namespace om::cli
