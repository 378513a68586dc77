#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "genl_client.hpp"

namespace om {

// The JSON forms of omctl's --json output, a stable interface for scripts,
// keys in the order shown:
//   {"generation": N, "self": ID|null,
//    "nodes": [{"id": N, "addresses": ["own", "alias", ...]}, ...]}
nlohmann::ordered_json map_to_json(const MapSnapshot &snapshot, std::optional<NodeId> self);

//   {"node_id": N|null, "self_source": "address"|"explicit"|"none"|"ambiguous",
//    "version": "...", "map_generation": N, "map_nodes": N, "map_addresses": N,
//    "limits": {"nodes": N, "addresses": N}}
nlohmann::ordered_json status_to_json(const Status &status);

} // namespace om
