#include "map_file.hpp"
#include "file_text.hpp"

#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace om {

namespace {

// Far beyond any real map (OM_MAP_MAX_ADDRS lines of ~40 bytes): a larger
// file is the wrong file, and reading it whole would be unkind.
constexpr std::size_t kMaxMapFileSize = 16u << 20;

MapFileError read_error(const std::string &path, int error)
{
	return MapFileError(fmt::format("cannot read map file {}: {}", path, std::strerror(error)));
}

} // namespace

const std::vector<std::string> &default_map_paths()
{
	static const std::vector<std::string> paths{
		"/etc/openmosix.map", "/etc/mosix.map", "/etc/hpc.map"};
	return paths;
}

std::string find_map_file(std::span<const std::string> candidates)
{
	for (const auto &path : candidates) {
		std::error_code ec;
		if (std::filesystem::exists(path, ec))
			return path;
	}
	throw MapFileError(fmt::format("no map file: looked for {}; create {} or name "
				       "the file to use",
				       fmt::join(candidates, ", "),
				       candidates.empty() ? "one" : candidates.front()));
}

std::string read_map_file(const std::string &path)
{
	FileText file = read_file_text(path, kMaxMapFileSize);
	if (file.error)
		throw read_error(path, file.error);
	if (file.too_large)
		throw MapFileError(fmt::format("map file {} is larger than {} MiB: is it "
					       "the right file?", path, kMaxMapFileSize >> 20));
	return std::move(file.text);
}

} // namespace om
