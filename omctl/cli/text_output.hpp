#pragma once

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

void print_status(std::ostream &out, const Status &status);

} // namespace om::cli
