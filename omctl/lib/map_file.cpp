#include "map_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <memory>

namespace om {

namespace {

// Far beyond any real map (OM_MAP_MAX_ADDRS lines of ~40 bytes): a larger
// file is the wrong file, and reading it whole would be unkind.
constexpr std::size_t kMaxMapFileSize = 16u << 20;

struct FileCloser {
	void operator()(std::FILE *f) const noexcept { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

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
	const FilePtr f(std::fopen(path.c_str(), "rb"));
	if (!f)
		throw read_error(path, errno);
	std::string text;
	char buf[64 * 1024];
	std::size_t n;
	while ((n = std::fread(buf, 1, sizeof(buf), f.get())) > 0) {
		text.append(buf, n);
		if (text.size() > kMaxMapFileSize)
			throw MapFileError(fmt::format("map file {} is larger than {} MiB: is it "
						       "the right file?", path, kMaxMapFileSize >> 20));
	}
	if (std::ferror(f.get()))
		throw read_error(path, errno);
	return text;
}

} // namespace om
