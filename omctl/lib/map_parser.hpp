#pragma once

#include <string_view>
#include <variant>
#include <vector>

#include "map.hpp"
#include "parse_error.hpp"
#include "resolver.hpp"

namespace om {

using ParseResult = std::variant<Map, std::vector<ParseError>>;

// Parses the text of an openMosix map file: lines of "ID HOST COUNT",
// where COUNT >= 1 gives nodes ID..ID+COUNT-1 consecutive addresses and
// ALIAS (or 0) adds another address to node ID; '#' starts a comment.
// FILE names the text in errors; host names are looked up through
// RESOLVER. The result is the whole map or every error found, never both.
ParseResult parse_map(std::string_view text, std::string_view file, Resolver &resolver);

} // namespace om
