#include "mountinfo.hpp"

#include <vector>

#include "uapi/linux/omfs.h"

namespace om {

namespace {

bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

// TEXT with every \ooo replaced by the byte it stands for; a backslash
// that starts no such escape stays as it is.
std::string decode(std::string_view text)
{
	std::string out;
	out.reserve(text.size());
	for (std::size_t i = 0; i < text.size(); ++i) {
		if (text[i] == '\\' && i + 3 < text.size() && is_octal(text[i + 1]) &&
		    is_octal(text[i + 2]) && is_octal(text[i + 3])) {
			out += static_cast<char>((text[i + 1] - '0') << 6 | (text[i + 2] - '0') << 3 |
						 (text[i + 3] - '0'));
			i += 3;
		} else {
			out += text[i];
		}
	}
	return out;
}

std::vector<std::string_view> split(std::string_view line, char separator)
{
	std::vector<std::string_view> fields;
	std::size_t start = 0;
	for (std::size_t end; (end = line.find(separator, start)) != std::string_view::npos;
	     start = end + 1)
		fields.push_back(line.substr(start, end - start));
	fields.push_back(line.substr(start));
	return fields;
}

} // namespace

std::optional<std::string> find_mfs_mount(std::string_view text)
{
	// ID PARENT MAJOR:MINOR ROOT MOUNT-POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER-OPTIONS
	constexpr std::size_t kRoot = 3, kMountPoint = 4, kFirstOptional = 6;
	std::optional<std::string> first;
	for (const std::string_view line : split(text, '\n')) {
		const std::vector<std::string_view> fields = split(line, ' ');
		std::size_t dash = kFirstOptional;
		while (dash < fields.size() && fields[dash] != "-")
			++dash;
		if (dash + 1 >= fields.size() || decode(fields[dash + 1]) != OMFS_FS_NAME)
			continue;
		std::string mount_point = decode(fields[kMountPoint]);
		if (decode(fields[kRoot]) == "/")
			return mount_point;
		if (!first)
			first = std::move(mount_point);
	}
	return first;
}

} // namespace om
