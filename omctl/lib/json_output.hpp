#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "genl_client.hpp"

namespace om {

// The JSON forms of omctl's --json output, a stable interface for scripts,
// keys in the order shown:
//   {"generation": N, "self": ID|null,
//    "nodes": [{"id": N, "addresses": ["own", "alias", ...]}, ...]}
nlohmann::ordered_json map_to_json(const MapSnapshot &snapshot, std::optional<NodeId> self);

//   {"node_id": N|null, "self_source": "address"|"explicit"|"none"|"ambiguous",
//    "version": "...", "map_generation": N, "map_nodes": N, "map_addresses": N,
//    "limits": {"nodes": N, "addresses": N},
//    "peers": N, "peers_up": N,
//    "daemon": {"pid": N, "age_ms": N, "interval_ms": N, "silent": BOOL}|null,
//    "quiet": BOOL, "speed": N|null, "mfs_served": BOOL, "root_squash": BOOL}
// PEERS is how many other nodes the map has, "peers_up" to how many of
// them a link is up; "daemon" is null if nothing
// reported the load since omcore was loaded, "speed" null while omd's
// measurement is used; "mfs_served" is false after 'omctl set nomfs',
// "root_squash" false after 'omctl set norootsquash'.
nlohmann::ordered_json status_to_json(const Status &status, std::uint32_t peers);

//   {"nodes": [{"id": N, "address": "..."|null, "state": "up"|"down",
//     "self": BOOL, "load": X|null, "cpus": N|null, "speed": N|null,
//     "mem_total": BYTES|null, "mem_free": BYTES|null, "util": X|null,
//     "quiet": BOOL, "last_seen": "2024-05-01T12:00:00.250Z"|null,
//     "load_age_ms": N|null}, ...],
//    "generation": N}
// "load" is the decayed run-queue length (1000 x in the kernel), "util"
// the CPU utilisation as a fraction, 0 to 1; the load's fields are null
// while the node is down or has not reported yet.
nlohmann::ordered_json nodes_to_json(const ClusterView &view);

//   {"selected": N|null}
// The node 'omctl select' reads back; null while none is selected.
nlohmann::ordered_json selected_to_json(std::optional<NodeId> selected);

// omd reports every load_interval; this many intervals without a report
// and it counts as silent.
inline constexpr int kSilentIntervals = 3;
bool daemon_silent(const Status &status) noexcept;

// T as ISO 8601 in UTC, to the millisecond: "2024-05-01T12:00:00.250Z".
std::string iso8601_utc(std::chrono::system_clock::time_point t);

} // namespace om
