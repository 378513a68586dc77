#pragma once

#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace om {

// A map file that cannot be found or read; the message names the path(s).
class MapFileError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

// Where openMosix looked for its map, in order: the current name first,
// then the two older ones, which the openMosix tools still honoured.
const std::vector<std::string> &default_map_paths();

// The first of CANDIDATES that exists.
std::string find_map_file(std::span<const std::string> candidates);

// The whole content of PATH.
std::string read_map_file(const std::string &path);

} // namespace om
