#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "genl_client.hpp"

namespace om::cli {

// This node's id and how the kernel came by it, e.g.
// "3 (from a local address in the map)".
std::string describe_self(const Status &status);

// The map as a table of ids and addresses under a line with the generation
// and this node's id.
void print_map(std::ostream &out, const MapSnapshot &snapshot, const Status &status);

// The status, one "name: value" line each; PEERS is how many other nodes
// the map has.
void print_status(std::ostream &out, const Status &status, std::uint32_t peers);

// The cluster view as a table, one row per node, under a line with the
// generation and how many nodes are up; NOW dates the "last seen" column.
void print_nodes(std::ostream &out, const ClusterView &view,
		 std::chrono::system_clock::time_point now);

// A load x 1000 as the decimal it stands for: 1250 is "1.25".
std::string format_load(std::uint32_t load);
// Bytes in binary units, two or three digits: "512 B", "3.8 GiB", "16 GiB".
std::string format_bytes(std::uint64_t bytes);
// A duration the way a person reads it: "0.4 s", "12 s", "5 min", "3 h", "2 d".
std::string format_duration(std::chrono::milliseconds duration);

} // namespace om::cli
