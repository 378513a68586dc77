#include "json_output.hpp"

namespace om {

namespace {

nlohmann::ordered_json id_or_null(std::optional<NodeId> id)
{
	return id ? nlohmann::ordered_json(*id) : nlohmann::ordered_json(nullptr);
}

} // namespace

nlohmann::ordered_json map_to_json(const MapSnapshot &snapshot, std::optional<NodeId> self)
{
	auto nodes = nlohmann::ordered_json::array();
	for (const Node &node : snapshot.map.nodes()) {
		auto addresses = nlohmann::ordered_json::array();
		for (const Address &a : node.addresses)
			addresses.push_back(a.to_string());
		nodes.push_back({{"id", node.id}, {"addresses", std::move(addresses)}});
	}
	return {{"generation", snapshot.generation},
		{"self", id_or_null(self)},
		{"nodes", std::move(nodes)}};
}

nlohmann::ordered_json status_to_json(const Status &status)
{
	return {{"node_id", id_or_null(status.node_id)},
		{"self_source", to_string(status.self_source)},
		{"version", status.version},
		{"map_generation", status.map_generation},
		{"map_nodes", status.map_nodes},
		{"map_addresses", status.map_addresses},
		{"limits", {{"nodes", status.limit_nodes}, {"addresses", status.limit_addresses}}}};
}

} // namespace om
