#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "address.hpp"
#include "map.hpp"
#include "map_lines.hpp"
#include "parse_error.hpp"
#include "resolver.hpp"

namespace om {

// One "ID HOST COUNT" line with each field checked on its own. A field
// that failed its check stays empty (its error is already reported); the
// others are kept so that later checks can still run on the line.
struct Entry {
	std::size_t line = 0;
	Field id_field, host_field, count_field;

	std::optional<NodeId> id;
	std::optional<std::uint32_t> count;	// 0 for ALIAS
	std::optional<Address> address;		// the literal, or the resolved host
	std::optional<std::string> host_name;	// still to be resolved

	bool is_alias() const noexcept { return count == 0u; }
};

// The entry of LINE, or nothing if it lacks fields to check.
std::optional<Entry> parse_entry(const Line &line, ErrorList &errors);

// Looks up every host name of ENTRIES once, filling in their addresses.
void resolve_hosts(std::vector<Entry> &entries, Resolver &resolver, ErrorList &errors);

} // namespace om
